"""The GIF engine's compiled loops (encode/gif/kernels.py, _kernels.c) against the numpy code they stand in for,
on generated frames: the keep-closer test and the tracked shown colours, then a whole GIF with and without them."""

from __future__ import annotations

import io

import numpy as np
import pytest

from clipkit.encode.gif import GifOptions, encode_gif, kernels
from clipkit.encode.gif.diff import _closer
from clipkit.encode.gif.dither import SPACES, unpack_codes
from tests.media import gif_pictures

pytestmark = pytest.mark.skipif(not kernels.available(), reason="clipkit's C loops were not built (no C compiler)")


def _scene(rng: np.random.Generator, h: int = 60, w: int = 90) -> np.ndarray:
    """A smooth two-way colour gradient with sensor noise: many near-ties between neighbouring palette colours."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    rgb = np.stack([40 + 150 * x / w, 60 + 120 * y / h, 200 - 100 * (x + y) / (w + h)], axis=2)
    return np.clip(rgb + rng.normal(0, 4, rgb.shape), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("space", ["xyb", "xyb-luma"])
def test_the_compiled_keep_closer_test_decides_as_the_numpy_one(space):
    rng = np.random.default_rng(11)
    source = _scene(rng)
    h, w = source.shape[:2]
    palette = np.unique(rng.integers(30, 230, (200, 3)).astype(np.uint8), axis=0)
    to_space = SPACES[space][0]
    pal = to_space(palette)
    # what is shown: a nearer or farther palette colour than the new one, at random
    new = ((pal[None, None] - to_space(source.reshape(-1, 3)).reshape(h, w, 1, 3)) ** 2).sum(3).argmin(2)
    new = new.astype(np.uint8)
    shown_idx = np.where(rng.random((h, w)) < 0.5, new, rng.integers(0, len(palette), (h, w))).astype(np.uint8)
    p = palette.astype(np.int64)
    shown_packed = ((p[:, 0] << 16) | (p[:, 1] << 8) | p[:, 2])[shown_idx]
    write = rng.random((h, w)) < 0.6
    expected = write & _closer(new, palette, shown_packed, source, write, to_space)

    got = write.copy()
    kept = kernels.closer(source, got, new, pal, np.ascontiguousarray(pal[shown_idx]), space)

    assert kept == int(got.sum())
    assert not (got & ~write).any()  # only written pixels can stay written
    # where the two differ, the two distances tie within float rounding (the source's coordinates are computed
    # by other code in C): nowhere here
    src = to_space(source.reshape(-1, 3)).reshape(h, w, 3).astype(np.float64)
    dn = ((pal[new].astype(np.float64) - src) ** 2).sum(2)
    do = ((pal[shown_idx].astype(np.float64) - src) ** 2).sum(2)
    differ = got != expected
    assert np.all(np.abs(dn - do)[differ] <= 1e-4 * np.maximum(do, 1)[differ]), int(differ.sum())
    assert 0.2 < got.sum() / write.sum() < 0.8  # a real mix of kept and rewritten pixels was tested


def test_painting_the_shown_colours_writes_the_box_where_written_and_nothing_else():
    rng = np.random.default_rng(3)
    h, w = 30, 40
    palette = rng.random((16, 3)).astype(np.float32)
    shown = rng.random((h, w, 3)).astype(np.float32)
    before = shown.copy()
    write = np.zeros((h, w), bool)
    write[5:20, 7:31] = rng.random((15, 24)) < 0.5
    indices = rng.integers(0, 16, (15, 24)).astype(np.uint8)

    kernels.paint(shown, write, 7, 5, indices, palette)

    expected = before.copy()
    ys, xs = np.nonzero(write[5:20, 7:31])
    expected[ys + 5, xs + 7] = palette[indices[ys, xs]]
    assert np.array_equal(shown, expected)
    with pytest.raises(ValueError):  # a box past the frame's edge is refused, not written beyond it
        kernels.paint(shown, write, 30, 5, indices, palette)
    bad = indices.copy()
    bad[ys[0], xs[0]] = 16
    with pytest.raises(ValueError):  # an index past the palette would read beyond it
        kernels.paint(shown, write, 7, 5, bad, palette)


def test_a_gif_is_the_same_with_and_without_the_compiled_loops(monkeypatch):
    # q90 (keep-closer in XYB): a square moving over a noisy gradient; an install without a C compiler gets
    # the numpy test, which decides the same but for float ties
    rng = np.random.default_rng(7)
    base = _scene(rng, 72, 96)
    frames = []
    for k in range(8):
        f = np.clip(base.astype(np.int16) + rng.normal(0, 3, base.shape), 0, 255).astype(np.uint8)
        f[20:44, 10 + 8 * k: 34 + 8 * k] = (220, 40, 60)
        frames.append(f)

    def gif() -> bytes:
        buf = io.BytesIO()
        encode_gif(frames, [10] * len(frames), buf, GifOptions(quality=90))
        return buf.getvalue()

    built = gif()
    monkeypatch.setattr(kernels, "lib", None)
    plain = gif()
    a, b = gif_pictures(built), gif_pictures(plain)
    assert len(a) == len(b) == len(frames)
    same = np.mean([(x == y).all(axis=2).mean() for x, y in zip(a, b)])
    assert same > 0.999, same
    assert abs(len(built) - len(plain)) <= 0.01 * len(plain)
    # and both are faithful: the moving square is drawn where it is in every frame
    for k, pic in enumerate(a):
        assert np.abs(pic[24:40, 14 + 8 * k: 30 + 8 * k] - (220, 40, 60)).max() < 24


@pytest.mark.parametrize("space", ["rgb", "xyb", "xyb-luma"])
def test_the_compiled_search_finds_the_nearest_colour_in_each_space(space):
    from clipkit.encode.gif.dither import Remapper

    rng = np.random.default_rng(21)
    palette = np.unique(rng.integers(0, 256, (255, 3)).astype(np.uint8), axis=0)
    pixels = np.concatenate([_scene(rng, 80, 120), rng.integers(0, 256, (40, 120, 3)).astype(np.uint8)])
    got = Remapper(palette, space).nearest(pixels).reshape(-1)
    to_space = SPACES[space][0]
    x = to_space(pixels.reshape(-1, 3)).astype(np.float64)
    p = to_space(palette).astype(np.float64)
    d = ((x[:, None, :] - p[None]) ** 2).sum(2)
    assert np.all(d[np.arange(len(got)), got] <= d.min(axis=1) * (1 + 1e-6) + 1e-9)


def test_a_256_colour_palette_maps_onto_its_last_entry_too():
    # the table holds index + 1: with 256 entries it is uint16, and entry 255 must not wrap to "not searched"
    from clipkit.encode.gif.dither import Remapper

    palette = np.stack([np.arange(256)] * 3, axis=1).astype(np.uint8)  # every grey level
    pixels = np.array([[[255, 255, 255], [254, 254, 254], [0, 0, 0], [255, 255, 255]]], np.uint8)
    remapper = Remapper(palette, "xyb")
    assert remapper.nearest(pixels).tolist() == [[255, 254, 0, 255]]
    assert remapper.nearest(pixels).tolist() == [[255, 254, 0, 255]]  # again, from the filled table
    assert remapper.lut[0xFFFFFF] == 256  # found once and kept (a wrapped 0 would mean "search again")


def test_the_k_means_steps_assign_each_sample_its_nearest_entry_and_distance():
    rng = np.random.default_rng(4)
    palette = rng.normal(0, 30, (200, 3)).astype(np.float32)
    points = np.concatenate([rng.normal(0, 35, (5000, 3)), palette[:50] + 1e-3]).astype(np.float32)
    idx, dist = kernels.assign(points, palette)
    d = ((points[:, None, :].astype(np.float64) - palette[None].astype(np.float64)) ** 2).sum(2)
    assert np.all(d[np.arange(len(points)), idx] <= d.min(axis=1) * (1 + 1e-6) + 1e-9)
    assert np.allclose(dist, d.min(axis=1), rtol=1e-5, atol=1e-6)
    assert (idx[-50:] == np.arange(50)).all()  # a point on an entry finds that entry
