"""The caption options shared by ``clipkit gif`` and ``clipkit still``.

``@caption_options(subs_default=...)`` adds ``--subs``, ``--caption``,
``--caption-at``, ``--caption-style``, ``--font``, ``--caption-size`` and
``--caption-position``; :func:`caption_kwargs` turns what was typed into the
keyword arguments of the pipeline call (only the options the user gave, so
presets and defaults stay in charge of the rest).
"""

from __future__ import annotations

import click

from ..settings import DEFAULT_CAPTION, CaptionSettings
from ..settings_apply import convert, field_of
from .params import setting_option
from .spans import SPAN


def _choices(name: str) -> tuple[str, ...]:
    return field_of(CaptionSettings, name)[1]["choices"]

__all__ = ["caption_options", "caption_kwargs", "pop_caption_params", "CAPTION_PARAMS"]

CAPTION_PARAMS = ("subs", "caption", "caption_at", "caption_style", "font", "caption_size", "caption_position")


class _Size(click.ParamType):
    """``0.05`` (fraction of the frame width) or ``5%``."""

    name = "SIZE"

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            return value
        text = str(value).strip()
        try:
            number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            self.fail(f"{value!r} is not a size: give a fraction of the frame width (0.05) or a percentage (5%)", param, ctx)
        if number >= 1 and not text.endswith("%"):
            number = number / 100  # "6" means 6 %
        return convert(CaptionSettings, "caption_size", number, label=param.opts[0] if param is not None else None)


def caption_options(*, subs_default: str):
    """Decorator adding the caption options to a command."""

    def decorate(func):
        opts = [
            click.option("--subs", "subs", metavar="SOURCE", default=None,
                         help=f"Dialogue to burn in: auto (a same-name .srt beside the video, else the first text track in "
                              f"your language), off, a .srt/.ass/.vtt file, track:N, lang:xxx. Default: {subs_default}."),
            click.option("--caption", "caption", multiple=True, metavar="TEXT",
                         help="Text shown over the whole output (repeatable). Replaces --subs auto."),
            click.option("--caption-at", "caption_at", type=(SPAN, str), multiple=True, metavar="START-END TEXT",
                         help='Text shown for a span, in file time: --caption-at 12:32-12:34 "He knew." (repeatable).'),
            setting_option("--caption-style", cls=CaptionSettings, name="caption_style", metavar="|".join(_choices("caption_style")),
                           help="classic (white, black outline, shadow), yellow, or boxed (translucent band). Default: {default}."),
            setting_option("--font", cls=CaptionSettings, name="font", metavar="FONT",
                           help="Font file (.ttf/.otf/.ttc) or installed family name. Default: an installed font that covers the text."),
            click.option("--caption-size", type=_Size(), default=None,
                         help=f"Text size as a fraction of the frame width (0.05 or 5%). Default: {DEFAULT_CAPTION.caption_size:.0%}."),
            setting_option("--caption-position", cls=CaptionSettings, name="caption_position", metavar="|".join(_choices("caption_position")),
                           help="Where captions sit. Default: {default} ({\\an8} lines in a subtitle file go on top)."),
        ]
        for opt in reversed(opts):
            func = opt(func)
        return func

    return decorate


def caption_kwargs(params: dict) -> dict:
    """The pipeline keyword arguments for the caption options the user typed."""
    out: dict = {}
    if params.get("subs") is not None:
        out["subs"] = params["subs"]
    if params.get("caption"):
        out["caption"] = tuple(params["caption"])
    if params.get("caption_at"):
        out["caption_at"] = tuple(tuple(pair) for pair in params["caption_at"])
    for name in ("caption_style", "font", "caption_size", "caption_position"):
        if params.get(name) is not None:
            out[name] = params[name]
    return out


def pop_caption_params(kwargs: dict) -> dict:
    """Remove the caption options from a command's ``**kwargs`` and convert them."""
    mine = {name: kwargs.pop(name, None) for name in CAPTION_PARAMS}
    return caption_kwargs(mine)

