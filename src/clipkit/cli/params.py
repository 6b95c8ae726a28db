"""Shared click parameter types and helpers for the commands.

:func:`setting_option` declares a flag that sets a settings field: its value goes through the same
conversion and range check as a preset value or an API keyword (``settings_apply.convert``), and
its help shows the default read from the settings class (write ``{default}`` in the help).
"""

from __future__ import annotations

import click

from ..settings_apply import close_match, convert, field_of, range_text, show_value

__all__ = ["MEDIA_FILE", "OUTPUT", "Choice", "SettingType", "setting_option", "default_text"]

#: A video argument.  Existence is checked by the library (one clear message
#: for the CLI and the API alike), so click only completes file names.
MEDIA_FILE = click.Path(dir_okay=False, path_type=str)

#: An output file or folder.
OUTPUT = click.Path(path_type=str)


class Choice(click.Choice):
    """click's choice with the "did you mean" of every other choice in clipkit (a settings field's, a preset's
    name): ``--embed mardown`` → "… (did you mean 'markdown'?)"."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as exc:
            typed = str(value) if self.case_sensitive else str(value).lower()
            close = close_match(typed, [str(c) if self.case_sensitive else str(c).lower() for c in self.choices])
            if close:
                exc.message = f"{exc.message.rstrip().removesuffix('.')} (did you mean {close!r}?)"
            raise


class SettingType(click.ParamType):
    """A flag's text converted like any other override of field ``name`` of ``cls``.

    A bad value is a :class:`~clipkit.errors.UsageError` naming the flag: one line, exit 2."""

    def __init__(self, cls: type, name: str, metavar: str | None = None) -> None:
        self.cls, self.field, self.name = cls, name, metavar or name.upper()

    def get_metavar(self, param, ctx=None):  # as written (click would upper-case the name)
        return self.name

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        flag = param.opts[0] if param is not None and param.opts else self.field
        return convert(self.cls, self.field, value, label=flag)


def default_text(cls: type, name: str) -> str:
    """The default of field ``name`` as a user writes it (from the settings, never a typed copy)."""
    return show_value(getattr(cls(), name))


def setting_option(*decls: str, cls: type, name: str, help: str, metavar: str | None = None, **kwargs):  # noqa: A002
    """``click.option`` for settings field ``name`` of ``cls``; ``{default}`` in ``help`` is the field's default,
    ``{range}`` its declared range.

    Flags (``is_flag``, ``--x/--no-x``) keep click's boolean handling."""
    help_text = help.replace("{default}", default_text(cls, name)).replace("{range}", range_text(field_of(cls, name)[1]))
    if not kwargs.get("is_flag") and not any("/" in d for d in decls):
        kwargs.setdefault("type", SettingType(cls, name, metavar))
    kwargs.setdefault("default", None)
    return click.option(*decls, name, help=help_text, **kwargs)
