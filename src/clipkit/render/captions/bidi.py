"""Right-to-left text in a line drawn in pieces: the Unicode bidirectional algorithm's levels and visual order.

A caption line drawn with one face is laid out by Raqm (FriBidi inside Pillow), which orders it itself.  A line
drawn in pieces (several faces, or bold/italic runs) needs the order of the pieces: :func:`levels` gives each
character its embedding level (UAX #9 rules P2–P3, W1–W7, N1–N2, I1–I2, L1) and :func:`visual_order` the order
pieces of one level each are shown in, left to right (L2), bracket pairs included (N0, BD16).  Explicit
embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are not applied: they are skipped like boundary
neutrals (X9); the marks U+200E/U+200F/U+061C are ordinary strong characters and work.
"""

from __future__ import annotations

import unicodedata

__all__ = ["paragraph_level", "levels", "visual_order"]

_STRONG = {"L": 0, "R": 1, "AL": 1}
_EXPLICIT = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI", "BN"}
_NEUTRAL = {"B", "S", "WS", "ON"}
# Bidi_Paired_Bracket pairs (Unicode's BidiBrackets.txt: the ASCII, CJK, full-width and mathematical ones)
_PAIRS = "()[]{}༺༻༼༽᚛᚜⁅⁆⁽⁾₍₎⌈⌉⌊⌋" \
    "〈〉❨❩❪❫❬❭❮❯❰❱❲❳❴❵⟅⟆" \
    "⟦⟧⟨⟩⟪⟫⟬⟭⟮⟯⦃⦄⦅⦆⦇⦈⦉⦊" \
    "⦋⦌⦍⦎⦏⦐⦑⦒⦓⦔⦕⦖⦗⦘⧘⧙⧚⧛" \
    "⧼⧽⸢⸣⸤⸥⸦⸧⸨⸩〈〉《》「」『』" \
    "【】〔〕〖〗〘〙〚〛﹙﹚﹛﹜﹝﹞（）" \
    "［］｛｝｟｠｢｣"
_OPENS = {_PAIRS[k]: _PAIRS[k + 1] for k in range(0, len(_PAIRS), 2)}
_CLOSES = set(_OPENS.values()) | {"〉"}
_CANONICAL = {"〈": "〈", "〉": "〉"}  # the angle brackets that are the same character


def _bracket_pairs(chars: list[str], t: list[str]) -> list[tuple[int, int]]:
    """Positions of the paired brackets (BD16), sorted by the opening one; only brackets still neutral (ON)."""
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for k, ch in enumerate(chars):
        if t[k] != "ON":
            continue
        ch = _CANONICAL.get(ch, ch)
        if ch in _OPENS:
            if len(stack) == 63:
                break
            stack.append((_CANONICAL.get(_OPENS[ch], _OPENS[ch]), k))
        elif ch in _CLOSES:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == ch:
                    pairs.append((stack[depth][1], k))
                    del stack[depth:]
                    break
    return sorted(pairs)


def _strong(kind: str) -> str | None:
    """L or R for the neutral rules (numbers count as R), else None."""
    return "L" if kind == "L" else "R" if kind in ("R", "AN", "EN") else None


def paragraph_level(text: str) -> int:
    """1 when the first strong character is right to left (Hebrew, Arabic), else 0 (P2–P3)."""
    for ch in text:
        kind = _STRONG.get(unicodedata.bidirectional(ch))
        if kind is not None:
            return kind
    return 0


def levels(text: str, base: int | None = None) -> list[int]:
    """The embedding level of each character of one line (even: left to right, odd: right to left)."""
    n = len(text)
    if not n:
        return []
    base = paragraph_level(text) if base is None else base
    sos = "R" if base % 2 else "L"
    types = [unicodedata.bidirectional(ch) or "L" for ch in text]
    skip = [t in _EXPLICIT for t in types]
    live = [i for i in range(n) if not skip[i]]
    t = [types[i] for i in live]

    # W1: a mark takes the type of what it marks
    for k, kind in enumerate(t):
        if kind == "NSM":
            t[k] = t[k - 1] if k else sos
    # W2: European digits after Arabic letters are Arabic numbers; W3: AL is R
    last = sos
    for k, kind in enumerate(t):
        if kind in ("L", "R", "AL"):
            last = kind
        elif kind == "EN" and last == "AL":
            t[k] = "AN"
    t = ["R" if kind == "AL" else kind for kind in t]
    # W4: one separator between two numbers of a kind joins them
    for k in range(1, len(t) - 1):
        if t[k] == "ES" and t[k - 1] == "EN" and t[k + 1] == "EN":
            t[k] = "EN"
        elif t[k] == "CS" and t[k - 1] == t[k + 1] and t[k - 1] in ("EN", "AN"):
            t[k] = t[k - 1]
    # W5: terminators (%, $) next to European digits are digits
    k = 0
    while k < len(t):
        if t[k] == "ET":
            j = k
            while j < len(t) and t[j] == "ET":
                j += 1
            if (k and t[k - 1] == "EN") or (j < len(t) and t[j] == "EN"):
                t[k:j] = ["EN"] * (j - k)
            k = j
        else:
            k += 1
    # W6: other separators and terminators are neutral
    t = ["ON" if kind in ("ES", "ET", "CS") else kind for kind in t]
    # W7: European digits after left-to-right text are L
    last = sos
    for k, kind in enumerate(t):
        if kind in ("L", "R"):
            last = kind
        elif kind == "EN" and last == "L":
            t[k] = "L"
    # N0: a bracket pair takes the direction of what it encloses: the paragraph's if that is inside, else the
    # other one when the text before the pair has it too
    chars = [text[i] for i in live]
    original = [types[i] for i in live]
    for open_at, close_at in _bracket_pairs(chars, t):
        inside = {_strong(kind) for kind in t[open_at + 1:close_at]} - {None}
        if not inside:
            continue
        # the other direction inside only: it, when the text before the pair is in it too, else the paragraph's
        kind = sos if sos in inside else next((_strong(t[k]) for k in range(open_at - 1, -1, -1) if _strong(t[k])), sos)
        for at in (open_at, close_at):
            t[at] = kind
            k = at + 1
            while k < len(t) and original[k] == "NSM":
                t[k] = kind
                k += 1
    # N1/N2: neutrals between text of one direction take it, else the paragraph's
    k = 0
    while k < len(t):
        if t[k] in _NEUTRAL:
            j = k
            while j < len(t) and t[j] in _NEUTRAL:
                j += 1
            before = sos if k == 0 else ("R" if t[k - 1] in ("R", "AN", "EN") else "L")
            after = sos if j == len(t) else ("R" if t[j] in ("R", "AN", "EN") else "L")
            t[k:j] = [before if before == after else sos] * (j - k)
            k = j
        else:
            k += 1
    # I1/I2
    out = [base] * n
    for k, i in enumerate(live):
        kind = t[k]
        if base % 2 == 0:
            out[i] = base + (1 if kind == "R" else 2 if kind in ("AN", "EN") else 0)
        else:
            out[i] = base + (1 if kind in ("L", "EN", "AN") else 0)
    # skipped characters take the level before them; L1: trailing white space goes back to the paragraph's level
    for i in range(n):
        if skip[i]:
            out[i] = out[i - 1] if i else base
    i = n
    while i and (types[i - 1] in ("WS", "S", "B") or skip[i - 1]):
        i -= 1
        out[i] = base
    return out


def visual_order(run_levels: list[int]) -> list[int]:
    """The indices of runs (each of one level) in the order they are shown, left to right (L2: from the highest
    level down to the lowest odd one, every stretch at that level or above is reversed)."""
    order = list(range(len(run_levels)))
    if not order:
        return order
    top = max(run_levels)
    low_odd = min((lv for lv in run_levels if lv % 2), default=top + 1)
    for level in range(top, low_odd - 1, -1):
        k = 0
        while k < len(order):
            if run_levels[order[k]] >= level:
                j = k
                while j < len(order) and run_levels[order[j]] >= level:
                    j += 1
                order[k:j] = order[k:j][::-1]
                k = j
            else:
                k += 1
    return order
