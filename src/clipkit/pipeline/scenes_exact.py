"""The exact pass of ``detect_scenes``, run *beside* the coarse pass.

The coarse pass (reference frames only) decides its events a few frames after
they happen; each one that needs frames the coarse pass skipped (see
:mod:`clipkit.scenes.refine`) is handed at once to :class:`ExactPass`, whose
one worker thread decodes that full-rate window while the coarse pass goes on.
On two cores the coarse ffmpeg leaves part of a core idle (its frame threads
wait on each other, the analysis waits on the pipe): the windows fill it
instead of running one after another once the coarse pass is over.  Each
window is one single-threaded ffmpeg (a short read gains nothing from frame
threads: they cost start-up and hand-offs).  Results come back in the order
the events were found, so the outcome is the same as refining them afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from fractions import Fraction

from ..media.frames import read_frames
from ..media.hdr import detection_white
from ..media.interlace import film_decoded
from ..media.probe import MediaInfo
from ..scenes import refine
from ..scenes.cuts import CutDetector
from ..scenes.dissolves import fit_dissolve
from ..scenes.fades import FadeDetector
from ..scenes.features import FrameFeatures, features_of
from ..scenes.model import Cut, Event, Transition
from ..settings import ScenesSettings
from ..timecode import TimeRange

__all__ = ["ExactPass"]

#: ffmpeg threads for one full-rate window (it runs beside the coarse pass's ffmpeg).
WINDOW_THREADS = 1


def _frames(seconds: Fraction, rate: Fraction) -> int:
    return max(1, math.ceil(seconds * rate))


class ExactPass:
    """Refines the coarse pass's events as they come (:meth:`submit`), one worker thread.

    ``times`` is the coarse pass's list of decoded frame times (growing while
    it runs); ``marginal`` the set of cut times its cut detector found only with
    its looser test.  :meth:`events` waits for every window and returns the
    refined events in the order they were submitted (unconfirmed cuts left
    out); :attr:`decoded` counts the frames the windows decoded.
    """

    def __init__(self, info: MediaInfo, s: ScenesSettings, rate: Fraction, rng: TimeRange,
                 options: tuple[str, ...], pre_filters: list[str], times: list[Fraction], marginal: set) -> None:
        self.info, self.s, self.rate, self.rng = info, s, rate, rng
        self.options, self.pre_filters = options, pre_filters
        self.times, self.marginal = times, marginal
        # Telecined film: the coarse pass (some frames only) saw frames at the 29.97 stream's times; every cut
        # is placed again on the film's own frames (a cut at 400.8 film frames put a GIF of the shot on the
        # last frame of the one before).
        self.film = film_decoded(info.require_video().scan, info.deinterlace)
        self.decoded = 0
        self._pending: list[Future | Event] = []
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clipkit-exact")

    def submit(self, events: Iterable[Event]) -> None:
        """Queue ``events`` (just decided by the coarse pass): a window is started for each that needs one."""
        frame_time = 1 / self.rate
        for e in events:
            if isinstance(e, Cut) and e.time in self.marginal:
                prev = refine.frame_before(self.times, e.time) or e.time
                self._pending.append(self._pool.submit(self._confirm, e, prev))
            elif isinstance(e, Cut):
                prev = refine.frame_before(self.times, e.time)
                if refine.needs_window(prev, e.time, frame_time) or (self.film and prev is not None):
                    self._pending.append(self._pool.submit(self._place, e, prev))
                else:
                    self._pending.append(e)
            elif isinstance(e, Transition) and e.kind == "dissolve":
                self._pending.append(self._pool.submit(self._dissolve, e))
            elif isinstance(e, Transition) and e.kind in refine.FADE_KINDS:
                self._pending.append(self._pool.submit(self._fade, e))
            else:
                self._pending.append(e)

    def events(self) -> list[Event]:
        """Every submitted event, refined (waits for the windows still being decoded)."""
        try:
            out = [p.result() if isinstance(p, Future) else p for p in self._pending]
        finally:
            self.close()
        return [e for e in out if e is not None]

    def close(self) -> None:
        """Stop: windows not started are dropped, the one being decoded finishes."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    # ---------------------------------------------------------------- one window each

    def _window(self, a: Fraction, b: Fraction) -> list[FrameFeatures]:
        frames = read_frames(self.info, start=a, end=b, width=self.s.analysis_width, pix_fmt="yuv444p",
                             scale_flags="area", decoder_options=self.options, pre_filters=self.pre_filters,
                             threads=WINDOW_THREADS, detection=True)
        try:
            white = detection_white(self.info.require_video())
            feats = [features_of(f.image, f.time, f.index, f.duration, white) for f in frames]
        finally:
            frames.close()
        self.decoded += len(feats)
        return feats

    def _confirm(self, e: Cut, prev: Fraction) -> Cut | None:
        """A cut found only with the coarse pass's looser test, checked at full rate with the usual one."""
        s, frame_time = self.s, 1 / self.rate
        flash = _frames(s.flash_window, self.rate)
        a = max(self.rng.start, prev - 3 * frame_time)
        b = min(self.rng.end, e.time + (flash + 3) * frame_time)
        det = CutDetector(s.threshold, s.adaptive_ratio, flash_frames=flash)
        found = [c for f in self._window(a, b) for c in det.push(f)] + det.flush(b, 0)
        found = [c for c in found if isinstance(c, Cut) and prev < c.time <= e.time]
        if not found:
            return None  # not a cut at full rate (busy motion seen with frames skipped)
        return Cut(found[0].time, e.index, found[0].score)

    def _place(self, e: Cut, prev: Fraction) -> Cut:
        return refine.place_cut(e, self._window(prev, e.time + 1 / (2 * self.rate)))

    def _dissolve(self, e: Transition) -> Transition:
        a, b = refine.window_for_dissolve(e, self.rng.start, self.rng.end)
        frames = self._window(a, b)
        centre = min(range(len(frames)), key=lambda i: abs(frames[i].time - (e.middle or e.start)), default=0)
        again = fit_dissolve(frames, centre) if len(frames) > 4 else None
        return again if again is not None else e

    def _fade(self, e: Transition) -> Transition:
        a, b = refine.window_for_fade(e, self.rng.start, self.rng.end)
        s = self.s
        det = FadeDetector(max_fade_frames=_frames(s.max_fade, self.rate), flash_frames=_frames(s.flash_window, self.rate))
        found: list[Event] = []
        for f in self._window(a, b):
            found += det.push(f)
        found += det.flush(b, 0)
        again = [t for t in found if isinstance(t, Transition) and t.start < e.end and e.start < t.end]
        return again[0] if again else e

