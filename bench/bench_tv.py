#!/usr/bin/env python3
"""Seeking in transport streams: frames off and time per still, TS against MKV of the same stream.

    python bench/bench_tv.py              # the real clips in ../shared/media + a generated 2-s-GOP recording
    python bench/bench_tv.py --stills 12

Each source's video is remuxed without re-encoding (``-c:v copy``) into MKV and
into MPEG-TS (the muxer's usual 1.4 s start offset), so both hold the very same
frames; VP8 (the bunny) cannot go into a TS, so it is first encoded to H.264 with
a keyframe every 2 s, like a broadcast.  The truth is every frame of the MKV
decoded in order from the start (no seeking), 64 px wide, grey.

For evenly spread times T (each a third of a frame past a frame start, so
rounding cannot help), each method decodes the frame on screen at T:

* ``clipkit TS`` / ``clipkit MKV`` — ``clipkit.media.frames.frame_at`` in this process;
* the peer, ``ffmpeg -ss T -i FILE -frames:v 1`` (what scripts and most tools
  do; ffmpeg's own accurate seek) on the same TS and MKV, one process per still.

"frames off" is the distance from the expected frame to the truth frame the
picture matches best (within ±60 frames); "failed" counts stills that came out
empty.  Time is wall time per still.  Ratios are clipkit / peer.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from media_dir import real_media  # bench/media_dir.py: ../shared/media or $CLIPKIT_MEDIA

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from clipkit.media.ffmpeg import ffmpeg_exe  # noqa: E402
from clipkit.media.frames import frame_at, read_frames  # noqa: E402
from clipkit.media.probe import probe  # noqa: E402

SHARED = real_media()
if not SHARED.exists():
    SHARED = Path("/work/shared/media")
W = 64


def ff(*args) -> subprocess.CompletedProcess:
    return subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *map(str, args)],
                          capture_output=True, check=False)


def prepare(work: Path) -> list[tuple[str, Path, Path]]:
    out = []
    sources = [("chaplin.mp4", SHARED / "chaplin.mp4", True), ("handheld.mp4", SHARED / "video_with_failing_audio.mp4", True),
               ("bunny (→H.264, 2 s GOP)", SHARED / "big_buck_bunny_0_30.webm", False)]
    for name, src, copy in sources:
        if not src.exists():
            continue
        base = work / Path(src).stem
        if copy:
            h264 = src
        else:
            h264 = base.with_suffix(".h264.mkv")
            ff("-i", src, "-an", "-vf", "scale=640:-2", "-c:v", "libx264", "-preset", "veryfast", "-crf", "22",
               "-g", "48", "-keyint_min", "48", "-sc_threshold", "0", "-pix_fmt", "yuv420p", h264)
        mkv, ts = base.with_suffix(".mkv"), base.with_suffix(".ts")
        ff("-i", h264, "-map", "0:v:0", "-c:v", "copy", mkv)
        ff("-i", h264, "-map", "0:v:0", "-c:v", "copy", "-f", "mpegts", ts)
        out.append((name, mkv, ts))
    # A generated broadcast-like recording: 1280x720 25p H.264, keyframe every 2 s, B-frames, 60 s.
    rec = work / "recording"
    ff("-f", "lavfi", "-i", "testsrc2=s=1280x720:r=25:d=60", "-c:v", "libx264", "-preset", "veryfast", "-g", "50",
       "-keyint_min", "50", "-sc_threshold", "0", "-bf", "3", "-pix_fmt", "yuv420p", rec.with_suffix(".mkv"))
    ff("-i", rec.with_suffix(".mkv"), "-c:v", "copy", "-f", "mpegts", rec.with_suffix(".ts"))
    out.append(("generated 720p, 2 s GOP", rec.with_suffix(".mkv"), rec.with_suffix(".ts")))
    return out


def peer_still(path: Path, t: Fraction, h: int) -> np.ndarray | None:
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-ss", f"{float(t):.6f}",
                           "-i", str(path), "-frames:v", "1", "-vf", f"scale={W}:{h}:flags=area", "-f", "rawvideo",
                           "-pix_fmt", "gray", "pipe:1"], capture_output=True, check=False)
    if len(proc.stdout) < W * h:
        return None
    return np.frombuffer(proc.stdout[:W * h], np.uint8).reshape(h, W)


def frames_off(img: np.ndarray | None, truth: list[np.ndarray], k: int) -> int | None:
    if img is None:
        return None
    lo, hi = max(0, k - 60), min(len(truth), k + 61)
    errs = [float(np.mean((truth[j].astype(float) - img) ** 2)) for j in range(lo, hi)]
    best = lo + int(np.argmin(errs))
    # Identical pictures (a still scene) count as a hit when the expected frame is as good.
    return 0 if errs[k - lo] <= errs[best - lo] + 1e-9 else best - k


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stills", type=int, default=10)
    args = ap.parse_args()
    work = Path(tempfile.gettempdir()) / "clipkit-bench-tv"
    work.mkdir(exist_ok=True)
    rows = []
    for name, mkv, ts in prepare(work):
        from clipkit.media.tsindex import _build

        pid = probe(ts).video.pid
        t0 = time.perf_counter()
        index = _build(ts, pid)
        index_s = time.perf_counter() - t0
        info_mkv, info_ts = probe(mkv), probe(ts)
        rate = info_mkv.video.frame_rate
        truth_frames = list(read_frames(info_mkv, width=W, pix_fmt="gray"))
        truth = [f.image for f in truth_frames]
        h = truth[0].shape[0]
        n = len(truth)
        ks = [int(n * (i + 0.5) / args.stills) for i in range(args.stills)]
        results = {}
        for label, fn in (
            ("clipkit TS", lambda t: frame_at(info_ts, t, width=W, pix_fmt="gray").image),
            ("clipkit MKV", lambda t: frame_at(info_mkv, t, width=W, pix_fmt="gray").image),
            ("ffmpeg -ss TS", lambda t: peer_still(ts, t, h)),
            ("ffmpeg -ss MKV", lambda t: peer_still(mkv, t, h)),
        ):
            offs, fails, t0 = [], 0, time.perf_counter()
            for k in ks:
                t = truth_frames[k].time + Fraction(1, 3) / rate
                try:
                    img = fn(t)
                except Exception:  # a failed still is a result here, not a crash
                    img = None
                off = frames_off(img, truth, k)
                if off is None:
                    fails += 1
                else:
                    offs.append(abs(off))
            per = (time.perf_counter() - t0) / len(ks)
            results[label] = (offs, fails, per)
        rows.append((name, n, results, index_s, ts.stat().st_size, len(index.offsets)))
    print(f"{'source':<26} {'method':<15} {'exact':>6} {'mean off':>9} {'max off':>8} {'failed':>7} {'s/still':>8}")
    for name, n, results, index_s, size, pes in rows:
        for label, (offs, fails, per) in results.items():
            exact = sum(o == 0 for o in offs)
            mean = f"{np.mean(offs):.2f}" if offs else "-"
            mx = max(offs) if offs else "-"
            print(f"{name:<26} {label:<15} {exact:>3}/{len(offs) + fails:<2} {mean:>9} {mx!s:>8} {fails:>7} {per:>8.3f}")
        ts_t, mkv_t, peer_t = results["clipkit TS"][2], results["clipkit MKV"][2], results["ffmpeg -ss TS"][2]
        print(f"{'':<26} TS index (once per file, cached): {index_s:.3f} s for {size / 1e6:.1f} MB, {pes} pictures")
        print(f"{'':<26} time ratios: clipkit TS / clipkit MKV = {ts_t / mkv_t:.2f}, clipkit TS / ffmpeg -ss TS = {ts_t / peer_t:.2f}")


if __name__ == "__main__":
    main()
