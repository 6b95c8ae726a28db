"""The API is the CLI: every command is documented, every flag is an API keyword or a settings field,
the README's Python examples run, and settings reach the code one way (same checks in CLI and API)."""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import fields
from fractions import Fraction
from pathlib import Path

import click
import numpy as np
import pytest
from click.testing import CliRunner

import clipkit
from clipkit import settings as S
from clipkit.cli import main as MAIN
from clipkit.errors import UsageError
from clipkit.settings_apply import apply, parse_size

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")

#: command → (API function name on ``clipkit``, the settings classes its keywords reach)
API = {
    "gif": ("gif", (S.GifSettings, S.CaptionSettings)),
    "still": ("still", (S.StillSettings, S.CaptionSettings)),
    "strip": ("strip", (S.StripSettings,)),
    "scenes": ("scenes", (S.ScenesSettings,)),
    "embed": ("embed", ()),
    "info": ("info", ()),
    "batch": ("batch", ()),
    "demo": ("demo", ()),
    "find": ("find", ()),
    "clip": ("clip", (S.ClipSettings, S.CaptionSettings)),
}
#: Flags of the command line only, and why.
CLI_ONLY = {
    "help": "click's --help",
    "debug": "--debug: full tracebacks (the API raises them anyway)",
    "as_json": "info --json: the API returns a MediaInfo (.to_dict())",
    "fmt": "scenes --csv/--json/--html: the API returns a SceneList (clipkit.pipeline.scenes.write_scenes formats it)",
}
#: Flags named differently in the API: (command, flag's parameter) → API keyword.
RENAMED = {
    ("demo", "output"): "folder",
    ("scenes", "output"): "write_scenes(found, output, fmt)",
    ("clip", "audio_only"): "format='m4a'",
    ("clip", "encoder_preset"): "preset='slow' (ClipSettings.preset; --preset is the series/platform preset)",
    ("batch", "explain"): "dry_run=True; every JobResult has its .reason",
}
RENAMED.update({(command, flag): "line=clipkit.Line(…)" for command in ("gif", "clip", "still", "strip")
                for flag in ("line_from", "line_to", "match", "pad", "pad_before", "pad_after")})


def _commands() -> dict[str, click.Command]:
    ctx = click.Context(MAIN)
    return {name: MAIN.get_command(ctx, name) for name in MAIN.list_commands(ctx)}


def test_every_command_is_in_the_readme():
    for name in _commands():
        assert re.search(rf"clipkit {re.escape(name)}\b", README), f"`clipkit {name}` is not in README.md"


def test_every_command_has_its_api_function():
    for name in _commands():
        if name in ("presets",):  # the presets group: clipkit.resolve_presets
            assert callable(clipkit.resolve_presets)
            continue
        if name == "studio":  # a local web server for people; its Python face is clipkit.studio.server.make_app
            continue
        assert name in API, f"clipkit {name} has no entry in the API table of this test"
        assert callable(getattr(clipkit, API[name][0])), name
    assert clipkit.make_gif is clipkit.gif and clipkit.make_strip is clipkit.strip  # the older names stay
    assert clipkit.detect_scenes is clipkit.scenes.__wrapped__ and clipkit.embed_files is clipkit.embed.__wrapped__


def _api_names(command: str) -> set[str]:
    function, classes = API[command]
    params = inspect.signature(getattr(clipkit, function)).parameters
    names = {p for p in params}
    for cls in classes:
        names |= {f.name for f in fields(cls)}
    if "source" in params:  # the source may be clipkit.info(video, video_track=, deinterlace=): how it is read
        names |= set(inspect.signature(clipkit.info).parameters) - {"path"}
    if "embed" in params or "options" in params:  # the embed flags are one EmbedOptions value
        names |= {f"embed_{f.name}" for f in fields(S.EmbedOptions)}
    return names


@pytest.mark.parametrize("command", sorted(API))
def test_every_option_is_an_api_keyword_or_a_settings_field(command):
    cmd = _commands()[command]
    names = _api_names(command)
    function = getattr(clipkit, API[command][0])
    positional = [p for p in inspect.signature(function).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    arguments = [p for p in cmd.params if isinstance(p, click.Argument)]
    assert len(arguments) <= len(positional), f"clipkit {command}: more arguments than the API function takes"
    missing = []
    for param in cmd.params:
        name = param.name
        if isinstance(param, click.Argument):
            continue  # VIDEO START END … are the function's leading positional parameters, in order
        if name in names or name in CLI_ONLY or name.rstrip("_") in names or name.removeprefix("no_") in names:
            continue
        if (command, name) in RENAMED:
            continue
        if name in ("preset", "platform") and {"settings"} & names:
            continue  # --preset/--platform give the `settings` objects (clipkit.resolve_presets in Python)
        if name in ("sets",) and "overrides" in names:
            continue  # batch --set TABLE.KEY=VALUE → overrides={"table.key": value}
        missing.append(name)
    assert not missing, f"clipkit {command}: options with no API keyword or settings field: {missing}"


def test_setting_flags_show_defaults_read_from_the_settings():
    """A flag's help shows its field's default (so changing settings.py changes the help)."""
    gif = {p.name: p for p in _commands()["gif"].params}
    assert f"Default {S.DEFAULT_GIF.width}." in gif["width"].help
    assert f"Default {S.DEFAULT_GIF.colors}." in gif["colors"].help
    strip = {p.name: p for p in _commands()["strip"].params}
    assert f"default {S.DEFAULT_STRIP.gap})" in strip["gap"].help
    assert str(S.STRIP_DEFAULT_COUNT["grid"]) in strip["count"].help


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_readme_python_examples_run(sample, tmp_path, monkeypatch, capsys):
    blocks = _python_blocks(README)
    assert blocks, "README.md has no ```python example"
    demo = tmp_path / "clipkit-demo"  # the examples' make_sample("clipkit-demo") finds the session's sample there
    demo.mkdir()
    for made in (sample, sample.with_suffix(".truth.json")):
        os.link(made, demo / made.name) if made.stat().st_dev == demo.stat().st_dev else shutil.copy(made, demo)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation
    out = capsys.readouterr().out
    assert "<figure" in out or "<!-- wp:" in out  # a snippet was printed
    assert "did you mean 'width'" in out


# ---------------------------------------------------------------- one way in for settings


def test_one_size_parser():
    assert parse_size("3MB") == 3_000_000 and parse_size("500KB") == 500_000 and parse_size("1GB") == 10**9
    for section, cls in (("gif", S.GifSettings), ("strip", S.StripSettings)):
        assert apply(cls, {"max_size": "1GB"}).max_size == 10**9, section
    assert clipkit.resolve_presets(overrides={"gif.max_size": "1GB", "strip.max_size": "2MB"})["gif"].max_size == 10**9


@pytest.mark.parametrize("kwargs, words", [
    (dict(fps=0), "fps 0 is out of range"),
    (dict(fps=-5), "fps -5 is out of range"),
    (dict(speed=0), "speed 0 is out of range"),
    (dict(colors=0), "colors 0 is out of range"),
    (dict(colors=1), "colors 1 is out of range"),
    (dict(widht=480), "did you mean 'width'"),
    (dict(caption_stlye="boxed"), "did you mean 'caption_style'"),
    (dict(snpa=True), "did you mean 'snap'"),
    (dict(max_size="lots"), "not a file size"),
    (dict(also="gifv"), "also gifv is not one of mp4, webp"),
])
def test_api_bad_settings_are_usage_errors_before_any_work(tmp_path, kwargs, words):
    missing = tmp_path / "not-made-yet.mkv"  # settings are checked before the file is even looked at
    with pytest.raises(UsageError) as err:
        clipkit.gif(missing, "0", "1", tmp_path / "x.gif", **kwargs)
    assert words in str(err.value) and err.value.hint
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, words", [
    (["gif", "V", "0", "1", "--fps", "0"], "--fps 0 is out of range"),
    (["gif", "V", "0", "1", "--speed", "0"], "--speed 0 is out of range"),
    (["gif", "V", "0", "1", "--speed", "-2"], "--speed -2 is out of range"),
    (["gif", "V", "0", "1", "--colors", "0"], "--colors 0 is out of range"),
    (["gif", "V", "0", "1", "--max-size", "0"], "not a file size"),
    (["strip", "V", "--count", "0"], "--count 0 is out of range"),
    (["strip", "V", "--width", "-3"], "--width -3 is out of range"),
    (["still", "V", "1", "--window", "0"], "--window 0 is out of range"),
    (["scenes", "V", "--threshold", "0"], "--threshold 0 is out of range"),
])
def test_cli_bad_settings_exit_2_in_one_line(tmp_path, args, words):
    args = [str(tmp_path / "ep.mkv") if a == "V" else a for a in args]
    res = CliRunner().invoke(MAIN, args)
    assert res.exit_code == 2, res.output
    assert words in res.stderr and res.stderr.count("\n") == 1 and "Traceback" not in res.output


def test_embed_keywords_are_one_embed_options_with_did_you_mean():
    art = clipkit.Artifact(path=Path("he-knew.gif"), kind="gif", width=160, height=90, bytes=1000)
    with pytest.raises(UsageError, match="did you mean 'title'"):
        clipkit.snippet(art, "html", titel="He knew.")
    with pytest.raises(UsageError, match="did you mean 'credit'"):
        clipkit.embed(["he-knew.gif"], "html", credits="Fuji TV")
    by_keywords = clipkit.snippet(art, "markdown", title="He knew.", credit="Fuji TV", alt="none")
    by_options = clipkit.snippet(art, options=clipkit.EmbedOptions(format="markdown", title="He knew.", credit="Fuji TV",
                                                                   alt="none"))
    assert by_keywords == by_options and "![none]" in by_keywords  # an alt text "none" stays text


def test_presets_and_set_get_the_same_checks(tmp_path):
    with pytest.raises(UsageError, match="fps 0 is out of range"):
        clipkit.resolve_presets(overrides={"gif.fps": "0"})
    bad = tmp_path / "bad.toml"
    bad.write_text("[gif]\ncolors = 1\n", encoding="utf-8")
    with pytest.raises(UsageError, match="colors 1 is out of range"):
        clipkit.resolve_presets(str(bad))
    bad.write_text("[strip]\nquality = 40\nmin_quality = 60\n", encoding="utf-8")
    with pytest.raises(UsageError, match="min_quality 60 is above quality 40"):
        clipkit.resolve_presets(str(bad))


def test_fixed_lists_live_in_settings():
    from clipkit.encode.gif import MAX_FPS
    from clipkit.encode.gif.dither import DITHER_METHODS
    from clipkit.encode.video import VIDEO_KINDS
    from clipkit.render.captions import STYLES
    from clipkit.render.strip import DEFAULT_COUNT, LABEL_POSITIONS, LAYOUTS
    from clipkit.settings_apply import field_of

    from clipkit.encode.clip import FORMAT_CODECS

    assert tuple(FORMAT_CODECS) == S.CLIP_FORMATS
    assert DITHER_METHODS is S.GIF_DITHERS and VIDEO_KINDS is S.GIF_SIBLINGS and DEFAULT_COUNT is S.STRIP_DEFAULT_COUNT
    assert LAYOUTS is S.STRIP_LAYOUTS and LABEL_POSITIONS is S.STRIP_LABEL_POSITIONS
    assert field_of(S.GifSettings, "fps")[1]["max"] == MAX_FPS
    assert set(field_of(S.CaptionSettings, "caption_style")[1]["choices"]) == set(STYLES)


# ---------------------------------------------------------------- the pipeline records what it makes


def test_a_file_made_from_python_shows_in_embed_all(sample, tmp_path):
    out = tmp_path / "out"
    code = f"import clipkit; clipkit.gif({str(sample)!r}, '0:24', '+1', {str(out)!r} + '/', width=160, fps=10)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    art = clipkit.still(sample, "24.5", out / "shot.png", embed=clipkit.EmbedOptions(title="He knew."))
    files = [e["file"] for e in json.loads((out / "clipkit-manifest.json").read_text(encoding="utf-8"))["artifacts"]]
    assert len(files) == 2 and files[0].endswith(".gif") and files[1] == "shot.png"
    res = CliRunner().invoke(MAIN, ["embed", "--all", str(out)])
    assert res.exit_code == 0, res.output
    assert files[0] in res.stdout and 'width="160"' in res.stdout  # the GIF made by another process
    assert "shot.png" in res.stdout and "He knew." in res.stdout and f'width="{art.width}"' in res.stdout
    clipkit.still(sample, "24.5", out / "unrecorded.png", record=False)
    assert "unrecorded" not in (out / "clipkit-manifest.json").read_text(encoding="utf-8")


# ---------------------------------------------------------------- fast feedback


def test_help_and_info_import_no_numpy(sample):
    """`clipkit --help` lists the commands without importing them; `clipkit info` is ffmpeg and text.
    (One process runs them all, checking after each.)"""
    runs = [["--help"], ["info", "--help"], ["info", str(sample)], ["info", str(sample), "--json"]]
    code = ("import sys\nfrom clipkit.cli import main\nfor args in %r:\n    try:\n        main(args, prog_name='clipkit')\n"
            "    except SystemExit as e:\n        assert not e.code, (args, e.code)\n"
            "    heavy = [m for m in ('numpy', 'cv2', 'PIL') if m in sys.modules]\n    assert not heavy, (args, heavy)\n") % (runs,)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_clip_encoder_preset_is_checked_as_a_setting(tmp_path):
    """``clip(preset=…)`` is x264's speed preset: a platform's name there (or a typo in ``[clip] preset``) reached ffmpeg and failed as 'ffmpeg failed while encoding', exit 1."""
    missing = tmp_path / "not-made-yet.mkv"
    with pytest.raises(UsageError, match="preset tumblr is not one of ultrafast") as err:
        clipkit.clip(missing, "0", "1", tmp_path / "x.mp4", preset="tumblr")
    assert "resolve_presets" in err.value.hint
    with pytest.raises(UsageError, match="preset fastest is not one of"):
        clipkit.resolve_presets(overrides={"clip.preset": "fastest"})
    assert clipkit.resolve_presets(overrides={"clip.preset": "slow"})["clip"].preset == "slow"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("function, args, kwargs, words", [
    ("find", ("ep.mkv", "He knew"), dict(contxt=2), "unknown option 'contxt' (did you mean 'context'?)"),
    ("info", ("ep.mkv",), dict(video_trak=1), "unknown option 'video_trak' (did you mean 'video_track'?)"),
    ("batch", ("post.toml",), dict(workrs=2), "unknown option 'workrs' (did you mean 'workers'?)"),
    ("demo", ("demo",), dict(progres=None), "unknown option 'progres' (did you mean 'progress'?)"),
])
def test_every_api_function_answers_a_typo_with_a_usage_error(tmp_path, function, args, kwargs, words):
    """README: a typo such as widht=480 is a clipkit.UsageError with a hint, before any work; find, info,
    batch and demo raised Python's TypeError '… got an unexpected keyword argument'."""
    with pytest.raises(UsageError) as err:
        getattr(clipkit, function)(*(tmp_path / a for a in args[:1]), *args[1:], **kwargs)
    assert str(err.value).startswith(words) and err.value.hint.startswith("valid: ")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("function, args, kwargs, words", [
    ("gif", ("0:24", "+1"), dict(embed="markdown"), "embed= takes an EmbedOptions, not the text 'markdown'"),
    ("still", ("0:24",), dict(embed={"alt": "x"}), "embed= takes an EmbedOptions, not a dict"),
    ("gif", ("0:24", "+1"), dict(settings=S.StillSettings()), "settings= takes a GifSettings, not a StillSettings"),
    ("strip", (), dict(settings={"count": 4}), "settings= takes a StripSettings, not a dict"),
    ("clip", ("0:24", "+1"), dict(caption_settings="boxed"), "caption_settings= takes a CaptionSettings, not the text"),
])
def test_settings_and_embed_of_the_wrong_kind_are_usage_errors_before_any_work(sample, tmp_path, function, args,
                                                                               kwargs, words):
    """embed="markdown" (as the --embed flag reads) made the GIF and then failed with AttributeError
    ''str' object has no attribute 'recorded''; settings= of another command, or a dict, failed as an
    AttributeError from deep inside."""
    with pytest.raises(UsageError, match=re.escape(words)) as err:
        getattr(clipkit, function)(sample, *args, tmp_path / "out/", **kwargs)
    assert "e.g." in err.value.hint
    assert list(tmp_path.iterdir()) == []


def test_embed_options_answers_a_typo_with_did_you_mean(sample, tmp_path):
    """README: the embed flags are one clipkit.EmbedOptions value; EmbedOptions(titel=…) raised Python's
    TypeError '__init__() got an unexpected keyword argument' where every other keyword says 'did you mean'."""
    import pickle

    with pytest.raises(UsageError, match=r"EmbedOptions: unknown option 'titel' \(did you mean 'title'\?\)") as err:
        clipkit.EmbedOptions(titel="He knew.")
    assert "credit" in err.value.hint
    options = clipkit.EmbedOptions(format="markdown", title="He knew.", credit="Fuji TV")
    assert pickle.loads(pickle.dumps(options)) == options  # batch workers and the studio pass it on
    art = clipkit.still(sample, "24.5", tmp_path / "s.png", embed=options)
    assert "He knew." in clipkit.snippet(art, options=options)


def test_scene_keyword_takes_a_number_or_its_text(sample, tmp_path):
    """scene="2" (as a job file or a form gives it) failed with "TypeError: '<=' not supported between
    instances of 'int' and 'str'", after the whole file's shots were found."""
    shot = clipkit.scenes(sample).scenes[1]
    art = clipkit.gif(sample, scene="2", output=tmp_path / "two.gif", width=160, fps=10, subs="off", record=False)
    assert (art.start, art.end) == (shot.start, shot.end)
    for bad in ("two", 2.5, True, 0):
        with pytest.raises(UsageError, match=f"scene {bad!r} is not a shot number"):
            clipkit.gif(sample, scene=bad, output=tmp_path / "bad.gif")
    assert [p.name for p in tmp_path.iterdir()] == ["two.gif"]


def test_line_and_frames_answer_a_typo_with_did_you_mean(sample, tmp_path):
    """clipkit.Line(mtach=2) and clipkit.Frames(…, nmae=…) raised Python's TypeError '__init__() got an
    unexpected keyword argument', where every other keyword of the API says 'did you mean'."""
    import numpy as np

    with pytest.raises(UsageError, match=r"^Line: unknown option 'mtach' \(did you mean 'match'\?\)"):
        clipkit.Line("He knew", mtach=1)
    with pytest.raises(UsageError, match=r"^Frames: unknown option 'nmae' \(did you mean 'name'\?\)"):
        clipkit.Frames([], rate=10, nmae="fade")
    art = clipkit.gif(sample, output=tmp_path / "l.gif", line=clipkit.Line("He knew", match=1, pad="0.1"), width=160,
                      fps=10, record=False)
    assert art.start == Fraction(239, 10) and art.captions == ("He knew. He always knew.",)
    frames = clipkit.Frames((np.full((90, 160, 3), 20 * k, np.uint8) for k in range(10)), rate=10, name="fade")
    assert clipkit.gif(frames, width=160, fps=10, output=tmp_path / "f.gif").frame_count == 10


def test_readme_15_fps_delays_are_what_the_gif_gets():
    """README said 15 fps plays as '7, 7, 6, … cs'; the running clock rounds 6.67, 13.33, 20 cs to 7, 13, 20:
    delays 7, 6, 7."""
    from clipkit.encode.gif.timing import centisecond_delays, tick_times

    delays = centisecond_delays(tick_times(Fraction(6), Fraction(15)), Fraction(6))
    shown = re.search(r"15 fps plays as ([\d, ]+), … cs", README).group(1)
    assert delays[:3] == [int(x) for x in shown.split(", ") if x] and sum(delays) == 600


def test_preset_or_platform_keyword_says_how_python_passes_a_preset(sample, tmp_path):
    """gif(…, preset="tumblr") listed 40 valid keywords without saying how a preset is passed in Python;
    clip(…, platform="twitter") suggested 'limit_platform', a different thing."""
    for function, args, key in [("gif", ("0:24", "+1"), "preset"), ("still", ("0:24",), "platform"),
                                ("clip", ("0:24", "+1"), "platform")]:
        with pytest.raises(UsageError, match=f"unknown option '{key}': in Python a {key} is passed as its settings") as err:
            getattr(clipkit, function)(sample, *args, tmp_path / "out/", **{key: "tumblr"})
        assert "settings=clipkit.resolve_presets(" in err.value.hint and f"['{function}']" in err.value.hint
        assert "limit_platform" not in str(err.value)
    tumblr = clipkit.resolve_presets(platform="tumblr")
    art = clipkit.gif(sample, "0:24", "+0.5", tmp_path / "t.gif", settings=tumblr["gif"], fps=10, record=False)
    assert art.width == 540 and list(tmp_path.iterdir()) == [tmp_path / "t.gif"]


def test_an_embed_format_typo_in_python_is_refused_before_any_work(sample, tmp_path):
    """gif(…, embed=EmbedOptions(format="mardown")) made and recorded the GIF without a word; the snippet
    asked for could never be printed."""
    with pytest.raises(UsageError, match=r"embed= format 'mardown' is not an embed format \(did you mean 'markdown'\?\)"):
        clipkit.gif(sample, "0:24", "+1", tmp_path / "x.gif", embed=clipkit.EmbedOptions(format="mardown"))
    assert list(tmp_path.iterdir()) == []
    art = clipkit.still(sample, "0:24", tmp_path / "s.png", embed=clipkit.EmbedOptions(format="Markdown", title="T"))
    assert art.path.exists()


@pytest.mark.parametrize("kind, args, kwargs, said, typed", [
    ("gif", ["0", "+1"], {"crop": "4:3"}, "crop='4:3' keeps only 4×3 pixels", "e.g. crop='240:180'"),
    ("gif", ["0", "+1"], {"crop": "999:10"}, "crop='999:10' does not fit inside the 320×180 picture", None),
    ("still", ["0.5"], {"crop": "4:3"}, "crop='4:3' keeps only 4×3 pixels", "e.g. crop='240:180'"),
    ("clip", ["0", "+1"], {"copy": True, "width": 160}, "copy=True keeps the picture as it is; it cannot be combined "
     "with width=/height=", "drop copy=True"),
    ("strip", [], {"at": "0.5,1", "count": 3}, "count=3 but 2 times given with at=", "leave out count= with at="),
    ("strip", [], {"at": "0.5", "range_": "0-1"}, "at= gives exact moments, so range_= does not apply", None),
    ("gif", ["0", None], {}, "a GIF needs start and end (or scene=N, or line=…)", "clipkit.gif('ep07.mkv', '12:30', '+6')"),
    ("strip", [], {"range_": "0:01"}, "range_='0:01' is not a range", "e.g. range_='12:00-18:00'"),
    ("still", ["0.5"], {"font": "missing.ttf", "caption": "Hi"}, "font file not found", "check the font= path"),
])
def test_errors_name_options_as_the_caller_wrote_them(tmp_path, kind, args, kwargs, said, typed):
    """An error raised from Python named the command line's flags (``--crop 4:3 keeps only 4×3 pixels — … e.g.
    --crop 240:180``): a Python caller never typed ``--crop``.  Python's errors name the keyword (``crop='4:3'``),
    the command line's keep the flag."""
    from media import ffmpeg

    src = tmp_path / "ep.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x180:r=24:d=2", "-c:v", "libx264", "-pix_fmt", "yuv420p", src)
    with pytest.raises(UsageError) as exc:
        getattr(clipkit, kind)(src, *args, tmp_path / "out", record=False, **kwargs)
    args = [a for a in args if a is not None]
    text = str(exc.value)
    assert said in text and (typed is None or typed in text), text
    assert not re.search(r"(?<![\w-])--[a-z]", text), text  # no flag in what Python is told
    flags = []
    for key, value in kwargs.items():
        flags += [f"--{key.rstrip('_').replace('_', '-')}"] + ([] if value is True else [str(value)])
    res = CliRunner().invoke(MAIN, [kind, str(src), *args, "-o", str(tmp_path / "cli"), *flags])
    assert res.exit_code == 2, res.output
    first = next(iter(kwargs), None)
    if first:  # the command line names the flag typed
        assert f"--{first.rstrip('_').replace('_', '-')}" in res.output, res.output


def test_hints_name_options_as_the_caller_wrote_them(sample, tmp_path, monkeypatch):
    """Hints and notes built with the command line's flags written in (``pass --overwrite``, ``use --all``,
    ``--audio-only m4a with --audio off``, ``--font``, the ``--quality`` note) told a Python caller of flags it
    never typed: they name the keyword there, the flag on the command line."""
    from clipkit.errors import spelling
    from clipkit.pipeline import gif as gif_pipeline

    taken = tmp_path / "taken.png"
    taken.write_bytes(b"someone else's picture")
    bad_font = tmp_path / "not-a-font.ttf"
    bad_font.write_text("not a font")
    cases = [  # (the Python call, what it says; the command line, what it says)
        (lambda: clipkit.still(sample, "0:24", taken), "pass overwrite=True to replace it",
         ["still", sample, "0:24", "-o", taken], "pass --overwrite to replace it"),
        (lambda: clipkit.embed([tmp_path]), "or use all=True to embed everything",
         ["embed", tmp_path], "or use --all to embed everything"),
        (lambda: clipkit.embed([]), "or use all=True for everything recorded", ["embed"], "or use --all for everything"),
        (lambda: clipkit.clip(sample, "0", "+1", tmp_path / "a.m4a", format="m4a", audio="off"),
         "format='m4a' with audio='off' leaves nothing to write",
         ["clip", sample, "0", "+1", "--audio-only", "m4a", "--audio", "off"], "--audio-only m4a with --audio off leaves"),
        (lambda: clipkit.still(sample, "0:24", tmp_path / "f.png", caption="Hi", font=str(bad_font)),
         "give a .ttf, .otf or .ttc font with font=, or leave font= out",
         ["still", sample, "0:24", "-o", tmp_path / "f.png", "--caption", "Hi", "--font", bad_font],
         "give a .ttf, .otf or .ttc font with --font, or leave --font out"),
    ]
    for call, said, args, typed in cases:
        with pytest.raises(UsageError) as exc:
            call()
        assert said in str(exc.value) and not re.search(r"(?<![\w-])--[a-z]", str(exc.value)), exc.value
        res = CliRunner().invoke(MAIN, [str(a) for a in args])
        assert res.exit_code == 2 and typed in res.output, res.output
    # the --quality note where the compiled error diffusion is missing (this machine has it: the check is made to say no)
    monkeypatch.setattr(gif_pipeline, "diffusion_built", lambda: False)
    art = clipkit.gif(sample, "0:24", "+0.5", tmp_path / "q.gif", width=96, quality=100, subs="off", record=False)
    assert "quality=100 without its error diffusion" in " ".join(art.notes), art.notes
    with spelling("flags"):
        art = clipkit.gif(sample, "0:24", "+0.5", tmp_path / "q2.gif", width=96, quality=100, subs="off", record=False)
    assert "--quality 100 without its error diffusion" in " ".join(art.notes), art.notes


def test_a_path_setting_takes_a_path_object_as_its_text(sample, tmp_path):
    # font=Path(...) was refused with "expected a string" while font=str(path) worked
    from PIL import Image

    from clipkit.render.fonts import find_font

    face = Path(find_font("Hi").path)
    a = clipkit.still(sample, "0:24", tmp_path / "a.png", caption="Hi", font=face, width=160, record=False)
    b = clipkit.still(sample, "0:24", tmp_path / "b.png", caption="Hi", font=str(face), width=160, record=False)
    c = clipkit.still(sample, "0:24", tmp_path / "c.png", width=160, record=False)
    pa, pb, pc = (np.asarray(Image.open(x.path).convert("RGB")) for x in (a, b, c))
    assert np.array_equal(pa, pb) and not np.array_equal(pa, pc)
