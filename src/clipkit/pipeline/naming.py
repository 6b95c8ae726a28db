"""Output file names: the default pattern, folders given as output, safe names."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

__all__ = ["output_path", "safe_name"]

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def safe_name(text: str, *, max_len: int = 120, max_bytes: int = 200) -> str:
    """A file name made from user text: no folders, no control characters,
    no leading dots; letters of any script are kept.  At most ``max_len``
    characters and ``max_bytes`` bytes of UTF-8 (a file name may have 255
    bytes: 120 Japanese characters are 360), leaving room for a tag and an
    extension; cut between characters."""
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE.sub("_", text).strip(" ._")
    text = re.sub(r"\s+", " ", text)[:max_len]
    while len(text.encode("utf-8", "surrogateescape")) > max_bytes:
        text = text[:-1]
    return text.rstrip(" ") or "clip"


def output_path(output: str | os.PathLike | None, source: Path, tag: str, default_ext: str) -> Path:
    """Where a job writes.

    ``output`` may be None (``<source stem>_<tag>.<ext>`` in the current folder),
    an existing folder or a name ending in ``/`` (that name inside it), or a file name.
    """
    name = f"{safe_name(source.stem)}_{safe_name(tag)}.{default_ext.lstrip('.')}"
    if output is None:
        return Path(name)
    out = Path(output)
    if out.is_dir() or str(output).endswith(("/", os.sep)):
        return out / name
    if not out.suffix:
        return out.with_suffix(f".{default_ext.lstrip('.')}")
    return out
