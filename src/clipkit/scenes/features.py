"""What the detectors look at: a few small arrays and numbers per frame, computed once.

Frames reach the detectors already shrunk by ffmpeg (about 128 px wide), so
everything here is cheap.  The measures are chosen so that each kind of change
shows up in its own number:

* ``z`` — luma with its mean and contrast removed: the *structure* of the
  picture.  It stays put when the light changes (a lamp, a fade step) and moves
  when the shot changes.
* ``hue``/``sat`` — colour, which a brightness change does not touch: a cut
  between two shots of the same layout but another colour grade shows here.
* ``mean``/``std`` — brightness and contrast: fades and blank (black, white,
  flat) frames.
* ``tiny`` — a 64-px luma copy for the dissolve test (is this frame a blend of
  the shots around it?).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import cv2
import numpy as np

__all__ = ["FrameFeatures", "features_of", "content_diff", "BLANK_STD", "TINY_SIZE"]

#: Luma standard deviation (0–255) below which a frame is blank: one flat colour.
BLANK_STD = 0.8
#: Contrast floor when normalising luma, so flat frames do not turn noise into structure.
_STD_FLOOR = 8.0
TINY_SIZE = (64, 36)


@dataclass(eq=False, slots=True)
class FrameFeatures:
    time: Fraction  # seconds from the file's start (the stream's own timestamp)
    index: int  # decoded frame number within the scanned range, from 0
    duration: Fraction | None
    z: np.ndarray  # float32 H×W normalised luma
    hue: np.ndarray  # int16 H×W, OpenCV hue 0–179
    sat: np.ndarray  # float32 H×W, saturation 0–1
    lit: np.ndarray  # float32 H×W, 0–1: how far hue/saturation can be trusted (0 on near-black pixels)
    tiny: np.ndarray  # float32 36×64 luma 0–255
    mean: float  # mean luma 0–255
    std: float  # luma standard deviation
    blank: bool  # one flat colour, or black/white but for a small logo or caption


def features_of(image: np.ndarray, time: Fraction, index: int, duration: Fraction | None = None) -> FrameFeatures:
    """Features of one small BGR frame (H×W×3 uint8)."""
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    luma = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    mean, std = cv2.meanStdDev(luma)
    m, s = float(mean[0, 0]), float(std[0, 0])
    lf = luma.astype(np.float32)
    z = (lf - m) * (1.0 / max(s, _STD_FLOOR))
    tiny = cv2.resize(lf, TINY_SIZE, interpolation=cv2.INTER_AREA)
    blank = s < BLANK_STD
    if not blank and (m < 40 or m > 215):
        # Black (or white) but for a channel logo or a caption: 97% of pixels at the level.
        off = cv2.countNonZero(cv2.inRange(luma, 3, 255) if m < 40 else cv2.inRange(luma, 0, 252))
        blank = off < 0.03 * luma.size
    return FrameFeatures(
        time=time, index=index, duration=duration, z=z,
        hue=hsv[:, :, 0].astype(np.int16), sat=hsv[:, :, 1].astype(np.float32) * (1 / 255),
        lit=np.minimum(hsv[:, :, 2].astype(np.float32) * (1 / 48), 1.0),
        tiny=tiny, mean=m, std=s, blank=blank,
    )


def content_diff(a: FrameFeatures, b: FrameFeatures) -> tuple[float, float]:
    """How different two frames are: (structure, colour), each about 0–100.

    Structure is the mean change of normalised luma; colour the mean hue change
    (weighted by saturation, since grey pixels have no meaningful hue) plus the
    saturation change, both ignoring near-black pixels (whose hue is noise).
    Neither moves when only the brightness changes.
    """
    structure = float(cv2.norm(a.z, b.z, cv2.NORM_L1)) / a.z.size * 50.0
    lit = np.minimum(a.lit, b.lit)
    dh = np.abs(a.hue - b.hue)
    dh = np.minimum(dh, 180 - dh)
    hue = float((dh * np.minimum(a.sat, b.sat) * lit).mean()) * (100.0 / 90.0)
    sat = float((np.abs(a.sat - b.sat) * lit).mean()) * 100.0
    return structure, hue + sat
