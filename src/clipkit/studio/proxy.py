"""A small H.264 MP4 of an episode for the page's player: any source codec plays, seeking is instant.

Made once per file (key: path, size, mtime) with the bundled ffmpeg into
``~/.cache/clipkit/studio`` (``XDG_CACHE_HOME`` moves it), written atomically,
in a background thread; the page asks again until it is there.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from ..identity import cache_root

__all__ = ["proxy_state", "proxy_path", "PROXY_HEIGHT"]

#: Height of the proxy picture (the width follows the aspect, even).
PROXY_HEIGHT = 360
#: x264 preset of the proxy: the player waits for it on an episode's first opening, so speed over size —
#: bench/README.md (studio): ultrafast made it 2.0–3.1× faster than veryfast (chaplin, a 45-min episode), 2.3–2.8× bigger.
PROXY_PRESET = "ultrafast"


def _cache_dir() -> Path:
    return cache_root() / "studio"


def proxy_path(video: Path) -> Path:
    st = video.stat()
    key = hashlib.sha256(f"v1|{video}|{st.st_size}|{st.st_mtime_ns}|{PROXY_HEIGHT}".encode()).hexdigest()[:24]
    return _cache_dir() / f"{key}.mp4"


def _make(video: Path, target: Path) -> None:
    from ..atomic import atomic_path
    from ..media.ffmpeg import run_ffmpeg

    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        run_ffmpeg(["-i", video, "-map", "0:v:0", "-map", "0:a:0?", "-sn",
                    "-vf", f"scale=-2:'min({PROXY_HEIGHT},ih)'", "-c:v", "libx264", "-preset", PROXY_PRESET, "-crf", "28",
                    "-pix_fmt", "yuv420p", "-g", "48", "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart",
                    "-f", "mp4", "-y", tmp], what="making the studio's preview video")


def proxy_state(studio, video: Path) -> tuple[str, Path | None]:
    """("ready", file), ("making", None) or ("failed: why", None); starts the making once."""
    target = proxy_path(video)
    if target.exists():
        return "ready", target
    with studio.lock:
        state = studio.proxies.get(target)
        if state is None:
            studio.proxies[target] = "making"

            def run():
                try:
                    _make(video, target)
                    studio.proxies[target] = "ready"
                except Exception as exc:  # noqa: BLE001 - shown on the page
                    studio.proxies[target] = f"failed: {exc}"

            threading.Thread(target=run, daemon=True, name="studio-proxy").start()
            state = "making"
    return ("ready", target) if state == "ready" and target.exists() else (state, None)
