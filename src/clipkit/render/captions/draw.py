"""Drawing one caption: styles, the faces it needs, and the RGBA patch of a laid-out cue.

Styles: ``classic`` (white text, black outline, soft shadow), ``yellow`` (the
same in yellow), ``boxed`` (white text on a translucent dark band).  Faces
come from :mod:`clipkit.render.fonts` (one that covers the text; bold and
italic synthesised where the family lacks them); right-to-left runs are
shaped by Raqm when Pillow has it.  Pure image work.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from ...errors import UsageError
from ...settings import DEFAULT_CAPTION, CaptionSettings
from ...subtitles.model import Cue, Run
from ..fonts import FontChoice, find_font, is_bold, is_italic, load_font, strike_size
from .wrap import direction, fit_lines, line_text

__all__ = ["CaptionStyle", "STYLES", "RenderedCaption", "render_cue", "check_caption_settings"]

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


def check_caption_settings(s: CaptionSettings) -> CaptionStyle:
    """The style of ``s``; :class:`UsageError` for a value outside the ranges declared in ``settings.py``."""
    from ...settings_apply import validate

    validate(s)
    return STYLES[s.caption_style]


def is_symbol(ch: str) -> bool:
    """Emoji and pictographs (Unicode "other symbol", or past the Basic Multilingual Plane): the characters a text
    font often lacks and a symbol font has, drawn from a face of their own when no one face has the whole caption."""
    return unicodedata.category(ch) == "So" or ord(ch) >= 0x1F000


def _segments(run: Run) -> list[Run]:
    """``run`` cut where it turns from text to symbols or back (each piece drawn from one face); a character laid
    out, not drawn (a variation selector, a joiner), stays with the piece before it."""
    pieces: list[tuple[bool, str]] = []  # (symbols?, text)
    for ch in run.text:
        kind = pieces[-1][0] if pieces and _spacing(ch) else is_symbol(ch)
        if pieces and pieces[-1][0] == kind:
            pieces[-1] = (kind, pieces[-1][1] + ch)
        else:
            pieces.append((kind, ch))
    return [Run(text, run.bold, run.italic) for _, text in pieces] or [run]


def _spacing(ch: str) -> bool:
    """Characters laid out, not drawn, that stay with the text before them (a variation selector, a joiner)."""
    return unicodedata.category(ch) in ("Mn", "Me", "Cf") or 0xFE00 <= ord(ch) <= 0xFE0F


def _kind(run: Run) -> bool:
    """Whether a run (cut by _split_symbols) is symbols."""
    return any(is_symbol(ch) for ch in run.text)


class _Fonts:
    """The faces one caption needs (regular/bold/italic), all covering its text; or, when no one face has every
    character and the caption mixes text and emoji (a Japanese line and a 😂), one set for the text and one for the
    symbols (``split``: each run is then measured and drawn in pieces, ``pieces``)."""

    def __init__(self, text: str, settings: CaptionSettings, lang: str | None):
        self.settings, self.lang = settings, lang
        self.split = False
        try:
            self.regular = find_font(text, font=settings.font, lang=lang)
            self._texts = {False: text}
        except UsageError:
            words = "".join(ch for ch in text if not is_symbol(ch))
            symbols = "".join(ch for ch in text if is_symbol(ch))
            if settings.font or not words.strip() or not symbols:
                raise
            self.regular = find_font(words, lang=lang)  # raises (naming what no font has) if this is not the case
            find_font(symbols, lang=lang)
            self.split = True
            self._texts = {False: words, True: symbols}
        self._faces: dict[tuple[bool, bool, bool], FontChoice] = {(False, False, False): self.regular}

    def face(self, bold: bool, italic: bool, symbols: bool = False) -> FontChoice:
        key = (symbols, bold, italic)
        if key not in self._faces:
            if self.settings.font:
                self._faces[key] = self.regular  # a given font: the style is synthesised
            else:
                text = self._texts[symbols]
                try:
                    self._faces[key] = find_font(text, bold=bold, italic=italic, lang=self.lang)
                except UsageError:
                    self._faces[key] = self.face(False, False, symbols) if (bold or italic) else self.regular
        return self._faces[key]

    def pieces(self, run: Run) -> list[Run]:
        """``run`` in the pieces each drawn from one face (itself unless ``split``)."""
        return _segments(run) if self.split else [run]

    def _face_of(self, run: Run) -> FontChoice:
        return self.face(run.bold, run.italic, self.split and _kind(run))

    def font(self, run: Run, size: int):
        return load_font(self._face_of(run), size)

    def scale(self, run: Run, size: int) -> float:
        """What a run's drawing is scaled by: 1, or ``size / strike`` for a bitmap-only face (colour emoji)."""
        strike = strike_size(self._face_of(run), size)
        return size / strike if strike else 1.0

    def synth(self, run: Run) -> tuple[bool, bool]:
        """(fake bold, fake italic) for a run whose face lacks the style."""
        face = self._face_of(run)
        return run.bold and not is_bold(face), run.italic and not is_italic(face)

    def measure_at(self, size: int):
        """``measure(run) -> width in pixels`` at ``size``."""
        def one(run: Run) -> float:
            if not run.text:
                return 0.0
            font = self.font(run, size)
            d = direction(run.text)
            try:
                length = font.getlength(run.text, direction=d) if d else font.getlength(run.text)
            except (KeyError, ValueError, OSError):  # no Raqm: direction is not supported
                length = font.getlength(run.text)
            return length * self.scale(run, size)

        def measure(run: Run) -> float:
            return sum(one(piece) for piece in self.pieces(run))
        return measure


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


def _draw_run(run: Run, fonts: _Fonts, size: int, stroke: int) -> tuple[Image.Image, Image.Image, int, int, int]:
    """Masks (fill, fill+outline) for one run, its advance width, the padding
    around the text origin inside the masks, and its face's ascent (runs of
    other faces on one line share the baseline)."""
    font = fonts.font(run, size)
    scale = fonts.scale(run, size)
    if scale != 1.0:
        return _draw_scaled(run, font, scale, stroke)
    fake_bold, fake_italic = fonts.synth(run)
    d = direction(run.text)
    kwargs = {"direction": d} if d else {}
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
    return fill, outline, advance, pad, ascent


def _draw_scaled(run: Run, font, scale: float, stroke: int) -> tuple[Image.Image, Image.Image, int, int, int]:
    """:func:`_draw_run` for a bitmap-only face (Noto Color Emoji): drawn at its strike, scaled to the caption's
    size, outlined by widening the scaled mask (FreeType cannot stroke bitmap glyphs); in the caption's colour."""
    d = direction(run.text)
    kwargs = {"direction": d} if d else {}
    try:
        advance = font.getlength(run.text, **kwargs)
    except (KeyError, ValueError, OSError):  # no Raqm: direction is not supported
        kwargs = {}
        advance = font.getlength(run.text)
    ascent, descent = font.getmetrics()
    big = Image.new("L", (int(advance) + 4, ascent + descent + 4), 0)
    ImageDraw.Draw(big).text((2, 2), run.text, font=font, fill=255, **kwargs)
    top = big.getextrema()[1]  # a colour glyph comes as its lightness: its lightest part is the caption's colour
    if 0 < top < 255:
        big = big.point(lambda v: min(255, v * 255 // top))
    pad = stroke + 2
    ascent, descent = int(round(ascent * scale)), int(round(descent * scale))
    w, h = max(1, int(round(big.width * scale))), max(1, int(round(big.height * scale)))
    fill = Image.new("L", (w + 2 * pad, h + 2 * pad), 0)
    fill.paste(big.resize((w, h), Image.LANCZOS), (pad - int(round(2 * scale)),) * 2)
    outline = fill.filter(ImageFilter.MaxFilter(2 * stroke + 1)) if stroke else fill.copy()
    return fill, outline, int(round(advance * scale)), pad, ascent


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
    style = check_caption_settings(s)
    frame_w, frame_h = frame_size
    fonts = _Fonts(cue.text, s, lang)
    size, lines, notes = fit_lines(cue, fonts.measure_at, s, frame_w, strict)
    stroke = max(1, int(round(size * 0.09))) if style.outline else 0
    strike = strike_size(fonts.regular, size)  # a caption of colour emoji only: that face, scaled
    ascent, descent = (int(round(m * size / strike)) if strike else m for m in load_font(fonts.regular, size).getmetrics())
    line_h = int(round(size * 1.3))  # baseline to baseline (the fonts' own ascent+descent is loose for CJK)

    rendered_lines = []
    for line in lines:
        pieces = [_draw_run(p, fonts, size, stroke) for r in line for p in fonts.pieces(r)]
        if len(line) > 1 and direction(line_text(line)) == "rtl":
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
        for fmask, omask, adv, run_pad, run_ascent in pieces:
            dy = ascent - run_ascent  # on the line's baseline
            _max_into(fill_mask, fmask, x - run_pad, y + dy - run_pad)
            _max_into(outline_mask, omask, x - run_pad, y + dy - run_pad)
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
        lines=tuple(line_text(ln) for ln in lines), notes=tuple(notes),
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
