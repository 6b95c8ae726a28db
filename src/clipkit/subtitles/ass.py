"""ASS/SSA event text → styled lines, and parsed subtitle events → cues.

pysubs2 gives every format (SRT and VTT too) as ASS events; this module
reads their override tags: ``\\N`` breaks, ``\\i``/``\\b`` styles, ``\\an``
placement, ``\\r`` resets, drawings dropped, everything else stripped.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from fractions import Fraction

from .model import Cue, Run

__all__ = ["parse_ass_text", "cues_from_events", "srt_unescape"]

_BLOCK_RE = re.compile(r"\{([^}]*)\}")
_TAG_RE = re.compile(r"\\(\d?[a-zA-Z]+)(\([^)]*\)|[^\\]*)")
#: The markup of SRT and WebVTT cue text, and only that: ``<i>`` ``<b>`` ``<u>`` ``<s>`` ``<c>`` ``<ruby>`` ``<rt>``
#: (WebVTT adds classes: ``<c.yellow>``), ``<v Anna>`` and ``<lang en>`` (WebVTT's annotated tags), ``<font …>``,
#: their closers and WebVTT's karaoke timestamps ``<00:01.500>``.  Any other ``<`` is the dialogue's own text:
#: ``< y >``, ``a < b and c > d``, ``<3``, ``<i love you>`` are shown as written.
_HTML_RE = re.compile(r"<(?P<close>/?)(?P<name>i|b|u|s|c|ruby|rt)(?:\.[\w.-]*)?\s*>"
                      r"|<(?:v|lang)(?:\.[\w.-]*)?(?:\s[^<>\n]*)?>|</(?:v|lang)\s*>"
                      r"|<font(?:\s[^<>\n]*)?>|</font\s*>|<\d+:\d+[:.\d]*>", re.IGNORECASE)


#: The HTML character references SRT files from the web carry ("Tom &amp; Jerry"): SRT defines none, so only these
#: common ones are read (and numeric ones, ``&#39;``); WebVTT defines them all (``html.unescape``).
_SRT_REFERENCE = re.compile(r"&(?:(amp|lt|gt|quot|apos|nbsp)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_SRT_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": "\u00a0"}


def _srt_reference(m: re.Match) -> str:
    if m.group(1):
        return _SRT_NAMED[m.group(1)]
    code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return m.group(0)  # no character: kept as written
    return chr(code)


def srt_unescape(text: str) -> str:
    """SRT text with its common HTML character references read: ``&amp;`` → ``&``, ``&lt;`` → ``<``, ``&#39;`` →
    ``'``, ``&nbsp;`` → a no-break space; any other ``&…;`` is kept as written.  The result is text (escaped
    again where it lands: a snippet's HTML)."""
    return _SRT_REFERENCE.sub(_srt_reference, text) if "&" in text else text


def _markup_as_ass(m: re.Match) -> str:
    """An SRT/WebVTT tag → its ASS override (``<i>`` → ``{\\i1}``, ``</b>`` → ``{\\b0}``), or nothing."""
    name = (m.group("name") or "").lower()
    if name in ("i", "b"):
        return "{\\" + name + ("0" if m.group("close") else "1") + "}"
    return ""


def _flag(value: str, default_on: bool) -> bool:
    value = value.strip()
    if not value:
        return default_on
    try:
        return int(value) != 0 if int(value) in (0, 1) else int(value) >= 600
    except ValueError:
        return default_on


def parse_ass_text(text: str, *, bold: bool = False, italic: bool = False, top: bool = False) -> tuple[tuple[tuple[Run, ...], ...], bool]:
    """ASS/SSA event text (as pysubs2 gives it, also for SRT/VTT) → ``(lines, top)``.

    ``\\N`` is a line break, ``\\n`` and ``\\h`` are spaces; ``\\i`` and ``\\b``
    switch italic/bold; ``\\an7-9`` (or legacy ``\\a5-7``) put it at the top,
    ``\\an1-3`` at the bottom; ``\\r`` resets; drawings (``\\p1``) are dropped;
    every other override tag is stripped; SRT/WebVTT markup (``<i>``, ``<font …>``, ``<c.yellow>``…) is read or
    stripped, and any other ``<`` is text; empty lines are left out.
    """
    text = _HTML_RE.sub(_markup_as_ass, text.replace("\r\n", "\n").replace("\r", "\n"))
    base_bold, base_italic = bold, italic
    lines: list[list[Run]] = [[]]
    drawing = False
    pos = 0

    def emit(chunk: str) -> None:
        if drawing or not chunk:
            return
        chunk = chunk.replace("\\h", "\u00a0").replace("\\n", " ")
        parts = re.split(r"\\N|\n", chunk)
        for i, part in enumerate(parts):
            if i:
                lines.append([])
            if part:
                line = lines[-1]
                if line and line[-1].bold == bold and line[-1].italic == italic:
                    line[-1] = Run(line[-1].text + part, bold, italic)
                else:
                    line.append(Run(part, bold, italic))

    for m in _BLOCK_RE.finditer(text):
        emit(text[pos:m.start()])
        pos = m.end()
        for tag, arg in _TAG_RE.findall(m.group(1)):
            name = tag.lower()
            if name == "i":  # a bare \i or \b goes back to the line's style, as libass reads it
                italic = _flag(arg, True) if arg.strip() else base_italic
            elif name == "b":
                bold = _flag(arg, True) if arg.strip() else base_bold
            elif name == "an" and arg.strip()[:1].isdigit():
                top = int(arg.strip()[:1]) >= 7
            elif name == "a" and arg.strip().isdigit():  # legacy SSA alignment: 5-7 top
                top = int(arg.strip()) in (5, 6, 7)
            elif name == "r":
                bold, italic = base_bold, base_italic
            elif name == "p" and arg.strip().isdigit():
                drawing = int(arg.strip()) > 0
    emit(text[pos:])
    cleaned: list[tuple[Run, ...]] = []
    for line in lines:
        runs = [Run(re.sub(r"[ \t]+", " ", r.text), r.bold, r.italic) for r in line]
        if runs:
            runs[0] = replace(runs[0], text=runs[0].text.lstrip())
            runs[-1] = replace(runs[-1], text=runs[-1].text.rstrip())
        runs = [r for r in runs if r.text]
        if runs:  # an empty line (a blank line inside an SRT cue, "\N\N") would only use up the line limit
            cleaned.append(tuple(runs))
    return tuple(cleaned), top


def cues_from_events(subs) -> list[Cue]:
    """A parsed ``pysubs2.SSAFile`` → cues in time order (comments, empty events and exact repeats left out)."""
    cues: list[Cue] = []
    # WebVTT text escapes & < > as &amp; &lt; &gt; (and &nbsp; …); SRT from the web often does too
    unescape = {"vtt": html.unescape, "srt": srt_unescape}.get(getattr(subs, "format", None))
    for ev in subs.events:
        if getattr(ev, "is_comment", False) or ev.end <= ev.start:
            continue
        style = subs.styles.get(ev.style) if hasattr(subs, "styles") else None
        bold = bool(style and style.bold)
        italic = bool(style and style.italic)
        top = bool(style and int(getattr(style, "alignment", 2)) >= 7)
        lines, top = parse_ass_text(ev.text, bold=bold, italic=italic, top=top)
        if unescape:  # after the tags are read: an escaped "&lt;i&gt;" is text, not a tag
            lines = tuple(tuple(replace(r, text=unescape(r.text)) for r in line) for line in lines)
        if not any(lines):
            continue  # an empty event: nothing to show
        cues.append(Cue(Fraction(ev.start, 1000), Fraction(ev.end, 1000), lines, top))
    cues.sort(key=lambda c: (c.start, c.end))
    return list(dict.fromkeys(cues))  # a cue written twice (a merged or re-saved file) was drawn twice, stacked
