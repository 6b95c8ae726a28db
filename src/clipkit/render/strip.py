"""Laying out a thumbnail strip or contact sheet: pure image work, no file I/O.

A strip is ``rows × cols`` tiles of one size, ``gap`` pixels apart, inside a
``margin``, under an optional header (title and the file's facts), on a
background colour.  Tiles may have rounded corners and a border; each may
carry a label (its time) in a corner.  The whole image is exactly ``width``
pixels wide: the tile width is what is left after margins and gaps, and the
few pixels that do not divide evenly go to the side margins.

Fonts arrive loaded (``PIL.ImageFont`` objects from :mod:`clipkit.render.fonts`),
so the text's coverage has already been checked by the caller.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageColor, ImageDraw

from ..errors import UsageError, option
from ..timecode import format_time

if TYPE_CHECKING:
    from .captions.line import TextLine

__all__ = [
    "LAYOUTS",
    "LABEL_POSITIONS",
    "StripLayout",
    "Header",
    "grid_shape",
    "plan_layout",
    "header_height",
    "parse_color",
    "render_strip",
    "label_size",
    "tile_label",
    "tile_labels",
]

from ..settings import STRIP_DEFAULT_COUNT as DEFAULT_COUNT  # noqa: E402 - the defaults live in settings
from ..settings import STRIP_LABEL_POSITIONS as LABEL_POSITIONS  # noqa: E402
from ..settings import STRIP_LAYOUTS as LAYOUTS  # noqa: E402
from ..settings import DEFAULT_STRIP


@dataclass(frozen=True)
class StripLayout:
    """Where every tile goes.  All sizes in pixels."""

    count: int
    cols: int
    rows: int
    tile_width: int
    tile_height: int
    gap: int
    left: int  # x of the first column
    top: int  # y of the first row (below the header)
    header_height: int
    width: int
    height: int

    def tile_box(self, i: int) -> tuple[int, int, int, int]:
        """``(x, y, width, height)`` of tile ``i`` (row by row, left to right)."""
        if not 0 <= i < self.count:
            raise IndexError(i)
        r, c = divmod(i, self.cols)
        return (self.left + c * (self.tile_width + self.gap), self.top + r * (self.tile_height + self.gap),
                self.tile_width, self.tile_height)


def _positive(name: str, value: int | None) -> None:
    if value is not None and value <= 0:
        raise UsageError(f"{option(name, value)}: must be 1 or more", f"give a positive number of tiles for {option(name)}")


def grid_shape(layout: str, count: int | None = None, cols: int | None = None, rows: int | None = None) -> tuple[int, int, int]:
    """``(count, cols, rows)`` from what the user gave; raises :class:`UsageError` for zero/negative or clashing values.

    ``row`` is one row of ``count`` tiles, ``column`` one column; ``grid``
    fills ``cols × rows`` (from whichever are given; with only a count, as
    square as possible, wider than tall).
    """
    if layout not in LAYOUTS:
        raise UsageError(f"unknown layout {layout!r}", f"use one of: {', '.join(LAYOUTS)}")
    _positive("count", count)
    _positive("cols", cols)
    _positive("rows", rows)
    if layout == "row":
        if rows not in (None, 1):
            raise UsageError(f"a row layout has one row, not {rows}", f"use {option('layout', 'grid')} for several rows")
        n = count or cols or DEFAULT_COUNT["row"]
        if cols is not None and cols != n:
            raise UsageError(f"{option('cols', cols)} and {option('count', n)} disagree for a row", "give one of them")
        return n, n, 1
    if layout == "column":
        if cols not in (None, 1):
            raise UsageError(f"a column layout has one column, not {cols}", f"use {option('layout', 'grid')} for several columns")
        n = count or rows or DEFAULT_COUNT["column"]
        if rows is not None and rows != n:
            raise UsageError(f"{option('rows', rows)} and {option('count', n)} disagree for a column", "give one of them")
        return n, 1, n
    if cols and rows:
        n = count or cols * rows
        if n > cols * rows:
            raise UsageError(f"{n} tiles do not fit in {cols} columns × {rows} rows", f"drop {option('count')}, or add rows or columns")
        if n <= (rows - 1) * cols:
            raise UsageError(f"{n} tiles leave the last of {rows} rows empty", f"use {option('rows', math.ceil(n / cols))}")
        return n, cols, rows
    n = count or DEFAULT_COUNT["grid"]
    if cols:
        return n, cols, math.ceil(n / cols)
    if rows:
        return n, math.ceil(n / rows), rows
    c = math.ceil(math.sqrt(n))
    return n, c, math.ceil(n / c)


def plan_layout(
    count: int,
    cols: int,
    rows: int,
    *,
    width: int,
    aspect: Fraction,
    gap: int = DEFAULT_STRIP.gap,
    margin: int | None = None,
    header_height: int = 0,
) -> StripLayout:
    """Tile size and positions for an image exactly ``width`` pixels wide.

    ``aspect`` is the video's display aspect (width / height); tiles keep it.
    """
    margin = gap if margin is None else margin
    if gap < 0 or margin < 0:
        raise UsageError("gaps and margins cannot be negative", "use 0 or more pixels")
    inner = width - 2 * margin - (cols - 1) * gap
    tile_w = inner // cols
    if tile_w < 16:
        raise UsageError(
            f"{cols} tiles across do not fit in {width} px (each would be {max(tile_w, 0)} px wide)",
            f"use a wider image ({option('width', cols * 120 + 2 * margin + (cols - 1) * gap)}) or fewer columns",
        )
    tile_h = max(2, round(tile_w / Fraction(aspect)))
    spare = inner - tile_w * cols
    left = margin + spare // 2
    top = header_height + margin
    height = top + rows * tile_h + (rows - 1) * gap + margin
    return StripLayout(count, cols, rows, tile_w, tile_h, gap, left, top, header_height, width, height)


def parse_color(text: str) -> tuple[int, int, int]:
    """``#rrggbb``, ``#rgb``, ``rrggbb`` or a colour name → RGB; :class:`UsageError` if not a colour."""
    value = text.strip()
    if len(value) in (3, 6) and all(ch in "0123456789abcdefABCDEF" for ch in value):
        value = "#" + value
    try:
        rgb = ImageColor.getrgb(value)
    except ValueError:
        raise UsageError(f"{text!r} is not a colour", "use #rrggbb (e.g. #101010) or a name such as black or white") from None
    return tuple(rgb[:3])  # type: ignore[return-value]


def _text_colour(background: tuple[int, int, int]) -> tuple[int, int, int]:
    luma = 0.299 * background[0] + 0.587 * background[1] + 0.114 * background[2]
    return (20, 20, 20) if luma > 140 else (240, 240, 240)


@dataclass(frozen=True)
class Header:
    """The header above the tiles: a title line and a line of file facts (the file's name among them), each
    drawn in the faces that have its characters, as a caption is (:class:`~clipkit.render.captions.line.TextLine`)."""

    title: TextLine
    facts: TextLine | None


def header_height(header: Header | None, margin: int) -> int:
    """Pixels the header takes at the top (0 without one)."""
    if header is None:
        return 0
    facts = header.facts.height if header.facts else 0
    return margin + header.title.height + facts + max(4, (header.facts or header.title).height // 3)


def _tile_mask(w: int, h: int, radius: int) -> Image.Image | None:
    if radius <= 0:
        return None
    # Drawn at 4× and shrunk: smooth corners.
    big = Image.new("L", (w * 4, h * 4), 0)
    ImageDraw.Draw(big).rounded_rectangle((0, 0, w * 4 - 1, h * 4 - 1), radius=radius * 4, fill=255)
    return big.resize((w, h), Image.Resampling.LANCZOS)


def _draw_label(tile: Image.Image, text: str, font, position: str) -> Image.Image:
    """``text`` in white on a translucent dark box in one corner of ``tile``."""
    w, h = tile.size
    overlay = Image.new("RGBA", tile.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    tw, th = right - left, bottom - top
    pad_x, pad_y = max(3, th // 3), max(2, th // 4)
    inset = max(2, min(w, h) // 40)
    box_w, box_h = tw + 2 * pad_x, th + 2 * pad_y
    x = inset if position.endswith("left") else w - inset - box_w
    y = inset if position.startswith("top") else h - inset - box_h
    draw.rounded_rectangle((x, y, x + box_w, y + box_h), radius=max(2, box_h // 5), fill=(0, 0, 0, 165))
    draw.text((x + pad_x - left, y + pad_y - top), text, font=font, fill=(255, 255, 255, 255))
    return Image.alpha_composite(tile.convert("RGBA"), overlay).convert("RGB")


def render_strip(
    tiles: Sequence[np.ndarray | Image.Image],
    layout: StripLayout,
    *,
    background: tuple[int, int, int] = (16, 16, 16),
    radius: int = 0,
    border: int = 0,
    border_color: tuple[int, int, int] = (255, 255, 255),
    labels: Sequence[str] | None = None,
    label_font=None,
    label_position: str = "bottom-right",
    header: Header | None = None,
    margin: int | None = None,
) -> Image.Image:
    """Compose the tiles (RGB arrays or images, any size: each is fitted to the tile) into one RGB image."""
    if len(tiles) != layout.count:
        raise ValueError(f"{len(tiles)} tiles for a layout of {layout.count}")
    if labels is not None and len(labels) != layout.count:
        raise ValueError("one label per tile")
    if label_position not in LABEL_POSITIONS:
        raise UsageError(f"unknown label position {label_position!r}", f"use one of: {', '.join(LABEL_POSITIONS)}")
    margin = layout.gap if margin is None else margin
    canvas = Image.new("RGB", (layout.width, layout.height), background)
    tw, th = layout.tile_width, layout.tile_height
    radius = max(0, min(radius, min(tw, th) // 2))
    mask = _tile_mask(tw, th, radius)
    for i, tile in enumerate(tiles):
        img = tile if isinstance(tile, Image.Image) else Image.fromarray(np.ascontiguousarray(tile))
        img = img.convert("RGB")
        if img.size != (tw, th):
            img = img.resize((tw, th), Image.Resampling.LANCZOS)
        if border > 0:
            ImageDraw.Draw(img).rounded_rectangle((0, 0, tw - 1, th - 1), radius=radius, outline=border_color, width=border)
        if labels is not None and labels[i] and label_font is not None:
            img = _draw_label(img, labels[i], label_font, label_position)
        x, y, _, _ = layout.tile_box(i)
        canvas.paste(img, (x, y), mask)
    if header is not None:
        colour = _text_colour(background)
        facts_colour = tuple(int(0.75 * c + 0.25 * b) for c, b in zip(colour, background))
        x, y = layout.left, margin
        room = layout.width - 2 * x
        header.title.draw(canvas, (x, y), colour, room)
        if header.facts:
            header.facts.draw(canvas, (x, y + header.title.height), facts_colour, room)
    return canvas


def label_size(plan: StripLayout) -> int:
    """The time label's font size for ``plan``'s tiles: about a tenth of a landscape tile's height.

    A tall tile (phone video) is measured as if it were 4:3 of its width, so
    its label stays a corner mark rather than a banner across the picture.
    """
    return max(10, round(min(plan.tile_height, plan.tile_width * 3 / 4) * 0.11))


def tile_label(t: Fraction, style: str = "auto") -> str:
    """The label of a tile at time ``t``: ``12:30`` (whole seconds, as a player shows) or ``12:30.458``."""
    if style == "precise":  # rounded as the note prints it (and as a time typed back reads it: the same frame)
        whole, ms = divmod(round(Fraction(t) * 1000), 1000)
        return f"{format_time(Fraction(whole))}.{ms:03d}"
    return format_time(Fraction(math.floor(t)))


def tile_labels(times: Sequence[Fraction], style: str = "auto") -> list[str]:
    """One label per tile.  ``auto`` is whole seconds unless two tiles are less than a
    second apart (a short file, a busy range): then every label is precise, so none repeats."""
    if style == "auto":
        ordered = sorted(times)
        if any(b - a < 1 for a, b in zip(ordered, ordered[1:])):
            style = "precise"
    return [tile_label(t, style) for t in times]
