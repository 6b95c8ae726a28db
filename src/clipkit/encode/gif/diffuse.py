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

The loop is compiled with numba (a pixel's choice depends on the error of the
ones before it: numpy cannot vectorise it).  The nearest palette colour of
the pixel's target is searched along the palette sorted by luma (the space's
channel 1), starting from the source's own nearest colour as the bound.
"""

from __future__ import annotations

import threading

import numpy as np

__all__ = ["diffuse_frame", "warm", "warm_soon"]

_kernel = None
_lock = threading.Lock()
_warming = False


def _compile():
    """The numba kernel (numba imported on first use: only the top quality pays its import)."""
    global _kernel
    if _kernel is not None:
        return _kernel
    import numba

    @numba.njit(cache=True, nogil=True)
    def kernel(src, pal, order, rank, ys, hint, shown, has_shown, moved, fixed, has_fixed, clamp, level):
        h, w, _ = src.shape
        n = pal.shape[0]
        out = np.empty((h, w), np.int16)
        e0 = np.zeros((w + 2, 3), np.float32)  # error carried into this row
        e1 = np.zeros((w + 2, 3), np.float32)  # ... into the next
        t = np.empty(3, np.float32)
        for y in range(h):
            rev = y & 1
            e1[:] = 0.0
            for i in range(w):
                x = w - 1 - i if rev else i
                if has_fixed and fixed[y, x]:  # a reserved colour (captions): drawn exactly, no error in or out
                    out[y, x] = hint[y, x]
                    continue
                for c in range(3):
                    v = e0[x + 1, c] * level
                    if v > clamp:
                        v = clamp
                    elif v < -clamp:
                        v = -clamp
                    t[c] = src[y, x, c] + v
                # the bound: the source's own nearest colour; then outwards along the luma-sorted palette
                bi = hint[y, x]
                d0 = pal[bi, 0] - t[0]
                d1 = pal[bi, 1] - t[1]
                d2 = pal[bi, 2] - t[2]
                best = d0 * d0 + d1 * d1 + d2 * d2
                start = rank[bi]
                a = start - 1
                b = start + 1
                while a >= 0 or b < n:
                    if b < n:
                        dy = ys[b] - t[1]
                        if dy * dy >= best and dy > 0:
                            b = n
                        else:
                            k = order[b]
                            d0 = pal[k, 0] - t[0]
                            d2 = pal[k, 2] - t[2]
                            d = d0 * d0 + dy * dy + d2 * d2
                            if d < best:
                                best = d
                                bi = k
                            b += 1
                    if a >= 0:
                        dy = t[1] - ys[a]
                        if dy * dy >= best and dy > 0:
                            a = -1
                        else:
                            k = order[a]
                            d0 = pal[k, 0] - t[0]
                            d2 = pal[k, 2] - t[2]
                            d = d0 * d0 + dy * dy + d2 * d2
                            if d < best:
                                best = d
                                bi = k
                            a -= 1
                c0 = pal[bi, 0]
                c1 = pal[bi, 1]
                c2 = pal[bi, 2]
                choice = bi
                if has_shown:
                    # keep what is shown where the source did not move; where it did, only if that colour is as
                    # near the target as the palette's best and as near the source as the source's own nearest
                    # (without the second test a moving edge keeps stale shades the carried error pulls closer)
                    s0 = shown[y, x, 0] - t[0]
                    s1 = shown[y, x, 1] - t[1]
                    s2 = shown[y, x, 2] - t[2]
                    keep = not moved[y, x]
                    if not keep and s0 * s0 + s1 * s1 + s2 * s2 <= best:
                        g = hint[y, x]
                        q0 = shown[y, x, 0] - src[y, x, 0]
                        q1 = shown[y, x, 1] - src[y, x, 1]
                        q2 = shown[y, x, 2] - src[y, x, 2]
                        h0 = pal[g, 0] - src[y, x, 0]
                        h1 = pal[g, 1] - src[y, x, 1]
                        h2 = pal[g, 2] - src[y, x, 2]
                        keep = q0 * q0 + q1 * q1 + q2 * q2 <= h0 * h0 + h1 * h1 + h2 * h2
                    if keep:
                        choice = -1  # keep what is shown
                        c0 = shown[y, x, 0]
                        c1 = shown[y, x, 1]
                        c2 = shown[y, x, 2]
                out[y, x] = choice
                r0 = t[0] - c0
                r1 = t[1] - c1
                r2 = t[2] - c2
                fwd = x - 1 if rev else x + 1
                bwd = x + 1 if rev else x - 1
                if 0 <= fwd < w:  # 7/16 ahead on this row; 3/16 behind, 5/16 below, 1/16 ahead on the next
                    e0[fwd + 1, 0] += r0 * 0.4375
                    e0[fwd + 1, 1] += r1 * 0.4375
                    e0[fwd + 1, 2] += r2 * 0.4375
                e1[bwd + 1, 0] += r0 * 0.1875
                e1[bwd + 1, 1] += r1 * 0.1875
                e1[bwd + 1, 2] += r2 * 0.1875
                e1[x + 1, 0] += r0 * 0.3125
                e1[x + 1, 1] += r1 * 0.3125
                e1[x + 1, 2] += r2 * 0.3125
                e1[fwd + 1, 0] += r0 * 0.0625
                e1[fwd + 1, 1] += r1 * 0.0625
                e1[fwd + 1, 2] += r2 * 0.0625
            e0, e1 = e1, e0
        return out

    _kernel = kernel
    return kernel


def warm() -> None:
    """Import numba and load (or compile) the kernel, e.g. on a thread while the palettes are built: ~1 s the
    first frame would otherwise wait for (numba's import, and its cache of the compiled kernel)."""
    with _lock:
        kernel = _compile()
        z = np.zeros((1, 1, 3), np.float32)
        one = np.ones((1, 1), bool)
        kernel(z, z[0], np.zeros(1, np.int32), np.zeros(1, np.int32), np.zeros(1, np.float32),
               np.zeros((1, 1), np.uint8), z, False, one, one, False, np.float32(0), np.float32(0))


def warm_soon() -> None:
    """:func:`warm` on a daemon thread, once per process (the GIF pipeline calls it before decoding, the engine
    before building its palettes: whichever comes first starts it)."""
    global _warming
    with _lock:
        if _warming:
            return
        _warming = True
    threading.Thread(target=warm, name="clipkit-diffuse-warm", daemon=True).start()


def diffuse_frame(source: np.ndarray, nearest: np.ndarray, palette: np.ndarray, shown: np.ndarray | None,
                  moved: np.ndarray | None, level: float, clamp: float, fixed: np.ndarray | None = None) -> np.ndarray:
    """H×W int16: the palette index of each pixel after diffusing the error, or -1 where the colour already shown is
    kept: always where ``moved`` is False, and where it is at least as near the pixel's target as the best palette
    colour and at least as near the source as the source's nearest palette colour.  All colours in the search space (float32): ``source`` and ``shown`` H×W×3 (``shown`` None on the first
    frame), ``palette`` N×3; ``nearest``: each pixel's nearest palette index (the search's starting bound).
    ``fixed`` (H×W bool): pixels that take their ``nearest`` index as it is, with no error carried into or out of
    them (a caption's reserved colours)."""
    with _lock:
        kernel = _compile()
    order = np.argsort(palette[:, 1], kind="stable").astype(np.int32)
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size, dtype=np.int32)
    ys = np.ascontiguousarray(palette[order, 1])
    if shown is None:
        shown, moved = np.zeros((1, 1, 3), np.float32), np.ones((1, 1), bool)
        first = True
    else:
        first = False
    has_fixed = fixed is not None
    fixed = np.ascontiguousarray(fixed) if has_fixed else np.zeros((1, 1), bool)
    return kernel(np.ascontiguousarray(source), np.ascontiguousarray(palette), order, rank, ys,
                  np.ascontiguousarray(nearest), shown, not first, np.ascontiguousarray(moved), fixed, has_fixed,
                  np.float32(clamp), np.float32(level))
