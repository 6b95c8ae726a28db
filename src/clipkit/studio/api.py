"""The studio's JSON routes: thin calls into the public pipeline (probe, dialogue, find, jobs, snippets); with
those of :mod:`.timeline` (shots, thumbnails), :mod:`.make` (new jobs, size estimate) and :mod:`.tray` (the post).

Episodes are named by their number in the list the studio was started with,
never by a path from the request; made files are served only through
:func:`~.security.inside` the output folder.
"""

from __future__ import annotations

import asyncio
import json
from fractions import Fraction
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ..errors import ClipkitError
from . import make, timeline, tray
from .jobs import FINISHED, page_error, page_naming
from .proxy import SEGMENT_SECONDS, proxy_state, segment_count, segment_file, segment_mime
from .security import inside

__all__ = ["routes"]

_MAX_SEARCH = 100


def _t(value: Fraction) -> dict:
    return {"s": float(value), "exact": str(Fraction(value))}


def _error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _number(text: str, limit: int) -> int | None:
    """``text`` as a number in 0 … limit-1 (ASCII digits only: ``²`` or ``٣`` are digits to ``str.isdigit``), or None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 and int(text) < limit else None


def _episode(request: Request) -> Path | None:
    eps = request.app.state.studio.episodes
    n = _number(request.path_params.get("ep", ""), len(eps))
    return None if n is None else eps[n]


def _describe(n: int, path: Path) -> dict:
    from ..dialogue.sources import sidecar_files
    from ..media.probe import probe

    row = {"id": n, "name": path.name}
    try:
        info = probe(path)
    except ClipkitError as exc:
        return {**row, "error": str(exc)}
    v = info.video
    return {**row, "duration": _t(info.duration), "fps": float(v.frame_rate) if v and v.frame_rate else None,
            "width": v.display_size[0] if v else None,
            "height": v.display_size[1] if v else None, "audio": len(info.audio),
            "subtitles": [{"language": s.language, "codec": s.codec} for s in info.subtitles],
            "subtitle_files": [f.name for f in sidecar_files(path)],  # beside it: its dialogue too
            "player": _player(info) if v else None}


async def episodes(request: Request) -> Response:
    eps = request.app.state.studio.episodes
    return JSONResponse([await run_in_threadpool(_describe, n, p) for n, p in enumerate(eps)])


def _lines(path: Path) -> list[dict]:
    from ..dialogue.sources import read_sources

    return [{"subs": src.subs, "language": src.language,
             "lines": [{"start": _t(l.start), "end": _t(l.end), "text": l.text} for l in src.lines]}
            for src in read_sources(path)]


async def lines(request: Request) -> Response:
    path = _episode(request)
    if path is None:
        return _error("no such episode", 404)
    try:
        return JSONResponse({"sources": await run_in_threadpool(_lines, path)})
    except ClipkitError as exc:
        return _error(str(exc), 422)


async def search(request: Request) -> Response:
    from ..pipeline.find import find

    studio = request.app.state.studio
    query = request.query_params.get("q", "").strip()
    if not query:
        return _error("give a few words to search for")
    try:
        found = await run_in_threadpool(lambda: find(list(studio.episodes), query, limit=_MAX_SEARCH, context=0))
    except ClipkitError as exc:
        return _error(str(exc), 422)
    index = {p: n for n, p in enumerate(studio.episodes)}
    return JSONResponse([{"episode": index.get(m.video), "name": m.video.name, "start": _t(m.start), "end": _t(m.end),
                          "text": m.text, "subs": m.subs, "score": round(m.score, 3)}
                         for m in found.matches if m.video in index])


async def proxy(request: Request) -> Response:
    path = _episode(request)
    if path is None:
        return _error("no such episode", 404)
    state, file = proxy_state(request.app.state.studio, path)
    if file is not None:
        return FileResponse(file, media_type="video/mp4")
    return JSONResponse({"state": state}, status_code=202 if state == "making" else 422)


def _player(info) -> dict:
    return {"seconds": SEGMENT_SECONDS, "count": segment_count(info.duration), "duration": float(info.duration),
            "mime": segment_mime(bool(info.audio))}


def _segments_of(path: Path) -> dict:
    from ..media.probe import probe

    info = probe(path)
    if info.video is None:
        raise ClipkitError(f"{path.name} has no video to preview")
    return _player(info)


async def segments(request: Request) -> Response:
    """How the player gets the episode in segments: their length, count, the episode's duration, the MSE type."""
    path = _episode(request)
    if path is None:
        return _error("no such episode", 404)
    try:
        return JSONResponse(await run_in_threadpool(_segments_of, path))
    except ClipkitError as exc:
        return _error(str(exc), 422)


async def segment(request: Request) -> Response:
    """One segment (a fragmented MP4 whose times start at 0), made on first request."""
    path = _episode(request)
    if path is None:
        return _error("no such episode", 404)
    try:
        count = (await run_in_threadpool(_segments_of, path))["count"]
        number = _number(request.path_params["n"], count)
        if number is None:
            return _error(f"segment is a number from 0 to {count - 1}", 404)
        file = await run_in_threadpool(segment_file, request.app.state.studio, path, number)
    except ClipkitError as exc:
        return _error(str(exc), 422)
    return FileResponse(file, media_type="video/mp4")


def _job(request: Request):
    return request.app.state.studio.jobs.get(request.path_params["job"])


async def job_view(request: Request) -> Response:
    job = _job(request)
    return JSONResponse(job.view()) if job else _error("no such job", 404)


async def jobs_list(request: Request) -> Response:
    return JSONResponse([j.view() for j in request.app.state.studio.jobs.all()])


async def cancel(request: Request) -> Response:
    job = request.app.state.studio.jobs.cancel(request.path_params["job"])
    return JSONResponse(job.view(), status_code=202) if job else _error("no such job", 404)


async def events(request: Request) -> Response:
    """Server-Sent Events: the job's state on every change, until it is finished or the page goes away."""
    job = _job(request)
    if job is None:
        return _error("no such job", 404)

    async def stream():
        seen = -1
        while True:
            if job.version != seen:
                seen = job.version
                view = job.view()  # sent and judged as one: a job that finished after it was read is sent again
                yield f"data: {json.dumps(view)}\n\n"
                if view["state"] in FINISHED:
                    return
            if await request.is_disconnected():
                return  # the job goes on; its result stays in the tray
            await asyncio.sleep(0.1)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"cache-control": "no-store"})


async def snippet(request: Request) -> Response:
    from ..artifact import artifact_from_json
    from ..embed import FORMATS, snippet as make_snippet

    job = _job(request)
    if job is None or job.result is None or "path" not in job.result:  # (a shot detection has no file)
        return _error("no such finished job", 404)
    fmt = request.query_params.get("format", "html")
    if fmt not in FORMATS:
        return _error(tray.format_error("Snippet", fmt))
    art = artifact_from_json(job.result)
    base_url = request.query_params.get("base_url", "").strip() or None
    try:
        with page_naming():  # a bad Base URL is said as the page labels it
            text = make_snippet(tray.beside_post(art, request.app.state.studio.output), fmt, base_url=base_url)
    except ClipkitError as exc:
        return _error(page_error(exc))
    notes = [] if base_url else [tray.NO_BASE_URL]
    want = {"video": ("mp4", "an MP4"), "picture": ("webp", "an animated WebP")}.get(fmt)
    if want and art.kind == "gif" and not any(s.path.suffix.lower() == f".{want[0]}" for s in art.siblings):
        notes.append(f"this GIF has no {want[0].upper()} copy beside it ({want[1]} is not made here), "
                     f"so the {fmt} snippet is the plain html one")
    return JSONResponse({"format": fmt, "text": text, "notes": notes})


async def files(request: Request) -> Response:
    """A made file, from the output folder only."""
    studio = request.app.state.studio
    found = inside([studio.output], request.path_params["name"])
    if found is None or not found.is_file():
        return _error("no such file", 404)
    # revalidated on each use (ETag): a file made again under the same name must not show as the browser kept it
    return FileResponse(found, headers={"Cache-Control": "no-cache"})


routes = [*timeline.routes, *make.routes, *tray.routes,
    Route("/api/episodes", episodes),
    Route("/api/episodes/{ep}/lines", lines),
    Route("/api/episodes/{ep}/proxy.mp4", proxy),
    Route("/api/episodes/{ep}/segments", segments),
    Route("/api/episodes/{ep}/segments/{n}.mp4", segment),
    Route("/api/search", search),
    Route("/api/jobs", jobs_list),
    Route("/api/jobs/{job}", job_view),
    Route("/api/jobs/{job}/events", events),
    Route("/api/jobs/{job}/cancel", cancel, methods=["POST"]),
    Route("/api/jobs/{job}/snippet", snippet),
    Route("/files/{name:path}", files),
]
