"""clipkit studio's guard: the token, Host and Origin checks, and paths kept inside the output folder."""

from __future__ import annotations

import http.client
from fractions import Fraction
import os
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")
from starlette.testclient import TestClient  # noqa: E402

from clipkit.studio.security import inside  # noqa: E402
from studio_app import PORT, TOKEN, make_studio, serving  # noqa: E402

BASE = f"http://127.0.0.1:{PORT}"


@pytest.fixture()
def app(sample, tmp_path):
    studio, app = make_studio(sample, tmp_path)
    (studio.output / "made.gif").write_bytes(b"GIF89a-made")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    return app


def test_token_required(app):
    with TestClient(app, base_url=BASE) as c:
        assert c.get("/api/episodes").status_code == 401
        assert c.get("/api/episodes", headers={"x-clipkit-token": "wrong"}).status_code == 401
        assert c.get("/files/made.gif").status_code == 401
        assert c.get("/static/app.js").status_code == 401
        assert c.get("/").status_code == 401
        assert c.get("/api/episodes", headers={"x-clipkit-token": TOKEN}).status_code == 200


def test_token_in_url_sets_a_strict_httponly_cookie(app):
    with TestClient(app, base_url=BASE) as c:
        r = c.get(f"/?token={TOKEN}", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/"
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        page = c.get("/")  # the cookie now carries the token
        assert page.status_code == 200 and "clipkit studio" in page.text
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        eps = c.get("/api/episodes").json()
        assert eps[0]["name"] == "one-million-stars-s01e07.mkv" and eps[0]["duration"]["s"] == pytest.approx(60, abs=0.1)


@pytest.mark.parametrize("host", ["evil.example:8765", "127.0.0.1:9999", "attacker.127.0.0.1.nip.io:8765", ""])
def test_foreign_host_refused(app, host):
    with TestClient(app, base_url=BASE) as c:
        r = c.get("/api/episodes", headers={"host": host, "x-clipkit-token": TOKEN})
        assert r.status_code == 403


def test_cross_site_origin_refused(app):
    with TestClient(app, base_url=BASE) as c:
        h = {"x-clipkit-token": TOKEN}
        assert c.get("/api/episodes", headers={**h, "origin": "https://evil.example"}).status_code == 403
        assert c.post("/api/jobs", json={"kind": "still", "episode": 0, "start": 1},
                      headers={**h, "origin": "http://localhost:9999"}).status_code == 403
        assert c.get("/api/episodes", headers={**h, "origin": BASE}).status_code == 200
        assert c.get("/api/episodes", headers={**h, "sec-fetch-site": "cross-site"}).status_code == 403


def test_bad_job_requests_refused(app):
    with TestClient(app, base_url=BASE, headers={"x-clipkit-token": TOKEN}) as c:
        assert c.post("/api/jobs", content=b"kind=gif", headers={"content-type": "text/plain"}).status_code == 415
        # a body that is not JSON: one line saying so (before: Python's "Expecting value: line 1 column 1 (char 0)")
        for path, method in (("/api/jobs", c.post), ("/api/estimate", c.post), ("/api/tray", c.put), ("/api/tray/jobfile", c.post)):
            r = method(path, content=b"{kind: gif", headers={"content-type": "application/json"})
            assert r.status_code == 400 and r.json()["error"].startswith("the request's body is not JSON"), (path, r.text)
        for body in ({"kind": "gif", "episode": 5, "start": 1, "end": 2}, {"kind": "gif", "episode": 0, "start": 3, "end": 2},
                     {"kind": "gif", "episode": 0, "start": -1, "end": 2}, {"kind": "gif", "episode": 0, "start": 0, "end": 500},
                     {"kind": "shell", "episode": 0, "start": 1}, {"kind": "gif", "episode": 0, "start": 1, "end": 2, "width": 99999}):
            assert c.post("/api/jobs", json=body).status_code == 400, body
        assert c.get("/api/episodes/7/lines").status_code == 404
        assert c.get("/api/episodes/..%2f..%2fetc/lines").status_code == 404


def test_inside_refuses_ways_out(tmp_path):
    root = tmp_path / "out"
    root.mkdir()
    (root / "ok.gif").write_bytes(b"x")
    (tmp_path / "secret.txt").write_text("s")
    os.symlink(tmp_path / "secret.txt", root / "link.txt")
    os.symlink(tmp_path, root / "up")
    r = root.resolve()
    assert inside([r], "ok.gif") == r / "ok.gif"
    for bad in ("../secret.txt", "a/../../secret.txt", str(tmp_path / "secret.txt"), "/etc/passwd", "link.txt",
                "up/secret.txt", "..", "", "ok.gif\x00", "..\\secret.txt", "C:/Windows/win.ini"):
        assert inside([r], bad) is None, bad


def test_traversal_over_real_http(sample, tmp_path):
    """Raw request lines (no client-side normalising of ``..``) to a real uvicorn."""
    from clipkit.studio.server import free_port

    port = free_port()
    studio, app = make_studio(sample, tmp_path, port=port)
    (studio.output / "made.gif").write_bytes(b"GIF89a-made")
    (tmp_path / "secret.txt").write_text("TOP-SECRET", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", studio.output / "link.txt")
    with serving(app, port, lifespan="off"):
        def get(path):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.putrequest("GET", path, skip_host=True)
            conn.putheader("Host", f"127.0.0.1:{port}")
            conn.putheader("X-Clipkit-Token", TOKEN)
            conn.endheaders()
            r = conn.getresponse()
            body = r.read()
            conn.close()
            return r.status, body

        assert get("/files/made.gif") == (200, b"GIF89a-made")
        secret = Path(tmp_path / "secret.txt").resolve()
        for path in ("/files/../../secret.txt", "/files/%2e%2e/%2e%2e/secret.txt", "/files/%2E%2E%2F%2E%2E%2Fsecret.txt",
                     "/files/..%2f..%2fsecret.txt", "/files/link.txt", f"/files/{secret}", f"/files//{secret}",
                     "/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd"):
            status, body = get(path)
            assert status in (400, 403, 404), (path, status)
            assert b"TOP-SECRET" not in body and b"root:" not in body, path



NEW_ENDPOINTS = [("GET", "/api/episodes/0/thumb.jpg?t=1"), ("GET", "/api/episodes/0/poster.jpg"), ("GET", "/api/tray"),
                 ("PUT", "/api/tray"), ("POST", "/api/tray/jobfile"), ("POST", "/api/estimate"), ("GET", "/api/export"),
                 ("GET", "/api/episodes/0/shots")]


@pytest.mark.parametrize("method,path", NEW_ENDPOINTS)
def test_new_endpoints_are_guarded(app, method, path):
    """Every endpoint of the timeline, the estimate and the tray: token, Origin and Host checked."""
    with TestClient(app, base_url=BASE) as c:
        assert c.request(method, path, json={}).status_code == 401
        h = {"x-clipkit-token": TOKEN}
        assert c.request(method, path, json={}, headers={**h, "origin": "https://evil.example"}).status_code == 403
        assert c.request(method, path, json={}, headers={**h, "host": "evil.example:8765"}).status_code == 403


def test_make_options_checked(app):
    """Crop, caption text and style, max_size, kinds and ranges are checked before any worker starts."""
    base = {"kind": "gif", "episode": 0, "start": 1, "end": 2}
    with TestClient(app, base_url=BASE, headers={"x-clipkit-token": TOKEN}) as c:
        for extra in ({"crop": "100:100:0:0;rm -rf"}, {"crop": "../x"}, {"caption_style": "<b>"}, {"caption": "x" * 501},
                      {"caption": ["a"]}, {"max_size": "lots"}, {"max_size": -5}, {"kind": "clip", "end": 900},
                      {"kind": "strip", "count": 0}, {"kind": "strip", "start": 5, "end": 2}, {"width": True}):
            r = c.post("/api/jobs", json={**base, **extra})
            assert r.status_code == 400, (extra, r.text)
            assert c.post("/api/estimate", json={**base, **extra}).status_code == 400, extra
        assert c.get("/api/jobs").json() == []  # nothing was started
        assert c.put("/api/tray", json={"items": [{"job": "99"}]}).status_code == 400
        assert c.post("/api/tray/jobfile", json={}).status_code == 409  # nothing made yet


def test_size_estimate(app):
    """Frames and pixels follow the settings (3 s at 10 fps, 240 px wide of a 16:9 episode); the verdict follows max_size."""
    with TestClient(app, base_url=BASE, headers={"x-clipkit-token": TOKEN}) as c:
        body = {"kind": "gif", "episode": 0, "start": "24", "end": "27", "width": 240, "fps": 10}
        e = c.post("/api/estimate", json=body).json()
        assert (e["width"], e["height"], e["frames"]) == (240, 136, 30) and e["fits"] is None
        from clipkit.studio.estimate import GIF_BYTES_PER_UNIT, gif_bytes

        assert e["bytes"] == pytest.approx(gif_bytes(GIF_BYTES_PER_UNIT, 240, 136, 3, 10), rel=0.01)
        assert e["how"].startswith("240×136 px, 30 frames in 3.00 s, q = ")
        assert c.post("/api/estimate", json={**body, "max_size": "10MB"}).json()["fits"] is True
        assert c.post("/api/estimate", json={**body, "max_size": "10KB"}).json()["fits"] is False
        cropped = c.post("/api/estimate", json={**body, "crop": "320:320:100:0"}).json()
        assert (cropped["width"], cropped["height"]) == (240, 240)
        clip = c.post("/api/estimate", json={**body, "kind": "clip", "width": 320}).json()
        assert (clip["width"], clip["height"], clip["frames"]) == (320, 180, 72) and "kbit/s" in clip["how"]


def test_thumbnails_show_the_frame_at_that_time(app, truth, tmp_path, monkeypatch):
    """A shot thumbnail is the frame on screen then: black between the fade out and in (21–22 s), not at 4 s."""
    import io

    from PIL import Image

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (_, fade_out_end), (fade_in_start, _) = truth["shots"][2], truth["shots"][3]
    with TestClient(app, base_url=BASE, headers={"x-clipkit-token": TOKEN}) as c:
        for bad in ("-1", "abc", "100000", ""):
            assert c.get("/api/episodes/0/thumb.jpg", params={"t": bad}).status_code == 400, bad
        assert c.get("/api/episodes/3/thumb.jpg", params={"t": "1"}).status_code == 404

        def mean(t):
            r = c.get("/api/episodes/0/thumb.jpg", params={"t": t})
            assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
            img = Image.open(io.BytesIO(r.content)).convert("L")
            assert img.width == 160
            return sum(img.getdata()) / (img.width * img.height)

        assert mean(str((fade_out_end + fade_in_start) / 2)) < 8
        assert mean("4") > 40
        poster = c.get("/api/episodes/0/poster.jpg")
        assert poster.status_code == 200 and Image.open(io.BytesIO(poster.content)).width == 240


def test_size_estimate_learns_from_what_this_episode_made(sample):
    """Once GIFs of the episode were made, their own figure (``q``, their bytes over the model's other factors)
    replaces the built-in one: the median of theirs."""
    from clipkit.studio.estimate import estimate, gif_bytes

    params = {"video": str(sample), "start": Fraction(24), "end": Fraction(27), "options": {"width": 240, "fps": Fraction(10)}}
    made = [{"bytes": gif_bytes(q, 100, 50, 1, 10), "width": 100, "height": 50, "frame_count": 10, "duration": "1"}
            for q in (5, 9, 6)]
    e = estimate("gif", params, made)
    assert e["bytes"] == pytest.approx(gif_bytes(6, 240, 136, 3, 10), rel=0.01) and "3 GIF(s)" in e["how"]


def test_the_gif_estimate_counts_the_frames_the_source_has(tmp_path):
    """A GIF at 20 fps of a 10-fps source has 10 distinct frames a second (each shown for two ticks is merged into
    one): made, it is the size of the 10-fps one, and so is its estimate (it was twice: 20 frames a second)."""
    import clipkit
    from clipkit.studio.estimate import estimate
    from media import ffmpeg

    src = tmp_path / "moving10.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x180:r=10:d=3", "-pix_fmt", "yuv420p", src)
    made, said = {}, {}
    for fps in (10, 20):
        made[fps] = clipkit.gif(src, 0, 2, tmp_path / f"m{fps}.gif", width=160, fps=fps, subs="off", record=False).bytes
        params = {"video": str(src), "start": Fraction(0), "end": Fraction(2), "options": {"width": 160, "fps": Fraction(fps)}}
        said[fps] = estimate("gif", params, [])["bytes"]
    assert made[20] == pytest.approx(made[10], rel=0.1), made  # the truth: the same frames
    assert said[20] == pytest.approx(said[10], rel=0.1), said


def test_the_clip_estimate_reads_the_ranges_own_pictures_and_sound_also_before_the_player_made_them(tmp_path,
                                                                                                   monkeypatch):
    """The clip estimate reads what the range's pictures and sound cost in H.264 in the page's player's segments.  It
    read only those the player had made: a range not played yet got the content-blind model, the same figure for a
    still, silent range and a grainy, sounding one of the same length, though one made clip is many times the other
    (a silent fade of the real clips 5.65×).  Now the studio makes the segments it samples of the range for the
    estimate: each half of this episode, asked before anything is played, is within 0.5–2× of the MP4 the studio
    then makes of it (without: 36.8× and 0.13×); and the segments it made are the player's (one made, not two)."""
    import time

    from clipkit.studio.player_cost import sampled_segments
    from clipkit.studio.proxy import segment_path
    from clipkit.studio.server import Studio, make_app
    from media import ffmpeg

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    src = (tmp_path / "still then grain.mkv").resolve()  # 0–5 s a still picture and silence, 5–10 s grain and a tone
    ffmpeg("-f", "lavfi", "-i", "smptehdbars=s=640x360:r=25:d=10,format=yuv420p,noise=alls=40:allf=t+u:enable='gte(t,5)'",
           "-f", "lavfi", "-i", "sine=f=440:d=10,volume=volume=0:enable='lt(t,5)'",
           "-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p", "-c:a", "aac", src)
    out = (tmp_path / "out").resolve()
    out.mkdir()
    studio = Studio(episodes=(src,), output=out)
    ranges = (("0.5", "4.5"), ("5.5", "9.5"))
    with TestClient(make_app(studio, token=TOKEN, port=PORT), base_url=BASE, headers={"x-clipkit-token": TOKEN}) as c:
        said, made = [], []
        for a, b in ranges:
            body = {"kind": "clip", "episode": 0, "start": a, "end": b, "width": 480, "captions": False}
            said.append(c.post("/api/estimate", json=body).json())
            job = c.post("/api/jobs", json=body).json()
            deadline = time.monotonic() + 240
            while job["state"] not in ("done", "failed", "cancelled") and time.monotonic() < deadline:
                time.sleep(0.2)
                job = c.get(f"/api/jobs/{job['id']}").json()
            assert job["state"] == "done", job
            made.append(job["result"]["bytes"])
    assert made[1] > 4 * made[0], made  # the truth: grain and sound cost many times a still, silent picture
    ratios = [e["bytes"] / m for e, m in zip(said, made)]
    assert all(0.5 <= r <= 2 for r in ratios), (ratios, made, [e["how"] for e in said])
    assert "player's preview" in said[0]["how"] and "not silence" in said[0]["how"], said[0]["how"]
    sampled = {n for a, b in ranges for n in sampled_segments(Fraction(10), Fraction(a), Fraction(b))}
    assert sampled == {0, 1} and all(segment_path(src, n).exists() for n in sampled)
    assert len(list(segment_path(src, 0).parent.iterdir())) == 2  # the player's own files, nothing beside them


@pytest.mark.parametrize("text", ['say "hi"', "back\\slash", "two\nlines", "tab\there", "del\x7fchar", "\u2028sep",
                                  "]]\n[[job]]\nkind = \"shell\"", "日本語 🎬", "nul\x00byte"])
def test_job_file_strings_read_back_as_written(text):
    """Whatever a user types as alt, title or credit is one TOML string in the job file, read back unchanged."""
    import tomllib

    from clipkit.studio.tray import _toml

    assert tomllib.loads(f"title = {_toml(text)}\n") == {"title": text}


def test_player_segments(app, truth, tmp_path, monkeypatch):
    """The player's segments: the one holding the cut at 48 s shows the episode from its start for SEGMENT_SECONDS
    (the cut lands where it should in it), decoded with the bundled ffmpeg; numbers out of range or not numbers
    refused; the token needed."""
    import subprocess

    from PIL import Image, ImageChops, ImageStat

    from clipkit.media.ffmpeg import ffmpeg_exe
    from clipkit.media.frames import frame_at
    from clipkit.studio.proxy import SEGMENT_SECONDS

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cut = truth["cuts"][3]
    n, into = divmod(cut, SEGMENT_SECONDS)  # the segment with the cut at 48 s, and how far into it
    assert 1 <= into <= SEGMENT_SECONDS - 1, "the test's segment must hold the cut, not begin with it"
    count = -(-truth["duration"] // SEGMENT_SECONDS)
    episode = app.state.studio.episodes[0]
    with TestClient(app, base_url=BASE) as c:
        assert c.get(f"/api/episodes/0/segments/{n}.mp4").status_code == 401
        c.headers["x-clipkit-token"] = TOKEN
        info = c.get("/api/episodes/0/segments").json()
        assert info["seconds"] == SEGMENT_SECONDS and info["count"] == count and abs(info["duration"] - truth["duration"]) < 0.1
        assert info["mime"] == 'video/mp4; codecs="avc1.42C01E, mp4a.40.2"'
        for bad in (str(count), "-1", "1e1", "²", "٣", "04x", "99999999999", "0.5", "%2e%2e"):
            r = c.get(f"/api/episodes/0/segments/{bad}.mp4")
            assert r.status_code == 404 and ("segment" in r.json()["error"] or bad == "%2e%2e"), bad
        assert c.get("/api/episodes/1/segments/0.mp4").status_code == 404
        assert c.get("/api/episodes/²/segments").status_code == 404
        r = c.get(f"/api/episodes/0/segments/{n}.mp4")
        assert r.status_code == 200 and r.headers["content-type"] == "video/mp4"
    seg = tmp_path / "seg.mp4"
    seg.write_bytes(r.content)
    assert b"moof" in r.content[:200_000] and b"mvex" in r.content[:4000]  # fragmented, for MSE
    out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(seg), "-f", "framemd5", "-"], capture_output=True)
    video = [line.split(",") for line in out.stdout.decode().splitlines() if line.startswith("0,")]
    audio = [line.split(",") for line in out.stdout.decode().splitlines() if line.startswith("1,")]
    assert int(video[0][1]) == 0 and len(video) == SEGMENT_SECONDS * truth["fps"]  # starts at 0, whole frames of 1/24 s
    assert audio and int(audio[0][1]) == 0
    # the packets' own times (what the browser's MSE reads, not rounded to frames by a decoder): frame k at k/24 s
    out = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(seg), "-map", "0:v", "-c", "copy", "-f", "framemd5", "-"],
                         capture_output=True, check=True).stdout.decode()
    tb = Fraction(next(line for line in out.splitlines() if line.startswith("#tb 0:")).split()[-1])
    pts = [int(line.split(",")[1]) * tb for line in out.splitlines() if line.startswith("0,")]
    assert pts == [Fraction(k, truth["fps"]) for k in range(len(pts))], pts[:3]

    def grey(image):
        return image.convert("L").resize((64, 36))

    def seg_frame(t):
        raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-ss", f"{float(t):.3f}", "-i", str(seg), "-frames:v", "1",
                              "-f", "image2pipe", "-c:v", "png", "-"], capture_output=True, check=True).stdout
        import io
        return grey(Image.open(io.BytesIO(raw)))

    def diff(a, b):
        return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]

    start, half = n * SEGMENT_SECONDS, Fraction(1, 2)
    for t in (into - half, into + half):  # 47.5 s (before the cut), 48.5 s (after), as times in the segment
        here = seg_frame(t)
        same = grey(Image.fromarray(frame_at(episode, start + t).image))
        other = grey(Image.fromarray(frame_at(episode, start + t + (1 if t < into else -1)).image))
        assert diff(here, same) < diff(here, other) / 3, t


def test_segments_have_sound_past_a_short_audio_track(tmp_path, monkeypatch):
    """An episode whose sound stops early (12 s of picture, 3 s of sound): every segment still has both tracks for its
    whole length (silence), else the player's buffered time (where both have data) would end and playback stall."""
    import subprocess

    from clipkit.media.ffmpeg import ffmpeg_exe, run_ffmpeg
    from clipkit.studio.server import Studio, make_app

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    ep = tmp_path / "short-sound.mkv"
    run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24:d=12", "-f", "lavfi", "-i", "sine=d=3",
                "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-y", ep], what="the test episode")
    studio = Studio(episodes=(ep.resolve(),), output=tmp_path)
    with TestClient(make_app(studio, token=TOKEN, port=PORT), base_url=BASE, headers={"x-clipkit-token": TOKEN}) as c:
        assert c.get("/api/episodes/0/segments").json()["count"] == 3
        for n, length in ((0, 5), (1, 5), (2, 2)):
            seg = tmp_path / f"seg{n}.mp4"
            seg.write_bytes(c.get(f"/api/episodes/0/segments/{n}.mp4").content)
            out = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(seg), "-map", "0:a", "-c", "copy", "-f", "framemd5", "-"],
                                 capture_output=True, check=True).stdout.decode()
            tb = Fraction(next(line for line in out.splitlines() if line.startswith("#tb 0:")).split()[-1])
            packets = [line.split(",") for line in out.splitlines() if line.startswith("0,")]
            end = (int(packets[-1][1]) + int(packets[-1][3])) * tb if packets else 0
            assert length - Fraction(1, 10) <= end <= length + Fraction(1, 10), (n, float(end))
