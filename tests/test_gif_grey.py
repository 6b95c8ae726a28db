"""Black-and-white sources (encode/gif/grey.py) on media generated with known truth: evenly spaced grey
levels, and Lanczos scaling of grey films in the GIF pipeline."""

from __future__ import annotations

import io
import subprocess

import numpy as np

from clipkit import make_gif
from clipkit.errors import Cancelled
from clipkit.encode.gif import GifOptions, encode_gif
from clipkit.media.ffmpeg import ffmpeg_exe
from clipkit.media.frames import read_frames

from media import gif_pictures


def test_a_grey_film_gets_evenly_spaced_levels_so_rare_tones_are_as_fine_as_common_ones():
    """Nine tenths of the picture a dark gradient (20–60), one tenth a bright one (100–250): a median cut
    of the pixels spends its levels on the dark part and leaves the bright stripe coarse (at quality 50,
    14 levels: errors of 20+ there).  Evenly spaced levels (quality 70: 23, quality 90: 42; black and white
    exact) keep every pixel of the first frame (written whole) within half a step of its source; at quality 50
    (16 levels, every 17th grey) flat areas take the gradient pattern (grey.PATTERN_TO): every pixel on one of the
    two levels around its source, so within a step."""
    w, h = 200, 100
    img = np.empty((h, w), np.float64)
    img[:90] = np.tile(np.linspace(20, 60, w), (90, 1))
    img[90:] = np.tile(np.linspace(100, 250, w), (10, 1))
    frames = [np.repeat(np.rint(img).astype(np.uint8)[..., None], 3, axis=2)] * 3
    for quality, levels, within in ((50, 16, 1.0), (70, 23, 0.5), (90, 42, 0.5)):
        buf = io.BytesIO()
        encode_gif(frames, [10] * len(frames), buf, GifOptions(quality=quality))
        first = gif_pictures(buf.getvalue())[0][..., 0]
        step = 255 / (levels - 1)
        err = np.abs(first - frames[0][..., 0])
        assert err.max() <= step * within + 0.5, (quality, err.max(), step)
        ladder = np.rint(np.linspace(0, 255, levels))
        assert np.isin(np.unique(first), ladder).all()


def _film(path, tint: int = 0, w: int = 320, h: int = 180, n: int = 6) -> None:
    """A lossless RGB clip of mid grey under strong fresh grain (σ 30 a pixel), ``tint``: a toned print."""
    rng = np.random.default_rng(24)
    frames = []
    for _ in range(n):
        g = np.clip(np.rint(128 + rng.normal(0, 30, (h, w))), 0, 255).astype(np.int16)
        rgb = np.repeat(g[..., None], 3, axis=2) + np.array([tint, 0, -tint], np.int16)
        frames.append(np.clip(rgb, 0, 255).astype(np.uint8))
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
                    "-framerate", "10", "-i", "-", "-c:v", "libx264rgb", "-qp", "0", "-pix_fmt", "rgb24", str(path)],
                   input=b"".join(f.tobytes() for f in frames), check=True)


def test_a_grey_film_is_scaled_with_lanczos_a_toned_one_with_area(tmp_path):
    """Downscaled 2:1, pixel-sized grain comes out differently from area averaging and from Lanczos (5+ levels
    apart on average).  A grey film's GIF (quality 100: 255 levels) shows the Lanczos-scaled source (within
    1.5 levels on average), a toned one's (the colour path, unchanged) the area-scaled source."""
    for tint, scaler in ((0, "lanczos"), (12, "area")):
        src = tmp_path / f"film{tint}.mkv"
        _film(src, tint)
        art = make_gif(src, 0, "+0.6", output=tmp_path / f"film{tint}.gif", width=160, fps=10, quality=100,
                       subs="off", record=False)
        first = gif_pictures(art.path.read_bytes())[0][..., 1]
        ref = {flags: next(iter(read_frames(src, width=160, scale_flags=flags))).image[..., 1].astype(np.int16)
               for flags in ("area", "lanczos")}
        assert np.abs(ref["lanczos"] - ref["area"]).mean() > 5  # the truth the test stands on
        err = {flags: float(np.abs(first - r).mean()) for flags, r in ref.items()}
        other = "area" if scaler == "lanczos" else "lanczos"
        assert err[scaler] < 1.5 and err[other] > 4, (tint, err)


def test_from_quality_95_a_grey_film_shows_each_changed_pixel_at_its_nearest_level():
    """From quality 95 a grey film has no tolerance of small changes (85 levels, every 3rd, are already the
    saving): a pixel that moves one level across the midpoint between two levels shows the new nearest
    level in the next frame (with the old tolerance of 1.75 it kept the stale level, 2 away from its source)."""
    ladder = np.rint(np.linspace(0, 255, 85))
    lo = ladder[40]
    assert ladder[41] == lo + 3
    rng = np.random.default_rng(95)
    base = np.full((64, 96), lo + 1, np.uint8)  # nearest level: lo
    frames = [base]
    for _ in range(5):
        f = base.copy()
        f[rng.random(f.shape) < 0.01] = lo + 2  # nearest: lo + 3; isolated pixels: no 8×8 block's mean moves
        frames.append(f)  # (diff.py's drift); the last frame's spots go back to lo + 1, one level again
    rgb = [np.repeat(f[..., None], 3, axis=2) for f in frames]
    buf = io.BytesIO()
    encode_gif(rgb, [10] * len(rgb), buf, GifOptions(quality=95))
    played = gif_pictures(buf.getvalue())
    assert len(played) == len(frames)
    for shown, f in zip(played, frames):
        nearest = ladder[np.abs(f[..., None].astype(np.float64) - ladder).argmin(axis=-1)]
        assert np.array_equal(shown[..., 0], nearest)


def test_a_grey_film_can_be_cancelled_while_it_is_decoded_again(tmp_path):
    """The second decode (Lanczos) reports progress too (held at the end of decoding), so a cancel there
    stops the job and leaves no file."""
    src = tmp_path / "film.mkv"
    _film(src)
    out = tmp_path / "out"
    out.mkdir()
    seen: list[int] = []

    def progress(done, total):
        again = bool(seen) and done <= seen[-1] < total  # the count stopped rising before the end: decoding again
        seen.append(done)
        return not again

    try:
        make_gif(src, 0, "+0.6", output=out / "film.gif", width=160, fps=10, subs="off", progress=progress)
    except Cancelled:
        pass
    else:
        raise AssertionError("not cancelled")
    assert list(out.iterdir()) == []
