"""A studio app over a copy of the sample episode, for the studio tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from pathlib import Path

PORT = 8765
TOKEN = "test-token-not-secret"
#: A subtitle file name (shown as a source in the page) that would run script if parsed as HTML.
HOSTILE = '<img src=x onerror=document.title=1>'


def episode_folder(sample: Path, folder: Path) -> Path:
    """``folder``/ with the sample episode (hard link or copy) and an extra .srt with a hostile name."""
    folder.mkdir(parents=True, exist_ok=True)
    ep = folder / sample.name
    if not ep.exists():
        try:
            os.link(sample, ep)
        except OSError:
            shutil.copy(sample, ep)
    (folder / f"{sample.stem}.{HOSTILE}.srt").write_text(
        "1\n00:00:01,000 --> 00:00:03,000\nTom & Jerry <b>bold</b>\n", encoding="utf-8")
    return ep


def make_studio(sample: Path, tmp: Path, *, port: int = PORT, token: str = TOKEN):
    from clipkit.studio.server import Studio, make_app

    ep = episode_folder(sample, tmp / "episodes")
    out = tmp / "episodes" / "out"
    out.mkdir(exist_ok=True)
    studio = Studio(episodes=(ep.resolve(),), output=out.resolve())
    return studio, make_app(studio, token=token, port=port)


@contextlib.contextmanager
def studio_client(sample: Path, tmp: Path):
    """A test client of :func:`make_studio`'s app, with the token; ``client.studio`` is the Studio."""
    from starlette.testclient import TestClient

    studio, app = make_studio(sample, tmp)
    with TestClient(app, base_url=f"http://127.0.0.1:{PORT}", headers={"x-clipkit-token": TOKEN}) as c:
        c.studio = studio
        yield c


def serve(app, port: int, *, lifespan: str = "on"):
    """The app on a real uvicorn at 127.0.0.1:``port``, in a daemon thread; returns (server, thread) once it listens."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan=lifespan))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # a loaded machine can take more than the usual second
    while time.monotonic() < deadline and thread.is_alive():
        if server.started:
            return server, thread
        time.sleep(0.05)
    server.should_exit = True
    raise RuntimeError(f"uvicorn did not start on 127.0.0.1:{port}" + ("" if thread.is_alive() else " (it stopped: see above)"))


@contextlib.contextmanager
def serving(app, port: int, *, lifespan: str = "on"):
    """:func:`serve` for the length of a ``with`` block; the server is stopped after it."""
    server, thread = serve(app, port, lifespan=lifespan)
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(15)


@contextlib.contextmanager
def served_studio(sample: Path, tmp: Path, monkeypatch):
    """A studio over the sample on a real uvicorn at a free port, its caches (player segments, scene cache,
    thumbnails) under ``tmp``/cache; yields (studio, port)."""
    from clipkit.studio.server import free_port

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp / "cache"))
    port = free_port()
    studio, app = make_studio(sample, tmp, port=port)
    with serving(app, port):
        yield studio, port
