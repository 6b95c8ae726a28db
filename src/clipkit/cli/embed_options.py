"""``--embed FORMAT --base-url --alt --title --credit --spoiler`` for any command that makes a file.

Usage in a command module::

    @main.command()
    ...
    @embed_options
    def gif(..., embed: EmbedChoice) -> None:
        art = make_gif(...)
        emit_embed(art, embed)     # records it in the folder's manifest, prints the snippet to stdout
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass

import click

from ..artifact import Artifact
from ..embed import FORMATS, check_base_url, snippet
from ..errors import ClipkitError
from ..manifest import record_artifact
from ..settings import DEFAULT_EMBED, EmbedSettings

__all__ = ["EmbedChoice", "embed_options", "emit_embed", "FORMAT_CHOICE"]

FORMAT_CHOICE = click.Choice([*FORMATS, "none"], case_sensitive=False)


@dataclass(frozen=True)
class EmbedChoice:
    """What the user typed for the snippet (None: not given, the settings decide)."""

    format: str | None = None
    base_url: str | None = None
    alt: str | None = None
    title: str | None = None
    credit: str | None = None
    spoiler: bool | None = None


def embed_options(command=None, *, title_flag: str = "--title"):
    """Add the embed flags to a click command; the command receives them as ``embed: EmbedChoice``.

    Use as ``@embed_options``, or ``@embed_options(title_flag="--embed-title")``
    for a command whose own ``--title`` means something else (``strip``'s header).
    """
    if command is None:
        return functools.partial(embed_options, title_flag=title_flag)

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        choice = EmbedChoice(
            format=kwargs.pop("embed_format"), base_url=kwargs.pop("embed_base_url"), alt=kwargs.pop("embed_alt"),
            title=kwargs.pop("embed_title"), credit=kwargs.pop("embed_credit"), spoiler=kwargs.pop("embed_spoiler"),
        )
        check_base_url(choice.base_url)  # a bad URL is refused before any work is done
        return command(*args, embed=choice, **kwargs)

    options = [
        click.option("--embed", "embed_format", type=FORMAT_CHOICE, default=None, metavar="FORMAT",
                     help=f"Snippet printed to stdout: {', '.join(FORMATS)}, none. Default: html (or the preset's)."),
        click.option("--base-url", "embed_base_url", metavar="URL",
                     help="Where the files will be once uploaded, e.g. https://myblog.example/wp-content/uploads/2026/11/ "
                          "(default: relative paths)."),
        click.option("--alt", "embed_alt", metavar="TEXT", help="Alt text (default: the dialogue in the clip, trimmed)."),
        click.option(title_flag, "embed_title", metavar="TEXT", help="Visible caption under the image in the snippet."),
        click.option("--credit", "embed_credit", metavar="TEXT", help='Credit line, e.g. "Fuji TV".'),
        click.option("--spoiler/--no-spoiler", "embed_spoiler", default=None,
                     help="Wrap the snippet in the platform's spoiler form (<details>, [spoiler]…)."),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def emit_embed(artifact: Artifact, choice: EmbedChoice, *, settings: EmbedSettings | None = None, record: bool = True) -> str:
    """Record ``artifact`` in its folder's manifest and print its snippet to stdout; return the snippet.

    A manifest that cannot be written is a note on stderr, not a failure: the
    file itself was made.
    """
    s = settings or DEFAULT_EMBED
    text = snippet(artifact, choice.format or s.format, base_url=choice.base_url, alt=choice.alt, title=choice.title,
                   credit=choice.credit, spoiler=choice.spoiler, settings=s)
    if record:
        chosen = {k: v for k, v in asdict(choice).items() if k in ("alt", "title", "credit", "spoiler") and v is not None}
        try:
            record_artifact(artifact, embed=chosen)
        except ClipkitError as exc:
            click.echo(f"note: could not update the manifest: {exc}", err=True)
    if text:
        click.echo(text)
    return text

