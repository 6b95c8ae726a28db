"""The jobs both the CLI and the Python API call: one function per command."""

from ..media.probe import probe as info
from .still import still
from .gif import make_gif
from .batch import batch
from .strip import make_strip
from .scenes import detect_scenes, scene_range, snap_range

__all__ = ["info", "still", "make_gif", "batch", "make_strip", "detect_scenes", "scene_range", "snap_range"]
