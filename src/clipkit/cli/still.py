"""``clipkit still``."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import click

from ..pipeline.still import still as run_still
from ..timecode import parse_time
from .embed_options import EmbedChoice, emit_embed, embed_options
from .preset_options import load_layers, preset_kwargs, preset_options
from .captions import caption_options, pop_caption_params
from .main import echo_notes, main
from .tv_options import tv_options
from .params import MEDIA_FILE, OUTPUT


@main.command()
@click.argument("video", type=MEDIA_FILE)
@tv_options
@click.argument("at")
@click.option("-o", "--output", type=OUTPUT, help="Image file (.png, .jpg, .webp) or folder. Default: VIDEO-STEM_TIME.png here.")
@click.option("--width", type=click.IntRange(16, 8192), help="Width in pixels (height keeps the aspect). Default: the video's.")
@click.option("--best", is_flag=True, help="Pick the sharpest non-black frame within ±0.5 s of AT.")
@click.option("--window", type=str, default=None, help="How far --best looks either side of AT (e.g. 1s, 250ms).")
@embed_options
@caption_options(subs_default="off")
@preset_options
def still(video: str, at: str, output: str | None, width: int | None, best: bool, window: str | None,
          embed: EmbedChoice, preset: str | None, platform: str | None, **caption_params) -> None:
    """Save the frame of VIDEO on screen at AT as an image (frame-accurate).

    \b
    Examples:
      clipkit still ep07.mkv 12:31
      clipkit still ep07.mkv 12:31 --best --width 1280 -o shots/
      clipkit still ep07.mkv 12:31 --subs lang:jpn      # the dialogue line burned in
      clipkit still ep07.mkv 12:31 --caption "He knew."
    The embed snippet goes to stdout; what was written goes to stderr.
    """
    layers = load_layers(preset, platform)
    layered, output = preset_kwargs(layers, "still", output)
    if layers is not None and "caption.subs" not in layers.origins:
        # Stills carry dialogue only when asked for (--subs, or a preset's [caption] subs).
        layered["caption_settings"] = dataclasses.replace(layered["caption_settings"], subs="off")
    overrides: dict = {"best": True} if best else {}
    if width:
        overrides["width"] = width
    if window:
        overrides["best_window"] = Fraction(parse_time(window))
    overrides.update(pop_caption_params(caption_params))
    art = run_still(video, at, output, **layered, **overrides)
    echo_notes(art.notes)
    click.echo(f"wrote {art.path} ({art.width}×{art.height}, {art.bytes / 1000:.0f} KB)", err=True)
    emit_embed(art, embed, settings=layers["embed"] if layers else None)
