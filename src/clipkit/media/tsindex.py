"""An index of an MPEG transport stream's video: where each picture starts, its time, which are keyframes.

ffmpeg seeks in a ``.ts``/``.m2ts`` by bisecting on timestamps and lands on a
packet, not on the keyframe the wanted frame needs, so the decoder starts at the
*next* keyframe (a still "may be damaged", a GIF starts late).  Broadcast files
also join recordings (the clock jumps back or forward) and wrap their 33-bit
90 kHz clock every 26.5 hours, which timestamp bisection cannot cross.

So clipkit reads the file once (demuxing only: the 4-byte packet headers and the
PES headers of the video PID, numpy over the whole file, at disk speed) and
keeps, per video PES: its byte offset, its 33-bit PTS, and whether the muxer
marked it a random-access point (keyframe).  From that it builds the file's
*continuous* timeline — segments between clock jumps laid end to end, wraps
unwrapped — and decoding starts at the byte offset of the keyframe before the
asked time (``ffmpeg -skip_initial_bytes``), never by timestamp.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
from bisect import bisect_right
from collections import defaultdict, deque
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..identity import cache_root

__all__ = ["TsIndex", "Segment", "ts_index", "packet_layout", "WRAP", "CLOCK"]

CLOCK = 90_000
WRAP = 1 << 33
#: A forward clock step larger than this is a join, not a gap (ffmpeg's own dts_delta_threshold).
_JUMP_FORWARD = 10 * CLOCK
#: Without random-access flags in the file, start this far before the asked time (the longest GOP we expect).
_BLIND_LEAD = 6 * CLOCK
_CHUNK_PACKETS = 1 << 16


def packet_layout(path: Path) -> tuple[int, int] | None:
    """(packet size, offset of the 0x47 sync byte inside it): (188, 0) for .ts, (192, 4) for .m2ts."""
    with open(path, "rb") as fh:
        head = fh.read(204 * 8)
    for size, off in ((188, 0), (192, 4), (204, 0)):
        if len(head) >= size * 4 + off and all(head[off + k * size] == 0x47 for k in range(4)):
            return size, off
    return None


@dataclass(frozen=True)
class Segment:
    """A stretch of the file whose clock runs without a jump."""

    first_entry: int  # index of its first PES in file order
    origin: int  # lowest unwrapped PTS in it (90 kHz ticks)
    span: int  # highest minus lowest PTS
    frame_ticks: int  # a typical frame duration
    start: Fraction  # where it begins on the continuous timeline (seconds from the file's start)

    @property
    def end(self) -> Fraction:
        return self.start + Fraction(self.span + self.frame_ticks, CLOCK)


@dataclass(frozen=True)
class TsIndex:
    pid: int
    packet_size: int
    offsets: np.ndarray  # int64 byte offset of each video PES's first packet
    pts: np.ndarray  # int64 unwrapped PTS (ticks) within its segment; -1 when the PES carried none
    keyframe: np.ndarray  # bool: random_access_indicator set
    segments: tuple[Segment, ...]

    @property
    def duration(self) -> Fraction:
        return self.segments[-1].end if self.segments else Fraction(0)

    @property
    def jumps(self) -> int:
        return len(self.segments) - 1

    def segment_of(self, entry: int) -> int:
        return bisect_right([s.first_entry for s in self.segments], entry) - 1

    def time_of(self, entry: int) -> Fraction:
        seg = self.segments[self.segment_of(entry)]
        return seg.start + Fraction(int(self.pts[entry]) - seg.origin, CLOCK)

    def start_entry(self, t: Fraction) -> int:
        """The PES to start decoding from so that the frame on screen at ``t`` comes out."""
        if not len(self.offsets):
            return 0
        k = max(0, bisect_right([s.start for s in self.segments], t) - 1)
        seg = self.segments[k]
        stop = self.segments[k + 1].first_entry if k + 1 < len(self.segments) else len(self.offsets)
        target = seg.origin + int((t - seg.start) * CLOCK)
        rng = np.arange(seg.first_entry, stop)
        pts = self.pts[seg.first_entry:stop]
        keys = self.keyframe[seg.first_entry:stop]
        if keys.any():
            ok = keys & (pts >= 0) & (pts <= target)
            hits = rng[ok]
            return int(hits[-1]) if len(hits) else seg.first_entry
        ok = (pts >= 0) & (pts <= target - _BLIND_LEAD)
        hits = rng[ok]
        return int(hits[-1]) if len(hits) else seg.first_entry

    def clock(self, first_entry: int) -> "TsClock":
        return TsClock(self, first_entry)


class TsClock:
    """Turns the raw PTS of frames decoded from ``first_entry`` on into continuous-timeline times.

    Frames come out in display order, the index is in file (decode) order: each
    frame is matched to the earliest not yet used PES with its 33-bit PTS, so a
    joined recording that reuses the same clock values is told apart by position.
    """

    def __init__(self, index: TsIndex, first_entry: int) -> None:
        self.index = index
        self.by_pts: dict[int, deque[int]] = defaultdict(deque)
        self.next_entry = first_entry
        self.last_entry = first_entry
        self._fill(first_entry + 256)

    def _fill(self, upto: int) -> None:
        upto = min(upto, len(self.index.pts))
        while self.next_entry < upto:
            p = int(self.index.pts[self.next_entry])
            if p >= 0:
                self.by_pts[p % WRAP].append(self.next_entry)
            self.next_entry += 1

    def time(self, ticks: int) -> Fraction:
        """The continuous time of a decoded frame whose PTS is ``ticks`` (90 kHz, any wrap)."""
        self._fill(self.last_entry + 256)
        key = ticks % WRAP
        queue = self.by_pts.get(key)
        while queue and queue[0] < self.last_entry - 512:
            queue.popleft()  # a PES whose frame the decoder dropped (a broken leading B-frame)
        if queue:
            entry = queue.popleft()
            self.last_entry = max(self.last_entry, entry)
            return self.index.time_of(entry)
        # A picture without its own PTS in the stream: count from its segment's clock.
        seg = self.index.segments[self.index.segment_of(self.last_entry)]
        delta = (key - seg.origin) % WRAP
        if delta >= WRAP // 2:
            delta -= WRAP
        return seg.start + Fraction(delta, CLOCK)


def _pes_rows(path: Path, pid: int, size: int, off: int):
    """(byte offset, packet bytes) of every packet of ``pid`` that starts a PES."""
    with open(path, "rb") as fh:
        base = 0
        while True:
            chunk = fh.read(size * _CHUNK_PACKETS)
            n = len(chunk) // size
            if n == 0:
                break
            arr = np.frombuffer(chunk, np.uint8, count=n * size).reshape(n, size)[:, off:off + 188]
            pids = ((arr[:, 1].astype(np.int32) & 0x1F) << 8) | arr[:, 2]
            sel = np.flatnonzero((arr[:, 0] == 0x47) & (pids == pid) & ((arr[:, 1] & 0x40) != 0))
            for r in sel:
                yield base + int(r) * size, arr[r].tobytes()
            base += n * size
            if len(chunk) < size * _CHUNK_PACKETS:
                break


def _pes_info(pkt: bytes) -> tuple[int, int, bool] | None:
    """(pts, dts, random access) of a packet that starts a PES; -1 where absent."""
    afc = (pkt[3] >> 4) & 3
    p, rai = 4, False
    if afc & 2:
        alen = pkt[4]
        rai = alen > 0 and bool(pkt[5] & 0x40)
        p = 5 + alen
    if not afc & 1 or p + 9 > len(pkt) or pkt[p:p + 3] != b"\x00\x00\x01":
        return None
    flags = pkt[p + 7]

    def ts(q: int) -> int:
        b = pkt[q:q + 5]
        return ((b[0] >> 1) & 7) << 30 | b[1] << 22 | (b[2] >> 1) << 15 | b[3] << 7 | b[4] >> 1

    pts = ts(p + 9) if flags & 0x80 and p + 14 <= len(pkt) else -1
    dts = ts(p + 14) if flags & 0xC0 == 0xC0 and p + 19 <= len(pkt) else pts
    return pts, dts, rai


def _build(path: Path, pid: int) -> TsIndex | None:
    layout = packet_layout(path)
    if layout is None:
        return None
    size, off = layout
    offsets, raw_pts, raw_dts, keys = [], [], [], []
    for pos, pkt in _pes_rows(path, pid, size, off):
        info = _pes_info(pkt)
        if info is None:
            continue
        offsets.append(pos)
        raw_pts.append(info[0])
        raw_dts.append(info[1])
        keys.append(info[2])
    if not offsets:
        return None
    # Walk the decode clock: small steps (a wrap is a small step modulo 2**33) stay in a segment;
    # a step back or a big step forward starts a new one.
    firsts, unwrapped = [0], []
    base, prev = 0, None
    for i, d in enumerate(raw_dts):
        if d < 0:
            unwrapped.append(-1)
            continue
        if prev is not None:
            step = (d - prev) % WRAP
            if step >= WRAP // 2 or step > _JUMP_FORWARD:
                firsts.append(i)
                base = 0
            elif d < prev:
                base += WRAP
        prev = d
        p = raw_pts[i]
        if p < 0:
            unwrapped.append(-1)
            continue
        u = base + p
        # PTS runs a little ahead of DTS: unwrap it against the decode clock.
        while u - (base + d) > WRAP // 2:
            u -= WRAP
        while (base + d) - u > WRAP // 2:
            u += WRAP
        unwrapped.append(u)
    pts = np.array(unwrapped, np.int64)
    segments: list[Segment] = []
    for k, first in enumerate(firsts):
        stop = firsts[k + 1] if k + 1 < len(firsts) else len(pts)
        seg_pts = pts[first:stop]
        seg_pts = seg_pts[seg_pts >= 0]
        if not len(seg_pts):
            continue
        ordered = np.sort(seg_pts)
        steps = np.diff(ordered)
        steps = steps[steps > 0]
        frame = int(np.median(steps)) if len(steps) else 3003
        origin, span = int(ordered[0]), int(ordered[-1] - ordered[0])
        start = Fraction(0) if not segments else segments[-1].end
        segments.append(Segment(first, origin, span, frame, start))
    return TsIndex(pid, size, np.array(offsets, np.int64), pts, np.array(keys, bool), tuple(segments))


#: Bump when what the index holds changes: old files stop matching.
_VERSION = 1
#: Smaller files are quicker to read again than to cache.
CACHE_FROM_BYTES = 32 << 20


def _disk_path(path: str, mtime_ns: int, size: int, pid: int) -> Path:
    key = hashlib.sha256(f"{_VERSION}|{path}|{mtime_ns}|{size}|{pid}".encode()).hexdigest()[:32]
    return cache_root() / "tsindex" / f"{key}.npz"


def _load(file: Path, pid: int) -> TsIndex | None:
    try:
        with np.load(file) as data:
            segs = data["segments"]
            segments = tuple(Segment(int(a), int(b), int(c), int(d), Fraction(int(e), int(f))) for a, b, c, d, e, f in segs)
            return TsIndex(pid, int(data["packet_size"]), data["offsets"], data["pts"], data["keyframe"], segments)
    except (OSError, KeyError, ValueError):
        return None  # absent or damaged: read the file again


def _save(file: Path, index: TsIndex) -> None:
    from ..atomic import atomic_write_bytes

    segs = np.array([[s.first_entry, s.origin, s.span, s.frame_ticks, s.start.numerator, s.start.denominator]
                     for s in index.segments], np.int64).reshape(-1, 6)
    buf = io.BytesIO()
    np.savez(buf, offsets=index.offsets, pts=index.pts, keyframe=index.keyframe, segments=segs,
             packet_size=np.int64(index.packet_size))
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(file, buf.getvalue())


@functools.lru_cache(maxsize=16)
def _cached(path: str, mtime_ns: int, size: int, pid: int) -> TsIndex | None:
    """In memory per process, on disk (``~/.cache/clipkit/tsindex``) across runs: an hour of
    broadcast is gigabytes, read once, not once per command."""
    file = _disk_path(path, mtime_ns, size, pid)
    index = _load(file, pid) if file.exists() else None
    if index is None:
        index = _build(Path(path), pid)
        if index is not None and size >= CACHE_FROM_BYTES:
            _save(file, index)
    return index


def ts_index(path: str | Path, pid: int) -> TsIndex | None:
    """The index of ``pid`` in the transport stream at ``path`` (None if it is not one)."""
    p = Path(path).resolve()
    st = p.stat()
    return _cached(str(p), st.st_mtime_ns, st.st_size, pid)
