"""The GIF engine: frames in, an optimised GIF out.

Stages, each in its own module: palette per scene (``palette``) → remap with
dithering (``dither``) → what changed since the last frame, as a rectangle
with transparency (``diff``) → exact centisecond delays (``timing``) → file
(``writer``).  Identical frames merge into one longer frame.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from ...progress import ProgressFn, report
from .diff import Canvas
from .dither import DITHER_METHODS, Remapper, dither_strength, remap
from .palette import build_palette, scene_spans
from .writer import GifWriter

__all__ = ["GifOptions", "GifResult", "encode_gif", "tolerance_for"]


#: Threads remapping frames ahead of the diff/LZW loop (numpy and Pillow release the GIL).
_WORKERS = 2


def tolerance_for(quality: int) -> float:
    """The per-channel change (0–255) below which a pixel is left as shown, for a quality 1–100.

    Scaled so a quality means about the perceptual level (SSIMULACRA2) of gifski's ``-Q`` of the
    same number on real footage (bench/README.md): 90 → 7 levels, 70 → 21, 100 → every change.
    """
    return max(0.0, (100 - quality) * 0.7)


@dataclass(frozen=True)
class GifOptions:
    colors: int = 256  # at most 256, the transparent slot included
    dither: str = "none"
    quality: int = 90  # 100: rewrite any changed pixel; lower: tolerate small changes (smaller file)
    loop: int | None = 0  # None: play once (no loop block); 0 forever; N more repeats
    reserve_colors: tuple[tuple[int, int, int], ...] = ()
    per_scene_palette: bool = True


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
    colors = max(2, min(256, options.colors)) - 1  # one slot is the transparent index
    spans = scene_spans(frames) if options.per_scene_palette else [(0, len(frames))]
    palettes = [build_palette(frames[a:b], colors, options.reserve_colors) for a, b in spans]
    main = max(range(len(spans)), key=lambda i: spans[i][1] - spans[i][0])
    reserved = np.array(options.reserve_colors, np.uint8).reshape(-1, 3)
    total = progress_total or len(frames)

    start = fp.tell() if fp.seekable() else 0
    writer = GifWriter(fp, w, h, _with_slot(palettes[main]), options.loop)
    canvas = Canvas(tolerance_for(options.quality))
    pending: list = []  # the last change, held until its delay is final
    written = 0

    def flush() -> None:
        nonlocal written
        if pending:
            change, delay, pal = pending
            writer.add(change.x, change.y, change.indices, delay,
                       transparent_index=len(pal) if change.transparent else None,
                       palette=None if pal is palettes[main] else _with_slot(pal))
            written += 1
            pending.clear()

    k = 0
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        for (a, b), palette in zip(spans, palettes):
            mapped = _remapped(pool, frames[a:b], palette, options.dither, reserved)
            for frame, indices in zip(frames[a:b], mapped):
                change = canvas.update(frame, indices, palette, len(palette))
                if change is None:
                    pending[1] += delays_cs[k]
                else:
                    flush()
                    pending.extend([change, delays_cs[k], palette])
                k += 1
                report(progress, progress_offset + k, total)
    flush()
    writer.close()
    size = (fp.tell() - start) if fp.seekable() else 0
    return GifResult(size, written, int(sum(delays_cs)), len(palettes))


def _remapped(pool: ThreadPoolExecutor, frames: Sequence[np.ndarray], palette: np.ndarray, dither: str,
              reserved: np.ndarray, ahead: int = 4) -> Iterator[np.ndarray]:
    """Palette indices of each frame, in order, computed a few frames ahead on ``pool``.

    Remapping is independent per frame and numpy releases the GIL, so the
    pool's thread maps the next frames while the caller diffs and compresses.
    """
    remapper = Remapper(palette)
    strength = dither_strength(palette)

    def job(frame: np.ndarray) -> np.ndarray:
        indices = remap(frame, palette, dither, strength, remapper)
        if len(reserved):
            _force_reserved(frame, indices, palette, reserved)
        return indices

    queue: deque[Future] = deque()
    try:
        for frame in frames:
            queue.append(pool.submit(job, frame))
            if len(queue) > ahead:
                yield queue.popleft().result()
        while queue:
            yield queue.popleft().result()
    finally:
        for fut in queue:
            fut.cancel()


def _with_slot(palette: np.ndarray) -> np.ndarray:
    """The palette plus one entry for the transparent index (never shown)."""
    return np.concatenate([palette, palette[:1]])


def _force_reserved(frame: np.ndarray, indices: np.ndarray, palette: np.ndarray, reserved: np.ndarray) -> None:
    """Pixels exactly of a reserved colour get that colour's own index (no dither on captions)."""
    for rgb in reserved:
        where = np.flatnonzero((palette == rgb).all(axis=1))
        if where.size:
            mask = (frame == rgb).all(axis=2)
            indices[mask] = where[0]
