"""``clipkit embed`` and the ``--embed`` options of ``clipkit still``: stdout is the snippet
and nothing else; bad input is one clear line with the right exit code and no file left."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from clipkit.cli import main
from clipkit.manifest import MANIFEST_NAME
from embed_media import STEM, make_media
from media import ffmpeg

HOSTILE = '"><script>alert(1)</script> [/spoiler]'


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    path = tmp_path_factory.mktemp("clip") / "ep 07.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p", path)
    return path


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return make_media(tmp_path_factory.mktemp("cli_media"), mp4_seconds=0.5)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


class Tags(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.tags, self.data = [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.data.append(data)


def test_still_prints_only_the_snippet_and_records_it(clip, tmp_path):
    out = tmp_path / "shots"
    res = run("still", clip, "0.5", "-o", f"{out}/", "--embed", "wordpress", "--title", HOSTILE, "--credit", "Fuji TV",
              "--base-url", "https://blog.example/up/")
    assert res.exit_code == 0, res.output
    assert "wrote" in res.stderr and "wrote" not in res.stdout
    text = res.stdout.strip()
    assert text.startswith("<!-- wp:image {") and text.endswith("<!-- /wp:image -->")
    tree = Tags(re.sub(r"<!--.*?-->", "", text))
    assert [t for t, _ in tree.tags] == ["figure", "img", "figcaption"]
    assert "".join(tree.data).strip() == f"{HOSTILE} — Credit: Fuji TV"
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    [entry] = manifest["artifacts"]
    assert (out / entry["file"]).is_file() and entry["kind"] == "still" and (entry["width"], entry["height"]) == (320, 180)
    assert entry["embed"] == {"title": HOSTILE, "credit": "Fuji TV"}
    assert entry["source"] == str(clip.resolve()) and entry["start"] == "1/2"  # exact (clipkit.artifact codec)
    assert " " in entry["file"] and tree.tags[1][1]["src"] == "https://blog.example/up/" + entry["file"].replace(" ", "%20")


def test_embed_none_prints_nothing_but_records(clip, tmp_path):
    res = run("still", clip, "1", "-o", tmp_path / "a.jpg", "--embed", "none")
    assert res.exit_code == 0 and res.stdout == ""
    assert json.loads((tmp_path / MANIFEST_NAME).read_text())["artifacts"][0]["file"] == "a.jpg"


def test_a_broken_manifest_is_a_note_not_a_failure(clip, tmp_path):
    (tmp_path / MANIFEST_NAME).mkdir()
    res = run("still", clip, "1", "-o", tmp_path / "b.png")
    assert res.exit_code == 0 and (tmp_path / "b.png").is_file()
    assert res.stdout.startswith("<img ") and "note: could not update the manifest" in res.stderr


def test_embed_files_made_earlier(media):
    res = run("embed", media["gif"].path, media["still"].path, "-f", "bbcode-xenforo", "--spoiler", "--title", "T")
    assert res.exit_code == 0, res.output
    blocks = res.stdout.strip().split("\n\n")
    assert len(blocks) == 2 and all(b.startswith('[SPOILER="Spoiler"]\n[IMG]') for b in blocks)
    assert res.stderr == ""


def test_embed_all_regenerates_the_post_in_order_with_recorded_options(clip, tmp_path):
    out = tmp_path / "post"
    for at, title in (("1.5", "second"), ("0.5", "first")):  # made later moment first
        assert run("still", clip, at, "-o", f"{out}/", "--title", title, "--embed", "none").exit_code == 0
    res = run("embed", "--all", out, "-f", "markdown", "--base-url", "/img/")
    assert res.exit_code == 0, res.output
    lines = [l for l in res.stdout.splitlines() if l]
    # in source order (episode, then start time), not the order made
    assert lines[0].startswith("![Still from ep 07 at 0:00.5](/img/ep%2007_") and lines[1] == "*first*"
    assert lines[2].startswith("![Still from ep 07 at 0:01.5](/img/") and lines[3] == "*second*"
    next(out.glob("*0-00.5*.png")).unlink()
    res = run("embed", "--all", out)
    assert res.exit_code == 0 and "no longer exists" in res.stderr and res.stdout.count("<img") == 1


def test_embed_all_lists_episodes_in_natural_order_then_start_time(clip, tmp_path):
    import shutil

    out = tmp_path / "post"
    for ep in ("ep10", "ep2"):
        shutil.copy(clip, tmp_path / f"{ep}.mp4")
    for ep, at in (("ep10", "0.5"), ("ep2", "1.5"), ("ep2", "0.5")):
        assert run("still", tmp_path / f"{ep}.mp4", at, "-o", f"{out}/", "--embed", "none").exit_code == 0
    res = run("embed", "--all", out, "-f", "markdown")
    assert res.exit_code == 0, res.output
    alts = [l.split("](")[0] for l in res.stdout.splitlines() if l.startswith("![")]
    assert alts == ["![Still from ep2 at 0:00.5", "![Still from ep2 at 0:01.5", "![Still from ep10 at 0:00.5"], alts


def test_embed_takes_the_presets_embed_table(clip, tmp_path):
    # a post made under a series preset gets its snippets again with the preset's format, credit and base URL
    out = tmp_path / "post"
    assert run("still", clip, "0.5", "-o", f"{out}/", "--embed", "none").exit_code == 0
    preset = tmp_path / "show.toml"
    preset.write_text('[embed]\nformat = "bbcode"\ncredit = "Fuji TV"\nbase_url = "https://blog.example/up/"\n',
                      encoding="utf-8")
    res = run("embed", "--all", out, "--preset", preset)
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("[img]https://blog.example/up/ep%2007_") and "Fuji TV" in res.stdout, res.stdout
    res = run("embed", "--all", out, "--preset", preset, "-f", "markdown")  # a typed flag wins over the preset
    assert res.exit_code == 0 and res.stdout.startswith("![") and "Fuji TV" in res.stdout, res.stdout


def _cut_gif(path):
    """A two-frame GIF (Pillow writes a 256-colour global palette) cut off in its palette, as a copy or an
    upload that stopped: Pillow cannot read it, ffmpeg still reads frames from it."""
    import numpy as np
    from PIL import Image

    frames = [Image.fromarray(np.random.RandomState(k).randint(0, 255, (90, 160, 3), np.uint8)) for k in range(2)]
    whole = path.with_name("whole.gif")
    frames[0].save(whole, save_all=True, append_images=frames[1:], duration=100, loop=0)
    path.write_bytes(whole.read_bytes()[:100])
    whole.unlink()


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["embed", "{dir}/missing.gif"], 2, "does not exist"),
        (["embed", "{dir}/notes.txt"], 2, "not an image or video"),
        (["embed", "{dir}/cut.gif"], 2, "damaged or cut short"),  # was pasted as an MP4 <video> of the .gif
        (["embed"], 2, "name at least one file"),
        (["embed", "--all", "{empty}"], 2, "no clipkit manifest"),
        (["embed", "--all", "{gif}"], 2, "is not a folder"),
        (["embed", "--all", "{broken}"], 2, "not valid JSON"),
        (["embed", "{gif}", "-f", "myspace"], 2, "Invalid value"),
        (["embed", "{gif}", "--base-url", "javascript:alert(1)"], 2, "not a web address"),
        # the file name went after them: https://x.example/u/?v=2/ep.gif, https://x.example/u/#top/ep.gif
        (["embed", "{gif}", "--base-url", "https://x.example/u/?v=2"], 2, "?query or #fragment"),
        (["embed", "{gif}", "--base-url", "https://x.example/u/#top"], 2, "?query or #fragment"),
        (["still", "{clip}", "1", "-o", "{dir}/never.png", "--base-url", "data:text/html,x"], 2, "not a web address"),
        (["still", "{clip}", "1", "-o", "{dir}/never.png", "--embed", "myspace"], 2, "Invalid value"),
    ],
)
def test_bad_input_is_one_clear_line(args, code, words, media, clip, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    _cut_gif(tmp_path / "cut.gif")
    (tmp_path / "empty").mkdir()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / MANIFEST_NAME).write_text("{oops", encoding="utf-8")
    values = {"dir": tmp_path, "empty": tmp_path / "empty", "broken": tmp_path / "broken", "gif": media["gif"].path, "clip": clip}
    res = run(*[a.format(**values) for a in args])
    assert res.exit_code == code, (res.stdout, res.stderr)
    assert words in res.stderr and res.stdout == ""
    assert "Traceback" not in res.stderr
    if args[0] == "embed" and "Invalid value" not in words and "at least" not in words:
        assert len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "never.png").exists()
    assert not list(tmp_path.glob(".*part*"))


def test_file_names_with_odd_characters_are_encoded(media):
    res = run("embed", media["gif"].path, "-f", "html", "--base-url", "https://x.example/")
    src = Tags(res.stdout).tags[0][1]["src"]
    assert src == "https://x.example/ep07%20it%27s%20%26%20%C3%A4%20%231.gif" and STEM in str(media["gif"].path)


def test_gif_and_strip_print_their_snippets_and_record_them(clip, tmp_path):
    out = tmp_path / "post"
    res = run("gif", clip, "0", "+1", "--width", "160", "--also", "mp4,webp", "-o", f"{out}/", "--subs", "off",
              "--embed", "video", "--title", "Run!", "--base-url", "/up/")
    assert res.exit_code == 0, res.output
    tree = Tags(res.stdout)
    names = [t for t, _ in tree.tags]
    assert names == ["figure", "video", "source", "a", "figcaption"]
    gif_name = next(out.glob("*.gif")).name
    assert dict(tree.tags)["source"]["src"] == "/up/" + gif_name.replace(" ", "%20")[:-4] + ".mp4"
    assert dict(tree.tags)["a"]["href"] == "/up/" + gif_name.replace(" ", "%20")
    res = run("strip", clip, "--range", "0.25-1.75", "--layout", "row", "--count", "3", "--width", "480", "-o", f"{out}/",
              "--title", "Header text", "--embed-title", "Caption text", "--embed", "html")
    assert res.exit_code == 0, res.output
    tree = Tags(res.stdout)
    assert [t for t, _ in tree.tags] == ["figure", "img", "figcaption"] and "".join(tree.data).strip() == "Caption text"
    # the first and last tile's times, to the ms as clipkit shows times (they were cut to whole seconds: 0:00 to 0:01)
    alt = re.fullmatch(r"3 frames of ep 07, 0:00\.(\d+) to 0:01\.(\d+)", dict(tree.tags)["img"]["alt"])
    assert alt and 0.25 <= float("0." + alt[1]) and float("1." + alt[2]) <= 1.75, dict(tree.tags)["img"]["alt"]
    entries = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["artifacts"]
    assert [e["kind"] for e in entries] == ["gif", "strip"]
    assert sorted(s["kind"] for s in entries[0]["siblings"]) == ["mp4", "webp"]
    assert entries[0]["embed"] == {"title": "Run!"} and entries[1]["embed"] == {"title": "Caption text"}
    again = run("embed", "--all", out, "-f", "picture")
    assert again.exit_code == 0 and again.stdout.count("<figcaption>") == 2 and ".webp" in again.stdout


def test_embed_all_keeps_a_symlinked_episodes_own_name(clip, tmp_path):
    """An episode linked into a season folder under another name: the still's snippet and
    `embed --all` (which reads the manifest) both name the link, not the library file."""
    link = tmp_path / "ep07.mp4"
    link.symlink_to(clip)
    out = tmp_path / "out"
    res = run("still", link, "1", "-o", f"{out}/")
    assert res.exit_code == 0, res.output
    assert 'alt="Still from ep07 at 0:01"' in res.stdout
    [entry] = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["artifacts"]
    assert entry["source"] == str(link)
    res = run("embed", "--all", out, "--format", "markdown")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("![Still from ep07 at 0:01]("), res.stdout


def test_a_two_line_japanese_subtitle_is_one_unspaced_line_of_alt_text(sample, tmp_path):
    """The sample's Japanese subtitle at 0:04–0:07.5 is "天文台で。" over "星を数えていた。" (its truth file): the alt text
    of a still there reads them as one sentence, without the space an English one gets between its lines."""
    truth = json.loads(sample.with_suffix(".truth.json").read_text(encoding="utf-8"))
    cue = next(c for c in truth["subtitles"] if c["start"] == 4.0)
    for lang, want in (("jpn", cue["jpn"].replace("\n", "")), ("eng", cue["eng"].replace("\n", " "))):
        res = run("still", sample, "0:05", "--subs", f"lang:{lang}", "-o", tmp_path / f"{lang}.png", "--embed", "markdown")
        assert res.exit_code == 0, res.output
        text = res.stdout.strip()
        assert text.startswith(f"![{want}](") and text.endswith(f"/{lang}.png)"), text


def test_a_gif_without_the_sibling_its_video_or_picture_snippet_needs_says_so(clip, tmp_path):
    # --embed video on a GIF made without --also mp4 printed the plain <img> without a word: the blogger pasted the
    # GIF believing it was the MP4 that is 10-20x smaller; the snippet is still the html one, and a note says why
    out = tmp_path / "post"
    res = run("gif", clip, "0", "+1", "--width", "160", "-o", f"{out}/", "--subs", "off", "--embed", "video")
    assert res.exit_code == 0, res.output
    assert [t for t, _ in Tags(res.stdout).tags] == ["img"]
    gif = next(out.glob("*.gif"))
    assert f"note: {gif.name} has no MP4 beside it: its video snippet is the html one (make the GIF with --also mp4" \
        in res.stderr, res.stderr
    res = run("embed", gif, "-f", "picture")
    assert [t for t, _ in Tags(res.stdout).tags] == ["img"] and "has no WebP beside it" in res.stderr and "--also webp" in res.stderr
    made = run("gif", clip, "0", "+1", "--width", "160", "-o", f"{out}/both.gif", "--subs", "off", "--also", "mp4",
               "--embed", "video")
    assert "<video" in made.stdout and "beside it" not in made.stderr, made.stderr
    still = run("still", clip, "1", "-o", f"{out}/", "--embed", "video")
    assert still.exit_code == 0 and "beside it" not in still.stderr, still.stderr
    listed = run("embed", "--all", out, "-f", "video")
    assert listed.stderr.count("has no MP4 beside it") == 1 and listed.stdout.count("<video") == 1, listed.stderr
