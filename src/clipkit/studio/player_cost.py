"""What a range of an episode costs in H.264, read from the player's segments of it (:mod:`.proxy`) — the size
estimate's measure of the range's own pictures (grain, fire, a still shot, a fade), which nothing else gives without
encoding: the segments are the episode at 360 lines, CRF 28, made as the page plays it.

The studio's estimate has the segments at :data:`SAMPLED` points of the range made where the player has not made them
yet (:func:`sample_range`: about a second each, and the player's own once the range is played): with none, the
estimate was content-blind, and a silent range or a fade to black was estimated at up to 5.65× the clip made of it.  Each
segment is read once (ffmpeg's packet list, ``-c copy``, tens of milliseconds) and remembered while its file is
unchanged.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from .proxy import SEGMENT_SECONDS, segment_count, segment_file, segment_path

__all__ = ["RangeCost", "range_cost", "sample_range", "sampled_segments", "SAMPLED"]

#: Segments an estimate has made of a range, at evenly spread points of it (the range's quarter points for two:
#: one segment for a range inside one, two for a longer one, the same two for a 10-minute range).
SAMPLED = 2

_READ: dict[tuple[str, int, int], tuple[int, int, tuple[int, int]] | None] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class RangeCost:
    """The bytes of the segments' picture and sound over ``seconds`` of the range (the part of it they cover)."""

    video_bytes: float
    audio_bytes: float
    seconds: float
    size: tuple[int, int]  # the segments' picture


def _streams(path: Path) -> tuple[int, int, tuple[int, int]] | None:
    """(video bytes, audio bytes, picture size) of a segment file, from its packets; None if it cannot be read."""
    from ..errors import ClipkitError
    from ..media.ffmpeg import read_framecrc, run_ffmpeg

    try:
        st = path.stat()
    except OSError:
        return None
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _LOCK:
        if key in _READ:
            return _READ[key]
    try:
        proc = run_ffmpeg(["-i", path, "-map", "0", "-c", "copy", "-f", "framecrc", "-"], what="reading a preview segment")
    except ClipkitError:
        found = None
    else:
        read = read_framecrc(proc.stdout)
        video = sum(p.size for p in read.packets if read.kind(p.stream) != "audio")
        audio = sum(p.size for p in read.packets if read.kind(p.stream) == "audio")
        size = next((d for n in sorted(read.streams) if (d := read.dimensions(n))), None)
        found = (video, audio, size) if size and video else None
    with _LOCK:
        _READ[key] = found
    return found


def range_cost(video: Path, duration: Fraction, start: Fraction, end: Fraction) -> RangeCost | None:
    """What the player's segments made so far say ``start``–``end`` of ``video`` costs; None if none of it is made."""
    video_bytes = audio_bytes = seconds = 0.0
    size = None
    first = int(Fraction(start) // SEGMENT_SECONDS)
    for n in range(first, min(segment_count(duration), int(-(-Fraction(end) // SEGMENT_SECONDS)))):
        lo, hi = n * SEGMENT_SECONDS, min(Fraction(duration), Fraction(n * SEGMENT_SECONDS + SEGMENT_SECONDS))
        covered = float(min(hi, end) - max(lo, start))
        if covered <= 0 or hi <= lo:
            continue
        read = _streams(segment_path(video, n))
        if read is None:
            continue
        share = covered / float(hi - lo)  # the part of the segment inside the range
        video_bytes += read[0] * share
        audio_bytes += read[1] * share
        seconds += covered
        size = size or read[2]
    return RangeCost(video_bytes, audio_bytes, seconds, size) if seconds > 0 and size else None


def sampled_segments(duration: Fraction, start: Fraction, end: Fraction, count: int = SAMPLED) -> list[int]:
    """The numbers of the segments holding ``count`` evenly spread points of ``start``–``end`` (no number twice)."""
    start, end = Fraction(start), Fraction(end)
    last = segment_count(duration) - 1
    return sorted({min(last, int((start + (end - start) * (2 * i + 1) / (2 * count)) // SEGMENT_SECONDS))
                   for i in range(count)})


def sample_range(studio, video: Path, duration: Fraction, start: Fraction, end: Fraction) -> RangeCost | None:
    """:func:`range_cost` once the segments at :func:`sampled_segments` of the range are made (the player's, shared
    with it: made once); a segment that cannot be made is left out.  Blocks: call it from a worker thread."""
    from ..errors import ClipkitError

    for n in sampled_segments(duration, start, end):
        try:
            segment_file(studio, video, n)
        except ClipkitError:
            continue
    return range_cost(video, duration, start, end)
