"""Black-and-white sources: what ``--quality`` sets when every frame is grey.

A palette of 256 colours is coarse in three dimensions (about six levels a
channel), so on colour footage each entry buys accuracy the eye sees.  A grey
source has one dimension: 256 entries are every grey level, and the lowest
bits of each are the film's grain and the codec's noise, which LZW pays for on
every rewritten pixel (a grainy film rewrites 15–23 % of its pixels a frame).
Fewer grey levels cost far fewer bits a pixel and little quality, because the
grain itself dithers the steps between them.  So a grey source gets its own
ladder: evenly spaced grey levels (``grey_palette``, one palette for every
frame), fewer as the quality falls, and a tolerance of small changes half the
colour ladder's, none from 95 up and at most 21 levels (``GREY_LADDER``).  At
the low qualities (up to ``PATTERN_TO``) the grain's one-frame flicker is taken out
(denoise.py) and flat areas, where so few levels band, take dither.py's gradient
pattern: fewer bytes for the same SSIMULACRA2 than more levels or tolerance.  A
grey source is also scaled with Lanczos (``GREY_SCALER``, used by the GIF
pipeline), sharper than area averaging.  Measured on chaplin against gifski
in bench/README.md ("black-and-white film, session 24").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .quality import QualityLevel

__all__ = ["is_grey", "grey_level", "grey_palette", "GREY_SCALER"]

#: A pixel is grey when its channels differ by at most this (decoders leave ±1–2 of chroma noise).
GREY_CHROMA = 6
#: A source is grey when fewer than this share of its sampled pixels are not (a caption's colour
#: or a tinted logo makes it a colour source: those keep the colour ladder of quality.py).
GREY_SHARE = 0.001
#: Frames and pixel stride sampled for the test.
SAMPLE_FRAMES = 8
_SAMPLE_STRIDE = 3

#: (quality, grey levels, tolerance) of the ladder: the levels log-linear between the points (the palette's
#: size: one entry of it is the transparent slot, so 86 means 85 levels, every 3rd), the tolerance (0–255)
#: linear.  Chaplin 0–5 s at 480 px, 15 fps, Lanczos-scaled, evenly spaced levels (KB, SSIM, SSIMULACRA2
#: against the Lanczos-scaled source, as bench_gif.py measures): 256, 0: 4051, .9748, 56.6; 86, 0: 2611, .9725,
#: 54.3 (gifski -Q 100: 2897, .9725, 53.8; 86 levels at tolerance 1.75: 2454, .9718, 53.6); 43, 3.5: 1572, .9628,
#: 48.5 (-Q 90: 1819, .9614, 48.3); 32, 7: 1200, .9509, 43.0; 24, 10: 949, .9354, 36.1 (-Q 70: 1202, .9251, 37.7);
#: 18, 14: 782, .9157, 28.6 (-Q 50: 700, .8921, 28.9).  Beyond 14 the tolerance saves almost nothing (the drift
#: blocks of diff.py rewrite what the film's flicker moves) and SSIMULACRA2 drops.  Up to PATTERN_TO the grain is
#: taken out of time and flat areas dithered (below): there 17 entries (16 levels, every 17th grey) and 21 cost
#: fewer bytes for their quality than 18 and 14 (bench/README.md, "session 29").
GREY_LADDER = ((1, 4, 14.0), (30, 8, 14.0), (50, 17, 21.0), (70, 24, 10.0), (80, 32, 7.0), (90, 43, 3.5),
               (95, 86, 0.0), (100, 256, 0.0))
#: Up to this quality a grey source's one-frame grain flicker within DENOISE levels is taken out (denoise.py: the
#: median of a pixel's three frames) and its flat areas, where 16–20 levels band, take dither.py's gradient pattern
#: in areas flatter than PATTERN_FLAT (the user's --dither replaces it).  Chaplin 0–5 s at quality 50 (KB, SSIM,
#: SSIMULACRA2): 779, .9160, 28.6 → 694, .8934, 29.1 (gifski -Q 50: 700, .8921, 28.9); quality 60: 864, .9269, 32.8
#: → 819, .9113, 33.5.  Not at 70 (−5 % bytes, S2 the same, SSIM −.013) nor 80 (−6 %, S2 43.0 → 40.5).
PATTERN_TO = 60
PATTERN_FLAT = 14.0
DENOISE = 32.0
#: How a grey source is scaled to the GIF's size (ffmpeg's scaler flags; colour sources are area-scaled).
#: Lanczos is sharper than area averaging (which softens the film's edges and grain): chaplin at quality 100, same engine,
#: SSIMULACRA2 50.3 -> 57.1 (SSIM .9700 -> .9749) for +6 % bytes; on colour footage the same +3–4 % of bytes
#: bought less than that on the curve (bench/README.md, "black-and-white film, session 24").
GREY_SCALER = "lanczos"


def is_grey(frames: Sequence[np.ndarray]) -> bool:
    """Whether the frames (RGB uint8) are black and white, judged on a few of them."""
    if not frames:
        return False
    step = max(1, len(frames) // SAMPLE_FRAMES)
    s = _SAMPLE_STRIDE
    off = total = 0
    for frame in frames[::step][:SAMPLE_FRAMES]:
        px = frame[::s, ::s].astype(np.int16)
        chroma = np.maximum(np.abs(px[..., 0] - px[..., 1]), np.abs(px[..., 1] - px[..., 2]))
        off += int(np.count_nonzero(chroma > GREY_CHROMA))
        total += chroma.size
    return off < GREY_SHARE * total


def grey_level(quality: int, reserved: int = 0) -> QualityLevel:
    """The engine's parameters for ``quality`` (1–100) on a grey source; ``reserved``: entries kept for captions.

    The palette is :func:`grey_palette`, one per shot and for every frame (nothing to refine per frame:
    the levels are evenly spaced whatever the frame shows)."""
    q = max(1, min(100, int(quality)))
    points = np.array(GREY_LADDER, np.float64)
    levels = int(round(2 ** np.interp(q, points[:, 0], np.log2(points[:, 1]))))
    tolerance = float(np.interp(q, points[:, 0], points[:, 2]))
    low = q <= PATTERN_TO
    return QualityLevel(tolerance, min(256, levels + reserved), False, 0,
                        pattern_flat=PATTERN_FLAT if low else 0.0, denoise=DENOISE if low else 0.0)


def grey_palette(levels: int, reserve: Sequence[tuple[int, int, int]] = ()) -> np.ndarray:
    """``levels`` palette entries: ``reserve`` colours first (captions), then grey levels evenly spaced from
    black to white (both exact: the bars of a pillarboxed film, a fade's ends).

    Evenly spaced rather than a median cut of the frames' pixels: the cut puts its levels where the film
    has most pixels and leaves rarer tones coarse, and its levels move from shot to shot; an even ladder
    costs fewer bytes for more quality (chaplin, 64 levels, tolerance 0: median cut 2554 KB, SSIMULACRA2
    51.5; even 2210 KB, 52.5)."""
    reserved = [tuple(int(c) for c in rgb) for rgb in dict.fromkeys(tuple(r) for r in reserve)]
    n = max(2, levels - len(reserved))
    greys = np.unique(np.rint(np.linspace(0, 255, n)).astype(np.uint8))
    ramp = np.repeat(greys[:, None], 3, axis=1)
    if not reserved:
        return ramp
    res = np.array(reserved, np.uint8)
    keep = [g for g in ramp if not (res == g).all(axis=1).any()]
    return np.concatenate([res, np.array(keep, np.uint8).reshape(-1, 3)])
