"""``embed_files``: snippets for files made earlier, one by one or everything a folder's manifest records."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..artifact import Artifact
from ..errors import InputError, UsageError
from ..manifest import read_manifest
from ..settings import EmbedSettings
from .files import artifact_for
from .snippet import check_format, snippet
from .urls import check_base_url

__all__ = ["EmbedResult", "embed_files"]


@dataclass(frozen=True)
class EmbedResult:
    text: str  # the snippets, separated by blank lines
    artifacts: tuple[Artifact, ...]  # what they show, in order
    notes: tuple[str, ...] = ()  # e.g. files in the manifest that no longer exist


def embed_files(
    paths: tuple[str | os.PathLike, ...] | list = (),
    format: str | None = None,
    *,
    all: bool = False,  # noqa: A002 - the CLI flag's name
    base_url: str | None = None,
    alt: str | None = None,
    title: str | None = None,
    credit: str | None = None,
    spoiler: bool | None = None,
    dialect: str | None = None,
    settings: EmbedSettings | None = None,
) -> EmbedResult:
    """Snippets for ``paths`` (files), or with ``all=True`` for every file recorded in the
    manifest of each folder in ``paths`` (default: the current folder), in the order made.

    Facts come from the manifest when it records a file unchanged, else from the
    file itself.  Options not given fall back to those recorded with each file
    (alt, title, credit, spoiler), then to ``settings``.
    """
    check_format(format or (settings.format if settings else None) or "html")
    check_base_url(base_url)  # refuse a bad URL before reading anything
    notes: list[str] = []
    jobs: list[tuple[Artifact, dict]] = []
    if all:
        for folder in paths or (".",):
            if not Path(folder).is_dir():
                raise InputError(f"{folder} is not a folder", "with --all, name the output folders (default: the current one)")
            for entry in read_manifest(folder):
                if not entry.artifact.path.is_file():
                    notes.append(f"{entry.artifact.path} is in the manifest but no longer exists; skipped")
                    continue
                jobs.append((entry.artifact, entry.embed))
        if not jobs:
            raise InputError("the manifest lists no files that exist", "make some with clipkit gif/still/strip first")
    else:
        if not paths:
            raise UsageError("name at least one file", "or use --all for everything recorded in a folder")
        jobs = [artifact_for(p) for p in paths]

    def pick(given, key):
        return given if given is not None else recorded.get(key)

    out = []
    for artifact, recorded in jobs:
        out.append(snippet(artifact, format, base_url=base_url, alt=pick(alt, "alt"), title=pick(title, "title"),
                           credit=pick(credit, "credit"), spoiler=pick(spoiler, "spoiler"), dialect=dialect, settings=settings))
    return EmbedResult("\n\n".join(t for t in out if t), tuple(a for a, _ in jobs), tuple(notes))
