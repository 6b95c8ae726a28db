"""clipkit: clips, GIFs, stills and thumbnail strips from TV episodes, with paste-ready embeds.

The Python API has one function per command, with the same options::

    import clipkit
    facts = clipkit.info("ep07.mkv")
    shot = clipkit.still("ep07.mkv", "12:31", best=True)
"""

__version__ = "0.1.0"

from .artifact import Artifact  # noqa: E402
from .errors import ClipkitError, InputError, MediaError, OutputError, TimecodeError, UsageError  # noqa: E402
from .timecode import format_time, parse_range, parse_time  # noqa: E402

# Everything else loads on first use (PEP 562), so `clipkit gif` does not pay
# for importing scene detection, batch or embed code it does not run.
_LAZY = {
    "MediaInfo": ("clipkit.media.probe", "MediaInfo"),
    "info": ("clipkit.media.probe", "probe"),
    "still": ("clipkit.pipeline.still", "still"),
    "make_strip": ("clipkit.pipeline.strip", "make_strip"),
    "make_gif": ("clipkit.pipeline.gif", "make_gif"),
    "Frames": ("clipkit.media.sources", "Frames"),
    "make_clip": ("clipkit.pipeline.clip", "make_clip"),
    "clip": ("clipkit.pipeline.clip", "make_clip"),
    "ClipSettings": ("clipkit.settings", "ClipSettings"),
    "demo": ("clipkit.pipeline.demo", "demo"),
    "BatchResult": ("clipkit.pipeline.batch", "BatchResult"),
    "JobResult": ("clipkit.pipeline.batch", "JobResult"),
    "batch": ("clipkit.pipeline.batch", "batch"),
    "resolve_presets": ("clipkit.presets", "resolve"),
    "make_sample": ("clipkit.sample", "make_sample"),
    "EMBED_FORMATS": ("clipkit.embed", "FORMATS"),
    "embed_files": ("clipkit.embed", "embed_files"),
    "snippet": ("clipkit.embed", "snippet"),
    "read_manifest": ("clipkit.manifest", "read_manifest"),
    "record_artifact": ("clipkit.manifest", "record_artifact"),
    "CaptionSettings": ("clipkit.settings", "CaptionSettings"),
    "FontChoice": ("clipkit.render.fonts", "FontChoice"),
    "find_font": ("clipkit.render.fonts", "find_font"),
    "burn_captions": ("clipkit.render.captions", "burn_captions"),
    "caption_overlay": ("clipkit.render.captions", "caption_overlay"),
    "load_subtitle_file": ("clipkit.subtitles", "load_subtitle_file"),
    "select_subtitles": ("clipkit.subtitles", "select_subtitles"),
    "detect_scenes": ("clipkit.pipeline.scenes", "detect_scenes"),
    "scene_range": ("clipkit.pipeline.scenes", "scene_range"),
    "snap_range": ("clipkit.pipeline.scenes", "snap_range"),
    "Scene": ("clipkit.scenes.model", "Scene"),
    "SceneList": ("clipkit.scenes.model", "SceneList"),
}


def __getattr__(name: str):
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'clipkit' has no attribute {name!r}") from None
    import importlib

    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "__version__",
    "Artifact",
    "ClipkitError",
    "InputError",
    "MediaError",
    "OutputError",
    "TimecodeError",
    "UsageError",
    "MediaInfo",
    "info",
    "still",
    "make_strip",
    "make_gif",
    "Frames",
    "make_clip",
    "clip",
    "ClipSettings",
    "demo",
    "batch",
    "BatchResult",
    "JobResult",
    "resolve_presets",
    "make_sample",
    "snippet",
    "embed_files",
    "EMBED_FORMATS",
    "record_artifact",
    "read_manifest",
    "format_time",
    "parse_range",
    "parse_time",
    "CaptionSettings",
    "FontChoice",
    "find_font",
    "burn_captions",
    "caption_overlay",
    "load_subtitle_file",
    "select_subtitles",
    "detect_scenes",
    "scene_range",
    "snap_range",
    "Scene",
    "SceneList",
]
