"""Subtitle files: SRT, ASS/SSA and WebVTT in any common encoding, and the sidecar beside a video.

Bytes are decoded by their BOM, else as UTF-8, else cp1252/Latin-1; pysubs2
parses (by the suffix, else by detection for a misnamed file).
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

from ..errors import InputError, option
from ..language import is_cjk, normalize_language
from .ass import cues_from_events
from .model import Cue

__all__ = ["SUBTITLE_SUFFIXES", "decode_subtitle_bytes", "parse_subtitle_text", "load_subtitle_file", "find_sidecar"]

SUBTITLE_SUFFIXES = (".srt", ".ass", ".ssa", ".vtt")

# pysubs2 warns of an ASS field it cannot read and uses its default ("Failed to parse marginv, using default": a
# margin clipkit does not use); the warning reached the terminal as two lines of pysubs2's path and source.
warnings.filterwarnings("ignore", message=r"Failed to parse \w+, using default", category=RuntimeWarning)
_MAX_SUBTITLE_BYTES = 50 * 1024 * 1024


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the bytes look like UTF-16 text without a BOM (ASCII with a zero byte beside each)."""
    head = data[:4096]
    pairs = len(head) // 2
    if pairs < 4:
        return None
    zero_odd = sum(1 for i in range(1, 2 * pairs, 2) if head[i] == 0)
    zero_even = sum(1 for i in range(0, 2 * pairs, 2) if head[i] == 0)
    if zero_odd > 0.3 * pairs and zero_even < 0.05 * pairs:
        return "utf-16-le"
    if zero_even > 0.3 * pairs and zero_odd < 0.05 * pairs:
        return "utf-16-be"
    return None


def _has_kana(text: str) -> bool:
    return any(0x3040 <= ord(c) <= 0x30FF for c in text)


def _gb2312_share(data: bytes) -> float:
    """The share of a GBK/GB18030 text's two-byte characters in the GB2312 zone (both bytes 0xA1-0xFE, where
    every common Simplified Chinese character and Korean's EUC-KR bytes lie; Big5 text has trail bytes under 0x7F)."""
    pairs = zone = i = 0
    while i < len(data):
        if data[i] >= 0x81 and i + 1 < len(data):
            pairs += 1
            zone += 0xA1 <= data[i] <= 0xF7 and 0xA1 <= data[i + 1] <= 0xFE
            i += 2
        else:
            i += 1
    return zone / pairs if pairs else 0.0


def _legacy_cjk(data: bytes) -> str | None:
    """Korean (EUC-KR/CP949), Simplified Chinese (GBK/GB18030) or Traditional Chinese (Big5) subtitles, when the
    bytes read as such text: nearly all Hangul, or nearly all CJK and not glued inside Latin words (a cp1252
    ``élève`` can decode as Big5, as one Han character between letters)."""
    for enc in ("cp949", "gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        wide = sum(1 for c in text if ord(c) > 0x7F)
        if wide < 2 or (enc == "gb18030" and _gb2312_share(data) < 0.9):
            continue
        hangul = enc == "cp949"
        ours = [i for i, c in enumerate(text) if (0xAC00 <= ord(c) <= 0xD7A3 if hangul else is_cjk(c))]
        glued = sum(1 for i in ours if any(0 <= j < len(text) and text[j].isascii() and text[j].isalpha()
                                          for j in (i - 1, i + 1)))  # "It’s" in cp1252 reads "It뭩" in cp949
        latin = sum(1 for line in text.splitlines() if not line.isascii()  # the lines with dialogue (not a header's)
                    for c in line if c.isascii() and c.isalpha())  # are not mostly Latin in Chinese/Korean subtitles
        if len(ours) >= max(4, 0.9 * wide, 0.25 * latin) and glued <= 0.1 * len(ours):
            return text
    return None


def decode_subtitle_bytes(data: bytes) -> str:
    """Subtitle bytes → text: BOM first, then UTF-16 without BOM, UTF-8, Shift-JIS (when it reads as
    Japanese), EUC-KR/CP949, GBK and Big5 (when they read as Korean or Chinese), then cp1252/Latin-1.
    Damaged bytes become U+FFFD, never an exception."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")  # an odd byte count or a lone surrogate: replaced
    bare = _utf16_without_bom(data)
    if bare:
        return data.decode(bare, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp932")  # Shift-JIS, as Japanese fansubs and old rips are often saved
        if _has_kana(text):
            return text
    except UnicodeDecodeError:
        pass
    text = _legacy_cjk(data)  # Korean and Chinese fansubs are often saved so
    if text is not None:
        return text
    try:
        return data.decode("cp1252")  # Windows Western, a superset of Latin-1's printable range
    except UnicodeDecodeError:
        return data.decode("latin-1")


#: A WebVTT cue's timing line and its settings (``00:01.000 --> 00:03.000 line:0 align:center``).
_VTT_TIMING = re.compile(r"^\s*(?:\d+:)?\d+:\d+[.,]\d+\s+-->\s+(?:\d+:)?\d+:\d+[.,]\d+(?P<settings>.*)$")
_VTT_LINE = re.compile(r"(?:^|\s)line:(?P<value>-?\d+(?:\.\d+)?)(?P<pct>%?)")


def _vtt_at_top(settings: str) -> bool:
    """A cue's ``line:`` setting puts it in the top half: a line number counted from the top
    (``line:0``, ``line:1``; negative ones count from the bottom) or under 50 % of the height."""
    m = _VTT_LINE.search(settings)
    if m is None:
        return False
    value = float(m.group("value"))
    return value < 50 if m.group("pct") else value >= 0


#: A WebVTT block that is no cue: a comment (``NOTE …``), a style sheet (``STYLE``) or a region (``REGION``).
_VTT_NOT_CUE = re.compile(r"^(?:NOTE|STYLE|REGION)(?:[ \t].*)?$")


def _vtt_placement_as_ass(text: str) -> str:
    """WebVTT with each top-placed cue's text opened by ``{\\an8}``: pysubs2 drops the cue settings,
    and the ASS tag is what the rest of the reader already places at the top.  Cue identifiers (the
    line before a timing line) and NOTE/STYLE/REGION blocks are left out: pysubs2 would append them to the
    previous cue's text ("Hello" / "NOTE a comment", "World" / "STYLE" / "::cue …")."""
    out, mark, skipping = [], False, False
    for line in text.splitlines():
        if skipping or (_VTT_NOT_CUE.match(line) and (not out or not out[-1].strip())):
            skipping = bool(line.strip())  # to the blank line that ends the block
            continue
        timing = _VTT_TIMING.match(line)
        if timing:
            mark = _vtt_at_top(timing.group("settings"))
            if len(out) >= 2 and out[-1].strip() and not out[-2].strip():  # "c1" / "intro" / "12"
                out.pop()
        elif mark and line.strip():
            line, mark = "{\\an8}" + line, False
        out.append(line)
    return "\n".join(out) + "\n"


#: A ruby's reading (``<ruby>東京<rt>とうきょう</rt></ruby>``: furigana in Japanese WebVTT) and its fallback
#: parentheses (``<rp>``), with their text: pysubs2 drops the tags but keeps the text, and "東京とうきょう" was shown.
_RUBY_TEXT = re.compile(r"<(rt|rp)(?:[.\s][^>\n]*)?>.*?(?:</\1\s*>|(?=</ruby\s*>)|(?=<r[tp][.\s>])|(?=\n)|$)",
                        re.IGNORECASE | re.DOTALL)


_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)

#: A line of digits alone: an SRT cue's number, or dialogue ("1999", "3").
_NUMBER_LINE = re.compile(r"^[ \t]*\d+[ \t]*$")


def _numbers_kept(text: str) -> str:
    """SRT/WebVTT text whose cue numbers are left out and whose dialogue lines of digits alone end in an empty
    ASS block (``{}``, which the reader drops): pysubs2 takes a last line of digits for the next cue's number, and
    "The year was" / "1999" lost its year when it was the file's last cue."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        if _NUMBER_LINE.match(line):
            if i + 1 < len(lines) and "-->" in lines[i + 1]:
                continue  # the next cue's number
            line = line.rstrip() + "{}"
        out.append(line)
    return "\n".join(out)


def parse_subtitle_text(text: str, name: str, fmt: str | None = None) -> list[Cue]:
    """Subtitle text in ``fmt`` (``srt``/``ass``/``ssa``/``vtt``, None: detect) → cues; InputError if not subtitles."""
    import pysubs2

    text = text.replace("\r\n", "\n").replace("\r", "\n")  # Windows/old Mac line ends: pysubs2 splits on \n only
    if fmt == "vtt" or (fmt is None and text.lstrip("\ufeff \r\n").startswith("WEBVTT")):
        text = _vtt_placement_as_ass(text)
    if fmt not in ("ass", "ssa") and "<r" in text.lower():  # WebVTT/SRT markup (ASS text has no such tags)
        text = _RUBY_TEXT.sub("", text)
    if fmt not in ("ass", "ssa") and "<br" in text.lower():  # an HTML line break in an SRT (from web subtitles):
        text = _BREAK.sub("\\\\N", text)  # pysubs2 drops the tag and glued "one<br>two" into "onetwo"
    if fmt not in ("ass", "ssa") and "-->" in text and "[Script Info]" not in text:
        text = _numbers_kept(text)
    try:
        # pysubs2 removes every "<letter…>" of SRT/WebVTT text, as if a tag: "< y >" vanished and
        # "a < b and c > d" read "a  d"; the cue text comes whole and parse_ass_text reads only real markup
        subs = pysubs2.SSAFile.from_string(text, format_=fmt, keep_html_tags=True)
    except Exception as exc:  # pysubs2 raises its own FormatAutodetectionError and plain ValueErrors
        raise InputError(
            f"{name} is not a subtitle file clipkit can read ({type(exc).__name__}: {exc})",
            "give an .srt, .ass/.ssa or .vtt file",
        ) from None
    return cues_from_events(subs)


def load_subtitle_file(path: str | os.PathLike) -> list[Cue]:
    """All cues of an SRT/ASS/SSA/VTT file, in any common encoding; InputError if unreadable."""
    p = Path(path).expanduser()
    if not p.exists():
        raise InputError(f"subtitle file not found: {p}", f"check the path, or use {option('subs', 'auto')} / track:N / lang:xxx")
    if p.is_dir():
        raise InputError(f"{p} is a folder, not a subtitle file", "give an .srt, .ass or .vtt file")
    if not p.is_file():  # a device (/dev/zero), a FIFO, a socket: unbounded or blocking
        raise InputError(f"{p} is not a regular file", "give an .srt, .ass or .vtt file")
    try:
        size = p.stat().st_size
        if size > _MAX_SUBTITLE_BYTES:
            raise InputError(f"{p} is {size // 1_000_000} MB: too big for a subtitle file", "give an .srt, .ass or .vtt file")
        with open(p, "rb") as fh:
            data = fh.read(_MAX_SUBTITLE_BYTES + 1)  # bounded even if the file grows while read
        if len(data) > _MAX_SUBTITLE_BYTES:
            raise InputError(f"{p} is over {_MAX_SUBTITLE_BYTES // 1_000_000} MB: too big for a subtitle file",
                             "give an .srt, .ass or .vtt file")
    except PermissionError:
        raise InputError(f"cannot read {p}: permission denied", "check the file's permissions") from None
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}", "check the path") from None
    if not data.strip():
        raise InputError(f"{p} is empty", "give a subtitle file with at least one line")
    if data.startswith((b"PG", b"# VobSub", b"\x00\x00\x01\xba")):  # a .sup, a VobSub .idx or its .sub (MPEG-PS)
        kind = "Blu-ray (PGS)" if data.startswith(b"PG") else "DVD (VobSub)"
        raise InputError(f"{p.name} is a {kind} picture subtitle file: pictures, not text",
                         f"put it into the video as a track (ffmpeg -i VIDEO -i {p.name} -map 0 -map 1 -c copy out.mkv) "
                         f"and burn it with {option('subs', 'track:N')} (clipkit info lists the tracks)")
    text = decode_subtitle_bytes(data)
    suffix = p.suffix.lower()
    fmt = {".srt": "srt", ".ass": "ass", ".ssa": "ssa", ".vtt": "vtt"}.get(suffix)
    try:
        cues = parse_subtitle_text(text, p.name, fmt)
    except InputError:
        if fmt is None:
            raise
        cues = parse_subtitle_text(text, p.name, None)  # a misnamed file: let pysubs2 detect the format
    if not cues:
        raise InputError(f"{p} has no subtitle lines clipkit can read (not a subtitle file, or only empty lines)",
                         "give an .srt, .ass/.ssa or .vtt file with dialogue")
    return cues


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
