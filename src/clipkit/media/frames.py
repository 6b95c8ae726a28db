"""Decoded frames of a time range, streamed, with their exact timestamps.

One ffmpeg process decodes the range (seeking from the keyframe before it and
dropping what comes before, so the cut is frame-accurate, not keyframe-snapped),
scales inside ffmpeg to the size the caller needs, and pipes raw frames out.
The ``showinfo`` filter reports each frame's own timestamp on stderr, so times
are the stream's (right on variable-frame-rate files), never ``index / fps``.
Memory stays flat: frames are yielded one at a time.
"""

from __future__ import annotations

import os
import queue
import re
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..errors import Cancelled, MediaError
from .ffmpeg import start_ffmpeg
from .film_times import with_probes
from .hdr import detection_filters, tonemap_filters
from .interlace import decode_filters
from .probe import MediaInfo, probe, snap_to_grid, ts_offset
from .tsindex import CLOCK, WRAP, TsIndex, ts_index
from ..render.fit import fit_size  # noqa: F401 - where it was; used here

__all__ = ["Frame", "read_frames", "frame_at", "fit_size", "resample", "PIX_FMTS"]

PIX_FMTS = {"rgb24": 3, "bgr24": 3, "gray": 1, "yuv444p": 3}
#: Planar formats come out as C×H×W (one plane per channel, no colour conversion in ffmpeg).
PLANAR = frozenset({"yuv444p"})

_SHOWINFO_RE = re.compile(r"\bn:\s*(\d+)\s+pts:\s*(-?\d+)\s+pts_time:\S+\s+duration:\s*(-?\d+)")
_TIMEBASE_RE = re.compile(r"config in time_base: (\d+)/(\d+)")


@dataclass(frozen=True, eq=False)
class Frame:
    """A decoded picture and the time (seconds from the file's start) it appears."""

    time: Fraction
    index: int  # order within this read, from 0
    image: np.ndarray  # H×W×3 uint8 (rgb24/bgr24), H×W (gray) or 3×H×W (yuv444p planes)
    duration: Fraction | None = None  # how long it stays on screen, when known


def _ffmpeg_time(t: Fraction) -> str:
    """A time ffmpeg parses exactly enough (microseconds, rounded down)."""
    us = int(t * 1_000_000)
    return f"{us // 1_000_000}.{us % 1_000_000:06d}"


#: How far before START a transport stream's telecined film is decoded from (two decimate cycles and more).
_FILM_LEAD_IN = Fraction(1, 2)


def last_words(lines: Sequence[str]) -> str:
    """ffmpeg's last message among ``lines`` (its stderr), for an error: not its banner — the indented lines of an
    output's header (``      encoder : Lavc…``) and the stream listing say nothing about why no frame came."""
    return next((ln.strip() for ln in reversed(lines) if ln.strip() and not ln.startswith(" ")
                 and not ln.startswith(("Output #", "Input #", "Stream mapping", "Press [q]"))), "no frames decoded")


def read_frames(
    source: str | os.PathLike | MediaInfo,
    *,
    start: Fraction = Fraction(0),
    end: Fraction | None = None,
    width: int | None = None,
    height: int | None = None,
    pix_fmt: str = "rgb24",
    pre_filters: Sequence[str] = (),
    scale_flags: str = "area",
    warnings: list[str] | None = None,
    threads: int | None = None,
    decoder_options: Sequence[str] = (),
    lead_in: Fraction = Fraction(1, 4),
    detection: bool = False,
) -> Iterator[Frame]:
    """Yield every frame on screen during ``[start, end)``, in order.

    The first frame is the one showing at ``start`` (it may have begun
    earlier), the last is the one showing just before ``end``.  Frames are
    scaled inside ffmpeg to ``width``/``height`` (see :func:`fit_size`),
    after ``pre_filters`` (ffmpeg filter strings such as a crop).  Messages
    about damaged frames are appended to ``warnings`` if given; decoding
    goes on past them.  ``decoder_options`` are ffmpeg input options placed
    before ``-i`` (e.g. ``("-skip_loop_filter", "all")`` for faster, slightly
    softer H.264 decoding where only a rough picture is needed).  ``lead_in``:
    how far before ``start`` ffmpeg is asked to seek (it then decodes from the
    keyframe before that; if the first frame decoded still starts after ``start``,
    as in an MPEG program stream, it reads again from 2, 8, 32 … s earlier); 0 or less when ``start`` is just after a known
    keyframe, so nothing before it is decoded (with ``-noaccurate_seek`` among
    the decoder options ffmpeg keeps the frames from where its seek lands:
    otherwise it trims those before the seek time).  ``detection``: HDR comes out through scene detection's
    curve (:func:`~clipkit.media.hdr.detection_filters`), not the display tone map.  Closing the generator stops ffmpeg.
    """
    info = source if isinstance(source, MediaInfo) else probe(source)
    video = info.require_video()
    if pix_fmt not in PIX_FMTS:
        raise ValueError(f"pix_fmt must be one of {sorted(PIX_FMTS)}")
    start = Fraction(start)
    end = info.duration if end is None else Fraction(end)
    out_w, out_h = fit_size(video.display_size, width, height, even=False)
    if pre_filters and not (width or height):
        out_w, out_h = -2, -2  # let ffmpeg keep the pre-filtered size
    seek = max(Fraction(0), start - Fraction(lead_in))

    # Clean progressive frames first (deinterlace / inverse telecine), then picture subtitles, the caller's crop, the size.
    # Decoding only keyframes or reference frames (strip's quick looks) leaves no field pattern to match.
    sparse = "-skip_frame" in decoder_options
    cleaning = decode_filters(video.scan, info.deinterlace, sparse=sparse)
    film = any(f.startswith("decimate") for f in cleaning)
    filters = list(pre_filters)
    # HDR → SDR: the display tone map on the output size (per pixel, so after scaling is cheap); detection's
    # curve (a table) before the shrink, so that it averages in SDR's signal as an SDR file's does
    before, after = detection_filters(video) if detection else ([], tonemap_filters(video))
    filters += before
    if out_w > 0:
        filters.append(f"scale={out_w}:{out_h}:flags={scale_flags}")
    filters += after
    if out_w > 0:
        filters.append("setsar=1")
    filters.append("showinfo")
    cmd = []
    if threads:
        cmd += ["-threads", str(threads)]
    cmd += [*decoder_options]
    ts = transport_index(info)
    clock, anchor = None, Fraction(0)
    film_shift = 0  # ticks taken off a transport stream's film frames before decimate (put back below)
    from_first = False  # a transport stream read from its first keyframe
    if ts is not None:
        # A transport stream: start at the byte offset of the keyframe the first frame needs
        # (timestamp seeking lands after it), and read times off the stream's continuous timeline.
        lead = anchor = ts_offset(ts, info.start_time)
        # Film (fieldmatch + decimate) needs a few of the stream's frames before the one on screen at START to
        # match its fields and find the repeated one: from the keyframe just before START its first film frame
        # came after START (a still there failed, a GIF began a frame late).
        entry = ts.start_entry(max(Fraction(0), start - lead - (_FILM_LEAD_IN if film else 0)))
        from_first = entry == 0
        clock = ts.clock(entry)
        if film:
            # decimate times its frames on its own 1/23.976 s grid counted from the clock's zero, not from the
            # video's first frame: with a transport stream's clock (1.4 s, or hours, at its start) a film frame
            # came out up to a frame late, by where the read began (a still at 17.48 s showed the frame before).
            # Its input is timed from this keyframe instead (on the stream's frame grid), its output put back.
            # ffmpeg may report the clock less 2**33 (a read that begins near the wrap): the keyframe's clock is
            # taken off as whichever of its wrapped values lies nearest the first frame's (STARTPTS).
            seg = ts.segments[ts.segment_of(entry)] if ts.segments else None
            origin = int(ts.pts[entry]) if ts.pts[entry] >= 0 else seg.origin if seg is not None else 0
            film_shift = origin % WRAP
            half = WRAP // 2
            at = next(i for i, f in enumerate(cleaning) if f.startswith("decimate"))
            # (in seconds: bwdif times its frames in 1/180000 s)
            shift = f"(mod(STARTPTS*TB-({film_shift - half})/{CLOCK}\\,{WRAP}/{CLOCK})-{half}/{CLOCK})/TB"
            cleaning = [*cleaning[:at], f"setpts=PTS-STARTPTS+{shift}", *cleaning[at:]]
        cmd += ["-skip_initial_bytes", str(int(ts.offsets[entry])), "-copyts", "-i", str(info.path)]
        vspec = f"0:i:{ts.pid}"
    else:
        # From the start, no seek: ffmpeg's seek to 0 in an AVI whose first frame is shown after 0 (B-frames)
        # lands on a later keyframe (1.84 s into a test file).
        cmd += (["-ss", _ffmpeg_time(seek)] if seek > 0 else []) + ["-copyts"]
        if "-noaccurate_seek" not in decoder_options:
            # (Without accurate seeking the read starts at whatever seek point the container's index
            # gives, perhaps well before ``seek``, and -t would count from there: the reading stops at ``end``.)
            cmd += ["-t", _ffmpeg_time(end - seek + Fraction(1, 2))]
        cmd += ["-i", str(info.path)]
        vspec = f"0:{video.index}"
    # each film frame's time before decimate, to put right one decimate timed a frame late (film_times)
    cleaning, sources = with_probes(cleaning)
    if info.burn_subtitles is None:
        cmd += ["-map", vspec, "-vf", ",".join(cleaning + filters)]
    else:
        cmd += _subtitle_input(info, start, ts)
        cmd += ["-filter_complex", _burn_graph(info, vspec, cleaning, filters), "-map", "[out]"]
    cmd += ["-an", "-sn", "-dn", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", pix_fmt, "pipe:1"]
    proc = start_ffmpeg(cmd, loglevel="info", bufsize=0)  # info: showinfo's frame times
    times: queue.Queue = queue.Queue()
    tail: deque[str] = deque(maxlen=30)
    size_box: list[tuple[int, int]] = []

    def read_stderr() -> None:
        tb = Fraction(1, 1000)
        assert proc.stderr is not None
        for raw in iter(proc.stderr.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip()
            if sources is not None and sources.line(line):
                continue
            m = _SHOWINFO_RE.search(line)
            if m:
                # The size travels with each frame's time: the reader never looks at
                # a size that was not recorded yet, and a mid-stream size change is followed.
                s = re.search(r"\bs:(\d+)x(\d+)", line)
                if s:
                    size_box[:] = [(int(s.group(1)), int(s.group(2)))]
                times.put((int(m.group(2)), tb, int(m.group(3)) * tb if int(m.group(3)) > 0 else None, size_box[0] if size_box else None,
                           sources.before(int(m.group(2)), tb) if sources is not None else None))
                continue
            m = _TIMEBASE_RE.search(line)
            if m and "showinfo" in line:
                tb = Fraction(int(m.group(1)), int(m.group(2)))
                continue
            if "Parsed_showinfo" in line:
                continue
            tail.append(line)
            if warnings is not None and ("error" in line.lower() or "corrupt" in line.lower()) and "Stream mapping" not in line:
                warnings.append(line)
        times.put(None)

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    channels = PIX_FMTS[pix_fmt]
    rate = video.frame_rate if not video.variable_frame_rate else None
    if rate and video.stream_frame_rate and not film:
        rate = video.stream_frame_rate  # telecined, but read as stored: the stream's own frame grid
    def stream_time(ticks: int, tb: Fraction) -> Fraction:
        if clock is not None:
            return lead + clock.time(round(ticks * tb * CLOCK) + film_shift)
        return ticks * tb - info.start_time

    held: Frame | None = None
    n_out = 0
    late = False
    # (Not for quick looks: with -noaccurate_seek the frames start where the seek lands, and decoding only
    # some frames, -skip_frame, promises no frame at ``start``: a retry would only cost.)
    retry_late = ts is None and seek > 0 and not {"-noaccurate_seek", "-skip_frame"} & set(decoder_options)
    missed_retry = ts is None and seek > 0
    seen = False  # any frame decoded (a seek that lands past the read's -t decodes none)
    try:
        assert proc.stdout is not None
        while True:
            item = times.get()
            if item is None:
                break
            ticks, tb, dur, size, source = item
            if size is None:
                raise MediaError(f"ffmpeg did not report the frame size of {info.path}", "run with --debug and report it")
            w, h = size
            nbytes = w * h * channels
            buf = bytearray(nbytes)
            view = memoryview(buf)
            got = 0
            while got < nbytes:
                n = proc.stdout.readinto(view[got:])
                if not n:
                    break
                got += n
            if got < nbytes:
                break
            t = stream_time(ticks, tb)
            if rate and film:  # decimated film frames: decimate's own clock is on a coarser grid; the film's starts with the video
                t = anchor + Fraction(round((t - anchor) * rate)) / rate
                if source is not None:
                    # decimate kept a frame of the 29.97 stream shown (0.4 film frames or less after its own time)
                    # a film frame before the time it gave it: it dropped one after the repeat, not the repeat
                    own = anchor + Fraction(round((stream_time(*source) - anchor) * rate)) / rate
                    t = min(t, own)
            elif rate:
                t = snap_to_grid(t, rate, Fraction(1, 1000))
            shape = (h, w) if channels == 1 else (channels, h, w) if pix_fmt in PLANAR else (h, w, channels)
            seen = True
            frame = Frame(t, 0, np.frombuffer(buf, np.uint8).reshape(shape), dur)
            if t <= start:
                held = frame
                continue
            if retry_late and held is None and n_out == 0:
                # The seek landed after the frame on screen at ``start`` (an MPEG program stream, .vob/.mpg,
                # has no index: ffmpeg's estimate lands a keyframe or more late): read again from earlier.
                late = True
                break
            if t >= end:
                if missed_retry and held is None and n_out == 0:
                    late = True  # the seek landed past the whole range (even a quick look needs a frame)
                    break
                if held is None and n_out == 0 and (seek == 0 and ts is None or ts is not None and from_first):
                    # Nothing was on screen before the video's first frame (an AVI with B-frames starts its
                    # frames a decoder delay after 0; a recording whose sound starts first): a range before it
                    # shows that frame.
                    held = frame
                break
            if held is not None:
                yield Frame(held.time, n_out, held.image, held.duration)
                n_out += 1
                held = None
            yield Frame(frame.time, n_out, frame.image, frame.duration)
            n_out += 1
        if held is not None:  # the range lies inside one frame
            yield Frame(held.time, n_out, held.image, held.duration)
            n_out += 1
        if not seen and missed_retry:
            late = True  # nothing decoded at all: the seek landed past the whole read
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        reader.join(timeout=5)
        if proc.stdout:
            proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()
    if late:
        yield from read_frames(info, start=start, end=end, width=width, height=height, pix_fmt=pix_fmt,
                               pre_filters=pre_filters, scale_flags=scale_flags, warnings=warnings, threads=threads,
                               decoder_options=decoder_options, lead_in=max(Fraction(2), Fraction(lead_in) * 4),
                               detection=detection)
        return
    if n_out == 0:
        detail = last_words(tail)
        raise MediaError(f"no frames could be decoded from {info.path} between {float(start):.3f}s and {float(end):.3f}s ({detail})",
                         "the file may be damaged there; try another range")


#: How far before the range a picture subtitle may have begun and still be on screen.
_SUBTITLE_LEAD = Fraction(30)


def _subtitle_input(info: MediaInfo, start: Fraction, ts: TsIndex | None) -> list[str]:
    """The file again as a second input, for its picture subtitle track, from well before ``start``:
    a subtitle shown at ``start`` began earlier, and its picture is only in the packets where it began."""
    early = max(Fraction(0), start - _SUBTITLE_LEAD)
    if ts is not None:
        return ["-skip_initial_bytes", str(int(ts.offsets[ts.start_entry(early)])), "-i", str(info.path)]
    return ["-ss", _ffmpeg_time(early), "-i", str(info.path)]


def _burn_graph(info: MediaInfo, vspec: str, cleaning: list[str], filters: list[str]) -> str:
    """Video (cleaned) with the subtitle pictures laid over it at their own times, at the video's size, then the rest."""
    video = info.require_video()
    track = next(t for t in info.subtitles if t.index == info.burn_subtitles)
    sspec = f"1:i:{track.pid}" if track.pid is not None and info.container.startswith("mpegts") else f"1:{track.stream_index}"
    head = ",".join(cleaning) or "null"
    # sub2video puts a picture's first frame after the video frame of the same time; 1 ms earlier (a tick
    # in both 1/1000 and 1/90000 time bases) lands it on the frame where it starts.
    return (f"[{vspec}]{head}[v];[{sspec}]setpts=PTS-0.001/TB,scale={video.width}:{video.height}[s];"
            f"[v][s]overlay=eof_action=pass:repeatlast=0[o];[o]{','.join(filters)}[out]")


def transport_index(info: MediaInfo) -> TsIndex | None:
    """The packet index of ``info``'s video when it is an MPEG transport stream (.ts, .m2ts), else None."""
    video = info.video
    if video is None or video.pid is None or not info.container.startswith("mpegts"):
        return None
    return ts_index(info.path, video.pid)


def frame_at(source: str | os.PathLike | MediaInfo, t: Fraction, **kwargs) -> Frame:
    """The frame on screen at time ``t`` (frame-accurate)."""
    info = source if isinstance(source, MediaInfo) else probe(source)
    rate = info.require_video().frame_rate or Fraction(25)
    end = min(info.duration, Fraction(t) + 1 / rate)
    frames = read_frames(info, start=Fraction(t), end=end if end > t else info.duration, **kwargs)
    try:
        return next(frames)
    finally:
        frames.close()


def resample(frames: Iterable[Frame], start: Fraction, end: Fraction, fps: Fraction,
             progress=None) -> Iterator[tuple[Fraction, Frame]]:
    """Sample a frame stream at a fixed rate: for each tick ``start + k/fps``
    (k = 0, 1, … while the tick is before ``end``), the frame on screen at the
    tick's *middle*, ``start + (k + ½)/fps`` (the last frame before ``end`` if
    the middle falls past it).

    A tick stands for its whole 1/fps of screen time, so the frame at its
    middle represents it best (ffmpeg's ``fps`` filter does the same; the
    frame at the tick's start lagged by up to one tick and, on a slow
    variable-rate source, showed a third of the frames late).  Exact on
    variable-frame-rate input: the frame chosen is the last whose own
    timestamp is at or before that middle.
    """
    fps = Fraction(fps)
    total = int((end - start) * fps) + (1 if (end - start) * fps % 1 else 0)
    k = 0
    current: Frame | None = None
    for frame in frames:
        while k < total and current is not None and start + (2 * k + 1) / (2 * fps) < frame.time:
            yield start + k / fps, current
            k += 1
            if progress is not None and progress(k, total) is False:
                raise Cancelled()
        current = frame
    while current is not None and k < total:
        yield start + k / fps, current
        k += 1
        if progress is not None and progress(k, total) is False:
            raise Cancelled()
