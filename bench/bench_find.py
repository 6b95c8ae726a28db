"""Benchmark: the dialogue index of `clipkit find` on a season.

Makes a season of N episodes of 45 minutes (a short 640×360, 300 kb/s clip stream-copied
in a loop, so making it is quick) with an English and a Japanese subtitle
track of ~700 lines each, then measures

* the first search (every episode's subtitles read into the index), per episode;
* later searches (the index answers): API call, and the whole `clipkit find` command;
* a search after one episode changed (only it is read again);
* the peer a user has without clipkit: extract each episode's track with ffmpeg and grep it
  (`ffmpeg -i EP -map 0:s:0 -f srt - | grep -i`), every time.

    python bench/bench_find.py [--episodes 24] [--minutes 45] [--lines 700] [--dir /tmp/clipkit-bench-find]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from clipkit.media.ffmpeg import ffmpeg_exe

WORDS = ("star night observatory always knew where were you tell me why because true chose million look back "
         "see next week same time promise never forget remember train station rain umbrella letter").split()
KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん"


def _t(ms: int) -> str:
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def write_subs(path: Path, lines: int, seconds: int, seed: int, japanese: bool, special: int) -> None:
    import random

    rnd = random.Random(seed)
    step = seconds * 1000 // (lines + 1)
    out = []
    for n in range(1, lines + 1):
        if japanese:
            text = "".join(rnd.choice(KANA) for _ in range(rnd.randint(6, 16))) + "。"
        else:
            text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 9))).capitalize() + "."
        if n == lines // 2 and seed == special:
            text = "The lighthouse keeper always knew." if not japanese else "灯台守はずっと知っていた。"
        a = n * step
        out.append(f"{n}\n{_t(a)} --> {_t(a + step * 3 // 4)}\n{text}\n")
    path.write_text("\n".join(out), encoding="utf-8")


def ffmpeg(*args) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *map(str, args)], check=True)


def make_season(folder: Path, episodes: int, minutes: int, lines: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / "base.mp4"
    if not base.exists():
        ffmpeg("-f", "lavfi", "-i", "testsrc2=s=640x360:r=24:d=60", "-c:v", "libx264", "-preset", "veryfast",
               "-b:v", "300k", "-g", "48", base)
    out = []
    for ep in range(1, episodes + 1):
        path = folder / f"season-e{ep:02d}.mkv"
        if not path.exists():
            en, ja = folder / "en.srt", folder / "ja.srt"
            write_subs(en, lines, minutes * 60, ep, False, min(7, episodes))
            write_subs(ja, lines, minutes * 60, ep, True, min(7, episodes))
            ffmpeg("-stream_loop", str(minutes - 1), "-i", base, "-i", en, "-i", ja, "-map", "0:v", "-map", "1", "-map", "2",
                   "-c", "copy", "-c:s", "srt", "-metadata:s:s:0", "language=eng", "-metadata:s:s:1", "language=jpn",
                   "-t", str(minutes * 60), path)
        out.append(path)
    return out


def peer_search(videos: list[Path], query: str) -> int:
    """What a user does without an index: extract each episode's track and grep it."""
    hits = 0
    for v in videos:
        srt = subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(v), "-map", "0:s:0", "-f", "srt", "-"],
                             capture_output=True, check=True).stdout.decode("utf-8", "replace")
        hits += len(re.findall(re.escape(query), srt, re.IGNORECASE))
    return hits


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--episodes", type=int, default=24)
    ap.add_argument("--minutes", type=int, default=45)
    ap.add_argument("--lines", type=int, default=700)
    ap.add_argument("--dir", default="/tmp/clipkit-bench-find")
    a = ap.parse_args()
    folder = Path(a.dir)
    cache = folder / "cache"
    os.environ["XDG_CACHE_HOME"] = str(cache)
    t0 = time.perf_counter()
    videos = make_season(folder, a.episodes, a.minutes, a.lines)
    print(f"season: {len(videos)} episodes × {a.minutes} min, {a.lines} lines × 2 tracks each "
          f"({sum(v.stat().st_size for v in videos) / 1e9:.2f} GB; made in {time.perf_counter() - t0:.0f} s)")

    from clipkit.dialogue.index import index_path
    from clipkit.pipeline.find import find

    if index_path().exists():
        index_path().unlink()
    t0 = time.perf_counter()
    r = find(folder, "lighthouse keeper")
    first = time.perf_counter() - t0
    assert len(r.matches) == 1 and r.matches[0].video.name == f"season-e{min(7, a.episodes):02d}.mkv", r.matches
    print(f"first search (indexing): {first:.1f} s, {first / len(videos):.2f} s per episode")

    warm = []
    for q in ("lighthouse keeper", "灯台守", "observatory promise", "the lighthouse keepr always knows"):
        for _ in range(5):
            t0 = time.perf_counter()
            find(folder, q)
            warm.append(time.perf_counter() - t0)
    print(f"later searches (API, 20 queries incl. Japanese and fuzzy): median {statistics.median(warm) * 1000:.0f} ms, "
          f"max {max(warm) * 1000:.0f} ms")

    cli = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "clipkit", "find", str(folder), "lighthouse keeper"], check=True,
                       capture_output=True)
        cli.append(time.perf_counter() - t0)
    print(f"later searches (the whole `clipkit find` command, Python start-up included): median "
          f"{statistics.median(cli) * 1000:.0f} ms")

    os.utime(videos[2])  # one episode changed
    t0 = time.perf_counter()
    find(folder, "lighthouse keeper")
    print(f"after one episode changed: {time.perf_counter() - t0:.2f} s (only it is read again)")

    t0 = time.perf_counter()
    hits = peer_search(videos, "lighthouse keeper")
    peer = time.perf_counter() - t0
    assert hits >= 1
    print(f"peer (ffmpeg extract + grep of every episode, English track only): {peer:.1f} s per search; "
          f"indexed API search is {peer / statistics.median(warm):.0f}× faster, the command "
          f"{peer / statistics.median(cli):.0f}× faster")


if __name__ == "__main__":
    main()
