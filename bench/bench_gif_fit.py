#!/usr/bin/env python3
"""``clipkit gif --max-size`` on real footage, side by side with gifski at the -Q that fits the same budget.

    python bench/bench_gif_fit.py                     # the cases below, on ../shared/media
    python bench/bench_gif_fit.py --only bunny        # cases whose label contains "bunny"
    PYTHONPATH=/other/checkout/src python bench/bench_gif_fit.py   # another version of clipkit (before/after)

For each case the command is run as a user types it (540 px, 20 fps, quality 90 by default) with a
budget; the note it prints says what the fit chose (size, fps, quality, tries).  gifski gets the same
frames at the size and rate clipkit chose (ffmpeg ``fps`` + Lanczos scale to PNG) and its ``-Q`` is
searched (bisection, at most 6 runs) for the largest GIF under the same budget: what a gifski user
would have to do by hand.  Quality is taken against the source at its own frame rate and at the asked
width (a narrower GIF is scaled up to it, as a reader's browser would stretch it to the column): mean
SSIM (luma) and SSIMULACRA2 (every ``--s2-every``-th source frame; ``pip install ssimulacra2``).
Times: wall and CPU seconds of the whole command (decode, every try); gifski's is its last run.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

from bench_gif import evaluate, find_gifski, have_s2  # bench/bench_gif.py: the same quality measure
from clipkit.media.ffmpeg import ffmpeg_exe
from clipkit.media.frames import read_frames
from clipkit.timecode import parse_time
from media_dir import real_media

#: label, file in the media folder, start, end (+ relative), budget in bytes
CASES = [
    ("bunny pan 2MB", "big_buck_bunny_0_30.webm", "0:04", "+5", 2_000_000),
    ("bunny pan 1MB", "big_buck_bunny_0_30.webm", "0:04", "+5", 1_000_000),
    ("bunny pan 500KB", "big_buck_bunny_0_30.webm", "0:04", "+5", 500_000),
    ("chaplin 1MB", "chaplin.mp4", "0:00", "+5", 1_000_000),
    ("chaplin 500KB", "chaplin.mp4", "0:00", "+5", 500_000),
    ("handheld tilt 300KB", "video_with_failing_audio.mp4", "0:02", "+4", 300_000),
    ("fire2 whole 800KB", "fire2.mp4", "0", "2.3797", 800_000),
]
WIDTH = 540
_CHOSE = re.compile(r"in (\d+) tries: (\d+)×(\d+), ([\d.]+) fps, .*?quality (\d+)")


def run_clipkit(src: Path, start: str, end: str, budget: int, out: Path) -> dict:
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "clipkit", "gif", str(src), start, end, "--max-size", str(budget) + "B",
                        "--subs", "off", "--embed", "none", "--overwrite", "-o", str(out)], capture_output=True, text=True)
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    row = {"rc": p.returncode, "wall": wall, "cpu": r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime,
           "note": next((ln for ln in p.stderr.splitlines() if "fit" in ln), p.stderr.strip()[-200:])}
    m = _CHOSE.search(row["note"])
    if m:
        row.update(tries=int(m[1]), width=int(m[2]), fps=Fraction(m[4]), quality=int(m[5]))
    elif p.returncode == 0:  # fitted as asked
        row.update(tries=1, width=WIDTH, fps=Fraction(20), quality=90)
    return row


def run_gifski(gifski: str, src: Path, a: Fraction, b: Fraction, width: int, fps: Fraction, budget: int,
               work: Path) -> dict | None:
    pngs = work / "png"
    shutil.rmtree(pngs, ignore_errors=True)
    pngs.mkdir()
    fr = fps.limit_denominator(100)
    subprocess.run([ffmpeg_exe(), "-v", "error", "-ss", f"{float(a):.3f}", "-t", f"{float(b - a):.3f}", "-i", str(src),
                    "-vf", f"fps={fr.numerator}/{fr.denominator},scale={width}:-2:flags=lanczos", str(pngs / "f%05d.png")],
                   check=True)
    files = sorted(map(str, pngs.glob("*.png")))
    lo, hi, q, best, runs = 1, 100, 60, None, 0
    while lo <= hi and runs < 6:
        out = work / f"gifski{q}.gif"
        t = time.perf_counter()
        subprocess.run([gifski, "-q", "--fps", str(float(fps)), "-Q", str(q), "-o", str(out), *files], check=True)
        wall, runs = time.perf_counter() - t, runs + 1
        if out.stat().st_size <= budget:
            best, lo = {"Q": q, "path": out, "wall": wall}, q + 1
        else:
            hi = q - 1
        q = (lo + hi) // 2
    if best:
        best["runs"] = runs
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="", help="run the cases whose label contains this")
    ap.add_argument("--s2-every", type=int, default=5, help="SSIMULACRA2 on every Nth source frame (0: none)")
    ap.add_argument("--no-gifski", action="store_true")
    ap.add_argument("--keep", default="", help="folder to keep the GIFs in (to look at them)")
    args = ap.parse_args()
    media = real_media()
    gifski = None if args.no_gifski else find_gifski()
    s2_every = args.s2_every if have_s2() else 0
    print("| case | clipkit: bytes/budget, tries, chosen | wall / CPU s | SSIM | S2 | gifski same frames: -Q, "
          "bytes/budget | SSIM | S2 | gifski s (last run) |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for label, name, start, end, budget in CASES:
            if args.only and args.only not in label:
                continue
            src = media / name
            a = parse_time(start)
            b = a + parse_time(end[1:]) if end.startswith("+") else parse_time(end)
            out = work / "clipkit.gif"
            ck = run_clipkit(src, start, end, budget, out)
            if ck["rc"] != 0:
                print(f"| {label} | exit {ck['rc']}: {ck['note']} | {ck['wall']:.1f} / {ck['cpu']:.1f} |  |  |  |  |  |  |")
                continue
            refs = list(read_frames(src, start=a, end=b, width=WIDTH))
            q = evaluate(out, refs, a, b, s2_every)
            if args.keep:
                Path(args.keep).mkdir(parents=True, exist_ok=True)
                shutil.copy(out, Path(args.keep) / f"clipkit-{label.replace(' ', '_')}.gif")
            chose = f"{ck['width']} px, {float(ck['fps']):g} fps, q{ck['quality']}"
            row = (f"| {label} | {q['bytes'] / budget:.2f}, {ck['tries']}, {chose} | {ck['wall']:.1f} / {ck['cpu']:.1f} "
                   f"| {q['ssim']:.3f} | {q['s2']:.1f} |")
            gk = run_gifski(gifski, src, a, b, ck["width"], ck["fps"], budget, work) if gifski else None
            if gk:
                g = evaluate(gk["path"], refs, a, b, s2_every)
                if args.keep:
                    shutil.copy(gk["path"], Path(args.keep) / f"gifski-{label.replace(' ', '_')}.gif")
                row += (f" -Q {gk['Q']}, {g['bytes'] / budget:.2f} | {g['ssim']:.3f} | {g['s2']:.1f} "
                        f"| {gk['wall']:.1f} ({gk['runs']} runs) |")
            else:
                row += " none under the budget |  |  |  |" if gifski else " (no gifski) |  |  |  |"
            print(row, flush=True)


if __name__ == "__main__":
    main()
