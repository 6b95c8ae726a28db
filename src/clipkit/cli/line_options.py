"""``--line``, ``--from``/``--to``, ``--match`` and ``--pad``: a range chosen by its dialogue (gif, clip, still, strip).

The flags become one ``line=Line(…)`` keyword of the pipeline function (absent when no line is asked for).
"""

from __future__ import annotations

import functools

import click

from ..pipeline.find import DEFAULT_PAD, Line

__all__ = ["line_options"]


def line_options(command):
    """Add the dialogue range options; the command receives ``line=Line(…)`` when one was typed."""

    @click.option("--line", metavar="TEXT", help="The range of the line of dialogue that says TEXT (as `clipkit find` "
                  "finds it: case, accents, width, kana and punctuation ignored), padded and snapped to the shot; "
                  "captioned from its track.")
    @click.option("--from", "line_from", metavar="TEXT", help="From the line that says TEXT … (with --to).")
    @click.option("--to", "line_to", metavar="TEXT", help="… to the first line after it that says TEXT.")
    @click.option("--match", type=click.IntRange(1), metavar="N", help="Which of several matching lines (as the error lists them).")
    @click.option("--pad", metavar="DUR", help=f"Time added before and after the line (default {float(DEFAULT_PAD):g}s); "
                  "an end moves onto a cut within it.")
    @click.option("--pad-before", metavar="DUR", help="Padding before the line only.")
    @click.option("--pad-after", metavar="DUR", help="Padding after the line only.")
    @functools.wraps(command)
    def run(*args, **kwargs):
        fields = {name: kwargs.pop(name) for name in ("line", "line_from", "line_to", "match", "pad", "pad_before",
                                                       "pad_after")}
        text = fields.pop("line")
        if text or fields["line_from"] or fields["line_to"]:
            kwargs["line"] = Line(text, **fields)
        elif any(v is not None for v in fields.values()):
            raise click.UsageError("--match and --pad go with --line (or --from/--to)")
        return command(*args, **kwargs)

    return run
