"""Benchmark: clipkit studio — the episode view of a 45-minute episode, and the Make panel's size estimate.

1. **Episode view, scene cache warm** (goal: usable within 2 s): a generated 45-min 640×360 episode (a cut every
   4 s, a 900-line .srt) with its scene cache and proxy made first; then a real uvicorn serving the studio and, in
   headless Chromium when there is one, the time from clicking the episode to: the dialogue listed, the player's
   metadata loaded, the shot timeline drawn and its first 8 thumbnails decoded.  Also the API calls one by one
   (httpx), and the first time (cold scene cache: the detection job with its progress).
2. **Size estimate vs the real size**: GIFs (480 px, 15 fps) and clips (480 px) of 3 s from the sample and the
   real clips in ../shared/media: estimate / made, with the built-in figure and calibrated on another 3 s of the
   same file (what the studio does once this episode has a GIF made).
3. **Clip estimate over ranges and widths** (``--clips``): 13 ranges of the real clips at 240, 480, 720 px and the
   source's width, made with ``clipkit.clip`` at the page's settings: estimate / made by the model (no segments),
   by the studio with nothing played (the segments it samples of the range made for it, ``player_cost.sample_range``)
   and with all the episode's segments made (the range's own H.264 cost, ``studio/player_cost.py``).

    python bench/bench_studio.py [--long FILE] [--media ../shared/media] [--dir /tmp/clipkit-bench-studio]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))


def make_long(folder: Path, minutes: int = 45) -> Path:
    from clipkit.media.ffmpeg import run_ffmpeg

    ep = folder / "long-s01e01.mkv"
    if ep.exists():
        return ep
    folder.mkdir(parents=True, exist_ok=True)
    secs = minutes * 60
    run_ffmpeg(["-f", "lavfi", "-i", f"testsrc2=s=640x360:r=24:d={secs},hue=H='2*PI*floor(t/4)*0.37':s=1",
                "-f", "lavfi", "-i", f"sine=f=440:d={secs}", "-c:v", "libx264", "-preset", "ultrafast", "-g", "96",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "48k", "-shortest", "-y", ep], what="the long episode")
    with open(ep.with_suffix(".srt"), "w", encoding="utf-8") as f:
        for i in range(secs // 3):
            a = i * 3000 + 500
            t = lambda ms: f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"  # noqa: E731
            f.write(f"{i + 1}\n{t(a)} --> {t(a + 2000)}\nLine number {i + 1} of the long episode\n\n")
    return ep


def episode_view(ep: Path, work: Path) -> list[str]:
    import httpx

    import shutil

    import clipkit
    from clipkit.identity import cache_root
    from clipkit.studio.proxy import _make, proxy_path
    from clipkit.studio.server import Studio, free_port, make_app
    from studio_app import TOKEN, serve

    rows = []
    t = time.perf_counter()
    found = clipkit.detect_scenes(ep)
    rows.append(f"| detect_scenes, 45 min ({len(found.scenes)} shots{', from the cache' if found.from_cache else ''}) "
                f"| {time.perf_counter() - t:.1f} s |")
    if not proxy_path(ep).exists():
        t = time.perf_counter()
        _make(ep, proxy_path(ep))
        rows.append(f"| proxy video, made once | {time.perf_counter() - t:.1f} s |")
    port = free_port()
    out = work / "out"
    out.mkdir(exist_ok=True)
    studio = Studio(episodes=(ep,), output=out)
    server, thread = serve(make_app(studio, token=TOKEN, port=port), port)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, headers={"x-clipkit-token": TOKEN}, timeout=60) as c:
            for what, url in (("episodes (probe)", "/api/episodes"), ("dialogue, 900 lines", "/api/episodes/0/lines"),
                              ("shots, warm cache", "/api/episodes/0/shots")):
                t = time.perf_counter()
                r = c.get(url)
                rows.append(f"| API {what} | {1000 * (time.perf_counter() - t):.0f} ms (HTTP {r.status_code}) |")
            shots = c.get("/api/episodes/0/shots").json()["shots"]
            shutil.rmtree(cache_root() / "studio" / "thumbs", ignore_errors=True)
            t = time.perf_counter()
            for s in shots[:8]:
                c.get("/api/episodes/0/thumb.jpg", params={"t": s["thumb"]["exact"]})
            rows.append(f"| API 8 shot thumbnails, cold, one after another | {1000 * (time.perf_counter() - t):.0f} ms |")
        shutil.rmtree(cache_root() / "studio" / "thumbs", ignore_errors=True)  # the page's thumbnails cold too
        rows += browser_view(base)
    finally:
        server.should_exit = True
        thread.join(10)
    return rows


def browser_view(base: str) -> list[str]:
    try:
        from browser import start_chromium
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
        from studio_app import TOKEN
    except ImportError as exc:
        return [f"| browser | not measured ({exc}) |"]
    import tempfile

    import pytest

    try:
        driver = start_chromium(Path(tempfile.mkdtemp()) / "profile")
    except pytest.skip.Exception as exc:
        return [f"| browser | not measured ({exc}) |"]
    rows = []
    try:
        driver.get(f"{base}/?token={TOKEN}")
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#episode-list li[data-id]"))
        driver.execute_script("""
            window.marks = {}; const t0 = performance.now(); window.t0 = t0;
            const mark = (k) => { if (!(k in window.marks)) window.marks[k] = performance.now() - t0; };
            new MutationObserver(() => {
              if (document.querySelector('#lines li .time')) mark('dialogue');
              if (document.querySelector('#shots li.shot')) mark('timeline');
              const imgs = [...document.querySelectorAll('#shots img')].slice(0, 8);
              if (imgs.length === 8 && imgs.every(i => i.complete && i.naturalWidth)) mark('thumbs8');
            }).observe(document.body, {subtree: true, childList: true, attributes: true});
            document.getElementById('video').addEventListener('loadedmetadata', () => mark('player'));
            const poll = setInterval(() => {
              const imgs = [...document.querySelectorAll('#shots img')].slice(0, 8);
              if (imgs.length === 8 && imgs.every(i => i.complete && i.naturalWidth)) { mark('thumbs8'); clearInterval(poll); }
            }, 20);
            document.querySelector("#episode-list li[data-id='0']").click();""")
        WebDriverWait(driver, 60).until(lambda d: len(d.execute_script("return window.marks")) >= 4)
        marks = driver.execute_script("return window.marks")
        for k, label in (("dialogue", "dialogue listed"), ("player", "player ready (metadata)"),
                         ("timeline", "shot timeline drawn"), ("thumbs8", "first 8 thumbnails shown")):
            rows.append(f"| Chromium: click → {label} | {marks[k]:.0f} ms |")
        rows.append(f"| Chromium: click → all of it (usable) | {max(marks.values()):.0f} ms |")
    finally:
        driver.quit()
    return rows


def estimates(media: Path, sample: Path) -> list[str]:
    import clipkit
    from clipkit.artifact import artifact_to_json
    from clipkit.studio.estimate import estimate

    clips = [(sample, 24, 33)]
    for name, a, b in (("big_buck_bunny_0_30.webm", 12, 16), ("chaplin.mp4", 1, 5), ("video_with_failing_audio.mp4", 4, 8),
                       ("fire2.mp4", 0, Fraction(6, 5))):
        if (media / name).exists():
            clips.append((media / name, a, b))
    rows = []
    out = Path(os.environ.get("TMPDIR", "/tmp")) / "clipkit-bench-studio-est"
    out.mkdir(exist_ok=True)
    for path, a, b in clips:
        span = Fraction(3) if b - a >= 6 else Fraction(b - a) / 2
        for kind, opts in (("gif", {"width": 480, "fps": Fraction(15)}), ("clip", {"width": 480})):
            fn = clipkit.gif if kind == "gif" else clipkit.clip
            made = []
            for start in (Fraction(a), Fraction(a) + span):
                art = fn(path, start, start + span, out, record=False, overwrite=True, subs="off", **opts)
                made.append(artifact_to_json(art))
            params = {"video": str(path), "start": Fraction(a) + span, "end": Fraction(a) + 2 * span, "options": opts}
            plain = estimate(kind, params, [])["bytes"]
            calibrated = estimate(kind, params, [made[0]])["bytes"]
            real = made[1]["bytes"]
            rows.append(f"| {path.name} {float(params['start']):g}+{float(span):g} s | {kind} | {real / 1000:.0f} KB | "
                        f"{plain / real:.2f}× | {calibrated / real:.2f}× |")
    return rows


CLIP_RANGES = [("big_buck_bunny_0_30.webm", [(0, 3), (12, 15), (15.7, 20.7), (24, 28), (3, 11)]),
               ("chaplin.mp4", [(1, 5), (5, 9)]),
               ("video_with_failing_audio.mp4", [(1, 4), (4, 8), (7, 10)]),
               ("fire2.mp4", [(0, 2.3), (0.5, 1.7)])]


def clip_estimates(media: Path, folder: Path) -> list[str]:
    """Each range × width: made bytes, the estimate with no segments made, and with the episode's segments made."""
    os.environ["XDG_CACHE_HOME"] = str(folder / "cache")  # the player's segments of these files, made here
    import shutil

    import clipkit
    from clipkit.media.probe import probe
    from clipkit.studio.estimate import estimate
    from clipkit.studio.proxy import segment_count, segment_file
    from clipkit.studio.server import Studio

    cases = [(media / name, ranges) for name, ranges in CLIP_RANGES if (media / name).exists()]
    studio = Studio(episodes=tuple(p for p, _ in cases), output=folder)
    made = []  # (path, a, b, params, bytes, the estimate before any segment is made)
    waited: list[float] = []
    for path, ranges in cases:
        for a, b in ranges:
            for width in (240, 480, 720, None):
                opts = {"width": width} if width else {}
                start, end = Fraction(str(a)), Fraction(str(b))
                art = clipkit.clip(path, start, end, folder / "clip.mp4", record=False, overwrite=True, subs="off", **opts)
                params = {"video": str(path), "start": start, "end": end, "options": {"width": art.width}}
                made.append((path, a, b, params, art.bytes, estimate("clip", params, [])["bytes"]))
    sampled = []  # as the studio says it with nothing played: the segments it samples of the range, made for it
    for k, (path, a, b, params, size, model) in enumerate(made):
        shutil.rmtree(folder / "cache" / "clipkit" / "studio" / "segments", ignore_errors=True)
        t = time.perf_counter()
        sampled.append(estimate("clip", params, [], studio)["bytes"] / size)
        waited.append(time.perf_counter() - t)
    for path, _ in cases:
        for n in range(segment_count(probe(path).duration)):
            segment_file(studio, path, n)  # as the page plays the episode
    rows, before, after = [], [], []
    for (path, a, b, params, size, model), first in zip(made, sampled):
        before.append(model / size)
        after.append(estimate("clip", params, [])["bytes"] / size)
        rows.append(f"| {path.name} {a}–{b} s | {params['options']['width']} | {size / 1000:.0f} KB | {before[-1]:.2f}× | "
                    f"{first:.2f}× | {after[-1]:.2f}× |")
    rows.append(f"| all {len(rows)} | | | {min(before):.2f}–{max(before):.2f}× | {min(sampled):.2f}–{max(sampled):.2f}× "
                f"| {min(after):.2f}–{max(after):.2f}× |")
    rows.append(f"| (the studio's estimate with nothing played took {min(waited):.1f}–{max(waited):.1f} s) | | | | | |")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--long", type=Path, help="a long episode to use (default: generate 45 min)")
    media = next((p for p in (HERE.parents[1] / "shared" / "media", HERE.parents[2] / "shared" / "media") if p.is_dir()),
                 HERE.parents[1] / "shared" / "media")
    ap.add_argument("--media", type=Path, default=media, help="the real clips (default: ../shared/media)")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/clipkit-bench-studio"))
    ap.add_argument("--skip-view", action="store_true")
    ap.add_argument("--clips", action="store_true", help="only the clip estimate over ranges and widths (3.)")
    args = ap.parse_args()
    from clipkit.sample import make_sample

    if args.clips:
        args.dir.mkdir(parents=True, exist_ok=True)
        print("## Clip estimate / made size, before and after the player's segments are made\n")
        print("| range | width | made | model | the studio, nothing played | all segments made |\n|---|---|---|---|---|---|")
        for row in clip_estimates(args.media, args.dir):
            print(row, flush=True)
        return

    args.dir.mkdir(parents=True, exist_ok=True)
    print("## Size estimate / made size (3 s, 480 px; GIF at 15 fps)\n")
    print("| clip | kind | made | built-in estimate | calibrated on the 3 s before |\n|---|---|---|---|---|")
    for row in estimates(args.media, make_sample(args.dir / "sample")):
        print(row, flush=True)
    if not args.skip_view:
        ep = (args.long or make_long(args.dir / "long")).resolve()
        print(f"\n## Episode view of {ep.name}\n\n| step | time |\n|---|---|")
        for row in episode_view(ep, args.dir):
            print(row, flush=True)
    print(json.dumps({"load": os.getloadavg()}))


if __name__ == "__main__":
    main()
