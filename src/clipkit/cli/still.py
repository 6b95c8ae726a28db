"""``clipkit still``."""

from __future__ import annotations

from fractions import Fraction

import click

from ..embed import html_img
from ..pipeline import still as run_still
from ..timecode import parse_time
from .main import echo_notes, main
from .params import MEDIA_FILE, OUTPUT


@main.command()
@click.argument("video", type=MEDIA_FILE)
@click.argument("at")
@click.option("-o", "--output", type=OUTPUT, help="Image file (.png, .jpg, .webp) or folder. Default: VIDEO-STEM_TIME.png here.")
@click.option("--width", type=click.IntRange(16, 8192), help="Width in pixels (height keeps the aspect). Default: the video's.")
@click.option("--best", is_flag=True, help="Pick the sharpest non-black frame within ±0.5 s of AT.")
@click.option("--window", type=str, default=None, help="How far --best looks either side of AT (e.g. 1s, 250ms).")
def still(video: str, at: str, output: str | None, width: int | None, best: bool, window: str | None) -> None:
    """Save the frame of VIDEO on screen at AT as an image (frame-accurate).

    \b
    Examples:
      clipkit still ep07.mkv 12:31
      clipkit still ep07.mkv 12:31 --best --width 1280 -o shots/
    The embed snippet goes to stdout; what was written goes to stderr.
    """
    overrides: dict = {"best": best}
    if width:
        overrides["width"] = width
    if window:
        overrides["best_window"] = Fraction(parse_time(window))
    art = run_still(video, at, output, **overrides)
    echo_notes(art.notes)
    click.echo(f"wrote {art.path} ({art.width}×{art.height}, {art.bytes / 1000:.0f} KB)", err=True)
    click.echo(html_img(art))
