"""Putting captions on frames: the GIF engine's ``overlay(time, image)`` and one still image.

:func:`caption_overlay` turns a clip's cues into the overlay the GIF engine
applies to each output frame before quantisation, with the colours its
palette must reserve so the text keeps its colour; :func:`burn_captions`
draws onto one image (stills).  Captions on screen together stack: bottom
ones upward from the bottom margin, top ones downward.
"""

from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

import numpy as np
from PIL import Image

from ...settings import DEFAULT_CAPTION, CaptionSettings
from ...subtitles.model import Cue, clip_cues
from .draw import RGB, STYLES, RenderedCaption, check_caption_settings, render_cue

__all__ = ["CaptionOverlay", "CaptionPlan", "caption_overlay", "burn_captions"]


def _blend(image: np.ndarray, rc: RenderedCaption, y: int) -> None:
    """Alpha-blend a caption patch onto an RGB frame (in place), clipped to the frame."""
    h, w = image.shape[:2]
    ph, pw = rc.patch.shape[:2]
    x0, y0 = max(0, rc.x), max(0, y)
    x1, y1 = min(w, rc.x + pw), min(h, y + ph)
    if x1 <= x0 or y1 <= y0:
        return
    p = rc.patch[y0 - y:y1 - y, x0 - rc.x:x1 - rc.x]
    a = p[..., 3:4].astype(np.float32) / 255
    region = image[y0:y1, x0:x1].astype(np.float32)
    blended = region * (1 - a) + p[..., :3].astype(np.float32) * a
    full = p[..., 3] == 255
    out = np.round(blended).astype(np.uint8)
    out[full] = p[..., :3][full]
    image[y0:y1, x0:x1] = out


def _place(image: np.ndarray, active: list[RenderedCaption], margin: float) -> None:
    """Stack the active captions: bottom ones upward from the bottom margin, top ones downward."""
    h = image.shape[0]
    my = int(round(h * margin))
    y_bottom = h - my
    y_top = my
    for rc in active:
        ph = rc.patch.shape[0]
        if rc.top:
            _blend(image, rc, y_top)
            y_top += ph
        else:
            y_bottom -= ph
            _blend(image, rc, y_bottom)


class CaptionOverlay:
    """``overlay(time, image) -> image``: draws the cues on screen at ``time``.

    ``time`` is seconds from the start of the file (the GIF engine's time
    base), or from the clip's first frame when ``relative`` is true.  Cues are
    laid out once per frame size (a GIF fitted to a byte budget may shrink);
    the image (H×W×3 uint8 RGB) is copied only when something is drawn on it.
    """

    def __init__(self, cues: list[tuple[Cue, bool]], clip_start: Fraction, settings: CaptionSettings,
                 lang: str | None, relative: bool = False):
        self.cues = cues  # (cue retimed to the clip, strict)
        self.clip_start = Fraction(clip_start)
        self.settings = settings
        self.lang = lang
        self.relative = relative
        style = STYLES[settings.caption_style]
        self.reserve_colors: list[RGB] = [style.fill] + ([style.outline] if style.outline else [])
        self.notes: list[str] = []
        self._by_size: dict[tuple[int, int], list[RenderedCaption]] = {}

    def rendered(self, frame_size: tuple[int, int]) -> list[RenderedCaption]:
        """The cues laid out for frames of ``frame_size`` (width, height), cached."""
        key = (int(frame_size[0]), int(frame_size[1]))
        if key not in self._by_size:
            out = [render_cue(c, key, self.settings, lang=self.lang, strict=strict) for c, strict in self.cues]
            for rc in out:
                self.notes.extend(n for n in rc.notes if n not in self.notes)
            self._by_size[key] = out
        return self._by_size[key]

    def active(self, time: Fraction, frame_size: tuple[int, int]) -> list[RenderedCaption]:
        t = Fraction(time) if self.relative else Fraction(time) - self.clip_start
        return [rc for rc in self.rendered(frame_size) if rc.cue.start <= t < rc.cue.end]

    def __call__(self, time, image):
        was_pil = isinstance(image, Image.Image)
        size = image.size if was_pil else (image.shape[1], image.shape[0])
        active = self.active(time, size)
        if not active:
            return image
        arr = np.array(image.convert("RGB") if was_pil else image, dtype=np.uint8, copy=True)
        _place(arr, active, self.settings.caption_margin)
        return Image.fromarray(arr) if was_pil else arr

    @property
    def texts(self) -> list[str]:
        return [c.text for c, _ in self.cues]


class CaptionPlan(NamedTuple):
    overlay: CaptionOverlay
    reserve_colors: list[RGB]
    texts: list[str]


def caption_overlay(
    cues,
    clip_start: Fraction,
    frame_size: tuple[int, int] | None,
    settings: CaptionSettings | None = None,
    *,
    clip_end: Fraction | None = None,
    lang: str | None = None,
    relative: bool = False,
    strict_cues=(),
) -> CaptionPlan:
    """The overlay that burns ``cues`` into a clip's frames, with the colours to reserve.

    ``cues`` carry times from the start of the file; those shown inside
    ``[clip_start, clip_end)`` are retimed to the clip.  They are laid out for
    ``frame_size`` (width, height) now, so a typed caption that cannot fit
    (``strict_cues``) raises :class:`UsageError` before any encoding; other
    sizes are laid out when first seen.  Subtitle lines that do not fit are
    cut instead, with a note in ``plan.overlay.notes``.
    Returns ``(overlay, reserve_colors, texts)``.
    """
    s = settings or DEFAULT_CAPTION
    check_caption_settings(s)
    start = Fraction(clip_start)
    end = Fraction(clip_end) if clip_end is not None else Fraction(10**9)
    strict_ids = {id(c) for c in strict_cues}
    chosen: list[tuple[Cue, bool]] = []
    for original in sorted(cues, key=lambda c: (c.start, c.end)):
        if original.end <= start or original.start >= end:
            continue
        (cue,) = clip_cues([original], start, end)
        chosen.append((cue, id(original) in strict_ids))
    overlay = CaptionOverlay(chosen, start, s, lang, relative)
    if frame_size is not None:
        overlay.rendered(frame_size)
    return CaptionPlan(overlay, overlay.reserve_colors, overlay.texts)


def burn_captions(
    image,
    time: Fraction,
    cues,
    settings: CaptionSettings | None = None,
    *,
    lang: str | None = None,
    strict_cues=(),
):
    """Draw the cues on screen at ``time`` (seconds from the file start) onto one image.

    Returns ``(image, notes)``; the input is not modified.
    """
    arr = np.asarray(image.convert("RGB") if isinstance(image, Image.Image) else image)
    h, w = arr.shape[:2]
    t = Fraction(time)
    shown = [c for c in cues if c.start <= t < c.end]
    plan = caption_overlay(shown, Fraction(0), (w, h), settings, lang=lang, strict_cues=[c for c in strict_cues if c in shown])
    out = plan.overlay(t, arr)
    return out, list(plan.overlay.notes)
