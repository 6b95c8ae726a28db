"""Options whose one value joins several times: ``--range START-END``, ``--at T1,T2``, ``--caption-at START-END TEXT``.

Typed with a space instead (``--range 12:00 13:00``), the second time is left over and click says only "unexpected
extra argument (13:00)".  :func:`split_value_line` recognises that and says how the value is written.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import click

__all__ = ["Joined", "SPAN", "TIMES", "split_value_line"]


class Joined(click.ParamType):
    """Text that joins times with ``joiner`` (``-`` in a span, ``,`` in a list); passed on as typed (the pipeline
    parses it, for the API and the CLI alike).  Its type marks the option for :func:`split_value_line`."""

    def __init__(self, metavar: str, joiner: str, what: str) -> None:
        self.name, self.joiner, self.what = metavar, joiner, what

    def get_metavar(self, param, ctx=None):
        return self.name

    def convert(self, value, param, ctx):
        return value

    def joins(self, text: str) -> bool:
        """Whether ``text`` already holds a second time (``12:00-13:00``, ``12:00..13:00``, ``12:30,14:02``)."""
        if self.joiner == "-":
            return any(sep in text for sep in ("..", "–", "—")) or "-" in text.strip()[1:]
        return self.joiner in text


SPAN = Joined("START-END", "-", "one value, START-END")
TIMES = Joined("TIME,TIME…", ",", "one value, the times comma-separated")


def _is_time(text: str) -> bool:
    from ..errors import ClipkitError
    from ..timecode import parse_time

    try:
        parse_time(str(text).strip().removeprefix("+"), frame_rate=Fraction(25))  # f1500 is a time too
    except ClipkitError:
        return False
    return True


def _quoted(text: str) -> str:
    return f'"{text}"' if not text or any(ch.isspace() or ch in "\"'$`\\;&|<>()" for ch in text) else text


def split_value_line(ctx: click.Context, extra: list[str], args: list[str] | None = None) -> str | None:
    """What to say when a joined option's times were typed apart (``--range 12:00 13:00``): the option as it is
    written, with the user's own times; else None.  ``extra`` are the words left over, ``args`` the command line
    as typed: the second time may have landed where the video goes (``--range 0:12 0:30 EP``), leaving the video
    over — or nothing over, when no video followed (VIDEO is then "0:30", a file that is not there)."""
    for param in ctx.command.params:
        kind = param.type
        pair = isinstance(kind, click.Tuple) and kind.types and isinstance(kind.types[0], Joined)
        if not (isinstance(kind, Joined) or pair):
            continue
        value = ctx.params.get(param.name)
        if not value:
            continue
        flag = param.opts[-1] if param.opts else param.name
        if pair:  # --caption-at START-END TEXT: the end was read as TEXT, the text is left over
            if not extra:
                continue
            joined = kind.types[0]
            for span, text in value if param.multiple else [value]:
                if not joined.joins(span) and _is_time(span) and _is_time(text):
                    said = _quoted(extra[0]) if len(extra) == 1 else "TEXT"
                    return (f"{flag} takes its span as {joined.what}, then the text: write {flag} {span}{joined.joiner}{text} {said} "
                            f"(not {flag} {span} {text} …)")
            continue
        last = value[-1] if param.multiple else value
        if kind.joins(last) or not _is_time(last):
            continue
        # The words typed after the value: the second time may have been taken as the command's argument
        # (`strip --range 0:12 0:30 EP`: VIDEO is 0:30 and EP is left over), so they are read from the line.
        after = _words_after(param, last, args) if args is not None else None
        if after and _is_time(after[0]) and (extra or _taken_for_a_missing_file(ctx, after[0])):
            following = after
        elif extra and _is_time(extra[0]):
            following = extra
        else:
            continue
        times = [last, *itertools.takewhile(_is_time, following)] if kind.joiner == "," else [last, following[0]]
        return (f"{flag} takes {kind.what}: write {flag} {kind.joiner.join(times)} "
                f"(not {flag} {' '.join(times)})")
    return None


def _words_after(param: click.Parameter, value: str, args: list[str]) -> list[str] | None:
    """The words of the command line after the last ``--flag VALUE`` (or ``--flag=VALUE``) of ``param``."""
    for i in range(len(args) - 1, -1, -1):
        word = args[i]
        if word == "--":
            continue
        if word in param.opts and i + 1 < len(args) and args[i + 1] == value:
            return args[i + 2:]
        if any(word == f"{opt}={value}" for opt in param.opts):
            return args[i + 1:]
    return None


def _taken_for_a_missing_file(ctx: click.Context, word: str) -> bool:
    """Whether ``word`` became the value of a path argument (VIDEO) that names no file: a time, not a video."""
    import os

    return any(isinstance(p, click.Argument) and isinstance(p.type, click.Path) and ctx.params.get(p.name) == word
               and not os.path.exists(word) for p in ctx.command.params)
