"""The ``picture`` format: an animated WebP source, the GIF as the ``<img>`` every browser can show.

Items without a WebP sibling get the ``html`` figure.
"""

from __future__ import annotations

from . import html
from .item import EmbedItem

__all__ = ["render"]


def render(item: EmbedItem) -> str:
    if not item.webp_url or item.is_video:
        return html.render(item)
    # A comma separates candidates in srcset: never let one appear inside the URL.
    srcset = item.webp_url.replace(",", "%2C")
    inner = f'<picture><source srcset="{html.esc(srcset)}" type="image/webp">{html.img_tag(item, src=item.gif_url or item.url)}</picture>'
    return html.figure(inner, item.caption)
