"""What is inside a media file: container, duration, streams, subtitle tracks.

The bundled ffmpeg has no ffprobe beside it, so probing reads what ``ffmpeg -i``
reports about the file, and reads packet timestamps (``-c copy`` to the
``framecrc`` muxer: demuxing only, no decoding) for what the header cannot be
trusted with: the exact frame rate, whether it is variable, and where the last
video frame ends.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import asdict, dataclass, field, replace
from fractions import Fraction
from pathlib import Path

from ..errors import InputError, MediaError, UsageError
from ..settings_apply import expect_path, keywords_checked
from .ffmpeg import run_ffmpeg
from .interlace import MODES, Scan, decoded_rate, field_flags
from .timing import _snap_rate, _timing, snap_to_grid  # snap_to_grid, _snap_rate: imported from here too
from .streams import choose_video, sample_scan

__all__ = ["snap_to_grid", "MediaInfo", "VideoStream", "AudioStream", "SubtitleTrack", "probe", "first_frame_time", "TEXT_SUBTITLE_CODECS"]

TEXT_SUBTITLE_CODECS = frozenset(
    {"subrip", "srt", "ass", "ssa", "webvtt", "mov_text", "text", "subviewer", "subviewer1", "microdvd",
     "sami", "realtext", "jacosub", "mpl2", "pjs", "stl", "vplayer", "ttml", "eia_608",
     # broadcast captions the bundled ffmpeg decodes to text: ARIB STD-B24 (libaribcaption, ASS by default) and
     # DVB teletext (libzvbi, asked for text pages; see subtitles.tracks)
     "arib_caption", "dvb_teletext"}
)
BITMAP_SUBTITLE_CODECS = frozenset({"hdmv_pgs_subtitle", "dvd_subtitle", "dvb_subtitle", "xsub"})



@dataclass(frozen=True)
class VideoStream:
    index: int  # stream index in the file (ffmpeg's 0:N)
    codec: str
    width: int  # coded size, before aspect and rotation
    height: int
    pixel_aspect: Fraction  # SAR: 1 for square pixels
    rotation: int  # degrees clockwise the picture is turned for display (0, 90, 180, 270)
    frame_rate: Fraction | None  # exact average rate (None if unknown)
    variable_frame_rate: bool
    pix_fmt: str | None = None
    pid: int | None = None  # MPEG-TS packet id (``Stream #0:0[0x100]``), for transport streams
    program: int | None = None  # the MPEG-TS program (service) it belongs to
    scan: Scan | None = None  # progressive / interlaced / telecined (flags and an idet sample)
    stream_frame_rate: Fraction | None = None  # the rate as stored, when decoding changes it (telecine: 29.97)
    colour: str | None = None  # the pixel format's colour part, e.g. "tv, bt2020nc/bt2020/smpte2084"
    profile: str | None = None  # the codec profile ffmpeg names, lower-cased ("high", "main"…), if it names one

    @property
    def display_size(self) -> tuple[int, int]:
        """The size a player shows: pixel aspect applied, then rotation."""
        w = round(self.width * self.pixel_aspect)
        h = self.height
        if self.rotation in (90, 270):
            w, h = h, w
        return w, h

    @property
    def display_aspect(self) -> Fraction:
        w, h = self.display_size
        return Fraction(w, h)


@dataclass(frozen=True)
class AudioStream:
    index: int
    codec: str
    language: str | None
    channels: str | None
    sample_rate: int | None
    title: str | None = None


@dataclass(frozen=True)
class SubtitleTrack:
    index: int  # N in ffmpeg's 0:s:N and in ``--subs track:N``
    stream_index: int
    codec: str
    language: str | None
    title: str | None
    is_text: bool  # False for bitmap tracks (PGS, DVD), which cannot be read as text
    default: bool = False
    forced: bool = False
    pid: int | None = None  # MPEG-TS packet id


@dataclass(frozen=True)
class Program:
    number: int
    name: str | None
    provider: str | None
    streams: tuple[int, ...]  # stream indices (ffmpeg's 0:N)


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    container: str
    duration: Fraction  # seconds, from the start of the file to the end of its last video frame
    start_time: Fraction  # the container's first timestamp (0 for most mkv/mp4)
    bitrate: int | None  # bits per second
    size_bytes: int
    title: str | None
    video: VideoStream | None
    audio: tuple[AudioStream, ...] = field(default_factory=tuple)
    subtitles: tuple[SubtitleTrack, ...] = field(default_factory=tuple)
    videos: tuple[VideoStream, ...] = field(default_factory=tuple)  # every video stream; ``video`` is the one used
    programs: tuple[Program, ...] = field(default_factory=tuple)  # MPEG-TS programs (services)
    deinterlace: str = "auto"  # how frames are decoded: auto / off / on (see media.interlace)
    burn_subtitles: int | None = None  # a picture subtitle track (its 0:s:N) drawn into every decoded frame
    #: The container's own duration, set only when the stream ends well before it and the data
    #: stops short (a half-downloaded MP4 with its index at the front): see :attr:`incomplete`.
    declared_duration: Fraction | None = None
    #: What the user gave, when it was not this file: "the frames", "the moviepy clip" (a frame source stored in a
    #: temporary file whose name means nothing to them); messages name it so.  None: the file itself.
    label: str | None = None

    @property
    def name(self) -> str:
        """What messages call the input: the file's name, or :attr:`label`."""
        return self.label or self.path.name

    @property
    def incomplete(self) -> str | None:
        """``"the file looks incomplete (X of Y s decodable)"`` when it does, else None."""
        if self.declared_duration is None:
            return None
        return (f"the file looks incomplete ({float(self.duration):.2f} of {float(self.declared_duration):.2f} s "
                "decodable)")

    def past_end(self, what: str) -> str:
        """An error message for ``what`` (e.g. "12:30") lying past the end of the file."""
        from ..timecode import format_time

        if self.incomplete:
            return f"{what} cannot be read: {self.incomplete}"
        return f"{what} is past the end of {self.name} ({format_time(self.duration)})"

    def require_video(self) -> VideoStream:
        if self.video is None:
            raise InputError(f"{self.path} has no video stream", "give a video file (run `clipkit info` on it to see what it holds)")
        return self.video

    def to_dict(self) -> dict:
        """A JSON-ready dict (Fractions as floats, plus exact rates as strings)."""
        from ..artifact import jsonable

        data = jsonable(asdict(self))
        if self.video is not None:
            data["video"]["display_width"], data["video"]["display_height"] = self.video.display_size
            data["video"]["frame_rate_exact"] = str(self.video.frame_rate) if self.video.frame_rate else None
        return data


_STREAM_RE = re.compile(r"^\s*Stream #0:(\d+)(?:\[(0x[0-9a-fA-F]+)\])?(?:\(([^)]*)\))?(?:\[[^\]]*\])?: (Video|Audio|Subtitle|Data|Attachment): (.*)$")
_INPUT_RE = re.compile(r"^Input #0, ([^,]+(?:,[^,\s]+)*), from ")
_DURATION_RE = re.compile(r"^\s*Duration: (\S+), start: (-?[\d.]+), bitrate: (\S+)")
_META_RE = re.compile(r"^\s+(\w+)\s*: (.*)$")
_ROTATION_RE = re.compile(r"rotation of (-?[\d.]+) degrees")


def _split_top(text: str) -> list[str]:
    """Split on commas that are not inside parentheses or brackets."""
    out, depth, cur = [], 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    if cur:
        out.append("".join(cur).strip())
    return out


def _clock_to_fraction(text: str) -> Fraction | None:
    m = re.match(r"^(\d+):(\d\d):(\d\d(?:\.\d+)?)$", text)
    if not m:
        return None
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + Fraction(m.group(3))


@dataclass
class _RawStream:
    index: int
    kind: str
    language: str | None
    desc: str
    meta: dict[str, str] = field(default_factory=dict)
    rotation: int = 0
    pid: int | None = None
    program: int | None = None


def _parse_header(text: str) -> tuple[dict, list[_RawStream]]:
    head: dict = {"meta": {}, "programs": {}}
    streams: list[_RawStream] = []
    current: _RawStream | None = None
    program: int | None = None
    in_input = False
    for line in text.splitlines():
        m = _INPUT_RE.match(line)
        if m:
            head["container"] = m.group(1)
            in_input = True
            continue
        if not in_input:
            continue
        if line.startswith("Output #") or line.startswith("Stream mapping"):
            break
        m = _DURATION_RE.match(line)
        if m:
            head["duration"] = _clock_to_fraction(m.group(1))
            head["start"] = Fraction(m.group(2))
            br = m.group(3)
            head["bitrate"] = int(br) * 1000 if br.isdigit() else None
            current = None
            continue
        m = re.match(r"^\s+Program (\d+)", line)
        if m:
            program, current = int(m.group(1)), None
            head["programs"][program] = {}
            continue
        m = _STREAM_RE.match(line)
        if m:
            lang = m.group(3)
            current = _RawStream(int(m.group(1)), m.group(4), None if lang in (None, "und") else lang, m.group(5),
                                 pid=int(m.group(2), 16) if m.group(2) else None, program=program)
            streams.append(current)
            continue
        m = _ROTATION_RE.search(line)
        if m and current is not None:
            # ffmpeg prints the display matrix angle counter-clockwise; players turn the picture clockwise by -angle.
            current.rotation = int(round(-float(m.group(1)))) % 360
            continue
        m = _META_RE.match(line)
        if m:
            key, value = m.group(1).lower(), m.group(2).strip()
            if current is None and program is not None:
                head["programs"][program].setdefault(key, value)
            elif current is None:
                head["meta"].setdefault(key, value)
            else:
                current.meta.setdefault(key, value)
    return head, streams


def _video(raw: _RawStream) -> VideoStream:
    parts = _split_top(raw.desc)
    codec = parts[0].split()[0] if parts else "unknown"
    pix_fmt = parts[1].split("(")[0].strip() if len(parts) > 1 and not re.search(r"(?<!\w)\d{2,5}x\d{2,5}(?!\w)", parts[1]) else None
    m = re.search(r"(?<!\w)(\d{2,5})x(\d{2,5})(?=[\s,\[]|$)", raw.desc)
    if not m:
        raise MediaError(f"cannot read the picture size of video stream {raw.index}", "the file may be damaged")
    width, height = int(m.group(1)), int(m.group(2))
    sar = Fraction(1)
    m = re.search(r"SAR (\d+):(\d+)", raw.desc)
    if m and int(m.group(1)) > 0 and int(m.group(2)) > 0:
        sar = Fraction(int(m.group(1)), int(m.group(2)))
    rate = None
    m = re.search(r"([\d.]+)(k?) fps", raw.desc) or re.search(r"([\d.]+)(k?) tbr", raw.desc)
    if m:
        value = Fraction(m.group(1)) * (1000 if m.group(2) else 1)
        if value > 0:
            rate = _snap_rate(value)
    colour = re.search(r"\((.*)\)", parts[1]) if len(parts) > 1 else None
    flags = field_flags(colour.group(1)) if colour else "unknown"
    return VideoStream(raw.index, codec, width, height, sar, raw.rotation, rate, False, pix_fmt, raw.pid, raw.program,
                       Scan("interlaced" if flags in ("tff", "bff") else "progressive",
                            flags if flags in ("tff", "bff") else None, flags),
                       colour=colour.group(1) if colour else None, profile=_profile(raw.desc))


def _profile(desc: str) -> str | None:
    """``h264 (High) (avc1 / 0x31637661), …`` → ``high``; None when the first brackets are the codec tag."""
    m = re.match(r"\w+ \(([^)]+)\)", desc)
    return m.group(1).strip().lower() if m and "/ 0x" not in m.group(1) else None


def _audio(raw: _RawStream) -> AudioStream:
    parts = _split_top(raw.desc)
    codec = parts[0].split()[0] if parts else "unknown"
    m = re.search(r"(\d+) Hz", raw.desc)
    rate = int(m.group(1)) if m else None
    channels = parts[2] if len(parts) > 2 else None
    return AudioStream(raw.index, codec, raw.language, channels, rate, raw.meta.get("title"))


def _subtitle(raw: _RawStream, n: int) -> SubtitleTrack:
    codec = raw.desc.split()[0].rstrip(",") if raw.desc else "unknown"
    is_text = codec in TEXT_SUBTITLE_CODECS or (codec not in BITMAP_SUBTITLE_CODECS and "pgs" not in codec and "dvd" not in codec)
    return SubtitleTrack(
        index=n,
        stream_index=raw.index,
        codec=codec,
        language=raw.language,
        title=raw.meta.get("title"),
        is_text=is_text,
        default="(default)" in raw.desc,
        forced="(forced)" in raw.desc,
        pid=raw.pid,
    )


@functools.lru_cache(maxsize=64)
def _probe_cached(path: str, mtime_ns: int, size: int, video_track: int | None) -> MediaInfo:
    """In memory per process; on disk across runs for large files (``probe_cache.py``)."""
    from . import probe_cache

    info = probe_cache.load(path, size, video_track)
    if info is None:
        info = _probe_file(path, size, video_track)
        probe_cache.save(path, size, video_track, info)
    return info


def _probe_file(path: str, size: int, video_track: int | None) -> MediaInfo:
    p = Path(path)
    # `ffmpeg -i FILE` names no output, so it exits 1 by design: the header on stderr is the answer
    proc = run_ffmpeg(["-i", path], what="reading the file's header", loglevel="info", check=False)
    text = proc.stderr.decode("utf-8", "replace")
    head, streams = _parse_header(text)
    if "container" not in head:
        reason = text.strip().splitlines()[-1] if text.strip() else "unknown error"
        if "Invalid data" in reason or "could not find codec" in reason.lower() or "End of file" in reason:
            raise InputError(f"{p} is not a media file ffmpeg can read ({reason.split(': ')[-1]})",
                             "check that it is a video file (mkv, mp4, …) and that it downloaded completely")
        raise InputError(f"cannot read {p}: {reason}", "check that it is a video file and that you can read it")
    videos = [_video(s) for s in streams if s.kind == "Video" and "attached pic" not in s.desc]
    video = choose_video(videos, video_track, p)
    duration = head.get("duration")
    start = head.get("start", Fraction(0))
    ts = None
    if video is not None:
        if head["container"].startswith("mpegts") and video.pid is not None:
            from .tsindex import ts_index

            ts = ts_index(p, video.pid)
        video, video_end = _timing(p, video, start, want_end=ts is None, recording=ts is not None)
        if ts is not None:
            # The transport stream's own continuous timeline (clock jumps joined, wraps unwrapped).
            video_end = ts_offset(ts, start) + ts.duration
            if video.frame_rate and not video.variable_frame_rate:
                video_end = snap_to_grid(video_end, video.frame_rate, Fraction(1, 1000))
        if video_end is not None and video_end > 0:
            duration = video_end
        if duration:
            video = replace(video, scan=sample_scan(p, video, duration))
        videos = [video if v.index == video.index else v for v in videos]
    declared = head.get("duration")
    cut_short = None
    short = declared and duration and declared - duration > max(Fraction(1, 2), declared / 50)
    if video is not None and ts is None and short and _data_stops_short(p, video.index):
        cut_short = declared
    if duration is None or duration <= 0:
        if video is not None:
            raise InputError(f"{p} has a video stream but no frames could be read", "the file may be empty or truncated")
        duration = Fraction(0)
    subs = [s for s in streams if s.kind == "Subtitle"]
    return MediaInfo(
        path=p,
        container=head["container"],
        duration=duration,
        start_time=start,
        bitrate=head.get("bitrate"),
        size_bytes=size,
        title=head["meta"].get("title"),
        video=video,
        audio=tuple(_audio(s) for s in streams if s.kind == "Audio"),
        subtitles=tuple(_subtitle(s, n) for n, s in enumerate(subs)),
        videos=tuple(videos),
        programs=tuple(Program(n, meta.get("service_name"), meta.get("service_provider"),
                               tuple(s.index for s in streams if s.program == n))
                       for n, meta in head["programs"].items()),
        declared_duration=cut_short,
    )


_SHORT_RE = re.compile(rb"partial file|truncat|end of file|invalid data", re.IGNORECASE)


def _data_stops_short(path: Path, stream_index: int) -> bool:
    """Whether demuxing the end of the file runs out of data (ffmpeg: "partial file"): asked only
    when the container says the file lasts longer than its stream does."""
    proc = run_ffmpeg(["-sseof", "-1", "-i", str(path), "-map", f"0:{stream_index}", "-c", "copy", "-f", "null", "-"],
                      what="checking the file is complete", check=False)
    return bool(_SHORT_RE.search(proc.stderr))


def ts_offset(ts, start: Fraction) -> Fraction:
    """Where a transport stream's first video frame sits after the file's start (another stream may begin first)."""
    lead = Fraction(ts.segments[0].origin, 90_000) - start if ts.segments else Fraction(0)
    lead = Fraction(round(lead * 90_000), 90_000)  # ffmpeg prints the start in microseconds; the clock ticks at 90 kHz
    return lead if 0 <= lead < 5 else Fraction(0)


def first_frame_time(info: MediaInfo) -> Fraction:
    """When the video's first frame is shown, in seconds from the file's start (as frames are timed): after 0
    when another stream begins first (a recording's audio, a remux with the video delayed)."""
    video = info.require_video()
    if info.container.startswith("mpegts") and video.pid is not None:
        from .tsindex import ts_index

        ts = ts_index(info.path, video.pid)
        if ts is not None:
            return ts_offset(ts, info.start_time)
    from .timing import _packet_times

    head = _packet_times(info.path, video.index, from_end=False)
    if not head:
        return Fraction(0)
    return max(Fraction(0), min(p * tb for p, _, tb in head) - info.start_time)


@keywords_checked
def probe(path: str | os.PathLike, *, video_track: int | None = None, deinterlace: str = "auto") -> MediaInfo:
    """Read a media file's facts; raise :class:`InputError` if it is not media.

    ``video_track`` N picks the file's N-th video stream (from 0) instead of the
    main one; ``deinterlace`` (auto / off / on) is how its frames will be decoded,
    which sets the frame rate telecined film comes out at.  Results are cached per
    (path, modification time, size).
    """
    if deinterlace not in MODES:
        raise UsageError(f"deinterlace must be one of {', '.join(MODES)}, not {deinterlace!r}", "use auto, off or on")
    p = Path(expect_path(path, "info"))
    if not p.exists():
        raise InputError(f"{p} does not exist", "check the path (tab completion helps)")
    if p.is_dir():
        raise InputError(f"{p} is a folder, not a video file", "give the path of a video file inside it")
    try:
        st = p.stat()
        with open(p, "rb"):
            pass
    except PermissionError as exc:
        raise InputError(f"cannot read {p}: permission denied", "check the file's permissions") from exc
    if st.st_size == 0:
        raise InputError(f"{p} is empty (0 bytes)", "the download or copy may have failed; get the file again")
    info = _probe_cached(str(p.resolve()), st.st_mtime_ns, st.st_size, video_track)
    named = Path(os.path.abspath(p))
    if named != info.path:  # a symlink keeps its own name and folder (its subtitle files are beside it)
        info = replace(info, path=named)
    video = info.video
    if video is None:
        return info
    rate = decoded_rate(video.scan, deinterlace, video.frame_rate)
    if rate == video.frame_rate and deinterlace == "auto":
        return info
    video = replace(video, frame_rate=rate, stream_frame_rate=video.frame_rate if rate != video.frame_rate else None)
    return replace(info, video=video, deinterlace=deinterlace)
