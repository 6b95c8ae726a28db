"""Dissolves: one shot blended into the next over several frames.

No single frame of a dissolve differs much from the one before, so a cut
detector misses it.  Instead, each frame *M* is tested as the centre of a
window of ``2K + 1`` frames from *A* (``K`` frames before) to *B* (``K`` after):

1. *A* and *B* differ clearly, in structure as well as brightness (not one shot
   with the light changing);
2. no single step inside the window accounts for much of that difference (that
   would be a hard cut, not a blend);
3. *M* is a blend: ``M ≈ A + α (B − A)`` with ``α`` near the middle and a small
   residual — camera motion fails this (the middle of a pan is not the average
   of its ends), and ``α`` grows steadily through the window;
4. the change covers most of the picture (:data:`MIN_SPREAD`): a title or logo
   fading in or out over a continuing shot changes only its own part of it;
5. the picture does not travel through the blend (:data:`MAX_TRAVEL`) much
   faster than just before and after it: a fast pan or tilt over a flat sky
   blurs into something like a blend, but consecutive frames of it are shifted
   copies of each other (phase correlation); shots that move on their own move
   as much outside the blend as in it.

A run of centres that pass is one dissolve; its extent is where ``α`` leaves 0
and reaches 1, and its middle (where the new shot takes over) where ``α``
crosses ½.  Works on the 64-px luma copy; memory is the window only.
"""

from __future__ import annotations

from fractions import Fraction


import cv2
import numpy as np

from .detector import Detector
from .features import TINY_SIZE, FrameFeatures
from .model import Event, Transition

__all__ = ["DissolveDetector", "fit_dissolve"]

#: At least this share of the picture must change (by 10 levels more than the picture's typical,
#: brightness-only change) from A to B.
MIN_SPREAD = 0.6
#: Pixels (of the 64-px copy) the picture may travel through a blend, summed frame to frame.
MAX_TRAVEL = 3.0


def _z(img: np.ndarray) -> np.ndarray:
    return (img - img.mean()) / max(float(img.std()), 8.0)


class DissolveDetector(Detector):
    def __init__(self, *, half_window: int = 18, min_change: float = 12.0, max_residual: float = 0.4,
                 surge: float = 1.5, seconds: Fraction | None = None) -> None:
        """``half_window`` frames either side of a centre; or, with ``seconds``, as many frames as
        span that long, counted from the gaps between the first frames pushed (a coarse pass
        that skips frames sees fewer per second)."""
        self.k = max(3, half_window)
        self.seconds = seconds
        self.min_change = min_change
        self.max_residual = max_residual
        self.surge = surge
        self._frames: list[FrameFeatures] = []
        self._steps: list[float] = []
        self._base = 0  # sequence number of _frames[0]
        self._next = 3 * self.k  # next centre to test (the windows beside it must be seen too)
        self._run: list[tuple[float, float, list[FrameFeatures]]] = []
        self._miss = 0

    def _measure_window(self) -> None:
        """Set K from the first frames' spacing (once, when ``seconds`` was given)."""
        gaps = sorted(b.time - a.time for a, b in zip(self._frames, self._frames[1:]))
        gap = gaps[len(gaps) // 2] if gaps else None
        if gap:
            self.k = max(3, round(self.seconds / gap))
            self._next = 3 * self.k
        self.seconds = None

    def push(self, f: FrameFeatures) -> list[Event]:
        if self.seconds is not None and len(self._frames) >= 9:
            self._measure_window()
        step = cv2.norm(f.tiny, self._frames[-1].tiny, cv2.NORM_L1) / f.tiny.size if self._frames else 0.0
        self._frames.append(f)
        self._steps.append(step)
        total = self._base + len(self._frames)
        out: list[Event] = []
        # A centre is tested once the frames 3K after it are in (or fewer at the very start).
        while self._next + 3 * self.k < total:
            out.extend(self._advance(self._next, total))
            self._next += 1
        drop = self._next - 3 * self.k - self._base
        if drop > 64:
            del self._frames[:drop]
            del self._steps[:drop]
            self._base += drop
        return out

    def flush(self, end, end_index) -> list[Event]:
        if self.seconds is not None:
            self._measure_window()
        out: list[Event] = []
        if self._run:
            out.extend(self._finish())
        return out

    def _advance(self, c: int, total: int) -> list[Event]:
        found = self._test(c, total)
        if found is not None:
            self._run.append(found)
            self._miss = 0
            return []
        if self._run:
            self._miss += 1
            if self._miss > 1:  # one failing centre inside a run is forgiven
                return self._finish()
        return []

    def _at(self, n: int) -> FrameFeatures:
        return self._frames[n - self._base]

    def _test(self, c: int, total: int):
        k = self.k
        a_f, b_f, m_f = self._at(c - k), self._at(c + k), self._at(c)
        a, b, m = a_f.tiny, b_f.tiny, m_f.tiny
        change = cv2.norm(a, b, cv2.NORM_L1) / a.size
        if change < self.min_change:
            return None
        d = b - a
        steps = self._steps[c - k + 1 - self._base: c + k + 1 - self._base]
        if max(steps) > 0.4 * change:
            return None  # one step does most of it: a cut, not a blend
        # A surge of change: much more across this window than across the ones beside it
        # (a zoom or a pan changes the picture steadily; a dissolve adds to that).
        # Both neighbours must be seen, so the first and last 2¼ windows of a range hold none.
        beside = []
        if c - 3 * k >= self._base:
            beside.append(float(np.abs(a - self._at(c - 3 * k).tiny).mean()))
        if c + 3 * k < total:
            beside.append(float(np.abs(self._at(c + 3 * k).tiny - b).mean()))
        if len(beside) < 2 or change < self.surge * (sum(beside) / len(beside)):
            return None
        window = self._frames[c - k - self._base: c + k + 1 - self._base]
        if any(f.blank for f in window):
            return None  # fades are the fade detector's
        if float(np.abs(_z(a) - _z(b)).mean()) < 0.35:
            return None  # same picture, other brightness: the light changed
        if float((np.abs(d - np.median(d)) > 10).mean()) < MIN_SPREAD:
            return None  # only part of the picture changes: an overlay (a title, a logo), not a blend
        dd = d.ravel()
        norm = float(dd @ dd)
        a_flat = a.ravel()

        def alpha(img: np.ndarray) -> float:
            return float((img.ravel() - a_flat) @ dd) / norm

        mid = alpha(m)
        if not 0.3 <= mid <= 0.7:
            return None
        residual = float(np.abs(m - a - mid * d).mean()) / change
        if residual > self.max_residual:
            return None
        early, late = alpha(window[k // 2].tiny), alpha(window[k + k // 2].tiny)
        if not (early <= mid + 0.05 and late >= mid - 0.05 and late - early >= 0.25):
            return None
        return abs(mid - 0.5), residual, window

    def _finish(self) -> list[Event]:
        run, self._run, self._miss = self._run, [], 0
        if len(run) < 2 and run[0][1] > 0.15:
            return []
        window = min(run, key=lambda r: r[0])[2]
        found = fit_dissolve(window, self.k)
        return [found] if found is not None else []


def fit_dissolve(window: list[FrameFeatures], centre: int) -> Transition | None:
    """The dissolve in ``window`` (frames in order, the blend around ``window[centre]``): its
    extent from a line fit of α, or None when it is no blend (or the camera moved)."""
    lo, hi = 0, len(window) - 1
    mid_pos = centre
    # α against the window's ends, then against the frames just outside the blend
    # found (nearer in time: less of the shots' own motion in it).
    for _ in range(2):
        profile = _alphas(window, lo, hi)
        inside = [(p, a) for p, a in enumerate(profile) if 0.15 <= a <= 0.85]
        if len(inside) < 2:
            break
        # A straight line through the blend, extended to α = 0 and α = 1.
        xs = np.array([p for p, _ in inside], dtype=float)
        ys = np.array([a for _, a in inside])
        slope, icept = np.polyfit(xs, ys, 1)
        if slope <= 0:
            break
        new_lo = int(np.clip(np.floor(-icept / slope), 0, centre))
        new_hi = int(np.clip(np.ceil((1 - icept) / slope), centre, len(window) - 1))
        mid_pos = int(np.clip(np.round((0.5 - icept) / slope), new_lo, new_hi))
        if new_hi - new_lo < 2 or (new_lo, new_hi) == (lo, hi):
            lo, hi = new_lo, new_hi
            break
        lo, hi = new_lo, new_hi
    if hi - lo < 2:
        return None
    if _camera_move(window, lo, hi):
        return None  # the camera moved (a pan, a tilt): not a blend
    first, end, mid = window[lo + 1], window[hi], window[mid_pos]
    return Transition("dissolve", first.time, end.time, first.index, end.index, middle=mid.time, middle_index=mid.index)


def _travel(frames: list[FrameFeatures]) -> tuple[float, int]:
    """How far the picture moves across ``frames`` (pixels of the 64-px copy: the length of
    the sum of frame-to-frame shifts found by phase correlation) and over how many steps."""
    if len(frames) < 2:
        return 0.0, 0
    window = cv2.createHanningWindow((TINY_SIZE[0], TINY_SIZE[1]), cv2.CV_32F)
    dx = dy = 0.0
    for a, b in zip(frames, frames[1:]):
        # phaseCorrelate may write into its inputs: give it copies.
        (sx, sy), response = cv2.phaseCorrelate(a.tiny.copy(), b.tiny.copy(), window)
        if response > 0.3:
            dx, dy = dx + sx, dy + sy
    return float(np.hypot(dx, dy)), len(frames) - 1


def _camera_move(window: list[FrameFeatures], lo: int, hi: int) -> bool:
    """The picture travels through the blend (:data:`MAX_TRAVEL`), much faster than just
    before and after it: a pan or tilt, not a dissolve between shots that move on their own."""
    inside, n = _travel(window[lo:hi + 1])
    if inside <= MAX_TRAVEL:
        return False
    before, nb = _travel(window[:lo + 1])
    after, na = _travel(window[hi:])
    outside = (before + after) / (nb + na) if nb + na else 0.0
    return inside / n > 3 * outside + 0.1


def _alphas(window: list[FrameFeatures], lo: int, hi: int) -> list[float]:
    """For each frame, how far it lies from ``window[lo]`` towards ``window[hi]`` (0–1)."""
    a = window[lo].tiny.ravel()
    d = window[hi].tiny.ravel() - a
    norm = float(d @ d) or 1.0
    return [float((f.tiny.ravel() - a) @ d) / norm for f in window]
