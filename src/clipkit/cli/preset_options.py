"""``--preset`` and ``--platform`` for single commands (gif, still, strip).

Values layer as built-in default < platform preset < series preset < the
flags typed on this command line: the preset gives the command's settings
objects, and the typed flags go on top as overrides.
"""

from __future__ import annotations

import functools
import os

import click

from ..presets import Resolved, resolve

__all__ = ["preset_options", "load_layers", "preset_kwargs"]


def preset_options(command):
    """Add ``--preset NAME`` and ``--platform NAME`` to a command (as ``preset``/``platform``)."""

    @click.option("--platform", metavar="NAME",
                  help="A built-in platform preset: tumblr, twitter, discord, wordpress, forum (`clipkit presets list`).")
    @click.option("--preset", "-p", metavar="NAME|FILE",
                  help="A series or platform preset (TOML); flags typed here win over it (`clipkit presets show NAME`).")
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        return command(*args, **kwargs)

    return wrapper


def load_layers(preset: str | None, platform: str | None) -> Resolved | None:
    """The layered settings, or None when neither option was given (built-in defaults)."""
    if not preset and not platform:
        return None
    return resolve(preset, platform=platform)


def preset_kwargs(layers: Resolved | None, section: str, output: str | None, *, captions: bool = True) -> tuple[dict, str | None]:
    """Keyword arguments for a pipeline call (``settings``, ``caption_settings``) and the
    output: a series preset's ``[series] output`` folder when ``-o`` was not typed."""
    if layers is None:
        return {}, output
    kwargs = {"settings": layers[section]}
    if captions and "caption" in layers.sections:
        kwargs["caption_settings"] = layers["caption"]
    if output is None and "series.output" in layers.origins:
        folder = os.path.normpath(layers.path_of("series.output"))  # presets/../post → post (as batch does)
        output = f"{folder}/"
    return kwargs, output
