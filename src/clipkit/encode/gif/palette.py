"""Palette choice: colours that fit the clip (or each scene of it), plus reserved colours.

The palette is built from pixels of *every* frame of the span it serves
(sub-sampled for speed), so static areas such as a white caption count as much
as moving ones (ffmpeg's ``stats_mode=diff`` drops static pixels and turns a
white caption cyan).  Colours a caller reserves (caption white, outline black)
are put in exactly and kept out of the computed part.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from PIL import Image

__all__ = ["build_palette", "scene_spans", "still_share", "SAMPLE_PIXELS", "STILL_LEVELS"]

#: How many pixels the palette is computed from (spread evenly over the frames).
SAMPLE_PIXELS = 50_000


def _thumb(image: np.ndarray) -> np.ndarray:
    return image[::8, ::8].astype(np.int16)


def scene_spans(frames: Sequence[np.ndarray], threshold: float = 28.0, min_len: int = 4,
                check: Callable[[], object] | None = None) -> list[tuple[int, int]]:
    """Split frame indices into ``[a, b)`` spans at hard cuts (mean change of a thumbnail).

    Spans shorter than ``min_len`` frames join the previous one (a flash is not a scene).
    ``check()`` is called before each frame is read (a long GIF's frames come from disk: it may cancel).
    """
    if not frames:
        return []
    cuts = [0]
    prev = _thumb(frames[0])
    for k in range(1, len(frames)):
        if check is not None:
            check()
        cur = _thumb(frames[k])
        if float(np.abs(cur - prev).mean()) > threshold and k - cuts[-1] >= min_len:
            cuts.append(k)
        prev = cur
    if len(cuts) > 1 and len(frames) - cuts[-1] < min_len:
        cuts.pop()
    bounds = cuts + [len(frames)]
    return list(zip(bounds, bounds[1:]))


#: A thumbnail pixel counts as still when within this many levels (each channel) of the shot's first frame.
STILL_LEVELS = 8


def still_share(frames: Sequence[np.ndarray], levels: int = STILL_LEVELS) -> float:
    """The share of the first frame's picture the later frames still show, averaged over ``frames``: thumbnail
    pixels (every 8th) within ``levels`` of the first frame's (measured: bunny bird 0.56, a handheld tilt 0.32,
    a slow pan 0.24, fire2's shots 0.34–0.53)."""
    if len(frames) < 2:
        return 1.0
    first = _thumb(frames[0])
    still = [np.count_nonzero(np.abs(_thumb(f) - first).max(axis=2) <= levels) for f in frames[1:]]
    return float(np.mean(still)) / first[..., 0].size


def _sample(frames: Sequence[np.ndarray], budget: int, check: Callable[[], object] | None = None) -> np.ndarray:
    h, w = frames[0].shape[:2]
    per_frame = max(1, budget // len(frames))
    step = max(1, int(np.sqrt(h * w / per_frame)))
    parts = []
    for k, frame in enumerate(frames):
        if check is not None:
            check()
        off = k % step  # shift the grid each frame so every pixel is seen over time
        parts.append(frame[off::step, (off * 3) % step::step].reshape(-1, 3))
    return np.concatenate(parts)


def build_palette(frames: Sequence[np.ndarray], colors: int, reserve: Sequence[tuple[int, int, int]] = (),
                  sample: int = SAMPLE_PIXELS, check: Callable[[], object] | None = None) -> np.ndarray:
    """A ``(n, 3)`` uint8 palette of at most ``colors`` entries for ``frames`` (RGB uint8).

    ``reserve`` colours come first, exactly; the rest is a median-cut palette
    of the frames' pixels (about ``sample`` of them), refined by k-means, with
    near-duplicates of the reserved colours left out.  ``check()`` is called
    before each frame is sampled (it may cancel).
    """
    reserved = [tuple(int(c) for c in rgb) for rgb in dict.fromkeys(tuple(r) for r in reserve)]
    free = max(1, colors - len(reserved))
    pixels = _sample(frames, sample, check)
    side = int(np.ceil(np.sqrt(len(pixels))))
    pad = side * side - len(pixels)
    if pad:
        pixels = np.concatenate([pixels, pixels[:pad]])
    mosaic = Image.fromarray(pixels.reshape(side, side, 3))
    q = mosaic.quantize(colors=free, method=Image.Quantize.MEDIANCUT, kmeans=1, dither=Image.Dither.NONE)
    table = np.array(q.getpalette(), np.uint8).reshape(-1, 3)
    computed = table[np.unique(np.asarray(q))]  # only the entries pixels really use
    if reserved:
        res = np.array(reserved, np.int16)
        dist = np.abs(computed[:, None, :].astype(np.int16) - res[None, :, :]).max(axis=2).min(axis=1)
        computed = computed[dist > 6]
        computed = np.concatenate([np.array(reserved, np.uint8), computed])
    return np.unique(computed, axis=0) if not reserved else _dedupe_keep_order(computed)


def _dedupe_keep_order(palette: np.ndarray) -> np.ndarray:
    _, first = np.unique(palette, axis=0, return_index=True)
    return palette[np.sort(first)]


def with_outliers(palette: np.ndarray, frames: Sequence[np.ndarray], extra: int) -> np.ndarray:
    """``palette`` plus ``extra`` entries for the colours it fits worst (farthest-point picks among the
    frames' pixels, in the lookup's weighted space), so a small palette keeps small saturated objects
    (a red shirt in a field at 45 colours) that a cut by population gives no entry.  The new entries
    come after the palette's own, which keep their places (reserved colours first)."""
    if extra <= 0:
        return palette
    from .refine import _W, _assign  # the weighted space and exact search the palettes are refined in

    x = np.ascontiguousarray(_sample(frames, SAMPLE_PIXELS).astype(np.float32) * _W)
    pal = np.ascontiguousarray(palette.astype(np.float32) * _W)
    dist = _assign(x, pal)[1].astype(np.float64)
    picks = []
    for _ in range(extra):
        i = int(np.argmax(dist))
        if dist[i] <= 0:
            break
        picks.append(x[i])
        dist = np.minimum(dist, ((x - x[i]) ** 2).sum(axis=1))
    if not picks:
        return palette
    added = np.clip(np.rint(np.array(picks) / _W), 0, 255).astype(np.uint8)
    return _dedupe_keep_order(np.concatenate([palette, added]))
