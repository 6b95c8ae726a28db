"""Drawing one caption: styles, the faces it needs, and the RGBA patch of a laid-out cue.

Styles: ``classic`` (white text, black outline, soft shadow), ``yellow`` (the
same in yellow), ``boxed`` (white text on a translucent dark band).  Faces
come from :mod:`clipkit.render.fonts` (one that covers the text, or the first
choice and fallbacks for what it lacks, at one cap height on one baseline; bold
and italic synthesised where the family lacks them).  A line of one face is
shaped and ordered by Raqm when Pillow has it; a line of several is drawn in
pieces put in the Unicode bidi algorithm's order (:mod:`.bidi`), each shaped
by Raqm.  Pure image work.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from ...errors import UsageError
from ...settings import DEFAULT_CAPTION, CaptionSettings
from ...subtitles.model import Cue, Run
from ..fonts import FontChoice, FontPlan, font_plan, is_bold, is_italic, load_font, matching_size, strike_size
from .bidi import levels, paragraph_level, visual_order
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


class _Fonts:
    """The faces one caption is drawn with, per style (regular/bold/italic; a style the family lacks is
    synthesised): each a :class:`~clipkit.render.fonts.FontPlan` covering the caption's text — one face when one
    has every character, else the given or first-choice face and fallbacks for what it lacks, drawn at the same
    cap height (``size_of``) on one baseline."""

    def __init__(self, text: str, settings: CaptionSettings, lang: str | None):
        self.settings, self.lang, self.text = settings, lang, text
        self._plans: dict[tuple[bool, bool], FontPlan] = {(False, False): font_plan(text, font=settings.font, lang=lang)}
        self.regular = self._plans[False, False].primary

    def plan(self, bold: bool, italic: bool) -> FontPlan:
        key = (bold, italic)
        if key not in self._plans:
            if self.settings.font:
                self._plans[key] = self._plans[False, False]  # a given font: the style is synthesised
            else:
                try:
                    self._plans[key] = font_plan(self.text, bold=bold, italic=italic, lang=self.lang)
                except UsageError:
                    self._plans[key] = self.plan(False, False)
        return self._plans[key]

    @property
    def faces(self) -> tuple[FontChoice, ...]:
        return tuple(dict.fromkeys(f for plan in self._plans.values() for f in plan.faces))

    def notes(self, what: str = "the captions") -> list[str]:
        """What the user should know: a ``--font`` without some characters (of ``what``) had them drawn from other
        faces."""
        plan = self._plans[False, False]
        if not self.settings.font or not plan.fallback:
            return []
        others = ", ".join(_name(f) for f in plan.faces[1:])
        return [f"the font {_name(plan.primary)} has no glyphs for some characters of {what}; they are drawn from {others}"]

    def pieces(self, run: Run) -> list[tuple[Run, FontChoice]]:
        """``run`` in the pieces each drawn from one face, in order."""
        return [(Run(text, run.bold, run.italic), face) for text, face in self.plan(run.bold, run.italic).split(run.text)]

    def size_of(self, face: FontChoice, size: int) -> int:
        """The pixel size ``face`` is drawn at in a caption of ``size``: a fallback face at the primary's cap height."""
        return matching_size(self.regular, face, size)

    def font(self, face: FontChoice, size: int):
        return load_font(face, self.size_of(face, size))

    def scale(self, face: FontChoice, size: int) -> float:
        """What a piece's drawing is scaled by: 1, or ``size / strike`` for a bitmap-only face (colour emoji)."""
        strike = strike_size(face, size)
        return size / strike if strike else 1.0

    def measure_at(self, size: int):
        """``measure(run) -> width in pixels`` at ``size``."""
        def one(text: str, face: FontChoice) -> float:
            font = self.font(face, size)
            d = direction(text)
            try:
                length = font.getlength(text, direction=d) if d else font.getlength(text)
            except (KeyError, ValueError, OSError):  # no Raqm: direction is not supported
                length = font.getlength(text)
            return length * self.scale(face, size)

        def measure(run: Run) -> float:
            return sum(one(piece.text, face) for piece, face in self.pieces(run)) if run.text else 0.0
        return measure


def _name(face: FontChoice) -> str:
    return f"{face.family} {face.style}".strip() or face.path.name


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
    faces: tuple[FontChoice, ...] = ()  # every face drawn from, ``font`` first (more when it lacks characters)


def _draw_run(run: Run, face: FontChoice, fonts: _Fonts, size: int, stroke: int,
              d: str | None) -> tuple[Image.Image, Image.Image, int, int, int]:
    """Masks (fill, fill+outline) for one piece of a line drawn from ``face`` in direction ``d`` (``"rtl"``, or None:
    Raqm's own), its advance width, the padding around the text origin inside the masks, and its face's ascent
    (pieces of other faces on one line share the baseline)."""
    font = fonts.font(face, size)
    scale = fonts.scale(face, size)
    if scale != 1.0:
        return _draw_scaled(run, font, scale, stroke, d)
    fake_bold, fake_italic = run.bold and not is_bold(face), run.italic and not is_italic(face)
    kwargs = {"direction": d} if d else {}
    try:
        advance = int(round(font.getlength(run.text, **kwargs)))
    except (KeyError, ValueError, OSError):  # no Raqm: direction is not supported
        kwargs = {}
        advance = int(round(font.getlength(run.text)))
    ascent, descent = font.getmetrics()
    _, ink_top, _, ink_bottom = font.getbbox(run.text, anchor="ls", **kwargs)
    ascent, descent = max(ascent, -ink_top), max(descent, ink_bottom)  # glyphs taller than the face says: room for them
    bold_w = max(1, size // 28) if fake_bold else 0
    pad = stroke + bold_w + 2
    slant = int(round(0.2 * (ascent + descent))) if fake_italic else 0
    w, h = advance + 2 * pad + slant, ascent + descent + 2 * pad
    fill = Image.new("L", (w, h), 0)
    outline = Image.new("L", (w, h), 0)
    at = (pad, pad + ascent)  # the baseline's start
    ImageDraw.Draw(fill).text(at, run.text, font=font, fill=255, stroke_width=bold_w, stroke_fill=255, anchor="ls", **kwargs)
    if stroke:
        ImageDraw.Draw(outline).text(at, run.text, font=font, fill=255, stroke_width=stroke + bold_w, stroke_fill=255, anchor="ls", **kwargs)
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


def _paragraph_levels(cue: Cue, lines: list[tuple[Run, ...]]) -> list[int]:
    """The bidi paragraph level (1: right to left) of each wrapped line: that of the cue's line it was cut from,
    so the second line of a wrapped Arabic sentence stays right to left even when it starts with a Latin word.
    A line cut short with "…" (too long to fit, :func:`.wrap.fit_lines`) ends its cue line's share."""
    out: list[int] = []
    k = 0
    for source in cue.lines:
        text = "".join(r.text for r in source)
        want = "".join(text.split())
        level = paragraph_level(text)
        got = ""
        while k < len(lines):  # the wrapped lines that hold this line's text (one for an empty line)
            here = "".join(line_text(lines[k]).split())
            got += here
            out.append(level)
            k += 1
            if len(got) >= len(want) or (here.endswith("…") and not want.startswith(got)):
                break
    return out + [out[-1] if out else 0] * (len(lines) - len(out))


def _draw_line(line: tuple[Run, ...], fonts: _Fonts, size: int, stroke: int, base: int) -> list[tuple]:
    """One line's pieces drawn (:func:`_draw_run`), left to right on screen, in a paragraph of bidi level ``base``.
    A line of one face and style is one piece Raqm lays out (its own bidi order); a line of several is cut where
    the face, the style or the bidi level changes, and the pieces are shown in the Unicode bidi algorithm's order
    (:mod:`.bidi`), each in its direction."""
    parts = [piece for run in line for piece in fonts.pieces(run)]
    if len(parts) == 1:
        run, face = parts[0]
        d = "rtl" if base % 2 else ("ltr" if direction(run.text) == "rtl" else None)
        return [_draw_run(run, face, fonts, size, stroke, d)]
    lv = levels("".join(run.text for run, _ in parts), base)
    pieces: list[tuple[Run, FontChoice, int]] = []
    at = 0
    for run, face in parts:
        first = len(pieces)
        for ch in run.text:
            if len(pieces) > first and pieces[-1][2] == lv[at]:
                pieces[-1] = (Run(pieces[-1][0].text + ch, run.bold, run.italic), face, lv[at])
            else:
                pieces.append((Run(ch, run.bold, run.italic), face, lv[at]))
            at += 1
    order = visual_order([level for _, _, level in pieces])
    return [_draw_run(pieces[i][0], pieces[i][1], fonts, size, stroke, "rtl" if pieces[i][2] % 2 else "ltr")
            for i in order]


def _draw_scaled(run: Run, font, scale: float, stroke: int, d: str | None) -> tuple[Image.Image, Image.Image, int, int, int]:
    """:func:`_draw_run` for a bitmap-only face (Noto Color Emoji): drawn at its strike, scaled to the caption's
    size, outlined by widening the scaled mask (FreeType cannot stroke bitmap glyphs); in the caption's colour."""
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

    rendered_lines = [_draw_line(line, fonts, size, stroke, base) for line, base in zip(lines, _paragraph_levels(cue, lines))]
    pad = stroke + max(2, size // 10)
    # a fallback face's letters may reach above the primary's ascent (or below its descent): room for them
    first, last = (rendered_lines[0], rendered_lines[-1]) if rendered_lines else ([], [])
    above = max((run_pad + run_ascent - box[1] for f, o, _, run_pad, run_ascent in first if (box := o.getbbox())), default=0)
    below = max((box[3] - run_pad - run_ascent for f, o, _, run_pad, run_ascent in last if (box := o.getbbox())), default=0)
    extra_top = max(0, above - ascent - pad)
    extra_bottom = max(0, below - descent - pad)
    widths = [sum(p[2] for p in pieces) for pieces in rendered_lines]
    text_w = max(widths, default=0)
    box_pad_x = int(size * 0.45) if style.box else 0
    box_pad_y = int(size * 0.2) if style.box else 0
    shadow_off = max(1, size // 16) if style.shadow else 0
    W = text_w + 2 * (pad + box_pad_x) + shadow_off + int(size * 0.3)
    H = line_h * (max(1, len(lines)) - 1) + ascent + descent + 2 * (pad + box_pad_y) + shadow_off + extra_top + extra_bottom
    fill_mask = Image.new("L", (W, H), 0)
    outline_mask = Image.new("L", (W, H), 0)
    for i, (pieces, lw) in enumerate(zip(rendered_lines, widths)):
        x = (W - shadow_off - lw) // 2
        y = pad + box_pad_y + extra_top + i * line_h
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
        lines=tuple(line_text(ln) for ln in lines), notes=tuple(notes + fonts.notes()), faces=fonts.faces,
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
