"""Small H.264 copies of an episode for the page's player: any source codec plays, seeking is instant.

Two kinds, both made with the bundled ffmpeg into ``~/.cache/clipkit/studio``
(``XDG_CACHE_HOME`` moves it), keyed by the file's identity (path, size, mtime),
written atomically:

- **segments** (the player's usual way, through Media Source Extensions): the
  episode cut in :data:`SEGMENT_SECONDS` pieces, each a small fragmented MP4
  made when the page first asks for it (an input seek, so segment 200 costs what
  segment 0 does): the player can play within a second or two of opening even a
  45-minute episode, and a seek far into it waits for one segment only;
- **the whole-file proxy** (for a browser without MSE for H.264): one MP4 made in
  a background thread; the page asks again until it is there.
"""

from __future__ import annotations

import hashlib
import math
import threading
from fractions import Fraction
from pathlib import Path
from ..identity import cache_root

__all__ = ["proxy_state", "proxy_path", "segment_count", "segment_file", "PROXY_HEIGHT", "SEGMENT_SECONDS",
           "segment_mime"]

#: Height of the proxy picture (the width follows the aspect, even).
PROXY_HEIGHT = 360
#: x264 preset of the proxy: the player waits for it on an episode's first opening, so speed over size —
#: bench/README.md (studio): ultrafast made it 2.0–3.1× faster than veryfast (chaplin, a 45-min episode), 2.3–2.8× bigger.
PROXY_PRESET = "ultrafast"
#: Seconds of episode in one player segment: the first picture waits for one segment to be made (for a 1080p H.264
#: episode on a loaded 2-core machine about 1.0 s for 5 s, 1.6 s for 10 s, 3 s for 20 s — bench/README.md), and
#: playback needs the next made while one plays (5 s are made in about 1 s).
SEGMENT_SECONDS = 5
#: The segments' codecs for ``MediaSource.isTypeSupported``: x264 ultrafast writes Constrained Baseline (no CABAC,
#: no B-frames), level 3.0 at 360 lines; AAC-LC.
SEGMENT_VIDEO_CODEC = "avc1.42C01E"
SEGMENT_AUDIO_CODEC = "mp4a.40.2"
#: Segments encoded at once (each ffmpeg is already multi-threaded; the page asks for the one on screen and the next).
_ENCODERS = threading.BoundedSemaphore(2)


def _cache_dir() -> Path:
    return cache_root() / "studio"


def _key(video: Path, what: str) -> str:
    st = video.stat()
    return hashlib.sha256(f"{what}|{video}|{st.st_size}|{st.st_mtime_ns}|{PROXY_HEIGHT}".encode()).hexdigest()[:24]


def proxy_path(video: Path) -> Path:
    return _cache_dir() / f"{_key(video, 'v1')}.mp4"


def _picture_args() -> list[str]:
    """The proxy's video and audio encoding (the same for the whole file and for segments)."""
    return ["-map", "0:v:0", "-map", "0:a:0?", "-sn", "-dn",
            "-vf", f"scale=-2:'min({PROXY_HEIGHT},ih)'", "-c:v", "libx264", "-preset", PROXY_PRESET, "-crf", "28",
            "-pix_fmt", "yuv420p", "-g", "48", "-c:a", "aac", "-ac", "2", "-b:a", "96k"]


def _make(video: Path, target: Path) -> None:
    from ..atomic import atomic_path
    from ..media.ffmpeg import run_ffmpeg

    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        run_ffmpeg(["-i", video, *_picture_args(), "-movflags", "+faststart", "-f", "mp4", "-y", tmp],
                   what="making the studio's preview video")


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


def segment_count(duration: Fraction) -> int:
    """How many segments an episode of ``duration`` seconds has (the last may be shorter)."""
    return max(1, math.ceil(Fraction(duration) / SEGMENT_SECONDS))


def segment_mime(audio: bool) -> str:
    codecs = f"{SEGMENT_VIDEO_CODEC}, {SEGMENT_AUDIO_CODEC}" if audio else SEGMENT_VIDEO_CODEC
    return f'video/mp4; codecs="{codecs}"'


def segment_path(video: Path, number: int) -> Path:
    return _cache_dir() / "segments" / f"{_key(video, 's3')}-{SEGMENT_SECONDS}s-{number:05d}.mp4"


def _make_segment(video: Path, number: int, target: Path) -> None:
    from ..atomic import atomic_path
    from ..media.ffmpeg import run_ffmpeg

    target.parent.mkdir(parents=True, exist_ok=True)
    start = number * SEGMENT_SECONDS  # an int: the input seek is exact (decoded from the keyframe before it)
    with atomic_path(target) as tmp:
        # apad + -shortest: sound (silence) in every segment, also past the end of a shorter audio track — the
        # player's buffered time is where both tracks have data, so a segment without sound would stall it
        run_ffmpeg(["-ss", str(start), "-i", video, "-t", str(SEGMENT_SECONDS), *_picture_args(), "-af", "apad", "-shortest",
                    # -use_editlist 1: else the fragmenting muxer shifts every track by the AAC priming (21 ms)
                    # and the picture lags the episode time by that much in the player
                    "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-use_editlist", "1", "-f", "mp4", "-y", tmp],
                   what=f"making the studio's preview of {start}–{start + SEGMENT_SECONDS} s")


def segment_file(studio, video: Path, number: int) -> Path:
    """Segment ``number`` (its times start at 0; it shows the episode from ``number × SEGMENT_SECONDS``), made now if
    it is not in the cache; two requests for the same segment make it once.  ``number`` must already be checked
    against :func:`segment_count`.  Blocks: call it from a worker thread."""
    target = segment_path(video, number)
    if target.exists():
        return target
    with studio.lock:
        lock = studio.proxies.setdefault(("segment", target), threading.Lock())
    with lock:
        if not target.exists():
            with _ENCODERS:
                _make_segment(video, number, target)
    return target
