"""A job's captions: ``--subs`` dialogue plus the user's ``--caption`` / ``--caption-at`` texts.

Used by the GIF and still jobs; errors here name the options (as flags or keywords, errors.option), so
this assembly lives in the pipeline, not in :mod:`clipkit.subtitles`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from ..errors import TimecodeError, UsageError, option, typed_flags
from ..media.probe import MediaInfo
from ..subtitles.model import Cue, clean_cue, typed_cue
from ..subtitles.tracks import select_subtitles
from ..timecode import format_time, parse_end, parse_time

__all__ = ["JobCaptions", "gather_captions", "parse_span", "incomplete_note", "in_range"]


def incomplete_note(info: MediaInfo) -> str:
    """The note every command gives for a file that looks cut short (``info.incomplete``)."""
    return f"{info.incomplete}: was the download cut short? Only the decodable part can be used"


def in_range(info: MediaInfo, parse):
    """``parse()`` (a range or time of ``info``), its "past the end" error saying when the file looks incomplete."""
    try:
        return parse()
    except TimecodeError as exc:
        if info.incomplete and "past the end of the file" in exc.message:
            what = exc.message.split(" is past the end")[0]
            raise TimecodeError(info.past_end(what), "get the whole file again, or use times before "
                                f"{format_time(info.duration)}") from None
        raise


@dataclass(frozen=True)
class JobCaptions:
    """Everything a GIF or still burns in: cues (file time), which are typed, font language, notes."""

    cues: tuple[Cue, ...]
    typed: tuple[Cue, ...]  # the user's own captions: an error if they cannot fit
    language: str | None
    notes: tuple[str, ...]
    picture_track: int | None = None  # a picture subtitle track to burn while decoding (see MediaInfo.burn_subtitles)
    #: the notes for one moment of the range (a still's chosen frame: the lines on screen then), without
    #: reading the subtitles again
    notes_at: Callable[[Fraction | None], tuple[str, ...]] | None = field(default=None, repr=False, compare=False)

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(c.text for c in self.cues)


def parse_span(span: str, frame_rate: Fraction | None = None) -> tuple[Fraction, Fraction]:
    """``"12:32-12:34"`` or ``"12:32-+2"`` → (start, end) in seconds; TimecodeError if not a span."""
    text = span.strip()
    if "-" not in text:
        raise TimecodeError(f"{_caption_at()} {span!r} is not a span", "write START-END, e.g. " + (
            '--caption-at 12:32-12:34 "text"' if typed_flags() else 'caption_at=[("12:32-12:34", "text")]'))
    a, b = text.split("-", 1)
    start = parse_time(a.strip(), frame_rate=frame_rate)
    end = parse_end(b.strip(), start, frame_rate=frame_rate) if b.strip().startswith("+") else parse_time(b.strip(), frame_rate=frame_rate)
    if end <= start:
        raise TimecodeError(f"{_caption_at()} {span!r} ends before it starts", "give START-END with END after START")
    return start, end


def _caption_at() -> str:
    """What the user typed a span with: ``--caption-at`` on the command line, ``caption_at`` in Python."""
    return "--caption-at" if typed_flags() else "caption_at span"


def _is_pair(item) -> bool:
    return isinstance(item, (tuple, list)) and len(item) == 2


def _lines(n: int, zero: str = "0") -> str:
    return f"{n if n else zero} line{'' if n == 1 else 's'}"


def gather_captions(
    info: MediaInfo,
    start: Fraction,
    end: Fraction,
    *,
    subs: str | os.PathLike | None = "auto",
    captions=(),
    caption_at=(),
    subs_language: str | None = None,
    at: Fraction | None = None,
) -> JobCaptions:
    """The cues a job over ``[start, end)`` of ``info`` burns in.

    ``captions`` are texts shown over the whole range; ``caption_at`` are
    ``(span, text)`` pairs (span ``"12:32-12:34"`` or a ``(start, end)``
    pair, in file time).  ``captions`` over the whole range replace
    ``subs="auto"`` dialogue (an explicit ``subs`` source still adds its
    lines); ``caption_at`` lines are shown with the dialogue (stacked where
    both are on screen).  Notes say where the dialogue came from, how many
    lines fall in the range, and what the typed captions did to it; with ``at`` (a still's chosen frame,
    within a searched range), the lines on screen at that moment.
    """
    if isinstance(captions, str):
        captions = [captions]
    if isinstance(caption_at, (str, bytes)):
        caption_at = [caption_at]
    elif caption_at and isinstance(caption_at[0], str) and len(caption_at) == 2 and not _is_pair(caption_at[1]):
        caption_at = [caption_at]  # a single (span, text) pair
    for item in caption_at:  # "0:05-0:09 hi" (the span and text in one string) crashed: "not enough values to unpack"
        if not _is_pair(item) or not isinstance(item[1], str):
            raise UsageError(f"caption_at: {item!r} is not a (span, text) pair",
                             'e.g. caption_at=[("12:32-12:34", "…and he said nothing.")]')
    rate = info.video.frame_rate if info.video else None
    typed: list[Cue] = [typed_cue(text, start, end) for text in captions]
    for span, text in caption_at:
        s0, s1 = parse_span(span, rate) if isinstance(span, str) else (Fraction(span[0]), Fraction(span[1]))
        if s1 <= start or s0 >= end:
            raise TimecodeError(
                f"{_caption_at()} {format_time(s0)}-{format_time(s1)} is outside the range {format_time(start)}-{format_time(end)}",
                "give a span inside the clip (times count from the start of the file)",
            )
        typed.append(typed_cue(text, s0, s1))
    spec = subs
    auto = spec is not None and str(spec).strip().lower() == "auto"
    replaced = None
    if captions and auto:
        spec = None
        replaced = select_subtitles(info, "auto", language=subs_language)
    source = select_subtitles(info, spec, language=subs_language) if spec is not None else None
    pictures = source is not None and source.picture_track is not None
    dialogue = [c for c in source.cues if c.end > start and c.start < end] if source is not None and not pictures else []

    def notes_at(moment: Fraction | None) -> tuple[str, ...]:
        """The notes, counting the lines in the range, or (``moment``) those on screen then."""
        notes: list[str] = []
        if replaced is not None:
            n = sum(1 for c in replaced.cues if (c.shown_at(moment) if moment is not None else c.end > start and c.start < end))
            if n:
                notes.append(f"{option('caption')} replaces the dialogue ({_lines(n)} from {replaced.description} in the "
                             f"range); name the subtitles ({option('subs', 'FILE')} or track:N) to show both")
            elif replaced.picture_track is not None:  # pictures: no lines to count
                notes.append(f"{option('caption')} replaces the dialogue ({replaced.description}); "
                             f"name the track ({option('subs', 'track:N')}) to show both")
        if pictures:
            notes.append(f"captions from {source.description}: burned as the disc/broadcast drew them")
        elif source is not None:
            with_typed = f", shown with your {_lines(len(typed))} ({option('subs', 'off')} shows only yours)" if typed and dialogue else ""
            if moment is None:
                notes.append(f"captions from {source.description}: {_lines(len(dialogue), 'no')} in the range{with_typed}")
            else:
                on = sum(1 for c in dialogue if c.shown_at(moment))
                notes.append(f"captions from {source.description}: {_lines(on, 'no')} on screen at {format_time(moment)}")
        return tuple(notes)

    if pictures:
        return JobCaptions(tuple(sorted(typed, key=lambda c: (c.start, c.end))), tuple(typed), source.language,
                           notes_at(at), source.picture_track, notes_at)
    # Every caption passes here: control characters and terminal escapes go (never drawn as boxes).
    kept = [c for c in map(clean_cue, typed) if c is not None]
    spoken = [c for c in map(clean_cue, dialogue) if c is not None]
    return JobCaptions(tuple(sorted(kept + spoken, key=lambda c: (c.start, c.end))), tuple(kept),
                       source.language if source is not None else None, notes_at(at), notes_at=notes_at)
