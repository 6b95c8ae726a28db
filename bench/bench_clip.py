#!/usr/bin/env python3
"""``clipkit clip`` against the plain ffmpeg command a user would type, side by side (one run each).

    python bench/bench_clip.py [--work DIR] [--skip-long]

1. A 45-minute 1920×1080 H.264 + AAC episode (the sample episode scaled to
   1080p, a keyframe every 2 s, stream-copied 45 times): a 6 s clip at 22:30.5
   — `clipkit clip` (the command, interpreter start included) against
   `ffmpeg -ss 1350.5 -i ep.mp4 -t 6 -c:v libx264 -c:a aac out.mp4` (and, as the floor,
   the same command with clipkit's x264 settings, `-preset veryfast -crf 20`); and
   `--copy` of 60 s against `ffmpeg -ss … -t 60 -c copy`.
2. The real clips in ../shared/media: the same pair on each.

clipkit runs as an installed package does: with compiled bytecode (kept in the
work folder, warmed by one `clip --help`), each case with an empty probe cache
(``~/.cache/clipkit/probe`` → the work folder) except the row marked "probe
cached", a second clip from the same episode.

For each: wall time, ratio clipkit / ffmpeg, size, and whether the first frame
is the one on screen at START (PSNR of the first decoded frame against the
source frame clipkit's `frame_at` decodes there: ∞ / > 40 dB = that frame).
A frame of each clipkit output is saved as PNG in the work folder, to look at.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image

from clipkit.media.ffmpeg import ffmpeg_exe
from clipkit.media.frames import frame_at, read_frames
from clipkit.media.probe import probe
from clipkit.sample import make_sample

from media_dir import real_media  # bench/media_dir.py: ../shared/media or $CLIPKIT_MEDIA

MEDIA = real_media()
REAL = [("chaplin.mp4", "2.5", "5"), ("big_buck_bunny_0_30.webm", "11.0", "6"),
        ("video_with_failing_audio.mp4", "3.0", "5"), ("fire2.mp4", "0.3", "2")]


def ff(*args) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *map(str, args)], check=True)


def clipkit_env(work: Path) -> dict:
    """As an installed clipkit runs: bytecode compiled once (here, in the work folder), caches in the work folder."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPYCACHEPREFIX=str(work / "pycache"), XDG_CACHE_HOME=str(work / "cache"))
    return env


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds, CPU seconds (user + system of the command and its children), result."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc


def episode(work: Path) -> Path:
    out = work / "episode-45min-1080p.mp4"
    if out.exists():
        return out
    sample = make_sample(work / "sample")
    one = work / "one-minute-1080p.mp4"
    ff("-i", sample, "-map", "0:v", "-map", "0:a", "-vf", "scale=1920:1080:flags=bicubic", "-c:v", "libx264",
       "-preset", "veryfast", "-crf", "20", "-g", "48", "-c:a", "aac", "-b:a", "160k", one)
    ff("-stream_loop", "44", "-i", one, "-c", "copy", out)
    return out


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    if a.shape != b.shape:
        b = np.asarray(Image.fromarray(b).resize((a.shape[1], a.shape[0])))
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)


def first_frame_psnr(out: Path, source: Path, start: Fraction) -> str:
    try:
        want = frame_at(source, start, width=320).image
        got = next(read_frames(out, width=320)).image
        value = psnr(got, want)
        return "∞" if value == float("inf") else f"{value:.1f}"
    except Exception as exc:  # noqa: BLE001 - a benchmark row, not a test
        return f"({type(exc).__name__})"


def look(out: Path, work: Path) -> None:
    info = probe(out)
    frame = frame_at(out, info.duration / 2)
    Image.fromarray(frame.image).save(work / f"look-{out.stem}.png")


def pair(name: str, source: Path, start: str, seconds: str, work: Path, *, copy: bool = False,
         cached: bool = False, same_settings: bool = False) -> None:
    if not cached:
        shutil.rmtree(work / "cache" / "clipkit" / "probe", ignore_errors=True)
    ours = work / f"{name}-clipkit.mp4"
    theirs = work / f"{name}-ffmpeg.mp4"
    for p in (ours, theirs):
        p.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "clipkit", "clip", str(source), start, f"+{seconds}", "-o", str(ours),
           "--embed", "none", "--no-poster"] + (["--copy", "--copy-fallback", "encode"] if copy else [])
    t_ours, c_ours, proc = timed(cmd, clipkit_env(work))
    plain = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-ss", start, "-i", str(source), "-t", seconds]
    plain += ["-c", "copy"] if copy else ["-c:v", "libx264", "-c:a", "aac"]
    t_theirs, c_theirs, proc2 = timed(plain + [str(theirs)])
    notes = " / ".join(ln[6:] for ln in proc.stderr.splitlines() if ln.startswith("note:"))
    if proc.returncode != 0:
        print(f"| {name} | | clipkit failed: {proc.stderr.strip().splitlines()[-1]} | | | | | | |")
        return
    size_o = ours.stat().st_size / 1e6
    size_t = theirs.stat().st_size / 1e6 if theirs.exists() else float("nan")
    ff_o = first_frame_psnr(ours, source, Fraction(start))
    ff_t = first_frame_psnr(theirs, source, Fraction(start)) if theirs.exists() else "-"
    print(f"| {name} | {os.getloadavg()[0]:.1f} | {t_ours:.2f} | {t_theirs:.2f} | {t_ours / t_theirs:.2f}× | {c_ours:.2f} / {c_theirs:.2f} = "
          f"{c_ours / max(c_theirs, 1e-3):.2f}× | {size_o:.2f} / {size_t:.2f} | "
          f"{ff_o} / {ff_t} | {notes[:160]} |")
    look(ours, work)
    if same_settings:  # the floor: the same x264 settings in a plain ffmpeg command (no exact first frame)
        plain = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-ss", start, "-i", str(source), "-t", seconds,
                 "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-c:a", "aac", "-b:a", "160k", str(theirs)]
        t_same, c_same, _ = timed(plain)
        print(f"| {name}: plain ffmpeg `-preset veryfast -crf 20 -b:a 160k` (clipkit's settings) | {os.getloadavg()[0]:.1f} | "
              f"{t_ours:.2f} | {t_same:.2f} | {t_ours / t_same:.2f}× | {c_ours:.2f} / {c_same:.2f} = "
              f"{c_ours / max(c_same, 1e-3):.2f}× | {size_o:.2f} / {theirs.stat().st_size / 1e6:.2f} | | |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", type=Path, default=Path("/tmp/clipkit-bench-clip"))
    ap.add_argument("--skip-long", action="store_true")
    args = ap.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores)\n")
    subprocess.run([sys.executable, "-m", "clipkit", "clip", "--help"], capture_output=True, env=clipkit_env(work))
    print("| case | load | clipkit s | ffmpeg s | wall ratio | CPU s clipkit / ffmpeg | MB clipkit / ffmpeg | first frame PSNR dB clipkit / ffmpeg | clipkit notes |")
    print("|---|---:|---:|---:|---:|---|---|---|---|")
    if not args.skip_long:
        ep = episode(work)
        pair("45min-1080p 6 s", ep, "1350.5", "6", work, same_settings=True)
        pair("45min-1080p 6 s, probe cached", ep, "1290.5", "6", work, cached=True)
        pair("45min-1080p --copy 60 s", ep, "1350.5", "60", work, copy=True)
    for name, start, seconds in REAL:
        src = MEDIA / name
        if src.exists():
            pair(name, src, start, seconds, work)
    pair("chaplin --copy", MEDIA / "chaplin.mp4", "2.5", "5", work, copy=True)
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}; frames to look at: {work}/look-*.png")


if __name__ == "__main__":
    main()
