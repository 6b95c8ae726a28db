"""``clipkit gif``."""

from __future__ import annotations

from fractions import Fraction

import click

from ..encode.gif.dither import DITHER_METHODS
from ..pipeline.gif import make_gif
from .captions import caption_options, pop_caption_params
from .embed_options import EmbedChoice, emit_embed, embed_options
from .preset_options import load_layers, preset_kwargs, preset_options
from .main import echo_notes, main
from .tv_options import tv_options
from .params import MEDIA_FILE, OUTPUT
from .progress import ProgressBar


def _fraction(_ctx, param, value):
    if value is None:
        return None
    try:
        return Fraction(value.strip())
    except (ValueError, ZeroDivisionError):
        raise click.BadParameter(f"{value!r} is not a number (e.g. 15, 12.5, 0.5)", param=param) from None


@main.command()
@click.argument("video", type=MEDIA_FILE)
@tv_options
@click.argument("start", required=False)
@click.argument("end", required=False)
@click.option("--scene", type=click.IntRange(1), help="Shot N of the episode (numbered as `clipkit scenes` lists them) instead of START END.")
@click.option("--snap", is_flag=True, help="Move START and END to the nearest cut within 0.5 s, so no stray frame of another shot shows.")
@click.option("-o", "--output", type=OUTPUT, help="GIF file or folder (created if missing). Default: VIDEO-STEM_START_END.gif here.")
@click.option("--width", type=click.IntRange(16, 4096), help="Width in pixels; the height keeps the aspect. Default 540.")
@click.option("--height", type=click.IntRange(16, 4096), help="Height in pixels (with --width: exactly that size).")
@click.option("--fps", callback=_fraction, help="Frames per second, at most 50. Default 20 (exactly 5 cs per frame); 12.5 and 25 are exact too.")
@click.option("--colors", type=click.IntRange(2, 256), help="Palette size. Default 256.")
@click.option("--dither", type=click.Choice(DITHER_METHODS), help="none (default: smallest, sharpest), ordered (Bayer: stable, helps with few --colors) or diffusion (Floyd–Steinberg).")
@click.option("--quality", type=click.IntRange(1, 100), help="1–100 (default 75): lower leaves small changes unwritten for a smaller file; 100 writes every change.")
@click.option("--crop", help="W:H:X:Y in display pixels, W:H (centred), or auto (remove letterbox/pillarbox bars).")
@click.option("--speed", callback=_fraction, help="Playback speed: 2 is twice as fast, 0.5 slow motion.")
@click.option("--loop", help="forever (default), once, or N (plays N times).")
@click.option("--bounce", is_flag=True, help="Play forward, then backward.")
@click.option("--reverse", is_flag=True, help="Play backward.")
@click.option("--max-size", help="Fit under this size (e.g. 3MB, 500KB; 1000-based): fewer colours, then fps, then pixels.")
@click.option("--also", help="Also write the clip as mp4 and/or webp beside the GIF, e.g. --also mp4,webp.")
@caption_options(subs_default="auto")
@embed_options
@preset_options
def gif(video: str, start: str | None, end: str | None, output: str | None, embed: EmbedChoice, **opts) -> None:
    """Make an optimised GIF of VIDEO from START to END (END may be +6 for six seconds),
    or of one whole shot with --scene N.

    \b
    Examples:
      clipkit gif ep07.mkv 12:30 12:36
      clipkit gif ep07.mkv --scene 42
      clipkit gif ep07.mkv 12:29.5 12:36.4 --snap
      clipkit gif ep07.mkv 12:30 +6 --max-size 3MB --also mp4,webp -o gifs/
      clipkit gif ep07.mkv 1:02:03.5 +4 --crop auto --width 480 --fps 15
      clipkit gif ep07.mkv 12:30 +6 --subs lang:jpn --caption-style yellow
      clipkit gif ep07.mkv 12:30 +6 --caption "He knew. He always knew."

    Cut frame-accurate from START (decoded from the keyframe before it, never
    snapped to a keyframe): one frame every 1/FPS of playing time, the one on
    screen at the middle of that tick. Delays are whole centiseconds with the
    rounding carried forward, so a 6.00 s clip plays 6.00 s.
    The embed snippet goes to stdout; what was written goes to stderr.
    """
    layers = load_layers(opts.pop("preset"), opts.pop("platform"))
    layered, output = preset_kwargs(layers, "gif", output)
    caption_kwargs = pop_caption_params(opts)
    overrides: dict = {k: v for k, v in opts.items() if v not in (None, False)}
    overrides.update(caption_kwargs)
    if "also" in overrides:
        overrides["also"] = tuple(x.strip().lower() for x in overrides["also"].split(",") if x.strip())
    with ProgressBar("gif") as bar:
        art = make_gif(video, start, end, output, progress=bar, **layered, **overrides)
    echo_notes(art.notes)
    click.echo(f"wrote {art.path} ({art.width}×{art.height}, {art.frame_count} frames, "
               f"{float(art.duration):.2f} s, {art.bytes / 1000:.0f} KB)", err=True)
    for sib in art.siblings:
        click.echo(f"wrote {sib.path} ({sib.kind}, {sib.bytes / 1000:.0f} KB)", err=True)
    emit_embed(art, embed, settings=layers["embed"] if layers else None)
