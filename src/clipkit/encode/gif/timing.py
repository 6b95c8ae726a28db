"""Frame delays in whole centiseconds, with the rounding error carried forward.

A GIF stores each frame's delay in centiseconds.  Rounding every delay on its
own drifts (15 fps is 6.67 cs: all 7s play 5 % slow, all 6s 10 % fast), so
each frame's delay is the difference of the *rounded running clock*:
``round(100·t[k+1]) − round(100·t[k])``.  The delays then sum to the clip's
length rounded once, e.g. 7, 6, 7, 7, 6, 7 … for 15 fps and 600 cs for 6.00 s.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

__all__ = ["MAX_FPS", "centisecond_delays", "tick_times"]

#: Browsers turn delays of 0–1 cs into 10 cs, so 2 cs (50 fps) is the floor.
MAX_FPS = Fraction(50)


def _cs(t: Fraction) -> int:
    """Seconds to whole centiseconds, half rounding up (deterministic)."""
    return int((Fraction(t) * 100 + Fraction(1, 2)) // 1)


def tick_times(duration: Fraction, fps: Fraction) -> list[Fraction]:
    """Output times ``k/fps`` for k = 0, 1, … while before ``duration`` (at least one)."""
    fps = Fraction(fps)
    n = max(1, -((-Fraction(duration) * fps).__floor__()))  # ceil
    return [Fraction(k) / fps for k in range(n)]


def centisecond_delays(times: Sequence[Fraction], end: Fraction) -> list[int]:
    """Delays (cs) for frames shown from ``times[k]`` until the next time, the last until ``end``.

    Every delay is at least 2 cs when the times are at most 50 per second.
    """
    clocks = [_cs(t) for t in times] + [_cs(end)]
    return [b - a for a, b in zip(clocks, clocks[1:])]
