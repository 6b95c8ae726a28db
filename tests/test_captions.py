"""Captions drawn into frames: the right line on the right frames, any script, styles, wrapping, errors."""

from __future__ import annotations

import subprocess
from pathlib import Path
import sys
from fractions import Fraction as F

import numpy as np
import pytest
from PIL import Image

from clipkit import still
from clipkit.errors import UsageError
from clipkit.media.probe import probe
from clipkit.render.captions import STYLES, burn_captions, caption_overlay, render_cue
from clipkit.render.fonts import find_font, missing_chars
from clipkit.settings import CaptionSettings
from clipkit.subtitles import Cue, extract_track, parse_ass_text, typed_cue

from test_fonts import needs_cjk

W, H = 540, 304
GREY = (90, 100, 110)


def grey_frame(w: int = W, h: int = H) -> np.ndarray:
    return np.full((h, w, 3), GREY, dtype=np.uint8)


def changed_rows(img: np.ndarray) -> np.ndarray:
    """Rows where anything differs from the plain grey frame."""
    return np.nonzero((img != np.array(GREY, dtype=np.uint8)).any(axis=(1, 2)))[0]


def changed_cols(img: np.ndarray) -> np.ndarray:
    return np.nonzero((img != np.array(GREY, dtype=np.uint8)).any(axis=(0, 2)))[0]


@pytest.fixture(scope="module")
def english(sample):
    return extract_track(probe(sample), 0)


@pytest.fixture(scope="module")
def japanese(sample):
    return extract_track(probe(sample), 1)


# ---------------------------------------------------------------- timing


def test_right_line_on_the_right_frames(english, truth):
    """Every 1/24 s of the first 20 s: drawn exactly when the truth has a line, and it is that line."""
    lines = [s for s in truth["subtitles"] if s["start"] < 20]
    plan = caption_overlay(english, F(0), (W, H), clip_end=F(20))
    assert plan.texts == [s["eng"] for s in lines]
    reference = {s["eng"]: burn_captions(grey_frame(), F(0), [typed_cue(s["eng"], F(0), F(1))])[0] for s in lines}
    for k in range(20 * 24):
        t = F(k, 24)
        expected = [s["eng"] for s in lines if F(s["start"]).limit_denominator(1000) <= t < F(s["end"]).limit_denominator(1000)]
        out = plan.overlay(t, grey_frame())
        if not expected:
            assert np.array_equal(out, grey_frame()), f"caption drawn at {float(t):.3f}s outside every line"
        else:
            (text,) = expected
            assert np.array_equal(out, reference[text]), f"wrong caption at {float(t):.3f}s (expected {text!r})"


def test_clip_starting_mid_line_keeps_the_line_for_its_remaining_span(english, truth):
    first = truth["subtitles"][0]  # 1.0–3.5 s
    clip_start = F(2)
    plan = caption_overlay(english, clip_start, (W, H), clip_end=F(6))
    assert plan.texts[0] == first["eng"]
    assert changed_rows(plan.overlay(clip_start, grey_frame())).size  # on the clip's first frame
    assert changed_rows(plan.overlay(F(7, 2) - F(1, 24), grey_frame())).size
    assert not changed_rows(plan.overlay(F(7, 2), grey_frame())).size  # gone at its end
    # clip-relative time base gives the same pictures
    rel = caption_overlay(english, clip_start, (W, H), clip_end=F(6), relative=True)
    assert np.array_equal(rel.overlay(F(1), grey_frame()), plan.overlay(F(3), grey_frame()))


def test_still_burns_the_line_spoken_at_that_moment(sample, truth, tmp_path):
    line = truth["subtitles"][4]  # 24–27 "He knew. He always knew."
    inside = still(sample, str(line["start"] + 1), tmp_path / "in.png", subs="track:0", width=320)
    assert inside.captions == (line["eng"],)
    assert inside.notes[-1].startswith("captions from track 0")
    plain = still(sample, str(line["start"] + 1), tmp_path / "plain.png", width=320)
    a = np.asarray(Image.open(inside.path).convert("RGB")).astype(int)
    b = np.asarray(Image.open(plain.path).convert("RGB")).astype(int)
    diff_rows = np.nonzero(np.abs(a - b).sum(axis=(1, 2)))[0]
    assert diff_rows.size and diff_rows.min() > a.shape[0] // 2  # drawn, in the bottom half
    # pure white text pixels are there
    assert ((a == 255).all(axis=2) & ~(b == 255).all(axis=2)).sum() > 50
    after = still(sample, str(line["end"]), tmp_path / "after.png", subs="track:0", width=320)
    assert after.captions == ()


# ---------------------------------------------------------------- any script


@needs_cjk
def test_japanese_renders_with_a_cjk_font(japanese, truth):
    cue = japanese[4]
    assert cue.text == truth["subtitles"][4]["jpn"]
    rc = render_cue(cue, (W, H), lang="jpn")
    assert "CJK" in rc.font.family and missing_chars(rc.font, cue.text) == []
    # distinct characters draw distinct glyphs (no identical boxes)
    ink = []
    for ch in "彼知":
        a = render_cue(typed_cue(ch, F(0), F(1)), (W, H), lang="jpn").patch[..., 3]
        ink.append(a)
    assert ink[0].shape == ink[1].shape and (ink[0] != ink[1]).sum() > 50


@needs_cjk
def test_japanese_wraps_without_spaces_and_not_before_punctuation():
    text = "じゃあ、なぜ言ってくれなかったの？ずっと前から知っていたのに、どうして黙っていたの？"
    rc = render_cue(typed_cue(text, F(0), F(1)), (W, H))
    assert len(rc.lines) == 2 and "".join(rc.lines) == text
    assert rc.lines[1][0] not in "、。？！"


# ---------------------------------------------------------------- layout


@pytest.mark.parametrize("width", [50, 60, 70, 80, 90])
def test_japanese_never_ends_a_line_with_an_opening_bracket(width):
    # kinsoku: 「 and （ belong to the line they open, as 」 and ） to the line they close; before, at 60 and 70 px
    # a line ended "あいうえお「" or "きくけこ」と（"
    from clipkit.render.captions import wrap_runs
    from clipkit.subtitles import Run

    text = "あいうえお「かきくけこ」と（さしすせそ）"
    lines = ["".join(r.text for r in line) for line in wrap_runs([(Run(text),)], width, lambda run: 10.0 * len(run.text))]
    assert "".join(lines) == text
    assert not any(line[-1] in "「（" or line[0] in "」）" for line in lines), lines


@pytest.mark.parametrize("unit", ["कि", "क्ष", "เก", "👍🏽", "👨\u200d👧", "e\u0301"])
def test_a_word_wider_than_the_line_never_breaks_inside_a_written_unit(unit):
    # a Thai line has no spaces and is broken between characters: never between a letter and its vowel sign
    # (a dotted circle on the next line), a conjunct's halves, a Thai vowel written before its consonant,
    # an emoji and its skin tone or joiner. Every code point measures 10 px, so 3 fit a 30 px line: a split
    # by code points would cut each unit
    from clipkit.render.captions import wrap_runs
    from clipkit.subtitles import Run

    text = unit * 6
    lines = wrap_runs([(Run(text),)], 30, lambda run: 10.0 * len(run.text))
    assert "".join(r.text for line in lines for r in line) == text
    for line in lines:
        assert "".join(r.text for r in line) == unit, lines


def test_long_line_wraps_to_two_lines_inside_the_margins():
    s = CaptionSettings()
    text = "Because it's always true, and you know it as well as I do, every single night."
    rc = render_cue(typed_cue(text, F(0), F(1)), (W, H), s)
    assert len(rc.lines) == 2 and " ".join(rc.lines) == text
    out = burn_captions(grey_frame(), F(0), [typed_cue(text, F(0), F(1))], s)[0]
    cols = changed_cols(out)
    margin = int(W * s.caption_margin)
    assert cols.min() >= margin - 6 and cols.max() <= W - margin + 6  # outline/shadow may spill a few px


@pytest.mark.parametrize("word", ["…and", "...and", "../notes", ")sighs"])
def test_a_word_with_punctuation_in_front_starts_a_line_rather_than_running_past_the_edge(word):
    # subtitles trail off and pick up ("night …and nobody came"): a word that opens with "…", "." or ")" is a word,
    # and may start a line; before, it was kept on the full line and ran past the frame (at 540 px the caption
    # below was 577 px wide, its first and last letters cut off). A lone "?" or "…" still stays on its line
    from clipkit.render.captions import wrap_runs
    from clipkit.subtitles import Run

    def text_of(lines):
        return ["".join(r.text for r in line) for line in lines]

    ten = lambda run: 10.0 * len(run.text)  # noqa: E731 — every character 10 px: "aaaa bbbb" fills a 90 px line
    assert text_of(wrap_runs([(Run(f"aaaa bbbb {word}"),)], 90, ten)) == ["aaaa bbbb", word]
    assert text_of(wrap_runs([(Run("aaaa bbbb ? cc"),)], 90, ten)) == ["aaaa bbbb ?", "cc"]
    assert text_of(wrap_runs([(Run("aaaa bbbb … cc"),)], 90, ten)) == ["aaaa bbbb …", "cc"]

    s = CaptionSettings()
    cue = Cue(F(0), F(1), *parse_ass_text("I waited for you at the station all night …and nobody came."))
    out = burn_captions(grey_frame(), F(0), [cue], s)[0]
    cols = changed_cols(out)
    margin = int(W * s.caption_margin)
    assert cols.min() >= margin - 6 and cols.max() <= W - margin + 6  # outline/shadow may spill a few px


def test_subtitle_too_long_is_cut_with_a_note_but_typed_text_is_an_error():
    words = " ".join(["starlight"] * 40)
    cue = Cue(F(0), F(1), ((parse_ass_text(words)[0][0]),))
    rc = render_cue(cue, (W, H))
    assert len(rc.lines) == 2 and rc.lines[1].endswith("…")
    assert rc.notes and "cut to 2 lines" in rc.notes[0] and "starlight" in rc.notes[0]
    with pytest.raises(UsageError, match="even at the minimum size"):
        render_cue(typed_cue(words, F(0), F(1)), (W, H), strict=True)


def test_a_two_speaker_line_too_long_keeps_both_speakers():
    # two speakers, each line too long for one line even at the minimum size: the first speaker's line filled
    # both lines and the reply was left out whole (the GIF showed a question and no answer); each keeps a line,
    # cut with "…", and the note says what of each was left out
    question = "- Where were you last night when the whole city went dark and nobody could find you?"
    answer = "- At the observatory on the hill, counting stars with Kenji and Mari until morning."
    cue = Cue(F(0), F(1), *parse_ass_text(question + r"\N" + answer))
    rc = render_cue(cue, (W, H))
    assert len(rc.lines) == 2, rc.lines
    for shown, full in zip(rc.lines, (question, answer)):
        assert shown.endswith("…") and full.startswith(shown[:-1]) and len(shown) > 20, rc.lines
    assert "cut to 2 lines" in rc.notes[0] and "until morning." in rc.notes[0] and "find you?" in rc.notes[0]
    out = burn_captions(grey_frame(), F(0), [cue])[0]
    assert changed_cols(out).min() >= int(W * CaptionSettings().caption_margin) - 6


def test_a_cut_reply_in_hebrew_is_laid_out_right_to_left():
    # the question cut with "…" held fewer letters than its line, so its reply (Hebrew) was counted as the rest of
    # the question and laid out left to right, its words in reverse order
    from clipkit.render.captions.draw import _Fonts, _paragraph_levels
    from clipkit.render.captions.wrap import fit_lines, line_text

    s = CaptionSettings()
    question = "- Where were you last night when the whole city went dark and nobody could find you?"
    answer = "- שלום, מה שלומך? אני בסדר גמור, תודה רבה לך על השאלה הזאת ששאלת אותי"
    for first, second, want in ((question, answer, [0, 1]), (answer, question, [1, 0])):
        cue = Cue(F(0), F(1), *parse_ass_text(first + r"\N" + second))
        _, lines, notes = fit_lines(cue, _Fonts(cue.text, s, None).measure_at, s, W, False)
        assert len(lines) == 2 and notes and all(line_text(ln).endswith("…") for ln in lines), lines
        assert _paragraph_levels(cue, lines) == want


def test_an8_goes_to_the_top_and_position_setting(tmp_path):
    top_cue = Cue(F(0), F(1), *parse_ass_text(r"{\an8}On top"))
    out = burn_captions(grey_frame(), F(0), [top_cue])[0]
    assert changed_rows(out).max() < H // 2
    bottom = burn_captions(grey_frame(), F(0), [typed_cue("Below", F(0), F(1))])[0]
    assert changed_rows(bottom).min() > H // 2
    moved = burn_captions(grey_frame(), F(0), [typed_cue("Below", F(0), F(1))], CaptionSettings(caption_position="top"))[0]
    assert changed_rows(moved).max() < H // 2


def test_overlapping_lines_are_stacked_not_drawn_over_each_other():
    a, b = typed_cue("First speaker", F(0), F(2)), typed_cue("Second speaker", F(1), F(3))
    one = changed_rows(burn_captions(grey_frame(), F(1, 2), [a, b])[0])
    both = changed_rows(burn_captions(grey_frame(), F(3, 2), [a, b])[0])
    assert both.min() < one.min() - 15  # the block grew upward by a line


def test_italic_and_bold_runs_change_the_drawing():
    plain = burn_captions(grey_frame(), F(0), [Cue(F(0), F(1), *parse_ass_text("Counting stars"))])[0]
    italic = burn_captions(grey_frame(), F(0), [Cue(F(0), F(1), *parse_ass_text(r"{\i1}Counting stars"))])[0]
    bold = burn_captions(grey_frame(), F(0), [Cue(F(0), F(1), *parse_ass_text(r"{\b1}Counting stars"))])[0]
    assert not np.array_equal(plain, italic) and not np.array_equal(plain, bold)
    assert (bold == 255).all(axis=2).sum() > (plain == 255).all(axis=2).sum()  # thicker strokes


@pytest.mark.parametrize("style", sorted(STYLES))
def test_styles_draw_their_colours(style):
    s = CaptionSettings(caption_style=style)
    out = burn_captions(grey_frame(), F(0), [typed_cue("Style check", F(0), F(1))], s)[0]
    fill = np.array(STYLES[style].fill)
    assert (out == fill).all(axis=2).sum() > 100  # solid text pixels carry exactly the fill colour
    band = out[changed_rows(out)][:, changed_cols(out)]
    if STYLES[style].box:
        # the translucent band darkens the background around the text
        assert (band.reshape(-1, 3).astype(int).sum(axis=1) < sum(GREY) - 60).mean() > 0.3
    else:
        assert (band == 0).all(axis=2).sum() > 50  # black outline


def test_size_is_relative_to_the_width():
    small = render_cue(typed_cue("Size", F(0), F(1)), (270, 152))
    large = render_cue(typed_cue("Size", F(0), F(1)), (540, 304))
    assert abs(large.size - 2 * small.size) <= 1 and large.size == round(0.05 * 540)
    assert render_cue(typed_cue("Size", F(0), F(1)), (540, 304), CaptionSettings(caption_size=0.08)).size > large.size


def test_bad_settings_are_usage_errors():
    for kw in ({"caption_style": "neon"}, {"caption_position": "middle"}, {"caption_size": 2.0}):
        with pytest.raises(UsageError):
            render_cue(typed_cue("x", F(0), F(1)), (W, H), CaptionSettings(**kw))


# ---------------------------------------------------------------- CLI


def run(*args):
    return subprocess.run([sys.executable, "-m", "clipkit", *map(str, args)], capture_output=True, text=True)


def test_cli_bad_inputs_one_line_exit_2_no_file(sample, tmp_path, latin_font_path):
    out = tmp_path / "x.png"
    cases = [
        (["--subs", "track:7"], "no subtitle track 7"),
        (["--subs", tmp_path / "missing.srt"], "subtitle file not found"),
        (["--caption", "彼は知っていた \U0010fffd", "--font", latin_font_path], "no installed font has the characters '\U0010fffd' (U+10FFFD)"),
        (["--caption", "x", "--font", sample.with_suffix(".truth.json")], "is not a font file"),
        (["--caption", " ".join(["starlight"] * 60)], "even at the minimum size"),
        (["--caption-at", "0:30-0:31", "text"], "outside the range"),
    ]
    from click.testing import CliRunner

    from clipkit.cli import main

    for i, (extra, message) in enumerate(cases):
        args = ["still", str(sample), "0:05", "-o", str(out), "--width", "320", *map(str, extra)]
        if i == 0:  # once as a real process, the rest in-process (same code path, faster)
            res = run(*args)
        else:
            r = CliRunner().invoke(main, args)
            res = subprocess.CompletedProcess(args, r.exit_code, r.stdout, r.stderr)
        assert res.returncode == 2, (extra, res.stderr)
        assert message in res.stderr and "Traceback" not in res.stderr
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr
        assert not out.exists() and not list(tmp_path.glob("*.png"))


def test_cli_still_with_caption(sample, tmp_path):
    out = tmp_path / "cap.png"
    res = run("still", sample, "0:05", "-o", out, "--width", "320", "--caption", "He knew.", "--caption-style", "yellow")
    assert res.returncode == 0, res.stderr
    img = np.asarray(Image.open(out).convert("RGB"))
    assert (img == np.array(STYLES["yellow"].fill)).all(axis=2).sum() > 30


@pytest.mark.parametrize("text", [r"C:\Users\Nana\Notes\ep07.srt", r"{\an8}<i>not italic</i>\N&amp;"])
def test_a_typed_caption_that_looks_like_a_path_or_markup_is_drawn_as_typed(text):
    # --caption is data: a Windows path's "\N" ("\Nana", "\Notes") is not a line break, ASS/HTML tags are text
    rc = render_cue(typed_cue(text, F(0), F(1)), (W, H))
    assert " ".join(rc.lines) == text, rc.lines
    assert typed_cue("two\nlines", F(0), F(1)).text == "two\nlines"  # a real newline still breaks the line


@pytest.fixture(scope="module")
def latin_font_path():
    choice = find_font("Hello")
    if not missing_chars(choice, "彼"):
        pytest.skip("the default Latin font also covers Japanese here")
    return choice.path


@needs_cjk
def test_a_japanese_caption_with_an_emoji_draws_both_on_one_baseline():
    # no installed face has both: the text comes from the CJK face and the emoji from one that has it
    # (refused before with "no single installed font has every character")
    symbol = next((c for c in "😂❤☺♪" if not missing_chars(find_font(c), c)), None)
    if symbol is None or not missing_chars(find_font("すごい"), symbol):
        pytest.skip("no face here draws these emoji, or the CJK face has them itself")
    alone = render_cue(typed_cue("すごい", F(0), F(1)), (W, H))
    mixed = render_cue(typed_cue(f"すごい {symbol}", F(0), F(1)), (W, H))
    assert mixed.font == alone.font  # the text's face, as without the emoji
    a, m = alone.patch[..., 3].astype(int), mixed.patch[..., 3].astype(int)
    assert a.shape[0] == m.shape[0]  # one line, the same height
    w = a.shape[1] - 8  # the three kana in the same place (not boxes of a face without them)
    assert np.abs(a[:, :w] - m[:, :w]).mean() < 3
    tail = m[:, a.shape[1]:]  # the emoji drawn after them, on the line
    rows = np.flatnonzero(tail.max(axis=1) > 128)
    assert rows.size and rows.min() >= 2 and rows.max() <= m.shape[0] - 3
    # a given --font without the emoji: the emoji from the face that has it, the kana from the font given, and a note
    given = render_cue(typed_cue(f"すごい {symbol}", F(0), F(1)), (W, H), CaptionSettings(font=str(alone.font.path)))
    assert given.font == alone.font and len(given.faces) == 2 and np.array_equal(given.patch, mixed.patch)
    assert given.notes and "has no glyphs for some characters" in given.notes[0] and given.faces[1].family in given.notes[0]


def _bitmap_emoji_font():
    """An installed emoji font with bitmap glyphs only (Noto Color Emoji, as desktops ship it), or None."""
    import shutil

    from fontTools.ttLib import TTFont

    def bitmaps_only(path: str) -> bool:
        font = TTFont(path, lazy=True)
        try:
            return not ({"glyf", "CFF ", "CFF2"} & set(font.keys())) and bool({"CBDT", "sbix"} & set(font.keys()))
        finally:
            font.close()

    if not shutil.which("fc-list"):
        return None
    out = subprocess.run(["fc-list", ":charset=1f44d", "file"], capture_output=True, text=True, check=False).stdout
    paths = [line.strip().rstrip(":") for line in out.splitlines() if line.strip()]
    return next((p for p in paths if p.endswith((".ttf", ".otf")) and bitmaps_only(p)), None)


def test_a_colour_emoji_font_draws_at_the_captions_size():
    # Noto Color Emoji (installed on most desktops) has one 109-px bitmap strike FreeType cannot draw at other
    # sizes: a caption with 👍 stopped with "is not a font FreeType can open (invalid pixel size)"; now the
    # strike is drawn and scaled to the caption's size, in the caption's colour with its outline
    path = _bitmap_emoji_font()
    if path is None:
        pytest.skip("no bitmap-only emoji font installed (Debian: fonts-noto-color-emoji)")
    s = CaptionSettings(font=path)
    rc = render_cue(typed_cue("👍👍", F(0), F(1)), (W, H), s)
    rows = np.flatnonzero(rc.patch[..., 3].max(axis=1) > 128)
    cols = np.flatnonzero(rc.patch[..., 3].max(axis=0) > 128)
    assert 0.6 * rc.size <= rows.size <= 1.6 * rc.size, (rows.size, rc.size)  # a glyph as tall as the text, not 109 px
    assert 1.2 * rc.size <= cols.size <= 3.5 * rc.size, (cols.size, rc.size)  # two of them side by side
    out = burn_captions(grey_frame(), F(0), [typed_cue("👍👍", F(0), F(1))], s)[0]
    assert (out == 0).all(axis=2).any() and (out == 255).all(axis=2).any()  # the black outline, the white fill
    if find_font("👍").path == Path(path):  # fontconfig gives it for the emoji of a mixed caption too
        mixed = render_cue(typed_cue("He knew 👍", F(0), F(1)), (W, H))
        assert mixed.lines == ("He knew 👍",)


@pytest.mark.parametrize("caption_at", [["0:01-0:03 hi"], "0:01-0:03 hi", [("0:01-0:03",)], [("0:01-0:03", 5)]])
def test_caption_at_that_is_not_span_text_pairs_is_a_usage_error(tmp_path, caption_at):
    # gif(…, caption_at=["0:01-0:03 hi"]) (span and text in one string, as the CLI is typed) crashed with
    # "ValueError: not enough values to unpack (expected 2, got 1)"
    import clipkit

    frames = clipkit.Frames([np.full((90, 160, 3), (20, 40, 120), np.uint8)] * 60, rate=15)
    with pytest.raises(UsageError, match=r"is not a \(span, text\) pair") as err:
        clipkit.gif(frames, output=tmp_path / "a.gif", caption_at=caption_at)
    assert 'caption_at=[("12:32-12:34", "' in err.value.hint
    assert not (tmp_path / "a.gif").exists()
    pair = clipkit.gif(frames, output=tmp_path / "b.gif", caption_at=("0:01-0:03", "hi"), width=160)
    assert pair.path.exists()  # one pair, not in a list, as before


def test_an_srt_ampersand_is_drawn_as_one_and_escaped_once_in_the_snippet(sample, tmp_path):
    """A "&amp;" in an SRT was burned as "&amp;": the caption is drawn as the same text typed with --caption
    ("Tom & Jerry <3"), not as the reference; the snippet's alt escapes that text once ("Tom &amp; Jerry &lt;3")."""
    import html
    from html.parser import HTMLParser

    from click.testing import CliRunner

    from clipkit.cli import main

    srt = tmp_path / "web.srt"
    srt.write_text("1\n00:00:04,000 --> 00:00:06,000\nTom &amp; Jerry &lt;3 it&#39;s &quot;ok&quot;\n", encoding="utf-8")
    said = 'Tom & Jerry <3 it\'s "ok"'

    def still(name, *extra):
        res = CliRunner().invoke(main, ["still", str(sample), "0:05", "-o", str(tmp_path / name), "--width", "320",
                                        "--embed", "html", *map(str, extra)])
        assert res.exit_code == 0, res.output
        return np.asarray(Image.open(tmp_path / name).convert("RGB")).astype(int), res.stdout

    burned, snippet = still("srt.png", "--subs", srt)
    typed, _ = still("typed.png", "--caption", said)
    as_written, _ = still("raw.png", "--caption", "Tom &amp; Jerry &lt;3 it&#39;s &quot;ok&quot;")
    bare, _ = still("bare.png", "--subs", "off")
    assert np.abs(burned - bare).max() > 100  # a caption was drawn
    assert np.abs(burned - typed).max() == 0 and np.abs(burned - as_written).max() > 100

    class Alt(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "img":
                self.alt = dict(attrs)["alt"]

    parser = Alt()
    parser.feed(snippet)
    assert parser.alt == said, snippet  # the page shows the text as said
    assert f'alt="{html.escape(said)}"' in snippet and "&amp;amp;" not in snippet, snippet
