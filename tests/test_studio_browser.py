"""clipkit studio in headless Chromium: open, search a line, click it, make a GIF, see its snippet, export the post."""

from __future__ import annotations

import os
import shutil

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
from browser import start_chromium  # noqa: E402
from studio_app import HOSTILE, TOKEN, make_studio, serve  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_studio_flow_in_chromium(sample, truth, tmp_path, monkeypatch):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    from clipkit.studio.server import free_port

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the proxy video and the dialogue index
    port = free_port()
    studio, app = make_studio(sample, tmp_path, port=port)
    server, thread = serve(app, port)
    driver = start_chromium(tmp_path / "profile")
    try:
        driver.set_window_size(1280, 1400)
        driver.get(f"http://127.0.0.1:{port}/?token={TOKEN}")
        assert "token" not in driver.current_url  # the token went into the cookie, out of the address bar
        wait = WebDriverWait(driver, 60)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#episode-list li[data-id]"))
        driver.find_element(By.CSS_SELECTOR, "#episode-list li[data-id='0']").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#lines li .time"))
        # user text is shown as text, never parsed: the sidecar's name with <img onerror> stays letters
        options = driver.find_elements(By.CSS_SELECTOR, "#source option")
        assert any(HOSTILE in o.text for o in options), [o.text for o in options]
        assert not driver.find_elements(By.CSS_SELECTOR, "main img:not(#result-img)")
        next(o for o in options if "(eng)" in o.text).click()  # captions from the English track
        wait.until(lambda d: "Where were you" in d.execute_script("return document.getElementById('lines').textContent"))
        box = driver.find_element(By.ID, "search")
        box.send_keys("always knew", Keys.ENTER)
        wait.until(lambda d: "one-million-stars-s01e07.mkv" in d.execute_script("return document.getElementById('lines').textContent"))
        line = next(li for li in driver.find_elements(By.CSS_SELECTOR, "#lines li") if "He always knew" in li.text)
        line.click()
        wait.until(lambda d: d.find_element(By.ID, "in").get_attribute("value") == "24.000")
        assert driver.find_element(By.ID, "out").get_attribute("value") == "27.000"
        driver.find_element(By.TAG_NAME, "body").send_keys(".")  # the out point one frame (1/24 s) later
        assert driver.find_element(By.ID, "out").get_attribute("value") == "27.042"
        driver.find_element(By.TAG_NAME, "body").send_keys(",")
        assert driver.find_element(By.ID, "out").get_attribute("value") == "27.000"
        driver.find_element(By.ID, "load-shots").click()  # the shots, from clipkit.scenes
        WebDriverWait(driver, 180).until(lambda d: "shot(s)" in d.find_element(By.ID, "shots-state").text)
        assert len(driver.find_elements(By.CSS_SELECTOR, "#shots li")) == len(truth["shots"])
        for field, value in (("width", "240"), ("fps", "10")):
            el = driver.find_element(By.ID, field)
            el.clear()
            el.send_keys(value)
        driver.find_element(By.ID, "make-gif").click()
        WebDriverWait(driver, 240).until(lambda d: d.find_element(By.ID, "snippet").get_attribute("value"))
        driver.find_element(By.ID, "base-url").send_keys("https://blog.example/up/", Keys.TAB)
        name = next(studio.output.glob("*.gif")).name
        wait.until(lambda d: "https://blog.example/up/" in d.find_element(By.ID, "snippet").get_attribute("value"))
        snippet = driver.find_element(By.ID, "snippet").get_attribute("value")
        assert snippet.startswith(f'<img src="https://blog.example/up/{name}" width="240"'), snippet
        assert 'alt="He knew. He always knew."' in snippet
        facts = driver.find_element(By.ID, "result-facts").text
        assert "240×" in facts and "30 frames" in facts and "3.00 s" in facts, facts
        wait.until(lambda d: d.execute_script("return document.getElementById('result-img').naturalWidth") == 240)
        # the preview video plays from the proxy
        WebDriverWait(driver, 180).until(
            lambda d: d.execute_script("const v = document.getElementById('video'); return v.readyState >= 1 && v.duration"))
        assert abs(driver.execute_script("return document.getElementById('video').duration") - 60) < 0.5
        driver.find_element(By.ID, "export").click()
        wait.until(lambda d: d.find_element(By.ID, "export-text").get_attribute("value"))
        assert f"https://blog.example/up/{name}" in driver.find_element(By.ID, "export-text").get_attribute("value")
        assert driver.title == "clipkit studio"  # the hostile line ran nothing
        assert len(driver.find_elements(By.CSS_SELECTOR, "#tray-list li")) == 1
        driver.execute_script("window.scrollTo(0, 0)")
        shot = tmp_path / "studio.png"
        driver.save_screenshot(str(shot))
        if os.environ.get("CLIPKIT_SCREENSHOTS"):
            shutil.copy(shot, os.environ["CLIPKIT_SCREENSHOTS"])
    finally:
        driver.quit()
        server.should_exit = True
        thread.join(15)
