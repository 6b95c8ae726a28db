"""What a command costs before it does anything: the imports `python -X importtime` sees.

    python bench/bench_import.py            # --help, info --help, gif --help, info FILE, clip --help, a clip of FILE
    python bench/bench_import.py --runs 9

For each command line, the imports clipkit triggers (the top-level ``clipkit*``
and ``click*`` entries of ``-X importtime``; the interpreter's own start-up is
not counted) — the least of N runs, since the machine is shared, bytecode compiled
once as an installed package has it — and whether numpy, OpenCV or Pillow were imported.  Goal (issue 11): ``clipkit --help``
under 150 ms of imports and no numpy for ``--help`` and ``info``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HEAVY = ("numpy", "cv2", "PIL")
#: Bytecode is kept here (not in the source tree), so the least of N runs is an installed package's import.
_PYCACHE = os.path.join(tempfile.gettempdir(), "clipkit-bench-import-pycache")
_LINE = re.compile(r"import time:\s*(\d+)\s*\|\s*(\d+)\s*\|( *)(\S+)")


def imports(args: list[str]) -> tuple[float, list[str]]:
    """(ms of clipkit-triggered imports, heavy modules imported) for ``python -m clipkit ARGS``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as installed: compiled once
    env.update(PYTHONPATH=str(Path(__file__).resolve().parent.parent / "src"), PYTHONPYCACHEPREFIX=_PYCACHE)
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "clipkit", *args], capture_output=True, text=True,
                         env=env)
    total, heavy = 0, []
    for m in _LINE.finditer(run.stderr):
        cumulative, indent, name = int(m.group(2)), len(m.group(3)), m.group(4)
        if indent == 1 and name.split(".")[0] in ("clipkit", "click"):
            total += cumulative
        if name in HEAVY:
            heavy.append(name)
    return total / 1000, heavy


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    opts = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from clipkit.sample import make_sample

    with tempfile.TemporaryDirectory() as tmp:
        sample = str(make_sample(tmp))
        clip_out = str(Path(tmp) / "c.mp4")
        lines = [["--help"], ["info", "--help"], ["gif", "--help"], ["info", sample], ["clip", "--help"],
                 ["clip", sample, "0:10", "+0.5", "-o", clip_out, "--embed", "none", "--no-poster", "--overwrite"]]
        print(f"load average {os.getloadavg()[0]:.1f}; least of {opts.runs} runs\n")
        print("| command | imports (ms) | numpy / cv2 / PIL imported |")
        print("|---|---|---|")
        for args in lines:
            results = [imports(args) for _ in range(opts.runs)]
            ms = min(r[0] for r in results)
            heavy = sorted(set(h for r in results for h in r[1]))
            shown = " ".join("FILE" if a == sample else "OUT" if a == clip_out else a for a in args)
            print(f"| `clipkit {shown}` | {ms:.0f} | {', '.join(heavy) or 'none'} |")


if __name__ == "__main__":
    main()
