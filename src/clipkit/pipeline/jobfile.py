"""Batch job files: TOML (``[[job]]`` tables) or CSV (a header row), each job with its line.

TOML::

    preset = "one-million-stars"      # optional: a preset name or path (relative to this file)
    output = "../out/ep07"            # optional: output folder (relative to this file)

    [defaults]                        # optional: keys every job gets unless it sets them
    ep = 7

    [[job]]
    kind = "gif"
    start = "12:30"
    end = "+6"
    name = "he-knew"

CSV: a header naming the keys (``kind,ep,start,end,at,name,…``), one job per
row; empty cells are left out.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..presets import PresetError, read_toml
from ..settings_apply import close_match

__all__ = ["Job", "JobFile", "parse_job_file", "TOP_LEVEL_KEYS"]

TOP_LEVEL_KEYS = ("preset", "platform", "output", "title", "defaults", "job")
_JOB_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*job[ \t]*\]\]", re.MULTILINE)


@dataclass(frozen=True)
class Job:
    """One entry of a job file, as written (checked later against its kind)."""

    index: int  # 1-based position in the file: the order of the post index
    line: int | None  # where the entry starts in the file
    values: dict[str, Any]  # every key of the entry (defaults merged in)
    from_text: bool = False  # values are text (CSV) and need converting

    @property
    def kind(self) -> str:
        return str(self.values.get("kind", "")).strip().lower()


@dataclass(frozen=True)
class JobFile:
    path: Path
    jobs: tuple[Job, ...]
    preset: str | None = None
    platform: str | None = None
    output: Path | None = None  # resolved against the file's folder
    title: str | None = None


def parse_job_file(path: str | os.PathLike) -> JobFile:
    """Read a ``.toml`` or ``.csv`` job file; errors name the file, line and column."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"job file not found: {path}", "check the path (a .toml or .csv file)")
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return _parse_toml(path)
    if suffix == ".csv":
        return _parse_csv(path)
    raise InputError(f"{path}: unknown job file type {suffix or '(none)'!r}", "use a .toml or .csv job file")


def _parse_toml(path: Path) -> JobFile:
    data = read_toml(path, what="job file")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            hint = "valid top-level keys: " + ", ".join(TOP_LEVEL_KEYS)
            if key in ("jobs", "gif", "still", "strip"):
                hint = f"write each job as a [[job]] table with kind = \"…\"; {hint}"
            close = close_match(key, TOP_LEVEL_KEYS)
            raise PresetError(f"{path}: unknown top-level key {key!r}" + (f" (did you mean {close!r}?)" if close else ""),
                              hint)
    for key in ("preset", "platform", "output", "title"):
        if key in data and not isinstance(data[key], str):
            raise PresetError(f"{path}: {key} = {data[key]!r}: expected a string", f"put the {key} in quotes")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise PresetError(f"{path}: defaults must be a table", "write [defaults] followed by key = value lines")
    entries = data.get("job", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise PresetError(f"{path}: job must be a list of tables", "write each job as a [[job]] table")
    text = path.read_text(encoding="utf-8-sig")
    header_lines = [text.count("\n", 0, m.start()) + 1 for m in _JOB_HEADER.finditer(text)]
    lines: list[int | None] = header_lines if len(header_lines) == len(entries) else [None] * len(entries)
    jobs = tuple(
        Job(index=i + 1, line=lines[i], values={**defaults, **entry}) for i, entry in enumerate(entries)
    )
    output = data.get("output")
    return JobFile(
        path=path, jobs=jobs, preset=data.get("preset"), platform=data.get("platform"),
        output=(path.parent / Path(output).expanduser()) if output else None, title=data.get("title"),
    )


def _parse_csv(path: Path) -> JobFile:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text", "save the job file as UTF-8 CSV") from None
    reader = csv.reader(text.splitlines(keepends=True))
    jobs: list[Job] = []
    header: list[str] | None = None
    try:
        for row in reader:
            if not row or all(not c.strip() for c in row) or row[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = [c.strip().lower() for c in row]
                if "kind" not in header:
                    raise PresetError(f"{path}:{reader.line_num}: the header row has no 'kind' column",
                                      "start the file with a header such as: kind,ep,start,end,at,name")
                continue
            if len(row) > len(header):
                raise PresetError(f"{path}:{reader.line_num}: {len(row)} cells but the header has {len(header)}",
                                  "quote cells that contain commas")
            values = {k: v.strip() for k, v in zip(header, row) if k and v.strip()}
            jobs.append(Job(index=len(jobs) + 1, line=reader.line_num, values=values, from_text=True))
    except csv.Error as exc:
        raise PresetError(f"{path}:{reader.line_num}: CSV error: {exc}", "check the quotes on that line") from None
    return JobFile(path=path, jobs=tuple(jobs))
