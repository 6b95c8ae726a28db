"""A drop-in for moviepy's ``clip.write_gif``, made with clipkit's GIF engine.

::

    from clipkit.moviepy import write_gif

    write_gif(clip, "zoom.gif")                   # instead of clip.write_gif("zoom.gif")
    write_gif(clip, "zoom.gif", fps=15, width=480, max_size="3MB", caption="…")

The clip is sampled at ``fps`` (default: the clip's own) as moviepy does — the
frames moviepy counts, so a clip that ends part-way into a frame (a 1.5 s
subclip of 10.5 fps footage) loses that partial frame, as moviepy's own GIF
does — and those frames play exactly as long as they last (centisecond delays
that carry their rounding, where moviepy's 24 fps GIF plays 4 % fast).  Any other keyword is a
``clipkit gif`` option (:class:`~clipkit.settings.GifSettings` fields,
captions, ``overlay``, ``progress``).  moviepy itself is not imported here: the
clip is read through its own ``get_frame`` (see :mod:`clipkit.media.sources`).
"""

from __future__ import annotations

import os
from fractions import Fraction

from .artifact import Artifact
from .errors import UsageError
from .media.sources import Frames, frame_rate, is_moviepy_clip

__all__ = ["write_gif"]

#: The fastest rate a GIF plays truly (delays under 2 cs are slowed to 10 cs by browsers).
_MAX_GIF_FPS = Fraction(50)


def write_gif(clip, filename: str | os.PathLike, fps: float | Fraction | None = None, loop: int = 0,
              logger=None, **options) -> Artifact:
    """Write ``clip`` (a moviepy clip) as an optimised GIF at ``filename``; return what was written.

    ``fps``: frames per second the clip is sampled at (default ``clip.fps``),
    above 50 written at 50.  ``loop``: as moviepy's, 0 plays forever, N
    repeats N times after the first play.  ``logger`` is accepted for
    compatibility and ignored (clipkit reports through ``progress=``).  The
    width defaults to the clip's (moviepy does not scale); every other
    keyword is a ``clipkit gif`` option, e.g. ``width=480``,
    ``max_size="3MB"``, ``colors=128``, ``dither="ordered"``, ``caption="…"``.
    """
    from .pipeline.gif import make_gif

    if not is_moviepy_clip(clip):
        raise UsageError(f"write_gif needs a moviepy clip, not {type(clip).__name__}",
                         "for other frames use clipkit.make_gif(Frames(frames, rate=24), …)")
    rate = frame_rate(fps if fps is not None else getattr(clip, "fps", None), "the clip (and write_gif's fps)")
    if isinstance(loop, bool) or not isinstance(loop, int) or loop < 0:
        raise UsageError(f"loop={loop!r} is not a number of repeats", "0 plays forever; N repeats N times")
    source = Frames(clip, rate, name=getattr(clip, "filename", None) or "clip")
    options.setdefault("width", None)  # the clip's own size, as moviepy writes it
    options.setdefault("subs", "off")  # a composed clip has no subtitle track of its own
    options.setdefault("fps", min(rate, _MAX_GIF_FPS))
    options.setdefault("overwrite", True)  # moviepy's write_gif replaces the file it is given (never an input)
    return make_gif(source, None, None, filename, loop="forever" if loop == 0 else str(loop + 1), **options)
