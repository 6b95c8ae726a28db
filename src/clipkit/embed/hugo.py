"""Hugo: the built-in ``{{< figure >}}`` shortcode (raw HTML in Markdown is dropped by default).

Shortcode parameters are double-quoted strings: a ``"`` inside one would end
it, so quotes become typographic quotes (alt) or ``&quot;`` (the caption is
rendered as Markdown, where the entity shows as a quote).
"""

from __future__ import annotations

import re

from .item import EmbedItem
from .markdown import md_text, md_url

__all__ = ["render", "spoiler"]


def _param(text: str) -> str:
    # No '"' (ends the value) and no '\' (Hugo reads \" as an escaped quote).
    return text.replace("\\", "\u29f5").replace('"', "\u201d")


def _caption_param(text: str) -> str:
    # The caption is rendered as Markdown: backslash-escape markup characters, but write
    # '\\', '"' and '&' as entities so no backslash can stand before the closing quote.
    text = text.replace("&", "&amp;").replace("\\", "\0").replace('"', "&quot;")
    text = re.sub(r"([`*_{}\[\]()<>#!|~])", r"\\\1", text)
    # A line starting "-", "+" or "1." would become a list: escape the marker.
    text = re.sub(r"^([-+=])", r"\\\1", text)
    text = re.sub(r"^(\d+)\.", r"\1\\.", text)
    return text.replace("\0", "&#92;")


def render(item: EmbedItem) -> str:
    if item.is_video:
        # Hugo has no built-in shortcode for a local video: link to it.
        line = f"[▶ {md_text(item.alt or item.name)} (MP4)]({md_url(item.mp4_url or item.url)})"
        return line + (f"\n\n*{md_text(item.caption)}*" if item.caption else "")
    params = [f'src="{_param(item.url)}"', f'alt="{_param(item.alt)}"', f'width="{item.width}"', f'height="{item.height}"']
    if item.lazy:
        params.append('loading="lazy"')
    if item.caption:
        params.append(f'caption="{_caption_param(item.caption)}"')
    return "{{< figure " + " ".join(params) + " >}}"


def spoiler(body: str, label: str) -> str:
    """Hugo's built-in ``details`` shortcode (Hugo 0.140+)."""
    return f'{{{{< details summary="{_param(label)}" >}}}}\n{body}\n{{{{< /details >}}}}'
