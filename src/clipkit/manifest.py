"""The manifest: one JSON file per output folder recording every artifact made there.

``clipkit-manifest.json`` lists, in the order they were made, each file's
kind, dimensions, bytes, play time, frame count, source, time range, captions,
checksum and siblings (the MP4/WebP of a GIF), plus the embed options it was
made with, so ``clipkit embed --all`` can regenerate every snippet of a post
and the batch job can write an index from it.  Entries are written by
:func:`clipkit.artifact.artifact_to_json`: times exact, as ``"n/d"`` text
(older manifests, with float times, are still read).

Writers may run at the same time (a batch over a process pool): each update
holds an exclusive lock on ``.clipkit-manifest.lock`` beside the manifest (removed again after) while
it reads, merges its entry and writes the new manifest atomically, so no
entry is ever lost and no reader ever sees half a file.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import time
from dataclasses import dataclass
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from .artifact import Artifact, artifact_from_json, artifact_to_json
from .atomic import atomic_write_text, ensure_writable_dir
from .errors import InputError, OutputError

__all__ = ["MANIFEST_NAME", "manifest_path", "record_artifact", "read_manifest", "find_entry", "ManifestEntry",
           "Manifest", "DamagedEntry", "rewrite_manifest", "recorded_names", "set_post_order"]

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
        # The lock file is removed again while still held (no empty file is left in the output
        # folder); a waiter that then gets the lock on the removed file sees that the name now
        # leads elsewhere (or nowhere) and tries again on the new one.
        while True:
            fh = open(lock, "a+")
            try:
                fcntl.flock(fh, fcntl.LOCK_EX)
                held = os.fstat(fh.fileno())
                try:
                    now = os.stat(lock)
                except FileNotFoundError:
                    now = None
            except BaseException:
                fh.close()
                raise
            if now is not None and (now.st_ino, now.st_dev) == (held.st_ino, held.st_dev):
                break
            fh.close()
        try:
            yield
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(lock)
            fh.close()
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


_DAMAGE = (KeyError, TypeError, ValueError, ZeroDivisionError, OverflowError, RecursionError, AttributeError)


@dataclass(frozen=True)
class DamagedEntry:
    """An entry of the manifest that cannot be read: where it is, why, and the file it names (if any)."""

    index: int
    reason: str
    file: Path | None


def _named_file(entry, folder: Path) -> Path | None:
    """The file a damaged entry names, when it names a plain file of ``folder``."""
    name = entry.get("file") if isinstance(entry, dict) else None
    if isinstance(name, str) and name and "/" not in name and "\\" not in name and name not in (".", ".."):
        return folder / name
    return None


@dataclass(frozen=True, eq=False)  # compared by identity, as before
class ManifestEntry:
    """One recorded artifact and the embed options (alt, title, credit, spoiler) it was made with."""

    artifact: Artifact
    embed: dict
    recorded: str | None

    def __repr__(self) -> str:
        return f"ManifestEntry({self.artifact.path!s}, embed={self.embed!r})"


_SURROGATE = re.compile("[\ud800-\udfff]")


def _dumps(data: dict) -> str:
    """The manifest as JSON text, UTF-8 safe: a non-UTF-8 file name's bytes (lone surrogates, as
    ``os.fsdecode`` gives them) are written as ``\\udcXX`` escapes and read back as the same name."""
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)  # only inside strings: escapes are valid JSON


def _int(text: str) -> int | None:
    """JSON integers; a number too long to be real (Python refuses over 4,300 digits) becomes None (damaged)."""
    return int(text) if len(text) <= 40 else None


class _Unreadable(Exception):
    """The manifest file exists but is not a manifest (its reason is the message)."""


def _load(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {"clipkit_manifest": VERSION, "artifacts": []}
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"it is not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise InputError(f"cannot read the manifest {path}: {exc.strerror}", "check its permissions") from exc
    try:
        data = json.loads(text, parse_int=_int)
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"it is not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    except RecursionError as exc:
        raise _Unreadable("it is nested too deeply") from exc
    if not isinstance(data, dict) or not isinstance(data.get("artifacts"), list):
        raise _Unreadable("it is not a clipkit manifest (no list of artifacts)")
    return data


def _keep_damaged(path: Path) -> Path:
    """Move a damaged manifest aside (never delete what a user may want back); returns where."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    kept = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}")
    n = 1
    while kept.exists():
        kept = path.with_name(f"{path.stem}.damaged-{stamp}-{n}{path.suffix}")
        n += 1
    os.replace(path, kept)
    return kept


def _load_or_set_aside(path: Path) -> dict:
    """The manifest's data; a damaged one is moved aside (kept) and a new one begun."""
    try:
        return _load(path)
    except _Unreadable:
        _keep_damaged(path)
        return {"clipkit_manifest": VERSION, "artifacts": []}


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
        data = _load_or_set_aside(path)
        items = [e for e in data["artifacts"] if not (isinstance(e, dict) and e.get("file") == entry["file"])]
        items.append(entry)
        data["artifacts"] = items
        data["clipkit_manifest"] = VERSION
        atomic_write_text(path, _dumps(data))
    return path


def set_post_order(folder: str | os.PathLike, names: list[str]) -> Path:
    """Record the order a post shows the files of ``folder`` in (their names, as a studio tray or a batch job
    file arranged them): ``clipkit embed --all`` lists them so, before anything made since.  Safe with writers."""
    folder = Path(folder)
    path = manifest_path(folder)
    with _locked(folder):
        data = _load_or_set_aside(path)
        data["post_order"] = [str(n) for n in names]
        data.setdefault("clipkit_manifest", VERSION)
        atomic_write_text(path, _dumps(data))
    return path


class Manifest(list):
    """The readable entries of a manifest, in the order made, and what could not be read.

    ``damaged`` lists entries that are not readable (each with the file it names,
    when it names one); ``unreadable`` is the reason when the whole file is not
    a manifest (then the list is empty).  Nothing is changed on disk by reading.
    """

    def __init__(self, entries=(), damaged=(), unreadable: str | None = None, path: Path | None = None,
                 post_order: list[str] | None = None):
        super().__init__(entries)
        self.damaged: list[DamagedEntry] = list(damaged)
        self.unreadable = unreadable
        self.path = path
        self.post_order: list[str] = list(post_order or ())  # file names, as set_post_order recorded them


def read_manifest(folder: str | os.PathLike) -> Manifest:
    """Every artifact recorded in ``folder``, in the order they were made (a :class:`Manifest`).

    Raises :class:`InputError` if there is no manifest there.  A damaged entry
    or file never raises: it is listed in ``damaged`` / ``unreadable`` for the
    caller to report and rebuild from the files (``clipkit embed --all`` does).
    """
    folder = Path(folder)
    path = manifest_path(folder)
    if not path.is_file():
        raise InputError(
            f"no clipkit manifest in {folder} ({MANIFEST_NAME})",
            "run clipkit gif/still/strip with -o that folder first, or name the files: clipkit embed FILE…",
        )
    try:
        data = _load(path)
    except _Unreadable as exc:
        return Manifest(unreadable=str(exc), path=path)
    entries, damaged = [], []
    for n, e in enumerate(data["artifacts"], 1):
        try:
            if not isinstance(e, dict):
                raise TypeError(f"an entry is a JSON object, not {type(e).__name__}")
            embed = e.get("embed")
            if embed is not None and not isinstance(embed, dict):
                raise TypeError(f"its embed options are {type(embed).__name__}, not an object")
            recorded = e.get("recorded")
            entries.append(ManifestEntry(artifact_from_json(e, folder), dict(embed or {}),
                                         recorded if isinstance(recorded, str) else None))
        except _DAMAGE as exc:
            damaged.append(DamagedEntry(n, f"{type(exc).__name__}: {str(exc)[:120]}", _named_file(e, folder)))
    order = data.get("post_order")
    order = [n for n in order if isinstance(n, str)] if isinstance(order, list) else []
    return Manifest(entries, damaged, path=path, post_order=order)


def rewrite_manifest(folder: str | os.PathLike, entries: list[tuple[Artifact, dict]]) -> tuple[Path, Path | None]:
    """Replace a damaged manifest by one listing ``entries`` (artifact, embed options), in order.

    The damaged file is kept beside it (``clipkit-manifest.damaged-TIME.json``);
    returns (the new manifest, the kept copy).
    """
    folder = Path(folder)
    path = manifest_path(folder)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    items = []
    for artifact, embed in entries:
        item = artifact_to_json(artifact, folder)
        item["embed"] = {k: v for k, v in (embed or {}).items() if v not in (None, "")}
        item["recorded"] = now
        items.append(item)
    with _locked(folder):
        kept = _keep_damaged(path) if path.exists() else None
        atomic_write_text(path, _dumps({"clipkit_manifest": VERSION, "artifacts": items}))
    return path, kept


def recorded_names(folder: str | os.PathLike) -> frozenset[str]:
    """The names of the files the manifest of ``folder`` records (artifacts and their siblings).

    Cached on the manifest file's identity (inode, size, modification time), so checking every
    output of a batch against one folder parses its manifest once, not once per output.
    """
    path = manifest_path(Path(folder))
    try:
        st = path.stat()
    except OSError:
        return frozenset()
    return _recorded_names(str(path), st.st_ino, st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _recorded_names(path: str, _ino: int, _size: int, _mtime_ns: int) -> frozenset[str]:
    names = set()
    for entry in read_manifest(Path(path).parent):
        names.add(entry.artifact.path.name)
        names.update(sib.path.name for sib in entry.artifact.siblings)
    return frozenset(names)


def find_entry(file: str | os.PathLike) -> ManifestEntry | None:
    """The manifest entry of ``file`` (as an artifact or a sibling of one), or None."""
    file = Path(file)
    folder = file.parent
    if not manifest_path(folder).is_file():
        return None
    for entry in read_manifest(folder):  # damaged entries are skipped: the file itself is read instead
        if entry.artifact.path.name == file.name:
            return entry
        for sib in entry.artifact.siblings:
            if sib.path.name == file.name:
                return ManifestEntry(sib, entry.embed, entry.recorded)
    return None
