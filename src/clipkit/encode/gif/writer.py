"""The GIF89a file format: header, colour tables, loop block, frames (LZW by Pillow's C encoder).

Written by hand (not through ``Image.save``) so each frame's rectangle,
transparent index, local palette and exact centisecond delay are what the
engine chose.  Every frame uses disposal 1 ("leave in place"), which is what
transparent "unchanged" pixels need.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

import numpy as np
from PIL import Image

from ...errors import OutputError

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
    """LZW-compressed image data in GIF sub-blocks (Pillow's encoder)."""
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
        fp.write(b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80 | 0x70 | (self.palette_bits - 1), 0, 0))
        fp.write(_table(palette, self.palette_bits))
        if loop is not None:
            fp.write(b"!\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", loop) + b"\0")

    def add(self, x: int, y: int, indices: np.ndarray, delay_cs: int, *, transparent_index: int | None = None,
            palette: np.ndarray | None = None) -> None:
        """One frame: ``indices`` placed at (x, y), shown for ``delay_cs`` centiseconds."""
        h, w = indices.shape
        flags = 0x04 | (1 if transparent_index is not None else 0)  # disposal 1: leave in place
        self.fp.write(b"!\xf9\x04" + struct.pack("<BHB", flags, max(0, delay_cs), transparent_index or 0) + b"\0")
        bits = self.palette_bits
        local = b""
        packed = 0
        if palette is not None:
            bits = _table_bits(len(palette))
            local = _table(palette, bits)
            packed = 0x80 | (bits - 1)
        self.fp.write(b"," + struct.pack("<HHHHB", x, y, w, h, packed) + local)
        code_bits = max(2, bits)
        self.fp.write(bytes([code_bits]) + _lzw(indices, code_bits) + b"\0")
        self.frames += 1

    def close(self) -> None:
        self.fp.write(b";")
