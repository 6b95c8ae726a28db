"""Fonts for any script: coverage from the real cmap, CJK faces, clear errors.

The CJK tests need Noto Sans CJK (``scripts/install-test-deps.sh`` installs
``fonts-noto-cjk``); they skip, saying so, where it is missing.  The error
tests do not depend on what is installed: they use a Latin-only font given as
``--font`` or characters no font has.
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image, ImageDraw

from clipkit.errors import UsageError
from clipkit.render.fonts import FontChoice, find_font, load_font, missing_chars, text_language


def _fc_list(*args: str) -> str:
    if not shutil.which("fc-list"):
        return ""
    return subprocess.run(["fc-list", *args], capture_output=True, text=True).stdout


HAS_CJK = "CJK" in _fc_list(":lang=ja", "family")
needs_cjk = pytest.mark.skipif(not HAS_CJK, reason="no CJK font (run scripts/install-test-deps.sh: fonts-noto-cjk)")


@pytest.fixture(scope="module")
def latin_font() -> FontChoice:
    """An installed font without CJK glyphs (DejaVu Sans on Debian)."""
    choice = find_font("Hello")
    if not missing_chars(choice, "日本"):
        pytest.skip("the default Latin font also covers CJK here")
    return choice


def _ink(choice: FontChoice, ch: str, size: int = 48) -> np.ndarray:
    img = Image.new("L", (size * 2, size * 2), 0)
    ImageDraw.Draw(img).text((size // 2, size // 4), ch, font=load_font(choice, size), fill=255)
    return np.asarray(img)


@needs_cjk
@pytest.mark.parametrize(
    "text, lang, tag",
    [
        ("昨夜はどこにいたの？", None, "JP"),       # kana: Japanese whatever the hint
        ("안녕하세요", None, "KR"),
        ("爱情", "chi", "SC"),                      # Han only: the track language decides
        ("愛情", "zh-tw", "TC"),
        ("星", "jpn", "JP"),
    ],
)
def test_cjk_text_gets_a_cjk_face_that_covers_it(text, lang, tag):
    choice = find_font(text, lang=lang)
    assert missing_chars(choice, text) == []
    assert "CJK" in choice.family and tag in choice.family
    # the face index points at that face inside the collection (read the name table ourselves)
    from fontTools.ttLib import TTFont

    name = TTFont(str(choice.path), fontNumber=choice.index, lazy=True)["name"].getDebugName(1)
    assert tag in name


@needs_cjk
def test_cjk_glyphs_are_real_not_tofu(latin_font):
    cjk = find_font("天星")
    a, b = _ink(cjk, "天"), _ink(cjk, "星")
    assert a.any() and b.any() and (a != b).sum() > 100  # two different drawn glyphs
    # what the cmap check protects against: the Latin font draws the same box for both
    ta, tb = _ink(latin_font, "天"), _ink(latin_font, "星")
    assert missing_chars(latin_font, "天星") == ["天", "星"]
    assert np.array_equal(ta, tb)


@needs_cjk
def test_a_collection_path_picks_the_face_for_the_language():
    ttc = find_font("日本").path
    assert ttc.suffix.lower() == ".ttc"
    ko = find_font("韓國語", font=ttc, lang="kor")
    ja = find_font("ひらがな", font=ttc)
    assert "KR" in ko.family and "JP" in ja.family and ko.index != ja.index


def test_accented_latin_and_right_to_left_are_covered():
    for text in ("Café déjà vu, naïve Zoë", "שלום עולם", "مرحبا"):
        choice = find_font(text)
        assert missing_chars(choice, text) == [], (text, choice)


def test_given_latin_font_with_japanese_text_names_the_characters(latin_font):
    with pytest.raises(UsageError) as err:
        find_font("彼は知っていた", font=latin_font.path)
    msg = str(err.value)
    assert "'彼' (U+5F7C)" in msg and "'知'" in msg
    assert err.value.exit_code == 2


def test_characters_no_installed_font_has_give_install_hint():
    text = "A\U0010fffd\U0010fffc"  # supplementary private use: no font maps these
    with pytest.raises(UsageError) as err:
        find_font(text)
    msg = str(err.value)
    assert "U+10FFFD" in msg and "U+10FFFC" in msg and "fonts-noto-cjk" in msg
    assert "'A'" not in msg  # only the uncovered characters are named


def test_a_path_that_is_not_a_font(tmp_path):
    fake = tmp_path / "fake.ttf"
    fake.write_text("not a font at all")
    with pytest.raises(UsageError, match="is not a font file"):
        find_font("Hello", font=fake)
    with pytest.raises(UsageError, match="font file not found"):
        find_font("Hello", font=tmp_path / "missing.otf")
    with pytest.raises(UsageError, match="no installed font is called"):
        find_font("Hello", font="No Such Family Xyz")


def test_whitespace_and_controls_need_no_glyph(latin_font):
    assert missing_chars(latin_font, "a b\tc\nd\u200d") == []


def test_load_font_sizes_and_caches():
    choice = find_font("Hi")
    f = load_font(choice, 30)
    assert f.size == 30 and load_font(choice, 30) is f
    assert load_font(choice, 60).getbbox("H")[3] > f.getbbox("H")[3]


def test_text_language():
    assert text_language("Hello") is None
    assert text_language("カタカナ", "chi") == "ja"
    assert text_language("한국", None) == "ko"
    assert text_language("中文", "zh-tw") == "zh-tw"


@pytest.mark.parametrize("text, font, package", [("नमस्ते", "Noto Sans Devanagari", "fonts-noto-core"),
                                                 ("สวัสดี", "Noto Sans Thai", "fonts-noto-core"),
                                                 ("\U0001f44d\U0001f3fd", "Noto Color Emoji", "fonts-noto-color-emoji")])
def test_the_install_hint_names_a_font_for_the_script_that_is_missing(text, font, package):
    # a Hindi, Thai or emoji caption with no font for it: the hint names that script's font and package
    # (it named Noto Sans CJK and fonts-noto-cjk, which have none of these characters). The hint itself is
    # checked whatever this machine has; the refusal that carries it, where no installed font has the text.
    from clipkit.render.fonts import install_hint

    msg = install_hint(text)
    assert font in msg and f"apt-get install {package}" in msg and "fonts-noto-cjk" not in msg, msg
    try:
        find_font(text)
    except UsageError as exc:
        assert msg in str(exc)


def test_the_character_map_is_read_as_fonttools_reads_it(tmp_path):
    # the cmap is read from its raw format 4/12 subtable (a Noto Sans CJK face in ~20 ms, not the ~0.3 s fontTools
    # takes to name its 65,000 glyphs; a mixed line looks at several faces): the same code points as fontTools'
    # best cmap, less those mapped to .notdef (drawn as a box). Checked on a generated font with a format 4 table
    # and on the installed faces a caption uses (Latin, CJK, emoji)
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont

    from clipkit.render import fonts

    names = [".notdef", "A", "B", "Z", "alef"]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({0x41: "A", 0x42: "B", 0x5A: "Z", 0x5D0: "alef", 0x43: ".notdef"})
    fb.setupGlyf({n: TTGlyphPen(None).glyph() for n in names})
    fb.setupHorizontalMetrics({n: (500, 0) for n in names})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Cmap Check", "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    fb.save(str(tmp_path / "c.ttf"))
    paths = [(str(tmp_path / "c.ttf"), 0)]
    for text in ("Hello", "日本", "\U0001f602"):
        try:
            face = find_font(text)
        except UsageError:
            continue
        paths.append((str(face.path), face.index))
    for path, index in paths:
        font = TTFont(path, fontNumber=index, lazy=True)
        want = {c for c, g in (font.getBestCmap() or {}).items() if g != ".notdef"}
        fast = fonts._read_cmap(font.reader["cmap"])
        font.close()
        assert fast is not None and set(fast) == want, path
    assert set(fonts._cmap(paths[0][0], 0)) == {0x41, 0x42, 0x5A, 0x5D0}
