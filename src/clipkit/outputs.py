"""What a job may write: checked before any decoding, for every command and the batch.

Every output of a job (the file, its siblings, the manifest beside it) is
resolved (symlinks, ``..``, and on a case-insensitive filesystem the same
file under another case) and compared with every input (the video, a
subtitle file, a font file).  A clash is a :class:`UsageError` naming both
paths: clipkit never replaces what it reads.

An output that already exists is replaced only when the folder's manifest
records it (clipkit made it) or when the caller says ``overwrite``.

No output goes into a system folder (:data:`SYSTEM_FOLDERS`; ``/var/tmp``
is allowed): blog media never belongs there, and a job file or preset that
names one is a mistake or an attack.  The rule holds for every command, so
it cannot be bypassed by layering a preset under ``-o``.

Last, the folder must be writable: a probe file is made and removed there,
so ``-o /proc/x.gif`` fails at once naming the user's path.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .atomic import carries_mark, ensure_writable_dir, written_here
from .errors import SPELLING, OutputError, UsageError, option

__all__ = ["SYSTEM_FOLDERS", "check_outputs", "check_clash", "check_not_system", "check_writable", "check_writable_folder",
           "made_by_clipkit", "font_input", "subs_input", "real_path", "sibling_path"]

#: Folders (and everything under them) clipkit never writes into.
SYSTEM_FOLDERS = ("/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/proc", "/sys",
                  "/dev", "/var")
#: Exceptions under the system folders.
_ALLOWED = ("/var/tmp",)


def real_path(path: str | os.PathLike) -> Path:
    """``path`` absolute, with ``..`` and symlinks resolved (as far as it exists)."""
    return Path(os.path.realpath(os.path.abspath(os.fspath(path))))


def _under(path: Path, folder: str) -> bool:
    return path == Path(folder) or path.is_relative_to(folder)


def sibling_path(path: Path, kind: str) -> Path:
    """The file of format ``kind`` beside ``path`` (``x.gif`` → ``x.mp4``)."""
    return path.with_suffix(f".{kind.lstrip('.')}")


def check_not_system(path: str | os.PathLike, shown: str | os.PathLike | None = None) -> None:
    """Raise :class:`UsageError` when ``path`` is in a system folder."""
    if os.name != "posix":
        return
    real = real_path(path)
    for folder in (os.path.abspath(os.fspath(path)), str(real)):
        p = Path(folder)
        if any(_under(p, a) for a in _ALLOWED):
            continue
        hit = next((s for s in SYSTEM_FOLDERS if _under(p, s)), None)
        if hit is not None:
            raise UsageError(f"{shown or path} is in the system folder {hit}: clipkit does not write there",
                             "write into your own folder (e.g. -o ~/clips/); /tmp and /var/tmp are fine")


def _same(a: Path, b: Path) -> bool:
    ra, rb = real_path(a), real_path(b)
    if os.path.normcase(str(ra)) == os.path.normcase(str(rb)):
        return True
    try:  # hard links, and the same file under another case on a case-insensitive filesystem
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_clash(outputs: Iterable[str | os.PathLike], inputs: Iterable[str | os.PathLike | None]) -> None:
    """Raise :class:`UsageError` when an output would replace an input."""
    ins = [Path(p) for p in inputs if p is not None]
    for out in outputs:
        for inp in ins:
            if _same(Path(out), inp):
                raise UsageError(f"writing {out} would replace the input {inp}",
                                 "choose another output name or folder with -o")


def made_by_clipkit(path: str | os.PathLike) -> bool:
    """Whether clipkit made ``path``: it carries clipkit's mark (an extended attribute set when it
    was written, so a killed run's file counts too), the manifest of its folder records it (as a
    file or a sibling of one), or this process wrote it."""
    from .manifest import recorded_names

    if written_here(path) or carries_mark(path):
        return True
    try:
        return Path(path).name in recorded_names(Path(path).parent)
    except Exception:  # a damaged manifest vouches for nothing
        return False


def check_writable(path: str | os.PathLike) -> None:
    """Create ``path``'s folder if needed and make sure a file can be written there; raise :class:`OutputError`
    naming ``path``."""
    path = Path(path)
    try:
        check_writable_folder(path.parent if str(path.parent) else Path("."))
    except OutputError as exc:
        raise OutputError(f"cannot write {path}: {exc.message}", exc.hint) from exc


def check_writable_folder(folder: str | os.PathLike) -> None:
    """Create ``folder`` if needed and make sure a file can be written in it (a probe file with no name where the
    system has them, else one removed at once); raise :class:`OutputError` naming ``folder``."""
    folder = Path(folder)
    ensure_writable_dir(folder)
    if hasattr(os, "O_TMPFILE"):  # Linux: a file with no name, so even SIGKILL right here leaves nothing behind
        with contextlib.suppress(OSError):  # (a filesystem without it: the named probe below answers)
            os.close(os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o600))
            return
    try:  # named like a temporary file, which the next run removes once its writer is gone (atomic.remove_leftovers)
        fd, probe = tempfile.mkstemp(prefix=f".clipkit-probe.{os.getpid()}-", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write to the folder {folder}: {exc.strerror or exc}",
                          "choose another output folder with -o") from exc
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)


def _overwrite() -> str:
    """``--overwrite`` / ``overwrite=True`` as the caller writes it; a job file has no such key: its batch's flag."""
    return "--overwrite" if SPELLING.get() == "job" else option("overwrite", True)


def check_outputs(outputs: Iterable[str | os.PathLike], inputs: Iterable[str | os.PathLike | None], *,
                  overwrite: bool = False, manifest: bool = True) -> None:
    """Everything about a job's outputs that can be known before decoding, in this order:
    not in a system folder, not an input, not an existing file clipkit did not make (unless
    ``overwrite``), and writable.  ``manifest``: the manifest beside the first output is an output too."""
    from .manifest import manifest_path

    outs = [Path(p) for p in outputs]
    if not outs:
        return
    for out in outs:
        check_not_system(out)
    folder = outs[0].parent if str(outs[0].parent) else Path(".")
    check_clash(outs + ([manifest_path(folder)] if manifest else []), inputs)
    for out in outs:
        if out.is_dir():
            if out == outs[0]:
                raise UsageError(f"{out} is a folder", f"give a file name ending in {out.suffix or '.EXT'}")
            raise UsageError(f"{out}, which this job writes beside {outs[0].name}, is a folder",
                             "rename or move that folder, or give the output another name with -o")
        if not overwrite and (out.exists() or out.is_symlink()) and not made_by_clipkit(out):
            raise UsageError(f"{out} exists and clipkit did not make it (its folder's manifest does not list it)",
                             f"choose another name, or pass {_overwrite()} to replace it")
    for out in {o.parent: o for o in reversed(outs)}.values():  # each folder once, named by its first file
        check_writable(out)


def subs_input(subs) -> Path | None:
    """The subtitle file a ``subs`` setting names (None for auto/off/track:N/lang:xxx)."""
    if subs is None or not isinstance(subs, (str, os.PathLike)):
        return None
    text = os.fspath(subs)
    if text.strip().lower() in ("auto", "off", "none", "") or text.startswith(("track:", "lang:")):
        return None
    return Path(text)


def font_input(font) -> Path | None:
    """The font file a ``font`` setting names (None for a family name)."""
    if not font or not isinstance(font, (str, os.PathLike)):
        return None
    path = Path(os.fspath(font)).expanduser()
    return path if path.is_file() else None
