"""Shared click parameter types and helpers for the commands."""

from __future__ import annotations

import click

__all__ = ["MEDIA_FILE", "OUTPUT"]

#: A video argument.  Existence is checked by the library (one clear message
#: for the CLI and the API alike), so click only completes file names.
MEDIA_FILE = click.Path(dir_okay=False, path_type=str)

#: An output file or folder.
OUTPUT = click.Path(path_type=str)
