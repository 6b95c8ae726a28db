"""The GIF engine's compiled loops (``_kernels.c``, built by setup.py), and their Python entry points.

The extension is optional (no C compiler at install: the package installs without it).  Without it
``diffuse.py``'s error diffusion is not available (``--quality 100`` maps to the nearest colour, with a note) and
:func:`closer`, :func:`nearest` and :func:`assign` are done in numpy and OpenCV by ``diff.py``, ``dither.py`` and
``refine.py`` (the same answers but for float ties, slower), and :func:`lzw` by Pillow's encoder in ``writer.py``
(the same bytes, holding the GIL).
"""

from __future__ import annotations

import numpy as np

__all__ = ["assign", "available", "closer", "lib", "lzw", "nearest", "paint", "sorted_by_luma"]

try:  # built by setup.py; optional (see available())
    from . import _kernels as lib
except ImportError:  # pragma: no cover - depends on how the package was installed
    lib = None


def available() -> bool:
    """Whether the compiled loops were built (setup.py builds them wherever a C compiler is found)."""
    return lib is not None


def closer(source: np.ndarray, write: np.ndarray, indices: np.ndarray, palette_space: np.ndarray,
           shown_space: np.ndarray, space: str) -> int:
    """diff.py's keep-closer test, in place: ``write`` (H×W bool) stays True only where the palette colour of
    ``indices`` is nearer ``source`` (H×W×3 uint8 RGB) than what is shown, in the search space ``space`` (an XYB
    space of dither.SPACES): ``palette_space`` (N×3) and ``shown_space`` (H×W×3) are float32 coordinates in it.
    Returns how many pixels stay written."""
    h, w = write.shape
    if not (source.shape == (h, w, 3) and source.dtype == np.uint8 and indices.shape == (h, w)
            and indices.dtype == np.uint8 and write.dtype == np.bool_ and shown_space.shape == (h, w, 3)
            and shown_space.dtype == palette_space.dtype == np.float32 and write.flags.c_contiguous):
        raise ValueError("closer: H×W×3 uint8 source, H×W uint8 indices and bool mask, float32 coordinates")
    from .dither import xyb_parameters

    lin, matrix, scales, bias = xyb_parameters(space)
    return lib.closer(np.ascontiguousarray(source), write.view(np.uint8), np.ascontiguousarray(indices),
                      np.ascontiguousarray(palette_space), len(palette_space), np.ascontiguousarray(shown_space),
                      lin, matrix, scales, bias, h * w)


def paint(shown_space: np.ndarray, write: np.ndarray, x: int, y: int, indices: np.ndarray,
          palette_space: np.ndarray) -> None:
    """``shown_space`` (H×W×3 float32) := ``palette_space[indices]`` where ``write`` (H×W bool) is set within the
    box of ``indices`` (h×w uint8) placed at (``x``, ``y``)."""
    h, w = write.shape
    bh, bw = indices.shape
    if not (shown_space.shape == (h, w, 3) and shown_space.dtype == palette_space.dtype == np.float32
            and shown_space.flags.c_contiguous and indices.dtype == np.uint8 and write.dtype == np.bool_):
        raise ValueError("paint: H×W×3 float32 coordinates, a bool mask and uint8 indices")
    lib.paint(np.ascontiguousarray(write).view(np.uint8), w, np.ascontiguousarray(indices), x, y, bw, bh,
              np.ascontiguousarray(palette_space), len(palette_space), shown_space)


def sorted_by_luma(palette_space: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The palette's entries by channel 1 (int32: the searches' order, luma in XYB) and their channel 1 in that
    order (the diffusion's, the colour search's and the k-means steps' search)."""
    order = np.argsort(palette_space[:, 1], kind="stable").astype(np.int32)
    return order, np.ascontiguousarray(palette_space[order, 1])


def assign(points: np.ndarray, palette_space: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The nearest entry (intp) of each of ``points`` (N×3 float32) among ``palette_space`` (K×3 float32, the same
    space) and the squared distance to it (float32), exactly (refine.py's k-means steps)."""
    if not (points.dtype == palette_space.dtype == np.float32 and points.ndim == 2 and points.shape[1] == 3
            and len(palette_space) > 0):
        raise ValueError("assign: N×3 float32 points and a non-empty K×3 float32 palette")
    order, ys = sorted_by_luma(palette_space)
    idx = np.empty(len(points), np.int32)
    dist = np.empty(len(points), np.float32)
    lib.assign(np.ascontiguousarray(points), len(points), np.ascontiguousarray(palette_space), order, ys,
               len(palette_space), idx, dist)
    return idx.astype(np.intp), dist


def nearest(codes: np.ndarray, palette_space: np.ndarray, space: str) -> np.ndarray:
    """The exact nearest entry (uint8) of each colour of ``codes`` (0xRRGGBB, uint32) among ``palette_space``
    (N×3 float32 coordinates in ``space``, a name of dither.SPACES), searched along the palette sorted by its
    channel 1 (luma in XYB, green in weighted RGB) from the colour's own channel-1 value."""
    from .dither import CHANNEL_SCALE, xyb_parameters

    n = len(palette_space)
    if not (codes.dtype == np.uint32 and palette_space.dtype == np.float32 and 0 < n <= 256):
        raise ValueError("nearest: uint32 colour codes and 1–256 float32 palette coordinates")
    order, ys = sorted_by_luma(palette_space)
    xyb = space != "rgb"
    lin, matrix, scales, bias = xyb_parameters(space if xyb else "xyb")
    out = np.empty(codes.size, np.uint8)
    lib.nearest(np.ascontiguousarray(codes), codes.size, np.ascontiguousarray(palette_space), order, ys, n, xyb, lin,
                matrix, scales, bias, CHANNEL_SCALE, out)
    return out


def lzw(indices: np.ndarray, bits: int) -> bytes:
    """A frame's GIF LZW data: ``indices`` (uint8, each below 2 ** ``bits``) coded from ``bits`` (2–8) + 1 bits, in
    sub-blocks of at most 255 bytes, without the code-size byte and the block terminator (writer.py adds them).
    Releases the GIL while it runs."""
    if indices.dtype != np.uint8:
        raise ValueError("lzw: uint8 indices")
    return lib.lzw(np.ascontiguousarray(indices), bits)
