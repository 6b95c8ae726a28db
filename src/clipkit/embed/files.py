"""The artifact behind a file made earlier: from the folder's manifest, or read from the file itself."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

from ..artifact import Artifact, sha256_of
from ..errors import InputError, option
from ..manifest import find_entry
from ..media.probe import probe

__all__ = ["artifact_for", "describe_file"]

_VIDEO_SUFFIXES = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mp4", ".webm": "mp4"}
_SIBLING_SUFFIXES = (".mp4", ".webp")
#: Names of pictures: one Pillow cannot read is damaged or cut short, never a video (ffmpeg reads the frames
#: of a truncated GIF, and it would be pasted as an MP4 ``<video>``).
_IMAGE_SUFFIXES = {".gif", ".png", ".jpg", ".jpeg", ".webp", ".apng", ".avif"}


def _image(path: Path) -> Artifact | None:
    from PIL import Image, UnidentifiedImageError  # Pillow only when a file is read back (every command imports this)

    try:
        with Image.open(path) as im:
            width, height = im.size
            frames = getattr(im, "n_frames", 1)
            fmt = im.format
            duration = None
            if frames > 1:
                total = 0
                for i in range(frames):
                    im.seek(i)
                    if fmt == "WEBP":
                        im.load()  # Pillow sets a WebP frame's duration when it decodes it
                    total += int(im.info.get("duration") or 0)
                duration = Fraction(total, 1000)
    except UnidentifiedImageError:
        return None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc}", "is the file complete?") from exc
    if fmt == "GIF":
        kind = "gif"
    elif fmt == "WEBP" and frames > 1:
        kind = "webp"
    else:
        kind = "strip" if "strip" in path.stem.lower() else "still"
    return Artifact(path=path, kind=kind, width=width, height=height, bytes=path.stat().st_size,
                    duration=duration, frame_count=frames if frames > 1 else None, sha256=sha256_of(path))


def _video(path: Path) -> Artifact:
    info = probe(path)
    video = info.video
    if video is None:
        raise InputError(f"{path} has no video stream", "embed images (GIF, PNG, JPEG, WebP) or MP4 clips")
    width, height = video.display_size
    return Artifact(path=path, kind=_VIDEO_SUFFIXES.get(path.suffix.lower(), "mp4"), width=width, height=height,
                    bytes=path.stat().st_size, duration=info.duration, sha256=sha256_of(path))


def describe_file(path: str | os.PathLike, *, siblings: bool = True) -> Artifact:
    """What an image or clip is, read from the file (Pillow for images, ffprobe-like probe for video).

    A GIF picks up ``same-name.mp4`` / ``same-name.webp`` beside it as siblings.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist", "check the name; `ls` the output folder")
    if path.is_dir():
        raise InputError(f"{path} is a folder", f"name the files, or use {option('all', True)} to embed everything recorded in a folder")
    if path.stat().st_size == 0:
        raise InputError(f"{path} is empty", "make it again")
    art = _image(path)
    if art is None and path.suffix.lower() in _IMAGE_SUFFIXES:
        raise InputError(f"{path.name} cannot be read as an image: damaged or cut short (a copy or an upload that "
                         "stopped?)", "copy it again, or make it again")
    if art is None:
        try:
            art = _video(path)
        except InputError as exc:
            raise InputError(f"{path.name} is not an image or video clipkit can embed", "give a GIF, PNG, JPEG, WebP or MP4 file") from exc
    if siblings and art.kind == "gif":
        found = [describe_file(p, siblings=False) for p in (path.with_suffix(s) for s in _SIBLING_SUFFIXES) if p.is_file()]
        art = art.with_(siblings=tuple(found))
    return art


def artifact_for(path: str | os.PathLike) -> tuple[Artifact, dict]:
    """The artifact of ``path`` and the embed options it was made with.

    From the folder's manifest when it records this file and the file has not
    changed size since; otherwise read from the file itself (no options).
    """
    path = Path(path)
    if not path.is_file():
        describe_file(path)  # raises the right error
    try:
        entry = find_entry(path)
    except InputError:  # a damaged manifest: the file itself still says what it is
        entry = None
    if entry is not None and entry.artifact.bytes == path.stat().st_size:
        return entry.artifact.with_(path=path), entry.embed
    return describe_file(path), {}
