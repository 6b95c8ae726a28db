"""Exact time: every timestamp format users type, parsed to ``Fraction`` seconds.

Time in clipkit is never a float and never a frame index: it is an exact
number of seconds (``fractions.Fraction``) measured from the start of the file,
as a player shows it.  Accepted forms:

=====================  =========================================
``12:30``              minutes and seconds
``1:02:03.5``          hours, minutes, seconds (fraction allowed)
``750`` / ``750.5``    plain seconds
``750ms`` ``90s``      with a unit (``ms``, ``s``, ``m``, ``h``)
``1h2m3.5s``           compound units
``00:12:30,500``       SRT style (comma before the milliseconds)
``00:12:30:12``        SMPTE ``HH:MM:SS:FF`` (needs the frame rate)
``f1500``              a frame number (needs the frame rate)
``+6`` ``+6s``         relative to the start (ends only)
=====================  =========================================
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from .errors import TimecodeError

__all__ = [
    "TimeRange",
    "parse_time",
    "parse_end",
    "parse_range",
    "format_time",
    "format_srt",
    "slug_time",
    "to_fraction",
]

_NUMBER = r"\d+(?:\.\d+)?|\.\d+"
_UNIT_RE = re.compile(rf"^(?:(?P<h>{_NUMBER})h)?(?:(?P<m>{_NUMBER})m(?!s))?(?:(?P<s>{_NUMBER})s)?(?:(?P<ms>{_NUMBER})ms)?$", re.ASCII)
_PLAIN_RE = re.compile(rf"^(?:{_NUMBER})$", re.ASCII)
_FRAME_RE = re.compile(r"^f(?:rame)?\s*(\d+)$", re.ASCII)
#: Longer than any real timestamp ("1:02:03.500" is 11): refused before any number is built
#: (Python refuses to convert integers of more than 4,300 digits).
_MAX_CHARS = 32

HINT = "use forms like 12:30, 1:02:03.5, 750, 90s, 750ms, 00:12:30,500 or f1500"


def to_fraction(value: Fraction | int | float | str) -> Fraction:
    """Turn a number from code (not from a user) into an exact Fraction.

    Floats go through their shortest decimal repr, so ``0.1`` becomes 1/10,
    not the binary approximation.
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise TimecodeError(f"{value!r} is not a time", "give a finite number of seconds")
        return Fraction(repr(value))
    if not isinstance(value, str):  # a path or None given as a time: parse_time would hand it back here, forever
        raise TimecodeError(f"{value!r} is not a time", "give seconds as a number, or text such as '12:30' or '+6'")
    return parse_time(value)


_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _narrow(text: str) -> str:
    """Full-width ASCII forms (U+FF01–FF5E, the ideographic space) as plain ASCII."""
    return text.translate(_FULL_WIDTH)


def _bad(text: str, why: str) -> TimecodeError:
    return TimecodeError(f'"{text}" is not a timestamp: {why}', HINT)


def _clock(text: str, parts: list[str], frame_rate: Fraction | None) -> Fraction:
    """``MM:SS``, ``HH:MM:SS`` (seconds may have a fraction) or ``HH:MM:SS:FF``."""
    if len(parts) == 4:
        if frame_rate is None:
            raise TimecodeError(
                f'"{text}" looks like HH:MM:SS:FF, which needs the frame rate',
                "give seconds with a fraction instead (e.g. 00:12:30.5)",
            )
        *hms, ff = parts
        if not (ff.isascii() and ff.isdigit()):
            raise _bad(text, "the frame field must be a whole number")
        frames = int(ff)
        if frames >= frame_rate:
            raise _bad(text, f"frame {frames} is not below the frame rate {float(frame_rate):g}")
        return _clock(text, hms, None) + frames / frame_rate
    if len(parts) > 4 or len(parts) < 2:
        raise _bad(text, "too many ':' fields")
    *whole, last = parts
    for field in whole:
        if not (field.isascii() and field.isdigit()):
            raise _bad(text, f"'{field}' is not a whole number")
    if not _PLAIN_RE.match(last):
        raise _bad(text, f"'{last}' is not a number of seconds")
    seconds = Fraction(last)
    if seconds >= 60:
        raise _bad(text, "seconds must be below 60")
    if len(whole) == 2:
        hours, minutes = int(whole[0]), int(whole[1])
        if minutes >= 60:
            raise _bad(text, "minutes must be below 60")
    else:
        hours, minutes = 0, int(whole[0])
    return Fraction(hours * 3600 + minutes * 60) + seconds


def parse_time(text: str, *, frame_rate: Fraction | None = None) -> Fraction:
    """Parse an absolute timestamp typed by a user into exact seconds.

    ``frame_rate`` (frames per second, exact) is needed only for frame numbers
    and SMPTE timecodes; without it those forms raise a clear error.
    """
    if not isinstance(text, str):
        return to_fraction(text)
    raw = text
    # Full-width digits and colons (１２：３０, typed with a Japanese input method) are read as
    # ASCII; anything else that is not ASCII (other scripts' digits, ¹) is not a timestamp.
    text = _narrow(text).strip().lower()
    if not text:
        raise _bad(raw, "it is empty")
    if len(text) > _MAX_CHARS:
        raise _bad(raw[:_MAX_CHARS] + "…", "it is far too long")
    if not text.isascii() or not text.isprintable():
        raise _bad(raw, "only the digits 0–9, ':', '.', ',' and the units h, m, s, ms may be used")
    if text.startswith("-"):
        raise TimecodeError(f'"{raw}" is not a timestamp: times cannot be negative', "times count from the start of the file, 0 upward")
    if text.startswith("+"):
        raise TimecodeError(f'"{raw}" is relative: only an end time may start with +', "give the start as an absolute time, e.g. 12:30")
    m = _FRAME_RE.match(text)
    if m:
        if frame_rate is None:
            raise TimecodeError(f'"{raw}" is a frame number, but the frame rate is not known', "give a time instead, e.g. 12:30.5")
        return int(m.group(1)) / Fraction(frame_rate)
    if "," in text:
        # SRT: 00:12:30,500 — a comma is the decimal mark of the last field only.
        head, _, frac = text.rpartition(",")
        if not (frac.isascii() and frac.isdigit()) or "," in head or "." in head:
            raise _bad(raw, "a comma may only separate the milliseconds (00:12:30,500)")
        text = f"{head}.{frac}"
    if ":" in text:
        return _onto_frame(_clock(raw, text.split(":"), Fraction(frame_rate) if frame_rate else None), frame_rate)
    if _PLAIN_RE.match(text):
        return _onto_frame(Fraction(text), frame_rate)
    m = _UNIT_RE.match(text)
    if m and any(m.groupdict().values()):
        g = {k: Fraction(v) if v else Fraction(0) for k, v in m.groupdict().items()}
        return _onto_frame(g["h"] * 3600 + g["m"] * 60 + g["s"] + g["ms"] / 1000, frame_rate)
    raise _bad(raw, "unknown format")


def _onto_frame(t: Fraction, frame_rate: Fraction | None) -> Fraction:
    """``t`` moved onto the start of the frame ``k / frame_rate`` it is a rounding of (less than half a
    millisecond before it): a frame time printed to the millisecond (a strip's note, a still's alt, a
    shot list; a container's millisecond timestamps) types back onto that frame, not the one before."""
    if not frame_rate:
        return t
    start = math.ceil(t * Fraction(frame_rate)) / Fraction(frame_rate)
    return start if 0 < start - t < _SHOWN / 2 else t


def parse_end(text: str, start: Fraction, *, frame_rate: Fraction | None = None) -> Fraction:
    """Parse an end time; ``+6`` / ``+6s`` / ``+0:06`` count from ``start``."""
    stripped = _narrow(text).strip() if isinstance(text, str) else text
    if isinstance(stripped, str) and stripped.startswith("+"):
        return start + parse_time(stripped[1:], frame_rate=frame_rate)
    return parse_time(text, frame_rate=frame_rate)


@dataclass(frozen=True)
class TimeRange:
    """A half-open span ``[start, end)`` of a file, in exact seconds."""

    start: Fraction
    end: Fraction

    @property
    def duration(self) -> Fraction:
        return self.end - self.start

    def __str__(self) -> str:
        return f"{format_time(self.start)}–{format_time(self.end)}"


def parse_range(
    start: str | Fraction,
    end: str | Fraction,
    *,
    duration: Fraction | None = None,
    frame_rate: Fraction | None = None,
    name: str | None = None,
) -> TimeRange:
    """Parse and check a start/end pair; ``duration`` (the file's) bounds it.  ``name``: what errors call the
    input when it is not a file ("the frames"); default "the file"."""
    s = parse_time(start, frame_rate=frame_rate) if isinstance(start, str) else to_fraction(start)
    e = parse_end(end, s, frame_rate=frame_rate) if isinstance(end, str) else to_fraction(end)
    if s < 0:
        raise TimecodeError(f"start {format_time(s)} is negative", "times count from 0")
    if e <= s:
        raise TimecodeError(
            f"the end {format_time(e)} is not after the start {format_time(s)}",
            "give an end after the start, or a length such as +6",
        )
    if duration is not None:
        if s >= duration:
            raise TimecodeError(
                f"the start {format_time(s)} is past the end of {name or 'the file'} ({format_time(duration)})",
                f"give a start before {format_time(duration)}",  # (the length is said: not `clipkit info FILE` to see it)
            )
        if e > duration:
            if e - duration <= _SHOWN:  # the duration as shown (rounded to the ms) typed back: its end
                e = duration
            else:
                last = format_time(Fraction(int(duration / _SHOWN), 1) * _SHOWN)  # rounded down: a valid end
                raise TimecodeError(
                    f"the end {format_time(e)} is past the end of {name or 'the file'} ({last})",
                    f"end at {last} or earlier",
                )
    return TimeRange(s, e)


#: The precision times are shown with (``format_time``): an end at most this far past the file's
#: end is the shown duration typed back (2.3797 s is shown as 0:02.38) and means the end.
_SHOWN = Fraction(1, 1000)


def _split(t: Fraction, decimals: int) -> tuple[int, int, int, str]:
    t = Fraction(t)
    if t < 0:
        raise ValueError("negative time")
    scale = 10**decimals
    total = round(t * scale)  # round half to even on exact values: deterministic
    whole, frac = divmod(total, scale)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    frac_text = f"{frac:0{decimals}d}" if decimals else ""
    return h, m, s, frac_text


def format_time(t: Fraction, decimals: int = 3) -> str:
    """``12:30``, ``12:30.5``, ``1:02:03.25``: what ``parse_time`` reads back exactly
    (to ``decimals`` places), trailing zeros dropped."""
    h, m, s, frac = _split(t, decimals)
    frac = frac.rstrip("0")
    tail = f".{frac}" if frac else ""
    if h:
        return f"{h}:{m:02d}:{s:02d}{tail}"
    return f"{m}:{s:02d}{tail}"


def format_srt(t: Fraction) -> str:
    """``00:12:30,500`` — the SubRip form."""
    h, m, s, frac = _split(t, 3)
    return f"{h:02d}:{m:02d}:{s:02d},{frac}"


def slug_time(t: Fraction) -> str:
    """A file-name friendly time: ``12-30``, ``12-30.5``, ``1-02-03``."""
    return format_time(t).replace(":", "-")
