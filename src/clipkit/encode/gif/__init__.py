"""The GIF engine (see ``engine``): palette, dithering, frame differences, timing, file writing."""

from .engine import GifOptions, GifResult, encode_gif, tolerance_for
from .timing import MAX_FPS, centisecond_delays, tick_times

__all__ = ["GifOptions", "GifResult", "encode_gif", "tolerance_for", "MAX_FPS", "centisecond_delays", "tick_times"]
