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
from ..encode.atomic import atomic_write_text
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


def _embed_snippet(art: Artifact, fmt: str, base_url: str | None, credit: str | None) -> str | None:
    """A snippet from clipkit.embed when it has one for ``fmt``, else None."""
    try:
        from .. import embed
    except ImportError:
        return None
    snippet = getattr(embed, "snippet", None)
    if snippet is None:
        return None
    try:
        return snippet(art, fmt, base_url=base_url or None)
    except TypeError:
        return None
    except Exception:
        return None


def _alt(art: Artifact) -> str:
    text = " / ".join(art.captions)
    return text[:200]


def render_html(arts: list[Artifact], out_dir: Path, *, title: str = "", base_url: str = "", credit: str = "",
                fmt: str = "html") -> str:
    parts = ["<!doctype html>", '<html lang="en">', '<meta charset="utf-8">',
             f"<title>{escape(title or 'clipkit batch')}</title>"]
    if title:
        parts.append(f"<h1>{escape(title)}</h1>")
    for art in arts:
        snippet = _embed_snippet(art, fmt, base_url, credit) if fmt else None
        if snippet is None:
            url = _url(art, out_dir, base_url)
            alt = _alt(art)
            caption = f"<figcaption>{escape(alt)}</figcaption>" if alt else ""
            snippet = (f'<figure><img src="{escape(url)}" width="{art.width}" height="{art.height}" '
                       f'alt="{escape(alt)}" loading="lazy" decoding="async">{caption}</figure>')
        parts.append(snippet)
    if credit:
        parts.append(f"<p><small>{escape(credit)}</small></p>")
    return "\n".join(parts) + "\n"


def render_markdown(arts: list[Artifact], out_dir: Path, *, title: str = "", base_url: str = "", credit: str = "") -> str:
    lines = []
    if title:
        lines += [f"# {md_escape(title)}", ""]
    for art in arts:
        url = _url(art, out_dir, base_url).replace("(", "%28").replace(")", "%29").replace(" ", "%20")
        lines += [f"![{md_escape(_alt(art))}]({url})", ""]
    if credit:
        lines += [f"*{md_escape(credit)}*", ""]
    return "\n".join(lines)


def write_index(results, resolved: Resolved, out_dir: Path, *, title: str | None = None) -> tuple[Path, Path]:
    """Write ``index.html`` and ``index.md`` (jobs that made or kept a file, in job order)."""
    arts = [r.artifact for r in results if r.artifact is not None]
    embed_settings = resolved.get("embed")
    fmt = getattr(embed_settings, "format", "html")
    base_url = getattr(embed_settings, "base_url", "")
    credit = getattr(embed_settings, "credit", "")
    title = title or resolved.series.title
    html_path = atomic_write_text(out_dir / "index.html", render_html(
        arts, out_dir, title=title, base_url=base_url, credit=credit, fmt=fmt))
    md_path = atomic_write_text(out_dir / "index.md", render_markdown(
        arts, out_dir, title=title, base_url=base_url, credit=credit))
    return Path(html_path), Path(md_path)
