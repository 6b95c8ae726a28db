"""Benchmark: clipkit studio's player on the first opening of a long episode (cold cache) — issue 18's "usable within
2 s".  Serves the studio on a real uvicorn with an empty cache, clicks the episode in headless Chromium, and records
when the player can play (``canplay``: the first segment made and appended), then seeks 40 minutes in (or to 90 % of
a shorter episode) and records when the picture plays there (``currentTime`` advancing past the seek point).

The whole-file proxy (the player's way before, and still the fallback without MSE) is timed with ``--whole``: the
same ffmpeg command the studio runs, on the same episode (it takes minutes on a long episode).

    python bench/bench_studio_player.py EPISODE [--whole]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

MARKS = """
const v = document.getElementById('video'); window.marks = {}; const t0 = performance.now(); window.clickAt = t0;
const mark = (k) => { if (!(k in window.marks)) window.marks[k] = performance.now() - t0; };
v.addEventListener('loadedmetadata', () => mark('metadata'));
v.addEventListener('canplay', () => mark('canplay'));
document.querySelector("#episode-list li[data-id='0']").click();
"""
SEEK = """
const [to, step, done] = arguments; const v = document.getElementById('video'); const t0 = performance.now();
v.muted = true; v.currentTime = to; v.play().catch(() => {});
const poll = setInterval(() => { if (v.currentTime > to + step) { clearInterval(poll); v.pause(); done(performance.now() - t0); } }, 20);
"""


def player(ep: Path) -> list[str]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from browser import start_chromium
    from clipkit.media.probe import probe
    from clipkit.studio.server import Studio, free_port, make_app
    from studio_app import TOKEN, serve

    work = Path(tempfile.mkdtemp(prefix="clipkit-bench-player-"))
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")  # cold: no segment, no proxy
    duration = float(probe(ep).duration)
    port = free_port()
    (work / "out").mkdir()
    studio = Studio(episodes=(ep,), output=work / "out")
    server, thread = serve(make_app(studio, token=TOKEN, port=port), port)
    driver = start_chromium(work / "profile")
    rows = []
    try:
        driver.get(f"http://127.0.0.1:{port}/?token={TOKEN}")
        WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#episode-list li[data-id]"))
        driver.execute_script(MARKS)
        WebDriverWait(driver, 120).until(lambda d: "canplay" in d.execute_script("return window.marks"))
        marks = driver.execute_script("return window.marks")
        mse = driver.execute_script("return document.getElementById('video').src.startsWith('blob:')")
        rows.append(f"| click → player can play ({'segments, MSE' if mse else 'whole-file proxy'}) | "
                    f"{marks['canplay']:.0f} ms (metadata {marks['metadata']:.0f} ms) |")
        first = driver.execute_script(
            "const e = performance.getEntriesByType('resource').find(r => r.name.includes('/segments/0.mp4'));"
            "return e ? [e.startTime, e.responseEnd] : null")
        click = driver.execute_script("return window.clickAt")
        for r in driver.execute_script("return performance.getEntriesByType('resource').map(r => [r.name, r.startTime, r.responseEnd])"):
            if "/api/" in r[0] and r[1] >= click and os.environ.get("BENCH_VERBOSE"):
                print(f"  {r[0].split('/api/')[1][:40]:40s} {r[1] - click:6.0f} → {r[2] - click:6.0f} ms")
        if first and click is not None:
            rows.append(f"| … segment 0 asked → arrived (made by ffmpeg while the shot-detection job starts) | "
                        f"{first[0] - click:.0f} → {first[1] - click:.0f} ms |")
        driver.set_script_timeout(120)
        to = 2400.0 if duration > 2500 else duration * 0.6  # 40 min into a long episode
        ms = driver.execute_async_script(SEEK, to, min(0.5, duration * 0.2))
        rows.append(f"| seek to {to:.0f} s → playing there | {ms:.0f} ms |")
        driver.get("about:blank")  # the page and its shot-detection job out of the way: one cold segment at a time
        studio.jobs.shutdown()
        import httpx

        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"x-clipkit-token": TOKEN}, timeout=120) as c:
            info = c.get("/api/episodes/0/segments").json()
            took = []
            for k in range(1, 6):
                n = min(info["count"] - 1, info["count"] * k // 6 + 1)
                t = time.perf_counter()
                assert c.get(f"/api/episodes/0/segments/{n}.mp4").status_code == 200
                took.append(time.perf_counter() - t)
            rows.append(f"| one cold {info['seconds']}-s segment over HTTP, nothing else running (5 places) | "
                        + ", ".join(f"{1000 * x:.0f}" for x in took) + " ms |")
    finally:
        driver.quit()
        server.should_exit = True
        thread.join(10)
    return rows


def whole(ep: Path) -> str:
    from clipkit.studio.proxy import _make

    target = Path(tempfile.mkdtemp(prefix="clipkit-bench-whole-")) / "proxy.mp4"
    t = time.perf_counter()
    _make(ep, target)
    return f"| whole-file proxy made (the player waited for it before) | {time.perf_counter() - t:.1f} s |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("episode", type=Path)
    ap.add_argument("--whole", action="store_true", help="also time the whole-file proxy (minutes)")
    args = ap.parse_args()
    print(f"## Player, first opening of {args.episode.name}\n\n| step | time |\n|---|---|")
    for row in player(args.episode.resolve()):
        print(row, flush=True)
    if args.whole:
        print(whole(args.episode.resolve()), flush=True)
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
