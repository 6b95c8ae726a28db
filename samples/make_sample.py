#!/usr/bin/env python3
"""Build the sample episode (and its truth file) into samples/out/ or the folder given.

    python samples/make_sample.py [FOLDER] [--force]

The generator itself lives in the package (clipkit.sample), so ``clipkit demo``
can make the sample on a machine that has only the installed package.
"""

import sys
from pathlib import Path

from clipkit.sample import make_sample

if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--force"]
    folder = Path(args[0]) if args else Path(__file__).resolve().parent / "out"
    print(make_sample(folder, force="--force" in sys.argv[1:]))
