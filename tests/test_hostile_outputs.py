"""Nothing clipkit writes replaces an input or a file it did not make; outputs are checked before decoding.

Real commands (in-process through click's runner) on tiny generated media; each
case checks the input is byte-for-byte unchanged afterwards.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from clipkit.cli import main
from media import ffmpeg


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def episodes(tmp_path_factory) -> Path:
    """A folder of two tiny 4-second episodes (H.264 MP4) and a GIF."""
    folder = tmp_path_factory.mktemp("episodes")
    for name in ("ep07.mp4", "ep08.mp4"):
        ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x90:r=12:d=4", "-c:v", "libx264", "-pix_fmt", "yuv420p",
               folder / name)
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=80x45:r=10:d=3", folder / "in.gif")
    return folder


@pytest.fixture
def work(episodes, tmp_path) -> Path:
    for p in episodes.iterdir():
        (tmp_path / p.name).write_bytes(p.read_bytes())
    return tmp_path


def cli(*args, cwd: Path | None = None):
    old = os.getcwd()
    if cwd:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)
    finally:
        os.chdir(old)


def test_gif_sibling_never_replaces_the_episode(work):
    before = _sha(work / "ep07.mp4")
    res = cli("gif", work / "ep07.mp4", "1", "3", "--also", "mp4", "-o", work / "ep07.gif", "--embed", "none")
    assert res.exit_code == 2, res.output
    assert "would replace the input" in res.output and "ep07.mp4" in res.output
    assert _sha(work / "ep07.mp4") == before
    assert not (work / "ep07.gif").exists()


def test_gif_of_a_gif_onto_itself(work):
    before = _sha(work / "in.gif")
    res = cli("gif", "in.gif", "1", "2", "-o", "in.gif", cwd=work)
    assert res.exit_code == 2 and "would replace the input" in res.output
    assert _sha(work / "in.gif") == before


def test_output_through_a_symlink_or_dotdot_onto_the_input(work):
    before = _sha(work / "ep07.mp4")
    (work / "sub").mkdir()
    (work / "link.gif").symlink_to(work / "ep07.mp4")
    for out in (work / "link.gif", work / "sub" / ".." / "link.gif"):
        res = cli("gif", work / "ep07.mp4", "1", "2", "-o", out, "--overwrite")
        assert res.exit_code == 2 and "would replace the input" in res.output, res.output
    os.link(work / "in.gif", work / "hard.gif")  # another name for the same file
    res = cli("gif", work / "in.gif", "1", "2", "-o", work / "hard.gif", "--overwrite")
    assert res.exit_code == 2 and "would replace the input" in res.output, res.output
    res = cli("clip", work / "ep07.mp4", "1", "2", "-o", work / "sub" / ".." / "ep07.mp4", "--overwrite")
    assert res.exit_code == 2 and "would replace the input" in res.output, res.output
    assert _sha(work / "ep07.mp4") == before


def test_an_existing_file_clipkit_did_not_make_is_kept_unless_overwrite(work):
    mine = work / "mine.gif"
    mine.write_bytes(b"GIF89a my own drawing")
    res = cli("gif", work / "ep07.mp4", "1", "2", "-o", mine)
    assert res.exit_code == 2 and "clipkit did not make it" in res.output and "--overwrite" in res.output
    assert mine.read_bytes() == b"GIF89a my own drawing"
    for name in ("still", "strip"):
        (work / "mine.png").write_bytes(b"png of mine")
        args = ("still", work / "ep07.mp4", "1") if name == "still" else ("strip", work / "ep07.mp4")
        res = cli(*args, "-o", work / "mine.png", "--embed", "none")
        assert res.exit_code == 2 and "clipkit did not make it" in res.output, (name, res.output)
        assert (work / "mine.png").read_bytes() == b"png of mine"
    res = cli("gif", work / "ep07.mp4", "1", "2", "-o", mine, "--overwrite")
    assert res.exit_code == 0, res.output
    assert mine.read_bytes()[:6] == b"GIF89a" and len(mine.read_bytes()) > 100
    # now the manifest lists it: a rerun replaces it without --overwrite
    res = cli("gif", work / "ep07.mp4", "2", "3", "-o", mine)
    assert res.exit_code == 0, res.output


def test_a_folder_where_a_sibling_or_poster_goes_is_named_as_that(work):
    """A folder named like the GIF's --also sibling (or a clip's poster): the error said 'ep.mp4 is a folder
    — give a file name ending in .mp4' (exit 1), though the user named ep.gif; it is said as the file written
    beside it (exit 2), and nothing is written."""
    (work / "ep.mp4").mkdir()
    (work / "cl.jpg").mkdir()
    for args in (("gif", work / "ep07.mp4", "1", "2", "--also", "mp4", "-o", work / "ep.gif"),
                 ("clip", work / "ep07.mp4", "1", "2", "-o", work / "cl.mp4")):
        res = cli(*args, "--embed", "none")
        assert res.exit_code == 2, res.output
        line = res.output.strip()
        assert "\n" not in line and "which this job writes beside" in line and "is a folder" in line, line
    assert not (work / "ep.gif").exists() and not (work / "cl.mp4").exists()


def test_unwritable_output_fails_at_once_naming_the_users_path(work, monkeypatch):
    import clipkit.pipeline.gif as gif_pipeline

    def decoding(*args, **kwargs):
        raise AssertionError("decoding started before the output was checked")

    # at once: before any frame is decoded (it was a wall-clock bound, < 5 s, which a loaded machine can miss)
    monkeypatch.setattr(gif_pipeline, "read_frames", decoding)
    res = cli("gif", work / "ep07.mp4", "0", "4", "-o", "/proc/forbidden.gif")
    assert res.exit_code in (1, 2), res.output
    assert "/proc/forbidden.gif" in res.output and ".part" not in res.output
    assert "decoding started" not in res.output, res.output
    monkeypatch.undo()
    blocker = work / "afile"
    blocker.write_text("x")
    res = cli("gif", work / "ep07.mp4", "0", "4", "-o", blocker / "x.gif")
    assert res.exit_code == 1 and f"cannot write {blocker / 'x.gif'}" in res.output, res.output


@pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="files with no name are Linux's")
def test_the_writability_probe_names_no_file(tmp_path, monkeypatch):
    # a batch killed with SIGKILL while it probed its folder left .clipkit-probe.PID-….part, and the run that
    # resumed it at once (the writer dead < 2 s) kept it: the probe now makes a file with no name at all
    from clipkit import outputs

    def named(*args, **kwargs):
        raise AssertionError("a named probe file")

    monkeypatch.setattr(outputs.tempfile, "mkstemp", named)
    outputs.check_writable(tmp_path / "out" / "x.gif")
    assert list((tmp_path / "out").iterdir()) == []


def _series(work: Path, output: str, naming: str = "{stem}", extra: str = "") -> Path:
    preset = work / "series.toml"
    preset.write_text(f"""
[series]
episodes = "{work.as_posix()}"
episode_pattern = "ep{{ep:02d}}.mp4"
output = "{output}"
naming = "{naming}"
{extra}
""", encoding="utf-8")
    return preset


def _jobs(work: Path, preset: Path, jobs: list[str]) -> Path:
    path = work / "jobs.toml"
    path.write_text(f'preset = "{preset.as_posix()}"\n' + "".join(f"\n[[job]]\n{j}\n" for j in jobs), encoding="utf-8")
    return path


def test_batch_into_the_episodes_folder_never_replaces_an_episode(work):
    before = {n: _sha(work / n) for n in ("ep07.mp4", "ep08.mp4")}
    preset = _series(work, work.as_posix(), extra='[gif]\nalso = ["mp4"]\nwidth = 80\n')
    jobs = _jobs(work, preset, ['kind = "gif"\nep = 7\nstart = "1"\nend = "2"',
                                'kind = "gif"\nep = 8\nstart = "1"\nend = "2"'])
    res = cli("batch", jobs, "-j", "1")
    assert res.exit_code == 1, res.output
    assert res.output.count("would replace the input") == 2, res.output
    assert {n: _sha(work / n) for n in before} == before
    assert not (work / "ep07.gif").exists()


def test_batch_keeps_an_index_and_files_it_did_not_make(work):
    out = work / "post"
    out.mkdir()
    (out / "index.html").write_text("<p>my own page</p>")
    preset = _series(work, out.as_posix(), naming="{stem}_{tag}", extra="[still]\nwidth = 80\n")
    jobs = _jobs(work, preset, ['kind = "still"\nep = 7\nat = "1"\nname = "look"'])
    res = cli("batch", jobs, "-j", "1")
    assert res.exit_code == 2 and "index.html exists and clipkit did not write it" in res.output, res.output
    assert (out / "index.html").read_text() == "<p>my own page</p>" and not (out / "look.png").exists()
    (out / "index.html").unlink()
    (out / "look.png").write_bytes(b"my own look")
    res = cli("batch", jobs, "-j", "1")
    assert res.exit_code == 1 and "look.png exists and clipkit did not make it" in res.output, res.output
    assert (out / "look.png").read_bytes() == b"my own look"
    res = cli("batch", jobs, "-j", "1", "--overwrite")
    assert res.exit_code == 0, res.output
    assert (out / "look.png").read_bytes()[:4] == b"\x89PNG"
    res = cli("batch", jobs, "-j", "1", "--force")  # its own files and index: replaced without --overwrite
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("folder", ["/etc/cron.d", "/usr/local/share/x", "/var/lib/x", "/proc/x"])
def test_a_preset_may_not_aim_writes_at_system_folders(work, folder):
    preset = _series(work, folder, naming="{stem}_{tag}")
    jobs = _jobs(work, preset, ['kind = "still"\nep = 7\nat = "1"'])
    res = cli("batch", jobs, "-j", "1")
    assert res.exit_code == 2 and "system folder" in res.output, res.output
    assert not Path(folder).exists() or folder == "/etc/cron.d"
    res = cli("still", work / "ep07.mp4", "1", "-o", f"{folder}/x.png")
    assert res.exit_code == 2 and "system folder" in res.output


def test_var_tmp_is_not_a_system_folder(work, tmp_path):
    from clipkit.outputs import check_not_system

    check_not_system("/var/tmp/clipkit-test/x.gif")
    check_not_system(tmp_path / "x.gif")


@pytest.mark.parametrize("how", ["trailing-slash", "existing-folder"])
def test_scenes_html_into_a_folder_writes_a_file_inside_it(work, how):
    folder = work / "newdir"
    if how == "existing-folder":
        folder.mkdir()
    res = cli("scenes", work / "ep07.mp4", "--html", "-o", f"{folder}/" if how == "trailing-slash" else folder)
    assert res.exit_code == 0, res.output
    assert folder.is_dir() and (folder / "ep07_scenes.html").is_file()
    assert "<html" in (folder / "ep07_scenes.html").read_text(encoding="utf-8").lower()


def test_scenes_never_writes_over_the_episode(work):
    before = _sha(work / "ep07.mp4")
    res = cli("scenes", work / "ep07.mp4", "--csv", "-o", work / "ep07.mp4")
    assert res.exit_code == 2 and "would replace the input" in res.output
    assert _sha(work / "ep07.mp4") == before


def test_an_impossible_size_budget_is_exit_1_for_every_command(work):
    for args in (("gif", work / "ep07.mp4", "0", "3", "-o", work / "a.gif"),
                 ("strip", work / "ep07.mp4", "-o", work / "a.png", "--count", "4"),
                 ("strip", work / "ep07.mp4", "-o", work / "a.jpg", "--count", "4"),
                 ("clip", work / "ep07.mp4", "0", "3", "-o", work / "a.mp4", "--audio", "off")):
        res = cli(*args, "--max-size", "300B", "--embed", "none")
        assert res.exit_code == 1, (args[0], res.output)
        assert "clipkit: error:" in res.output and "Traceback" not in res.output
