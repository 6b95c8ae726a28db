"""Caches' basics: where they live, and a file's identity: what must stay the same for a cached result about it to stay true.

Size, modification time and a hash of its first and last 64 KiB (so a file
re-encoded under the same name and size is still a new file), read in
milliseconds even for a 2 GB episode.  Used by the scene cache and the
dialogue index.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["file_identity", "cache_root"]

_BLOCK = 1 << 16


def file_identity(path: str | os.PathLike) -> dict:
    """``{"size", "mtime_ns", "sample_sha256"}`` of ``path``; OSError if it cannot be read."""
    path = Path(path)
    st = path.stat()
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        h.update(fh.read(_BLOCK))
        if st.st_size > 2 * _BLOCK:
            fh.seek(-_BLOCK, os.SEEK_END)
            h.update(fh.read(_BLOCK))
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sample_sha256": h.hexdigest()}


def cache_root() -> Path:
    """clipkit's cache folder: ``$XDG_CACHE_HOME/clipkit`` (``~/.cache/clipkit``); each cache has a subfolder."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "clipkit"
