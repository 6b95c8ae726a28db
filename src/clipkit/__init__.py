"""clipkit: clips, GIFs, stills and thumbnail strips from TV episodes, with paste-ready embeds.

The Python API has one function per command, named as the command, with the same options
(a flag ``--max-size`` is the keyword ``max_size``)::

    import clipkit
    facts = clipkit.info("ep07.mkv")
    art = clipkit.gif("ep07.mkv", "12:30", "+6", width=480, max_size="3MB")
    shot = clipkit.still("ep07.mkv", "12:31", best=True)
    print(clipkit.snippet(art, "markdown"))

Files made are recorded in their folder's manifest (``record=False`` to skip), so
``clipkit embed --all`` knows them.  A typo'd keyword is a :class:`UsageError` that
suggests the name meant.
"""

__version__ = "0.1.0"


from .artifact import Artifact  # noqa: E402
from .errors import ClipkitError, InputError, MediaError, OutputError, TimecodeError, UsageError  # noqa: E402
from .timecode import format_time, parse_range, parse_time  # noqa: E402

# Everything else loads on first use (PEP 562), so `clipkit gif` does not pay
# for importing scene detection, batch or embed code it does not run.
_LAZY = {
    # one function per command, named as the command
    "info": ("clipkit.media.probe", "probe"),
    "gif": ("clipkit.pipeline.gif", "make_gif"),
    "still": ("clipkit.pipeline.still", "still"),
    "strip": ("clipkit.pipeline.strip", "make_strip"),
    "scenes": ("clipkit.scenes", None),  # the subpackage, callable: runs detect_scenes
    "embed": ("clipkit.embed", None),  # the subpackage, callable: runs embed_files
    "batch": ("clipkit.pipeline.batch", "batch"),
    "find": ("clipkit.pipeline.find", "find"),
    "Line": ("clipkit.pipeline.find", "Line"),
    "clip": ("clipkit.pipeline.clip", "make_clip"),
    # the older names
    "make_gif": ("clipkit.pipeline.gif", "make_gif"),
    "Frames": ("clipkit.media.sources", "Frames"),
    "make_clip": ("clipkit.pipeline.clip", "make_clip"),
    "ClipSettings": ("clipkit.settings", "ClipSettings"),
    "make_strip": ("clipkit.pipeline.strip", "make_strip"),
    "MediaInfo": ("clipkit.media.probe", "MediaInfo"),
    "EmbedOptions": ("clipkit.settings", "EmbedOptions"),
    "demo": ("clipkit.pipeline.demo", "demo"),
    "BatchResult": ("clipkit.pipeline.batch", "BatchResult"),
    "JobResult": ("clipkit.pipeline.batch", "JobResult"),
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

    value = importlib.import_module(module)
    value = getattr(value, attr) if attr else value
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
    "info",
    "gif",
    "still",
    "strip",
    "scenes",
    "embed",
    "batch",
    "find",
    "Line",
    "clip",
    "make_gif",
    "make_strip",
    "MediaInfo",
    "EmbedOptions",
    "Frames",
    "make_clip",
    "ClipSettings",
    "demo",
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
