"""``snippet()``: the one entry point from artifacts to paste-ready text, and the list of formats."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from ..artifact import Artifact
from ..errors import UsageError, option
from ..settings import DEFAULT_EMBED, EMBED_FORMATS, EmbedOptions, EmbedSettings
from . import bbcode, blogger, ghost, hugo, html, markdown, picture, video, wordpress
from .item import VIDEO_KINDS, EmbedItem, prepare
from .urls import check_base_url

__all__ = ["FORMATS", "HTML_FORMATS", "snippet", "check_format", "options_from", "fallback_notes"]

Render = Callable[[EmbedItem], str]
Wrap = Callable[[str, str], str]

# name -> (render one item, wrap the whole snippet as a spoiler, what it is for)
_TABLE: dict[str, tuple[Render, Wrap, str]] = {
    "html": (html.render, html.details, "<figure> with a sized, lazy <img> (or <video>) and <figcaption>"),
    "wordpress": (wordpress.render_block, wordpress.spoiler_block, "block editor markup (image / video block)"),
    "wordpress-classic": (wordpress.render_classic, wordpress.spoiler_classic, "classic editor: [caption] / [video] shortcodes"),
    "blogger": (blogger.render, html.details, "Blogger's separator div / caption table"),
    "ghost": (ghost.render, html.details, "Ghost kg-image-card / kg-video-card (for an HTML card)"),
    "hugo": (hugo.render, hugo.spoiler, "Hugo {{< figure >}} shortcode"),
    "markdown": (markdown.render, markdown.spoiler, "![alt](url) and an italic caption"),
    "bbcode": (lambda i: bbcode.render(i, "generic"), lambda b, l: bbcode.spoiler(b, l, "generic"), "[img] for forums (dialect: --bbcode-dialect)"),
    "bbcode-xenforo": (lambda i: bbcode.render(i, "xenforo"), lambda b, l: bbcode.spoiler(b, l, "xenforo"), "BBCode, XenForo spoilers"),
    "bbcode-phpbb": (lambda i: bbcode.render(i, "phpbb"), lambda b, l: bbcode.spoiler(b, l, "phpbb"), "BBCode, phpBB spoilers"),
    "video": (video.render, html.details, "<video autoplay loop muted playsinline> with the MP4, GIF as fallback"),
    "picture": (picture.render, html.details, "<picture>: animated WebP, GIF as fallback"),
}

# Formats whose items take another form inside a spoiler.
_IN_SPOILER: dict[str, Render] = {"hugo": hugo.render_in_spoiler}

#: Every format name ``snippet`` accepts (``none`` prints nothing).
FORMATS: tuple[str, ...] = EMBED_FORMATS  # declared in settings.py, rendered here: the same names
assert tuple(_TABLE) == FORMATS, "settings.EMBED_FORMATS and the snippet table disagree"
#: The formats that are HTML a browser renders as is.
HTML_FORMATS: tuple[str, ...] = ("html", "wordpress", "blogger", "ghost", "video", "picture")


def _renderer(artifact: Artifact, fmt: str, default: Render, in_spoiler: bool = False) -> Render:
    """Clips with sound (``clipkit clip``) have their own templates (``embed/clip.py``);
    inside a spoiler that renders Markdown (``_IN_SPOILER``), their Markdown one."""
    if artifact.kind in ("clip", "audio"):
        from .clip import RENDERERS

        return RENDERERS["markdown" if in_spoiler and fmt in _IN_SPOILER else fmt]
    return default


def describe(name: str) -> str:
    return _TABLE[name][2]


def check_format(name: str | None) -> str:
    fmt = (name or "").strip().lower()
    if fmt == "none" or fmt in _TABLE:
        return fmt
    from ..settings_apply import close_match

    close = close_match(fmt, FORMATS)
    raise UsageError(f"unknown embed format {name!r}" + (f" (did you mean {close!r}?)" if close else ""),
                     f"use one of: {', '.join(FORMATS)}, none")


def options_from(options: EmbedOptions | None, given: dict) -> EmbedOptions:
    """``options`` with the keywords ``given`` (:class:`EmbedOptions` fields; ``None``: not given) on top;
    a typo'd keyword is a :class:`UsageError` with the name meant.  The values are the caller's own
    (an alt text "none" stays text), so they are not converted like settings."""
    from dataclasses import fields

    from ..settings_apply import unknown_option

    names = [f.name for f in fields(EmbedOptions)]
    for key in given:
        if key not in names:
            raise unknown_option(key, names, "", UsageError)
    return replace(options or EmbedOptions(), **{k: v for k, v in given.items() if v is not None})


def snippet(
    artifacts: Artifact | Iterable[Artifact],
    format: str | None = None,
    *,
    options: EmbedOptions | None = None,
    settings: EmbedSettings | None = None,
    **given,
) -> str:
    """Paste-ready text for ``artifacts`` in ``format`` (see :data:`FORMATS`).

    The choices are an :class:`~clipkit.settings.EmbedOptions` (``options``) or its fields as
    keywords: ``base_url``, ``alt``, ``title``, ``credit``, ``spoiler``, ``dialect``.  Several
    artifacts give one snippet each, separated by blank lines (in one spoiler if ``spoiler``).
    What is not given comes from ``settings`` (default :data:`~clipkit.settings.DEFAULT_EMBED`).
    ``alt`` defaults to the dialogue in the clip; ``title`` and ``credit`` make the visible
    caption.  ``dialect`` (generic, xenforo, phpbb) picks the BBCode spoiler form for ``bbcode``.
    All text and URLs are escaped for the format.
    """
    o = options_from(options, {"format": format, **given})
    s = settings or DEFAULT_EMBED
    changes: dict = {}
    if o.base_url is not None:
        changes["base_url"] = o.base_url
    if o.credit is not None:
        changes["credit"] = o.credit
    if o.spoiler is not None:
        changes["spoiler"] = o.spoiler
    if o.dialect is not None:
        changes["bbcode_dialect"] = o.dialect
    s = replace(s, **changes)
    format = o.format
    fmt = check_format(format or s.format)
    if fmt == "bbcode":
        fmt = {"generic": "bbcode"}.get(bbcode.check_dialect(s.bbcode_dialect), f"bbcode-{s.bbcode_dialect.lower()}")
    s = replace(s, base_url=check_base_url(s.base_url) or "")
    if fmt == "none":
        return ""
    items = [artifacts] if isinstance(artifacts, Artifact) else list(artifacts)
    render, wrap, _ = _TABLE[fmt]
    render = _IN_SPOILER.get(fmt, render) if s.spoiler else render
    body = "\n\n".join(_renderer(a, fmt, render, bool(s.spoiler))(prepare(a, s, alt=o.alt, title=o.title)) for a in items)
    if s.spoiler and body:
        body = wrap(body, s.spoiler_label)
    return body


def fallback_notes(artifacts: Artifact | Iterable[Artifact], options: EmbedOptions | None = None,
                   settings: EmbedSettings | None = None) -> list[str]:
    """Why a GIF's ``video`` or ``picture`` snippet is the ``html`` one: the MP4 or WebP it shows is not beside it
    (the GIF was made without ``--also``), so what was asked for would otherwise be swapped silently."""
    fmt = check_format((options.format if options else None) or (settings or DEFAULT_EMBED).format)
    kinds = {"video": VIDEO_KINDS, "picture": ("webp",)}.get(fmt)
    items = [artifacts] if isinstance(artifacts, Artifact) else list(artifacts)
    if kinds is None:
        return []
    also, name = ("mp4", "MP4") if fmt == "video" else ("webp", "WebP")
    return [f"{a.path.name} has no {name} beside it: its {fmt} snippet is the html one (make the GIF with "
            f"{option('also', also)} for it)" for a in items if a.kind == "gif" and not any(s.kind in kinds for s in a.siblings)]
