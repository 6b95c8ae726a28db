"""clipkit studio in headless Firefox (Debian's firefox-esr over Marionette): the posters, the shot timeline, a range
set by clicking a shot, a GIF and a still made, the tray reordered by drag and drop and by keyboard, an alt text
edited, the post exported and saved as a job file.  The Chromium test drives the rest of the flow."""

from __future__ import annotations

import os
import shutil

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
from firefox import ENTER, TAB, start_firefox  # noqa: E402
from studio_app import TOKEN, served_studio  # noqa: E402
from test_studio_browser import DRAG  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ORDER = "return [...document.querySelectorAll('#tray-list li[data-job]')].map(li => li.dataset.job)"
SET = "const e = document.getElementById(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change'));"


def test_studio_flow_in_firefox(sample, truth, tmp_path, monkeypatch):
    with served_studio(sample, tmp_path, monkeypatch) as (studio, port):
        ff = start_firefox(tmp_path / "profile")
        try:
            ff.get(f"http://127.0.0.1:{port}/?token={TOKEN}")
            assert "token" not in ff.current_url
            ff.wait(lambda: ff.js("const i = document.querySelector('#episode-list img.poster');"
                                  "return i && i.complete && i.naturalWidth") == 240)
            ff.click("#episode-list li[data-id='0']")
            ff.wait(lambda: ff.js("return document.querySelectorAll('#shots li.shot').length") == len(truth["shots"]), 180)
            ff.wait(lambda: ff.js("return [...document.querySelectorAll('#shots img')].every(i => i.complete && i.naturalWidth)"))
            assert "dissolve" in ff.js("return [...document.querySelectorAll('#shots li.shot')].map(l => l.className).join(' ')")
            # clicks below the player are made in the page: Firefox may read the player's size (and move all below
            # it) at any time while its preview is prepared, between Marionette's aim and its click
            click = "document.querySelector(arguments[0]).click()"
            ff.js(click, "#shots li.shot:nth-child(2)")  # 8–15 s
            assert ff.js("return [document.getElementById('in').value, document.getElementById('out').value]") == ["8.000", "15.000"]
            ff.js(SET, "width", "120")
            ff.js(SET, "fps", "5")
            ff.wait(lambda: "35 frames" in ff.js("return document.getElementById('estimate').textContent"))
            ff.js(click, "#make")
            ff.wait(lambda: len(ff.js(ORDER)) == 1, 240)
            ff.js(click, "#shots li.shot:nth-child(1)")
            ff.js(SET, "kind", "still")
            ff.js(click, "#make")
            ff.wait(lambda: len(ff.js(ORDER)) == 2, 240)
            gif, still = ff.js(ORDER)
            ff.js(DRAG, *[ff.find(f"#tray-list li[data-job='{j}']") for j in (still, gif)])  # still above the GIF
            ff.wait(lambda: ff.js(ORDER) == [still, gif])
            assert [i["job"] for i in studio.tray] == [still, gif]
            ff.send_keys(f"#tray-list li[data-job='{still}'] .down", ENTER)  # and back, from the keyboard
            ff.wait(lambda: ff.js(ORDER) == [gif, still])
            ff.send_keys(f"#tray-list li[data-job='{gif}'] input.alt", "Shot <two> & more" + TAB)
            ff.wait(lambda: studio.tray and studio.tray[0]["alt"] == "Shot <two> & more")
            ff.js(click, "#export")
            ff.wait(lambda: ff.js("return document.getElementById('export-text').value"))
            post = ff.js("return document.getElementById('export-text').value")
            assert 'alt="Shot &lt;two&gt; &amp; more"' in post and post.index(".gif") < post.index(".png")
            ff.js(click, "#save-jobfile")
            ff.wait(lambda: "clipkit batch" in ff.js("return document.getElementById('jobfile-state').textContent"))
            assert (studio.output / "post.toml").is_file()
            # the player: the proxy plays in Firefox too
            try:
                ff.wait(lambda: ff.js("const v = document.getElementById('video'); return v.readyState >= 1 && v.duration"), 180)
            except AssertionError:  # what the player shows, in the failure's output: src, states, error, the note
                print("player:", ff.js("const v = document.getElementById('video'); return [v.src, v.readyState, v.networkState, v.error && v.error.code, v.error && v.error.message, document.getElementById('proxy-state').textContent, MediaSource.isTypeSupported('video/mp4; codecs=\"avc1.42C01E\"')]"))
                raise
            assert abs(ff.js("return document.getElementById('video').duration") - 60) < 0.5
            # segments through MSE where Firefox plays H.264 there (else the whole-file proxy): a seek far in plays on
            mse = ff.js("return !!window.MediaSource && MediaSource.isTypeSupported('video/mp4; codecs=\"avc1.42C01E, mp4a.40.2\"')")
            assert ff.js("return document.getElementById('video').src.startsWith('blob:')") == mse
            ff.js("const v = document.getElementById('video'); v.muted = true; v.currentTime = 52.5; v.play()")
            ff.wait(lambda: ff.js("return document.getElementById('video').currentTime") > 53.5, 120)
            ff.js("document.getElementById('video').pause()")
            assert ff.js("return document.title") == "clipkit studio"
            ff.js("window.scrollTo(0, 0)")
            shot = tmp_path / "studio-firefox.png"
            ff.screenshot(shot)
            if os.environ.get("CLIPKIT_SCREENSHOTS"):
                shutil.copy(shot, os.environ["CLIPKIT_SCREENSHOTS"])
        finally:
            ff.quit()
