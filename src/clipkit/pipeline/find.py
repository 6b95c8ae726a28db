"""``clipkit find`` and ``--line``: a moment found by its dialogue.

:func:`find` searches every text subtitle source of one video, a folder of
episodes or a series preset's episodes, through the season index
(:mod:`clipkit.dialogue.index`).  :func:`dialogue_range` turns a line (or a
stretch from one line to another) into the time range a GIF, still, clip or
strip uses: the lines' span with a little padding, each end moved onto a shot
boundary when one is that close, so the result never shows a few frames of
another shot.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from ..dialogue.sources import VIDEO_SUFFIXES
from ..errors import SPELLING, ClipkitError, InputError, UsageError, option
from ..settings import keywords_checked_init
from ..settings_apply import expect_path, keywords_checked
from ..progress import ProgressFn
from ..timecode import format_time

if TYPE_CHECKING:  # the search (sqlite, threads) is imported when a line is looked for
    from ..dialogue.search import Match

__all__ = ["FindResult", "DialogueRange", "Line", "find", "dialogue_range", "said_range", "episodes_of", "DEFAULT_PAD"]

#: Seconds added before and after a line's span (--pad).
DEFAULT_PAD = Fraction(3, 10)


@dataclass(frozen=True)
class FindResult:
    """What :func:`find` found: matches best first, the episodes searched, notes, and the files skipped (not
    media files ffmpeg reads: not among ``episodes``), with why in ``skip_reasons`` (path → reason)."""

    query: str
    matches: tuple[Match, ...]
    episodes: tuple[Path, ...]
    notes: tuple[str, ...] = ()
    skipped: tuple[Path, ...] = ()
    skip_reasons: dict[Path, str] = field(default_factory=dict)


def _videos_in(folder: Path) -> list[Path]:
    """The episodes of ``folder``: its videos, but the clips (and a GIF's MP4/WebP siblings) its manifest records as
    made by clipkit, which `clipkit clip` writes into the folder it runs in, often the episodes' own."""
    from ..manifest import recorded_names

    try:
        made = recorded_names(folder)
    except ClipkitError:  # the manifest went between its stat and its read
        made = frozenset()
    try:
        return sorted(p for p in folder.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES and p.is_file()
                      and ".part" not in p.name and p.name not in made)
    except OSError as exc:
        raise InputError(f"cannot list {folder}: {exc.strerror or exc}", "check the folder's path and permissions") from None


def _is_episode(name: Path, pattern: str) -> bool:
    """Whether ``name`` is what ``pattern`` gives for some episode number (as a batch's ``ep = N``
    finds it): ``ep{ep:02d}.mkv`` is ``ep07.mkv``, not ``ep_extra.mkv``, which ``ep*.mkv`` also matches."""
    if not re.search(r"\{(ep|episode)\b", pattern):
        return True
    for digits in set(re.findall(r"\d+", name.as_posix())):
        try:
            if name.match(pattern.format(ep=int(digits), episode=int(digits))):
                return True
        except (KeyError, IndexError, ValueError):
            return True  # a pattern a batch would refuse: keep what the glob found
    return False


def episodes_of(source: str | os.PathLike | list | tuple | None = None, *, preset: str | None = None) -> list[Path]:
    """The videos to search: a file, a folder's videos, several of those, or a series preset's episodes."""
    found: list[Path] = []
    if preset:
        from ..presets import resolve

        layers = resolve(preset)
        folder = Path(layers.path_of("series.episodes"))
        pattern = layers.series.episode_pattern
        glob = re.sub(r"\{(ep|episode)[^}]*\}", "*", pattern)
        found += sorted(p for p in folder.glob(glob) if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES
                        and _is_episode(p.relative_to(folder), pattern))
        if not found:
            raise InputError(f"preset {preset!r} finds no episodes ({folder}/{layers.series.episode_pattern})",
                             "check [series] episodes and episode_pattern (clipkit presets show NAME)")
    items = [] if source is None else list(source) if isinstance(source, (list, tuple)) else [source]
    for item in items:
        p = Path(expect_path(item, "find")).expanduser()
        if p.is_dir():
            vids = _videos_in(p)
            if not vids:
                raise InputError(f"{p} holds no video files", "give a folder of episodes, or a video file")
            found += vids
        elif p.exists():
            found.append(p)
        else:
            raise InputError(f"file not found: {p}", "check the path")
    if not found:
        raise UsageError("nothing to search", f"give a video, a folder of episodes, or {option('preset', 'SERIES')}")
    # Absolute, as named: an episode that is a symlink (into a media library) keeps its own name and folder, where
    # its subtitle files are; the same file reached twice is listed once.
    out: list[Path] = []
    seen: set[Path] = set()
    for p in found:
        rp = p.resolve()
        if rp not in seen:
            seen.add(rp)
            out.append(Path(os.path.abspath(p)))
    return out


def _subs_filter(track: str | int | None) -> str | None:
    if track is None or track == "":
        return None
    text = str(track).strip()
    return f"track:{int(text)}" if text.isdigit() else text


@keywords_checked
def find(source: str | os.PathLike | list | tuple | None = None, query: str = "", *, preset: str | None = None,
         track: str | int | None = None, lang: str | None = None, fuzzy: bool = True, context: int = 1,
         limit: int | None = None, reindex: bool = False, progress: ProgressFn | None = None,
         fuzzy_min: float | None = None) -> FindResult:
    """The lines of dialogue matching ``query`` in ``source`` (a video, a folder, or a list), best first.

    ``track`` narrows to one source (``1`` or ``track:1``, or a sidecar's file
    name), ``lang`` to one language (``eng``, ``ja``).  The first search of a
    video reads its subtitles into the index; later ones answer from it.
    """
    from ..dialogue.index import DialogueIndex  # sqlite and threads: only when searching (gif/clip import this module)
    from ..dialogue.search import search
    from ..language import normalize_language

    if not query or not query.strip():
        raise UsageError("no text to search for", 'give a few words of the line, e.g. clipkit find ep07.mkv "always knew"')
    if context < 0:
        raise UsageError(f"{option('context', context)}: must be 0 or more", f"e.g. {option('context', 2)}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise UsageError(f"{option('limit', limit)}: must be a whole number, 1 or more", f"e.g. {option('limit', 5)} (default 20)")
    videos = episodes_of(source, preset=preset)
    with DialogueIndex() as index:
        notes = index.update(videos, reindex=reindex, progress=progress)
        skipped = index.unreadable(videos)
        language = normalize_language(lang)
        matches = search(index, videos, query, subs=_subs_filter(track), language=language,
                         fuzzy=fuzzy, context=context, limit=limit, fuzzy_min=fuzzy_min)
        if not notes:
            notes = [n for n in index.stored_notes(videos) if "picture track" not in n]
        wanted = _subs_filter(track)
        if not matches and wanted is not None:  # say when the track itself is missing, not the words
            have = dict.fromkeys(index.sources(videos))
            if wanted not in {name for name, _ in have}:
                there = ", ".join(f"{name} ({lang})" if lang else name for name, lang in have)
                notes.append(f"no subtitle source {wanted!r} here" + (f" (there are: {there})" if there
                                                                       else " (no text subtitles at all)"))
        if not matches and language is not None:  # say when the language itself is missing, not the words
            have = index.languages(videos)
            if language not in have:
                tagged = sorted({x for x in have if x})
                untagged = sum(1 for x in have if not x)
                notes.append(f"no subtitles in {language!r} here" + (
                    f" (there are: {', '.join(tagged)}" + (f", and {untagged} without a language tag" if untagged else "") + ")"
                    if tagged else f" ({untagged} without a language tag)" if untagged else " (no text subtitles at all)"))
    searched = tuple(v for v in videos if v not in skipped)
    if videos and not searched:  # nothing was searched: not "no line says … in 0 episodes"
        if len(videos) == 1:
            raise InputError(skipped[videos[0]], "check that it is a video file (mkv, mp4, …) and that it downloaded completely")
        names = ", ".join(v.name for v in videos[:3]) + (f" and {len(videos) - 3} more" if len(videos) > 3 else "")
        raise InputError(f"none of the {len(videos)} files is a video ffmpeg can read ({names})",
                         "give video files (mkv, mp4, …) or a folder of episodes")
    return FindResult(query, tuple(matches), searched, tuple(dict.fromkeys(notes)), tuple(skipped), skipped)


# ---------------------------------------------------------------- --line ranges


@dataclass(frozen=True)
class DialogueRange:
    """The range of a line (or lines) of dialogue, ready for a job."""

    start: Fraction
    end: Fraction
    text: str  # the chosen line(s) as written: the default caption and alt text
    subs: str  # the --subs value of the source the line came from
    first: Match
    last: Match
    notes: tuple[str, ...] = ()


#: The Line field each flag sets.
_LINE_FIELDS = {"--line": "text", "--from": "line_from", "--to": "line_to"}


def _asked(flag: str, query: str, match: int | None = None) -> str:
    """The line asked for, as it is written where the user typed it (errors.SPELLING): ``--line 'always knew'
    --match 2``, a job file's ``line = "always knew", match = 2``, or Python's ``Line('always knew', match=2)``."""
    how = SPELLING.get()
    if how == "job":
        return f"{flag.lstrip('-')} = {json.dumps(query, ensure_ascii=False)}" + (f", match = {match}" if match else "")
    if how == "flags":
        return f"{flag} {query!r}" + (f" --match {match}" if match else "")
    if flag == "--line" and not match:
        return f"line={query!r}"
    field_ = _LINE_FIELDS[flag]
    head = f"Line({query!r}" if field_ == "text" else f"Line({field_}={query!r}"
    return head + (f", match={match}" if match else "") + ")"


def _candidates(matches: tuple[Match, ...], flag: str, query: str, video: Path) -> str:
    shown = []
    for n, m in enumerate(matches[:8], 1):
        text = " / ".join(m.text.split("\n"))
        shown.append(f"{n}) {format_time(m.start)}–{format_time(m.end)} {m.subs} “{text}” → {_asked(flag, query, n)}")
    more = f" (and {len(matches) - 8} more)" if len(matches) > 8 else ""
    return "; ".join(shown) + more


def _pick(video: Path, query: str, flag: str, match: int | None, *, track, lang, after: Fraction | None = None) -> Match:
    result = find(video, query, track=track, lang=lang, context=0)
    matches = result.matches
    if after is not None:
        matches = tuple(m for m in matches if m.start >= after)
    if not matches:
        near = _closest(video, query, track, lang)
        hint = ("closest lines: " + "; ".join(f"{format_time(m.start)} “{' / '.join(m.text.split(chr(10)))}”" for m in near[:3])
                if near else f"`clipkit find {video.name} WORDS` lists what is said")
        where = f" after {format_time(after)}" if after is not None else ""
        raise UsageError(f"no line of {video.name}{where} says {query!r}", hint)
    if match is not None:
        if not 1 <= match <= len(matches):
            said = option("match", match)
            raise UsageError(f"{said}: {_asked(flag, query)} has {len(matches)} match{'es' if len(matches) != 1 else ''}",
                             _candidates(matches, flag, query, video))
        return matches[match - 1]
    best = [m for m in matches if m.score == matches[0].score]
    if len(best) > 1 or (not matches[0].exact and len(matches) > 1):
        raise UsageError(f"{_asked(flag, query)} matches {len(matches)} lines of {video.name}: say which",
                         _candidates(matches, flag, query, video))
    return matches[0]


def _near_note(flag: str, query: str, m: Match) -> str:
    text = " / ".join(m.text.split("\n"))
    return (f"{_asked(flag, query)}: no line says it as typed; took the near match ({round(m.score * 100)}%) "
            f"at {format_time(m.start)}–{format_time(m.end)} “{text}”")


def _closest(video: Path, query: str, track, lang) -> tuple[Match, ...]:
    """The lines most like ``query``, however loosely (for the error when nothing matches)."""
    return find(video, query, track=track, lang=lang, context=0, limit=3, fuzzy_min=0.45).matches


def _snap(video: Path, start: Fraction, end: Fraction, first: Match, last: Match, pad_before: Fraction,
          pad_after: Fraction, duration: Fraction, scenes_settings) -> tuple[Fraction, Fraction, list[str]]:
    """Move each end onto a shot boundary within the padding of the line's edge."""
    from .scenes import detect_scenes

    lo = max(Fraction(0), first.start - pad_before - 1)
    hi = min(duration, last.end + pad_after + 1)
    found = detect_scenes(video, start=lo, end=hi, settings=scenes_settings)
    edges = {lo, hi} - {Fraction(0), duration}
    bounds = sorted({sc.start for sc in found.scenes} - edges - {Fraction(0)})  # the file's start is no cut
    notes = []

    def nearest(edge: Fraction, pad: Fraction) -> Fraction | None:
        near = [b for b in bounds if abs(b - edge) <= pad]
        return min(near, key=lambda b: (abs(b - edge), b)) if near else None

    b = nearest(first.start, pad_before)
    if b is not None:
        start = b
        notes.append(f"start moved onto the cut at {format_time(b)}")
    b = nearest(last.end, pad_after)
    if b is not None and b > start:
        end = b
        notes.append(f"end moved onto the cut at {format_time(b)}")
    return start, end, notes


def dialogue_range(video: str | os.PathLike, line: str | None = None, *, from_: str | None = None,
                   to: str | None = None, match: int | None = None, pad: str | Fraction | None = None,
                   pad_before: str | Fraction | None = None, pad_after: str | Fraction | None = None,
                   snap: bool = True, track: str | int | None = None, lang: str | None = None,
                   scenes_settings=None) -> DialogueRange:
    """The time range of the line ``line`` (or from the line ``from_`` to the line ``to``) in ``video``.

    The span is padded (``pad``, default 0.3 s, or ``pad_before``/``pad_after``)
    and each end moved onto a shot boundary within its padding (``snap``).
    Several matching lines are an error listing them (pick one with ``match``);
    no match is an error showing the closest lines.
    """
    from ..media.probe import probe
    from ..timecode import parse_time

    said_line, said_from, said_to = option("line"), option("line_from", flag="--from"), option("line_to", flag="--to")
    if line and (from_ or to):
        raise UsageError(f"{said_line} cannot be combined with {said_from}/{said_to}",
                         f"use {said_line} for one line, or {option('line_from', 'A', flag='--from')} {option('line_to', 'B', flag='--to')}")
    if not line and not (from_ and to):
        raise UsageError(f"{said_from} needs {said_to} (and {said_to} needs {said_from})",
                         f"e.g. {option('line_from', 'Where were you', flag='--from')} {option('line_to', 'always knew', flag='--to')}")

    def seconds(v, default: Fraction) -> Fraction:
        if v is None:
            return default
        t = v if isinstance(v, Fraction) else Fraction(parse_time(str(v)))
        if t < 0:
            raise UsageError(f"padding {v!r} is negative", f"give 0 or more, e.g. {option('pad', '0.5s')}")
        return t

    base = seconds(pad, DEFAULT_PAD)
    before, after = seconds(pad_before, base), seconds(pad_after, base)
    info = probe(video)
    path = info.path  # as named: a symlinked episode's subtitle files are beside the link
    if line:
        first = last = _pick(path, line, "--line", match, track=track, lang=lang)
    else:
        first = _pick(path, from_, "--from", match, track=track, lang=lang)
        last = _pick(path, to, "--to", None, track=track or first.subs, lang=lang, after=first.start)
    start = max(Fraction(0), first.start - before)
    end = min(info.duration, last.end + after)
    notes: list[str] = [_near_note(flag, query, m) for flag, query, m in
                        ((("--line", line, first),) if line else (("--from", from_, first), ("--to", to, last)))
                        if not m.exact]  # a near match is taken, and said (as `clipkit find` marks it)
    if snap:
        start, end, snapped = _snap(path, start, end, first, last, before, after, info.duration, scenes_settings)
        notes.extend(snapped)
    text = first.text if first is last else "\n".join([first.text, last.text]) if first.end >= last.start else first.text + "\n…\n" + last.text
    return DialogueRange(start, end, text, first.subs, first, last, tuple(notes))


# ---------------------------------------------------------------- --line on the job functions


@dataclass(frozen=True)
class Line:
    """A range chosen by its dialogue, for the job functions' ``line=`` keyword.

    ``clipkit.gif(path, line="always knew")`` is the short form of
    ``line=Line("always knew")``; a stretch of dialogue is
    ``Line(line_from="Where were you", line_to="always knew")``.  ``match``
    picks one of several matching lines; ``pad`` (or ``pad_before`` /
    ``pad_after``) is the time added around it (default 0.3 s).
    """

    text: str | None = None
    line_from: str | None = None
    line_to: str | None = None
    match: int | None = None
    pad: str | Fraction | None = None
    pad_before: str | Fraction | None = None
    pad_after: str | Fraction | None = None

    @classmethod
    def of(cls, value: "str | Line | None") -> "Line | None":
        """``line=`` as given (text, a Line, or None) → a Line, or None when no line is asked for."""
        if value is None or isinstance(value, Line):
            return value if value is None or value.text or value.line_from or value.line_to else None
        return cls(str(value)) if str(value).strip() else None


keywords_checked_init(Line)  # Line(mtach=2): "did you mean 'match'?", not a TypeError


def said_range(info, start=None, end=None, *, what: str, scene=None, line: "str | Line | None" = None,
               snap: bool = True) -> DialogueRange | None:
    """The range chosen by dialogue for a job (``what``: "a GIF", "a clip" …), or None when no line was given.

    A line and typed times (or a shot number, a strip's range) are two answers
    to one question: giving both is a usage error.
    """
    choice = Line.of(line)
    if choice is None:
        return None
    if start is not None or end is not None or scene is not None:
        raise UsageError(f"{what} takes its range one way: typed times (or {option('scene')}, {option('range_', flag='--range')}, "
                         f"{option('at')}), or a line of dialogue ({option('line')}, {option('line_from', flag='--from')}/"
                         f"{option('line_to', flag='--to')})", f"give only one, e.g. {option('line', 'always knew')} alone")
    if getattr(info, "label", None):  # frames: stored in a temporary file that has no subtitles beside it or in it
        said = choice.text or choice.line_from
        raise UsageError(f"there is no dialogue in {info.label} to find {said!r} in",
                         "line= searches a video file's subtitles: give the frames' range as times instead, "
                         'e.g. clipkit.gif(frames, "1", "+3")')
    return dialogue_range(info.path, choice.text, from_=choice.line_from, to=choice.line_to, match=choice.match,
                          pad=choice.pad if snap or choice.pad is not None else 0, pad_before=choice.pad_before,
                          pad_after=choice.pad_after, snap=snap)


def said_subs(said: DialogueRange, info) -> str:
    """The ``--subs`` value for the source the line was found in (a sidecar by its full path)."""
    return said.subs if said.subs.startswith("track:") else str(Path(info.path).parent / said.subs)


def said_first(said: DialogueRange | None, captions: tuple[str, ...]) -> tuple[str, ...]:
    """A job's caption texts with the chosen line first (it is the alt text's start)."""
    if said is None:
        return captions
    first, last = said.first.text, said.last.text
    if said.first is not said.last and first in captions and last in captions:
        # --from/--to with the dialogue burned in: its lines, in order from the first, are the
        # stretch itself (the "A … B" summary would only repeat two of them)
        i = captions.index(first)
        return (*captions[i:], *captions[:i])
    # A line found across two subtitles ("I always knew…" / "…you'd come back") is said.text whole: its
    # subtitles, captioned one after the other, would repeat it in the alt text.
    said_lines = {ln.strip() for t in (said.text, first, last) for ln in t.split("\n") if ln.strip()}
    return (said.text, *[c for c in captions
                         if c not in (said.text, first, last)
                         and not all(ln.strip() in said_lines for ln in c.split("\n") if ln.strip())])
