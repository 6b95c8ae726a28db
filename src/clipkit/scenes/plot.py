"""The HTML report's timeline: the change score along the file, as an inline SVG.

One polyline of the per-frame change score (:attr:`SceneList.timeline`), the
cut threshold as a dashed line, every cut kept as a red line, fades and
dissolves as shaded spans and flashes as small marks — so a reader sees why a
boundary was or was not found.  Pure text, no JavaScript; every label is
escaped.
"""

from __future__ import annotations

import math
from fractions import Fraction
from html import escape

from ..timecode import format_time
from .model import SceneList

__all__ = ["timeline_svg"]

WIDTH, HEIGHT = 1000, 180
_LEFT, _RIGHT, _TOP, _BOTTOM = 36, 10, 10, 22
_COLOURS = {"dissolve": "#3b82f6", "fade": "#6b7280", "fade-in": "#6b7280", "fade-out": "#6b7280", "blank": "#111827"}


def _ticks(span: float) -> float:
    """A tick spacing in seconds giving about 8 ticks."""
    for step in (0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600):
        if span / step <= 10:
            return step
    return 7200


def timeline_svg(found: SceneList, threshold: float | None = None) -> str:
    """An ``<svg>`` element plotting ``found.timeline`` (empty text when there is none)."""
    if not found.timeline or found.end <= found.start:
        return ""
    if threshold is None:
        try:
            threshold = float(found.settings.get("threshold", 35))
        except (TypeError, ValueError):
            threshold = 35.0
    t0, t1 = found.start, found.end
    span = float(t1 - t0)
    top = max(2 * threshold, max(v for _, v in found.timeline), 1.0)
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM

    def x(t: Fraction) -> float:
        return _LEFT + plot_w * float(Fraction(t) - t0) / span

    def y(v: float) -> float:
        return _TOP + plot_h * (1 - min(v, top) / top)

    parts = [f'<svg class="timeline" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
             f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="tl-title">',
             f'<title id="tl-title">Change score along {escape(found.source.name)}: threshold {threshold:g}, '
             f'{len(found.cuts)} cut{"" if len(found.cuts) == 1 else "s"}, '
             f'{len(found.transitions)} transition{"" if len(found.transitions) == 1 else "s"}</title>',
             f'<rect x="{_LEFT}" y="{_TOP}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#ccc"/>']
    for tr in found.transitions:
        colour = _COLOURS.get(tr.kind, "#6b7280")
        x0, x1 = x(tr.start), x(tr.end)
        parts.append(f'<rect class="transition" x="{x0:.1f}" y="{_TOP}" width="{max(x1 - x0, 1.5):.1f}" height="{plot_h}" '
                     f'fill="{colour}" fill-opacity="0.22"><title>{escape(tr.kind)} {escape(format_time(tr.start))}'
                     f' – {escape(format_time(tr.end))}</title></rect>')
    step = _ticks(span)
    k = math.ceil(float(t0) / step)
    while k * step <= float(t1):
        tx = x(Fraction(k * step).limit_denominator(1000))
        parts.append(f'<line x1="{tx:.1f}" y1="{_TOP + plot_h}" x2="{tx:.1f}" y2="{_TOP + plot_h + 4}" stroke="#888"/>'
                     f'<text x="{tx:.1f}" y="{HEIGHT - 6}" font-size="11" text-anchor="middle" fill="#555">'
                     f'{escape(format_time(Fraction(k * step).limit_denominator(1000)))}</text>')
        k += 1
    points = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in found.timeline)
    parts.append(f'<polyline class="score" points="{points}" fill="none" stroke="#222" stroke-width="1"/>')
    ty = y(threshold)
    parts.append(f'<line class="threshold" x1="{_LEFT}" y1="{ty:.1f}" x2="{WIDTH - _RIGHT}" y2="{ty:.1f}" stroke="#d97706" '
                 f'stroke-dasharray="5 4"/><text x="{_LEFT - 4}" y="{ty + 4:.1f}" font-size="11" text-anchor="end" '
                 f'fill="#d97706">{threshold:g}</text>')
    for c in found.cuts:
        cx = x(c.time)
        parts.append(f'<line class="cut" x1="{cx:.1f}" y1="{_TOP}" x2="{cx:.1f}" y2="{_TOP + plot_h}" stroke="#dc2626" '
                     f'stroke-width="1.5"><title>cut at {escape(format_time(c.time))} (score {c.score:.0f})</title></line>')
    for f in found.flashes:
        fx = x(f.start)
        parts.append(f'<circle class="flash" cx="{fx:.1f}" cy="{_TOP + 6}" r="3" fill="#eab308">'
                     f'<title>flash at {escape(format_time(f.start))} (not a cut)</title></circle>')
    parts.append("</svg>")
    return "".join(parts)
