"""``clipkit demo``."""

from __future__ import annotations

import click

from ..media.probe import probe
from ..pipeline.demo import demo as run_demo
from .info import render_info
from .main import main
from .params import OUTPUT
from .progress import ProgressBar


@main.command()
@click.option("-o", "--output", type=OUTPUT, default="clipkit-demo", show_default=True,
              help="Folder for the sample episode and the outputs.")
def demo(output: str) -> None:
    """Make the bundled sample episode (if not there yet) and run the main jobs on it.

    Needs no media of your own: the sample is generated with the bundled
    ffmpeg (a 60 s 640×360 mkv with cuts, a fade, a dissolve, and English and
    Japanese subtitle tracks).  Then: a GIF with the English dialogue, one
    with the Japanese, the sharpest still near 0:24.5, a contact sheet, and
    index.html showing them all, each under a heading saying what it is, with
    its embed snippet.  It all takes about 15–30 s (about 28 s of CPU time:
    the scene detection and the two GIFs are most of it); a second run
    reuses the sample.
    """
    from ..outputs import check_not_system, check_writable_folder

    check_not_system(output)  # before saying it is making anything there (run_demo checks it too, for the API)
    check_writable_folder(output)
    click.echo(f"making the sample episode and the demo outputs in {output}/ …", err=True)
    with ProgressBar("demo") as bar:
        sample, made, page = run_demo(output, progress=bar)
    click.echo(render_info(probe(sample)), err=True)
    for art in made:
        click.echo(f"wrote {art.path} ({art.kind}, {art.width}×{art.height}, {art.bytes / 1000:.0f} KB)", err=True)
    click.echo(f"wrote {page} — open it in a browser to see everything with its embed snippet", err=True)
    click.echo(f"\nnext: clipkit gif {sample} 0:31 +3.5   (or clipkit scenes {sample})", err=True)
