"""``clipkit embed``: snippets for files made earlier (one by one, or a whole folder with --all)."""

from __future__ import annotations

import click

from ..embed import FORMATS, describe
from ..embed.bbcode import DIALECTS
from ..embed.regenerate import embed_files
from .embed_options import FORMAT_CHOICE
from .main import echo_notes, main

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
    result = embed_files(files, fmt, all=all_, base_url=base_url, alt=alt, title=title, credit=credit,
                         spoiler=spoiler, dialect=bbcode_dialect)
    echo_notes(result.notes)
    if result.text:
        click.echo(result.text)
