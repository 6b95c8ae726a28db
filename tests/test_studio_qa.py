"""clipkit studio as a user drives it, where it went wrong: the same range made twice (and every strip of an episode)
replaced the file already in the post tray; a range past the end was estimated and sent to a worker; a page that had
not seen a job land (another tab, a reload mid-job) dropped it from the tray on its next edit; a shot detection's
"snippet" was a server error."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from clipkit.manifest import read_manifest  # noqa: E402
from studio_app import TOKEN, studio_client  # noqa: E402
from test_studio_jobs import _wait  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture()
def client(sample, tmp_path):
    with studio_client(sample, tmp_path) as c:
        yield c


def _make(c, **body):
    r = c.post("/api/jobs", json={"episode": 0, **body})
    assert r.status_code == 202, r.text
    job = _wait(c, r.json()["id"])
    assert job["state"] == "done", job
    return job


def test_making_the_same_range_again_keeps_the_first_file(client):
    """Two GIFs of one range (other widths) and two strips (other ranges): four files, each as made, all in the tray."""
    jobs = [_make(client, kind="gif", start="24", end="25", width=w, fps=5, captions=False) for w in (96, 128)]
    jobs += [_make(client, kind="strip", start=a, end=b, count=2, width=w) for a, b, w in (("0", "16", 200), ("30", "50", 240))]
    paths = [Path(j["result"]["path"]) for j in jobs]
    assert len({p.name for p in paths}) == 4, [p.name for p in paths]
    assert paths[1].name == paths[0].stem + "_2.gif" and paths[3].name == paths[2].stem + "_2.png"
    from PIL import Image

    for path, job in zip(paths, jobs):  # each file is still the one its job made
        with Image.open(path) as im:
            assert im.width == job["result"]["width"], path.name
    tray = client.get("/api/tray").json()["items"]
    assert [i["name"] for i in tray] == [p.name for p in paths]
    # served for revalidation each time: a file made again under a name the browser saw must not show as it kept it
    served = client.get("/files/" + paths[0].name)
    assert served.status_code == 200 and "no-cache" in served.headers["cache-control"] and served.headers.get("etag")
    assert sorted(e.artifact.path.name for e in read_manifest(client.studio.output)) == sorted(p.name for p in paths)


@pytest.mark.parametrize("body, said", [
    ({"kind": "gif", "start": "58", "end": "62"}, "the end 1:02 is past the end"),
    ({"kind": "clip", "start": "61", "end": "65"}, "the start 1:01 is past the end"),
    ({"kind": "still", "start": "60.5"}, "the time 1:00.5 is past the end"),
    ({"kind": "strip", "start": "50", "end": "70"}, "the end 1:10 is past the end"),
])
def test_a_range_past_the_end_is_refused_before_any_work(client, body, said):
    """Said in the page's words (no `clipkit info FILE`), with the episode's length; no size estimated, no worker."""
    for route in ("/api/estimate", "/api/jobs"):
        r = client.post(route, json={"episode": 0, **body})
        if route == "/api/estimate" and body["kind"] in ("still", "strip"):
            assert r.status_code in (200, 400)  # (no estimate for these kinds either way)
            continue
        assert r.status_code == 400, (route, r.text)
        error = r.json()["error"]
        assert error.startswith(said) and "is 1:00 long" in error and "clipkit" not in error and "\n" not in error
    assert client.get("/api/jobs").json() == []


def test_the_tray_keeps_an_item_the_page_had_not_seen(client):
    """A page that read the tray before a job landed sends its edit without that item: the item stays; a removal is
    said, not inferred."""
    gif = _make(client, kind="gif", start="24", end="25", width=96, fps=5, captions=False)
    still = _make(client, kind="still", start="9.5", width=96)
    edit = [{"job": gif["id"], "alt": "An edit from a stale page", "title": "", "credit": "", "spoiler": False}]
    r = client.put("/api/tray", json={"items": edit})
    assert r.status_code == 200
    items = r.json()["items"]
    assert [i["job"] for i in items] == [gif["id"], still["id"]] and items[0]["alt"] == "An edit from a stale page"
    r = client.put("/api/tray", json={"items": edit, "removed": [still["id"]]})
    assert [i["job"] for i in r.json()["items"]] == [gif["id"]]
    assert [i["job"] for i in client.get("/api/tray").json()["items"]] == [gif["id"]]  # and it stays out


def test_embed_all_lists_the_tray_in_its_order_before_any_edit(client, monkeypatch):
    """Made later moment first: the tray (and its export) shows them so, and so does `clipkit embed --all` in the
    output folder as soon as the page has read the tray, before any reorder or edit (it listed source order)."""
    from clipkit.embed import embed_files

    gif = _make(client, kind="gif", start="24", end="25", width=96, fps=5, captions=False)
    still = _make(client, kind="still", start="9.5", width=96)
    items = client.get("/api/tray").json()["items"]
    assert [i["job"] for i in items] == [gif["id"], still["id"]]
    listed = [a.path.name for a in embed_files([client.studio.output], "html", all=True).artifacts]
    assert listed == [i["name"] for i in items]
    export = client.get("/api/export", params={"format": "html"}).json()["text"]
    monkeypatch.chdir(client.studio.output)  # the export names the files as they are there (beside the post)
    assert export == embed_files([client.studio.output], "html", all=True).text


def test_a_video_snippet_of_a_gif_without_its_mp4_says_so(client):
    """The studio makes no MP4/WebP copy of a GIF: the `video` and `picture` snippets are the plain html one, and
    the page says why (it looked like a <video> snippet that had silently failed)."""
    gif = _make(client, kind="gif", start="24", end="25", width=96, fps=5, captions=False)
    for fmt, kind in (("video", "MP4"), ("picture", "WEBP")):
        r = client.get(f"/api/jobs/{gif['id']}/snippet", params={"format": fmt, "base_url": "/up/"}).json()
        assert r["text"].startswith("<img ") and len(r["notes"]) == 1 and f"no {kind} copy" in r["notes"][0], r
    assert client.get(f"/api/jobs/{gif['id']}/snippet", params={"format": "html", "base_url": "/up/"}).json()["notes"] == []


def test_a_snippet_without_a_base_url_names_the_files_as_uploaded_beside_the_post(client, tmp_path, monkeypatch):
    """No Base URL: a made file's snippet and the post's export named each file by its path from the folder the
    studio was started in (`../../episodes/out/x.gif`), which means nothing where the snippet is pasted.  They name it
    as it is in the output folder — the name it is uploaded under, beside the post — and say that a Base URL makes
    the addresses full."""
    elsewhere = tmp_path / "started" / "here"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)  # the studio's working folder is not the output folder
    gif = _make(client, kind="gif", start="24", end="25", width=96, fps=5, captions=False)
    still = _make(client, kind="still", start="9.5", width=96)
    gif_name, still_name = (Path(j["result"]["path"]).name for j in (gif, still))
    assert Path(gif["result"]["path"]).parent == client.studio.output
    said = {"markdown": f"({gif_name})", "html": f'<img src="{gif_name}" width="96" height="54" ',
            "bbcode": f"[img]{gif_name}[/img]"}
    for fmt, text in said.items():
        r = client.get(f"/api/jobs/{gif['id']}/snippet", params={"format": fmt}).json()
        assert text in r["text"] and "/" not in r["text"].replace("[/img]", ""), (fmt, r["text"])
        assert r["notes"] == ["No Base URL: the files are named as they are in the output folder, for uploading beside "
                              "the post; a Base URL (the web folder they will be uploaded to) makes the addresses "
                              "full."], r["notes"]
    post = client.get("/api/export", params={"format": "markdown"}).json()
    assert post["text"].endswith(f"({gif_name})\n\n![Still from {client.studio.episodes[0].stem} at 0:09.5]({still_name})"), post
    assert post["notes"][0].startswith("No Base URL: ")
    r = client.get(f"/api/jobs/{gif['id']}/snippet", params={"format": "markdown", "base_url": "https://b.example/up"}).json()
    assert r["text"].endswith(f"(https://b.example/up/{gif_name})") and r["notes"] == [], r
    post = client.get("/api/export", params={"format": "markdown", "base_url": "https://b.example/up/"}).json()
    assert f"(https://b.example/up/{still_name})" in post["text"] and post["notes"] == [], post


def test_a_shot_detection_has_no_snippet(client):
    from clipkit.studio.jobs import Job

    job = Job(id="shots-1", kind="scenes", params={}, state="done", result={"shots": []})
    client.studio.jobs._jobs[job.id] = job  # a finished shot detection, as the timeline leaves one
    r = client.get("/api/jobs/shots-1/snippet", params={"format": "html"})
    assert r.status_code == 404 and "error" in r.json()


def _wait_or_say(driver, studio, wait, until):
    """``wait.until(until)``; on a timeout, fail with what the page and the server said (a bare TimeoutException
    told nothing of which step hung)."""
    from selenium.common.exceptions import TimeoutException

    try:
        wait.until(until)
    except TimeoutException:
        page = driver.execute_script("return [document.getElementById('job-state').textContent,"
                                     " document.getElementById('tray-list').textContent]")
        pytest.fail(f"page: {page}; jobs: {[(j.kind, j.state, j.error) for j in studio.jobs.all()]}")


class _NoEventStreams:
    """An ASGI wrapper that answers every job event stream with 503, as a proxy that cuts long responses does."""

    def __init__(self, app):
        self.app, self.state = app, app.state

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].endswith("/events"):
            await send({"type": "http.response.start", "status": 503, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"no streams here"})
            return
        await self.app(scope, receive, send)


@contextlib.contextmanager
def _episode_page(sample, tmp_path, monkeypatch, *, poll=0.1, before=None):
    """The studio served over ``sample``, a Chromium page on it with episode 0 open and its lines listed:
    yields (studio, driver, wait, origin).  ``before(driver, origin)`` runs before the page is loaded."""
    from browser import start_chromium
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from studio_app import served_studio

    with served_studio(sample, tmp_path, monkeypatch) as (studio, port):
        driver = start_chromium(tmp_path / "profile")
        try:
            origin = f"http://127.0.0.1:{port}"
            if before is not None:
                before(driver, origin)
            wait = WebDriverWait(driver, 120, poll)
            driver.get(f"{origin}/?token={TOKEN}")
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#episode-list li[data-id]"))
            driver.execute_script("document.querySelector(\"#episode-list li[data-id='0']\").click()")
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#lines li .time"))
            yield studio, driver, wait, origin
        finally:
            driver.quit()


@pytest.mark.browser
def test_a_page_without_event_streams_still_sees_its_job_finish(sample, tmp_path, monkeypatch):
    """In Chromium, with the job's event stream broken (a proxy, a machine that slept): the page read the job no more
    and said "Making…" for ever; it now reads the job instead, shows the result and the tray gets it."""
    from browser import start_chromium
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from clipkit.studio.server import free_port
    from studio_app import make_studio, serving

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    port = free_port()
    studio, app = make_studio(sample, tmp_path, port=port)
    with serving(_NoEventStreams(app), port):
        driver = start_chromium(tmp_path / "profile")
        try:
            wait = WebDriverWait(driver, 120, 0.1)
            driver.get(f"http://127.0.0.1:{port}/?token={TOKEN}")
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#episode-list li[data-id]"))
            driver.find_element(By.CSS_SELECTOR, "#episode-list li[data-id='0']").click()
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#lines li .time"))
            driver.execute_script("for (const [k, v] of [['kind', 'still'], ['in', '20']]) { const e = document.getElementById(k);"
                                  " e.value = v; e.dispatchEvent(new Event('input')); }")
            # clicked in the page: the player's picture and the shots found in the background move the button down
            driver.execute_script("document.getElementById('make').click()")
            state = "return document.getElementById('job-state').textContent"
            _wait_or_say(driver, studio, wait, lambda d: d.execute_script(state) == "done")
            _wait_or_say(driver, studio, wait, lambda d: d.find_elements(By.CSS_SELECTOR, "#tray-list li[data-job]"))
            assert not driver.find_element(By.ID, "result").get_attribute("hidden")
            assert driver.find_element(By.ID, "progress").get_attribute("hidden") is not None
            [job] = [j for j in studio.jobs.all() if j.kind == "still"]
            assert job.state == "done" and Path(job.result["path"]).is_file()
        finally:
            driver.quit()


@pytest.mark.browser
def test_a_reloaded_page_follows_the_running_job_and_removes_what_it_says(sample, tmp_path, monkeypatch):
    """In Chromium: a made file's notes are shown (an upscaled still); while a GIF is made (and once it is
    cancelled) the last still and its snippet are not shown under it as if they were its own; a page reloaded while
    the GIF is made opens its episode again and shows its progress and Cancel there (it came back on the episode
    list, the progress and Cancel hidden in the episode view: nothing said a job was running); Cancel there stops
    it; ✕ takes an item out of the tray."""
    from browser import start_chromium
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from studio_app import served_studio

    def set_fields(driver, **fields):
        driver.execute_script("for (const [k, v] of Object.entries(arguments[0])) { const e = document.getElementById(k);"
                              " e.value = v; e.dispatchEvent(new Event('input')); }", fields)

    with served_studio(sample, tmp_path, monkeypatch) as (studio, port):
        driver = start_chromium(tmp_path / "profile")
        try:
            wait = WebDriverWait(driver, 120, 0.1)
            driver.get(f"http://127.0.0.1:{port}/?token={TOKEN}")
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#episode-list li[data-id]"))
            # the subtitle files beside the episode are counted (it said "0 subtitle track(s)" and no more)
            facts = driver.find_element(By.CSS_SELECTOR, "#episode-list li[data-id='0'] .note").text
            assert facts.endswith("· 1 subtitle file(s)"), facts  # the one studio_app writes beside it
            driver.find_element(By.CSS_SELECTOR, "#episode-list li[data-id='0']").click()
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#lines li .time"))
            tray = "return [...document.querySelectorAll('#tray-list li[data-job]')].map(li => li.dataset.job)"
            for at, width in (("9.5", "1920"), ("20", "160")):
                set_fields(driver, **{"kind": "still", "in": at, "width": width})
                # clicked in the page: the last result's picture may still be loading and moving the button
                driver.execute_script("document.getElementById('make').click()")
                _wait_or_say(driver, studio, wait, lambda d: len(d.execute_script(tray)) == (1 if at == "9.5" else 2))
                notes = driver.execute_script("return [...document.querySelectorAll('#result-notes li')].map(li => li.textContent)")
                # the pipeline's notes are shown beside the file, as the CLI prints them (they were dropped)
                assert any(n.startswith("upscaled from") for n in notes) == (width == "1920"), notes
            set_fields(driver, **{"kind": "gif", "in": "0", "out": "60", "width": "960", "fps": "15"})  # a minute of work at least
            driver.execute_script("document.getElementById('make').click()")
            wait.until(lambda d: d.execute_script("return document.getElementById('progress').value") > 0)
            shown = "return document.getElementById(arguments[0]).checkVisibility()"
            assert not driver.execute_script(shown, "result")  # the last still is not this job's result
            driver.refresh()
            wait.until(lambda d: d.execute_script(shown, "progress") and d.execute_script(shown, "cancel")
                       and d.execute_script("return document.getElementById('progress').value") > 0)
            assert driver.find_element(By.ID, "episode-name").text == sample.name
            running = [j for j in studio.jobs.all() if j.kind == "gif"]
            assert len(running) == 1 and running[0].state == "running"
            driver.execute_script("document.getElementById('cancel').click()")
            wait.until(lambda d: d.find_element(By.ID, "job-state").get_attribute("textContent") == "cancelled")
            assert running[0].state == "cancelled" and not list(studio.output.glob("*.gif"))
            assert not driver.execute_script(shown, "result")
            first, second = driver.execute_script(tray)
            driver.execute_script(f"document.querySelector(\"#tray-list li[data-job='{first}'] .remove\").click()")
            wait.until(lambda d: d.execute_script(tray) == [second])
            assert [i["job"] for i in studio.tray] == [second]
        finally:
            driver.quit()


@pytest.mark.browser
def test_a_reloaded_page_shows_the_episode_and_the_settings_the_user_had_set(sample, tmp_path, monkeypatch):
    """In Chromium: In / Out and the Make panel's fields set for an episode, then the page reloaded: it came back on
    the list of episodes, and the episode opened again showed empty In / Out and the default width and fps.  It now
    opens that episode again with what was set (the caption text the user typed too); back on the list, a reload
    stays there."""
    from selenium.webdriver.common.by import By

    fields = {"in": "12.5", "out": "15.25", "width": "320", "fps": "10", "crop": "auto", "max-size": "2MB",
              "caption-style": "boxed", "caption-text": "Tom & Jerry's <b>", "kind": "clip"}  # (a clip: FPS off, last)
    read = ("const value = (id) => document.getElementById(id);"
            " return Object.assign(Object.fromEntries(Object.keys(arguments[0]).map(k => [k, value(k).value])),"
            " {snap: value('snap').checked, captions: value('captions').checked})")
    with _episode_page(sample, tmp_path, monkeypatch) as (studio, driver, wait, origin):
        for key, value in fields.items():
            element = driver.find_element(By.ID, key)
            if element.tag_name == "select":
                driver.execute_script("arguments[0].value = arguments[1];"
                                      " arguments[0].dispatchEvent(new Event('change'))", element, value)
            else:
                driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
                element.clear()
                element.send_keys(value)  # typed, as a user does
        for key in ("snap", "captions"):
            driver.execute_script("document.getElementById(arguments[0]).click()", key)
        want = {**fields, "snap": True, "captions": False}
        assert driver.execute_script(read, fields) == want
        driver.refresh()
        episode_open = "return !document.getElementById('episode').hidden"
        wait.until(lambda d: d.execute_script(episode_open) and d.find_elements(By.CSS_SELECTOR, "#lines li .time"))
        assert driver.find_element(By.ID, "episode-name").text == sample.name
        assert driver.execute_script(read, fields) == want
        driver.execute_script("document.getElementById('back').click()")
        driver.refresh()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#episode-list li[data-id]"))
        assert not driver.execute_script(episode_open)
        driver.execute_script("document.querySelector(\"#episode-list li[data-id='0']\").click()")
        wait.until(lambda d: d.execute_script(episode_open))
        assert driver.execute_script(read, fields) == want  # (opened from the list: the same)


@pytest.mark.browser
def test_copy_right_after_typing_the_base_url_copies_the_snippet_with_it(sample, tmp_path, monkeypatch):
    """In Chromium, with a still made: a Base URL typed and Copy clicked at once (the field's change comes as the click
    begins; the new snippet is asked for then) copied the snippet shown before it, with the file's local path — the
    blog post got a broken picture.  Copy now waits for that snippet, and says it copied."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def before(driver, origin):
        driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": origin, "permissions": ["clipboardReadWrite"]})

    with _episode_page(sample, tmp_path, monkeypatch, before=before) as (studio, driver, wait, origin):
        driver.execute_script("for (const [k, v] of [['kind', 'still'], ['in', '9.5'], ['width', '160']]) {"
                              " const e = document.getElementById(k); e.value = v; e.dispatchEvent(new Event('input')); }")
        driver.execute_script("document.getElementById('make').click()")
        snippet = "return document.getElementById('snippet').value"
        _wait_or_say(driver, studio, wait, lambda d: d.execute_script(snippet).startswith("<img "))
        name = Path(studio.jobs.all()[-1].result["path"]).name
        driver.find_element(By.ID, "format").send_keys("markdown")
        wait.until(lambda d: d.execute_script(snippet).startswith("!["))
        assert driver.execute_script(snippet).endswith(f"({name})")  # as uploaded beside the post, and the page says so
        assert driver.find_element(By.ID, "snippet-note").text.startswith("No Base URL: the files are named as they are")
        driver.find_element(By.ID, "base-url").send_keys("https://myblog.example/uploads/")
        copy = driver.find_element(By.ID, "copy")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", copy)
        copy.click()  # a real click: the Base URL field loses the focus (its change) as it begins
        wait.until(lambda d: "https://myblog.example/" in d.execute_script(snippet))  # the new snippet is shown
        with contextlib.suppress(TimeoutException):  # it says when it has copied (it said nothing)
            WebDriverWait(driver, 10, 0.1).until(lambda d: d.find_element(By.ID, "copy").text == "Copied")
        pasted = driver.execute_async_script("navigator.clipboard.readText().then(arguments[0], e => arguments[0]"
                                             "('not read: ' + e))")
        assert pasted.startswith("![") and pasted.endswith(f"(https://myblog.example/uploads/{name})"), pasted
        assert driver.execute_script(snippet) == pasted
        assert driver.find_element(By.ID, "copy").text == "Copied"


@pytest.mark.browser
def test_a_line_found_by_search_is_captioned_from_its_own_track(sample, truth, tmp_path, monkeypatch):
    """In Chromium: the dialogue searched for in Japanese, its line chosen, Make: the GIF had the English line (the
    track listed before the search), though the page showed the Japanese one it was made for.  Now the line's own
    track is chosen with it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from fractions import Fraction

    line = next(s for s in truth["subtitles"] if "星を数えていた" in s["jpn"])
    with _episode_page(sample, tmp_path, monkeypatch) as (studio, driver, wait, origin):
        driver.execute_script("const s = document.getElementById('source'); s.value = [...s.options].findIndex("
                              "o => o.textContent.includes('eng')); s.dispatchEvent(new Event('change'))")
        search = driver.find_element(By.ID, "search")
        search.send_keys("星を数えて", Keys.ENTER)
        wait.until(lambda d: "星を数えていた" in d.find_element(By.ID, "lines").text)
        driver.execute_script("[...document.querySelectorAll('#lines li')].find(li => li.textContent.includes("
                              "'星を数えていた')).click()")
        driver.execute_script("for (const [k, v] of [['width', '96'], ['fps', '5']]) {"
                              " const e = document.getElementById(k); e.value = v; e.dispatchEvent(new Event('input')); }")
        driver.execute_script("document.getElementById('make').click()")
        _wait_or_say(driver, studio, wait, lambda d: d.find_element(By.ID, "job-state").text in ("done", "failed"))
        [job] = [j for j in studio.jobs.all() if j.kind == "gif"]
        assert job.state == "done", job.error
        assert [Fraction(job.result[k]) for k in ("start", "end")] == [Fraction(str(line[k])) for k in ("start", "end")]
        said = " ".join(job.result["captions"])
        assert "星を数えていた" in said and "Counting" not in said, said


@pytest.mark.browser
def test_an_episode_that_cannot_be_read_does_not_open(sample, tmp_path, monkeypatch):
    """In Chromium: a file in the season folder that is no video (a failed download) is listed with why; clicked, it
    opened an episode view with an empty player, no dialogue and a Make panel whose every job failed.  It no longer
    opens; the readable episode beside it does."""
    from browser import start_chromium
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from clipkit.studio.server import Studio, free_port, make_app
    from studio_app import episode_folder, serving

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    ep = episode_folder(sample, tmp_path / "episodes")
    broken = ep.with_name("ep08.mkv")
    broken.write_bytes(b"<html>502 Bad Gateway</html>")
    out = tmp_path / "out"
    out.mkdir()
    port = free_port()
    app = make_app(Studio(episodes=(broken.resolve(), ep.resolve()), output=out.resolve()), token=TOKEN, port=port)
    with serving(app, port):
        driver = start_chromium(tmp_path / "profile")
        try:
            wait = WebDriverWait(driver, 120, 0.1)
            driver.get(f"http://127.0.0.1:{port}/?token={TOKEN}")
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#episode-list li[data-id]")) == 2)
            item = driver.find_element(By.CSS_SELECTOR, "#episode-list li[data-id='0']")
            assert "is not a media file" in item.text, item.text
            item.click()
            shown = "return document.getElementById(arguments[0]).checkVisibility()"
            assert driver.execute_script(shown, "episodes") and not driver.execute_script(shown, "episode")
            driver.find_element(By.CSS_SELECTOR, "#episode-list li[data-id='1']").click()
            wait.until(lambda d: d.execute_script(shown, "episode"))
            assert driver.find_element(By.ID, "episode-name").text == sample.name
        finally:
            driver.quit()


@pytest.mark.browser
def test_the_posts_export_has_a_base_url_of_its_own_kept_across_a_reload(sample, tmp_path, monkeypatch):
    """In Chromium: the post tray's Export took the Base URL of the made file's snippet — a field shown only with a
    result, empty again after a reload — so the post exported after a reload had the files' local paths and no
    field said why.  The export has a Base URL field beside it, the same setting as the snippet's, kept across a
    reload."""
    from selenium.webdriver.common.by import By

    with _episode_page(sample, tmp_path, monkeypatch) as (studio, driver, wait, origin):
        driver.execute_script("for (const [k, v] of [['kind', 'still'], ['in', '9.5'], ['width', '160']]) {"
                              " const e = document.getElementById(k); e.value = v; e.dispatchEvent(new Event('input')); }")
        driver.execute_script("document.getElementById('make').click()")
        _wait_or_say(driver, studio, wait, lambda d: d.find_elements(By.CSS_SELECTOR, "#tray-list li[data-job]"))
        name = Path(studio.jobs.all()[-1].result["path"]).name
        driver.find_element(By.ID, "base-url").send_keys("https://myblog.example/uploads/")  # the snippet's field
        driver.refresh()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#tray-list li[data-job]"))
        driver.find_element(By.ID, "export-format").send_keys("markdown")
        exported = "return document.getElementById('export-text').value"
        driver.find_element(By.ID, "export").click()
        wait.until(lambda d: d.execute_script(exported).startswith("!["))
        assert driver.execute_script(exported).endswith(f"(https://myblog.example/uploads/{name})"), \
            driver.execute_script(exported)
        field = driver.find_element(By.ID, "export-base-url")  # seen, and changed, beside Export
        assert field.is_displayed() and field.get_attribute("value") == "https://myblog.example/uploads/"
        field.clear()
        field.send_keys("https://cdn.example/ep7/")
        driver.find_element(By.ID, "export").click()
        wait.until(lambda d: d.execute_script(exported).endswith(f"(https://cdn.example/ep7/{name})"))


def test_a_failed_job_says_what_to_do_in_the_page_not_on_the_command_line(client):
    """A caption no installed font can draw (a private-use character): the error names it and says what the page
    can do about it, without the CLI's `pass --font PATH`."""
    r = client.post("/api/jobs", json={"kind": "gif", "episode": 0, "start": "24", "end": "25", "width": 96, "fps": 5,
                                       "caption": "He knew \U0010fffd"})
    job = _wait(client, r.json()["id"])
    assert job["state"] == "failed"
    error = job["error"]
    assert error.startswith("no installed font has the characters") and "U+10FFFD" in error, error
    assert "--font" not in error and "change the caption text (or turn Captions off)" in error, error


def test_the_pages_errors_name_its_fields_not_the_apis(client):
    """What the page shows when a setting is wrong names the field as the page labels it (Width, In, Out, Crop, Max
    size), in the checks before a job and in a job's own failure: it said `width is …`, `start must be …`,
    `--crop 999:10:0:0 does not fit`."""
    base = {"kind": "gif", "episode": 0, "start": "24", "end": "25", "width": 96, "fps": 5, "captions": False}
    for extra, said in (({"width": 5000}, "Width is a whole number from 16 to 1920"),
                        ({"start": ""}, "In is a number of seconds"),
                        ({"start": "26"}, "Out must come after In, and at most 60 s after it"),
                        ({"fps": "99"}, "FPS is above 0 and at most 50"),
                        ({"crop": "4:3"}, "Crop is auto or W:H:X:Y (display pixels)"),
                        ({"max_size": "lots"}, "Max size is a size such as 3MB or 500KB"),
                        ({"caption_style": "pink"}, "Style is one of classic, yellow, boxed"),
                        ({"kind": "strip", "count": 61}, "Tiles is a whole number from 1 to 60")):
        for route in ("/api/jobs", "/api/estimate"):
            r = client.post(route, json={**base, **extra})
            assert r.status_code == 400 and r.json()["error"] == said, (route, extra, r.text)
    r = client.post("/api/jobs", json={**base, "crop": "999:10:0:0"})  # the pipeline's own check, before a worker
    assert r.status_code == 422 and r.json()["error"].startswith("Crop 999:10:0:0 does not fit inside the "), r.text
    r = client.post("/api/jobs", json={**base, "end": "27", "max_size": "1KB"})
    job = _wait(client, r.json()["id"])
    error = job["error"]
    assert job["state"] == "failed" and re.search(r" — Max size \d\S* would fit at that size[,;]", error), error
    assert "--" not in error and "max_size" not in error, error
    from clipkit.studio.jobs import PAGE_LABELS
    from clipkit.studio.server import _STATIC

    page = (_STATIC / "index.html").read_text(encoding="utf-8")
    shown = set(re.findall(r"<label[^>]*>(?:<input[^>]*> )?([^<]+?) ?<", page))  # each label's own text, as the page shows it
    assert set(PAGE_LABELS.values()) <= shown, set(PAGE_LABELS.values()) - shown


def test_studio_command_bad_input_is_one_line_and_nothing_served(tmp_path):
    """A port in use: one line, exit 1, no URL printed (uvicorn's own error and exit 3 came after the URL); an output
    in a system folder: exit 2 before serving; the default output folder is beside an episode as the user named it
    (a symlink into a media library is not followed: the folder was made in the library)."""
    import socket
    import subprocess
    import sys

    from clipkit.studio.server import output_folder
    from media import ffmpeg

    library, mine = tmp_path / "library", tmp_path / "mine"
    library.mkdir()
    mine.mkdir()
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=64x36:r=5:d=1", "-pix_fmt", "yuv420p", library / "ep01.mp4")
    (mine / "ep01.mp4").symlink_to(library / "ep01.mp4")
    run = lambda *a: subprocess.run([sys.executable, "-m", "clipkit", "studio", *map(str, a), "--no-browser"],  # noqa: E731
                                    capture_output=True, text=True, timeout=60)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        res = run(mine, "--port", busy.getsockname()[1], "-o", tmp_path / "out")
    assert res.returncode == 1 and res.stdout == "", (res.returncode, res.stdout, res.stderr)
    assert res.stderr.startswith("clipkit: error: cannot listen on 127.0.0.1:") and res.stderr.count("\n") == 1, res.stderr
    res = run(mine, "-o", "/etc/clipkit-post")
    assert res.returncode == 2 and res.stdout == "" and "system folder" in res.stderr and res.stderr.count("\n") == 1
    assert not Path("/etc/clipkit-post").exists()
    from clipkit.pipeline.find import episodes_of

    episodes = tuple(episodes_of([str(mine)]))
    assert output_folder(episodes, None, (str(mine),)) == (mine / "clipkit-studio").resolve()
    assert output_folder(episodes, None, (str(mine / "ep01.mp4"),)) == (mine / "clipkit-studio").resolve()
    assert not (library / "clipkit-studio").exists()


@contextlib.contextmanager
def _unwritable(folder: Path):
    """``folder`` made where no file can be written: mode 555 for a user; for root (whom modes do not stop) the
    immutable attribute (ext4 and the like; skipped where the filesystem or the container refuses it)."""
    import os
    import subprocess

    folder.mkdir()
    folder.chmod(0o555)
    root = os.geteuid() == 0
    if root and subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("root, and no immutable attribute here: no folder root cannot write")
    try:
        yield folder
    finally:
        if root:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def test_a_read_only_output_folder_is_refused_at_start(tmp_path):
    """`clipkit studio -o FOLDER` where nothing can be written: one line and exit 1 at start, nothing served (it
    started, and every job failed later with 'cannot write'; the page cannot change the folder)."""
    import subprocess
    import sys

    from media import ffmpeg

    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=64x36:r=5:d=1", "-pix_fmt", "yuv420p", tmp_path / "ep01.mp4")
    with _unwritable(tmp_path / "ro") as ro:
        try:
            res = subprocess.run([sys.executable, "-m", "clipkit", "studio", str(tmp_path / "ep01.mp4"), "-o", str(ro),
                                  "--no-browser"], capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired as exc:
            pytest.fail(f"the studio started serving: {exc.stdout!r} {exc.stderr!r}")
        assert list(ro.iterdir()) == []
    assert res.returncode == 1 and res.stdout == "", (res.returncode, res.stdout, res.stderr)
    assert res.stderr == f"clipkit: error: cannot write to the folder {ro}: permission denied — give a folder you " \
                         "can write to with -o\n", res.stderr


def test_an_output_folder_on_a_read_only_file_system_is_refused_at_start_saying_so(tmp_path):
    """The same on a read-only mount (a tmpfs mounted ro in a namespace of its own): the line says read-only, not
    'permission denied' (what a user checks first is the folder's mode, which allows writing)."""
    import shutil
    import subprocess
    import sys

    from media import ffmpeg

    if shutil.which("unshare") is None or subprocess.run(["unshare", "-Urm", "true"], capture_output=True).returncode:
        pytest.skip("no user and mount namespaces here for a read-only mount")
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=64x36:r=5:d=1", "-pix_fmt", "yuv420p", tmp_path / "ep01.mp4")
    ro = tmp_path / "mnt"
    ro.mkdir()
    script = 'mount -t tmpfs -o ro none "$1" && shift && exec "$@"'
    try:
        res = subprocess.run(["unshare", "-Urm", "sh", "-c", script, "sh", str(ro), sys.executable, "-m", "clipkit",
                              "studio", str(tmp_path / "ep01.mp4"), "-o", str(ro), "--no-browser"],
                             capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the studio started serving: {exc.stdout!r} {exc.stderr!r}")
    assert res.returncode == 1 and res.stdout == "", (res.returncode, res.stdout, res.stderr)
    assert res.stderr == f"clipkit: error: cannot write to the folder {ro}: it is on a read-only file system — give " \
                         "a folder you can write to with -o\n", res.stderr


def test_the_studio_starts_again_on_the_port_it_just_left(tmp_path):
    """`clipkit studio --port N` stopped and started again: the browser's connections to the old server linger on
    that port for a minute (TIME_WAIT), and the port check said "cannot listen: Address already in use" though the
    server could bind it.  Here a connection the server closed first lingers so; the check lets it be, and a server
    still listening there is refused as before."""
    import socket

    from clipkit.errors import ClipkitError
    from clipkit.studio.server import check_port

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn listens
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    with pytest.raises(ClipkitError, match="cannot listen on"):
        check_port("127.0.0.1", port)
    client = socket.create_connection(("127.0.0.1", port))
    conn, _ = listener.accept()
    conn.close()  # the server's side closes first: its end of the connection lingers in TIME_WAIT
    client.close()
    listener.close()
    check_port("127.0.0.1", port)


def test_an_episode_linked_into_the_folder_has_the_subtitles_beside_the_link(tmp_path):
    """A season folder of symlinks into a media library (the real file named otherwise) with each episode's .srt
    beside its link: the studio lists the line, `find` finds it, and a GIF of that range is captioned with it
    (every path was resolved to the library's file, so the .srt beside the link was never seen)."""
    from clipkit.dialogue.sources import read_sources
    from clipkit.media.probe import probe
    from clipkit.pipeline.find import episodes_of, find
    from clipkit.pipeline.gif import make_gif
    from media import ffmpeg

    library, season = tmp_path / "library", tmp_path / "season"
    library.mkdir()
    season.mkdir()
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=96x54:r=10:d=3", "-pix_fmt", "yuv420p", library / "Show.S01E07.1080p.mkv")
    link = season / "ep07.mkv"
    link.symlink_to(library / "Show.S01E07.1080p.mkv")
    (season / "ep07.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nHe knew.\n", encoding="utf-8")
    episodes = episodes_of([str(season)])
    assert episodes == [link] and probe(link).path == link
    assert [s.subs for s in read_sources(episodes[0])] == ["ep07.srt"]  # the studio's dialogue list
    found = find(str(season), "he knew")
    assert [(m.text, m.video, m.subs) for m in found.matches] == [("He knew.", link, "ep07.srt")], found
    gif = make_gif(link, "1", "2", tmp_path / "out.gif", width=96, fps=5, record=False)
    assert gif.captions == ("He knew.",)


@pytest.mark.browser
def test_the_make_button_stays_put_while_the_episode_view_fills(sample, tmp_path, monkeypatch):
    """In Chromium: the episode view fills in after it opens — the player learns its video's size, the proxy and
    shot-detection lines get their text, the progress bar comes and goes, the shots' thumbnails arrive — and each
    pushed the Make panel down, so a click aimed at Make landed on whatever came there.  From the moment the
    dialogue is listed to the moment the shots are — a line of it chosen meanwhile, so the size estimate fills
    in, and a Max size set, which makes it two lines — Make does not move (it moved 300 px; then 6 px as the
    shots' progress bar went, 18 px as the estimate filled in above it and 18 more as it took a second line)."""
    from selenium.webdriver.common.by import By

    top = "return document.getElementById('make').getBoundingClientRect().top + window.scrollY"
    parts = ("return ['episode-name', 'video', 'proxy-state', 'range', 'shots-state', 'shots-progress', 'shots', 'estimate', 'make'].map(i => {"
             " const e = document.getElementById(i) || document.querySelector('.' + i);"
             " return i + ' ' + Math.round(e.getBoundingClientRect().height); }).join(', ')")

    def window(driver, origin):
        driver.set_window_size(1280, 900)

    with _episode_page(sample, tmp_path, monkeypatch, poll=0.05, before=window) as (studio, driver, wait, origin):
        first, before = driver.execute_script(top), driver.execute_script(parts)
        seen = [first]
        estimate = "return document.getElementById('estimate').textContent"

        def watching(until):
            def check(d):
                seen.append(d.execute_script(top))
                return until(d)
            return check

        driver.execute_script("document.querySelector('#lines li').click()")  # a line: its range
        _wait_or_say(driver, studio, wait, watching(lambda d: d.execute_script(estimate).startswith("About")))
        driver.execute_script("const e = document.getElementById('max-size'); e.value = '300KB';"
                              " e.dispatchEvent(new Event('input'))")
        _wait_or_say(driver, studio, wait, watching(lambda d: "it will be fitted" in d.execute_script(estimate)))
        _wait_or_say(driver, studio, wait, watching(
            lambda d: (d.execute_script("return document.getElementById('video').readyState") >= 1
                       and d.find_elements(By.CSS_SELECTOR, "#shots li.shot img")
                       and d.execute_script("return document.getElementById('shots-progress').hidden"))))
        seen.append(driver.execute_script(top))
        # the shots' progress bar shown (as while they are found) or hidden: the same room
        for hidden in ("false", "true"):
            seen.append(driver.execute_script(f"document.getElementById('shots-progress').hidden = {hidden}; " + top))
        assert max(seen) - min(seen) <= 1, (first, sorted(set(seen)), before, driver.execute_script(parts))


@pytest.mark.browser
def test_the_trays_errors_name_the_fields_the_page_shows(sample, tmp_path, monkeypatch):
    """In Chromium, a still in the tray: the tray's errors said the API's keys (`spoiler is true or false`, `alt is
    text…`, `format is one of…`, `title is…` for the Post title), and a Base URL that is no web address beside Export
    (or the snippet's) showed nothing at all — the export kept the last text, Copy the snippet without the Base URL.
    Each error now starts with a label the page shows (read from the page itself), and is shown where it was asked."""
    from selenium.webdriver.common.by import By

    with _episode_page(sample, tmp_path, monkeypatch) as (studio, driver, wait, origin):
        driver.execute_script("for (const [k, v] of [['kind', 'still'], ['in', '9.5'], ['width', '160']]) {"
                              " const e = document.getElementById(k); e.value = v; e.dispatchEvent(new Event('input')); }")
        driver.execute_script("document.getElementById('make').click()")
        _wait_or_say(driver, studio, wait, lambda d: d.find_elements(By.CSS_SELECTOR, "#tray-list li[data-job]"))
        wait.until(lambda d: d.execute_script("return document.getElementById('snippet').value").startswith("<img "))
        job = studio.jobs.all()[-1].id
        labels = set(driver.execute_script(  # each label's own words, as the page shows them (not its select's options)
            "return [...document.querySelectorAll('label')].map(l => [...l.childNodes].filter(n => n.nodeType === 3)"
            ".map(n => n.textContent).join('').trim()).filter(Boolean)"))
        assert {"Alt", "Title", "Credit", "Spoiler", "Export as", "Post title", "Base URL", "Snippet"} <= labels, labels

        shown = {}
        driver.find_element(By.ID, "export-format").send_keys("markdown")
        driver.find_element(By.ID, "export").click()
        wait.until(lambda d: d.execute_script("return document.getElementById('export-text').value").startswith("!["))
        driver.find_element(By.ID, "export-base-url").send_keys("javascript:alert(1)")
        driver.find_element(By.ID, "export").click()
        wait.until(lambda d: d.find_element(By.ID, "export-notes").get_attribute("class") == "error")
        shown["Base URL"] = driver.find_element(By.ID, "export-notes").text
        assert driver.execute_script("return document.getElementById('export-text').value") == ""  # not the old export
        field = driver.find_element(By.ID, "base-url")  # the made file's snippet
        field.send_keys("ftp://myblog.example/")
        driver.execute_script("arguments[0].dispatchEvent(new Event('change'))", field)
        wait.until(lambda d: d.find_element(By.ID, "snippet-note").get_attribute("class") == "error")
        assert driver.execute_script("return document.getElementById('snippet').value") == ""
        snippet_error = driver.find_element(By.ID, "snippet-note").text

        asked = driver.execute_async_script("""
            const [job, done] = arguments, long = 'x'.repeat(501), out = {};
            const said = async (r) => (await r.json()).error;
            const tray = (await (await fetch('/api/tray')).json()).items;
            const put = (edit) => fetch('/api/tray', {method: 'PUT', headers: {'Content-Type': 'application/json'},
              body: JSON.stringify({items: tray.map(i => ({...i, ...edit}))})});
            for (const key of ['alt', 'title', 'credit']) out[key] = await said(await put({[key]: long}));
            out.spoiler = await said(await put({spoiler: 'yes'}));
            out.format = await said(await fetch('/api/export?format=mardown'));
            out.snippet = await said(await fetch(`/api/jobs/${job}/snippet?format=mardown`));
            out.post_title = await said(await fetch('/api/tray/jobfile', {method: 'POST',
              headers: {'Content-Type': 'application/json'}, body: JSON.stringify({title: long})}));
            done(out);""", job)
    expected = {"alt": "Alt", "title": "Title", "credit": "Credit", "spoiler": "Spoiler", "format": "Export as",
                "snippet": "Snippet", "post_title": "Post title"}
    errors = [(expected[k], e) for k, e in asked.items()] + [("Base URL", shown["Base URL"]), ("Base URL", snippet_error)]
    for label, error in errors:
        named = max((lb for lb in labels if re.match(re.escape(lb) + r"[ :]", error or "")), key=len, default=None)
        assert named == label, (label, error)  # the field it is about, as the page labels it
        assert not re.search(r"\b(base_url|post_title|max_size)\b|^(alt|title|credit|spoiler|format) ", error), error
    assert "javascript:alert(1) is not a web address" in shown["Base URL"], shown
    assert "ftp://myblog.example/ is not a web address" in snippet_error, snippet_error


def test_a_caption_too_long_for_the_picture_says_what_the_page_can_do(client):
    """A typed caption that cannot fit (500 characters on a 160-px GIF) failed with "— make the output wider": the
    hint's first choice, "shorten it", went with the command line's --caption-at it was written beside.  Now the page
    says both things it can do, by its own field's name, and nothing of the command line's."""
    r = client.post("/api/jobs", json={"episode": 0, "kind": "gif", "start": "30", "end": "31", "width": 160, "fps": 5,
                                       "caption": "長い" * 250})
    assert r.status_code == 202, r.text
    job = _wait(client, r.json()["id"])
    assert job["state"] == "failed" and "needs" in job["error"] and "at most 2 fit" in job["error"], job
    assert job["error"].endswith(" — shorten it or make the output wider (Width)"), job["error"]


@pytest.mark.parametrize("crop, said", [
    ("10:10:700:0", "Crop 10:10:700:0 does not fit inside the 640×360 picture — give W:H:X:Y with X+W ≤ 640 and Y+H ≤ 360"),
    ("0:0:0:0", "Crop 0:0:0:0 keeps 0×0 pixels: nothing to show — give a width and height of at least 2, e.g. Crop 640:270"),
])
def test_a_crop_outside_the_picture_is_said_before_a_worker_starts(client, crop, said):
    """A typed crop off the picture was estimated (\"About 780 KB\", 540×540 px) and sent to a worker, which failed
    with the pipeline's words: now the estimate and Make say it at once, as the job would, and no job starts."""
    for route in ("/api/estimate", "/api/jobs"):
        r = client.post(route, json={"episode": 0, "kind": "gif", "start": "30", "end": "31", "crop": crop})
        assert r.status_code == 422 and r.json()["error"] == said, (route, r.status_code, r.text)
    assert client.get("/api/jobs").json() == []
    r = client.post("/api/estimate", json={"episode": 0, "kind": "clip", "start": "30", "end": "31", "crop": "320:180:320:180"})
    assert r.status_code == 200 and (r.json()["width"], r.json()["height"]) == (320, 180), r.text  # the corner: inside


@pytest.mark.browser
def test_a_late_size_estimate_does_not_replace_the_one_for_the_settings_shown(sample, tmp_path, monkeypatch):
    """In Chromium: a clip's first estimate of a range waits for the player's segments it reads (a second or more),
    so the answer to an Out since changed can come after the answer to the Out shown — and it replaced it: the page
    said the size of 8–14 s with Out at 13.  Here the answer for Out 14 is held back 3 s by the page's own fetch;
    the estimate shown stays the one for 8–13 s."""
    import time

    with _episode_page(sample, tmp_path, monkeypatch) as (studio, driver, wait, origin):
        driver.execute_script("""
            const real = window.fetch;
            window.fetch = async (url, init) => {
              const answer = await real(url, init);
              if (String(url).includes('/api/estimate') && init && String(init.body).includes('"end":"14"')) {
                await new Promise((ok) => setTimeout(ok, 3000));  // this answer, once come, reaches the page 3 s late
              }
              return answer;
            };
            document.querySelector("#kind option[value='clip']").selected = true;
            document.getElementById('kind').dispatchEvent(new Event('change'));""")
        estimate = "return document.getElementById('estimate').textContent"

        def set_out(value):
            driver.execute_script("const o = document.getElementById('out'); o.value = arguments[0];"
                                  "o.dispatchEvent(new Event('input'));", value)

        driver.execute_script("document.getElementById('in').value = '8'")
        set_out("14")
        time.sleep(1)  # past the page's 250-ms wait: the estimate for 8–14 s is asked (and held)
        set_out("13")
        wait.until(lambda d: "5.00 s" in d.execute_script(estimate))
        time.sleep(4)  # the answer for 8–14 s has reached the page by now
        shown = driver.execute_script(estimate)
        assert "5.00 s" in shown and "6.00 s" not in shown, shown
