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
from fractions import Fraction
from pathlib import Path

from ..errors import MediaError

__all__ = ["ffmpeg_exe", "ffmpeg_identity", "ffmpeg_command", "run_ffmpeg", "start_ffmpeg", "check_exit", "last_line", "framemd5_packets", "FFMPEG_QUIET"]

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


def framemd5_packets(stdout: bytes, *, clock: str = "pts") -> list[tuple[int, int, Fraction]]:
    """``(time, duration, time base)`` of each packet in ffmpeg's ``-f framemd5`` or ``-f framecrc`` output, in file
    order: its presentation time (``clock="pts"``; a packet without one, AV_NOPTS_VALUE — most frames of an MPEG
    program stream, a DVD's .vob — is left out), its decoding time (``clock="dts"``: the demuxer gives every packet
    one, in decode order, evenly spaced at a constant frame rate), or the presentation time where there is one and
    else the decoding time (``clock="pts-else-dts"``: never later than the frame is shown)."""
    tb = Fraction(1, 1000)
    rows = []
    for line in stdout.decode("ascii", "replace").splitlines():
        if line.startswith("#tb"):
            num, den = line.split(":")[1].strip().split("/")
            tb = Fraction(int(num), int(den))
            continue
        if line.startswith("#") or not line.strip():
            continue
        cols = [c.strip() for c in line.split(",")]
        if len(cols) >= 4:
            try:
                dts, pts = int(cols[1]), int(cols[2])
                t = dts if clock == "dts" or (clock == "pts-else-dts" and pts <= NOPTS) else pts
                if t > NOPTS:
                    rows.append((t, int(cols[3]), tb))
            except ValueError:
                continue
    return rows
