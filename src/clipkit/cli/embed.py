"""``clipkit embed``: snippets for files made earlier (one by one, or a whole folder with --all)."""

from __future__ import annotations

import click

from ..embed import FORMATS, describe
from ..embed.regenerate import embed_files
from .embed_options import EmbedOptions, embed_options
from .main import echo_notes, main
from .preset_options import load_layers, preset_options

_FORMAT_HELP = "\n".join(f"  {name:<18} {describe(name)}" for name in FORMATS)


@main.command(epilog="\b\nFormats:\n" + _FORMAT_HELP)
@click.argument("files", nargs=-1, type=click.Path(path_type=str))
@click.option("--all", "all_", is_flag=True,
              help="Every file recorded in the manifest of each folder given (default: the current folder), in post order: "
                   "as the studio tray or a batch job file arranged them, else by episode, then start time.")
@embed_options(format_flags=("-f", "--format"), dialect=True, recorded=True)
@preset_options
def embed(files: tuple[str, ...], all_: bool, embed: EmbedOptions, preset: str | None, platform: str | None) -> None:
    """Print paste-ready snippets for FILES made earlier (GIF, still, strip, MP4, WebP).

    Facts come from the folder's manifest (clipkit-manifest.json) when it
    records the file, else from the file itself.  All text is escaped for
    the format; URLs are percent-encoded.

    \b
    Examples:
      clipkit embed out/ep07_12-30.gif --format wordpress
      clipkit embed out/*.png --format bbcode --bbcode-dialect xenforo --spoiler
      clipkit embed --all out/ --format markdown --base-url https://myblog.example/uploads/ > post.md
      clipkit embed --all post/ --preset one-million-stars   # the preset's [embed]: format, credit, base_url…
    """
    layers = load_layers(preset, platform)
    result = embed_files(files, all=all_, options=embed, settings=layers["embed"] if layers else None)
    echo_notes(result.notes)
    if result.text:
        click.echo(result.text)
