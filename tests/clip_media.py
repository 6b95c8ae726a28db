"""Generated sources for the clip tests: a white flash and a 1 kHz beep at the same known instants."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np

from clipkit.media.ffmpeg import ffmpeg_exe
from clipkit.media.frames import read_frames
from media import ffmpeg


def make_flash_beep(path: Path, *, fps: int = 24, seconds: int = 8, vfr: bool = False,
                    audio_start: Fraction = Fraction(0), gop: int = 48, size: str = "160x90") -> list[Fraction]:
    """Black frames, one white frame every second (at k + 1/2 s, or near it), and a 30 ms 1 kHz beep
    starting at each white frame's start.

    ``vfr``: frames alternate 30 ms and 50 ms (frame N starts at 40·N − 10·(N mod 2) ms) instead
    of a constant ``fps``.  The sound starts at ``audio_start`` (nothing stored before it).
    Returns the flash times.
    """
    if vfr:
        n = 25 * seconds
        starts = [Fraction(40 * k - 10 * (k % 2), 1000) for k in range(n)]
        flash_frames = [k for k in range(n) if k % 25 == 12]
        src = f"color=c=black:size={size}:rate=1000,trim=end_frame={n},setpts=N"
        timing = ",settb=1/1000,setpts='40*N-10*mod(N\\,2)'"
        lum = "eq(mod(N\\,25)\\,12)"
    else:
        n = fps * seconds
        starts = [Fraction(k, fps) for k in range(n)]
        flash_frames = [k for k in range(n) if k % fps == fps // 2]
        src = f"color=c=black:size={size}:rate={fps},trim=end_frame={n}"
        timing = ""
        lum = f"eq(mod(N\\,{fps})\\,{fps // 2})"
    flashes = [starts[k] for k in flash_frames]
    total = n / fps if not vfr else Fraction(40 * n, 1000)
    video = path.with_suffix(".v.mkv")
    ffmpeg("-f", "lavfi", "-i", src, "-vf", f"geq=lum=16+219*{lum}:cb=128:cr=128{timing}",
           "-fps_mode", "vfr", "-c:v", "libx264", "-crf", "10", "-g", str(gop), "-bf", "2", "-pix_fmt", "yuv420p",
           "-f", "matroska", video)
    a0 = float(audio_start)
    beeps = "+".join(f"between(t+{a0},{float(f):.6f},{float(f) + 0.03:.6f})" for f in flashes)
    ffmpeg("-f", "lavfi", "-i", f"aevalsrc=exprs='0.7*sin(2*PI*1000*t)*({beeps})':s=48000:d={float(total) - a0:.3f}",
           "-c:a", "pcm_s16le", path.with_suffix(".a.wav"))
    ffmpeg("-i", video, "-itsoffset", f"{a0:.3f}", "-i", path.with_suffix(".a.wav"), "-map", "0:v", "-map", "1:a",
           "-c:v", "copy", "-c:a", "aac", "-b:a", "128k", path)
    video.unlink()
    path.with_suffix(".a.wav").unlink()
    return flashes


def flash_times(path: Path) -> list[Fraction]:
    """Times (in the clip) of frames that turn white after a dark one."""
    out, was = [], False
    for frame in read_frames(path, width=16, height=8, pix_fmt="gray"):
        white = frame.image.mean() > 128
        if white and not was:
            out.append(frame.time)
        was = white
    return out


def beep_times(path: Path, rate: int = 48000) -> list[float]:
    """Onsets (seconds from the clip's start) of the beeps in the sound track."""
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-map", "0:a:0",
                           "-ac", "1", "-ar", str(rate), "-f", "s16le", "-"], capture_output=True, check=True)
    pcm = np.abs(np.frombuffer(proc.stdout, np.int16).astype(np.int32))
    loud = np.flatnonzero(pcm > 4000)
    onsets = []
    last = -10 * rate
    for i in loud:
        if i - last > rate // 10:
            onsets.append(i / rate)
        last = i
    return onsets


def audio_samples(path: Path, rate: int = 48000) -> np.ndarray:
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-map", "0:a:0",
                           "-ac", "1", "-ar", str(rate), "-f", "s16le", "-"], capture_output=True, check=True)
    return np.frombuffer(proc.stdout, np.int16)
