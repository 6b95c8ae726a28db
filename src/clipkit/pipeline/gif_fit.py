"""Fitting a GIF to ``max_size``: the ladder of tries and the loop that climbs it.

The GIF is re-encoded from the same decoded frames with, in this order, more
tolerance and fewer colours, fewer frames per second, 64 colours, then fewer
pixels down to a readable width — a bounded number of tries (``max_tries``),
each chosen from the size the last one gave (:func:`_next_try`); a fit with
much of the budget left is followed by a wider try, so the budget is used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol, TypeVar

from ..errors import OutputError
from ..settings import GifSettings
from .clip_limits import describe_size as _kb

__all__ = ["MIN_FIT_WIDTH", "FPS_STEPS", "fit"]

#: The smallest width a fit to ``max_size`` may go down to: below it captions get unreadable
#: (at 164 px they were 6 px tall), so a budget that needs less is refused with what would fit.
MIN_FIT_WIDTH = 240

#: The frame rates a fit may step down to (the decoder keeps the frames these show too).
FPS_STEPS = (Fraction(15), Fraction(25, 2), Fraction(10))


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
    size: int  # bytes


M = TypeVar("M", bound=_Tried)


def fit(s: GifSettings, first: M, make: Callable[[_Try], M], notes: list[str]) -> M:
    """The first try (``first``) or a later one (``make(next try)``) at most ``s.max_size`` bytes.

    Lossier and fewer colours, then fewer fps, then narrower (never under a
    readable width); a try that fits with much of the budget left is followed
    by a wider one while tries remain, so the budget is used (aim: within
    ~10 % under it).  Raises :class:`OutputError` saying what would fit when
    the ladder or ``max_tries`` run out.  Says what it chose in ``notes``.
    """
    budget = s.max_size
    if first.size <= budget:
        notes.append(f"fits the {_kb(budget)} budget as asked ({_kb(first.size)})")
        return first
    last, tries, best = first, 1, None
    top = first.attempt.size
    while tries < s.max_tries:
        nxt = _next_try(last.attempt, last.size, budget)
        if nxt is None or (best is not None and nxt.size[0] <= best.attempt.size[0]):
            break
        if nxt.size[0] > top[0]:  # never wider than asked
            nxt = _Try(nxt.quality, nxt.colors, nxt.fps, top)
            if best is not None and best.attempt.size == top:
                break
        last, tries = make(nxt), tries + 1
        if last.size <= budget and (best is None or last.size > best.size):
            best = last
        if best is not None and (best.size >= budget * _USE or best.attempt.size == top):
            break
    if best is not None:
        notes.append(f"fitted under {_kb(budget)} in {tries} tries: {best.attempt.describe()} → {_kb(best.size)}")
        return best
    raise OutputError(
        f"could not make the GIF fit in {_kb(budget)}: the smallest readable try ({last.attempt.describe()}) was "
        f"{_kb(last.size)}",
        f"--max-size {_kb(int(last.size * 1.05) + 1)} would fit at that size, or a range about "
        f"{budget / last.size:.0%} as long; nothing was written")


#: A fitting try using less than this share of the budget is followed by a wider one.
_USE = 0.85


def _next_try(last: _Try, size: int, budget: int) -> _Try | None:
    """The next settings to try, from how far over (or under) budget the last try was; None when
    nothing readable would fit.

    Order: lossier with fewer colours (quality 70, 128 colours), fewer frames (15, 12.5, 10 fps),
    64 colours, then fewer pixels down to ``MIN_FIT_WIDTH`` (captions stay readable).  Under budget,
    a wider try.  Size shrinks more slowly than the pixel count (headers, palettes, edges), hence
    the exponent on the width scale.
    """
    ratio = size / (budget * 0.93)
    q, c, fps, (w, h) = last.quality, last.colors, last.fps, last.size
    if ratio < 1:  # fits with room to spare: wider (the caller caps it at the asked size)
        nw = int(w * ratio ** -0.6) // 2 * 2
        return _Try(q, c, fps, (nw, max(2, round(h * nw / w)))) if nw > w else None
    if q > 70 or c > 128:  # 1. lossier, fewer colours: saves 15–30 %
        if ratio < 1.35:
            return _Try(min(q, 70), min(c, 128), fps, (w, h))
        ratio /= 1.3
        q, c = min(q, 70), min(c, 128)
    for step in FPS_STEPS:  # 2. fewer frames
        if step < fps and ratio <= float(fps / step) * 0.9:
            return _Try(q, c, step, (w, h))
    if fps > FPS_STEPS[-1]:
        ratio /= float(fps / FPS_STEPS[-1]) * 0.9
        fps = FPS_STEPS[-1]
    if c > 64:  # 3. fewer colours
        if ratio < 1.2:
            return _Try(q, 64, fps, (w, h))
        c = 64
        ratio /= 1.15
    floor = min(MIN_FIT_WIDTH, w)  # 4. fewer pixels, never under a readable width
    nw = max(floor, int(w * ratio ** -0.6 * 0.97) // 2 * 2)
    if (nw, fps, q, c) == (w, last.fps, last.quality, last.colors):
        return None
    return _Try(q, c, fps, (nw, max(2, round(h * nw / w))))

