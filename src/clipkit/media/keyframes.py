"""Where frames and keyframes are, read from packet timestamps (demuxing only, no decoding).

``ffmpeg -c copy -f framecrc`` lists the video packets of a window with their
presentation times and flags (which are keyframes).  That costs milliseconds even on a
1080p episode, so a clip can decide its first frame (the one on screen at START, as
``media/frames.py`` decides it) and a smart cut its keyframes without
decoding a picture.
"""

from __future__ import annotations

from fractions import Fraction

from ..errors import MediaError
from .ffmpeg import NOPTS, read_framecrc, run_ffmpeg
from .probe import MediaInfo, snap_to_grid

__all__ = ["read_packets", "packet_times", "frame_on_screen", "opening_frame", "next_if_flash", "keyframes", "copy_end"]

#: How far before a time the packet window starts: the keyframe before it is found by ffmpeg's seek.
_LEAD = Fraction(1)


def _ts(t: Fraction) -> str:
    us = int(Fraction(t) * 1_000_000)
    return f"{us // 1_000_000}.{us % 1_000_000:06d}"


def read_packets(info: MediaInfo, start: Fraction, end: Fraction) -> list[tuple[Fraction, bool]]:
    """``(presentation time, is a keyframe)`` of the video packets from the keyframe before ``start``
    up to about ``end``, in the order they are stored (decode order).  One read can serve
    :func:`frame_on_screen`, :func:`keyframes` and :func:`copy_end` (their ``packets``)."""
    video = info.require_video()
    seek = max(Fraction(0), Fraction(start) - _LEAD)
    cmd = []
    if seek > 0:
        cmd += ["-ss", _ts(seek)]
    # -t as an input option: the time read after the seek point (an output -t with -copyts would
    # count from the file's start).
    cmd += ["-t", _ts(Fraction(end) - seek + _LEAD), "-copyts", "-i", str(info.path), "-map", f"0:{video.index}",
            "-c", "copy", "-f", "framecrc", "-"]  # (an Adler-32 per packet: md5 would cost more than the demuxing)
    proc = run_ffmpeg(cmd, what="reading video packets", check=False)
    if proc.returncode != 0 and not proc.stdout:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise MediaError(f"cannot read the video packets of {info.path}: {detail[-1] if detail else 'no message'}",
                         "the file may be damaged; try --debug")
    rate = video.frame_rate if not video.variable_frame_rate else None
    rows: list[tuple[Fraction, bool]] = []
    for p in read_framecrc(proc.stdout).packets:
        if p.pts <= NOPTS:  # a packet without a time (B-frames in an MPEG program stream): not a time
            continue
        t = p.pts * p.tb - info.start_time
        rows.append((snap_to_grid(t, rate, p.tb) if rate else t, p.keyframe))
    return rows


def packet_times(info: MediaInfo, start: Fraction, end: Fraction, *, keys_only: bool = False,
                 decode_order: bool = False, packets: list[tuple[Fraction, bool]] | None = None) -> list[Fraction]:
    """Presentation times (seconds from the file's start, sorted) of the video packets read
    from the keyframe before ``start`` up to about ``end``; only keyframes if ``keys_only``;
    in the order they are stored (decode order, B-frames after the frame they refer to)
    if ``decode_order``.  ``packets``: a :func:`read_packets` covering that window, read before."""
    rows = packets if packets is not None else read_packets(info, start, end)
    times = [t for t, key in rows if key or not keys_only]
    return times if decode_order else sorted(set(times))


def frame_on_screen(info: MediaInfo, t: Fraction, packets: list[tuple[Fraction, bool]] | None = None) -> Fraction:
    """The time of the frame on screen at ``t``: the last frame whose time is at or before ``t``
    (the first frame of the file if ``t`` is before it)."""
    t = Fraction(t)
    rate = info.require_video().frame_rate or Fraction(25)
    times = packet_times(info, t, t + 2 / rate, packets=packets)
    before = [x for x in times if x <= t]
    if before:
        return before[-1]
    if times:
        return times[0]
    raise MediaError(f"no video frames found near {float(t):.3f} s in {info.path}", "the file may be damaged there")


def opening_frame(info: MediaInfo, start: Fraction, first: Fraction,
                  packets: list[tuple[Fraction, bool]] | None = None) -> Fraction | None:
    """The time of the frame a clip from ``start`` opens on when it is not ``first`` (the frame on screen at
    ``start``): the next frame, if it starts less than half of ``first``'s own duration after ``start`` (``first``
    would be a flash of a few ms), as a GIF's first tick shows the frame at its middle; else None."""
    if first >= start:
        return None
    try:
        times = packet_times(info, first, start + 1, packets=packets)
    except MediaError:
        return None  # the seek decides, as for the first frame
    return next_if_flash(start, first, times)


def next_if_flash(start: Fraction, first: Fraction, times) -> Fraction | None:
    """Of frame ``times`` (sorted), the one after ``first`` if a clip from ``start`` should open on it: it starts
    after ``start``, and less than half of ``first``'s own duration after it (``first`` would be a flash)."""
    later = next((t for t in times if t > first), None)
    if first >= start or later is None or later <= start:
        return None
    return later if (later - start) * 2 < later - first else None


def keyframes(info: MediaInfo, start: Fraction, end: Fraction,
              packets: list[tuple[Fraction, bool]] | None = None) -> list[Fraction]:
    """Times of the keyframes from the one at or before ``start`` to about ``end``."""
    return packet_times(info, start, end, keys_only=True, packets=packets)


def copy_end(info: MediaInfo, key: Fraction, end: Fraction,
             packets: list[tuple[Fraction, bool]] | None = None) -> tuple[int, Fraction]:
    """Where a stream copy from keyframe ``key`` can stop at ``end``: (packets to copy, time the copy ends).

    Packets are stored in decode order, so a copy can only stop where every
    packet before has an earlier time than every packet after (the end of a
    B-frame group).  The first such point that holds every frame shown before
    ``end``; the copy then ends when the next frame would start (a frame or
    two after ``end`` on streams with B-frames, exactly ``end``'s frame without).
    """
    order = [t for t in packet_times(info, key, end + 1, decode_order=True, packets=packets) if t >= key]
    if not order:
        raise MediaError(f"no video packets after {float(key):.3f} s in {info.path}", "the file may be damaged there")
    need = {t for t in order if t < end}
    seen: set[Fraction] = set()
    highest = None
    for n, t in enumerate(order, 1):
        seen.add(t)
        highest = t if highest is None else max(highest, t)
        rest = order[n:]
        if need <= seen and (not rest or min(rest) > highest):
            return n, (min(rest) if rest else min(info.duration, highest + 1 / (info.require_video().frame_rate or 25)))
    return len(order), info.duration
