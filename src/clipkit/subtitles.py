"""Dialogue lines from subtitle files and text tracks, as timed caption cues.

Sources (``--subs``):

* ``auto`` — a subtitle file beside the video with the same stem
  (``ep07.srt``, ``ep07.en.srt``, ``.ass``, ``.vtt``, as players find them),
  else the first *text* track of the file in the preferred language, else the
  first text track; nothing when there is none (bitmap tracks are skipped).
* ``off`` — no subtitles.
* a file path — SRT, ASS/SSA or WebVTT in any encoding (UTF-8 with or without
  BOM, UTF-16, Latin-1/cp1252).
* ``track:N`` — the N-th subtitle track (``0:s:N``), extracted with the
  bundled ffmpeg; ``lang:xxx`` — the first text track in that language.

Every event becomes a :class:`Cue`: exact :class:`~fractions.Fraction` times
in seconds from the start of the file, lines of styled :class:`Run`\\ s (ASS
``\\N`` breaks, italic and bold kept; other override tags stripped) and
whether it asks to sit at the top (``{\\an8}``).  :func:`clip_cues` retimes
cues to a clip.  pysubs2 parses; nothing here draws.
"""

from __future__ import annotations

import functools
import locale
import os
import re
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

from .errors import InputError, MediaError, UsageError
from .media.ffmpeg import run_ffmpeg
from .media.probe import MediaInfo, SubtitleTrack

__all__ = [
    "Run",
    "Cue",
    "SubtitleSource",
    "load_subtitle_file",
    "extract_track",
    "select_subtitles",
    "clip_cues",
    "parse_ass_text",
    "typed_cue",
    "cues_at",
    "find_sidecar",
    "JobCaptions",
    "gather_captions",
    "parse_span",
    "normalize_language",
]

SUBTITLE_SUFFIXES = (".srt", ".ass", ".ssa", ".vtt")
_MAX_SUBTITLE_BYTES = 50 * 1024 * 1024


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


# ---------------------------------------------------------------- ASS text → runs

_BLOCK_RE = re.compile(r"\{([^}]*)\}")
_TAG_RE = re.compile(r"\\(\d?[a-zA-Z]+)(\([^)]*\)|[^\\]*)")
_HTML_RE = re.compile(r"</?(?:font|i|b|u|s|c|v|lang|ruby|rt)(?:[.\s][^>]*)?>|<\d+:\d+[:.\d]*>", re.IGNORECASE)


def _flag(value: str, default_on: bool) -> bool:
    value = value.strip()
    if not value:
        return default_on
    try:
        return int(value) != 0 if int(value) in (0, 1) else int(value) >= 600
    except ValueError:
        return default_on


def parse_ass_text(text: str, *, bold: bool = False, italic: bool = False, top: bool = False) -> tuple[tuple[tuple[Run, ...], ...], bool]:
    """ASS/SSA event text (as pysubs2 gives it, also for SRT/VTT) → ``(lines, top)``.

    ``\\N`` is a line break, ``\\n`` and ``\\h`` are spaces; ``\\i`` and ``\\b``
    switch italic/bold; ``\\an7-9`` (or legacy ``\\a5-7``) put it at the top,
    ``\\an1-3`` at the bottom; ``\\r`` resets; drawings (``\\p1``) are dropped;
    every other override tag is stripped, as are leftover HTML-like tags.
    """
    text = _HTML_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    base_bold, base_italic = bold, italic
    lines: list[list[Run]] = [[]]
    drawing = False
    pos = 0

    def emit(chunk: str) -> None:
        if drawing or not chunk:
            return
        chunk = chunk.replace("\\h", "\u00a0").replace("\\n", " ")
        parts = re.split(r"\\N|\n", chunk)
        for i, part in enumerate(parts):
            if i:
                lines.append([])
            if part:
                line = lines[-1]
                if line and line[-1].bold == bold and line[-1].italic == italic:
                    line[-1] = Run(line[-1].text + part, bold, italic)
                else:
                    line.append(Run(part, bold, italic))

    for m in _BLOCK_RE.finditer(text):
        emit(text[pos:m.start()])
        pos = m.end()
        for tag, arg in _TAG_RE.findall(m.group(1)):
            name = tag.lower()
            if name == "i":
                italic = _flag(arg, True)
            elif name == "b":
                bold = _flag(arg, True)
            elif name == "an" and arg.strip()[:1].isdigit():
                top = int(arg.strip()[:1]) >= 7
            elif name == "a" and arg.strip().isdigit():  # legacy SSA alignment: 5-7 top
                top = int(arg.strip()) in (5, 6, 7)
            elif name == "r":
                bold, italic = base_bold, base_italic
            elif name == "p" and arg.strip().isdigit():
                drawing = int(arg.strip()) > 0
    emit(text[pos:])
    cleaned: list[tuple[Run, ...]] = []
    for line in lines:
        runs = [Run(re.sub(r"[ \t]+", " ", r.text), r.bold, r.italic) for r in line]
        if runs:
            runs[0] = replace(runs[0], text=runs[0].text.lstrip())
            runs[-1] = replace(runs[-1], text=runs[-1].text.rstrip())
        runs = [r for r in runs if r.text]
        cleaned.append(tuple(runs))
    while cleaned and not cleaned[0]:
        cleaned.pop(0)
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    return tuple(cleaned), top


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


# ---------------------------------------------------------------- files


def _decode(data: bytes, path: Path) -> str:
    """Subtitle bytes → text: BOM first, then UTF-8, then cp1252/Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # Windows Western, a superset of Latin-1's printable range
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _cues_from_ssa(subs) -> list[Cue]:
    cues: list[Cue] = []
    for ev in subs.events:
        if getattr(ev, "is_comment", False) or ev.end <= ev.start:
            continue
        style = subs.styles.get(ev.style) if hasattr(subs, "styles") else None
        bold = bool(style and style.bold)
        italic = bool(style and style.italic)
        top = bool(style and int(getattr(style, "alignment", 2)) >= 7)
        lines, top = parse_ass_text(ev.text, bold=bold, italic=italic, top=top)
        if not any(lines):
            continue  # an empty event: nothing to show
        cues.append(Cue(Fraction(ev.start, 1000), Fraction(ev.end, 1000), lines, top))
    cues.sort(key=lambda c: (c.start, c.end))
    return cues


def _parse_text(text: str, name: str, fmt: str | None = None) -> list[Cue]:
    import pysubs2

    try:
        subs = pysubs2.SSAFile.from_string(text, format_=fmt)
    except Exception as exc:  # pysubs2 raises its own FormatAutodetectionError and plain ValueErrors
        raise InputError(
            f"{name} is not a subtitle file clipkit can read ({type(exc).__name__}: {exc})",
            "give an .srt, .ass/.ssa or .vtt file",
        ) from None
    return _cues_from_ssa(subs)


def load_subtitle_file(path: str | os.PathLike) -> list[Cue]:
    """All cues of an SRT/ASS/SSA/VTT file, in any common encoding; InputError if unreadable."""
    p = Path(path).expanduser()
    if not p.exists():
        raise InputError(f"subtitle file not found: {p}", "check the path, or use --subs auto / track:N / lang:xxx")
    if p.is_dir():
        raise InputError(f"{p} is a folder, not a subtitle file", "give an .srt, .ass or .vtt file")
    try:
        size = p.stat().st_size
        if size > _MAX_SUBTITLE_BYTES:
            raise InputError(f"{p} is {size // 1_000_000} MB: too big for a subtitle file", "give an .srt, .ass or .vtt file")
        data = p.read_bytes()
    except PermissionError:
        raise InputError(f"cannot read {p}: permission denied", "check the file's permissions") from None
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}", "check the path") from None
    if not data.strip():
        raise InputError(f"{p} is empty", "give a subtitle file with at least one line")
    text = _decode(data, p)
    suffix = p.suffix.lower()
    fmt = {".srt": "srt", ".ass": "ass", ".ssa": "ssa", ".vtt": "vtt"}.get(suffix)
    try:
        cues = _parse_text(text, p.name, fmt)
    except InputError:
        if fmt is None:
            raise
        cues = _parse_text(text, p.name, None)  # a misnamed file: let pysubs2 detect the format
    if not cues:
        raise InputError(f"{p} has no subtitle lines clipkit can read (not a subtitle file, or only empty lines)",
                         "give an .srt, .ass/.ssa or .vtt file with dialogue")
    return cues


# ---------------------------------------------------------------- tracks


def _track_list(info: MediaInfo) -> str:
    if not info.subtitles:
        return "it has no subtitle tracks"
    parts = []
    for t in info.subtitles:
        bits = [t.language or "und", t.codec]
        if t.title:
            bits.append(t.title)
        if not t.is_text:
            bits.append("bitmap")
        parts.append(f"track:{t.index} ({', '.join(bits)})")
    return "its tracks: " + "; ".join(parts)


def _refuse_bitmap(info: MediaInfo, track: SubtitleTrack) -> None:
    if not track.is_text:
        raise InputError(
            f"subtitle track {track.index} of {info.path.name} is a bitmap track ({track.codec}): pictures, not text",
            "use a text track or an .srt file with --subs (" + _track_list(info) + ")",
        )


@functools.lru_cache(maxsize=16)
def _extract_cached(path: str, mtime_ns: int, index: int, codec: str) -> tuple[Cue, ...]:
    fmt = "ass" if codec in ("ass", "ssa") else "srt"
    proc = run_ffmpeg(
        ["-i", path, "-map", f"0:s:{index}", "-c:s", fmt, "-f", fmt, "pipe:1"],
        what=f"extracting subtitle track {index}",
    )
    text = proc.stdout.decode("utf-8", "replace")
    if not text.strip():
        return ()
    return tuple(_parse_text(text, f"subtitle track {index}", fmt))


def extract_track(info: MediaInfo, index: int) -> list[Cue]:
    """The cues of text subtitle track ``index`` (``0:s:index``), via the bundled ffmpeg."""
    tracks = {t.index: t for t in info.subtitles}
    if index not in tracks:
        raise InputError(f"{info.path.name} has no subtitle track {index}", _track_list(info))
    track = tracks[index]
    _refuse_bitmap(info, track)
    try:
        mtime = info.path.stat().st_mtime_ns
    except OSError:
        mtime = 0
    try:
        return list(_extract_cached(str(info.path), mtime, index, track.codec))
    except MediaError as exc:
        raise MediaError(f"could not read subtitle track {index} of {info.path.name}: {exc.message}", "try --subs with an .srt file") from None


# ---------------------------------------------------------------- choosing

_LANG_EQUIV = {
    "en": "eng", "ja": "jpn", "ko": "kor", "zh": "zho", "chi": "zho", "fr": "fra", "fre": "fra",
    "de": "deu", "ger": "deu", "es": "spa", "it": "ita", "pt": "por", "ru": "rus", "ar": "ara",
    "he": "heb", "iw": "heb", "nl": "nld", "dut": "nld", "sv": "swe", "pl": "pol", "tr": "tur",
    "th": "tha", "vi": "vie", "id": "ind", "hi": "hin", "el": "ell", "gre": "ell", "fa": "fas", "per": "fas",
    "cs": "ces", "cze": "ces", "ro": "ron", "rum": "ron", "uk": "ukr", "hu": "hun", "fi": "fin",
    "da": "dan", "no": "nor", "nb": "nor", "ms": "msa", "may": "msa", "tl": "tgl", "fil": "tgl",
}


def normalize_language(code: str | None) -> str | None:
    """An ISO 639 code (``en``, ``eng``, ``en-US``, ``jpn``) → its three-letter form."""
    if not code:
        return None
    c = code.strip().lower().replace("_", "-").split("-")[0]
    return _LANG_EQUIV.get(c, c) or None


def preferred_language() -> str | None:
    """The user's language from the locale (``LANGUAGE``/``LC_ALL``/``LC_MESSAGES``/``LANG``)."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "").split(":")[0]
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return normalize_language(value.split(".")[0])
    try:
        value = locale.getlocale()[0]
    except ValueError:
        value = None
    return normalize_language(value) if value else None


def find_sidecar(video: Path, language: str | None = None) -> Path | None:
    """A subtitle file beside ``video`` with its stem: ``ep07.srt``, ``ep07.en.srt``, ``ep07.ass`` …

    A file tagged with ``language`` wins, then the untagged one, then any tagged one.
    """
    try:
        siblings = [p for p in video.parent.iterdir() if p.is_file() and p.suffix.lower() in SUBTITLE_SUFFIXES]
    except OSError:
        return None
    want = normalize_language(language)
    stem = video.stem
    exact, tagged_match, tagged_other = [], [], []
    for p in siblings:
        if p.stem == stem:
            exact.append(p)
        elif p.stem.startswith(stem + "."):
            tag = p.stem[len(stem) + 1:].split(".")[0]
            (tagged_match if want and normalize_language(tag) == want else tagged_other).append(p)
    order = {s: i for i, s in enumerate(SUBTITLE_SUFFIXES)}
    for group in (tagged_match, exact, tagged_other):
        if group:
            return sorted(group, key=lambda p: (order.get(p.suffix.lower(), 9), p.name))[0]
    return None


def _describe_track(t: SubtitleTrack) -> str:
    bits = [b for b in (t.language, t.title) if b]
    return f"track {t.index}" + (f" ({', '.join(bits)})" if bits else "")


def select_subtitles(
    info: MediaInfo,
    spec: str | os.PathLike | None = "auto",
    *,
    language: str | None = None,
) -> SubtitleSource | None:
    """Resolve ``--subs`` for a video: ``auto``, ``off``, a file, ``track:N`` or ``lang:xxx``.

    ``language`` is the preferred language for ``auto`` (default: the
    locale's).  Returns None when there are no subtitles to use (``off``, or
    ``auto`` found nothing).  Raises :class:`InputError` for a missing file,
    a track that does not exist (listing the tracks) or a bitmap track.
    """
    if spec is None:
        return None
    raw = os.fspath(spec) if isinstance(spec, os.PathLike) else str(spec)
    key = raw.strip()
    low = key.lower()
    if low in ("off", "none", "no", ""):
        return None
    if low.startswith("track:"):
        try:
            index = int(key.split(":", 1)[1])
        except ValueError:
            raise UsageError(f"--subs {key}: the track must be a number", "e.g. --subs track:0 (" + _track_list(info) + ")") from None
        track = next((t for t in info.subtitles if t.index == index), None)
        cues = extract_track(info, index)
        return SubtitleSource(tuple(cues), _describe_track(track), normalize_language(track.language))
    if low.startswith("lang:"):
        want = normalize_language(key.split(":", 1)[1])
        if not want:
            raise UsageError(f"--subs {key}: no language given", "e.g. --subs lang:eng or lang:jpn")
        matching = [t for t in info.subtitles if normalize_language(t.language) == want]
        text_tracks = [t for t in matching if t.is_text]
        if not text_tracks:
            if matching:
                _refuse_bitmap(info, matching[0])
            raise InputError(f"{info.path.name} has no subtitle track in {want}", _track_list(info))
        track = text_tracks[0]
        return SubtitleSource(tuple(extract_track(info, track.index)), _describe_track(track), want)
    if low == "auto":
        want = normalize_language(language) or preferred_language()
        sidecar = find_sidecar(info.path, want)
        if sidecar is not None:
            tag = sidecar.stem[len(info.path.stem) + 1:] if sidecar.stem != info.path.stem else None
            return SubtitleSource(tuple(load_subtitle_file(sidecar)), sidecar.name, normalize_language(tag) if tag else None)
        text_tracks = [t for t in info.subtitles if t.is_text]
        if not text_tracks:
            return None
        pick = next((t for t in text_tracks if want and normalize_language(t.language) == want), None)
        pick = pick or next((t for t in text_tracks if t.default), None) or text_tracks[0]
        return SubtitleSource(tuple(extract_track(info, pick.index)), _describe_track(pick), normalize_language(pick.language))
    path = Path(raw).expanduser()
    return SubtitleSource(tuple(load_subtitle_file(path)), path.name, None)


# ---------------------------------------------------------------- timing


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


# ---------------------------------------------------------------- a job's captions


@dataclass(frozen=True)
class JobCaptions:
    """Everything a GIF or still burns in: cues (file time), which are typed, font language, notes."""

    cues: tuple[Cue, ...]
    typed: tuple[Cue, ...]  # the user's own captions: an error if they cannot fit
    language: str | None
    notes: tuple[str, ...]

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(c.text for c in self.cues)


def parse_span(span: str, frame_rate: Fraction | None = None) -> tuple[Fraction, Fraction]:
    """``"12:32-12:34"`` or ``"12:32-+2"`` → (start, end) in seconds; TimecodeError if not a span."""
    from .errors import TimecodeError
    from .timecode import parse_end, parse_time

    text = span.strip()
    if "-" not in text:
        raise TimecodeError(f"--caption-at {span!r} is not a span", 'write START-END, e.g. --caption-at 12:32-12:34 "text"')
    a, b = text.split("-", 1)
    start = parse_time(a.strip(), frame_rate=frame_rate)
    end = parse_end(b.strip(), start, frame_rate=frame_rate) if b.strip().startswith("+") else parse_time(b.strip(), frame_rate=frame_rate)
    if end <= start:
        raise TimecodeError(f"--caption-at {span!r} ends before it starts", "give START-END with END after START")
    return start, end


def gather_captions(
    info: MediaInfo,
    start: Fraction,
    end: Fraction,
    *,
    subs: str | os.PathLike | None = "auto",
    captions=(),
    caption_at=(),
    subs_language: str | None = None,
) -> JobCaptions:
    """The cues a job over ``[start, end)`` of ``info`` burns in.

    ``captions`` are texts shown over the whole range; ``caption_at`` are
    ``(span, text)`` pairs (span ``"12:32-12:34"`` or a ``(start, end)``
    pair, in file time).  Typed captions replace ``subs="auto"`` dialogue
    (an explicit ``subs`` source still adds its lines).  Notes say where the
    dialogue came from and how many lines fall in the range.
    """
    if isinstance(captions, str):
        captions = [captions]
    if caption_at and isinstance(caption_at[0], str):
        caption_at = [caption_at]  # a single (span, text) pair
    rate = info.video.frame_rate if info.video else None
    typed: list[Cue] = [typed_cue(text, start, end) for text in captions]
    for span, text in caption_at:
        s0, s1 = parse_span(span, rate) if isinstance(span, str) else (Fraction(span[0]), Fraction(span[1]))
        if s1 <= start or s0 >= end:
            from .errors import TimecodeError
            from .timecode import format_time

            raise TimecodeError(
                f"--caption-at {format_time(s0)}-{format_time(s1)} is outside the range {format_time(start)}-{format_time(end)}",
                "give a span inside the clip (times count from the start of the file)",
            )
        typed.append(typed_cue(text, s0, s1))
    notes: list[str] = []
    spec = subs
    if typed and spec is not None and str(spec).strip().lower() == "auto":
        spec = None
    source = select_subtitles(info, spec, language=subs_language) if spec is not None else None
    dialogue: list[Cue] = []
    lang = None
    if source is None and spec is not None and str(spec).strip().lower() == "auto":
        bitmaps = [t for t in info.subtitles if not t.is_text]
        if bitmaps:
            notes.append(f"no captions: the subtitle track{'s' if len(bitmaps) > 1 else ''} of {info.path.name} "
                         f"{'are' if len(bitmaps) > 1 else 'is a'} bitmap ({bitmaps[0].codec}), not text; "
                         "give an .srt with --subs FILE")
    if source is not None:
        lang = source.language
        dialogue = [c for c in source.cues if c.end > start and c.start < end]
        notes.append(f"captions from {source.description}: {len(dialogue)} line{'s' if len(dialogue) != 1 else ''} in the range")
    return JobCaptions(tuple(sorted(typed + dialogue, key=lambda c: (c.start, c.end))), tuple(typed), lang, tuple(notes))
