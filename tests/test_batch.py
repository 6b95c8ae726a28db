"""Batch runs on the sample episode: job files, episodes by number, failure isolation, resume,
safe output names, the post index, the process pool and a Dask LocalCluster."""

from __future__ import annotations

import html
import html.parser
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from clipkit.errors import Cancelled, ClipkitError, UsageError
from clipkit.pipeline.batch import STATE_NAME, batch, safe_relative
from clipkit.presets import PresetError

REPO = Path(__file__).resolve().parent.parent


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "clipkit", *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def series(sample, tmp_path_factory) -> Path:
    """A series preset whose episode 7 is the sample episode."""
    folder = tmp_path_factory.mktemp("series")
    preset = folder / "oms.toml"
    preset.write_text(f"""
[series]
title = "One Million Stars <S01E07> & more"
episodes = "{sample.parent.as_posix()}"
episode_pattern = "one-million-stars-s01e{{ep:02d}}.mkv"
output = "out"
naming = "oms-e{{ep:02d}}-{{tag}}"

[still]
width = 320
""", encoding="utf-8")
    return preset


def job_file(folder: Path, series: Path, jobs: list[dict], **top) -> Path:
    """A TOML job file; returns its path.  Each job starts on a line the test can predict."""
    lines = [f'preset = "{series.as_posix()}"'] + [f"{k} = {json.dumps(v)}" for k, v in top.items()]
    for job in jobs:
        lines += ["", "[[job]]"] + [f"{k} = {json.dumps(v)}" for k, v in job.items()]
    path = folder / "jobs.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def job_lines(path: Path) -> list[int]:
    return [i + 1 for i, line in enumerate(path.read_text().splitlines()) if line == "[[job]]"]


def mean_level(path: Path) -> float:
    return float(np.asarray(Image.open(path).convert("L")).mean())


def test_a_misspelt_job_key_is_named_with_the_key_meant(tmp_path):
    # as a preset's or --set's typo is: the key meant, and each valid key listed once
    preset = tmp_path / "show.toml"
    preset.write_text('[series]\nepisodes = "."\nepisode_pattern = "e{ep:02d}.mkv"\n', encoding="utf-8")
    path = job_file(tmp_path, preset, [{"kind": "still", "ep": 7, "at": "3", "widht": 100},
                                       {"kind": "gif", "ep": 7, "start": "1", "end": "+2", "colours": 64}])
    res = batch(path, output=tmp_path / "out", dry_run=True)
    still, gif = res.results
    assert still.status == gif.status == "failed"
    assert "unknown key 'widht' for a still job (did you mean 'width'?)" in still.error
    assert "unknown key 'colours' for a gif job (did you mean 'colors'?)" in gif.error
    valid = still.hint.removeprefix("valid keys: ").split(", ")
    assert "width" in valid and len(valid) == len(set(valid)), still.hint


def test_a_batch_that_makes_nothing_leaves_no_folder_or_empty_index(tmp_path):
    preset = tmp_path / "show.toml"
    preset.write_text('[series]\nepisodes = "."\nepisode_pattern = "e{ep:02d}.mkv"\n', encoding="utf-8")
    path = job_file(tmp_path, preset, [{"kind": "still", "ep": 7, "at": "3"}])  # no episode 7: it fails
    res = batch(path, output=tmp_path / "new")
    assert [r.status for r in res.results] == ["failed"] and res.index_html is None
    assert not (tmp_path / "new").exists()
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("x")
    res = batch(path, output=tmp_path / "mine")  # a folder that was there stays, as it was
    assert res.index_html is None and [p.name for p in (tmp_path / "mine").iterdir()] == ["notes.txt"]


def _episode_and_preset(tmp_path):
    """A 2-s episode e07.mkv in ``tmp_path`` and a series preset that finds it (show.toml)."""
    from media import ffmpeg

    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x90:r=24:d=2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
           str(tmp_path / "e07.mkv"))
    preset = tmp_path / "show.toml"
    preset.write_text('[series]\nepisodes = "."\nepisode_pattern = "e{ep:02d}.mkv"\n', encoding="utf-8")
    return preset


def test_a_corrected_subtitle_file_remakes_the_gif_on_the_rerun(tmp_path):
    # the user fixes a typo in e07.en.srt beside the episode and runs the batch again: the GIF is remade with
    # the corrected line (before, it was "up to date" and kept the typo burned in)
    preset = _episode_and_preset(tmp_path)
    srt = tmp_path / "e07.en.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:02,000\nHe knew. He allways knew.\n", encoding="utf-8")
    path = job_file(tmp_path, preset, [{"kind": "gif", "ep": 7, "start": "0", "end": "1", "width": 96, "fps": 5,
                                        "name": "knew"}])
    first = batch(path, output=tmp_path / "out", workers=1)
    assert [r.status for r in first.results] == ["made"], [r.error for r in first.results]
    assert first.results[0].artifact.captions == ("He knew. He allways knew.",)
    assert [r.status for r in batch(path, output=tmp_path / "out", workers=1).results] == ["skipped"]
    srt.write_text("1\n00:00:00,000 --> 00:00:02,000\nHe knew. He always knew.\n", encoding="utf-8")
    again = batch(path, output=tmp_path / "out", workers=1)
    assert [r.status for r in again.results] == ["made"], [r.reason for r in again.results]
    assert again.results[0].artifact.captions == ("He knew. He always knew.",)


def test_the_index_shows_each_jobs_alt_title_and_spoiler(tmp_path):
    # what a job file asks of a snippet (alt, title, spoiler) is in the post index, as `embed --all` shows it
    preset = _episode_and_preset(tmp_path)
    path = job_file(tmp_path, preset, [{"kind": "still", "ep": 7, "at": "1", "name": "look", "alt": "A long look",
                                        "title": "He <knew> *then*", "spoiler": True}])
    res = batch(path, output=tmp_path / "out", workers=1)
    assert res.ok, [r.error for r in res.results]
    page = res.index_html.read_text(encoding="utf-8")
    assert 'alt="A long look"' in page and "<figcaption>He &lt;knew&gt; *then*</figcaption>" in page, page
    assert "<details>" in page
    md = res.index_md.read_text(encoding="utf-8")
    assert "![A long look](look.png)" in md and "*He \\<knew\\> \\*then\\**" in md, md


def test_a_spoiler_that_is_not_yes_or_no_fails_its_job_instead_of_posting_it_open(tmp_path):
    # a CSV cell `spoiler = ture` (or "maybe") was read as "no": the snippet went into the post unhidden
    preset = _episode_and_preset(tmp_path)
    path = tmp_path / "jobs.csv"
    path.write_text("kind,ep,at,width,spoiler,name\n"
                    + "".join(f"still,7,1,96,{flag},{name}\n" for flag, name in
                              (("ture", "typo"), ("yes", "hidden"), ("", "plain"), ("0", "open"))), encoding="utf-8")
    res = batch(path, preset=str(preset), output=tmp_path / "out", workers=1)
    assert [r.status for r in res.results] == ["failed", "made", "made", "made"], [r.error for r in res.results]
    assert "spoiler = 'ture' is not true or false" in res.results[0].error
    page = res.index_html.read_text(encoding="utf-8")
    assert page.count("<details>") == 1 and "hidden.png" in page.split("<details>")[1].split("</details>")[0]


def test_the_index_md_heading_reads_as_typed_in_commonmark_and_gfm(tmp_path):
    # the job file's title heads index.md: an entity (`AT&amp;T`, `&copy;`) and a URL must read as typed in
    # CommonMark and GFM (before, the heading showed "AT&T ©" and GFM linked "https://x.example\\.org")
    cmarkgfm = pytest.importorskip("cmarkgfm")
    preset = _episode_and_preset(tmp_path)
    title = "AT&amp;T &copy; see https://x.example.org or www.y.example"
    path = job_file(tmp_path, preset, [{"kind": "still", "ep": 7, "at": "1", "name": "look", "width": 96}],
                    title=title)
    res = batch(path, output=tmp_path / "out", workers=1)
    assert res.ok, [r.error for r in res.results]
    heading = res.index_md.read_text(encoding="utf-8").splitlines()[0]
    for render in (cmarkgfm.markdown_to_html, cmarkgfm.github_flavored_markdown_to_html):
        page = render(heading)
        assert "<a" not in page, page
        assert html.unescape(page.strip()) == f"<h1>{title}</h1>", page


def test_a_job_named_into_a_subfolder_keeps_its_title_and_spoiler_in_the_index(tmp_path):
    # `name = "shots/look"` puts the file (and its manifest entry) in shots/: the index still shows its title,
    # credit and spoiler, as it does for a file at the top (before, they were read from the top manifest only)
    preset = _episode_and_preset(tmp_path)
    path = job_file(tmp_path, preset, [
        {"kind": "still", "ep": 7, "at": "1", "name": "shots/look", "alt": "A long look", "width": 96,
         "title": "He <knew>", "credit": "Fuji & TV", "spoiler": True},
        {"kind": "still", "ep": 7, "at": "0.5", "name": "top", "width": 96, "title": "At the top"}])
    res = batch(path, output=tmp_path / "out", workers=1)
    assert res.ok, [r.error for r in res.results]
    assert (tmp_path / "out" / "shots" / "look.png").is_file()
    page = res.index_html.read_text(encoding="utf-8")
    assert '<img src="shots/look.png"' in page and 'alt="A long look"' in page, page
    assert "He &lt;knew&gt; — Credit: Fuji &amp; TV</figcaption>" in page and "<details>" in page, page
    assert "<figcaption>At the top</figcaption>" in page, page
    md = res.index_md.read_text(encoding="utf-8")
    assert "![A long look](shots/look.png)" in md and "*He \\<knew\\> — Credit: Fuji &amp; TV*" in md, md


def test_embed_all_lists_a_batchs_subfolders_in_job_order(tmp_path):
    # `clipkit embed --all out/` after a batch whose jobs write into subfolders: every file, in the job file's
    # order across the folders, each with its recorded title (before, the subfolders' files were left out)
    from clipkit.embed import embed_files
    preset = _episode_and_preset(tmp_path)
    jobs = [{"kind": "still", "ep": 7, "at": at, "name": name, "width": 96, "title": f"T {name}"}
            for at, name in (("1.5", "b"), ("0.5", "shots/look"), ("1", "a"), ("0.2", "shots/deep/z"))]
    res = batch(job_file(tmp_path, preset, jobs), output=tmp_path / "out", workers=1)
    assert res.ok, [r.error for r in res.results]
    listed = embed_files([tmp_path / "out"], all=True)
    assert [a.path.name for a in listed.artifacts] == ["b.png", "look.png", "a.png", "z.png"]
    assert listed.text.index("T b") < listed.text.index("T shots/look") < listed.text.index("T a")
    sub = embed_files([tmp_path / "out" / "shots"], all=True)  # a subfolder alone: its own files, in job order
    assert [a.path.name for a in sub.artifacts] == ["look.png", "z.png"]


def test_a_long_japanese_output_name_is_cut_to_what_a_file_name_may_hold(tmp_path):
    # 100 Japanese characters are 300 bytes of UTF-8, over the 255 a file name may have: before, the whole
    # batch stopped with "File name too long"; now the name is cut between characters (a note says so)
    preset = _episode_and_preset(tmp_path)
    long = "彼はずっと知っていた" * 10
    path = job_file(tmp_path, preset, [{"kind": "still", "ep": 7, "at": "1", "name": long, "width": 96},
                                       {"kind": "still", "ep": 7, "at": "1", "name": "é" * 150, "width": 96}])
    res = batch(path, output=tmp_path / "out", workers=1)
    assert res.ok, [r.error for r in res.results]
    for r in res.results:
        assert r.output.is_file() and len(r.output.name.encode()) <= 255, r.output
        assert any("made safe" in n for n in r.notes)
    assert res.results[0].output.name.startswith("彼はずっと知っていた" * 6)


@pytest.mark.parametrize("names", [("a", "a.png/b"), ("a.png/b", "a")])
def test_one_jobs_file_is_never_another_jobs_folder(tmp_path, names):
    # "a" writes a.png; "a.png/b" needs a folder a.png: before, both were reported made, a.png became a folder
    # and the first job's still landed inside it under another name; now the later job fails, naming the clash
    preset = _episode_and_preset(tmp_path)
    path = job_file(tmp_path, preset, [{"kind": "still", "ep": 7, "at": "1", "name": n, "width": 96} for n in names])
    first, second = batch(path, output=tmp_path / "out", workers=2).results
    assert first.status == "made" and first.output.is_file(), first
    assert second.status == "failed" and "a.png would be both a file and a folder" in second.error, second
    top = first.output.relative_to((tmp_path / "out").resolve()).parts[0]  # a.png, the file or the first job's folder
    made = {p.name for p in (tmp_path / "out").iterdir()} - {"clipkit-manifest.json", "index.html", "index.md"}
    assert made == {top, ".clipkit-batch.json"}, made


def test_embed_all_lists_a_batch_post_in_job_file_order(tmp_path):
    # the job file arranges the post (a later moment first): `embed --all` lists it so, as the index does,
    # though the files were made in another order (two workers) and source order would differ
    from clipkit.embed import embed_files
    preset = _episode_and_preset(tmp_path)
    names = ["late", "early", "middle"]
    path = job_file(tmp_path, preset, [{"kind": "still", "ep": 7, "at": at, "name": n, "width": 96}
                                       for n, at in zip(names, ("1.5", "0.2", "1"))])
    res = batch(path, output=tmp_path / "out", workers=2)
    assert res.ok, [r.error for r in res.results]
    listed = [a.path.stem for a in embed_files([tmp_path / "out"], "markdown", all=True).artifacts]
    assert listed == names


def test_mixed_batch_isolates_failures_and_writes_index(series, tmp_path):
    jobs = [
        {"kind": "still", "ep": 7, "at": "4", "name": "opening"},
        {"kind": "still", "ep": 7, "at": "99:00"},  # past the end: this job fails
        {"kind": "still", "ep": 8, "at": "5"},  # no episode 8
        {"kind": "still", "ep": 7, "at": "21.5"},  # inside the black gap (truth: black 21–22)
        {"kind": "still", "ep": 7, "at": "3", "widht": 100},  # a typo'd key: this job fails
        {"kind": "still", "ep": 7, "at": "50", "name": "closing", "width": 160, "format": "jpg"},
        {"kind": "sculpture", "ep": 7},
    ]
    path = job_file(tmp_path, series, jobs, output="made")
    lines = job_lines(path)
    seen = []
    res = batch(path, workers=2, progress=lambda done, total: seen.append((done, total)))
    status = [r.status for r in res.results]
    assert status == ["made", "failed", "failed", "made", "failed", "made", "failed"]
    assert not res.ok and seen[-1] == (7, 7)
    by_index = {r.index: r for r in res.results}
    assert by_index[2].line == lines[1] and "past the end" in by_index[2].error
    assert by_index[3].line == lines[2] and "episode 8: no file matches" in by_index[3].error
    assert by_index[5].line == lines[4] and "'widht'" in by_index[5].error and "width" in by_index[5].hint
    assert by_index[7].line == lines[6] and "unknown job kind 'sculpture'" in by_index[7].error
    out = tmp_path / "made"
    assert res.output_dir == out
    # the images are real, at the preset's width or the job's own
    opening = out / "opening.png"
    assert Image.open(opening).size == (320, 180)
    assert Image.open(out / "closing.jpg").size == (160, 90) and Image.open(out / "closing.jpg").format == "JPEG"
    black = out / "oms-e07-0-21.5.png"
    assert black.exists(), sorted(p.name for p in out.iterdir())
    assert mean_level(black) < 12 < mean_level(opening)
    assert not [p for p in out.iterdir() if ".part" in p.name]  # no temp files
    # the index lists the made files in job order, with the title escaped
    page = res.index_html.read_text()
    assert page.index("opening.png") < page.index("oms-e07-0-21.5.png") < page.index("closing.jpg")
    assert "&lt;S01E07&gt; &amp; more" in page and "<S01E07>" not in page
    imgs = _img_tags(page)
    assert [(a["src"], a["width"], a["height"]) for a in imgs] == [
        ("opening.png", "320", "180"), ("oms-e07-0-21.5.png", "320", "180"), ("closing.jpg", "160", "90")]
    md = res.index_md.read_text()
    assert md.index("(opening.png)") < md.index("(closing.jpg)")
    # exit code and one line per failure on the command line (everything up to date now)
    cli = run("batch", path, "--json")
    assert cli.returncode == 1
    assert f"jobs.toml:{lines[1]}" in cli.stderr and "Traceback" not in cli.stderr
    data = json.loads(cli.stdout)
    assert [j["status"] for j in data["jobs"]][:1] == ["skipped"]
    assert data["failed"] == 4 and data["ok"] is False


def _img_tags(page: str) -> list[dict]:
    found = []

    class P(html.parser.HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "img":
                found.append(dict(attrs))

    P().feed(page)
    return found


def test_a_batch_stopped_before_any_job_ended_leaves_no_folder_it_made(series, tmp_path, monkeypatch):
    # the folder this run created stayed behind, empty (an all-failed batch already removed it)
    import clipkit.pipeline.batch as batch_module

    path = job_file(tmp_path, series, [{"kind": "still", "ep": 7, "at": str(t)} for t in (2, 10)], output="new")
    with pytest.raises(Cancelled):
        batch(path, workers=1, progress=lambda done, total: False)  # stopped as the jobs are planned
    assert not (tmp_path / "new").exists()

    def interrupted(*args, **kwargs):  # Ctrl-C while the first job runs
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_module, "run_local", interrupted)
    with pytest.raises(Cancelled, match="0 of 2 jobs finished"):
        batch(path, workers=1)
    assert not (tmp_path / "new").exists()
    monkeypatch.undo()
    (tmp_path / "mine").mkdir()  # a folder the user made is left as it was, empty or not
    (tmp_path / "other").mkdir()
    with pytest.raises(Cancelled):
        batch(job_file(tmp_path / "other", series, [{"kind": "still", "ep": 7, "at": "2"}], output=str(tmp_path / "mine")),
              workers=1, progress=lambda done, total: False)
    assert (tmp_path / "mine").is_dir()


def test_resume_after_interrupt_redoes_only_the_rest(series, tmp_path, monkeypatch):
    jobs = [{"kind": "still", "ep": 7, "at": str(t)} for t in (2, 10, 17, 25, 33)]
    path = job_file(tmp_path, series, jobs, output="r")

    def stop_after_two(done, total):
        return done < 2  # like Ctrl-C once two jobs are finished

    with pytest.raises(Cancelled) as err:
        batch(path, workers=1, progress=stop_after_two)
    assert "run the same command again" in err.value.hint
    out = tmp_path / "r"
    finished = sorted(p.name for p in out.glob("*.png"))
    assert len(finished) == 2
    # which jobs finished and which are left, by name, not only a count
    left = [r.output.name for r in batch(path, dry_run=True).results if r.status == "planned"]
    assert len(left) == 3 and not set(left) & set(finished)
    said = err.value.message
    assert "2 of 5 jobs finished" in said and "3 not made" in said, said
    assert all(name in said for name in finished + left), said
    mtimes = {name: (out / name).stat().st_mtime_ns for name in finished}
    res = batch(path, workers=1)
    assert [r.status for r in res.results] == ["skipped", "skipped", "made", "made", "made"]
    assert {name: (out / name).stat().st_mtime_ns for name in finished} == mtimes  # not rewritten
    # a changed setting makes the output stale; a deleted output is remade
    (out / finished[0]).unlink()
    res = batch(path, workers=1, overrides={"still.jpeg_quality": 50})  # png: quality unused, but settings changed
    assert all(r.status == "made" for r in res.results)
    # up to date: no job is run again (it was a wall-clock bound, < 1 s, which a loaded machine missed)
    import clipkit.pipeline.batch as batch_module

    run_local = batch_module.run_local
    ran: list = []
    monkeypatch.setattr(batch_module, "run_local", lambda todo, *a: (ran.extend(todo), run_local(todo, *a)))
    res = batch(path, workers=1, overrides={"still.jpeg_quality": 50})
    assert all(r.status == "skipped" for r in res.results) and ran == []


def test_a_forced_batch_that_stops_says_to_resume_without_force(series, tmp_path):
    """`clipkit batch post.toml --force`, stopped, said "run the same command again to resume: finished jobs are kept
    and skipped" — the same command, --force and all, makes every job again; it says to leave --force out."""
    path = job_file(tmp_path, series, [{"kind": "still", "ep": 7, "at": str(t)} for t in (2, 10, 17)], output="r")
    with pytest.raises(Cancelled) as err:
        batch(path, workers=1, force=True, progress=lambda done, total: done < 1)
    assert "run the same command again without force=True to resume" in err.value.hint, err.value.hint
    res = batch(path, workers=1)  # as told: the finished job is kept
    assert [r.status for r in res.results] == ["skipped", "made", "made"]


@pytest.mark.parametrize("sig, workers", [(signal.SIGKILL, "1"), (signal.SIGINT, "2")], ids=["SIGKILL -j1", "SIGINT -j2"])
def test_killed_batch_resumes(series, tmp_path, sig, workers):
    """A batch process killed mid-way (SIGKILL: no clean-up at all; SIGINT: `kill -INT`, like
    Ctrl-C) loses nothing that finished, and the rerun makes only the rest."""
    # many jobs (13: the signal comes once 2 are recorded), so a loaded machine cannot finish them all between the
    # check and the signal; not more, as the rerun makes every one left
    jobs = [{"kind": "still", "ep": 7, "at": str(t), "best": True} for t in range(2, 58, 4) if not 19 <= t <= 23]
    path = job_file(tmp_path, series, jobs, output="k")
    out = tmp_path / "k"
    state = out / STATE_NAME
    # a shell gives the command the default SIGINT action; a test runner's worker may ignore SIGINT,
    # and an ignored signal stays ignored across exec — restore the default for the child
    proc = subprocess.Popen([sys.executable, "-m", "clipkit", "batch", path, "-j", workers],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if len(json.loads(state.read_text())["jobs"]) >= 2:
                    break
            except (OSError, ValueError, KeyError):
                pass
            time.sleep(0.02)
        proc.send_signal(sig)
    finally:
        _, err = proc.communicate(timeout=60)
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "run the same command again" in err and "Traceback" not in err
    recorded = json.loads(state.read_text())["jobs"]  # never half-written: it parses
    assert 2 <= len(recorded) < len(jobs)
    assert set(recorded) <= {p.name for p in out.glob("*.png")}
    res = run("batch", path, "-j", "1", "--json")
    assert res.returncode == 0, res.stderr
    statuses = [j["status"] for j in json.loads(res.stdout)["jobs"]]
    assert statuses.count("made") == len(jobs) - statuses.count("skipped")
    if statuses.count("made") < len(jobs):  # unless another developer changed the code in between
        assert statuses.count("skipped") >= len(recorded)
    assert len(list(out.glob("*.png"))) == len(jobs)
    assert not [p for p in out.iterdir() if ".part" in p.name]  # what the killed run was writing is gone


def test_a_stopping_pool_worker_finishes_its_clean_up_through_the_pools_sigterm(tmp_path):
    """Ctrl-C in a pool worker during a job: the pool, broken by the first worker to exit, SIGTERMs the
    others (ProcessPoolExecutor's terminate of a broken pool); a worker already stopping must finish its
    clean-up (remove its temporary folder) through that SIGTERM, not die in the middle of it."""
    marker = tmp_path / "cleaned"
    script = (
        "import sys, time\n"
        "from clipkit.pipeline.batch import runners\n"
        "runners._worker_init()\n"
        "runners._IN_JOB = True\n"
        "try:\n"
        "    print('ready', flush=True)\n"
        "    time.sleep(30)\n"
        "except KeyboardInterrupt:\n"
        "    print('cleaning', flush=True)\n"
        "    time.sleep(1.0)  # the job's clean-up: its ffmpeg stopped, its temporary folder removed\n"
        "    open(sys.argv[1], 'w').write('cleaned')\n")
    proc = subprocess.Popen([sys.executable, "-c", script, str(marker)], stdout=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert proc.stdout.readline().strip() == "ready"
        proc.send_signal(signal.SIGINT)
        # the SIGTERM lands in the clean-up (it was sent 0.3 s after the SIGINT: on a loaded machine, maybe before the
        # worker had run its SIGINT handler at all)
        assert proc.stdout.readline().strip() == "cleaning"
        proc.send_signal(signal.SIGTERM)
    finally:
        proc.communicate(timeout=30)
    assert marker.is_file(), f"the worker died in its clean-up (exit {proc.returncode})"


def _two_long_gifs(series, tmp_path) -> tuple[Path, Path]:
    """A job file of two 20-s GIFs (both workers of -j 2 busy for a while) and an empty TMPDIR for the batch."""
    jobs = [{"kind": "gif", "ep": 7, "start": start, "end": "+20", "width": 480, "name": name}
            for start, name in (("0", "g1"), ("20", "g2"))]
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    return job_file(tmp_path, series, jobs, output="k"), tmp


def test_interrupted_parallel_batch_leaves_no_temporary_folder(series, tmp_path):
    """`kill -INT` of a `-j 2` batch while both workers encode a GIF: each worker removes its private
    temporary folder (before, the first worker to exit broke the pool, the pool SIGTERMed the other
    mid-clean-up and its folder of spilled frames, hundreds of MB, stayed in TMPDIR)."""
    path, tmp = _two_long_gifs(series, tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "clipkit", "batch", path, "-j", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(tmp)},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(list(tmp.glob("clipkit-spill-*"))) < 2:
            time.sleep(0.05)
        assert len(list(tmp.glob("clipkit-spill-*"))) == 2, "both workers should be encoding"
        time.sleep(2)  # into the decoding
        proc.send_signal(signal.SIGINT)
    finally:
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "run the same command again" in err, err
    time.sleep(0.5)  # a worker the parent gave up on would still be dying
    assert not list(tmp.iterdir()), list(tmp.iterdir())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_of_a_batch_killed_with_sigkill_stop_too(series, tmp_path):
    """`kill -9` of a `-j 2` batch while both workers encode a GIF: the workers stop and remove their temporary
    folders (before, each finished its GIF, then waited on the dead pool's queue forever: two orphans of
    ~250 MB each, still there minutes later)."""
    path, tmp = _two_long_gifs(series, tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "clipkit", "batch", path, "-j", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "TMPDIR": str(tmp)})
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(workers) < 2:
            workers = [int(p.name.split("-")[2]) for p in tmp.glob("clipkit-spill-*")]
            time.sleep(0.05)
        assert len(workers) == 2, "both workers should be encoding"
        time.sleep(1)
        proc.kill()
    finally:
        proc.wait(timeout=60)
    deadline = time.monotonic() + 20
    alive = workers
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()
                 and Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"]
        time.sleep(0.1)
    for pid in alive:  # do not leave them behind if the test fails
        os.kill(pid, signal.SIGKILL)
    assert not alive, f"workers {alive} outlived their batch"
    assert not list(tmp.iterdir()), list(tmp.iterdir())


def test_output_names_cannot_escape(series, tmp_path):
    assert safe_relative("../../etc/passwd") == (Path("etc/passwd"), True)
    assert safe_relative("/abs/x.png")[0] == Path("abs/x.png")
    assert safe_relative("a\\..\\..\\b")[0] == Path("a/b")
    assert safe_relative("..")[0] == Path("clip")
    assert safe_relative("gifs/he-knew") == (Path("gifs/he-knew"), False)
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "link").symlink_to(outside)
    jobs = [
        {"kind": "still", "ep": 7, "at": "4", "name": "../../escaped"},
        {"kind": "still", "ep": 7, "at": "5", "name": str(tmp_path / "abs")},
        {"kind": "still", "ep": 7, "at": "6", "name": "shots/../../../up"},
        {"kind": "still", "ep": 7, "at": "7", "name": "link/through-symlink"},
        {"kind": "still", "ep": 7, "at": "8", "name": '<b>bold:?*"x'},
    ]
    path = job_file(tmp_path, series, jobs, output="o")
    res = batch(path)
    out = (tmp_path / "o").resolve()
    assert [r.status for r in res.results] == ["made", "made", "made", "failed", "made"]
    for r in res.results:
        if r.status == "made":
            assert r.output.resolve().is_relative_to(out)
            assert r.output.exists()
    assert "outside" in res.results[3].error
    assert not list(outside.iterdir())
    assert not (tmp_path / "escaped.png").exists() and not (tmp_path.parent / "escaped.png").exists()
    assert res.results[0].output == out / "escaped.png" and any("made safe" in n for n in res.results[0].notes)
    assert res.results[4].output.name == "b_bold_x.png"


def test_duplicate_outputs_and_dry_run(series, tmp_path):
    jobs = [{"kind": "still", "ep": 7, "at": "4", "name": "same"}, {"kind": "still", "ep": 7, "at": "5", "name": "same"}]
    path = job_file(tmp_path, series, jobs, output="d")
    lines = job_lines(path)
    res = batch(path, dry_run=True)
    assert [r.status for r in res.results] == ["planned", "failed"]
    assert f"as job 1 (line {lines[0]}) does" in res.results[1].error
    assert not (tmp_path / "d").exists()  # a dry run writes nothing
    cli = run("batch", path, "--dry-run")
    assert cli.returncode == 1 and "would make" in cli.stderr and not (tmp_path / "d").exists()


def test_csv_job_file_and_syntax_errors(series, tmp_path):
    csv_path = tmp_path / "jobs.csv"
    csv_path.write_text("kind,ep,at,name\nstill,7,4,a\n# a comment\nstill,7,nonsense,b\nstill,7,6,\n", encoding="utf-8")
    res = batch(csv_path, preset=str(series), output=tmp_path / "c")
    assert [r.status for r in res.results] == ["made", "failed", "made"]
    assert res.results[1].line == 4 and "nonsense" in res.results[1].error
    assert (tmp_path / "c" / "a.png").exists() and (tmp_path / "c" / "oms-e07-0-06.png").exists()
    bad = tmp_path / "bad.toml"
    bad.write_text('preset = "x"\n[[job]]\nkind = "still"\nat = 12:30\n', encoding="utf-8")
    with pytest.raises(PresetError, match=r"bad\.toml:4:\d+: TOML syntax error"):
        batch(bad)
    cli = run("batch", bad)
    assert cli.returncode == 2 and "bad.toml:4:" in cli.stderr and cli.stderr.count("\n") == 1
    missing = run("batch", tmp_path / "nope.toml")
    assert missing.returncode == 2 and "job file not found" in missing.stderr
    unknown = tmp_path / "u.toml"
    unknown.write_text('preset = "no-such-show"\n', encoding="utf-8")
    cli = run("batch", unknown)
    assert cli.returncode == 2 and "unknown preset 'no-such-show'" in cli.stderr


def test_dask_local_cluster(series, tmp_path):
    distributed = pytest.importorskip("distributed")
    jobs = [{"kind": "still", "ep": 7, "at": str(t)} for t in (3, 9, 27, 44)]
    jobs.append({"kind": "still", "ep": 7, "at": "2:00"})  # fails on a worker; reported like locally
    path = job_file(tmp_path, series, jobs, output="dk")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        res = batch(path, dask=cluster.scheduler_address)
    assert [r.status for r in res.results] == ["made"] * 4 + ["failed"]
    assert "past the end" in res.results[4].error
    for r in res.results[:4]:
        assert Image.open(r.output).size == (320, 180)
    again = batch(path)  # the local run sees the cluster's outputs as up to date
    assert [r.status for r in again.results][:4] == ["skipped"] * 4


def test_dask_unreachable_and_missing(series, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    path = job_file(tmp_path, series, [{"kind": "still", "ep": 7, "at": "4"}], output="x")
    t0 = time.perf_counter()
    with pytest.raises(ClipkitError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9") as err:
        batch(path, dask="tcp://127.0.0.1:9", dask_timeout=1.5)
    assert time.perf_counter() - t0 < 15
    assert "dask scheduler" in err.value.hint
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    with pytest.raises(UsageError, match="needs the 'distributed' package") as err:
        batch(path, dask="tcp://127.0.0.1:9")
    assert "clipkit[dask]" in err.value.hint


def test_shipped_example_makes_the_post(sample, tmp_path):
    """The shipped series preset and job file make a post's media from the sample with one command."""
    (tmp_path / "presets").mkdir()
    for name in ("one-million-stars.toml", "post-ep07.toml"):
        (tmp_path / "presets" / name).write_bytes((REPO / "presets" / name).read_bytes())
    (tmp_path / "clipkit-demo").mkdir()
    (tmp_path / "clipkit-demo" / sample.name).symlink_to(sample)
    # smaller GIFs than the post's 540 px keep the test quick; everything else is as shipped
    res = run("batch", "presets/post-ep07.toml", "-j", "2", "--set", "gif.width=160", "--set", "gif.fps=10", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    post = tmp_path / "clipkit-demo" / "post"
    imgs = _img_tags((post / "index.html").read_text())
    jobs = job_lines(tmp_path / "presets" / "post-ep07.toml").__len__()
    assert len(imgs) == jobs >= 5
    assert any(i["src"].endswith(".gif") for i in imgs) and any(i["src"].endswith(".jpg") for i in imgs)
    for img in imgs:
        with Image.open(post / img["src"]) as im:
            assert im.size == (int(img["width"]), int(img["height"]))


def test_killed_worker_is_retried_and_others_finish(series, tmp_path, monkeypatch):
    """A pool worker killed mid-job (as by the OOM killer): its jobs run again in a fresh pool."""
    from clipkit.pipeline import jobkinds

    marker = tmp_path / "died-once"
    still_kind = jobkinds.KINDS["still"]

    def die_first_time(fn, source, output, params, settings):
        if not marker.exists():
            marker.write_text("x")
            os.kill(os.getpid(), signal.SIGKILL)
        return still_kind.call(fn, source, output, params, settings)

    monkeypatch.setitem(jobkinds.KINDS, "fragile", jobkinds.JobKind(
        name="fragile", sections=still_kind.sections, function=still_kind.function, keys=still_kind.keys,
        check=still_kind.check, tag=still_kind.tag, ext=still_kind.ext, call=die_first_time, exts=still_kind.exts))
    jobs = [{"kind": "still", "ep": 7, "at": "2"}, {"kind": "fragile", "ep": 7, "at": "3"},
            {"kind": "still", "ep": 7, "at": "5"}, {"kind": "still", "ep": 7, "at": "6"}]
    path = job_file(tmp_path, series, jobs, output="w")
    stale = tmp_path / "w" / ".oms-e07-0-05.abc123.part.png"  # left by a batch killed while writing
    stale.parent.mkdir()
    stale.write_bytes(b"half a png")
    res = batch(path, workers=2)
    assert marker.exists()
    assert [r.status for r in res.results] == ["made"] * 4, [r.error for r in res.results]
    assert not stale.exists()
    manifest = json.loads((tmp_path / "w" / "clipkit-manifest.json").read_text())
    assert sorted(a["file"] for a in manifest["artifacts"]) == sorted(r.output.name for r in res.results)


def test_gif_jobs(series, tmp_path):
    jobs = [
        {"kind": "gif", "ep": 7, "start": "24", "end": "+1", "width": 160, "fps": 10, "name": "he-knew"},
        {"kind": "gif", "ep": 7, "start": "5", "end": "4"},  # end before start: fails alone
        {"kind": "gif", "ep": 7, "start": "9", "end": "+1", "width": 120, "fps": 10, "subs": "off",
         "caption": "<script>alert(1)</script>"},
    ]
    path = job_file(tmp_path, series, jobs, output="g")
    res = batch(path, workers=1)
    assert [r.status for r in res.results] == ["made", "failed", "made"]
    with Image.open(res.results[0].output) as im:
        assert im.size == (160, 90) and im.n_frames == 10
    assert res.results[0].artifact.captions == ("He knew. He always knew.",)  # dialogue from the English track
    assert res.results[2].output.name == "oms-e07-0-09_0-10.gif"
    page = res.index_html.read_text()
    assert "<script>" not in page.split("<title>")[1] and "&lt;script&gt;" in page


def test_strip_jobs(series, tmp_path):
    jobs = [
        {"kind": "strip", "ep": 7, "at": ["0:04", "0:21.5", "0:44"], "layout": "row", "width": 300, "labels": False},
        {"kind": "strip", "ep": 7, "range": "0:10-0:20", "count": 0},  # zero tiles: fails alone
    ]
    path = job_file(tmp_path, series, jobs, output="s")
    res = batch(path)
    assert [r.status for r in res.results] == ["made", "failed"]
    art = res.results[0].artifact
    assert res.results[0].output.name == "oms-e07-strip.png" and art.kind == "strip"
    with Image.open(res.results[0].output) as im:
        assert im.width == 300
        # the middle tile is the black gap (truth: black 21–22 s): darker than the others
        grey = np.asarray(im.convert("L"), dtype=float)
        thirds = [grey[:, i * 100:(i + 1) * 100].mean() for i in range(3)]
        assert thirds[1] < min(thirds[0], thirds[2])


def test_code_version_is_the_version_and_a_hash_of_every_package_file(tmp_path, monkeypatch):
    """Any change to any file of clipkit (a module run only inside a function, a built-in preset)
    changes the code version, so every output made before is stale; a byte cache does not."""
    import shutil

    from clipkit import __version__
    from clipkit.pipeline.batch import freshness

    copy = tmp_path / "clipkit"
    shutil.copytree(freshness._PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(freshness, "_PACKAGE", copy)

    def version() -> str:
        freshness.code_version.cache_clear()
        return freshness.code_version()

    first = version()
    assert first.startswith(__version__ + "+") and version() == first
    (copy / "__pycache__").mkdir()
    (copy / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"cache")
    assert version() == first
    for changed in ("encode/gif/dither.py", "builtin_presets/tumblr.toml"):
        with open(copy / changed, "a", encoding="utf-8") as fh:
            fh.write("\n# changed\n")
        assert version() != first
        first = version()
    freshness.code_version.cache_clear()


def test_explain_says_why_each_job_is_made_or_skipped(series, sample, tmp_path, monkeypatch):
    import shutil

    from clipkit.pipeline.batch import freshness

    episode = tmp_path / "copy-of-ep07.mkv"
    shutil.copyfile(sample, episode)
    jobs = [{"kind": "still", "episode": str(episode), "at": "4"}, {"kind": "still", "ep": 7, "at": "10"}]
    path = job_file(tmp_path, series, jobs, output="x")
    out = tmp_path / "x"

    def why(**kw) -> list[tuple[str, str]]:
        res = batch(path, explain=True, **kw)
        return [(r.status, r.reason) for r in res.results]

    assert [(s, r.split(" (")[0]) for s, r in why()] == [("planned", "not made yet")] * 2
    assert not out.exists()
    made = batch(path)
    assert [r.status for r in made.results] == ["made", "made"]
    assert all(r.reason.startswith("not made yet") for r in made.results)
    assert [s for s, _ in why()] == ["skipped", "skipped"]
    assert all(r.startswith("up to date") for _, r in why())
    assert [s for s, _ in why(overrides={"still.width": 300})] == ["planned", "planned"]
    assert "settings changed" in why(overrides={"still.width": 300})[0][1]
    assert why(force=True)[0] == ("planned", "forced (--force)")
    os.utime(episode, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert "episode file changed" in why()[0][1] and why()[1][0] == "skipped"
    made = batch(path)
    assert [r.status for r in made.results] == ["made", "skipped"]
    made.results[1].output.unlink()
    assert why()[1] == ("planned", f"{made.results[1].output.name} is missing")
    monkeypatch.setattr(freshness, "code_version", lambda: "0.0.9+0123456789ab")
    assert "clipkit changed since it was made" in why()[0][1]
    monkeypatch.undo()
    state = json.loads((out / STATE_NAME).read_text())
    for entry in state["jobs"].values():
        entry["key"] = "an opaque key of state format 1"
    state["version"] = 1
    (out / STATE_NAME).write_text(json.dumps(state))
    assert "older clipkit" in why()[0][1]
    cli = run("batch", path, "--explain")
    assert cli.returncode == 0 and cli.stderr.count("why: ") == 2 and "older clipkit" in cli.stderr
    assert not made.results[1].output.exists()  # --explain writes nothing


def test_episode_by_number_with_the_default_pattern(sample, tmp_path):
    """The default pattern *e{ep:02d}.* finds the video, not its subtitles or notes beside it."""
    from clipkit.pipeline.batch import resolve_episode
    from clipkit.presets import resolve

    folder = tmp_path / "eps"
    folder.mkdir()
    (folder / sample.name).symlink_to(sample)
    (folder / sample.with_suffix(".en.srt").name).write_text("1\n00:00:01,000 --> 00:00:02,000\nHi\n")
    (folder / "show-s01e08.nfo").write_text("no video for episode 8")
    r = resolve(overrides={"series.episodes": str(folder)})
    assert resolve_episode(r, {"ep": 7}, False) == (sample.resolve(), 7)
    assert resolve_episode(r, {"ep": "7"}, True)[1] == 7
    with pytest.raises(ClipkitError, match="episode 9: no file matches"):
        resolve_episode(r, {"ep": 9}, False)
    with pytest.raises(ClipkitError, match="not an episode number"):
        resolve_episode(r, {"ep": "seven"}, True)


def test_an_episodes_folder_that_is_not_there_is_named_as_missing(tmp_path):
    """A preset in presets/ with episodes = "../season" (meant from the job file's folder) said "episode 7: no file
    matches 'show-s01e07.mkv' in presets/../season", as if the folder held other files; it says the folder is
    not there, and what the path is relative to."""
    presets = tmp_path / "presets"
    presets.mkdir()
    (tmp_path / "season").mkdir()
    preset = presets / "show.toml"
    preset.write_text('[series]\nepisodes = "../sesaon"\nepisode_pattern = "show-s01e{ep:02d}.mkv"\n', encoding="utf-8")
    path = job_file(tmp_path, preset, [{"kind": "still", "ep": 7, "at": "3"}])
    (still,) = batch(path, output=tmp_path / "out", dry_run=True).results
    assert still.status == "failed"
    assert still.error == f"the episodes folder {presets / '../sesaon'} does not exist", still.error
    assert f"relative to the preset file that sets it (in {presets})" in still.hint, still.hint


def test_a_misspelt_top_level_key_of_a_job_file_says_what_was_meant(tmp_path):
    # 'titel' for 'title' got the list of keys but no "did you mean", unlike a job's or a preset's keys
    from clipkit.pipeline.jobfile import parse_job_file

    path = tmp_path / "post.toml"
    path.write_text('titel = "Episode 7"\n[[job]]\nkind = "still"\nep = 7\nstart = "1"\n', encoding="utf-8")
    with pytest.raises(PresetError, match=r"unknown top-level key 'titel' \(did you mean 'title'\?\)"):
        parse_job_file(path)
    run_ = run("batch", str(path))
    assert run_.returncode == 2 and "did you mean 'title'" in run_.stderr and "Traceback" not in run_.stderr


def test_workers_as_text_or_nonsense(tmp_path):
    """batch(…, workers="2") (as a form or an environment variable gives it) failed with
    "TypeError: '<' not supported between instances of 'str' and 'int'"."""
    preset = tmp_path / "show.toml"
    preset.write_text('[series]\nepisodes = "."\nepisode_pattern = "e{ep:02d}.mkv"\n', encoding="utf-8")
    path = job_file(tmp_path, preset, [{"kind": "still", "ep": 7, "at": "3"}])
    assert len(batch(path, output=tmp_path / "out", dry_run=True, workers="2").results) == 1
    for bad in ("two", 0, 1.5, True):
        with pytest.raises(UsageError, match="needs at least 1 worker") as err:
            batch(path, output=tmp_path / "out", dry_run=True, workers=bad)
        assert str(err.value).startswith(f"workers={bad!r}:"), err.value  # the keyword, not the CLI's -j


def test_a_negative_or_broken_episode_number_is_refused_on_its_row(tmp_path):
    # ep = -1 was taken as episode -1 (the pattern found "show-e-1.mkv" and the still was made from it), and a CSV
    # row naming its file with a broken ep beside it ("show-e01.mkv", "x") stopped the whole batch: "internal error"
    from media import ffmpeg

    eps = tmp_path / "eps"
    eps.mkdir()
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=160x90:r=10:d=2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
           eps / "show-e01.mkv")
    (eps / "show-e-1.mkv").symlink_to(eps / "show-e01.mkv")
    preset = tmp_path / "show.toml"
    preset.write_text('[series]\nepisodes = "eps"\nepisode_pattern = "show-e{ep:02d}.mkv"\n', encoding="utf-8")
    jobs = tmp_path / "season.csv"
    jobs.write_text("kind,ep,episode,at,name\nstill,-1,,1,minus\nstill,1,,1,one\nstill,x,show-e01.mkv,1,x\n"
                    "still,,7,1,seven\n", encoding="utf-8")
    res = run("batch", jobs, "--preset", preset, "-o", tmp_path / "out", "-j", "1")
    assert res.returncode == 1 and "Traceback" not in res.stderr and "internal error" not in res.stderr, res.stderr
    lines = res.stderr.splitlines()
    allowed = "episode numbers are whole numbers from 0 up, e.g. ep = 7"
    assert any("season.csv:2" in ln and "ep = -1 is not an episode number" in ln and allowed in ln for ln in lines)
    assert any("season.csv:4" in ln and "ep = x is not an episode number" in ln for ln in lines)
    assert any("season.csv:5" in ln and "episode file not found" in ln and "ep = 7, not episode =" in ln for ln in lines)
    assert sorted(p.name for p in (tmp_path / "out").glob("*.png")) == ["one.png"]
    bad = tmp_path / "post.toml"
    bad.write_text(f'preset = "{preset.as_posix()}"\n[[job]]\nkind = "still"\nep = -1\nat = "1"\n', encoding="utf-8")
    (result,) = batch(bad, output=tmp_path / "out2", dry_run=True).results
    assert result.status == "failed" and result.error == "ep = -1 is not an episode number"


def test_a_jobs_crop_shape_or_colour_is_refused_on_its_line(series, tmp_path):
    # a job's crop = "4:3" failed only at decoding, as "--crop 4:3 keeps only 4×3 pixels" (a flag never typed)
    path = job_file(tmp_path, series, [{"kind": "gif", "ep": 7, "start": "1", "end": "+1", "crop": "4:3"},
                                       {"kind": "strip", "ep": 7, "background": "blakc"}])
    gif, strip = batch(path, output=tmp_path / "out", dry_run=True).results
    assert (gif.status, gif.line) == ("failed", job_lines(path)[0])
    assert gif.error == ("crop in this job: gif.crop 4:3 keeps only 4×3 pixels (a crop is in pixels, not an aspect "
                         "ratio: a 4:3 picture 360 px high is 480:360)")
    assert strip.status == "failed" and "strip.background blakc is not a colour (did you mean 'black'?)" in strip.error


@pytest.mark.parametrize("key, value, said", [
    ("naming", "{stme}_{tag}", "[series] naming {stme}_{tag} has an unknown placeholder {stme} (did you mean {stem}?)"),
    ("episode_pattern", "show-e{epp:02d}.mkv",
     "[series] episode_pattern show-e{epp:02d}.mkv has an unknown placeholder {epp} (did you mean {ep}?)"),
    ("naming", "e{ep:02d}-{tag", "[series] naming e{ep:02d}-{tag is not a name template"),
])
def test_a_series_template_is_checked_when_the_preset_loads(tmp_path, key, value, said):
    # a misspelt {stme} in [series] naming or {epp} in episode_pattern failed every job of the batch, one by one
    # ("naming pattern '{stme}_{tag}' cannot be filled in: 'stme'"), without the placeholder meant
    from media import ffmpeg

    (tmp_path / "eps").mkdir()
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=160x90:r=10:d=2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
           tmp_path / "eps" / "show-e01.mkv")
    preset = tmp_path / "show.toml"
    values = {"episode_pattern": "show-e{ep:02d}.mkv", key: value}
    preset.write_text('[series]\nepisodes = "eps"\n' + "".join(f'{k} = "{v}"\n' for k, v in values.items()),
                      encoding="utf-8")
    jobs = tmp_path / "season.csv"
    jobs.write_text("kind,ep,at\nstill,1,1\nstill,1,1.5\n", encoding="utf-8")
    res = run("batch", jobs, "--preset", preset, "-o", tmp_path / "out")
    assert res.returncode == 2 and res.stderr.count("\n") == 1, res.stderr
    assert f"{preset}: {said}" in res.stderr, res.stderr
    assert not (tmp_path / "out").exists()


def test_a_list_of_times_for_a_still_says_a_strip_takes_them(series, tmp_path):
    # at = ["1", "2"] on a still was read as one time: "\"['1', '2']\" is not a timestamp: a comma may only separate
    # the milliseconds"; a gif's start = ["1"] likewise
    path = job_file(tmp_path, series, [{"kind": "still", "ep": 7, "at": ["1", "2"]},
                                       {"kind": "gif", "ep": 7, "start": ["1"], "end": "+1"}])
    still_, gif = batch(path, output=tmp_path / "out", dry_run=True).results
    assert still_.status == gif.status == "failed"
    assert still_.error == 'a still job needs one time as at, not a list (a strip takes at = ["…", "…"]: kind = "strip")'
    assert gif.error == "a gif job needs one time as start, not a list"


def test_a_backwards_or_mistyped_range_fails_its_job_in_a_dry_run(tmp_path):
    """`clipkit batch post.csv -n` said "would make c.gif" of a job from 12:30 to 12:20 (or to "12:3O"), which the
    real run then failed: a typed range that is backwards or not a time fails its job as the file is read."""
    preset = tmp_path / "show.toml"
    preset.write_text('[series]\nepisodes = "."\nepisode_pattern = "e{ep:02d}.mkv"\n', encoding="utf-8")
    (tmp_path / "e07.mkv").write_bytes(b"")  # never opened: a dry run plans
    path = job_file(tmp_path, preset, [{"kind": "gif", "ep": 7, "start": "12:30", "end": "+2"},
                                       {"kind": "gif", "ep": 7, "start": "12:30", "end": "12:20"},
                                       {"kind": "clip", "ep": 7, "start": "12:30", "end": "12:3O"},
                                       {"kind": "gif", "ep": 7, "start": "f100", "end": "f200"}])
    ok, backwards, typo, frames = batch(path, output=tmp_path / "out", dry_run=True).results
    assert ok.status == frames.status == "planned", (ok.error, frames.error)  # frame numbers: the job's, with its rate
    assert backwards.status == "failed" and "the end 12:20 is not after the start 12:30" in backwards.error
    assert typo.status == "failed" and '"12:3O" is not a timestamp' in typo.error, typo.error


def test_a_misspelt_job_kind_says_what_was_meant(tmp_path):
    # kind = "sitll" got the list of kinds but no "did you mean", unlike a misspelt key of the same job
    preset = tmp_path / "show.toml"
    preset.write_text('[series]\nepisodes = "."\nepisode_pattern = "e{ep:02d}.mkv"\n', encoding="utf-8")
    path = job_file(tmp_path, preset, [{"kind": "sitll", "ep": 7, "at": "3"}, {"kind": "sculpture", "ep": 7}])
    typo, other = batch(path, output=tmp_path / "out", dry_run=True).results
    assert typo.status == "failed" and typo.error == "unknown job kind 'sitll' (did you mean 'still'?)", typo.error
    assert other.error == "unknown job kind 'sculpture'" and "still, gif, strip, clip" in other.hint
