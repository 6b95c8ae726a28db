"""Where strip tiles come from: the slots of a strip or contact sheet.

Evenly over the episode with the opening and the credits skipped
(``skip_start``/``skip_end`` percent), over a ``range_``, one per shot
(``per_scene``), or the exact moments in ``at``.  Each slot has a target (the
preferred time) and its share of the video, where
:mod:`~clipkit.pipeline.strip_frames` may look for a better frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..errors import TimecodeError, UsageError, option
from ..media.probe import MediaInfo
from ..progress import ProgressFn
from ..scenes.choice import TRANSITION_SPAN
from ..settings import StripSettings
from ..timecode import format_time, parse_range, parse_time

__all__ = ["Slot", "plan_slots", "scene_slots", "parse_range_text"]


@dataclass(frozen=True)
class Slot:
    """Where a tile may come from: ``target`` is preferred; ``[lo, hi)`` is its share of the video."""

    target: Fraction
    lo: Fraction
    hi: Fraction
    exact: bool = False  # the frame on screen at ``target``, no search


def parse_range_text(text: str) -> tuple[str, str]:
    """``"12:00-18:00"`` (or with ``–``, ``..``) → ``("12:00", "18:00")``; the end may be ``+6:00``."""
    for sep in ("..", "–", "—"):
        if sep in text:
            a, _, b = text.partition(sep)
            return a.strip(), b.strip()
    head, sep, tail = text.strip().partition("-")
    if not sep or not head or not tail:
        raise TimecodeError(f"{option('range_', text, flag='--range')} is not a range",
                            f"write it as START-END, e.g. {option('range_', '12:00-18:00', flag='--range')} or 12:00-+6:00")
    return head.strip(), tail.strip()


def _frame_count(span: Fraction, rate: Fraction | None) -> int:
    return int(span * (rate or Fraction(25)))


def plan_slots(info: MediaInfo, count: int, s: StripSettings, *, range_: str | tuple | None = None,
               at: str | list | tuple | None = None) -> tuple[list[Slot], str]:
    """The slots for ``count`` tiles and a description of where they come from.

    Raises :class:`UsageError`/:class:`TimecodeError` for a range outside the
    file, more tiles than the range has frames, or times past the end.
    """
    video = info.require_video()
    rate = video.frame_rate
    if at is not None:
        items = [a.strip() for a in at.split(",")] if isinstance(at, str) else list(at)
        items = [a for a in items if not (isinstance(a, str) and not a)]
        if not items:
            raise UsageError(f"{option('at')} was given no times", f"list times separated by commas, e.g. {option('at', '12:30,14:02')}")
        slots = []
        for item in items:
            t = parse_time(item, frame_rate=rate) if isinstance(item, str) else Fraction(item)
            if t >= info.duration:
                raise TimecodeError(info.past_end(format_time(t)),
                                    f"give times before {format_time(info.duration)}")
            slots.append(Slot(t, t, t, exact=True))
        return slots, f"{len(slots)} chosen moments"
    if range_ is not None:
        a, b = parse_range_text(range_) if isinstance(range_, str) else range_
        rng = parse_range(a, b, duration=info.duration, frame_rate=rate, name=info.label)
        lo, hi, where = rng.start, rng.end, f"{format_time(rng.start)}–{format_time(rng.end)}"
    else:
        if not (0 <= s.skip_start < 100 and 0 <= s.skip_end < 100 and s.skip_start + s.skip_end < 100):
            raise UsageError(f"skipping {s.skip_start:g}% + {s.skip_end:g}% leaves nothing of the video",
                             "use percentages that add up to less than 100 (default 7 and 7)")
        lo = info.duration * Fraction(str(s.skip_start)) / 100
        hi = info.duration - info.duration * Fraction(str(s.skip_end)) / 100
        where = f"{format_time(lo)}–{format_time(hi)} (skipping {s.skip_start:g}% at the start, {s.skip_end:g}% at the end)"
    available = _frame_count(hi - lo, rate)
    if count > available:
        raise UsageError(f"{count} tiles asked from {where}, which holds only {available} frames",
                         f"ask for at most {available} tiles, or give a longer range")
    share = (hi - lo) / count
    slots = [Slot(lo + k * share + share / 2, lo + k * share, lo + (k + 1) * share) for k in range(count)]
    return slots, where


def scene_slots(info: MediaInfo, count: int | None, range_, progress: ProgressFn | None) -> tuple[list[Slot], int]:
    """One slot per shot (the middle of it, away from its edges); the longest ``count`` if fewer are
    wanted.  Also returns how many shots there were."""
    from .scenes import detect_scenes  # here: only --per-scene pays for the detectors

    kwargs = {}
    if range_ is not None:
        a, b = parse_range_text(range_) if isinstance(range_, str) else range_
        kwargs = {"start": a, "end": b}
    found = detect_scenes(info, progress=progress, **kwargs)
    shots = [sc for sc in found.scenes if sc.end > sc.start]
    total = len(shots)
    if count is not None and count < len(shots):
        # the longest; among shots of one length, spread over the episode (not its first ones): by the
        # radical inverse of their place (0, 1/2, 1/4, 3/4, …)
        order = sorted(range(len(shots)), key=lambda i: (-(shots[i].end - shots[i].start), _spread(i)))
        keep = sorted((shots[i] for i in order[:count]), key=lambda sc: sc.start)
        shots = keep
    slots = []
    for sc in shots:
        edge = min(TRANSITION_SPAN, (sc.end - sc.start) / 4)
        slots.append(Slot((sc.start + sc.end) / 2, sc.start + edge, max(sc.start + edge, sc.end - edge) + Fraction(1, 1000)))
    return slots, total


def _spread(i: int) -> float:
    """The base-2 radical inverse of ``i`` (0, 0.5, 0.25, 0.75, 0.125 …): taking items by it spreads them evenly."""
    out, weight = 0.0, 0.5
    while i:
        out += weight * (i & 1)
        i >>= 1
        weight /= 2
    return out
