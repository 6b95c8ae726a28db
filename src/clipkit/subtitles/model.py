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

from ..errors import UsageError

__all__ = ["Run", "Cue", "SubtitleSource", "typed_cue", "clip_cues", "cues_at"]


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
    """A caption the user typed (``--caption``): plain text; a newline or a typed ``\\N`` breaks the line."""
    lines = [ln.strip() for ln in text.replace("\\N", "\n").splitlines()]
    runs = tuple((Run(re.sub(r"\s+", " ", ln)),) if ln else () for ln in lines)
    while runs and not runs[-1]:
        runs = runs[:-1]
    while runs and not runs[0]:
        runs = runs[1:]
    if not runs:
        raise UsageError("the caption text is empty", 'give some text, e.g. --caption "He knew."')
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
