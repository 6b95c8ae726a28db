"""The cue model: what a caption is, independent of where it came from.

A :class:`Cue` has exact :class:`~fractions.Fraction` times in seconds from
the start of the file, lines of styled :class:`Run`\\ s and whether it asks to
sit at the top.  Rendering sees only this module; reading files and tracks is
in :mod:`.files` and :mod:`.tracks`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fractions import Fraction

from ..errors import UsageError, option

__all__ = ["Run", "Cue", "SubtitleSource", "typed_cue", "clip_cues", "cues_at", "clean_text", "clean_cue"]

#: Terminal escape sequences (CSI ``ESC [ … m``, OSC ``ESC ] … BEL``, two-byte ``ESC x``): removed whole.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?")
#: Control characters left after that (C0 but the newline, DEL, C1): removed.
_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Caption text without control characters: escape sequences (``\\x1b[31m``) and BEL, NUL, … removed,
    a tab is a space, ``\\r\\n`` a newline; everything else is kept as text (never drawn as a box)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n").replace("\t", " ")
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def clean_cue(cue: "Cue") -> "Cue | None":
    """``cue`` with :func:`clean_text` applied to every run (None when no text is left)."""
    lines = []
    for line in cue.lines:
        runs = []
        for run in line:
            text = clean_text(run.text)
            if "\n" in text:  # a bare CR was a line break
                text = " ".join(text.split("\n"))
            if text:
                runs.append(replace(run, text=text))
        lines.append(tuple(runs))
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    if not any("".join(r.text for r in line).strip() for line in lines):
        return None
    return replace(cue, lines=tuple(lines))


@dataclass(frozen=True)
class Run:
    """A piece of a line in one style."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Cue:
    """One caption: shown from ``start`` (inclusive) to ``end`` (exclusive), in seconds."""

    start: Fraction
    end: Fraction
    lines: tuple[tuple[Run, ...], ...]
    top: bool = False  # {\an7/8/9} or an ASS style aligned to the top

    @property
    def text(self) -> str:
        """The plain text, lines joined with a newline."""
        return "\n".join("".join(r.text for r in line) for line in self.lines)

    def shown_at(self, t: Fraction) -> bool:
        return self.start <= t < self.end


@dataclass(frozen=True)
class SubtitleSource:
    """What ``--subs`` resolved to: the cues and a description for the notes."""

    cues: tuple[Cue, ...]
    description: str  # e.g. "track 1 (jpn, 日本語)" or "ep07.en.srt"
    language: str | None = None  # ISO 639 code when known (chooses CJK font faces)
    picture_track: int | None = None  # a picture track (PGS, DVD, DVB): N of 0:s:N, burned by the decoder, no cues


def typed_cue(text: str, start: Fraction, end: Fraction, *, top: bool = False) -> Cue:
    """A caption the user typed (``--caption``): plain text, drawn as typed (``{\\an8}``, ``<i>``, ``C:\\New\\Notes``
    are text); a newline breaks the line."""
    lines = [ln.strip() for ln in clean_text(text).split("\n")]
    runs = tuple((Run(re.sub(r"\s+", " ", ln)),) if ln else () for ln in lines)
    while runs and not runs[-1]:
        runs = runs[:-1]
    while runs and not runs[0]:
        runs = runs[1:]
    if not runs:
        raise UsageError("the caption text is empty", f"give some text, e.g. {option('caption', 'He knew.')}")
    return Cue(Fraction(start), Fraction(end), runs, top)


def clip_cues(cues, start: Fraction, end: Fraction) -> list[Cue]:
    """The cues shown inside ``[start, end)``, retimed to the clip (0 = ``start``) and cut to it."""
    start, end = Fraction(start), Fraction(end)
    out = []
    for c in cues:
        if c.end <= start or c.start >= end:
            continue
        out.append(replace(c, start=max(c.start, start) - start, end=min(c.end, end) - start))
    return out


def cues_at(cues, t: Fraction) -> list[Cue]:
    """The cues on screen at ``t`` (in the cues' own time base), in start order."""
    return [c for c in cues if c.start <= t < c.end]
