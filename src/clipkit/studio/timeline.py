"""The episode view's timeline: its shots (from ``clipkit scenes``, transitions marked), shot thumbnails, posters.

Shots come from :func:`clipkit.pipeline.scenes.detect_scenes` with the CLI's
settings.  When its cache already holds them the answer is immediate; the first
time, detection runs as a studio job (a worker process) and the page follows its
progress on the job's event stream, then asks again.  Thumbnails are single
frames (:func:`clipkit.media.frames.frame_at`, the frame on screen at the given
time), cached as small JPEGs beside the proxies (``~/.cache/clipkit/studio``).
"""

from __future__ import annotations

import hashlib
import io
import threading
from fractions import Fraction
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import ClipkitError
from ..identity import cache_root

__all__ = ["routes", "shots_json", "thumbnail", "THUMB_WIDTH", "POSTER_WIDTH", "POSTER_AT"]

#: Pixels across a shot thumbnail and an episode poster.
THUMB_WIDTH = 160
POSTER_WIDTH = 240
#: Where in an episode its poster frame is taken (a fraction of its duration: past the opening titles).
POSTER_AT = Fraction(1, 10)
#: Thumbnails decoded at once (each is an ffmpeg seek and decode; the page asks for many).
_DECODERS = threading.BoundedSemaphore(2)


def _t(value: Fraction) -> dict:
    return {"s": float(value), "exact": str(Fraction(value))}


def shots_json(found) -> dict:
    """The shots of a :class:`~clipkit.scenes.model.SceneList`, each with how it begins (``cut``, or the
    transition's kind: ``fade-in``, ``dissolve``…) and the time of its thumbnail (its middle)."""
    rate = found.frame_rate or Fraction(25)
    slack = 1 / rate

    def begins(start: Fraction, first: bool) -> str:
        if first:
            return "start"
        for tr in found.transitions:
            if tr.start - slack <= start <= tr.end + slack:
                return tr.kind
        return "cut"

    return {"shots": [{"number": s.number, "start": _t(s.start), "end": _t(s.end), "thumb": _t(s.start + (s.end - s.start) / 2),
                       "begins": begins(s.start, n == 0)} for n, s in enumerate(found.scenes)],
            "notes": list(found.notes)}


def _episode(request: Request) -> Path | None:
    eps = request.app.state.studio.episodes
    text = request.path_params.get("ep", "")
    return eps[int(text)] if text.isdigit() and int(text) < len(eps) else None


def _info(path: Path):
    from ..media.probe import probe

    return probe(path)  # lru-cached per path


def thumbnail(path: Path, t: Fraction, width: int) -> Path:
    """A JPEG of the frame on screen at ``t`` (cached by file identity, time and width)."""
    from PIL import Image

    from ..atomic import atomic_path
    from ..media.frames import frame_at
    from ..media.probe import probe

    st = path.stat()
    key = hashlib.sha256(f"v1|{path}|{st.st_size}|{st.st_mtime_ns}|{t}|{width}".encode()).hexdigest()[:24]
    target = cache_root() / "studio" / "thumbs" / f"{key}.jpg"
    if target.exists():
        return target
    with _DECODERS:
        if target.exists():
            return target
        info = probe(path)
        at = min(t, info.duration - Fraction(1, 1000))
        image = frame_at(info, max(Fraction(0), at), width=width).image
        buf = io.BytesIO()
        Image.fromarray(image).save(buf, format="JPEG", quality=78)
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            Path(tmp).write_bytes(buf.getvalue())
    return target


def _jpeg(file: Path) -> Response:
    return Response(file.read_bytes(), media_type="image/jpeg", headers={"cache-control": "private, max-age=3600"})


async def shots(request: Request) -> Response:
    """200 with the shots when known; else 202 with the detection job to follow (started once per episode)."""
    from ..pipeline.scenes import cached_scenes

    path = _episode(request)
    if path is None:
        return JSONResponse({"error": "no such episode"}, status_code=404)
    studio = request.app.state.studio
    try:
        found = await run_in_threadpool(cached_scenes, path)
    except ClipkitError as exc:
        return JSONResponse({"error": str(exc)}, status_code=422)
    if found is not None:
        return JSONResponse(shots_json(found))
    with studio.lock:
        job = studio.jobs.get(studio.scene_jobs.get(path, ""))
        if job is None or job.state == "cancelled" or (job.state == "failed" and request.query_params.get("retry")):
            job = studio.jobs.submit("scenes", {"video": str(path)})
            studio.scene_jobs[path] = job.id
    if job.state == "done":
        return JSONResponse(job.result)  # the job's own answer (also when the scene cache is turned off)
    if job.state == "failed":
        return JSONResponse({"error": job.error or "scene detection failed", "job": job.view()}, status_code=422)
    return JSONResponse({"job": job.view()}, status_code=202)


async def thumb(request: Request) -> Response:
    path = _episode(request)
    if path is None:
        return JSONResponse({"error": "no such episode"}, status_code=404)
    try:
        t = Fraction(request.query_params.get("t", ""))
    except (ValueError, ZeroDivisionError):
        return JSONResponse({"error": "t must be a number of seconds"}, status_code=400)
    try:
        info = await run_in_threadpool(_info, path)
        if not 0 <= t <= info.duration:
            return JSONResponse({"error": "t is outside the episode"}, status_code=400)
        t = t.limit_denominator(1000)  # one cache entry per millisecond, not per float spelling
        return _jpeg(await run_in_threadpool(thumbnail, path, t, THUMB_WIDTH))
    except ClipkitError as exc:
        return JSONResponse({"error": str(exc)}, status_code=422)


async def poster(request: Request) -> Response:
    path = _episode(request)
    if path is None:
        return JSONResponse({"error": "no such episode"}, status_code=404)
    try:
        info = await run_in_threadpool(_info, path)
        at = (info.duration * POSTER_AT).limit_denominator(1000)
        return _jpeg(await run_in_threadpool(thumbnail, path, at, POSTER_WIDTH))
    except ClipkitError as exc:
        return JSONResponse({"error": str(exc)}, status_code=422)


routes = [
    Route("/api/episodes/{ep}/shots", shots),
    Route("/api/episodes/{ep}/thumb.jpg", thumb),
    Route("/api/episodes/{ep}/poster.jpg", poster),
]
