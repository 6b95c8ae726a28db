"""Clips as a browser plays them: headless Chromium loads the `html` snippet of a clip, shows the
poster before playing, reports the duration, plays, and decodes the sound track.  Also a smart-cut
(``--copy``) clip, whose parameter sets change at the seam, and a WebM.

Needs Debian's ``chromium`` + ``chromium-driver`` and ``selenium``; skipped with the reason otherwise.
"""

from __future__ import annotations

import functools
import io
import threading
from fractions import Fraction
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from browser import start_chromium
from PIL import Image

from clipkit.embed.snippet import snippet
from clipkit.pipeline.clip import make_clip
from media import ffmpeg

pytestmark = pytest.mark.browser

JS = """
const done = arguments[arguments.length - 1];
const within = (p, ms, what) => Promise.race([p, new Promise((_, no) => setTimeout(() => no(what), ms))]);
(async () => {
  const out = [];
  for (const v of document.querySelectorAll('video')) {
    try {
    if (v.readyState < 1) await within(new Promise(r => v.addEventListener('loadedmetadata', r, {once: true})),
                                       15000, 'no metadata: error ' + (v.error && v.error.code) + ' state ' + v.readyState);
    const poster = await new Promise(r => { const i = new Image(); i.onload = () => r(i.naturalWidth);
                                             i.onerror = () => r(0); i.src = v.poster; });
    const row = {duration: v.duration, width: v.videoWidth, poster};
    v.muted = false;
    await within(v.play(), 15000, 'play() did not start');
    await new Promise(r => setTimeout(r, 1500));
    row.time = v.currentTime;
    row.audioBytes = v.webkitAudioDecodedByteCount;
    row.videoBytes = v.webkitVideoDecodedByteCount;
    row.error = v.error ? v.error.code : null;
    v.pause();
    out.push(row);
    } catch (e) { out.push({error: String(e), src: v.currentSrc}); }
  }
  return out;
})().then(done, e => done({error: String(e)}));
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_browser_plays_clip_with_sound_and_poster(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the snippets' URLs are relative to here
    src = tmp_path / "src.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x180:r=24:d=6", "-f", "lavfi", "-i", "sine=f=440:r=48000:d=6",
           "-c:v", "libx264", "-g", "48", "-bf", "2", "-c:a", "aac", src)
    clips = [make_clip(src, Fraction("0.5"), Fraction("3.5"), "plain.mp4"),
             make_clip(src, Fraction("1.3"), Fraction("4.7"), "copy.mp4", copy=True),
             make_clip(src, Fraction("0.5"), Fraction("2.5"), "vp9.webm", format="webm")]
    page = "\n".join(snippet(c, "html") for c in clips)
    (tmp_path / "index.html").write_text(f"<!doctype html><meta charset=utf-8><body style='margin:0;background:#000'>"
                                         f"{page}</body>", encoding="utf-8")
    drv = start_chromium(tmp_path / "profile", "--autoplay-policy=no-user-gesture-required")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        drv.set_window_size(800, 900)
        drv.set_script_timeout(60)
        drv.get(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        png = drv.get_screenshot_as_png()
        (tmp_path / "screenshot.png").write_bytes(png)
        shot = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
        rows = drv.execute_async_script(JS)
    finally:
        drv.quit()
        server.shutdown()
    assert isinstance(rows, list), rows
    for clip, row in zip(clips, rows):
        assert row["error"] is None, (clip.path.name, row)
        assert abs(row["duration"] - float(clip.duration)) < 0.1, (clip.path.name, row)
        assert row["width"] == clip.width and row["poster"] > 0
        assert row["time"] > 0.3, (clip.path.name, row)  # it plays
        assert row["audioBytes"] > 0 and row["videoBytes"] > 0, (clip.path.name, row)  # with sound
    # Before playing, the first video shows its poster (testsrc2's colours), not a black box.
    poster = np.asarray(Image.open(clips[0].siblings[0].path).convert("RGB"))
    region = shot[5:80, 5:315].astype(int)  # above the controls' shade
    assert region.std() > 20
    assert np.abs(region.mean(axis=(0, 1)) - poster[5:80, 5:315].mean(axis=(0, 1))).max() < 12
