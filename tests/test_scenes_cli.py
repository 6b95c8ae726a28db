"""``clipkit scenes`` as a user meets it: a real subprocess, real files, real exit codes."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import scenes_media

PEER_COLUMNS = ["Scene Number", "Start Frame", "Start Timecode", "Start Time (seconds)", "End Frame", "End Timecode",
                "End Time (seconds)", "Length (frames)", "Length (timecode)", "Length (seconds)"]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return {**os.environ, "XDG_CACHE_HOME": str(tmp_path_factory.mktemp("cli-cache"))}


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    """The hard-cut clip under a name full of characters that need escaping."""
    folder = tmp_path_factory.mktemp("cli-clips")
    path, truth = scenes_media.hard_cuts(folder)
    odd = folder / "Ep <7> & 'Tom's' \"cut\".mkv"
    path.rename(odd)
    return odd, truth


def run(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "clipkit", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd)


def test_table_csv_json(clip, env, tmp_path):
    path, truth = clip
    res = run("scenes", path, env=env)
    assert res.returncode == 0, res.stderr
    rows = [ln.split() for ln in res.stdout.strip().splitlines()]
    assert rows[0][:4] == ["#", "start", "end", "length"]
    assert [r[1] for r in rows[1:]] == ["0:00", "0:01.5", "0:03", "0:04.5", "0:06"]

    res = run("scenes", path, "--csv", env=env)
    lines = list(csv.reader(io.StringIO(res.stdout)))
    assert lines[0] == ["Timecode List:", "00:00:01.500", "00:00:03.000", "00:00:04.500", "00:00:06.000"]
    assert lines[1] == PEER_COLUMNS
    # 1-based frames, inclusive end, as PySceneDetect writes them: shot 2 is frames 37–72 of 24 fps.
    assert lines[3][:3] == ["2", "37", "00:00:01.500"] and lines[3][4] == "72" and lines[3][7] == "36"

    out = tmp_path / "shots.json"
    res = run("scenes", path, "-o", out, env=env)
    assert res.returncode == 0 and "from the cache" in res.stderr and res.stdout == ""
    data = json.loads(out.read_text())
    assert [s["start"] for s in data["scenes"]] == [0, 1.5, 3, 4.5, 6]
    assert [c["frame"] for c in data["cuts"]] == [36, 72, 108, 144]
    # the settings used, as JSON values a script can compare (they were all text: "True", "35.0")
    assert data["settings"]["fades"] is True and data["settings"]["threshold"] == 35
    assert data["settings"]["min_scene"] == "1/2"  # exact fractions stay exact text


def test_html_page_has_working_thumbnails_and_escapes_the_name(clip, env, tmp_path):
    path, truth = clip
    res = run("scenes", path, "--html", env=env, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    pages = list(tmp_path.glob("*_scenes.html"))
    assert len(pages) == 1
    page = pages[0].read_text(encoding="utf-8")
    assert "<7>" not in page and "Ep &lt;7&gt; &amp; " in page
    thumbs = re.findall(r'src="data:image/jpeg;base64,([^"]+)"', page)
    assert len(thumbs) == len(truth["cuts"]) + 1
    colours = []
    for data in thumbs:
        img = Image.open(io.BytesIO(base64.b64decode(data)))
        assert img.size == (240, 135)
        colours.append(img.convert("RGB").resize((1, 1)).getpixel((0, 0)))
    assert len(set(colours)) == len(colours)  # a different shot in each
    # The gif command carries the video's full path, shell-quoted, then HTML-escaped: pasted in
    # another folder, the shell hands clipkit exactly that path.
    import html
    import shlex

    commands = [html.unescape(c) for c in re.findall(r"<code>(.*?)</code>", page)]
    assert len(commands) == len(truth["cuts"]) + 1 and commands[1].endswith(" 0:01.5 0:03")
    argv = shlex.split(commands[1])
    assert argv[:2] == ["clipkit", "gif"] and os.path.samefile(argv[2], path) and os.path.isabs(argv[2])
    # The timeline: the score as a polyline, the threshold, one red line per cut (at its time).
    svg = re.search(r"<svg class=\"timeline\".*?</svg>", page, re.S).group(0)
    assert svg.count('class="cut"') == len(truth["cuts"]) and 'class="threshold"' in svg
    points = re.search(r'class="score" points="([^"]+)"', svg).group(1).split()
    assert len(points) > 100
    xs = [float(m) for m in re.findall(r'class="cut" x1="([\d.]+)"', svg)]
    plot = (36, 1000 - 10)  # the plot's left and right edges (scenes/plot.py)
    for x, t in zip(xs, truth["cuts"]):
        assert abs(plot[0] + (plot[1] - plot[0]) * t / truth["duration"] - x) < 2


def test_browser_renders_the_page(clip, env, tmp_path):
    chromium = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if os.path.exists(p)), None)
    if chromium is None:
        pytest.skip("needs Chromium (scripts/install-test-deps.sh installs it)")
    path, _ = clip
    page = tmp_path / "page.html"
    assert run("scenes", path, "-o", page, env=env).returncode == 0
    shot = tmp_path / "shot.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={shot}",
                    "--window-size=900,700", page.as_uri()], capture_output=True, timeout=120)
    img = Image.open(shot).convert("RGB")
    # Thumbnails drawn: the page is not just white and text.
    px = np.asarray(img.resize((90, 70)), dtype=np.int16)
    colourful = int(((px.max(axis=2) - px.min(axis=2)) > 60).sum())
    assert colourful > 200


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    text = folder / "renamed.mkv"
    text.write_text("not a video")
    empty = folder / "empty.mkv"
    empty.write_bytes(b"")
    audio = folder / "tone.m4a"
    scenes_media._run("-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", audio)
    return {"text": text, "empty": empty, "audio": audio}


@pytest.mark.parametrize("args, code, words", [
    (["{text}"], 2, "not a media file"),
    (["{empty}"], 2, "empty"),
    (["{audio}"], 2, "no video stream"),
    (["{clip}", "--start", "9:00"], 2, "past the end"),
    (["{clip}", "--start", "2", "--end", "20"], 2, "past the end"),
    (["{clip}", "--threshold", "0"], 2, "threshold"),
    (["{clip}", "-o", "{blocked}/x.csv"], 1, "cannot"),
])
def test_bad_input_is_one_clear_line(args, code, words, clip, env, bad_files, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("a file where a folder should be")
    subs = {**bad_files, "clip": clip[0], "blocked": blocked}
    res = run("scenes", *[a.format(**subs) for a in args], env=env, cwd=tmp_path)
    assert res.returncode == code, res.stderr
    assert words in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.rglob("*.csv")) and not list(tmp_path.rglob(".*part*"))


def test_damaged_frames_are_reported_and_skipped(env, tmp_path):
    path, truth = scenes_media.corrupt_middle(tmp_path)
    res = run("scenes", path, "--json", env=env)
    assert res.returncode == 0, res.stderr
    assert "decoding error" in res.stderr
    data = json.loads(res.stdout)
    assert [round(c["time"], 3) for c in data["cuts"]] == truth["cuts"]
