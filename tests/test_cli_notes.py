"""What the command line tells the user about what it did (the README's promises): where ``--snap``
moved the ends, what typed captions did to the dialogue, counts that read right."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from fractions import Fraction

import pytest

import scenes_media
from media import ffmpeg
from clipkit.media.probe import probe
from clipkit.pipeline.captions import gather_captions

FRAME = Fraction(1, scenes_media.FPS)


@pytest.fixture(scope="module")
def cuts(tmp_path_factory):
    """7.5 s of five shots, cuts at 1.5, 3, 4.5 and 6 s, with a same-stem .srt (two lines)."""
    folder = tmp_path_factory.mktemp("cuts")
    path, truth = scenes_media.hard_cuts(folder)
    path.with_suffix(".srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nHello there.\n\n"
                                        "2\n00:00:05,000 --> 00:00:06,000\nGoodbye.\n", encoding="utf-8")
    return path, truth


def run(*args, cwd):
    env = dict(os.environ, XDG_CACHE_HOME=str(cwd / "cache"))
    return subprocess.run([sys.executable, "-m", "clipkit", *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env)


def snapped(path, start: str, end: str, tmp_path) -> str:
    """What ``clipkit gif PATH START END --snap`` (a small GIF) prints on stderr; it must succeed."""
    res = run("gif", path, start, end, "--snap", "--width", "64", "--fps", "5", "--subs", "off",
              "-o", tmp_path / f"{start}-{end}.gif", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    return res.stderr


def test_snap_says_where_it_moved_each_end(cuts, tmp_path):
    path, truth = cuts
    stderr = snapped(path, "1.45", "2.4", tmp_path)
    m = re.search(r"snap: start 0:01\.45 → 0:(\d+(?:\.\d+)?) \(\+(\d\.\d{3}) s, to a cut\), "
                  r"end 0:02\.4 kept \(no cut within 0\.5 s\)", stderr)
    assert m, stderr
    moved_to = Fraction(m.group(1))
    assert abs(moved_to - Fraction(str(truth["cuts"][0]))) <= FRAME  # the real cut, to a frame
    assert Fraction(m.group(2)) == moved_to - Fraction("1.45")


def test_snap_around_one_cut_keeps_the_longer_shot(cuts, tmp_path):
    # both ends within 0.5 s of the cut at 3 s: the start moves onto it (the 0.2 s before it is the
    # stray part), the end stays; the note does not claim there was no cut near the end
    path, truth = cuts
    stderr = snapped(path, "2.8", "3.4", tmp_path)
    m = re.search(r"snap: start 0:02\.8 → 0:(\d+(?:\.\d+)?) \(\+\d\.\d{3} s, to a cut\), "
                  r"end 0:03\.4 kept \(the cut near it is now the start\)", stderr)
    assert m, stderr
    assert abs(Fraction(m.group(1)) - Fraction(str(truth["cuts"][1]))) <= FRAME


def test_caption_at_keeps_the_dialogue_and_says_so(cuts):
    path, _ = cuts
    info = probe(path)
    both = gather_captions(info, Fraction(0), Fraction(3), caption_at=[("1.8-2.5", "Typed.")])
    assert both.texts == ("Hello there.", "Typed.")
    assert any("1 line in the range, shown with your 1 line (subs='off' shows only yours)" in n for n in both.notes), both.notes
    only = gather_captions(info, Fraction(0), Fraction(3), subs="off", caption_at=[("1.8-2.5", "Typed.")])
    assert only.texts == ("Typed.",)
    # --caption over the whole GIF replaces the dialogue, and says what it replaced.
    whole = gather_captions(info, Fraction(0), Fraction(3), captions=["Title"])
    assert whole.texts == ("Title",)
    assert any(n.startswith("caption= replaces the dialogue (1 line from ") for n in whole.notes), whole.notes  # API's keyword


def test_a_range_without_dialogue_says_no_lines(cuts):
    path, _ = cuts
    notes = gather_captions(probe(path), Fraction(2), Fraction(4)).notes
    assert any(n.endswith(": no lines in the range") for n in notes), notes


def test_one_shot_is_one_shot(tmp_path):
    path = scenes_media._encode(tmp_path / "one.mkv", f"{scenes_media._src('bars', 2)}[v]")
    res = run("scenes", path, "-o", tmp_path / "one.csv", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert re.search(r"\(1 shot[,)]", res.stderr), res.stderr


def test_one_frame_is_one_frame(tmp_path):
    # a GIF of a still shot is one frame (identical frames merged); a strip of one tile is one tile
    path = tmp_path / "bars.mkv"
    ffmpeg("-f", "lavfi", "-i", "smptebars=s=160x90:r=24:d=2", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(path))
    res = run("gif", path, "0.5", "+1", "--width", "64", "--subs", "off", "-o", tmp_path / "a.gif", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert re.search(r"\(64×\d+, 1 frame, 1\.00 s", res.stderr), res.stderr
    res = run("strip", path, "--count", "1", "--layout", "row", "--width", "200", "-o", tmp_path / "s.png", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert re.search(r", 1 tile\)", res.stderr), res.stderr
