"""The ``video`` format: ``<video autoplay loop muted playsinline>`` with the MP4, the GIF as fallback.

An MP4 is often 10–20× smaller than the GIF of the same clip.  Items without
an MP4 (stills, strips, GIFs made without ``--mp4``) get the ``html`` figure.
"""

from __future__ import annotations

from . import html
from .item import EmbedItem

__all__ = ["render"]


def render(item: EmbedItem) -> str:
    if not item.mp4_url:
        return html.render(item)
    return html.figure(html.video_tag(item), item.caption)
