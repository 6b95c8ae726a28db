"""Peak memory (RSS) of `clipkit gif` against the clip's length and width — issue 12's budget.

Goal (not yet met): peak RSS independent of the clip's length beyond a fixed
budget — a 60 s GIF at 1080 px under 1 GB, 30 s at 540 px under 400 MB.
Each case runs `python -m clipkit gif` in its own process and reads its peak
RSS from the kernel (``os.wait4``: ``ru_maxrss``, the process and the ffmpeg
it waits for are separate processes: ffmpeg's own is reported apart).  One
run; the real clip is /work/shared/media/big_buck_bunny_0_30.webm.

    python bench/bench_memory.py                   # 5, 10, 20 s at 540 px
    python bench/bench_memory.py --long            # adds 30 s at 540 px and 10 s at 1080 px
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLIP = Path("/work/shared/media/big_buck_bunny_0_30.webm")


def peak_rss_mb(args: list[str]) -> tuple[float, float, float]:
    """(peak RSS of clipkit's Python process in MB, of its largest child, seconds)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "clipkit", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"clipkit failed: {proc.stderr.read().decode()[-400:]}")
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest of all waited-for descendants
    return usage.ru_maxrss / 1024, children / 1024, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--long", action="store_true")
    opts = ap.parse_args()
    cases = [(5, 540), (10, 540), (20, 540)] + ([(30, 540), (10, 1080)] if opts.long else [])
    print(f"clip: {CLIP.name}; peak RSS of `clipkit gif` (one run)")
    print(f"{'seconds':>7} {'width':>5} {'peak MB':>8} {'MB per s':>8} {'time s':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for seconds, width in cases:
            mb, _, took = peak_rss_mb(["gif", str(CLIP), "0", str(seconds), "--width", str(width), "-o",
                                       str(Path(tmp) / f"m{seconds}_{width}.gif"), "--embed", "none", "--subs", "off"])
            print(f"{seconds:>7} {width:>5} {mb:>8.0f} {mb / seconds:>8.1f} {took:>7.1f}", flush=True)


if __name__ == "__main__":
    main()
