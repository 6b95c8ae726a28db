"""The GIF89a file format: header, colour tables, loop block, frames (LZW in C).

Written by hand (not through ``Image.save``) so each frame's rectangle,
transparent index, local palette and exact centisecond delay are what the
engine chose.  Every frame uses disposal 1 ("leave in place"), which is what
transparent "unchanged" pixels need.

The LZW is clipkit's own loop (``_kernels.lzw``, the same bytes as Pillow's
encoder) run on a thread of its own: it releases the GIL, so a frame is
compressed while the engine works out the next (Pillow's encoder holds the
GIL, 1.7–1.9 ms of the engine's thread a 540×304 frame).  Without the compiled
kernels, Pillow's encoder on the caller's thread.
"""

from __future__ import annotations

import struct
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO

import numpy as np
from PIL import Image

from ...errors import OutputError
from . import kernels

#: Frames compressed ahead of the file (each holds a copy of its indices until written).
_AHEAD = 8

__all__ = ["GifWriter"]


def _table_bits(n: int) -> int:
    bits = 1
    while (1 << bits) < n:
        bits += 1
    return bits


def _table(palette: np.ndarray, bits: int) -> bytes:
    data = palette.astype(np.uint8).tobytes()
    return data + b"\0" * (3 * (1 << bits) - len(data))


def _pillow_lzw_encoder(bits: int):
    """Pillow's C LZW encoder.  ``Image.core.gif_encoder`` is a private Pillow API (fast,
    and the only LZW in C at hand); tests/test_gif_writer.py decodes what it makes at
    every code size, so a Pillow release that changes it fails there, not in users' files."""
    try:
        return Image.core.gif_encoder("L", "L", bits, 0)
    except (AttributeError, TypeError, ValueError) as exc:
        import PIL

        raise OutputError(
            f"cannot write GIF frames: Pillow {PIL.__version__} changed its GIF encoder ({type(exc).__name__}: {exc})",
            "install a Pillow release clipkit supports (see pyproject.toml) and report this",
        ) from exc


def _lzw(indices: np.ndarray, bits: int) -> bytes:
    """LZW-compressed image data in GIF sub-blocks (the compiled loop, else Pillow's encoder)."""
    if kernels.available():
        return kernels.lzw(indices, bits)
    h, w = indices.shape
    im = Image.fromarray(np.ascontiguousarray(indices))
    enc = _pillow_lzw_encoder(max(2, bits))
    enc.setimage(im.im, (0, 0, w, h))
    parts = []
    while True:
        _, err, data = enc.encode(1 << 16)
        parts.append(data)
        if err:
            break
    if err < 0:  # pragma: no cover - Pillow failure
        raise RuntimeError(f"GIF encoder error {err}")
    return b"".join(parts)


class GifWriter:
    """Write an animated GIF frame by frame to a binary file object.

    ``loop``: None writes no loop block (plays once), 0 loops forever, N
    repeats N more times.  The palette given here is the global colour table;
    a frame may bring its own (local) palette.
    """

    def __init__(self, fp: BinaryIO, width: int, height: int, palette: np.ndarray, loop: int | None = 0) -> None:
        self.fp = fp
        self.palette_bits = _table_bits(len(palette))
        self.global_palette = palette
        self.frames = 0
        # frames whose LZW runs on the writer's thread, in file order: (header, data or its future)
        self._queue: deque[tuple[bytes, bytes | Future]] = deque()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="clipkit-lzw") if kernels.available() else None
        fp.write(b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80 | 0x70 | (self.palette_bits - 1), 0, 0))
        fp.write(_table(palette, self.palette_bits))
        if loop is not None:
            fp.write(b"!\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", loop) + b"\0")

    def add(self, x: int, y: int, indices: np.ndarray, delay_cs: int, *, transparent_index: int | None = None,
            palette: np.ndarray | None = None) -> None:
        """One frame: ``indices`` placed at (x, y), shown for ``delay_cs`` centiseconds (``indices`` may be
        changed by the caller once this returns)."""
        h, w = indices.shape
        flags = 0x04 | (1 if transparent_index is not None else 0)  # disposal 1: leave in place
        head = b"!\xf9\x04" + struct.pack("<BHB", flags, max(0, delay_cs), transparent_index or 0) + b"\0"
        bits = self.palette_bits
        local = b""
        packed = 0
        if palette is not None:
            bits = _table_bits(len(palette))
            local = _table(palette, bits)
            packed = 0x80 | (bits - 1)
        code_bits = max(2, bits)
        head += b"," + struct.pack("<HHHHB", x, y, w, h, packed) + local + bytes([code_bits])
        if self._pool is None:
            self._queue.append((head, _lzw(indices, code_bits)))
        else:  # a copy: the caller's array may change while the thread reads it
            self._queue.append((head, self._pool.submit(_lzw, np.array(indices, order="C"), code_bits)))
        self.frames += 1
        self._write(keep=_AHEAD)

    def _write(self, keep: int) -> None:
        """Write the frames in order whose data is ready, and wait for the oldest while more than ``keep`` are
        pending."""
        while self._queue:
            head, data = self._queue[0]
            if isinstance(data, Future):
                if len(self._queue) <= keep and not data.done():
                    return
                data = data.result()
            self.fp.write(head + data + b"\0")
            self._queue.popleft()

    def close(self) -> None:
        try:
            self._write(keep=0)
        finally:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
        self.fp.write(b";")
