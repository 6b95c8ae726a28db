"""The top of the GIF engine's quality scale (q ≥ 90), on frames generated in numpy with known truth."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from clipkit.encode.gif import GifOptions, encode_gif


def _played(data: bytes, tick_ms: int = 70) -> list[np.ndarray]:
    """The picture on screen at each tick (frames that changed nothing are merged into longer ones)."""
    im = Image.open(io.BytesIO(data))
    out = []
    for i in range(im.n_frames):
        im.seek(i)
        out += [np.asarray(im.convert("RGB")).astype(np.int16)] * round(im.info["duration"] / tick_ms)
    return out


def _encode(frames: list[np.ndarray], **options) -> bytes:
    buf = io.BytesIO()
    encode_gif(frames, [7] * len(frames), buf, GifOptions(**options))
    return buf.getvalue()


RAMP = 64  # columns of the grey ramp


def _grey_ramp_then_colours(n: int = 12, w: int = 384, h: int = 64) -> list[np.ndarray]:
    """Left: a fine grey ramp with a 1-level flicker (every pixel 'moves' a little each frame); right: flat
    grey, then from the middle frame on (a new shot), thousands of saturated colours: the new shot's palette
    spends its entries there, so it holds fewer greys than the first shot's."""
    rng = np.random.default_rng(3)
    ramp = np.repeat(np.linspace(40, 200, RAMP)[None, :, None], h, axis=0).repeat(3, axis=2)
    colours = rng.integers(0, 256, (h, w - RAMP, 3)).astype(np.float64)
    frames = []
    for k in range(n):
        left = ramp + (k % 2)
        right = colours if k >= n // 2 else np.full((h, w - RAMP, 3), 128.0)
        frames.append(np.clip(np.rint(np.concatenate([left, right], axis=1)), 0, 255).astype(np.uint8))
    return frames


def test_a_moved_pixel_keeps_an_earlier_shade_that_fits_its_source_better():
    frames = _grey_ramp_then_colours()
    data = _encode(frames, quality=100)
    played = _played(data)
    assert len(played) == len(frames)
    first = np.abs(played[len(frames) // 2 - 1][:, :RAMP] - frames[len(frames) // 2 - 1][:, :RAMP]).mean()
    last = np.abs(played[-1][:, :RAMP] - frames[-1][:, :RAMP]).mean()
    # the second shot's palette alone shows the ramp coarser; the shades shown before stay where they fit
    # at least as well, so the ramp is no worse than in the first shot (and nothing is rewritten for it)
    assert last <= first + 0.6, (first, last)


def _xyb_reference(rgb: np.ndarray) -> np.ndarray:
    """XYB written out from its definition (JPEG XL: opsin absorbance of linear sRGB, biased cube root,
    opponent channels), with X × 14 and B − Y as the top qualities weigh them (unscaled)."""
    v = rgb.reshape(-1, 3).astype(np.float64) / 255
    lin = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.30, 0.622, 0.078], [0.23, 0.692, 0.078], [0.24342268924547819, 0.20476744424496821, 0.55180987]])
    bias = 0.0037930732552754493
    c = np.cbrt(lin @ m.T + bias) - np.cbrt(bias)
    y = (c[:, 0] + c[:, 1]) / 2
    return np.stack([(c[:, 0] - c[:, 1]) / 2 * 14, y, c[:, 2] - y], axis=1)


def test_the_top_qualities_search_the_nearest_colour_exactly_in_xyb():
    from clipkit.encode.gif.dither import Remapper, xyb_space, xyb_to_rgb

    rng = np.random.default_rng(8)
    colours = rng.integers(0, 256, (4000, 3)).astype(np.uint8)
    assert np.array_equal(xyb_to_rgb(xyb_space(colours)), colours)  # every sRGB colour comes back exactly
    scale = xyb_space(colours)[:, 1].std() / _xyb_reference(colours)[:, 1].std()
    assert np.allclose(xyb_space(colours) - xyb_space(colours[:1]),
                       (_xyb_reference(colours) - _xyb_reference(colours[:1])) * scale, atol=1e-3 * scale)
    palette = np.unique(rng.integers(0, 256, (255, 3)).astype(np.uint8), axis=0)
    pixels = rng.integers(0, 256, (200, 300, 3)).astype(np.uint8)
    got = Remapper(palette, "xyb").nearest(pixels).reshape(-1)
    x, p = _xyb_reference(pixels), _xyb_reference(palette)
    d = (x * x).sum(1)[:, None] - 2 * x @ p.T + (p * p).sum(1)[None, :]
    assert np.all(d[np.arange(len(got)), got] <= d.min(axis=1) + 1e-9)
    rgb = Remapper(palette).nearest(pixels).reshape(-1)  # weighted RGB (below q90) answers otherwise
    assert np.mean(rgb != got) > 0.05


def _static_beside_changing(n: int = 14, w: int = 320, h: int = 96) -> list[np.ndarray]:
    """Left: a static colour gradient (on screen after the first frames); right: a new smooth colour field
    every frame."""
    rng = np.random.default_rng(5)
    x = np.linspace(0, 1, w // 2)[None, :, None]
    y = np.linspace(0, 1, h)[:, None, None]
    left = np.concatenate([40 + 180 * x + 0 * y, 60 + 100 * y + 0 * x, 200 - 150 * x * y], axis=2)
    frames = []
    for _ in range(n):
        c, d = rng.uniform(40, 220, 3), rng.uniform(-60, 60, 3)
        frames.append(np.clip(np.rint(np.concatenate([left, c + d * x + d[::-1] * y], axis=1)), 0, 255).astype(np.uint8))
    return frames


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb[..., :3].astype(np.float64) @ [0.299, 0.587, 0.114]


def test_the_palettes_serve_what_the_screen_shows_badly():
    """What is on screen and still fits (the static half) needs no palette entries: the new frames' entries go to
    the changing half (without this, mean error there 1.97 levels; with it 1.43; with luma weighed over hue from
    quality 95, 1.18), the static half no worse in luma (1.13 → 0.84; per channel 2.39 → 2.71: hue traded).
    At quality 99: quality 100 diffuses the error (tests/test_gif_diffuse.py), which trades each pixel's error
    for the area's mean (1.35 and 2.98 here)."""
    frames = _static_beside_changing()
    played = _played(_encode(frames, quality=99))
    assert len(played) == len(frames)
    half = frames[0].shape[1] // 2
    err = [np.abs(p - f.astype(np.int16)) for p, f in zip(played[5:], frames[5:])]
    assert np.mean([e[:, half:].mean() for e in err]) < 1.3
    assert np.mean([e[:, :half].mean() for e in err]) < 2.8
    luma = [np.abs(_luma(p) - _luma(f)) for p, f in zip(played[5:], frames[5:])]
    assert np.mean([e[:, :half].mean() for e in luma]) < 1.0


def test_at_quality_100_a_still_shot_gathers_shades_from_frame_to_frame():
    """A still, textured colour field whose pixels flicker by one level (as a compressed still does): at quality
    100 each frame's palette is refined on what is still shown badly and the screen keeps the closer shades, so
    the picture gets closer to the source frame by frame (mean error 2.2 → 1.6 levels; refined only on frames
    that changed enough, it stays at 2.2–2.3)."""
    rng = np.random.default_rng(6)
    x = np.linspace(0, 1, 256)[None, :, None]
    y = np.linspace(0, 1, 96)[:, None, None]
    field = np.concatenate([40 + 180 * x + 20 * np.sin(9 * y), 60 + 150 * y * x + 0 * x, 200 - 150 * x * y], axis=2)
    field = field + rng.normal(0, 3, field.shape)
    frames = [np.clip(np.rint(field + (k % 2)), 0, 255).astype(np.uint8) for k in range(16)]
    played = _played(_encode(frames, quality=100))
    assert len(played) == len(frames)
    err = [np.abs(p - f.astype(np.int16)).mean() for p, f in zip(played, frames)]
    assert np.mean(err[-4:]) < 0.8 * err[0], err


def test_from_quality_95_the_space_weighs_luma_over_hue_and_the_lookup_is_exact_in_it():
    from clipkit.encode.gif.dither import XYB_LUMA_WEIGHTS, Remapper, xyb_luma_space, xyb_luma_to_rgb, xyb_space
    from clipkit.encode.gif.quality import quality_level

    assert quality_level(95).space == "xyb-luma" and quality_level(94).space == "xyb"
    rng = np.random.default_rng(9)
    colours = rng.integers(0, 256, (4000, 3)).astype(np.uint8)
    assert np.array_equal(xyb_luma_to_rgb(xyb_luma_space(colours)), colours)
    grey = np.array([[128, 128, 128], [129, 129, 129]], np.uint8)  # one grey level: as far as in xyb_space
    assert np.isclose(np.linalg.norm(np.diff(xyb_luma_space(grey), axis=0)), np.linalg.norm(np.diff(xyb_space(grey), axis=0)),
                      rtol=1e-3)
    palette = np.unique(rng.integers(0, 256, (255, 3)).astype(np.uint8), axis=0)
    pixels = rng.integers(0, 256, (200, 300, 3)).astype(np.uint8)
    got = Remapper(palette, "xyb-luma").nearest(pixels).reshape(-1)
    x, p = _xyb_reference(pixels) * XYB_LUMA_WEIGHTS, _xyb_reference(palette) * XYB_LUMA_WEIGHTS
    d = (x * x).sum(1)[:, None] - 2 * x @ p.T + (p * p).sum(1)[None, :]
    assert np.all(d[np.arange(len(got)), got] <= d.min(axis=1) + 1e-9)
    assert np.mean(Remapper(palette, "xyb").nearest(pixels).reshape(-1) != got) > 0.05


def test_from_quality_95_a_refined_palette_that_fits_a_little_better_is_taken():
    """Below 95 a frame keeps the palette in use unless the refinement gains ADOPT_MIN (a table costs bytes);
    from 95 any gain is taken, so the screen gathers the shades of every frame's palette."""
    from clipkit.encode.gif.quality import quality_level
    from clipkit.encode.gif.refine import FramePalettes

    rng = np.random.default_rng(4)
    palette = np.unique(rng.integers(30, 220, (48, 3)), axis=0).astype(np.uint8)  # the frame's exact colours
    frame = palette[rng.integers(0, len(palette), (16, 24))].repeat(4, axis=0).repeat(4, axis=1)
    drift = frame.astype(np.int16)
    drift[:, :16] += 2  # a sixth of the frame brightens by 2 levels: the refinement gains ~0.2 (0.76 → 0.55)
    gains = {}
    for adopt_min in (2.0, 0.0):
        chain = FramePalettes(palette, steps=3, space="xyb-luma", adopt_min=adopt_min, reuse=-1.0)
        first = chain.next(frame)
        again = chain.next(drift.astype(np.uint8))
        gains[adopt_min] = again is not first
    assert gains == {2.0: False, 0.0: True}
    assert quality_level(95).adopt_any and not quality_level(94).adopt_any
