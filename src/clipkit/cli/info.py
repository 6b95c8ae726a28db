"""``clipkit info``."""

from __future__ import annotations

import json

import click

from ..media.probe import MediaInfo
from ..media.probe import probe as run_info
from ..timecode import format_time
from .main import main
from .params import MEDIA_FILE


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} B"


def _rate(rate) -> str:
    if rate is None:
        return "unknown rate"
    value = float(rate)
    return f"{value:.3f}".rstrip("0").rstrip(".") + " fps"


def render_info(info: MediaInfo) -> str:
    lines = []
    extra = f", {info.bitrate / 1e6:.1f} Mb/s" if info.bitrate else ""
    lines.append(f"{info.path.name}  ({info.container.split(',')[0]}, {_size(info.size_bytes)}{extra})")
    if info.title:
        lines.append(f"title      {info.title}")
    lines.append(f"duration   {format_time(info.duration)}  ({float(info.duration):.3f} s)")
    v = info.video
    if v is None:
        lines.append("video      none")
    else:
        dw, dh = v.display_size
        aspect = v.display_aspect.limit_denominator(50)
        shown = f", shown as {dw}×{dh}" if (dw, dh) != (v.width, v.height) else ""
        facts = [f"{v.codec} {v.width}×{v.height}{shown} ({aspect.numerator}:{aspect.denominator})"]
        facts.append(_rate(v.frame_rate) + (" variable" if v.variable_frame_rate else " constant"))
        if v.pix_fmt:
            facts.append(v.pix_fmt)
        if v.rotation:
            facts.append(f"rotated {v.rotation}°")
        if v.pixel_aspect != 1:
            facts.append(f"pixel aspect {v.pixel_aspect.numerator}:{v.pixel_aspect.denominator}")
        lines.append("video      " + ", ".join(facts))
    if not info.audio:
        lines.append("audio      none")
    for n, a in enumerate(info.audio):
        label = "audio" if n == 0 else ""
        bits = [a.codec, a.language or "", a.channels or "", f"{a.sample_rate} Hz" if a.sample_rate else "", f'"{a.title}"' if a.title else ""]
        lines.append(f"{label:<10} " + "  ".join(b for b in bits if b))
    if not info.subtitles:
        lines.append("subtitles  none")
    for n, s in enumerate(info.subtitles):
        label = "subtitles" if n == 0 else ""
        kind = "text" if s.is_text else "bitmap, cannot be used as captions"
        bits = [f"track:{s.index}", s.language or "und", f"{s.codec} ({kind})", f'"{s.title}"' if s.title else "",
                "default" if s.default else "", "forced" if s.forced else ""]
        lines.append(f"{label:<10} " + "  ".join(b for b in bits if b))
    return "\n".join(lines)


@main.command()
@click.argument("video", type=MEDIA_FILE)
@click.option("--json", "as_json", is_flag=True, help="Print the facts as JSON (for scripts).")
def info(video: str, as_json: bool) -> None:
    """Show what is inside VIDEO: duration, streams and subtitle tracks.

    \b
    Example:
      clipkit info ep07.mkv
      clipkit info ep07.mkv --json | jq .subtitles
    """
    facts = run_info(video)
    if as_json:
        click.echo(json.dumps(facts.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_info(facts))
