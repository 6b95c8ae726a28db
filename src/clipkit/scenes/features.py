"""What the detectors look at: a few small arrays and numbers per frame, computed once.

Frames reach the detectors already shrunk by ffmpeg (about 128 px wide) as
planar YUV (no colour conversion at all), so everything here is cheap.  The
measures are chosen so that each kind of change shows up in its own number:

* ``z`` — luma with its mean and contrast removed: the *structure* of the
  picture.  It stays put when the light changes (a lamp, a fade step) and moves
  when the shot changes.
* ``cu``/``cv`` — chroma divided by brightness: the colour, which a change of
  light (a gain on R, G and B alike) does not touch.  A cut between two shots of
  the same layout but another colour grade shows here.
* ``mean``/``std`` — brightness and contrast: fades and blank (black, white,
  flat) frames.
* ``tiny`` — a 64-px luma copy for the dissolve test (is this frame a blend of
  the shots around it?).

All of them are in SDR's code levels (black 16, reference white 235).  HDR comes
through its detection curve with reference white lower down (``white`` of the
signal's range, :func:`~clipkit.media.hdr.detection_white`, to leave room for
highlights): its planes are scaled up first, so an SDR programme carried in PQ
is measured as the SDR file is — the constants below (the near-black colour mask,
the contrast floor, blank and flat frames) and the fade and dissolve detectors'
levels mean the same light — and highlights go on above 235.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import cv2
import numpy as np

__all__ = ["FrameFeatures", "features_of", "content_diff", "BLANK_STD", "TINY_SIZE"]

cv2.setNumThreads(1)  # images this small: thread hand-offs cost more than they save

#: Luma standard deviation below which a frame is blank: one flat colour.
BLANK_STD = 0.8
#: Contrast floor when normalising luma, so flat frames do not turn noise into structure.
_STD_FLOOR = 7.0
TINY_SIZE = (64, 36)
#: Frames with less luma contrast than this are flat (a card); between two, brightness counts.
_FLAT_STD = 3.0
_FLAT_LUMA_WEIGHT = 1.5
#: Video black (limited range); chroma is measured against brightness above it.
_BLACK = 16.0


@dataclass(eq=False, slots=True)
class FrameFeatures:
    time: Fraction  # seconds from the file's start (the stream's own timestamp)
    index: int  # decoded frame number within the scanned range, from 0
    duration: Fraction | None
    z: np.ndarray  # float32 H×W normalised luma
    cu: np.ndarray  # float32 H×W chroma / brightness (gain-invariant colour)
    cv: np.ndarray
    lit: np.ndarray  # float32 H×W, 0–1: how far colour can be trusted (0 on near-black pixels)
    tiny: np.ndarray  # float32 36×64 luma
    mean: float  # mean luma
    std: float  # luma standard deviation
    u: float  # mean chroma (Cb, Cr): the colour of a flat card
    v: float
    blank: bool  # one flat colour, or black/white but for a small logo or caption

    def same_colour(self, other: "FrameFeatures") -> bool:
        """Whether two flat frames are the same card (brightness and colour within a few levels)."""
        return abs(self.mean - other.mean) < 6 and abs(self.u - other.u) < 5 and abs(self.v - other.v) < 5


def features_of(planes: np.ndarray, time: Fraction, index: int, duration: Fraction | None = None,
                white: float = 1.0) -> FrameFeatures:
    """Features of one small frame given as yuv444p planes (3×H×W uint8) whose reference white is at
    ``white`` of the range (1 for SDR; see the module's note)."""
    if white != 1.0:
        planes = planes.astype(np.float32)
        planes[0] = _BLACK + (planes[0] - _BLACK) * (1.0 / white)
        planes[1:] = 128.0 + (planes[1:] - 128.0) * (1.0 / white)
    y, u, v = planes[0], planes[1], planes[2]
    mean, std = cv2.meanStdDev(y)
    u_mean, v_mean = cv2.mean(u)[0], cv2.mean(v)[0]
    m, s = float(mean[0, 0]), float(std[0, 0])
    yf = y.astype(np.float32)
    z = (yf - m) * (1.0 / max(s, _STD_FLOOR))
    bright = np.maximum(yf - _BLACK, 0.0)
    inv = 1.0 / (bright + 12.0)
    cu = (u.astype(np.float32) - 128.0) * inv
    cv = (v.astype(np.float32) - 128.0) * inv
    lit = np.minimum(bright * (1 / 32), 1.0)
    tiny = cv2.resize(yf, TINY_SIZE, interpolation=cv2.INTER_AREA)
    blank = s < BLANK_STD
    if not blank and (m < 60 or m > 200):
        # Black (or white) but for a channel logo or a caption: 97% of pixels at the level.
        lo, hi, _, _ = cv2.minMaxLoc(y)
        off = np.count_nonzero(y >= lo + 4 if m < 60 else y <= hi - 4)
        blank = off < 0.03 * y.size
    return FrameFeatures(time=time, index=index, duration=duration, z=z, cu=cu, cv=cv, lit=lit, tiny=tiny,
                         mean=m, std=s, u=u_mean, v=v_mean, blank=blank)


def content_diff(a: FrameFeatures, b: FrameFeatures) -> tuple[float, float]:
    """How different two frames are: (structure, colour), each about 0–100.

    Structure is the mean change of normalised luma; colour the mean change of
    brightness-normalised chroma, ignoring near-black pixels (whose colour is
    noise).  Neither moves when only the brightness changes — except between two
    flat frames (cards of one colour, with no structure to compare), where a
    change of brightness is the only sign of a cut and counts as structure.
    """
    n = a.z.size
    structure = cv2.norm(a.z, b.z, cv2.NORM_L1) * (50.0 / n)
    lit = np.minimum(a.lit, b.lit)
    colour = cv2.norm(a.cu * lit, b.cu * lit, cv2.NORM_L1) + cv2.norm(a.cv * lit, b.cv * lit, cv2.NORM_L1)
    if a.std < _FLAT_STD and b.std < _FLAT_STD:
        structure += _FLAT_LUMA_WEIGHT * abs(a.mean - b.mean)
    return structure, colour * (60.0 / n)
