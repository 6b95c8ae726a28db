"""--quality 100's error diffusion against the screen (encode/gif/diffuse.py), on generated frames with known truth."""

from __future__ import annotations

import io

import cv2
import numpy as np

from clipkit.encode.gif import GifOptions, encode_gif
from clipkit.encode.gif.diffuse import diffuse_frame
from clipkit.encode.gif.dither import xyb_luma_space
from tests.media import gif_pictures


def _space(rgb: np.ndarray) -> np.ndarray:
    return xyb_luma_space(rgb.reshape(-1, 3)).reshape(rgb.shape)


def test_with_no_error_carried_each_pixel_gets_its_exact_nearest_colour():
    # the search runs outwards along the luma-sorted palette from a starting guess: it must still be exact
    rng = np.random.default_rng(5)
    palette = np.unique(rng.integers(0, 256, (255, 3)).astype(np.uint8), axis=0)
    source = rng.integers(0, 256, (40, 50, 3)).astype(np.uint8)
    pal, src = _space(palette), _space(source)
    d = ((src[:, :, None, :].astype(np.float64) - pal[None, None].astype(np.float64)) ** 2).sum(axis=3)
    exact = d.argmin(axis=2)
    guess = rng.integers(0, len(palette), source.shape[:2]).astype(np.uint8)  # a poor bound: the search must widen
    got = diffuse_frame(src, guess, pal, None, None, 0.0, 6.0)
    picked = np.take_along_axis(d, got[..., None].astype(np.int64), axis=2)[..., 0]
    assert got.min() >= 0  # the first frame has nothing shown to keep
    assert np.allclose(picked, d.min(axis=2), rtol=1e-5), int((got != exact).sum())


def test_a_flat_area_between_two_palette_colours_averages_to_its_source():
    # grey 104 with only greys 96 and 112 to draw with: the nearest colour is 8 levels off everywhere;
    # the diffused error mixes the two so the area's mean lands near 104 (what the eye and S2's coarse scales see)
    palette = np.array([[96, 96, 96], [112, 112, 112]], np.uint8)
    source = np.full((48, 64, 3), 104, np.uint8)
    src, pal = _space(source), _space(palette)
    nearest = np.zeros(source.shape[:2], np.uint8)
    got = diffuse_frame(src, nearest, pal, None, None, 0.5, 6.0)
    assert set(np.unique(got)) == {0, 1}
    mean = palette[got.astype(np.intp)][..., 0].astype(float).mean()
    assert abs(mean - 104) < 3.0, mean  # the nearest colour alone: 8 levels off


def _two_way_gradient(h: int = 96, w: int = 160) -> np.ndarray:
    """Red along x, green along y, blue fixed: 15 000 colours, far more than a palette's 255."""
    x = np.linspace(30, 220, w)[None, :].repeat(h, 0)
    y = np.linspace(40, 200, h)[:, None].repeat(w, 1)
    return np.clip(np.rint(np.stack([x, y, np.full((h, w), 120.0)], axis=2)), 0, 255).astype(np.uint8)


def _low_frequency_error(shown: np.ndarray, source: np.ndarray) -> float:
    """Mean |error| after an 8×8 box blur: banding (a step in the local mean), not the dither's fine pattern."""
    e = shown.astype(np.float32) - source.astype(np.float32)
    return float(np.abs(cv2.blur(e, (8, 8))).mean())


def _encode(frames: list[np.ndarray], quality: int) -> list[np.ndarray]:
    buf = io.BytesIO()
    encode_gif(frames, [7] * len(frames), buf, GifOptions(quality=quality))
    return gif_pictures(buf.getvalue())


def test_quality_100_bands_less_than_the_nearest_colour_on_a_smooth_gradient():
    rng = np.random.default_rng(2)
    base = _two_way_gradient()
    # a still camera over a smooth gradient, with one level of sensor noise (every pixel 'moves' a little)
    frames = [np.clip(base.astype(np.int16) + rng.integers(-1, 2, base.shape), 0, 255).astype(np.uint8)
              for _ in range(6)]
    diffused = _encode(frames, 100)
    nearest = _encode(frames, 99)  # the same space and palettes, every change written, no diffusion
    e100 = np.mean([_low_frequency_error(p, f) for p, f in zip(diffused, frames)])
    e99 = np.mean([_low_frequency_error(p, f) for p, f in zip(nearest, frames)])
    assert e100 < 0.8 * e99, (e100, e99)


def test_a_still_area_does_not_shimmer_while_something_moves_beside_it():
    base = _two_way_gradient()
    frames = []
    for k in range(8):  # the gradient stays; a white square walks along the bottom
        f = base.copy()
        f[70:90, 10 + 15 * k:30 + 15 * k] = 255
        frames.append(f)
    pictures = _encode(frames, 100)
    assert len(pictures) == len(frames)
    still = np.ones(base.shape[:2], bool)
    still[65:95, :] = False  # rows the square never enters (with a margin for the diffused error around it)
    # the still area's pattern changes only where a frame's palette draws it nearer its source (the refresh of
    # diffuse.py), never back and forth: its error never rises from one frame to the next
    errors = [float(np.abs(p.astype(np.float32) - base)[still].mean()) for p in pictures]
    assert all(b <= a + 0.01 for a, b in zip(errors, errors[1:])), errors
    assert (pictures[-1][70:90, 115:135] == 255).all()  # and the square is drawn where it went


def test_a_still_shots_screen_keeps_converging_on_its_source():
    # a still camera: every frame the same picture of 15 000 colours.  Each frame's palette is refined on what the
    # screen shows badly; the pixels it draws nearer their source are redrawn, so the screen is better than the
    # first frame could be with its 255 colours (before, nothing that did not move was ever redrawn: the GIF showed
    # its first frame for the whole shot)
    base = _two_way_gradient()
    pictures = _encode([base] * 8, 100)
    first, last = (float(np.abs(p.astype(np.float32) - base).mean()) for p in (pictures[0], pictures[-1]))
    assert len(pictures) > 1
    assert last < 0.85 * first, (first, last)


def test_a_captions_reserved_colours_are_drawn_exactly_through_the_diffusion():
    # white text on a black box over a near-white sky and a near-black shadow: the palette holds shades a
    # step from white and black, which a carried error would pick; the caption's pixels must stay exact
    rng = np.random.default_rng(4)
    h, w = 90, 240
    x = np.linspace(0, 1, w)[None, :]
    y = np.linspace(0, 1, h)[:, None]
    base = np.stack([235 + 20 * x + 0 * y, 232 + 23 * y + 0 * x, 240 + 15 * x * y], axis=2)
    base[:, : w // 3] = 12 - 10 * x[:, : w // 3, None]
    frames = []
    for _ in range(6):
        f = np.clip(np.rint(base + rng.normal(0, 2, base.shape)), 0, 255).astype(np.uint8)
        f[30:72, 12:200] = 0  # a black box behind the text, as an outline
        cv2.putText(f, "He knew.", (20, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 2, cv2.LINE_AA)
        frames.append(f)
    buf = io.BytesIO()
    encode_gif(frames, [7] * len(frames), buf, GifOptions(quality=100, reserve_colors=((255, 255, 255), (0, 0, 0))))
    played = gif_pictures(buf.getvalue())
    assert len(played) == len(frames)
    for p, f in zip(played, frames):
        for c in (0, 255):
            exact = (f == c).all(axis=2)
            assert exact.sum() > 300
            assert (p[exact] == c).all(), int((p[exact] != c).any(axis=1).sum())


def test_without_the_compiled_loop_quality_100_still_works_and_the_gif_says_why(tmp_path, monkeypatch):
    # an install where setup.py found no C compiler: the nearest colour, and a note naming the cause
    from clipkit import make_gif
    from clipkit.encode.gif import kernels
    from tests.media import ffmpeg

    clip = tmp_path / "grad.mkv"
    # three fixed colours: lavfi's gradients picks random ones, and some random pairs leave nothing to dither
    ffmpeg("-f", "lavfi", "-i", "gradients=s=160x90:r=10:d=1:speed=0.05:nb_colors=3:c0=0x1a3050:c1=0xf0b080:c2=0x60c070",
           "-pix_fmt", "yuv420p", "-c:v", "libx264", "-crf", "12", clip)
    built = make_gif(clip, "0", "+1", tmp_path / "built.gif", width=160, fps=10, quality=100, subs="off")
    assert not any("compiled dither" in n for n in built.notes)
    monkeypatch.setattr(kernels, "lib", None)
    plain = make_gif(clip, "0", "+1", tmp_path / "plain.gif", width=160, fps=10, quality=100, subs="off")
    assert any("without its error diffusion" in n and "C compiler" in n for n in plain.notes), plain.notes
    assert gif_pictures(plain.path.read_bytes())  # a whole GIF
    assert plain.path.read_bytes() != built.path.read_bytes()
