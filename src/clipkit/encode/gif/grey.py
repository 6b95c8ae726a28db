"""Black-and-white sources: what ``--quality`` sets when every frame is grey.

A palette of 256 colours is coarse in three dimensions (about six levels a
channel), so on colour footage each entry buys accuracy the eye sees.  A grey
source has one dimension: 256 entries are every grey level, and the lowest
bits of each are the film's grain and the codec's noise, which LZW pays for on
every rewritten pixel (a grainy film rewrites 15–23 % of its pixels a frame).
Fewer grey levels cost far fewer bits a pixel and little quality, because the
grain itself dithers the steps between them.  So a grey source gets its own
ladder: the number of grey levels falls with the quality, and the tolerance of
small changes stops at 14 levels (beyond that it saves almost nothing: the
drift blocks of ``diff.py`` rewrite what the grain moves, and SSIMULACRA2
drops); below quality 80 frames share their shot's palette, as on colour.  Measured on chaplin against gifski in bench/README.md ("grain,
session 23").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .quality import FULL_PALETTE_FROM, QualityLevel, tolerance_for

__all__ = ["is_grey", "grey_level"]

#: A pixel is grey when its channels differ by at most this (decoders leave ±1–2 of chroma noise).
GREY_CHROMA = 6
#: A source is grey when fewer than this share of its sampled pixels are not (a caption's colour
#: or a tinted logo makes it a colour source: those keep the colour ladder of quality.py).
GREY_SHARE = 0.001
#: Frames and pixel stride sampled for the test.
_SAMPLE_FRAMES = 8
_SAMPLE_STRIDE = 3

#: (quality, grey levels) of the ladder, log-linear between the points.  Chaplin 0–5 s at 480 px, 15 fps
#: (KB, SSIMULACRA2): at tolerance 0, 256 / 64 / 32 levels 3830, 64.7 / 2427, 58.3 / 1684, 53.0; at 48 levels,
#: tolerance 7 / 3.5 1563, 53.3 / 1806, 56.2; at 256, 3.5 / 2.1: 2896, 60.2 / 3038, 61.5.  So from quality 90
#: the tolerance falls first at 48 levels, then the levels rise at a small tolerance (bench/README.md).
GREY_LEVELS = ((1, 4), (30, 8), (50, 14), (70, 24), (80, 32), (90, 48), (94, 48), (97, 256), (100, 256))
#: The largest tolerance (0–255) a grey source uses (quality 80's).
GREY_TOLERANCE_MAX = 14.0


def is_grey(frames: Sequence[np.ndarray]) -> bool:
    """Whether the frames (RGB uint8) are black and white, judged on a few of them."""
    if not frames:
        return False
    step = max(1, len(frames) // _SAMPLE_FRAMES)
    s = _SAMPLE_STRIDE
    off = total = 0
    for frame in frames[::step][:_SAMPLE_FRAMES]:
        px = frame[::s, ::s].astype(np.int16)
        chroma = np.maximum(np.abs(px[..., 0] - px[..., 1]), np.abs(px[..., 1] - px[..., 2]))
        off += int(np.count_nonzero(chroma > GREY_CHROMA))
        total += chroma.size
    return off < GREY_SHARE * total


def grey_level(quality: int, reserved: int = 0) -> QualityLevel:
    """The engine's parameters for ``quality`` (1–100) on a grey source; ``reserved``: entries kept for captions."""
    q = max(1, min(100, int(quality)))
    points = np.array(GREY_LEVELS, np.float64)
    levels = int(round(2 ** np.interp(q, points[:, 0], np.log2(points[:, 1]))))
    # Below FULL_PALETTE_FROM frames share their shot's palette, as on colour: a per-frame table follows the
    # film's flicker, and then every pixel a drift block rewrites changes colour (chaplin q50 772 → 727 KB,
    # S2 34.0 → 32.4; q70 1010 → 989 KB, S2 43.7 both: on or above the curve).
    return QualityLevel(min(GREY_TOLERANCE_MAX, tolerance_for(q)), min(256, levels + reserved), q >= FULL_PALETTE_FROM, 0)
