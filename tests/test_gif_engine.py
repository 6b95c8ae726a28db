"""The GIF engine's parts on frames generated in numpy with known truth: colour lookup, streaks, palettes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from clipkit.encode.gif import GifOptions, encode_gif
from clipkit.encode.gif.dither import Remapper

from media import gif_pictures


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


def _smooth_frames(kind: str, n: int = 36, w: int = 192, h: int = 96) -> list[np.ndarray]:
    """A smooth pink-sky gradient under a slow pan (0.6 px a frame) or a slow fade (to 70 %)."""
    x = np.arange(w + n, dtype=np.float64)
    frames = []
    for k in range(n):
        t = (x[:w] + (k * 0.6 if kind == "pan" else 0)) / (w + n)
        row = np.stack([200 + 40 * t, 120 + 60 * t, 150 + 30 * np.sin(3 * t)], axis=1)
        img = row[None] * (0.9 + 0.1 * np.linspace(0, 1, h)[:, None, None])
        if kind == "fade":
            img = img * (1 - 0.3 * k / n)
        frames.append(np.clip(np.rint(img), 0, 255).astype(np.uint8))
    return frames


@pytest.mark.parametrize("kind,quality", [("pan", 90), ("fade", 90), ("pan", 50)])
def test_no_streaks_behind_a_slow_pan_or_fade(kind, quality):
    """What the viewer sees at the default quality (and a low one) stays within a small step of a fresh encode of every frame.

    The old rule (keep a pixel until it moved more than the tolerance from what it was
    made from) let each column of a smooth gradient go stale by up to the tolerance and
    catch up on its own frame: vertical streaks behind the pan, blotches in the fade.
    """
    frames = _smooth_frames(kind)
    shown = {}
    for q in (100, quality):
        buf = io.BytesIO()
        encode_gif(frames, [7] * len(frames), buf, GifOptions(quality=q))
        played = gif_pictures(buf.getvalue())
        im = Image.open(io.BytesIO(buf.getvalue()))
        durations = [im.seek(i) or im.info["duration"] for i in range(im.n_frames)]
        shown[q] = [f for f, d in zip(played, durations) for _ in range(round(d / 70))]
        assert len(shown[q]) == len(frames)
    # Mean over each column of the difference from the fresh encode: a streak is a column gone stale.
    worst_column = max(np.abs(a - b).mean(axis=(0, 2)).max() for a, b in zip(shown[100], shown[quality]))
    assert worst_column < 3.0, worst_column


def _rainbow_pan(n: int = 20, w: int = 160, h: int = 48) -> list[np.ndarray]:
    """A pan across a long strip whose colours change along it (each frame sees a few hundred of its
    thousands), with a static white square in the corner (a caption colour, reserved)."""
    import cv2

    strip_w = w + 24 * n
    hue = np.linspace(0, 179, strip_w)[None, :].repeat(h, axis=0)
    sat = np.linspace(90, 255, h)[:, None].repeat(strip_w, axis=1)
    hsv = np.stack([hue, sat, np.full_like(hue, 230)], axis=2).astype(np.uint8)
    strip = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
    frames = []
    for k in range(n):
        f = strip[:, 24 * k: 24 * k + w].copy()
        f[2:12, 2:12] = 255
        frames.append(f)
    return frames


def test_each_frame_gets_a_palette_refined_on_its_own_colours():
    """A shot's one palette spreads its entries over every colour the pan passes; each frame's own
    (local) palette, refined from it, fits what that frame shows: the played frames are closer to
    the source, and the reserved white stays exact in every frame."""
    frames = _rainbow_pan()
    err = {}
    for local in (False, True):
        buf = io.BytesIO()
        encode_gif(frames, [7] * len(frames), buf,
                   GifOptions(quality=100, frame_palettes=local, reserve_colors=((255, 255, 255),)))
        played = gif_pictures(buf.getvalue())
        assert len(played) == len(frames)
        err[local] = float(np.mean([np.abs(p - f.astype(np.int16)).mean() for p, f in zip(played, frames)]))
        assert all((p[2:12, 2:12] == 255).all() for p in played)
    assert err[True] < 0.75 * err[False], err


def _grainy_frames(n: int = 12, w: int = 192, h: int = 96, tint: int = 0) -> list[np.ndarray]:
    """A still grey gradient under fresh film grain on every frame (σ 6 at twice the size, area-scaled
    down as the decoder scales) and the old film's flicker (±3 levels, frame to frame); ``tint``: a toned
    print (red up, blue down by that much), which the engine encodes as colour, not as a grey source."""
    rng = np.random.default_rng(14)
    base = np.tile(np.linspace(40, 200, w), (h, 1))
    frames = []
    for k in range(n):
        grain = rng.normal(0, 6, (2 * h, 2 * w)).reshape(h, 2, w, 2).mean(axis=(1, 3))
        g = np.clip(np.rint(base + grain + (3 if k % 2 else -3)), 0, 255).astype(np.uint8)
        rgb = np.repeat(g[..., None], 3, axis=2).astype(np.int16) + np.array([tint, 0, -tint], np.int16)
        frames.append(np.clip(rgb, 0, 255).astype(np.uint8))
    return frames


def _encode(frames: list[np.ndarray], **options) -> bytes:
    buf = io.BytesIO()
    encode_gif(frames, [7] * len(frames), buf, GifOptions(**options))
    return buf.getvalue()


def _long_runs(frames: list[np.ndarray], n: int = 5) -> tuple[float, float]:
    """Share of pixels that start ``n`` equal neighbours in a row (horizontally, vertically)."""
    h = v = 0.0
    for f in frames:
        g = f[..., 0]
        eqh, eqv = g[:, 1:] == g[:, :-1], g[1:] == g[:-1]
        h += np.logical_and.reduce([eqh[:, i:eqh.shape[1] - n + 1 + i] for i in range(n)]).mean()
        v += np.logical_and.reduce([eqv[i:eqv.shape[0] - n + 1 + i] for i in range(n)]).mean()
    return h / len(frames), v / len(frames)


def test_grain_is_written_as_short_runs_within_a_small_step_of_the_source():
    """On grain, rewritten pixels join their left neighbour's run when its colour is within a small step:
    a smaller file, each played pixel still within tolerance + that step of its source.  (On a toned print:
    a grey one gets fewer grey levels, grey.py, where the runs have less to join.)"""
    frames = _grainy_frames(tint=12)
    off, on = _encode(frames, quality=90, runs=0), _encode(frames, quality=90)
    assert len(on) < 0.9 * len(off), (len(on), len(off))
    err = {k: [np.abs(p - f.astype(np.int16)) for p, f in zip(gif_pictures(d), frames)] for k, d in (("off", off), ("on", on))}
    assert max(e.max() for e in err["on"]) <= 7 + 3 + 1  # tolerance 7 at quality 90, runs 3.5, palette rounding
    assert np.mean([e.mean() for e in err["on"]]) < np.mean([e.mean() for e in err["off"]]) + 1.5


@pytest.mark.parametrize("quality,tint", [(90, 0), (70, 0), (50, 0), (70, 12)])
def test_grain_does_not_turn_into_horizontal_streaks(quality, tint):
    """Runs stay short: in the played grain, runs of 6 equal pixels along a row are about as rare as down
    a column (the source's grain has almost none either way).  Unbounded runs made 6 % of the pixels start one
    at quality 90 and half of them at 70 (visible streaks on chaplin's lawn at 4×)."""
    frames = _grainy_frames(tint=tint)
    assert max(_long_runs(frames[1:])) < 0.001
    rows, cols = _long_runs(gif_pictures(_encode(frames, quality=quality))[1:])
    assert rows <= 2 * cols + 0.02, (rows, cols)


def test_a_grey_film_gets_fewer_grey_levels_which_its_grain_dithers():
    """A black-and-white source takes grey.py's ladder: fewer grey levels (their lowest bits are grain,
    which LZW pays for on every rewritten pixel), dithered by the grain itself.  Against the same film
    toned (the colour ladder): at quality 90 at most 0.75× the bytes (before: the same size), at most 48
    levels shown, and the played frames' local means (5×5: what the eye sees of grain) as close to the
    noise-free truth (gradient + flicker) as the toned film's."""
    import cv2

    grey, toned = _grainy_frames(), _grainy_frames(tint=12)
    h, w = grey[0].shape[:2]
    truth = [np.tile(np.linspace(40, 200, w), (h, 1)) + (3 if k % 2 else -3) for k in range(len(grey))]

    def tone_error(data: bytes) -> float:  # the green channel: untouched by the tint
        box = lambda a: cv2.blur(a.astype(np.float64), (5, 5))[4:-4, 4:-4]  # noqa: E731
        return float(np.mean([np.abs(box(p[..., 1]) - box(t)).mean() for p, t in zip(gif_pictures(data), truth)]))

    g, t = _encode(grey, quality=90), _encode(toned, quality=90)
    assert len(g) < 0.75 * len(t), (len(g), len(t))
    assert max(len(np.unique(p[..., 1])) for p in gif_pictures(g)) <= 48
    assert tone_error(g) < tone_error(t) + 0.25, (tone_error(g), tone_error(t))


def _local_tables(data: bytes) -> int:
    """How many frames of a GIF carry their own (local) colour table: the GIF89a blocks walked."""
    pos = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    tables = 0

    def sub_blocks(p: int) -> int:
        while data[p]:
            p += data[p] + 1
        return p + 1

    while data[pos] != 0x3B:
        if data[pos] == 0x21:  # extension: label, then sub-blocks
            pos = sub_blocks(pos + 2)
        else:  # 0x2C image descriptor: 9 bytes, [local table], LZW code size, sub-blocks
            flags = data[pos + 9]
            pos += 10
            if flags & 0x80:
                tables += 1
                pos += 3 << ((flags & 7) + 1)
            pos = sub_blocks(pos + 1)
    return tables


def test_a_grey_film_below_quality_80_shares_its_shots_palette():
    """As on colour, below 80 a grey film's frames use their shot's palette: a per-frame table follows the
    flicker, and every pixel a drift block rewrites then changes colour (more bytes, no better)."""
    film = _grainy_frames()
    for quality in (70, 50):  # with a table per frame: 10 and 12 of the 12 frames carried one
        assert _local_tables(_encode(film, quality=quality)) == 0


def test_only_black_and_white_sources_take_the_grey_ladder():
    from clipkit.encode.gif.grey import is_grey

    film = _grainy_frames(n=4)
    assert is_grey(film)
    assert not is_grey(_grainy_frames(n=4, tint=12))
    captioned = [f.copy() for f in film]
    for f in captioned:
        f[80:90, 40:150] = (250, 220, 40)  # a yellow caption: 6 % of the pixels
    assert not is_grey(captioned)
    specks = [f.copy() for f in film]
    specks[0][::40, ::40] = (200, 40, 40)  # a few coloured specks (0.06 %): still a grey source
    assert is_grey(specks)


def test_clean_footage_is_not_flattened_into_runs():
    """A smooth gradient under a pan changes index seldom along its rows (not noise): written as without runs."""
    for frames in (_smooth_frames("pan"), _rainbow_pan()):
        assert _encode(frames, quality=90) == _encode(frames, quality=90, runs=0)


def _textured_pan(n: int = 16, w: int = 192, h: int = 108) -> list[np.ndarray]:
    """A pan (4 px a frame) over a smooth random colour texture: every pixel changes every frame."""
    import cv2

    rng = np.random.default_rng(3)
    strip = cv2.resize(rng.integers(0, 256, (h // 6, (w + 4 * n) // 6, 3)).astype(np.uint8), (w + 4 * n, h),
                       interpolation=cv2.INTER_CUBIC) // 4 * 4  # fewer distinct colours: a quick median cut
    return [strip[:, 4 * k: 4 * k + w].copy() for k in range(n)]


def test_lower_quality_buys_a_smaller_file_all_the_way_down():
    """--quality is a curve, not a step: on a pan (where tolerating small changes saves nothing, since
    everything moves) each lower quality is a clearly smaller file and a less faithful one.  Before the
    quality levels (quality.py) every quality below 100 gave the same bytes here."""
    frames = _textured_pan()
    sizes, errors = [], []
    for q in (90, 70, 50, 30):
        data = _encode(frames, quality=q, per_scene_palette=False)
        sizes.append(len(data))
        errors.append(np.mean([np.abs(p - f.astype(np.int16)).mean() for p, f in zip(gif_pictures(data), frames)]))
    assert all(b < 0.85 * a for a, b in zip(sizes, sizes[1:])), sizes
    assert all(b > a for a, b in zip(errors, errors[1:])), errors


def test_a_small_palette_keeps_a_small_saturated_object():
    """At a low quality (45 colours) a small red patch moving over a wide textured field keeps a red entry.
    The shot's palette is cut by population, which gave the patch none: it played as (200, 99, 82)."""
    import cv2

    h, w = 144, 256
    rng = np.random.default_rng(8)
    tex = cv2.resize(rng.integers(0, 256, (24, 40, 3)).astype(np.uint8), (w, h), interpolation=cv2.INTER_CUBIC)
    field = np.stack([40 + 0.7 * tex[..., 0], 70 + 0.8 * tex[..., 1], 40 + 0.6 * tex[..., 2]], axis=2)
    frames = []
    for k in range(12):
        img = np.clip(np.rint(field + k), 0, 255).astype(np.uint8)
        img[60:66, 100 + k: 106 + k] = (220, 30, 40)  # the red patch: 36 of 36864 pixels
        frames.append(img)
    played = gif_pictures(_encode(frames, quality=50, per_scene_palette=False))
    for k, p in enumerate(played):
        patch = p[61:65, 101 + k: 105 + k].reshape(-1, 3)
        assert np.abs(patch - np.array([220, 30, 40])).max() <= 24, (k, patch[0])


def _still_sky(n: int = 16, w: int = 192, h: int = 108) -> tuple[list[np.ndarray], np.ndarray]:
    """A still camera: a wide smooth sky of many colours, an orange square crossing it (6 px a frame)."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    sky = np.stack([90 + 120 * x / w, 110 + 100 * y / h, 200 - 60 * x / w + 30 * np.sin(6 * y / h)], axis=2)
    frames = []
    for k in range(n):
        img = sky.copy()
        img[40:60, 20 + 6 * k: 40 + 6 * k] = (230, 150, 30)
        frames.append(np.clip(np.rint(img), 0, 255).astype(np.uint8))
    return frames, sky


@pytest.mark.parametrize("quality", [50, 30])
def test_a_still_shot_at_a_low_quality_keeps_a_full_palette_key_frame(quality):
    """At quality 50 (45 colours) or 30 (14) a still shot opens with a frame of its own full palette, and the frames
    after it keep its colours where nothing moved: the sky below the square is within 2.5 levels of the source in the
    last frame too (the shot's 45 colours alone: 4.3).  A pan, where everything moves, gets no key frame, nor does a
    still shot of fewer than 16 frames (its key frame would be paid by few frames)."""
    frames, sky = _still_sky()
    data = _encode(frames, quality=quality, per_scene_palette=False)
    assert _local_tables(data) == 1
    played = gif_pictures(data)
    for p in (played[0], played[-1]):
        assert np.abs(p[70:] - sky[70:]).mean() <= 2.5
    assert np.abs(played[-1][42:58, 112:128] - np.array([230, 150, 30])).max() <= 24  # the square is shown, moved
    assert _local_tables(_encode(_textured_pan(), quality=quality, per_scene_palette=False)) == 0
    assert _local_tables(_encode(frames[:15], quality=quality, per_scene_palette=False)) == 0


def test_a_slow_fade_of_a_still_shot_keeps_the_key_frame_where_it_is_closer():
    """The sky brightens 0.3 levels a frame: the drift blocks rewrite it, but a pixel takes the shot's (45-colour)
    shade only when that is closer to the source than the key frame's shown one (keep-closer below quality 80):
    mean error ≤ 3 levels on every frame (rewritten in the shot's colours: 4.8)."""
    _, sky = _still_sky()
    frames = [np.clip(np.rint(sky + 0.3 * k), 0, 255).astype(np.uint8) for k in range(20)]
    played = gif_pictures(_encode(frames, quality=50, per_scene_palette=False))
    assert max(np.abs(p - f.astype(np.int16)).mean() for p, f in zip(played, frames)) <= 3.0


def test_a_shots_palette_is_fitted_in_xyb_below_quality_80():
    """From 32 colours below quality 80 the shot's median cut gets k-means steps in XYB, flat areas counting
    most: its XYB error over the shot falls; reserved colours stay first and exact."""
    from clipkit.encode.gif.dither import xyb_space
    from clipkit.encode.gif.palette import build_palette
    from clipkit.encode.gif.quality import quality_level
    from clipkit.encode.gif.refine import fit_shot

    frames, _ = _still_sky(n=4)
    reserve = ((255, 255, 255), (0, 0, 0))
    cut = build_palette(frames, 40, reserve)
    fitted = fit_shot(cut, frames, 2, quality_level(50).shot_steps, quality_level(50).space)
    assert np.array_equal(fitted[:2], np.array(reserve, np.uint8)) and len(fitted) <= len(cut)

    def error(pal: np.ndarray) -> float:
        x = xyb_space(np.concatenate([f.reshape(-1, 3) for f in frames]))
        p = xyb_space(pal)
        return float(np.mean([((x[i:i + 4096, None] - p[None]) ** 2).sum(2).min(1).mean() for i in range(0, len(x), 4096)]))

    assert error(fitted) < 0.97 * error(cut)  # measured 265 vs 277
    low = quality_level(30)  # 14 colours: more steps (cheap at so few colours)
    assert (low.space, low.shot_steps) == ("xyb", 8)


def test_a_small_saturated_object_keeps_its_colour_at_a_low_quality():
    """At quality 30 (14 colours) a few entries go to the colours the shot's palette fits worst: a small red
    sign (1 % of the picture) over a wide sky of many colours is shown red, where a palette spent on the sky alone
    would turn it into the nearest sky shade."""
    frames, sky = _still_sky()
    for f in frames:
        f[10:20, 150:162] = (220, 20, 40)
    played = gif_pictures(_encode(frames, quality=30, per_scene_palette=False))
    for p in played:
        assert np.abs(p[11:19, 151:161].astype(int) - (220, 20, 40)).mean() <= 24
