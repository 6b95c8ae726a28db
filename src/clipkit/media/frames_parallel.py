"""One long read of frames split into chunks that two ffmpeg processes decode at once.

H.264 frame threading keeps about one and a half of two cores busy: each frame
waits for the rows of the frames it is predicted from.  Two single-threaded
ffmpeg processes, each on its own stretch of the range, keep both busy.
:func:`read_frames_parallel` yields exactly what one :func:`read_frames` call
over the whole range yields (the same frames, numbered on from 0, in order):
each chunk is read from its own start (ffmpeg seeks to the keyframe before it),
the frame showing at a chunk's start is kept only if the chunk before did not
yield it, and chunks are consumed in order while the next one is decoded.
Memory: at most ``workers + 1`` chunks of frames (at analysis size) are held.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from fractions import Fraction

from ..errors import MediaError
from .frames import Frame, read_frames
from .probe import MediaInfo

__all__ = ["read_frames_parallel", "chunks_for"]

#: Ranges shorter than this are read in one go (a process start and a keyframe lead-in per chunk).
MIN_PARALLEL = Fraction(60)
#: Chunk length bounds, seconds.
MIN_CHUNK, MAX_CHUNK = Fraction(20), Fraction(60)


def chunks_for(start: Fraction, end: Fraction, workers: int) -> list[tuple[Fraction, Fraction]]:
    """How ``[start, end)`` is split: one chunk when short or with one worker, else about three
    per worker (so the last ones finish close together), each 20–60 s."""
    span = end - start
    if workers < 2 or span < MIN_PARALLEL:
        return [(start, end)]
    length = min(MAX_CHUNK, max(MIN_CHUNK, span / (3 * workers)))
    n = max(2, round(span / length))
    bounds = [start + span * i / n for i in range(n)] + [end]
    return list(zip(bounds, bounds[1:]))


def read_frames_parallel(info: MediaInfo, *, start: Fraction, end: Fraction, workers: int = 2,
                         **kwargs) -> Iterator[Frame]:
    """Like :func:`read_frames` over ``[start, end)`` (``kwargs`` are its options), decoded by
    ``workers`` single-threaded ffmpeg processes, one chunk each at a time.  A chunk where
    nothing decodes (damage) is skipped; if none decodes, the first chunk's error is raised."""
    spans = chunks_for(start, end, workers)
    if len(spans) == 1:
        yield from read_frames(info, start=start, end=end, **kwargs)
        return
    kwargs = {**kwargs, "threads": 1}
    stop = threading.Event()

    def decode(a: Fraction, b: Fraction) -> list[Frame] | MediaError:
        frames = read_frames(info, start=a, end=b, **kwargs)
        out: list[Frame] = []
        try:
            for f in frames:
                if stop.is_set():
                    break
                out.append(f)
        except MediaError as exc:
            return exc
        finally:
            frames.close()
        return out

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="clipkit-read")
    queued: list[Future] = []
    try:
        nxt = 0
        last: Fraction | None = None
        n = 0
        error: MediaError | None = None
        for i in range(len(spans)):
            while nxt < len(spans) and nxt <= i + workers:
                queued.append(pool.submit(decode, *spans[nxt]))
                nxt += 1
            got = queued[i].result()
            queued[i] = None  # type: ignore[call-overload]  # let the chunk's frames go once yielded
            if isinstance(got, MediaError):
                error = error or got
                continue
            for f in got:
                if last is not None and f.time <= last:
                    continue  # the frame showing at this chunk's start: the chunk before yielded it
                last = f.time
                yield Frame(f.time, n, f.image, f.duration)
                n += 1
        if n == 0 and error is not None:
            raise error
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
