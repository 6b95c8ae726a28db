"""Scores of single frames: how sharp, how dark, how blank.

Used to pick "the moment the reviewer meant" (``still --best``, strip tiles):
a sharp frame with content, not a black frame, a blank wall or a blurred
transition frame.  All scores work on a grey ``uint8`` array (H×W) or an RGB
one (converted first), with OpenCV doing the pixel work.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["FrameScore", "score_frame", "to_gray", "sharpness", "brightness", "contrast"]

#: Mean luma (0–255) below which a frame counts as black.
BLACK_LEVEL = 16.0
#: Luma standard deviation below which a frame counts as blank (one flat colour).
BLANK_CONTRAST = 6.0


def to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def sharpness(gray: np.ndarray) -> float:
    """Variance of the Laplacian: high for crisp edges, low for blur and flat areas."""
    return float(cv2.Laplacian(gray, cv2.CV_32F, ksize=3).var())


def brightness(gray: np.ndarray) -> float:
    return float(gray.mean())


def contrast(gray: np.ndarray) -> float:
    return float(gray.std())


@dataclass(frozen=True)
class FrameScore:
    sharpness: float
    brightness: float
    contrast: float

    @property
    def is_black(self) -> bool:
        return self.brightness < BLACK_LEVEL and self.contrast < 2 * BLANK_CONTRAST

    @property
    def is_blank(self) -> bool:
        """One flat colour (black, white or any other): nothing to show."""
        return self.contrast < BLANK_CONTRAST

    @property
    def usable(self) -> bool:
        return not self.is_black and not self.is_blank


def score_frame(image: np.ndarray) -> FrameScore:
    gray = to_gray(image)
    return FrameScore(sharpness(gray), brightness(gray), contrast(gray))
