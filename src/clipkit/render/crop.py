"""Cropping: explicit rectangles, and letterbox/pillarbox bars found automatically.

Pure image work on numpy frames (no decoding here): the pipeline samples a few
frames and asks :func:`detect_bars` where the picture is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from ..errors import UsageError, option

if TYPE_CHECKING:  # numpy only for detect_bars: parsing a crop stays light
    import numpy as np

__all__ = ["CropBox", "parse_crop", "detect_bars", "crop_filter"]


@dataclass(frozen=True)
class CropBox:
    """A rectangle of the displayed picture, in display pixels."""

    width: int
    height: int
    x: int = 0
    y: int = 0

    def __str__(self) -> str:
        return f"{self.width}:{self.height}:{self.x}:{self.y}"


#: The smallest side a typed crop may keep (as --width's least): below it, ``4:3`` or ``16:9`` was meant as a shape.
MIN_CROP = 16

#: A typed crop: ``W:H`` (centred) or ``W:H:X:Y`` in display pixels (``x`` may stand for the first colon).
CROP_RE = re.compile(r"^\s*(\d+)\s*[:x]\s*(\d+)\s*(?::\s*(\d+)\s*:\s*(\d+))?\s*$")


def parse_crop(text: str, display: tuple[int, int]) -> CropBox:
    """``W:H:X:Y`` (or ``W:H``, centred) inside a picture of ``display`` size.  Errors name the option as the
    caller typed it (``--crop 4:3`` on the command line, ``crop='4:3'`` in Python)."""
    m = CROP_RE.match(text or "")
    if not m:
        raise UsageError(f"{option('crop', text)} is not W:H:X:Y or auto",
                         f"e.g. {option('crop', '640:272:0:44')}, or {option('crop', 'auto')} to remove black bars")
    w, h = int(m.group(1)), int(m.group(2))
    dw, dh = display
    x = int(m.group(3)) if m.group(3) is not None else (dw - w) // 2
    y = int(m.group(4)) if m.group(4) is not None else (dh - h) // 2
    if w < 2 or h < 2:
        raise UsageError(f"{option('crop', text)} keeps {w}×{h} pixels: nothing to show",
                         f"give a width and height of at least 2, e.g. {option('crop', f'{dw}:{dh * 3 // 4}')}")
    if x < 0 or y < 0 or x + w > dw or y + h > dh:
        raise UsageError(f"{option('crop', text)} does not fit inside the {dw}×{dh} picture",
                         f"give W:H:X:Y with X+W ≤ {dw} and Y+H ≤ {dh}")
    if w < MIN_CROP or h < MIN_CROP:  # --crop 4:3, 16:9, 1:1: a shape was meant, and pixels were read
        scale = min(Fraction(dw, w), Fraction(dh, h))
        sw, sh = int(w * scale) // 2 * 2, int(h * scale) // 2 * 2
        raise UsageError(f"{option('crop', text)} keeps only {w}×{h} pixels (a crop is in pixels, not an aspect ratio)",
                         f"for a {w}:{h} picture give its size in pixels, e.g. {option('crop', f'{sw}:{sh}')} (the largest, "
                         f"centred in the {dw}×{dh} picture)")
    return CropBox(w, h, x, y)


def _dark_run(lines_max: np.ndarray, threshold: float) -> int:
    """How many leading entries are dark (the bar's thickness)."""
    import numpy as np

    dark = lines_max <= threshold
    return int(np.argmin(dark)) if not dark.all() else len(dark)


def detect_bars(frames: Sequence[np.ndarray], threshold: float = 24.0, min_fraction: float = 0.02) -> CropBox | None:
    """The picture inside black bars common to all ``frames`` (grey or RGB), or None if there are none.

    A row or column belongs to a bar if it is dark (≤ ``threshold``) in every
    frame; bars thinner than ``min_fraction`` of the side are ignored (encoder
    edge noise).  The result has even sizes.
    """
    if not frames:
        return None
    import numpy as np

    stack = np.stack([f if f.ndim == 2 else f.max(axis=2) for f in frames])
    h, w = stack.shape[1:]
    rows = np.percentile(stack, 98, axis=(0, 2))  # a few bright specks do not end a bar
    cols = np.percentile(stack, 98, axis=(0, 1))
    top, bottom = _dark_run(rows, threshold), _dark_run(rows[::-1], threshold)
    left, right = _dark_run(cols, threshold), _dark_run(cols[::-1], threshold)
    if top + bottom >= h - 8 or left + right >= w - 8:
        return None  # a black frame, not bars
    top = top if top >= h * min_fraction else 0
    bottom = bottom if bottom >= h * min_fraction else 0
    left = left if left >= w * min_fraction else 0
    right = right if right >= w * min_fraction else 0
    if not (top or bottom or left or right):
        return None
    top, left = top + (top & 1), left + (left & 1)  # round inwards to even
    ch = (h - top - bottom) // 2 * 2
    cw = (w - left - right) // 2 * 2
    return CropBox(cw, ch, left, top)


def crop_filter(box: CropBox, display: tuple[int, int], frame_size: tuple[int, int]) -> str:
    """The ffmpeg ``crop`` filter for ``box`` (display pixels) on frames of ``frame_size``
    (the decoded size before aspect correction: non-square pixels differ)."""
    sx = frame_size[0] / display[0]
    sy = frame_size[1] / display[1]
    return (f"crop={max(2, round(box.width * sx))}:{max(2, round(box.height * sy))}:"
            f"{round(box.x * sx)}:{round(box.y * sy)}:exact=1")
