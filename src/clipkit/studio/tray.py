"""The post tray: what this session made, in post order, each with its alt/title/credit/spoiler; its export
(the snippets ``clipkit embed`` makes, in tray order) and its batch job file (``clipkit batch FILE`` remakes it).

The tray lives in the server (:attr:`Studio.tray`).  A finished job joins it once;
the page sends the whole list back to reorder or edit, and names what it removes
(only items already in it are accepted; one it does not send nor remove, made since
it last read the tray, is kept).  Edits are also recorded in the output folder's manifest, so
``clipkit embed --all`` shows the same alt text and credit.
"""

from __future__ import annotations

import json
import os
from fractions import Fraction
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import ClipkitError
from .jobs import page_error, page_naming
from .make import KINDS

__all__ = ["routes", "job_file_text", "sync", "beside_post", "NO_BASE_URL"]

_TEXT_KEYS = ("alt", "title", "credit")
#: The tray's fields as the page labels them (each item's in tray.js, the others in index.html): what its errors
#: call them (the Base URL beside Export is PAGE_LABELS' base_url).
LABELS = {"alt": "Alt", "title": "Title", "credit": "Credit", "spoiler": "Spoiler", "format": "Export as",
          "post_title": "Post title"}
_MAX_TEXT = 500
#: The job file the tray is saved as (in the output folder), unless the page names another.
JOB_FILE = "post.toml"
#: The first words of a job file the studio saved: only such a file is replaced by the next save.
_JOB_FILE_MARK = "# Made by clipkit studio:"


#: Said beside a snippet made without a Base URL.
NO_BASE_URL = ("No Base URL: the files are named as they are in the output folder, for uploading beside the post; "
               "a Base URL (the web folder they will be uploaded to) makes the addresses full.")


def _error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def beside_post(art, folder: Path):
    """``art`` (and its siblings) with each file named relative to the studio's output ``folder``, where the studio
    makes them all: a snippet without a base URL names them as they will be uploaded beside the post (``x.gif``),
    not by a path from the folder the studio was started in (``../../clips/x.gif``), which is nothing where the
    snippet is pasted.  (With a base URL a snippet uses the names only either way.)"""
    def rel(path: Path) -> Path:
        return Path(os.path.relpath(path, folder)) if path.is_absolute() else path

    return art.with_(path=rel(art.path), siblings=tuple(s.with_(path=rel(s.path)) for s in art.siblings))


def sync(studio) -> list[dict]:
    """The tray, with every finished job that has not joined it yet appended (once: one removed stays out)."""
    with studio.lock:
        seen = {item["job"] for item in studio.tray} | studio.tray_seen
        for job in studio.jobs.all():
            if job.kind in KINDS and job.state == "done" and job.id not in seen:
                studio.tray.append({"job": job.id, "alt": "", "title": "", "credit": "", "spoiler": False})
                studio.tray_seen.add(job.id)
        return [dict(item) for item in studio.tray]


def _view(studio, item: dict) -> dict:
    job = studio.jobs.get(item["job"])
    r = job.result
    return {**item, "kind": job.kind, "name": Path(r["path"]).name, "width": r.get("width"), "height": r.get("height"),
            "bytes": r.get("bytes"), "captions": r.get("captions") or []}


def _names(studio, items: list[dict]) -> list[str]:
    """The tray's files that are in the output folder, in tray order."""
    names = []
    for item in items:
        path = Path(studio.jobs.get(item["job"]).result["path"])
        if path.parent == studio.output:
            names.append(path.name)
    return names


def _keep_order(studio, items: list[dict]) -> None:
    """The tray's order into the manifest when it changed (a job joined it): `clipkit embed --all` lists the post
    in tray order even before the page edits anything."""
    from ..manifest import read_manifest, set_post_order

    names = _names(studio, items)
    try:
        if names and read_manifest(studio.output).post_order != names:
            set_post_order(studio.output, names)
    except (ClipkitError, OSError):
        pass  # no manifest (yet): the files' own order stands


async def tray(request: Request) -> Response:
    studio = request.app.state.studio
    items = sync(studio)
    await run_in_threadpool(_keep_order, studio, items)
    return JSONResponse({"items": [_view(studio, i) for i in items]})


def _checked(studio, body) -> list[dict]:
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise ValueError("send {\"items\": [...]}: the tray's items in post order")
    removed = body.get("removed", [])
    if not isinstance(removed, list):
        raise ValueError("removed is a list of the tray's items to take out")
    current = sync(studio)
    known = {i["job"] for i in current}
    out, ids = [], set()
    for item in items:
        if not isinstance(item, dict) or item.get("job") not in known or item["job"] in ids:
            raise ValueError("each item is one of the tray's own, once")
        ids.add(item["job"])
        if item.get("spoiler") not in (None, True, False):
            raise ValueError(f"{LABELS['spoiler']} is on or off (true or false)")
        clean = {"job": item["job"], "spoiler": item.get("spoiler") is True}
        for key in _TEXT_KEYS:
            value = item.get(key) or ""
            if not isinstance(value, str) or len(value) > _MAX_TEXT:
                raise ValueError(f"{LABELS[key]} is text of at most {_MAX_TEXT} characters")
            clean[key] = value.strip()
        out.append(clean)
    # An item the page did not send and did not remove joined the tray after the page last read it (a job that
    # finished in another tab, or after a reload mid-job): it stays, after the others, as it was.
    out += [dict(i) for i in current if i["job"] not in ids and i["job"] not in removed]
    return out


def _options(item: dict, **more):
    from ..settings import EmbedOptions

    return EmbedOptions(alt=item["alt"] or None, title=item["title"] or None, credit=item["credit"] or None,
                        spoiler=item["spoiler"] or None, **more)


def _record(studio, items: list[dict]) -> None:
    """The edits into the output folder's manifest (``clipkit embed --all`` then says the same)."""
    from ..artifact import artifact_from_json
    from ..manifest import record_artifact, set_post_order

    for item in items:
        art = artifact_from_json(studio.jobs.get(item["job"]).result)
        record_artifact(art, embed=_options(item).recorded())
    set_post_order(studio.output, _names(studio, items))  # `clipkit embed --all` lists them in tray order


async def update(request: Request) -> Response:
    studio = request.app.state.studio
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return _error("send JSON (Content-Type: application/json)", 415)
    try:
        items = _checked(studio, await request.json())
    except json.JSONDecodeError:
        return _error("the request's body is not JSON: send {\"items\": [...]}")
    except ValueError as exc:
        return _error(str(exc) or "bad JSON")
    with studio.lock:
        studio.tray[:] = items
    try:
        await run_in_threadpool(_record, studio, items)
    except ClipkitError as exc:
        return _error(page_error(exc), 422)
    return JSONResponse({"items": [_view(studio, i) for i in items]})


def format_error(label: str, fmt: str) -> str:
    """A snippet format the page does not offer, said with its field's ``label`` (Export as, Snippet)."""
    from ..embed import FORMATS

    return f"{label}: choose one of {', '.join(FORMATS)} (not {fmt!r})"


async def export(request: Request) -> Response:
    with page_naming():  # a bad Base URL is said as the page labels it
        return await _export(request)


async def _export(request: Request) -> Response:
    """The whole post in one format: each tray item's snippet (as ``clipkit embed`` makes it), in tray order.
    Without a base URL, files are named relative to the output folder (:func:`beside_post`), and a note says so."""
    from ..artifact import artifact_from_json
    from ..embed import FORMATS, snippet

    studio = request.app.state.studio
    fmt = request.query_params.get("format", "html")
    if fmt not in FORMATS:
        return _error(format_error(LABELS["format"], fmt))
    items = sync(studio)
    if not items:
        return JSONResponse({"format": fmt, "text": "", "notes": ["nothing made yet"]})
    base_url = request.query_params.get("base_url", "").strip() or None

    def compose() -> tuple[str, list[str]]:
        parts, notes = [], []
        for i in items:
            art = artifact_from_json(studio.jobs.get(i["job"]).result)
            if not art.path.exists():  # removed from the output folder since it was made: a broken image in a post
                notes.append(f"{art.path.name} is no longer in {art.path.parent}: left out (make it again, or take "
                             "it out of the tray)")
                continue
            parts.append(snippet(beside_post(art, studio.output), options=_options(i, format=fmt, base_url=base_url)))
        if not base_url and parts:
            notes.append(NO_BASE_URL)
        return "\n\n".join(t for t in parts if t), notes
    try:
        text, notes = await run_in_threadpool(compose)
    except ClipkitError as exc:
        return _error(page_error(exc), 422)
    return JSONResponse({"format": fmt, "text": text, "notes": notes})


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else _toml(_seconds(value))
    # a TOML basic string: JSON's escapes are TOML's; DEL, which JSON leaves raw, TOML does not allow
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def _seconds(t) -> str:
    """A time as decimal seconds: exact when it is (24, 24.5), else to the microsecond."""
    t = Fraction(str(t))
    text = f"{float(t):.6f}".rstrip("0").rstrip(".")
    return text or "0"


def job_file_text(studio, items: list[dict], title: str = "") -> str:
    """A batch job file (:mod:`clipkit.pipeline.jobfile`, TOML) that remakes ``items`` into the folder it is in,
    under the same names, with the same settings and snippet choices."""
    lines = [_JOB_FILE_MARK + " `clipkit batch THIS_FILE` remakes the post (files, then index.html/.md).",
             'output = "."']
    if title:
        lines.append(f"title = {_toml(title)}")
    for item in items:
        job = studio.jobs.get(item["job"])
        p, r, o = job.params, job.result, dict(job.params.get("options", {}))
        keys: dict = {"kind": job.kind, "episode": str(Path(p["video"])), "name": Path(r["path"]).name}
        if job.kind in ("gif", "clip"):  # the range made (after --snap), not the one asked for
            keys["start"], keys["end"] = _seconds(r["start"]), _seconds(r["end"])
            o.pop("snap", None)
        elif job.kind == "still":
            keys["at"] = _seconds(p["start"])
        elif "range_" in o:
            a, b = o.pop("range_")
            keys["range"] = f"{_seconds(a)}-{_seconds(b)}"
        keys.update(o)
        keys.update({k: item[k] for k in (*_TEXT_KEYS, "spoiler") if item[k]})
        lines += ["", "[[job]]", *(f"{k} = {_toml(v)}" for k, v in keys.items())]
    return "\n".join(lines) + "\n"


async def save_job_file(request: Request) -> Response:
    """The tray as ``post.toml`` in the output folder (atomically); its text is returned too."""
    from ..atomic import atomic_write_text

    studio = request.app.state.studio
    try:
        body = await request.json() if request.headers.get("content-type", "").startswith("application/json") else {}
    except json.JSONDecodeError:
        return _error("the request's body is not JSON: send {\"title\": \"…\"}")
    title = body.get("title", "") if isinstance(body, dict) else ""
    if not isinstance(title, str) or len(title) > _MAX_TEXT:
        return _error(f"{LABELS['post_title']} is text of at most {_MAX_TEXT} characters")
    items = sync(studio)
    if not items:
        return _error("the tray is empty: make something first", 409)
    text = job_file_text(studio, items, title.strip())
    target = studio.output / JOB_FILE
    if not await run_in_threadpool(_replaceable, target):
        return _error(f"{target} exists and clipkit studio did not write it: it is left as it is — rename or move it "
                      "(or start the studio with another -o folder) to save the tray there", 409)
    try:
        await run_in_threadpool(atomic_write_text, target, text)
    except ClipkitError as exc:  # the output folder gone, not a folder, read-only, full: said, not a server error
        return _error(page_error(exc), 422)
    return JSONResponse({"name": JOB_FILE, "text": text, "command": f"clipkit batch {target}"})


def _replaceable(target: Path) -> bool:
    """No file there, or one the studio saved (it starts with the mark): never a user's own job file."""
    if not target.is_symlink() and not target.exists():
        return True
    if target.is_symlink() or not target.is_file():
        return False
    try:
        with open(target, encoding="utf-8", errors="replace") as fh:
            return fh.read(len(_JOB_FILE_MARK)) == _JOB_FILE_MARK
    except OSError:
        return False


routes = [
    Route("/api/tray", tray),
    Route("/api/tray", update, methods=["PUT"]),
    Route("/api/tray/jobfile", save_job_file, methods=["POST"]),
    Route("/api/export", export),
]
