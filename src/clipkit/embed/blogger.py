"""Blogger: the markup Blogger's own editor makes.

An image sits in a centred ``separator`` div, linked to the full file; with a
caption, in the ``tr-caption-container`` table Blogger uses for captions.
"""

from __future__ import annotations

from . import html
from .html import esc
from .item import EmbedItem

__all__ = ["render"]


def _img(item: EmbedItem) -> str:
    return (
        f'<img border="0" width="{item.width}" height="{item.height}" alt="{esc(item.alt)}" '
        f'data-original-width="{item.width}" data-original-height="{item.height}" src="{esc(item.url)}" />'
    )


def render(item: EmbedItem) -> str:
    if item.is_video:
        inner = html.video_tag(item)
        body = f'<div class="separator" style="clear: both; text-align: center;">{inner}</div>'
        if item.caption:
            body += f'<div style="text-align: center;"><i>{esc(item.caption)}</i></div>'
        return body
    if not item.caption:
        return (
            f'<div class="separator" style="clear: both; text-align: center;"><a href="{esc(item.url)}" imageanchor="1" '
            f'style="margin-left: 1em; margin-right: 1em;">{_img(item)}</a></div>'
        )
    return (
        '<table align="center" cellpadding="0" cellspacing="0" class="tr-caption-container" '
        'style="margin-left: auto; margin-right: auto; text-align: center;"><tbody>'
        f'<tr><td style="text-align: center;"><a href="{esc(item.url)}" imageanchor="1" style="margin-left: auto; margin-right: auto;">{_img(item)}</a></td></tr>'
        f'<tr><td class="tr-caption" style="text-align: center;">{esc(item.caption)}</td></tr>'
        "</tbody></table>"
    )
