"""The ``gradient`` dither on frames generated in numpy with known truth: smooth gradients stop banding,
texture keeps its nearest colours, static areas do not flicker."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

from clipkit.encode.gif import GifOptions, encode_gif
from clipkit.encode.gif.dither import Remapper, flat_areas


def _played(data: bytes) -> list[np.ndarray]:
    im = Image.open(io.BytesIO(data))
    out = []
    for i in range(im.n_frames):
        im.seek(i)
        out.append(np.asarray(im.convert("RGB")))
    return out


def _sky(n: int = 16, w: int = 192, h: int = 96, pan: float = 0.7) -> list[np.ndarray]:
    """A smooth two-way colour gradient (far more colours than a palette holds) under a slow pan."""
    frames = []
    y = np.linspace(0, 1, h)[:, None]
    for k in range(n):
        x = (np.arange(w)[None, :] + k * pan) / (w + n * pan)
        img = np.stack([90 + 120 * x + 0 * y, 110 + 90 * y + 20 * x, 200 - 60 * x * y], axis=2)
        frames.append(np.clip(np.rint(img), 0, 255).astype(np.uint8))
    return frames


def _luma(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(np.float32)


def _banding(played: list[np.ndarray], frames: list[np.ndarray]) -> float:
    """Mean low-frequency luma error (both blurred, σ 2 px): steps of a banded gradient; fine dither averages out."""
    return float(np.mean([np.abs(cv2.GaussianBlur(_luma(p), (0, 0), 2) - cv2.GaussianBlur(_luma(f), (0, 0), 2)).mean()
                          for p, f in zip(played, frames)]))


def test_gradient_dither_removes_banding_of_a_smooth_gradient_under_a_slow_pan(quality=99, share=0.9):
    """From quality 90 the plain lookup bands less already (XYB palettes that serve what the screen shows badly,
    at 100 refined on still frames too: 1.97 → 1.22 here; from 95 luma weighed over hue: 0.92), so the pattern
    removes a smaller share of what is left (0.6 before, then 0.8; the pattern itself 1.02 → 0.91 → 0.78).
    At quality 99 (the nearest colour: quality 100 diffuses the error itself, 0.68 here at 52 KB against the
    pattern's 0.78 at 31 KB, tests/test_gif_diffuse.py) the lookup bands 1.07."""
    frames = _sky()
    band = {}
    for dither in ("none", "gradient"):
        buf = io.BytesIO()
        encode_gif(frames, [7] * len(frames), buf, GifOptions(colors=32, quality=quality, dither=dither))
        played = _played(buf.getvalue())
        assert len(played) == len(frames)
        band[dither] = _banding(played, frames)
    assert band["gradient"] < share * band["none"] and band["gradient"] < 0.95, band


def test_gradient_dither_leaves_texture_alone_and_static_areas_steady():
    """Texture (noise) keeps its nearest colours; a static gradient beside a moving patch is written once
    (the same colours on screen in every played frame: no flicker from the pattern)."""
    rng = np.random.default_rng(3)
    h, w = 96, 192
    base = _sky(1, w, h)[0]
    base[:, : w // 2] = rng.integers(0, 256, (h, w // 2, 3), dtype=np.uint8)  # left half: texture
    palette = np.unique(rng.integers(0, 256, (64, 3)).astype(np.uint8), axis=0)
    r = Remapper(palette)
    near, dith = r.nearest(base), r.gradient(base)
    assert not flat_areas(base)[:, 4: w // 2 - 4].any()
    assert np.array_equal(near[:, : w // 2 - 4], dith[:, : w // 2 - 4])
    assert (near[:, w // 2 + 4:] != dith[:, w // 2 + 4:]).mean() > 0.1  # the gradient is dithered

    frames = []
    for k in range(8):
        f = base.copy()
        f[10:30, w // 2 + 10 + 4 * k: w // 2 + 30 + 4 * k] = (250, 40, 40)  # a small moving square
        frames.append(f)
    buf = io.BytesIO()
    encode_gif(frames, [7] * len(frames), buf, GifOptions(colors=64, quality=100, dither="gradient"))
    played = _played(buf.getvalue())
    assert len(played) == len(frames)
    still = np.ones((h, w), bool)
    still[8:32, w // 2 + 8:] = False  # everything the square passes
    for p in played[1:]:
        assert np.array_equal(p[still], played[0][still])


def test_flat_areas_pull_a_refined_palette_entry_more_than_texture():
    """A palette entry serving both a flat area (colour A) and fine texture nearby (A + 40) moves onto A, where a
    missing shade would show as a band, not onto the population's midpoint (what unweighted k-means gives)."""
    from clipkit.encode.gif.refine import FramePalettes

    h, w = 64, 128
    a = np.array([100, 120, 160])
    far = np.array([10, 200, 30])
    frame = np.empty((h, w, 3), np.uint8)
    frame[:, : w // 2] = a  # flat
    light = np.random.default_rng(2).random((h, w // 2, 1)) < 0.5
    frame[:, w // 2:] = np.where(light, a + 40, far)  # texture: pixel-sized random mix of two colours
    shot = np.array([a + 20, far], np.uint8)  # entry 0 between the flat colour and the texture's light half
    refined = FramePalettes(shot).next(frame).astype(int)
    assert np.abs(refined[0] - a).max() <= 6, refined  # unweighted: a + 13 (the samples' mean)
