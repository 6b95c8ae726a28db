"""Mapping RGB frames onto a palette: no dithering, ordered (Bayer) or error diffusion.

No dithering is the default (``GifSettings.dither = "none"``: the smallest
files and the best SSIM in ``bench/``).  Ordered dithering's pattern is fixed
to the pixel grid, so a static area maps to the same indices in every frame
(no shimmer, long LZW runs) and the eye averages the pattern away: the choice
for few ``--colors``.  Error diffusion (Floyd–Steinberg,
Pillow's C code) is smoother on gradients but its pattern moves with any
change, which costs size.  The nearest-colour search itself is Pillow's (C).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

__all__ = ["DITHER_METHODS", "Remapper", "remap", "dither_strength"]

DITHER_METHODS = ("none", "ordered", "diffusion")


def _bayer(n: int) -> np.ndarray:
    m = np.array([[0, 2], [3, 1]])
    while m.shape[0] < n:
        m = np.block([[4 * m, 4 * m + 2], [4 * m + 3, 4 * m + 1]])
    return (m + 0.5) / m.size - 0.5  # centred thresholds in (-0.5, 0.5)


_BAYER8 = _bayer(8).astype(np.float32)


def _palette_image(palette: np.ndarray) -> Image.Image:
    img = Image.new("P", (1, 1))
    flat = palette.astype(np.uint8).reshape(-1).tolist()
    # Pad with copies of the first colour (not black) so padding never wins a lookup.
    flat += flat[:3] * (256 - len(palette))
    img.putpalette(flat)
    return img


def dither_strength(palette: np.ndarray) -> float:
    """The amplitude of the ordered pattern: about the typical gap between neighbouring palette colours."""
    p = palette.astype(np.float32)
    if len(p) < 2:
        return 0.0
    d = np.abs(p[:, None, :] - p[None, :, :]).sum(axis=2)
    np.fill_diagonal(d, np.inf)
    return float(np.median(d.min(axis=1))) / 2


class Remapper:
    """Nearest palette colour for every pixel, through a lookup table filled on demand.

    The table has one entry per 6-bit RGB cell (2^18); only cells that occur
    in the frames are computed (numpy, a few thousand at a time), so mapping a
    frame is one table gather.  Distances weight green over red over blue.
    """

    _WEIGHTS = np.array([3.0, 4.0, 2.0], np.float32)

    def __init__(self, palette: np.ndarray) -> None:
        self.palette = palette.astype(np.uint8)
        self._pal = palette.astype(np.float32) * np.sqrt(self._WEIGHTS)
        self.lut = np.full(1 << 18, -1, np.int16)
        self._tiles: dict = {}

    def _fill(self, cells: np.ndarray) -> None:
        centres = np.stack([(cells >> 12) & 63, (cells >> 6) & 63, cells & 63], axis=1).astype(np.float32) * 4 + 1.5
        centres *= np.sqrt(self._WEIGHTS)
        for i in range(0, len(cells), 4096):
            c = centres[i:i + 4096]
            d = (c * c).sum(1)[:, None] - 2 * c @ self._pal.T + (self._pal * self._pal).sum(1)[None, :]
            self.lut[cells[i:i + 4096]] = d.argmin(axis=1)

    def nearest(self, rgb: np.ndarray) -> np.ndarray:
        """Indices (H×W uint8) of the nearest palette colour of each pixel."""
        c = rgb >> 2
        codes = (c[..., 0].astype(np.int32) << 12) | (c[..., 1].astype(np.int32) << 6) | c[..., 2]
        idx = self.lut[codes]
        missing = idx < 0
        if missing.any():
            self._fill(np.unique(codes[missing]))
            idx = self.lut[codes]
        return idx.astype(np.uint8)

    def ordered(self, rgb: np.ndarray, amplitude: float) -> np.ndarray:
        """Nearest colours after adding an 8×8 Bayer pattern of ``amplitude`` (fixed to the pixel grid)."""
        h, w = rgb.shape[:2]
        key = (h, w, round(amplitude, 3))
        tile = self._tiles.get(key)
        if tile is None:
            tile = np.rint(np.tile(_BAYER8, (h // 8 + 1, w // 8 + 1))[:h, :w, None] * amplitude).astype(np.int16)
            self._tiles = {key: tile}
        return self.nearest(np.clip(rgb.astype(np.int16) + tile, 0, 255).astype(np.uint8))


def remap(rgb: np.ndarray, palette: np.ndarray, method: str = "ordered", strength: float | None = None,
          remapper: Remapper | None = None) -> np.ndarray:
    """Indices (H×W uint8) into ``palette`` for the RGB frame ``rgb``."""
    remapper = remapper or Remapper(palette)
    if method == "ordered":
        amp = dither_strength(palette) if strength is None else strength
        return remapper.ordered(rgb, amp) if amp > 0 else remapper.nearest(rgb)
    if method == "none":
        return remapper.nearest(rgb)
    if method == "diffusion":  # Floyd–Steinberg in Pillow's C code
        out = Image.fromarray(np.ascontiguousarray(rgb)).quantize(palette=_palette_image(palette), dither=Image.Dither.FLOYDSTEINBERG)
        return np.minimum(np.asarray(out), len(palette) - 1)
    raise ValueError(f"dither must be one of {DITHER_METHODS}")
