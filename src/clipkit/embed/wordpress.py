"""WordPress: block markup exactly as the block editor saves it, and classic-editor shortcodes.

The block editor re-renders each block from its attributes and rejects markup
that differs ("This block contains unexpected or invalid content"), so the
image and video blocks below follow core's ``save()`` output character for
character: attribute order, ``/>``, class names, the ``style`` of a sized image.
Sizing uses the image block's own ``width`` + ``aspectRatio`` attributes so the
box is reserved before the file loads (no layout jump) and still shrinks on
narrow screens.
"""

from __future__ import annotations

import json
import re
from math import gcd

from .item import EmbedItem

__all__ = ["render_block", "render_classic", "spoiler_block", "spoiler_classic"]


def attr(text: str) -> str:
    """An attribute value as the editor escapes it (``&``, ``"``, ``>``), plus ``<``: WordPress's
    block parser scans raw text for ``<!-- wp:`` and must never find one inside an attribute."""
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


# An "&" that already starts something entity-like is left alone by the editor's escapeAttribute().
_BARE_AMP = re.compile(r"&(?!(?:[a-z0-9]+|#[0-9]+|#x[a-f0-9]+);)", re.IGNORECASE)


def block_attr(text: str) -> str:
    """An attribute value of a block's HTML as the editor's ``save()`` writes it: ``"``, ``<``, ``>``
    and every ``&`` that does not start an entity-like ``&name;`` (so typed ``&amp;`` reads as ``&``
    there: the editor could not keep it either, and a block it would write differently is invalid)."""
    return _BARE_AMP.sub("&amp;", text).replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def rich_text(text: str) -> str:
    """Rich-text content (captions, summaries) as the editor saves it: its value is the element's
    ``innerHTML``, where text has ``&``, ``<`` and ``>`` escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _comment_attrs(attrs: dict) -> str:
    if not attrs:
        return ""
    # The editor's serializer: compact JSON, with characters that could end the comment escaped.
    text = json.dumps(attrs, separators=(",", ":"), ensure_ascii=False)
    for a, b in (("--", "\\u002d\\u002d"), ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ('\\"', "\\u0022")):
        text = text.replace(a, b)
    return " " + text


def _caption(text: str) -> str:
    return f'<figcaption class="wp-element-caption">{rich_text(text)}</figcaption>' if text else ""


def _image_block(item: EmbedItem) -> str:
    g = gcd(item.width, item.height) or 1
    ratio = f"{item.width // g}/{item.height // g}"
    attrs = {"width": f"{item.width}px", "aspectRatio": ratio, "sizeSlug": "full", "linkDestination": "none"}
    return (
        f"<!-- wp:image{_comment_attrs(attrs)} -->\n"
        f'<figure class="wp-block-image size-full is-resized"><img src="{block_attr(item.url)}" alt="{block_attr(item.alt)}" '
        f'style="aspect-ratio:{ratio};width:{item.width}px;height:auto"/>{_caption(item.caption)}</figure>\n'
        f"<!-- /wp:image -->"
    )


def _video_block(item: EmbedItem) -> str:
    # core/video save(): autoplay controls loop muted poster preload src playsinline, in that order.
    parts = ["autoplay"]
    if item.controls:
        parts.append("controls")
    parts += ["loop", "muted"]
    if item.poster_url:
        parts.append(f'poster="{block_attr(item.poster_url)}"')
    parts.append(f'src="{block_attr(item.mp4_url or item.url)}"')
    parts.append("playsinline")
    return (
        "<!-- wp:video -->\n"
        f'<figure class="wp-block-video"><video {" ".join(parts)}></video>{_caption(item.caption)}</figure>\n'
        "<!-- /wp:video -->"
    )


def render_block(item: EmbedItem) -> str:
    """``wordpress``: the core image block (GIF, still, strip, WebP) or the core video block (MP4)."""
    return _video_block(item) if item.is_video else _image_block(item)


def spoiler_block(body: str, label: str) -> str:
    """The core details block (WordPress 6.3+) around the blocks."""
    return f'<!-- wp:details -->\n<details class="wp-block-details"><summary>{rich_text(label)}</summary>{body}</details>\n<!-- /wp:details -->'


def shortcode_safe(text: str) -> str:
    """HTML-escaped, and square brackets as entities so no text can open or close a shortcode."""
    return attr(text).replace("[", "&#91;").replace("]", "&#93;")


def render_classic(item: EmbedItem) -> str:
    """``wordpress-classic``: ``[caption]`` around a sized ``<img>``; ``[video]`` for an MP4."""
    if item.is_video:
        w, h = item.mp4_size or (item.width, item.height)
        poster = f' poster="{shortcode_safe(item.poster_url)}"' if item.poster_url else ""
        code = f'[video src="{shortcode_safe(item.mp4_url or item.url)}" width="{w}" height="{h}"{poster} loop="on" autoplay="on" muted="on" preload="auto"][/video]'
        if item.caption:
            code += f'\n<p class="wp-caption-text">{shortcode_safe(item.caption)}</p>'
        return code
    img = (
        f'<img class="size-full" src="{shortcode_safe(item.url)}" alt="{shortcode_safe(item.alt)}" '
        f'width="{item.width}" height="{item.height}" />'
    )
    if not item.caption:
        return img
    return f'[caption id="" align="aligncenter" width="{item.width}"]{img} {shortcode_safe(item.caption)}[/caption]'


def spoiler_classic(body: str, label: str) -> str:
    return f"<details><summary>{shortcode_safe(label)}</summary>\n{body}\n</details>"
