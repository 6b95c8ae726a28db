"""The post-ready index of a batch: every embed in job order, as HTML and as Markdown.

Snippets come from :mod:`clipkit.embed` when it offers a ``snippet(artifact,
format, …)`` function; otherwise a minimal, escaped ``<figure><img>`` and a
Markdown image.  Every piece of user text (captions, titles, credits, names)
is escaped for where it lands.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from ..artifact import Artifact
from ..embed.html import url_for
from ..atomic import atomic_write_text
from ..presets import Resolved

__all__ = ["write_index", "render_html", "render_markdown", "md_escape"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def md_escape(text: str) -> str:
    """Text that Markdown shows as written (no links, emphasis or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _url(art: Artifact, out_dir: Path, base_url: str | None) -> str:
    path = art.path
    try:
        path = Path(art.path).resolve().relative_to(out_dir.resolve())
    except ValueError:
        pass
    if base_url:
        from urllib.parse import quote

        return base_url.rstrip("/") + "/" + quote(path.as_posix())
    return url_for(path)


def _embed_snippet(art: Artifact, fmt: str, settings) -> str | None:
    """A snippet from :func:`clipkit.embed.snippet` (when this build has it), else None."""
    try:
        from ..embed import snippet  # type: ignore[attr-defined]
    except ImportError:
        return None
    if settings is not None:
        return snippet(art, fmt, settings=settings)
    return snippet(art, fmt)


def _alt(art: Artifact) -> str:
    text = " / ".join(art.captions)
    return text[:200]


def _relative(art: Artifact, out_dir: Path) -> Artifact:
    """The artifact with its path relative to the index (so links work where the folder is uploaded)."""
    try:
        rel = Path(art.path).resolve().relative_to(out_dir.resolve())
    except ValueError:
        return art
    siblings = tuple(_relative(s, out_dir) for s in art.siblings)
    return art.with_(path=rel, siblings=siblings)


def render_html(arts: list[Artifact], out_dir: Path, *, title: str = "", base_url: str = "", credit: str = "",
                fmt: str = "html", settings=None) -> str:
    parts = ["<!doctype html>", '<html lang="en">', '<meta charset="utf-8">',
             f"<title>{escape(title or 'clipkit batch')}</title>"]
    if title:
        parts.append(f"<h1>{escape(title)}</h1>")
    fallback = False
    for art in arts:
        snippet = _embed_snippet(_relative(art, out_dir), fmt, settings)
        if snippet is None:
            url = _url(art, out_dir, base_url)
            alt = _alt(art)
            caption = f"<figcaption>{escape(alt)}</figcaption>" if alt else ""
            snippet = (f'<figure><img src="{escape(url)}" width="{art.width}" height="{art.height}" '
                       f'alt="{escape(alt)}" loading="lazy" decoding="async">{caption}</figure>')
            parts.append(snippet)
            fallback = True
        else:
            parts.append(snippet)
    if credit and fallback:  # clipkit.embed credits each image itself
        parts.append(f"<p><small>{escape(credit)}</small></p>")
    return "\n".join(parts) + "\n"


def render_markdown(arts: list[Artifact], out_dir: Path, *, title: str = "", base_url: str = "", credit: str = "",
                    settings=None) -> str:
    lines = []
    fallback = False
    if title:
        lines += [f"# {md_escape(title)}", ""]
    for art in arts:
        snippet = _embed_snippet(_relative(art, out_dir), "markdown", settings)
        if snippet is None:
            url = _url(art, out_dir, base_url).replace("(", "%28").replace(")", "%29").replace(" ", "%20")
            snippet = f"![{md_escape(_alt(art))}]({url})"
            fallback = True
        lines += [snippet, ""]
    if credit and fallback:
        lines += [f"*{md_escape(credit)}*", ""]
    return "\n".join(lines)


def write_index(results, resolved: Resolved, out_dir: Path, *, title: str | None = None) -> tuple[Path, Path]:
    """Write ``index.html`` and ``index.md`` (jobs that made or kept a file, in job order)."""
    arts = [r.artifact for r in results if r.artifact is not None]
    embed_settings = resolved.get("embed")
    fmt = getattr(embed_settings, "format", "html")
    try:
        from ..embed import HTML_FORMATS  # type: ignore[attr-defined]
    except ImportError:
        HTML_FORMATS = ("html",)
    if fmt not in HTML_FORMATS:  # a forum/Markdown preset: the .html index still shows the images
        fmt = "html"
    base_url = getattr(embed_settings, "base_url", "")
    credit = getattr(embed_settings, "credit", "")
    title = title or resolved.series.title
    html_path = atomic_write_text(out_dir / "index.html", render_html(
        arts, out_dir, title=title, base_url=base_url, credit=credit, fmt=fmt, settings=embed_settings))
    md_path = atomic_write_text(out_dir / "index.md", render_markdown(
        arts, out_dir, title=title, base_url=base_url, credit=credit, settings=embed_settings))
    return Path(html_path), Path(md_path)
