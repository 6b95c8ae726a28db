"""File names that are not UTF-8, and control characters in captions and names.

A Linux file name is bytes: ``caf\\xe9.mp4`` (Latin-1) reaches Python as
``caf\\udce9.mp4`` (surrogateescape).  The GIF is written under the same bytes,
URLs percent-encode them, the manifest keeps them, a batch finishes, and the
terminal is never sent a raw control character.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from clipkit.cli import main
from clipkit.manifest import read_manifest
from media import ffmpeg

RAW = b"caf\xe9"  # "café" in Latin-1: not UTF-8


def cli(*args, cwd: Path):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)
    finally:
        os.chdir(old)


@pytest.fixture(scope="module")
def latin1(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("names")
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x90:r=12:d=3", "-c:v", "libx264", "-pix_fmt", "yuv420p", folder / "src.mkv")
    os.rename(os.path.join(os.fsencode(folder), b"src.mkv"), os.path.join(os.fsencode(folder), RAW + b".mkv"))
    return folder


def test_non_utf8_name_end_to_end(latin1, tmp_path):
    video = Path(os.fsdecode(os.path.join(os.fsencode(latin1), RAW + b".mkv")))
    res = cli("gif", video, "0.5", "1.5", "--width", "80", "-o", "out/", "--base-url", "https://blog.example/up/",
              cwd=tmp_path)
    assert res.exit_code == 0, res.output
    made = os.listdir(os.fsencode(tmp_path / "out"))
    gif = [n for n in made if n.endswith(b".gif")]
    assert len(gif) == 1 and gif[0].startswith(RAW), made  # the same bytes, not replaced or mangled
    with Image.open(os.path.join(os.fsencode(tmp_path / "out"), gif[0])) as im:
        assert im.n_frames > 5
    assert "https://blog.example/up/caf%E9_" in res.stdout  # the byte, percent-encoded
    manifest = tmp_path / "out" / "clipkit-manifest.json"
    json.loads(manifest.read_text(encoding="utf-8"))  # still UTF-8 JSON
    entries = read_manifest(tmp_path / "out")
    assert [os.fsencode(e.artifact.path.name) for e in entries] == gif
    assert os.fsencode(str(entries[0].artifact.source)).endswith(RAW + b".mkv")
    assert "\udce9" not in res.stderr and "caf\\xe9" in res.stderr  # the terminal sees an escape
    # a batch over that episode finishes, and records it too
    preset = tmp_path / "s.toml"
    preset.write_text(f'[series]\nepisodes = "{latin1.as_posix()}"\nepisode_pattern = "caf*.mkv"\noutput = "post"\n'
                      '[gif]\nwidth = 80\n', encoding="utf-8")
    (tmp_path / "jobs.toml").write_text(f'preset = "{preset.as_posix()}"\n\n[[job]]\nkind = "gif"\nep = 1\nstart = "0.5"\n'
                                        'end = "1.5"\n', encoding="utf-8")
    res = cli("batch", "jobs.toml", "-j", "1", cwd=tmp_path)
    assert res.exit_code == 0, res.output
    names = os.listdir(os.fsencode(tmp_path / "post"))
    assert any(n.startswith(RAW) and n.endswith(b".gif") for n in names), names
    assert "caf%E9" in (tmp_path / "post" / "index.html").read_text(encoding="utf-8")


def test_printable_escapes_terminal_controls():
    from clipkit.cli.main import printable

    assert printable("wrote \x1b[2Jevil\x07.gif") == "wrote \\x1b[2Jevil\\x07.gif"
    assert printable("caf\udce9.gif") == "caf\\xe9.gif"
    assert printable("日本語\n") == "日本語\n"


def test_control_characters_in_a_file_name_are_escaped_on_the_terminal(latin1, tmp_path):
    src = latin1 / "plain.mkv"
    if not src.exists():
        ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x90:r=12:d=3", "-c:v", "libx264", "-pix_fmt", "yuv420p", src)
    evil = tmp_path / "ep\x1b[31m\x07.mkv"
    evil.write_bytes(src.read_bytes())
    res = cli("still", evil, "1", "-o", tmp_path / "x.png", "--embed", "none", cwd=tmp_path)
    assert res.exit_code == 0, res.output
    res = cli("still", evil, "9", "-o", tmp_path / "y.png", cwd=tmp_path)  # past the end: the error names the file
    assert res.exit_code == 2
    assert "\x1b" not in res.output and "\x07" not in res.output and "\\x1b[31m\\x07" in res.output


def _still(video: Path, out: Path, caption: str) -> np.ndarray:
    from clipkit.pipeline.still import still

    art = still(video, "1", out, caption=caption, width=320)
    return art, np.asarray(Image.open(art.path).convert("RGB"), dtype=np.int16)


def test_caption_control_characters_are_removed_not_drawn(latin1, tmp_path):
    src = latin1 / "plain.mkv"
    if not src.exists():
        ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x90:r=12:d=3", "-c:v", "libx264", "-pix_fmt", "yuv420p", src)
    clean_art, clean = _still(src, tmp_path / "clean.png", "Red alert now")
    dirty_art, dirty = _still(src, tmp_path / "dirty.png", "\x1b[31mRed\x1b[0m\x07 alert\x00\tnow")
    assert dirty_art.captions == clean_art.captions == ("Red alert now",)
    assert np.abs(dirty - clean).max() == 0  # the same pixels: nothing drawn for the controls
    # and from a subtitle file
    srt = tmp_path / "x.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:03,000\n\x1b[31mRed\x1b[0m\x07 alert\x00\tnow\n", encoding="utf-8")
    from clipkit.pipeline.still import still

    art = still(src, "1", tmp_path / "subs.png", subs=str(srt), width=320)
    assert art.captions == ("Red alert now",)
    assert np.abs(np.asarray(Image.open(art.path).convert("RGB"), dtype=np.int16) - clean).max() == 0


@pytest.fixture(scope="module")
def half_downloaded(tmp_path_factory) -> tuple[Path, Path]:
    """A 10 s faststart MP4 (index at the front) and its first half, as a cut-short download leaves it."""
    folder = tmp_path_factory.mktemp("incomplete")
    full = folder / "full.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x90:r=12:d=10", "-f", "lavfi", "-i", "sine=d=10", "-c:v", "libx264",
           "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart", full)
    data = full.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")  # the index really is at the front
    half = folder / "half.mp4"
    half.write_bytes(data[: len(data) // 2])
    return full, half


def test_incomplete_download_is_said_by_info_and_every_command(half_downloaded, tmp_path):
    full, half = half_downloaded
    from clipkit.media.probe import probe

    assert probe(full).incomplete is None
    info = probe(half)
    assert info.incomplete and "of 10.00 s decodable" in info.incomplete and 3 < info.duration < 7
    res = cli("info", half, cwd=tmp_path)
    assert res.exit_code == 0 and "the file looks incomplete (" in res.output and "of 10.00 s decodable" in res.output
    assert "incomplete" not in cli("info", full, cwd=tmp_path).output
    # a command inside the decodable part works and says so
    res = cli("gif", half, "1", "2", "--width", "80", "-o", tmp_path / "a.gif", "--embed", "none", cwd=tmp_path)
    assert res.exit_code == 0 and "looks incomplete" in res.output, res.output
    res = cli("still", half, "1", "-o", tmp_path / "a.png", "--embed", "none", cwd=tmp_path)
    assert res.exit_code == 0 and "looks incomplete" in res.output, res.output
    # past it: the error says why, not "past the end"
    for args in (("gif", half, "7", "8"), ("clip", half, "6", "8"), ("still", half, "8"), ("strip", half, "--at", "8")):
        res = cli(*args, "-o", tmp_path / "out/", "--embed", "none", cwd=tmp_path)
        assert res.exit_code == 2, (args, res.output)
        assert "the file looks incomplete (" in res.output and "past the end" not in res.output, (args, res.output)
