"""``clipkit gif`` as a user meets it: exit codes, one-line errors, snippet on stdout.

In-process (``clirun.run``) except the exit-code smoke test, a real ``python -m clipkit``.
"""

from __future__ import annotations

import pytest
from PIL import Image

from clirun import run, run_process
from media import ffmpeg


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    path = tmp_path_factory.mktemp("gifcli") / "ep07.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x180:r=24:d=5", "-vf", "format=yuv420p", "-c:v", "libx264", "-crf", "20", path)
    return path


def test_help_documents_the_options():
    res = run("gif", "--help")
    assert res.returncode == 0
    for flag in ("--width", "--fps", "--colors", "--dither", "--crop", "--speed", "--loop", "--bounce", "--reverse",
                 "--max-size", "--also", "frame-accurate"):
        assert flag in res.stdout, flag


def test_default_name_snippet_and_report(clip, tmp_path):
    res = run("gif", clip, "1", "+2", "--width", "160", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    out = tmp_path / "ep07_0-01_0-03.gif"
    assert out.exists()
    assert res.stdout.strip() == (f'<img src="{out.name}" width="160" height="90" alt="" loading="lazy" decoding="async">'
                                  ) or res.stdout.startswith('<img src="ep07_0-01_0-03.gif" width="160" height="90"')
    assert "wrote ep07_0-01_0-03.gif (160×90" in res.stderr and "2.00 s" in res.stderr
    im = Image.open(out)
    assert im.info["loop"] == 0 and sum((im.seek(i) or im.info["duration"]) for i in range(im.n_frames)) == 2000


@pytest.mark.slow
def test_max_size_and_siblings(clip, tmp_path):
    res = run("gif", clip, "0", "+3", "--width", "320", "--max-size", "150KB", "--also", "mp4,webp", "-o", f"{tmp_path}/gifs/")
    assert res.returncode == 0, res.stderr
    gif = tmp_path / "gifs" / "ep07_0-00_0-03.gif"
    assert gif.stat().st_size <= 150_000
    assert gif.with_suffix(".mp4").exists() and gif.with_suffix(".webp").exists()
    assert "note:" in res.stderr and "150 KB" in res.stderr


@pytest.mark.parametrize("args,code,words", [
    (["3", "2"], 2, "not after the start"),
    (["4", "9"], 2, "past the end"),
    (["0", "+1", "--fps", "60"], 2, "at most 50"),
    # the flag as typed, and the kind of value wanted once: it read "--fps = 'abc': not a number (e.g. 0.5, "1/2",
    # "500ms") — give a number (e.g. 0.5, "1/2", "500ms")"
    (["0", "+1", "--fps", "abc"], 2, 'clipkit: error: --fps abc: not a number — give a number (e.g. 0.5, "1/2", "500ms")\n'),
    (["0", "+1", "--loop", "often"], 2, "--loop"),
    (["0", "+3", "--max-size", "1KB"], 1, "could not make the GIF fit"),
    (["0", "+1", "--max-size", "lots"], 2, "not a file size"),
    (["0", "+1", "--crop", "999:10:0:0"], 2, "does not fit"),
    (["0", "+1", "--crop", "0:0"], 2, "keeps 0×0 pixels: nothing to show"),
    (["0", "+1", "--crop", "4:3"], 2, "4×3 pixels (a crop is in pixels, not an aspect ratio) — for a 4:3 picture give its size in pixels, e.g. --crop 240:180"),
    (["0", "+1", "--also", "avi"], 2, "--also avi"),
])
def test_bad_input_one_line_no_traceback_nothing_written(clip, tmp_path, args, code, words):
    res = run("gif", clip, *args, "-o", tmp_path / "x.gif", "--width", "160")
    assert res.returncode == code, res.stderr
    assert words in res.stderr
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith(("clipkit: error:", "Error:"))]
    assert "Traceback" not in res.stderr and len(errors) == 1 and words.strip() in errors[0]
    assert list(tmp_path.iterdir()) == []


def test_missing_file_and_unwritable_output(clip, tmp_path):
    res = run_process("gif", tmp_path / "nope.mkv", "0", "+1")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    (tmp_path / "afile").write_text("x")
    res = run_process("gif", clip, "0", "+1", "-o", tmp_path / "afile" / "x.gif")
    assert res.returncode == 1 and "not a folder" in res.stderr and "Traceback" not in res.stderr


def test_upscale_is_warned(clip, tmp_path):
    res = run("gif", clip, "0", "+0.5", "--width", "640", "-o", tmp_path / "u.gif")
    assert res.returncode == 0 and "upscaled" in res.stderr
