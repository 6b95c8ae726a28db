"""One line of text in a caption's faces, without a caption's style: the strip's header (its title, its facts).

The faces are a caption's (:class:`.draw._Fonts`: one that covers the text, else the given or first-choice face and,
script by script, fallback faces for what it lacks, at the primary's cap height on one baseline; bold synthesised
where the family has none), and the line is shaped and put in bidi order as a caption's line is
(:func:`.draw._draw_line`): a Japanese or Arabic file name is drawn, not shown as boxes or refused.  No wrapping: a
line too wide is cut with "...".  Pure image work.
"""

from __future__ import annotations

from PIL import Image

from ...settings import CaptionSettings
from ...subtitles.model import Run
from ..fonts import FontChoice, load_font
from .bidi import paragraph_level
from .draw import _draw_line, _Fonts, _max_into

__all__ = ["TextLine"]

_CUT = "..."


class TextLine:
    """``text`` at ``size`` pixels in the faces that have its characters (``font``: the face asked for, with fallbacks
    for what it lacks).  The faces are chosen when it is made: text no installed face has is a
    :class:`~clipkit.errors.UsageError` then, before any work."""

    def __init__(self, text: str, size: int, *, font: str | None = None, bold: bool = False, lang: str | None = None):
        self.text, self.size, self.bold = text, size, bold
        self._fonts = _Fonts(text + _CUT, CaptionSettings(font=font), lang)  # the cut's dots too
        self._fonts.plan(bold, False)
        self._measure = self._fonts.measure_at(size)
        self.ascent, self.descent = self._extent()

    def _extent(self) -> tuple[int, int]:
        """Pixels the line reaches above and below its baseline: its primary face's ascent and descent, or more where
        its ink does — a fallback face is drawn at the primary's cap height, and a Devanagari or Thai face's marks reach
        well above and below a Latin face's (a stacked Thai tone mark, a Devanagari vowel sign under a conjunct).
        Measured on the line as drawn (with the cut's dots: a cut line reaches no further)."""
        ascent, descent = load_font(self._fonts.regular, self.size).getmetrics()
        text = self.text + _CUT
        for fill, _outline, _advance, pad, piece_ascent in _draw_line((Run(text, self.bold),), self._fonts, self.size, 0,
                                                                    paragraph_level(text)):
            box = fill.getbbox()
            if box:  # the piece's baseline is pad + piece_ascent down its mask
                ascent = max(ascent, pad + piece_ascent - box[1])
                descent = max(descent, box[3] - pad - piece_ascent)
        return ascent, descent

    @property
    def height(self) -> int:
        """Pixels from the line's top to its bottom: every face's ink on it fits (:meth:`_extent`)."""
        return self.ascent + self.descent

    @property
    def faces(self) -> tuple[FontChoice, ...]:
        """Every face the line may be drawn from, the primary first."""
        return self._fonts.faces

    def notes(self, what: str) -> list[str]:
        """A given font without some of the line's characters: which faces drew them (``what``: "the title")."""
        return self._fonts.notes(what)

    def width(self, text: str | None = None) -> float:
        return self._measure(Run(self.text if text is None else text, self.bold))

    def fit(self, max_width: float) -> str:
        """The text, cut with "..." so that it fits in ``max_width`` pixels."""
        text = self.text
        if self.width(text) <= max_width:
            return text
        while text and self.width(text + _CUT) > max_width:
            text = text[:-1]
        return text.rstrip() + _CUT

    def draw(self, canvas: Image.Image, xy: tuple[int, int], fill: tuple[int, int, int], max_width: float) -> None:
        """Draw the line (cut to ``max_width``) on ``canvas`` (RGB) in ``fill``, its top-left at ``xy``."""
        text = self.fit(max_width)
        if not text:
            return
        pieces = _draw_line((Run(text, self.bold),), self._fonts, self.size, 0, paragraph_level(text))
        mask = Image.new("L", canvas.size, 0)
        x, baseline = xy[0], xy[1] + self.ascent
        for fill_mask, _outline, advance, pad, ascent in pieces:  # each piece on the line's baseline
            _max_into(mask, fill_mask, x - pad, baseline - ascent - pad)
            x += advance
        canvas.paste(Image.new("RGB", canvas.size, fill), (0, 0), mask)
