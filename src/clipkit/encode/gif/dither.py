"""Mapping RGB frames onto a palette: no dithering, ordered (Bayer), gradient or error diffusion.

No dithering is the default (``GifSettings.dither = "none"``: the smallest
files and the best SSIM in ``bench/``).  Ordered dithering's pattern is fixed
to the pixel grid, so a static area maps to the same indices in every frame
(no shimmer, long LZW runs) and the eye averages the pattern away: the choice
for few ``--colors``.  Error diffusion (Floyd–Steinberg,
Pillow's C code) is smoother on gradients but its pattern moves with any
change, which costs size.  The nearest-colour search is exact (``Remapper``).

``gradient`` dithers only where a smooth area would band: a pixel whose
surroundings are flat (luma gradient below ``GRADIENT_FLAT``) takes, by the
same fixed 8×8 threshold pattern, the second-nearest colour on the far side
of its source in the share its error calls for (source exactly on a palette
colour: no dither), so a gradient's local mean follows the source instead
of stepping (what SSIMULACRA2 sees at its coarse scales), while texture and
edges keep their nearest colours (dithering them adds noise and bytes but
nothing the eye or the metric misses), and a static area keeps its indices.
"""

from __future__ import annotations

import functools
import threading
import weakref

import cv2
import numpy as np
from PIL import Image

from . import kernels

__all__ = ["DITHER_METHODS", "GRADIENT_FLAT", "CHANNEL_SCALE", "Remapper", "busyness", "colour_codes", "flat_areas",
           "remap", "dither_strength", "run_starts", "search_space", "unpack_codes", "xyb_space", "xyb_to_rgb", "SPACES",
           "XYB_LUMA_WEIGHTS", "xyb_luma_space", "xyb_luma_to_rgb", "xyb_parameters"]

#: ``gradient`` dithers pixels whose 5×5 mean luma gradient (|Sobel x| + |Sobel y|) is below this: flat areas.
GRADIENT_FLAT = 8.0

from ...settings import GIF_DITHERS as DITHER_METHODS  # noqa: E402 - declared once, in settings


def _bayer(n: int) -> np.ndarray:
    m = np.array([[0, 2], [3, 1]])
    while m.shape[0] < n:
        m = np.block([[4 * m, 4 * m + 2], [4 * m + 3, 4 * m + 1]])
    return (m + 0.5) / m.size - 0.5  # centred thresholds in (-0.5, 0.5)


_BAYER8 = _bayer(8).astype(np.float32)
#: Per-channel scale of the nearest-colour distance (R, G, B weighted 3 : 4 : 2 in the squared distance);
#: the palettes are refined in the same space (refine.py).
CHANNEL_SCALE = np.sqrt(np.array([3.0, 4.0, 2.0], np.float32))


def search_space(rgb: np.ndarray) -> np.ndarray:
    """N×3 float32: the coordinates of RGB colours (N×3 uint8) in the nearest-colour search's space."""
    return rgb.astype(np.float32) * CHANNEL_SCALE


# XYB, the perceptual colour space of JPEG XL (LMS cone responses of linear light, cube-root compressed, as
# opponent channels): the space the top qualities quantise in.  Constants from the JPEG XL specification.
_OPSIN = np.array([[0.30, 0.622, 0.078], [0.23, 0.692, 0.078],
                   [0.24342268924547819, 0.20476744424496821, 0.55180987]], np.float64)
_OPSIN_INV = np.linalg.inv(_OPSIN)
_BIAS = 0.0037930732552754493
_CBRT_BIAS = np.cbrt(_BIAS)
_V = np.arange(256) / 255.0
_LINEAR = np.where(_V <= 0.04045, _V / 12.92, ((_V + 0.055) / 1.055) ** 2.4)  # sRGB level -> linear light
#: X (red–green) weighed 14× against Y (luma) and B (blue–yellow, taken as B − Y), as SSIMULACRA2 and
#: butteraugli weigh the opponent channels; the whole space scaled so that one grey level at mid grey is as
#: far as in the weighted RGB space (3 + 4 + 2 = 9 squared), which keeps refine.py's thresholds meaningful.
_XYB_X = 14.0


_LINEAR32 = _LINEAR.astype(np.float32)
_OPSIN_BIAS32 = np.hstack([_OPSIN, np.full((3, 1), _BIAS)]).astype(np.float32)  # cv2.transform: M · rgb + bias


def _xyb_unscaled(rgb: np.ndarray) -> np.ndarray:
    """N×3 float32 (OpenCV's table lookup and 3×4 transform: ~7 ms for 130 000 colours; numpy's N×3 @ 3×3
    product alone took 30)."""
    lms = cv2.transform(cv2.LUT(np.ascontiguousarray(rgb).reshape(-1, 1, 3), _LINEAR32), _OPSIN_BIAS32)
    c = np.cbrt(lms).reshape(-1, 3)
    c -= np.float32(_CBRT_BIAS)
    out = np.empty_like(c)
    np.add(c[:, 0], c[:, 1], out=out[:, 1])
    out[:, 1] *= 0.5
    np.subtract(c[:, 0], c[:, 1], out=out[:, 0])
    out[:, 0] *= 0.5 * _XYB_X
    np.subtract(c[:, 2], out[:, 1], out=out[:, 2])
    return out


#: The whole space's scale (see _XYB_X): one grey level at mid grey is 3 apart, as in weighted RGB.
_XYB_SCALE = 3.0 / float(np.linalg.norm(_xyb_unscaled(np.array([[129, 129, 129]], np.uint8))
                                        - _xyb_unscaled(np.array([[128, 128, 128]], np.uint8))))


def xyb_space(rgb: np.ndarray) -> np.ndarray:
    """N×3 float32: RGB colours (N×3 uint8) in the scaled XYB space (the top qualities' nearest-colour space)."""
    out = _xyb_unscaled(rgb)
    out *= np.float32(_XYB_SCALE)
    return out


def xyb_to_rgb(p: np.ndarray) -> np.ndarray:
    """N×3 uint8: the sRGB colours nearest the points ``p`` of :func:`xyb_space` (clipped to the gamut)."""
    q = np.asarray(p, np.float64) / _XYB_SCALE
    y = q[:, 1]
    x = q[:, 0] / _XYB_X
    c = np.stack([y + x, y - x, q[:, 2] + y], axis=1) + _CBRT_BIAS
    lin = np.clip((c ** 3 - _BIAS) @ _OPSIN_INV.T, 0.0, 1.0)
    v = np.where(lin <= 0.0031308, lin * 12.92, 1.055 * lin ** (1 / 2.4) - 0.055)
    return np.clip(np.rint(v * 255), 0, 255).astype(np.uint8)


#: The scaled XYB space with X (red–green), Y (luma) and B (blue–yellow) weighed this much: the top qualities'
#: space.  14× on X spends the palette on shades of hue a frame's smooth areas do not need; with X 0.25–0.5× a
#: single frame's converged palette scores SSIMULACRA2 +0.2 to +6 (bird, pan, fire2 frames; SSIM +.005).  In the
#: engine X 0.4× was best (0.3 / 0.5 and B 0.5–0.9× measured, bench/README.md, session 24).
XYB_LUMA_WEIGHTS = np.array([0.4, 1.0, 1.0], np.float32)


def xyb_luma_space(rgb: np.ndarray) -> np.ndarray:
    """N×3 float32: RGB colours (N×3 uint8) in :func:`xyb_space` with X (red–green) weighed less
    (``XYB_LUMA_WEIGHTS``; one grey level is as far as in ``xyb_space``)."""
    out = xyb_space(rgb)
    out *= XYB_LUMA_WEIGHTS
    return out


def xyb_luma_to_rgb(p: np.ndarray) -> np.ndarray:
    """N×3 uint8: the sRGB colours nearest the points ``p`` of :func:`xyb_luma_space`."""
    return xyb_to_rgb(np.asarray(p, np.float32) / XYB_LUMA_WEIGHTS)


@functools.cache
def xyb_parameters(space: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The arithmetic of an XYB space of SPACES, for compiled code (kernels.py): the sRGB level -> linear light
    table (256), the 3×4 cone-response matrix with its bias, the scales of X, Y and B as computed from the cone
    responses' cube roots c (X = (c0 − c1)·s0, Y = (c0 + c1)·s1, B = (c2 − (c0 + c1)/2)·s2), and cbrt(bias)."""
    weights = {"xyb": np.ones(3, np.float32), "xyb-luma": XYB_LUMA_WEIGHTS}[space]
    scales = np.array([0.5 * _XYB_X, 0.5, 1.0], np.float64) * _XYB_SCALE * weights
    return _LINEAR32, np.ascontiguousarray(_OPSIN_BIAS32), scales.astype(np.float32), float(_CBRT_BIAS)


#: The nearest-colour spaces by name: (RGB -> coordinates, coordinates -> RGB).
SPACES = {
    "rgb": (search_space, lambda p: np.clip(np.rint(np.asarray(p) / CHANNEL_SCALE), 0, 255).astype(np.uint8)),
    "xyb": (xyb_space, xyb_to_rgb),
    "xyb-luma": (xyb_luma_space, xyb_luma_to_rgb),
}


def busyness(rgb: np.ndarray) -> np.ndarray:
    """H×W uint8: the 5×5 mean of |Sobel x| + |Sobel y| of the luma (0 on flat areas, high on texture and edges)."""
    y = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    g = cv2.add(cv2.convertScaleAbs(cv2.Sobel(y, cv2.CV_16S, 1, 0)), cv2.convertScaleAbs(cv2.Sobel(y, cv2.CV_16S, 0, 1)))
    return cv2.blur(g, (5, 5))


def flat_areas(rgb: np.ndarray, limit: float = GRADIENT_FLAT) -> np.ndarray:
    """H×W bool: pixels in smooth surroundings (where quantisation bands rather than hides in texture)."""
    return busyness(rgb) < limit


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


#: Colour tables kept for reuse, of each dtype (16 MB of address space each at uint8, 32 at uint16; the
#: pages a clip touched stay mapped: a fresh table costs ~0.1 CPU-s of page faults when a frame fills it).
_SPARE_TABLES = 4
_spare: dict[type, list[np.ndarray]] = {np.uint8: [], np.uint16: []}
_spare_lock = threading.Lock()


def _table(entries: int) -> np.ndarray:
    """A zeroed 24-bit colour table for a palette of ``entries`` colours (index + 1: uint8 up to 255)."""
    dtype = np.uint8 if entries < 256 else np.uint16
    with _spare_lock:
        if _spare[dtype]:
            return _spare[dtype].pop()
    return np.zeros(1 << 24, dtype)


def _recycle(lut: np.ndarray, filled: list[np.ndarray]) -> None:
    """A dropped Remapper's table, its filled entries zeroed again, kept for the next palette (a clip with
    a palette per frame would otherwise fault in and zero fresh pages for every frame)."""
    spare = _spare[lut.dtype.type]
    with _spare_lock:
        if len(spare) >= _SPARE_TABLES:
            return
    for codes in filled:
        lut[codes] = 0
    with _spare_lock:
        spare.append(lut)


def run_starts(s: np.ndarray) -> np.ndarray:
    """For a sorted 1-D array: True where a value first appears (``np.unique`` hashes integers in numpy 2:
    sorting and comparing neighbours is about 6× faster here)."""
    first = np.empty(s.size, bool)
    first[:1] = True
    np.not_equal(s[1:], s[:-1], out=first[1:])
    return first


def _distinct(codes: np.ndarray) -> np.ndarray:
    """The distinct values of ``codes``, sorted."""
    s = np.sort(codes.reshape(-1))
    return s[run_starts(s)]


def colour_codes(rgb: np.ndarray) -> np.ndarray:
    """0xRRGGBB of each pixel of an H×W×3 uint8 image (H×W uint32): its bytes as B, G, R, A, read little-endian
    (one OpenCV pass instead of three casts, shifts and ors)."""
    bgra = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGRA)
    return bgra.view("<u4")[..., 0] & np.uint32(0xFFFFFF)


def unpack_codes(codes: np.ndarray) -> np.ndarray:
    """N×3 uint8 RGB of packed 0xRRGGBB colours (any integer array, flattened): the inverse of colour_codes."""
    codes = codes.reshape(-1)
    return np.stack([(codes >> 16) & 255, (codes >> 8) & 255, codes & 255], axis=1).astype(np.uint8)


class Remapper:
    """Exact nearest palette colour for every pixel, through a full 24-bit table filled on demand.

    The table has one entry per RGB colour (2^24, allocated zeroed, so the OS
    maps only the pages touched); only colours not seen before are searched,
    exactly (the compiled luma-sorted search of kernels.py, or without it a k-d
    tree over the palette: OpenCV's FLANN, single tree, unlimited checks), so
    mapping a frame is one table gather plus a search of its new colours.
    Distances weight green over red over blue.  (The earlier table keyed on 6
    bits per channel gave a third of the pixels of real footage another entry
    than the exact search, and collapsed a grey film's 256 levels to 64.)
    """

    def __init__(self, palette: np.ndarray, space: str = "rgb") -> None:
        self.palette = palette.astype(np.uint8)
        self._space_name = space
        self._space = SPACES[space][0]
        self._pal = np.ascontiguousarray(self._space(self.palette))
        self._index = None
        self.lut = _table(len(self.palette))  # palette index + 1; 0: not searched yet
        self._filled: list[np.ndarray] = []  # the codes searched, to clear the table for reuse
        weakref.finalize(self, _recycle, self.lut, self._filled)
        self._tiles: dict = {}

    def _tree(self):
        """The k-d tree over the palette (OpenCV's FLANN, single tree, unlimited checks: exact), made on first use
        (only without the compiled search)."""
        if self._index is None:
            self._index = cv2.flann_Index(self._pal, {"algorithm": 4, "leaf_max_size": 8})  # KDTREE_SINGLE
        return self._index

    def _fill(self, codes: np.ndarray) -> None:
        """Search the nearest entry of each colour in ``codes`` (0xRRGGBB), exactly."""
        if len(self._pal) == 1:
            self.lut[codes] = 1
            self._filled.append(codes)
            return
        if kernels.available():  # compiled: the colours' coordinates and a luma-sorted search, 3-4x faster
            found = kernels.nearest(codes.astype(np.uint32, copy=False), self._pal, self._space_name)
            self.lut[codes] = found.astype(self.lut.dtype) + 1  # 256 entries: the table is uint16
        else:
            rgb = self._space(unpack_codes(codes))
            idx, _ = self._tree().knnSearch(np.ascontiguousarray(rgb), 1, params={"checks": -1})
            self.lut[codes] = idx[:, 0] + 1
        self._filled.append(codes)

    def nearest(self, rgb: np.ndarray) -> np.ndarray:
        """Indices (H×W uint8) of the nearest palette colour of each pixel (exact)."""
        codes = colour_codes(rgb)
        if not self._filled and codes.size:  # a fresh table (a new palette's first frame): every colour is new
            self._fill(_distinct(codes))
            idx = self.lut[codes]
        else:
            idx = self.lut[codes]
            missing = idx == 0
            if missing.any():
                self._fill(_distinct(codes[missing]))
                idx = self.lut[codes]
        if idx.dtype == np.uint8:
            idx -= 1  # in place: the gather is a fresh array
            return idx
        return (idx - 1).astype(np.uint8)

    def ordered(self, rgb: np.ndarray, amplitude: float) -> np.ndarray:
        """Nearest colours after adding an 8×8 Bayer pattern of ``amplitude`` (fixed to the pixel grid)."""
        h, w = rgb.shape[:2]
        key = (h, w, round(amplitude, 3))
        tile = self._tiles.get(key)
        if tile is None:
            tile = np.rint(np.tile(_BAYER8, (h // 8 + 1, w // 8 + 1))[:h, :w, None] * amplitude).astype(np.int16)
            self._tiles = {key: tile}
        return self.nearest(np.clip(rgb.astype(np.int16) + tile, 0, 255).astype(np.uint8))

    def gradient(self, rgb: np.ndarray, flat: np.ndarray | None = None) -> np.ndarray:
        """Nearest colours, and in ``flat`` areas (default :func:`flat_areas`) a two-colour pattern between
        the nearest colour and the one nearest the source's mirror image through it, in the share of the
        source's position between the two (the 8×8 Bayer thresholds, fixed to the pixel grid)."""
        near = self.nearest(rgb)
        flat = flat_areas(rgb) if flat is None else flat
        if not flat.any():
            return near
        ys, xs = np.nonzero(flat)
        src = rgb[ys, xs].astype(np.float32)
        c1 = self.palette[near[ys, xs]].astype(np.float32)
        err = src - c1
        far = self.nearest(np.clip(np.rint(src + err), 0, 255).astype(np.uint8)[None])[0]
        # the source's position between the two colours, in the search's space
        a = self._space(self.palette[near[ys, xs]])
        step = self._space(self.palette[far]) - a
        den = (step * step).sum(axis=1)
        share = ((self._space(rgb[ys, xs]) - a) * step).sum(axis=1) / np.maximum(den, 1e-6)
        take = _BAYER8[ys % 8, xs % 8] + 0.5 < share  # thresholds in (0, 1); share 0 where far == near
        out = near.copy()
        out[ys[take], xs[take]] = far[take]
        return out


def remap(rgb: np.ndarray, palette: np.ndarray, method: str = "ordered", strength: float | None = None,
          remapper: Remapper | None = None, flat: float = GRADIENT_FLAT) -> np.ndarray:
    """Indices (H×W uint8) into ``palette`` for the RGB frame ``rgb`` (``flat``: the gradient pattern's
    limit of a flat area, :func:`flat_areas`)."""
    remapper = remapper or Remapper(palette)
    if method == "ordered":
        amp = dither_strength(palette) if strength is None else strength
        return remapper.ordered(rgb, amp) if amp > 0 else remapper.nearest(rgb)
    if method == "none":
        return remapper.nearest(rgb)
    if method == "gradient":
        return remapper.gradient(rgb, flat_areas(rgb, flat))
    if method == "diffusion":  # Floyd–Steinberg in Pillow's C code
        out = Image.fromarray(np.ascontiguousarray(rgb)).quantize(palette=_palette_image(palette), dither=Image.Dither.FLOYDSTEINBERG)
        return np.minimum(np.asarray(out), len(palette) - 1)
    raise ValueError(f"dither must be one of {DITHER_METHODS}")
