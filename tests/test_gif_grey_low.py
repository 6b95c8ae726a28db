"""A black-and-white film at the low qualities (grey.py's PATTERN_TO): its one-frame grain is taken out of time
(denoise.py) and its flat areas take the gradient pattern, where 16 grey levels band."""

from __future__ import annotations

import io

import cv2
import numpy as np

from clipkit.encode.gif import GifOptions, encode_gif
from clipkit.encode.gif.denoise import Denoised, median3

from media import gif_pictures


def _grey(g: np.ndarray) -> np.ndarray:
    return np.repeat(np.clip(np.rint(g), 0, 255).astype(np.uint8)[..., None], 3, axis=2)


def _encode(frames: list[np.ndarray], **options) -> bytes:
    buf = io.BytesIO()
    encode_gif(frames, [7] * len(frames), buf, GifOptions(**options))
    return buf.getvalue()


def test_the_median_of_three_frames_takes_out_a_jump_and_back_and_nothing_else():
    """Per pixel, with threshold 32: a fade (rising values) is left as it is; a value that jumps by 26 and back
    takes the middle one (its neighbours'); a jump of 70 (a flash) stays; the first and last frame are as given."""
    w = 6
    fade = [_grey(np.full((2, w), v, np.float64)) for v in (100, 110, 120)]
    assert np.array_equal(median3(*fade, 32), fade[1])
    before, after = _grey(np.full((2, w), 100.0)), _grey(np.full((2, w), 104.0))
    jump = np.full((2, w), 100.0)
    jump[0, :3] += 26  # grain: within the threshold of both neighbours
    jump[1, :3] += 70  # a flash: beyond it
    out = median3(before, _grey(jump), after, 32)[..., 0]
    assert out[0, :3].tolist() == [104] * 3 and out[0, 3:].tolist() == [100] * 3
    assert out[1, :3].tolist() == [170] * 3
    frames = [_grey(np.full((2, w), v)) for v in (10, 60, 10, 60)]
    shot = Denoised(frames, 64)
    assert len(shot) == 4 and np.array_equal(shot[0], frames[0]) and np.array_equal(shot[-1], frames[-1])
    assert shot[1][0, 0, 0] == 10 and shot[2][0, 0, 0] == 60  # each the middle of its three
    assert [int(f[0, 0, 0]) for f in shot] == [10, 10, 60, 60]


def test_a_grey_film_at_quality_50_does_not_rewrite_its_one_frame_grain_and_keeps_a_flash():
    """A still gradient where a tenth of the pixels jump by 26 levels for one frame (grain above the quality's
    tolerance, under the threshold), and a 16×16 flash of +70 on one frame.  Between the middle frames at most 6 %
    of the pixels change (19 % before: every grain pixel was written and written back), and the flash is shown."""
    rng = np.random.default_rng(3)
    h, w = 96, 160
    base = np.tile(np.linspace(40, 200, w), (h, 1))
    frames = []
    for k in range(10):
        g = base.copy()
        spikes = rng.random((h, w)) < 0.1
        g[spikes] += rng.choice([-26, 26], spikes.sum())
        if k == 5:
            g[40:56, 60:76] += 70
        frames.append(_grey(g))
    pics = gif_pictures(_encode(frames, quality=50))
    assert len(pics) == 10
    changed = [float((a[..., 0] != b[..., 0]).mean()) for a, b in zip(pics[1:8], pics[2:9])]
    flash = pics[5][40:56, 60:76, 0].astype(int).mean() - pics[4][40:56, 60:76, 0].astype(int).mean()
    assert max(c for k, c in enumerate(changed) if k + 2 not in (5, 6)) < 0.06, changed
    assert 60 < flash < 80, flash


def test_a_smooth_grey_ramp_at_quality_50_follows_the_source_instead_of_banding():
    """16 grey levels (every 17th) over a ramp 40–200: the nearest level alone makes bands whose 8×8 means are 2.6
    levels off the ramp on average; the gradient pattern in flat areas brings them within 1.5."""
    h, w = 96, 160
    base = np.tile(np.linspace(40, 200, w), (h, 1))
    pics = gif_pictures(_encode([_grey(base)] * 4, quality=50))
    box = lambda a: cv2.blur(a.astype(np.float64), (8, 8))[8:-8, 8:-8]  # noqa: E731
    assert len(np.unique(pics[0][..., 1])) <= 12  # the ladder's levels in 40–200: fewer levels, not more
    band = float(np.mean([np.abs(box(p[..., 1]) - box(base)).mean() for p in pics]))
    assert band < 1.5, band
