#!/usr/bin/env python3
"""Embed benchmark: what a reader's browser gets from clipkit's snippets against the
usual hand-made post (an ffmpeg two-pass GIF pasted as a bare ``<img src>``).

    python bench/bench_embed.py                 # two 5 s clips of the sample episode, 480 px, 15 fps

For each clip: bytes the reader downloads per format (``html`` → clipkit's GIF,
``picture`` → its animated WebP sibling, ``video`` → its MP4 sibling) and the
peer's GIF; and, in headless Chromium with media held back 1 s by the server,
the cumulative layout shift (CLS) of a page of each kind (0 = nothing jumps).
Ratios are against the peer.  Needs chromium + chromedriver + selenium for the
CLS column (else it says so and prints bytes only).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from clipkit import make_gif, snippet
from clipkit.media.ffmpeg import ffmpeg_exe
from clipkit.sample import make_sample

CLIPS = [(16, 5), (41, 5)]  # (start s, seconds) in the sample: calm shot, after a cut
WIDTH, FPS = 480, 15


def peer_gif(src: Path, start: float, seconds: float, out: Path) -> Path:
    """The common two-pass recipe: palettegen + paletteuse."""
    vf = f"fps={FPS},scale={WIDTH}:-1:flags=lanczos"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-ss", str(start), "-t", str(seconds), "-i", str(src),
                    "-filter_complex", f"[0:v]{vf},split[a][b];[a]palettegen[p];[b][p]paletteuse", str(out)], check=True)
    return out


class _Slow(SimpleHTTPRequestHandler):
    def do_GET(self):
        if not self.path.endswith(".html"):
            time.sleep(1.0)
        super().do_GET()

    def log_message(self, *a):
        pass


def measure_cls(folder: Path, pages: dict[str, str]) -> dict[str, float] | str:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return "selenium not installed"
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver:
        return "no chromium/chromedriver"
    head = ("<!doctype html><meta charset=utf-8><style>body{width:1000px}img,video{max-width:100%;height:auto}</style>"
            "<script>window.cls=0;new PerformanceObserver(function(l){l.getEntries().forEach(function(e){"
            "if(!e.hadRecentInput)window.cls+=e.value})}).observe({type:'layout-shift',buffered:true});</script>")
    for name, body in pages.items():
        (folder / f"{name}.html").write_text(head + "<p>Intro paragraph of the review.</p>" + body +
                                             "<p>The review goes on below the clips.</p>", encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Slow, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    profile = tempfile.mkdtemp()
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run", "--window-size=1100,900", f"--user-data-dir={profile}"):
        opts.add_argument(a)
    drv = webdriver.Chrome(options=opts, service=Service(driver))
    try:
        out = {}
        for name in pages:
            drv.get(f"http://127.0.0.1:{server.server_address[1]}/{name}.html")
            time.sleep(1.5)
            out[name] = float(drv.execute_script("return window.cls"))
        return out
    finally:
        drv.quit()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="clipkit-bench-embed-"))
    src = make_sample(work)
    rows, pages = [], {"peer": "", "html": "", "picture": "", "video": ""}
    for start, seconds in CLIPS:
        t0 = time.perf_counter()
        art = make_gif(src, str(start), f"+{seconds}", work / f"clip{start}.gif", width=WIDTH, fps=FPS, also=("mp4", "webp"))
        t_clipkit = time.perf_counter() - t0
        t0 = time.perf_counter()
        peer = peer_gif(src, start, seconds, work / f"peer{start}.gif")
        t_peer = time.perf_counter() - t0
        sib = {s.kind: s for s in art.siblings}
        t0 = time.perf_counter()
        for _ in range(1000):
            snippet(art, "video", base_url="/")
        t_snip = (time.perf_counter() - t0) / 1000
        for fmt in ("html", "picture", "video"):
            pages[fmt] += snippet(art, fmt, base_url="/", title=f"Clip at {start}s")
        pages["peer"] += f'<p><img src="/{peer.name}"><br>Clip at {start}s</p>'
        peer_bytes = peer.stat().st_size
        rows.append((f"{start}s+{seconds}", peer_bytes, art.bytes, sib["webp"].bytes, sib["mp4"].bytes, t_peer, t_clipkit, t_snip))
    cls = measure_cls(work, pages)

    print(f"clips of the sample episode, {WIDTH} px, {FPS} fps; bytes the reader downloads per embed format")
    print(f"{'clip':<8} {'peer GIF':>10} {'html (GIF)':>16} {'picture (WebP)':>18} {'video (MP4)':>16} {'snippet':>9}")
    for clip, pb, gb, wb, mb, _tp, _tc, ts in rows:
        print(f"{clip:<8} {pb/1000:>8.0f}KB {gb/1000:>8.0f}KB ×{gb/pb:.2f} {wb/1000:>9.0f}KB ×{wb/pb:.2f} "
              f"{mb/1000:>8.0f}KB ×{mb/pb:.3f} {ts*1e6:>6.0f}µs")
    if isinstance(cls, dict):
        print("cumulative layout shift, media held back 1 s (0 = nothing moves): "
              + ", ".join(f"{k} {v:.3f}" for k, v in cls.items()))
    else:
        print(f"layout shift not measured: {cls}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
