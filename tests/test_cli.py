"""The command line as a user meets it: exit codes, one-line errors, no tracebacks.

In-process (``clirun.run``: click's CliRunner) except the smoke tests marked
below, which start a real ``python -m clipkit`` for what only a process shows.
"""

import json
import re
import shutil

import pytest
from PIL import Image

from clirun import run, run_process

COMMANDS = ["info", "still", "gif", "scenes", "strip", "embed", "batch", "presets", "demo"]


def test_version_and_help_for_every_command():
    assert run("--version").stdout.startswith("clipkit, version")
    top = run("--help")
    assert top.returncode == 0
    for name in COMMANDS:
        assert name in top.stdout
        res = run(name, "--help")
        assert res.returncode == 0 and "Usage: clipkit " + name in res.stdout


def test_help_paragraphs_after_examples_are_set_apart():
    """A paragraph after an example block (`still`: "The embed snippet goes to stdout…") has a blank
    line before it, as in the other commands' help — not glued to the last example."""
    from clipkit.cli import main

    for name in main.list_commands(None):
        lines = run(name, "--help").stdout.splitlines()
        for above, line in zip(lines, lines[1:]):
            glued = re.match(r"    \S", above) and re.match(r"  \S", line)
            assert not glued, f"clipkit {name} --help: {line.strip()!r} follows {above.strip()!r} without a blank line"
    assert "\n\n  The embed snippet goes to stdout" in run("still", "--help").stdout


def test_info_human_and_json(sample, truth):
    res = run("info", sample)
    assert res.returncode == 0
    assert "24 fps constant" in res.stdout and "track:1  jpn" in res.stdout
    data = json.loads(run("info", sample, "--json").stdout)
    assert data["duration"] == truth["duration"]
    assert [s["language"] for s in data["subtitles"]] == ["eng", "jpn"]


@pytest.mark.parametrize("size, shown", [("540x304", "(≈16:9)"), ("640x360", "(16:9)"), ("540x392", "(62:45)")])
def test_info_names_the_shape_a_pixel_off(size, shown, tmp_path):
    # a GIF's MP4 sibling at 540 px is 540×304 (even heights): 16:9 to a pixel, not "87:49"
    from media import ffmpeg

    path = tmp_path / "v.mp4"
    ffmpeg("-f", "lavfi", "-i", f"color=c=gray:s={size}:r=10:d=0.3", "-c:v", "libx264", "-pix_fmt", "yuv420p", path)
    res = run("info", path)
    assert res.returncode == 0 and f"{size.replace('x', '×')} {shown}" in res.stdout, res.stdout


def test_info_shows_a_low_bitrate_in_kilobits(sample, tmp_path):
    """A tiny file's bitrate was "0.0 Mb/s": under 1 Mb/s it is in kb/s, near its size × 8 / duration."""
    from media import ffmpeg

    tiny = tmp_path / "tiny.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=64x48:r=10:d=20", "-c:v", "libx264", "-pix_fmt", "yuv420p", tiny)
    head = run("info", tiny).stdout.splitlines()[0]
    shown = re.search(r", (\d+) kb/s\)$", head)
    assert shown and "Mb/s" not in head, head
    assert abs(int(shown.group(1)) - tiny.stat().st_size * 8 / 20 / 1000) <= 1.5, head
    head = run("info", sample).stdout.splitlines()[0]  # the sample: 7.6 MB in 60 s, about 1 Mb/s
    shown = re.search(r", (\d+\.\d) Mb/s\)$", head)
    assert shown and abs(float(shown.group(1)) - sample.stat().st_size * 8 / 60 / 1e6) <= 0.06, head


def test_still_prints_snippet_to_stdout_and_writes(sample, tmp_path):
    res = run("still", sample, "12:00" if False else "0:12", "-o", tmp_path / "s.png", "--width", "320")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith('<img src="') and 'width="320" height="180"' in res.stdout
    assert Image.open(tmp_path / "s.png").size == (320, 180)
    assert "wrote" in res.stderr


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["still", "{missing}", "3"], 2, "does not exist"),
        (["still", "{text}", "3"], 2, "not a media file"),
        (["still", "{sample}", "12:75"], 2, "seconds must be below 60"),
        (["still", "{sample}", "5:00"], 2, "past the end"),
        (["still", "{sample}", "-1"], 2, "a time cannot be negative"),  # was "No such option '-1'"
        (["gif", "{sample}", "0:05", "-0:02"], 2, "a time cannot be negative"),
        (["still", "{sample}", "3", "--width", "0"], 2, "— give --width from 16 to 8192\n"),  # was "give width … (default none)"
        (["still", "{sample}", "3", "-o", "{blocked}/x.png"], 1, "cannot"),
        (["info", "{empty}"], 2, "empty"),
        (["nonsense"], 2, "No such command"),
    ],
)
def test_bad_input_is_one_clear_line(args, code, words, sample, tmp_path):
    text = tmp_path / "renamed.mkv"
    text.write_text("not a video")
    empty = tmp_path / "empty.mkv"
    empty.write_bytes(b"")
    blocked = tmp_path / "a-file"
    blocked.write_text("a file where a folder should be")
    subs = {"missing": tmp_path / "nope.mkv", "text": text, "sample": sample, "empty": empty, "blocked": blocked}
    res = run(*[a.format(**subs) for a in args], cwd=tmp_path)
    assert res.returncode == code, res.stderr
    assert words in res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.glob("*.png")) and not list(tmp_path.glob(".*part*"))


@pytest.mark.parametrize(
    "args, words, see",
    [
        (["gif", "{v}", "--no-subtitles"], ["No such option '--no-subtitles'", "Did you mean", "'--no-spoiler'"], "clipkit gif"),
        (["gif"], ["Missing argument 'VIDEO'"], "clipkit gif"),
        (["gif", "{v}", "0", "1", "--quality", "101"], ["--quality", "101"], None),
        (["gif", "{v}", "0", "1", "--fps", "abc"], ["--fps", "abc"], None),
        (["gif", "{v}", "--match", "1"], ["--match", "--line"], "clipkit gif"),
        (["gif", "{v}", "--line", "1", "--match"], ["'--match' requires an argument"], "clipkit gif"),
        (["still", "{v}", "1", "--bets"], ["No such option '--bets'", "Did you mean", "'--best'"], "clipkit still"),
        (["clip", "{v}", "0", "1", "--soft-sub"], ["No such option '--soft-sub'"], "clipkit clip"),
        (["embed", "--nope"], ["No such option '--nope'"], "clipkit embed"),
        (["presets", "show"], ["Missing argument 'NAME'"], "clipkit presets show"),
        (["nonsense"], ["No such command 'nonsense'"], "clipkit"),
        (["--bogus", "info"], ["No such option '--bogus'"], "clipkit"),
    ],
)
def test_click_usage_errors_are_one_line_with_what_to_do(args, words, see, tmp_path):
    """click's own usage errors (unknown option/command, missing argument, missing value) are the
    project's one line too — not click's Usage/Try/blank/Error block — with its did-you-mean kept."""
    from media import ffmpeg

    video = tmp_path / "v.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=64x48:r=10:d=2", "-c:v", "libx264", "-pix_fmt", "yuv420p", video)
    res = run(*[a.format(v=video) for a in args], cwd=tmp_path)
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert res.returncode == 2 and len(lines) == 1, res.stderr
    assert lines[0].startswith("clipkit: error: ") and "Usage:" not in res.stderr and "Traceback" not in res.stderr
    assert all(w in lines[0] for w in words), lines[0]
    if see:
        assert lines[0].endswith(f"see '{see} --help'"), lines[0]
    assert res.stdout == "" and not list(tmp_path.glob("*.gif"))


@pytest.mark.parametrize(
    "args, says",
    [
        (["strip", "v.mkv", "--range", "12:00", "13:00"], "--range takes one value, START-END: write --range 12:00-13:00 "),
        (["strip", "v.mkv", "--range", "12:00", "+1:00"], "write --range 12:00-+1:00 "),
        # the second time where the video goes: VIDEO was 13:00, the video left over (or nothing after it)
        (["strip", "--range", "12:00", "13:00", "v.mkv"], "--range takes one value, START-END: write --range 12:00-13:00 "),
        (["strip", "--range", "12:00", "13:00"], "write --range 12:00-13:00 "),
        (["strip", "--range=12:00", "+1:00", "v.mkv"], "write --range 12:00-+1:00 "),
        (["strip", "--at", "0:05", "0:12", "f300", "v.mkv", "--count", "3"], "write --at 0:05,0:12,f300 "),
        (["strip", "v.mkv", "--at", "0:05", "0:12", "f300", "--count", "3"], "--at takes one value, the times comma-separated: "
                                                                           "write --at 0:05,0:12,f300 "),
        (["gif", "v.mkv", "0:02", "0:05", "--caption-at", "0:03", "0:04", "He knew."],
         'write --caption-at 0:03-0:04 "He knew." (not --caption-at 0:03 0:04 …)'),
        (["still", "v.mkv", "0:02", "--caption-at", "0:01", "0:04", "Hi", "--best"], "write --caption-at 0:01-0:04 Hi "),
    ],
)
def test_the_times_of_a_one_value_option_typed_apart_say_how_to_write_it(args, says, tmp_path):
    """``--range 12:00 13:00`` (two words for a one-word option) was "Got unexpected extra argument (13:00)": the line
    now says how the option is written, with the user's own times."""
    res = run(*args, cwd=tmp_path)
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2 and len(lines) == 1 and says in lines[0], res.stderr
    assert lines[0].startswith("clipkit: error: ") and lines[0].endswith(f"see 'clipkit {args[0]} --help'")


@pytest.mark.parametrize("args, extra", [(["strip", "v.mkv", "--range", "0:12-0:30", "0:40"], "(0:40)"),
                                         (["strip", "v.mkv", "stray", "words"], "arguments (stray words)"),
                                         (["gif", "v.mkv", "0:02", "0:05", "--caption-at", "0:03-0:04", "Hi", "there"], "(there)")])
def test_other_extra_words_are_still_clicks_message(args, extra, tmp_path):
    res = run(*args, cwd=tmp_path)
    assert res.returncode == 2 and f"Got unexpected extra {extra if 'arguments' in extra else 'argument ' + extra}" in res.stderr


@pytest.mark.parametrize(
    "args, flag, meant",
    [
        (["strip", "v.mkv", "--embed", "mardown"], "--embed", "markdown"),
        (["gif", "v.mkv", "0", "1", "--embed", "BBCODE-XENFORE"], "--embed", "bbcode-xenforo"),  # any case, as it is taken
        (["embed", "x.gif", "--format", "wordpres"], "--format", "wordpress"),
        (["embed", "x.gif", "--bbcode-dialect", "xenfor"], "--bbcode-dialect", "xenforo"),
        (["clip", "v.mkv", "0", "1", "--encoder-preset", "veryfats"], "--encoder-preset", "veryfast"),
        (["clip", "v.mkv", "0", "1", "--copy-fallback", "snp"], "--copy-fallback", "snap"),
        (["still", "v.mkv", "1", "--deinterlace", "of"], "--deinterlace", "off"),
    ],
)
def test_a_misspelt_choice_gets_the_did_you_mean_of_every_other_choice(args, flag, meant, tmp_path):
    """click's choices (--embed, --encoder-preset, …) listed the choices without the name meant, where the
    settings' choices (--layout gird) and preset names say "did you mean"."""
    res = run(*args, cwd=tmp_path)
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2 and len(lines) == 1, res.stderr
    assert f"'{flag}'" in lines[0] and f"(did you mean '{meant}'?)" in lines[0], lines[0]
    res = run(*args[:-1], "zzzzz", cwd=tmp_path)  # nothing near: no guess
    assert res.returncode == 2 and "did you mean" not in res.stderr and "is not one of" in res.stderr


def test_every_choice_of_the_command_line_suggests():
    """A choice option added later with click's own Choice would be without the did-you-mean again."""
    import click

    from clipkit.cli import main
    from clipkit.cli.params import Choice

    def params(group, ctx):
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            yield from ((name, p) for p in cmd.params)
            if isinstance(cmd, click.Group):
                yield from params(cmd, click.Context(cmd, parent=ctx))

    choices = [(name, p.opts[-1], type(p.type)) for name, p in params(main, click.Context(main))
               if isinstance(p.type, click.Choice)]
    assert len(choices) >= 8 and all(kind is Choice for _, _, kind in choices), choices


@pytest.mark.parametrize("args", [[], ["presets"]])
def test_a_group_alone_shows_its_help(args):
    res = run(*args)  # click's "no arguments: show the help", not squeezed into an error line
    out = res.stdout + res.stderr
    assert out.startswith("Usage: clipkit") and "Commands:" in out and "clipkit: error" not in out and len(out.splitlines()) > 5


def test_a_real_process_exits_with_the_codes(sample, tmp_path):
    """Smoke test of the installed entry point: help, a usage error (2), a failure (1), no traceback."""
    assert run_process("--help").returncode == 0
    res = run_process("still", tmp_path / "nope.mkv", "3")
    assert res.returncode == 2 and "does not exist" in res.stderr and "Traceback" not in res.stderr
    res = run_process("gif", tmp_path / "nope.mkv", "--no-subtitles")  # click's own usage error, for real
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "see 'clipkit gif --help'" in res.stderr
    (tmp_path / "a-file").write_text("x")
    res = run_process("still", sample, "3", "-o", tmp_path / "a-file" / "x.png")
    assert res.returncode == 1 and "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_debug_shows_the_traceback(tmp_path):
    res = run_process("--debug", "info", tmp_path / "nope.mkv")
    assert res.returncode != 0 and "Traceback" in res.stderr
    res = run_process("info", "--debug", tmp_path / "nope.mkv")  # after the subcommand too, as the error line suggests
    assert res.returncode != 0 and "Traceback" in res.stderr


@pytest.mark.slow
def test_demo_makes_its_outputs_and_page(sample, tmp_path):
    """The demo in a folder that already holds the sample (made once per test run: the demo reuses it,
    as a second ``clipkit demo`` does); making the sample itself is what the ``sample`` fixture runs."""
    folder = tmp_path / "demo"
    folder.mkdir()
    for made in (sample, sample.with_suffix(".truth.json")):
        shutil.copy2(made, folder / made.name)
    res = run("demo", "-o", folder)
    assert res.returncode == 0, res.stderr
    made = {p.suffix for p in folder.iterdir()}
    assert {".mkv", ".json", ".png", ".gif", ".jpg", ".html"} <= made
    page = (folder / "index.html").read_text(encoding="utf-8")
    for out in list(folder.glob("*.gif")) + list(folder.glob("*.png")) + list(folder.glob("*.jpg")):
        assert f'src="./{out.name}"' in page  # every output shown on the page, beside it
    assert "天文台で。" in page  # the Japanese GIF's dialogue, as its alt text
    # Each output under a heading saying what it is: the English GIF, then the Japanese one.
    sections = re.findall(r"<section><h2>(.*?)</h2>(.*?)</section>", page, re.S)
    gifs = [(h, re.search(r'src="\./([^"]+\.gif)"', body).group(1)) for h, body in sections if ".gif" in body]
    assert [("English" in h, "Japanese" in h, name.startswith("gif-ja")) for h, name in gifs] == [
        (True, False, False), (False, True, True)], gifs
    assert not list(folder.glob(".clipkit-manifest.lock"))  # no empty lock file left beside the outputs


def test_an_operating_system_error_says_what_to_do():
    """A full disk, a read-only file system or a denied folder reached the user as the bare message and 'run
    with --debug for details'; each now says what to do."""
    import errno

    from clipkit.cli.main import os_error_line

    full = os_error_line(OSError(errno.ENOSPC, "No space left on device", "/media/blog/ep07.gif"))
    assert "(/media/blog/ep07.gif)" in full and "free some space on the disk of /media/blog/ep07.gif" in full
    assert "free some space on the output folder's disk" in os_error_line(OSError(errno.ENOSPC, "No space left on device"))
    assert "read-only: write elsewhere with -o" in os_error_line(OSError(errno.EROFS, "Read-only file system", "/mnt/x"))
    assert "check that folder's permissions" in os_error_line(PermissionError(errno.EACCES, "Permission denied", "/x"))
    assert os_error_line(OSError(errno.EIO, "Input/output error")).endswith("run with --debug for details")


def test_a_full_disk_on_stdout_is_one_line_and_exit_1(sample, tmp_path):
    """``clipkit info … > /dev/full``: the write fails with ENOSPC; one line on stderr, exit 1, no traceback."""
    import os
    import subprocess
    import sys

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "clipkit", "info", str(sample)], stdout=full,
                              stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "No space left on device" in proc.stderr and "free some space" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


@pytest.mark.parametrize("args, said", [
    (["gif", "{ep}", "70", "72"], "the start 1:10 is past the end of the file (1:00) — give a start before 1:00"),
    (["clip", "{ep}", "70", "72"], "the start 1:10 is past the end of the file (1:00) — give a start before 1:00"),
    (["gif", "{ep}", "1", "2", "--fps", "0"], "--fps 0 is out of range: it must be above 0 and at most 50 — give --fps "
                                              "above 0 and at most 50 (default 20)"),
    (["gif", "{ep}", "1", "2", "--fps", "60"], "— browsers play delays under 2 cs as 10 cs; use 50 fps or less"),
    (["gif", "{ep}", "1", "2", "--colors", "1"], "--colors 1 is out of range: it must be from 2 to 256 — give --colors "
                                                 "from 2 to 256 (default 256)"),
    (["gif", "{ep}", "1", "2", "--colors", "300"], "— GIF frames hold at most 256 colours"),
])
def test_a_value_out_of_range_gets_the_hint_for_its_side(args, said, sample, tmp_path):
    """`clipkit gif EP 70 72` on a 1-min episode said "the start 1:10 is past the end of the file (1:00) — run `clipkit
    info FILE` to see its duration": the length was in the line, FILE was no file.  `--fps 0` was told "browsers play
    delays under 2 cs as 10 cs; use 50 fps or less", `--colors 1` "GIF frames hold at most 256 colours": the hint for
    a value over the top.  Each now says what to give."""
    res = run(*[a.format(ep=sample) for a in args], cwd=tmp_path)
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2 and len(lines) == 1 and said in lines[0], res.stderr
    assert list(tmp_path.iterdir()) == []


def test_demo_into_a_folder_it_cannot_write_says_so_in_one_line(tmp_path):
    """`clipkit demo -o /proc/demo` said "making the sample episode … in /proc/demo/ …" and then "No such file or
    directory (/proc/demo) — run with --debug for details", exit 1; into a read-only mount the same, with the
    errno.  It is now refused before anything is said or made, as every command's -o is."""
    import shutil
    import subprocess
    import sys

    res = run("demo", "-o", "/proc/demo", cwd=tmp_path)
    assert res.returncode == 2 and res.stderr == ("clipkit: error: /proc/demo is in the system folder /proc: clipkit does "
                                                  "not write there — write into your own folder (e.g. -o ~/clips/); /tmp "
                                                  "and /var/tmp are fine\n"), res.stderr
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-Urm", "true"], capture_output=True).returncode:
        pytest.skip("no user and mount namespaces here for a read-only mount")
    ro = tmp_path / "mnt"
    ro.mkdir()
    res = subprocess.run(["unshare", "-Urm", "sh", "-c", 'mount -t tmpfs -o ro none "$1" && shift && exec "$@"', "sh",
                          str(ro), sys.executable, "-m", "clipkit", "demo", "-o", str(ro)], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 1 and res.stderr == (f"clipkit: error: cannot write to the folder {ro}: it is on a read-only "
                                                  "file system — choose another output folder with -o\n"), res.stderr


def test_a_line_and_a_time_together_say_give_only_one_once(sample, tmp_path):
    """`clipkit still EP 5 --line "stars"` said "… (--line, --from/--to) — give only one — --line "always knew"
    alone": two dashes, the second hint cut off from the first."""
    res = run("still", sample, "5", "--line", "stars", cwd=tmp_path)
    assert res.returncode == 2 and res.stderr.count(" — ") == 1, res.stderr
    assert res.stderr.endswith(' — give only one, e.g. --line "always knew" alone\n'), res.stderr
