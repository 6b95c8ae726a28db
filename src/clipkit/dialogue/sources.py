"""Every text subtitle source of a video, read as dialogue lines.

A video's sources are the subtitle files beside it with its stem
(``ep07.srt``, ``ep07.en.srt``, ``ep07.ja.ass`` …) and each embedded *text*
track.  Bitmap tracks (PGS, DVD, DVB) are pictures: they are skipped and named
in a note, never guessed at.  Each source is described by the ``--subs`` value
that selects it (``ep07.en.srt``, ``track:1``), so a match can be turned into a
command.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..errors import ClipkitError
from ..subtitles.files import SUBTITLE_SUFFIXES

__all__ = ["DialogueLine", "SourceLines", "sidecar_files", "read_sources", "VIDEO_SUFFIXES"]

#: File names taken as episodes when a folder is searched.
VIDEO_SUFFIXES = (".mkv", ".mp4", ".m4v", ".mov", ".webm", ".avi", ".ts", ".m2ts", ".mts", ".wmv", ".flv", ".mpg", ".mpeg")


@dataclass(frozen=True)
class DialogueLine:
    """One subtitle event of one source, in the source's order (``seq``)."""

    seq: int
    start: Fraction
    end: Fraction
    text: str  # as written, lines joined with "\n"


@dataclass(frozen=True)
class SourceLines:
    """The lines of one source of one video."""

    subs: str  # the --subs value that selects it: a sidecar's file name, or "track:N"
    language: str | None  # ISO 639-2 code when known
    lines: tuple[DialogueLine, ...]


def sidecar_files(video: Path) -> list[Path]:
    """Subtitle files beside ``video`` named after it (``STEM.srt``, ``STEM.LANG.srt`` …), sorted."""
    try:
        siblings = [p for p in video.parent.iterdir() if p.suffix.lower() in SUBTITLE_SUFFIXES and p.is_file()]
    except OSError:
        return []
    stem = video.stem
    return sorted(p for p in siblings if p.stem == stem or p.stem.startswith(stem + "."))


def _lines(cues) -> tuple[DialogueLine, ...]:
    out = []
    for c in sorted(cues, key=lambda c: (c.start, c.end)):
        text = c.text.strip()
        if text:
            out.append(DialogueLine(len(out), Fraction(c.start), Fraction(c.end), text))
    return tuple(out)


def read_sources(video: str | os.PathLike, *, notes: list[str] | None = None) -> list[SourceLines]:
    """All text subtitle sources of ``video``.  A source that cannot be read is named in ``notes``, not fatal."""
    from ..language import normalize_language
    from ..media.probe import probe
    from ..subtitles.files import load_subtitle_file
    from ..subtitles.tracks import extract_track

    path = Path(video)
    notes = notes if notes is not None else []
    out: list[SourceLines] = []
    for side in sidecar_files(path):
        tag = side.stem[len(path.stem) + 1:].split(".")[0] if side.stem != path.stem else None
        try:
            out.append(SourceLines(side.name, normalize_language(tag) if tag else None, _lines(load_subtitle_file(side))))
        except ClipkitError as exc:
            notes.append(f"skipped {side.name}: {exc.message}")
    info = probe(path)
    for track in info.subtitles:
        if not track.is_text:
            notes.append(f"{path.name}: track:{track.index} ({track.codec}) is a picture track, not text: not searched")
            continue
        try:
            cues = extract_track(info, track.index)
        except ClipkitError as exc:
            notes.append(f"{path.name}: track:{track.index} could not be read: {exc.message}")
            continue
        out.append(SourceLines(f"track:{track.index}", normalize_language(track.language), _lines(cues)))
    return out
