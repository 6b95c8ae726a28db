"""Frames kept out of memory: a private temporary folder, and stores of pictures spilled to files in it.

A GIF's frames are needed more than once (the palette of each shot, the
remapping, every try of a fit to ``--max-size``, the MP4/WebP siblings), so
they cannot simply stream through; held in memory, a GIF's peak RSS grew with
length × width (10 MB per second of GIF at 540 px, 40 at 1080).  Here a job's
pictures are kept in memory until its budget (``GifSettings.frame_memory``) is
used, and the rest are appended to a file and read back with explicit reads
(``os.pread``, never ``np.memmap``: mapped pages count in the RSS), so the peak
no longer depends on the clip's length.

``spill_dir()`` makes the folder: private (0700, under ``TMPDIR``), removed on
exit, on error and on Ctrl-C/SIGTERM (the CLI turns SIGTERM into
KeyboardInterrupt); the folder of a process that died without cleaning up
(SIGKILL) is removed by the next run.  :class:`Frames` is a read-only sequence
view over a store (slices, reversal, concatenation) that the GIF engine reads
like a list; the last few pictures read from the file are cached, so a reader
that looks a few frames ahead (the engine's remap threads) reads each once.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from ..atomic import _alive
from ..errors import OutputError

__all__ = ["Spill", "FrameStore", "Frames", "spill_dir"]

_PREFIX = "clipkit-spill-"
_DIR_RE = re.compile(rf"^{_PREFIX}(\d+)-[A-Za-z0-9_]+$")
#: Pictures read back from a file that stay cached (the engine looks 4 frames ahead, then reads them again).
_CACHED = 8


class Spill:
    """A job's private temporary folder and the bytes of pictures it may still keep in memory."""

    def __init__(self, folder: Path, memory: int) -> None:
        self.folder = folder
        self.free = max(0, int(memory))  # bytes of pictures that may still be kept in memory
        self.spilled = 0  # bytes written to files so far (what the tests and the notes look at)
        self._closers: list[weakref.finalize] = []
        self._count = 0

    def store(self) -> FrameStore:
        """A new, empty store of pictures in this folder."""
        self._count += 1
        store = FrameStore(self, self.folder / f"frames-{self._count}.raw")
        self._closers.append(store._closer)
        return store

    def path(self, name: str) -> Path:
        """A file name in the folder (e.g. an encoded try, kept out of memory too)."""
        return self.folder / name

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Writes into the folder: a full disk, a quota or a file size limit is one :class:`OutputError` naming it."""
        try:
            yield
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                raise OutputError(f"no room for temporary files in {self.folder.parent} ({exc.strerror})",
                                  "free some space there, or set TMPDIR to a folder with room") from exc
            raise

    def close(self) -> None:
        for closer in self._closers:
            closer()
        self._closers.clear()


def _release(spill: Spill, held: list[int], fd: list[int | None], path: Path) -> None:
    """A store is gone: its memory goes back to the budget, its file is closed and removed."""
    spill.free += held[0]
    held[0] = 0
    if fd[0] is not None:
        with contextlib.suppress(OSError):
            os.close(fd[0])
        fd[0] = None
        with contextlib.suppress(OSError):
            path.unlink()


class FrameStore:
    """Pictures (uint8 arrays) appended once and read back by number: in memory while the
    folder's budget lasts, then in a file.  A stored array must not be changed afterwards."""

    def __init__(self, spill: Spill, path: Path) -> None:
        self._spill = spill
        self._path = path
        self._slots: list[np.ndarray | tuple[int, tuple[int, ...]]] = []
        self._fd: list[int | None] = [None]
        self._held = [0]
        self._end = 0
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._closer = weakref.finalize(self, _release, spill, self._held, self._fd, path)

    def __len__(self) -> int:
        return len(self._slots)

    def append(self, image: np.ndarray) -> int:
        """Keep ``image``; return its number."""
        image = np.asarray(image)
        if image.dtype != np.uint8:
            raise ValueError(f"a frame store holds uint8 pictures, not {image.dtype}")
        n = image.nbytes
        if n <= self._spill.free:
            self._spill.free -= n
            self._held[0] += n
            view = image.view()
            view.flags.writeable = False  # as read back from a file: nobody changes a stored picture
            self._slots.append(view)
        else:
            self._slots.append((self._write(np.ascontiguousarray(image)), image.shape))
        return len(self._slots) - 1

    def _write(self, image: np.ndarray) -> int:
        if self._fd[0] is None:
            flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
            self._fd[0] = os.open(self._path, flags, 0o600)
        offset, data = self._end, memoryview(image).cast("B")
        with self._spill.writing():
            done = 0
            while done < len(data):
                done += _pwrite(self._fd[0], data[done:], offset + done)
        self._end += len(data)
        self._spill.spilled += len(data)
        return offset

    def __getitem__(self, k: int) -> np.ndarray:
        slot = self._slots[k]
        if isinstance(slot, np.ndarray):
            return slot
        k = k % len(self._slots)
        with self._lock:
            cached = self._cache.get(k)
            if cached is not None:
                self._cache.move_to_end(k)
                return cached
        offset, shape = slot
        n = int(np.prod(shape))
        data = _pread(self._fd[0], n, offset)
        while len(data) < n:  # a short read (a signal): the rest
            more = _pread(self._fd[0], n - len(data), offset + len(data))
            if not more:
                raise OSError(errno.EIO, f"temporary frame file {self._path} ended early")
            data += more
        image = np.frombuffer(data, np.uint8).reshape(shape)  # read-only, like the arrays held in memory should be
        with self._lock:
            self._cache[k] = image
            if len(self._cache) > _CACHED:
                self._cache.popitem(last=False)
        return image

    def close(self) -> None:
        """Give back its memory and remove its file now (also done when the store is collected)."""
        self._slots.clear()
        self._cache.clear()
        self._closer()


_SEEK = threading.Lock()


def _pread(fd: int, n: int, offset: int) -> bytes:
    """``os.pread``, or a seek and a read where there is none (Windows)."""
    if hasattr(os, "pread"):
        return os.pread(fd, n, offset)
    with _SEEK:
        os.lseek(fd, offset, os.SEEK_SET)
        return os.read(fd, n)


def _pwrite(fd: int, data: memoryview, offset: int) -> int:
    if hasattr(os, "pwrite"):
        return os.pwrite(fd, data, offset)
    with _SEEK:
        os.lseek(fd, offset, os.SEEK_SET)
        return os.write(fd, data)


class Frames(Sequence):
    """Some pictures of a store, in an order (a list the engine reads; slicing makes no copy)."""

    def __init__(self, store: FrameStore, numbers: Sequence[int]) -> None:
        self.store = store
        self.numbers = numbers

    def __len__(self) -> int:
        return len(self.numbers)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return Frames(self.store, self.numbers[k])
        return self.store[self.numbers[k]]

    def __iter__(self) -> Iterator[np.ndarray]:
        for n in self.numbers:
            yield self.store[n]

    def __add__(self, other: Frames) -> Frames:
        if not isinstance(other, Frames) or other.store is not self.store:
            return NotImplemented
        return Frames(self.store, [*self.numbers, *other.numbers])


def _remove_dead(parent: str) -> None:
    """Remove spill folders whose process is gone (killed with SIGKILL: no cleanup ran)."""
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        m = _DIR_RE.match(name)
        if m and not _alive(int(m.group(1))):
            path = os.path.join(parent, name)
            with contextlib.suppress(OSError):
                if os.stat(path).st_uid == os.getuid():
                    shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def spill_dir(memory: int) -> Iterator[Spill]:
    """A private temporary folder for a job's pictures (``memory``: bytes kept in memory before
    spilling), removed when the job ends however it ends."""
    parent = tempfile.gettempdir()
    _remove_dead(parent)
    try:
        folder = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-", dir=parent))  # mode 0700
    except OSError as exc:
        raise OutputError(f"cannot make a temporary folder in {parent}: {exc.strerror}",
                          "set TMPDIR to a writable folder with room") from exc
    spill = Spill(folder, memory)
    try:
        yield spill
    finally:
        spill.close()
        shutil.rmtree(folder, ignore_errors=True)
