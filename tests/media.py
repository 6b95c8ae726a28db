"""Test media with known truth, generated with the bundled ffmpeg in milliseconds.

Every generator returns the path of a file it made and the facts the tests
check against (times, colours).  Nothing here reads what clipkit printed.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image

from clipkit.media.ffmpeg import ffmpeg_exe


def ffmpeg(*args: str) -> None:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *map(str, args)]
    subprocess.run(cmd, check=True, capture_output=True)


def gif_pictures(data: bytes) -> list[np.ndarray]:
    """Every frame of a GIF (its bytes) as the viewer sees it, RGB int16 (so differences do not wrap)."""
    im = Image.open(io.BytesIO(data))
    out = []
    for i in range(im.n_frames):
        im.seek(i)
        out.append(np.asarray(im.convert("RGB")).astype(np.int16))
    return out


def luma_of(index: int) -> int:
    """The luma (limited range) of frame ``index`` in :func:`make_counter_clip`: distinct, far apart."""
    return (index * 37) % 200 + 28


def level_of(index: int) -> float:
    """The grey level (0–255 RGB) that frame ``index`` decodes to."""
    return (luma_of(index) - 16) * 255 / 219


def make_counter_clip(path: Path, durations_ms: list[int], *, size: str = "160x90", gop: int = 12) -> list[Fraction]:
    """A clip whose frame ``k`` is a flat grey of level ``level_of(k)``, shown for ``durations_ms[k]``.

    Unequal durations make it variable-frame-rate.  Returns each frame's exact
    start time.  H.264 with a keyframe every ``gop`` frames, so seeking must
    decode from a keyframe to be frame-accurate.
    """
    starts, t = [], 0
    for d in durations_ms:
        starts.append(t)
        t += d
    n = len(durations_ms)
    # setpts from a table: pts of frame N in milliseconds (time base 1/1000).
    expr = "0"
    for k in range(n - 1, 0, -1):
        expr = f"if(eq(N,{k}),{starts[k]},{expr})"
    levels = "+".join(f"eq(N,{k})*{luma_of(k)}" for k in range(n))
    ffmpeg(
        "-f", "lavfi", "-i", f"color=c=black:size={size}:rate=1000,trim=end_frame={n},setpts=N",
        "-vf", f"geq=lum='{levels}':cb=128:cr=128,settb=1/1000,setpts='{expr}'",
        "-fps_mode", "vfr", "-c:v", "libx264", "-crf", "8", "-g", str(gop), "-bf", "0", "-pix_fmt", "yuv420p",
        "-f", "matroska", path,
    )
    return [Fraction(s, 1000) for s in starts]


@contextlib.contextmanager
def cache_home(folder: Path):
    """clipkit's caches (scenes, probes, dialogue index, player segments) in ``folder`` for the block, never the
    user's ~/.cache (set in os.environ, so the commands a test starts inherit it)."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    try:
        yield folder
    finally:
        if old is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = old
