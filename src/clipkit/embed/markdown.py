"""Markdown (Jekyll/kramdown, CommonMark, GitHub): ``![alt](url)`` and an italic caption line.

Markdown cannot carry width and height; use ``html`` where the platform
accepts raw HTML and layout jumps matter.  Text must read exactly as typed in
CommonMark and in the GitHub-flavoured dialects (cmark-gfm, marked, Hugo's
Goldmark), so :func:`md_text`:

- backslash-escapes every character that could start markup (``*``, ``[``, ``<`` …);
- writes the first letter of ``http://``, ``https://``, ``ftp://``, ``www.`` and
  every ``@`` as a character reference: GFM's extended autolinks scan the raw
  text (backslashes included) and would turn ``(https://x.example/)`` into a
  link to ``https://x.example/\\``; with the reference no autolink starts, and
  every client shows the same plain text;
- escapes quotes, ``--`` and ``...`` so a typographer (Hugo's default) keeps
  them as typed.
"""

from __future__ import annotations

import re

from .html import esc
from .item import EmbedItem

__all__ = ["md_text", "md_url", "render", "spoiler"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#!|~\"'])")
# Where GFM, marked and Goldmark start an autolink (case-insensitive, anywhere in a word for marked).
_AUTOLINK = re.compile(r"(?i)(?:h(?=ttps?://)|f(?=tp://)|w(?=ww\.)|@)")
# What a typographer rewrites: "--" and "---" (dashes), "..." (ellipsis).
_TYPOGRAPHY = re.compile(r"-{2,}|\.{3,}")


def md_text(text: str) -> str:
    """Literal text in Markdown (see the module docstring); ``&`` as an entity."""
    text = _SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))
    text = _TYPOGRAPHY.sub(lambda m: "".join("\\" + c for c in m.group()), text)
    return _AUTOLINK.sub(lambda m: f"&#{ord(m.group())};", text)


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
    """``<details>``: GitHub and most Markdown engines pass it through; ``markdown="1"`` asks kramdown to parse inside.

    The ``<summary>`` line is an HTML block, where Markdown escapes would show: the label is HTML-escaped.
    """
    return f'<details markdown="1"><summary>{esc(label)}</summary>\n\n{body}\n\n</details>'
