"""The ffmpeg binary clipkit uses, and how it is run.

clipkit uses the static ffmpeg that the ``imageio-ffmpeg`` wheel ships (it has
libx264, libwebp, libass, drawtext, palettegen/paletteuse and scdet), so no
system ffmpeg is needed.  ``CLIPKIT_FFMPEG`` overrides the path.
"""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..errors import MediaError

__all__ = ["ffmpeg_exe", "ffmpeg_identity", "ffmpeg_command", "run_ffmpeg", "start_ffmpeg", "check_exit", "last_line", "framemd5_packets", "read_framecrc",
           "Packet", "PacketList", "FFMPEG_QUIET"]

#: Flags every clipkit ffmpeg call starts with.
FFMPEG_QUIET = ("-hide_banner", "-nostdin", "-loglevel", "error")


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary (``CLIPKIT_FFMPEG``, else imageio-ffmpeg's)."""
    override = os.environ.get("CLIPKIT_FFMPEG")
    if override:
        if not Path(override).exists():
            raise MediaError(f"CLIPKIT_FFMPEG points to {override}, which does not exist", "unset it to use the bundled ffmpeg")
        return override
    import imageio_ffmpeg  # a dependency of the package; imported here, when ffmpeg is first needed

    return imageio_ffmpeg.get_ffmpeg_exe()


def ffmpeg_identity() -> str:
    """Which ffmpeg binary runs, for cache keys: its path, size and modification time (a new
    imageio-ffmpeg or another ``CLIPKIT_FFMPEG`` gives another identity)."""
    exe = ffmpeg_exe()
    try:
        st = os.stat(exe)
    except OSError:
        return exe
    return f"{exe}|{st.st_size}|{st.st_mtime_ns}"


def ffmpeg_command(args: Sequence[str | os.PathLike], *, loglevel: str = "error") -> list[str]:
    """The whole argument list of an ffmpeg call: the binary, the flags every call starts
    with (no banner, no stdin, ``loglevel``), then ``args``.  Every call is built here."""
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", loglevel, *map(str, args)]


def check_exit(returncode: int, stderr: bytes, *, what: str) -> None:
    """Raise :class:`MediaError` naming ``what`` and ffmpeg's last message if it failed."""
    if returncode != 0:
        raise MediaError(f"ffmpeg failed while {what}: {last_line(stderr)}", "run with --debug for details")


def run_ffmpeg(args: Sequence[str | os.PathLike], *, what: str, timeout: float | None = None,
               loglevel: str = "error", check: bool = True) -> subprocess.CompletedProcess:
    """Run ffmpeg to completion; raise :class:`MediaError` naming ``what`` on failure.

    ``check=False`` is for the calls whose exit code is not the answer (``ffmpeg -i FILE``
    with no output exits 1 by design; its stderr is the file's description): the caller
    then looks at ``returncode`` itself.
    """
    try:
        proc = subprocess.run(ffmpeg_command(args, loglevel=loglevel), capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise MediaError(f"ffmpeg took longer than {timeout:g} s while {what}", "try a shorter range") from exc
    if check:
        check_exit(proc.returncode, proc.stderr, what=what)
    return proc


def start_ffmpeg(args: Sequence[str | os.PathLike], *, loglevel: str = "error", stdin=subprocess.DEVNULL,
                 stdout=subprocess.PIPE, bufsize: int = -1) -> subprocess.Popen:
    """Start a streaming ffmpeg (frames piped in or out); stderr is a pipe.  The caller
    waits for it and checks the exit code with :func:`check_exit`."""
    return subprocess.Popen(ffmpeg_command(args, loglevel=loglevel), stdin=stdin, stdout=stdout,
                            stderr=subprocess.PIPE, bufsize=bufsize)


def last_line(stderr: bytes) -> str:
    """The last non-empty line of ffmpeg's stderr, for an error message."""
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-1] if lines else "no message"


#: framemd5's / framecrc's time of a packet that has none (AV_NOPTS_VALUE).
NOPTS = -(2 ** 63)


@dataclass(frozen=True)
class Packet:
    """One row of ffmpeg's ``-f framecrc`` / ``-f framemd5`` output: a packet's stream, times (in ``tb``), size and
    flags (ffmpeg writes ``F=`` only when they are not "keyframe" alone)."""

    stream: int
    dts: int
    pts: int
    duration: int
    size: int
    tb: Fraction
    flags: int = 1

    @property
    def keyframe(self) -> bool:
        return bool(self.flags & 1)


@dataclass
class PacketList:
    """ffmpeg's ``-f framecrc`` / ``-f framemd5`` output, read: the packets in file order, and each stream's header
    lines (``#media_type 0: video`` → ``streams[0]["media_type"] == "video"``; also ``tb``, ``codec_id``,
    ``dimensions``…)."""

    packets: list[Packet]
    streams: dict[int, dict[str, str]]

    def kind(self, stream: int) -> str | None:
        """"video", "audio"… of a stream."""
        return self.streams.get(stream, {}).get("media_type")

    def dimensions(self, stream: int = 0) -> tuple[int, int] | None:
        """A video stream's width and height (``#dimensions 0: 640x360``)."""
        w, _, h = self.streams.get(stream, {}).get("dimensions", "").partition("x")
        return (int(w), int(h)) if w.isdigit() and h.isdigit() else None


_MILLI = Fraction(1, 1000)  # framecrc's time base before any #tb line


def read_framecrc(stdout: bytes) -> PacketList:
    """Parse ffmpeg's ``-f framecrc`` or ``-f framemd5`` output (the one reader of it: packet times, sizes, flags
    and the streams' headers).  A packet's times are in its own stream's ``#tb`` (1/1000 before any is given)."""
    streams: dict[int, dict[str, str]] = {}
    packets: list[Packet] = []
    bases: dict[int, Fraction] = {}  # each stream's #tb, read once (a long file lists tens of thousands of packets)
    for line in stdout.decode("ascii", "replace").splitlines():
        if line.startswith("#"):  # "#tb 0: 1/25", "#media_type 1: audio", "#stream#, dts, …" (no colon: skipped)
            key, _, rest = line[1:].partition(" ")
            index, colon, value = rest.partition(":")
            if colon and index.strip().isdigit():
                streams.setdefault(int(index), {})[key] = value.strip()
                if key == "tb":
                    num, _, den = value.strip().partition("/")
                    bases[int(index)] = Fraction(int(num), int(den or 1))
            continue
        cols = [c.strip() for c in line.split(",")]
        if len(cols) < 5:
            continue
        try:
            stream, dts, pts, duration, size = (int(c) for c in cols[:5])
            flags = next((int(c[2:], 16) for c in cols[6:] if c.startswith("F=")), 1)
        except ValueError:
            continue
        packets.append(Packet(stream, dts, pts, duration, size, bases.get(stream, _MILLI), flags))
    return PacketList(packets, streams)


def framemd5_packets(stdout: bytes, *, clock: str = "pts") -> list[tuple[int, int, Fraction]]:
    """``(time, duration, time base)`` of each packet in ffmpeg's ``-f framemd5`` or ``-f framecrc`` output, in file
    order: its presentation time (``clock="pts"``; a packet without one, AV_NOPTS_VALUE — most frames of an MPEG
    program stream, a DVD's .vob — is left out), its decoding time (``clock="dts"``: the demuxer gives every packet
    one, in decode order, evenly spaced at a constant frame rate), or the presentation time where there is one and
    else the decoding time (``clock="pts-else-dts"``: never later than the frame is shown)."""
    rows = []
    for p in read_framecrc(stdout).packets:
        t = p.dts if clock == "dts" or (clock == "pts-else-dts" and p.pts <= NOPTS) else p.pts
        if t > NOPTS:
            rows.append((t, p.duration, p.tb))
    return rows
