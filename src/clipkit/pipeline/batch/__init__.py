"""``batch``: many jobs under one preset — in a process pool or on a Dask cluster, resumable.

The flow: parse the job file (:mod:`..jobfile`) → resolve the presets
(:mod:`clipkit.presets`) → plan each job (:mod:`.plan`: episode file,
settings, a safe output path, its key) → judge each against the output
folder's state (:mod:`.freshness`: make or skip, and why) → run the rest
(:mod:`.runners`) → record each finished job in the state file as it lands
(atomically) → write the post index (:mod:`..batch_index`).

A job that fails (bad time, missing episode, unknown key) is reported with its
line and the others still run.  A killed batch loses nothing that finished.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from ...atomic import ensure_writable_dir
from ...errors import Cancelled, ClipkitError, UsageError, option
from ...settings_apply import keywords_checked
from ...presets import resolve
from ...progress import ProgressFn, report
from ..batch_index import check_index, write_index
from ..jobfile import JobFile, parse_job_file
from ..naming import safe_name
from .freshness import STATE_NAME, State, code_version, judge, remove_stale_parts
from ...outputs import check_not_system
from .plan import JobError, PlannedJob, check_existing, plan_jobs, resolve_episode, safe_relative
from .results import BatchResult, JobResult
from .runners import Outcome, execute, run_dask, run_local

__all__ = ["batch", "BatchResult", "JobResult", "PlannedJob", "JobError", "plan_jobs", "execute", "STATE_NAME",
           "code_version", "safe_relative", "resolve_episode"]


@keywords_checked
def batch(
    jobs: str | os.PathLike | JobFile,
    *,
    preset: str | os.PathLike | None = None,
    platform: str | None = None,
    output: str | os.PathLike | None = None,
    overrides: dict[str, Any] | None = None,
    workers: int = 1,
    dask: Any = None,
    dask_timeout: float = 10.0,
    dry_run: bool = False,
    explain: bool = False,
    force: bool = False,
    index: bool = True,
    overwrite: bool = False,
    progress: ProgressFn | None = None,
) -> BatchResult:
    """Run every job of a job file (``.toml`` or ``.csv``) under one preset.

    ``preset``/``platform``/``output`` override what the job file names.
    ``overrides`` are typed settings (``{"still.width": 640}``), the top layer.
    ``workers`` > 1 runs a local process pool; ``dask`` (a scheduler address
    such as ``"tcp://host:8786"``, or a ``distributed.Client``) runs on a Dask
    cluster instead.  Jobs whose output is up to date are skipped unless
    ``force``.  ``dry_run`` plans and reports without writing anything;
    ``explain`` is the same (``clipkit batch --explain``): every result's
    ``reason`` says why the job is (or would be) made or skipped.
    Returns a :class:`BatchResult`; failed jobs are in it (the others ran).
    Outputs stay under the output folder, which is never a system folder; no
    job writes over an episode; an existing file clipkit did not make (and an
    ``index.html``/``index.md`` it did not write) is replaced only with
    ``overwrite``.
    """
    t0 = time.perf_counter()
    dry_run = dry_run or explain
    if isinstance(workers, str) and workers.strip().isdigit():
        workers = int(workers)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise UsageError(f"{option('workers', workers, flag='-j')}: needs at least 1 worker",
                         f"give {option('workers', 1, flag='-j')} or more")
    job_file = jobs if isinstance(jobs, JobFile) else parse_job_file(jobs)
    preset_name = preset if preset is not None else job_file.preset
    extra_dirs = (job_file.path.parent, job_file.path.parent / "presets")
    if preset is None and job_file.preset and not Path(job_file.preset).is_absolute() and job_file.preset.endswith(".toml"):
        preset_name = str(job_file.path.parent / job_file.preset)
    resolved = resolve(preset_name, platform=platform or job_file.platform, overrides=overrides or {},
                       extra_dirs=extra_dirs)
    if output is not None:
        output_dir = Path(output)
    elif job_file.output is not None:
        output_dir = job_file.output
    else:
        output_dir = resolved.path_of("series.output")
    output_dir = Path(os.path.normpath(output_dir))
    series_name = safe_name(Path(str(preset_name)).stem) if preset_name else "clipkit"
    check_not_system(output_dir)  # before the folder is made: a preset or job file may not aim at /etc
    if index:
        check_index(output_dir, overwrite=overwrite)
    created = not output_dir.exists()
    if not dry_run:
        ensure_writable_dir(output_dir)

    plans = plan_jobs(job_file.jobs, resolved, output_dir, series_name=series_name)
    state = State(output_dir)
    out_root = output_dir.resolve()
    results: dict[int, JobResult] = {}
    todo: list[PlannedJob] = []
    reasons: dict[int, str] = {}
    total = len(plans)
    for item in plans:
        if isinstance(item, JobResult):
            results[item.index] = item
            continue
        entry = state.get(item.output.relative_to(out_root).as_posix())
        verdict = judge(entry, item.output, item.key, force=force)
        if verdict.make:
            try:
                check_existing(item, lambda _out, made=entry is not None: made, overwrite=overwrite)
            except ClipkitError as exc:
                results[item.job.index] = JobResult(item.job.index, item.job.line, item.kind, "failed", item.output,
                                                    error=exc.message, hint=exc.hint, notes=item.notes)
                continue
        if not verdict.make:
            results[item.job.index] = JobResult(item.job.index, item.job.line, item.kind, "skipped",
                                                item.output, verdict.artifact, notes=item.notes, reason=verdict.reason)
        elif dry_run:
            results[item.job.index] = JobResult(item.job.index, item.job.line, item.kind, "planned",
                                                item.output, notes=item.notes, reason=verdict.reason)
        else:
            todo.append(item)
            reasons[item.job.index] = verdict.reason
    try:
        report(progress, len(results), total)
    except (Cancelled, KeyboardInterrupt):
        _remove_if_empty(output_dir, created)
        raise
    if dry_run:
        ordered = tuple(results[i] for i in sorted(results))
        return BatchResult(job_file.path, output_dir, ordered, resolved, dry_run=True, seconds=time.perf_counter() - t0)

    for p in todo:  # half-written files of a batch that was killed outright (SIGKILL, power cut)
        remove_stale_parts(p.output)
    by_index = {p.job.index: p for p in todo}

    def on_outcome(outcome: Outcome) -> None:
        p = by_index[outcome.index]
        reason = reasons[outcome.index]
        if outcome.artifact is None:
            results[outcome.index] = JobResult(outcome.index, p.job.line, p.kind, "failed", p.output,
                                               error=outcome.error, hint=outcome.hint, seconds=outcome.seconds,
                                               notes=p.notes, reason=reason)
            report(progress, len(results), total)
            return
        art = outcome.artifact
        try:
            state.record(p.output.relative_to(out_root).as_posix(), p.key, p.output, art, p.job.line)
        except OSError:
            pass
        notes = p.notes + tuple(art.notes)  # the job recorded its file in the manifest (or says why not)
        results[outcome.index] = JobResult(outcome.index, p.job.line, p.kind, "made", p.output, art,
                                           seconds=outcome.seconds, notes=notes, reason=reason)
        report(progress, len(results), total)

    try:
        if dask is not None:
            run_dask(todo, dask, dask_timeout, on_outcome)
        else:
            run_local(todo, workers, on_outcome)
    except KeyboardInterrupt:
        _remove_if_empty(output_dir, created)  # stopped before any job ended: no empty folder left that this run made
        raise _stopped(results, todo, total, out_root, force) from None
    except Cancelled as exc:
        _remove_if_empty(output_dir, created)
        raise _stopped(results, todo, total, out_root, force) from exc

    ordered = tuple(results[i] for i in sorted(results))
    _record_post_order(ordered, out_root)
    index_html = index_md = None
    if index and any(r.status in ("made", "skipped") for r in ordered):
        index_html, index_md = write_index(ordered, resolved, output_dir, title=job_file.title)
    else:  # every job failed: no empty index, and no folder left behind that this run made
        _remove_if_empty(output_dir, created)
    return BatchResult(job_file.path, output_dir, ordered, resolved, index_html, index_md,
                       seconds=time.perf_counter() - t0)


def _remove_if_empty(output_dir: Path, created: bool) -> None:
    """The output folder, if this run made it and nothing is in it."""
    if created:
        try:
            output_dir.rmdir()
        except OSError:  # something is in it (a finished job, the resume state): it stays
            pass


def _record_post_order(ordered, out_root: Path) -> None:
    """The job file's order into each output folder's manifest, and across its subfolders (paths from it) into
    the output folder's: ``clipkit embed --all`` lists the post so."""
    from ...manifest import manifest_path, set_post_order

    folders: dict[Path, list[str]] = {}
    across: list[str] = []
    for r in ordered:
        if r.artifact is not None:
            path = Path(r.artifact.path)
            folders.setdefault(path.parent, []).append(path.name)
            if path.resolve().is_relative_to(out_root):
                across.append(path.resolve().relative_to(out_root).as_posix())
    if any("/" in name for name in across):
        folders[out_root] = across  # (the top folder's own files are named as before: no slash)
    for folder, names in folders.items():
        try:
            if manifest_path(folder).is_file() or folder == out_root:
                set_post_order(folder, names)
        except (OSError, ClipkitError):
            pass  # the order is a nicety: the files and the index are made


def _stopped(results: dict[int, JobResult], todo: list[PlannedJob], total: int, out_root: Path,
             force: bool = False) -> Cancelled:
    """An interrupted batch: which jobs finished and which are left (their output names, compactly),
    and that the same command resumes (without --force, which would make them all again)."""

    def names(paths: list[Path], most: int = 4) -> str:
        shown = [p.relative_to(out_root).as_posix() if p.is_relative_to(out_root) else p.name for p in paths[:most]]
        return ", ".join(shown) + (f" and {len(paths) - most} more" if len(paths) > most else "")

    done = [r.output for i, r in sorted(results.items()) if r.status in ("made", "skipped") and r.output]
    failed = [r.output for i, r in sorted(results.items()) if r.status == "failed" and r.output]
    left = [p.output for p in todo if p.job.index not in results]
    parts = [f"{len(done)} of {total} jobs finished" + (f" ({names(done)})" if done else "")]
    if failed:
        parts.append(f"{len(failed)} failed ({names(failed)})")
    parts.append(f"{len(left)} not made" + (f" ({names(left)})" if left else ""))
    return Cancelled("batch stopped: " + "; ".join(parts),
                     ("run the same command again" + (f" without {option('force', True)}" if force else "")
                      + " to resume: finished jobs are kept and skipped"))
