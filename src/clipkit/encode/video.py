"""MP4 (H.264) and animated WebP siblings of a GIF, from the same rendered frames.

Choice written down: the frames the GIF was made from (cropped, resized,
captions burned in) are piped as raw RGB into the bundled ffmpeg (libx264 /
libwebp).  moviepy would wrap the same ffmpeg call with an extra copy per
frame and reads a ``.env`` on import; piping directly needs no second decode
of the source and keeps captions identical to the GIF.  moviepy is not used.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..errors import MediaError, UsageError
from ..media.ffmpeg import last_line, start_ffmpeg
from ..atomic import atomic_path

__all__ = ["VIDEO_KINDS", "write_video"]

from ..settings import GIF_SIBLINGS as VIDEO_KINDS  # noqa: E402 - declared once, in settings
from ..settings import DEFAULT_GIF


def _codec_args(kind: str, *, crf: int, quality: int, loop: int | None) -> list[str]:
    if kind == "mp4":
        return ["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-preset", "medium", "-crf", str(crf),
                "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4"]
    if kind == "webp":
        # WebP loop: 0 forever, N plays in all; clipkit's loop is repeats (None: once).
        plays = 1 if loop is None else (0 if loop == 0 else loop + 1)
        return ["-c:v", "libwebp", "-lossless", "0", "-quality", str(quality), "-compression_level", "4",
                "-loop", str(plays), "-f", "webp"]
    raise UsageError(f"unknown sibling format {kind!r}", f"use one of: {', '.join(VIDEO_KINDS)}")


def write_video(frames: Iterable[np.ndarray], size: tuple[int, int], fps: Fraction, path: str | os.PathLike, kind: str,
                *, crf: int = DEFAULT_GIF.mp4_crf, quality: int = DEFAULT_GIF.webp_quality,
                loop: int | None = 0) -> Path:
    """Encode RGB frames (``size`` = width×height) at a constant ``fps`` into ``path`` atomically."""
    args = _codec_args(kind, crf=crf, quality=quality, loop=loop)
    w, h = size
    fps = Fraction(fps)
    with atomic_path(path) as tmp:
        cmd = ["-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
               "-r", f"{fps.numerator}/{fps.denominator}", "-i", "pipe:0", "-an", *args, str(tmp)]
        proc = start_ffmpeg(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        try:
            assert proc.stdin is not None
            for frame in frames:
                proc.stdin.write(np.ascontiguousarray(frame, np.uint8).tobytes())
            proc.stdin.close()
            err = proc.stderr.read() if proc.stderr else b""
            code = proc.wait()
        except BrokenPipeError:
            err = proc.stderr.read() if proc.stderr else b""
            code = proc.wait()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if code != 0:
            raise MediaError(f"ffmpeg could not write the {kind.upper()} {Path(path).name}: {last_line(err)}",
                             "run with --debug for details")
    return Path(path)
