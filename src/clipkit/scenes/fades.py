"""Fades to and from black or white (or any flat colour), told apart from cuts and flashes.

A fade is found from its blank frames: a run of blank frames (see
:attr:`~clipkit.scenes.features.FrameFeatures.blank`) is examined on both
sides.  Going back from the first blank frame, the *distance from blank*
(brightness away from the blank level, plus contrast) rises steadily through a
fade-out; going forward from the last one it rises through a fade-in.  What
the run turns out to be:

* a ramp on either side, or both: a ``fade``, ``fade-out`` or ``fade-in``
  transition spanning the ramps and the blank hold;
* no ramp, and no longer than the flash window: a flash (not a cut);
* no ramp, longer, black or near-black: a ``blank`` transition (hard cut to
  black and out again);
* no ramp, longer, any other flat colour: nothing — a flat card (a grey or
  coloured title card) is a shot, and the cut detector finds its edges.

A run ends where the colour jumps (grey card → red card): each card is its own run.

Only a few numbers per frame are kept (up to ``max_fade_frames`` of them).
"""

from __future__ import annotations

from collections import deque
from fractions import Fraction

from .detector import Detector
from .features import FrameFeatures
from .model import Event, Flash, Transition

__all__ = ["FadeDetector"]

#: At least this many frames of steady change make a ramp.
_MIN_RAMP = 3
#: A blank run whose level is below this (luma) is black: a hold between shots, not a card.
_BLACK_LEVEL = 40.0


def _colour_jump(a: FrameFeatures, b: FrameFeatures) -> bool:
    """A cut between two flat frames (another card), not a step of a fade."""
    return abs(a.mean - b.mean) >= 20 or abs(a.u - b.u) >= 12 or abs(a.v - b.v) >= 12


def _step_tolerance(r: float) -> float:
    """A rise smaller than this is the shot's own drift, not a fade step."""
    return 0.3 + 0.012 * r


class FadeDetector(Detector):
    def __init__(self, *, max_fade_frames: int = 72, flash_frames: int = 6) -> None:
        self.max_fade_frames = max_fade_frames
        self.flash_frames = flash_frames
        self._history: deque[FrameFeatures] = deque(maxlen=max_fade_frames + 1)
        self._state = "content"
        self._level = 0.0
        self._run_start: FrameFeatures | None = None
        self._out_start: FrameFeatures | None = None
        self._run_end: FrameFeatures | None = None
        self._ramp: list[FrameFeatures] = []
        self._stall: FrameFeatures | None = None  # a frame no further from blank than the ramp's last (a repeat)

    def _distance(self, f: FrameFeatures) -> float:
        return abs(f.mean - self._level) + f.std

    def push(self, f: FrameFeatures) -> list[Event]:
        out: list[Event] = []
        if self._state == "ramp-in":
            last = self._ramp[-1]
            r, r_last = self._distance(f), self._distance(last)
            if f.blank:
                self._stall = None
                out.extend(self._finish(f.time, f.index, ramp_done=False))
            elif r > r_last + _step_tolerance(r_last) and len(self._ramp) < self.max_fade_frames:
                if self._stall is not None:
                    self._ramp.append(self._stall)
                    self._stall = None
                self._ramp.append(f)
            elif self._stall is None and abs(r - r_last) <= _step_tolerance(r_last):
                # One repeated frame (24 fps film shown at 25; telecined film whose decimate dropped the last
                # black frame and kept the first fade-in frame's repeat): the ramp may go on after it.
                self._stall = f
            else:
                stop = self._stall or f
                self._stall = None
                out.extend(self._finish(stop.time, stop.index, ramp_done=True))
        if self._state == "blank" and f.blank and self._history and _colour_jump(self._history[-1], f):
            # Another card: the run so far ends here, with a hard cut out of it.
            self._run_end = f
            out.extend(self._finish(f.time, f.index, ramp_done=False))
        if self._state == "content" and f.blank:
            self._start_run(f)
        elif self._state == "blank" and not f.blank:
            self._run_end = f
            self._ramp = [f]
            self._state = "ramp-in"
        self._history.append(f)
        return out

    def flush(self, end: Fraction, end_index: int) -> list[Event]:
        if self._state == "blank":
            self._run_end = None
            return self._finish(end, end_index, ramp_done=False)
        if self._state == "ramp-in":
            stall, self._stall = self._stall, None
            return self._finish(stall.time, stall.index, ramp_done=True) if stall else self._finish(end, end_index, ramp_done=True)
        return []

    def _start_run(self, f: FrameFeatures) -> None:
        self._level = f.mean
        self._run_start = f
        self._state = "blank"
        # Walk back through the frames before the run while the distance from blank keeps rising.
        hist = list(self._history)
        j = len(hist) - 1
        if j < 0 or hist[j].blank:
            self._out_start = None
            return
        while j > 0 and not hist[j - 1].blank:
            r, r_prev = self._distance(hist[j]), self._distance(hist[j - 1])
            if r_prev > r + _step_tolerance(r):
                j -= 1
            elif (j > 1 and not hist[j - 2].blank and abs(r_prev - r) <= _step_tolerance(r)
                  and self._distance(hist[j - 2]) > r_prev + _step_tolerance(r_prev)):
                j -= 2  # one repeated frame in the ramp (24 fps film shown at 25 fps): the fade goes on before it
            else:
                break
        first, last = hist[j], hist[-1]
        steps = f.index - first.index
        r0, r1 = self._distance(first), self._distance(last)
        self._out_start = first if steps >= _MIN_RAMP and r0 >= 12 and r1 <= 0.5 * r0 else None

    def _finish(self, stop_time: Fraction, stop_index: int, *, ramp_done: bool) -> list[Event]:
        """Decide what the blank run (and the ramp after it, if any) was."""
        run_start, out_start = self._run_start, self._out_start
        assert run_start is not None
        if self._run_end is not None:
            blank_end, blank_end_index = self._run_end.time, self._run_end.index
        else:
            blank_end, blank_end_index = stop_time, stop_index
        fade_in = False
        if self._run_end is not None and ramp_done and len(self._ramp) >= _MIN_RAMP:
            r0, r1 = self._distance(self._ramp[0]), self._distance(self._ramp[-1])
            fade_in = r1 >= 12 and r0 <= 0.5 * r1
        fade_out = out_start is not None
        self._state = "content"
        self._ramp, self._run_end, self._run_start, self._out_start = [], None, None, None
        if not fade_in and not fade_out:
            if blank_end_index - run_start.index <= self.flash_frames:
                return [Flash(run_start.time, blank_end, run_start.index)]
            if self._level >= _BLACK_LEVEL:
                return []  # a flat card held on its own: a shot
            kind = "blank"
        elif fade_in and fade_out:
            kind = "fade"
        else:
            kind = "fade-in" if fade_in else "fade-out"
        start, start_index = (out_start.time, out_start.index) if fade_out else (run_start.time, run_start.index)
        end, end_index = (stop_time, stop_index) if fade_in else (blank_end, blank_end_index)
        return [Transition(kind, start, end, start_index, end_index,
                           blank=(run_start.time, blank_end), blank_index=(run_start.index, blank_end_index))]
