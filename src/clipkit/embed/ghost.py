"""Ghost: the Koenig editor's cards (``kg-image-card``, ``kg-video-card``), for an HTML card."""

from __future__ import annotations

from . import html
from .html import esc
from .item import EmbedItem

__all__ = ["render"]


def render(item: EmbedItem) -> str:
    has_caption = " kg-card-hascaption" if item.caption else ""
    caption = f"<figcaption>{esc(item.caption)}</figcaption>" if item.caption else ""
    if item.is_video:
        return (
            f'<figure class="kg-card kg-video-card{has_caption}"><div class="kg-video-container">'
            f"{html.video_tag(item)}</div>{caption}</figure>"
        )
    lazy = ' loading="lazy"' if item.lazy else ""
    return (
        f'<figure class="kg-card kg-image-card{has_caption}"><img src="{esc(item.url)}" class="kg-image" '
        f'alt="{esc(item.alt)}"{lazy} width="{item.width}" height="{item.height}">{caption}</figure>'
    )
