"""Languages: ISO 639 codes, the user's language from the locale, and which CJK language a text is in.

One place answers "what language?" for the whole package: subtitle track
choice (``--subs auto``/``lang:xxx``), font faces for Han text (Japanese,
Korean, Simplified/Traditional Chinese faces of Noto Sans CJK) and line
breaking between CJK characters.  The order of evidence is always the same:
the text itself (kana is Japanese, hangul Korean), then the language the
caller knows (a subtitle track's tag), then the user's locale.
"""

from __future__ import annotations

import locale
import os
import re
import unicodedata

__all__ = ["is_language_code", "normalize_language", "language_in_name", "locale_code", "preferred_language", "cjk_tag", "text_language", "is_cjk", "join_lines"]

_LANG_EQUIV = {
    "en": "eng", "ja": "jpn", "jp": "jpn", "ko": "kor", "zh": "zho", "chi": "zho", "fr": "fra", "fre": "fra",
    "de": "deu", "ger": "deu", "es": "spa", "it": "ita", "pt": "por", "ru": "rus", "ar": "ara",
    "he": "heb", "iw": "heb", "nl": "nld", "dut": "nld", "sv": "swe", "pl": "pol", "tr": "tur",
    "th": "tha", "vi": "vie", "id": "ind", "hi": "hin", "el": "ell", "gre": "ell", "fa": "fas", "per": "fas",
    "cs": "ces", "cze": "ces", "ro": "ron", "rum": "ron", "uk": "ukr", "hu": "hun", "fi": "fin",
    "da": "dan", "no": "nor", "nb": "nor", "ms": "msa", "may": "msa", "tl": "tgl", "fil": "tgl",
}

# Chinese tags that say which script: Traditional (Taiwan, Hong Kong, Macau) or Simplified.
_TRADITIONAL = ("tw", "hant", "cht", "mo")


def is_language_code(text: str) -> bool:
    """Whether ``text`` is written as an ISO 639 code, with an optional region or script (``en``, ``jpn``,
    ``pt-BR``, ``zh_Hant``): a name such as "japanese" is not."""
    return re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", text.strip()) is not None


def normalize_language(code: str | None) -> str | None:
    """An ISO 639 code (``en``, ``eng``, ``en-US``, ``jpn``) → its three-letter form."""
    if not code:
        return None
    c = code.strip().lower().replace("_", "-").split("-")[0]
    return _LANG_EQUIV.get(c, c) or None


#: Every code the table knows (both forms), and the words a subtitle file name may carry after its language.
_KNOWN = frozenset(_LANG_EQUIV) | frozenset(_LANG_EQUIV.values()) | {"chs", "cht"}
_NAME_FLAGS = frozenset({"forced", "sdh", "cc", "hi", "default", "full", "signs"})


def language_in_name(name: str) -> str | None:
    """The language a subtitle file's name carries, ISO 639-2: ``ep07.ja.srt`` → ``jpn``,
    ``ep07.eng.forced.srt`` → ``eng``, ``ep07.zh-TW.srt`` → ``zho``; None when its last tag (before
    ``forced``/``sdh``/…) is not a known ISO 639-1/-2 code (``ep.07.srt``)."""
    parts = name.split(".")[1:-1]  # between the first part and the extension
    while parts and parts[-1].lower() in _NAME_FLAGS:
        parts.pop()
    if not parts:
        return None
    tag = parts[-1].strip().lower().replace("_", "-")
    return normalize_language(tag) if tag.split("-")[0] in _KNOWN else None


def locale_code() -> str | None:
    """The user's language tag as the locale gives it (``ja_JP``, ``zh_TW``), or None.

    The first of ``LANGUAGE`` (its first entry), ``LC_ALL``, ``LC_MESSAGES``,
    ``LANG`` that names a language (not ``C``/``POSIX``), else Python's
    ``locale.getlocale()``.
    """
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "").split(":")[0]
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return value.split(".")[0].split("@")[0] or None
    try:
        value = locale.getlocale()[0]
    except ValueError:
        value = None
    return value or None


def preferred_language() -> str | None:
    """The user's language from the locale, as an ISO 639-2 code (``jpn``, ``eng``)."""
    return normalize_language(locale_code())


def cjk_tag(code: str | None) -> str | None:
    """The fontconfig language of a CJK code (``jpn``→``ja``, ``ko-KR``→``ko``, ``zh_TW``→``zh-tw``,
    ``zh-HK``→``zh-hk``, ``chi``→``zh-cn``), or None for any other language."""
    if not code:
        return None
    key = code.strip().lower().replace("_", "-")
    base, _, region = key.partition("-")
    if base in ("cht",):
        return "zh-tw"
    if base in ("zh", "chi", "zho", "chs"):
        if "hk" in region.split("-"):
            return "zh-hk"
        return "zh-tw" if any(r in region.split("-") for r in _TRADITIONAL) else "zh-cn"
    three = normalize_language(base)
    return {"jpn": "ja", "kor": "ko"}.get(three or "")


def text_language(text: str, lang: str | None = None) -> str | None:
    """The fontconfig language a CJK text needs (``ja``, ``ko``, ``zh-cn``, ``zh-tw``, ``zh-hk``), or None.

    Kana means Japanese and Hangul Korean whatever the hint says; Han
    characters alone follow ``lang`` (a subtitle track's ``jpn``/``chi``/…),
    then the user's locale, then Japanese.  Text without CJK gives None.
    """
    has_han = False
    for ch in text:
        o = ord(ch)
        if 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9D:
            return "ja"
        if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
            return "ko"
        if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3FFFF or 0x3000 <= o <= 0x303F:
            has_han = True
    if not has_han:
        return None
    return cjk_tag(lang) or cjk_tag(locale_code()) or "ja"


def is_cjk(ch: str) -> bool:
    """A CJK character (ideographs, kana, hangul, full-width forms): a line may break beside it."""
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF
            or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x3FFFF)


def _unspaced(ch: str) -> bool:
    """A character written without spaces around it: East Asian wide, full- or half-width (kanji, kana, CJK
    punctuation), but Hangul (Korean puts spaces between words) and emoji."""
    return (unicodedata.east_asian_width(ch) in ("W", "F", "H") and unicodedata.category(ch) != "So"
            and "HANGUL" not in unicodedata.name(ch, ""))


def join_lines(text: str) -> str:
    """A caption's lines as one line (alt text, a description): joined with a space, but with none where the
    characters either side of the break are both Japanese or Chinese ("天文台で。" + "星を数えていた。"), as a
    browser joins lines (CSS Text: a segment break between two East Asian wide characters is removed)."""
    lines = [ln.strip() for ln in text.split("\n")]
    out = ""
    for line in (ln for ln in lines if ln):
        if out:
            out += "" if _unspaced(out[-1]) and _unspaced(line[0]) else " "
        out += line
    return out
