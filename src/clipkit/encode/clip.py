"""One ffmpeg run that cuts a clip with its sound: the command, and running it.

Timing (exact, in one place): the input is opened at ``first`` — the time of
the frame on screen at the clip's START (found from the packet timestamps,
``media/keyframes.py``) — so ffmpeg's accurate seek keeps that frame.  The
clip's clock starts at START: every video timestamp is moved back by
``lead = START - first`` (the first frame, which began before START, is shown
from 0; if it would be on screen for under half a frame, the next one is, as
``shown``), and the sound is trimmed at ``lead`` and moved the same way, so
picture and sound keep the source's relation.  Sound that starts later than
the picture is padded with silence from 0 (``aresample=first_pts=0``) rather
than left to an edit list some players ignore.  Short fades at both ends stop
the cut from clicking.  Captions are pictures drawn by clipkit
(``render/captions.py``) overlaid at their times: no user text ever goes into
a filter string.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..errors import Cancelled, MediaError
from ..media.ffmpeg import ffmpeg_command, last_line
from ..progress import ProgressFn, report

__all__ = ["ClipJob", "CaptionImage", "PosterTap", "clip_command", "run_clip", "seconds", "FORMAT_CODECS"]

#: container → (video codec, audio codec, subtitle codec, ffmpeg muxer)
FORMAT_CODECS = {
    "mp4": ("h264", "aac", "mov_text", "mp4"),
    "webm": ("vp9", "opus", "webvtt", "webm"),
    "m4a": (None, "aac", None, "ipod"),
}


def seconds(t: Fraction) -> str:
    """A time for ffmpeg: microseconds, rounded down (never after the frame it names)."""
    us = int(Fraction(t) * 1_000_000)
    sign = "-" if us < 0 else ""
    us = abs(us)
    return f"{sign}{us // 1_000_000}.{us % 1_000_000:06d}"


@dataclass(frozen=True)
class CaptionImage:
    """A drawn caption layer (RGBA PNG the size of the frame) shown over ``[start, end)`` of the clip."""

    path: Path
    start: Fraction
    end: Fraction


@dataclass(frozen=True)
class PosterTap:
    """Frames for the poster, taken from the encode itself (no second decode of the clip).

    Two side outputs of the final picture (captions drawn): ``rank.rgb``, the frames of
    ``rank`` (clip time) at ``rank_size`` for choosing, and ``cand.rgb``, the frames of
    ``cand`` at full size to write the chosen one from; each with a ``.crc`` list of frame
    times and sizes (ffmpeg's framecrc).  Written to ``folder``."""

    folder: Path
    rank: tuple[Fraction, Fraction]
    rank_size: tuple[int, int]
    cand: tuple[Fraction, Fraction]

    def outputs(self, label: str) -> tuple[list[str], list[str]]:
        """(filter-graph branches reading ``[label]``'s split copies, output arguments)."""
        graph = [f"[{label}r]trim=start={seconds(self.rank[0])}:end={seconds(self.rank[1])},"
                 f"scale={self.rank_size[0]}:{self.rank_size[1]}:flags=area,format=rgb24[tap_rank]",
                 f"[{label}c]trim=start={seconds(self.cand[0])}:end={seconds(self.cand[1])},"
                 "scale=iw:ih:flags=area,format=rgb24[tap_cand]"]  # (a scaler converts: the split keeps the clip's format)
        args: list[str] = []
        for name in ("rank", "cand"):
            raw, crc = self.folder / f"{name}.rgb", self.folder / f"{name}.crc"
            args += ["-map", f"[tap_{name}]", "-c:v", "rawvideo", "-fps_mode", "passthrough", "-enc_time_base:v",
                     "filter", "-f", "tee", f"[f=rawvideo]{raw}|[f=framecrc]{crc}"]
        return graph, args


@dataclass(frozen=True)
class PictureSubs:
    """A picture subtitle track (PGS, DVD, DVB) laid over the picture as the disc drew it: the source
    opened again (``input_args``, ending in ``-i FILE``), the track's stream ``spec`` in that input
    (``4``, or ``i:4608`` — its PID — in a transport stream), ``shift`` seconds added to its times to meet the
    video's, scaled to the video's coded ``size`` (as ``media/frames.py`` burns it into GIFs and stills)."""

    input_args: tuple[str, ...]
    spec: str
    shift: Fraction
    size: tuple[int, int]


@dataclass
class ClipJob:
    """What one clip encode needs; times in seconds from the file's start unless said otherwise."""

    source: Path
    video_index: int | None  # None: no picture (sound only)
    audio_index: int | None  # None: no sound
    first: Fraction  # time of the frame on screen at start (where the input is opened)
    start: Fraction
    duration: Fraction
    format: str = "mp4"
    size: tuple[int, int] | None = None  # scale to (w, h); None: as decoded
    pre_filters: Sequence[str] = ()  # before scaling: crop (deinterlacing is a clean filter)
    clean_filters: Sequence[str] = ()  # first of all, before picture subtitles are laid over: deinterlace
    picture_subs: PictureSubs | None = None  # a PGS/DVD/DVB track burned in (after clean_filters, before pre_filters)
    post_filters: Sequence[str] = ()  # after scaling: HDR → SDR tone mapping
    fps: Fraction | None = None
    crf: int = 20
    preset: str = "veryfast"
    video_bitrate: int | None = None  # two-pass target (bits/s); None: crf
    audio_bitrate: int = 160_000
    fade: Fraction = Fraction(5, 1000)
    captions: Sequence[CaptionImage] = ()
    subtitle_file: Path | None = None  # retimed SRT/VTT muxed as a selectable track
    subtitle_language: str | None = None  # its ISO 639-2 code (jpn), so players name the track
    pass_number: int | None = None  # 1 or 2 for two-pass
    passlog: Path | None = None
    extra_video_args: Sequence[str] = field(default_factory=tuple)  # after the defaults: they win
    muxer: str | None = None  # None: the format's own (mpegts for a smart cut's re-encoded head)
    # How the source is opened.  Default: ``-ss first`` (input timestamp 0 is file time ``first``).
    # A transport stream is opened at a keyframe's byte offset with -copyts instead: then
    # ``input_args`` are those options and ``clock_zero`` the file time of input timestamp 0.
    input_args: Sequence[str] | None = None
    clock_zero: Fraction | None = None
    video_map: str | None = None  # e.g. "0:i:256" (a TS pid); default "0:<video_index>"
    #: Telecined film: (the anchor of its frame grid, the film frame on screen at START), file times
    #: (``first`` is then where the read begins, a little before: decimate needs frames before).
    film: tuple[Fraction, Fraction] | None = None
    audio_map: str | None = None
    poster_tap: PosterTap | None = None  # side outputs for the poster (last pass only)
    # The time of the frame the clip opens on, when later than ``first``: that one would be on screen for under half
    # a frame (a flash), so the next is shown from 0 instead (as a GIF's first tick shows the frame at its middle).
    shown: Fraction | None = None
    # False: the frames as stored, not turned upright (a smart cut's head, joined to copied frames that carry
    # the file's rotation as a tag).
    autorotate: bool = True


def _video_codec_args(job: ClipJob) -> list[str]:
    if job.format == "webm":
        args = ["-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-row-mt", "1", "-deadline", "good",
                "-cpu-used", "5" if job.pass_number != 1 else "8", "-tile-columns", "2"]
        if job.video_bitrate:
            args += ["-b:v", str(job.video_bitrate), "-undershoot-pct", "0", "-overshoot-pct", "0"]
        else:
            args += ["-b:v", "0", "-crf", str(min(63, job.crf + 12))]
    else:
        args = ["-c:v", "libx264", "-preset", job.preset, "-pix_fmt", "yuv420p"]  # x264 picks High for 4:2:0
        if job.video_bitrate:
            args += ["-b:v", str(job.video_bitrate), "-maxrate", str(int(job.video_bitrate * 1.5)),
                     "-bufsize", str(job.video_bitrate * 2)]
        else:
            args += ["-crf", str(job.crf)]
    if job.pass_number:
        args += ["-pass", str(job.pass_number), "-passlogfile", str(job.passlog)]
    return args + list(job.extra_video_args)


def _audio_codec_args(job: ClipJob) -> list[str]:
    if job.format == "webm":
        return ["-c:a", "libopus", "-b:a", str(job.audio_bitrate * 3 // 4)]
    return ["-c:a", "aac", "-b:a", str(job.audio_bitrate)]


#: Telecined film's frame rate (fieldmatch + decimate): the grid its frames are timed on.
_FILM = "(24000/1001)"


def _film_filters(job: ClipJob, zero: Fraction) -> list[str]:
    """``job.clean_filters`` for telecined film, its frames timed as stills and GIFs time them (film frame j at
    anchor + j/23.976) and cut at the film frame on screen at START.  decimate times its frames on its own
    1/23.976 grid from the input clock's zero: its input is moved onto a clock whose zero is a film-grid
    time, its first frame onto the film frame time that frame has, then back."""
    anchor, film_first = job.film
    grid = anchor + Fraction(math.floor((job.first - anchor) * Fraction(24000, 1001)), 1) / Fraction(24000, 1001)
    filters = list(job.clean_filters)
    at = next(i for i, f in enumerate(filters) if f.startswith("decimate"))
    start = f"(STARTPTS*TB+({seconds(zero - anchor)}))"  # the first frame's time from the anchor
    filters.insert(at, f"setpts=PTS-STARTPTS+(round({start}*{_FILM})/{_FILM}-({seconds(grid - anchor)}))/TB")
    # (decimate's time base is a film frame: a finer one before moving back; cut a millisecond early, clear of rounding)
    return filters + ["settb=1/90000", f"setpts=PTS+({seconds(grid - zero)})/TB",
                      f"trim=start={seconds(film_first - zero - Fraction(1, 1000))}"]


def clip_command(job: ClipJob, output: Path) -> list[str]:
    """The ffmpeg command line for ``job`` (writing ``output``, or discarding it on a first pass)."""
    zero = job.first if job.clock_zero is None else job.clock_zero
    lead = job.start - zero  # input time of START
    cmd = ffmpeg_command(["-y"])
    if job.input_args is not None:
        cmd += list(job.input_args)
    elif job.first > 0:
        cmd += ["-ss", seconds(job.first)]
    if not job.autorotate:
        cmd += ["-noautorotate"]
    cmd += ["-i", str(job.source)]
    for cap in job.captions:
        cmd += ["-i", str(cap.path)]
    sub_input = None
    if job.subtitle_file is not None and job.pass_number != 1:
        sub_input = 1 + len(job.captions)
        cmd += ["-i", str(job.subtitle_file)]
    pictures = None
    if job.picture_subs is not None and job.video_index is not None:
        pictures = 1 + len(job.captions) + (sub_input is not None)
        cmd += list(job.picture_subs.input_args)
    graph: list[str] = []
    maps: list[str] = []
    end = seconds(job.duration)
    if job.video_index is not None:
        # From the first frame (a flash frame: cut halfway between it and the next, clear of timestamp rounding).
        cut = job.first if job.shown is None else (job.first + job.shown) / 2
        chain = [] if cut == zero or job.film is not None else [f"trim=start={seconds(cut - zero)}"]
        chain += _film_filters(job, zero) if job.film is not None else list(job.clean_filters)
        head = f"[{job.video_map or f'0:{job.video_index}'}]"
        if pictures is not None:
            # sub2video puts a picture's first frame after the video frame of the same time; 1 ms earlier lands
            # it on the frame where it starts (as media/frames.py does)
            p = job.picture_subs
            graph += [head + (",".join(chain) or "null") + "[pv]",
                      f"[{pictures}:{p.spec}]setpts=PTS+({seconds(p.shift)}-0.001)/TB,scale={p.size[0]}:{p.size[1]}[ps]",
                      "[pv][ps]overlay=eof_action=pass:repeatlast=0[po]"]
            head, chain = "[po]", []
        chain += list(job.pre_filters)
        if job.size is not None:
            chain += [f"scale={job.size[0]}:{job.size[1]}:flags=bicubic", "setsar=1"]
        chain += list(job.post_filters)
        move = f"max(0\\,PTS-{seconds(lead)}/TB)"
        chain += ["settb=1/90000", f"setpts=if(eq(N\\,0)\\,0\\,{move})" if job.shown is not None else f"setpts={move}"]
        if job.fps is not None:
            chain.append(f"fps={job.fps.numerator}/{job.fps.denominator}")
        chain.append(f"trim=end={end}")
        graph.append(head + ",".join(chain) + "[v0]")
        label = "v0"
        for n, cap in enumerate(job.captions, 1):
            graph.append(f"[{label}][{n}:v]overlay=0:0:eof_action=repeat:"
                         f"enable='between(t\\,{seconds(cap.start)}\\,{seconds(cap.end - Fraction(1, 1_000_000))})'[v{n}]")
            label = f"v{n}"
        tap = job.poster_tap if job.pass_number != 1 else None
        if tap is not None:
            graph.append(f"[{label}]split=3[vout][{label}r][{label}c]")
            branches, tap_args = tap.outputs(label)
            graph += branches
            label = "vout"
        maps += ["-map", f"[{label}]"]
    if job.audio_index is not None:
        fade = min(job.fade, job.duration / 4)
        chain = [f"atrim=start={seconds(lead)}", f"asetpts=PTS-{seconds(lead)}/TB",
                 "aresample=async=1:first_pts=0", f"apad=whole_dur={end}", f"atrim=end={end}"]  # silence where the sound stops early
        if fade > 0:
            chain += [f"afade=t=in:st=0:d={seconds(fade)}",
                      f"afade=t=out:st={seconds(job.duration - fade)}:d={seconds(fade)}"]
        graph.append(f"[{job.audio_map or f'0:{job.audio_index}'}]" + ",".join(chain) + "[a0]")
        maps += ["-map", "[a0]"]
    cmd += ["-filter_complex", ";".join(graph), *maps]
    if sub_input is not None:
        cmd += ["-map", f"{sub_input}:s", "-c:s", FORMAT_CODECS[job.format][2]]
    if job.video_index is not None:
        cmd += _video_codec_args(job) + ["-fps_mode", "vfr" if job.fps is None else "cfr", "-enc_time_base:v", "filter"]
    if job.audio_index is not None:
        cmd += _audio_codec_args(job)
    if job.input_args is None:  # (with -copyts an output -t would count from the input's clock; the trims cut)
        cmd += ["-t", end]
    cmd += ["-map_metadata", "-1", "-map_chapters", "-1"]
    if sub_input is not None and job.subtitle_language:
        cmd += ["-metadata:s:s:0", f"language={job.subtitle_language}"]
    if job.pass_number == 1:
        cmd += ["-f", "null", os.devnull]
        return cmd
    muxer = job.muxer or FORMAT_CODECS[job.format][3]
    if muxer in ("mp4", "ipod"):
        cmd += ["-movflags", "+faststart"]
    cmd += ["-f", muxer, str(output)]
    if job.video_index is not None and job.poster_tap is not None and job.pass_number != 1:
        cmd += tap_args
    return cmd


_TIME_RE = re.compile(r"out_time_us=(\d+)")


def run_clip(cmd: Sequence[str], duration: Fraction, *, what: str, progress: ProgressFn | None = None,
             done: int = 0, total: int = 1000, span: int = 1000) -> str:
    """Run an encode, reporting progress as ``done + span × fraction`` of ``total``; returns ffmpeg's
    warnings.  Raises :class:`MediaError` with ffmpeg's last message if it fails."""
    cmd = list(cmd)
    cmd[1:1] = ["-progress", "pipe:1", "-stats_period", "0.25"]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err_chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    cancelled = False
    try:
        assert proc.stdout is not None
        for raw in proc.stdout:
            m = _TIME_RE.match(raw.decode("ascii", "replace"))
            if m and duration > 0:
                frac = min(1.0, int(m.group(1)) / 1e6 / float(duration))
                try:
                    report(progress, done + int(span * frac), total)
                except Cancelled:
                    cancelled = True
                    proc.kill()
                    break
        code = proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=10)
    if cancelled:
        raise Cancelled()
    stderr = b"".join(err_chunks)
    if code != 0:
        raise MediaError(f"ffmpeg failed while {what}: {last_line(stderr)}", "run with --debug for ffmpeg's messages")
    return stderr.decode("utf-8", "replace")
