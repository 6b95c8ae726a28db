"""One long read of frames split into chunks that two ffmpeg processes decode at once.

H.264 frame threading keeps about one and a half of two cores busy: each frame
waits for the rows of the frames it is predicted from.  Two single-threaded
ffmpeg processes, each on its own stretch of the range, keep both busy.
:func:`read_frames_parallel` yields exactly what one :func:`read_frames` call
over the whole range yields (the same frames, numbered on from 0, in order):
each chunk is read from its own start (ffmpeg seeks to the keyframe before it),
the frame showing at a chunk's start is kept only if the chunk before did not
yield it, and each chunk streams to the caller while the next one decodes.
Memory: about one chunk of frames (at analysis size), the one decoded ahead.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

from ..errors import MediaError
from .frames import Frame, read_frames
from .probe import MediaInfo

__all__ = ["read_frames_parallel", "chunks_for"]

#: Ranges shorter than this are read in one go (a process start and a keyframe lead-in per chunk).
MIN_PARALLEL = Fraction(60)
#: Chunk length bounds, seconds.
MIN_CHUNK, MAX_CHUNK = Fraction(20), Fraction(60)
_END = object()


def chunks_for(start: Fraction, end: Fraction, workers: int) -> list[tuple[Fraction, Fraction]]:
    """How ``[start, end)`` is split: one chunk when short or with one worker, else about two per
    worker, each 20–60 s, their number a multiple of ``workers`` (the workers finish together)."""
    span = end - start
    if workers < 2 or span < MIN_PARALLEL:
        return [(start, end)]
    length = min(MAX_CHUNK, max(MIN_CHUNK, span / (2 * workers)))
    n = max(workers, round(span / length))
    n = -(-n // workers) * workers
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

    def decode(a: Fraction, b: Fraction, out: queue.SimpleQueue) -> None:
        try:
            frames = read_frames(info, start=a, end=b, **kwargs)
            try:
                for f in frames:
                    if stop.is_set():
                        break
                    out.put(f)
            finally:
                frames.close()
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises or skips it
            out.put(exc)
        finally:
            out.put(_END)

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="clipkit-read")
    queues: list[queue.SimpleQueue | None] = []
    try:
        last: Fraction | None = None
        n = 0
        error: MediaError | None = None
        for i in range(len(spans)):
            # This chunk streams in while the next ones decode into their queues.
            while len(queues) < len(spans) and len(queues) <= i + workers - 1:
                queues.append(queue.SimpleQueue())
                pool.submit(decode, *spans[len(queues) - 1], queues[-1])
            q = queues[i]
            assert q is not None
            while (item := q.get()) is not _END:
                if isinstance(item, MediaError):
                    error = error or item  # nothing decodes in this chunk (damage): the others go on
                    continue
                if isinstance(item, BaseException):
                    raise item
                if last is not None and item.time <= last:
                    continue  # the frame showing at this chunk's start: the chunk before yielded it
                last = item.time
                yield Frame(item.time, n, item.image, item.duration)
                n += 1
            queues[i] = None  # its frames are gone once yielded
        if n == 0 and error is not None:
            raise error
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
