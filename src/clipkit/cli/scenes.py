"""``clipkit scenes``."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import click

from ..pipeline.scenes import detect_scenes, render_scenes, write_scenes
from ..pipeline.naming import safe_name
from ..timecode import parse_time
from .main import echo_notes, main
from .tv_options import tv_options, video_path
from .params import MEDIA_FILE, OUTPUT
from .progress import ProgressBar

_BY_SUFFIX = {".csv": "csv", ".json": "json", ".html": "html", ".htm": "html", ".txt": "table"}


def _seconds(_ctx, param, value):
    if value is None:
        return None
    return Fraction(parse_time(value))


@main.command()
@click.argument("video", type=MEDIA_FILE)
@tv_options
@click.option("--csv", "fmt", flag_value="csv", help="CSV with PySceneDetect list-scenes columns (1-based frames).")
@click.option("--json", "fmt", flag_value="json", help="JSON: shots, cuts, transitions, flashes, notes.")
@click.option("--html", "fmt", flag_value="html", help="An HTML page with a thumbnail, the times and the gif command per shot.")
@click.option("-o", "--output", type=OUTPUT, help="Write to this file (the format follows .csv/.json/.html unless given). "
              "Default: stdout; for --html, VIDEO-STEM_scenes.html here.")
@click.option("--start", help="Scan from this time (e.g. 12:00). Default: the start.")
@click.option("--end", help="Scan up to this time (may be +5:00). Default: the end.")
@click.option("--threshold", type=float, help="Cut score a frame must reach (default 35; ~100 = unrelated shots). Lower finds more cuts.")
@click.option("--min-scene", callback=_seconds, help="Of two cuts closer than this, keep the stronger; drop a cut this soon after a fade (seconds or 500ms; default 0.5).")
@click.option("--no-fades", is_flag=True, help="Do not look for fades (faster).")
@click.option("--no-dissolves", is_flag=True, help="Do not look for dissolves (faster).")
@click.option("--full-decode", is_flag=True, help="Decode every frame in one pass (slower; the default decodes the frames "
              "others are predicted from, then only the few frames around each cut and fade — as exact).")
@click.option("--fast", is_flag=True, hidden=True, help="The default now (kept so old scripts still run).")
@click.option("--no-cache", is_flag=True, help="Detect again even if this file was scanned with these settings before.")
def scenes(video: str, fmt: str | None, output: str | None, start: str | None, end: str | None, threshold: float | None,
           min_scene: Fraction | None, no_fades: bool, no_dissolves: bool, full_decode: bool, fast: bool, no_cache: bool) -> None:
    """List the shots of VIDEO: hard cuts, fades and dissolves (camera flashes ignored).

    \b
    Examples:
      clipkit scenes ep07.mkv                      table of shots
      clipkit scenes ep07.mkv --csv -o ep07.csv    PySceneDetect-compatible CSV
      clipkit scenes ep07.mkv --json | jq '.scenes[3]'
      clipkit scenes ep07.mkv --html               ep07_scenes.html: a thumbnail per shot
      clipkit scenes ep07.mkv --start 12:00 --end +5:00 --threshold 20

    Times are the stream's own (right on variable-frame-rate files) and paste
    straight into `clipkit gif`. Results are cached per file and settings, so
    asking again is instant.
    """
    if output and not fmt:
        fmt = _BY_SUFFIX.get(Path(output).suffix.lower())
    fmt = fmt or "table"
    overrides: dict = {}
    if threshold is not None:
        overrides["threshold"] = threshold
    if min_scene is not None:
        overrides["min_scene"] = min_scene
    if no_fades:
        overrides["fades"] = False
    if no_dissolves:
        overrides["dissolves"] = False
    if full_decode:
        overrides["fast"] = False
    if no_cache:
        overrides["cache"] = False
    with ProgressBar("scenes") as bar:
        found = detect_scenes(video, start=start, end=end, progress=bar, **overrides)
    echo_notes(found.notes)
    if fmt == "html" and not output:
        output = f"{safe_name(Path(video_path(video)).stem)}_scenes.html"
    if output:
        with ProgressBar("thumbnails") as bar:
            path = write_scenes(found, output, fmt, progress=bar)
        n, t = len(found.scenes), len(found.transitions)
        what = f"{n} shot{'' if n == 1 else 's'}" + (f", {t} transition{'' if t == 1 else 's'}" if t else "")
        click.echo(f"wrote {path} ({what}{', from the cache' if found.from_cache else ''})", err=True)
    else:
        click.echo(render_scenes(found, fmt), nl=False)
