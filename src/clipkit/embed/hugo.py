"""Hugo: the built-in ``{{< figure >}}`` shortcode (raw HTML in Markdown is dropped by default).

Plain parameters (``src``, ``alt``) are double-quoted; one holding ``"`` or
``\\`` is a raw string in backquotes, which Hugo takes exactly as written
(quotes, backslashes, ``>}}`` and all); text holding a backquote as well is a
double-quoted string, with ``\"`` for quotes (Hugo
cannot keep a backslash there: it becomes ``⧵``).  The caption and the
spoiler's summary are rendered as Markdown: :func:`_markdown_param`.

A spoiler is Hugo's ``{{< details >}}`` shortcode, which renders its inner
content as Markdown: with Hugo's default ``markup.goldmark.renderer.unsafe =
false`` the HTML of a ``{{< figure >}}`` inside it would become ``<!-- raw HTML
omitted -->``, so inside a spoiler an image is Markdown (``![alt](url)`` and an
italic caption), which every default Hugo site shows.
"""

from __future__ import annotations

import re

from . import markdown
from .item import EmbedItem
from .markdown import md_text, md_url

__all__ = ["render", "render_in_spoiler", "spoiler"]


def _param(text: str) -> str:
    """A shortcode parameter value that Hugo reads back as ``text`` (quoted)."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    if "`" not in text:
        return f"`{text}`"
    return '"' + text.replace("\\", "\u29f5").replace('"', '\\"') + '"'


def _markdown_param(text: str) -> str:
    """A parameter Hugo renders as Markdown (caption, summary): :func:`md_text`, with the two
    escapes the shortcode lexer would misread or refuse (``\\\\``, ``\\"``, ``\\```) written as entities instead."""
    entities = {"\\": "&#92;", '"': "&quot;", "`": "&#96;"}
    text = re.sub(r"\\(.)", lambda m: entities.get(m.group(1), m.group()), md_text(text))
    # Rendered as a block: a leading "-", "+", "=" or "1." would make a list or a heading.
    text = re.sub(r"^([-+=])", r"\\\1", text)
    return re.sub(r"^(\d+)\.", r"\1\\.", text)


def render(item: EmbedItem) -> str:
    if item.is_video:
        # Hugo has no built-in shortcode for a local video: link to it.
        line = f"[▶ {md_text(item.alt or item.name)} (MP4)]({md_url(item.mp4_url or item.url)})"
        return line + (f"\n\n*{md_text(item.caption)}*" if item.caption else "")
    params = [f"src={_param(item.url)}", f"alt={_param(item.alt)}", f'width="{item.width}"', f'height="{item.height}"']
    if item.lazy:
        params.append('loading="lazy"')
    if item.caption:
        params.append(f'caption="{_markdown_param(item.caption)}"')
    return "{{< figure " + " ".join(params) + " >}}"


def render_in_spoiler(item: EmbedItem) -> str:
    """What goes inside ``{{< details >}}``: Markdown (see the module docstring)."""
    return markdown.render(item)


def spoiler(body: str, label: str) -> str:
    """Hugo's built-in ``details`` shortcode (Hugo 0.140+); its summary is rendered as Markdown."""
    return f'{{{{< details summary="{_markdown_param(label)}" >}}}}\n{body}\n{{{{< /details >}}}}'
