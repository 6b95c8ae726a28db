"""The detector interface: a small object fed one frame's features at a time.

A detector keeps whatever history it needs (a few frames, a few numbers) and
returns the events it has *decided* so far; decisions may lag a few frames
behind the frame just pushed (to look ahead for a flash, or to see a whole
dissolve).  :func:`~clipkit.scenes.manager.scan` drives decoding and feeds every
detector the same :class:`~clipkit.scenes.features.FrameFeatures`.
"""

from __future__ import annotations

from fractions import Fraction

from .features import FrameFeatures
from .model import Event

__all__ = ["Detector"]


class Detector:
    """Base class: override :meth:`push` and, if events can be pending, :meth:`flush`."""

    def push(self, frame: FrameFeatures) -> list[Event]:
        """Take the next frame (in time order); return the events decided now."""
        raise NotImplementedError

    def flush(self, end: Fraction, end_index: int) -> list[Event]:
        """No more frames: decide what is pending.  ``end``/``end_index`` are where the
        scanned range stops (the end of the last frame)."""
        return []
