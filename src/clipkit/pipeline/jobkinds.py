"""The kinds of batch job: one registry entry each (what keys it takes, how it is named, how it runs).

A kind runs in a worker process (or on a Dask worker): :func:`run_kind` looks
the entry up by name and calls its pipeline function with plain, picklable
arguments.  Pipeline modules are imported lazily, so a kind whose pipeline is
not in this build is reported as unavailable, not as an import crash.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..artifact import Artifact
from ..timecode import parse_time, slug_time
from .naming import safe_name

__all__ = ["JobKind", "KINDS", "register", "run_kind", "available_kinds", "COMMON_KEYS"]

#: Keys every job may have, whatever its kind.
COMMON_KEYS = ("kind", "ep", "episode", "name")


@dataclass(frozen=True)
class JobKind:
    name: str
    section: str  # the settings table ([still], [gif], [strip]) its settings come from
    function: str  # "module:function" of the pipeline function, imported lazily
    required: tuple[str, ...]  # job keys it needs (besides the episode)
    optional: tuple[str, ...]  # other job keys it takes (besides settings fields)
    tag: Callable[[dict], str]  # the default name tag from the job's keys
    ext: Callable[[Any], str]  # the default extension from the settings
    call: Callable[[Callable, Path, Path, dict, Any], Artifact]  # (function, source, output, params, settings)
    exts: tuple[str, ...] = ()  # extensions a job's name may carry

    def load(self) -> Callable:
        module, _, name = self.function.partition(":")
        return getattr(importlib.import_module(module), name)

    def is_available(self) -> bool:
        try:
            self.load()
        except (ImportError, AttributeError):
            return False
        return True

    def keys(self) -> tuple[str, ...]:
        return COMMON_KEYS + self.required + self.optional


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    KINDS[kind.name] = kind
    return kind


def available_kinds() -> list[str]:
    return [name for name, kind in KINDS.items() if kind.is_available()]


def run_kind(kind_name: str, source: Path, output: Path, params: dict, settings: Any) -> Artifact:
    """Run one job (in whatever process this is)."""
    kind = KINDS[kind_name]
    return kind.call(kind.load(), source, output, params, settings)


def _time_tag(text: Any) -> str:
    try:
        return slug_time(parse_time(str(text)))
    except Exception:  # a frame number needs the frame rate; the job itself will parse it properly
        return safe_name(str(text))


def _ext_of_format(settings: Any, default: str) -> str:
    return str(getattr(settings, "format", None) or default)


# ---------------------------------------------------------------- the kinds

register(JobKind(
    name="still",
    section="still",
    function="clipkit.pipeline.still:still",
    required=("at",),
    optional=(),
    tag=lambda p: _time_tag(p["at"]),
    ext=lambda s: _ext_of_format(s, "png"),
    call=lambda fn, source, output, p, s: fn(source, str(p["at"]), output, settings=s),
    exts=(".png", ".jpg", ".jpeg", ".webp"),
))


def _range_tag(p: dict) -> str:
    start = _time_tag(p["start"])
    end_text = str(p["end"]).strip()
    if end_text.startswith("+"):
        try:
            end = slug_time(parse_time(str(p["start"])) + parse_time(end_text[1:]))
        except Exception:
            end = safe_name(end_text)
    else:
        end = _time_tag(end_text)
    return f"{start}_{end}"


register(JobKind(
    name="gif",
    section="gif",
    function="clipkit.pipeline.gif:make_gif",
    required=("start", "end"),
    optional=(),
    tag=_range_tag,
    ext=lambda s: "gif",
    call=lambda fn, source, output, p, s: fn(source, str(p["start"]), str(p["end"]), output, settings=s),
    exts=(".gif",),
))
