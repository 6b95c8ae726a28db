"""Frame choice: what makes a good frame, in one place (``still --best``, strip tiles).

A good frame is the moment the reviewer meant: a sharp frame with content,
not a black frame, a blank wall, a one-frame flash or a frame in the middle of
a fade or dissolve.  Four steps, used by :mod:`clipkit.pipeline.still` and the
strip (:mod:`clipkit.pipeline.strip_frames`):

* **flags** (:func:`score_frame`, :func:`motion_flags`): black, blank (one flat
  colour), mid-transition (a fade or dissolve changes the picture *linearly*
  over time, which real motion does not), flash (far from both neighbours,
  which are close to each other);
* **value** (:func:`sharpness`): the variance of the Laplacian — high for crisp
  edges, low for blur and flat areas;
* **best** (:func:`rank`): the *sharpest* clean frame of the window; the
  distance from the target only breaks near-ties (frames within
  :data:`NEAR_TIE` of the sharpest: the nearest of them wins).  Frames just
  beside a transition count at a third of their sharpness (still slightly mixed);
* **distinct** (:func:`distinct`): a pick that looks like the one before it is
  replaced by another clean candidate of its window when there is one.

Pixel work is OpenCV on grey ``uint8`` arrays (RGB ones are converted first).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypeVar

import cv2
import numpy as np

from .model import TRANSITION_SPAN  # (defined there, free of numpy/OpenCV, for the clip poster's plan)

__all__ = [
    "FrameScore", "score_frame", "to_gray", "sharpness", "brightness", "contrast", "motion_flags",
    "Candidate", "rank", "best", "order", "distinct", "alike", "signature",
    "TRANSITION_SPAN", "NEAR_TIE", "BLACK_LEVEL", "BLANK_CONTRAST", "BLANK_SPREAD", "spread",
]

#: Mean luma (0–255) below which a frame counts as black.
BLACK_LEVEL = 16.0
#: Luma standard deviation below which a frame counts as blank (one flat colour) ...
BLANK_CONTRAST = 6.0
#: ... unless something stands out of it: the darkest and brightest 0.05 % of its pixels this far apart
#: (grain on a flat wall spans about ±3σ, under 40; a plane in a grey sky, a bird, a line of text span 60–150).
BLANK_SPREAD = 48.0
#: Frames at least this fraction as sharp as the sharpest clean one are a near-tie: the nearest wins.
NEAR_TIE = 0.9
#: Mean grey change (0–255, on a 64×36 thumbnail) per TRANSITION_SPAN below which a blend is not a transition
#: (slow, smooth motion is nearly linear too, but changes the picture much less than a fade or dissolve).
TRANSITION_MIN_CHANGE = 8.0
#: A frame this close (relative to the change) to the blend of its neighbours is part of a fade or dissolve.
TRANSITION_LINEARITY = 0.12
#: ... or whose typical changing pixel is this close (relative to its own change) to that blend.
TRANSITION_TYPICAL = 0.09
#: A one-frame flash: this far (mean grey) from both neighbours, which are close to each other.
FLASH_JUMP = 12.0
#: Picks closer than this (mean grey on a 32×18 thumbnail) are near-duplicates.
DUPLICATE_DISTANCE = 3.0
#: Frames beside a transition count at this fraction of their sharpness.
_BESIDE_TRANSITION = 0.3


# ---------------------------------------------------------------- one frame


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


def spread(gray: np.ndarray) -> float:
    """How far apart the darkest and the brightest 0.05 % of the pixels are (grey levels)."""
    counts = np.cumsum(np.bincount(gray.ravel(), minlength=256))
    n = counts[-1]
    return float(np.searchsorted(counts, n * 0.9995) - np.searchsorted(counts, n * 0.0005))


@dataclass(frozen=True)
class FrameScore:
    sharpness: float
    brightness: float
    contrast: float
    spread: float = 0.0  # (:func:`spread`)

    @property
    def is_black(self) -> bool:
        return self.brightness < BLACK_LEVEL and self.contrast < 2 * BLANK_CONTRAST

    @property
    def is_blank(self) -> bool:
        """One flat colour (black, white or any other) with nothing standing out of it: nothing to show."""
        return self.contrast < BLANK_CONTRAST and self.spread < BLANK_SPREAD

    @property
    def usable(self) -> bool:
        return not self.is_black and not self.is_blank


def score_frame(image: np.ndarray) -> FrameScore:
    gray = to_gray(image)
    return FrameScore(sharpness(gray), brightness(gray), contrast(gray), spread(gray))


# ---------------------------------------------------------------- a frame among its neighbours


def _thumb(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return cv2.resize(to_gray(image), size, interpolation=cv2.INTER_AREA).astype(np.float32)


def signature(image: np.ndarray) -> np.ndarray:
    """A 32×18 grey thumbnail: what near-duplicates are compared on."""
    return _thumb(image, (32, 18))


#: (seconds before, seconds after) of the frames a frame is compared with; 0 = the adjacent frame.
_BRACKETS = ((TRANSITION_SPAN, TRANSITION_SPAN), (TRANSITION_SPAN, Fraction(0)), (Fraction(0), TRANSITION_SPAN),
             (TRANSITION_SPAN / 2, TRANSITION_SPAN / 2))


def _nearest(times: list[Fraction], i: int, direction: int, distance: Fraction) -> int | None:
    """The first frame at least ``distance`` before (-1) / after (+1) frame ``i`` (the adjacent one for 0)."""
    k = i + direction
    while 0 <= k < len(times):
        if abs(times[k] - times[i]) >= distance:
            return k
        k += direction
    return None


def motion_flags(images: Sequence[np.ndarray], times: Sequence[Fraction]) -> tuple[list[bool], list[bool]]:
    """Per frame (in time order): whether it is mid-transition, whether it is a one-frame flash."""
    small = [_thumb(im, (64, 36)) for im in images]
    times = list(times)
    n = len(small)
    transition = [False] * n
    flash = [False] * n
    for i in range(n):
        if 0 < i < n - 1:
            d1 = float(np.abs(small[i] - small[i - 1]).mean())
            d2 = float(np.abs(small[i] - small[i + 1]).mean())
            d0 = float(np.abs(small[i + 1] - small[i - 1]).mean())
            if min(d1, d2) > FLASH_JUMP and d0 < 0.5 * min(d1, d2):
                flash[i] = True
        # Brackets around the frame: a fade or dissolve puts it on the straight line
        # between a frame before and a frame after (one-sided brackets catch the ends).
        for before, after in _BRACKETS:
            j = _nearest(times, i, -1, before)
            k = _nearest(times, i, +1, after)
            if j is None or k is None:
                continue
            span = times[k] - times[j]
            change = float(np.abs(small[k] - small[j]).mean())
            if change < TRANSITION_MIN_CHANGE * float(span / TRANSITION_SPAN):
                continue
            w = float((times[i] - times[j]) / span)
            residual = np.abs(small[i] - (small[j] * (1 - w) + small[k] * w))
            if float(residual.mean()) < TRANSITION_LINEARITY * change:
                transition[i] = True
                break
            # Moving things inside the shots blending over each other leave a residual in a
            # few places; the typical changing pixel of a fade or dissolve still sits on the line.
            moved = np.abs(small[k] - small[j])
            mask = moved > 3
            if mask.mean() > 0.05 and float(np.median(residual[mask] / moved[mask])) < TRANSITION_TYPICAL:
                transition[i] = True
                break
    # a frame between two transition frames is one too
    for i in range(1, n - 1):
        if transition[i - 1] and transition[i + 1]:
            transition[i] = True
    return transition, flash


# ---------------------------------------------------------------- best of a window


@dataclass(frozen=True, eq=False)
class Candidate:
    """A frame that may be chosen: its own time, the picture, its score and whether it is clean."""

    time: Fraction
    image: np.ndarray = field(repr=False)
    score: FrameScore
    clean: bool  # not black/blank/transition/flash
    value: float = 0.0  # sharpness, lowered beside a transition
    distance: Fraction = Fraction(0)  # from the target


def order(cands: Sequence[Candidate]) -> list[Candidate]:
    """Best first: clean before not; among each, the sharpest, with the nearest to the
    target winning among those within :data:`NEAR_TIE` of the sharpest."""
    out: list[Candidate] = []
    for group in ([c for c in cands if c.clean], [c for c in cands if not c.clean]):
        if not group:
            continue
        top = max(c.value for c in group)
        tied = sorted((c for c in group if c.value >= NEAR_TIE * top), key=lambda c: (c.distance, -c.value))
        rest = sorted((c for c in group if c.value < NEAR_TIE * top), key=lambda c: -c.value)
        out += tied + rest
    return out


def rank(frames: Sequence, a: Fraction, b: Fraction, target: Fraction) -> list[Candidate]:
    """The frames shown in ``[a, b)`` as candidates, best first (see :func:`order`).

    ``frames`` are :class:`~clipkit.media.frames.Frame` objects in time order;
    those outside the window are context for the transition and flash flags
    (decode about :data:`TRANSITION_SPAN` either side).
    """
    if not frames:
        return []
    transition, flash = motion_flags([f.image for f in frames], [f.time for f in frames])
    changing = [f.time for f, tr in zip(frames, transition) if tr]
    out = []
    for f, tr, fl in zip(frames, transition, flash):
        shown_until = f.time + (f.duration or Fraction(1, 100))
        if shown_until <= a or f.time >= b:
            continue
        sc = score_frame(f.image)
        value = sc.sharpness
        if any(abs(f.time - c) <= TRANSITION_SPAN for c in changing):
            value *= _BESIDE_TRANSITION
        out.append(Candidate(f.time, f.image, sc, sc.usable and not tr and not fl, value, abs(f.time - target)))
    return order(out)


def best(frames: Sequence, a: Fraction, b: Fraction, target: Fraction) -> Candidate | None:
    """The best clean frame shown in ``[a, b)``, or None when every one is black, blank,
    in a transition or a flash."""
    ranked = rank(frames, a, b, target)
    return ranked[0] if ranked and ranked[0].clean else None


# ---------------------------------------------------------------- distinct picks

T = TypeVar("T")


def _far(a: np.ndarray, b: np.ndarray) -> bool:
    return float(np.abs(a - b).mean()) >= DUPLICATE_DISTANCE


def distinct(picks: Sequence[T], *, alternatives: Callable[[T], Sequence[T]],
             fixed: Callable[[T], bool] = lambda p: False, image: Callable[[T], np.ndarray] = lambda p: p.image) -> list[T]:
    """``picks`` in order, each that looks like the one before it replaced by the first of its
    ``alternatives`` that does not (when there is one).  ``fixed`` picks are never replaced."""
    out: list[T] = []
    prev_sig = None
    for pick in picks:
        sig = signature(image(pick))
        if prev_sig is not None and not fixed(pick) and not _far(sig, prev_sig):
            for alt in alternatives(pick):
                alt_sig = signature(image(alt))
                if _far(alt_sig, prev_sig):
                    pick, sig = alt, alt_sig
                    break
        out.append(pick)
        prev_sig = sig
    return out


def alike(images: Sequence[np.ndarray]) -> list[int]:
    """Numbers (from 1) of pictures that look like the one after them."""
    sigs = [signature(im) for im in images]
    return [k + 1 for k in range(len(sigs) - 1) if not _far(sigs[k + 1], sigs[k])]
