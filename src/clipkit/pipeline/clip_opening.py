"""Where a clip opens: the frame on screen at START (or the next one, when that would be a flash of a few
ms), and how ffmpeg is to open the file there.

Packet times (``media/keyframes.py``) answer this without decoding for most files; a transport stream is
opened at a keyframe's byte offset from its own index (a timestamp seek there may land late); an MPEG
program stream (DVD ``.vob``, ``.mpg``) stores no time for most B-frames, and an AVI's packets none at all,
so their frames are decoded (tiny and grey) to be timed, and a program stream is read from 5 s earlier.
"""

from __future__ import annotations

from fractions import Fraction

from ..encode.clip import seconds
from ..errors import MediaError, TimecodeError
from ..media.keyframes import frame_on_screen, next_if_flash, opening_frame
from ..media.probe import MediaInfo
from ..timecode import TimeRange, format_time

__all__ = ["opening", "film_opening", "PROGRAM_STREAM_LEAD"]


def opening(info: MediaInfo, rng: TimeRange, audio) -> tuple[Fraction, Fraction | None, dict]:
    """``(first, shown, input options)`` of a clip of ``rng``: the time of the frame on screen at its start,
    the frame it opens on instead (or None), and the :class:`~clipkit.encode.clip.ClipJob` fields that open
    the file (``input_args``, ``clock_zero``, stream maps; empty: ``-ss first``)."""
    # A transport stream's own index says which frame is on screen at START (a packet read after a
    # timestamp seek may land past it, on a TS with few keyframes even past START: no frame found).
    transport = _transport_input(info, rng.start, rng.start, audio, rng.end)
    if "first" in transport:
        first = transport.pop("first")
        return first, transport.pop("shown"), transport  # (shown: from the TS index, as opening_frame decides)
    if info.container == "mpeg":
        # A program stream (DVD .vob, .mpg) stores no time for most B-frames: the frames are decoded to be timed
        first, shown = _decoded_opening(info, rng.start)
        return first, shown, _program_stream_input(info, first)
    try:
        first = frame_on_screen(info, rng.start)
        if rng.start - first > 1:
            first = rng.start  # a gap in the frames: let the seek decide
        shown = opening_frame(info, rng.start, first)
    except MediaError:  # packets with no times (an AVI): the frames are decoded to be timed
        first, shown = _decoded_opening(info, rng.start)
    if first > rng.start:
        # START is before the video's first frame: read from the file's start, no seek (ffmpeg's seek to a
        # time before an AVI's first frame, shown a decoder delay after 0, lands seconds late)
        return Fraction(0), None, transport
    if first < SEEK_FLOOR:
        # Nor a seek to a frame this near the start: read from the start on the file's own clock, the trims cut
        return first, shown, {"input_args": ["-copyts"], "clock_zero": -info.start_time}
    return first, shown, transport


#: ffmpeg seeks 3/23 s before the time asked when the video has B-frames (its guess of the decoding delay, in
#: containers that seek by decoding times); asked for less, the seek is before the file's start, and in an AVI
#: it lands on a later keyframe (a clip from the first frame, shown at 0.08 s, had no video; 2.08 s in a test
#: file).  A first frame before this is read from the file's start instead.
SEEK_FLOOR = Fraction(1, 5)


def _transport_input(info: MediaInfo, first: Fraction, start: Fraction, audio, end: Fraction) -> dict:
    """For an MPEG transport stream: open it at the byte offset of the keyframe the first frame needs
    (a timestamp seek there may land after it), with the stream's own timestamps (as frames.py reads it).
    Recordings joined in one file (the clock jumps at each join): the recording START is in, on the
    file's continuous timeline; a range across a join is refused (its clock runs backwards there)."""
    if info.video is None or info.video.pid is None or not info.container.startswith("mpegts"):
        return {}  # not a TS: nothing to import (frames.py brings numpy)
    from ..media.frames import transport_index
    from ..media.probe import ts_offset

    ts = transport_index(info)
    if ts is None or not len(ts.offsets):
        return {}  # not a TS: the seek decides, as before
    lead = ts_offset(ts, info.start_time)
    # The frame on screen at START, on the index's own timeline (as frames.py times TS frames).
    times = sorted(lead + ts.time_of(i) for i in range(len(ts.pts)) if ts.pts[i] >= 0)
    before = [t for t in times if t <= start]
    first = before[-1] if before else first
    entry = ts.start_entry(max(Fraction(0), first - lead))
    zero = -info.start_time  # the file time of input timestamp 0 (-copyts: the stream's own clock)
    if len(ts.segments) > 1:
        seg = ts.segments[ts.segment_of(entry)]
        join = lead + seg.end
        if end > join + Fraction(1, 1000) and seg is not ts.segments[-1]:
            raise TimecodeError(f"{info.path.name} is recordings joined end to end, and {format_time(start)}–"
                                f"{format_time(end)} crosses the join at {format_time(join)} (the clock jumps there)",
                                f"make a clip on each side: END {format_time(join)} or earlier, or START there or later")
        zero = lead + seg.start - Fraction(seg.origin, 90_000)
    # The next frame opens the clip when the one on screen at START would be a flash (see opening_frame).
    shown = next_if_flash(start, first, times)
    out = {"first": first, "shown": shown, "clock_zero": zero, "video_map": f"0:i:{info.video.pid}",
           "input_args": ["-skip_initial_bytes", str(int(ts.offsets[entry])), "-copyts"]}
    if audio is not None:
        out["audio_map"] = f"0:a:{info.audio.index(audio)}"
    return out


#: An MPEG program stream (DVD .vob, .mpg) has no index, and ffmpeg's seek in it lands a GOP or more
#: late: the clip's read starts this much before its first frame, and the trims cut.
PROGRAM_STREAM_LEAD = Fraction(5)


def _decoded_opening(info: MediaInfo, start: Fraction) -> tuple[Fraction, Fraction | None]:
    """``frame_on_screen`` and ``opening_frame`` from decoded frames (tiny, grey) instead of packet times."""
    from ..media.frames import read_frames

    rate = info.require_video().frame_rate or Fraction(25)
    frames = read_frames(info, start=start, end=min(info.duration, start + 2 / rate), width=16, pix_fmt="gray")
    try:
        times = [f.time for f in frames]
    finally:
        frames.close()
    return times[0], next_if_flash(start, times[0], times)


def _program_stream_input(info: MediaInfo, first: Fraction) -> dict:
    """For an MPEG program stream: seek :data:`PROGRAM_STREAM_LEAD` before the first frame (or read from the
    start), with the stream's own timestamps (``-copyts``, as media/frames.py reads it).

    Before: the read's clock started at the seek point, as ffmpeg sets it from the start of the streams an input
    uses; a second input of the file for its picture subtitles alone started its clock at the first subtitle
    instead (when that came after the seek point), and the pictures were laid over the clip that much early."""
    zero = max(Fraction(0), first - PROGRAM_STREAM_LEAD)
    return {"input_args": (["-ss", seconds(zero)] if zero > 0 else []) + ["-copyts"], "clock_zero": -info.start_time}




#: Telecined film: the clip's read starts this much before its first frame (decimate's first cycle of five
#: frames has no frame before it to compare with and may drop a film frame instead of the 3:2 repeat).
FILM_LEAD = Fraction(1, 2)


def film_opening(info: MediaInfo, rng: TimeRange, first: Fraction, transport: dict) -> tuple[Fraction, dict, tuple]:
    """For telecined film (fieldmatch + decimate): ``(first, input options, film)`` — the read opened
    :data:`FILM_LEAD` earlier, and ``film`` = (the film grid's anchor, the film frame on screen at START),
    both file times, for :attr:`~clipkit.encode.clip.ClipJob.film`.

    Before: the clip's frames were trimmed at the 29.97 frame on screen at START and decimate began there,
    timing its film frames on its own grid: the first film frame was held 1.6 frames and one of the next four
    was lost.  The film frame on screen at START is the one a still there shows (read_frames)."""
    from ..media.frames import frame_at, transport_index
    from ..media.probe import ts_offset

    film_first = frame_at(info, rng.start, width=16, pix_fmt="gray").time
    if "input_args" in transport and info.container.startswith("mpegts"):
        ts = transport_index(info)
        lead = ts_offset(ts, info.start_time)
        entry = ts.start_entry(max(Fraction(0), first - lead - FILM_LEAD))
        args = list(transport["input_args"])
        args[args.index("-skip_initial_bytes") + 1] = str(int(ts.offsets[entry]))
        return first, {**transport, "input_args": args}, (lead, film_first)
    if "input_args" in transport:  # a program stream: already read from well before
        return first, transport, (Fraction(0), film_first)
    return max(Fraction(0), first - FILM_LEAD), transport, (Fraction(0), film_first)
