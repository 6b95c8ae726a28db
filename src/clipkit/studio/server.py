"""The studio's Starlette app: the guard, the API, the page and its static files; and :func:`serve`."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .api import routes as api_routes
from .jobs import JobManager
from .security import Guard, new_token

__all__ = ["Studio", "make_app", "free_port", "LOCAL_HOSTS"]

#: Host names the server answers to (with its port), whatever it binds.
LOCAL_HOSTS = ("127.0.0.1", "localhost")
_STATIC = Path(str(resources.files("clipkit.studio") / "static"))

#: Headers on every page response: nothing from elsewhere, no framing, no sniffing.
_PAGE_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
                               "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


@dataclass
class Studio:
    """What the app serves: the episodes, the output folder, the jobs."""

    episodes: tuple[Path, ...]
    output: Path
    jobs: JobManager = field(default_factory=JobManager)
    proxies: dict = field(default_factory=dict)
    scene_jobs: dict = field(default_factory=dict)  # episode path → id of its shot-detection job
    tray: list = field(default_factory=list)  # the post tray: dicts {job, alt, title, credit, spoiler}, in post order
    tray_seen: set = field(default_factory=set)  # jobs that have joined the tray (one removed does not come back)
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


async def _page(_request) -> Response:
    return FileResponse(_STATIC / "index.html", headers=_PAGE_HEADERS)


def make_app(studio: Studio, *, token: str | None = None, port: int, hosts: tuple[str, ...] = LOCAL_HOSTS):
    """The guarded ASGI app (``app.state.studio``, ``app.state.token``)."""
    token = token or new_token()
    @contextlib.asynccontextmanager
    async def lifespan(_app):
        yield
        studio.jobs.shutdown()  # cancel what still runs; workers stop and clean up

    inner = Starlette(routes=[Route("/", _page), *api_routes, Mount("/static", StaticFiles(directory=_STATIC))],
                      lifespan=lifespan)
    inner.state.studio = studio
    inner.state.token = token
    app = Guard(inner, token=token, hosts=hosts, port=port)
    app.state = inner.state
    return app


def output_folder(episodes: tuple[Path, ...], given: str | os.PathLike | None,
                  sources: tuple[str, ...] = ()) -> Path:
    """Where made files go: ``given``, else ``clipkit-studio/`` beside the first episode as the user named it (the
    folder given, or a file's own folder: an episode that is a symlink into a media library is not followed there).
    Never a system folder (UsageError); created if missing; refused (OutputError) where no file can be written, as
    ``-o`` of the other commands: the page cannot change it, and every job would fail."""
    from ..errors import OutputError
    from ..outputs import check_not_system, check_writable_folder

    if given:
        out = Path(given).expanduser()
    elif sources and Path(sources[0]).is_dir():
        out = Path(sources[0]) / "clipkit-studio"
    elif sources and Path(sources[0]).exists():
        out = Path(sources[0]).parent / "clipkit-studio"
    else:
        out = episodes[0].parent / "clipkit-studio"
    check_not_system(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot make the output folder {out}: {exc.strerror or exc}",
                          "give a folder you can write to with -o") from None
    try:
        check_writable_folder(out)
    except OutputError as exc:
        raise OutputError(exc.message, "give a folder you can write to with -o") from None
    return out.resolve()


def check_port(host: str, port: int) -> None:
    """Refuse a port already in use before anything is printed (uvicorn would print its own error, exit 3).
    Asked as uvicorn will bind it (SO_REUSEADDR): the connections of a studio just stopped on that port, which
    linger for a minute (TIME_WAIT), do not count as "in use"; a server listening there does."""
    import socket

    from ..errors import ClipkitError

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise ClipkitError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                               "choose another --port, or leave --port out for a free one") from None
