"""What a job made: one file and the facts an embed snippet or manifest needs."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, replace
from fractions import Fraction
from pathlib import Path

__all__ = ["Artifact", "jsonable", "sha256_of"]


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
        return jsonable(asdict(self))


def jsonable(value):
    """Plain JSON data from dataclass dicts: Fractions as floats, paths as text, tuples as lists."""
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
