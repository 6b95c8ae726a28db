"""The poster JPEG of a clip: its sharpest usable frame of the middle, chosen as ``still --best`` chooses.

Made from frames the encode itself hands over (``encode/clip.py``'s :class:`PosterTap`:
small frames of the middle to rank, full-size ones to write), so the clip is not probed
and decoded a second time; :func:`make_poster` reads them from the written clip instead
(the smart cut's copied clip, or when the tap's files are missing).
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

from ..artifact import Artifact, sha256_of
from ..encode.clip import PosterTap
from ..media.ffmpeg import framemd5_packets

__all__ = ["make_poster", "plan_tap", "poster_from_tap", "poster_from_source", "warm_up", "POSTER_QUALITY"]

#: Frames are ranked for the poster at most this wide: sharpness and blank/fade flags need no more.
RANK_WIDTH = 480
POSTER_QUALITY = 85
#: The full-size frames a tap may write (RGB): the window narrows for large or fast frames.
_CAND_BYTES = 160 * 1024 * 1024
#: Characters the tee muxer's list syntax would read as its own (then the poster is read from the clip).
_TEE_SPECIAL = re.compile(r"[|\[\]:\\'\"=;,]")


def warm_up() -> None:
    """Import what choosing and writing a poster needs (numpy, OpenCV, Pillow: about 0.3 s) —
    called in a thread while ffmpeg encodes the clip, so it is not paid after."""
    import importlib

    for name in ("numpy", "clipkit.media.frames", "clipkit.scenes.choice", "clipkit.pipeline.still",
                 "clipkit.encode.image"):
        importlib.import_module(name)


def _windows(duration: Fraction) -> tuple[Fraction, Fraction, Fraction, Fraction]:
    """(middle, lo, hi, context pad): the window ``[lo, hi]`` ranked, ±0.5 s around the middle."""
    from ..scenes.choice import TRANSITION_SPAN

    mid = duration / 2
    half = min(Fraction(1, 2), duration / 2)
    return mid, max(Fraction(0), mid - half), min(duration, mid + half), TRANSITION_SPAN + Fraction(1, 10)


def plan_tap(folder: Path, duration: Fraction, size: tuple[int, int], rate: Fraction | None) -> PosterTap | None:
    """The tap for a clip of ``duration`` whose frames are ``size``, or None (the folder's name the
    tee muxer cannot take)."""
    if _TEE_SPECIAL.search(str(folder)) or size[0] <= 0 or size[1] <= 0:
        return None
    mid, lo, hi, pad = _windows(duration)
    w, h = size
    rank_w = min(RANK_WIDTH, w)
    rank_h = max(2, round(h * rank_w / w / 2) * 2)
    per_second = (rate or Fraction(30)) * w * h * 3
    half = min((hi - lo) / 2, Fraction(_CAND_BYTES) / per_second / 2)
    return PosterTap(folder=folder, rank=(max(Fraction(0), lo - pad), min(duration, hi + pad)), rank_size=(rank_w, rank_h),
                     cand=(max(Fraction(0), mid - half), min(duration, mid + half + Fraction(1, 1000))))


def _tap_frames(tap: PosterTap, name: str) -> list:
    """The frames of one side output: (frame, byte offset in its .rgb file), in order."""
    import numpy as np

    from ..media.frames import Frame

    crc = (tap.folder / f"{name}.crc").read_bytes()
    dims = re.search(rb"#dimensions 0: (\d+)x(\d+)", crc)
    if dims is None:
        return []
    w, h = int(dims.group(1)), int(dims.group(2))
    raw = tap.folder / f"{name}.rgb"
    frames, offset, size = [], 0, raw.stat().st_size
    with raw.open("rb") as fh:
        for n, (pts, dur, tb) in enumerate(framemd5_packets(crc)):
            if offset + w * h * 3 > size:
                break
            image = None
            if name == "rank":
                fh.seek(offset)
                image = np.frombuffer(fh.read(w * h * 3), np.uint8).reshape(h, w, 3)
            frames.append((Frame(pts * tb, n, image if image is not None else np.zeros((h, w, 3), np.uint8),
                                 dur * tb if dur > 0 else None), offset))
            offset += w * h * 3
    return frames


def poster_from_tap(tap: PosterTap, clip: Path, duration: Fraction) -> Artifact | None:
    """``CLIP.jpg`` from the tap's frames, or None if they are not there (the caller then uses :func:`make_poster`)."""
    import numpy as np

    from ..encode.image import write_image
    from .still import pick_best_frame

    try:
        ranked = _tap_frames(tap, "rank")
        cands = _tap_frames(tap, "cand")
    except OSError:
        return None
    if not ranked or not cands:
        return None
    mid, lo, hi, _ = _windows(duration)
    frame, _how = pick_best_frame([f for f, _ in ranked], mid, lo, hi)
    hit = next(((f, off) for f, off in cands if f.time == frame.time), None)
    if hit is None:  # chosen outside the full-size window (a narrowed one): the nearest of those kept
        hit = min(cands, key=lambda c: abs(c[0].time - frame.time))
    cand, offset = hit
    h, w = cand.image.shape[:2]
    with (tap.folder / "cand.rgb").open("rb") as fh:
        fh.seek(offset)
        image = np.frombuffer(fh.read(w * h * 3), np.uint8).reshape(h, w, 3)
    path = write_image(image, clip.with_suffix(".jpg"), quality=POSTER_QUALITY)  # atomically
    return Artifact(path=path, kind="poster", width=w, height=h, bytes=path.stat().st_size, source=clip,
                    start=cand.time, end=cand.time, sha256=sha256_of(path))


def poster_from_source(info, rng, clip: Path, out: Path) -> Artifact:
    """The poster of a clip whose frames are the source's own (the smart cut copies them), chosen and
    read from the source (already probed) while the clip is being made; written to ``out`` (a
    temporary file: the caller moves it beside the clip once the clip is there)."""
    from ..media.frames import read_frames
    from .still import pick_best_frame, still

    mid, lo, hi, pad = _windows(rng.duration)
    video = info.require_video()
    rank_width = min(RANK_WIDTH, video.display_size[0])
    frames = list(read_frames(info, start=rng.start + max(Fraction(0), lo - pad),
                              end=min(info.duration, rng.start + hi + pad), width=rank_width))
    frame, _ = pick_best_frame(frames, rng.start + mid, rng.start + lo, rng.start + hi)
    art = still(info, frame.time, out, jpeg_quality=POSTER_QUALITY, overwrite=True, record=False)
    at = frame.time - rng.start
    return art.with_(kind="poster", path=clip.with_suffix(".jpg"), source=clip, start=at, end=at)


def make_poster(clip: Path, duration: Fraction, width: int) -> Artifact:
    """``CLIP.jpg`` read from the written clip: the sharpest usable frame of its middle, chosen
    (``pick_best_frame``) on frames decoded at most 480 px wide, then written at full size."""
    from ..media.frames import read_frames
    from ..media.probe import probe
    from .still import pick_best_frame, still

    info = probe(clip)
    mid, lo, hi, pad = _windows(duration)
    hi = min(info.duration, hi)
    rank_width = min(RANK_WIDTH, info.require_video().display_size[0])
    frames = list(read_frames(info, start=max(Fraction(0), lo - pad), end=min(info.duration, hi + pad), width=rank_width))
    frame, _ = pick_best_frame(frames, mid, lo, hi)
    art = still(info, frame.time, clip.with_suffix(".jpg"), jpeg_quality=POSTER_QUALITY,
                overwrite=True, record=False)  # checked with the clip, before it was made
    return art.with_(kind="poster")
