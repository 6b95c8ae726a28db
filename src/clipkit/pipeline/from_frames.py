"""Jobs that take frames as well as files: the ``@takes_frames`` decorator of ``make_gif``, ``still``
and ``make_strip``.

A frame source (a moviepy clip, or :class:`~clipkit.media.sources.Frames`) is
stored in a temporary file for the job (:func:`clipkit.media.sources.opened`);
the job runs on it as on any video.  What it made has ``source=None`` (the
frames came from no file), and is recorded in its folder's manifest as such.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from fractions import Fraction

from ..media.sources import is_frame_source, opened
from .recording import recorded

__all__ = ["takes_frames"]


def takes_frames(whole: tuple[str, str] | None = None):
    """Decorate a job taking ``(source, ...)`` so ``source`` may also be a frame source.

    The job then runs on the frames' temporary file, and what it returns has
    ``source=None``.  ``whole`` names the job's (start, end) parameters: when
    both are None (and neither a ``scene`` nor a ``line`` is asked for), they become the whole clip.
    """
    def wrap(job: Callable):
        signature = inspect.signature(job)

        @functools.wraps(job)
        def run(source, *args, **kwargs):
            if not is_frame_source(source):
                return job(source, *args, **kwargs)
            with opened(source) as info:
                bound = signature.bind(info, *args, **kwargs)
                given = bound.arguments
                if whole and all(given.get(n) is None for n in (*whole, "scene", "line")):
                    given[whole[0]], given[whole[1]] = Fraction(0), info.duration
                record = given.get("record", True)
                if "record" in signature.parameters:
                    given["record"] = False  # recorded below, once it no longer names the temporary file
                made = _without_source(job(*bound.args, **bound.kwargs))
            if "record" in signature.parameters:
                made = recorded(made, record, given.get("embed"))
            return made

        run.__doc__ = (job.__doc__ or "").rstrip() + (
            "\n\n    ``source`` may also be frames: a moviepy clip, or"
            " :class:`~clipkit.media.sources.Frames` (numpy frames with their rate).\n")
        return run

    return wrap


def _without_source(made):
    if hasattr(made, "siblings") and hasattr(made, "with_"):
        return made.with_(source=None, siblings=tuple(s.with_(source=None) for s in made.siblings))
    return made
