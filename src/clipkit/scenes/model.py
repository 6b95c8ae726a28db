"""What scene detection finds: cuts, transitions, flashes, and the shots between them.

All times are exact ``Fraction`` seconds from the file's start, taken from the
stream's own timestamps.  Frame numbers are decoded frame indices (0 = the
file's first frame); ``end_frame`` is exclusive, like ``end``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

__all__ = ["Cut", "Transition", "Flash", "Scene", "SceneList", "Event", "TRANSITION_KINDS", "TRANSITION_SPAN"]

#: fade = out to a blank frame and back in; fade-out / fade-in = one side only;
#: blank = a hard cut to a blank (black/white) hold and a hard cut out of it;
#: dissolve = one shot blended into the next.
TRANSITION_KINDS = ("fade", "fade-out", "fade-in", "blank", "dissolve")
#: Seconds either side of a frame compared to tell a fade/dissolve (linear change) from motion
#: (``choice.py`` uses it; it lives here, free of numpy/OpenCV, so a clip's poster plan costs no import).
TRANSITION_SPAN = Fraction(1, 4)


@dataclass(frozen=True)
class Cut:
    """A hard cut: ``time`` is when the first frame of the new shot appears."""

    time: Fraction
    index: int
    score: float = 0.0


@dataclass(frozen=True)
class Transition:
    """A gradual change over ``[start, end)``: the first changed frame to the first
    frame of the new shot.  ``blank`` is the span of blank (black/white) frames in it."""

    kind: str
    start: Fraction
    end: Fraction
    start_index: int
    end_index: int
    blank: tuple[Fraction, Fraction] | None = None
    blank_index: tuple[int, int] | None = None
    middle: Fraction | None = None  # dissolves: the frame where the new shot takes over
    middle_index: int | None = None

    @property
    def duration(self) -> Fraction:
        return self.end - self.start


@dataclass(frozen=True)
class Flash:
    """A short burst (camera flash, lightning, a blank frame) that is *not* a cut."""

    start: Fraction
    end: Fraction
    index: int


Event = Cut | Transition | Flash


@dataclass(frozen=True)
class Scene:
    """One shot: ``[start, end)`` in seconds, frames ``[start_frame, end_frame)``."""

    number: int  # from 1
    start: Fraction
    end: Fraction
    start_frame: int
    end_frame: int

    @property
    def duration(self) -> Fraction:
        return self.end - self.start

    @property
    def frames(self) -> int:
        return self.end_frame - self.start_frame


@dataclass(frozen=True)
class SceneList:
    """The shots of a file (or of the range scanned), and what separates them."""

    source: Path
    start: Fraction  # the range scanned
    end: Fraction
    frame_rate: Fraction | None
    variable_frame_rate: bool
    frame_count: int  # frames in the range scanned
    scenes: tuple[Scene, ...]
    cuts: tuple[Cut, ...] = ()
    transitions: tuple[Transition, ...] = ()
    flashes: tuple[Flash, ...] = ()
    notes: tuple[str, ...] = ()
    settings: dict = field(default_factory=dict)
    from_cache: bool = False
    decoded: int = 0  # frames actually decoded (fewer than frame_count after a coarse pass)
    #: (time, change score) along the range, at most ~2000 points (the highest score of each
    #: stretch): what the HTML report plots against the threshold.
    timeline: tuple[tuple[Fraction, float], ...] = ()

    def __len__(self) -> int:
        return len(self.scenes)

    def __iter__(self):
        return iter(self.scenes)

    def boundaries(self) -> list[Fraction]:
        """Every time a shot starts or ends, in order (no duplicates)."""
        return sorted({t for s in self.scenes for t in (s.start, s.end)})
