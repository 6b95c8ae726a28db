#!/usr/bin/env python3
"""Contact-sheet benchmark: ``clipkit strip`` against ``vcsi``, side by side in one run.

    python bench/bench_strip.py                  # sample episode + a 2-minute 1080p file
    python bench/bench_strip.py --quick          # sample episode only
    python bench/bench_strip.py --vcsi /path/to/venv/bin/vcsi --repeat 2

The peer: ``vcsi`` (PyPI).  It pins exact numpy/Pillow versions, so install it
in its own virtual environment rather than beside clipkit, and it calls
``ffmpeg`` and ``ffprobe`` by name:

    python -m venv /tmp/vcsi-venv && /tmp/vcsi-venv/bin/pip install vcsi
    sudo apt-get install ffmpeg                  # for ffprobe only (Debian)

vcsi runs with ``ffmpeg`` on its PATH pointing at the *same* bundled ffmpeg
clipkit uses (a symlink in a temporary folder), so both decode with one binary;
the system's ffprobe only reads the file's facts.

Files (generated once into ``$TMPDIR/clipkit-bench-strip``), each with known truth:
  * the sample episode (``clipkit.sample``: a fade through black 20–23 s, a dissolve
    29–30 s, a one-frame white flash at 35.0 s);
  * a 2-minute 1080p H.264 file (``--minutes``; x264 veryfast, CRF 23, x264's default keyframe
    interval of up to 250 frames) made by looping the sample and scaling it up: its
    truth repeats every 60 s.

Each tool makes a 4×4 sheet, 1500 px wide, with timestamps and its header,
as PNG, with its defaults otherwise (7 % skipped at each end for both).
Measured per file and tool, each run in a fresh process: wall time, CPU time
(the tool and every decoder it ran: steadier than wall time on a shared
machine), and the
quality of the 16 chosen frames, scored by this script alone on the frames
re-decoded at 320 px from the times each tool used: how many are black (mean
luma < 20), how many lie in a fade, dissolve or the flash frame (from the
truth), and their sharpness (variance of the Laplacian: mean and minimum).
clipkit's times are what it reports (``note: 16 tiles from …``); vcsi's are
its documented schedule (``timestamp_generator``: start + k × interval), which
it captures with ``ffmpeg -ss T -i FILE`` (the first frame at or after T).
A 24-tile clipkit sheet of the 1080p file is timed too (the issue's goal is a
45-minute episode in under 10 s; the cost is per tile, not per minute of file).
Ratios are clipkit / vcsi.
"""

from __future__ import annotations

import argparse
import json
import resource
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

from clipkit.media.ffmpeg import ffmpeg_exe
from clipkit.media.frames import frame_at
from clipkit.media.probe import probe
from clipkit.sample import make_sample

WORK = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "clipkit-bench-strip"
WIDTH = 1500
CPU: dict = {}  # output file → CPU seconds of the run that wrote it
LOAD_START = ""


# ---------------------------------------------------------------- media


def long_file(sample: Path, minutes: int) -> Path:
    out = WORK / f"loop-{minutes}min-1080p.mkv"
    if not out.exists():
        loops = math.ceil(minutes)  # the sample is one minute
        tmp = out.with_suffix(".part.mkv")
        subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                        "-stream_loop", str(loops - 1), "-i", str(sample), "-map", "0:v",
                        "-vf", "scale=1920:1080:flags=bicubic", "-c:v", "libx264", "-preset", "veryfast",
                        "-crf", "23", "-pix_fmt", "yuv420p", "-an", "-sn", str(tmp)], check=True)
        tmp.rename(out)
    return out


def bad_spans(truth: dict, duration: float) -> list[tuple[float, float]]:
    """Fades, dissolves and the flash frame, repeated every ``truth['duration']`` seconds."""
    one = [(float(t["start"]), float(t["end"])) for t in truth["transitions"]]
    one += [(float(f), float(f) + 1 / truth["fps"]) for f in truth["flashes"]]
    period = float(truth["duration"])
    return [(a + k * period, b + k * period) for k in range(int(duration // period) + 1) for a, b in one]


# ---------------------------------------------------------------- the tools


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_clipkit(path: Path, out: Path, count: int = 16, cols: int = 4) -> tuple[float, list[float]]:
    cmd = [sys.executable, "-m", "clipkit", "strip", str(path), "-o", str(out), "--width", str(WIDTH),
           "--count", str(count), "--cols", str(cols), "--header"]
    t0, c0 = time.perf_counter(), _children_cpu()
    res = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    CPU[out] = _children_cpu() - c0
    if res.returncode:
        raise SystemExit(f"clipkit failed: {res.stderr}")
    line = next(ln for ln in res.stderr.splitlines() if " tiles from " in ln)
    times = []
    for text in line.rsplit(": ", 1)[1].split(", "):
        parts = text.split(":")
        times.append(sum(float(p) * 60 ** i for i, p in enumerate(reversed(parts))))
    return wall, times


def vcsi_env() -> dict:
    """PATH with ``ffmpeg`` = the bundled binary clipkit uses, and the system's ffprobe."""
    bindir = WORK / "vcsi-bin"
    bindir.mkdir(parents=True, exist_ok=True)
    link = bindir / "ffmpeg"
    if not link.exists():
        link.symlink_to(ffmpeg_exe())
    probe_exe = shutil.which("ffprobe")
    if not probe_exe:
        raise SystemExit("vcsi needs ffprobe on PATH (Debian: apt-get install ffmpeg)")
    env = dict(os.environ)
    env["PATH"] = f"{bindir}{os.pathsep}{Path(probe_exe).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def vcsi_times(duration: float, n: int = 16, start_pct: float = 7, end_pct: float = 7) -> list[float]:
    """vcsi's schedule (its ``timestamp_generator`` with the default 7 %)."""
    start = math.floor(duration * start_pct / 100)
    delay = start + math.floor(duration * end_pct / 100)
    interval = (duration - delay) / (n + 1)
    return [start + interval * (k + 1) for k in range(n)]


def run_vcsi(exe: str, path: Path, out: Path) -> tuple[float, list[float]]:
    cmd = [exe, str(path), "-g", "4x4", "-t", "-w", str(WIDTH), "-o", str(out), "-f", "png"]
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    if (dejavu / "DejaVuSans.ttf").exists():
        cmd += ["--metadata-font", str(dejavu / "DejaVuSans-Bold.ttf"), "--timestamp-font", str(dejavu / "DejaVuSans.ttf")]
    t0, c0 = time.perf_counter(), _children_cpu()
    res = subprocess.run(cmd, capture_output=True, text=True, env=vcsi_env())
    wall = time.perf_counter() - t0
    CPU[out] = _children_cpu() - c0
    if res.returncode:
        raise SystemExit(f"vcsi failed: {res.stdout[-500:]} {res.stderr[-1500:]}")
    return wall, vcsi_times(float(probe(path).duration))


# ---------------------------------------------------------------- scoring


def score(path: Path, times: list[float], spans: list[tuple[float, float]], *, at_or_after: bool) -> dict:
    info = probe(path)
    rate = info.video.frame_rate or Fraction(24)
    black = bad = 0
    sharp = []
    for t in times:
        ft = Fraction(t).limit_denominator(1000)
        if at_or_after:  # ffmpeg -ss T: the first frame starting at or after T
            ft = Fraction(math.ceil(ft * rate - Fraction(1, 1000)), 1) / rate
        frame = frame_at(info, ft, width=320)
        grey = cv2.cvtColor(frame.image, cv2.COLOR_RGB2GRAY)
        if grey.mean() < 20:
            black += 1
        shown = float(frame.time)
        if any(a <= shown < b for a, b in spans):
            bad += 1
        sharp.append(float(cv2.Laplacian(grey, cv2.CV_32F, ksize=3).var()))
    return {"black": black, "transition": bad, "sharp_mean": statistics.mean(sharp), "sharp_min": min(sharp)}


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="the sample episode only")
    ap.add_argument("--minutes", type=int, default=2, help="length of the 1080p file (default 2)")
    ap.add_argument("--vcsi", default=os.environ.get("VCSI") or shutil.which("vcsi"), help="the vcsi executable")
    ap.add_argument("--repeat", type=int, default=1, help="runs per tool and file (the fastest is kept)")
    args = ap.parse_args()
    if not args.vcsi:
        raise SystemExit("vcsi not found: pip install vcsi (in its own venv) and pass --vcsi PATH")
    WORK.mkdir(parents=True, exist_ok=True)
    global LOAD_START
    LOAD_START = " ".join(f"{x:.1f}" for x in os.getloadavg())
    sample = make_sample(WORK)
    truth = json.loads(sample.with_suffix(".truth.json").read_text())
    files = [("sample 640×360 60 s", sample)]
    if not args.quick:
        files.append((f"1080p {args.minutes} min", long_file(sample, args.minutes)))
    rows = []
    for label, path in files:
        duration = float(probe(path).duration)
        spans = bad_spans(truth, duration)
        best = {}
        for rep in range(args.repeat):
            order = [("clipkit", run_clipkit), ("vcsi", None)] if rep % 2 == 0 else [("vcsi", None), ("clipkit", run_clipkit)]
            for tool, _ in order:
                out = WORK / f"{tool}-{path.stem}.png"
                wall, times = run_clipkit(path, out) if tool == "clipkit" else run_vcsi(args.vcsi, path, out)
                if tool not in best or wall < best[tool][0]:
                    best[tool] = (wall, times, out, CPU[out])
        for tool in ("clipkit", "vcsi"):
            wall, times, out, cpu = best[tool]
            q = score(path, times, spans, at_or_after=(tool == "vcsi"))
            rows.append((label, tool, wall, q, out, cpu))
        if not args.quick and path != sample:
            out = WORK / f"clipkit-24-{path.stem}.png"
            wall, times = run_clipkit(path, out, count=24, cols=6)
            rows.append((label + ", 24 tiles", "clipkit", wall, score(path, times, spans, at_or_after=False), out, CPU[out]))

    print(f"\n4×4 contact sheet, {WIDTH} px, timestamps and header, PNG ({os.cpu_count()} cores, "
          f"load average at start {LOAD_START}, at end {' '.join(f'{x:.1f}' for x in os.getloadavg())})\n")
    print("| file | tool | wall s | clipkit/vcsi | CPU s | clipkit/vcsi | black tiles | in fade/dissolve/flash | "
          "sharpness mean | sharpness min |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    walls = {(r[0], r[1]): (r[2], r[5]) for r in rows}
    for label, tool, wall, q, _out, cpu in rows:
        ratio = cpu_ratio = ""
        if tool == "clipkit" and (label, "vcsi") in walls:
            ratio = f"{wall / walls[(label, 'vcsi')][0]:.2f}×"
            cpu_ratio = f"{cpu / walls[(label, 'vcsi')][1]:.2f}×"
        print(f"| {label} | {tool} | {wall:.2f} | {ratio} | {cpu:.2f} | {cpu_ratio} | {q['black']} | {q['transition']} | "
              f"{q['sharp_mean']:.0f} | {q['sharp_min']:.0f} |")
    print("\nsheets:", ", ".join(str(r[4]) for r in rows))


if __name__ == "__main__":
    main()
