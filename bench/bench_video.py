#!/usr/bin/env python3
"""MP4 sibling of a GIF: clipkit's ffmpeg pipe against moviepy, on the same rendered frames.

    pip install moviepy   # the peer here (not a clipkit dependency since this benchmark)
    python bench/bench_video.py [VIDEO START SECONDS]

Both encode the identical RGB frames (decoded once, 540 px, 20 fps) with
libx264 at CRF 23, preset medium, no audio.  Prints wall time (best of 3),
the import cost of each route, file size, the played duration, and the
frames in the file with their PSNR against the frames given (mean and worst).
Default clip: 6 s from the sample episode at 0:24.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from clipkit.encode.video import write_video
from clipkit.media.ffmpeg import ffmpeg_exe
from clipkit.media.frames import read_frames, resample
from clipkit.media.probe import probe
from clipkit.sample import make_sample

FPS = Fraction(20)


def frames_of(path: Path, start: Fraction, seconds: Fraction) -> list[np.ndarray]:
    info = probe(path)
    src = read_frames(info, start=start, end=start + seconds, width=540)
    return [f.image for _, f in resample(src, start, start + seconds, FPS)]


def with_moviepy(frames: list[np.ndarray], out: Path) -> None:
    from moviepy import ImageSequenceClip

    clip = ImageSequenceClip(frames, fps=float(FPS))
    clip.write_videofile(str(out), codec="libx264", preset="medium", ffmpeg_params=["-crf", "23", "-pix_fmt", "yuv420p"],
                         audio=False, logger=None)


def with_clipkit(frames: list[np.ndarray], out: Path) -> None:
    h, w = frames[0].shape[:2]
    write_video(frames, (w, h), FPS, out, "mp4", crf=23)


def played(path: Path) -> float:
    text = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr
    for line in text.splitlines():
        if "Duration:" in line:
            hms = line.split("Duration:")[1].split(",")[0].strip().split(":")
            return int(hms[0]) * 3600 + int(hms[1]) * 60 + float(hms[2])
    return float("nan")


def fidelity(path: Path, source: list[np.ndarray]) -> tuple[int, float, float]:
    """Frames in the file, and mean / worst PSNR of each against the frame it should show."""
    out = [f.image for f in read_frames(path)]
    psnr = []
    for a, b in zip(source, out):
        mse = ((a.astype(np.float64) - b.astype(np.float64)) ** 2).mean()
        psnr.append(10 * np.log10(255**2 / max(mse, 1e-9)))
    return len(out), float(np.mean(psnr)), float(np.min(psnr))


def import_cost(module: str) -> float:
    code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
    return min(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout) for _ in range(3))


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="clipkit-bench-video-"))
    if len(sys.argv) == 4:
        src, start, seconds = Path(sys.argv[1]), Fraction(sys.argv[2]), Fraction(sys.argv[3])
    else:
        src, start, seconds = make_sample(tmp), Fraction(24), Fraction(6)
    frames = frames_of(src, start, seconds)
    rows = []
    for name, fn, module in (("clipkit (ffmpeg pipe)", with_clipkit, "clipkit.encode.video"),
                             ("moviepy ImageSequenceClip", with_moviepy, "moviepy")):
        out = tmp / f"{name.split()[0]}.mp4"
        times = []
        for _ in range(3):
            t = time.perf_counter()
            fn(frames, out)
            times.append(time.perf_counter() - t)
        rows.append((name, min(times), import_cost(module), out.stat().st_size, played(out), *fidelity(out, frames)))
    base = rows[1]
    print(f"\n{len(frames)} frames of {frames[0].shape[1]}×{frames[0].shape[0]} at {float(FPS):g} fps ({float(seconds):g} s)\n")
    print("| route | encode s (best of 3) | × moviepy | import s | KB | played s | frames | PSNR mean | PSNR worst |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, t, imp, size, dur, n, mean, worst in rows:
        print(f"| {name} | {t:.2f} | {t / base[1]:.2f} | {imp:.2f} | {size / 1000:.0f} | {dur:.2f} | {n}/{len(frames)} "
              f"| {mean:.1f} | {worst:.1f} |")


if __name__ == "__main__":
    main()
