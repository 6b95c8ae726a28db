"""A platform's limits for clips (a preset's ``limit_*`` fields), checked before encoding.

Each broken limit is one :class:`UsageError` that names the limit, the
clip's value and what to type to keep within it.
"""

from __future__ import annotations

from fractions import Fraction

from ..errors import UsageError, option
from ..settings import ClipSettings

__all__ = ["check_limits", "describe_size", "platform_name"]


def describe_size(n: int) -> str:
    """A size as messages show it: MB from a million bytes, else KB, and bytes under 10 KB where KB would round
    away what was typed (``--max-size 10`` is 10 bytes, not "0 KB")."""
    if n < 10_000 and n % 1000:
        return f"{n} bytes"
    return f"{n / 1000:.0f} KB" if n < 1_000_000 else f"{n / 1_000_000:.2f} MB"


def platform_name(s: ClipSettings) -> str:
    """Who sets ``s``'s limits, for a message: "Discord" (its preset's ``limit_platform``), else the preset."""
    return s.limit_platform or "the preset"


def check_limits(s: ClipSettings, duration: Fraction, size: tuple[int, int] | None, fps: Fraction | None,
                 *, has_video: bool) -> None:
    """Raise :class:`UsageError` for the first limit of ``s`` the clip would break."""
    who = platform_name(s)
    if s.limit_formats and s.format not in s.limit_formats:
        raise UsageError(f"{who} takes {' or '.join(s.limit_formats)} clips, not {s.format}",
                         f"use {option('format', s.limit_formats[0])} (or leave {option('format')} out)")
    if s.limit_duration is not None and duration > Fraction(s.limit_duration):
        raise UsageError(f"the clip is {float(duration):.2f} s; {who} takes at most {float(s.limit_duration):g} s",
                         f"give a shorter range, e.g. an END of +{float(s.limit_duration):g}")
    if s.limit_min_duration is not None and duration < Fraction(s.limit_min_duration):
        raise UsageError(f"the clip is {float(duration):.2f} s; {who} needs at least {float(s.limit_min_duration):g} s",
                         f"give a longer range, e.g. an END of +{float(s.limit_min_duration):g}")
    if s.limit_size is not None and s.max_size is not None and s.max_size > s.limit_size:
        raise UsageError(f"{option('max_size', describe_size(s.max_size).replace(' ', ''))} is over {who}'s "
                         f"{describe_size(s.limit_size)} limit",
                         f"give {option('max_size', describe_size(s.limit_size).replace(' ', ''))} or less")
    if has_video and size is not None:
        w, h = size
        if s.limit_width is not None and w > s.limit_width:
            raise UsageError(f"the clip would be {w}×{h}; {who} takes at most {s.limit_width} px wide",
                             f"add {option('width', s.limit_width)} (or less)")
        if s.limit_height is not None and h > s.limit_height:
            raise UsageError(f"the clip would be {w}×{h}; {who} takes at most {s.limit_height} px high",
                             f"add {option('height', s.limit_height)} (or less)")
    if has_video and fps is not None and s.limit_fps is not None and fps > Fraction(s.limit_fps):
        raise UsageError(f"the clip would play at {float(fps):g} fps; {who} takes at most {float(s.limit_fps):g} fps",
                         f"add {option('fps', float(s.limit_fps))}")
