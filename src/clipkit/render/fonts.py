"""Fonts for any script: find one that really covers a text, and load it.

A caption must never be drawn with missing glyphs (the empty "tofu" boxes of
Pillow's built-in font).  :func:`find_font` therefore checks coverage against
the font's real character map (read with fontTools), not against its name:

* ``font=`` a path: that file (for a ``.ttc`` collection, the face that suits
  the text: JP/KR/SC/TC/HK for Noto Sans CJK), or a fontconfig family name
  such as ``"DejaVu Sans"``;
* no ``font``: fontconfig's ranked list (``fc-match -s``) for ``sans-serif``
  in the text's language, the first face whose cmap covers every character.
  With ``fonts-noto-cjk`` installed, Japanese, Korean and Chinese text gets
  Noto Sans CJK with the right face index.

A line no one face covers (Japanese and Arabic, a Korean line with an emoji, a
``--font`` without some of its characters) is drawn in pieces: :func:`font_plan`
keeps the given or first-choice face for every character it has and takes the
others, script by script, from the first of fontconfig's ranked faces for that
script's language that has them (:class:`FontPlan`); :func:`matching_size` sizes
those faces to the same cap height.  When nothing covers some characters, a
:class:`~clipkit.errors.UsageError` names them and how to install a font.
Nothing here draws or writes files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import UsageError, option
from ..language import is_cjk, text_language

__all__ = [
    "FontChoice",
    "FontPlan",
    "find_font",
    "font_plan",
    "matching_size",
    "load_font",
    "missing_chars",
    "text_language",
    "is_bold",
    "is_italic",
    "FONT_INSTALL_HINT",
    "strike_size",
    "install_hint",
]

FONT_INSTALL_HINT = (
    "install a font that has them, e.g. Noto Sans CJK for Japanese/Korean/Chinese "
    "(Debian/Ubuntu: sudo apt-get install fonts-noto-cjk; other systems: fonts.google.com/noto)"
)


def _or_pass_font() -> str:
    """The hint's end, naming the font option as the caller writes it (``--font PATH``, ``font='PATH'``)."""
    return f", or pass {option('font', 'PATH')}"

_CJK_SCRIPTS = {"Hangul", "Hiragana", "Katakana", "Bopomofo", "Cjk", "Ideographic"}


def install_hint(chars) -> str:
    """:data:`FONT_INSTALL_HINT` naming the fonts (and Debian packages) for the scripts of ``chars``: Noto Sans CJK
    for Japanese/Korean/Chinese, Noto Color Emoji for emoji, Noto Sans Devanagari/Thai/… (``fonts-noto-core``) for
    the rest; the general hint when no script is known (private-use characters)."""
    wants: list[tuple[str, str]] = []
    for ch in chars:
        name = unicodedata.name(ch, "")
        script = name.split(" ")[0].title() if name else ""
        if is_cjk(ch) or script in _CJK_SCRIPTS:
            want = ("Noto Sans CJK for Japanese/Korean/Chinese", "fonts-noto-cjk")
        elif unicodedata.category(ch) == "So" or 0x1F000 <= ord(ch) <= 0x1FAFF:  # emoji (not private use)
            want = ("Noto Color Emoji", "fonts-noto-color-emoji")
        elif script and unicodedata.category(ch)[0] in "LMN":
            family = "Noto Sans" if script in ("Latin", "Greek", "Cyrillic") else f"Noto Sans {script}"
            want = (family, "fonts-noto-core")
        else:
            continue
        if want not in wants:
            wants.append(want)
    if not wants:
        return FONT_INSTALL_HINT + _or_pass_font()
    fonts = ", ".join(f for f, _ in wants)
    packages = " ".join(dict.fromkeys(pkg for _, pkg in wants))
    return (f"install a font that has them, e.g. {fonts} (Debian/Ubuntu: sudo apt-get install {packages}; "
            "other systems: fonts.google.com/noto)" + _or_pass_font())


# How many of fontconfig's ranked fonts are checked before giving up.
_MAX_CANDIDATES = 60
_FONT_SUFFIXES = {".ttf", ".otf", ".ttc", ".otc"}
_SEARCH_DIRS = (
    "/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
    "/Library/Fonts", "/System/Library/Fonts", "~/Library/Fonts", "C:/Windows/Fonts",
)


@dataclass(frozen=True)
class FontChoice:
    """A font face: the file, the face index inside a collection, and its names."""

    path: Path
    index: int = 0
    family: str = ""
    style: str = ""

    def __str__(self) -> str:
        name = f"{self.family} {self.style}".strip() or self.path.name
        return f"{name} ({self.path}{'#' + str(self.index) if self.index else ''})"


# ---------------------------------------------------------------- text → language


def _needs_glyph(ch: str) -> bool:
    """Whitespace, controls and format characters are laid out, not drawn."""
    o = ord(ch)
    if 0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF:  # variation selectors
        return False
    return not (ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"))


# ---------------------------------------------------------------- real coverage


@lru_cache(maxsize=64)
def _cmap(path: str, index: int) -> frozenset[int]:
    """The code points a face maps to glyphs (its best Unicode cmap)."""
    from fontTools.ttLib import TTFont  # lazy: only needed when text is checked

    try:
        font = TTFont(path, fontNumber=index, lazy=True)
    except OSError as exc:
        raise UsageError(f"cannot read the font {path}: {exc.strerror or exc}", f"check the {option('font')} path") from None
    except Exception as exc:  # fontTools raises many kinds for a non-font file
        raise UsageError(
            f"{path} is not a font file ({type(exc).__name__})",
            f"give a .ttf, .otf or .ttc font with {option('font')}, or leave {option('font')} out",
        ) from None
    try:
        try:
            fast = _read_cmap(font.reader["cmap"]) if "cmap" in font.reader else None
        except Exception:  # a damaged table: fontTools says what it can read
            fast = None
        return fast if fast is not None else frozenset(font.getBestCmap() or {})
    except Exception as exc:
        raise UsageError(f"{path} has no readable character map ({type(exc).__name__})", f"give another font with {option('font')}") from None
    finally:
        font.close()


# fontTools' getBestCmap order: (platform, encoding) of the Unicode subtables, best first
_CMAP_PREFERENCES = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))


def _read_cmap(data: bytes) -> frozenset[int] | None:
    """The code points of the best Unicode subtable of raw ``cmap`` bytes when it is format 4 or 12 (what fontTools
    reads, without naming every glyph: a CJK face's 65,000 in a few milliseconds, not half a second), code points
    mapped to glyph 0 (.notdef, drawn as a box) left out; None for another format."""
    import struct

    import numpy as np

    count = struct.unpack_from(">H", data, 2)[0]
    tables: dict[tuple[int, int], int] = {}
    for k in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, 4 + 8 * k)
        tables.setdefault((platform, encoding), offset)
    offset = next((tables[key] for key in _CMAP_PREFERENCES if key in tables), None)
    if offset is None:
        return None
    fmt = struct.unpack_from(">H", data, offset)[0]
    if fmt == 12:
        groups = struct.unpack_from(">I", data, offset + 12)[0]
        first, last, glyph = np.frombuffer(data, ">u4", 3 * groups, offset + 16).reshape(-1, 3).astype(np.int64).T
        first = first + (glyph == 0)  # a group's first code on glyph 0
        lengths = np.maximum(last - first + 1, 0)
        return frozenset((np.repeat(first - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())).tolist())
    elif fmt == 4:
        segs = struct.unpack_from(">H", data, offset + 6)[0] // 2
        ends = np.frombuffer(data, ">u2", segs, offset + 14).astype(np.int64)
        starts = np.frombuffer(data, ">u2", segs, offset + 16 + 2 * segs).astype(np.int64)
        deltas = np.frombuffer(data, ">u2", segs, offset + 16 + 4 * segs).astype(np.int64)
        at = offset + 16 + 6 * segs  # idRangeOffset[0]
        range_offsets = np.frombuffer(data, ">u2", segs, at).astype(np.int64)
        codes = []
        for i in range(segs):
            first, last = int(starts[i]), min(int(ends[i]), 0xFFFE)
            if last < first:
                continue
            chars = np.arange(first, last + 1)
            if range_offsets[i] == 0:
                glyphs = (chars + deltas[i]) & 0xFFFF
            else:
                where = at + 2 * i + int(range_offsets[i]) + 2 * (chars - first)
                if where[-1] + 2 > len(data):
                    return None
                raw = np.frombuffer(data, ">u2", len(chars), int(where[0])).astype(np.int64)
                glyphs = np.where(raw != 0, (raw + deltas[i]) & 0xFFFF, 0)
            codes.append(chars[glyphs != 0])
    else:
        return None
    return frozenset(np.concatenate(codes).tolist()) if codes else frozenset()


def missing_chars(choice: FontChoice, text: str) -> list[str]:
    """The distinct characters of ``text`` the face has no glyph for (in order)."""
    cmap = _cmap(str(choice.path), choice.index)
    seen: list[str] = []
    for ch in text:
        if _needs_glyph(ch) and ord(ch) not in cmap and ch not in seen:
            seen.append(ch)
    return seen


def _describe(chars: list[str], limit: int = 8) -> str:
    shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in chars[:limit])
    more = f" and {len(chars) - limit} more" if len(chars) > limit else ""
    return shown + more


# ---------------------------------------------------------------- faces in a file


@lru_cache(maxsize=32)
def _faces(path: str) -> tuple[tuple[int, str, str], ...]:
    """``(index, family, style)`` of each face of a font file; UsageError if not a font."""
    from fontTools.ttLib import TTCollection, TTFont

    def names(font) -> tuple[str, str]:
        table = font["name"]
        family = table.getDebugName(16) or table.getDebugName(1) or ""
        style = table.getDebugName(17) or table.getDebugName(2) or ""
        return family, style

    try:
        with open(path, "rb") as fh:
            tag = fh.read(4)
        if tag == b"ttcf":
            coll = TTCollection(path, lazy=True)
            out = tuple((i, *names(f)) for i, f in enumerate(coll.fonts))
            coll.close()
            return out
        font = TTFont(path, lazy=True)
        out = ((0, *names(font)),)
        font.close()
        return out
    except OSError as exc:
        raise UsageError(f"cannot read the font {path}: {exc.strerror or exc}", f"check the {option('font')} path") from None
    except Exception as exc:
        raise UsageError(
            f"{path} is not a font file ({type(exc).__name__}: {exc})",
            f"give a .ttf, .otf or .ttc font with {option('font')}, or leave {option('font')} out to use an installed font",
        ) from None


_FACE_TAGS = {"ja": ("JP", "Japanese"), "ko": ("KR", "Korean"), "zh-cn": ("SC", "Simplified"),
              "zh-tw": ("TC", "Traditional"), "zh-hk": ("HK",)}


def _pick_face(path: Path, text: str, lang: str | None, bold: bool, italic: bool = False) -> FontChoice:
    """The face of a (possibly multi-face) file that suits ``text``."""
    faces = _faces(str(path))
    want = text_language(text, lang)

    def rank(face: tuple[int, str, str]) -> tuple:
        index, family, style = face
        lang_ok = bool(want) and any(tag in family.split() or tag in family for tag in _FACE_TAGS.get(want, ()))
        mono = "mono" in family.lower()
        is_bold = "bold" in style.lower()
        is_italic = "italic" in style.lower() or "oblique" in style.lower()
        return (not lang_ok, mono, is_bold != bold, is_italic != italic, index)

    for index, family, style in sorted(faces, key=rank):
        choice = FontChoice(path, index, family, style)
        if not missing_chars(choice, text):
            return choice
    index, family, style = sorted(faces, key=rank)[0]
    return FontChoice(path, index, family, style)


# ---------------------------------------------------------------- fontconfig


def _fc_candidates(pattern: str) -> list[FontChoice]:
    """fontconfig's ranked fonts for ``pattern`` (empty if fontconfig is absent)."""
    return list(_fc_candidates_cached(pattern))


@lru_cache(maxsize=64)
def _fc_candidates_cached(pattern: str) -> tuple[FontChoice, ...]:
    exe = shutil.which("fc-match")
    if not exe:
        return ()
    try:
        out = subprocess.run(
            [exe, "-s", "--format", "%{file}\t%{index}\t%{family[0]}\t%{style[0]}\n", pattern],
            capture_output=True, text=True, timeout=20, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    result: list[FontChoice] = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) < 4 or not parts[0]:
            continue
        path = Path(parts[0])
        if path.suffix.lower() not in _FONT_SUFFIXES:  # skip Type 1 / bitmap fonts Pillow cannot size
            continue
        try:
            index = int(parts[1] or 0)
        except ValueError:
            index = 0
        result.append(FontChoice(path, index, parts[2], parts[3]))
        if len(result) >= _MAX_CANDIDATES:
            break
    return tuple(result)


def _scan_candidates() -> list[FontChoice]:
    """Without fontconfig: font files in the usual folders (sans first)."""
    files: list[Path] = []
    for d in _SEARCH_DIRS:
        root = Path(d).expanduser()
        if root.is_dir():
            files.extend(p for p in root.rglob("*") if p.suffix.lower() in _FONT_SUFFIXES)
    files.sort(key=lambda p: ("sans" not in p.name.lower(), "cjk" not in p.name.lower(), p.name))
    return [FontChoice(p, 0, "", "") for p in files[:_MAX_CANDIDATES * 4]]


def _pattern(want: str | None, bold: bool, italic: bool) -> str:
    return "sans-serif" + (f":lang={want}" if want else "") + (":weight=bold" if bold else "") + (":slant=italic" if italic else "")


def _ranked(want: str | None, bold: bool, italic: bool) -> list[FontChoice]:
    """The installed faces in fontconfig's order for sans-serif text in language ``want`` (or the font folders)."""
    return _fc_candidates(_pattern(want, bold, italic)) or _scan_candidates()


def _readable(cand: FontChoice, text: str, lang: str | None, bold: bool, italic: bool) -> FontChoice | None:
    """``cand`` (for a scanned collection, its face that suits ``text``), or None when it cannot be read."""
    try:
        if not cand.family and cand.path.suffix.lower() in (".ttc", ".otc"):
            cand = _pick_face(cand.path, text, lang, bold, italic)  # scanned file: choose the face
        missing_chars(cand, "")
    except UsageError:
        return None  # an unreadable file in the font folders: try the next
    return cand


@lru_cache(maxsize=256)
def _covering(text: str, lang: str | None, bold: bool, italic: bool) -> tuple[FontChoice | None, tuple[FontChoice, ...]]:
    """The first of fontconfig's ranked faces for ``text``'s language that has all of it (None if none has), and
    the readable faces ranked before it; UsageError when no fonts are installed at all."""
    candidates = _ranked(text_language(text, lang), bold, italic)
    if not candidates:
        raise UsageError("no fonts were found on this system to draw the caption", FONT_INSTALL_HINT + _or_pass_font())
    readable: list[FontChoice] = []
    for cand in candidates:
        cand = _readable(cand, text, lang, bold, italic)
        if cand is None:
            continue
        if not missing_chars(cand, text):
            return cand, tuple(readable)
        readable.append(cand)
    return None, tuple(readable)


def _find_installed(text: str, lang: str | None, bold: bool, italic: bool = False) -> FontChoice:
    found, readable = _covering(text, lang, bold, italic)
    if found is not None:
        return found
    needed = [c for c in dict.fromkeys(text) if _needs_glyph(c)]
    covered: set[str] = set()
    for cand in readable:
        covered.update(c for c in needed if c not in missing_chars(cand, text))
    uncovered = [c for c in needed if c not in covered]
    if uncovered:
        raise UsageError(f"no installed font has the characters {_describe(uncovered)}", install_hint(uncovered))
    raise UsageError(
        "no single installed font has every character of this text (it mixes scripts)",
        f"pass {option('font')} with a font that covers them all, or " + FONT_INSTALL_HINT,
    )


# ---------------------------------------------------------------- fallback: a line in several faces

# The fontconfig language of a script (the first word of its characters' Unicode names), to rank its fonts first.
_SCRIPT_LANG = {
    "ARABIC": "ar", "HEBREW": "he", "THAI": "th", "LAO": "lo", "CYRILLIC": "ru", "GREEK": "el", "ARMENIAN": "hy",
    "GEORGIAN": "ka", "DEVANAGARI": "hi", "BENGALI": "bn", "GURMUKHI": "pa", "GUJARATI": "gu", "ORIYA": "or",
    "TAMIL": "ta", "TELUGU": "te", "KANNADA": "kn", "MALAYALAM": "ml", "SINHALA": "si", "TIBETAN": "bo",
    "MYANMAR": "my", "KHMER": "km", "ETHIOPIC": "am", "SYRIAC": "syr", "THAANA": "dv", "MONGOLIAN": "mn",
    "EMOJI": "und-zsye",
}
_CJK_WORDS = {"CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC", "FULLWIDTH",
              "HALFWIDTH"}


def _is_emoji(ch: str) -> bool:
    """Emoji and other pictographs (Unicode "other symbol", and the emoji blocks U+1F000–U+1FAFF)."""
    return unicodedata.category(ch) == "So" or 0x1F000 <= ord(ch) <= 0x1FAFF


def _script(ch: str) -> str:
    """Which script ``ch`` is written in, near enough to choose a font: ``CJK``, ``EMOJI``, or the first word of its
    Unicode name (``ARABIC``, ``HEBREW``, ``LATIN``, …)."""
    if _is_emoji(ch):
        return "EMOJI"
    if is_cjk(ch):
        return "CJK"
    word = unicodedata.name(ch, "").split(" ")[0]
    return "CJK" if word in _CJK_WORDS else word


def _follows(ch: str) -> bool:
    """A character that belongs to the one before it (a mark, a joiner, a variation selector): same face."""
    return unicodedata.category(ch) in ("Mn", "Mc", "Me", "Cf") or 0xFE00 <= ord(ch) <= 0xFE0F or 0x1F3FB <= ord(ch) <= 0x1F3FF


@dataclass(frozen=True)
class FontPlan:
    """The faces a text is drawn with: ``primary`` for every character it has, ``fallback`` (character, face) for
    those it lacks, and ``presented`` (character, face): a character written as an emoji (followed by U+FE0F or the
    keycap U+20E3: ``1️⃣``, ``❤️``) from the emoji face, even where the primary has it as text."""

    primary: FontChoice
    fallback: tuple[tuple[str, FontChoice], ...] = ()
    presented: tuple[tuple[str, FontChoice], ...] = ()

    @property
    def faces(self) -> tuple[FontChoice, ...]:
        """Every face the plan uses, the primary first."""
        return tuple(dict.fromkeys([self.primary, *(face for _, face in self.fallback + self.presented)]))

    def split(self, text: str) -> list[tuple[str, FontChoice]]:
        """``text`` cut into pieces drawn from one face each, in order: a character the primary face lacks from
        its fallback face, one written as an emoji from its emoji face, a mark or joiner (and what it follows) from
        the face before it when that one has it, everything else (spaces too) from the primary."""
        table, emoji = dict(self.fallback), dict(self.presented)
        pieces: list[tuple[str, FontChoice]] = []
        for k, ch in enumerate(text):
            face = None
            if pieces and _follows(ch):
                before = pieces[-1][1]
                if not _needs_glyph(ch) or ord(ch) in _cmap(str(before.path), before.index):
                    face = before
            if face is None and ch in emoji and text[k + 1:k + 2] in _PRESENTATION:
                face = emoji[ch]
            if face is None:
                face = table.get(ch, self.primary)
            if pieces and pieces[-1][1] == face:
                pieces[-1] = (pieces[-1][0] + ch, face)
            else:
                pieces.append((ch, face))
        return pieces


_PRESENTATION = ("\ufe0f", "\u20e3")  # what makes the character before it an emoji: VS16, the keycap


@lru_cache(maxsize=256)
def _fallback(chars: str, want: str | None, bold: bool, italic: bool) -> tuple[tuple[str, FontChoice], ...]:
    """A face for each of ``chars`` (one script): the first ranked face for language ``want`` that has them all,
    else the faces fontconfig says have them (``:charset=``), else each character from the first that has it.
    Characters nothing has are left out."""
    ranked = _ranked(want, bold, italic)
    for group in (ranked, _fc_candidates(_pattern(None, bold, italic) + ":charset=" + " ".join(f"{ord(c):x}" for c in chars))):
        for cand in group:
            cand = _readable(cand, chars, want, bold, italic)
            if cand is not None and not missing_chars(cand, chars):
                return tuple((c, cand) for c in chars)
    out: list[tuple[str, FontChoice]] = []
    for ch in chars:
        for cand in ranked:
            cand = _readable(cand, ch, want, bold, italic)
            if cand is not None and not missing_chars(cand, ch):
                out.append((ch, cand))
                break
    return tuple(out)


@lru_cache(maxsize=256)
def _plan(text: str, primary: FontChoice, lang: str | None, bold: bool, italic: bool) -> FontPlan:
    missing = missing_chars(primary, text)
    if not missing:
        return FontPlan(primary)
    by_script: dict[str, list[str]] = {}
    for ch in missing:
        by_script.setdefault(_script(ch), []).append(ch)
    fallback: list[tuple[str, FontChoice]] = []
    for script, chars in by_script.items():
        want = text_language("".join(chars), lang) if script == "CJK" else _SCRIPT_LANG.get(script)
        fallback.extend(_fallback("".join(chars), want, bold, italic))
    found = {ch for ch, _ in fallback}
    uncovered = [ch for ch in missing if ch not in found]
    if uncovered:
        raise UsageError(f"no installed font has the characters {_describe(uncovered)}", install_hint(uncovered))
    # characters written as emoji (1️⃣, ❤️): from the first emoji-ranked face that has them (and the keycap)
    emoji = "".join(dict.fromkeys(text[k] for k in range(len(text) - 1) if text[k + 1] in _PRESENTATION and _needs_glyph(text[k])))
    presented: tuple[tuple[str, FontChoice], ...] = ()
    if emoji:
        need = emoji + ("\u20e3" if "\u20e3" in text else "")
        face = next((c for c in (_readable(c, need, None, bold, italic) for c in _ranked(_SCRIPT_LANG["EMOJI"], bold, italic))
                     if c is not None and not missing_chars(c, need)), None)
        presented = tuple((ch, face) for ch in emoji) if face is not None else ()
    return FontPlan(primary, tuple(sorted(fallback, key=lambda pair: missing.index(pair[0]))), presented)


def font_plan(
    text: str,
    *,
    font: str | os.PathLike | FontChoice | None = None,
    bold: bool = False,
    italic: bool = False,
    lang: str | None = None,
) -> FontPlan:
    """The faces that draw every character of ``text``: the face :func:`find_font` gives when one has them all
    (``font``, or an installed one); else ``font`` (or fontconfig's first choice for the text's language) for what
    it has and, script by script, the first of fontconfig's ranked faces for that script's language that has the
    rest.  Raises :class:`UsageError` naming the characters no installed face has, or when ``font`` is not a font.
    """
    if font is not None and (isinstance(font, FontChoice) or str(font).strip()):
        primary = _given_font(font, text, lang, bold, italic)
    else:
        found, readable = _covering(text, lang, bold, italic)
        if found is not None:
            return FontPlan(found)
        if not readable:
            raise UsageError("no readable fonts were found on this system to draw the caption", FONT_INSTALL_HINT + _or_pass_font())
        primary = readable[0]  # fontconfig's first choice for the text's language
    return _plan(text, primary, lang, bold, italic)


@lru_cache(maxsize=64)
def _cap_height(path: str, index: int) -> float | None:
    """A face's capital height as a fraction of its em (OS/2 ``sCapHeight``, else the drawn height of "H")."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(path, fontNumber=index, lazy=True)
        try:
            os2 = font["OS/2"] if "OS/2" in font else None
            cap = getattr(os2, "sCapHeight", 0) if os2 is not None else 0
            if cap > 0:
                return cap / font["head"].unitsPerEm
        finally:
            font.close()
    except Exception:
        return None
    if ord("H") not in _cmap(path, index) or _strikes(path, index):
        return None
    box = _load(path, index, 200).getbbox("H", anchor="ls")
    return -box[1] / 200 if box[1] < 0 else None


def matching_size(primary: FontChoice, face: FontChoice, size: int) -> int:
    """The pixel size to draw ``face`` at beside ``primary`` at ``size``: the same cap height, so a fallback face's
    letters look as large as the primary's (within 0.8–1.25 times ``size``); ``size`` when the heights differ by
    less than 4 %, when either is unknown, or for a bitmap (emoji) face, which is scaled to ``size`` as it is."""
    if face == primary or _strikes(str(face.path), face.index):
        return size
    mine, theirs = _cap_height(str(primary.path), primary.index), _cap_height(str(face.path), face.index)
    if not mine or not theirs or abs(mine / theirs - 1) < 0.04:  # unknown, or as good as the same (a bold face)
        return size
    return max(1, int(round(size * min(1.25, max(0.8, mine / theirs)))))


# ---------------------------------------------------------------- public


def _given_font(font: str | os.PathLike | FontChoice, text: str, lang: str | None, bold: bool, italic: bool) -> FontChoice:
    """The face ``font`` names: a :class:`FontChoice`, a font file (its face that suits ``text``) or a fontconfig
    family name; :class:`UsageError` when there is no such file or family, or it is not a font."""
    if isinstance(font, FontChoice):
        return font
    given = Path(os.fspath(font)).expanduser()
    looks_like_path = given.suffix.lower() in _FONT_SUFFIXES or os.sep in str(font) or given.exists()
    if looks_like_path:
        if not given.is_file():
            raise UsageError(f"font file not found: {given}", f"check the {option('font')} path, or give a family name like 'Noto Sans CJK JP'")
        return _pick_face(given, text, lang, bold, italic)
    name = str(font).strip()
    matches = [c for c in _fc_candidates(name + (":weight=bold" if bold else "")) if c.family.lower() == name.lower()]
    if not matches:
        raise UsageError(
            f"no installed font is called {name!r}",
            "give a font file path, or a family from `fc-list : family`",
        )
    return matches[0]


def find_font(
    text: str,
    *,
    font: str | os.PathLike | FontChoice | None = None,
    bold: bool = False,
    italic: bool = False,
    lang: str | None = None,
) -> FontChoice:
    """A font face that has a glyph for every character of ``text``.

    ``font`` is a path (``.ttf``/``.otf``/``.ttc``), a fontconfig family name,
    a :class:`FontChoice`, or None to search the installed fonts.  ``lang``
    (``"jpn"``, ``"ko"``, ``"zh-tw"``, …) chooses among CJK faces when the
    text is Han characters only.  ``bold``/``italic`` prefer such a face
    (:func:`is_bold`/:func:`is_italic` tell whether one was found, so the
    caller can synthesise the style).  Raises :class:`UsageError` naming the
    characters no font covers, or when ``font`` is not a font.
    """
    if font is None or not (isinstance(font, FontChoice) or str(font).strip()):
        return _find_installed(text, lang, bold, italic)
    choice = _given_font(font, text, lang, bold, italic)
    missing = missing_chars(choice, text)
    if missing:
        raise UsageError(
            f"the font {choice} has no glyphs for {_describe(missing)}",
            f"choose a font that has them, or leave {option('font')} out to pick an installed one that does "
            "(for Japanese/Korean/Chinese: Noto Sans CJK, Debian package fonts-noto-cjk)",
        )
    return choice


@lru_cache(maxsize=64)
def _load(path: str, index: int, size: int):
    from PIL import ImageFont, features

    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    try:
        return ImageFont.truetype(path, size, index=index, layout_engine=engine)
    except OSError as exc:
        raise UsageError(f"{path} is not a font FreeType can open ({exc})", f"give a .ttf, .otf or .ttc font with {option('font')}") from None


@lru_cache(maxsize=32)
def _strikes(path: str, index: int) -> tuple[int, ...]:
    """The pixel sizes of a face that has only bitmap glyphs (no outlines), else ``()``."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(path, fontNumber=index, lazy=True)
    except Exception:  # not readable here: load_font says so
        return ()
    try:
        if "glyf" in font or "CFF " in font or "CFF2" in font:
            return ()
        if "CBLC" in font:
            return tuple(sorted({int(s.bitmapSizeTable.ppemY) for s in font["CBLC"].strikes}))
        if "sbix" in font:
            return tuple(sorted(int(ppem) for ppem in font["sbix"].strikes))
        return ()
    except Exception:
        return ()
    finally:
        font.close()


def strike_size(choice: FontChoice, size: int) -> int | None:
    """For a face with bitmap glyphs only (Noto Color Emoji: one 109-px strike, which FreeType cannot draw at
    any other size), the strike to draw at and scale by ``size / strike``: the smallest at least ``size``, else the
    largest; None for an ordinary outline font."""
    strikes = _strikes(str(choice.path), choice.index)
    if not strikes:
        return None
    return next((s for s in strikes if s >= size), strikes[-1])


def is_bold(choice: FontChoice) -> bool:
    """Whether the face is a bold one (by its style name)."""
    return any(w in choice.style.lower() for w in ("bold", "black", "heavy"))


def is_italic(choice: FontChoice) -> bool:
    """Whether the face is italic/oblique (by its style name)."""
    return any(w in choice.style.lower() for w in ("italic", "oblique"))


def load_font(choice: FontChoice, size: int):
    """The face as a ``PIL.ImageFont.FreeTypeFont`` at ``size`` pixels (cached).

    Uses Raqm layout when Pillow has it (right-to-left and complex scripts).  A face with bitmap glyphs only
    is loaded at its strike (:func:`strike_size`): the caller scales what it draws by ``size / strike``.
    """
    size = max(1, int(size))
    return _load(str(choice.path), choice.index, strike_size(choice, size) or size)
