"""The post-ready index of a batch: every embed in job order, as HTML and as Markdown.

Each file's snippet comes from :func:`clipkit.embed.snippet` with the
preset's embed settings (base URL, credit, alt…), its path relative to the
index so the links work wherever the folder is uploaded.  Every piece of
user text (captions, titles, credits, names) is escaped for where it lands.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from ..artifact import Artifact
from ..atomic import atomic_write_text
from ..embed import HTML_FORMATS, snippet
from ..embed.markdown import md_text
from ..errors import ClipkitError, UsageError
from ..presets import Resolved
from ..settings import EmbedOptions

__all__ = ["write_index", "render_html", "render_markdown", "md_escape", "INDEX_NAMES", "check_index"]

INDEX_NAMES = ("index.html", "index.md")
#: What marks an index as clipkit's (so a rerun may replace it, and a user's own index.html is never replaced).
_HTML_MARK = '<meta name="generator" content="clipkit">'
_MD_MARK = "<!-- made by clipkit batch -->"
_OLD_HTML_START = '<!doctype html>\n<html lang="en">\n<meta charset="utf-8">\n<title>'  # before the mark existed

def md_escape(text: str) -> str:
    """Text that Markdown shows as written on one line (no links, autolinks, entities, emphasis or HTML):
    the snippets' own escaping (:func:`clipkit.embed.markdown.md_text`)."""
    return md_text(" ".join(text.split()))


def _snippet(art: Artifact, out_dir: Path, fmt: str, settings, chosen: dict | None = None) -> str:
    options = EmbedOptions(**{k: v for k, v in (chosen or {}).items() if k in EmbedOptions.RECORDED})
    art = _relative(art, out_dir)
    return snippet(art, fmt, options=options, settings=settings)


def _recorded(arts: list[Artifact]) -> dict[Path, dict]:
    """The snippet choices each file was recorded with (a job's alt, title, credit, spoiler), by its real
    path, from the manifest of every folder holding one (a job named ``shots/look`` is recorded in
    ``shots/``): the index shows them as ``clipkit embed --all`` does."""
    from ..manifest import read_manifest

    chosen: dict[Path, dict] = {}
    for folder in dict.fromkeys(Path(a.path).resolve().parent for a in arts):
        try:
            chosen.update({Path(e.artifact.path).resolve(): e.embed for e in read_manifest(folder)})
        except (ClipkitError, OSError):
            pass
    return chosen


def _relative(art: Artifact, out_dir: Path) -> Artifact:
    """The artifact with its path relative to the index (so links work where the folder is uploaded)."""
    try:
        rel = Path(art.path).resolve().relative_to(out_dir.resolve())
    except ValueError:
        return art
    siblings = tuple(_relative(s, out_dir) for s in art.siblings)
    return art.with_(path=rel, siblings=siblings)


def render_html(arts: list[Artifact], out_dir: Path, *, title: str = "", fmt: str = "html", settings=None,
                recorded: dict[Path, dict] | None = None) -> str:
    parts = ["<!doctype html>", '<html lang="en">', '<meta charset="utf-8">',
             _HTML_MARK, f"<title>{escape(title or 'clipkit batch')}</title>"]
    if title:
        parts.append(f"<h1>{escape(title)}</h1>")
    parts += [_snippet(art, out_dir, fmt, settings, _choices(art, recorded)) for art in arts]
    return "\n".join(parts) + "\n"


def render_markdown(arts: list[Artifact], out_dir: Path, *, title: str = "", settings=None,
                    recorded: dict[Path, dict] | None = None) -> str:
    lines = []
    if title:
        lines += [f"# {md_escape(title)}", ""]
    for art in arts:
        lines += [_snippet(art, out_dir, "markdown", settings, _choices(art, recorded)), ""]
    lines += [_MD_MARK, ""]
    return "\n".join(lines)


def _choices(art: Artifact, recorded: dict[Path, dict] | None) -> dict | None:
    return recorded.get(Path(art.path).resolve()) if recorded else None


def _ours(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096).decode("utf-8", "replace")
            fh.seek(max(0, path.stat().st_size - 4096))
            tail = fh.read().decode("utf-8", "replace")
    except OSError:
        return False
    if path.suffix == ".html":
        return _HTML_MARK in head or head.startswith(_OLD_HTML_START)
    return _MD_MARK in tail or (path.with_suffix(".html").is_file() and _ours(path.with_suffix(".html"))
                                and _HTML_MARK not in path.with_suffix(".html").read_text("utf-8", "replace")[:4096])


def check_index(out_dir: Path, *, overwrite: bool = False) -> None:
    """Raise :class:`UsageError` when ``index.html``/``index.md`` exist in ``out_dir`` and clipkit did not write them."""
    if overwrite:
        return
    for name in INDEX_NAMES:
        path = out_dir / name
        if (path.exists() or path.is_symlink()) and not _ours(path):
            raise UsageError(f"{path} exists and clipkit did not write it: the batch index would replace it",
                             "use another output folder, --no-index, or --overwrite to replace it")


def write_index(results, resolved: Resolved, out_dir: Path, *, title: str | None = None) -> tuple[Path, Path]:
    """Write ``index.html`` and ``index.md`` (jobs that made or kept a file, in job order)."""
    arts = [r.artifact for r in results if r.artifact is not None]
    embed_settings = resolved.get("embed")
    fmt = getattr(embed_settings, "format", "html")
    if fmt not in HTML_FORMATS:  # a forum/Markdown preset: the .html index still shows the images
        fmt = "html"
    title = title or resolved.series.title
    recorded = _recorded(arts)
    html_path = atomic_write_text(out_dir / "index.html", render_html(arts, out_dir, title=title, fmt=fmt,
                                                                      settings=embed_settings, recorded=recorded))
    md_path = atomic_write_text(out_dir / "index.md", render_markdown(arts, out_dir, title=title,
                                                                      settings=embed_settings, recorded=recorded))
    return Path(html_path), Path(md_path)
