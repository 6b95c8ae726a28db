#!/usr/bin/env python3
"""Caption benchmark: clipkit's burned-in dialogue against the usual ffmpeg recipe, side by side.

    python bench/bench_captions.py            # the sample episode: an English and a Japanese line, 540 px, 10 fps

The peer is the recipe GIF makers paste: the SRT burned in by ffmpeg's
``subtitles`` filter (libass), then ``palettegen``/``paletteuse``, with the
timestamps shifted back (``setpts=PTS+START/TB`` … ``PTS-STARTPTS``) so the
lines stay in sync after input seeking (without that shift they are wrong),
and the font size raised to clipkit's (libass's default is much smaller).

For each clip and tool:
* ``time`` — wall time of the captioned GIF (subtitle track extraction included)
  and the extra time captions cost over the same tool without them;
* ``sync`` — the share of GIF frames whose caption presence matches the truth
  (a line is on screen at that frame's time, from ``*.truth.json``);
* ``text err`` / ``exact`` — how the text survives quantisation: at the text's
  core pixels (white in the tool's own unquantised captioned frames, not white
  without captions) the mean largest channel error of the GIF, and the share
  of those pixels that keep their colour exactly.
Ratios are clipkit / peer.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image

from clipkit import make_gif
from clipkit.media.ffmpeg import ffmpeg_exe
from clipkit.media.probe import probe
from clipkit.render.captions import caption_overlay
from clipkit.sample import make_sample
from clipkit.subtitles import extract_track

CASES = [("eng", 0, Fraction(23), Fraction(3)), ("jpn", 1, Fraction(3), Fraction(3))]  # line boundaries inside
WIDTH, FPS = 540, Fraction(10)


def gif_frames(path: Path) -> list[np.ndarray]:
    out = []
    with Image.open(path) as im:
        for i in range(im.n_frames):
            im.seek(i)
            out.append(np.asarray(im.convert("RGB")).copy())
    return out


def white(img: np.ndarray, level: int = 245) -> np.ndarray:
    return (img >= level).all(axis=2)


# ---------------------------------------------------------------- clipkit


def clipkit_run(src: Path, track: int, start: Fraction, secs: Fraction, work: Path) -> dict:
    out = work / f"ck-{track}.gif"
    t0 = time.perf_counter()
    make_gif(src, start, start + secs, out, width=WIDTH, fps=FPS, subs=f"track:{track}")
    t_cap = time.perf_counter() - t0
    t0 = time.perf_counter()
    make_gif(src, start, start + secs, work / f"ck-{track}-plain.gif", width=WIDTH, fps=FPS, subs="off")
    t_plain = time.perf_counter() - t0
    # the unquantised frames, through the same hook make_gif uses
    cues = extract_track(probe(src), track)
    plan = caption_overlay(cues, start, None, clip_end=start + secs)
    ref, plain = [], []

    def capture(t, img):
        plain.append(img.copy())
        drawn = plan.overlay(t, img)
        ref.append(np.array(drawn, copy=True))
        return drawn

    make_gif(src, start, start + secs, work / f"ck-{track}-ref.gif", width=WIDTH, fps=FPS, subs="off",
             overlay=capture, reserve_colors=plan.reserve_colors)
    return {"gif": out, "time": t_cap, "plain_time": t_plain, "ref": ref, "plain": plain}


# ---------------------------------------------------------------- peer


def peer_chain(srt: Path | None, start: Fraction) -> str:
    s = float(start)
    # FontSize 26 (libass units: 288 lines high) matches clipkit's 5 % of 540 px, so like is compared with like
    subs = (f"setpts=PTS+{s}/TB,subtitles={srt}:charenc=UTF-8:force_style='FontSize=26',setpts=PTS-STARTPTS,"
            if srt else "")
    return f"[0:v]{subs}fps={FPS},scale={WIDTH}:-2:flags=lanczos"


def peer_run(src: Path, track: int, start: Fraction, secs: Fraction, work: Path) -> dict:
    ff = ffmpeg_exe()
    srt = work / f"track{track}.srt"
    out = work / f"peer-{track}.gif"
    seek = ["-ss", str(float(start)), "-t", str(float(secs)), "-i", str(src)]
    t0 = time.perf_counter()
    subprocess.run([ff, "-v", "error", "-y", "-i", str(src), "-map", f"0:s:{track}", str(srt)], check=True)
    subprocess.run([ff, "-v", "error", "-y", *seek, "-filter_complex",
                    peer_chain(srt, start) + ",split[a][b];[a]palettegen[p];[b][p]paletteuse", str(out)], check=True)
    t_cap = time.perf_counter() - t0
    t0 = time.perf_counter()
    subprocess.run([ff, "-v", "error", "-y", *seek, "-filter_complex",
                    peer_chain(None, start) + ",split[a][b];[a]palettegen[p];[b][p]paletteuse",
                    str(work / f"peer-{track}-plain.gif")], check=True)
    t_plain = time.perf_counter() - t0

    def raw(chain: str) -> list[np.ndarray]:
        data = subprocess.run([ff, "-v", "error", *seek, "-filter_complex", chain, "-f", "rawvideo", "-pix_fmt", "rgb24",
                               "pipe:1"], check=True, capture_output=True).stdout
        h = int(round(WIDTH * 360 / 640 / 2)) * 2
        arr = np.frombuffer(data, np.uint8)
        return list(arr.reshape(-1, h, WIDTH, 3))

    return {"gif": out, "time": t_cap, "plain_time": t_plain, "ref": raw(peer_chain(srt, start)), "plain": raw(peer_chain(None, start))}


# ---------------------------------------------------------------- measures


def measure(run: dict, lines: list[dict], start: Fraction) -> dict:
    frames = gif_frames(run["gif"])
    n = min(len(frames), len(run["ref"]), len(run["plain"]))
    errs, exact, sync = [], [], []
    for i in range(n):
        t = float(start) + i / float(FPS)
        spoken = any(s["start"] <= t < s["end"] for s in lines)
        core = white(run["ref"][i]) & ~white(run["plain"][i], 200)
        h = core.shape[0]
        core[: h // 2] = False  # the captions sit in the bottom half
        drawn = core.sum() > 30
        sync.append(drawn == spoken)
        if drawn:
            g = frames[i][core].astype(int)
            r = run["ref"][i][core].astype(int)
            errs.append(np.abs(g - r).max(axis=1).mean())
            exact.append((g == r).all(axis=1).mean())
    return {"sync": float(np.mean(sync)), "err": float(np.mean(errs)) if errs else float("nan"),
            "exact": float(np.mean(exact)) if exact else float("nan"), "frames": n}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        src = make_sample(work)
        truth = json.loads(src.with_suffix(".truth.json").read_text(encoding="utf-8"))
        rows = []
        for lang, track, start, secs in CASES:
            ck = clipkit_run(src, track, start, secs, work)
            pe = peer_run(src, track, start, secs, work)
            mc, mp = measure(ck, truth["subtitles"], start), measure(pe, truth["subtitles"], start)
            rows.append((f"{lang} {float(start):g}+{float(secs):g}s", ck, pe, mc, mp))
        print(f"{'clip':<14} {'tool':<8} {'time s':>7} {'+caps s':>8} {'sync':>6} {'text err':>9} {'exact':>6}")
        for label, ck, pe, mc, mp in rows:
            for name, r, m in (("clipkit", ck, mc), ("ffmpeg", pe, mp)):
                print(f"{label:<14} {name:<8} {r['time']:7.2f} {r['time'] - r['plain_time']:8.2f} "
                      f"{m['sync']:6.2f} {m['err']:9.2f} {m['exact']:6.2f}")
            print(f"{label:<14} {'ratio':<8} {ck['time'] / pe['time']:7.2f} {'':>8} "
                  f"{mc['sync'] / mp['sync']:6.2f} {mc['err'] / mp['err'] if mp['err'] else float('inf'):9.2f} "
                  f"{mc['exact'] / mp['exact'] if mp['exact'] else float('inf'):6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
