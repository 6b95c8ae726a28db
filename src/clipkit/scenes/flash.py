"""Flash suppression: a sudden change that comes back is not a cut.

A camera flash, lightning, a muzzle flare or one blank frame changes the
picture for a frame or a few, then the *same shot* continues.  So a cut
candidate at frame *n* is a flash when a frame shortly after it (within the
flash window) looks like frame *n − 1* again.
"""

from __future__ import annotations

from collections.abc import Sequence

from .features import FrameFeatures, content_diff

__all__ = ["returns_within"]


def returns_within(before: FrameFeatures, after: Sequence[FrameFeatures], *, similar_below: float) -> int | None:
    """How many frames of ``after`` pass before the picture looks like ``before`` again.

    Returns ``j`` (1-based: ``after[j - 1]`` is the first frame back) or None
    if it never returns within ``after``.
    """
    for j, frame in enumerate(after, 1):
        structure, colour = content_diff(before, frame)
        if structure + colour < similar_below:
            return j
    return None
