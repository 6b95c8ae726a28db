"""``batch``: many jobs under one preset — in a process pool or on a Dask cluster, resumable.

The flow: parse the job file (:mod:`.jobfile`) → resolve the presets
(:mod:`clipkit.presets`) → plan each job (episode file, settings, a safe
output path, a fingerprint) → skip the jobs whose output is up to date (the
state file) → run the rest in parallel → record each finished job in the state
file as it lands (atomically) → write the post index (:mod:`.batch_index`).

A job that fails (bad time, missing episode, unknown key) is reported with its
line and the others still run.  A killed batch loses nothing that finished.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import signal
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, fields, replace
from fractions import Fraction
from functools import cache
from glob import escape as glob_escape
from pathlib import Path
from typing import Any

from .. import __version__
from ..artifact import Artifact
from ..atomic import atomic_write_text, ensure_writable_dir
from ..errors import Cancelled, ClipkitError, UsageError
from ..presets import Resolved, convert_setting, coerce, resolve, settings_fingerprint, settings_sections
from ..progress import ProgressFn, report
from .jobfile import Job, JobFile, parse_job_file
from .jobkinds import COMMON_KEYS, KINDS, run_kind
from .naming import safe_name

__all__ = ["batch", "BatchResult", "JobResult", "PlannedJob", "plan_jobs", "execute", "STATE_NAME", "code_version"]

STATE_NAME = ".clipkit-batch.json"
STATE_VERSION = 1
VIDEO_EXTS = (".mkv", ".mp4", ".m4v", ".mov", ".webm", ".avi", ".ts", ".m2ts", ".mpg", ".mpeg", ".wmv", ".flv", ".ogv")
_KNOWN_EXTS = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".mp4", ".webm")


@dataclass(frozen=True)
class PlannedJob:
    """Everything a worker needs to run one job: plain, picklable data."""

    job: Job
    kind: str
    source: Path  # absolute: workers on other machines read the same shared path
    output: Path  # absolute
    params: dict  # the kind's own keys (at, start, end, caption, …)
    settings: dict  # table → settings dataclass, after presets and the job's overrides
    key: str  # fingerprint: source identity + kind + params + settings + code version
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class JobResult:
    index: int
    line: int | None
    kind: str
    status: str  # "made", "skipped" (up to date), "failed", "planned" (dry run)
    output: Path | None = None
    artifact: Artifact | None = None
    error: str | None = None
    hint: str | None = None
    seconds: float = 0.0
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def to_dict(self) -> dict:
        return {
            "index": self.index, "line": self.line, "kind": self.kind, "status": self.status,
            "output": str(self.output) if self.output else None,
            "artifact": self.artifact.to_dict() if self.artifact else None,
            "error": self.error, "hint": self.hint, "seconds": round(self.seconds, 3), "notes": list(self.notes),
        }


@dataclass(frozen=True)
class BatchResult:
    job_file: Path | None
    output_dir: Path
    results: tuple[JobResult, ...]
    resolved: Resolved
    index_html: Path | None = None
    index_md: Path | None = None
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    def to_dict(self) -> dict:
        return {
            "job_file": str(self.job_file) if self.job_file else None, "output": str(self.output_dir),
            "ok": self.ok, "dry_run": self.dry_run, "seconds": round(self.seconds, 3),
            "made": self.count("made"), "skipped": self.count("skipped"), "failed": self.count("failed"),
            "index_html": str(self.index_html) if self.index_html else None,
            "index_md": str(self.index_md) if self.index_md else None,
            "jobs": [r.to_dict() for r in self.results],
        }


class JobError(UsageError):
    """A job that cannot be planned (unknown kind or key, no such episode, unsafe name)."""


# ---------------------------------------------------------------- code version and state


@cache
def code_version(*modules: str) -> str:
    """The package version plus a hash of the source of ``modules`` and every clipkit
    module they import (found statically, so imports inside functions count too):
    a change to the code that makes a job's output makes that output stale, while
    a change elsewhere (the command line, another kind of job) does not."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(__version__.encode())
    for name, path in sorted(_import_closure(root, modules or ("clipkit",)).items()):
        h.update(name.encode())
        h.update(path.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


def _module_file(root: Path, name: str) -> Path | None:
    parts = name.split(".")[1:]
    for candidate in (root.joinpath(*parts).with_suffix(".py") if parts else None,
                      root.joinpath(*parts, "__init__.py")):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)", re.MULTILINE)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w., \t]+)", re.MULTILINE)


def _imports(root: Path, name: str, path: Path) -> list[tuple[str, list[str]]]:
    """``(absolute module, [imported names])`` of each import statement in a module, from
    its text (imports inside functions included; a regex, as parsing every file would
    cost more than a rerun of a finished batch may take)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    text = path.read_text(encoding="utf-8")
    out: list[tuple[str, list[str]]] = []
    for m in _FROM_IMPORT.finditer(text):
        dots = len(m.group(1)) - len(m.group(1).lstrip("."))
        module = m.group(1)[dots:]
        if dots:
            parts = package.split(".")
            parts = parts[: len(parts) - (dots - 1)]
            module = ".".join(parts + ([module] if module else []))
        names = [n.split(" as ")[0].strip() for n in m.group(2).strip("()").replace("\n", ",").split(",")]
        out.append((module, [n for n in names if n and not n.startswith("#")]))
    for m in _IMPORT.finditer(text):
        out += [(n.split(" as ")[0].strip(), []) for n in m.group(1).split(",") if n.strip()]
    return out


@cache
def _reexports(root: Path, package: str) -> dict[str, str]:
    """Names a package's ``__init__`` imports from its modules: name → module."""
    path = _module_file(root, package)
    out: dict[str, str] = {}
    if path is None or path.name != "__init__.py":
        return out
    for module, names in _imports(root, package, path):
        for n in names:
            sub = f"{module}.{n}"
            out[n] = sub if _module_file(root, sub) else module
    return out


def _import_closure(root: Path, modules: tuple[str, ...]) -> dict[str, Path]:
    """``clipkit.*`` modules reachable from ``modules`` through import statements.

    A name imported from a package is followed to the module the package's
    ``__init__`` re-exports it from, so a package's other modules are not pulled in.
    """
    seen: dict[str, Path] = {}
    stack = list(modules)
    while stack:
        name = stack.pop()
        if name in seen or not name.startswith("clipkit."):
            continue
        path = _module_file(root, name)
        if path is None:
            continue
        seen[name] = path
        for module, names in _imports(root, name, path):
            if not names:
                stack.append(module)
            for n in names:
                sub = f"{module}.{n}"
                if _module_file(root, sub):
                    stack.append(sub)
                elif n != "__version__":  # the version is hashed anyway
                    stack.append(_reexports(root, module).get(n, module))
    return seen


def _state_path(output_dir: Path) -> Path:
    return output_dir / STATE_NAME


def _load_state(output_dir: Path) -> dict:
    path = _state_path(output_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if data.get("version") != STATE_VERSION or not isinstance(data.get("jobs"), dict):
        return {}
    return data["jobs"]


def _save_state(output_dir: Path, jobs: dict) -> None:
    atomic_write_text(_state_path(output_dir), json.dumps({"version": STATE_VERSION, "jobs": jobs}, indent=1, sort_keys=True))


def _art_to_state(a: Artifact) -> dict:
    out = {}
    for f in fields(a):
        v = getattr(a, f.name)
        if isinstance(v, Fraction):
            v = f"{v.numerator}/{v.denominator}"
        elif isinstance(v, Path):
            v = str(v)
        elif f.name == "siblings":
            v = [_art_to_state(s) for s in v]
        elif isinstance(v, tuple):
            v = list(v)
        out[f.name] = v
    return out


def _art_from_state(d: dict) -> Artifact:
    kw = dict(d)
    for name in ("start", "end", "duration"):
        if kw.get(name) is not None:
            kw[name] = Fraction(kw[name])
    for name in ("path", "source"):
        if kw.get(name) is not None:
            kw[name] = Path(kw[name])
    kw["captions"] = tuple(kw.get("captions") or ())
    kw["notes"] = tuple(kw.get("notes") or ())
    kw["siblings"] = tuple(_art_from_state(s) for s in kw.get("siblings") or ())
    known = {f.name for f in fields(Artifact)}
    return Artifact(**{k: v for k, v in kw.items() if k in known})


def _remove_stale_parts(output: Path) -> None:
    """Remove the temporary files :func:`~clipkit.atomic.atomic_path` left for
    ``output`` when its process was killed without a chance to clean up."""
    for part in output.parent.glob(f".{glob_escape(output.stem[:40])}.*.part{glob_escape(output.suffix)}"):
        try:
            part.unlink()
        except OSError:
            pass


def _up_to_date(entry: dict | None, planned: PlannedJob) -> Artifact | None:
    """The recorded artifact if the output is still the one made with the same key."""
    if not entry or entry.get("key") != planned.key:
        return None
    try:
        st = planned.output.stat()
    except OSError:
        return None
    if st.st_size != entry.get("bytes") or st.st_mtime_ns != entry.get("mtime_ns"):
        return None
    for sib in entry.get("siblings", []):
        try:
            if Path(sib["path"]).stat().st_size != sib["bytes"]:
                return None
        except (OSError, KeyError):
            return None
    try:
        return _art_from_state(entry["artifact"])
    except Exception:
        return None


# ---------------------------------------------------------------- planning


def safe_relative(name: str) -> tuple[Path, bool]:
    """A job's output name as a path inside the output folder: no absolute
    paths, no ``..``, each part a safe file name.  Returns it and whether it changed."""
    parts = [p for p in name.replace("\\", "/").split("/")]
    clean = [safe_name(p) for p in parts if p.strip() not in ("", ".", "..")]
    rel = Path(*clean) if clean else Path("clip")
    return rel, rel.as_posix() != name


def resolve_episode(resolved: Resolved, values: dict, from_text: bool) -> tuple[Path, int | None]:
    """The episode file of a job: ``ep = 7`` through the series pattern, or ``episode = "file"``."""
    series = resolved.series
    folder = resolved.path_of("series.episodes")
    if values.get("episode") not in (None, ""):
        path = Path(str(values["episode"])).expanduser()
        path = path if path.is_absolute() else folder / path
        if not path.is_file():
            raise JobError(f"episode file not found: {path}", "check the name, and [series] episodes in the preset")
        ep = values.get("ep")
        return path.resolve(), (int(ep) if ep not in (None, "") else None)
    if values.get("ep") in (None, ""):
        raise JobError("the job names no episode", "add ep = N (found through the preset's episode_pattern) or episode = \"file\"")
    try:
        ep = coerce(values["ep"], int, from_text=from_text)
    except ValueError:
        raise JobError(f"ep = {values['ep']!r} is not an episode number", "give a whole number, e.g. ep = 7") from None
    try:
        pattern = series.episode_pattern.format(ep=ep, episode=ep)
    except (KeyError, IndexError, ValueError) as exc:
        raise JobError(f"episode_pattern {series.episode_pattern!r} cannot be filled in: {exc}",
                       "use {ep} (or {ep:02d}) for the episode number") from None
    matches = sorted(p for p in folder.glob(pattern) if p.is_file() and ".part" not in p.name)
    if len(matches) > 1:  # "*e07.*" also matches ep07's subtitles and notes: prefer the video
        videos = [p for p in matches if p.suffix.lower() in VIDEO_EXTS]
        matches = videos or matches
    if not matches:
        raise JobError(f"episode {ep}: no file matches {pattern!r} in {folder}",
                       "check [series] episodes and episode_pattern in the preset (clipkit presets show NAME)")
    if len(matches) > 1:
        raise JobError(f"episode {ep}: {len(matches)} files match {pattern!r} in {folder}: "
                       + ", ".join(p.name for p in matches[:4]),
                       "make [series] episode_pattern more specific")
    return matches[0].resolve(), ep


def _plan_one(job: Job, resolved: Resolved, output_dir: Path, series_name: str) -> PlannedJob:
    kind_name = job.kind
    if kind_name not in KINDS:
        raise JobError(f"unknown job kind {job.values.get('kind', '')!r}" if job.values.get("kind") else "the job has no kind",
                       "kind is one of: " + ", ".join(KINDS))
    kind = KINDS[kind_name]
    if not kind.is_available():
        raise JobError(f"{kind_name} jobs are not available in this build of clipkit",
                       "kinds available: " + ", ".join(k for k in KINDS if KINDS[k].is_available()))
    sections = settings_sections()
    settings = {s: resolved.get(s) for s in kind.sections if resolved.get(s) is not None}
    names = {s: [f.name for f in fields(obj)] for s, obj in settings.items()}
    params: dict = {}
    overrides: dict[str, dict] = {s: {} for s in settings}
    for key, value in job.values.items():
        if key in COMMON_KEYS:
            continue
        if key in kind.keys:
            params[key] = value
            continue
        section = next((s for s in settings if key in names[s]), None)
        if section is None:
            valid = kind.all_keys() + tuple(n for s in settings for n in names[s])
            raise JobError(f"unknown key {key!r} for a {kind_name} job", "valid keys: " + ", ".join(valid))
        overrides[section][key] = convert_setting(section, key, value, sections, source=f"{key} in this job")
    problem = kind.check(params)
    if problem:
        raise JobError(f"a {kind_name} job needs {problem}", "its keys: " + ", ".join(kind.all_keys()))
    settings = {s: replace(obj, **overrides[s]) if overrides[s] else obj for s, obj in settings.items()}
    source, ep = resolve_episode(resolved, job.values, job.from_text)

    tag = kind.tag(params)
    notes: list[str] = []
    if job.values.get("name") not in (None, ""):
        wanted = str(job.values["name"])
    else:
        fields_ = {"series": series_name, "ep": ep, "episode": ep, "stem": source.stem, "kind": kind_name,
                   "tag": tag, "name": tag, "index": job.index}
        if ep is None and "{ep" in resolved.series.naming:
            fields_["ep"] = fields_["episode"] = 0
        try:
            wanted = resolved.series.naming.format(**fields_)
        except (KeyError, IndexError, ValueError) as exc:
            raise JobError(f"naming pattern {resolved.series.naming!r} cannot be filled in: {exc}",
                           "use {series} {ep} {stem} {kind} {tag} {index} in [series] naming") from None
    rel, changed = safe_relative(wanted)
    if changed:
        notes.append(f"output name {wanted!r} made safe: {rel.as_posix()}")
    if rel.suffix.lower() not in _KNOWN_EXTS:
        rel = rel.with_name(rel.name + "." + kind.ext(settings).lstrip("."))
    elif kind.exts and rel.suffix.lower() not in kind.exts:
        raise JobError(f"a {kind_name} cannot be written as {rel.suffix}", "use one of: " + ", ".join(kind.exts))
    out_root = output_dir.resolve()
    output = (out_root / rel).resolve()
    if not output.is_relative_to(out_root):  # a symlinked folder inside the output pointing out of it
        raise JobError(f"output {rel} would land outside {out_root}", "give a plain name for the job")

    st = source.stat()
    key_text = json.dumps([
        kind_name, str(source), st.st_size, st.st_mtime_ns, sorted((k, str(v)) for k, v in params.items()),
        {s: settings_fingerprint(obj) for s, obj in sorted(settings.items())},
        code_version(kind.function.partition(":")[0], "clipkit.pipeline.jobkinds"),
    ])
    key = hashlib.sha256(key_text.encode()).hexdigest()
    return PlannedJob(job=job, kind=kind_name, source=source, output=output, params=params,
                      settings=settings, key=key, notes=tuple(notes))


def plan_jobs(jobs: Iterable[Job], resolved: Resolved, output_dir: Path, *, series_name: str = "") -> list[PlannedJob | JobResult]:
    """Plan each job; a job that cannot be planned becomes a failed :class:`JobResult`."""
    planned: list[PlannedJob | JobResult] = []
    seen: dict[Path, Job] = {}
    for job in jobs:
        try:
            p = _plan_one(job, resolved, output_dir, series_name)
            if p.output in seen:
                other = seen[p.output]
                raise JobError(f"writes {p.output.name}, as job {other.index}"
                               + (f" (line {other.line})" if other.line else "") + " does",
                               "give one of them another name = \"…\"")
            seen[p.output] = job
            planned.append(p)
        except ClipkitError as exc:
            planned.append(JobResult(index=job.index, line=job.line, kind=job.kind or "?", status="failed",
                                     error=exc.message, hint=exc.hint))
    return planned


# ---------------------------------------------------------------- running


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back (picklable)."""

    index: int
    artifact: Artifact | None
    error: str | None = None
    hint: str | None = None
    seconds: float = 0.0


def execute(planned: PlannedJob) -> Outcome:
    """Run one planned job; never raises for a job's own failure (it is returned)."""
    t0 = time.perf_counter()
    try:
        planned.output.parent.mkdir(parents=True, exist_ok=True)
        art = run_kind(planned.kind, planned.source, planned.output, planned.params, planned.settings)
        return Outcome(planned.job.index, art, seconds=time.perf_counter() - t0)
    except ClipkitError as exc:
        return Outcome(planned.job.index, None, exc.message, exc.hint, time.perf_counter() - t0)
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        return Outcome(planned.job.index, None, f"{exc.strerror or exc}{where}", "check the files and folders", time.perf_counter() - t0)
    except Exception as exc:  # a bug in a job must not stop the others
        return Outcome(planned.job.index, None, f"internal error: {type(exc).__name__}: {exc}",
                       "rerun with --debug and -j 1 and report it", time.perf_counter() - t0)


def _run_local(todo: list[PlannedJob], workers: int, on_outcome: Callable[[Outcome], None]) -> None:
    """Run ``todo`` in a process pool of ``workers``, at most one job per worker at a time
    (so a stop interrupts only the jobs running, nothing queued behind them)."""
    if workers <= 1 or len(todo) <= 1:
        for p in todo:
            on_outcome(execute(p))
        return
    attempts: dict[int, int] = {}
    queue = list(todo)
    while queue:
        size = min(workers, len(queue))
        others = {c.pid for c in multiprocessing.active_children()}  # not ours to interrupt
        pool = ProcessPoolExecutor(max_workers=size, initializer=_worker_init)
        running: dict[Future, PlannedJob] = {}
        broken: list[PlannedJob] = []
        try:
            while (queue and not broken) or running:
                while queue and not broken and len(running) < size:
                    p = queue.pop(0)
                    try:
                        running[pool.submit(_execute_in_worker, p)] = p
                    except BrokenProcessPool:
                        broken.append(p)
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    p = running.pop(fut)
                    try:
                        outcome = fut.result()
                    except BrokenProcessPool:
                        broken.append(p)
                        continue
                    on_outcome(outcome)
        except BaseException:
            _stop_workers(others)
            pool.shutdown(wait=False, cancel_futures=True)
            for fut in running:  # jobs that finished while stopping are kept too
                try:
                    if fut.done() and not fut.cancelled() and fut.exception() is None:
                        on_outcome(fut.result())
                except BaseException:
                    pass
            raise
        pool.shutdown(wait=True)
        retry = []
        for p in broken:  # a worker died (killed, out of memory): its jobs get one more try in a fresh pool
            attempts[p.job.index] = attempts.get(p.job.index, 0) + 1
            if attempts[p.job.index] > 1:
                on_outcome(Outcome(p.job.index, None, "the worker process running this job died twice",
                                   "it may run out of memory; rerun the batch with -j 1"))
            else:
                retry.append(p)
        queue = retry + queue


_IN_JOB = False  # in a pool worker: is a job running?


def _worker_init() -> None:
    signal.signal(signal.SIGINT, _worker_sigint)


def _worker_sigint(signum, frame) -> None:
    """Ctrl-C in a pool worker: stop the job (its temporary file is removed and the parent
    is told), or, between jobs, leave quietly instead of printing a traceback."""
    if _IN_JOB:
        raise KeyboardInterrupt
    os._exit(130)


def _execute_in_worker(planned: PlannedJob) -> Outcome:
    global _IN_JOB
    _IN_JOB = True
    try:
        return execute(planned)
    except KeyboardInterrupt:  # stopped: the job's temporary file is already removed
        os._exit(130)
    finally:
        _IN_JOB = False


def _stop_workers(others: set[int], grace: float = 5.0) -> None:
    """Stop the pool's workers (the child processes started since the pool was): each
    stops its job and removes its temporary file, then exits; any still there after
    ``grace`` seconds is killed (its temporary file is removed by the next run)."""
    children = [c for c in multiprocessing.active_children() if c.pid not in others]
    for child in children:
        try:
            os.kill(child.pid, signal.SIGINT)
        except OSError:
            pass
    deadline = time.monotonic() + grace
    for child in children:
        child.join(max(0.0, deadline - time.monotonic()))
        if child.is_alive():
            child.kill()
            child.join(1.0)


_HOST = r"(?:\[[0-9a-fA-F:.]+\]|[^\s/:\[\]]+)"
_DASK_ADDRESS = re.compile(rf"^(?:(?:tcp|tls|ucx|ws|wss)://{_HOST}(?::\d+)?|inproc://\S+|{_HOST}:\d+)/?$")


def _run_dask(todo: list[PlannedJob], address: Any, timeout: float, on_outcome: Callable[[Outcome], None]) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError("--dask needs the 'distributed' package", "pip install 'clipkit[dask]'") from None
    own_client = not isinstance(address, Client)
    if own_client and not _DASK_ADDRESS.match(str(address)):
        raise UsageError(f"--dask {address!r} is not a Dask scheduler address",
                         "give it as tcp://HOST:PORT (the scheduler prints it when it starts; 8786 by default)")
    if own_client:
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClipkitError(
                f"cannot reach the Dask scheduler at {address} within {timeout:g} s ({type(exc).__name__})",
                "check the address (tcp://HOST:8786) and that `dask scheduler` and its workers are running",
            ) from None
    else:
        client = address
    futures: list = []
    try:
        futures = [client.submit(execute, p, key=f"clipkit-{p.key[:16]}-{p.job.index}", pure=False) for p in todo]
        by_future = dict(zip(futures, todo))
        for fut in as_completed(futures, loop=client.loop):
            p = by_future[fut]
            try:
                outcome = fut.result()
            except Exception as exc:  # the worker was lost, or unpickling failed there
                outcome = Outcome(p.job.index, None, f"the Dask worker failed: {type(exc).__name__}: {exc}",
                                  "check that clipkit is installed on the workers and they can read the episode path")
            on_outcome(outcome)
    except BaseException:
        if futures:
            client.cancel(futures)
        raise
    finally:
        if own_client:
            client.close()


# ---------------------------------------------------------------- the job


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
    force: bool = False,
    index: bool = True,
    progress: ProgressFn | None = None,
) -> BatchResult:
    """Run every job of a job file (``.toml`` or ``.csv``) under one preset.

    ``preset``/``platform``/``output`` override what the job file names.
    ``overrides`` are typed settings (``{"still.width": 640}``), the top layer.
    ``workers`` > 1 runs a local process pool; ``dask`` (a scheduler address
    such as ``"tcp://host:8786"``, or a ``distributed.Client``) runs on a Dask
    cluster instead.  Jobs whose output is up to date are skipped unless
    ``force``.  ``dry_run`` plans and reports without writing anything.
    Returns a :class:`BatchResult`; failed jobs are in it (the others ran).
    """
    t0 = time.perf_counter()
    if workers < 1:
        raise UsageError(f"-j {workers}: needs at least 1 worker", "give -j 1 or more")
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
    if not dry_run:
        ensure_writable_dir(output_dir)

    plans = plan_jobs(job_file.jobs, resolved, output_dir, series_name=series_name)
    state = _load_state(output_dir) if not force else {}
    results: dict[int, JobResult] = {}
    todo: list[PlannedJob] = []
    total = len(plans)
    for item in plans:
        if isinstance(item, JobResult):
            results[item.index] = item
            continue
        rel = item.output.relative_to(output_dir.resolve()).as_posix()
        art = _up_to_date(state.get(rel), item)
        if art is not None:
            results[item.job.index] = JobResult(item.job.index, item.job.line, item.kind, "skipped",
                                                item.output, art, notes=item.notes)
        elif dry_run:
            results[item.job.index] = JobResult(item.job.index, item.job.line, item.kind, "planned",
                                                item.output, notes=item.notes)
        else:
            todo.append(item)
    report(progress, len(results), total)
    if dry_run:
        ordered = tuple(results[i] for i in sorted(results))
        return BatchResult(job_file.path, output_dir, ordered, resolved, dry_run=True, seconds=time.perf_counter() - t0)

    for p in todo:  # half-written files of a batch that was killed outright (SIGKILL, power cut)
        _remove_stale_parts(p.output)
    by_index = {p.job.index: p for p in todo}
    # entries of this batch's outputs are replaced as jobs finish; others' kept
    state = dict(_load_state(output_dir))

    def on_outcome(outcome: Outcome) -> None:
        p = by_index[outcome.index]
        if outcome.artifact is not None:
            art = outcome.artifact
            rel = p.output.relative_to(output_dir.resolve()).as_posix()
            try:
                st = p.output.stat()
                state[rel] = {
                    "key": p.key, "bytes": st.st_size, "mtime_ns": st.st_mtime_ns, "line": p.job.line,
                    "artifact": _art_to_state(art),
                    "siblings": [{"path": str(s.path), "bytes": s.bytes} for s in art.siblings],
                }
                _save_state(output_dir, state)
            except OSError:
                pass
            notes = p.notes + tuple(art.notes)
            try:  # `clipkit embed --all` and the manifest know the batch's files too
                from ..manifest import record_artifact

                record_artifact(art)
            except ImportError:
                pass
            except ClipkitError as exc:
                notes += (f"not recorded in the manifest: {exc.message}",)
            results[outcome.index] = JobResult(outcome.index, p.job.line, p.kind, "made", p.output, art,
                                               seconds=outcome.seconds, notes=notes)
        else:
            results[outcome.index] = JobResult(outcome.index, p.job.line, p.kind, "failed", p.output,
                                               error=outcome.error, hint=outcome.hint, seconds=outcome.seconds,
                                               notes=p.notes)
        report(progress, len(results), total)

    try:
        if dask is not None:
            _run_dask(todo, dask, dask_timeout, on_outcome)
        else:
            _run_local(todo, workers, on_outcome)
    except KeyboardInterrupt:
        raise Cancelled("batch stopped", f"{sum(1 for r in results.values() if r.status in ('made', 'skipped'))} "
                        "finished jobs are kept; run the same command again to do the rest") from None
    except Cancelled as exc:
        raise Cancelled("batch stopped", "finished jobs are kept; run the same command again to do the rest") from exc

    ordered = tuple(results[i] for i in sorted(results))
    index_html = index_md = None
    if index:
        from .batch_index import write_index

        index_html, index_md = write_index(ordered, resolved, output_dir, title=job_file.title)
    return BatchResult(job_file.path, output_dir, ordered, resolved, index_html, index_md,
                       seconds=time.perf_counter() - t0)
