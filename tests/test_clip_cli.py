"""``clipkit clip`` on the command line, clip embeds, captions (burned and soft), the batch kind."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from clip_media import make_flash_beep
from clipkit.artifact import Artifact
from clipkit.cli import main
from clipkit.embed.snippet import snippet
from clipkit.media.ffmpeg import ffmpeg_exe
from clipkit.media.frames import read_frames
from clipkit.pipeline.clip import make_clip


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("clipsrc")
    src = folder / "ep07.mkv"
    make_flash_beep(src, seconds=4, size="320x180")
    (folder / "ep07.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nHe knew.\n\n"
                                     "2\n00:00:02,500 --> 00:00:03,500\n<script>alert(1)</script> & [b]x[/b]\n",
                                     encoding="utf-8")
    return src


def test_cli_writes_clip_poster_and_snippet(source, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["clip", str(source), "0:01", "+2", "--subs", "off"])
    assert r.exit_code == 0, r.output
    clip = tmp_path / "ep07_0-01_0-03.mp4"
    assert clip.exists() and (tmp_path / "ep07_0-01_0-03.jpg").exists()
    assert '<video controls preload="metadata" poster="ep07_0-01_0-03.jpg" width="320" height="180"' in r.stdout
    assert (tmp_path / "clipkit-manifest.json").exists()


def test_cli_encoder_preset_and_series_preset_are_two_options(source, tmp_path):
    # --encoder-preset is x264's speed preset, --preset the series/platform preset: each does its own job
    r = CliRunner().invoke(main, ["clip", str(source), "0:01", "+1", "--subs", "off", "--no-poster",
                                  "--encoder-preset", "ultrafast", "-o", str(tmp_path / "u.mp4")])
    assert r.exit_code == 0, r.output
    assert b"subme=0" in (tmp_path / "u.mp4").read_bytes()  # x264's own record of its settings: ultrafast
    r = CliRunner().invoke(main, ["clip", str(source), "0:01", "+1", "--subs", "off", "--no-poster",
                                  "--preset", "tumblr", "--encoder-preset", "slow", "-o", str(tmp_path / "s.mp4")])
    assert r.exit_code == 0, r.output
    assert b"subme=8" in (tmp_path / "s.mp4").read_bytes()  # slow


def test_cli_missing_range_names_the_clip_and_the_ways_to_give_one(source, tmp_path):
    r = CliRunner().invoke(main, ["clip", str(source), "-o", f"{tmp_path}/"])
    assert r.exit_code == 2 and "a clip needs START and END (or --scene N, or --line TEXT)" in r.output, r.output
    assert "GIF" not in r.output and "clipkit clip ep07.mkv 12:30 +6" in r.output
    r = CliRunner().invoke(main, ["clip", str(source), "1", "2", "--scene", "1", "-o", f"{tmp_path}/"])
    assert r.exit_code == 2 and "`clipkit clip ep07.mkv --scene 12`" in r.output, r.output
    assert not list(tmp_path.iterdir())


def test_cli_bad_input_is_one_line(source, tmp_path):
    r = CliRunner().invoke(main, ["clip", str(source), "0:03", "0:09", "-o", f"{tmp_path}/"])
    assert r.exit_code == 2 and "Traceback" not in r.output and "error:" in r.output
    r = CliRunner().invoke(main, ["clip", str(source), "0:01", "+1", "--format", "webm", "--audio-only", "m4a"])
    assert r.exit_code == 2
    r = CliRunner().invoke(main, ["clip", str(source), "0:01", "+1", "--platform", "twitter", "--width", "4000",
                                  "-o", f"{tmp_path}/"])
    assert r.exit_code == 2 and "--width 1920" in r.output


def _clip_item(tmp_path, poster=True) -> Artifact:
    clip = tmp_path / 'a "b" <c>.mp4'
    clip.write_bytes(b"x")
    sibs = ()
    if poster:
        p = clip.with_suffix(".jpg")
        p.write_bytes(b"x")
        sibs = (Artifact(path=p, kind="poster", width=320, height=180, bytes=1),)
    return Artifact(path=clip, kind="clip", width=320, height=180, bytes=1, duration=Fraction(2),
                    captions=('"><script>alert(1)</script> [/url][url=evil]',), siblings=sibs)


def test_info_numbers_the_sound_tracks_that_audio_track_picks(tmp_path):
    # `--audio-track N` counts "as `clipkit info` lists them"; before, info listed them unnumbered
    from clip_media import audio_samples
    from media import ffmpeg

    src = tmp_path / "dub.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=64x36:r=25:d=2", "-f", "lavfi", "-i", "sine=f=440:r=48000:d=2",
           "-f", "lavfi", "-i", "sine=f=1000:r=48000:d=2", "-map", "0", "-map", "1", "-map", "2", "-c:v", "libx264",
           "-c:a", "aac", "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=jpn", src)
    r = CliRunner().invoke(main, ["info", str(src)])
    assert r.exit_code == 0, r.output
    jpn = next(ln for ln in r.stdout.splitlines() if " jpn " in ln and "aac" in ln)
    n = jpn.split("track:")[1].split()[0]
    out = tmp_path / "j.mp4"
    r = CliRunner().invoke(main, ["clip", str(src), "0.5", "+1", "--audio-track", n, "-o", str(out), "--no-poster"])
    assert r.exit_code == 0, r.output
    pcm = audio_samples(out).astype(float)
    spectrum = np.abs(np.fft.rfft(pcm))
    assert np.fft.rfftfreq(len(pcm), 1 / 48000)[spectrum.argmax()] == pytest.approx(1000, abs=5)  # the Japanese one


def test_clip_embeds_are_escaped_and_shaped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    art = _clip_item(Path("."))
    html = snippet(art, "html", title="T&C")
    assert html.startswith('<figure><video controls preload="metadata" poster="a%20%22b%22%20%3Cc%3E.jpg" width="320" height="180"')
    assert "<script>" not in html and "&lt;script&gt;" in html and "T&amp;C" in html
    wp = snippet(art, "wordpress")
    assert wp.startswith("<!-- wp:video -->") and "<video controls poster=" in wp and "autoplay" not in wp
    hugo = snippet(art, "hugo")
    assert hugo.startswith('{{< figure src="a%20%22b%22%20%3Cc%3E.jpg" link="a%20%22b%22%20%3Cc%3E.mp4"')
    md = snippet(art, "markdown")
    assert md.startswith("[![▶ ") and md.endswith("(a%20%22b%22%20%3Cc%3E.mp4)")
    bb = snippet(art, "bbcode")
    assert bb.startswith("[url=a%20%22b%22%20%3Cc%3E.mp4][img]") and "[url=evil]" not in bb
    ghost = snippet(art, "ghost")
    assert 'class="kg-card kg-video-card"' in ghost and "controls" in ghost


def test_captions_burned_in_from_the_gif_overlay(source, tmp_path):
    art = make_clip(source, Fraction("0.9"), Fraction("2.1"), tmp_path / "c.mp4", subs=str(source.with_suffix(".srt")),
                    poster=False)
    assert art.captions and "He knew." in art.captions[0]
    frames = list(read_frames(art.path, pix_fmt="gray"))
    before = next(f for f in frames if f.time < Fraction("0.09"))  # 0.9 s: no caption yet
    during = next(f for f in frames if Fraction("0.3") < f.time < Fraction("0.9") and f.image.mean() < 100)
    low = slice(int(180 * 0.7), 180)
    assert before.image[low].max() < 60  # black frame, no text
    assert during.image[low].max() > 200  # white caption text at the bottom
    assert during.image[: int(180 * 0.5)].max() < 60  # and nothing in the top half


def test_soft_subs_are_a_retimed_track(source, tmp_path):
    art = make_clip(source, Fraction("0.5"), Fraction("3"), tmp_path / "c.mp4", subs=str(source.with_suffix(".srt")),
                    soft_subs=True, poster=False)
    head = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(art.path)], capture_output=True).stderr.decode()
    assert "mov_text" in head
    srt = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(art.path), "-map", "0:s",
                          "-f", "srt", "-"], capture_output=True, check=True).stdout.decode()
    assert "00:00:00,500 --> 00:00:01,500" in srt and "He knew." in srt
    assert "00:00:02,000 --> 00:00:02,500" in srt  # cut at the clip's end
    webm = make_clip(source, Fraction("0.5"), Fraction("3"), tmp_path / "c.webm", format="webm",
                     subs=str(source.with_suffix(".srt")), soft_subs=True, poster=False)
    head = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(webm.path)], capture_output=True).stderr.decode()
    assert "webvtt" in head


def test_soft_subs_track_keeps_the_language_of_its_source(source, tmp_path):
    # a Japanese track made selectable is tagged jpn in the clip (players list it by language), not "und"
    from clipkit.media.probe import probe

    tagged = tmp_path / "ep07-ja.mkv"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(source), "-i",
                    str(source.with_suffix(".srt")), "-map", "0", "-map", "1", "-c", "copy", "-c:s", "srt",
                    "-metadata:s:s:0", "language=jpn", str(tagged)], check=True)
    for fmt in ("mp4", "webm"):
        art = make_clip(tagged, Fraction("0.5"), Fraction("3"), tmp_path / f"c.{fmt}", format=fmt, subs="lang:jpn",
                        soft_subs=True, poster=False)
        assert [t.language for t in probe(art.path).subtitles] == ["jpn"], fmt


def test_a_subtitle_file_named_for_its_language_gives_that_language(source, tmp_path):
    """--subs ep07.ja.srt (ISO 639-1 or -2 in the name): the soft track is tagged jpn, not und, and Han-only
    captions are drawn with that language's glyphs (直 and 骨 differ between Japanese and Chinese faces)."""
    from clipkit.media.probe import probe

    cue = "1\n00:00:00,500 --> 00:00:03,500\n直骨今\n"
    for name, lang in [("ep07.ja.srt", "jpn"), ("ep07.eng.forced.srt", "eng"), ("ep.07.srt", None)]:
        (tmp_path / name).write_text(cue, encoding="utf-8")
        out = tmp_path / f"{name}.mp4"
        r = CliRunner().invoke(main, ["clip", str(source), "0.5", "3", "--subs", str(tmp_path / name), "--soft-subs",
                                      "--no-poster", "-o", str(out)])
        assert r.exit_code == 0, r.output
        assert [t.language for t in probe(out).subtitles] == [lang], name
    pictures = {}
    for code in ("ja", "zh"):
        subs = tmp_path / f"show.{code}.srt"
        subs.write_text(cue, encoding="utf-8")
        png = tmp_path / f"{code}.png"
        r = CliRunner().invoke(main, ["still", str(source), "1", "--subs", str(subs), "-o", str(png)],
                               env={"LANG": "C", "LC_ALL": None, "LANGUAGE": None})
        assert r.exit_code == 0, r.output
        pictures[code] = np.asarray(Image.open(png).convert("L"), dtype=np.int16)
    assert pictures["ja"][135:].max() > 200  # the caption is drawn
    assert np.abs(pictures["ja"] - pictures["zh"]).max() > 100  # in different glyphs


def test_batch_job_kind_clip(source, tmp_path):
    from clipkit.pipeline.batch import batch

    jobs = tmp_path / "jobs.toml"
    jobs.write_text(f'''
[[job]]
kind = "clip"
episode = "{source.as_posix()}"
start = "1"
end = "+1.5"
name = "line"

[[job]]
kind = "clip"
episode = "{source.as_posix()}"
start = "3"
end = "9"
''', encoding="utf-8")
    res = batch(jobs, workers=1, output=tmp_path / "out")
    assert [r.status for r in res.results] == ["made", "failed"]
    made = tmp_path / "out" / "line.mp4"
    assert made.exists() and (tmp_path / "out" / "line.jpg").exists()
    assert '<video controls preload="metadata" poster="line.jpg"' in res.index_html.read_text()


@pytest.mark.slow
def test_scene_and_japanese_captions_on_the_sample_episode(sample, truth, tmp_path):
    """`--scene N` is the shot `clipkit scenes` numbers N (the sample's truth), as for gif."""
    art = make_clip(sample, None, None, tmp_path / "s.mp4", scene=2, subs="lang:jpn", poster=False)
    a, b = truth["shots"][1]
    assert abs(float(art.start) - a) < 0.05 and abs(float(art.end) - b) < 0.05
    assert any("いつもそう言うのね" in c for c in art.captions)


def test_snap_says_where_it_moved_the_ends(sample, truth, tmp_path):
    # before: `clip --snap` moved the range silently (gif says where, and the README promises the same)
    cut_a, cut_b = truth["cuts"][0], truth["cuts"][1]  # 8 s and 15 s
    r = CliRunner().invoke(main, ["clip", str(sample), str(cut_a + 0.3), str(cut_b - 0.3), "--snap", "--no-poster",
                                  "-o", str(tmp_path / "s.mp4"), "--subs", "off"])
    assert r.exit_code == 0, r.output
    note = next(ln for ln in r.stderr.splitlines() if "snap" in ln)
    assert f"→ 0:{cut_a:02d}" in note and f"→ 0:{cut_b:02d}" in note
