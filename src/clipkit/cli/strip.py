"""``clipkit strip``."""

from __future__ import annotations

import click

from ..pipeline.strip import make_strip
from ..settings import STRIP_DEFAULT_COUNT, STRIP_LABEL_POSITIONS, STRIP_LAYOUTS, StripSettings
from .embed_options import EmbedOptions, emit_embed, embed_options
from .preset_options import load_layers, preset_kwargs, preset_options
from .line_options import line_options
from .main import echo_notes, main, printable
from .tv_options import tv_options
from .params import MEDIA_FILE, OUTPUT, setting_option
from .progress import ProgressBar
from .spans import SPAN, TIMES

_counts = ", ".join(f"{n} for a {layout}" for layout, n in STRIP_DEFAULT_COUNT.items())


@main.command()
@click.argument("video", type=MEDIA_FILE)
@tv_options
@click.option("-o", "--output", type=OUTPUT, help="Image file (.png, .jpg, .webp) or folder. Default: VIDEO-STEM_strip.png here.")
@setting_option("--layout", cls=StripSettings, name="layout", metavar="|".join(STRIP_LAYOUTS), help="grid (a contact sheet), row (a strip for the top of a post) or column. Default {default}.")
@setting_option("--count", cls=StripSettings, name="count", metavar="N", help=f"Number of tiles. Default: cols × rows, else {_counts}.")
@setting_option("--cols", cls=StripSettings, name="cols", metavar="N", help="Tiles across (grid).")
@setting_option("--rows", cls=StripSettings, name="rows", metavar="N", help="Tiles down (grid).")
@setting_option("--width", cls=StripSettings, name="width", metavar="PX", help="Width of the whole image in pixels (default {default}); tiles are sized to fit.")
@setting_option("--crop", cls=StripSettings, name="crop", metavar="W:H:X:Y|auto", help="W:H:X:Y in display pixels, W:H (centred), or auto (remove letterbox/pillarbox bars) on every tile.")
@setting_option("--gap", cls=StripSettings, name="gap", metavar="PX", help="Pixels between tiles (default {default}).")
@setting_option("--margin", cls=StripSettings, name="margin", metavar="PX", help="Pixels around the tiles (default: the gap).")
@setting_option("--background", cls=StripSettings, name="background", metavar="COLOUR", help="Background colour, #rrggbb or a name (default {default}).")
@setting_option("--radius", cls=StripSettings, name="radius", metavar="PX", help="Rounded tile corners, in pixels (default {default}).")
@setting_option("--border", cls=StripSettings, name="border", metavar="PX", help="A line around each tile, in pixels (default {default}).")
@setting_option("--border-color", cls=StripSettings, name="border_color", metavar="COLOUR", help="Colour of that line (default {default}).")
@setting_option("--labels/--no-labels", cls=StripSettings, name="labels", help="The frame's time on each tile (default {default}).")
@setting_option("--label-position", cls=StripSettings, name="label_position", metavar="CORNER", help="Corner of the time label: " + ", ".join(STRIP_LABEL_POSITIONS) + " (default {default}).")
@setting_option("--label-format", cls=StripSettings, name="label_format", metavar="auto|precise|none", help="auto: 12:30 / 1:02:03; precise: 12:30.458; none. Default {default}.")
@setting_option("--header", cls=StripSettings, name="header", is_flag=True, help="A header with the title and the file's facts (duration, size, codec).")
@setting_option("--title", cls=StripSettings, name="title", metavar="TEXT", help="Header title (implies --header). Default: the file's title tag, else its name.")
@setting_option("--font", cls=StripSettings, name="font", metavar="FONT", help="Font file or family for labels and header. Default: an installed font that has every character.")
@setting_option("--skip-start", cls=StripSettings, name="skip_start", metavar="PERCENT", help="Percent skipped at the start (opening titles). Default {default}.")
@setting_option("--skip-end", cls=StripSettings, name="skip_end", metavar="PERCENT", help="Percent skipped at the end (credits). Default {default}.")
@click.option("--at", "at", type=TIMES, help="Exact moments instead, comma-separated: --at 12:30,14:02,20:11.5")
@click.option("--range", "range_", type=SPAN, help="Only this part: START-END, e.g. 12:00-18:00 or 12:00-+6:00.")
@click.option("--per-scene", is_flag=True, help="One frame per shot (runs scene detection; cached); with --count N or --cols × --rows, the N longest.")
@setting_option("--window", cls=StripSettings, name="window", metavar="SECONDS", help="How far either side of each slot the best frame is looked for (default {default} s).")
@setting_option("--max-size", cls=StripSettings, name="max_size", metavar="SIZE", help="Fit under this size (e.g. 500KB): JPEG/WebP quality is lowered to fit.")
@setting_option("--quality", cls=StripSettings, name="quality", metavar="1-100", help="JPEG/WebP quality {range} (default {default}; the highest tried with --max-size).")
@line_options
@click.option("--overwrite", is_flag=True, help="Replace existing files clipkit did not make (never an input).")
@embed_options(title_flag="--embed-title")
@preset_options
def strip(video: str, output: str | None, at: str | None, range_: str | None, per_scene: bool,
          title: str | None, header: bool | None, embed: EmbedOptions, **opts) -> None:
    """Make a thumbnail strip or contact sheet of VIDEO: the best frame near each moment.

    \b
    Examples:
      clipkit strip ep07.mkv                                  4×4 sheet, 7% skipped at each end
      clipkit strip ep07.mkv --layout row --count 5 -o top.jpg
      clipkit strip ep07.mkv --cols 6 --rows 4 --header --width 1500
      clipkit strip ep07.mkv --range 12:00-18:00 --count 8 --radius 8
      clipkit strip ep07.mkv --at 12:30,14:02,20:11.5 --label-format precise
      clipkit strip ep07.mkv --per-scene --max-size 500KB -o shots.webp

    Each tile is the sharpest frame near its slot that is not black, blank,
    part of a fade or dissolve, or a one-frame flash, and not a near-copy of
    the tile before it; its label is that frame's own time (--at takes the
    exact frame on screen at each time). The embed snippet goes to stdout;
    what was written and which times were used go to stderr.
    """
    layers = load_layers(opts.pop("preset"), opts.pop("platform"))
    layered, output = preset_kwargs(layers, "strip", output, captions=False)
    overrides = {k: v for k, v in opts.items() if v is not None}
    if title is not None:
        overrides["title"] = title
        overrides["header"] = True
    if header:
        overrides["header"] = True
    with ProgressBar("choosing frames") as bar:
        art = make_strip(video, output, at=at, range_=range_, per_scene=per_scene, progress=bar, embed=embed,
                         **layered, **overrides)
    echo_notes(art.notes)
    click.echo(f"wrote {printable(art.path)} ({art.width}×{art.height}, {art.bytes / 1000:.0f} KB, {art.frame_count} tile{'' if art.frame_count == 1 else 's'})", err=True)
    emit_embed(art, embed, settings=layers["embed"] if layers else None)  # default alt: "16 frames of ep07, 0:04 to 0:55"
