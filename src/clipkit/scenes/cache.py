"""A per-file cache of scene lists, so asking again is instant.

Stored as JSON under ``$XDG_CACHE_HOME/clipkit/scenes`` (``~/.cache/clipkit/scenes``).
The key is the file's identity (size, modification time, and a hash of its
first and last 64 KiB — so a re-encode under the same name is a new file), the
range scanned, every setting that changes the result, and the detector
version.  Writes are atomic; a damaged or unreadable entry is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import asdict, fields
from fractions import Fraction
from pathlib import Path

from .. import __version__
from ..atomic import atomic_write_text
from ..errors import ClipkitError
from ..identity import cache_root, file_identity
from ..media.probe import MediaInfo
from .model import Cut, Flash, Scene, SceneList, Transition

__all__ = ["cache_dir", "cache_key", "load", "save", "DETECTOR_VERSION", "result_settings"]

#: Bump when detection changes what it finds: old entries stop matching.
DETECTOR_VERSION = "7"  # 7: HDR measured in SDR's levels, a cut on a dissolve's first blended frame is its first step, film pulled down to exactly 30 fps read at 24 (not on the 1/30 s grid); 6: HDR seen through the detection curve, telecined film's frames at their own times (full decode); 5: a fade goes on over one repeated frame (24 fps film at 25); 4: frame numbers from the video's first frame
#: Settings that do not change what is detected, so are not part of the key.
_NOT_IN_KEY = {"cache", "snap_window", "thumbnail_width"}


def cache_dir() -> Path:
    return cache_root() / "scenes"


def result_settings(settings) -> dict:
    """The settings that change what is detected, as plain JSON values."""
    return {f.name: str(getattr(settings, f.name)) for f in fields(settings) if f.name not in _NOT_IN_KEY}



def cache_key(info: MediaInfo, start: Fraction, end: Fraction, settings) -> str:
    ident = {
        "file": file_identity(info.path),
        "range": [str(start), str(end)],
        "settings": result_settings(settings),
        "version": [__version__, DETECTOR_VERSION],
    }
    if info.video is not None and (info.deinterlace != "auto" or len(info.videos) > 1):
        ident["video"] = [info.video.index, info.deinterlace]  # another track or decoding finds other cuts
    return hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()[:32]


def _enc(value):
    if isinstance(value, Fraction):
        return {"q": str(value)}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_enc(v) for v in value]
    if isinstance(value, dict):
        return {k: _enc(v) for k, v in value.items()}
    return value


def _dec(value):
    if isinstance(value, dict):
        if set(value) == {"q"}:
            return Fraction(value["q"])
        return {k: _dec(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dec(v) for v in value]
    return value


def _tuple2(v):
    return tuple(v) if v is not None else None


def to_json(result: SceneList) -> str:
    data = {f.name: _enc(getattr(result, f.name) if f.name not in ("scenes", "cuts", "transitions", "flashes")
                         else [asdict(x) for x in getattr(result, f.name)])
            for f in fields(result) if f.name != "from_cache"}
    return json.dumps(data)


def from_json(text: str) -> SceneList:
    d = _dec(json.loads(text))
    return SceneList(
        source=Path(d["source"]), start=d["start"], end=d["end"], frame_rate=d["frame_rate"],
        variable_frame_rate=d["variable_frame_rate"], frame_count=d["frame_count"],
        scenes=tuple(Scene(**s) for s in d["scenes"]),
        cuts=tuple(Cut(**c) for c in d["cuts"]),
        transitions=tuple(Transition(**{**t, "blank": _tuple2(t["blank"]), "blank_index": _tuple2(t["blank_index"])})
                          for t in d["transitions"]),
        flashes=tuple(Flash(**f) for f in d["flashes"]),
        notes=tuple(d["notes"]), settings=d["settings"], from_cache=True, decoded=d.get("decoded", 0),
        timeline=tuple((t, v) for t, v in d.get("timeline", ())),
    )


def load(key: str) -> SceneList | None:
    path = cache_dir() / f"{key}.json"
    try:
        return from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(key: str, result: SceneList) -> None:
    """Store ``result``; a cache that cannot be written is skipped, not an error."""
    with contextlib.suppress(OSError, ClipkitError):
        atomic_write_text(cache_dir() / f"{key}.json", to_json(result))
