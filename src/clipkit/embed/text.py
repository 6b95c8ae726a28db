"""User text before it reaches a snippet: cleaned, shortened, and the default alt text.

Escaping for each target (HTML, BBCode, Markdown, shortcodes) lives in the
module of that target; this module only makes the text plain and tidy.
"""

from __future__ import annotations

import re
import unicodedata

from ..artifact import Artifact
from ..language import join_lines
from ..timecode import format_time

__all__ = ["clean_text", "shorten", "default_alt", "caption_text"]

# Control characters, zero-width characters and bidi overrides: invisible, and
# able to disguise text ("gif.exe" shown as "exe.gif") or break parsers.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SPACE = re.compile(r"\s+")
_BYTE = re.compile("[\udc80-\udcff]")
_SURROGATE = re.compile("[\ud800-\udfff]")

_KIND_WORDS = {"gif": "GIF", "still": "Still", "strip": "Thumbnail strip", "mp4": "Clip", "webp": "Animation", "clip": "Clip", "audio": "Sound"}


def clean_text(text: str | None) -> str:
    """NFC, no control/invisible characters, all whitespace (newlines too) as single spaces."""
    if not text:
        return ""
    # A non-UTF-8 file name's bytes (lone surrogates): shown as the Windows-1252 letters they most
    # likely are ("caf\\udce9" → "café"), never a character no page or terminal can encode.
    text = _BYTE.sub(lambda m: bytes([ord(m.group(0)) - 0xDC00]).decode("cp1252", "replace"), str(text))
    text = _SURROGATE.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    return _SPACE.sub(" ", text).strip()


def shorten(text: str, max_chars: int) -> str:
    """``text`` cut at a word boundary to at most ``max_chars`` characters, with "…" when cut."""
    if max_chars <= 0 or len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    space = cut.rfind(" ")
    if space >= max_chars // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-—–") + "…"


def default_alt(artifact: Artifact, max_chars: int) -> str:
    """Alt text when the user gave none: the dialogue in the clip, else what and where it is from."""
    spoken = clean_text(" / ".join(c for c in (clean_text(join_lines(str(c))) for c in artifact.captions) if c))
    if spoken:
        return shorten(spoken, max_chars)
    word = _KIND_WORDS.get(artifact.kind, "Image")
    name = clean_text((artifact.source or artifact.path).stem)
    if artifact.kind == "strip" and artifact.frame_count:
        text = f"{artifact.frame_count} frames of {name}"
        if artifact.start is not None and artifact.end is not None:
            text += f", {format_time(artifact.start)} to {format_time(artifact.end)}"  # as clipkit shows times
        return shorten(text, max_chars)
    if artifact.start is not None:
        when = format_time(artifact.start)
        if artifact.end is not None and artifact.end != artifact.start:
            when = f"{when}–{format_time(artifact.end)}"
        return shorten(f"{word} from {name} at {when}", max_chars)
    return shorten(f"{word} from {name}", max_chars)


def caption_text(title: str | None, credit: str | None, credit_format: str) -> str:
    """The visible caption: the title and the credit line (``credit_format`` with ``{credit}``)."""
    parts = [clean_text(title)]
    credit = clean_text(credit)
    if credit:
        parts.append(clean_text(credit_format.replace("{credit}", credit)) if "{credit}" in credit_format else f"{clean_text(credit_format)} {credit}".strip())
    return " — ".join(p for p in parts if p)
