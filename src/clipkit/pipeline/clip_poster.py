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
from ..media.ffmpeg import framemd5_packets, read_framecrc

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
    from ..scenes.model import TRANSITION_SPAN  # (choice.py's constant, without importing OpenCV before the encode)

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


def _tap_index(tap: PosterTap, name: str) -> tuple[int, int, list[tuple[Fraction, Fraction | None, int]]]:
    """One side output's frame size and, for each whole frame in its .rgb file, (time, duration, byte offset)."""
    crc = (tap.folder / f"{name}.crc").read_bytes()
    dims = read_framecrc(crc).dimensions(0)
    if dims is None:
        return 0, 0, []
    w, h = dims
    size, frame_bytes = (tap.folder / f"{name}.rgb").stat().st_size, w * h * 3
    rows = [(pts * tb, dur * tb if dur > 0 else None, n * frame_bytes)
            for n, (pts, dur, tb) in enumerate(framemd5_packets(crc))]
    return w, h, [r for r in rows if r[2] + frame_bytes <= size]


def _read_rgb(tap: PosterTap, name: str, w: int, h: int, offset: int):
    """One frame of a side output (H×W×3)."""
    import numpy as np

    with (tap.folder / f"{name}.rgb").open("rb") as fh:
        fh.seek(offset)
        return np.frombuffer(fh.read(w * h * 3), np.uint8).reshape(h, w, 3)


def poster_from_tap(tap: PosterTap, clip: Path, duration: Fraction) -> Artifact | None:
    """``CLIP.jpg`` from the tap's frames, or None if they are not there (the caller then uses :func:`make_poster`)."""
    import numpy as np

    from ..encode.image import write_image
    from ..media.frames import Frame
    from .still import pick_best_frame

    try:
        rw, rh, ranked = _tap_index(tap, "rank")
        w, h, cands = _tap_index(tap, "cand")
        if not ranked or not cands:
            return None
        images = np.fromfile(tap.folder / "rank.rgb", np.uint8, count=len(ranked) * rh * rw * 3).reshape(-1, rh, rw, 3)
        frames = [Frame(t, n, images[n], dur) for n, (t, dur, _) in enumerate(ranked)]
    except OSError:
        return None
    mid, lo, hi, _ = _windows(duration)
    frame, _how = pick_best_frame(frames, mid, lo, hi)
    # The chosen frame at full size (if chosen outside a narrowed full-size window: the nearest kept).
    at, _, offset = min(cands, key=lambda c: abs(c[0] - frame.time))
    path = write_image(_read_rgb(tap, "cand", w, h, offset), clip.with_suffix(".jpg"), quality=POSTER_QUALITY)
    return Artifact(path=path, kind="poster", width=w, height=h, bytes=path.stat().st_size, source=clip,
                    start=at, end=at, sha256=sha256_of(path))


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
