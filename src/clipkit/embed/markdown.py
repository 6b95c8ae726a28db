"""Markdown (Jekyll/kramdown, CommonMark, GitHub): ``![alt](url)`` and an italic caption line.

Markdown cannot carry width and height; use ``html`` where the platform
accepts raw HTML and layout jumps matter.  Text is backslash-escaped so that
no ``*``, ``[``, ``<`` … in a caption becomes markup or raw HTML.
"""

from __future__ import annotations

import re

from .item import EmbedItem

__all__ = ["md_text", "render", "spoiler"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#!|~])")


def md_text(text: str) -> str:
    """Literal text in Markdown: punctuation that could start markup backslash-escaped, ``&`` as an entity."""
    return _SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))


def md_url(url: str) -> str:
    # URLs are percent-encoded already; parentheses and spaces never reach here unencoded.
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def render(item: EmbedItem) -> str:
    if item.is_video:
        line = f"[▶ {md_text(item.alt or item.name)} (MP4)]({md_url(item.mp4_url or item.url)})"
    else:
        line = f"![{md_text(item.alt)}]({md_url(item.url)})"
    if item.caption:
        line += f"\n\n*{md_text(item.caption)}*"
    return line


def spoiler(body: str, label: str) -> str:
    """``<details>``: GitHub and most Markdown engines pass it through; ``markdown="1"`` asks kramdown to parse inside."""
    return f'<details markdown="1"><summary>{md_text(label)}</summary>\n\n{body}\n\n</details>'
