"""Planning a batch: each job of the job file → a :class:`PlannedJob` (episode file, settings, a safe
output path inside the output folder, its freshness key), or a failed :class:`JobResult` naming its line."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from pathlib import Path

from ...errors import ClipkitError, UsageError
from ...presets import Resolved, coerce, convert_setting, settings_sections
from ...settings_apply import close_match
from ..jobfile import Job
from ..jobkinds import COMMON_KEYS, EMBED_KEYS, KINDS
from ..naming import safe_name
from ...outputs import check_clash, made_by_clipkit, sibling_path
from .freshness import JobKey, job_key
from .results import JobResult

__all__ = ["PlannedJob", "JobError", "plan_jobs", "safe_relative", "resolve_episode", "VIDEO_EXTS", "planned_outputs",
           "check_existing"]

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
    key: JobKey  # what the output depends on (freshness)
    notes: tuple[str, ...] = ()


class JobError(UsageError):
    """A job that cannot be planned (unknown kind or key, no such episode, unsafe name)."""


def safe_relative(name: str) -> tuple[Path, bool]:
    """A job's output name as a path inside the output folder: no absolute
    paths, no ``..``, each part a safe file name.  Returns it and whether it changed."""
    parts = [p for p in name.replace("\\", "/").split("/")]
    clean = [safe_name(p) for p in parts if p.strip() not in ("", ".", "..")]
    rel = Path(*clean) if clean else Path("clip")
    return rel, rel.as_posix() != name


def _episode_number(values: dict, from_text: bool) -> int | None:
    """A job's ``ep``: a whole number from 0 up (0: a pilot or special), or None when it names none."""
    raw = values.get("ep")
    if raw in (None, ""):
        return None
    try:
        ep = coerce(raw, int, from_text=from_text)
    except ValueError:
        ep = None
    if ep is None or ep < 0:  # -1 was taken as episode -1: "show-e-1.mkv", named "…e-1-…"
        raise JobError(f"ep = {raw if from_text else repr(raw)} is not an episode number",
                       "episode numbers are whole numbers from 0 up, e.g. ep = 7 (or name the file: episode = \"ep07.mkv\")")
    return ep


def resolve_episode(resolved: Resolved, values: dict, from_text: bool) -> tuple[Path, int | None]:
    """The episode file of a job: ``ep = 7`` through the series pattern, or ``episode = "file"``."""
    series = resolved.series
    folder = resolved.path_of("series.episodes")
    ep = _episode_number(values, from_text)
    if values.get("episode") not in (None, ""):
        path = Path(str(values["episode"])).expanduser()
        path = path if path.is_absolute() else folder / path
        if not path.is_file():
            raise JobError(f"episode file not found: {path}", "check the name, and [series] episodes in the preset"
                           + (f" (an episode number is ep = {values['episode']}, not episode =)"
                              if str(values["episode"]).strip().isdigit() else ""))
        return path.resolve(), ep
    if ep is None:
        raise JobError("the job names no episode", "add ep = N (found through the preset's episode_pattern) or episode = \"file\"")
    try:
        pattern = series.episode_pattern.format(ep=ep, episode=ep)
    except (KeyError, IndexError, ValueError) as exc:
        raise JobError(f"episode_pattern {series.episode_pattern!r} cannot be filled in: {exc}",
                       "use {ep} (or {ep:02d}) for the episode number") from None
    if not folder.is_dir():  # said "no file matches 'ep07.mkv' in presets/../season" of a folder that is not there
        where = resolved.base_dir("series.episodes")
        raise JobError(f"the episodes folder {folder} does not exist",
                       "[series] episodes is relative to the preset file that sets it"
                       + (f" (in {where})" if str(where) != "." else "") + ": check that path (clipkit presets show NAME)")
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
        given = job.values.get("kind")
        close = close_match(str(given).strip().lower(), KINDS) if given else None
        raise JobError((f"unknown job kind {given!r}" + (f" (did you mean {close!r}?)" if close else "")) if given
                       else "the job has no kind", "kind is one of: " + ", ".join(KINDS))
    kind = KINDS[kind_name]
    sections = settings_sections()
    settings = {s: resolved.get(s) for s in kind.sections if resolved.get(s) is not None}
    names = {s: [f.name for f in fields(obj)] for s, obj in settings.items()}
    params: dict = {}
    overrides: dict[str, dict] = {s: {} for s in settings}
    for key, value in job.values.items():
        if key in COMMON_KEYS:
            continue
        if key in kind.keys or key in EMBED_KEYS:
            params[key] = value
            continue
        section = next((s for s in settings if key in names[s]), None)
        if section is None:
            valid = tuple(dict.fromkeys(kind.all_keys() + tuple(n for s in settings for n in names[s])))
            close = close_match(key, valid)
            raise JobError(f"unknown key {key!r} for a {kind_name} job" + (f" (did you mean {close!r}?)" if close else ""),
                           "valid keys: " + ", ".join(valid))
        overrides[section][key] = convert_setting(section, key, value, sections, source=f"{key} in this job",
                                                   from_file=True)
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

    key = job_key(kind_name, source, params, settings)
    return PlannedJob(job=job, kind=kind_name, source=source, output=output, params=params,
                      settings=settings, key=key, notes=tuple(notes))


def planned_outputs(p: PlannedJob) -> list[Path]:
    """Every file a planned job writes: its output, a GIF's siblings, a clip's poster."""
    outs = [p.output]
    gif, clip = p.settings.get("gif"), p.settings.get("clip")
    if p.kind == "gif" and gif is not None:
        outs += [sibling_path(p.output, str(k).strip().lower()) for k in gif.also]
    if p.kind == "clip" and clip is not None and clip.poster and clip.format != "m4a":
        outs.append(p.output.with_suffix(".jpg"))
    return outs


def check_existing(p: PlannedJob, made: Callable[[Path], bool], *, overwrite: bool) -> None:
    """Raise :class:`JobError` when the job would replace a file neither this batch (``made``) nor
    clipkit (the folder's manifest) made, unless ``overwrite``."""
    if overwrite:
        return
    for out in planned_outputs(p):
        if (out.exists() or out.is_symlink()) and not made(out) and not made_by_clipkit(out):
            raise JobError(f"{out} exists and clipkit did not make it", "give the job another name, or run with --overwrite")


def plan_jobs(jobs: Iterable[Job], resolved: Resolved, output_dir: Path, *, series_name: str = "") -> list[PlannedJob | JobResult]:
    """Plan each job; a job that cannot be planned becomes a failed :class:`JobResult`.
    No job may write over an episode of any job (:func:`clipkit.outputs.check_clash`)."""
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
            # one job's file is another's folder ("a" → a.png, "a.png/b"): the file would land inside the folder
            folder = next(((out, seen[out]) for out in p.output.parents if out in seen), None) or next(
                ((p.output, other) for out, other in seen.items() if p.output in out.parents), None)
            if folder is not None:
                (path, other), root = folder, output_dir.resolve()
                rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
                raise JobError(f"{rel} would be both a file and a folder: this job's output and job {other.index}"
                               + (f" (line {other.line})" if other.line else "") + "'s",
                               "give one of them another name = \"…\"")
            if p.output.is_dir():
                raise JobError(f"{p.output} is a folder", "give the job another name = \"…\"")
            seen[p.output] = job
            planned.append(p)
        except ClipkitError as exc:
            planned.append(JobResult(index=job.index, line=job.line, kind=job.kind or "?", status="failed",
                                     error=exc.message, hint=exc.hint))
    sources = list(dict.fromkeys(p.source for p in planned if isinstance(p, PlannedJob)))
    for n, p in enumerate(planned):
        if isinstance(p, PlannedJob):
            try:
                check_clash(planned_outputs(p), sources)
            except UsageError as exc:
                planned[n] = JobResult(index=p.job.index, line=p.job.line, kind=p.kind, status="failed",
                                       output=p.output, error=exc.message, hint="change [series] naming or the output folder")
    return planned
