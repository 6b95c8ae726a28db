"""Error diffusion against the screen: the top quality's dither (``quality.DIFFUSE_FROM``).

A serpentine Floyd–Steinberg in the engine's search space (``dither.SPACES``)
where every pixel has one candidate more than the frame's palette: the colour
the viewer already sees there.  Keeping it costs no bytes (the transparent
index), so a static area keeps its dither pattern from frame to frame (no
shimmer, long LZW runs of the transparent index; where the source moved, the
shown colour is kept only if it also passes the keep-closer test of
``diff.py`` against the source itself), while the diffused error
makes a smooth area's local mean follow the source instead of stepping from
one palette colour to the next, which is what SSIMULACRA2's coarse scales and
the eye see.  The error carried to a pixel is scaled by ``level`` and clamped
to ``clamp`` (in the search space: one grey level is 3), so it never grows into
the worms and smears of a full-strength diffusion.

With ``refresh`` (``quality.DIFFUSE_REFRESH``), a pixel whose source did not
move is redrawn as well where the frame's palette has a colour nearer its
target than the one shown by more than ``refresh`` (squared, in the space's
units): on a still shot each frame's palette, refined on what the screen shows
badly (``refine.py``), fills in shades the frames before could not give, and
the screen converges on the source instead of keeping its first colours.

The loop is C (``_kernels.c``, built by setup.py: a pixel's choice depends on
the error of the ones before it, which numpy cannot vectorise).  The nearest
palette colour of the pixel's target is searched along the palette sorted by
luma (the space's channel 1), starting from the source's own nearest colour
as the bound.
"""

from __future__ import annotations

import numpy as np

from . import kernels
from .kernels import available

__all__ = ["available", "diffuse_frame"]


def diffuse_frame(source: np.ndarray, nearest: np.ndarray, palette: np.ndarray, shown: np.ndarray | None,
                  moved: np.ndarray | None, level: float, clamp: float, fixed: np.ndarray | None = None,
                  refresh: float = -1.0) -> np.ndarray:
    """H×W int16: the palette index of each pixel after diffusing the error, or -1 where the colour already shown is
    kept: where ``moved`` is False (unless ``refresh`` >= 0 and the best palette colour is nearer the pixel's target
    by more than ``refresh``, squared distances), and where it moved, if it is at least as near the pixel's target as
    the best palette colour and at least as near the source as the source's nearest palette colour.  All colours in
    the search space (float32): ``source`` and ``shown`` H×W×3 (``shown`` None on the first frame), ``palette`` N×3;
    ``nearest``: each pixel's nearest palette index (the search's starting bound).
    ``fixed`` (H×W bool): pixels that take their ``nearest`` index as it is, with no error carried into or out of
    them (a caption's reserved colours)."""
    if kernels.lib is None:
        raise RuntimeError("clipkit's compiled dither was not built (no C compiler when clipkit was installed)")
    h, w = source.shape[:2]
    n = len(palette)
    if not (source.dtype == palette.dtype == np.float32 and nearest.dtype == np.uint8 and nearest.shape == (h, w)
            and 0 < n <= 256 and int(nearest.max(initial=0)) < n):
        raise ValueError("diffuse_frame: float32 colours and each pixel's nearest index (uint8) into the palette")
    order, ys = kernels.sorted_by_luma(palette)
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size, dtype=np.int32)
    out = np.empty((h, w), np.int16)
    has_shown, has_fixed = shown is not None, fixed is not None
    none = np.zeros(1, np.uint8)
    kernels.lib.diffuse(np.ascontiguousarray(source), np.ascontiguousarray(palette), order, rank, ys,
                        np.ascontiguousarray(nearest),
                        np.ascontiguousarray(shown, np.float32) if has_shown else none, has_shown,
                        np.ascontiguousarray(moved, np.uint8) if has_shown else none,
                        np.ascontiguousarray(fixed, np.uint8) if has_fixed else none, has_fixed,
                        float(clamp), float(level), float(refresh), h, w, n, out)
    return out
