"""Make: a request from the page → checked keyword arguments for ``clipkit.gif/still/clip/strip``; and the size estimate.

Every value is checked here before a worker starts (kind, episode number, times,
width, fps, caption text and style, crop, ``max_size``); the pipeline function
then applies the same settings as the CLI's flags of the same names.  Paths never
come from the request: the episode is a number, the subtitle source one of the
episode's own.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import ClipkitError
from ..settings_apply import parse_size
from .estimate import estimate
from .jobs import PAGE_LABELS, page_error, page_naming

__all__ = ["routes", "job_params", "KINDS"]

KINDS = ("gif", "still", "clip", "strip")
_MAX_SPAN = {"gif": Fraction(60), "clip": Fraction(600)}  # seconds: a GIF longer than a minute is not a GIF
_MAX_TEXT = 500
_CROP = re.compile(r"auto|\d{1,5}:\d{1,5}:\d{1,5}:\d{1,5}")
_STYLES = ("classic", "yellow", "boxed")


def _error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _time(body: dict, key: str) -> Fraction:
    try:
        value = Fraction(str(body[key]))
    except (KeyError, ValueError, ZeroDivisionError):
        raise ValueError(f"{PAGE_LABELS[key]} is a number of seconds") from None
    if value < 0:
        raise ValueError(f"{PAGE_LABELS[key]} must not be negative")
    return value


def _subs(video: Path, value) -> str | None:
    """The captions' source: ``track:N``, ``lang:xxx``, ``auto``, or the name of one of the episode's own
    subtitle files (never a path from the request)."""
    from ..dialogue.sources import sidecar_files

    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 200:
        raise ValueError(f"{PAGE_LABELS['subs']} is track:N, lang:xxx, auto or a subtitle file's name")
    if value == "auto" or re.fullmatch(r"track:\d{1,3}|lang:[A-Za-z-]{2,12}", value):
        return value
    for f in sidecar_files(video):
        if f.name == value:
            return str(f)
    raise ValueError(f"{value!r} is not one of this episode's subtitle sources")


def _int(body: dict, key: str, lo: int, hi: int) -> int | None:
    value = body.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise ValueError(f"{PAGE_LABELS[key]} is a whole number from {lo} to {hi}")
    return value


def _captions(kind: str, video: Path, body: dict) -> dict:
    """``captions`` (false: none), ``caption`` (the user's own text, replacing the dialogue), ``caption_style``,
    ``subs`` (which dialogue)."""
    options: dict = {}
    text = body.get("caption")
    if text is not None and (not isinstance(text, str) or len(text) > _MAX_TEXT):
        raise ValueError(f"{PAGE_LABELS['caption']} is text of at most {_MAX_TEXT} characters")
    subs = _subs(video, body.get("subs"))
    if body.get("captions") is False:
        options["subs"] = "off"
    elif text and text.strip():
        options["caption"] = text.strip()  # burned in over the whole range, instead of the dialogue
        options["subs"] = "off"
    elif subs is not None:
        options["subs"] = subs
    style = body.get("caption_style")
    if style not in (None, ""):
        if style not in _STYLES:
            raise ValueError(f"{PAGE_LABELS['caption_style']} is one of {', '.join(_STYLES)}")
        options["caption_style"] = style
    return options


def job_params(studio, body: dict) -> tuple[str, dict]:
    """(kind, the worker's parameters) for a request body; ValueError says what is wrong."""
    kind = body.get("kind", "gif")
    if kind not in KINDS:
        raise ValueError(f"{PAGE_LABELS['kind']} is one of {', '.join(KINDS)}")
    ep = body.get("episode")
    if not isinstance(ep, int) or isinstance(ep, bool) or not 0 <= ep < len(studio.episodes):
        raise ValueError("no such episode")
    video = studio.episodes[ep]
    options: dict = {} if kind == "strip" else _captions(kind, video, body)
    start = end = None
    if kind in ("gif", "clip"):
        start, end = _time(body, "start"), _time(body, "end")
        if not start < end <= start + _MAX_SPAN[kind]:
            raise ValueError(f"Out must come after In, and at most {_MAX_SPAN[kind]} s after it")
        if body.get("snap") is True:
            options["snap"] = True  # each end onto the nearest cut within 0.5 s, as --snap
        crop = body.get("crop")
        if crop not in (None, ""):
            if not isinstance(crop, str) or not _CROP.fullmatch(crop):
                raise ValueError(f"{PAGE_LABELS['crop']} is auto or W:H:X:Y (display pixels)")
            options["crop"] = crop
    elif kind == "still":
        start = _time(body, "start")
    elif body.get("start") not in (None, "") and body.get("end") not in (None, ""):  # a strip of the range
        a, b = _time(body, "start"), _time(body, "end")
        if not a < b:
            raise ValueError("Out must come after In")
        options["range_"] = (a, b)
    width = _int(body, "width", 16, 1920 if kind != "strip" else 4000)
    if width is not None:
        options["width"] = width
    if kind == "gif" and body.get("fps") not in (None, ""):
        try:
            fps = Fraction(str(body["fps"]))
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{PAGE_LABELS['fps']} is a number") from None
        if not 0 < fps <= 50:
            raise ValueError(f"{PAGE_LABELS['fps']} is above 0 and at most 50")
        options["fps"] = fps
    if kind == "strip":
        count = _int(body, "count", 1, 60)
        if count is not None:
            options["count"] = count
    if kind != "still" and body.get("max_size") not in (None, ""):
        options["max_size"] = _size(body["max_size"])
    return kind, {"video": str(video), "episode": ep, "start": start, "end": end, "output": str(studio.output),
                  "options": options}


def _size(value) -> int:
    try:
        size = parse_size(value if isinstance(value, (str, int)) and not isinstance(value, bool) else "?")
    except (ClipkitError, ValueError):
        raise ValueError(f"{PAGE_LABELS['max_size']} is a size such as 3MB or 500KB") from None
    if size <= 0:
        raise ValueError(f"{PAGE_LABELS['max_size']} must be above 0")
    return size


async def _body(request: Request) -> dict:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise TypeError("send JSON (Content-Type: application/json)")
    try:
        body = await request.json()
    except json.JSONDecodeError:  # its own message ("Expecting value: line 1 column 1 (char 0)") says nothing to a user
        raise ValueError("the request's body is not JSON: send one JSON object of the job's settings") from None
    return body if isinstance(body, dict) else {}


def _default_name(kind: str, params: dict) -> str:
    """The file name the pipeline gives this job in a folder (its default naming, for the range as asked)."""
    from ..pipeline.naming import output_path, safe_name
    from ..settings import DEFAULT_CLIP, DEFAULT_GIF, DEFAULT_STILL, DEFAULT_STRIP
    from ..timecode import slug_time

    video = Path(params["video"])
    if kind in ("gif", "clip"):
        s = DEFAULT_GIF if kind == "gif" else DEFAULT_CLIP
        name = s.naming.format(stem=video.stem, start=slug_time(params["start"]), end=slug_time(params["end"]))
        return f"{safe_name(name)}.{'gif' if kind == 'gif' else DEFAULT_CLIP.format}"
    if kind == "still":  # as still.py and strip.py name their files
        return output_path(None, video, slug_time(params["start"]), DEFAULT_STILL.format).name
    return output_path(None, video, "strip", DEFAULT_STRIP.format).name


def name_job(studio, kind: str, params: dict) -> dict:
    """``params`` with a file name of its own: the default one, unless a file of that name is in the output folder
    or another job of this session will write it (the same range made again with other settings, every strip of
    an episode): then ``NAME_2``, ``NAME_3``…, so a made file (already in the post tray) is never replaced."""
    name = _default_name(kind, params)
    taken = {n for j in studio.jobs.all() if j.state not in ("failed", "cancelled")
             for n in (j.params.get("name"), Path(j.result["path"]).name if j.result and "path" in j.result else None) if n}
    stem, dot, ext = name.rpartition(".")
    free, n = name, 1
    while free in taken or (studio.output / free).exists() or (studio.output / free).is_symlink():
        n += 1
        free = f"{stem}_{n}{dot}{ext}"
    out = {**params, "name": free}
    if free != name:
        out["output"] = str(studio.output / free)
    return out


def check_range(kind: str, params: dict) -> None:
    """The times inside the episode (its duration read once, cached), said as the page says them: ValueError; and a
    typed crop inside its picture, as the job would check it (UsageError, naming the page's Crop)."""
    from ..media.probe import probe
    from ..render.crop import parse_crop
    from ..timecode import format_time

    if params["start"] is None and "range_" not in params["options"]:
        return
    info = probe(params["video"])
    crop = params["options"].get("crop")
    if crop and crop != "auto" and info.video is not None:
        parse_crop(crop, info.video.display_size)
    start, end = params["options"].get("range_", (params["start"], params["end"]))
    length = f"{info.path.name} is {format_time(info.duration)} long"
    if start >= info.duration:
        raise ValueError(f"{'the time' if kind == 'still' else 'the start'} {format_time(start)} is past the end: {length}")
    if end is not None and end > info.duration:
        raise ValueError(f"the end {format_time(end)} is past the end: {length} (set Out to {format_time(info.duration)} "
                         "or earlier)")


async def submit(request: Request) -> Response:
    with page_naming():  # the checks' errors name the page's fields (Width, Out), as the job's worker does
        return await _submit(request)


async def _submit(request: Request) -> Response:
    studio = request.app.state.studio
    try:
        kind, params = job_params(studio, await _body(request))
        await run_in_threadpool(check_range, kind, params)
    except TypeError as exc:
        return _error(str(exc), 415)
    except (ValueError, json.JSONDecodeError) as exc:
        return _error(str(exc) or "bad JSON")
    except ClipkitError as exc:
        return _error(page_error(exc), 422)
    with studio.lock:  # two pages asking at once still get two names
        job = studio.jobs.submit(kind, name_job(studio, kind, params))
    return JSONResponse(job.view(), status_code=202)


async def size_estimate(request: Request) -> Response:
    """The size the job would have, before encoding it (see :mod:`.estimate` for how it is computed)."""
    with page_naming():
        return await _size_estimate(request)


async def _size_estimate(request: Request) -> Response:
    studio = request.app.state.studio
    try:
        kind, params = job_params(studio, await _body(request))
    except TypeError as exc:
        return _error(str(exc), 415)
    except (ValueError, json.JSONDecodeError) as exc:
        return _error(str(exc) or "bad JSON")
    made = [j.result for j in studio.jobs.all() if j.kind == kind and j.result and j.params.get("video") == params["video"]]
    try:
        await run_in_threadpool(check_range, kind, params)
    except ValueError as exc:
        return _error(str(exc))
    except ClipkitError as exc:
        return _error(page_error(exc), 422)
    try:
        return JSONResponse(await run_in_threadpool(estimate, kind, params, made, studio))
    except ClipkitError as exc:
        return _error(page_error(exc), 422)


routes = [
    Route("/api/jobs", submit, methods=["POST"]),
    Route("/api/estimate", size_estimate, methods=["POST"]),
]
