"""``clipkit embed``: snippets for files made earlier (one by one, or a whole folder with --all)."""

from __future__ import annotations

from pathlib import Path

import click

from ..embed import FORMATS, describe, snippet
from ..embed.bbcode import DIALECTS
from ..embed.files import artifact_for
from ..errors import InputError
from ..manifest import read_manifest
from .embed_options import FORMAT_CHOICE
from .main import main

_FORMAT_HELP = "\n".join(f"  {name:<18} {describe(name)}" for name in FORMATS)


@main.command(epilog="\b\nFormats:\n" + _FORMAT_HELP)
@click.argument("files", nargs=-1, type=click.Path(path_type=str))
@click.option("-f", "--format", "fmt", type=FORMAT_CHOICE, default=None, metavar="FORMAT",
              help="Snippet format (see the list below). Default: html, or the preset's.")
@click.option("--all", "all_", is_flag=True,
              help="Every file recorded in the manifest of each folder given (default: the current folder), in the order made.")
@click.option("--base-url", metavar="URL", help="Where the files will be once uploaded (default: relative paths).")
@click.option("--alt", metavar="TEXT", help="Alt text (default: as recorded, else the dialogue in the clip).")
@click.option("--title", metavar="TEXT", help="Visible caption (default: as recorded).")
@click.option("--credit", metavar="TEXT", help='Credit line, e.g. "Fuji TV" (default: as recorded).')
@click.option("--spoiler/--no-spoiler", default=None, help="Wrap each snippet in the platform's spoiler form.")
@click.option("--bbcode-dialect", type=click.Choice(DIALECTS, case_sensitive=False), default=None,
              help="Spoiler form for --format bbcode (generic, xenforo, phpbb).")
def embed(files: tuple[str, ...], fmt: str, all_: bool, base_url: str | None, alt: str | None, title: str | None,
          credit: str | None, spoiler: bool | None, bbcode_dialect: str | None) -> None:
    """Print paste-ready snippets for FILES made earlier (GIF, still, strip, MP4, WebP).

    Facts come from the folder's manifest (clipkit-manifest.json) when it
    records the file, else from the file itself.  All text is escaped for
    the format; URLs are percent-encoded.

    \b
    Examples:
      clipkit embed out/ep07_12-30.gif --format wordpress
      clipkit embed out/*.png --format bbcode --bbcode-dialect xenforo --spoiler
      clipkit embed --all out/ --format markdown --base-url https://myblog.example/uploads/ > post.md
    """
    if all_:
        jobs = []
        for folder in files or (".",):
            if not Path(folder).is_dir():
                raise InputError(f"{folder} is not a folder", "with --all, name the output folders (default: the current one)")
            for entry in read_manifest(folder):
                if not entry.artifact.path.is_file():
                    click.echo(f"note: {entry.artifact.path} is in the manifest but no longer exists; skipped", err=True)
                    continue
                jobs.append((entry.artifact, entry.embed))
        if not jobs:
            raise InputError("the manifest lists no files that exist", "make some with clipkit gif/still/strip first")
    else:
        if not files:
            raise click.UsageError("name at least one file, or use --all for everything recorded in a folder")
        jobs = [artifact_for(f) for f in files]
    out = []
    for artifact, recorded in jobs:
        out.append(snippet(
            artifact, fmt,
            base_url=base_url,
            alt=alt if alt is not None else recorded.get("alt"),
            title=title if title is not None else recorded.get("title"),
            credit=credit if credit is not None else recorded.get("credit"),
            spoiler=spoiler if spoiler is not None else recorded.get("spoiler"),
            dialect=bbcode_dialect,
        ))
    text = "\n\n".join(t for t in out if t)
    if text:
        click.echo(text)
