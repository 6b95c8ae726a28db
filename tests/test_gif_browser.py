"""GIFs as a browser plays them: headless Chromium decodes clipkit's GIFs (WebCodecs ImageDecoder)
and reports the frame count, each frame's duration and the loop count.

Needs Debian's ``chromium`` + ``chromium-driver`` and ``selenium``; skipped with the reason otherwise.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from browser import start_chromium
from PIL import Image

from clipkit import make_gif
from media import ffmpeg

pytestmark = pytest.mark.browser

JS = """
const done = arguments[arguments.length - 1];
(async () => {
  const out = {};
  for (const name of arguments[0]) {
    const data = await (await fetch(name)).arrayBuffer();
    const dec = new ImageDecoder({data, type: "image/gif"});
    await dec.tracks.ready;
    const track = dec.tracks.selectedTrack;
    await dec.completed;
    const durations = [];
    for (let i = 0; i < track.frameCount; i++) {
      const r = await dec.decode({frameIndex: i});
      durations.push(r.image.duration / 1000);  // microseconds -> ms
      r.image.close();
    }
    out[name] = {frames: track.frameCount, repetition: track.repetitionCount, durations};
  }
  return out;
})().then(done, e => done({error: String(e)}));
"""


def _driver(profile):
    return start_chromium(profile)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_browser_plays_frames_durations_and_loop(tmp_path):
    clip = tmp_path / "clip.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x90:r=25:d=3", "-vf", "format=yuv420p", "-c:v", "libx264", "-crf", "20", clip)
    made = {
        "forever.gif": make_gif(clip, "0", "+2", tmp_path / "forever.gif", fps=15, width=160, quality=100, subs="off"),
        "once.gif": make_gif(clip, "0", "+1", tmp_path / "once.gif", fps=20, width=160, loop="once", subs="off"),
        "three.gif": make_gif(clip, "0", "+1", tmp_path / "three.gif", fps=25, width=160, loop="3", subs="off"),
    }
    drv = _driver(tmp_path / "profile")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        drv.set_script_timeout(60)
        drv.get(f"http://127.0.0.1:{server.server_address[1]}/")
        if not drv.execute_script("return typeof ImageDecoder !== 'undefined'"):
            pytest.skip("this Chromium has no WebCodecs ImageDecoder")
        got = drv.execute_async_script(JS, list(made))
    finally:
        drv.quit()
        server.shutdown()
    assert "error" not in got, got
    for name, art in made.items():
        pil = Image.open(art.path)
        pil_durations = []
        for i in range(pil.n_frames):
            pil.seek(i)
            pil_durations.append(pil.info["duration"])
        assert got[name]["frames"] == art.frame_count == len(pil_durations)
        assert [round(d) for d in got[name]["durations"]] == pil_durations
        assert sum(got[name]["durations"]) == pytest.approx(float(art.duration) * 1000, abs=1)
    assert sum(got["forever.gif"]["durations"]) == pytest.approx(2000, abs=1)
    assert got["forever.gif"]["repetition"] in (float("inf"), None)  # JS Infinity (JSON has no Infinity: null)
    assert got["once.gif"]["repetition"] == 0
    assert got["three.gif"]["repetition"] == 2
