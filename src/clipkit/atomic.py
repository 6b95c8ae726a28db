"""Atomic writes: a file either appears whole under its name, or not at all.

Everything clipkit writes goes to a hidden temporary file beside the target
and is renamed over it only when complete, so a crash, a failed encode or
Ctrl-C never leaves a half GIF that looks finished.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError

__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text", "ensure_writable_dir", "move_file",
           "remove_leftovers", "settle_after_interrupt"]

#: A temporary file's name: ``.STEM.PID-RANDOM.partSUFFIX`` (the PID tells whether its writer is alive).
_PART_RE = re.compile(r"^\..*\.(\d+)-[A-Za-z0-9_]+\.part(\.[^.]*)?$")
#: Temporary files of the old form (no PID) older than this are a dead run's too.
_OLD_PART_RE = re.compile(r"^\..*\.[A-Za-z0-9_]{8}\.part(\.[^.]*)?$")
_OLD_PART_AGE = 6 * 3600
_cleaned: set[str] = set()
#: Files this process wrote (real paths): clipkit made them, so a later job may replace them.
_written: set[str] = set()
#: Temporary files removed because their write was interrupted or failed (see settle_after_interrupt).
_abandoned: set[Path] = set()


#: The extended attribute that says "clipkit wrote this file" (where the filesystem keeps them), so a
#: run killed after writing its file but before recording it in the manifest can be rerun over it.
MARK = "user.clipkit.made"


def _mark(path: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):  # no xattrs here (some filesystems, macOS, Windows)
        os.setxattr(path, MARK, b"1")


def carries_mark(path: str | os.PathLike) -> bool:
    """Whether ``path`` carries clipkit's mark (it was written by :func:`atomic_path`)."""
    try:
        return os.getxattr(path, MARK) == b"1"
    except (OSError, AttributeError):
        return False


def written_here(path: str | os.PathLike) -> bool:
    """Whether this process wrote ``path`` (through :func:`atomic_path`)."""
    return os.path.realpath(path) in _written


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True


def remove_leftovers(folder: str | os.PathLike) -> list[Path]:
    """Remove temporary files that dead clipkit processes left in ``folder`` (killed with SIGKILL,
    a power cut); returns what was removed.  A live writer's files are never touched."""
    removed = []
    now = time.time()
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        if not name.startswith(".") or ".part" not in name:
            continue
        path = Path(folder) / name
        m = _PART_RE.match(name)
        try:
            if m:
                dead = not _alive(int(m.group(1))) and now - path.stat().st_mtime > 2
            else:
                dead = bool(_OLD_PART_RE.match(name)) and now - path.stat().st_mtime > _OLD_PART_AGE
            if dead and path.is_file():
                path.unlink()
                removed.append(path)
        except (OSError, ValueError):
            continue
    return removed


def ensure_writable_dir(folder: Path) -> None:
    """Create ``folder`` if needed; raise :class:`OutputError` if it cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise OutputError(f"cannot write to {folder}: it exists and is not a folder", "choose another output folder with -o") from exc
    except OSError as exc:
        raise OutputError(f"cannot create the folder {folder}: {exc.strerror}", "choose another output folder with -o") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        why = "permission denied"
        with contextlib.suppress(OSError, AttributeError):
            if os.statvfs(folder).f_flag & os.ST_RDONLY:
                why = "it is on a read-only file system"
        raise OutputError(f"cannot write to the folder {folder}: {why}", "choose another output folder with -o")


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    The temporary file keeps the target's suffix (so tools that look at the
    extension, such as ffmpeg and Pillow, pick the right format).  On any
    exception, KeyboardInterrupt included, the temporary file is removed.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    ensure_writable_dir(folder)
    key = os.path.abspath(folder)
    if key not in _cleaned:  # once per folder and process: what killed runs left here goes
        _cleaned.add(key)
        remove_leftovers(folder)
    # The name is chosen first and the file made inside the ``try``: a Ctrl-C or SIGTERM (raised as
    # KeyboardInterrupt between two bytecodes) just after the file appears still removes it.
    tmp = folder / f".{target.stem[:40]}.{os.getpid()}-{secrets.token_hex(4)}.part{target.suffix}"
    try:
        os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        yield tmp
        if not tmp.exists():
            raise OutputError(f"nothing was written for {target}", "run with --debug to see why")
        os.chmod(tmp, 0o644 & ~_umask())
        _mark(tmp)  # before the rename: a file under its final name always carries the mark
        os.replace(tmp, target)
        _written.add(os.path.realpath(target))
    except BaseException:
        _abandoned.add(tmp)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _children() -> list[int]:
    """This process's child processes (Linux: /proc; elsewhere none are found), but multiprocessing's own
    helpers: its resource tracker (started by a batch pool or a studio worker) unlinks the semaphores a killed
    process leaves, and killing it left them in /dev/shm ("resource_tracker: process died unexpectedly")."""
    pids: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir("/proc/self/task"):
            with contextlib.suppress(OSError, ValueError):
                pids += [int(p) for p in Path(f"/proc/self/task/{task}/children").read_text().split()]
    return [p for p in pids if p not in _multiprocessing_helpers()]


def _multiprocessing_helpers() -> set[int]:
    """The pids of multiprocessing's resource tracker and fork server in this process, where started."""
    import sys

    helpers = set()
    if "multiprocessing.resource_tracker" in sys.modules:
        helpers.add(getattr(getattr(sys.modules["multiprocessing.resource_tracker"], "_resource_tracker", None), "_pid", None))
    if "multiprocessing.forkserver" in sys.modules:
        helpers.add(getattr(getattr(sys.modules["multiprocessing.forkserver"], "_forkserver", None), "_forkserver_pid", None))
    return helpers - {None}


def settle_after_interrupt() -> None:
    """After Ctrl-C or SIGTERM, before exiting: stop this process's children, then remove again the
    temporary files the interrupted writes had removed.

    An interrupt that lands while ffmpeg is being started leaves a child its caller never got a handle
    to; that child creates its output (the temporary file) after the clean-up removed it, and a
    ``.part`` file would stay behind."""
    import signal

    for pid in _children():
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)
    for tmp in list(_abandoned):
        with contextlib.suppress(OSError):
            tmp.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def move_file(src: str | os.PathLike, dest: str | os.PathLike) -> None:
    """Move a finished file made in a temporary folder to ``dest`` (an :func:`atomic_path`): a rename, or
    a copy where the two are on different filesystems (TMPDIR on tmpfs, the output on a disk or a share)."""
    try:
        os.replace(src, dest)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        import shutil

        shutil.copyfile(src, dest)
        os.unlink(src)


def atomic_write_bytes(target: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically; return the target path."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def atomic_write_text(target: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` to ``target`` atomically; return the target path."""
    return atomic_write_bytes(target, text.encode("utf-8"))
