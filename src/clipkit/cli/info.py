"""``clipkit info``."""

from __future__ import annotations

import json
from fractions import Fraction

import click

from ..media.probe import MediaInfo
from ..media.probe import probe as run_info
from ..timecode import format_time
from .main import main
from .params import MEDIA_FILE
from .tv_options import tv_options


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} B"


def _bitrate(bps: int) -> str:
    """Bits per second as a reader of bitrates writes them: ``950 kb/s`` under 1 Mb/s (a tiny file was ``0.0 Mb/s``),
    ``4.2 Mb/s`` above."""
    return f"{bps / 1e6:.1f} Mb/s" if bps >= 999_500 else f"{max(1, round(bps / 1000))} kb/s"


def _rate(rate) -> str:
    if rate is None:
        return "unknown rate"
    value = float(rate)
    return f"{value:.3f}".rstrip("0").rstrip(".") + " fps"


#: Picture shapes people name: a size a pixel or two off one (540×304, 1366×768) is shown as "≈16:9".
_NAMED_ASPECTS = [Fraction(w, h) for w, h in ((16, 9), (4, 3), (3, 2), (21, 9), (1, 1), (5, 4), (9, 16), (3, 4))]


def _aspect(v) -> str:
    exact = v.display_aspect
    aspect = exact.limit_denominator(50)
    if aspect == exact or aspect in _NAMED_ASPECTS:
        return f"{aspect.numerator}:{aspect.denominator}"
    near = min(_NAMED_ASPECTS, key=lambda a: abs(a - exact))
    if abs(near - exact) <= exact / 100:
        return f"≈{near.numerator}:{near.denominator}"
    return f"{aspect.numerator}:{aspect.denominator}"


def _video_facts(v) -> str:
    dw, dh = v.display_size
    shown = f", shown as {dw}×{dh}" if (dw, dh) != (v.width, v.height) else ""
    facts = [f"{v.codec} {v.width}×{v.height}{shown} ({_aspect(v)})"]
    facts.append(_rate(v.frame_rate) + (" variable" if v.variable_frame_rate else " constant"))
    if v.stream_frame_rate:
        facts.append(f"stored as {_rate(v.stream_frame_rate)}")
    if v.pix_fmt:
        facts.append(v.pix_fmt)
    if v.rotation:
        facts.append(f"rotated {v.rotation}°")
    if v.pixel_aspect != 1:
        facts.append(f"pixel aspect {v.pixel_aspect.numerator}:{v.pixel_aspect.denominator}")
    return ", ".join(facts)


def _video_lines(info: MediaInfo) -> list[str]:
    """The video stream in use (scan type, HDR), every other one, and a transport stream's programs."""
    from ..media.hdr import hdr_kind

    v = info.video
    if v is None:
        return ["video      none"]
    lines = []
    others = [o for o in info.videos if o.index != v.index]
    for n, o in enumerate(info.videos or (v,)):
        used = o.index == v.index
        track = f"track:{n} " if others else ""
        facts = _video_facts(v if used else o) + ("  (used)" if used and others else "")
        lines.append(f"{'video' if n == 0 else '':<10} {track}{facts}")
    if v.scan is not None:
        mode = {"off": "  — deinterlace off", "on": "  — deinterlace on"}.get(info.deinterlace, "")
        lines.append(f"scan       {v.scan.describe()}{mode}")
    hdr = hdr_kind(v)
    if hdr:
        lines.append(f"HDR        {hdr}, tone-mapped to SDR (BT.709) for stills, GIFs, strips and scenes")
    for p in info.programs:
        main = "  (used)" if v.index in p.streams and len(info.programs) > 1 else ""
        name = f'"{p.name}"' if p.name else ""
        lines.append(f"{'programs' if p is info.programs[0] else '':<10} {p.number} {name}  streams "
                     + ", ".join(f"0:{i}" for i in p.streams) + main)
    return lines


def render_info(info: MediaInfo) -> str:
    lines = []
    extra = f", {_bitrate(info.bitrate)}" if info.bitrate else ""
    lines.append(f"{info.path.name}  ({info.container.split(',')[0]}, {_size(info.size_bytes)}{extra})")
    if info.title:
        lines.append(f"title      {info.title}")
    lines.append(f"duration   {format_time(info.duration)}  ({float(info.duration):.3f} s)")
    if info.incomplete:
        lines.append(f"note       {info.incomplete}: the container says {format_time(info.declared_duration)}; "
                     "was the download cut short?")
    lines += _video_lines(info)
    if not info.audio:
        lines.append("audio      none")
    for n, a in enumerate(info.audio):
        label = "audio" if n == 0 else ""
        # numbered as `clip --audio-track N` counts them, when there is a choice
        bits = [f"track:{n}" if len(info.audio) > 1 else "", a.codec, a.language or "", a.channels or "", f"{a.sample_rate} Hz" if a.sample_rate else "", f'"{a.title}"' if a.title else ""]
        lines.append(f"{label:<10} " + "  ".join(b for b in bits if b))
    if not info.subtitles:
        lines.append("subtitles  none")
    for n, s in enumerate(info.subtitles):
        label = "subtitles" if n == 0 else ""
        kind = "text" if s.is_text else "pictures"
        bits = [f"track:{s.index}", s.language or "und", f"{s.codec} ({kind})", f'"{s.title}"' if s.title else "",
                "default" if s.default else "", "forced" if s.forced else ""]
        lines.append(f"{label:<10} " + "  ".join(b for b in bits if b))
    return "\n".join(lines)


@main.command()
@click.argument("video", type=MEDIA_FILE)
@click.option("--json", "as_json", is_flag=True, help="Print the facts as JSON (for scripts).")
@tv_options
def info(video, as_json: bool) -> None:
    """Show what is inside VIDEO: duration, streams and subtitle tracks.

    \b
    Example:
      clipkit info ep07.mkv
      clipkit info ep07.mkv --json | jq .subtitles
    """
    facts = video if isinstance(video, MediaInfo) else run_info(video)
    if as_json:
        click.echo(json.dumps(facts.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_info(facts))
