"""Subtitle sources: files in any encoding, embedded text tracks, choosing, retiming, refusing bitmaps."""

from __future__ import annotations

import shutil
import struct
from fractions import Fraction as F
from pathlib import Path

import pytest

from clipkit.errors import InputError, TimecodeError, UsageError
from clipkit.media.probe import probe
from clipkit.subtitles import (
    clip_cues,
    cues_at,
    extract_track,
    find_sidecar,
    load_subtitle_file,
    parse_ass_text,
    select_subtitles,
)
from clipkit.pipeline.captions import gather_captions, parse_span
from media import ffmpeg


def _plain(text: str) -> str:
    return text.replace("<i>", "").replace("</i>", "")


# ---------------------------------------------------------------- embedded tracks


@pytest.mark.parametrize("index, lang", [(0, "eng"), (1, "jpn")])
def test_embedded_track_lines_and_times_match_the_truth(sample, truth, index, lang):
    cues = extract_track(probe(sample), index)
    expected = truth["subtitles"]
    assert [c.text for c in cues] == [_plain(s[lang]) for s in expected]
    assert [(float(c.start), float(c.end)) for c in cues] == [(s["start"], s["end"]) for s in expected]


def test_srt_italics_become_an_italic_run(sample):
    cues = extract_track(probe(sample), 0)
    italic = [c for c in cues if "look back" in c.text]
    assert italic and all(r.italic for line in italic[0].lines for r in line)
    assert not any(r.italic for line in cues[0].lines for r in line)


def test_select_by_track_lang_and_auto(sample):
    info = probe(sample)
    assert select_subtitles(info, "track:1").cues[0].text == "昨夜はどこにいたの？"
    jp = select_subtitles(info, "lang:ja")  # two-letter code matches the file's "jpn"
    assert jp.language == "jpn" and "天文台" in jp.cues[1].text
    assert select_subtitles(info, "auto", language="jpn").language == "jpn"
    assert select_subtitles(info, "auto", language="eng").cues[0].text == "Where were you last night?"
    # no track in the preferred language: the default track
    assert select_subtitles(info, "auto", language="fra").language == "eng"
    assert select_subtitles(info, "off") is None


def test_track_that_does_not_exist_lists_the_tracks(sample):
    with pytest.raises(InputError) as err:
        select_subtitles(probe(sample), "track:5")
    msg = str(err.value)
    assert "no subtitle track 5" in msg and "track:0 (eng" in msg and "track:1 (jpn" in msg
    with pytest.raises(InputError, match="no subtitle track in fra"):
        select_subtitles(probe(sample), "lang:fr")
    with pytest.raises(UsageError, match="must be a number"):
        select_subtitles(probe(sample), "track:two")


def test_lang_takes_a_subtitle_file_beside_the_episode_in_that_language(tmp_path):
    # a fansub season: ep.mkv with no subtitle track, ep.en.srt and ep.ja.srt beside it; `--subs lang:jpn` (or a
    # batch job's subs = "lang:jpn") is the .ja.srt (before: "ep.mkv has no subtitle track in jpn", exit 2)
    video = tmp_path / "ep.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=96x54:r=10:d=1", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(video))
    (tmp_path / "ep.en.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nHe knew.\n", encoding="utf-8")
    (tmp_path / "ep.ja.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\n彼は知っていた。\n", encoding="utf-8")
    info = probe(video)
    for spec in ("lang:jpn", "lang:ja"):
        jp = select_subtitles(info, spec)
        assert jp.language == "jpn" and jp.cues[0].text == "彼は知っていた。" and jp.description == "ep.ja.srt"
    assert select_subtitles(info, "lang:eng").cues[0].text == "He knew."
    with pytest.raises(InputError, match="no subtitle track in kor"):
        select_subtitles(info, "lang:ko")


def test_auto_takes_a_track_in_your_language_over_a_file_beside_it_named_for_another(sample, tmp_path):
    # a series preset says subs_language = "jpn"; the episode has a Japanese track and English fansubs beside it
    # (ep.en.srt): the GIFs got the English file's lines. A file in your language, or with no language in its
    # name, still comes first; with no track in your language a file in another one is still used
    (tmp_path / "ep.mkv").symlink_to(sample)
    (tmp_path / "ep.en.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nFrom the file.\n", encoding="utf-8")
    info = probe(tmp_path / "ep.mkv")
    jp = select_subtitles(info, "auto", language="jpn")
    assert jp.language == "jpn" and "日本語" in jp.description and jp.cues == tuple(extract_track(info, 1))
    assert select_subtitles(info, "auto", language="eng").description == "ep.en.srt"
    assert select_subtitles(info, "auto", language="fra").description == "ep.en.srt"  # no track in fra
    (tmp_path / "ep.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nUntagged.\n", encoding="utf-8")
    assert select_subtitles(info, "auto", language="jpn").description == "ep.srt"
    (tmp_path / "ep.ja.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\n彼は知っていた。\n", encoding="utf-8")
    assert select_subtitles(info, "auto", language="jpn").description == "ep.ja.srt"


# ---------------------------------------------------------------- bitmap tracks


def _pgs_display_set(pts: int, show: bool) -> bytes:
    """A minimal PGS (Blu-ray) display set: a 2×2 white object, or a clear."""

    def seg(typ: int, payload: bytes) -> bytes:
        return b"PG" + struct.pack(">IIBH", pts, 0, typ, len(payload)) + payload

    out = seg(0x16, struct.pack(">HHBHBBBB", 160, 90, 0x10, 0 if show else 1, 0x80 if show else 0, 0, 0, 1 if show else 0)
              + (struct.pack(">HBBHH", 0, 0, 0, 10, 10) if show else b""))
    out += seg(0x17, struct.pack(">BBHHHH", 1, 0, 10, 10, 2, 2))
    if show:
        out += seg(0x14, bytes([0, 0, 1, 235, 128, 128, 255]))
        rle = bytes([1, 1, 0, 0, 1, 1, 0, 0])
        out += seg(0x15, struct.pack(">HBB", 0, 0, 0xC0) + (len(rle) + 4).to_bytes(3, "big") + struct.pack(">HH", 2, 2) + rle)
    return out + seg(0x80, b"")


@pytest.fixture(scope="module")
def bitmap_clip(tmp_path_factory) -> Path:
    """A 2 s clip whose only subtitle track is PGS (bitmap)."""
    d = tmp_path_factory.mktemp("pgs")
    sup = d / "subs.sup"
    sup.write_bytes(_pgs_display_set(45000, True) + _pgs_display_set(135000, False))
    out = d / "bitmap.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=160x90:d=2:r=10", "-i", sup, "-map", "0", "-map", "1",
           "-c:v", "libx264", "-c:s", "copy", "-metadata:s:s:0", "language=eng", out)
    return out


def test_bitmap_track_is_chosen_as_pictures(bitmap_clip):
    info = probe(bitmap_clip)
    assert info.subtitles and not info.subtitles[0].is_text
    for spec in ("track:0", "lang:eng", "auto"):  # chosen like a text track; no cues: the decoder draws it
        source = select_subtitles(info, spec)
        assert source.cues == () and source.picture_track == 0 and "hdmv_pgs_subtitle pictures" in source.description
    job = gather_captions(info, F(0), F(2))
    assert job.cues == () and job.picture_track == 0 and "burned as the disc/broadcast drew them" in job.notes[0]
    with pytest.raises(InputError, match="pictures, not text"):  # as text (e.g. for search) it is still refused
        extract_track(info, 0)


# ---------------------------------------------------------------- files and encodings

SRT = "1\n00:00:01,000 --> 00:00:02,500\nCafé déjà vu, Zoë.\n\n2\n00:00:03,000 --> 00:00:04,000\nSecond line\n"


def test_latin1_file(tmp_path):
    p = tmp_path / "latin1.srt"
    p.write_bytes(SRT.encode("latin-1"))
    cues = load_subtitle_file(p)
    assert cues[0].text == "Café déjà vu, Zoë." and cues[0].start == 1 and cues[0].end == F(5, 2)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_bom_files(tmp_path, encoding):
    p = tmp_path / f"bom-{encoding}.srt"
    p.write_bytes(SRT.encode(encoding))
    cues = load_subtitle_file(p)
    assert [c.text for c in cues] == ["Café déjà vu, Zoë.", "Second line"]
    assert not cues[0].text.startswith("\ufeff")


def test_empty_and_overlapping_events(tmp_path):
    p = tmp_path / "odd.srt"
    p.write_text(
        "1\n00:00:01,000 --> 00:00:03,000\nFirst\n\n"
        "2\n00:00:02,000 --> 00:00:02,500\n\n\n"          # empty event
        "3\n00:00:02,000 --> 00:00:04,000\nOverlapping\n\n"
        "4\n00:00:05,000 --> 00:00:05,000\nzero length\n",
        encoding="utf-8",
    )
    cues = load_subtitle_file(p)
    assert [c.text for c in cues] == ["First", "Overlapping"]
    assert [c.text for c in cues_at(cues, F(5, 2))] == ["First", "Overlapping"]


ASS = r"""[Script Info]
ScriptType: v4.00+
PlayResX: 640
PlayResY: 360

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,2,2,10,10,10,1
Style: Sign,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,-1,0,0,0,100,100,0,0,1,2,2,8,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,{\an8}On top
Dialogue: 0,0:00:02.00,0:00:03.00,Default,,0,0,0,,{\fad(200,200)\pos(10,10)\c&H00FFFF&}Plain {\i1}slanted{\i0}\Nsecond line
Dialogue: 0,0:00:03.00,0:00:04.00,Sign,,0,0,0,,Bold sign
Comment: 0,0:00:03.00,0:00:04.00,Default,,0,0,0,,not shown
Dialogue: 0,0:00:04.00,0:00:05.00,Default,,0,0,0,,{\p1}m 0 0 l 100 0 100 100{\p0}
"""


def test_ass_tags(tmp_path):
    p = tmp_path / "styled.ass"
    p.write_text(ASS, encoding="utf-8")
    cues = load_subtitle_file(p)
    assert [c.text for c in cues] == ["On top", "Plain slanted\nsecond line", "Bold sign"]
    assert cues[0].top and not cues[1].top
    assert cues[2].top and cues[2].lines[0][0].bold  # style alignment 8 and bold from the style
    runs = cues[1].lines[0]
    assert [(r.text, r.italic) for r in runs] == [("Plain ", False), ("slanted", True)]
    assert "\\" not in "".join(c.text for c in cues) and "{" not in "".join(c.text for c in cues)


def test_vtt_file(tmp_path):
    p = tmp_path / "web.vtt"
    p.write_text("WEBVTT\n\n00:01.000 --> 00:02.000 align:start\n<v Anna>Hello <c.yellow>there</c></v>\n", encoding="utf-8")
    (cue,) = load_subtitle_file(p)
    assert cue.text == "Hello there" and cue.start == 1 and cue.end == 2


def test_vtt_line_setting_puts_a_cue_at_the_top(tmp_path):
    """A WebVTT cue placed at the top (``line:0``, ``line:1``, ``line:10%``) is drawn at the top, as ASS
    ``{\\an8}``; ``line:-1``, ``line:80%`` and no setting stay at the bottom (pysubs2 drops the settings)."""
    from clipkit.cli import main
    from click.testing import CliRunner
    from PIL import Image
    import numpy as np

    settings = ["line:0", "line:-1", "align:center line:1", "line:10%,start", "line:80%", "", "position:10% line:0"]
    body = "".join(f"00:0{i}.000 --> 00:0{i}.900 {s}\nCue {i}\n\n" for i, s in enumerate(settings))
    p = tmp_path / "web.vtt"
    p.write_text("WEBVTT\n\n" + body, encoding="utf-8")
    cues = load_subtitle_file(p)
    assert [c.text for c in cues] == [f"Cue {i}" for i in range(len(settings))]
    assert [c.top for c in cues] == [True, False, True, True, False, False, True]
    video = tmp_path / "black.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=320x180:r=10:d=8", "-c:v", "libx264", "-pix_fmt", "yuv420p", video)
    for at, top in ((0.5, True), (1.5, False)):  # through the real command: where the caption is drawn
        png = tmp_path / f"{at}.png"
        res = CliRunner().invoke(main, ["still", str(video), str(at), "--subs", str(p), "-o", str(png)])
        assert res.exit_code == 0, res.output
        rows = np.asarray(Image.open(png).convert("L"))
        upper, lower = rows[:90].max(), rows[90:].max()
        assert (upper > 200 and lower < 40) if top else (upper < 40 and lower > 200), (at, upper, lower)


def test_vtt_cue_identifiers_are_not_dialogue(tmp_path):
    # "intro" / "c2" / "12" name the cue that follows: not text of the cue before (as pysubs2 reads them)
    p = tmp_path / "ids.vtt"
    p.write_text("WEBVTT\n\nintro\n00:01.000 --> 00:02.000\nHello\n\nc2\n00:02.500 --> 00:03.000\nThere\n\n"
                 "12\n00:03.500 --> 00:04.000 line:0\nUp\n", encoding="utf-8")
    assert [(c.text, c.top) for c in load_subtitle_file(p)] == [("Hello", False), ("There", False), ("Up", True)]


def test_vtt_character_references_are_the_characters(tmp_path):
    # WebVTT escapes & < > in cue text: drawn and in the alt text as the characters, and an escaped
    # tag stays text (it is not read as italics)
    p = tmp_path / "web.vtt"
    p.write_text("WEBVTT\n\n00:01.000 --> 00:02.000\nTom &amp; Jerry &lt;3 &lt;i&gt;sic&lt;/i&gt;&nbsp;<b>bold</b>\n",
                 encoding="utf-8")
    (cue,) = load_subtitle_file(p)
    assert cue.text == "Tom & Jerry <3 <i>sic</i>\u00a0bold"
    assert [(r.bold, r.italic) for r in cue.lines[0]] == [(False, False), (True, False)]


def test_srt_html_character_references_are_the_characters(tmp_path):
    """SRT from the web writes "Tom &amp; Jerry": it was drawn (and put in the alt text) as "&amp;".  The common
    references are read — after the tags, so an escaped tag is text — others kept as written, and each only once."""
    body = ("Tom &amp; Jerry &lt;3 &quot;hi&quot; it&#39;s&nbsp;<i>ok</i>\n"
            "&lt;i&gt;sic&lt;/i&gt; &copy; R&D &amp;amp; &#x2014; &#0;")
    p = tmp_path / "web.srt"
    p.write_text(f"1\n00:00:01,000 --> 00:00:02,000\n{body}\n", encoding="utf-8")
    (cue,) = load_subtitle_file(p)
    assert cue.text == 'Tom & Jerry <3 "hi" it\'s\u00a0ok\n<i>sic</i> &copy; R&D &amp; \u2014 &#0;'
    assert [(r.text, r.italic) for r in cue.lines[0]] == [('Tom & Jerry <3 "hi" it\'s\u00a0', False), ("ok", True)]
    assert [r.italic for r in cue.lines[1]] == [False]  # the escaped tag is not italics
    # an SRT track muxed into a video (copied as muxed) reads the same
    video = tmp_path / "v.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=64x48:r=10:d=3", "-i", p, "-map", "0", "-map", "1", "-c:v", "libx264",
           "-pix_fmt", "yuv420p", "-c:s", "srt", video)
    (track_cue,) = extract_track(probe(video), 0)
    assert track_cue.text == cue.text


def test_a_ruby_reading_is_not_shown_beside_its_word(tmp_path):
    # Japanese WebVTT writes furigana as ruby: the caption (and the alt text, and find) shows the base text
    # once — before, pysubs2 dropped the tags and kept the reading: "東京とうきょう"; <rp> fallbacks go too
    p = tmp_path / "ep07.ja.vtt"
    p.write_text("WEBVTT\n\n00:01.000 --> 00:02.000\n<v Taro>彼は<ruby>東京<rt>とうきょう</rt></ruby>にいた</v>\n\n"
                 "00:03.000 --> 00:04.000\n<ruby>漢<rt>かん</rt>字<rt>じ</rt></ruby>と"
                 "<ruby>駅<rp>(</rp><rt.small>えき</rt><rp>)</rp></ruby>、1 < 2\n", encoding="utf-8")
    assert [c.text for c in load_subtitle_file(p)] == ["彼は東京にいた", "漢字と駅、1 < 2"]


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_a_blank_line_inside_a_cue_does_not_use_up_the_line_limit(tmp_path, newline):
    # many real SRTs have a blank line inside a cue (Windows line ends too): it is not a line of the caption;
    # before, the two-line caption came out as "line one …", with "Still me." left out (a note said so)
    from clipkit.render.captions import render_cue

    p = tmp_path / "ep07.srt"
    text = "1\n00:00:01,000 --> 00:00:02,000\nWhere were you?\n\nStill me.\n\n2\n00:00:03,000 --> 00:00:04,000\nNext\n"
    p.write_bytes(text.replace("\n", newline).encode("cp1252"))
    first, second = load_subtitle_file(p)
    assert first.text == "Where were you?\nStill me." and second.text == "Next"
    drawn = render_cue(first, (540, 304))
    assert drawn.lines == ("Where were you?", "Still me.") and not drawn.notes


@pytest.mark.parametrize("suffix", ["srt", "vtt"])
def test_an_html_line_break_in_a_subtitle_is_a_line_break(tmp_path, suffix):
    # subtitles converted from the web carry <br>: before, the tag was dropped and the words glued ("oneLine two")
    p = tmp_path / f"ep07.{suffix}"
    body = "Line one<br>Line two<BR/>three <br /> four"
    p.write_text(("WEBVTT\n\n00:01.000 --> 00:02.000\n" if suffix == "vtt" else "1\n00:00:01,000 --> 00:00:02,000\n")
                 + body + "\n", encoding="utf-8")
    (cue,) = load_subtitle_file(p)
    assert cue.text == "Line one\nLine two\nthree\nfour"


def test_unreadable_files(tmp_path):
    with pytest.raises(InputError, match="subtitle file not found"):
        load_subtitle_file(tmp_path / "nope.srt")
    with pytest.raises(InputError, match="is a folder"):
        load_subtitle_file(tmp_path)
    empty = tmp_path / "empty.srt"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="is empty"):
        load_subtitle_file(empty)
    garbage = tmp_path / "garbage.ass"
    garbage.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match="not a subtitle file|no subtitle lines"):
        load_subtitle_file(garbage)


def test_parse_ass_text_edge_cases():
    lines, top = parse_ass_text(r"{\an7}a\hb{\b1}c{\r}d\nE")
    assert top and ["".join(r.text for r in ln) for ln in lines] == ["a\u00a0bcd E"]
    assert [r.bold for r in lines[0]] == [False, True, False]
    assert parse_ass_text("{\\an2}  ")[0] == ()


def test_a_bare_i_or_b_tag_goes_back_to_the_lines_style(tmp_path):
    # {\i1}word{\i} closes the italics (libass reads a bare \i as the style's own): the rest of the line was
    # drawn italic; in an italic style, {\i0}word{\i} goes back to italic
    head = ("[Script Info]\nScriptType: v4.00+\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, "
            "SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, "
            "Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
            + "".join(f"Style: {name},Arial,24,&H00FFFFFF,&H000000FF,&H00000000,&H80000000,0,{italic},0,0,100,100,0,0,"
                      "1,2,1,2,10,10,10,1\n" for name, italic in (("Default", 0), ("Flashback", -1)))
            + "\n[Events]\n"
            "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n")
    events = [r"Default,,0,0,0,,{\i1}Only{\i} this{\b1} and{\b} not this", r"Flashback,,0,0,0,,Then {\i0}now{\i} then"]
    path = tmp_path / "styles.ass"
    path.write_text(head + "".join(f"Dialogue: 0,0:00:0{n}.00,0:00:0{n + 1}.00,{e}\n" for n, e in enumerate(events)),
                    encoding="utf-8")
    plain, flashback = load_subtitle_file(path)
    assert [(r.text, r.italic, r.bold) for r in plain.lines[0]] == \
        [("Only", True, False), (" this", False, False), (" and", False, True), (" not this", False, False)]
    assert [(r.text, r.italic) for r in flashback.lines[0]] == [("Then ", True), ("now", False), (" then", True)]


# ---------------------------------------------------------------- sidecar files


def test_the_language_of_a_sidecar_or_subs_file_comes_from_its_name(tmp_path):
    # ep07.en.forced.srt is English (it read "en.forced", an unknown language); a file given with --subs too
    video = tmp_path / "ep07.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=64x48:r=10:d=1", "-c:v", "libx264", "-pix_fmt", "yuv420p", video)
    cue = "1\n00:00:00,100 --> 00:00:00,900\nHi\n"
    (tmp_path / "ep07.en.forced.srt").write_text(cue, encoding="utf-8")
    info = probe(video)
    assert select_subtitles(info, "auto", language="jpn").language == "eng"
    for name, lang in [("show.ja.srt", "jpn"), ("show.kor.vtt", "kor"), ("s.zh-TW.ass", "zho"), ("ep.07.srt", None)]:
        other = tmp_path / "other" / name
        other.parent.mkdir(exist_ok=True)
        other.write_text(("WEBVTT\n\n00:00.100 --> 00:00.900\nHi\n" if name.endswith(".vtt") else cue), encoding="utf-8")
        if name.endswith(".ass"):
            other.write_text("[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: Layer, Start, End, Style, Name, "
                             "MarginL, MarginR, MarginV, Effect, Text\nDialogue: 0,0:00:00.10,0:00:00.90,Default,,0,0,0,,Hi\n",
                             encoding="utf-8")
        assert select_subtitles(info, str(other)).language == lang, name


def test_sidecar_beside_the_video_is_found(sample, tmp_path):
    video = tmp_path / "ep07.mkv"
    shutil.copyfile(sample, video)
    assert find_sidecar(video) is None
    (tmp_path / "ep07.srt").write_text(SRT, encoding="utf-8")
    (tmp_path / "ep07.ja.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\n日本語の字幕\n", encoding="utf-8")
    (tmp_path / "other.srt").write_text(SRT, encoding="utf-8")
    assert find_sidecar(video).name == "ep07.srt"
    assert find_sidecar(video, "jpn").name == "ep07.ja.srt"
    src = select_subtitles(probe(video), "auto", language="eng")
    assert src.description == "ep07.srt" and src.cues[0].text == "Café déjà vu, Zoë."  # beats the embedded track
    assert select_subtitles(probe(video), "auto", language="jpn").cues[0].text == "日本語の字幕"


# ---------------------------------------------------------------- retiming


def test_clip_starting_mid_line_is_retimed(sample, truth):
    cues = extract_track(probe(sample), 0)
    clip = clip_cues(cues, F(2), F(10))
    first, second, third = (truth["subtitles"][i] for i in range(3))
    assert [c.text for c in clip] == [first["eng"], second["eng"], third["eng"]]
    assert (clip[0].start, clip[0].end) == (0, F(first["end"]).limit_denominator(1000) - 2)
    assert (clip[1].start, clip[1].end) == (F(second["start"]) - 2, F(second["end"]).limit_denominator(1000) - 2)
    assert (clip[2].start, clip[2].end) == (F(third["start"]) - 2, 8)  # cut at the clip's end


def test_parse_span():
    assert parse_span("12:32-12:34") == (752, 754)
    assert parse_span("1.5-+2") == (F(3, 2), F(7, 2))
    with pytest.raises(TimecodeError):
        parse_span("12:32")
    with pytest.raises(TimecodeError):
        parse_span("5-4")


def test_gather_typed_captions_replace_auto_dialogue(sample):
    info = probe(sample)
    job = gather_captions(info, F(24), F(27), captions=["He knew."])
    assert [c.text for c in job.cues] == ["He knew."] and job.typed == job.cues
    job = gather_captions(info, F(24), F(27), subs="track:0", caption_at=[("25-26", "Look")])
    assert [c.text for c in job.cues] == ["He knew. He always knew.", "Look"] and len(job.typed) == 1
    assert job.notes == ("captions from track 0 (eng, English): 1 line in the range, "
                         "shown with your 1 line (subs='off' shows only yours)",)  # named as the API's keyword
    with pytest.raises(TimecodeError, match="outside the range"):
        gather_captions(info, F(24), F(27), caption_at=[("30-31", "late")])
    with pytest.raises(UsageError, match="caption text is empty"):
        gather_captions(info, F(24), F(27), captions=["   "])


_NOT_TAGS = ["< y >", "a < b and c > d", "I <3 you", "<i love you>", "x <2> < i >"]


def _srt_of(texts: list[str]) -> str:
    return "".join(f"{i + 1}\n00:00:0{i},000 --> 00:00:0{i},900\n{t}\n\n" for i, t in enumerate(texts))


def test_a_less_than_sign_that_is_no_tag_is_dialogue(tmp_path):
    # captions are data: pysubs2 removed every "<letter…>" of an SRT as a tag ("< y >" vanished, no caption at all;
    # "a < b and c > d" read "a  d"); only real markup (<i>, <b>, <u>, <font …>, closers) is read
    from click.testing import CliRunner
    from PIL import Image
    import numpy as np
    from clipkit.cli import main

    texts = _NOT_TAGS + ['<i>real</i> and <font color="red">red</font><U>!</U>', "<b >bold</B> <s>gone</s>"]
    p = tmp_path / "ep07.srt"
    p.write_text(_srt_of(texts), encoding="utf-8")
    cues = load_subtitle_file(p)
    assert [c.text for c in cues] == _NOT_TAGS + ["real and red!", "bold gone"]
    assert [(r.text, r.italic) for r in cues[-2].lines[0]] == [("real", True), (" and red!", False)]
    assert [(r.text, r.bold) for r in cues[-1].lines[0]] == [("bold", True), (" gone", False)]
    video = tmp_path / "black.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=320x180:r=10:d=3", "-c:v", "libx264", "-pix_fmt", "yuv420p", video)
    png = tmp_path / "y.png"
    res = CliRunner().invoke(main, ["still", str(video), "0.5", "--subs", str(p), "-o", str(png)])
    assert res.exit_code == 0, res.output
    assert 'alt="&lt; y &gt;"' in res.stdout  # the caption the still carries, escaped where it lands
    assert np.asarray(Image.open(png).convert("L"))[90:].max() > 200  # and drawn


def test_an_embedded_srt_track_keeps_a_less_than_sign_as_written(tmp_path):
    # ffmpeg's SRT decoder read "a < b and c > d" as a <b> tag too ("a <b> d</b>"): the track is copied as muxed
    srt = tmp_path / "lines.srt"
    srt.write_text(_srt_of(_NOT_TAGS + ["<i>slanted</i>"]), encoding="utf-8")
    video = tmp_path / "ep.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=160x90:r=10:d=6", "-i", srt, "-map", "0", "-map", "1",
           "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:s", "copy", video)  # the bytes as written
    cues = extract_track(probe(video), 0)
    assert [c.text for c in cues] == _NOT_TAGS + ["slanted"]
    assert cues[-1].lines[0][0].italic
    assert [c.start for c in cues] == list(range(6))


@pytest.mark.parametrize("suffix", ["srt", "vtt"])
def test_a_last_line_of_digits_is_dialogue_not_a_cue_number(tmp_path, suffix):
    # pysubs2 takes a cue's last line of digits for the next cue's number: the file's last cue lost it
    # ("The year was" / "1999" was drawn as "The year was"); the cue numbers themselves are still no dialogue
    from click.testing import CliRunner
    from clipkit.cli import main

    texts = ["Count:\n3", "42", "The year was\n1999"]
    if suffix == "srt":
        body = "".join(f"{i + 1}\n00:00:0{i},000 --> 00:00:0{i},900\n{t}\n\n" for i, t in enumerate(texts))
    else:
        body = "WEBVTT\n\n" + "".join(f"c{i}\n00:0{i}.000 --> 00:0{i}.900\n{t}\n\n" for i, t in enumerate(texts))
    p = tmp_path / f"ep07.{suffix}"
    p.write_text(body.rstrip("\n") + "\n", encoding="utf-8")
    assert [c.text for c in load_subtitle_file(p)] == texts
    video = tmp_path / "black.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=320x180:r=10:d=3", "-c:v", "libx264", "-pix_fmt", "yuv420p", video)
    res = CliRunner().invoke(main, ["still", str(video), "2.5", "--subs", str(p), "-o", str(tmp_path / "y.png")])
    assert res.exit_code == 0 and 'alt="The year was 1999"' in res.stdout, res.output


def test_vtt_note_style_and_region_blocks_are_not_dialogue(tmp_path):
    # a NOTE (a comment), STYLE or REGION block after a cue was read as more of its text: "Hello" / "NOTE another",
    # and "World" / "STYLE" / "::cue" (its "{ color: red }" taken for an ASS tag), cut to two lines with a note
    p = tmp_path / "ep07.vtt"
    p.write_text("WEBVTT\n\nNOTE at the top\nof two lines\n\nSTYLE\n::cue { color: yellow }\n\n"
                 "REGION\nid:fred width:40%\n\n00:00.500 --> 00:02.000\nHello\n\nNOTE another\n\n"
                 "00:02.000 --> 00:03.000\nWorld\nNOTE is a word here\n\nNOTE\tby a tab\nstill a comment\n\n"
                 "00:03.000 --> 00:04.000\nAgain\n", encoding="utf-8")
    assert [c.text for c in load_subtitle_file(p)] == ["Hello", "World\nNOTE is a word here", "Again"]


def test_an_ass_field_pysubs2_cannot_read_prints_no_python_warning(tmp_path):
    # a margin written "x" printed pysubs2's "…/substation.py:224: RuntimeWarning: Failed to parse marginv, using
    # default" and its source line to the terminal (clipkit does not use the margin); the line is still shown
    from clirun import run_process

    p = tmp_path / "ep07.ass"
    p.write_text("[Script Info]\nScriptType: v4.00+\n\n[Events]\n"
                 "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
                 "Dialogue: 0,0:00:00.50,0:00:02.00,Default,,0,0,x,,Hello there\n", encoding="utf-8")
    video = tmp_path / "black.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=320x180:r=10:d=3", "-c:v", "libx264", "-pix_fmt", "yuv420p", video)
    res = run_process("still", video, "1", "--subs", p, "-o", tmp_path / "s.png")
    assert res.returncode == 0 and 'alt="Hello there"' in res.stdout, res.stderr
    assert "RuntimeWarning" not in res.stderr and "substation.py" not in res.stderr, res.stderr


def test_a_cue_written_twice_is_drawn_once(tmp_path):
    # a merged or re-saved SRT repeats cues, and an ASS sign is often two layers of one text (a blurred outline
    # under the main line): each was drawn twice, one above the other, and the alt text said "Same line / Same line"
    import numpy as np
    from click.testing import CliRunner
    from PIL import Image
    from clipkit.cli import main

    srt = tmp_path / "ep07.srt"
    srt.write_text("1\n00:00:00,500 --> 00:00:02,000\nSame line\n\n2\n00:00:00,500 --> 00:00:02,000\nSame line\n\n"
                   "3\n00:00:00,500 --> 00:00:02,000\nOther line\n", encoding="utf-8")
    assert [c.text for c in load_subtitle_file(srt)] == ["Same line", "Other line"]
    ass = tmp_path / "ep08.ass"
    ass.write_text("[Script Info]\nScriptType: v4.00+\n\n[Events]\n"
                   "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
                   "Dialogue: 0,0:00:00.50,0:00:02.00,Default,,0,0,0,,{\\blur4\\bord6}Sign\n"
                   "Dialogue: 1,0:00:00.50,0:00:02.00,Default,,0,0,0,,{\\bord2}Sign\n", encoding="utf-8")
    assert [c.text for c in load_subtitle_file(ass)] == ["Sign"]
    video = tmp_path / "black.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=320x180:r=10:d=3", "-c:v", "libx264", "-pix_fmt", "yuv420p", video)
    png = tmp_path / "s.png"
    res = CliRunner().invoke(main, ["still", str(video), "1", "--subs", str(ass), "-o", str(png)])
    assert res.exit_code == 0 and 'alt="Sign"' in res.stdout and "1 line in the range" in res.stderr, res.output
    rows = np.asarray(Image.open(png).convert("L")).max(axis=1) > 200
    bands = int(rows[0]) + int(np.count_nonzero(rows[1:] & ~rows[:-1]))
    assert bands == 1  # one line of text drawn, not two stacked
