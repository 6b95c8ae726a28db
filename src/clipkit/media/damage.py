"""Where a decoded range lost frames: a gap in the timestamps (a recorder that dropped frames, packets lost in
reception) or frames out of order after damaged data (the decoder's guesses at what it could not read).

:func:`watch` passes frames through and records such stretches, so a GIF over them can say so instead of
holding a frame for a second without a word.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fractions import Fraction

import numpy as np

from ..timecode import format_time
from .frames import Frame
from .probe import MediaInfo

__all__ = ["watch", "damage_note", "recording_gaps"]

#: A wait this many frames past a frame's end is a gap: a frame or more never came (a frame shown for three fields
#: of two, soft-telecined film, is not one).
GAP = Fraction(3, 4)


def _add(stretches: list[tuple[Fraction, Fraction]], a: Fraction, b: Fraction, length: Fraction) -> None:
    """``(a, b)`` added to ``stretches``, merged with the last one when it begins within two frames of its end."""
    if stretches and a <= stretches[-1][1] + 2 * length:
        stretches[-1] = (min(stretches[-1][0], a), max(stretches[-1][1], b))
    else:
        stretches.append((a, b))


def _frame_length(info: MediaInfo, frame: Frame) -> Fraction | None:
    """How long ``frame`` should stay on screen, when that is known well enough to call a longer wait a gap:
    a constant-rate video's frame, or a transport stream's (a recording: its frames are even, and a damaged
    one is measured as variable-rate by its gaps).  A variable-rate file holds frames as long as it likes."""
    video = info.require_video()
    if not video.variable_frame_rate and video.frame_rate:
        return 1 / video.frame_rate
    if info.container.startswith(("mpegts", "mpeg")) and frame.duration:
        return frame.duration
    return None


def watch(info: MediaInfo, frames: Iterable[Frame], end: Fraction, stretches: list[tuple[Fraction, Fraction]]) -> Iterator[Frame]:
    """``frames`` (of a read of ``info`` up to ``end``) unchanged; each stretch where at least a frame is
    missing, or frames came out of order, is added to ``stretches`` as (from, to), merged with its neighbours."""
    prev: Frame | None = None
    for frame in frames:
        if prev is not None:
            length = _frame_length(info, prev)
            if length:
                shown_to = prev.time + length
                if frame.time <= prev.time:  # timed at or before the frame before: out of order
                    _add(stretches, frame.time, shown_to, length)
                elif frame.time - shown_to >= length * GAP:
                    _add(stretches, shown_to, frame.time, length)
        prev = frame
        yield frame
    if prev is not None:
        length = _frame_length(info, prev)
        if length and min(end, info.duration) - (prev.time + length) >= length * GAP:
            _add(stretches, prev.time + length, min(end, info.duration), length)  # nothing came after the last frame, before the end


def damage_note(stretches: list[tuple[Fraction, Fraction]], what: str = "the GIF") -> str | None:
    """The note for :func:`watch`'s stretches, or None."""
    if not stretches:
        return None
    listed = ", ".join(f"{format_time(a)}–{format_time(b)}" for a, b in stretches[:8])
    more = f" and {len(stretches) - 8} more" if len(stretches) > 8 else ""
    return (f"the video is damaged or has a gap at {listed}{more}: frames there are missing or out of order, "
            f"so {what} holds or repeats a frame")


def recording_gaps(info: MediaInfo, start: Fraction, end: Fraction) -> list[tuple[Fraction, Fraction]]:
    """Where a transport stream's frames are missing in ``[start, end)``, from its packet index (no decoding):
    the stretches with no frame for a frame and three quarters or more (for a clip, which ffmpeg encodes
    without a word about them).  Empty for other files, or without a constant rate to tell by."""
    from .frames import transport_index
    from .probe import ts_offset

    video = info.require_video()
    ts = transport_index(info) if info.container.startswith("mpegts") else None
    if ts is None or video.variable_frame_rate or not video.frame_rate:
        return []
    length = 1 / (video.stream_frame_rate or video.frame_rate)  # the stream's own frames (telecined: 29.97)
    lead = ts_offset(ts, info.start_time)
    ticks = []  # each frame's time on the continuous timeline, in 90 kHz ticks from the video's start
    bounds = [s.first_entry for s in ts.segments] + [len(ts.pts)]
    for seg, a, b in zip(ts.segments, bounds, bounds[1:]):
        pts = ts.pts[a:b]
        pts = pts[pts >= 0]
        ticks.append(pts - seg.origin + int(seg.start * 90_000))
    if not ticks:
        return []
    ticks = np.sort(np.concatenate(ticks))
    lo, hi = int((start - lead) * 90_000) - 90_000, int((end - lead) * 90_000) + 90_000
    ticks = ticks[(ticks >= lo) & (ticks <= hi)]
    times = [lead + Fraction(int(t), 90_000) for t in ticks]
    stretches: list[tuple[Fraction, Fraction]] = []
    for a, b in zip(times, times[1:]):
        if b > start and a + length < end and b - (a + length) >= length * GAP:
            _add(stretches, max(a + length, start), min(b, end), length)
    return stretches
