"""Where the real clips are, for every benchmark: ``$CLIPKIT_MEDIA``, else ``shared/media`` beside the
checkout (``../shared/media``, as on CI), else beside a folder above it (a git worktree kept in a subfolder)."""

from __future__ import annotations

import os
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]


def real_media() -> Path:
    env = os.environ.get("CLIPKIT_MEDIA")
    if env:
        return Path(env)
    for base in (CHECKOUT.parent, *CHECKOUT.parents[1:3]):
        folder = base / "shared" / "media"
        if folder.is_dir():
            return folder
    return CHECKOUT.parent / "shared" / "media"
