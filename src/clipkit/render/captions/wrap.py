"""Caption layout: breaking styled lines to a width, and fitting a cue in the line limit.

Lines break after spaces and between CJK characters, never before closing
punctuation nor after an opening bracket (「, （); a word wider than the line is broken between characters, never
inside one written as a unit (a letter and its marks, a conjunct, an emoji sequence).
:func:`fit_lines` shrinks the font down to the minimum size before cutting
anything, and cuts (with an ellipsis and a note) only subtitle lines — a
typed caption that cannot fit is an error.  Measuring is the caller's
(a ``measure_at(size) -> measure(run)`` function), so nothing here draws.
"""

from __future__ import annotations

import unicodedata
from typing import Callable

from ...errors import UsageError, option
from ...language import is_cjk
from ...settings import CaptionSettings
from ...subtitles.model import Cue, Run

__all__ = ["wrap_runs", "fit_lines", "line_text", "direction", "join_runs"]

Measure = Callable[[Run], float]

# Characters a line must not start with (closing punctuation), CJK and Latin.
# Characters a line must not end with (opening brackets and quotes), CJK and full width.
_NO_LINE_END = set("「『（【〈《〔｛〘〖［｢“‘")
_NO_LINE_START = set("、。，．・：；？！ー）」』】〉》〕｝〙〗”’!?,.:;)]}…ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")


def line_text(line: tuple[Run, ...]) -> str:
    return "".join(r.text for r in line)


def direction(text: str) -> str | None:
    """``"rtl"`` when the first strong character is right-to-left (Hebrew, Arabic), else None."""
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi in ("R", "AL"):
            return "rtl"
        if bidi == "L":
            return None
    return None


def _stays_after(atom: str) -> bool:
    """Whether a line must not start with ``atom``: it opens with closing punctuation and is not a word of its own.
    A Latin word written with its punctuation in front (``…and``, ``../notes``) starts a line like any word (kept
    on the line before, it ran past the frame's edge); a lone ``?`` or ``…`` and CJK ``。``, ``ー`` stay after."""
    return atom[0] in _NO_LINE_START and (is_cjk(atom[0]) or not any(ch.isalnum() for ch in atom))


def _joins_previous(prev: str, ch: str) -> bool:
    """Whether ``ch`` belongs to the character before it on screen (no line break between them): a combining
    mark or vowel sign (Thai ``ู``, Devanagari ``ि``), a variation selector, a skin-tone modifier, a zero-width
    joiner and what it joins, a consonant after a virama (a conjunct), a Thai/Lao vowel written before its
    consonant (``เ``, ``ไ``)."""
    return (unicodedata.category(ch) in ("Mn", "Mc", "Me") or ch == "\u200d" or prev == "\u200d"
            or 0x1F3FB <= ord(ch) <= 0x1F3FF or unicodedata.combining(prev) == 9
            or 0x0E40 <= ord(prev) <= 0x0E44 or 0x0EC0 <= ord(prev) <= 0x0EC4)


def _clusters(text: str) -> list[str]:
    """``text`` in the pieces a line may break between (each character with what joins it, _joins_previous)."""
    out: list[str] = []
    for ch in text:
        if out and _joins_previous(out[-1][-1], ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _atoms(line: tuple[Run, ...]) -> list[Run]:
    """Break units: a word with its trailing spaces, or one CJK character."""
    out: list[Run] = []
    for run in line:
        buf = ""
        for ch in run.text:
            opened = bool(buf) and buf[-1] in _NO_LINE_END  # 「 and （ stay with what follows them
            if is_cjk(ch) and ch not in _NO_LINE_START and not opened:
                if buf:
                    out.append(Run(buf, run.bold, run.italic))
                buf = ch
                continue
            if buf and not buf[-1].isspace() and ch not in _NO_LINE_START and not opened and (
                is_cjk(buf[-1]) and not ch.isspace()
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


def join_runs(runs: list[Run]) -> tuple[Run, ...]:
    """Runs of one line merged where their style is the same, the line's ends stripped."""
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


def wrap_runs(lines, width: float, measure: Measure) -> list[tuple[Run, ...]]:
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
            if current and current_w + w > width and not _stays_after(atom.text):
                result.append(join_runs(current))
                current, current_w = [], 0.0
            if not current and w > width and len(atom.text.strip()) > 1:
                # a single word wider than the line: split it by characters
                piece = ""
                for ch in _clusters(atom.text):  # never between a letter and its mark (a Thai line has no spaces)
                    if piece and measure(Run(piece + ch, atom.bold, atom.italic)) > width:
                        result.append(join_runs([Run(piece, atom.bold, atom.italic)]))
                        piece = ""
                    piece += ch
                current = [Run(piece, atom.bold, atom.italic)]
                current_w = measure(current[0])
                continue
            current.append(atom)
            current_w += measure(atom)
        if current:
            result.append(join_runs(current))
    return result


def fit_lines(cue: Cue, measure_at: Callable[[int], Measure], settings: CaptionSettings, frame_w: int,
              strict: bool) -> tuple[int, list[tuple[Run, ...]], list[str]]:
    """Font size and wrapped lines within the line limit; notes say what was cut."""
    max_w = max(8, int(frame_w * (1 - 2 * settings.caption_margin)))
    size = max(6, int(round(settings.caption_size * frame_w)))
    min_size = max(6, min(size, int(round(settings.caption_min_size * frame_w))))
    limit = settings.caption_max_lines
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
            # (the page says the first part only: it has no spans)
            f"shorten it or make the output wider ({option('width')}), or split it into spans with {option('caption_at')}",
        )
    # each line of the cue keeps a line of its own (two speakers: the reply is not dropped for the question's end);
    # lines to spare go to the first that need them
    parts = [wrap_runs([source], max_w, measure) for source in cue.lines] if len(cue.lines) <= limit else [lines]
    spare = limit - len(parts) if len(parts) > 1 else limit - 1
    kept: list[tuple[Run, ...]] = []
    cuts: list[str] = []
    for part in parts:
        share = 1 + min(spare, len(part) - 1)
        spare -= share - 1
        kept += part[:share]
        if len(part) > share:
            kept[-1] = _ellipsized(kept[-1], measure, max_w)
            cuts.append(" ".join(line_text(ln) for ln in part[share:]))
    note = f"caption at {float(cue.start):.2f}s cut to {limit} line{'' if limit == 1 else 's'}; left out: {' / '.join(cuts)!r}"
    return size, kept, [note]


def _ellipsized(line: tuple[Run, ...], measure: Measure, max_w: int) -> tuple[Run, ...]:
    """``line`` shortened until it fits ``max_w`` with ``…`` after it."""
    last = list(line)
    ell = Run("…", last[-1].bold if last else False, last[-1].italic if last else False)
    while last and measure(Run(line_text(tuple(last)) + "…")) > max_w:
        tail = last[-1]
        if len(tail.text) <= 1:
            last.pop()
        else:
            last[-1] = Run(tail.text[:-1], tail.bold, tail.italic)
    return join_runs(last + [ell])
