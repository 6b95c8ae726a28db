"""The probe's answer kept on disk across runs (``~/.cache/clipkit/probe``), per file identity.

A probe costs a few ffmpeg runs (the header, packet times at both ends); the
second clip from the same episode should not pay them again.  The key is the
file's identity (size, modification time, a hash of its first and last 64 KiB:
``identity.py``), the video track asked for, the ffmpeg binary and a hash of
the code that probes, so a changed file, another ffmpeg or a changed probe
never reads an old answer.  Small files are probed again (quicker than a cache
file).  JSON, read back only into the probe's own record types.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
from fractions import Fraction
from pathlib import Path

from ..identity import cache_root, file_identity

__all__ = ["load", "save", "CACHE_FROM_BYTES"]

#: Files smaller than this are probed again rather than cached (tests' generated media never are).
CACHE_FROM_BYTES = 32 << 20
#: At most this many answers are kept; the oldest go first.
_KEEP = 256
#: The modules whose code decides what a probe answers.
_CODE = ("probe.py", "timing.py", "streams.py", "interlace.py", "tsindex.py", "ffmpeg.py", "probe_cache.py")


@functools.cache
def _code_hash() -> str:
    from .. import __version__
    from .ffmpeg import ffmpeg_identity

    h = hashlib.sha256(f"{__version__}|{ffmpeg_identity()}".encode())
    here = Path(__file__).parent
    for name in _CODE:
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


def _types() -> dict[str, type]:
    from .interlace import Scan
    from .probe import AudioStream, MediaInfo, Program, SubtitleTrack, VideoStream

    return {cls.__name__: cls for cls in (MediaInfo, VideoStream, AudioStream, SubtitleTrack, Program, Scan)}


def _encode(value):
    if dataclasses.is_dataclass(value):
        return {"@": type(value).__name__, **{f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, Fraction):
        return {"@f": [value.numerator, value.denominator]}
    if isinstance(value, Path):
        return {"@p": str(value)}
    if isinstance(value, (tuple, list)):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    raise TypeError(f"cannot keep a {type(value).__name__} in the probe cache")


def _decode(value, types: dict[str, type]):
    if isinstance(value, list):
        return tuple(_decode(v, types) for v in value)
    if isinstance(value, dict):
        if "@f" in value:
            return Fraction(*value["@f"])
        if "@p" in value:
            return Path(value["@p"])
        cls = types[value["@"]]
        return cls(**{k: _decode(v, types) for k, v in value.items() if k != "@"})
    return value


def _file(path: str, size: int, video_track: int | None) -> Path | None:
    if size < CACHE_FROM_BYTES:
        return None
    try:
        ident = file_identity(path)
    except OSError:
        return None
    key = hashlib.sha256(json.dumps([_code_hash(), path, video_track, ident], sort_keys=True).encode()).hexdigest()[:32]
    return cache_root() / "probe" / f"{key}.json"


def load(path: str, size: int, video_track: int | None):
    """The cached :class:`~clipkit.media.probe.MediaInfo` of ``path``, or None."""
    file = _file(path, size, video_track)
    if file is None or not file.exists():
        return None
    try:
        return _decode(json.loads(file.read_text(encoding="utf-8")), _types())
    except (OSError, ValueError, KeyError, TypeError):
        return None  # damaged, or written by other code: probe again


def save(path: str, size: int, video_track: int | None, info) -> None:
    """Keep ``info`` for the next run (silently not, if the cache cannot be written)."""
    file = _file(path, size, video_track)
    if file is None:
        return
    from ..atomic import atomic_write_text

    with contextlib.suppress(OSError, TypeError, ValueError):  # a cache that cannot be written only costs time
        file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(file, json.dumps(_encode(info)))
        kept = sorted(file.parent.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
        for old in kept[:-_KEEP]:
            with contextlib.suppress(OSError):
                os.unlink(old)
