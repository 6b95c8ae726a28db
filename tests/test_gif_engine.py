"""The GIF engine's parts on frames generated in numpy with known truth: colour lookup, streaks, palettes."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from clipkit.encode.gif import GifOptions, encode_gif
from clipkit.encode.gif.dither import Remapper


def _weighted(rgb: np.ndarray) -> np.ndarray:
    return rgb.reshape(-1, 3).astype(np.float64) * np.sqrt([3.0, 4.0, 2.0])


def test_nearest_colour_is_exact_for_every_pixel():
    rng = np.random.default_rng(5)
    palette = np.unique(rng.integers(0, 256, (255, 3)).astype(np.uint8), axis=0)
    pixels = rng.integers(0, 256, (300, 400, 3)).astype(np.uint8)
    got = Remapper(palette).nearest(pixels).reshape(-1).astype(int)
    x, p = _weighted(pixels), _weighted(palette)
    d = (x * x).sum(1)[:, None] - 2 * x @ p.T + (p * p).sum(1)[None, :]
    best = d.min(axis=1)
    # Ties may go either way; a strictly farther entry never wins.
    assert np.all(d[np.arange(len(got)), got] <= best + 1e-6)


def test_a_grey_film_keeps_every_grey_level_the_palette_holds():
    greys = np.arange(0, 255, dtype=np.uint8)  # 255 levels: all fit a 255-entry palette
    palette = np.repeat(greys[:, None], 3, axis=1)
    ramp = np.repeat(np.tile(greys, (4, 1))[..., None], 3, axis=2)
    idx = Remapper(palette).nearest(ramp)
    assert np.array_equal(palette[idx][..., 0], ramp[..., 0])  # 6-bit keyed lookup gave 64 levels


def _played(data: bytes) -> list[np.ndarray]:
    im = Image.open(io.BytesIO(data))
    out = []
    for i in range(im.n_frames):
        im.seek(i)
        out.append(np.asarray(im.convert("RGB")).astype(np.int16))
    return out
