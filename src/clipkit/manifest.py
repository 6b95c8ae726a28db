"""The manifest: one JSON file per output folder recording every artifact made there.

``clipkit-manifest.json`` lists, in the order they were made, each file's
kind, dimensions, bytes, play time, frame count, source, time range, captions,
checksum and siblings (the MP4/WebP of a GIF), plus the embed options it was
made with, so ``clipkit embed --all`` can regenerate every snippet of a post
and the batch job can write an index from it.  Entries are written by
:func:`clipkit.artifact.artifact_to_json`: times exact, as ``"n/d"`` text
(older manifests, with float times, are still read).

Writers may run at the same time (a batch over a process pool): each update
holds an exclusive lock on ``.clipkit-manifest.lock`` beside the manifest while
it reads, merges its entry and writes the new manifest atomically, so no
entry is ever lost and no reader ever sees half a file.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from .artifact import Artifact, artifact_from_json, artifact_to_json
from .atomic import atomic_write_text, ensure_writable_dir
from .errors import InputError, OutputError

__all__ = ["MANIFEST_NAME", "manifest_path", "record_artifact", "read_manifest", "find_entry", "ManifestEntry"]

MANIFEST_NAME = "clipkit-manifest.json"
LOCK_NAME = ".clipkit-manifest.lock"
VERSION = 1


def manifest_path(folder: str | os.PathLike) -> Path:
    return Path(folder) / MANIFEST_NAME


@contextlib.contextmanager
def _locked(folder: Path, timeout: float = 60.0) -> Iterator[None]:
    """An exclusive lock on the folder's manifest, across processes."""
    lock = folder / LOCK_NAME
    try:
        import fcntl
    except ImportError:  # Windows: a lock file created exclusively
        fcntl = None
    if fcntl is not None:
        with open(lock, "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            if time.monotonic() > deadline:
                raise OutputError(f"the manifest in {folder} stayed locked for {timeout:.0f} s", f"if no clipkit is running, delete {lock}")
            time.sleep(0.05)
    try:
        yield
    finally:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock)


def _artifact(entry: dict, folder: Path) -> Artifact:
    try:
        return artifact_from_json(entry, folder)
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
        raise InputError(
            f"an entry of the manifest in {folder} is damaged ({type(exc).__name__}: {exc})",
            f"delete {manifest_path(folder)} and rerun the jobs, or name the files: clipkit embed FILE…",
        ) from exc


class ManifestEntry:
    """One recorded artifact and the embed options (alt, title, credit, spoiler) it was made with."""

    __slots__ = ("artifact", "embed", "recorded")

    def __init__(self, artifact: Artifact, embed: dict, recorded: str | None) -> None:
        self.artifact, self.embed, self.recorded = artifact, embed, recorded

    def __repr__(self) -> str:
        return f"ManifestEntry({self.artifact.path!s}, embed={self.embed!r})"


def _load(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {"clipkit_manifest": VERSION, "artifacts": []}
    except OSError as exc:
        raise InputError(f"cannot read the manifest {path}: {exc.strerror}", "check its permissions") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"the manifest {path} is not valid JSON (line {exc.lineno}: {exc.msg})",
            "fix or delete it (the next job starts a new one); `clipkit embed FILE…` reads the files themselves",
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("artifacts"), list):
        raise InputError(f"{path} is not a clipkit manifest", "delete or rename it; clipkit writes its own")
    return data


def record_artifact(artifact: Artifact, *, embed: dict | None = None) -> Path:
    """Add ``artifact`` (replacing an earlier entry for the same file) to the manifest
    of its folder; return the manifest's path.  Safe with concurrent writers."""
    folder = artifact.path.parent
    ensure_writable_dir(folder if str(folder) else Path("."))
    path = manifest_path(folder)
    entry = artifact_to_json(artifact, folder)
    entry["embed"] = {k: v for k, v in (embed or {}).items() if v not in (None, "")}
    entry["recorded"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with _locked(folder):
        data = _load(path)
        items = [e for e in data["artifacts"] if not (isinstance(e, dict) and e.get("file") == entry["file"])]
        items.append(entry)
        data["artifacts"] = items
        data["clipkit_manifest"] = VERSION
        atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path


def read_manifest(folder: str | os.PathLike) -> list[ManifestEntry]:
    """Every artifact recorded in ``folder``, in the order they were made.

    Raises :class:`InputError` if there is no manifest there or it is damaged.
    """
    folder = Path(folder)
    path = manifest_path(folder)
    if not path.is_file():
        raise InputError(
            f"no clipkit manifest in {folder} ({MANIFEST_NAME})",
            "run clipkit gif/still/strip with -o that folder first, or name the files: clipkit embed FILE…",
        )
    data = _load(path)
    return [ManifestEntry(_artifact(e, folder), dict(e.get("embed") or {}), e.get("recorded")) for e in data["artifacts"]]


def find_entry(file: str | os.PathLike) -> ManifestEntry | None:
    """The manifest entry of ``file`` (as an artifact or a sibling of one), or None."""
    file = Path(file)
    folder = file.parent
    if not manifest_path(folder).is_file():
        return None
    for entry in read_manifest(folder):
        if entry.artifact.path.name == file.name:
            return entry
        for sib in entry.artifact.siblings:
            if sib.path.name == file.name:
                return ManifestEntry(sib, entry.embed, entry.recorded)
    return None
