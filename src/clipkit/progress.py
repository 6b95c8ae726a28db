"""Progress reporting without printing: a callback ``(done, total) -> bool | None``.

The core calls it as work advances; returning ``False`` asks the work to stop,
which raises :class:`~clipkit.errors.Cancelled` (after cleaning up).  The CLI
passes a callback that draws a progress bar on stderr when it is a terminal.
It may be called from a worker thread (the GIF engine asks it, at an unchanged
count, while its threads build the shots' palettes: a cancel is seen there too).
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import Cancelled

__all__ = ["ProgressFn", "report"]

ProgressFn = Callable[[int, int], "bool | None"]


def report(progress: ProgressFn | None, done: int, total: int) -> None:
    """Call ``progress`` if given; raise :class:`Cancelled` if it returns False."""
    if progress is not None and progress(done, total) is False:
        raise Cancelled()
