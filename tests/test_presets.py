"""Presets: layering default < platform < series < typed flags, provenance, and the errors users meet."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from clipkit import settings as S
from clipkit.errors import UsageError
from clipkit.presets import (
    PresetError,
    builtin_presets,
    load_preset_file,
    parse_overrides,
    parse_size,
    resolve,
    settings_for,
    settings_sections,
)

REPO = Path(__file__).resolve().parent.parent


def run(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "clipkit", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_tables_are_discovered_from_settings_module():
    sections = settings_sections()
    assert sections["still"] is S.StillSettings
    assert sections["series"] is S.SeriesSettings
    # every frozen *Settings dataclass of settings.py is a table, with no list kept here
    names = {n for n, o in vars(S).items() if isinstance(o, type) and n.endswith("Settings")}
    assert {c.__name__ for c in sections.values()} == names


def test_layering_and_provenance(tmp_path):
    series = write(tmp_path / "my-show.toml", """
description = "test series"
[series]
platform = "forum"
episodes = "eps"
[still]
jpeg_quality = 70
format = "webp"
""")
    r = resolve(str(series), overrides={"still.width": "320", "still.best": True})
    forum = load_preset_file(builtin_presets()["forum"], kind="platform")
    # default: untouched by any layer
    assert r["still"].best_window == S.StillSettings().best_window
    assert r.origins.get("still.best_window") is None
    assert dict((k, o) for k, _, o in r.rows())["still.best_window"] == "built-in default"
    # series beats platform (forum sets still.format = "jpg")
    assert forum.values["still"]["format"] == "jpg"
    assert r["still"].format == "webp" and "series preset my-show" in r.origins["still.format"]
    assert r["still"].jpeg_quality == 70
    # typed flags beat everything and are converted from text
    assert r["still"].width == 320 and r.origins["still.width"] == "command line"
    assert r["still"].best is True
    # the platform layer named by the series preset
    if "gif" in settings_sections():
        assert r["gif"].max_size == 2_000_000
        assert r.origins["gif.max_size"].startswith("platform preset forum")
    assert r.origins["embed.format"].startswith("platform preset forum") and r["embed"].format == "bbcode"
    # relative folders are relative to the preset file that set them
    assert r.path_of("series.episodes") == tmp_path / "eps"
    assert r.path_of("series.output") == Path("clipkit-out")  # default: the current folder
    typed = resolve(str(series), overrides={"series.episodes": "here"})
    assert typed.path_of("series.episodes") == Path("here")  # typed: from the current folder


def test_platform_flag_and_name_lookup(tmp_path, monkeypatch):
    folder = tmp_path / "p"
    folder.mkdir()
    write(folder / "show.toml", '[still]\nbest = true\n')
    monkeypatch.setenv("CLIPKIT_PRESETS", str(folder))
    r = resolve("show", platform="wordpress")
    assert r["still"].best is True
    assert r["embed"].format == "wordpress" and "platform preset wordpress" in r.origins["embed.format"]
    r2 = resolve("tumblr")  # a built-in name alone is just the platform layer
    assert [layer.kind for layer in r2.layers] == ["platform"]


def test_builtin_presets_match_this_build():
    names = set(builtin_presets())
    assert {"tumblr", "twitter", "discord", "wordpress", "forum"} <= names
    expected_budget = {"tumblr": 3_000_000, "twitter": 15_000_000, "discord": 10_000_000}
    for name, path in builtin_presets().items():
        layer = load_preset_file(path, kind="platform")
        assert layer.description
        assert set(layer.values) <= set(settings_sections())
        if name in expected_budget and "gif" in settings_sections():
            assert resolve(name)["gif"].max_size == expected_budget[name]
    if "gif" in settings_sections():
        assert resolve("tumblr")["gif"].width == 540


def test_shipped_series_example_resolves():
    r = resolve(str(REPO / "presets" / "one-million-stars.toml"))
    assert r.series.platform == "tumblr"
    assert r.path_of("series.episodes").resolve() == (REPO / "clipkit-demo").resolve()
    assert r.series.episode_pattern.format(ep=7) == "one-million-stars-s01e07.mkv"


def test_typo_names_file_key_and_valid_keys(tmp_path):
    bad = write(tmp_path / "typo.toml", "[still]\nwidht = 640\n")
    with pytest.raises(PresetError) as err:
        resolve(str(bad))
    text = str(err.value)
    assert str(bad) in text and "'widht'" in text and "did you mean 'width'" in text
    assert "in [still]" in text
    assert "valid keys of [still]:" in err.value.hint and "width" in err.value.hint and "best_window" in err.value.hint
    # through the command line: one line, exit 2, no traceback
    res = run("presets", "show", bad)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "widht" in res.stderr and "Traceback" not in res.stderr


def test_wrong_type_and_unknown_table(tmp_path):
    bad = write(tmp_path / "type.toml", '[still]\nbest = "yes"\n')
    with pytest.raises(PresetError, match=r"best = 'yes': expected true or false") as err:
        resolve(str(bad))
    assert str(bad) in str(err.value)
    bad2 = write(tmp_path / "table.toml", "[stil]\nbest = true\n")
    with pytest.raises(PresetError, match=r"unknown table \[stil\]") as err:
        resolve(str(bad2))
    assert "[still]" in err.value.hint and "[series]" in err.value.hint
    assert "(did you mean [still]?)" in err.value.message  # as for a misspelt key
    with pytest.raises(PresetError, match=r"unknown table 'gfi' \(did you mean 'gif'\?\)"):
        parse_overrides(["gfi.width=480"])
    bad3 = write(tmp_path / "int.toml", "[still]\njpeg_quality = 9.5\n")
    with pytest.raises(PresetError, match="expected an integer"):
        resolve(str(bad3))


def test_unknown_preset_lists_known_ones(tmp_path):
    with pytest.raises(PresetError) as err:
        resolve("no-such-show")
    assert "no-such-show" in str(err.value) and "tumblr" in err.value.hint
    with pytest.raises(PresetError, match="unknown platform preset 'myspace'"):
        resolve(str(write(tmp_path / "s.toml", '[series]\nplatform = "myspace"\n')))
    res = run("presets", "show", "no-such-show")
    assert res.returncode == 2 and "unknown preset 'no-such-show'" in res.stderr


def test_syntax_error_has_line_and_column(tmp_path):
    bad = write(tmp_path / "broken.toml", '[still]\nbest = true\nwidth = = 3\n')
    with pytest.raises(PresetError) as err:
        resolve(str(bad))
    assert f"{bad}:3:" in str(err.value) and "TOML syntax error" in str(err.value)
    assert "line 3" in err.value.hint


def test_typed_overrides_are_checked_and_converted():
    got = parse_overrides(["still.width=640", "still.best_window=250ms", "series.title=Ep 7"])
    assert got == {"still.width": 640, "still.best_window": Fraction(1, 4), "series.title": "Ep 7"}
    if "gif" in settings_sections():
        assert parse_overrides(["gif.max_size=3MB"]) == {"gif.max_size": 3_000_000}
        assert parse_overrides(["gif.max_size=none"]) == {"gif.max_size": None}
    with pytest.raises(PresetError, match="expected an integer"):
        parse_overrides(["still.width=wide"])
    with pytest.raises(PresetError, match="unknown key still.widht"):
        parse_overrides(["still.widht=3"])
    with pytest.raises(PresetError, match="TABLE.KEY=VALUE"):
        parse_overrides(["width=3"])
    assert parse_size("500KB") == 500_000 and parse_size("2MiB") == 2 * 1024 * 1024
    assert parse_size("1GB") == 1_000_000_000 and parse_size("2.5M") == 2_500_000 and parse_size("1200") == 1200
    for bad in ("lots", "0", "-3MB", "3 TB"):
        with pytest.raises(UsageError, match="not a file size"):
            parse_size(bad)


def test_cli_list_and_show(tmp_path):
    res = run("presets", "list", cwd=REPO)
    assert res.returncode == 0, res.stderr
    for name in ("tumblr", "twitter", "discord", "wordpress", "forum", "one-million-stars"):
        assert name in res.stdout
    res = run("presets", "show", "one-million-stars", "--set", "still.width=320", cwd=REPO)
    assert res.returncode == 0, res.stderr
    assert "[series]" in res.stdout and "[still]" in res.stdout
    pattern = next(line for line in res.stdout.splitlines() if line.strip().startswith("episode_pattern"))
    assert '"one-million-stars-s01e{ep:02d}.mkv"' in pattern and "series preset one-million-stars" in pattern
    data = json.loads(run("presets", "show", "one-million-stars", "--json", "--set", "still.width=320", cwd=REPO).stdout)
    assert data["still.width"] == {"value": 320, "origin": "command line"}
    assert data["series.platform"]["value"] == "tumblr"
    assert data["embed.format"]["origin"].startswith("platform preset tumblr")
    assert data["still.best_window"]["origin"] == "built-in default"
    assert data["still.best"]["value"] is True


def test_a_series_output_folder_is_named_plainly_in_the_snippet(tmp_path):
    # presets/show.toml with output = "../post": the file goes to post/, and the snippet (and the
    # "wrote" line) say post/…, not presets/../post/…
    from media import ffmpeg

    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x90:r=24:d=1", "-c:v", "libx264", "-pix_fmt", "yuv420p",
           str(tmp_path / "e07.mkv"))
    (tmp_path / "presets").mkdir()
    write(tmp_path / "presets" / "show.toml", '[series]\noutput = "../post"\n')
    res = run("still", "e07.mkv", "0.5", "--preset", "show", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith('<img src="post/e07_0-00.5.png"'), res.stdout
    assert (tmp_path / "post" / "e07_0-00.5.png").is_file() and ".." not in res.stderr


def test_settings_for_one_command():
    """What a single command's --preset gets: one table, typed flags on top, untyped ones ignored."""
    gif = settings_for("gif", "discord", {"fps": Fraction(15), "width": None})
    assert gif.max_size == 10_000_000 and gif.fps == 15 and gif.width == S.GifSettings().width
    assert settings_for("still") == S.StillSettings()


def test_a_series_preset_may_set_the_clip_encoder_preset(tmp_path, monkeypatch):
    """``[clip] preset = "slow"`` (x264's speed, a ClipSettings field) made the file look like a batch
    job file: by name it was 'unknown preset', by path 'is a batch job file, not a preset', and
    `clipkit presets list` filed it under job files."""
    folder = tmp_path / "p"
    folder.mkdir()
    show = write(folder / "show.toml", '[series]\ntitle = "Show"\n\n[clip]\npreset = "slow"  # smaller files\n')
    job = write(folder / "post.toml", '# a post\ntitle = "x"\npreset = "show"\n[[job]]\nkind = "still"\nat = "1"\n')
    monkeypatch.setenv("CLIPKIT_PRESETS", str(folder))
    assert resolve("show")["clip"].preset == "slow"
    assert resolve(str(show))["clip"].preset == "slow"
    with pytest.raises(PresetError, match="is a batch job file"):
        resolve(str(job))  # a top-level preset = … is still a job file's
    write(show, '[clip]\npreset = "fastest"\n')
    with pytest.raises(UsageError, match="preset fastest is not one of ultrafast"):
        resolve("show")


def test_show_a_misspelt_table_is_one_line_with_did_you_mean():
    """`clipkit presets show tumblr --table gfi` printed only the header and exited 0, as if gif had no values."""
    res = run("presets", "show", "tumblr", "--table", "gfi", cwd=REPO)
    assert res.returncode == 2 and res.stdout == ""
    assert "unknown table (did you mean 'gif'?)" in res.stderr and res.stderr.count("\n") == 1
    res = run("presets", "show", "tumblr", "--table", "gif", "--table", "strip", cwd=REPO)
    assert res.returncode == 0 and "[gif]" in res.stdout and "[strip]" in res.stdout and "[still]" not in res.stdout


def test_a_misspelt_preset_or_platform_name_says_did_you_mean(tmp_path, monkeypatch):
    """`--preset tumbler` / `--platform twiter` listed the known names without pointing at the one meant."""
    folder = tmp_path / "p"
    folder.mkdir()
    write(folder / "my-show.toml", '[still]\nbest = true\n')
    monkeypatch.setenv("CLIPKIT_PRESETS", str(folder))
    with pytest.raises(PresetError, match=r"unknown preset 'tumbler' \(did you mean 'tumblr'\?\)"):
        resolve("tumbler")
    with pytest.raises(PresetError, match=r"unknown preset 'my-shwo' \(did you mean 'my-show'\?\)"):
        resolve("my-shwo")
    with pytest.raises(PresetError, match=r"unknown platform preset 'twiter' \(did you mean 'twitter'\?\)"):
        resolve("my-show", platform="twiter")
    with pytest.raises(PresetError, match=r"'wordpres' \(named in .*\) \(did you mean 'wordpress'\?\)"):
        resolve(str(write(tmp_path / "s.toml", '[series]\nplatform = "wordpres"\n')))
    with pytest.raises(PresetError) as err:
        resolve("no-such-show")
    assert "did you mean" not in str(err.value)


@pytest.mark.parametrize("template, words", [
    ("{stme}_{start}", "has an unknown placeholder {stme} (did you mean {stem}?)"),
    ("{stem}_{start", "is not a name template (expected '}' before end of string)"),
    ("{stem}_{start:02d}", "is not a name template (Unknown format code 'd'"),
    ("{0}", "has an unknown placeholder {0}"),
])
def test_a_bad_naming_template_is_a_usage_error_when_given(tmp_path, template, words):
    """[gif] naming = "{stme}_{start}" (or clip's) was filled in only after the frames were decoded:
    'clipkit: internal error: KeyError: 'stme'', exit 1; from Python a raw KeyError/ValueError/IndexError."""
    import clipkit

    with pytest.raises(UsageError, match=re.escape(words)):
        clipkit.gif(tmp_path / "not-made-yet.mkv", "0", "1", tmp_path, naming=template)
    with pytest.raises(UsageError, match=re.escape(words)):
        clipkit.clip(tmp_path / "not-made-yet.mkv", "0", "1", tmp_path, naming=template)
    preset = write(tmp_path / "show.toml", f"[gif]\nnaming = {json.dumps(template)}\n")
    res = run("gif", tmp_path / "ep.mkv", "0", "1", "--preset", preset)
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and words in res.stderr, res.stderr
    assert "{stem} {start} {end}" in res.stderr and "Traceback" not in res.stderr
    assert clipkit.resolve_presets(overrides={"gif.naming": "{stem}-{start}"})["gif"].naming == "{stem}-{start}"


def test_a_misspelt_embed_format_in_a_preset_is_refused_before_any_work(sample, tmp_path):
    """[embed] format = "mardown" was taken: the GIF was encoded and written, then 'unknown embed format'
    (exit 2, no 'did you mean', no word of the preset file)."""
    preset = write(tmp_path / "show.toml", '[embed]\nformat = "mardown"\n')
    out = tmp_path / "out"
    res = run("gif", sample, "24", "+1", "-o", out / "he-knew.gif", "--preset", preset)
    assert res.returncode == 2 and res.stderr.count("\n") == 1, res.stderr
    assert "show.toml: [embed] format mardown is not an embed format (did you mean 'markdown'?)" in res.stderr
    assert not out.exists()  # refused before decoding: no GIF made for a snippet that could not be printed
    write(preset, '[embed]\nformat = "Markdown"\n')  # --embed takes any case; so does the preset
    assert resolve(str(preset))["embed"].format == "Markdown"
    from clipkit.embed import FORMATS

    assert FORMATS is S.EMBED_FORMATS


def test_a_malformed_crop_in_a_preset_is_refused_naming_the_preset(sample, tmp_path):
    """[gif] crop = "abc" was taken and refused only at decoding as "--crop 'abc' is not W:H:X:Y", a flag the
    user never typed; now the preset file is named, before any work (its size against the picture is still
    checked when the picture is known)."""
    preset = write(tmp_path / "show.toml", '[gif]\ncrop = "abc"\n')
    out = tmp_path / "out"
    res = run("gif", sample, "24", "+1", "-o", out / "c.gif", "--preset", preset)
    assert res.returncode == 2 and res.stderr.count("\n") == 1, res.stderr
    assert "show.toml: [gif] crop abc is not W:H:X:Y, W:H (centred) or auto" in res.stderr, res.stderr
    assert not out.exists()
    write(preset, '[gif]\ncrop = "640:272:0:44"\n')
    assert resolve(str(preset))["gif"].crop == "640:272:0:44"


def _refused_on_load(sample, tmp_path, command, table, value, said) -> Path:
    """A preset of ``[table]`` ``value`` given to ``command`` (``{out}``: a folder that must not be made): one line,
    exit 2, naming the preset and ``said``, before any work; returns the preset's path."""
    preset = write(tmp_path / "show.toml", f"[{table}]\n{value}\n")
    out = tmp_path / "out"
    args = [a.replace("{out}", str(out)) for a in command]
    res = run(args[0], sample, *args[1:], "--preset", preset)
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "Traceback" not in res.stderr, res.stderr
    assert f"{preset}: {said}" in res.stderr and "fix the value in show.toml" in res.stderr, res.stderr
    assert not out.exists()
    return preset


@pytest.mark.parametrize("command, table, value, said", [
    (["strip", "-o", "{out}/s.png", "--count", "2"], "strip", 'background = "blakc"',
     "[strip] background blakc is not a colour (did you mean 'black'?)"),
    (["strip", "-o", "{out}/s.png", "--count", "2"], "strip", 'border_color = "whte"',
     "[strip] border_color whte is not a colour (did you mean 'white'?)"),
    (["clip", "24", "+1", "-o", "{out}/c.mp4"], "clip", 'limit_formats = ["mp4", "webn"]',
     "[clip] limit_formats webn is not one of mp4, webm, m4a (did you mean 'webm'?)"),
    (["gif", "24", "+1", "-o", "{out}/c.gif"], "gif", 'crop = "4:3"',
     "[gif] crop 4:3 keeps only 4×3 pixels (a crop is in pixels, not an aspect ratio: a 4:3 picture 360 px high "
     "is 480:360)"),
    (["still", "24", "-o", "{out}/c.png"], "still", 'crop = "16:9:0:0"', "[still] crop 16:9:0:0 keeps only 16×9 pixels"),
])
def test_a_preset_value_is_checked_when_the_preset_loads(sample, tmp_path, command, table, value, said):
    """A strip's background "blakc" was refused only when the sheet was drawn ("'blakc' is not a colour", no file
    named); a clip's limit_formats "mp5" said "preset lf takes mp5 clips, not mp4 — use --format mp5"; a crop of
    "4:3" said "--crop 4:3 keeps only 4×3 pixels", a flag never typed.  Now each is refused as the preset is read,
    naming the file and the value meant, before any work."""
    preset = _refused_on_load(sample, tmp_path, command, table, value, said)
    with pytest.raises(PresetError, match=re.escape(said)):
        load_preset_file(preset)


@pytest.mark.parametrize("command, table, value, said", [
    (["still", "24", "-o", "{out}/a.png"], "embed", 'credit = "Fuji TV"\ncredit_format = "Credit: {credt}"',
     "[embed] credit_format Credit: {credt} has an unknown placeholder {credt} (did you mean {credit}?)"),
    (["still", "24", "-o", "{out}/a.png"], "embed", 'base_url = "https://myblog.example/up?x=1"',
     "[embed] base_url https://myblog.example/up?x=1 has a ?query or #fragment"),
    (["clip", "24", "+1", "-o", "{out}/c.mp4"], "clip", "limit_duration = -1",
     "[clip] limit_duration -1 is out of range: it must be above 0"),
    (["clip", "24", "+1", "-o", "{out}/c.mp4"], "clip", "limit_width = 0", "[clip] limit_width 0 is out of range"),
    (["gif", "24", "+1", "-o", "{out}/c.gif"], "caption", 'subs_language = "japanese"',
     "[caption] subs_language japanese is not a language code"),
    (["gif", "24", "+1", "-o", "{out}/c.gif"], "caption", 'subs = "track:one"',
     "[caption] subs track:one is not track:N"),
])
def test_more_preset_values_are_checked_when_the_preset_loads(sample, tmp_path, command, table, value, said):
    """credit_format "{credt}" was printed as "Credit: {credt} Fuji TV" under every image; a base_url with a
    ?query wrote the still and then failed; limit_duration = -1 refused every clip ("at most -1 s … an END of +-1");
    subs_language = "japanese" matched no track and the default track's dialogue was burned in without a word;
    subs = "track:one" failed as "--subs track:one: the track must be a number", a flag never typed."""
    _refused_on_load(sample, tmp_path, command, table, value, said)


def test_good_values_of_those_keys_still_load(tmp_path):
    preset = write(tmp_path / "ok.toml", '[embed]\ncredit_format = "Screenshots: {credit}"\nbase_url = "/uploads/"\n'
                                          '[caption]\nsubs_language = "zh-TW"\n[clip]\nlimit_duration = 140\n'
                                          'limit_min_duration = 0\nlimit_width = 1920\nlimit_fps = 60\n')
    r = resolve(str(preset))
    assert (r["embed"].credit_format, r["caption"].subs_language, r["clip"].limit_width) == \
        ("Screenshots: {credit}", "zh-TW", 1920)


def test_a_typed_crop_shape_still_gets_the_pictures_own_size(sample, tmp_path):
    # the preset-file check leaves a typed --crop 4:3 to decoding, whose example is sized to the picture itself
    res = run("gif", sample, "24", "+1", "--crop", "4:3", "-o", tmp_path / "c.gif")
    assert res.returncode == 2 and "e.g. --crop 480:360 (the largest, centred in the 640×360 picture)" in res.stderr


def test_list_marks_a_series_preset_whose_platform_does_not_exist(tmp_path):
    """`clipkit presets list` showed a series preset naming platform = "tumbler" as usable; every command
    given it then failed with 'unknown platform preset'."""
    import os

    folder = tmp_path / "p"
    folder.mkdir()
    write(folder / "plat.toml", 'description = "My show"\n[series]\nplatform = "tumbler"\n')
    write(folder / "good.toml", 'description = "Fine"\n[series]\nplatform = "tumblr"\n')
    res = run("presets", "list", cwd=tmp_path, env={**os.environ, "CLIPKIT_PRESETS": str(folder)})
    assert res.returncode == 0, res.stderr
    plat = next(line for line in res.stdout.splitlines() if line.startswith("plat "))
    assert "cannot be used: unknown platform preset 'tumbler'" in plat and "did you mean 'tumblr'" in plat
    good = next(line for line in res.stdout.splitlines() if line.startswith("good "))
    assert good.split()[-1] == "Fine"


def test_a_font_or_subtitle_file_a_preset_names_is_found_beside_the_preset(sample, tmp_path):
    """A series folder holding its preset and `fonts/`: `[caption] font = "fonts/show.ttf"` was looked up from the
    folder the command ran in ("font file not found: fonts/show.ttf — check the --font path"), a flag never typed.
    A relative file that is there beside the preset is now taken from there (as `[series] episodes` is); a family
    name, or a file that is not beside the preset, is left as written."""
    from clipkit.render.fonts import find_font

    show = tmp_path / "show"
    (show / "fonts").mkdir(parents=True)
    font = Path(str(find_font("Hello").path))  # an installed font file, copied into the series folder
    (show / "fonts" / "show.ttf").write_bytes(font.read_bytes())
    (show / "show.en.srt").write_text("1\n00:00:24,000 --> 00:00:26,000\nBeside the preset\n", encoding="utf-8")
    preset = write(show / "show.toml", '[caption]\nfont = "fonts/show.ttf"\nsubs = "show.en.srt"\n'
                                       '[strip]\nfont = "DejaVu Sans"\n')
    got = resolve(str(preset))
    assert got["caption"].font == str(show / "fonts" / "show.ttf")
    assert got["caption"].subs == str(show / "show.en.srt")
    assert got["strip"].font == "DejaVu Sans"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    res = run("still", sample, "25", "-o", "s.png", "--preset", preset, cwd=elsewhere)
    assert res.returncode == 0, res.stderr
    assert (elsewhere / "s.png").is_file() and "Beside the preset" in res.stdout + res.stderr
    write(preset, '[caption]\nfont = "fonts/other.ttf"\n')  # not there: as written, refused as before
    assert resolve(str(preset))["caption"].font == "fonts/other.ttf"
