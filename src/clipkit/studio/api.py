"""The studio's JSON routes: thin calls into the public pipeline (probe, dialogue, find, scenes, jobs, embed).

Episodes are named by their number in the list the studio was started with,
never by a path from the request; made files are served only through
:func:`~.security.inside` the output folder.
"""

from __future__ import annotations

import asyncio
import json
import re
from fractions import Fraction
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ..errors import ClipkitError
from .proxy import proxy_state
from .security import inside

__all__ = ["routes"]

_MAX_SPAN = Fraction(60)  # seconds: a GIF longer than a minute is not a GIF
_MAX_SEARCH = 100


def _t(value: Fraction) -> dict:
    return {"s": float(value), "exact": str(Fraction(value))}


def _error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _episode(request: Request) -> Path | None:
    eps = request.app.state.studio.episodes
    text = request.path_params.get("ep", "")
    return eps[int(text)] if text.isdigit() and int(text) < len(eps) else None


def _describe(n: int, path: Path) -> dict:
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
            "subtitles": [{"language": s.language, "codec": s.codec} for s in info.subtitles]}


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


async def shots(request: Request) -> Response:
    from ..pipeline.scenes import detect_scenes

    path = _episode(request)
    if path is None:
        return _error("no such episode", 404)
    try:
        found = await run_in_threadpool(detect_scenes, path)  # cached per file and settings after the first time
    except ClipkitError as exc:
        return _error(str(exc), 422)
    return JSONResponse({"shots": [{"number": s.number, "start": _t(s.start), "end": _t(s.end)} for s in found.scenes],
                         "notes": list(found.notes)})


async def proxy(request: Request) -> Response:
    path = _episode(request)
    if path is None:
        return _error("no such episode", 404)
    state, file = proxy_state(request.app.state.studio, path)
    if file is not None:
        return FileResponse(file, media_type="video/mp4")
    return JSONResponse({"state": state}, status_code=202 if state == "making" else 422)


def _time(body: dict, key: str) -> Fraction:
    try:
        value = Fraction(str(body[key]))
    except (KeyError, ValueError, ZeroDivisionError):
        raise ValueError(f"{key} must be a number of seconds") from None
    if value < 0:
        raise ValueError(f"{key} must not be negative")
    return value


def _subs(video: Path, value) -> str | None:
    """The captions' source: ``track:N``, ``lang:xxx``, ``auto``, or the name of one of the episode's own
    subtitle files (never a path from the request)."""
    from ..dialogue.sources import sidecar_files

    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 200:
        raise ValueError("subs is track:N, lang:xxx, auto or a subtitle file's name")
    if value == "auto" or re.fullmatch(r"track:\d{1,3}|lang:[A-Za-z-]{2,12}", value):
        return value
    for f in sidecar_files(video):
        if f.name == value:
            return str(f)
    raise ValueError(f"{value!r} is not one of this episode's subtitle sources")


def _job_params(studio, body: dict) -> tuple[str, dict]:
    kind = body.get("kind", "gif")
    if kind not in ("gif", "still"):
        raise ValueError("kind is gif or still")
    ep = body.get("episode")
    if not isinstance(ep, int) or not 0 <= ep < len(studio.episodes):
        raise ValueError("no such episode")
    start = _time(body, "start")
    options: dict = {}
    subs = _subs(studio.episodes[ep], body.get("subs"))
    if body.get("captions") is False:
        options["subs"] = "off"
    elif subs is not None:
        options["subs"] = subs
    if kind == "gif":
        end = _time(body, "end")
        if not start < end <= start + _MAX_SPAN:
            raise ValueError(f"the range must be from 0.05 to {_MAX_SPAN} s long, end after start")
        if body.get("snap") is True:
            options["snap"] = True  # each end onto the nearest cut within 0.5 s, as --snap
        width, fps = body.get("width"), body.get("fps")
        if width is not None:
            if not isinstance(width, int) or not 16 <= width <= 1920:
                raise ValueError("width is 16–1920 pixels")
            options["width"] = width
        if fps is not None:
            fps = Fraction(str(fps))
            if not 0 < fps <= 50:
                raise ValueError("fps is above 0 and at most 50")
            options["fps"] = fps
    else:
        end = None
    return kind, {"video": str(studio.episodes[ep]), "start": start, "end": end, "output": str(studio.output),
                  "options": options}


async def submit(request: Request) -> Response:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return _error("send JSON (Content-Type: application/json)", 415)
    try:
        body = await request.json()
        kind, params = _job_params(request.app.state.studio, body if isinstance(body, dict) else {})
    except (ValueError, json.JSONDecodeError) as exc:
        return _error(str(exc) or "bad JSON")
    job = request.app.state.studio.jobs.submit(kind, params)
    return JSONResponse(job.view(), status_code=202)


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
                yield f"data: {json.dumps(job.view())}\n\n"
                if job.finished:
                    return
            if await request.is_disconnected():
                return  # the job goes on; its result stays in the tray
            await asyncio.sleep(0.1)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"cache-control": "no-store"})


async def snippet(request: Request) -> Response:
    from ..artifact import artifact_from_json
    from ..embed import FORMATS, snippet as make_snippet

    job = _job(request)
    if job is None or job.result is None:
        return _error("no such finished job", 404)
    fmt = request.query_params.get("format", "html")
    if fmt not in FORMATS:
        return _error(f"format is one of {', '.join(FORMATS)}")
    try:
        text = make_snippet(artifact_from_json(job.result), fmt, base_url=request.query_params.get("base_url") or None)
    except ClipkitError as exc:
        return _error(str(exc))
    return JSONResponse({"format": fmt, "text": text})


async def export(request: Request) -> Response:
    """What ``clipkit embed --all OUTPUT -f FORMAT [--base-url URL]`` prints: the whole post.
    Without a base URL, paths are relative to the folder the studio was started in, as the CLI's are."""
    from ..embed import FORMATS
    from ..embed.regenerate import embed_files

    fmt = request.query_params.get("format", "html")
    if fmt not in FORMATS:
        return _error(f"format is one of {', '.join(FORMATS)}")
    out = request.app.state.studio.output
    from ..manifest import manifest_path

    if not manifest_path(out).exists():
        return JSONResponse({"format": fmt, "text": "", "notes": ["nothing made yet"]})
    try:
        base_url = request.query_params.get("base_url") or None
        result = await run_in_threadpool(lambda: embed_files([str(out)], fmt, all=True, base_url=base_url))
    except ClipkitError as exc:
        return _error(str(exc), 422)
    return JSONResponse({"format": fmt, "text": result.text, "notes": list(result.notes)})


async def files(request: Request) -> Response:
    """A made file, from the output folder only."""
    studio = request.app.state.studio
    found = inside([studio.output], request.path_params["name"])
    if found is None or not found.is_file():
        return _error("no such file", 404)
    return FileResponse(found)


routes = [
    Route("/api/episodes", episodes),
    Route("/api/episodes/{ep}/lines", lines),
    Route("/api/episodes/{ep}/shots", shots),
    Route("/api/episodes/{ep}/proxy.mp4", proxy),
    Route("/api/search", search),
    Route("/api/jobs", jobs_list),
    Route("/api/jobs", submit, methods=["POST"]),
    Route("/api/jobs/{job}", job_view),
    Route("/api/jobs/{job}/events", events),
    Route("/api/jobs/{job}/cancel", cancel, methods=["POST"]),
    Route("/api/jobs/{job}/snippet", snippet),
    Route("/api/export", export),
    Route("/files/{name:path}", files),
]
