"""``clipkit batch``: a job file's GIFs, stills and strips under one preset, in parallel, resumable."""

from __future__ import annotations

import json
import os

import click

from ..pipeline.batch import BatchResult, batch as run_batch
from ..presets import parse_overrides
from .main import main, printable
from .progress import ProgressBar


def _where(result, job_file) -> str:
    return f"{job_file.name}:{result.line}" if result.line else f"job {result.index}"


def _summary(res: BatchResult, explain: bool = False) -> None:
    job_file = res.job_file
    for r in res.results:
        name = r.output.name if r.output else "-"
        if r.status == "failed":
            click.echo(printable(f"FAILED  {_where(r, job_file)}  {r.kind}: {r.error}" + (f" — {r.hint}" if r.hint else "")), err=True)
            continue
        label = {"made": "made", "skipped": "up to date", "planned": "would make"}[r.status]
        size = f"  {r.artifact.width}×{r.artifact.height} {r.artifact.bytes / 1000:.0f} KB" if r.artifact else ""
        took = f"  {r.seconds:.1f}s" if r.status == "made" else ""
        click.echo(printable(f"{label:<10}  {_where(r, job_file)}  {r.kind:<5} {name}{size}{took}"), err=True)
        if explain and r.reason:
            click.echo(printable(f"            why: {r.reason}"), err=True)
        for note in r.notes:
            click.echo(printable(f"            note: {note}"), err=True)
    parts = [f"{res.count('made')} made", f"{res.count('skipped')} up to date", f"{res.count('failed')} failed"]
    if res.dry_run:
        parts = [f"{res.count('planned')} to make", f"{res.count('skipped')} up to date", f"{res.count('failed')} failed"]
    n = len(res.results)
    click.echo(printable(f"{n} job{'' if n == 1 else 's'}: " + ", ".join(parts) + f" in {res.seconds:.1f}s → {res.output_dir}"), err=True)
    if res.index_html:
        click.echo(printable(f"post index: {res.index_html}  {res.index_md}"), err=True)


@main.command()
@click.argument("job_file", type=click.Path(dir_okay=False, path_type=str))
@click.option("-p", "--preset", help="Series or platform preset (name or .toml path). Default: the job file's `preset`.")
@click.option("--platform", help="Platform preset under the series preset (default: the series preset's own).")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=str),
              help="Output folder. Default: the job file's `output`, else the preset's [series] output.")
@click.option("-j", "--jobs", "workers", type=click.IntRange(1, 256), default=None,
              help="Jobs run at once in a local process pool. Default: the number of CPUs.")
@click.option("--dask", metavar="ADDRESS", help="Run on a Dask cluster (tcp://scheduler:8786); needs clipkit[dask]. "
              "Workers must read the episodes and write the output folder at the same paths.")
@click.option("--dask-timeout", type=click.FloatRange(0.1, 600), default=10.0, show_default=True,
              help="Seconds to wait for the Dask scheduler.")
@click.option("--set", "sets", multiple=True, metavar="TABLE.KEY=VALUE",
              help="A setting on top of the presets, e.g. --set still.width=640 (repeatable).")
@click.option("--force", is_flag=True, help="Remake every output, even those up to date.")
@click.option("-n", "--dry-run", is_flag=True, help="List what would be made; write nothing.")
@click.option("--explain", is_flag=True,
              help="For each job, say whether it would be made or skipped as up to date, and why; write nothing.")
@click.option("--no-index", is_flag=True, help="Do not write index.html / index.md.")
@click.option("--overwrite", is_flag=True, help="Replace existing files (and an index) clipkit did not make; never an episode.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON on stdout.")
def batch(job_file: str, preset: str | None, platform: str | None, output: str | None, workers: int | None,
          dask: str | None, dask_timeout: float, sets: tuple[str, ...], force: bool, dry_run: bool,
          explain: bool, no_index: bool, overwrite: bool, as_json: bool) -> None:
    """Run the jobs of JOB_FILE (.toml or .csv): GIFs, clips, stills and strips for a post or a season.

    \b
    A TOML job file:
      preset = "one-million-stars"
      [defaults]
      ep = 7
      [[job]]
      kind = "still"
      at = "12:31"
      name = "the-look"

    A CSV job file: a header row (kind,ep,start,end,at,name,…), a job per row.

    \b
    Episodes given by number (ep = 7) are found through the preset's
    [series] episodes folder and episode_pattern.  Jobs whose output is up
    to date (same episode and subtitle files, settings and clipkit code) are skipped,
    so an interrupted batch resumes where it stopped; --explain says, for
    each job, whether it would be made or skipped and why.  A failing job is
    reported with its line; the others still run.  Exit code 0 only if
    every job succeeded.  Writes index.html and index.md (every embed in job
    order) in the output folder.

    \b
    Examples:
      clipkit batch presets/post-ep07.toml
      clipkit batch season1.csv --preset one-million-stars -j 2
      clipkit batch presets/post-ep07.toml --explain
      clipkit batch season1.csv --preset one-million-stars --dask tcp://10.0.0.5:8786
    """
    overrides = parse_overrides(sets)
    if workers is None:
        workers = os.cpu_count() or 1
    with ProgressBar("batch") as bar:
        res = run_batch(job_file, preset=preset, platform=platform, output=output, overrides=overrides,
                        workers=workers, dask=dask, dask_timeout=dask_timeout, dry_run=dry_run, explain=explain,
                        force=force, index=not no_index, overwrite=overwrite, progress=bar)
    _summary(res, explain)
    if as_json:
        click.echo(json.dumps(res.to_dict(), ensure_ascii=False, indent=1))
    if not res.ok:
        raise click.exceptions.Exit(1)
