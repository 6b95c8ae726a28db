"""Resizing frames already decoded (e.g. a narrower try to fit a size budget)."""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["resize"]


def resize(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """``image`` at ``width``×``height``: area averaging when shrinking, Lanczos when enlarging."""
    h, w = image.shape[:2]
    if (w, h) == (width, height):
        return image
    flags = cv2.INTER_AREA if width <= w and height <= h else cv2.INTER_LANCZOS4
    return cv2.resize(image, (width, height), interpolation=flags)
