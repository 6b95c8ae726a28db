"""Frames from anywhere: a moviepy clip, or numpy frames with a frame rate, as a source for any job.

clipkit's jobs read video through ffmpeg (frame-accurate seeks, the stream's
own timestamps, crop and scale inside the decoder).  A source that is not a
file — a moviepy clip (an effect or a zoom composed in moviepy), or frames
with their rate (``Frames(imageio.v3.imiter("x.mp4"), rate=24)``) — is
written once, losslessly, to a temporary video whose frame ``k`` starts at
exactly ``k / rate`` (H.264 in RGB at qp 0: decoding gives back the very
pixels given; NUT, whose time base is ``1 / rate``, where Matroska would round to ms); the job runs on it as on any file, and it is removed after.
The jobs take them through :func:`clipkit.pipeline.from_frames.takes_frames`.

moviepy is never imported by clipkit: a clip is recognised by its class's
module and read through its own ``get_frame(t)``, so a clip made with any
moviepy 2.x works and clipkit does not pay moviepy's import.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..errors import InputError, MediaError, UsageError
from ..settings import keywords_checked_init
from .ffmpeg import ffmpeg_command, last_line
from .probe import MediaInfo, _snap_rate, probe

__all__ = ["Frames", "frame_rate", "is_frame_source", "is_moviepy_clip", "opened"]


@dataclass(frozen=True)
class Frames:
    """Frames with their rate: frame ``k`` of ``frames`` is shown from ``k / rate`` seconds.

    ``frames`` is any iterable of H×W×3 (RGB) or H×W (grey) arrays, uint8 or
    float 0–255 (an RGBA frame's alpha is dropped), or a moviepy clip to be
    sampled at ``rate``.  ``rate`` is frames per second (``24``,
    ``Fraction(24000, 1001)``; a float such as 23.976 means the common rate
    it rounds).  ``name`` names the default output file (``<name>_0-00_0-03.gif``).
    """

    frames: Iterable | object
    rate: Fraction | int | float | str
    name: str = "frames"


keywords_checked_init(Frames)  # Frames(…, nmae="x"): "did you mean 'name'?", not a TypeError


def is_moviepy_clip(obj) -> bool:
    """Whether ``obj`` is a moviepy clip (checked by its class's module: moviepy is not imported)."""
    return any(getattr(c, "__module__", "").split(".")[0] == "moviepy" for c in type(obj).__mro__) \
        and hasattr(obj, "get_frame")


def is_frame_source(obj) -> bool:
    """Whether ``obj`` is frames rather than a file: :class:`Frames` or a moviepy clip."""
    return isinstance(obj, Frames) or is_moviepy_clip(obj)


def frame_rate(value, what: str = "the frames") -> Fraction:
    """``value`` as an exact rate (a float such as 23.976 is the common rate it rounds); UsageError if unusable."""
    if value is None:
        raise UsageError(f"{what} has no frame rate", "give one: Frames(frames, rate=24), or clip.with_fps(24)")
    try:
        rate = Fraction(value) if not isinstance(value, float) else _snap_rate(Fraction(value))
    except (TypeError, ValueError):
        raise UsageError(f"{value!r} is not a frame rate", "give frames per second, e.g. 24 or 24000/1001") from None
    if not 0 < rate <= 1000:
        raise UsageError(f"a frame rate of {float(rate):g} fps is not usable", "give a rate above 0 and at most 1000")
    return rate


def _clip_frames(clip, rate: Fraction) -> Iterator[np.ndarray]:
    """A moviepy clip's frames at ``k / rate``, as many as its duration holds whole."""
    duration = getattr(clip, "duration", None)
    if duration is None:
        raise UsageError("the moviepy clip has no duration", "give it one: clip.with_duration(3)")
    # As moviepy counts them (int(duration * fps)), with a hundredth of a frame of slack for float
    # durations such as 0.3 s × 10: a last "frame" starting a millisecond before the end is not one.
    count = math.floor(Fraction(duration).limit_denominator(1_000_000) * rate + Fraction(1, 100))
    for k in range(count):
        yield clip.get_frame(float(Fraction(k) / rate))


def _rgb(frame, k: int) -> np.ndarray:
    """``frame`` as H×W×3 uint8 RGB (floats rounded and clipped to 0–255, grey repeated, alpha dropped)."""
    a = np.asarray(frame)
    if a.ndim == 2:
        a = np.repeat(a[:, :, None], 3, axis=2)
    if a.ndim != 3 or a.shape[2] not in (3, 4):
        raise InputError(f"frame {k} has shape {a.shape}, not a picture", "give H×W×3 RGB (or H×W grey) arrays")
    if a.shape[2] == 4:
        a = a[:, :, :3]
    if a.dtype != np.uint8:
        if not np.issubdtype(a.dtype, np.number):
            raise InputError(f"frame {k} holds {a.dtype} values, not pixel levels", "give uint8 or 0–255 arrays")
        a = np.clip(np.rint(a), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(a)


def _file_name(name: str) -> str:
    stem = re.sub(r"[^\w.-]+", "_", Path(str(name)).stem).strip("._") or "frames"
    return stem[:80] + ".nut"


def _write(frames: Iterable, rate: Fraction, path: Path) -> int:
    """Write ``frames`` losslessly to ``path``, frame ``k`` at ``k / rate``; return how many."""
    it = iter(frames)
    try:
        first = _rgb(next(it), 0)
    except StopIteration:
        raise InputError("the frame source gave no frames", "give at least one frame") from None
    h, w = first.shape[:2]
    gop = max(1, round(rate))  # a keyframe every second, like an ordinary video: seeks stay cheap
    cmd = ffmpeg_command(["-y",
           "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-framerate", str(rate), "-i", "pipe:0",
           "-c:v", "libx264rgb", "-qp", "0", "-preset", "ultrafast", "-g", str(gop), "-pix_fmt", "rgb24",
           "-f", "nut", str(path)])  # NUT: time base 1/rate, so every time is exact
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    n = 0
    try:
        frame = first
        while True:
            if frame.shape[:2] != (h, w):
                raise InputError(f"frame {n} is {frame.shape[1]}×{frame.shape[0]}, the first was {w}×{h}",
                                 "give frames of one size")
            proc.stdin.write(frame.tobytes())
            n += 1
            try:
                frame = _rgb(next(it), n)
            except StopIteration:
                break
        proc.stdin.close()
        err = proc.stderr.read()
        if proc.wait() != 0:
            raise MediaError(f"ffmpeg could not store the frames: {last_line(err)}", "run with --debug for details")
    except BrokenPipeError:
        proc.wait()
        raise MediaError(f"ffmpeg stopped while storing the frames: {last_line(proc.stderr.read())}",
                         "run with --debug for details") from None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stderr):
            if stream and not stream.closed:
                stream.close()
    return n


@contextmanager
def opened(source) -> Iterator[MediaInfo]:
    """The :class:`MediaInfo` of a frame source, written to a temporary file removed on exit."""
    if isinstance(source, Frames):
        label = "the frames"
        frames, rate, name = source.frames, frame_rate(source.rate, label), source.name
        if is_moviepy_clip(frames):
            frames = _clip_frames(frames, rate)
    elif is_moviepy_clip(source):
        label = "the moviepy clip"
        rate = frame_rate(getattr(source, "fps", None), label)
        frames, name = _clip_frames(source, rate), getattr(source, "filename", None) or "clip"
    else:
        raise TypeError(f"not a frame source: {type(source).__name__}")
    folder = Path(tempfile.mkdtemp(prefix="clipkit-frames-"))
    try:
        path = folder / _file_name(name)
        _write(frames, rate, path)
        yield replace(probe(path), label=label)  # messages name what was given, not the temporary file
    finally:
        shutil.rmtree(folder, ignore_errors=True)
