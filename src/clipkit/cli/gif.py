"""``clipkit gif``."""

from __future__ import annotations

import click

from ..pipeline.gif import make_gif
from ..settings import DEFAULT_CAPTION, GIF_DITHERS, GifSettings, ScenesSettings
from .captions import caption_options, pop_caption_params
from .line_options import line_options
from .embed_options import EmbedOptions, emit_embed, embed_options
from .preset_options import load_layers, preset_kwargs, preset_options
from .main import echo_notes, main, printable
from .tv_options import tv_options
from .params import MEDIA_FILE, OUTPUT, default_text, setting_option
from .progress import ProgressBar


@main.command()
@click.argument("video", type=MEDIA_FILE)
@tv_options
@click.argument("start", required=False)
@click.argument("end", required=False)
@click.option("--scene", type=click.IntRange(1), help="Shot N of the episode (numbered as `clipkit scenes` lists them) instead of START END.")
@click.option("--snap", is_flag=True, help=f"Move START and END to the nearest cut within {default_text(ScenesSettings, 'snap_window')} s, "
              "so no stray frame of another shot shows.")
@click.option("-o", "--output", type=OUTPUT, help="GIF file or folder (created if missing). Default: VIDEO-STEM_START_END.gif here.")
@click.option("--overwrite", is_flag=True, help="Replace existing files clipkit did not make (never an input).")
@setting_option("--width", cls=GifSettings, name="width", metavar="PX", help="Width in pixels; the height keeps the aspect. Default {default}.")
@setting_option("--height", cls=GifSettings, name="height", metavar="PX", help="Height in pixels (with --width: exactly that size).")
@setting_option("--fps", cls=GifSettings, name="fps", metavar="N", help="Frames per second ({range}). Default {default} (exactly 5 cs per frame); 12.5 and 25 are exact too.")
@setting_option("--colors", cls=GifSettings, name="colors", metavar="N", help="Palette size ({range}). Default {default}.")
@setting_option("--dither", cls=GifSettings, name="dither", metavar="|".join(GIF_DITHERS), help="none (smallest, sharpest), ordered (Bayer: stable, helps with few --colors), diffusion (Floyd–Steinberg) or gradient (a fixed pattern on smooth areas only: no banding in skies). Default {default}.")
@setting_option("--quality", cls=GifSettings, name="quality", metavar="1-100", help="Quality {range}, about gifski's -Q scale: lower leaves small changes unwritten for a smaller file; 100 writes every change, error-diffused. Default {default}.")
@setting_option("--crop", cls=GifSettings, name="crop", metavar="W:H:X:Y|auto", help="W:H:X:Y in display pixels, W:H (centred), or auto (remove letterbox/pillarbox bars).")
@setting_option("--speed", cls=GifSettings, name="speed", metavar="X", help="Playback speed: 2 is twice as fast, 0.5 slow motion ({range}). Default {default}.")
@setting_option("--loop", cls=GifSettings, name="loop", metavar="forever|once|N", help="forever, once, or N (plays N times). Default {default}.")
@setting_option("--bounce", cls=GifSettings, name="bounce", is_flag=True, help="Play forward, then backward.")
@setting_option("--reverse", cls=GifSettings, name="reverse", is_flag=True, help="Play backward.")
@setting_option("--max-size", cls=GifSettings, name="max_size", metavar="SIZE", help="Fit under this size (e.g. 3MB, 500KB; 1000-based), within ~10 % of it: lower quality (fewer colours), then fps, then pixels.")
@setting_option("--also", cls=GifSettings, name="also", metavar="mp4,webp", help="Also write the clip as mp4 and/or webp beside the GIF, e.g. --also mp4,webp.")
@line_options
@caption_options(subs_default=DEFAULT_CAPTION.subs)
@embed_options
@preset_options
def gif(video: str, start: str | None, end: str | None, output: str | None, embed: EmbedOptions, **opts) -> None:
    """Make an optimised GIF of VIDEO from START to END (END may be +6 for six seconds),
    or of one whole shot with --scene N, or of a line of dialogue with --line.

    \b
    Examples:
      clipkit gif ep07.mkv 12:30 12:36
      clipkit gif ep07.mkv --scene 42
      clipkit gif ep07.mkv 12:29.5 12:36.4 --snap
      clipkit gif ep07.mkv --line "always knew"
      clipkit gif ep07.mkv --from "Where were you" --to "always knew"
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
    with ProgressBar("gif") as bar:
        art = make_gif(video, start, end, output, progress=bar, embed=embed, **layered, **overrides)
    echo_notes(art.notes)
    click.echo(f"wrote {printable(art.path)} ({art.width}×{art.height}, {art.frame_count} frame{'' if art.frame_count == 1 else 's'}, "
               f"{float(art.duration):.2f} s, {art.bytes / 1000:.0f} KB)", err=True)
    for sib in art.siblings:
        click.echo(f"wrote {printable(sib.path)} ({sib.kind}, {sib.bytes / 1000:.0f} KB)", err=True)
    emit_embed(art, embed, settings=layers["embed"] if layers else None)
