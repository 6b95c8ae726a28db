"""Matching a remembered line against the index, and ranking what matched.

1. **Exact**: the folded query is a substring of a folded line (case, accents,
   width, kana and punctuation ignored; spaces too for CJK).  A line split
   over two subtitles matches through the pair of them, unless one alone does.
2. **Fuzzy** (only when nothing matches exactly): lines sharing many
   three-character pieces with the query are scored by how well the query
   aligns with the best stretch of the line (a word or two misremembered
   still scores high); those above :data:`FUZZY_MIN` are kept.

The same moment found in two sources with the same text (an embedded track
and its ``.srt``) is reported once.  Results are ranked by score, then by
episode order and time.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from fractions import Fraction
from pathlib import Path

from ..errors import UsageError
from .fold import compact, fold, has_cjk, trigrams
from .index import DialogueIndex, IndexedLine

__all__ = ["Match", "search", "partial_ratio", "FUZZY_MIN"]

#: The lowest fuzzy score kept (1.0 = the query appears as typed).
FUZZY_MIN = 0.75
#: Short queries need a closer fuzzy match (a few letters match anything).
FUZZY_MIN_SHORT = 0.86
#: How many of the lines sharing the most three-character pieces with the query are aligned with it.
_ALIGNED = 40


@dataclass(frozen=True)
class Match:
    """A line (or two consecutive lines) where the query was found."""

    video: Path
    subs: str  # the --subs value of the source: "track:1", "ep07.en.srt"
    language: str | None
    start: Fraction
    end: Fraction
    text: str  # as written
    score: float  # 1.0: the words as typed; below: fuzzy
    exact: bool
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()


def partial_ratio(query: str, text: str) -> float:
    """How well ``query`` aligns with the best stretch of ``text`` of its length (0–1)."""
    if not query or not text:
        return 0.0
    if len(text) <= len(query):
        return SequenceMatcher(None, query, text, autojunk=False).ratio()
    best = 0.0
    for a, b, size in SequenceMatcher(None, query, text, autojunk=False).get_matching_blocks():
        if not size:
            continue
        start = max(0, min(b - a, len(text) - len(query)))
        best = max(best, SequenceMatcher(None, query, text[start:start + len(query)], autojunk=False).ratio())
        if best == 1.0:
            break
    return best


def _keep_pairs(lines: list[IndexedLine], alone: set[tuple]) -> list[IndexedLine]:
    """Drop a joined pair when one of its two lines matched by itself."""
    out = []
    for ln in lines:
        if ln.n == 2 and ((ln.video, ln.subs, ln.seq) in alone or (ln.video, ln.subs, ln.seq + 1) in alone):
            continue
        out.append(ln)
    return out


def search(index: DialogueIndex, videos: list[Path], query: str, *, subs: str | None = None,
           language: str | None = None, fuzzy: bool = True, context: int = 1,
           limit: int | None = None, fuzzy_min: float | None = None) -> list[Match]:
    """The matches of ``query`` in the indexed lines of ``videos`` (already indexed), best first."""
    q = fold(query)
    if not q:
        raise UsageError(f"{query!r} has nothing to search for once punctuation is ignored", "give a few words of the line")
    cjk = has_cjk(q)
    needle, column = (compact(q), "packed") if cjk else (q, "folded")
    scored: list[tuple[float, bool, IndexedLine]] = []
    found = index.containing(needle, column, videos, subs=subs, language=language)
    if found:
        alone = {(ln.video, ln.subs, ln.seq) for ln in found if ln.n == 1}
        for ln in _keep_pairs(found, alone):
            whole_words = cjk or f" {needle} " in f" {ln.folded} "
            scored.append(((1.0 if whole_words else 0.97) - (0.03 if ln.n == 2 else 0.0), True, ln))
    elif fuzzy:
        target = compact(q)
        floor = fuzzy_min if fuzzy_min is not None else FUZZY_MIN_SHORT if len(target) < 10 else FUZZY_MIN
        pieces = set(trigrams(target))
        candidates = index.sharing(list(pieces), videos, subs=subs, language=language)
        # the close alignment is costly: only for the lines sharing the most pieces with the query
        candidates = sorted(candidates, key=lambda ln: -len(pieces.intersection(trigrams(compact(ln.folded)))))
        candidates = candidates[:_ALIGNED]
        by_line = {ln.row: partial_ratio(target, compact(ln.folded)) for ln in candidates}
        good = [ln for ln in candidates if by_line[ln.row] >= floor]
        singles = {(ln.video, ln.subs, ln.seq): by_line[ln.row] for ln in good if ln.n == 1}
        for ln in good:
            s = by_line[ln.row]
            if ln.n == 2:
                parts = [singles.get((ln.video, ln.subs, ln.seq), 0.0), singles.get((ln.video, ln.subs, ln.seq + 1), 0.0)]
                if max(parts) >= s - 0.02:
                    continue
                s -= 0.01
            scored.append((round(s, 4), False, ln))
    order = {v: i for i, v in enumerate(videos)}
    scored.sort(key=lambda x: (-x[0], order.get(x[2].video, 0), x[2].start, x[2].subs))
    seen: set[tuple] = set()
    out: list[Match] = []
    for score, exact, ln in scored:
        key = (ln.video, ln.start, ln.end, ln.folded)
        if key in seen:
            continue
        seen.add(key)
        before, after = index.neighbours(ln, context, context) if context > 0 else ([], [])
        out.append(Match(ln.video, ln.subs, ln.language, ln.start, ln.end, ln.text, score, exact,
                         tuple(before), tuple(after)))
        if limit is not None and len(out) >= limit:
            break
    return out
