"""Broadcast-style test media with known truth: transport streams whose frame k is a flat grey
of level ``media.level_of(k)`` (the frame number encoded as a grey level), interlaced and
telecined sources, PQ/HLG colour bars, multi-program streams and bitmap subtitle tracks.

Everything is generated with the bundled ffmpeg in a second or so.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from media import ffmpeg, level_of, luma_of

__all__ = ["make_counter_ts", "join_files", "frame_number", "level_of"]


def make_counter_ts(path: Path, *, frames: int = 250, rate: str = "25", gop: int = 50, codec: str = "libx264",
                    first: int = 0, ts_offset: float | None = None, size: str = "160x90", m2ts: bool = False,
                    bframes: int = 2, shot: int = 1) -> Path:
    """A transport stream of ``frames`` flat grey frames; frame k (counting from ``first``) is level ``level_of(k)``.

    ``gop`` frames between keyframes (scene cuts off, so the GOP is exact), B-frames on, the
    mpegts muxer's usual 1.4 s start offset, or ``ts_offset`` seconds added to every timestamp
    (near 95443.7 s the 33-bit clock wraps).  With ``shot`` > 1 the level changes only every
    ``shot`` frames (shot j is ``level_of(j)``): hard cuts at known frames.
    """
    args = ["-f", "lavfi", "-i", f"color=c=black:size={size}:rate={rate},trim=end_frame={frames}",
            "-vf", f"geq=lum='{_lum(first, shot)}':cb=128:cr=128"]
    if codec == "libx264":
        args += ["-c:v", "libx264", "-crf", "10", "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0",
                 "-bf", str(bframes), "-pix_fmt", "yuv420p"]
    else:
        args += ["-c:v", codec, "-q:v", "2", "-g", str(gop), "-sc_threshold", "1000000000", "-bf", str(bframes),
                 "-pix_fmt", "yuv420p"]
    if ts_offset is not None:
        args += ["-output_ts_offset", str(ts_offset)]
    if m2ts:
        args += ["-mpegts_m2ts_mode", "1"]
    ffmpeg(*args, "-f", "mpegts", path)
    return path


def _lum(first: int, shot: int) -> str:
    level = f"mod(floor((N+{first})/{shot})*37,200)+28"
    if shot == 1:
        return level
    # Shots get a texture of their own (stripes at a per-shot angle), so they are not "blank" frames.
    j = f"floor((N+{first})/{shot})"
    return f"clip({level}*0.6+50+40*sin((X*cos({j})+Y*sin({j}))/3),16,235)"


def join_files(out: Path, *parts: Path) -> Path:
    """Byte-concatenate recordings, as a recorder or ``cat`` joins them (the clock jumps at each seam)."""
    with open(out, "wb") as fh:
        for p in parts:
            fh.write(p.read_bytes())
    return out


def frame_number(level: float, count: int = 200) -> int:
    """The frame number (mod 200) a decoded grey level stands for."""
    return min(range(count), key=lambda k: abs(level_of(k) - level))


def exact_time(k: int, rate: Fraction) -> Fraction:
    return k / rate
