"""Choosing a strip's frames, fast: one short read per slot, the best frame of it.

* **never the whole file**: each slot is one short ffmpeg read (a window of
  about a second around the slot, decoded straight to the tile's size, frames
  nothing is predicted from skipped — not in telecined film, whose frames are
  field-matched), ``workers`` reads at once; on short,
  small files all first windows come from one ffmpeg instead;
* **from a keyframe** on large videos: the window starts right after a seekable
  keyframe near the slot, so nothing before it is decoded;
* **the best frame of the window** (:func:`clipkit.scenes.choice.rank`): not
  black, blank, mid-transition or a flash, the sharpest of what is left; if the
  whole window is unusable (a fade to black), the next windows of the slot's
  share are tried;
* **no near-duplicates** (:func:`clipkit.scenes.choice.distinct`).

A tile's time is the chosen frame's own (from the stream's timestamps).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np

from ..errors import MediaError, UsageError
from ..media.frames import Frame, read_frames
from ..media.interlace import film_decoded
from ..media.keyframes import keyframes
from ..media.probe import MediaInfo
from ..progress import ProgressFn, report
from ..scenes import choice
from ..scenes.choice import TRANSITION_SPAN, Candidate, FrameScore, score_frame
from ..timecode import format_time
from .strip_slots import Slot
from ..settings import DEFAULT_STRIP

__all__ = ["Tile", "choose_tiles"]

#: Other clean candidates kept per tile (to replace a near-duplicate); each holds a tile-sized picture.
MAX_ALTERNATIVES = 4
#: How many further windows a slot tries when the first holds no clean frame.
MAX_EXTRA_WINDOWS = 6
#: Candidates are the frames other frames are predicted from (I, P and reference B frames):
#: about half the decoding, every other frame still scored, and they are the better-coded ones.
REFERENCE_FRAMES_ONLY = ("-skip_frame", "noref")
#: A slot whose share of the video is shorter than this many frames (many tiles from a short range) is
#: dense: every frame is decoded (its share may hold no reference frame at all), and its tile is a frame
#: that starts in its share (a reference frame overlapping two shares was picked for both).
DENSE_SHARE_FRAMES = 4
#: Videos at least this large (pixels) start each slot's window right after a keyframe near it.
KEYFRAME_ANCHOR_PIXELS = 1280 * 720
#: Seconds either side of a slot searched for keyframes to start from.
KEYFRAME_REACH = Fraction(6)
#: Seconds before a slot's share a keyframe may lie and still anchor its window at the share's start
#: (decoded as lead-in: still less than a window elsewhere, which decodes from that same keyframe).
KEYFRAME_LEAD = KEYFRAME_REACH
#: Keyframes tried per slot (nearest first) before a window anywhere else.
MAX_KEYFRAMES_TRIED = 3
#: Seconds of candidates read after a chosen keyframe (plus the transition context either side): the
#: frames just after a keyframe are the best coded, and each second more is decoding at full size.
ANCHORED_WINDOW = Fraction(1, 4)
#: Where a window starts: just after its keyframe (+5 ms for the container's rounded timestamps).
ANCHOR_SKIP = Fraction(1, 200)
#: ffmpeg is asked to seek this far past the keyframe, without trimming: its seek lands on the
#: keyframe (asked right at it, the matroska demuxer can land on the seek point before), so it
#: decodes from the keyframe itself and nothing before it.
_ANCHOR_SEEK = Fraction(3, 23)
#: ... and what ffmpeg is told for such a read: from the keyframe, every frame kept.
_FROM_KEYFRAME = REFERENCE_FRAMES_ONLY + ("-noaccurate_seek",)


@dataclass(frozen=True, eq=False)
class Tile:
    """A chosen frame: its own time, the picture (tile-sized RGB), and why it was chosen."""

    slot: Slot
    time: Fraction
    image: np.ndarray
    score: FrameScore
    clean: bool  # not black/blank/transition/flash (False: the best of a bad window)
    alternatives: tuple["Tile", ...] = field(default=(), repr=False)  # other clean candidates, best first


def _tile(slot: Slot, c: Candidate) -> Tile:
    return Tile(slot, c.time, c.image, c.score, c.clean)


def _dense(info: MediaInfo, slot: Slot) -> bool:
    rate = info.require_video().frame_rate or Fraction(25)
    return not slot.exact and (slot.hi - slot.lo) * rate < DENSE_SHARE_FRAMES


def _film(info: MediaInfo) -> bool:
    """Whether frames come out as telecined film's own (fieldmatch + decimate): every frame must be decoded for
    that (from some only, each is deinterlaced at the 29.97 stream's time, and a tile labelled 17.484 showed
    film frame 419, of 17.476: a still at some labels showed the film frame before)."""
    return film_decoded(info.require_video().scan, info.deinterlace)


def _decoder_options(info: MediaInfo, slots: Sequence[Slot]) -> tuple[str, ...]:
    return () if _film(info) or any(_dense(info, s) for s in slots) else REFERENCE_FRAMES_ONLY


def _anchoring(info: MediaInfo) -> bool:
    """Whether windows start right after a keyframe (large video; not film, which needs frames before its
    first to match fields and find the repeated one)."""
    video = info.require_video()
    return video.width * video.height >= KEYFRAME_ANCHOR_PIXELS and not _film(info)


#: Container timestamps are rounded (to the millisecond in MKV): a frame starting this much before a
#: share's start belongs to that share.
_ROUNDING = Fraction(1, 2000)


def _rank(frames: list[Frame], a: Fraction, b: Fraction, target: Fraction, slot: Slot,
          dense: bool = False) -> list[Tile]:
    """The frames shown in ``[a, b)`` as candidate tiles, best first; the others are context.  For a
    dense slot, the frames that start in ``[a, b)`` when there are any (each frame is one share's)."""
    tiles = [_tile(slot, c) for c in choice.rank(frames, a, b, target)]
    if dense:
        own = [t for t in tiles if a - _ROUNDING <= t.time < b - _ROUNDING]
        return own or tiles
    return tiles


def _decode(info: MediaInfo, pre: Sequence[str] = (), **kwargs) -> list[Frame]:
    """``read_frames`` as a list, after the ``pre`` filters (a crop); on video four or more times the
    tile's width, a cheap halving shrink to twice the tile's width first (the area shrink then reads
    a sixth of the pixels)."""
    video = info.require_video()
    width = kwargs.get("width")
    kwargs["pre_filters"] = list(pre)
    if width and video.width >= 4 * width and not pre:
        kwargs["pre_filters"].append(f"scale={2 * width}:-2:flags=fast_bilinear")
    return list(read_frames(info, **kwargs))


def _best_of(clean: list[Tile]) -> Tile:
    """The best clean candidate, carrying a few others spread over the rest (ranked by value,
    so spread in time too) to replace it if it is a near-copy of its neighbour."""
    rest = clean[1:]
    step = max(1, len(rest) // MAX_ALTERNATIVES)
    return replace(clean[0], alternatives=tuple(rest[::step][:MAX_ALTERNATIVES]))


def _window_candidates(info: MediaInfo, a: Fraction, b: Fraction, target: Fraction, slot: Slot,
                       size: tuple[int, int], threads: int | None, *, decode_from: Fraction | None = None,
                       pre: Sequence[str] = ()) -> list[Tile]:
    """Every frame shown in ``[a, b)`` as a candidate tile, best first (clean ones before the rest).

    Frames just outside the window are decoded too (before it from
    ``decode_from`` when given: right after a keyframe), so that fades and
    dissolves at the window's edges are seen.
    """
    pad = TRANSITION_SPAN + Fraction(1, 10)
    frames = _decode(info, start=max(Fraction(0), a - pad) if decode_from is None else decode_from, end=min(info.duration, b + pad),
                     width=size[0], height=size[1], threads=threads, decoder_options=_decoder_options(info, [slot]),
                     pre=pre)
    return _rank(frames, a, b, target, slot, _dense(info, slot))


def _windows(slot: Slot, half: Fraction):
    """The first window around the target, then further ones in the slot's share, nearest first."""
    yield max(slot.lo, slot.target - half), min(slot.hi, slot.target + half)
    after, before = slot.target + half, slot.target - half
    for _ in range(MAX_EXTRA_WINDOWS):
        moved = False
        if after < slot.hi:
            yield after, min(slot.hi, after + 2 * half)
            after += 2 * half
            moved = True
        if before > slot.lo:
            yield max(slot.lo, before - 2 * half), before
            before -= 2 * half
            moved = True
        if not moved:
            return


def _seek_points(info: MediaInfo, a: Fraction, b: Fraction) -> list[Fraction]:
    """The keyframes ffmpeg can seek to, from the one at or before ``a`` to ``b`` (from the packets'
    key flags: no decoding).  An I-frame x264 put on a scene change is often not one: decoding from
    it means decoding from the seek point before it."""
    try:
        return keyframes(info, max(Fraction(0), a), b)
    except MediaError:
        return []


def _shared_keyframes(info: MediaInfo, slots: list[Slot], window: Fraction) -> list[Fraction] | None:
    """The seekable keyframes of the slots' whole span from one packet read, when the slots' searches
    cover most of the span (a short file, or many tiles); else None (each slot reads its own)."""
    if not slots or any(s.exact for s in slots) or not _anchoring(info):
        return None
    probed = Fraction(0)
    for s in slots:
        half = max(Fraction(1, 50), min(window, (s.hi - s.lo) / 2))
        if s.hi - s.lo > 4 * half:
            probed += min(2 * KEYFRAME_REACH, s.hi - s.lo)
    lo, hi = min(s.lo for s in slots), max(s.hi for s in slots)
    if not probed or hi - lo > Fraction(3, 2) * probed:
        return None
    return _seek_points(info, lo - KEYFRAME_LEAD, hi)


def _anchored(info: MediaInfo, slot: Slot, size: tuple[int, int], half: Fraction, threads: int | None,
              shared: list[Fraction] | None = None, pre: Sequence[str] = ()) -> Tile | None:
    """The best frame just after a keyframe near the slot, or None.

    Decoding from a keyframe costs only the frames wanted; a window anywhere
    else first decodes everything from the keyframe before it (up to ten
    seconds of 1080p video in an ordinary episode).  The seekable keyframes
    near the slot come from the packets (nothing decoded); the window starts
    right after the one nearest the slot — or at the slot's share's start when
    the keyframe lies up to :data:`KEYFRAME_LEAD` before it: a window anywhere
    else would decode from that keyframe too — and the next ones are tried if it
    holds no clean frame.
    """
    reach = min(KEYFRAME_REACH, (slot.hi - slot.lo) / 2)
    lo, hi = max(slot.lo, slot.target - reach), min(slot.hi, slot.target + reach)
    keys = shared if shared is not None else _seek_points(info, lo - KEYFRAME_LEAD, hi)
    plans: dict[Fraction, tuple[Fraction, Fraction]] = {}
    for k in sorted(keys):
        start = k + ANCHOR_SKIP
        a = max(start + TRANSITION_SPAN, slot.lo)  # the frames before are context: is a fade or dissolve ending here?
        if lo - KEYFRAME_LEAD <= k < hi and a < slot.hi and a - (start + TRANSITION_SPAN) <= KEYFRAME_LEAD:
            plans[a] = (abs(a + half - slot.target), start)  # of keyframes before the share, the last (least lead-in)
    for _, start, a in sorted((d, st, a) for a, (d, st) in plans.items())[:MAX_KEYFRAMES_TRIED]:
        for length in dict.fromkeys((min(2 * half, ANCHORED_WINDOW), 2 * half)):
            b = min(slot.hi, a + length)
            if b <= a:
                break
            pad = TRANSITION_SPAN + Fraction(1, 10)
            frames = _decode(info, start=start, end=min(info.duration, b + pad), width=size[0], height=size[1],
                             threads=threads, decoder_options=_FROM_KEYFRAME, lead_in=-_ANCHOR_SEEK, pre=pre)
            cands = choice.rank(frames, a, b, a + half)
            # The short window's best may be the tail of a dissolve (flagged only as beside one): read further.
            clean = [_tile(slot, c) for c in cands if c.clean and c.value >= c.score.sharpness]
            if clean:
                return _best_of(clean)
    return None


def _choose(info: MediaInfo, slot: Slot, size: tuple[int, int], window: Fraction, threads: int | None,
            shared: list[Fraction] | None = None, pre: Sequence[str] = ()) -> Tile:
    if slot.exact:
        f = _decode(info, start=slot.target, end=min(info.duration, slot.target + Fraction(1, 1000)),
                    width=size[0], height=size[1], threads=threads, pre=pre)[0]
        sc = score_frame(f.image)
        return Tile(slot, f.time, f.image, sc, sc.usable)
    half = max(Fraction(1, 50), min(window, (slot.hi - slot.lo) / 2))
    if _anchoring(info) and slot.hi - slot.lo > 4 * half:
        tile = _anchored(info, slot, size, half, threads, shared, pre)
        if tile is not None:
            return tile
    fallback: Tile | None = None
    for tries, (a, b) in enumerate(_windows(slot, half)):
        if b <= a:
            continue
        cands = _window_candidates(info, a, b, slot.target, slot, size, threads, pre=pre)
        if cands and cands[0].clean:
            clean = [c for c in cands if c.clean]
            return _best_of(clean)
        if cands and (fallback is None or (cands[0].score.usable and not fallback.score.usable)):
            fallback = cands[0]
        if tries >= MAX_EXTRA_WINDOWS:
            break
    if fallback is None:  # pragma: no cover - read_frames raises when nothing decodes
        raise UsageError(f"no frame found near {format_time(slot.target)}", "try another range")
    return fallback


#: What starting one ffmpeg costs, in decoded 640×360 frames (measured: about 0.07 s of CPU).
_START_COST_FRAMES_360P = 100


def _one_pass_is_cheaper(info: MediaInfo, slots: list[Slot], window: Fraction) -> bool:
    """Whether one pass over the span (decoding every reference frame, keeping only the windows)
    costs less than one ffmpeg per slot (each decoding from the keyframe before its window).
    True for short, small videos (the sample episode); never for an episode at 1080p."""
    if not slots or any(s.exact for s in slots):
        return False
    video = info.require_video()
    rate = float(video.frame_rate or 25)
    start_cost = _START_COST_FRAMES_360P * (640 * 360) / (video.width * video.height)  # in frames of this size
    per_slot = start_cost + (1 + 2 * float(window) + 0.7) * rate / 2  # lead-in from the keyframe, window, context
    span = float(max(s.hi for s in slots) - min(s.lo for s in slots))
    return span * rate / 2 + start_cost < len(slots) * per_slot


def _first_windows_in_one_pass(info: MediaInfo, slots: list[Slot], size: tuple[int, int], window: Fraction,
                               threads: int | None, pre: Sequence[str] = ()):
    """Yield ``(slot number, best clean tile or None)`` for every slot's first window, from one ffmpeg.

    Frames outside the windows are decoded (reference frames only) but dropped
    inside ffmpeg before scaling; each slot is judged as soon as its window is
    complete, so only a window or two is held in memory.
    """
    pad = TRANSITION_SPAN + Fraction(1, 10)
    spans = []
    for slot in slots:
        half = max(Fraction(1, 50), min(window, (slot.hi - slot.lo) / 2))
        a, b = max(slot.lo, slot.target - half), min(slot.hi, slot.target + half)
        spans.append((a, b, max(Fraction(0), a - pad), min(info.duration, b + pad)))
    offset = info.start_time
    keep = "+".join(f"between(t\\,{float(lo + offset) - 0.05:.6f}\\,{float(hi + offset) + 0.001:.6f})"
                    for _, _, lo, hi in spans)
    frames = read_frames(info, start=spans[0][2], end=spans[-1][3], width=size[0], height=size[1], threads=threads,
                         pre_filters=[f"select={keep}", *pre], decoder_options=_decoder_options(info, slots))
    held: dict[int, list[Frame]] = {i: [] for i in range(len(slots))}
    pending = 0
    try:
        for f in frames:
            while pending < len(slots) and f.time >= spans[pending][3]:
                yield pending, _judge(held.pop(pending), spans[pending], slots[pending], _dense(info, slots[pending]))
                pending += 1
            for i in range(pending, len(slots)):
                if f.time < spans[i][2] - Fraction(1, 10):
                    break
                if f.time < spans[i][3]:
                    held[i].append(f)
    except MediaError:  # nothing decoded: the slots are read one by one
        pass
    finally:
        frames.close()
    while pending < len(slots):
        got = held.pop(pending, [])
        yield pending, (_judge(got, spans[pending], slots[pending], _dense(info, slots[pending])) if got else None)
        pending += 1


def _judge(frames: list[Frame], span: tuple, slot: Slot, dense: bool = False) -> Tile | None:
    """The best clean tile of a slot's first window, or None (then the slot is searched on its own)."""
    cands = _rank(frames, span[0], span[1], slot.target, slot, dense) if frames else []
    clean = [c for c in cands if c.clean]
    return _best_of(clean) if clean else None


def choose_tiles(info: MediaInfo, slots: list[Slot], size: tuple[int, int], *, window: Fraction = DEFAULT_STRIP.window,
                 workers: int = 2, progress: ProgressFn | None = None, pre: Sequence[str] = ()) -> list[Tile]:
    """The best frame for each slot, decoded at ``size`` (tile width, height) after the ``pre`` filters
    (a crop), ``workers`` decoders at once."""
    workers = max(1, int(workers))
    threads = max(1, (os.cpu_count() or 2) // workers)
    total = len(slots)
    report(progress, 0, total)
    results: list[Tile | None] = [None] * total
    done = 0
    if _one_pass_is_cheaper(info, slots, window):
        for i, tile in _first_windows_in_one_pass(info, slots, size, window, None, pre):  # one process: all cores
            if tile is not None:
                results[i] = tile
                done += 1
                report(progress, done, total)
    todo = [slot for i, slot in enumerate(slots) if results[i] is None]
    shared = _shared_keyframes(info, todo, window)
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        futures = {pool.submit(_choose, info, slot, size, window, threads, shared, pre): i
                   for i, slot in enumerate(slots) if results[i] is None}
        for fut in as_completed(futures):
            results[futures[fut]] = fut.result()
            done += 1
            report(progress, done, total)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return choice.distinct([t for t in results if t is not None], alternatives=lambda t: t.alternatives,
                           fixed=lambda t: t.slot.exact)
