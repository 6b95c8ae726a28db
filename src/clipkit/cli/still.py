"""``clipkit still``."""

from __future__ import annotations

from fractions import Fraction

import click

from ..pipeline.still import still as run_still
from ..settings import StillSettings, still_captions
from .embed_options import EmbedOptions, emit_embed, embed_options
from .preset_options import load_layers, preset_kwargs, preset_options
from .captions import caption_options, pop_caption_params
from .line_options import line_options
from .main import echo_notes, main, printable
from .tv_options import tv_options
from .params import MEDIA_FILE, OUTPUT, default_text, setting_option


@main.command()
@click.argument("video", type=MEDIA_FILE)
@tv_options
@click.argument("at", required=False)
@click.option("-o", "--output", type=OUTPUT, help="Image file (.png, .jpg, .webp) or folder. Default: VIDEO-STEM_TIME.png here.")
@setting_option("--width", cls=StillSettings, name="width", metavar="PX", help="Width in pixels (height keeps the aspect). Default: the video's.")
@setting_option("--crop", cls=StillSettings, name="crop", metavar="W:H:X:Y|auto", help="W:H:X:Y in display pixels, W:H (centred), or auto (remove letterbox/pillarbox bars, found in frames around AT).")
@setting_option("--best", cls=StillSettings, name="best", is_flag=True, help="Pick the sharpest non-black frame within ±{window} s of AT, in the shot on screen at AT.".replace("{window}", default_text(StillSettings, "best_window")))
@setting_option("--window", cls=StillSettings, name="best_window", metavar="SECONDS", help="How far --best looks either side of AT (e.g. 1s, 250ms). Default {default} s.")
@click.option("--overwrite", is_flag=True, help="Replace existing files clipkit did not make (never an input).")
@line_options
@embed_options
@caption_options(subs_default=still_captions(None, asked=False).subs)
@preset_options
def still(video: str, at: str | None, output: str | None, width: int | None, crop: str | None, best: bool,
          best_window: Fraction | None, embed: EmbedOptions, preset: str | None, platform: str | None, overwrite: bool, **caption_params) -> None:
    """Save the frame of VIDEO on screen at AT as an image (frame-accurate), or
    during a line of dialogue with --line (with --best: the sharpest frame while it is spoken).

    \b
    Examples:
      clipkit still ep07.mkv 12:31
      clipkit still ep07.mkv 12:31 --best --width 1280 -o shots/
      clipkit still film.mkv 1:02:03 --crop auto        # without the letterbox bars
      clipkit still ep07.mkv 12:31 --subs lang:jpn      # the dialogue line burned in
      clipkit still ep07.mkv 12:31 --caption "He knew."
      clipkit still ep07.mkv --line "always knew" --best

    The embed snippet goes to stdout; what was written goes to stderr.
    """
    layers = load_layers(preset, platform)
    layered, output = preset_kwargs(layers, "still", output)
    if layers is not None:
        layered["caption_settings"] = still_captions(layered["caption_settings"], asked="caption.subs" in layers.origins)
    overrides: dict = {"best": True} if best else {}
    if width:
        overrides["width"] = width
    if crop:
        overrides["crop"] = crop
    if best_window:
        overrides["best_window"] = best_window
    overrides.update(pop_caption_params(caption_params))
    overrides.update({k: v for k, v in caption_params.items() if v is not None})  # line=Line(…) from --line, --from/--to, --match, --pad
    art = run_still(video, at, output, embed=embed, overwrite=overwrite, **layered, **overrides)
    echo_notes(art.notes)
    click.echo(f"wrote {printable(art.path)} ({art.width}×{art.height}, {art.bytes / 1000:.0f} KB)", err=True)
    emit_embed(art, embed, settings=layers["embed"] if layers else None)
