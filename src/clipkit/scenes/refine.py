"""The exact pass: boundaries found on a coarse pass placed on their true first frame.

The coarse pass (:func:`clipkit.pipeline.scenes.detect_scenes`, default)
decodes only the frames other frames are predicted from — about half of an
H.264 stream — so a cut it finds at frame *R* really happened somewhere after
the decoded frame before it, *R′*.  When *R′* is the frame just before *R*
the cut is already exact; otherwise the few frames between them are decoded
at full rate (one short read per such cut) and the cut goes on the frame with
the largest change (:func:`place_cut`).  Fades are found again on a full-rate
window around the coarse fade (:func:`window_for_fade`, then the same
:class:`~clipkit.scenes.fades.FadeDetector`), so their start, blank hold and
end are frame-exact too; a dissolve's blend is fitted again on the full-rate
frames around it (:func:`window_for_dissolve`,
:func:`~clipkit.scenes.dissolves.fit_dissolve`).  Cuts the coarse pass found only with its looser test are checked
again on a full-rate window with the usual one.  Pure logic: the caller decodes.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from fractions import Fraction

from .features import FrameFeatures, content_diff
from .model import Cut, Transition

__all__ = ["frame_before", "needs_window", "place_cut", "window_for_fade", "window_for_dissolve", "FADE_KINDS",
           "FADE_MARGIN"]

#: Transitions found again at full rate.
FADE_KINDS = ("fade", "fade-out", "fade-in", "blank")
#: Seconds of content decoded before a coarse fade (its ramp may have been found early or late).
FADE_MARGIN = Fraction(1)
#: Seconds of each shot decoded either side of a coarse dissolve.
DISSOLVE_MARGIN = Fraction(1, 2)


def frame_before(times: Sequence[Fraction], t: Fraction) -> Fraction | None:
    """The last decoded frame time before ``t`` (``times`` sorted), or None."""
    i = bisect_left(times, t)
    return times[i - 1] if i > 0 else None


def needs_window(prev: Fraction | None, t: Fraction, frame_time: Fraction) -> bool:
    """Whether frames were skipped between the decoded frame before a cut and the cut."""
    return prev is not None and t - prev > frame_time * Fraction(3, 2)


def place_cut(cut: Cut, window: Sequence[FrameFeatures]) -> Cut:
    """``cut`` moved onto the frame of ``window`` (every frame from the decoded one before it
    up to it) that differs most from the frame before it."""
    if len(window) < 2:
        return cut
    scores = [sum(content_diff(a, b)) for a, b in zip(window, window[1:])]
    j = max(range(len(scores)), key=lambda k: scores[k])
    frame = window[j + 1]
    if frame.time == cut.time:
        return cut
    return Cut(frame.time, cut.index, max(cut.score, scores[j]))


def window_for_fade(t: Transition, start: Fraction, end: Fraction) -> tuple[Fraction, Fraction]:
    """The span to decode at full rate to find fade ``t`` again: from a second before it
    (its ramp) to a little after it, within ``[start, end)``."""
    return max(start, t.start - FADE_MARGIN), min(end, t.end + Fraction(1, 4))


def window_for_dissolve(t: Transition, start: Fraction, end: Fraction) -> tuple[Fraction, Fraction]:
    """The span to decode at full rate to fit dissolve ``t`` again: the coarse blend with
    :data:`DISSOLVE_MARGIN` of either shot around it (the ends the blend is measured against)."""
    return max(start, t.start - DISSOLVE_MARGIN), min(end, t.end + DISSOLVE_MARGIN)
