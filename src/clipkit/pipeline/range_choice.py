"""The range and the crop a GIF or a clip takes: typed times, a shot (``--scene``), snapped to cuts
(``--snap``); an explicit or detected (``--crop auto``) crop box.

Light to import (no numpy, no scene detector): ``clipkit clip`` decides its
range here before anything is decoded, and the scene detector, frame decoding
and bar detection are imported only when a shot, ``--snap`` or ``--crop auto``
asks for them.
"""

from __future__ import annotations

from fractions import Fraction

from ..errors import UsageError, option, typed_flags
from ..media.probe import MediaInfo
from ..render.crop import CropBox, parse_crop
from ..timecode import TimeRange, parse_range
from .captions import in_range

__all__ = ["choose_range", "choose_crop", "decoded_frame_size"]

#: How far either side of a range ``snap`` looks for shot boundaries (the scene
#: detector needs context around the boundary itself).
_SNAP_CONTEXT = Fraction(5)


def choose_crop(info: MediaInfo, s, rng: TimeRange, notes: list[str]) -> CropBox | None:
    """The crop box ``s.crop`` asks for (W:H:X:Y, or ``auto``: black bars found in 4 frames of the range)."""
    display = info.require_video().display_size
    if not s.crop:
        return None
    if s.crop.strip().lower() != "auto":
        return parse_crop(s.crop, display)
    from ..media.frames import frame_at  # decoding and numpy: only for --crop auto
    from ..render.crop import detect_bars

    probes = [rng.start + rng.duration * k / 4 for k in range(4)]
    samples = [frame_at(info, t, pix_fmt="gray").image for t in probes]
    box = detect_bars(samples)
    if box is None:
        notes.append("crop auto: no black bars found; kept the whole picture")
    else:
        notes.append(f"crop auto: removed black bars, kept {box.width}×{box.height} at {box.x},{box.y}")
    return box


def _example(command: str, scene: str = "") -> str:
    """How to give a range, as the caller writes it: the command line's, or the API's call."""
    if typed_flags():
        return (f"e.g. `clipkit {command} ep07.mkv {scene}` or " if scene else "e.g. ") + f"`clipkit {command} ep07.mkv 12:30 +6`"
    return (f"e.g. clipkit.{command}('ep07.mkv', scene=12) or " if scene else "e.g. ") + f"clipkit.{command}('ep07.mkv', '12:30', '+6')"


def decoded_frame_size(info: MediaInfo) -> tuple[int, int]:
    """The size ffmpeg's frames have before aspect correction (after autorotation)."""
    v = info.require_video()
    return (v.height, v.width) if v.rotation in (90, 270) else (v.width, v.height)


def _snap_note(typed: TimeRange, snapped: TimeRange) -> str:
    """Where ``--snap`` moved each end (or that it kept it: no cut near)."""
    from ..settings import DEFAULT_SCENES
    from ..timecode import format_time

    def one(name: str, a: Fraction, b: Fraction, other: str, moved_to: Fraction | None) -> str:
        if a == b:
            if moved_to is not None and abs(moved_to - a) <= DEFAULT_SCENES.snap_window:
                return f"{name} {format_time(a)} kept (the cut near it is now the {other})"
            return f"{name} {format_time(a)} kept (no cut within {float(DEFAULT_SCENES.snap_window):g} s)"
        return f"{name} {format_time(a)} → {format_time(b)} ({float(b - a):+.3f} s, to a cut)"

    start_to = snapped.start if snapped.start != typed.start else None
    end_to = snapped.end if snapped.end != typed.end else None
    return (f"snap: {one('start', typed.start, snapped.start, 'end', end_to)}, "
            f"{one('end', typed.end, snapped.end, 'start', start_to)}")


def choose_range(info: MediaInfo, start, end, scene: int | None, snap: bool, notes: list[str] | None = None,
                 *, command: str = "gif") -> TimeRange:
    """The range a GIF (or a clip: ``command``) shows: typed times, or a shot, optionally snapped to cuts
    (said in ``notes``)."""
    if scene is not None:
        if start is not None or end is not None:
            raise UsageError("give either START and END or a scene number, not both", _example(command, "--scene 12"))
        from .scenes import scene_range  # scene detection only when asked for

        return scene_range(info, scene)
    if start is None or end is None:
        what = "a GIF" if command == "gif" else f"a {command}"
        raise UsageError(f"{what} needs START and END (or {option('scene', 'N')}, or {option('line', 'TEXT')})"
                         if typed_flags() else f"{what} needs start and end (or scene=N, or line=…)", _example(command))
    rng = in_range(info, lambda: parse_range(start, end, duration=info.duration, frame_rate=info.require_video().frame_rate,
                                                  name=info.label))
    if not snap:
        return rng
    from .scenes import snap_range

    lo = max(Fraction(0), rng.start - _SNAP_CONTEXT)
    hi = min(info.duration, rng.end + _SNAP_CONTEXT)
    snapped = snap_range(info, rng.start, rng.end, window=(lo, hi))
    if notes is not None:
        notes.append(_snap_note(rng, snapped))
    return snapped
