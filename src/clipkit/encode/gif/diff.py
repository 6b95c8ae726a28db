"""Between frames: what changed, the rectangle to write, and transparency for the rest.

The encoder tracks what the viewer sees (the *canvas*) and the source colours
each canvas pixel was written from (the *basis*).  A pixel is rewritten only
when the source moved more than ``tolerance`` (0–255 per channel) away from
its basis; every other pixel is written as the transparent index, which keeps
the canvas showing.  That stops dither shimmer on static areas and sensor
noise from being re-encoded every frame, and makes the unchanged part almost
free for LZW.  Only the bounding rectangle of rewritten pixels is stored; a
frame with nothing rewritten is merged into the one before.

Grain (film, sensor noise) makes the rewritten pixels a salt-and-pepper of
indices that LZW codes at nearly a byte each.  With ``runs``, a rewritten
pixel takes its left neighbour's colour when that is within ``runs`` of its
source, which turns noise into short runs along the rows (at most three
pixels: longer ones show as horizontal streaks in the grain).  A frame keeps these only
when its written pixels change index at most pairs of neighbours (noise) and
the runs remove one change in ten pairs: on grainy film they remove a third,
on clean footage 1–3 % (where they would cost more quality than they save
bytes), and a smooth gradient, which changes index seldom, is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .diffuse import diffuse_frame
from .dither import SPACES, unpack_codes
from .kernels import available as compiled
from .kernels import closer, paint

__all__ = ["Change", "Canvas"]

#: Side (pixels) of the blocks whose mean change is watched for slow drifts.
DRIFT_BLOCK = 8
#: A block is rewritten when its mean moved more than this share of the tolerance, kept within
#: DRIFT_MIN–DRIFT_MAX levels (more than ~2 levels of lag shows as streaks at any quality).
DRIFT_SHARE = 0.2
DRIFT_MIN = 1.0
DRIFT_MAX = 2.0
#: A run is at most 1 + RUN_JOINS pixels long: longer runs of one colour in grain show as horizontal
#: streaks (chaplin's lawn and pavement at 4×); 3-pixel runs keep grain's look (bench/README.md).
RUN_JOINS = 2
#: Runs are taken in a frame only when they remove at least this many index changes per pair of
#: adjacent written pixels along its rows.
RUNS_GAIN = 0.1
#: ... and only in a frame whose written pixels change index at this share of the pairs or more
#: (noise; measured: grainy film 0.83, clean animation 0.44–0.48, a smooth gradient 0.23).
RUNS_NOISY = 0.6


@dataclass(frozen=True)
class Change:
    """One frame to write: indices for the rectangle at (x, y), and whether it uses transparency."""

    x: int
    y: int
    indices: np.ndarray  # h×w uint8
    transparent: bool


def _packed(palette: np.ndarray) -> np.ndarray:
    p = palette.astype(np.int32)
    return (p[:, 0] << 16) | (p[:, 1] << 8) | p[:, 2]


def _max_abs_diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = cv2.absdiff(a, b)
    return np.maximum(np.maximum(d[..., 0], d[..., 1]), d[..., 2])


def _breaks(out: np.ndarray, write: np.ndarray) -> int:
    """How often the index changes between horizontally adjacent written pixels (what LZW pays for)."""
    both = write[:, 1:] & write[:, :-1]
    return int(np.count_nonzero((out[:, 1:] != out[:, :-1]) & both))


def _extend_runs(out: np.ndarray, source: np.ndarray, palette: np.ndarray, write: np.ndarray, limit: float) -> None:
    """Written pixels take their left neighbour's index when that colour is within ``limit`` of their
    source (each channel), in place: noise flattened along rows into runs LZW codes in fewer bytes.
    A run stops after RUN_JOINS joined pixels, so grain never turns into streaks."""
    h, w = out.shape
    if w < 2:
        return
    shown = [np.ascontiguousarray(palette[:, c], dtype=np.uint8).take(out) for c in range(3)]  # per channel
    src = cv2.split(np.ascontiguousarray(source))
    pairs = write[:, 1:] & write[:, :-1]  # column x's pixel and its left neighbour are both written
    # A pixel k joins after (run k - 1 at its left neighbour) shows the index of the pixel k to its left:
    # bit k - 1 of cond[:, x - 1] says that colour is within ``limit`` of the pixel's source (and both written).
    cond = np.zeros((h, w - 1), np.uint8)
    for k in range(1, min(RUN_JOINS, w - 1) + 1):
        d = [cv2.absdiff(shown[c][:, : w - k], src[c][:, k:]) for c in range(3)]
        ok = (np.maximum(np.maximum(d[0], d[1]), d[2]) <= limit) & pairs[:, k - 1:]
        cond[:, k - 1:] |= ok.view(np.uint8) << (k - 1)
    # run length after each pixel, column by column (each depends on the one before): run r < RUN_JOINS
    # and bit r set -> r + 1, else 0; kept shifted left by RUN_JOINS (two array operations a column).
    dtype = np.uint8 if (RUN_JOINS + 1) << RUN_JOINS <= 256 else np.uint16
    step = np.array([(r + 1 if r < RUN_JOINS and b >> r & 1 else 0) << RUN_JOINS
                     for r in range(RUN_JOINS + 1) for b in range(1 << RUN_JOINS)], dtype)
    cols = np.ascontiguousarray(cond.T, dtype=dtype)
    run = np.zeros((w, h), dtype)
    for x in range(1, w):
        step.take(run[x - 1] | cols[x - 1], out=run[x])
    run >>= RUN_JOINS
    xs, ys = np.nonzero(run)  # joined pixels take the index of the pixel ``run`` to their left (not joined)
    if xs.size:
        out[ys, xs] = out[ys, xs - run[xs, ys]]


def _closer(indices: np.ndarray, palette: np.ndarray, shown: np.ndarray, source: np.ndarray, write: np.ndarray,
            space) -> np.ndarray:
    """H×W bool: among ``write``, the pixels whose new colour (``palette[indices]``) is closer to ``source`` than the
    shown one (packed 0xRRGGBB), in the nearest-colour search's space (``space``: N×3 uint8 RGB -> N×3 float32
    coordinates)."""
    ys, xs = np.nonzero(write)
    s = space(source[ys, xs])
    dn = ((space(palette[indices[ys, xs]]) - s) ** 2).sum(axis=1)
    do = ((space(unpack_codes(shown[ys, xs])) - s) ** 2).sum(axis=1)
    out = np.zeros_like(write)
    take = dn < do
    out[ys[take], xs[take]] = True
    return out


class Canvas:
    """What has been shown so far; turns each new frame into a :class:`Change`."""

    def __init__(self, tolerance: float = 0.0, runs: float = 0.0, keep_closer: str | None = None,
                 diffuse: tuple | None = None) -> None:
        self.tolerance = float(tolerance)
        # None, or (space, level, clamp, refresh): each frame is error-diffused against what is shown
        # (diffuse.py), which also decides which pixels keep their shown colour (instead of ``keep_closer``)
        self.diffuse = diffuse
        # None, or the name of the nearest-colour search's space (dither.SPACES): a moved pixel is rewritten only
        # when its new colour is closer to the source than the one shown (an earlier palette's shade may fit better)
        self.keep_closer = keep_closer
        # the space the shown colours are tracked in (H×W×3 float32 coordinates, kept up to date as pixels are
        # written): the diffusion's, or the keep-closer test's where the compiled test runs (kernels.py)
        self._space = (diffuse[0] if diffuse is not None
                       else SPACES[keep_closer][0] if keep_closer is not None and compiled() and keep_closer != "rgb"
                       else None)
        self._pal_space: tuple | None = None  # (palette, its coordinates in ``_space``)
        self._shown_space: np.ndarray | None = None  # the shown colours' coordinates
        self.runs = float(runs)  # 0: off; else the limit of _extend_runs, used where it pays (noise)
        self.drift = min(DRIFT_MAX, max(DRIFT_MIN, self.tolerance * DRIFT_SHARE))
        self.shown: np.ndarray | None = None  # the colour the viewer sees, packed 0xRRGGBB
        self.basis: np.ndarray | None = None  # source RGB each shown pixel was made from
        self._packed_cache: tuple[int, np.ndarray] | None = None

    def snapshot(self) -> np.ndarray | None:
        """A copy of what the viewer sees (packed 0xRRGGBB), or None before the first frame."""
        return None if self.shown is None else self.shown.copy()

    def _pack(self, palette: np.ndarray) -> np.ndarray:
        if self._packed_cache is None or self._packed_cache[0] != id(palette):
            self._packed_cache = (id(palette), _packed(palette))
        return self._packed_cache[1]

    def _drifted(self, source: np.ndarray) -> np.ndarray:
        """Pixels of blocks whose mean colour moved by more than ``drift`` (H×W bool).

        Noise moves single pixels up and down and averages out over a block;
        a slow pan or a fade moves a whole block the same way.  Without this,
        a slow drift over a smooth area crosses ``tolerance`` at a different
        frame for each column of pixels, and the stale ones show as streaks.
        """
        h, w = source.shape[:2]
        b = DRIFT_BLOCK
        diff = cv2.subtract(source, self.basis, dtype=cv2.CV_32F)  # exact: integers in float32
        means = cv2.resize(diff, (-(-w // b), -(-h // b)), interpolation=cv2.INTER_AREA)
        blocks = np.abs(means).max(axis=2) > self.drift
        return np.repeat(np.repeat(blocks, b, axis=0), b, axis=1)[:h, :w]

    def _palette_space(self, palette: np.ndarray) -> np.ndarray:
        """The palette's coordinates in the tracked space, computed once a palette."""
        if self._pal_space is None or self._pal_space[0] is not palette:
            self._pal_space = (palette, np.ascontiguousarray(self._space(palette.astype(np.uint8))))
        return self._pal_space[1]

    def _diffused(self, source: np.ndarray, source_space: np.ndarray | None, nearest: np.ndarray,
                  palette: np.ndarray, moved: np.ndarray | None, fixed: np.ndarray | None) -> np.ndarray:
        """diffuse.py's choice for each pixel (-1: keep the shown colour), against the tracked shown colours."""
        space, level, clamp, refresh = self.diffuse
        h, w = source.shape[:2]
        if source_space is None:
            source_space = space(source.reshape(-1, 3)).reshape(h, w, 3)
        return diffuse_frame(source_space, nearest, self._palette_space(palette), self._shown_space, moved, level,
                             clamp, fixed, refresh)

    def update(self, source: np.ndarray, indices: np.ndarray, palette: np.ndarray, transparent_index: int,
               source_space: np.ndarray | None = None, fixed: np.ndarray | None = None) -> Change | None:
        """The change that shows ``indices`` (a remap of ``source``), or None if nothing would change.
        With diffusion: ``source_space``, ``source`` in its space if already computed (else computed here), and
        ``fixed``, pixels whose index in ``indices`` stays as it is (a caption's reserved colours, engine.py)."""
        if self.shown is None:
            if self.diffuse is not None:
                indices = self._diffused(source, source_space, indices, palette, None, fixed).astype(np.uint8)
            if self._space is not None:
                self._shown_space = self._palette_space(palette)[indices]
            self.shown, self.basis = np.take(self._pack(palette), indices), source.copy()
            return Change(0, 0, indices, False)
        moved = _max_abs_diff(source, self.basis) > self.tolerance
        if self.tolerance > 0:
            moved |= self._drifted(source)
        if self.diffuse is not None:
            chosen = self._diffused(source, source_space, indices, palette, moved, fixed)
            keep = chosen < 0
            indices = np.where(keep, 0, chosen).astype(np.uint8)
            new = np.take(self._pack(palette), indices)
            write = ~keep & (new != self.shown)
        else:
            new = np.take(self._pack(palette), indices)
            write = moved & (new != self.shown)
            if self.keep_closer is not None and write.any():
                if self._space is not None:  # compiled (kernels.py), against the tracked shown colours
                    closer(source, write, indices, self._palette_space(palette), self._shown_space, self.keep_closer)
                else:
                    write &= _closer(indices, palette, self.shown, source, write, SPACES[self.keep_closer][0])
        cv2.copyTo(source, moved.view(np.uint8), self.basis)  # basis := source where moved (in place)
        rows = np.flatnonzero(write.any(axis=1))
        if rows.size == 0:
            return None
        cols = np.flatnonzero(write.any(axis=0))
        y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        box = write[y0:y1, x0:x1]
        out = indices[y0:y1, x0:x1].copy()
        if self.runs > 0:
            pairs = max(1, int(np.count_nonzero(box[:, 1:] & box[:, :-1])))
            before = _breaks(out, box)
            if before >= RUNS_NOISY * pairs:  # noise: runs may pay (on clean footage they are not even tried)
                flat = out.copy()
                _extend_runs(flat, source[y0:y1, x0:x1], palette, box, self.runs)
                if before - _breaks(flat, box) >= RUNS_GAIN * pairs:
                    out = flat
                    new[y0:y1, x0:x1] = np.take(self._pack(palette), out)
        np.copyto(self.shown, new, where=write)
        if self._space is not None:  # what is now shown, in the tracked space (only tracked when compiled)
            paint(self._shown_space, write, x0, y0, out, self._palette_space(palette))
        transparent = not box.all()
        if transparent:
            out[~box] = transparent_index
        return Change(int(x0), int(y0), out, transparent)
