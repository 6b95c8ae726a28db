"""The studio's post tray: reordered and edited, exported in that order, saved as a job file that `clipkit batch` remakes."""

from __future__ import annotations

import subprocess
import sys
import os

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")
from starlette.testclient import TestClient  # noqa: E402

from clipkit.embed import embed_files  # noqa: E402
from clipkit.manifest import read_manifest  # noqa: E402
from studio_app import PORT, TOKEN, make_studio  # noqa: E402
from test_studio_jobs import _wait  # noqa: E402

pytestmark = pytest.mark.slow


def test_tray_reorder_edit_export_and_batch_round_trip(sample, tmp_path):
    studio, app = make_studio(sample, tmp_path)
    with TestClient(app, base_url=f"http://127.0.0.1:{PORT}", headers={"x-clipkit-token": TOKEN}) as c:
        english = next(s["subs"] for s in c.get("/api/episodes/0/lines").json()["sources"] if s["language"] == "eng")
        gif = c.post("/api/jobs", json={"kind": "gif", "episode": 0, "start": "24", "end": "25.5", "width": 96, "fps": 8,
                                        "subs": english, "caption_style": "yellow"}).json()
        still = c.post("/api/jobs", json={"kind": "still", "episode": 0, "start": "9.5", "width": 160}).json()
        assert _wait(c, gif["id"])["state"] == "done" and _wait(c, still["id"])["state"] == "done"
        items = c.get("/api/tray").json()["items"]
        assert [i["job"] for i in items] == [gif["id"], still["id"]]
        names = {i["job"]: i["name"] for i in items}
        # the tray's order (the later moment first: not source order) is what `clipkit embed --all` lists
        plain = {"alt": "", "title": "", "credit": "", "spoiler": False}
        assert c.put("/api/tray", json={"items": [{"job": gif["id"], **plain}, {"job": still["id"], **plain}]}).status_code == 200
        listed = [a.path.name for a in embed_files([studio.output], "html", all=True).artifacts]
        assert listed == [names[gif["id"]], names[still["id"]]]
        edited = [{"job": still["id"], "alt": 'A "quiet" <moment>', "title": "", "credit": "Fuji TV", "spoiler": False},
                  {"job": gif["id"], "alt": "", "title": "He knew & said so", "credit": "", "spoiler": True}]
        r = c.put("/api/tray", json={"items": edited})
        assert r.status_code == 200 and [i["job"] for i in r.json()["items"]] == [still["id"], gif["id"]]
        html = c.get("/api/export", params={"format": "html", "base_url": "https://b.example/up/"}).json()["text"]
        assert html.index(names[still["id"]]) < html.index(names[gif["id"]])  # tray order
        assert 'alt="A &quot;quiet&quot; &lt;moment&gt;"' in html and "<moment>" not in html
        assert "He knew &amp; said so" in html and "<details" in html  # the GIF's title, inside a spoiler
        # the manifest has the same choices: `clipkit embed --all` says the same
        embeds = {e.artifact.path.name: e.embed for e in read_manifest(studio.output)}
        assert embeds[names[still["id"]]]["credit"] == "Fuji TV"
        saved = c.post("/api/tray/jobfile", json={"title": "Episode 7 <3"}).json()
    job_file = studio.output / saved["name"]
    assert job_file.read_text(encoding="utf-8") == saved["text"]
    # `clipkit batch` on the saved file remakes the post, for real, elsewhere (-o): same files, same order
    remade = tmp_path / "remade"
    run = subprocess.run([sys.executable, "-m", "clipkit", "batch", str(job_file), "-o", str(remade)],
                         capture_output=True, text=True, timeout=300, env={**os.environ})
    assert run.returncode == 0, run.stdout + run.stderr
    for job_id in (gif["id"], still["id"]):
        name = names[job_id]
        assert (remade / name).read_bytes() == (studio.output / name).read_bytes(), name
    index = (remade / "index.html").read_text(encoding="utf-8")
    assert index.index(names[still["id"]]) < index.index(names[gif["id"]])
    assert "Episode 7 &lt;3" in index
    # and `clipkit embed --all` over the remade folder prints the post the studio exported, word for word
    run = subprocess.run([sys.executable, "-m", "clipkit", "embed", "--all", str(remade), "-f", "html",
                          "--base-url", "https://b.example/up/"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == html.strip()


def test_save_as_job_file_never_replaces_the_users_own_post_toml(sample, tmp_path):
    # the studio's output folder may hold the user's own post.toml: saving the tray must not replace it
    # (before, it was overwritten without a word); the studio's own saved file is replaced by the next save
    studio, app = make_studio(sample, tmp_path)
    with TestClient(app, base_url=f"http://127.0.0.1:{PORT}", headers={"x-clipkit-token": TOKEN}) as c:
        still = c.post("/api/jobs", json={"kind": "still", "episode": 0, "start": "9.5", "width": 96}).json()
        assert _wait(c, still["id"])["state"] == "done"
        mine = studio.output / "post.toml"
        mine.write_text('# my review of episode 7\npreset = "one-million-stars"\n', encoding="utf-8")
        r = c.post("/api/tray/jobfile", json={"title": "Episode 7"})
        assert r.status_code == 409 and "did not write it" in r.json()["error"], r.text
        assert mine.read_text(encoding="utf-8").startswith("# my review of episode 7")
        mine.unlink()
        first = c.post("/api/tray/jobfile", json={"title": "Episode 7"})
        assert first.status_code == 200, first.text
        again = c.post("/api/tray/jobfile", json={"title": "Episode 7, again"})
        assert again.status_code == 200 and 'title = "Episode 7, again"' in mine.read_text(encoding="utf-8")


def test_export_leaves_out_a_file_removed_since_and_a_spoiler_is_true_or_false(sample, tmp_path):
    # a still deleted from the output folder after it was made was still exported (a broken image in the post),
    # with no word; and a spoiler of "yes" was stored as false (shown unhidden) with a 200
    studio, app = make_studio(sample, tmp_path)
    with TestClient(app, base_url=f"http://127.0.0.1:{PORT}", headers={"x-clipkit-token": TOKEN}) as c:
        jobs = [c.post("/api/jobs", json={"kind": "still", "episode": 0, "start": t, "width": 96}).json() for t in ("9.5", "30")]
        assert all(_wait(c, j["id"])["state"] == "done" for j in jobs)
        items = c.get("/api/tray").json()["items"]
        gone, kept = (studio.output / i["name"] for i in items)
        bad = c.put("/api/tray", json={"items": [{"job": i["job"], "alt": "", "title": "", "credit": "", "spoiler": "yes"}
                                                 for i in items]})
        assert bad.status_code == 400 and "Spoiler is on or off (true or false)" in bad.text
        assert not any(i["spoiler"] for i in c.get("/api/tray").json()["items"])
        gone.unlink()
        out = c.get("/api/export", params={"format": "markdown"}).json()
        assert gone.name not in out["text"] and kept.name in out["text"]
        assert any(gone.name in n and "left out" in n for n in out["notes"])


def test_saving_the_tray_into_an_output_folder_that_cannot_be_written_says_so(sample, tmp_path):
    """Save as job file with the output folder gone (moved away, a file of its name in its place) was a 500 "Internal
    Server Error" and a traceback in the terminal; now the page is told in one line what is wrong, and the studio goes
    on (the tray saves once the folder is back)."""
    studio, app = make_studio(sample, tmp_path)
    with TestClient(app, base_url=f"http://127.0.0.1:{PORT}", headers={"x-clipkit-token": TOKEN}) as c:
        still = c.post("/api/jobs", json={"kind": "still", "episode": 0, "start": "9.5", "width": 160}).json()
        assert _wait(c, still["id"])["state"] == "done"
        aside = studio.output.with_name("moved away")
        studio.output.rename(aside)
        studio.output.write_text("a file where the output folder was")
        r = c.post("/api/tray/jobfile", json={"title": "Episode 7"})
        assert r.status_code == 422, (r.status_code, r.text)
        said = r.json()["error"]
        assert said == f"cannot write to {studio.output}: it exists and is not a folder", said
        studio.output.unlink()
        aside.rename(studio.output)
        saved = c.post("/api/tray/jobfile", json={"title": "Episode 7"})
        assert saved.status_code == 200 and (studio.output / saved.json()["name"]).is_file()
