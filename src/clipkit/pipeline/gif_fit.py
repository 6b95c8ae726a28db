"""Fitting a GIF to ``max_size``: the ladder of tries and the loop that climbs it.

The GIF is re-encoded from the same decoded frames with, in this order, more
tolerance and fewer colours, fewer frames per second, then fewer pixels — a
bounded number of tries (``max_tries``), each chosen from the size the last one
gave (:func:`_next_try`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol, TypeVar

from ..errors import OutputError
from ..settings import GifSettings

__all__ = ["MIN_FIT_WIDTH", "FPS_STEPS", "fit"]

#: The smallest width a fit to ``max_size`` may go down to.
MIN_FIT_WIDTH = 96

_FPS_STEPS = (Fraction(15), Fraction(25, 2), Fraction(10))
#: The frame rates a fit may step down to (the decoder keeps the frames these show too).
FPS_STEPS = _FPS_STEPS


@dataclass(frozen=True)
class _Try:
    quality: int
    colors: int
    fps: Fraction
    size: tuple[int, int]

    def describe(self) -> str:
        return f"{self.size[0]}×{self.size[1]}, {float(self.fps):g} fps, {self.colors} colours, quality {self.quality}"


class _Tried(Protocol):
    attempt: _Try
    data: bytes


M = TypeVar("M", bound=_Tried)


def fit(s: GifSettings, first: M, make: Callable[[_Try], M], notes: list[str]) -> M:
    """The first try (``first``) or a later one (``make(next try)``) at most ``s.max_size`` bytes.

    Lossier, then fewer fps, then narrower; raises :class:`OutputError` when
    ``max_tries`` tries or the ladder run out.  Says what it chose in ``notes``.
    """
    budget = s.max_size
    if len(first.data) <= budget:
        notes.append(f"fits the {_kb(budget)} budget as asked ({_kb(len(first.data))})")
        return first
    last, tries = first, 1
    while tries < s.max_tries:
        nxt = _next_try(last.attempt, len(last.data), budget)
        if nxt is None:
            break
        last, tries = make(nxt), tries + 1
        if len(last.data) <= budget:
            notes.append(f"fitted under {_kb(budget)} in {tries} tries: {nxt.describe()} → {_kb(len(last.data))}")
            return last
    raise OutputError(
        f"could not make the GIF fit in {_kb(budget)}: the smallest try ({last.attempt.describe()}) was "
        f"{_kb(len(last.data))}",
        "give a shorter range, a larger --max-size, or a smaller --width; nothing was written")


def _next_try(last: _Try, size: int, budget: int) -> _Try | None:
    """The next settings to try, from how far over budget the last try was; None if even the
    smallest GIF allowed would not come near the budget.

    Order: lossier (quality 55, 128 colours), then fewer frames (15, 12.5, 10 fps), then fewer
    colours and pixels.  Size shrinks more slowly than the pixel count (headers, palettes, edges),
    hence the exponent on the width scale.
    """
    ratio = size / (budget * 0.9)
    q, c, fps, (w, h) = last.quality, last.colors, last.fps, last.size
    if q > 55 or c > 128:  # 1. lossier: saves 10–30 %
        if ratio < 1.4:
            return _Try(min(q, 55), min(c, 128), fps, (w, h))
        ratio /= 1.3
        q, c = min(q, 55), min(c, 128)
    for step in _FPS_STEPS:  # 2. fewer frames
        if step < fps and ratio <= float(fps / step) * 0.9:
            return _Try(q, c, step, (w, h))
    if fps > _FPS_STEPS[-1]:
        ratio /= float(fps / _FPS_STEPS[-1]) * 0.9
        fps = _FPS_STEPS[-1]
    if c > 64 and ratio > 1.5:  # 3. fewer colours and pixels
        c = 64
        ratio /= 1.15
    nw = int(w * ratio ** -0.6 * 0.95) // 2 * 2
    if nw < MIN_FIT_WIDTH:
        if w <= MIN_FIT_WIDTH or ratio * (MIN_FIT_WIDTH / w) ** 1.2 > 3:
            return None
        nw = MIN_FIT_WIDTH
    nh = max(2, round(h * nw / w))
    if (nw, fps, q, c) == (w, last.fps, last.quality, last.colors):
        return None
    return _Try(q, c, fps, (nw, nh))


def _kb(n: int) -> str:
    return f"{n / 1000:.0f} KB" if n < 1_000_000 else f"{n / 1_000_000:.2f} MB"
