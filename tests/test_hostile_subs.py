"""Hostile and odd subtitle files: every file loads as cues or is one clear InputError.

SRT, ASS and WebVTT in UTF-8 (with and without BOM), UTF-16 (LE/BE, with and
without BOM), cp1252 and Shift-JIS; then damaged (bytes flipped, cut short,
an odd byte count, a lone surrogate); plus /dev/zero and a FIFO.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clipkit.errors import InputError
from clipkit.subtitles.files import load_subtitle_file

LINES = ["Where were you last night?", "Café au lait, s'il vous plaît.", "He knew. He always knew."]
JP_LINES = ["昨夜はどこにいたの？", "カフェオレをください。", "彼はずっと知っていた。"]


def srt(lines) -> str:
    return "\n".join(f"{n}\n00:00:0{n},000 --> 00:00:0{n},900\n{t}\n" for n, t in enumerate(lines, 1))


def vtt(lines) -> str:
    return "WEBVTT\n\n" + "\n".join(f"00:00:0{n}.000 --> 00:00:0{n}.900\n{t}\n" for n, t in enumerate(lines, 1))


def ass(lines) -> str:
    head = ("[Script Info]\nScriptType: v4.00+\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize\nStyle: Default,Arial,20\n\n"
            "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n")
    return head + "".join(f"Dialogue: 0,0:00:0{n}.00,0:00:0{n}.90,Default,,0,0,0,,{t}\n" for n, t in enumerate(lines, 1))


FORMATS = {"srt": srt, "vtt": vtt, "ass": ass}
ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    "utf-16-bom": lambda t: t.encode("utf-16"),
    "utf-16-le": lambda t: t.encode("utf-16-le"),
    "utf-16-be": lambda t: t.encode("utf-16-be"),
    "cp1252": lambda t: t.encode("cp1252"),
    "shift-jis": lambda t: t.encode("cp932"),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("enc", ENCODINGS)
def test_every_format_in_every_encoding_reads_exactly(tmp_path, fmt, enc):
    lines = JP_LINES if enc == "shift-jis" else LINES  # é and î are in cp1252
    p = tmp_path / f"s.{fmt}"
    p.write_bytes(ENCODINGS[enc](FORMATS[fmt](lines)))
    cues = load_subtitle_file(p)
    assert [c.text for c in cues] == lines


LEGACY_CJK = {  # (encoding, lines): Chinese and Korean fansubs are often saved in these
    "gbk": ["你昨晚去哪儿了？", "Where were you last night?", "他什么也没说，只是笑了笑。"],  # bilingual, as many are
    "big5": ["你昨晚去哪裡了？", "我一直都知道。", "他什麼也沒說，只是笑了笑。"],
    "cp949": ["어젯밤에 어디 있었어?", "나는 항상 알고 있었어.", "그는 TV를 보고 있었다."],
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("enc", LEGACY_CJK)
def test_chinese_and_korean_legacy_encodings_read_exactly(tmp_path, fmt, enc):
    # before, GBK, Big5 and EUC-KR/CP949 files were read as cp1252: "Äã×òÍí…" burned into the GIF
    p = tmp_path / f"s.{fmt}"
    p.write_bytes(FORMATS[fmt](LEGACY_CJK[enc]).encode(enc))
    assert [c.text for c in load_subtitle_file(p)] == LEGACY_CJK[enc]


@pytest.mark.parametrize("lines", [["It’s fine, don’t worry.", "We’re late — “really”?"], ["ça ça", "øl"],
                                   ["Où étais-tu ? Élève, déjà vu", "Übergrößenträger Straße – „Grüß Gott“"]])
def test_western_text_in_cp1252_is_not_taken_for_chinese_or_korean(tmp_path, lines):
    # "It’s" in cp1252 is a valid CP949 byte pair ("It뭩"), "ça" a Big5 one: still read as cp1252
    p = tmp_path / "s.srt"
    p.write_bytes(srt(lines).encode("cp1252"))
    assert [c.text for c in load_subtitle_file(p)] == lines


@pytest.mark.parametrize("damage", ["odd-byte", "lone-surrogate", "truncated"])
def test_damaged_utf16_is_read_with_replacements(tmp_path, damage):
    data = srt(LINES).encode("utf-16")
    if damage == "odd-byte":
        data += b"\x41"
    elif damage == "lone-surrogate":
        data = data.replace("always".encode("utf-16-le"), b"\x00\xd8" + "lways".encode("utf-16-le"))
    else:
        data = data[: len(data) // 2 + 1]
    p = tmp_path / "d.srt"
    p.write_bytes(data)
    try:
        cues = load_subtitle_file(p)
    except InputError:
        return
    assert cues and cues[0].text == LINES[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(sorted(FORMATS)), enc=st.sampled_from(sorted(ENCODINGS)),
       flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8),
       cut=st.one_of(st.none(), st.integers(0, 400)))
def test_mutated_files_load_or_are_input_errors(tmp_path, fmt, enc, flips, cut):
    lines = JP_LINES if enc == "shift-jis" else LINES
    try:
        data = bytearray(ENCODINGS[enc](FORMATS[fmt](lines)))
    except UnicodeEncodeError:
        return
    for pos, value in flips:
        if data:
            data[pos % len(data)] = value
    if cut is not None:
        data = data[:cut]
    p = tmp_path / f"m.{fmt}"
    p.write_bytes(bytes(data))
    try:
        cues = load_subtitle_file(p)
    except InputError:
        return
    assert all(c.end >= c.start for c in cues)


def test_devices_and_fifos_are_refused_without_reading(tmp_path):
    with pytest.raises(InputError, match="not a regular file"):
        load_subtitle_file("/dev/zero")
    fifo = tmp_path / "pipe.srt"
    os.mkfifo(fifo)
    result: list = []
    t = threading.Thread(target=lambda: result.append(pytest.raises(InputError, load_subtitle_file, fifo)), daemon=True)
    t.start()
    t.join(10)
    assert not t.is_alive(), "reading a FIFO hung"
    assert "not a regular file" in str(result[0].value)
