"""How dialogue is compared: the folded form of a line and of a query.

Folding makes a search insensitive to what a user cannot be expected to
remember or type: case, accents (``é`` = ``e``), width (NFKC: full-width
Latin, half-width kana), hiragana vs katakana, punctuation and spacing.
Kana voicing marks (``が`` vs ``か``) are kept: they change the word.

Two forms are kept: ``spaced`` (words separated by one space; used for
scripts that separate words) and ``compact`` (no spaces at all; used when the
query contains CJK or kana, where spaces and punctuation carry no meaning).
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold", "compact", "has_cjk", "trigrams"]

_KEEP_MARKS = {"\u3099", "\u309a"}  # kana voiced / semi-voiced sound marks
_APOSTROPHES = str.maketrans("", "", "'\u2019\u02bc`")


def _strip_accents(text: str) -> str:
    out = [ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch) or ch in _KEEP_MARKS]
    return unicodedata.normalize("NFC", "".join(out))


def _hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if 0x30A1 <= ord(c) <= 0x30F6 else c for c in text)


def fold(text: str) -> str:
    """The spaced folded form: NFKC, case-folded, no accents, katakana as hiragana, punctuation as spaces."""
    t = unicodedata.normalize("NFKC", text).casefold()
    t = _hiragana(_strip_accents(t))
    t = t.translate(_APOSTROPHES)  # "he's" = "hes", never "he s"
    t = "".join(" " if unicodedata.category(c)[0] in "PSZC" else c for c in t)
    return " ".join(t.split())


def compact(folded: str) -> str:
    """The folded form without spaces (for CJK and kana, where spaces mean nothing)."""
    return folded.replace(" ", "")


def has_cjk(text: str) -> bool:
    """True when the text has Han, kana or Hangul: searched in the compact form."""
    for c in text:
        o = ord(c)
        if 0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF \
                or 0x20000 <= o <= 0x2FFFF or 0x1100 <= o <= 0x11FF:
            return True
    return False


def trigrams(text: str) -> list[str]:
    """The distinct three-character pieces of ``text``, in order (the index's tokens)."""
    seen: dict[str, None] = {}
    for i in range(len(text) - 2):
        seen.setdefault(text[i:i + 3], None)
    return list(seen)
