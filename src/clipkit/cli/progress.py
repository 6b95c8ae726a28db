"""A progress bar on stderr for the core's progress callback (only on a terminal)."""

from __future__ import annotations

import sys
import time

__all__ = ["ProgressBar"]


class ProgressBar:
    """Callable ``(done, total)`` that draws ``label [#####.....] 42%`` on stderr.

    Draws nothing when stderr is not a terminal (scripts, CI, pipes).  Use as
    a context manager so the line is finished at the end.
    """

    def __init__(self, label: str, *, stream=None, enabled: bool | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> bool:
        if not self.enabled or total <= 0:
            return True
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return True
        self._last = now
        width = 30
        filled = int(width * done / total)
        pct = int(100 * done / total)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {pct:3d}%")
        self.stream.flush()
        self._drawn = True
        return True

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc) -> None:
        if self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
