"""HTML snippets: ``<figure>`` + ``<img>`` (always sized), ``<video>``, ``<details>`` spoilers.

Every piece of text and every URL goes through :func:`esc`, so a caption such
as ``"><script>…`` stays text.  The ``video`` and ``picture`` formats and the
platform formats (Blogger, Ghost) build on the pieces here.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

from ..artifact import Artifact
from ..settings import DEFAULT_EMBED
from .item import EmbedItem, prepare
from .urls import url_for

__all__ = ["esc", "html_img", "img_tag", "video_tag", "figure", "details", "render", "url_for"]


def esc(text: str) -> str:
    """Escaped for HTML text and for double- or single-quoted attributes."""
    return escape(text, quote=True)


def img_tag(item: EmbedItem, *, src: str | None = None, extra: str = "") -> str:
    """``<img>`` with width, height (no layout jump), alt, and lazy loading."""
    lazy = ' loading="lazy" decoding="async"' if item.lazy else ""
    return (
        f'<img src="{esc(src or item.url)}" width="{item.width}" height="{item.height}" '
        f'alt="{esc(item.alt)}"{lazy}{extra}>'
    )


def video_tag(item: EmbedItem) -> str:
    """A looping, muted, inline-playing ``<video>`` of the item's MP4 (iOS autoplays only
    muted ``playsinline`` video), sized, with the GIF (or the MP4) as fallback link."""
    width, height = item.mp4_size or (item.width, item.height)
    attrs = "autoplay loop muted playsinline"
    if item.controls:
        attrs += " controls"
    if item.poster_url:
        attrs += f' poster="{esc(item.poster_url)}"'
    fallback = item.gif_url or item.mp4_url
    return (
        f'<video {attrs} width="{width}" height="{height}" preload="auto" aria-label="{esc(item.alt)}">'
        f'<source src="{esc(item.mp4_url or item.url)}" type="video/mp4">'
        f'<a href="{esc(fallback or item.url)}">{esc(item.alt or item.name)}</a></video>'
    )


def figure(inner: str, caption: str) -> str:
    """``inner`` in a ``<figure>`` with its ``<figcaption>``; just ``inner`` when there is no caption."""
    if not caption:
        return inner
    return f"<figure>{inner}<figcaption>{esc(caption)}</figcaption></figure>"


def details(body: str, label: str) -> str:
    """A spoiler: hidden until the reader opens it."""
    return f"<details><summary>{esc(label)}</summary>{body}</details>"


def render(item: EmbedItem) -> str:
    """The ``html`` format: a sized ``<img>`` (a ``<video>`` for an MP4), in a figure with its caption."""
    inner = video_tag(item) if item.is_video else img_tag(item)
    return figure(inner, item.caption)


def html_img(artifact: Artifact, *, alt: str | None = None, base_url: str | None = None) -> str:
    """Just the ``<img>`` of ``artifact`` (sized, lazy, alt from the captions unless given)."""
    settings = replace(DEFAULT_EMBED, base_url=base_url or "")
    return img_tag(prepare(artifact, settings, alt=alt))
