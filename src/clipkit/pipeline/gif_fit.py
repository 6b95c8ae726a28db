"""Fitting a GIF to ``max_size``: which settings to try next, and the loop that tries them.

A fit walks the size–quality curve of ``--quality`` (``encode/gif/quality.py``)
down to a quality where the picture is still decent (``MIN_FIT_QUALITY``), then
shows fewer frames per second (``FPS_STEPS``), then fewer pixels, never under a
readable width (``MIN_FIT_WIDTH``), and only there goes on down the quality
curve (to ``LAST_FIT_QUALITY``).  Each try is re-encoded from the
same decoded frames; the next one is predicted from the sizes the tries so far
gave (:func:`_next_try`: bytes fall about geometrically with quality, as a
power of the frame rate and of the width), and a try that fits with much of the
budget left is followed by a better one, so the GIF lands within ~10 % under the
budget, never over, in a bounded number of tries (``max_tries``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol, TypeVar

from ..encode.gif.quality import FULL_PALETTE_FROM, quality_level
from ..errors import OutputError, option
from ..settings import GifSettings
from .clip_limits import describe_size as _kb

__all__ = ["MIN_FIT_WIDTH", "MIN_FIT_QUALITY", "LAST_FIT_QUALITY", "FPS_STEPS", "fit"]

#: The smallest width a fit to ``max_size`` may go down to: below it captions get unreadable
#: (at 164 px they were 6 px tall), so a budget that needs less is refused with what would fit.
MIN_FIT_WIDTH = 240

#: The lowest quality a fit lowers to before it drops frames and pixels (or a lower --quality as asked).
MIN_FIT_QUALITY = 60
#: At the smallest readable width and frame rate, the quality may still go down to this before a fit gives up.
LAST_FIT_QUALITY = 40

#: The frame rates a fit may step down to (the decoder keeps the frames these show too).
FPS_STEPS = (Fraction(15), Fraction(25, 2), Fraction(10))

#: A fitting try that uses at least this share of the budget ends the search.
FILL = 0.9
#: The share of the budget a try is aimed at (between FILL and the budget).
_AIM = 0.95
#: How far over the aim (log) a frame rate's floor quality may be predicted and still be tried.
_DOUBT = math.log(1.15)

# How the bytes follow the settings (measured on the real clips, bench/README.md "--max-size on the curve"):
#: log-bytes per quality step below FULL_PALETTE_FROM (each 10 steps ≈ ×0.8) and from it up (×0.84–0.98 from 90 to 80).
_Q_SLOPE_LOW = 0.022
_Q_SLOPE_HIGH = 0.012
#: bytes ∝ fps ** _FPS_EXP and ∝ width ** _WIDTH_EXP (fewer frames each change more; headers, edges).
_FPS_EXP = 0.7
_WIDTH_EXP = 1.9


@dataclass(frozen=True)
class _Try:
    quality: int
    colors: int  # the most colours asked (--colors); the quality's own palette size may be smaller
    fps: Fraction
    size: tuple[int, int]

    def describe(self) -> str:
        colors = min(self.colors, quality_level(self.quality).colors)  # a grey source takes fewer (grey.py)
        return f"{self.size[0]}×{self.size[1]}, {float(self.fps):g} fps, quality {self.quality}, ≤ {colors} colours"


class _Tried(Protocol):
    attempt: _Try
    size: int  # bytes


M = TypeVar("M", bound=_Tried)


def _typed_size(n: int) -> str:
    """``n`` bytes written as ``--max-size`` / ``max_size=`` takes it (parse_size), never under ``n``: bytes under
    10 KB, else whole KB or hundredths of MB rounded up ("9678bytes" was refused)."""
    if n < 10_000:
        return str(n)
    if n < 1_000_000:
        return f"{-(-n // 1000)}KB"
    return f"{-(-n // 10_000) / 100:.2f}MB"


def fit(s: GifSettings, first: M, make: Callable[[_Try], M], notes: list[str], source_rate: Fraction | None = None) -> M:
    """The first try (``first``) or a later one (``make(next try)``) at most ``s.max_size`` bytes.

    Lower quality along its curve (not under ``MIN_FIT_QUALITY``), then fewer
    fps, then narrower (not under ``MIN_FIT_WIDTH``), then lower quality again
    (not under ``LAST_FIT_QUALITY``): :func:`_candidates`; a try that fits with more
    than ~10 % of the budget left is followed by a better one while tries
    remain.  Of the tries that fit, the widest, then the smoothest, then the
    best quality is kept.  Raises :class:`OutputError` saying what would fit
    when nothing readable does.  Says what it chose in ``notes``.
    """
    budget = s.max_size
    if first.size <= budget:
        notes.append(f"fits the {_kb(budget)} budget as asked ({_kb(first.size)})")
        return first
    tried: list[M] = [first]
    while len(tried) < s.max_tries:
        fits = [m for m in tried if m.size <= budget]
        if fits and max(fits, key=_rank).size >= budget * FILL:
            break
        nxt = _next_try([(m.attempt, m.size) for m in tried], budget, first.attempt, source_rate)
        if nxt is None:
            break
        tried.append(make(nxt))
    fits = [m for m in tried if m.size <= budget]
    if fits:
        best = max(fits, key=_rank)
        notes.append(f"fitted under {_kb(budget)} in {len(tried)} tries: {best.attempt.describe()} → {_kb(best.size)}"
                     f" ({best.size / budget:.0%} of it)")
        return best
    low = min(tried, key=lambda m: m.size)
    if _next_try([(m.attempt, m.size) for m in tried], budget, first.attempt, source_rate) is not None:  # max_tries ran out
        raise OutputError(
            f"could not make the GIF fit in {_kb(budget)} in {len(tried)} {'try' if len(tried) == 1 else 'tries'} "
            f"(max_tries): the smallest "
            f"({low.attempt.describe()}) was {_kb(low.size)}",
            f"allow more tries ([gif] max_tries = {min(20, len(tried) + 4)} in a preset), or "
            f"{option('max_size', _typed_size(int(low.size * 1.05) + 1))} would fit at that size; nothing was written")
    raise OutputError(
        f"could not make the GIF fit in {_kb(budget)}: the smallest readable try ({low.attempt.describe()}) was "
        f"{_kb(low.size)}",
        f"{option('max_size', _typed_size(int(low.size * 1.05) + 1))} would fit at that size"
        + (f", or a range about {budget / low.size:.0%} as long" if budget >= 0.1 * low.size else "")
        + "; nothing was written")


def _rank(m: _Tried) -> tuple:
    """Which of two fitting tries is better: wider, then more frames, then higher quality, then bigger."""
    a = m.attempt
    return a.size[0], a.fps, a.quality, m.size


def _q_gain(q_from: int, q_to: int) -> float:
    """Predicted log of bytes(q_to) / bytes(q_from) along the quality curve (same fps and size)."""
    def up(q: int) -> float:  # log-bytes from quality 0 up to q
        low = min(q, FULL_PALETTE_FROM)
        return low * _Q_SLOPE_LOW + max(0, q - FULL_PALETTE_FROM) * _Q_SLOPE_HIGH
    return up(q_to) - up(q_from)


def _model(a: _Try, b: _Try, scale: Sequence[float] = (1.0, 1.0, 1.0), rate: Fraction | None = None) -> float:
    """Predicted log of bytes(b) / bytes(a); ``scale`` corrects each term (quality, fps, width) by what the
    tries so far showed.  ``rate``: the source's frames per second of output (a GIF faster than it shows
    each frame twice, which costs nothing: fire2's ~10.5 fps at 20 and at 12.5 fps, 2048 vs 1254 KB
    only through the quality)."""
    def shown(fps: Fraction) -> Fraction:
        return min(fps, rate) if rate else fps
    return (scale[0] * _q_gain(a.quality, b.quality) + scale[1] * _FPS_EXP * math.log(shown(b.fps) / shown(a.fps))
            + scale[2] * _WIDTH_EXP * math.log(b.size[0] / a.size[0]))


def _scales(tried: Sequence[tuple[_Try, int]], rate: Fraction | None = None) -> list[float]:
    """Per term, how far the bytes of tries differing only in it moved, against the model (1 = as predicted;
    from the last such pair, kept within 0.4–2.5)."""
    out = [1.0, 1.0, 1.0]
    keys = (lambda t: (t.fps, t.size), lambda t: (t.quality, t.size), lambda t: (t.quality, t.fps))
    for i, key in enumerate(keys):
        for j in range(len(tried)):
            for k in range(j):
                (a, sa), (b, sb) = tried[k], tried[j]
                predicted = _model(a, b, rate=rate)
                if key(a) == key(b) and a != b and abs(predicted) > 1e-6:
                    out[i] = min(2.5, max(0.4, math.log(sb / sa) / predicted))
    return out


def _candidates(top: _Try) -> Iterator[_Try]:
    """Every setting a fit may take, best first: at the asked width each frame rate (the asked one, then
    ``FPS_STEPS``) from the asked quality down to ``MIN_FIT_QUALITY``; then, at the lowest rate and that
    quality, narrower down to ``MIN_FIT_WIDTH``; then, at that width, lower quality down to
    ``LAST_FIT_QUALITY``.  Within each stage the bytes fall monotonically."""
    q_floor = min(MIN_FIT_QUALITY, top.quality)
    q_last = min(LAST_FIT_QUALITY, q_floor)
    w_floor = min(MIN_FIT_WIDTH, top.size[0])
    rates = [top.fps, *(r for r in FPS_STEPS if r < top.fps)]
    for fps in rates:
        for q in range(top.quality, q_floor - 1, -1):
            yield _Try(q, top.colors, fps, top.size)
    fps = rates[-1]
    for w in range(top.size[0] - 2, w_floor - 1, -2):
        yield _Try(q_floor, top.colors, fps, (w, max(2, round(top.size[1] * w / top.size[0]))))
    small = (w_floor, max(2, round(top.size[1] * w_floor / top.size[0])))
    for q in range(q_floor - 1, q_last - 1, -1):
        yield _Try(q, top.colors, fps, small)


def _next_try(tried: Sequence[tuple[_Try, int]], budget: int, top: _Try, rate: Fraction | None = None) -> _Try | None:
    """The next settings to try after ``tried`` (settings, bytes), none of them better than ``top``
    (the asked settings); None when no untried setting could do better.

    The first of :func:`_candidates` predicted to fit (aiming at ``_AIM`` of the budget) and not known to
    be over (a try at or below it in every setting was over budget) is taken, unless a fitting try is
    already as good in every setting (then None: nothing better is in reach).  When none is predicted to
    fit, the smallest readable setting, once.  A prediction is anchored on the nearest try and corrected
    by what the tries so far showed (:func:`_scales`).
    """
    scale = _scales(tried, rate)
    aim = math.log(budget * _AIM)

    def over(c: _Try) -> bool:  # a try no better in any setting was over budget
        return any(n > budget and t.quality <= c.quality and t.fps <= c.fps and t.size[0] <= c.size[0]
                   for t, n in tried)

    def useless(c: _Try) -> bool:  # tried already, or a fitting try is as good in every setting
        return any(n <= budget and t.quality >= c.quality and t.fps >= c.fps and t.size[0] >= c.size[0]
                   for t, n in tried)

    def predict(c: _Try) -> float:  # log bytes, from the try nearest to c
        def distance(t: _Try) -> float:
            return abs(_model(t, c, rate=rate)) + (0 if (t.fps, t.size) == (c.fps, c.size) else 1)
        t, n = min(tried, key=lambda tn: distance(tn[0]))
        return math.log(n) + _model(t, c, scale, rate)

    q_floor = min(MIN_FIT_QUALITY, top.quality)
    c = None
    for c in _candidates(top):
        if over(c):
            continue
        guess = predict(c)
        # A frame rate at the asked width is given up on a prediction only when it is clearly over:
        # near the aim, its floor quality is tried (a model a few % off must not cost a frame rate).
        if guess <= aim or (c.size == top.size and c.quality == q_floor and guess <= aim + _DOUBT):
            return None if useless(c) else c
    return c if c is not None and not over(c) and not useless(c) else None
