"""Burn captions into RGB frames: dialogue cues and typed text, in any script.

Each cue is laid out once (font that covers its text, wrapping to the safe
width, at most ``caption_max_lines`` lines, shrinking to
``caption_min_size`` before anything is cut) and pre-rendered as an RGBA
patch; drawing it on a frame is one alpha blend.  Styles:

* ``classic`` — white text, black outline, soft shadow;
* ``yellow``  — the same in yellow;
* ``boxed``   — white text on a translucent dark band.

:func:`caption_overlay` turns a clip's cues into the ``overlay(time, image)``
callable the GIF engine applies to each output frame before quantisation,
with the colours its palette must reserve so the text keeps its colour.
:func:`burn_captions` draws onto one image (stills).  Pure image work: no
files are written here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, NamedTuple

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from ..errors import UsageError
from ..settings import DEFAULT_CAPTION, CaptionSettings
from ..subtitles import Cue, Run, clip_cues
from .fonts import FontChoice, find_font, is_bold, is_italic, load_font

__all__ = [
    "CaptionStyle",
    "STYLES",
    "RenderedCaption",
    "CaptionOverlay",
    "CaptionPlan",
    "render_cue",
    "caption_overlay",
    "burn_captions",
    "wrap_runs",
    "split_caption_overrides",
]

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class CaptionStyle:
    fill: RGB
    outline: RGB | None  # None: no outline
    shadow: bool
    box: tuple[int, int, int, int] | None = None  # RGBA band behind the text


STYLES: dict[str, CaptionStyle] = {
    "classic": CaptionStyle(fill=(255, 255, 255), outline=(0, 0, 0), shadow=True),
    "yellow": CaptionStyle(fill=(255, 221, 0), outline=(0, 0, 0), shadow=True),
    "boxed": CaptionStyle(fill=(255, 255, 255), outline=None, shadow=False, box=(0, 0, 0, 170)),
}

# Characters a line must not start with (closing punctuation), CJK and Latin.
_NO_LINE_START = set("、。，．・：；？！ー）」』】〉》〕｝〙〗”’!?,.:;)]}…ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")


def _check_settings(s: CaptionSettings) -> CaptionStyle:
    if s.caption_style not in STYLES:
        raise UsageError(f"unknown caption style {s.caption_style!r}", "use one of: " + ", ".join(STYLES))
    if s.caption_position not in ("bottom", "top"):
        raise UsageError(f"unknown caption position {s.caption_position!r}", "use bottom or top")
    if not 0.005 <= s.caption_size <= 0.5:
        raise UsageError(f"caption size {s.caption_size:g} is out of range", "give a fraction of the frame width between 0.005 and 0.5 (e.g. 0.05)")
    if not 0 <= s.caption_margin < 0.45:
        raise UsageError(f"caption margin {s.caption_margin:g} is out of range", "give a fraction between 0 and 0.45 (e.g. 0.05)")
    if s.caption_max_lines < 1:
        raise UsageError("caption_max_lines must be at least 1", "e.g. 2")
    return STYLES[s.caption_style]


# ---------------------------------------------------------------- fonts per style


class _Fonts:
    """The faces one caption needs (regular/bold/italic), all covering its text."""

    def __init__(self, text: str, settings: CaptionSettings, lang: str | None, size: int):
        self.text, self.settings, self.lang, self.size = text, settings, lang, size
        self.regular = find_font(text, font=settings.font, lang=lang)
        self._faces: dict[tuple[bool, bool], FontChoice] = {(False, False): self.regular}

    def face(self, bold: bool, italic: bool) -> FontChoice:
        key = (bold, italic)
        if key not in self._faces:
            if self.settings.font:
                self._faces[key] = self.regular  # a given font: the style is synthesised
            else:
                try:
                    self._faces[key] = find_font(self.text, bold=bold, italic=italic, lang=self.lang)
                except UsageError:
                    self._faces[key] = self.regular
        return self._faces[key]

    def font(self, run: Run, size: int):
        return load_font(self.face(run.bold, run.italic), size)

    def synth(self, run: Run) -> tuple[bool, bool]:
        """(fake bold, fake italic) for a run whose face lacks the style."""
        face = self.face(run.bold, run.italic)
        return run.bold and not is_bold(face), run.italic and not is_italic(face)


# ---------------------------------------------------------------- wrapping


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF
            or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x3FFFF)


def _atoms(line: tuple[Run, ...]) -> list[Run]:
    """Break units: a word with its trailing spaces, or one CJK character."""
    out: list[Run] = []
    for run in line:
        buf = ""
        for ch in run.text:
            if _is_cjk(ch) and ch not in _NO_LINE_START:
                if buf:
                    out.append(Run(buf, run.bold, run.italic))
                buf = ch
                continue
            if buf and not buf[-1].isspace() and ch not in _NO_LINE_START and (
                _is_cjk(buf[-1]) and not ch.isspace()
            ):
                out.append(Run(buf, run.bold, run.italic))
                buf = ""
            buf += ch
            if ch.isspace():
                out.append(Run(buf, run.bold, run.italic))
                buf = ""
        if buf:
            out.append(Run(buf, run.bold, run.italic))
    # glue an atom that is only spaces onto the previous one
    merged: list[Run] = []
    for a in out:
        if merged and a.text.isspace() and merged[-1].bold == a.bold and merged[-1].italic == a.italic:
            merged[-1] = Run(merged[-1].text + a.text, a.bold, a.italic)
        else:
            merged.append(a)
    return merged


def _join(runs: list[Run]) -> tuple[Run, ...]:
    out: list[Run] = []
    for r in runs:
        if out and out[-1].bold == r.bold and out[-1].italic == r.italic:
            out[-1] = Run(out[-1].text + r.text, r.bold, r.italic)
        else:
            out.append(r)
    if out:
        out[-1] = Run(out[-1].text.rstrip(), out[-1].bold, out[-1].italic)
        out[0] = Run(out[0].text.lstrip(), out[0].bold, out[0].italic)
    return tuple(r for r in out if r.text)


def wrap_runs(lines, width: float, measure: Callable[[Run], float]) -> list[tuple[Run, ...]]:
    """Greedy wrapping of styled lines to ``width`` pixels (hard breaks kept).

    Breaks after spaces and between CJK characters, never before closing
    punctuation; a word wider than the line is broken between characters.
    """
    result: list[tuple[Run, ...]] = []
    for line in lines:
        if not line:
            result.append(())
            continue
        current: list[Run] = []
        current_w = 0.0
        for atom in _atoms(line):
            w = measure(Run(atom.text.rstrip(), atom.bold, atom.italic))
            if current and current_w + w > width and atom.text[0] not in _NO_LINE_START:
                result.append(_join(current))
                current, current_w = [], 0.0
            if not current and w > width and len(atom.text.strip()) > 1:
                # a single word wider than the line: split it by characters
                piece = ""
                for ch in atom.text:
                    if piece and measure(Run(piece + ch, atom.bold, atom.italic)) > width:
                        result.append(_join([Run(piece, atom.bold, atom.italic)]))
                        piece = ""
                    piece += ch
                current = [Run(piece, atom.bold, atom.italic)]
                current_w = measure(current[0])
                continue
            current.append(atom)
            current_w += measure(atom)
        if current:
            result.append(_join(current))
    return [ln for ln in result]


# ---------------------------------------------------------------- rendering


@dataclass(frozen=True)
class RenderedCaption:
    """A cue laid out for one frame size: an RGBA patch and where it goes."""

    cue: Cue
    patch: np.ndarray  # H×W×4 uint8, straight alpha
    x: int
    top: bool  # anchored at the top margin (else the bottom margin)
    font: FontChoice
    size: int  # font size in pixels
    lines: tuple[str, ...]  # the lines as drawn
    notes: tuple[str, ...] = ()


def _line_text(line: tuple[Run, ...]) -> str:
    return "".join(r.text for r in line)


def _direction(text: str) -> str | None:
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi in ("R", "AL"):
            return "rtl"
        if bidi == "L":
            return None
    return None


def _draw_run(run: Run, fonts: _Fonts, size: int, stroke: int) -> tuple[Image.Image, Image.Image, int, int]:
    """Masks (fill, fill+outline) for one run, its advance width, and the padding
    around the text origin inside the masks."""
    font = fonts.font(run, size)
    fake_bold, fake_italic = fonts.synth(run)
    direction = _direction(run.text)
    kwargs = {"direction": direction} if direction else {}
    try:
        advance = int(round(font.getlength(run.text, **kwargs)))
    except (KeyError, ValueError, OSError):  # no Raqm: direction is not supported
        kwargs = {}
        advance = int(round(font.getlength(run.text)))
    ascent, descent = font.getmetrics()
    bold_w = max(1, size // 28) if fake_bold else 0
    pad = stroke + bold_w + 2
    slant = int(round(0.2 * (ascent + descent))) if fake_italic else 0
    w, h = advance + 2 * pad + slant, ascent + descent + 2 * pad
    fill = Image.new("L", (w, h), 0)
    outline = Image.new("L", (w, h), 0)
    ImageDraw.Draw(fill).text((pad, pad), run.text, font=font, fill=255, stroke_width=bold_w, stroke_fill=255, **kwargs)
    if stroke:
        ImageDraw.Draw(outline).text((pad, pad), run.text, font=font, fill=255, stroke_width=stroke + bold_w, stroke_fill=255, **kwargs)
    else:
        outline = fill.copy()
    if fake_italic:
        # shear about the baseline: x' = x + k*(baseline - y)
        k = 0.2
        baseline = pad + ascent
        coeffs = (1, k, -k * baseline, 0, 1, 0)
        fill = fill.transform(fill.size, Image.AFFINE, coeffs, resample=Image.BILINEAR)
        outline = outline.transform(outline.size, Image.AFFINE, coeffs, resample=Image.BILINEAR)
    return fill, outline, advance, pad


def _fit(cue: Cue, fonts: _Fonts, settings: CaptionSettings, frame_w: int, strict: bool) -> tuple[int, list[tuple[Run, ...]], list[str]]:
    """Font size and wrapped lines within the line limit; notes say what was cut."""
    max_w = max(8, int(frame_w * (1 - 2 * settings.caption_margin)))
    size = max(6, int(round(settings.caption_size * frame_w)))
    min_size = max(6, min(size, int(round(settings.caption_min_size * frame_w))))
    limit = settings.caption_max_lines

    def measure_at(sz: int):
        def measure(run: Run) -> float:
            if not run.text:
                return 0.0
            direction = _direction(run.text)
            font = fonts.font(run, sz)
            try:
                return font.getlength(run.text, direction=direction) if direction else font.getlength(run.text)
            except (KeyError, ValueError, OSError):
                return font.getlength(run.text)
        return measure

    while True:
        measure = measure_at(size)
        lines = wrap_runs(cue.lines, max_w, measure)
        if len(lines) <= limit:
            return size, lines, []
        if size <= min_size:
            break
        size = max(min_size, int(size * 0.9))
    text = cue.text.replace("\n", " / ")
    if len(text) > 60:
        text = text[:57] + "…"
    if strict:
        raise UsageError(
            f"the caption {text!r} needs {len(lines)} lines even at the minimum size ({size} px on a {frame_w} px wide frame); "
            f"at most {limit} fit",
            "shorten it, split it into spans with --caption-at, or make the output wider",
        )
    kept = lines[:limit]
    cut = " ".join(_line_text(ln) for ln in lines[limit:])
    last = list(kept[-1])
    ell = Run("…", last[-1].bold if last else False, last[-1].italic if last else False)
    while last and measure(Run(_line_text(tuple(last)) + "…")) > max_w:
        tail = last[-1]
        if len(tail.text) <= 1:
            last.pop()
        else:
            last[-1] = Run(tail.text[:-1], tail.bold, tail.italic)
    kept[-1] = _join(last + [ell])
    note = f"caption at {float(cue.start):.2f}s cut to {limit} lines; left out: {cut!r}"
    return size, kept, [note]


def render_cue(
    cue: Cue,
    frame_size: tuple[int, int],
    settings: CaptionSettings | None = None,
    *,
    lang: str | None = None,
    strict: bool = False,
) -> RenderedCaption:
    """Lay out and draw one cue for frames of ``frame_size`` (width, height).

    ``strict`` (typed captions) raises :class:`UsageError` when the text does
    not fit in the line limit even at the minimum size; otherwise the text is
    cut with an ellipsis and a note says what was left out.
    """
    s = settings or DEFAULT_CAPTION
    style = _check_settings(s)
    frame_w, frame_h = frame_size
    fonts = _Fonts(cue.text, s, lang, 0)
    size, lines, notes = _fit(cue, fonts, s, frame_w, strict)
    stroke = max(1, int(round(size * 0.09))) if style.outline else 0
    ascent, descent = load_font(fonts.regular, size).getmetrics()
    line_h = int(round(size * 1.3))  # baseline to baseline (the fonts' own ascent+descent is loose for CJK)

    rendered_lines = []
    for line in lines:
        pieces = [_draw_run(r, fonts, size, stroke) for r in line]
        if len(line) > 1 and _direction(_line_text(line)) == "rtl":
            pieces = pieces[::-1]  # runs of a right-to-left line go right to left
        rendered_lines.append(pieces)
    pad = stroke + max(2, size // 10)
    widths = [sum(p[2] for p in pieces) for pieces in rendered_lines]
    text_w = max(widths, default=0)
    box_pad_x = int(size * 0.45) if style.box else 0
    box_pad_y = int(size * 0.2) if style.box else 0
    shadow_off = max(1, size // 16) if style.shadow else 0
    W = text_w + 2 * (pad + box_pad_x) + shadow_off + int(size * 0.3)
    H = line_h * (max(1, len(lines)) - 1) + ascent + descent + 2 * (pad + box_pad_y) + shadow_off
    fill_mask = Image.new("L", (W, H), 0)
    outline_mask = Image.new("L", (W, H), 0)
    for i, (pieces, lw) in enumerate(zip(rendered_lines, widths)):
        x = (W - shadow_off - lw) // 2
        y = pad + box_pad_y + i * line_h
        for fmask, omask, adv, run_pad in pieces:
            _max_into(fill_mask, fmask, x - run_pad, y - run_pad)
            _max_into(outline_mask, omask, x - run_pad, y - run_pad)
            x += adv

    patch = np.zeros((H, W, 4), dtype=np.float32)
    if style.box:
        ys, xs = np.nonzero(np.asarray(outline_mask))
        if len(xs):
            x0, x1 = max(0, xs.min() - box_pad_x), min(W, xs.max() + 1 + box_pad_x)
            y0, y1 = 0, H
            r, g, b, a = style.box
            patch[y0:y1, x0:x1, :3] = (r, g, b)
            patch[y0:y1, x0:x1, 3] = a / 255
    if style.shadow:
        sh = outline_mask.filter(ImageFilter.GaussianBlur(max(1, size / 14)))
        sh_arr = np.zeros((H, W), dtype=np.float32)
        src = np.asarray(sh, dtype=np.float32) / 255 * 0.75
        sh_arr[shadow_off:, shadow_off:] = src[: H - shadow_off, : W - shadow_off]
        _over(patch, (0, 0, 0), sh_arr)
    if style.outline:
        _over(patch, style.outline, np.asarray(outline_mask, dtype=np.float32) / 255)
    _over(patch, style.fill, np.asarray(fill_mask, dtype=np.float32) / 255)
    # mostly covered text pixels get exactly the fill colour: crisp edges, and a colour the
    # GIF palette reserves, so it survives quantisation unchanged
    solid = np.asarray(fill_mask) >= 192
    patch[solid, :3] = style.fill
    patch[solid, 3] = 1.0
    out = np.empty((H, W, 4), dtype=np.uint8)
    out[..., :3] = np.clip(np.round(patch[..., :3]), 0, 255)
    out[..., 3] = np.clip(np.round(patch[..., 3] * 255), 0, 255)
    top = cue.top or s.caption_position == "top"
    x = (frame_w - W) // 2
    return RenderedCaption(
        cue=cue, patch=out, x=x, top=top, font=fonts.regular, size=size,
        lines=tuple(_line_text(ln) for ln in lines), notes=tuple(notes),
    )


def _max_into(dst: Image.Image, src: Image.Image, x: int, y: int) -> None:
    """``dst = max(dst, src)`` with ``src`` placed at (x, y), clipped to ``dst``."""
    d = np.asarray(dst).copy()
    sarr = np.asarray(src)
    h, w = d.shape
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(w, x + sarr.shape[1]), min(h, y + sarr.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    d[y0:y1, x0:x1] = np.maximum(d[y0:y1, x0:x1], sarr[y0 - y:y1 - y, x0 - x:x1 - x])
    dst.paste(Image.fromarray(d))


def _over(patch: np.ndarray, color: RGB, alpha: np.ndarray) -> None:
    """Composite a solid colour with per-pixel ``alpha`` over ``patch`` (straight alpha, in place)."""
    a_dst = patch[..., 3]
    a_out = alpha + a_dst * (1 - alpha)
    safe = np.where(a_out > 0, a_out, 1)
    for c in range(3):
        patch[..., c] = (color[c] * alpha + patch[..., c] * a_dst * (1 - alpha)) / safe
    patch[..., 3] = a_out


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


# ---------------------------------------------------------------- overlay for a clip


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
    _check_settings(s)
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


def split_caption_overrides(overrides: dict) -> tuple[dict, dict]:
    """Split keyword overrides into CaptionSettings fields and the rest."""
    from dataclasses import fields

    names = {f.name for f in fields(CaptionSettings)}
    mine = {k: v for k, v in overrides.items() if k in names}
    rest = {k: v for k, v in overrides.items() if k not in names}
    return mine, rest
