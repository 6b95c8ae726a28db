"""What a job made: one file and the facts an embed snippet or manifest needs.

:func:`artifact_to_json` / :func:`artifact_from_json` are the one codec
between an :class:`Artifact` and JSON, used by the manifest, the batch state
and ``--json`` output.  Times stay exact: a :class:`~fractions.Fraction` is
written as its text, ``"n/d"`` (or ``"n"`` when whole), and read back as the
same Fraction.  Older files are still read: plain numbers (the manifest's
floats, rounded back with ``limit_denominator``) and ``{"q": "n/d"}``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, fields, replace
from fractions import Fraction
from pathlib import Path

__all__ = ["Artifact", "artifact_to_json", "artifact_from_json", "time_to_json", "time_from_json", "jsonable", "sha256_of"]


@dataclass(frozen=True)
class Artifact:
    path: Path
    kind: str  # "gif", "still", "strip", "mp4", "webp"
    width: int
    height: int
    bytes: int
    source: Path | None = None
    start: Fraction | None = None  # time range of the source it shows
    end: Fraction | None = None
    duration: Fraction | None = None  # play time (animations)
    frame_count: int | None = None
    captions: tuple[str, ...] = ()  # text burned in or spoken in the range (for alt text)
    sha256: str | None = None
    notes: tuple[str, ...] = ()  # what the job chose or warned about, for the user
    siblings: tuple["Artifact", ...] = field(default_factory=tuple)  # same clip in other formats

    def with_(self, **changes) -> "Artifact":
        return replace(self, **changes)

    def to_dict(self) -> dict:
        """The artifact as JSON data (exact times), as :func:`artifact_to_json` writes it."""
        return artifact_to_json(self)


_TIMES = ("start", "end", "duration")


def time_to_json(value: Fraction | None) -> str | None:
    """An exact time as JSON: ``"1001/30"``, ``"750"``; None stays None."""
    return None if value is None else str(Fraction(value))


def time_from_json(value) -> Fraction | None:
    """A time written by :func:`time_to_json` (or an older form) → the exact Fraction.

    Accepts ``"n/d"``/``"n"``/``"1.5"`` text, integers, ``{"q": "n/d"}``, and
    floats (older manifests: rounded back to the nearest fraction with a
    denominator up to 1,000,000, which restores NTSC-style times exactly).
    Raises ValueError or TypeError for anything else.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError(f"a time cannot be {value!r}")
    if isinstance(value, dict) and set(value) == {"q"}:
        value = value["q"]
    if isinstance(value, str):
        if len(value) > 64:
            raise ValueError("a time far too long")
        return Fraction(value.strip())
    if isinstance(value, int):
        if abs(value) > 10 ** 12:
            raise ValueError("a time out of range")
        return Fraction(value)
    if isinstance(value, float):
        if not abs(value) < 1e12:  # also NaN and infinities
            raise ValueError(f"{value!r} is not a time")
        return Fraction(str(value)).limit_denominator(1_000_000)
    raise TypeError(f"a time cannot be {type(value).__name__}")


def _rel(path: Path, folder: Path) -> str:
    try:
        return Path(os.path.relpath(path, folder)).as_posix()
    except ValueError:  # another drive (Windows)
        return str(path)


def artifact_to_json(artifact: Artifact, folder: str | os.PathLike | None = None) -> dict:
    """Plain JSON data for ``artifact``: every field, times exact.

    With ``folder`` (a manifest's folder) the file is ``"file"``, relative to
    it; without, ``"path"``, as given.  The source is made absolute (a symlink
    is kept, not followed).
    Siblings are written the same way, and only when there are some.
    """
    out: dict = {}
    for f in fields(artifact):
        value = getattr(artifact, f.name)
        if f.name == "path":
            if folder is not None:
                out["file"] = _rel(Path(value), Path(folder))
            else:
                out["path"] = str(value)
        elif f.name == "source":
            # absolute, not resolved: a symlinked episode keeps its own name (the alt text, `embed --all`)
            out["source"] = os.path.abspath(value) if value else None
        elif f.name in _TIMES:
            out[f.name] = time_to_json(value)
        elif f.name == "siblings":
            if value:
                out["siblings"] = [artifact_to_json(s, folder) for s in value]
        elif isinstance(value, tuple):
            out[f.name] = list(value)
        else:
            out[f.name] = value
    return out


def _count(value, limit: int) -> int:
    """A whole number in ``[0, limit)`` from JSON (not a bool, a float like 1e400 or a 5,000-digit number)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"{value!r} is not a number")
    if isinstance(value, str) and len(value) > 20:
        raise ValueError("a number far too long")
    n = int(value) if not isinstance(value, float) else int(value) if value == value and abs(value) < limit else -1
    if not 0 <= n < limit:
        raise ValueError(f"{value!r} is out of range")
    return n


def artifact_from_json(data: dict, folder: str | os.PathLike | None = None) -> Artifact:
    """The :class:`Artifact` of :func:`artifact_to_json`'s data (``"file"`` is read relative to
    ``folder``); unknown keys are ignored.  Raises KeyError, TypeError or ValueError when damaged."""
    if not isinstance(data, dict):
        raise TypeError(f"an artifact is a JSON object, not {type(data).__name__}")
    if data.get("file") is not None:
        name = data["file"]
        if not isinstance(name, str) or not name or "/" in name or "\x00" in name or len(name.encode("utf-8", "surrogateescape")) > 255:
            raise ValueError("its file name is not a file name")
        path = Path(folder or ".") / name
    else:
        path = Path(str(data["path"]))
    frames = data.get("frame_count")
    return Artifact(
        path=path,
        kind=str(data["kind"]),
        width=_count(data["width"], 1 << 16),
        height=_count(data["height"], 1 << 16),
        bytes=_count(data.get("bytes") or 0, 1 << 50),
        source=Path(str(data["source"])) if data.get("source") else None,
        frame_count=None if frames is None else _count(frames, 1 << 32),
        captions=tuple(str(c) for c in data.get("captions") or ()),
        sha256=data.get("sha256"),
        notes=tuple(str(n) for n in data.get("notes") or ()),
        siblings=tuple(artifact_from_json(s, folder) for s in data.get("siblings") or ()),
        **{name: time_from_json(data.get(name)) for name in _TIMES},
    )


def jsonable(value):
    """Plain JSON data from other dataclass dicts (media facts for ``info --json``): Fractions as
    floats, paths as text, tuples as lists.  For display only; artifacts use :func:`artifact_to_json`."""
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
