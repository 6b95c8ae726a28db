"""Is a batch job's output up to date?  The one answer to "why was this job remade or skipped?".

A job's key has four parts, kept apart so the answer can say which changed:

* ``source`` — the episode file's identity (path, size, modification time);
* ``subs`` — the same of every subtitle file the job may read its dialogue from (the files named after
  the episode beside it, and a ``subs = "FILE"`` of the job): a corrected subtitle line remakes the GIF;
* ``job`` — its kind, its own keys (``at``, ``start``…) and every setting it runs with;
* ``code`` — clipkit's version plus a hash of every file of the installed package
  (:func:`code_version`): any change to clipkit's code remakes the outputs.

The state file (``.clipkit-batch.json`` in the output folder, written
atomically after each job) records, per output, the key it was made with,
the output's size and modification time (and its siblings' sizes) and its
artifact (through :func:`clipkit.artifact.artifact_to_json`).  :func:`judge`
compares a planned job with that record and gives a :class:`Verdict`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from glob import escape as glob_escape
from pathlib import Path

from ... import __version__
from ...artifact import Artifact, artifact_from_json, artifact_to_json
from ...atomic import atomic_write_text
from ...presets import settings_fingerprint

__all__ = ["STATE_NAME", "code_version", "JobKey", "job_key", "Verdict", "judge", "State", "remove_stale_parts"]

STATE_NAME = ".clipkit-batch.json"
STATE_VERSION = 2  # 1: one opaque "key" per job (still read; such entries are remade once)
_PACKAGE = Path(__file__).resolve().parents[2]


@cache
def code_version() -> str:
    """``VERSION+HASH``: the package version and a hash of every file of the clipkit package
    (sources and built-in presets; byte caches left out)."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
            h.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:24]


@dataclass(frozen=True)
class JobKey:
    """What a job's output depends on, in three parts (see the module's description)."""

    source: str
    job: str
    code: str
    subs: str = ""

    @property
    def digest(self) -> str:
        return _digest([self.source, self.job, self.code, self.subs])

    def to_json(self) -> dict:
        return {"source": self.source, "job": self.job, "code": self.code, "subs": self.subs}


def job_key(kind: str, source: Path, params: dict, settings: dict) -> JobKey:
    """The key of a planned job (``settings``: table → settings dataclass)."""
    st = source.stat()
    return JobKey(
        source=_digest([str(source), st.st_size, st.st_mtime_ns]),
        job=_digest([kind, sorted((k, str(v)) for k, v in params.items()),
                     {s: settings_fingerprint(obj) for s, obj in sorted(settings.items())}]),
        code=code_version(),
        subs=_digest([[str(f), *_identity(f)] for f in _subtitle_files(source, params)]),
    )


def _subtitle_files(source: Path, params: dict) -> list[Path]:
    """The subtitle files a job may take its dialogue (or its ``line``) from."""
    from ...dialogue.sources import sidecar_files

    files = sidecar_files(source)
    subs = params.get("subs")
    if isinstance(subs, str) and Path(subs).is_file():
        files.append(Path(subs))
    return files


def _identity(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (-1, -1)
    return (st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class Verdict:
    """Make the job or skip it, and why, in words for the user; the kept artifact when skipped."""

    make: bool
    reason: str
    artifact: Artifact | None = None


def judge(entry: dict | None, output: Path, key: JobKey, *, force: bool = False) -> Verdict:
    """Compare a planned job (its ``output`` and ``key``) with its state record ``entry``."""
    if force:
        return Verdict(True, "forced (--force)")
    if not entry:
        return Verdict(True, "not made yet (the output folder's batch state has no record of it)")
    recorded = entry.get("key")
    if not isinstance(recorded, dict):
        return Verdict(True, "made by an older clipkit, whose record does not say what it depended on")
    if recorded.get("code") != key.code:
        return Verdict(True, f"clipkit changed since it was made ({recorded.get('code')} → {key.code})")
    if recorded.get("source") != key.source:
        return Verdict(True, "the episode file changed (another file, size or modification time)")
    if recorded.get("subs", "") != key.subs:
        return Verdict(True, "a subtitle file of the episode changed (edited, added or removed)")
    if recorded.get("job") != key.job:
        return Verdict(True, "the job's keys or settings changed (job file, preset or --set)")
    try:
        st = output.stat()
    except OSError:
        return Verdict(True, f"{output.name} is missing")
    if st.st_size != entry.get("bytes") or st.st_mtime_ns != entry.get("mtime_ns"):
        return Verdict(True, f"{output.name} was changed or replaced since it was made")
    for sib in entry.get("siblings") or []:
        try:
            if Path(sib["path"]).stat().st_size != sib["bytes"]:
                return Verdict(True, f"its sibling {Path(sib['path']).name} was changed since it was made")
        except OSError:
            return Verdict(True, f"its sibling {Path(sib['path']).name} is missing")
        except (KeyError, TypeError):
            return Verdict(True, "its record in the batch state is damaged")
    try:
        art = artifact_from_json(entry["artifact"])
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return Verdict(True, "its record in the batch state is damaged")
    return Verdict(False, f"up to date (same episode file, subtitle files, job settings and clipkit {key.code})", art)


class State:
    """The output folder's batch state: output (relative to the folder) → record."""

    def __init__(self, output_dir: Path):
        self.path = output_dir / STATE_NAME
        self.jobs: dict[str, dict] = self._load()

    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") not in (1, STATE_VERSION) or not isinstance(data.get("jobs"), dict):
            return {}
        return {k: v for k, v in data["jobs"].items() if isinstance(v, dict)}

    def get(self, rel: str) -> dict | None:
        return self.jobs.get(rel)

    def record(self, rel: str, key: JobKey, output: Path, artifact: Artifact, line: int | None) -> None:
        """Record a finished job and write the state file (atomically)."""
        st = output.stat()
        self.jobs[rel] = {
            "key": key.to_json(), "bytes": st.st_size, "mtime_ns": st.st_mtime_ns, "line": line,
            "artifact": artifact_to_json(artifact),
            "siblings": [{"path": str(s.path), "bytes": s.bytes} for s in artifact.siblings],
        }
        atomic_write_text(self.path, json.dumps({"version": STATE_VERSION, "jobs": self.jobs}, indent=1, sort_keys=True))


def remove_stale_parts(output: Path) -> None:
    """Remove the temporary files :func:`~clipkit.atomic.atomic_path` left for ``output``
    when its process was killed without a chance to clean up."""
    for part in output.parent.glob(f".{glob_escape(output.stem[:40])}.*.part{glob_escape(output.suffix)}"):
        try:
            part.unlink()
        except OSError:
            pass
