"""The URLs snippets point at: where a file will be once uploaded, percent-encoded."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

from ..errors import UsageError, option

__all__ = ["url_for", "check_base_url", "base_url_problem"]

# Characters kept as they are in a base URL the user typed (its structure and
# existing %XX escapes); everything else (spaces, non-ASCII, quotes, brackets,
# parentheses, < >) is percent-encoded so that no target format can be broken
# out of by the URL.
_BASE_SAFE = ":/@!$&*+,;=%~"
_BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SCHEMES = ("http", "https")


def check_base_url(base_url: str | None) -> str | None:
    """The base URL normalised (encoded, ending in ``/``), or None if none was given.

    Raises :class:`UsageError` for anything but ``http(s)://…``, a site path
    (``/uploads/``) or a relative folder: a ``javascript:`` or ``data:`` base
    would put script into every snippet.
    """
    if base_url is None or not str(base_url).strip():
        return None
    text = str(base_url).strip()
    problem = base_url_problem(text)
    if problem:
        raise UsageError(f"{option('base_url', text)} {problem[0]}", problem[1])
    encoded = _BARE_PERCENT.sub("%25", quote(text, safe=_BASE_SAFE))
    return encoded if encoded.endswith("/") else encoded + "/"


def base_url_problem(text: str) -> tuple[str, str] | None:
    """What is wrong with a base URL and what to give instead, or None (also the ``[embed] base_url`` check of a
    preset, as it is read)."""
    text = text.strip()
    if not text:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        return "contains control characters", "type it again, e.g. https://myblog.example/uploads/"
    parts = urlsplit(text)
    if parts.scheme and parts.scheme.lower() not in _SCHEMES:
        return (f"is not a web address (scheme {parts.scheme}:)",
                "give http(s)://…, a site path such as /uploads/2026/11/, or a relative folder")
    if parts.scheme and not parts.netloc:
        return "has no host", "write it as https://myblog.example/uploads/"
    if text.startswith("//"):
        return "has no scheme", "write it as https://…"
    if "?" in text or "#" in text:  # the file's name would land inside the query or after the fragment
        return ("has a ?query or #fragment: the file names would go after it",
                "give the folder the files will be in, e.g. https://myblog.example/uploads/2026/11/")
    return None


def url_for(path: str | os.PathLike, base_url: str | None = None) -> str:
    """The URL a file will have: ``base_url`` + its name, or else its path relative
    to the current folder; percent-encoded either way (spaces, ``#``, non-ASCII…)."""
    path = Path(path)
    base = check_base_url(base_url)
    if base:
        return base + quote(os.fsencode(path.name), safe="")  # bytes: a non-UTF-8 name's own bytes
    if path.is_absolute():
        try:
            path = Path(os.path.relpath(path))
        except ValueError:  # another drive (Windows)
            path = Path(path.name)
    return quote(os.fsencode(path.as_posix()), safe="/")
