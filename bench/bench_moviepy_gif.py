#!/usr/bin/env python3
"""A moviepy clip to a GIF: ``clipkit.moviepy.write_gif`` against moviepy's own ``clip.write_gif``.

    pip install 'clipkit[moviepy]'
    python bench/bench_moviepy_gif.py [--look DIR]

The same clip goes through both drop-ins with their defaults (the clip's size
and frame rate): moviepy's (imageio → Pillow, each frame quantised on its own)
and clipkit's (``make_gif``'s engine).  For each: wall time (one run), file size,
frames, the played duration (sum of the GIF's delays) against the clip's, and
SSIM (luma, 7×7 Gaussian) of the frame a viewer sees at each sample time
``k / fps`` against the clip's frame there (mean and worst).

Clips: a zoom composed in moviepy over the sample episode (the issue's "reviewer
composed an effect"), and clips of the real footage in /work/shared/media
(Big Buck Bunny's flowers, Chaplin's grain, fire2's odd 10.51 fps), each at
480 px wide.  clipkit runs twice: with its defaults (quality 75: inter-frame
tolerance) and at ``quality=100``.  ``--look DIR`` saves the middle frame of each GIF as PNG.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from clipkit.moviepy import write_gif
from clipkit.sample import make_sample

from media_dir import real_media  # bench/media_dir.py: ../shared/media or $CLIPKIT_MEDIA

MEDIA = real_media()
WIDTH = 480


def clips(tmp: Path):
    """(name, clip) pairs; the real ones only when /work/shared/media is there."""
    from moviepy import CompositeVideoClip, VideoFileClip, vfx

    sample = make_sample(tmp)
    base = VideoFileClip(str(sample)).subclipped(24, 28).with_effects([vfx.Resize(width=WIDTH)])
    zoom = base.with_effects([vfx.Resize(lambda t: 1 + 0.08 * t)]).with_position("center")
    yield "sample 0:24 +4, zoom (composed)", CompositeVideoClip([zoom], size=base.size).with_fps(base.fps).with_duration(4)
    if MEDIA.is_dir():
        for name, start, end in (("big_buck_bunny_0_30.webm", 12, 15.5), ("chaplin.mp4", 2, 6), ("fire2.mp4", 0, 2.38)):
            clip = VideoFileClip(str(MEDIA / name)).subclipped(start, end).with_effects([vfx.Resize(width=WIDTH)])
            yield f"{name} {start}–{end} s", clip


def gif_frames(path: Path) -> tuple[list[np.ndarray], list[int]]:
    """Every frame of a GIF as RGB (composited as a browser shows it) and its delay in ms."""
    im = Image.open(path)
    frames, delays = [], []
    for i in range(im.n_frames):
        im.seek(i)
        frames.append(np.asarray(im.convert("RGB")))
        delays.append(im.info.get("duration", 0))
    return frames, delays


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """SSIM of two RGB pictures on luma (Wang et al. 2004, Gaussian window σ=1.5)."""
    x = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY).astype(np.float64)
    y = cv2.cvtColor(b, cv2.COLOR_RGB2GRAY).astype(np.float64)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    blur = lambda z: cv2.GaussianBlur(z, (7, 7), 1.5)  # noqa: E731
    mx, my = blur(x), blur(y)
    sxx, syy, sxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    m = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
    return float(m.mean())


def fidelity(clip, path: Path, fps: float) -> tuple[int, float, float, float]:
    """Frames, played seconds, and mean / worst SSIM of what is on screen in the middle of each frame's
    slot, (k + ½) / fps, against the clip's frame k (the middle: GIF delays are whole centiseconds, so a
    frame may start up to 5 ms off its exact time, which is not what a viewer sees)."""
    frames, delays = gif_frames(path)
    starts = np.cumsum([0] + delays[:-1]) / 1000
    n = int(clip.duration * fps + 0.01)
    scores = []
    for k in range(n):
        shown = frames[int(np.searchsorted(starts, (k + 0.5) / fps, side="right")) - 1]
        want = np.asarray(clip.get_frame(k / fps)).astype(np.uint8)
        if shown.shape != want.shape:
            shown = cv2.resize(shown, (want.shape[1], want.shape[0]), interpolation=cv2.INTER_AREA)
        scores.append(ssim(shown, want))
    return len(frames), sum(delays) / 1000, float(np.mean(scores)), float(np.min(scores))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--look", type=Path, help="save each GIF's middle frame as PNG here")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="clipkit-bench-moviepy-"))
    print("| clip | route | s | × moviepy | KB | × moviepy | frames | played s (clip s) | SSIM mean | SSIM worst |\n"
          "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, (name, clip) in enumerate(clips(tmp)):
        rows = []
        for route in ("moviepy", "clipkit", "clipkit q100"):
            out = tmp / f"{n}-{route.replace(' ', '-')}.gif"
            t = time.perf_counter()
            if route == "moviepy":
                clip.write_gif(str(out), logger=None)
            elif route == "clipkit":
                write_gif(clip, out)
            else:
                write_gif(clip, out, quality=100)
            secs = time.perf_counter() - t
            rows.append((route, secs, out.stat().st_size, *fidelity(clip, out, clip.fps)))
            if args.look:
                args.look.mkdir(parents=True, exist_ok=True)
                frames, _ = gif_frames(out)
                Image.fromarray(frames[len(frames) // 2]).save(args.look / f"{n}-{route.replace(' ', '-')}.png")
        base = rows[0]
        for route, secs, size, frames, played, mean, worst in rows:
            print(f"| {name} | {route} | {secs:.1f} | {secs / base[1]:.2f} | {size / 1000:.0f} | {size / base[2]:.2f} "
                  f"| {frames} | {played:.2f} ({clip.duration:.2f}) | {mean:.3f} | {worst:.3f} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
