"""``clipkit strip``."""

from __future__ import annotations

import click

from ..pipeline.strip import make_strip
from ..render.strip import LABEL_POSITIONS, LAYOUTS
from ..timecode import parse_time
from .embed_options import EmbedChoice, emit_embed, embed_options
from .preset_options import load_layers, preset_kwargs, preset_options
from .main import echo_notes, main
from .tv_options import tv_options
from .params import MEDIA_FILE, OUTPUT
from .progress import ProgressBar


@main.command()
@click.argument("video", type=MEDIA_FILE)
@tv_options
@click.option("-o", "--output", type=OUTPUT, help="Image file (.png, .jpg, .webp) or folder. Default: VIDEO-STEM_strip.png here.")
@click.option("--layout", type=click.Choice(LAYOUTS), help="grid (default, a contact sheet), row (a strip for the top of a post) or column.")
@click.option("--count", type=int, help="Number of tiles. Default: cols × rows, else 16 for a grid, 5 for a row or column.")
@click.option("--cols", type=int, help="Tiles across (grid).")
@click.option("--rows", type=int, help="Tiles down (grid).")
@click.option("--width", type=int, help="Width of the whole image in pixels (default 1000); tiles are sized to fit.")
@click.option("--gap", type=int, help="Pixels between tiles (default 6).")
@click.option("--margin", type=int, help="Pixels around the tiles (default: the gap).")
@click.option("--background", help="Background colour, #rrggbb or a name (default #101010).")
@click.option("--radius", type=int, help="Rounded tile corners, in pixels (default 0).")
@click.option("--border", type=int, help="A line around each tile, in pixels (default 0).")
@click.option("--border-color", help="Colour of that line (default white).")
@click.option("--labels/--no-labels", default=None, help="The frame's time on each tile (default on).")
@click.option("--label-position", type=click.Choice(LABEL_POSITIONS), help="Corner of the time label (default bottom-right).")
@click.option("--label-format", type=click.Choice(["auto", "precise", "none"]), help="auto: 12:30 / 1:02:03; precise: 12:30.458.")
@click.option("--header", is_flag=True, default=None, help="A header with the title and the file's facts (duration, size, codec).")
@click.option("--title", help="Header title (implies --header). Default: the file's title tag, else its name.")
@click.option("--font", help="Font file or family for labels and header. Default: an installed font that has every character.")
@click.option("--skip-start", type=float, help="Percent skipped at the start (opening titles). Default 7.")
@click.option("--skip-end", type=float, help="Percent skipped at the end (credits). Default 7.")
@click.option("--at", "at", help="Exact moments instead, comma-separated: --at 12:30,14:02,20:11.5")
@click.option("--range", "range_", help="Only this part: START-END, e.g. 12:00-18:00 or 12:00-+6:00.")
@click.option("--per-scene", is_flag=True, help="One frame per shot (runs scene detection; cached).")
@click.option("--window", help="How far either side of each slot the best frame is looked for (default 0.5s).")
@click.option("--max-size", help="Fit under this size (e.g. 500KB): JPEG/WebP quality is lowered to fit.")
@click.option("--quality", type=int, help="JPEG/WebP quality 1–100 (default 88; the highest tried with --max-size).")
@embed_options(title_flag="--embed-title")
@preset_options
def strip(video: str, output: str | None, at: str | None, range_: str | None, per_scene: bool, window: str | None,
          title: str | None, header: bool | None, max_size: str | None, embed: EmbedChoice, **opts) -> None:
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
    if window is not None:
        overrides["window"] = parse_time(window)
    if max_size is not None:
        overrides["max_size"] = max_size
    with ProgressBar("choosing frames") as bar:
        art = make_strip(video, output, at=at, range_=range_, per_scene=per_scene, progress=bar, **layered, **overrides)
    echo_notes(art.notes)
    click.echo(f"wrote {art.path} ({art.width}×{art.height}, {art.bytes / 1000:.0f} KB, {art.frame_count} tiles)", err=True)
    emit_embed(art, embed, settings=layers["embed"] if layers else None)  # default alt: "16 frames of ep07, 0:04 to 0:55"
