"""Snippets for ``clipkit clip`` (kind ``clip``: a video with sound; ``audio``: an m4a).

A clip is played by the reader, never autoplayed: ``<video controls
preload="metadata" poster=… width height>`` (the poster is the clip's
sharpest frame, so nothing but it loads until play).  Where a platform drops
raw HTML (Hugo by default, Markdown, BBCode) the poster image links to the
clip.  Everything goes through the same escaping as the image templates.
"""

from __future__ import annotations

from . import bbcode, html, markdown, wordpress
from .hugo import _markdown_param, _param
from .html import esc
from .item import EmbedItem

__all__ = ["RENDERERS", "video_element"]


def _type(url: str) -> str:
    low = url.lower().split("?")[0]
    return "video/webm" if low.endswith(".webm") else "audio/mp4" if low.endswith(".m4a") else "video/mp4"


def video_element(item: EmbedItem) -> str:
    if item.kind == "audio":
        return (f'<audio controls preload="metadata" src="{esc(item.url)}" aria-label="{esc(item.alt)}">'
                f'<a href="{esc(item.url)}">{esc(item.alt or item.name)}</a></audio>')
    poster = f' poster="{esc(item.poster_url)}"' if item.poster_url else ""
    return (
        f'<video controls preload="metadata"{poster} width="{item.width}" height="{item.height}" '
        f'aria-label="{esc(item.alt)}"><source src="{esc(item.url)}" type="{_type(item.url)}">'
        f'<a href="{esc(item.url)}">{esc(item.alt or item.name)}</a></video>'
    )


def render_html(item: EmbedItem) -> str:
    return html.figure(video_element(item), item.caption)


def render_wordpress(item: EmbedItem) -> str:
    # core/video save(): controls, poster, src (preload "metadata" is the block's default and is not written).
    if item.kind == "audio":
        return ("<!-- wp:audio -->\n"
                f'<figure class="wp-block-audio"><audio controls src="{wordpress.attr(item.url)}"></audio>'
                f"{wordpress._caption(item.caption)}</figure>\n<!-- /wp:audio -->")
    parts = ["controls"]
    if item.poster_url:
        parts.append(f'poster="{wordpress.attr(item.poster_url)}"')
    parts.append(f'src="{wordpress.attr(item.url)}"')
    return (
        "<!-- wp:video -->\n"
        f'<figure class="wp-block-video"><video {" ".join(parts)}></video>{wordpress._caption(item.caption)}</figure>\n'
        "<!-- /wp:video -->"
    )


def render_wordpress_classic(item: EmbedItem) -> str:
    safe = wordpress.shortcode_safe
    if item.kind == "audio":
        code = f'[audio src="{safe(item.url)}" preload="metadata"][/audio]'
    else:
        poster = f' poster="{safe(item.poster_url)}"' if item.poster_url else ""
        code = f'[video src="{safe(item.url)}" width="{item.width}" height="{item.height}"{poster} preload="metadata"][/video]'
    if item.caption:
        code += f'\n<p class="wp-caption-text">{safe(item.caption)}</p>'
    return code


def render_ghost(item: EmbedItem) -> str:
    has_caption = " kg-card-hascaption" if item.caption else ""
    caption = f"<figcaption>{esc(item.caption)}</figcaption>" if item.caption else ""
    card = "kg-audio-card" if item.kind == "audio" else "kg-video-card"
    return (f'<figure class="kg-card {card}{has_caption}"><div class="kg-video-container">'
            f"{video_element(item)}</div>{caption}</figure>")


def render_hugo(item: EmbedItem) -> str:
    # Raw HTML is dropped by Hugo's default Markdown settings and there is no built-in local-video
    # shortcode: the poster, through the built-in figure shortcode, links to the clip.
    if not item.poster_url:
        return markdown.render(item)
    params = [f"src={_param(item.poster_url)}", f"link={_param(item.url)}", f"alt={_param('▶ ' + item.alt)}",
              f'width="{item.width}"', f'height="{item.height}"']
    if item.caption:
        params.append(f'caption="{_markdown_param(item.caption)}"')
    return "{{< figure " + " ".join(params) + " >}}"


def render_markdown(item: EmbedItem) -> str:
    md = markdown
    if item.poster_url:
        line = f"[![▶ {md.md_text(item.alt)}]({md.md_url(item.poster_url)})]({md.md_url(item.url)})"
    else:
        line = f"[▶ {md.md_text(item.alt or item.name)}]({md.md_url(item.url)})"
    if item.caption:
        line += f"\n\n*{md.md_text(item.caption)}*"
    return line


def render_bbcode(item: EmbedItem, dialect: str) -> str:
    # No forum dialect here plays a local file by a tag ([MEDIA] is for hosted sites): the
    # poster links to the clip, which works on every board.
    upper = bbcode.check_dialect(dialect) == "xenforo"
    img, url, i = ("IMG", "URL", "I") if upper else ("img", "url", "i")
    if item.poster_url:
        body = f"[{url}={bbcode.bb_url(item.url)}][{img}]{bbcode.bb_url(item.poster_url)}[/{img}][/{url}]"
    else:
        body = f"[{url}={bbcode.bb_url(item.url)}]{bbcode.bb_text(item.alt or item.name)}[/{url}]"
    if item.caption:
        body += f"\n[{i}]{bbcode.bb_text(item.caption)}[/{i}]"
    return body


#: format name → renderer for clip/audio items (``snippet`` uses these instead of the image ones).
RENDERERS = {
    "html": render_html,
    "video": render_html,
    "picture": render_html,
    "blogger": render_html,
    "wordpress": render_wordpress,
    "wordpress-classic": render_wordpress_classic,
    "ghost": render_ghost,
    "hugo": render_hugo,
    "markdown": render_markdown,
    "bbcode": lambda i: render_bbcode(i, "generic"),
    "bbcode-xenforo": lambda i: render_bbcode(i, "xenforo"),
    "bbcode-phpbb": lambda i: render_bbcode(i, "phpbb"),
}
