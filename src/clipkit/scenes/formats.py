"""A scene list as text: a table for people, CSV (PySceneDetect ``list-scenes``
columns), JSON for scripts, and an HTML page with a thumbnail per shot.

Pure text: no decoding, no file I/O (thumbnails come in as encoded images).
Every piece of text from outside (file names, paths) is escaped where it lands.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import shlex
from fractions import Fraction
from html import escape

from ..timecode import format_time
from .model import SceneList
from .plot import timeline_svg

__all__ = ["to_table", "to_csv", "to_json", "to_html", "smpte_ms"]


def smpte_ms(t: Fraction) -> str:
    """``HH:MM:SS.mmm``, as PySceneDetect writes timecodes."""
    ms = round(Fraction(t) * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _secs(t: Fraction) -> str:
    return f"{float(t):.3f}"


def to_table(found: SceneList) -> str:
    """Shots as aligned columns; times paste straight into ``clipkit gif``."""
    rows = [("#", "start", "end", "length", "frames")]
    for sc in found.scenes:
        rows.append((str(sc.number), format_time(sc.start), format_time(sc.end), f"{float(sc.duration):.3f}s",
                     f"{sc.start_frame}–{sc.end_frame - 1}"))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(cell.rjust(w) if i in (0, 3) else cell.ljust(w) for i, (cell, w) in enumerate(zip(r, widths))).rstrip()
             for r in rows]
    for t in found.transitions:
        extra = f" (blank {format_time(t.blank[0])}–{format_time(t.blank[1])})" if t.blank else ""
        lines.append(f"{t.kind:<9} {format_time(t.start)}–{format_time(t.end)}{extra}")
    return "\n".join(lines)


def to_csv(found: SceneList, *, cut_list: bool = True) -> str:
    """PySceneDetect ``list-scenes`` CSV: an optional ``Timecode List:`` row, then one row
    per shot.  As there, frame numbers are 1-based and the end frame is inclusive."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    if cut_list:
        w.writerow(["Timecode List:", *[smpte_ms(sc.start) for sc in found.scenes[1:]]])
    w.writerow(["Scene Number", "Start Frame", "Start Timecode", "Start Time (seconds)", "End Frame", "End Timecode",
                "End Time (seconds)", "Length (frames)", "Length (timecode)", "Length (seconds)"])
    for sc in found.scenes:
        w.writerow([sc.number, sc.start_frame + 1, smpte_ms(sc.start), _secs(sc.start), sc.end_frame, smpte_ms(sc.end),
                    _secs(sc.end), sc.frames, smpte_ms(sc.duration), _secs(sc.duration)])
    return out.getvalue()


def to_json(found: SceneList) -> str:
    """Everything found, times in seconds (floats) and as ``clipkit`` timestamps."""
    def tr(t):
        d = {"kind": t.kind, "start": float(t.start), "end": float(t.end), "start_frame": t.start_index,
             "end_frame": t.end_index, "start_timecode": format_time(t.start), "end_timecode": format_time(t.end)}
        if t.blank:
            d["blank"] = [float(t.blank[0]), float(t.blank[1])]
        if t.middle is not None:
            d["middle"] = float(t.middle)
        return d

    data = {
        "source": str(found.source),
        "range": [float(found.start), float(found.end)],
        "frame_rate": float(found.frame_rate) if found.frame_rate else None,
        "frame_rate_exact": str(found.frame_rate) if found.frame_rate else None,
        "variable_frame_rate": found.variable_frame_rate,
        "frames": found.frame_count,
        "scenes": [{"number": sc.number, "start": float(sc.start), "end": float(sc.end), "length": float(sc.duration),
                    "start_frame": sc.start_frame, "end_frame": sc.end_frame,
                    "start_timecode": format_time(sc.start), "end_timecode": format_time(sc.end)} for sc in found.scenes],
        "cuts": [{"time": float(c.time), "frame": c.index, "score": round(c.score, 1)} for c in found.cuts],
        "transitions": [tr(t) for t in found.transitions],
        "flashes": [float(f.start) for f in found.flashes],
        "notes": list(found.notes),
        "settings": {k: _json_value(v) for k, v in found.settings.items()},
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def _json_value(text):
    """A setting as the cache keeps it (its text) back as JSON: true/false, a number, else the text ("1/2")."""
    if text in ("True", "False"):
        return text == "True"
    for kind in (int, float):
        try:
            return kind(text)
        except (TypeError, ValueError):
            pass
    return text


def gif_command(found: SceneList, number: int) -> str:
    """The ``clipkit gif`` command for one shot: the video's path as it was given, quoted
    for a POSIX shell (so it works pasted from another folder too)."""
    sc = found.scenes[number - 1]
    return f"clipkit gif {shlex.quote(str(found.source))} {format_time(sc.start)} {format_time(sc.end)}"


def to_html(found: SceneList, thumbnails: list[bytes] | None = None, *, mime: str = "image/jpeg") -> str:
    """A self-contained page: a timeline of the change score (inline SVG, see
    :mod:`.plot`), then one card per shot with its thumbnail (a data URI), its
    times and the ``clipkit gif`` command that renders it."""
    name = escape(found.source.name)
    cards = []
    for sc in found.scenes:
        img = ""
        if thumbnails and sc.number - 1 < len(thumbnails):
            data = base64.b64encode(thumbnails[sc.number - 1]).decode("ascii")
            img = (f'<img src="data:{mime};base64,{data}" alt="shot {sc.number} at {escape(format_time(sc.start))}" '
                   f'loading="lazy" decoding="async">')
        cards.append(
            f'<figure id="scene-{sc.number}">{img}<figcaption><b>{sc.number}</b> '
            f'{escape(format_time(sc.start))} – {escape(format_time(sc.end))} '
            f'<span>({float(sc.duration):.2f} s, frames {sc.start_frame}–{sc.end_frame - 1})</span>'
            f'<code>{escape(gif_command(found, sc.number))}</code></figcaption></figure>'
        )
    trans = "".join(
        f"<li>{escape(t.kind)} {escape(format_time(t.start))} – {escape(format_time(t.end))}</li>" for t in found.transitions
    )
    notes = "".join(f"<li>{escape(n)}</li>" for n in found.notes)
    svg = timeline_svg(found)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shots of {name}</title>
<style>
body{{font:15px/1.4 system-ui,sans-serif;margin:1.5em;background:#fafafa;color:#222}}
main{{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:14px}}
figure{{margin:0;background:#fff;border:1px solid #ddd;border-radius:6px;overflow:hidden}}
figure img{{display:block;width:100%;height:auto}}
figcaption{{padding:6px 8px}} figcaption span{{color:#666;font-size:90%}}
figure.plot{{margin:0 0 18px;padding:8px;border:1px solid #ddd;border-radius:6px;background:#fff}}
figure.plot figcaption{{color:#555;font-size:90%}}
code{{display:block;margin-top:4px;font-size:85%;background:#f1f1f1;padding:3px 4px;word-break:break-all;user-select:all}}
</style></head>
<body>
<h1>{len(found.scenes)} shots in {name}</h1>
<p>{escape(format_time(found.start))} – {escape(format_time(found.end))}, {found.frame_count} frames. Click a command to select it.</p>
{f'<figure class="plot">{svg}<figcaption>Change from each frame to the next (black), the cut threshold '
   f'(dashed), cuts kept (red), fades and dissolves (shaded), flashes (yellow dots). Hover for times.</figcaption></figure>'
   if svg else ""}
<main>
{chr(10).join(cards)}
</main>
{f"<h2>Transitions</h2><ul>{trans}</ul>" if trans else ""}
{f"<h2>Notes</h2><ul>{notes}</ul>" if notes else ""}
</body></html>
"""
