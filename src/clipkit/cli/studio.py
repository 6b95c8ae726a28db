"""``clipkit studio``."""

from __future__ import annotations

import click

from ..errors import ClipkitError, UsageError
from .main import main


@main.command()
@click.argument("sources", nargs=-1, metavar="[FOLDER|FILE]...")
@click.option("--preset", "-p", metavar="NAME|FILE", help="A series preset's episodes ([series] episodes + episode_pattern).")
@click.option("-o", "--output", type=click.Path(file_okay=False), help="Folder for what you make (default: clipkit-studio/ beside the first episode).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port to listen on (default: a free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind. Anything but 127.0.0.1 lets other machines reach it.")
@click.option("--no-browser", is_flag=True, help="Only print the URL; do not open a browser.")
def studio(sources: tuple[str, ...], preset: str | None, output: str | None, port: int, host: str, no_browser: bool) -> None:
    """A local web workbench: episodes, dialogue search, GIFs and stills, snippets.

    \b
    Examples:
      clipkit studio                  # the current folder's episodes
      clipkit studio season1/ -o post/
      clipkit studio --preset one-million-stars --no-browser

    Runs on this machine only (127.0.0.1); every request needs the random
    token in the printed URL. Files are made with the same pipeline as
    `clipkit gif` and recorded in the output folder's manifest.
    """
    try:
        import uvicorn  # noqa: F401
        import starlette  # noqa: F401
    except ImportError:
        raise ClipkitError("clipkit studio needs starlette and uvicorn",
                           "pip install 'clipkit[studio]'") from None
    from ..pipeline.find import episodes_of
    from ..studio.security import new_token
    from ..studio.server import LOCAL_HOSTS, Studio, check_port, free_port, make_app, output_folder

    episodes = tuple(episodes_of(list(sources) or (["."] if not preset else []), preset=preset))
    if not episodes:
        raise UsageError("no episodes", "give a folder of videos, a video, or --preset SERIES")
    if port:
        check_port(host, port)
    out = output_folder(episodes, output, sources)
    hosts = LOCAL_HOSTS
    if host not in ("127.0.0.1", "localhost"):
        click.echo(f"warning: --host {host}: other machines on that network can reach the studio "
                   "(they still need the token)", err=True)
        hosts = (*LOCAL_HOSTS, host)
    port = port or free_port(host)
    token = new_token()
    app = make_app(Studio(episodes=episodes, output=out), token=token, port=port, hosts=hosts)
    shown = "127.0.0.1" if host in ("127.0.0.1", "0.0.0.0") else host
    url = f"http://{shown}:{port}/?token={token}"
    click.echo(f"clipkit studio: {len(episodes)} episode(s); files go to {out}", err=True)
    click.echo(url)
    if not no_browser:
        import webbrowser

        threading_timer(0.8, lambda: webbrowser.open(url))
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning")


def threading_timer(delay: float, fn) -> None:
    import threading

    t = threading.Timer(delay, fn)
    t.daemon = True
    t.start()
