"""HTML snippets."""

from __future__ import annotations

from html import escape
from pathlib import Path
from urllib.parse import quote

from ..artifact import Artifact

__all__ = ["html_img", "url_for"]


def url_for(path: Path, base_url: str | None = None) -> str:
    """The URL a file will have: ``base_url`` + its name, or its relative path; percent-encoded."""
    if base_url:
        return base_url.rstrip("/") + "/" + quote(path.name)
    return quote(path.as_posix())


def html_img(artifact: Artifact, *, alt: str | None = None, base_url: str | None = None) -> str:
    """``<img>`` with width, height, alt, lazy loading: no layout jump when it loads."""
    alt_text = alt if alt is not None else " / ".join(artifact.captions)
    return (
        f'<img src="{escape(url_for(artifact.path, base_url))}" width="{artifact.width}" height="{artifact.height}" '
        f'alt="{escape(alt_text)}" loading="lazy" decoding="async">'
    )
