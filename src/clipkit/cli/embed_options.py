"""The embed flags, declared once: ``--embed``/``--format``, ``--base-url``, ``--alt``, ``--title``,
``--credit``, ``--spoiler`` (and ``--bbcode-dialect``) become one :class:`~clipkit.settings.EmbedOptions`
value, for any command that makes a file and for ``clipkit embed``.

Usage in a command module::

    @main.command()
    ...
    @embed_options
    def gif(..., embed: EmbedOptions) -> None:
        art = make_gif(..., embed=embed)   # the pipeline records the file (and these choices) in the manifest
        emit_embed(art, embed)             # prints the snippet to stdout
"""

from __future__ import annotations

import functools
from dataclasses import fields

import click

from ..artifact import Artifact
from ..embed import FORMATS, check_base_url, fallback_notes, snippet
from ..embed.bbcode import DIALECTS
from ..settings import DEFAULT_EMBED, EmbedOptions, EmbedSettings
from .main import echo_notes
from .params import Choice

__all__ = ["EmbedOptions", "embed_options", "emit_embed", "FORMAT_CHOICE"]

FORMAT_CHOICE = Choice([*FORMATS, "none"], case_sensitive=False)


def _declarations(format_flags: tuple[str, ...], title_flag: str, dialect: bool, recorded: bool) -> list:
    """The click options, one per :class:`EmbedOptions` field (``embed_<field>``)."""
    was = " (default: as recorded, else {})" if recorded else " (default: {})"
    options = [
        click.option(*format_flags, "embed_format", type=FORMAT_CHOICE, default=None, metavar="FORMAT",
                     help=f"Snippet format: {', '.join(FORMATS)}, none. Default: {DEFAULT_EMBED.format}, or the preset's."),
        click.option("--base-url", "embed_base_url", metavar="URL",
                     help="Where the files will be once uploaded, e.g. https://myblog.example/wp-content/uploads/2026/11/ "
                          "(default: relative paths)."),
        click.option("--alt", "embed_alt", metavar="TEXT", help="Alt text" + was.format("the dialogue in the clip, trimmed") + "."),
        click.option(title_flag, "embed_title", metavar="TEXT",
                     help="Visible caption under the image in the snippet" + (" (default: as recorded)." if recorded else ".")),
        click.option("--credit", "embed_credit", metavar="TEXT",
                     help='Credit line, e.g. "Fuji TV"' + (" (default: as recorded)." if recorded else ".")),
        click.option("--spoiler/--no-spoiler", "embed_spoiler", default=None,
                     help="Wrap the snippet in the platform's spoiler form (<details>, [spoiler]…)."),
    ]
    if dialect:
        options.append(click.option("--bbcode-dialect", "embed_dialect", type=Choice(DIALECTS, case_sensitive=False),
                                    default=None, help="Spoiler form for --format bbcode: " + ", ".join(DIALECTS) +
                                    f" (default: {DEFAULT_EMBED.bbcode_dialect})."))
    return options


def embed_options(command=None, *, title_flag: str = "--title", format_flags: tuple[str, ...] = ("--embed",),
                  dialect: bool = False, recorded: bool = False):
    """Add the embed flags to a click command; the command receives them as ``embed: EmbedOptions``.

    Use as ``@embed_options``, or ``@embed_options(title_flag="--embed-title")`` for a command whose
    own ``--title`` means something else (``strip``'s header).
    """
    if command is None:
        return functools.partial(embed_options, title_flag=title_flag, format_flags=format_flags, dialect=dialect,
                                 recorded=recorded)

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        options = EmbedOptions(**{f.name: kwargs.pop(f"embed_{f.name}", None) for f in fields(EmbedOptions)})
        check_base_url(options.base_url)  # a bad URL is refused before any work is done
        return command(*args, embed=options, **kwargs)

    for option in reversed(_declarations(format_flags, title_flag, dialect, recorded)):
        wrapper = option(wrapper)
    return wrapper


def emit_embed(artifact: Artifact, options: EmbedOptions, *, settings: EmbedSettings | None = None) -> str:
    """Print ``artifact``'s snippet to stdout (the pipeline has recorded it already); return it."""
    text = snippet(artifact, options=options, settings=settings)
    echo_notes(fallback_notes(artifact, options, settings))
    if text:
        click.echo(text)
    return text
