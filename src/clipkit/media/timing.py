"""Frame timing from packet timestamps: the exact frame rate, whether it varies, where the video ends.

Demuxing only (``-c copy`` to the ``framecrc`` muxer), no decoding: containers
round times to their own units and headers can be wrong, packet times cannot.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from .ffmpeg import framemd5_packets, run_ffmpeg

if TYPE_CHECKING:
    from .probe import VideoStream

__all__ = ["snap_to_grid", "snap_rate", "timing", "COMMON_RATES"]

#: Frame rates that files really use; a measured rate this close to one is that one.
_COMMON_RATES = [Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001), Fraction(30),
                 Fraction(48), Fraction(50), Fraction(60000, 1001), Fraction(60), Fraction(120),
                 Fraction(15), Fraction(12), Fraction(10), Fraction(25, 2), Fraction(20)]


def snap_to_grid(t: Fraction, rate: Fraction, tick: Fraction) -> Fraction:
    """``t`` moved onto the frame grid ``k / rate`` when it is within one timestamp tick of it.

    Containers store times in their own units (mkv: milliseconds), so frame 1439
    at 24 fps is stored as 59.958 s; the exact time is 1439/24 s.
    """
    k = round(t * rate)
    exact = k / rate
    return exact if abs(exact - t) <= tick else t


def _snap_rate(rate: Fraction, precision: Fraction = Fraction(0)) -> Fraction:
    """The common rate nearest ``rate`` if within 0.02 % (24 and 24000/1001 are 0.1 % apart), or within
    ``precision`` (relative) when the measurement is no better: a mean step over a short span of rounded
    timestamps (an MKV second: one millisecond in a thousand, 24.017 for 24 over half a second)."""
    nearest = min(_COMMON_RATES, key=lambda c: abs(rate - c))
    if abs(rate - nearest) / nearest < max(Fraction(1, 5000), precision):
        return nearest
    return rate.limit_denominator(1001)


def _packet_times(path: Path, stream_index: int, *, from_end: bool) -> list[tuple[int, int, Fraction]]:
    """(pts, duration, time base) of video packets, demuxed without decoding.

    From the start (the first 600 packets) or, with ``from_end``, the last few seconds.  Where some packets carry
    no presentation time (an MPEG program stream: a DVD's .vob), the start's packets are timed by their decoding
    times (evenly spaced at the frame rate, where the few presentation times would space them by several frames:
    read as a variable rate of a few fps before), and the end's untimed packets by their decoding times (never
    after the frame is shown: the video ended seconds early when they were left out).
    """
    cmd = []
    if from_end:
        cmd += ["-sseof", "-4", "-copyts"]
    cmd += ["-i", str(path), "-map", f"0:{stream_index}", "-c", "copy"]
    if not from_end:
        cmd += ["-frames:v", "600"]
    cmd += ["-f", "framecrc", "-"]  # (a cheap checksum per packet; only the times are read)
    proc = run_ffmpeg(cmd, what="reading packet times", check=False)
    if proc.returncode != 0:  # packets that cannot be demuxed: no timing from them, the header's rate stands
        return []
    timed = framemd5_packets(proc.stdout)
    every = framemd5_packets(proc.stdout, clock="pts-else-dts" if from_end else "dts")
    return every if len(every) > len(timed) else timed


def _timing(path: Path, video: VideoStream, start: Fraction,
            want_end: bool = True, recording: bool = False) -> tuple[VideoStream, Fraction | None]:
    """Refine the frame rate, detect variable frame rate, and find where the video ends.

    ``recording`` (a transport stream): steps that are whole numbers of frames are frames lost (a gap in
    the recording, damage in reception), not a variable rate — a 25 fps recording that lost 20 frames was
    '23.293 fps variable'."""
    ending: list = []  # the end is read at the same time as the start: two short demuxes, each mostly waiting

    def read_end() -> None:
        try:
            ending.append(_packet_times(path, video.index, from_end=True))
        except BaseException as exc:  # noqa: BLE001 - raised below, in the caller's thread
            ending.append(exc)

    reader = threading.Thread(target=read_end, name="clipkit-probe-end", daemon=True) if want_end else None
    if reader is not None:
        reader.start()
    try:
        head = _packet_times(path, video.index, from_end=False)
    finally:
        if reader is not None:
            reader.join()
    rate, vfr = video.frame_rate, False
    if len(head) >= 3:
        tb = head[0][2]
        pts = sorted(p for p, _, _ in head)
        if len(head) >= 600 and len(pts) > 40:
            # Packets come in decode order: B-frames shown just after the last one
            # read are not in the window yet, which leaves gaps at its end.
            pts = pts[:-16]
        steps = [b - a for a, b in zip(pts, pts[1:]) if b > a]
        if steps:
            steps_sorted = sorted(steps)
            median = steps_sorted[len(steps_sorted) // 2]
            tolerance = max(1, median // 10)
            vfr = (steps_sorted[-1] - steps_sorted[0]) > 2 * tolerance
            mean = Fraction(pts[-1] - pts[0], len(pts) - 1) * tb
            if vfr and recording and all(abs(st - round(st / median) * median) <= tolerance for st in steps):
                vfr, mean = False, median * tb  # whole frames missing: the rate is the frames' own
                rate = _snap_rate(1 / mean)
            elif mean > 0 and not vfr:
                rate = _snap_rate(1 / mean, Fraction(1, pts[-1] - pts[0]))  # each end rounded by half a tick
            elif mean > 0:
                rate = (1 / mean).limit_denominator(1001)
    end = None
    tail = ending[0] if ending else []
    if isinstance(tail, BaseException):
        raise tail
    if tail:
        last_pts, last_dur, tb = max(tail, key=lambda r: r[0])
        last = last_pts * tb - start
        if rate and not vfr:
            # Constant rate: the container's rounded timestamps (mkv counts ms) sit on the frame grid.
            end = snap_to_grid(last, rate, tb) + 1 / rate
        else:
            # Variable rate: the last frame lasts as long as its packet says, unless
            # the container lost that (mkv often stores 1 tick): then as long as the one before.
            pts = sorted(r[0] for r in tail)
            step = (pts[-1] - pts[-2]) if len(pts) > 1 else 0
            ticks = last_dur if last_dur * 2 >= step else step
            end = last + (ticks * tb if ticks else (1 / rate if rate else 0))
    refined = replace(video, frame_rate=rate, variable_frame_rate=vfr)
    return refined, end


snap_rate = _snap_rate
timing = _timing
COMMON_RATES = _COMMON_RATES
