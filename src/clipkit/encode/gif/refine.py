"""Per-frame (local) palettes: the shot's palette refined on each frame's own pixels.

One palette per shot spreads 255 colours over everything the shot shows (a
pan's whole panorama): each frame gets only a share, and gradients band.  A
GIF frame may carry its own colour table, so each frame gets the shot's
palette moved onto the colours *it* shows, by a few k-means (Lloyd) steps on
a sample of its pixels, started from the previous frame's palette: colours
that stay on screen keep nearly the same entries from frame to frame (no
shimmer, and the frame-difference stage rewrites only pixels whose source
moved), and the steps follow the content as it changes.  Entries no pixel
of the frame uses are moved onto the pixels fitted worst.  Reserved colours
(captions) stay fixed.  A refinement that fits the frame barely better is
not taken: the frame keeps the palette in use and needs no table of its own.

Distances use the same channel weights as the nearest-colour search
(``dither.Remapper``), so the entries are placed for the lookup that uses them.
Each sample counts by how flat its surroundings are (``FLAT_WEIGHT``): a
smooth sky or plumage, where a missing shade shows as a band, pulls entries
towards it; texture and edges, where the error hides, pull less.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import kernels
from .dither import CHANNEL_SCALE, SPACES, busyness, colour_codes, run_starts, unpack_codes

__all__ = ["FramePalettes", "fit_shot", "REFINE_STEPS", "REFINE_STEPS_TOP", "REFINE_SAMPLE", "SHOWN_ERROR",
           "TOP_QUALITY", "refine_steps"]

#: Lloyd steps per frame (started from the previous frame's palette, so a few suffice).
REFINE_STEPS = 3
#: ... and at the top qualities (``TOP_QUALITY`` and above), where the time buys S2 +0.4–0.7 at the same size.
REFINE_STEPS_TOP = 6
TOP_QUALITY = 95
#: Pixels of each frame the steps run on (an even grid, shifted every frame).
REFINE_SAMPLE = 6_000
#: Pixels of a whole shot its palette is fitted on (``fit_shot``), and of a key frame (engine.py).
SHOT_SAMPLE = 50_000
#: A frame whose thumbnail is within this mean change (0–255) of the frame the palette was last
#: refined on keeps that palette (the same object: a static shot is remapped through one table).
REUSE_CHANGE = 1.5
#: A refined palette is taken only when it fits the frame's samples this much better (mean squared
#: error, weighted) than the palette in use, and by more than ADOPT_MIN: otherwise the frame keeps
#: the palette in use and needs no colour table of its own (a table costs up to 768 bytes a frame).
ADOPT_GAIN = 0.97
ADOPT_MIN = 2.0

#: With what the viewer sees (``FramePalettes.next(frame, shown)``, from --quality 90), a sample's weight is also
#: multiplied by min(1, its squared distance from the colour on screen / SHOWN_ERROR), at least SHOWN_FLOOR: a pixel
#: the screen already shows closely (it will be kept: diff.py's keep-closer test) needs no entry, and entries go to
#: what is shown badly.  400 = about 7 grey levels (XYB scaled as weighted RGB: 9 a level, squared).
SHOWN_ERROR = 400.0
SHOWN_FLOOR = 0.01

#: A sample's weight in the steps is 1 / (1 + busyness / FLAT_WEIGHT) (``dither.busyness``: 0 on flat areas).
FLAT_WEIGHT = 16.0

_W = CHANNEL_SCALE  # the nearest-colour search's space (dither.Remapper)


def _grid(shape: tuple[int, ...], k: int, budget: int) -> tuple[slice, slice]:
    """An even grid of about ``budget`` of a frame's pixels, shifted with ``k``."""
    h, w = shape[:2]
    step = max(1, int(np.sqrt(h * w / budget)))
    off = k % step
    return slice(off, None, step), slice((off * 3) % step, None, step)


def _sample(frame: np.ndarray, k: int, budget: int) -> tuple[np.ndarray, np.ndarray]:
    """An even grid of the frame's pixels (shifted with ``k``) and each one's weight (flat areas count most)."""
    grid = _grid(frame.shape, k, budget)
    weight = 1.0 / (1.0 + busyness(frame)[grid].astype(np.float32) / FLAT_WEIGHT)
    return frame[grid].reshape(-1, 3), weight.reshape(-1)


def _distinct_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the rows of ``x`` (N×3 uint8): one row index per distinct colour, and each row's distinct colour
    (``x[rows][inverse] == x``).  Real frames repeat colours (a flat sky: 19 of 20 samples of a dark scene)."""
    codes = colour_codes(x[:, None])[:, 0]
    order = np.argsort(codes, kind="stable")
    first = run_starts(codes[order])
    inverse = np.empty(first.size, np.intp)
    inverse[order] = np.cumsum(first) - 1
    return order[first], inverse


def _assign(x: np.ndarray, pal: np.ndarray,
            distinct: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Nearest entry of each row of ``x`` (weighted space) and the squared distance to it.

    With ``distinct`` (``_distinct_rows``), only one row of each colour is searched (the same answer:
    each search is exact and independent)."""
    rows, inverse = distinct if distinct is not None else (slice(None), slice(None))
    if kernels.available():  # compiled: the luma-sorted search of the nearest colour (Remapper's)
        idx, dist = kernels.assign(np.ascontiguousarray(x[rows]), np.ascontiguousarray(pal))
        return idx[inverse], dist[inverse]
    tree = cv2.flann_Index(np.ascontiguousarray(pal), {"algorithm": 4, "leaf_max_size": 8})  # exact k-d tree
    idx, dist = tree.knnSearch(np.ascontiguousarray(x[rows]), 1, params={"checks": -1})
    return idx[inverse, 0], dist[inverse, 0]


def lloyd(x: np.ndarray, pal: np.ndarray, fixed: int, steps: int,
          weight: np.ndarray | None = None,
          distinct: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, float, float]:
    """``steps`` k-means steps of ``pal`` (weighted space, float32) over samples ``x`` counted by ``weight``
    (default 1 each); the first ``fixed`` rows stay.  ``distinct``: ``x``'s distinct rows (``_distinct_rows``
    of the samples), searched once each.

    Returns the new palette and the (weighted) mean squared error of the samples before and after.
    """
    weight = np.ones(len(x), np.float32) if weight is None else weight
    pal = pal.copy()
    k = len(pal)
    before = None
    for _ in range(steps):
        idx, err = _assign(x, pal, distinct)
        err = err * weight
        if before is None:
            before = float(err.mean())
        counts = np.bincount(idx, weights=weight, minlength=k).astype(np.float32)
        sums = np.stack([np.bincount(idx, weights=x[:, c] * weight, minlength=k) for c in range(3)], axis=1)
        used = counts > 0
        used[:fixed] = False
        pal[used] = (sums[used] / counts[used, None]).astype(np.float32)
        dead = np.flatnonzero(counts == 0)
        dead = dead[dead >= fixed]
        if dead.size:  # entries no pixel uses go to the samples fitted worst
            worst = np.argsort(err)[::-1][: dead.size]
            pal[dead[: worst.size]] = x[worst]
    return pal, before, float((_assign(x, pal, distinct)[1] * weight).mean())


def fit_shot(palette: np.ndarray, frames, fixed: int, steps: int, space: str = "rgb",
             budget: int = SHOT_SAMPLE) -> np.ndarray:
    """A shot's palette (uint8) after ``steps`` k-means steps in ``space`` over about ``budget`` pixels of its
    ``frames`` (an even grid shifted every frame, flat areas counting most, as per frame); the first ``fixed``
    entries (reserved colours) stay exactly, entries that meet are merged.  The median cut places entries by
    population in RGB: in XYB a hue the eye and SSIMULACRA2 tell apart (a pink bird against a blue sky) gets its own."""
    if steps <= 0 or len(palette) <= fixed + 1:
        return palette
    to, back = SPACES[space]
    per = max(1, budget // len(frames))
    parts, weights = [], []
    for k, frame in enumerate(frames):
        x8, w = _sample(frame, k, per)
        parts.append(x8)
        weights.append(w)
    x8 = np.concatenate(parts)
    x = np.ascontiguousarray(to(x8))
    pal, _, _ = lloyd(x, np.ascontiguousarray(to(palette)), fixed, steps, np.concatenate(weights), _distinct_rows(x8))
    out = back(pal)
    out[:fixed] = palette[:fixed]
    _, first = np.unique(out, axis=0, return_index=True)
    return out[np.sort(first)]


def refine_steps(quality: int) -> int:
    """Lloyd steps per frame for a ``--quality`` (more at the top of the scale)."""
    return REFINE_STEPS_TOP if quality >= TOP_QUALITY else REFINE_STEPS


class FramePalettes:
    """The palettes of one shot's frames, in order: ``next(frame)`` refines the last one onto ``frame``."""

    def __init__(self, shot_palette: np.ndarray, fixed: int = 0, steps: int = REFINE_STEPS,
                 budget: int = REFINE_SAMPLE, space: str = "rgb", reuse: float = REUSE_CHANGE,
                 adopt_min: float = ADOPT_MIN, shown_error: float = SHOWN_ERROR) -> None:
        self._reuse = reuse  # see REUSE_CHANGE (below 0: every frame is refined)
        self._shown_error = shown_error  # see SHOWN_ERROR
        self._adopt_min = adopt_min  # see ADOPT_MIN
        self._to, self._from = SPACES[space]  # the nearest-colour search's space (dither.Remapper's)
        self._pal = self._to(shot_palette)
        self._fixed = fixed
        self._steps = steps
        self._budget = budget
        self._k = 0
        self._thumb: np.ndarray | None = None  # of the frame the palette was last refined on
        self._out = shot_palette  # the palette in use (the shot's own object until a refinement is taken)

    def next(self, frame: np.ndarray, shown: np.ndarray | None = None) -> np.ndarray:
        """The ``(n, 3)`` uint8 palette for ``frame`` (RGB uint8): same size and order as the shot palette.

        The very object returned for the frame before when ``frame`` barely differs from it.
        """
        thumb = frame[::8, ::8].astype(np.int16)
        if self._thumb is not None and float(np.abs(thumb - self._thumb).mean()) <= self._reuse:
            return self._out
        self._thumb = thumb
        if len(self._pal) <= self._fixed + 1:
            return self._out
        x8, weight = _sample(frame, self._k, self._budget)
        x = np.ascontiguousarray(self._to(x8))
        if shown is not None and shown.shape == frame.shape[:2]:  # samples the screen shows well count less
            on = unpack_codes(shown[_grid(frame.shape, self._k, self._budget)])
            weight = weight * np.clip(((self._to(on) - x) ** 2).sum(axis=1) / self._shown_error, SHOWN_FLOOR, 1.0)
        self._k += 1
        pal, before, after = lloyd(x, self._pal, self._fixed, self._steps, weight, _distinct_rows(x8))
        if after < before * ADOPT_GAIN and before - after > self._adopt_min:
            self._pal = pal
            out = self._from(pal)
            out[: self._fixed] = self._out[: self._fixed]  # reserved colours exactly
            self._out = out
        return self._out
