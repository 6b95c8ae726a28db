"""Each inverse-telecined film frame's own time in the stream, carried through ``decimate``.

``decimate`` keeps four frames of five and times them on its own 1/23.976 s grid, counted from the
first: when it drops a frame that is not the repeat (a new shot that starts slow, whose first frames
differ from each other less than compression noise makes the repeat differ), the frames after it in
that cycle come out a film frame late — a cut was reported a frame late.  A ``showinfo`` before and
after ``decimate`` tell which frames it kept (decimate passes them on untouched: the same checksum),
and so the time each was shown at in the 29.97 stream: :meth:`SourceTimes.line` reads both, and
:meth:`SourceTimes.before` gives a kept frame's; :func:`~clipkit.media.frames.read_frames` gives a frame
the earlier of decimate's time and its own (both on the film grid).
"""

from __future__ import annotations

import re
from collections import deque
from fractions import Fraction

__all__ = ["with_probes", "SourceTimes"]

_FRAME_RE = re.compile(r"\[Parsed_showinfo_(\d+) @[^\]]*\] n:\s*\d+\s+pts:\s*(-?\d+)\s.*?\bchecksum:([0-9A-Fa-f]+)")
_TIMEBASE_RE = re.compile(r"\[Parsed_showinfo_(\d+) @[^\]]*\] config in time_base: (\d+)/(\d+)")
#: decimate drops the frame most like the one before it in each five — unless none is a near copy (grain,
#: compression noise) and one is a scene change: then that one, the new shot's first frame (a cut a film frame
#: late).  The scene-change threshold at its top leaves only the read's first frame one (nothing before it to
#: compare with): the repeat is dropped, and where the first five hold none, that first frame, and the times
#: carried through put the frames after it back.  (A clip's encode has no such times: it keeps decimate's default.)
_REPEATS_ONLY = "decimate=scthresh=100"
#: Frames before decimate waiting for a kept one (a few cycles; more only if ffmpeg's lines are lost).
_MOST = 64


def with_probes(cleaning: list[str]) -> tuple[list[str], SourceTimes | None]:
    """``cleaning`` (the decode filters, first in the graph) with a ``showinfo`` either side of its
    ``decimate``, and the reader of their lines; unchanged and None without decimate."""
    at = next((i for i, f in enumerate(cleaning) if f.startswith("decimate")), None)
    if at is None:
        return cleaning, None
    # ffmpeg names a chain's filters Parsed_<filter>_<place in the graph>: these come first in it
    return [*cleaning[:at], "showinfo", _REPEATS_ONLY, "showinfo", *cleaning[at + 1:]], SourceTimes(at, at + 2)


class SourceTimes:
    """Reads the two probes' lines off ffmpeg's stderr (one thread) and pairs each kept frame with the
    time (ticks, time base) it had before decimate."""

    def __init__(self, before: int, after: int) -> None:
        self.names = {before: "before", after: "after"}
        self.tb = {"before": Fraction(1, 1000), "after": Fraction(1, 1000)}
        self.waiting: deque[tuple[str, int]] = deque()
        # (decimate's time in seconds, the time before it): a filter after decimate may drop frames (select)
        self.kept: deque[tuple[Fraction, tuple[int, Fraction] | None]] = deque()

    def line(self, line: str) -> bool:
        """Take one stderr line; True when it was one of the probes' (not the caller's)."""
        m = _FRAME_RE.search(line)
        if m is None:
            t = _TIMEBASE_RE.search(line)
            if t is not None and int(t.group(1)) in self.names:
                self.tb[self.names[int(t.group(1))]] = Fraction(int(t.group(2)), int(t.group(3)))
                return True
            return any(f"[Parsed_showinfo_{n} @" in line for n in self.names)
        which = self.names.get(int(m.group(1)))
        if which is None:
            return False
        if which == "before":
            self.waiting.append((m.group(3), int(m.group(2))))
            if len(self.waiting) > _MOST:
                self.waiting.popleft()
            return True
        found = None
        # the kept frame is the first waiting one with its checksum (a frame repeated byte for byte:
        # the first showing, the earlier time); those before it were dropped
        if any(c == m.group(3) for c, _ in self.waiting):
            while self.waiting:
                checksum, ticks = self.waiting.popleft()
                if checksum == m.group(3):
                    found = (ticks, self.tb["before"])
                    break
        self.kept.append((int(m.group(2)) * self.tb["after"], found))
        return True

    def before(self, ticks: int, tb: Fraction) -> tuple[int, Fraction] | None:
        """The time before decimate (ticks, time base) of the frame that came out of it at ``ticks`` × ``tb``
        (the filters after it keep its times), None if not known."""
        t = ticks * tb
        while self.kept and self.kept[0][0] < t:
            self.kept.popleft()  # dropped after decimate
        return self.kept.popleft()[1] if self.kept and self.kept[0][0] == t else None
