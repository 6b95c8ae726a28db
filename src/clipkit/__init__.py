"""clipkit: clips, GIFs, stills and thumbnail strips from TV episodes, with paste-ready embeds.

The Python API has one function per command, with the same options::

    import clipkit
    facts = clipkit.info("ep07.mkv")
    shot = clipkit.still("ep07.mkv", "12:31", best=True)
"""

__version__ = "0.1.0"

from .artifact import Artifact  # noqa: E402
from .errors import ClipkitError, InputError, MediaError, OutputError, TimecodeError, UsageError  # noqa: E402
from .media.probe import MediaInfo  # noqa: E402
from .pipeline import info, still  # noqa: E402
from .pipeline.strip import make_strip  # noqa: E402
from .pipeline.gif import make_gif  # noqa: E402
from .pipeline.demo import demo  # noqa: E402
from .pipeline.batch import BatchResult, JobResult, batch  # noqa: E402
from .presets import resolve as resolve_presets  # noqa: E402
from .sample import make_sample  # noqa: E402
from .embed import FORMATS as EMBED_FORMATS, embed_files, snippet  # noqa: E402
from .manifest import read_manifest, record_artifact  # noqa: E402
from .timecode import format_time, parse_range, parse_time  # noqa: E402
from .settings import CaptionSettings  # noqa: E402
from .render.fonts import FontChoice, find_font  # noqa: E402
from .render.captions import burn_captions, caption_overlay  # noqa: E402
from .subtitles import load_subtitle_file, select_subtitles  # noqa: E402
from .pipeline.scenes import detect_scenes, scene_range, snap_range  # noqa: E402
from .scenes.model import Scene, SceneList  # noqa: E402

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
