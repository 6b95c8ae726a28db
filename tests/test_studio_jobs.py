"""clipkit studio's jobs: GIFs and stills made in worker processes, two at once, cancelled, a client going away."""

from __future__ import annotations

import contextlib
import json
import os
import time

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from clipkit.manifest import read_manifest  # noqa: E402
from studio_app import studio_client  # noqa: E402

pytestmark = pytest.mark.slow


def _wait(c, job_id, timeout=240):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        job = c.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job['state']} after {timeout} s")


@pytest.fixture()
def client(sample, tmp_path):
    with studio_client(sample, tmp_path) as c:
        yield c


def test_two_jobs_at_once_and_their_snippets(client):
    sources = client.get("/api/episodes/0/lines").json()["sources"]
    english = next(s["subs"] for s in sources if s["language"] == "eng")
    gif = client.post("/api/jobs", json={"kind": "gif", "episode": 0, "start": "24", "end": "25.5", "width": 160, "fps": 10,
                                         "subs": english})
    still = client.post("/api/jobs", json={"kind": "still", "episode": 0, "start": "9.5"})
    assert gif.status_code == still.status_code == 202
    # the server answers while both run
    assert client.get("/api/episodes").status_code == 200
    g, s = _wait(client, gif.json()["id"]), _wait(client, still.json()["id"])
    assert g["state"] == "done", g
    assert s["state"] == "done", s
    r = g["result"]
    assert (r["width"], r["frame_count"]) == (160, 15) and r["duration"] == "3/2"
    assert "He knew. He always knew." in r["captions"]
    made = [e.artifact.path.name for e in read_manifest(client.studio.output)]
    assert sorted(made) == sorted([r["path"].split("/")[-1], s["result"]["path"].split("/")[-1]])
    snip = client.get(f"/api/jobs/{g['id']}/snippet", params={"format": "markdown"}).json()["text"]
    assert snip.startswith("![") and r["path"].split("/")[-1] in snip
    served = client.get("/files/" + r["path"].split("/")[-1])
    assert served.status_code == 200 and served.content[:6] == b"GIF89a"
    post = client.get("/api/export", params={"format": "bbcode"}).json()["text"]
    assert post.count("[img") == 2


def test_subs_only_from_the_episodes_own_sources(client):
    for subs in ("../secret.srt", "/etc/passwd", "track:1; rm", "x" * 300):
        r = client.post("/api/jobs", json={"kind": "gif", "episode": 0, "start": "1", "end": "2", "subs": subs})
        assert r.status_code == 400, subs


def test_a_job_cancelled_leaves_no_file(client):
    job = client.post("/api/jobs", json={"kind": "gif", "episode": 0, "start": "0", "end": "40", "width": 480, "fps": 20}).json()
    end = time.monotonic() + 120
    while client.get(f"/api/jobs/{job['id']}").json()["done"] == 0:  # it has started encoding
        assert time.monotonic() < end
        time.sleep(0.1)
    assert client.post(f"/api/jobs/{job['id']}/cancel").status_code == 202
    done = _wait(client, job["id"], timeout=60)
    assert done["state"] == "cancelled" and done["result"] is None
    assert not [p for p in client.studio.output.iterdir() if p.suffix == ".gif" or ".tmp" in p.name or p.name.startswith(".")], \
        list(client.studio.output.iterdir())


def test_client_going_away_mid_job(client):
    job = client.post("/api/jobs", json={"kind": "gif", "episode": 0, "start": "4", "end": "6", "width": 160, "fps": 10}).json()
    with client.stream("GET", f"/api/jobs/{job['id']}/events") as events:
        first = next(events.iter_lines())
        assert first.startswith("data: ") and json.loads(first[6:])["id"] == job["id"]
    # the page went away: the job goes on, the server still answers
    assert client.get("/api/episodes").status_code == 200
    assert _wait(client, job["id"])["state"] == "done"
    # a stream opened on a finished job gives its final state and ends
    with client.stream("GET", f"/api/jobs/{job['id']}/events") as events:
        lines = [l for l in events.iter_lines() if l]
    assert len(lines) == 1 and json.loads(lines[0][6:])["state"] == "done"


def test_snap_moves_the_start_onto_the_cut(client):
    """The sample cuts at 8 s (truth); 7.8 s snaps to it, as `clipkit gif --snap` does."""
    job = client.post("/api/jobs", json={"kind": "gif", "episode": 0, "start": "7.8", "end": "9", "width": 64, "fps": 5,
                                         "captions": False, "snap": True}).json()
    done = _wait(client, job["id"])
    assert done["state"] == "done", done
    assert (done["result"]["start"], done["result"]["end"]) == ("8", "9")


def test_shots_found_once_with_progress_then_from_the_cache(client, truth, tmp_path, monkeypatch):
    """The first time, shots come from a detection job whose progress streams; then at once, transitions marked."""
    from fractions import Fraction

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the scene cache starts empty
    first = client.get("/api/episodes/0/shots")
    assert first.status_code == 202
    job = first.json()["job"]
    assert client.get("/api/episodes/0/shots").json()["job"]["id"] == job["id"]  # one detection per episode
    with client.stream("GET", f"/api/jobs/{job['id']}/events") as events:
        states = [json.loads(l[6:]) for l in events.iter_lines() if l]
    assert states[-1]["state"] == "done", states[-1]
    assert any(0 < s["done"] < s["total"] for s in states), "no progress was streamed"
    shots = client.get("/api/episodes/0/shots").json()["shots"]
    starts = [Fraction(s["start"]["exact"]) for s in shots]
    for cut in truth["cuts"]:
        assert any(abs(s - Fraction(str(cut))) <= Fraction(1, 24) for s in starts), (cut, starts)
    begins = {round(s["start"]["s"]): s["begins"] for s in shots}
    assert begins[0] == "start" and begins[8] == "cut" and "dissolve" in begins.values()
    assert any(b.startswith("fade") for b in begins.values()), begins
    client.studio.scene_jobs.clear()  # a new page: the cache answers, no job
    assert client.get("/api/episodes/0/shots").status_code == 200


def test_clip_strip_and_own_caption_text(client):
    """A clip, a strip of the range and a GIF with the user's caption text and crop: the CLI's pipeline functions."""
    clip = client.post("/api/jobs", json={"kind": "clip", "episode": 0, "start": "24", "end": "25", "width": 320,
                                          "captions": False}).json()
    strip = client.post("/api/jobs", json={"kind": "strip", "episode": 0, "start": "0", "end": "16", "count": 2,
                                           "width": 400}).json()
    gif = client.post("/api/jobs", json={"kind": "gif", "episode": 0, "start": "24", "end": "25", "width": 120, "fps": 5,
                                         "caption": "Tom & <b>Jerry</b>", "caption_style": "boxed",
                                         "crop": "360:360:140:0"}).json()
    c, s, g = (_wait(client, j["id"]) for j in (clip, strip, gif))
    assert c["state"] == "done", c
    assert c["result"]["kind"] == "clip" and c["result"]["width"] == 320 and c["result"]["path"].endswith(".mp4")
    assert s["state"] == "done", s
    assert s["result"]["kind"] == "strip" and s["result"]["width"] == 400
    assert g["state"] == "done", g
    assert (g["result"]["width"], g["result"]["height"]) == (120, 120)
    assert g["result"]["captions"] == ["Tom & <b>Jerry</b>"]  # the user's own text, not the dialogue


def test_shot_detection_does_not_hold_up_making(sample, tmp_path, monkeypatch):
    """With one make slot, a GIF still starts while an episode's shots are being found (a slot of their own)."""
    from clipkit.studio.jobs import SCENES_NICENESS, JobManager

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    jobs = JobManager(max_running=1)
    try:
        scenes = jobs.submit("scenes", {"video": str(sample)})
        gif = jobs.submit("gif", {"video": str(sample), "start": "4", "end": "5", "output": str(tmp_path),
                                  "options": {"width": 64, "fps": 5, "subs": "off"}})
        end = time.monotonic() + 120
        side_by_side = False
        niceness = None  # how much lower the shot detection's worker runs than the GIF's, read while both run
        while not gif.finished:
            assert time.monotonic() < end
            side_by_side = side_by_side or (gif.state == "running" and scenes.state == "running")
            if scenes.state == "running" and gif.state == "running":
                with contextlib.suppress(OSError, AttributeError, TypeError):  # not started yet, or just ended
                    gap = (os.getpriority(os.PRIO_PROCESS, scenes.process.pid)
                           - os.getpriority(os.PRIO_PROCESS, gif.process.pid))
                    niceness = gap if niceness is None else max(niceness, gap)
            time.sleep(0.01)
        assert gif.state == "done", gif.error
        assert side_by_side, "the GIF waited for the shot detection"
        # the background detection yields the CPU to what the user is waiting for
        assert niceness == SCENES_NICENESS, niceness
    finally:
        jobs.shutdown()


def test_a_worker_that_cannot_start_fails_the_job(sample, tmp_path):
    """The system refuses a new process (EAGAIN: a loaded machine at its process limit): the job fails saying so; it
    stayed "running" for ever (its thread died on the error), and the page said "Making…" until it was reloaded."""
    import errno

    from clipkit.studio.jobs import JobManager

    jobs = JobManager(max_running=1)
    spawn = jobs._ctx

    class Refused:
        Queue, Event = spawn.Queue, spawn.Event

        def Process(self, **kwargs):  # noqa: N802 - the multiprocessing context's name
            proc = spawn.Process(**kwargs)
            proc.start = lambda: (_ for _ in ()).throw(OSError(errno.EAGAIN, "Resource temporarily unavailable"))
            return proc

    jobs._ctx = Refused()
    try:
        job = jobs.submit("still", {"video": str(sample), "start": "4", "output": str(tmp_path), "options": {}})
        end = time.monotonic() + 30
        while not job.finished and time.monotonic() < end:
            time.sleep(0.05)
        assert job.state == "failed" and "could not start a worker process" in job.error, (job.state, job.error)
        jobs._ctx = spawn  # the next job starts as usual: the make slot was given back
        again = jobs.submit("still", {"video": str(sample), "start": "4", "output": str(tmp_path), "options": {}})
        end = time.monotonic() + 240
        while not again.finished and time.monotonic() < end:
            time.sleep(0.1)
        assert again.state == "done", again.error
    finally:
        jobs.shutdown()


def test_a_cancelled_job_stopped_by_the_manager_leaves_no_temporary_files(sample, tmp_path, monkeypatch):
    """A cancel that lands where the GIF pipeline reports no progress (after decoding: resizing, the palette; 40 s
    for a 960-px minute) is not seen within GRACE, and the manager SIGTERMs the worker: it died at once and left
    its spilled frames in TMPDIR (1.3 GB for that minute).  Now it cleans up as Ctrl-C does, and the job says
    cancelled."""
    from clipkit.studio.jobs import JobManager

    spill_home = tmp_path / "tmp"
    spill_home.mkdir()
    monkeypatch.setenv("TMPDIR", str(spill_home))  # the worker (a new interpreter) spills here
    out = tmp_path / "out"
    out.mkdir()
    jobs = JobManager(max_running=1)
    try:
        job = jobs.submit("gif", {"video": str(sample), "start": "0", "end": "20", "output": str(out),
                                  "options": {"width": 480, "fps": 20, "subs": "off"}})
        end = time.monotonic() + 240
        while job.done < 400 and not job.finished:  # 20 s at 20 fps: decoded, its frames spilled
            assert time.monotonic() < end, (job.state, job.done, job.total)
            time.sleep(0.01)
        assert not job.finished and list(spill_home.glob("clipkit-spill-*")), (job.state, job.error)
        jobs.cancel(job.id)
        job.process.terminate()  # what the manager does once GRACE is over, here at once
        end = time.monotonic() + 60
        while not job.finished:
            assert time.monotonic() < end, job.state
            time.sleep(0.05)
        while job.process.exitcode is None:  # (not join: the manager's thread may reap the worker first)
            assert time.monotonic() < end, "the worker did not exit"
            time.sleep(0.05)
        assert job.state == "cancelled", (job.state, job.error)
        assert list(spill_home.iterdir()) == [] and list(out.iterdir()) == []
    finally:
        jobs.shutdown()


def test_a_cancel_while_the_gif_prepares_its_frames_stops_it_there(sample, truth, tmp_path, monkeypatch):
    """After decoding, a GIF job resized and captioned its frames and built its palettes (seconds; 40 s for a
    960-px minute) without reporting progress or looking at the cancel: a cancel there waited out GRACE and the
    worker was killed.  Now that phase counts as progress, and a cancel in it ends the job there, by itself: the
    manager's GRACE is made endless here, so only the job's own stop can end it."""
    from clipkit.studio import jobs as jobs_mod

    monkeypatch.setattr(jobs_mod, "GRACE", 1e6)
    spill_home = tmp_path / "tmp"
    spill_home.mkdir()
    monkeypatch.setenv("TMPDIR", str(spill_home))
    out = tmp_path / "out"
    out.mkdir()
    jobs = jobs_mod.JobManager(max_running=1)
    try:
        job = jobs.submit("gif", {"video": str(sample), "start": "0", "end": "20", "output": str(out),
                                  "options": {"width": 480, "fps": 20, "subs": "off", "caption": "Counting stars."}})
        decoded, frames = 20 * truth["fps"] + 1, 20 * 20  # the steps of decoding, and the GIF's frames
        end = time.monotonic() + 240
        while job.done <= decoded and not job.finished:
            assert time.monotonic() < end, (job.state, job.done, job.total)
            time.sleep(0.005)
        # decoding, preparing the frames (resized, captioned: each one a step), encoding them
        assert job.total == decoded + 2 * frames, (job.done, job.total)
        assert job.done <= decoded + frames // 2, (job.done, job.total)  # preparing them
        jobs.cancel(job.id)
        while not job.finished:
            assert time.monotonic() < end, (job.state, job.done)
            time.sleep(0.05)
        # (the manager's thread reaps the worker too: a join here can return before that thread records the
        # exit code, so wait for the code itself)
        while job.process.exitcode is None:
            assert time.monotonic() < end, "the worker did not exit"
            time.sleep(0.05)
        assert job.state == "cancelled", (job.state, job.error)
        assert job.done <= decoded + frames, (job.done, job.total)  # stopped before it encoded a frame
        assert job.process.exitcode == 0
        assert list(spill_home.iterdir()) == [] and list(out.iterdir()) == []
    finally:
        jobs.shutdown()


def test_a_job_read_as_it_finishes_is_never_done_without_its_result():
    """The page reads a job (its event stream, GET /api/jobs/ID) without the manager's lock, while the job's thread
    records the outcome: read between the state and the result, it was "done" with no result (the page then showed
    nothing and its stream ended).  Here the job is read at every step of the recording."""
    from clipkit.studio.jobs import Job, JobManager

    seen = []

    class Watched(Job):
        def __setattr__(self, name, value):
            super().__setattr__(name, value)
            if "version" in self.__dict__:  # built: a reader may come in after any assignment
                seen.append(self.view())

    jobs = JobManager()
    for outcome in ({"state": "done", "result": {"path": "x.gif"}, "notes": ["a note"]},
                    {"state": "failed", "error": "it broke"}):
        job = Watched(id="1", kind="gif", params={}, state="running")
        seen.clear()
        jobs._set(job, **outcome)
        finished = [v for v in seen if v["state"] in ("done", "failed")]
        assert finished and all(v["result"] == outcome.get("result") and v["error"] == outcome.get("error")
                                and v["notes"] == outcome.get("notes", []) for v in finished), seen


def test_the_event_stream_of_a_job_finishing_as_it_is_read_ends_with_its_outcome(client):
    """The stream read the job, then asked whether it was finished: a job finishing in between ended the stream on
    its last "running" state (the page waited; the tests read "running" as the last state)."""
    from clipkit.studio.jobs import Job

    class FinishesAsRead(Job):
        def view(self):
            shown = super().view()
            if self.state == "running":  # it finishes just after this read
                self.state, self.result, self.version = "done", {"path": "x.gif"}, self.version + 1
            return shown

    job = FinishesAsRead(id="race-1", kind="gif", params={}, state="running")
    client.studio.jobs._jobs[job.id] = job
    with client.stream("GET", f"/api/jobs/{job.id}/events") as events:
        states = [json.loads(line[6:]) for line in events.iter_lines() if line]
    assert [s["state"] for s in states] == ["running", "done"] and states[-1]["result"] == {"path": "x.gif"}, states


def test_a_worker_stopping_by_itself_finishes_its_clean_up_through_a_sigterm(tmp_path):
    """A worker that saw the cancel is cleaning up (removing its spilled frames) when the manager's SIGTERM comes
    (its GRACE ran out meanwhile): the clean-up must not be cut short by it, or the frames stay in TMPDIR."""
    import subprocess
    import sys

    marker = tmp_path / "cleaned"
    script = (
        "import multiprocessing as mp, os, signal, sys, time\n"
        "from clipkit.studio import jobs\n"
        "signal.signal(signal.SIGTERM, jobs._stop_on_sigterm)  # as the worker starts\n"
        "cancel = mp.get_context('spawn').Event()\n"
        "cancel.set()\n"
        "progress = jobs._reporter(mp.get_context('spawn').Queue(), cancel)\n"
        "try:\n"
        "    assert progress(1, 10) is False  # the job sees the cancel and stops by itself\n"
        "finally:\n"
        "    os.kill(os.getpid(), signal.SIGTERM)  # the manager's, during the clean-up\n"
        "    time.sleep(0.5)\n"
        "    open(sys.argv[1], 'w').write('cleaned')\n")
    proc = subprocess.run([sys.executable, "-c", script, str(marker)], capture_output=True, text=True, timeout=120)
    assert marker.is_file(), f"the clean-up was cut (exit {proc.returncode}): {proc.stderr[-500:]}"
