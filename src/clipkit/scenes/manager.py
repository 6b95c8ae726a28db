"""Drives the detectors over a stream of frames and turns their events into shots.

:func:`scan` computes each frame's features once and feeds every detector;
:func:`build_scenes` resolves what they found (a fade wins over a dissolve or a
cut inside it; a cut too soon after the last boundary is dropped) and cuts the
range into shots.  Blank holds (black between a fade-out and a fade-in) belong
to no shot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ..media.frames import Frame
from ..progress import ProgressFn, report
from .detector import Detector
from .features import features_of
from .model import Cut, Event, Flash, Scene, Transition

__all__ = ["scan", "build_scenes", "ScanResult", "Resolved"]


@dataclass
class ScanResult:
    events: list[Event]
    frame_count: int
    first_time: Fraction | None
    first_index: int
    end: Fraction  # end of the last frame seen
    end_index: int  # one past the last frame seen
    times: list[Fraction] = field(default_factory=list)  # every decoded frame's time, in order


def scan(frames: Iterable[Frame], detectors: Sequence[Detector], *, end: Fraction,
         progress: ProgressFn | None = None, total: int = 0, rate: Fraction | None = None,
         start: Fraction = Fraction(0), on_events: Callable[[list[Event]], None] | None = None,
         times: list[Fraction] | None = None, white: float = 1.0) -> ScanResult:
    """Feed every frame to every detector; collect their events.

    ``end`` is where the range stops (the end of the last frame when the
    stream does not say).  ``progress`` is called every few frames with
    ``(frames done, total)``; returning False stops the scan (:class:`Cancelled`).
    With ``rate`` (a coarse pass that skips frames), "done" counts the frames of
    the video from ``start``, decoded or not.  ``on_events`` is given each batch of
    events as soon as a detector decides them (the exact pass starts on them at once);
    ``times``, if given, is the list every decoded frame's time is appended to (it may be
    read while the scan runs).  ``white``: where reference white lies in the frames (HDR; see
    :func:`~clipkit.scenes.features.features_of`).
    """
    events: list[Event] = []
    count, first_time, first_index = 0, None, 0
    last_index = -1
    times = [] if times is None else times
    report(progress, 0, total)
    for frame in frames:
        times.append(frame.time)
        feats = features_of(frame.image, frame.time, frame.index, frame.duration, white)
        if first_time is None:
            first_time, first_index = frame.time, frame.index
        for det in detectors:
            new = det.push(feats)
            if new:
                events.extend(new)
                if on_events is not None:
                    on_events(new)
        count += 1
        last_index = frame.index
        if count % 48 == 0:
            done = count if rate is None else max(count, round((frame.time - start) * rate) + 1)
            report(progress, done, max(total, done))
    for det in detectors:
        new = det.flush(end, last_index + 1)
        events.extend(new)
        if on_events is not None and new:
            on_events(new)
    final = count if rate is None else max(count, total)
    report(progress, final, final)
    return ScanResult(events, count, first_time, first_index, end, last_index + 1, times)


@dataclass
class Resolved:
    scenes: list[Scene]
    cuts: list[Cut]
    transitions: list[Transition]
    flashes: list[Flash]


def _overlaps(a: Transition, b: Transition, slack: Fraction) -> bool:
    return a.start - slack < b.end and b.start - slack < a.end


def _min_scene(bounds: list, start: Fraction, min_scene: Fraction) -> list:
    """Drop cuts too close to the boundary before them, keeping the *stronger* of two cuts.

    A cut sooner than ``min_scene`` after the range's start or a transition is
    dropped (transitions stay).  Of two cuts closer than that, the one with the
    higher score stays: a faint change just before a real cut (a copyright line
    appearing on a title card) must not remove the cut.
    """
    kept: list = []
    last_end = start
    for b in bounds:
        end, next_start, _, _, event = b
        if isinstance(event, Cut):
            if end - last_end < min_scene:
                prev = kept[-1] if kept else None
                if prev is None or not isinstance(prev[4], Cut) or prev[4].score >= event.score:
                    continue
                before = kept[-2][1] if len(kept) > 1 else start
                if end - before < min_scene:
                    continue  # taking its place would make the shot before too short
                kept.pop()
        kept.append(b)
        last_end = max(last_end, next_start)
    return kept


def build_scenes(result: ScanResult, *, range_start: Fraction, min_scene: Fraction, frame_time: Fraction) -> Resolved:
    """Shots from the events of a scan.

    ``frame_time`` is one frame's duration (for the slack around transitions);
    ``min_scene``: of a cut and the boundary before it closer than this, the cut
    is dropped — or, when both are cuts, the weaker one (:func:`_min_scene`).
    """
    cuts = sorted((e for e in result.events if isinstance(e, Cut)), key=lambda c: c.time)
    flashes = sorted((e for e in result.events if isinstance(e, Flash)), key=lambda f: f.start)
    fades = [e for e in result.events if isinstance(e, Transition) and e.kind != "dissolve"]
    slack = 2 * frame_time
    # A hard cut inside a "dissolve" explains the change better (motion around a cut can look like a blend) —
    # but not one on the dissolve's first blended frame: that is the blend's first step, which the dissolve
    # test found to be a small part of the whole change.  A blend of PQ signals takes saturated highlights'
    # colour a long way in its first few per cent (the channels near zero come up on the detection curve's
    # steep toe): a bright-to-dim dissolve in PQ began with a step that scored as a cut.
    dissolves = [e for e in result.events if isinstance(e, Transition) and e.kind == "dissolve"
                 and not any(_overlaps(e, f, slack) for f in fades)
                 and not any(e.start < c.time < e.end for c in cuts)]
    transitions = sorted(fades + dissolves, key=lambda t: t.start)
    cuts = [c for c in cuts if not any(t.start - slack <= c.time <= t.end + slack for t in transitions)]
    flashes = [f for f in flashes if not any(t.start - slack <= f.start <= t.end + slack for t in transitions)]
    flashes = [f for n, f in enumerate(flashes) if n == 0 or f.start != flashes[n - 1].start]  # seen by two detectors

    # Boundaries: (where the shot before ends, where the next starts, their frame indices, is_cut).
    bounds: list[tuple[Fraction, Fraction, int, int, Event]] = []
    for c in cuts:
        bounds.append((c.time, c.time, c.index, c.index, c))
    for t in transitions:
        if t.blank is not None and t.blank_index is not None:
            bounds.append((t.blank[0], t.blank[1], t.blank_index[0], t.blank_index[1], t))
        else:
            mid = t.middle if t.middle is not None else t.start
            mid_i = t.middle_index if t.middle_index is not None else t.start_index
            bounds.append((mid, mid, mid_i, mid_i, t))
    bounds.sort(key=lambda b: (b[0], b[1]))

    start = result.first_time if result.first_time is not None else range_start
    start = max(start, range_start)
    bounds = _min_scene(bounds, start, min_scene)
    start_i = result.first_index
    kept_cuts: list[Cut] = []
    scenes: list[Scene] = []
    for end, next_start, end_i, next_i, event in bounds:
        if isinstance(event, Cut):
            if end <= start:
                continue
            kept_cuts.append(event)
        if end > start:
            scenes.append(Scene(len(scenes) + 1, start, end, start_i, end_i))
        if next_start >= start:
            start, start_i = next_start, next_i
    if result.end > start:
        scenes.append(Scene(len(scenes) + 1, start, result.end, start_i, result.end_index))
    return Resolved(scenes, kept_cuts, transitions, flashes)
