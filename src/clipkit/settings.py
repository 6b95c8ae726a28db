"""The one home of every default.

Each job has a frozen dataclass of its settings.  Values are layered:
built-in default (here) < platform preset < series preset < flags the user
typed.  Presets (``presets.py``) map TOML keys onto these fields by name, so a
field's name is also its preset key; unknown keys are an error there.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

__all__ = ["StillSettings", "DEFAULT_STILL"]


@dataclass(frozen=True)
class StillSettings:
    """``clipkit still``: one frame to an image file."""

    width: int | None = None  # None: the display size of the video
    best: bool = False  # pick the sharpest usable frame near the time
    best_window: Fraction = Fraction(1, 2)  # seconds either side searched by ``best``
    jpeg_quality: int = 90
    webp_quality: int = 90
    format: str = "png"  # used when the output name has no extension


DEFAULT_STILL = StillSettings()
