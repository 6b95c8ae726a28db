"""A GIF's frames in time: which source frames a GIF shows, and the time effects (speed, reverse, bounce).

Each effect is one small function over :class:`Shown` (the output frames in
play order, the source time each shows, and each one's delay).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..media.frames import Frame, resample
from ..timecode import TimeRange

__all__ = ["Shown", "at_speed", "reverse", "bounce", "frames_on_ticks", "constant_rate"]


@dataclass(frozen=True)
class Shown:
    """Output frames in play order: each picture, the source time it shows, its delay (centiseconds)."""

    images: Sequence[np.ndarray]  # a list, or a spill store's Frames (slicing and + work on both)
    times: list[Fraction]
    delays: list[int]


def at_speed(decoded: Iterable[Frame], rng: TimeRange, fps: Fraction, speed: Fraction) -> list[tuple[Fraction, Frame]]:
    """``(source time, frame)`` for each output tick at ``fps``: source time runs ``speed`` times faster."""
    return list(resample(decoded, rng.start, rng.end, fps / speed))


def reverse(shown: Shown) -> Shown:
    """Played backwards: each frame keeps its own delay."""
    return Shown(shown.images[::-1], shown.times[::-1], shown.delays[::-1])


def bounce(shown: Shown) -> Shown:
    """Forwards then backwards, the turning frames shown once (so the loop has no stutter)."""
    if len(shown.images) <= 2:
        return shown
    return Shown(shown.images + shown.images[-2:0:-1], shown.times + shown.times[-2:0:-1],
                 shown.delays + shown.delays[-2:0:-1])


def frames_on_ticks(frames: Iterable[Frame], start: Fraction, end: Fraction, rates: Sequence[Fraction]) -> Iterator[Frame]:
    """Only the frames ``resample`` can pick: on screen at the middle of some tick ``start + k/rate``
    of one of ``rates`` (memory: a 24 fps source sampled at 20 fps keeps 20 of every 24 frames)."""
    last = end - Fraction(1, 10**6)  # a middle past the end takes the last frame before it
    ticks = sorted({min(start + (2 * k + 1) / (2 * Fraction(r)), last) for r in rates
                    for k in range(int((end - start) * r) + 1) if start + Fraction(k) / r < end})
    i = 0
    held = None
    for frame in frames:
        if held is not None:
            # ``held`` is on screen over [held.time, frame.time): keep it if a tick falls there
            # (the first frame also covers ticks before its own time).
            if i < len(ticks) and ticks[i] < frame.time:
                yield held
                while i < len(ticks) and ticks[i] < frame.time:
                    i += 1
        held = frame
    if held is not None and i < len(ticks):
        yield held


def constant_rate(images: list[np.ndarray], delays: list[int], fps: Fraction) -> Iterator[np.ndarray]:
    """The frames repeated so each lasts its delay at a constant ``fps`` (for MP4/WebP): frame k is the GIF
    frame on screen at the middle of its tick, (k + ½)/fps, so the sibling plays as long as the GIF to
    within half a frame (a tick is kept only when its middle is before the GIF's end)."""
    clock, shown = Fraction(0), 0
    for img, d in zip(images, delays):
        clock += Fraction(d, 100)
        while (shown + Fraction(1, 2)) / fps < clock:
            yield img
            shown += 1
