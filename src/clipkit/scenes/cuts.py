"""Hard cuts: a frame that differs from the one before far more than its neighbours do.

The score of frame *n* is the structure + colour change from frame *n − 1*
(:func:`~clipkit.scenes.features.content_diff`, about 100 for a cut between
unrelated shots, 0–10 within a calm shot).  Frame *n* starts a new shot when

* the score is at least ``threshold`` (absolute), and
* it is at least ``ratio`` times the mean score of the ``window`` frames on
  the calmer side and 1.4 times that on the busier side (so fast motion, which
  raises every score, does not cut, but a cut into a busy shot does), and
* the picture does not come back within the flash window (a flash, see
  :mod:`~clipkit.scenes.flash`).

Brightness alone does not move the score, so a light switched on is not a cut,
while a cut where only the colour changes is.
"""

from __future__ import annotations

from .detector import Detector
from .features import FrameFeatures, content_diff
from .flash import returns_within
from .model import Cut, Event, Flash
from ..settings import DEFAULT_SCENES

__all__ = ["CutDetector"]

#: Neighbour mean never counts as less than this (a still shot has scores near 0).
_FLOOR = 4.0
#: A cut must also beat the busier side's mean score by this much.
_BUSY_RATIO = 1.4


class CutDetector(Detector):
    def __init__(self, threshold: float = DEFAULT_SCENES.threshold, ratio: float = DEFAULT_SCENES.adaptive_ratio,
                 window: int = 2, flash_frames: int = 6,
                 busy_ratio: float = _BUSY_RATIO, candidates: bool = False) -> None:
        """``candidates``: a coarse pass (frames skipped) — cuts that pass only the looser
        ``busy_ratio`` given here, not the usual one, are also reported, with their times in
        :attr:`marginal`, to be confirmed at full rate."""
        self.threshold = threshold
        self.ratio = ratio
        self.busy_ratio = busy_ratio
        self.candidates = candidates
        self.marginal: set = set()
        self.timeline: list = []  # (time, score) of every frame pushed: the HTML report's plot
        self.window = window
        self.flash_frames = flash_frames
        self._frames: list[FrameFeatures] = []
        self._scores: list[float] = []
        self._base = 0  # sequence number of _frames[0]
        self._next = 0  # next sequence number to decide
        self._absorbed = -1  # frames up to this one belong to a flash already seen

    @property
    def _lookahead(self) -> int:
        return max(self.window, self.flash_frames)

    def push(self, frame: FrameFeatures) -> list[Event]:
        if self._frames:
            s, c = content_diff(self._frames[-1], frame)
            self._scores.append(s + c)
        else:
            self._scores.append(0.0)
        self.timeline.append((frame.time, self._scores[-1]))
        self._frames.append(frame)
        out: list[Event] = []
        total = self._base + len(self._frames)
        while self._next + self._lookahead < total:
            out.extend(self._decide(self._next))
            self._next += 1
        self._trim()
        return out

    def flush(self, end, end_index) -> list[Event]:
        out: list[Event] = []
        total = self._base + len(self._frames)
        while self._next < total:
            out.extend(self._decide(self._next))
            self._next += 1
        return out

    def _trim(self) -> None:
        keep_from = self._next - self.window - 2
        drop = keep_from - self._base
        if drop > 64:
            del self._frames[:drop]
            del self._scores[:drop]
            self._base += drop

    def _decide(self, n: int) -> list[Event]:
        if n == 0 or n <= self._absorbed:
            return []
        pos = n - self._base
        score = self._scores[pos]
        if score < self.threshold:
            return []
        lo = max(1, pos - self.window)
        hi = min(len(self._scores), pos + self.window + 1)
        ahead = self._scores[lo:pos]
        behind = self._scores[pos + 1:hi]
        sides = [max(_FLOOR, sum(v) / len(v)) for v in (ahead, behind) if v] or [_FLOOR]
        # Well above the calmer side, and clearly above the busier one (a cut from a calm
        # shot into a busy one still stands out; steady fast motion does not).
        busy = self.busy_ratio * (0.8 if self.candidates else 1.0)
        if score < self.ratio * (0.8 if self.candidates else 1.0) * min(sides) or score < busy * max(sides):
            return []
        marginal = score < self.ratio * min(sides) or score < self.busy_ratio * max(sides)
        before = self._frames[pos - 1]
        after = self._frames[pos + 1: pos + 1 + self.flash_frames]
        similar = min(0.5 * score, max(self.threshold, 2 * (sum(ahead) / len(ahead) if ahead else 0)))
        back = returns_within(before, after, similar_below=similar)
        if back is not None:
            self._absorbed = n + back  # the flash frames and the frame that returns
            return [Flash(self._frames[pos].time, after[back - 1].time, self._frames[pos].index)]
        frame = self._frames[pos]
        if marginal:
            self.marginal.add(frame.time)
        return [Cut(frame.time, frame.index, score)]
