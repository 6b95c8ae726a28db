"""A GIF's pictures out of memory: decoded frames and each try's output frames in spill stores.

``make_gif`` decodes a range once and may encode it several times (a fit to
``--max-size``, then MP4/WebP siblings), so the pictures are kept — in a
:class:`~clipkit.media.spill.FrameStore`: in memory up to ``frame_memory``,
the rest in a private temporary file.  :func:`keep_decoded` stores the decoded
frames (their times stay in a list), :func:`render_frames` makes one try's
output pictures from them (resized, drawn on) as a :class:`~clipkit.media.spill.Frames`
sequence the GIF engine reads like a list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..media.frames import Frame
from ..media.spill import Frames, FrameStore, Spill
from ..render.resize import resize

__all__ = ["Decoded", "keep_decoded", "render_frames", "apply_overlay"]

#: A kept frame's ``image``: the picture is in the store, under the frame's ``index``.
STORED = np.empty(0, np.uint8)


@dataclass(frozen=True)
class Decoded:
    """Decoded frames: their times (``Frame.index`` is the picture's number in ``store``) and pictures."""

    frames: list[Frame]
    store: FrameStore
    size: tuple[int, int] | None  # (width, height) of every picture; None when they differ


def keep_decoded(frames: Iterable[Frame], spill: Spill, each: Callable[[int], object] | None = None) -> Decoded:
    """Every frame of ``frames`` kept: its picture in a new store of ``spill``, its time in the list
    (``each(count so far)`` after each one: progress)."""
    store = spill.store()
    kept: list[Frame] = []
    sizes = set()
    for frame in frames:
        sizes.add(frame.image.shape[1::-1])
        kept.append(Frame(frame.time, store.append(frame.image), STORED, frame.duration))
        if each is not None:
            each(len(kept))
    return Decoded(kept, store, sizes.pop() if len(sizes) == 1 else None)


def render_frames(decoded: Decoded, ticks: Sequence[tuple[Fraction, Frame]], size: tuple[int, int],
                  overlay: Callable[[Fraction, np.ndarray], np.ndarray] | None, spill: Spill,
                  each: Callable[[int], object] | None = None) -> Frames:
    """The picture of each tick ``(time, decoded frame)`` at ``size``, ``overlay`` drawn on: the decoded
    pictures themselves when nothing changes them, else a new store of ``spill`` (``each(count so far)`` after
    each one: progress)."""
    if overlay is None and decoded.size == tuple(size):
        if each is not None:
            each(len(ticks))
        return Frames(decoded.store, [frame.index for _, frame in ticks])
    store, numbers, stored = spill.store(), [], {}
    shown, img = -1, None
    for t, frame in ticks:
        if frame.index != shown:  # ticks go forwards: a source frame shown on several ticks is resized once
            shown, img = frame.index, resize(decoded.store[frame.index], *size)
        if overlay is not None:
            numbers.append(store.append(apply_overlay(overlay, t, img)))
        else:
            if frame.index not in stored:
                stored[frame.index] = store.append(img)
            numbers.append(stored[frame.index])
        if each is not None:
            each(len(numbers))
    return Frames(store, numbers)


def apply_overlay(overlay: Callable[[Fraction, np.ndarray], np.ndarray], t: Fraction, img: np.ndarray) -> np.ndarray:
    out = overlay(t, img.copy())
    out = np.asarray(out)
    if out.shape != img.shape or out.dtype != np.uint8:
        raise ValueError(f"overlay returned {out.shape} {out.dtype}, expected {img.shape} uint8")
    return out
