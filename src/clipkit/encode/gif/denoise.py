"""Grain out of time: a pixel that flickers for one frame takes the middle of its three frames.

Film grain and sensor noise change most pixels of a still picture a little, every
frame, and a GIF pays for each pixel it rewrites.  The median of a pixel's value in
the frame before, this frame and the frame after leaves any steady change as it is
(a fade, a moving edge: the values rise or fall, and the middle one is this frame's)
and takes out a value that jumps away and back (grain).  Only where the three frames
are within ``threshold`` of each other on every channel: a real one-frame event (a
flash, a fast small object) differs by more and stays.

The frames are read lazily, one shot at a time (:class:`Denoised` of its frames):
a clip's frames may be spilled to disk (media/spill.py), and only the few frames
the engine works on at once are held.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import cv2
import numpy as np

__all__ = ["Denoised", "median3"]

#: Frames kept computed (the engine remaps a few frames ahead of its diff loop and reads each one twice).
_KEEP = 8


def median3(before: np.ndarray, frame: np.ndarray, after: np.ndarray, threshold: float) -> np.ndarray:
    """``frame`` (uint8, H×W×C) with each pixel that is within ``threshold`` of ``before`` and ``after`` on every
    channel replaced by the per-channel median of the three."""
    lo, hi = np.minimum(before, after), np.maximum(before, after)
    med = np.minimum(np.maximum(frame, lo), hi)  # the median of three: this frame clamped between the other two
    near = np.maximum(cv2.absdiff(frame, before), cv2.absdiff(frame, after))
    if near.ndim == 3:
        near = near.max(axis=2)
    out = frame.copy()
    np.copyto(out, med, where=(near <= threshold)[..., None] if frame.ndim == 3 else near <= threshold)
    return out


class Denoised(Sequence):
    """``frames`` (one shot) with :func:`median3` applied to each; the first and last frame take their one
    neighbour as both others (so they change only where it agrees with itself: nowhere)."""

    def __init__(self, frames: Sequence[np.ndarray], threshold: float) -> None:
        self.frames, self.threshold = frames, threshold
        self._done: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.frames)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        n = len(self.frames)
        k = k + n if k < 0 else k
        if not 0 <= k < n:
            raise IndexError(k)
        with self._lock:
            hit = self._done.get(k)
        if hit is not None:
            return hit
        if n < 3 or k == 0 or k == n - 1:
            out = self.frames[k]
        else:
            out = median3(self.frames[k - 1], self.frames[k], self.frames[k + 1], self.threshold)
        with self._lock:
            self._done[k] = out
            while len(self._done) > _KEEP:
                self._done.pop(next(iter(self._done)))
        return out

    def __iter__(self):
        for k in range(len(self)):
            yield self[k]
