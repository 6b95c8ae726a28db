"""``embed_files``: snippets for files made earlier, one by one or everything a folder's manifest records."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..artifact import Artifact
from ..errors import ClipkitError, InputError, UsageError, option
from ..manifest import ManifestEntry, manifest_path, read_manifest, rewrite_manifest
from ..settings import EmbedOptions, EmbedSettings
from .files import artifact_for, describe_file
from .snippet import check_format, fallback_notes, options_from, snippet
from .urls import check_base_url

__all__ = ["EmbedResult", "embed_files", "in_post_order"]


@dataclass(frozen=True)
class EmbedResult:
    text: str  # the snippets, separated by blank lines
    artifacts: tuple[Artifact, ...]  # what they show, in order
    notes: tuple[str, ...] = ()  # e.g. files in the manifest that no longer exist


_MEDIA_SUFFIXES = (".gif", ".png", ".jpg", ".jpeg", ".webp", ".mp4", ".webm")


def _readable_manifest(folder: Path, notes: list[str]) -> list[ManifestEntry]:
    """The folder's manifest; a damaged one is reported and rebuilt from the files themselves.

    Readable entries keep their facts and embed options; a damaged entry that
    names an existing file is read again from that file; a manifest that is not
    JSON at all is rebuilt from the media files of the folder, oldest first.
    The damaged file is kept beside the new one.
    """
    manifest = read_manifest(folder)
    if not manifest.damaged and not manifest.unreadable:
        return in_post_order(list(manifest), manifest.post_order)
    rebuilt: list[tuple[Artifact, dict]] = []
    if manifest.unreadable:
        why = manifest.unreadable
        files = sorted((p for p in folder.iterdir() if p.suffix.lower() in _MEDIA_SUFFIXES and p.is_file()),
                       key=lambda p: (p.stat().st_mtime_ns, p.name))
        gifs = {p.stem for p in files if p.suffix.lower() == ".gif"}
        for p in files:
            if p.suffix.lower() != ".gif" and p.stem in gifs and p.suffix.lower() in (".mp4", ".webp", ".webm"):
                continue  # a GIF's sibling: described with it
            try:
                rebuilt.append((describe_file(p), {}))
            except ClipkitError:
                pass
    else:
        why = f"{len(manifest.damaged)} of its entries {'is' if len(manifest.damaged) == 1 else 'are'} damaged " \
              f"({manifest.damaged[0].reason})"
        by_index: list[tuple[int, tuple[Artifact, dict]]] = []
        good = iter(manifest)
        damaged = {d.index: d for d in manifest.damaged}
        for n in range(1, len(manifest) + len(manifest.damaged) + 1):
            if n in damaged:
                d = damaged[n]
                if d.file is not None and d.file.is_file():
                    try:
                        by_index.append((n, (describe_file(d.file), {})))
                    except ClipkitError:
                        notes.append(f"entry {n} of {manifest.path} names {d.file.name}, which cannot be read; left out")
                else:
                    notes.append(f"entry {n} of {manifest.path} names no file that exists; left out")
            else:
                e = next(good)
                by_index.append((n, (e.artifact, e.embed)))
        rebuilt = [item for _, item in by_index]
    try:
        path, kept = rewrite_manifest(folder, rebuilt)
        notes.append(f"the manifest {path} was damaged ({why}): rebuilt from the files ({len(rebuilt)} listed)"
                     + (f"; the damaged one is kept as {kept.name}" if kept else ""))
    except (OSError, ClipkitError) as exc:
        notes.append(f"the manifest {manifest.path} is damaged ({why}) and could not be rewritten "
                     f"({getattr(exc, 'strerror', None) or exc}): the files themselves were read")
    return in_post_order([ManifestEntry(a, e, None) for a, e in rebuilt], manifest.post_order)


#: How deep ``--all`` looks for the manifests of subfolders (a batch job named ``shots/look`` writes one level down).
SUBFOLDER_DEPTH = 2


def _with_subfolders(folder: Path, notes: list[str]) -> list[ManifestEntry]:
    """The files the manifests of ``folder`` and of its subfolders (up to :data:`SUBFOLDER_DEPTH` down, hidden
    ones skipped) record, in post order: a batch records its job order, across its folders, in the top one."""
    subs = sorted((p for p in _subfolders(folder, SUBFOLDER_DEPTH) if manifest_path(p).is_file()),
                  key=lambda p: _natural(p.relative_to(folder).as_posix()))
    if not subs:
        return _readable_manifest(folder, notes)  # (no manifest here: read_manifest says so)
    entries = _readable_manifest(folder, notes) if manifest_path(folder).is_file() else []
    for sub in subs:
        entries += _readable_manifest(sub, notes)
    order = read_manifest(folder).post_order if manifest_path(folder).is_file() else []
    return in_post_order(entries, order, base=folder)


def _subfolders(folder: Path, depth: int):
    if depth <= 0:
        return
    try:
        children = [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".") and not p.is_symlink()]
    except OSError:
        return
    for child in children:
        yield child
        yield from _subfolders(child, depth - 1)


def _natural(text: str) -> tuple:
    """``ep2`` before ``ep10``: runs of digits compared as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
                 for part in re.split(r"(\d+)", text) if part)


def in_post_order(entries: list[ManifestEntry], post_order: list[str] = (), base: Path | None = None) -> list[ManifestEntry]:
    """A folder's files in the order a post shows them: first those a post arranged (a studio tray, a batch job
    file: ``post_order``, by file name, or path from ``base`` for files in its subfolders) in that order; then
    the rest in source order: by episode (its folder, then its name, ``ep2`` before ``ep10``), then start
    time, then the order made (files of no known source last)."""
    place = {name: n for n, name in enumerate(post_order)}
    made = {id(e): n for n, e in enumerate(entries)}

    def name(a: Artifact) -> str:
        if base is not None:
            try:
                return Path(os.path.relpath(a.path, base)).as_posix()
            except ValueError:  # another drive (Windows)
                pass
        return a.path.name

    def key(e: ManifestEntry):
        a = e.artifact
        arranged = place.get(name(a))
        if arranged is not None:
            return (0, arranged)
        if a.source is None:
            return (2, made[id(e)])
        return (1, _natural(str(a.source.parent)), _natural(a.source.name), a.start or 0, made[id(e)])

    return sorted(entries, key=key)


def embed_files(
    paths: tuple[str | os.PathLike, ...] | list = (),
    format: str | None = None,
    *,
    all: bool = False,  # noqa: A002 - the CLI flag's name
    options: EmbedOptions | None = None,
    settings: EmbedSettings | None = None,
    **given,
) -> EmbedResult:
    """Snippets for ``paths`` (files), or with ``all=True`` for every file recorded in the
    manifest of each folder in ``paths`` (default: the current folder), in post order
    (:func:`in_post_order`: as a studio tray or batch job file arranged them, else episode and start time).

    The choices are an :class:`~clipkit.settings.EmbedOptions` (``options``) or its fields as
    keywords (``base_url``, ``alt``, ``title``, ``credit``, ``spoiler``, ``dialect``), as for
    :func:`~clipkit.embed.snippet`.  Facts come from the manifest when it records a file unchanged,
    else from the file itself.  Choices not given fall back to those recorded with each file (alt,
    title, credit, spoiler), then to ``settings``.
    """
    o = options_from(options, {"format": format, **given})
    check_format(o.format or (settings.format if settings else None) or "html")
    check_base_url(o.base_url)  # refuse a bad URL before reading anything
    notes: list[str] = []
    jobs: list[tuple[Artifact, dict]] = []
    if all:
        for folder in paths or (".",):
            if not Path(folder).is_dir():
                raise InputError(f"{folder} is not a folder", f"with {option('all', True)}, name the output folders (default: the current one)")
            for entry in _with_subfolders(Path(folder), notes):
                if not entry.artifact.path.is_file():
                    notes.append(f"{entry.artifact.path} is in the manifest but no longer exists; skipped")
                    continue
                jobs.append((entry.artifact, entry.embed))
        if not jobs:
            why = f" ({notes[-1]})" if notes else ""
            raise InputError(f"the manifest lists no files that exist{why}", "make some with clipkit gif/still/strip first")
    else:
        if not paths:
            raise UsageError("name at least one file", f"or use {option('all', True)} for everything recorded in a folder")
        jobs = [artifact_for(p) for p in paths]

    out = []
    for artifact, recorded in jobs:
        chosen = {k: recorded[k] for k in EmbedOptions.RECORDED if getattr(o, k) is None and recorded.get(k) is not None}
        out.append(snippet(artifact, options=replace(o, **chosen), settings=settings))
        notes += fallback_notes(artifact, o, settings)
    return EmbedResult("\n\n".join(t for t in out if t), tuple(a for a, _ in jobs), tuple(notes))
