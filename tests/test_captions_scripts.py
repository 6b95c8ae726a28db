"""Captions that mix scripts no one font has: each run from a face that has it, one baseline, bidi order.

Real Pillow drawing, checked against the same runs drawn alone in their faces. Japanese needs Noto Sans CJK and
Arabic/Hebrew a face that has them (DejaVu Sans: both installed by ``scripts/install-test-deps.sh``); the tests
skip, saying which, where one is missing. Thai, Devanagari and the like need ``fonts-noto-core`` (not installed by
the script): their case skips without it.
"""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction as F

import numpy as np
import pytest
from PIL import Image, ImageDraw, features

from clipkit.errors import UsageError
from clipkit.render.captions import STYLES, burn_captions, render_cue
from clipkit.render.captions.bidi import levels, visual_order
from clipkit.render.fonts import find_font, font_plan, load_font, matching_size, missing_chars
from clipkit.settings import CaptionSettings
from clipkit.subtitles import typed_cue

from test_fonts import needs_cjk

W, H = 540, 304
GREY = (90, 100, 110)
JA = "最高！"
AR = "شكرا"  # ش ك ر join: shaped, the word differs from its letters' isolated forms
needs_raqm = pytest.mark.skipif(not features.check("raqm"), reason="Pillow without Raqm (no right-to-left shaping)")


def _face(text: str):
    try:
        return find_font(text)
    except UsageError:
        pytest.skip(f"no installed font has {text!r} (Debian: fonts-dejavu-core, fonts-noto-core)")


def _draw(face, text: str, px: int, d: str | None = None) -> tuple[np.ndarray, int]:
    """``text`` drawn alone in ``face`` at ``px``: its solid ink cropped to its box, and the baseline's row in it."""
    img = Image.new("L", (px * (len(text) + 4), px * 4), 0)
    base = 2 * px
    ImageDraw.Draw(img).text((px, base), text, font=load_font(face, px), fill=255, anchor="ls", **({"direction": d} if d else {}))
    ink = np.asarray(img) >= 192
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1], base - rows[0]


def _solid(rc) -> np.ndarray:
    """The caption's solid text pixels (exactly the fill colour, opaque)."""
    fill = np.array(STYLES["classic"].fill)
    return (rc.patch[..., 3] == 255) & (rc.patch[..., :3] == fill).all(axis=2)


def _clusters(mask: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Column ranges of ink separated by at least ``gap`` empty columns (the words of a line), left to right."""
    cols = np.flatnonzero(mask.any(axis=0))
    out = [[cols[0], cols[0]]]
    for c in cols[1:]:
        if c - out[-1][1] > gap:
            out.append([c, c])
        else:
            out[-1][1] = c
    return [(a, b + 1) for a, b in out]


def _match(mask: np.ndarray, cols: tuple[int, int], ref: np.ndarray) -> tuple[float, int]:
    """How well the ink of ``mask`` in ``cols`` matches ``ref`` (intersection over union, best of ±1 px shifts), and
    the row of its top in ``mask``."""
    part = mask[:, cols[0]:cols[1]]
    rows = np.flatnonzero(part.any(axis=1))
    part = part[rows[0]:rows[-1] + 1]
    h, w = max(part.shape[0], ref.shape[0]) + 2, max(part.shape[1], ref.shape[1]) + 2
    a = np.zeros((h, w), bool)
    a[1:1 + part.shape[0], 1:1 + part.shape[1]] = part
    best = 0.0
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            b = np.zeros((h, w), bool)
            b[dy:dy + ref.shape[0], dx:dx + ref.shape[1]] = ref
            best = max(best, (a & b).sum() / max(1, (a | b).sum()))
    return best, rows[0]


@needs_cjk
@needs_raqm
def test_a_japanese_and_arabic_line_draws_each_run_from_a_face_that_has_it():
    # refused before: "no single installed font has every character of this text (it mixes scripts)"
    ja, ar = _face(JA), _face(AR)
    if not missing_chars(ja, AR) or not missing_chars(ar, JA):
        pytest.skip("one installed face has both scripts here: nothing to fall back")
    rc = render_cue(typed_cue(f"{JA} {AR}", F(0), F(1)), (W, H))
    assert rc.font == ja and set(rc.faces) == {ja, ar} and rc.lines == (f"{JA} {AR}",)
    solid = _solid(rc)
    words = _clusters(solid, gap=rc.size // 5)
    ja_ref, ja_base = _draw(ja, JA, rc.size)
    ar_ref, ar_base = _draw(ar, AR, matching_size(ja, ar, rc.size), "rtl")
    # left to right: 最, 高, ！ (kanji apart by less than a space) … the Arabic word last (a left-to-right line)
    left = (words[0][0], words[0][0] + ja_ref.shape[1])
    right = words[-1]
    ja_iou, ja_top = _match(solid, left, ja_ref)
    ar_iou, ar_top = _match(solid, right, ar_ref)
    assert ja_iou > 0.85 and ar_iou > 0.85, (ja_iou, ar_iou)
    # no tofu: the face without Arabic draws boxes, and the caption is not those
    boxes, _ = _draw(ja, AR, rc.size, "rtl")
    assert _match(solid, right, boxes)[0] < 0.5
    # shaped: the letters joined, not their isolated forms one after another (kept apart by zero-width non-joiners)
    isolated, _ = _draw(ar, "\u200c".join(AR), matching_size(ja, ar, rc.size), "rtl")
    assert _match(solid, right, isolated)[0] < 0.7
    # one baseline: where each run's baseline falls in the caption
    assert abs((ja_top + ja_base) - (ar_top + ar_base)) <= 1


@needs_cjk
@needs_raqm
def test_a_right_to_left_line_puts_its_runs_right_to_left():
    # an Arabic paragraph with a Japanese word inside: the first Arabic word on the right, the Japanese in the
    # middle (left to right inside), the last Arabic word on the left
    ja, ar = _face(JA), _face(AR)
    if not missing_chars(ja, AR):
        pytest.skip("the CJK face has Arabic here")
    first, last = "شكرا", "نعم"
    rc = render_cue(typed_cue(f"{first} 最高 {last}", F(0), F(1)), (W, H))
    solid = _solid(rc)
    words = _clusters(solid, gap=rc.size // 5)
    px = matching_size(ja, ar, rc.size)
    assert _match(solid, words[-1], _draw(ar, first, px, "rtl")[0])[0] > 0.85
    assert _match(solid, words[0], _draw(ar, last, px, "rtl")[0])[0] > 0.85
    middle = (words[1][0], words[-2][1])
    assert _match(solid, middle, _draw(ja, "最高", rc.size)[0])[0] > 0.85


@needs_raqm
@pytest.mark.parametrize("text", [
    "abc مرحبا بكم 2024 def", "مرحبا abc def بكم", "שלום (hello) עולם!", "hello שלום 123 עולם, world",
    "مرحبا ١٢٣ بكم", "שלום 12.5% עולם", "100 דולר ו-50 סנט", "عدد: 3.14، جيد", "שלום [abc] def",
    "ש abc (d) .", "ש (a (b) ש) c", "a (b [ש) c]", "x \u200f!", "ab\u200e שלום",
])
def test_pieces_in_bidi_order_look_as_fribidi_lays_the_line_out(text):
    # a line drawn in pieces (several faces) is ordered by clipkit's bidi levels; drawn in one face the same text is
    # ordered by FriBidi inside Pillow's Raqm: piece by piece in that order, the drawing must be the same
    face = _face(text)
    font = load_font(face, 40)
    whole = Image.new("L", (1400, 80), 0)
    ImageDraw.Draw(whole).text((10, 10), text, font=font, fill=255)
    lv = levels(text)
    runs: list[list] = []
    for ch, level in zip(text, lv):
        if runs and runs[-1][1] == level:
            runs[-1][0] += ch
        else:
            runs.append([ch, level])
    pieces = Image.new("L", (1400, 80), 0)
    x = 10.0
    for i in visual_order([level for _, level in runs]):
        part, level = runs[i]
        d = "rtl" if level % 2 else "ltr"
        ImageDraw.Draw(pieces).text((x, 10), part, font=font, fill=255, direction=d)
        x += font.getlength(part, direction=d)
    a, b = np.asarray(whole) > 128, np.asarray(pieces) > 128
    grow = lambda m: m | np.roll(m, 1, 1) | np.roll(m, -1, 1)  # noqa: E731 - a pixel of rounding either way
    assert (a & ~grow(b)).sum() + (b & ~grow(a)).sum() <= 0.01 * a.sum(), (text, lv)


@needs_cjk
def test_a_long_mixed_line_wraps_inside_the_margins():
    _face(AR)
    text = "最高の一日だった شكرا جزيلا لكم 今日は本当にありがとう وداعا يا أصدقائي and see you soon"
    s = CaptionSettings()
    rc = render_cue(typed_cue(text, F(0), F(1)), (W, H), s)
    assert len(rc.lines) == 2 and "".join(rc.lines).replace(" ", "") == text.replace(" ", "")
    out = burn_captions(np.full((H, W, 3), GREY, np.uint8), F(0), [typed_cue(text, F(0), F(1))], s)[0]
    cols = np.flatnonzero((out != np.array(GREY, np.uint8)).any(axis=(0, 2)))
    margin = int(W * s.caption_margin)
    assert cols.min() >= margin - 6 and cols.max() <= W - margin + 6  # outline/shadow may spill a few px
    rows = np.flatnonzero(_solid(rc).any(axis=1))
    assert rows.min() > 0 and rows.max() < rc.patch.shape[0] - 1  # nothing cut at the patch's edges


def _small_caps_font(path, ascent: int) -> None:
    """A generated Latin font whose capitals are 0.55 em tall (CJK faces: 0.73): H, E, L, O as bars, a space; its
    ascent (in 1/1000 em) as given."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def box(x0, y0, x1, y1):
        pen = TTGlyphPen(None)
        pen.moveTo((x0, y0)), pen.lineTo((x0, y1)), pen.lineTo((x1, y1)), pen.lineTo((x1, y0)), pen.closePath()
        return pen.glyph()

    glyphs = {".notdef": box(50, 0, 450, 700), "space": TTGlyphPen(None).glyph(),
              "H": box(60, 0, 540, 550), "E": box(60, 0, 480, 550), "L": box(60, 0, 200, 550), "O": box(60, 0, 560, 550)}
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(list(glyphs))
    fb.setupCharacterMap({32: "space", ord("H"): "H", ord("E"): "E", ord("L"): "L", ord("O"): "O"})
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({name: (600 if name != "L" else 260, 0) for name in glyphs})
    fb.setupHorizontalHeader(ascent=ascent, descent=-200)
    fb.setupNameTable({"familyName": "Clipkit Small Caps", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=ascent, sTypoDescender=-200, usWinAscent=ascent, usWinDescent=200, sCapHeight=550, sxHeight=400)
    fb.setupPost()
    fb.save(str(path))


@needs_cjk
@pytest.mark.parametrize("ascent", [800, 300])
def test_a_given_font_without_some_characters_gets_them_from_fallbacks(tmp_path, ascent):
    # --font with Latin only and a line with Japanese in it: stopped before with "the font … has no glyphs for";
    # now the Latin is drawn from it, the Japanese from the CJK face, sized to the same capital height, and a note
    # says so. A font whose ascent is less than its letters' (and the CJK glyphs') height: nothing is cut off
    path = tmp_path / "smallcaps.ttf"
    _small_caps_font(path, ascent)
    s = CaptionSettings(font=str(path))
    rc = render_cue(typed_cue("HELLO 日本", F(0), F(1)), (W, H), s)
    cjk = find_font("日本")
    assert rc.font.path == path and rc.faces[1:] == (cjk,)
    assert rc.notes and "Clipkit Small Caps" in rc.notes[0] and cjk.family in rc.notes[0]
    px = matching_size(rc.font, cjk, rc.size)
    assert px == round(rc.size * 0.55 / 0.733) or px == round(rc.size * 0.8)  # the same capital height (within limits)
    assert px < rc.size
    solid = _solid(rc)
    words = _clusters(solid, gap=rc.size // 4)
    ref, base = _draw(cjk, "日本", px)
    iou, top = _match(solid, words[-1], ref)
    assert iou > 0.85, iou
    # the capitals stand on the same baseline: the bottom of the bars is the baseline
    hello = np.flatnonzero(solid[:, words[0][0]:words[0][1]].any(axis=1))
    assert abs(hello.max() + 1 - (top + base)) <= 1
    assert abs(hello.size - 0.55 * rc.size) <= 1.5, (hello.size, rc.size)  # the capitals whole, none cut at the top
    # against the CJK face at the caption's own size, the Japanese is smaller
    assert _match(solid, words[-1], _draw(cjk, "日本", rc.size)[0])[0] < iou
    rows = np.flatnonzero((rc.patch[..., 3] > 191).any(axis=1))  # outline and text (the shadow is fainter)
    assert rows.min() > 0 and rows.max() < rc.patch.shape[0] - 1  # the outline is whole, not cut at the patch's edge


def test_characters_no_installed_font_has_are_still_refused():
    text = "最高 شكرا \U0010fffd"  # supplementary private use: no font maps it
    for settings in (CaptionSettings(), CaptionSettings(font=str(find_font("Hello").path))):
        with pytest.raises(UsageError) as err:
            render_cue(typed_cue(text, F(0), F(1)), (W, H), settings)
        msg = str(err.value)
        assert msg.startswith("no installed font has the characters '\U0010fffd' (U+10FFFD)"), msg
        assert "'最'" not in msg and "'ش'" not in msg and err.value.exit_code == 2


@pytest.mark.parametrize("text, needs", [
    ("最高！😂 وداعا", ""), ("Shalom שלום 你好 friend", ""), ("Привет, 東京!", ""), ("彼は言った「مرحبا بكم 2024」と", ""),
    ("안녕 สวัสดี", "Thai"), ("नमस्ते 東京", "Devanagari"),
])
def test_every_run_of_a_mixed_line_comes_from_a_face_that_has_it(text, needs):
    try:
        plan = font_plan(text)
    except UsageError as exc:
        if needs and needs in str(exc):
            pytest.skip(f"no {needs} font installed (Debian: fonts-noto-core): {exc.message}")
        if "CJK" in str(exc) or "Arabic" in str(exc) or "Emoji" in str(exc):
            pytest.skip(exc.message)
        raise
    pieces = plan.split(text)
    assert "".join(p for p, _ in pieces) == text
    assert all(missing_chars(face, part) == [] for part, face in pieces), pieces
    rc = render_cue(typed_cue(text, F(0), F(1)), (W, H))
    assert rc.lines == (text,) and _solid(rc).sum() > 100


@needs_cjk
def test_cli_still_and_gif_draw_a_mixed_line(sample, tmp_path):
    _face(AR)
    still, gif = tmp_path / "s.png", tmp_path / "g.gif"
    for args, out in ((["still", sample, "0:05"], still), (["gif", sample, "0:05", "0:06", "--fps", "5"], gif)):
        res = subprocess.run([sys.executable, "-m", "clipkit", *map(str, args), "-o", str(out), "--width", "320",
                              "--caption", f"{JA} {AR}"], capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
        img = np.asarray(Image.open(out).convert("RGB"))
        assert (img == 255).all(axis=2).sum() > 60


@needs_raqm
@pytest.mark.parametrize("inside", ["", "最高 "])
def test_a_wrapped_right_to_left_line_stays_right_to_left_on_its_next_line(inside):
    # an Arabic sentence wrapped so its second line starts with a Latin word: that line is still part of a
    # right-to-left paragraph, the Latin word on its right (it was put on the left, as if the line began a
    # left-to-right paragraph); in one face (Raqm lays the line out) and in several (pieces in bidi order)
    if inside:
        _face(inside)
    _face(AR)
    text = f"مرحبا {inside}بكم يا أصدقائي الأعزاء Tokyo اليوم"
    for size in range(50, 120, 2):
        rc = render_cue(typed_cue(text, F(0), F(1)), (W, H), CaptionSettings(caption_size=size / 1000))
        if len(rc.lines) == 2 and rc.lines[1].startswith("Tokyo"):
            break
    else:
        pytest.skip("no caption size puts 'Tokyo' first on the second line with these fonts")
    ascent = load_font(rc.font, rc.size).getmetrics()[0]
    baseline = max(1, int(round(rc.size * 0.09))) + max(2, rc.size // 10) + ascent + int(round(rc.size * 1.3))
    band = _solid(rc)[baseline - int(0.9 * rc.size):baseline + int(0.3 * rc.size)]
    latin = next(face for face in rc.faces if not missing_chars(face, "Tokyo"))
    ref = _draw(latin, "Tokyo", rc.size)[0]
    ink = np.flatnonzero(band.any(axis=0))
    # where the word is on the line: the best match of it, sliding along
    score = {x: _match(band, (x, x + ref.shape[1]), ref)[0] for x in range(ink[0], ink[-1] - ref.shape[1] + 2)
             if band[:, x].any()}
    x = max(score, key=score.get)
    assert score[x] > 0.85 and x + ref.shape[1] >= ink[-1] - 1, (score[x], x, ink[-1])  # the last on the right


def test_a_keycap_or_emoji_presentation_in_a_mixed_line_comes_whole_from_the_emoji_face():
    # "1️⃣" (1, VS16, the keycap U+20E3) in a line drawn in several faces: the 1 came from the text face and the
    # keycap after it, alone, from the emoji face (a "1" beside an empty key); now the emoji face draws all three
    text = "最高 1\ufe0f\u20e3 ש"
    try:
        plan = font_plan(text)
    except UsageError as exc:
        pytest.skip(exc.message)
    if len(plan.faces) == 1:
        pytest.skip("one installed face has all of it here")
    if not any(not missing_chars(face, "1\u20e3") and missing_chars(face, "最") for face in plan.faces):
        pytest.skip("no emoji face here has the keycap (Debian: fonts-noto-color-emoji)")
    pieces = plan.split(text)
    key = next((part, face) for part, face in pieces if "1" in part)
    assert key[0] == "1\ufe0f\u20e3" and missing_chars(key[1], "1\u20e3") == [] and key[1] != plan.primary, pieces
    assert _solid(render_cue(typed_cue(text, F(0), F(1)), (W, H))).sum() > 100
