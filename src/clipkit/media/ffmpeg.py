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
from pathlib import Path

from ..errors import MediaError

__all__ = ["ffmpeg_exe", "run_ffmpeg", "FFMPEG_QUIET"]

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
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise MediaError("the imageio-ffmpeg package is missing", "pip install imageio-ffmpeg") from exc
    return imageio_ffmpeg.get_ffmpeg_exe()


def run_ffmpeg(args: Sequence[str | os.PathLike], *, what: str, timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run ffmpeg to completion; raise :class:`MediaError` naming ``what`` on failure."""
    cmd = [ffmpeg_exe(), *FFMPEG_QUIET, *map(str, args)]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise MediaError(f"ffmpeg took longer than {timeout:g} s while {what}", "try a shorter range") from exc
    if proc.returncode != 0:
        detail = last_line(proc.stderr)
        raise MediaError(f"ffmpeg failed while {what}: {detail}", "run with --debug for details")
    return proc


def last_line(stderr: bytes) -> str:
    """The last non-empty line of ffmpeg's stderr, for an error message."""
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-1] if lines else "no message"
