"""``clipkit scenes``."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..pipeline.scenes import detect_scenes, render_scenes, write_scenes
from ..errors import UsageError
from ..outputs import check_clash, check_not_system, check_writable
from ..pipeline.naming import safe_name
from ..settings import ScenesSettings
from .main import echo_notes, main, printable
from .tv_options import tv_options, video_path
from .params import MEDIA_FILE, OUTPUT, setting_option
from .progress import ProgressBar

_EXT = {"csv": "csv", "json": "json", "html": "html", "table": "txt"}
_BY_SUFFIX = {".csv": "csv", ".json": "json", ".html": "html", ".htm": "html", ".txt": "table"}


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
@setting_option("--threshold", cls=ScenesSettings, name="threshold", metavar="SCORE", help="Cut score a frame must reach (default {default}; ~100 = unrelated shots). Lower finds more cuts.")
@setting_option("--min-scene", cls=ScenesSettings, name="min_scene", metavar="SECONDS", help="Of two cuts closer than this, keep the stronger; drop a cut this soon after a fade (seconds or 500ms; default {default}).")
@setting_option("--fades/--no-fades", cls=ScenesSettings, name="fades", help="Look for fades (default: on; off is faster).")
@setting_option("--dissolves/--no-dissolves", cls=ScenesSettings, name="dissolves", help="Look for dissolves (default: on; off is faster).")
@setting_option("--fast/--full-decode", cls=ScenesSettings, name="fast", help="--fast (the default): decode the frames others are predicted "
                "from, then only the few frames around each cut and fade — as exact; --full-decode: every frame in one pass (slower).")
@setting_option("--cache/--no-cache", cls=ScenesSettings, name="cache", help="Reuse an earlier scan of this file with these settings (default: on).")
def scenes(video: str, fmt: str | None, output: str | None, start: str | None, end: str | None, **settings) -> None:
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
    overrides = {k: v for k, v in settings.items() if v is not None}  # only what was typed
    stem = safe_name(Path(video_path(video)).stem)
    if fmt == "html" and not output:
        output = f"{stem}_scenes.html"
    if output and (Path(output).is_dir() or str(output).endswith(("/", os.sep))):  # a folder: the list goes inside
        output = str(Path(output) / f"{stem}_scenes.{_EXT.get(fmt, 'txt')}")
    if output:  # never over the episode, never /etc, a folder that can be written: before detecting anything
        check_not_system(output)
        check_clash([output], [video_path(video)])
        if Path(output).is_dir():
            raise UsageError(f"{output} is a folder", "give a file name, or the folder with a trailing /")
        check_writable(output)
    with ProgressBar("scenes") as bar:
        found = detect_scenes(video, start=start, end=end, progress=bar, **overrides)
    echo_notes(found.notes)
    if output:
        with ProgressBar("thumbnails") as bar:
            path = write_scenes(found, output, fmt, progress=bar)
        n, t = len(found.scenes), len(found.transitions)
        what = f"{n} shot{'' if n == 1 else 's'}" + (f", {t} transition{'' if t == 1 else 's'}" if t else "")
        click.echo(f"wrote {printable(path)} ({what}{', from the cache' if found.from_cache else ''})", err=True)
    else:
        click.echo(render_scenes(found, fmt), nl=False)
