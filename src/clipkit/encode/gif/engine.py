"""The GIF engine: frames in, an optimised GIF out.

Stages, each in its own module: palette per scene (``palette``), refined on
each frame into that frame's local colour table (``refine``) → remap with
dithering (``dither``) → what changed since the last frame, as a rectangle
with transparency (``diff``) → exact centisecond delays (``timing``) → file
(``writer``).  Identical frames merge into one longer frame.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO

import cv2
import numpy as np

from ...progress import ProgressFn, report
from .diff import Canvas
from .diffuse import available as diffusion_built
from .denoise import Denoised
from .dither import DITHER_METHODS, GRADIENT_FLAT, SPACES, Remapper, dither_strength, remap
from .grey import grey_level, grey_palette, is_grey
from .palette import build_palette, scene_spans, still_share, with_outliers
from .quality import DIFFUSE_CLAMP, quality_level, tolerance_for
from .refine import ADOPT_MIN, REUSE_CHANGE, SHOWN_ERROR, FramePalettes, fit_shot, refine_steps
from .writer import GifWriter

__all__ = ["GifOptions", "GifResult", "encode_gif", "tolerance_for"]


#: The colour step (share of the tolerance) a noisy frame's pixel may take to join its left neighbour's run.
RUNS_SHARE = 0.5
#: ... and never more than this many levels: a wider step joins nearly every grain pixel into a run.
RUNS_MAX = 4.0

#: A shot opens with a key frame of its own full palette (levels with ``key_frame``) when this share of its first
#: frame's picture stays on screen (palette.still_share): the bird (0.56) yes, the handheld tilt (0.32) and the
#: slow pan (0.24) no, where the camera soon replaces what the key frame showed and its bytes buy little.
KEY_STILL = 0.45
#: ... and when the shot is at least this many frames long: a short shot's key frame is paid by few frames
#: (fire2's five shots of 4–9 frames: q50 810 KB, S2 37.2 without, 848 KB, 37.8 with keys on two of them).
KEY_MIN_FRAMES = 16
#: Pixels of the key frame its palette's median cut runs on (all 130 000 of a 480×270 frame: 1.4 CPU-s in
#: Pillow's k-means, 20 000: 0.2 s, the same S2 within 0.5).
KEY_SAMPLE = 20_000

#: Threads remapping frames ahead of the diff/LZW loop (numpy and Pillow release the GIL).
_WORKERS = 2


@dataclass(frozen=True)
class GifOptions:
    colors: int = 256  # at most 256, the transparent slot included
    dither: str = "none"
    quality: int = 90  # 100: rewrite any changed pixel; lower: tolerate small changes (smaller file)
    loop: int | None = 0  # None: play once (no loop block); 0 forever; N more repeats
    reserve_colors: tuple[tuple[int, int, int], ...] = ()
    per_scene_palette: bool = True
    # Noisy frames: a written pixel takes its left neighbour's colour when within this (0–255) of its
    # source (diff.py; None: RUNS_SHARE of the quality's tolerance, 0: off).
    runs: float | None = None
    frame_palettes: bool = True  # each frame its own (local) palette: the shot's refined on the frame (refine.py)


@dataclass(frozen=True)
class GifResult:
    bytes: int
    frames_written: int  # after identical frames merged
    duration_cs: int
    palettes: int  # how many distinct palettes were used


def encode_gif(frames: Sequence[np.ndarray], delays_cs: Sequence[int], fp: BinaryIO, options: GifOptions = GifOptions(),
               progress: ProgressFn | None = None, progress_offset: int = 0, progress_total: int | None = None) -> GifResult:
    """Encode ``frames`` (RGB uint8, all one size) shown for ``delays_cs`` into ``fp``."""
    if not frames:
        raise ValueError("no frames to encode")
    if options.dither not in DITHER_METHODS:
        raise ValueError(f"dither must be one of {DITHER_METHODS}")
    if len(frames) != len(delays_cs):
        raise ValueError("one delay per frame")
    h, w = frames[0].shape[:2]
    total = progress_total or len(frames)

    def still_wanted() -> None:
        """Before the first frame is written nothing counts as progress (the palettes: seconds for a long GIF),
        but a cancel is honoured between the steps."""
        report(progress, progress_offset, total)

    fixed = len({tuple(r) for r in options.reserve_colors})  # palette entries the refinement keeps (captions)
    # what --quality sets: quality.py's ladder, or grey.py's fewer grey levels for a black-and-white source
    grey = is_grey(frames)
    level = (grey_level if grey else quality_level)(options.quality, fixed)
    colors = max(2, min(256, options.colors, level.colors)) - 1  # one slot is the transparent index
    spans = scene_spans(frames, check=still_wanted) if options.per_scene_palette else [(0, len(frames))]
    extra = min(level.outliers, colors // 2)  # entries for the colours the palette fits worst (small palettes)

    # a grey source's low qualities dither its flat areas and take its grain out of time (grey.py), unless
    # --dither asks otherwise
    dither = "gradient" if level.pattern_flat and options.dither == "none" else options.dither
    flat = level.pattern_flat or GRADIENT_FLAT
    denoise = level.denoise if options.dither == "none" else 0.0
    # a dithered pixel is farther from its source than the nearest colour by design: no keep-closer test there
    closer = level.space if level.keep_closer and dither == "none" else None

    def shot_palette(span: tuple[int, int]) -> tuple[np.ndarray, np.ndarray | None]:
        """The shot's palette, and its first frame's own (key) palette or None."""
        a, b = span
        still_wanted()  # (on the pool's threads: a cancel's exception ends the map, the shots not begun skip)
        if grey:  # evenly spaced grey levels (grey.py), the same for every shot
            return grey_palette(colors, options.reserve_colors), None
        shot = fit_shot(build_palette(frames[a:b], colors - extra, options.reserve_colors, check=still_wanted),
                        frames[a:b], fixed, level.shot_steps, level.space)
        key = None
        # the later frames keep the key frame's colours only through the keep-closer test
        if level.key_frame and closer is not None and b - a >= KEY_MIN_FRAMES and still_share(frames[a:b]) >= KEY_STILL:
            key = fit_shot(build_palette(frames[a:a + 1], max(2, min(256, options.colors)) - 1, options.reserve_colors,
                                         KEY_SAMPLE), frames[a:a + 1], fixed, level.shot_steps, level.space)
        return with_outliers(shot, frames[a:b], extra), key

    # Pillow's median cut + k-means releases the GIL: the shots' palettes are built side by side (the same
    # palettes, in order; fire2's five shots: 2.4 s of the command's CPU, now on both cores)
    if len(spans) > 1:
        with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
            palettes, keys = zip(*pool.map(shot_palette, spans))
    else:
        palettes, keys = zip(shot_palette(spans[0]))
    still_wanted()
    main = max(range(len(spans)), key=lambda i: spans[i][1] - spans[i][0])
    reserved = np.array(options.reserve_colors, np.uint8).reshape(-1, 3)

    start = fp.tell() if fp.seekable() else 0
    writer = GifWriter(fp, w, h, _with_slot(palettes[main]), options.loop)
    tolerance = level.tolerance
    runs = min(RUNS_MAX, tolerance * RUNS_SHARE) if options.runs is None else options.runs
    # the top quality diffuses each frame's error against the screen (diffuse.py), unless --dither asks otherwise
    # (or the compiled loop was not built: the pipeline notes it)
    diffuse = ((SPACES[level.space][0], level.diffuse, DIFFUSE_CLAMP, level.refresh)
               if level.diffuse and options.dither == "none" and diffusion_built() else None)
    canvas = Canvas(tolerance, runs=runs, keep_closer=closer, diffuse=diffuse)
    prepare = None if diffuse is None else partial(_coordinates, diffuse[0])  # run on the remap threads
    pending: list = []  # the last change, held until its delay is final
    written = 0

    def flush() -> None:
        nonlocal written
        if pending:
            change, delay, pal = pending
            if pal is palettes[main]:
                writer.add(change.x, change.y, change.indices, delay,
                           transparent_index=len(pal) if change.transparent else None)
            else:
                indices, table, slot = _compact(change.indices, pal, change.transparent)
                writer.add(change.x, change.y, indices, delay, transparent_index=slot, palette=table)
            written += 1
            pending.clear()

    k = 0
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        for (a, b), palette, key in zip(spans, palettes, keys):
            chain = (FramePalettes(palette, fixed, refine_steps(options.quality), space=level.space,
                                   reuse=-1.0 if level.refine_still and closer is not None else REUSE_CHANGE,
                                   adopt_min=0.0 if level.adopt_any else ADOPT_MIN,
                                   shown_error=(level.shown_error if diffuse is not None else None) or SHOWN_ERROR)
                     if options.frame_palettes and level.frame_palettes else None)
            shot = Denoised(frames[a:b], denoise) if denoise else frames[a:b]
            remapped = _remapped(pool, shot, palette, dither, reserved, chain, space=level.space,
                                 shown=canvas.snapshot if level.canvas_weights and closer is not None else None,
                                 key=key, prepare=prepare, flat=flat)
            for frame, (indices, pal, prepared) in zip(shot, remapped):
                change = canvas.update(frame, indices, pal, len(pal), *(prepared or ()))
                if change is None:
                    pending[1] += delays_cs[k]
                else:
                    flush()
                    pending.extend([change, delays_cs[k], pal])
                k += 1
                report(progress, progress_offset + k, total)
    flush()
    writer.close()
    size = (fp.tell() - start) if fp.seekable() else 0
    return GifResult(size, written, int(sum(delays_cs)), len(palettes))


def _remapped(pool: ThreadPoolExecutor, frames: Sequence[np.ndarray], palette: np.ndarray, dither: str,
              reserved: np.ndarray, chain: FramePalettes | None = None,
              ahead: int = 4, space: str = "rgb",
              shown: Callable[[], np.ndarray | None] | None = None,
              key: np.ndarray | None = None,
              prepare: Callable[[np.ndarray], np.ndarray] | None = None,
              flat: float = GRADIENT_FLAT
              ) -> Iterator[tuple[np.ndarray, np.ndarray, tuple | None]]:
    """(palette indices, palette, and with ``prepare`` (``prepare(frame)``, the pixels of reserved colours or None),
    else None) of each frame, in order, computed a few frames ahead on ``pool``.

    Remapping is independent per frame and numpy releases the GIL, so the
    pool's threads map the next frames while the caller diffs and compresses.
    With ``chain``, each frame's palette is the previous one refined on it:
    those steps run one frame after another (each job waits for the one
    before), the remaps with them in parallel.  With ``key``, the first frame
    is mapped onto that palette of its own instead (without ``chain``).
    """
    def pattern_strength(pal: np.ndarray) -> float:  # only the ordered pattern uses it (O(n²) in the palette's size)
        return dither_strength(pal) if dither == "ordered" else 0.0

    shared = (palette, Remapper(palette, space), pattern_strength(palette)) if chain is None else None
    tables: dict[int, tuple[np.ndarray, Remapper, float]] = {}  # the last palettes' lookups (a static shot reuses one)
    lock = threading.Lock()

    def job(frame: np.ndarray, before: threading.Event | None, done: threading.Event | None,
            on_screen: np.ndarray | None = None, own: np.ndarray | None = None):
        if own is not None:
            pal, remapper, strength = own, Remapper(own, space), pattern_strength(own)
        elif chain is None:
            pal, remapper, strength = shared
        else:
            if before is not None:
                before.wait()
            try:
                pal = chain.next(frame, on_screen)
            finally:
                done.set()
            with lock:
                hit = tables.get(id(pal))
                if hit is None or hit[0] is not pal:
                    hit = (pal, Remapper(pal, space), pattern_strength(pal))
                    if len(tables) > 1:  # only the newest palettes recur (each table: page faults)
                        tables.pop(next(iter(tables)))
                    tables[id(pal)] = hit
            _, remapper, strength = hit
        indices = remap(frame, pal, dither, strength, remapper, flat=flat)
        fixed = _force_reserved(frame, indices, pal, reserved) if len(reserved) else None
        return indices, pal, (prepare(frame), fixed) if prepare is not None else None

    queue: deque[Future] = deque()
    last: threading.Event | None = None
    try:
        for k, frame in enumerate(frames):
            done = threading.Event() if chain is not None else None
            # what the viewer sees when the job is handed out (the frames ``ahead`` + 1 before: always the
            # same, the consumer has taken exactly those), for the palette to serve what is shown badly
            queue.append(pool.submit(job, frame, last, done, shown() if shown is not None else None,
                                     key if k == 0 and chain is None else None))
            last = done
            if len(queue) > ahead:
                yield queue.popleft().result()
        while queue:
            yield queue.popleft().result()
    finally:
        for fut in queue:
            fut.cancel()


def _compact(indices: np.ndarray, palette: np.ndarray, transparent: bool) -> tuple[np.ndarray, np.ndarray, int | None]:
    """A frame's local colour table cut to the entries its pixels use, the indices renumbered.

    A frame showing 40 colours gets a 64-entry table: 6-bit LZW codes instead
    of 8, and 192 bytes of table instead of 768.  (OpenCV's histogram and table
    lookup on the uint8 indices: 1.2 -> 0.4 ms a 540×304 frame against numpy's
    bincount, which widens every index to 64 bits first.)
    """
    n = len(palette)
    indices = np.ascontiguousarray(indices)
    used = cv2.calcHist([indices], [0], None, [256], [0, 256]).reshape(-1)[:n] > 0
    order = np.flatnonzero(used)
    lookup = np.zeros(256, np.uint8)
    lookup[order] = np.arange(order.size, dtype=np.uint8)
    slot = None
    if transparent:
        slot = order.size
        lookup[n] = slot
    table = palette[order] if order.size else palette[:1]
    if transparent:
        table = np.concatenate([table, table[:1]])
    return cv2.LUT(indices, lookup), table, slot


def _coordinates(space: Callable[[np.ndarray], np.ndarray], frame: np.ndarray) -> np.ndarray:
    """H×W×3 float32: a frame's pixels in a search space (dither.SPACES)."""
    return space(frame.reshape(-1, 3)).reshape(frame.shape)


def _with_slot(palette: np.ndarray) -> np.ndarray:
    """The palette plus one entry for the transparent index (never shown)."""
    return np.concatenate([palette, palette[:1]])


def _force_reserved(frame: np.ndarray, indices: np.ndarray, palette: np.ndarray,
                    reserved: np.ndarray) -> np.ndarray | None:
    """Pixels exactly of a reserved colour get that colour's own index (no dither on captions); returns where
    (H×W bool, None if nowhere: the diffusion leaves those pixels as they are, diff.Canvas)."""
    fixed = None
    for rgb in reserved:
        where = np.flatnonzero((palette == rgb).all(axis=1))
        if where.size:
            mask = (frame == rgb).all(axis=2)
            indices[mask] = where[0]
            fixed = mask if fixed is None else fixed | mask
    return fixed
