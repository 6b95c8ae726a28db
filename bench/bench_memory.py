"""Peak memory (RSS) of `clipkit gif` against the clip's length and width — issue 12's budget.

Goal: peak RSS independent of the clip's length beyond a fixed budget — a 60 s
GIF at 1080 px under 1 GB, 30 s at 540 px under 400 MB.  Frames beyond
``frame_memory`` (100 MB) go to a private temporary file (media/spill.py).
Each case runs `python -m clipkit gif` in its own process and reads its peak
RSS from the kernel (``os.wait4``: ``ru_maxrss`` of that process; the ffmpeg
decoding for it is a separate process, not counted).  One run each; CPU
seconds (user + system, clipkit and its ffmpeg) beside the wall time.

Sources: the real clip /work/shared/media/big_buck_bunny_0_30.webm (1280×720,
24 fps), for 60 s looped (stream copy, no re-encoding); and a generated
60 s 1920×1080 24 fps source (ffmpeg testsrc2 with light temporal noise, like
film grain), made once in a temporary folder.

    python bench/bench_memory.py                    # 5, 10, 20, 30 s at 540 px (bunny)
    python bench/bench_memory.py --long             # adds 60 s at 1080 px: bunny looped, generated 1080p
    python bench/bench_memory.py --before OLD/src   # the same cases with another source tree beside (e.g.
                                                    # `git archive <commit> src | tar -x -C OLD`): ratio after/before
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from media_dir import real_media  # bench/media_dir.py: ../shared/media or $CLIPKIT_MEDIA

CLIP = real_media() / "big_buck_bunny_0_30.webm"


def peak_rss(args: list[str], src: str | None = None) -> tuple[float, float, float]:
    """(peak RSS of clipkit's Python process in MB, CPU seconds with its children, wall seconds)."""
    env = dict(os.environ, PYTHONPATH=src) if src else None
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen([sys.executable, "-m", "clipkit", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"clipkit failed: {proc.stderr.read().decode()[-400:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return usage.ru_maxrss / 1024, cpu, time.perf_counter() - t0


def _ffmpeg(*args: str) -> None:
    from clipkit.media.ffmpeg import ffmpeg_exe

    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args], check=True)


def sources(tmp: Path, names: set[str]) -> dict[str, Path]:
    found = {"bunny": CLIP}
    if "bunny-loop" in names:
        found["bunny-loop"] = tmp / "bunny_looped.mkv"  # 90 s: the real clip thrice, packets copied (60 s taken)
        _ffmpeg("-stream_loop", "2", "-i", str(CLIP), "-map", "0:v", "-c", "copy", str(found["bunny-loop"]))
    if "gen1080" in names:
        found["gen1080"] = tmp / "gen1080.mkv"
        _ffmpeg("-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=24:d=60", "-vf", "noise=alls=4:allf=t",
                "-c:v", "libx264", "-preset", "ultrafast", "-crf", "20", "-pix_fmt", "yuv420p", str(found["gen1080"]))
    return found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--long", action="store_true", help="add 60 s at 1080 px (looped bunny, generated 1080p)")
    ap.add_argument("--before", help="a source tree (the folder holding clipkit/) to run beside, e.g. an older commit's src")
    ap.add_argument("--only", help="run only cases whose source name contains this")
    opts = ap.parse_args()
    cases = [("bunny", 5, 540), ("bunny", 10, 540), ("bunny", 20, 540), ("bunny", 30, 540)]
    if opts.long:
        cases += [("bunny-loop", 60, 1080), ("gen1080", 60, 1080)]
    if opts.only:
        cases = [c for c in cases if opts.only in c[0]]
    here = str(Path(__file__).resolve().parents[1] / "src")
    print(f"peak RSS of `clipkit gif` (one run each; CPU = user+sys of clipkit and its ffmpeg); load {os.getloadavg()[0]:.1f}")
    head = f"{'source':>8} {'s':>3} {'width':>5} {'peak MB':>8} {'CPU s':>6} {'wall s':>7}"
    print(head + (f" {'before MB':>9} {'CPU s':>6} {'ratio MB':>8}" if opts.before else ""), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        found = sources(Path(tmp), {c[0] for c in cases})
        for name, seconds, width in cases:
            args = ["gif", str(found[name]), "0", str(seconds), "--width", str(width), "-o",
                    str(Path(tmp) / f"m{seconds}_{width}.gif"), "--embed", "none", "--subs", "off"]
            mb, cpu, took = peak_rss(args, here)
            row = f"{name:>8} {seconds:>3} {width:>5} {mb:>8.0f} {cpu:>6.1f} {took:>7.1f}"
            if opts.before:
                old, old_cpu, _ = peak_rss(args, opts.before)
                row += f" {old:>9.0f} {old_cpu:>6.1f} {mb / old:>8.2f}"
            print(row, flush=True)


if __name__ == "__main__":
    main()
