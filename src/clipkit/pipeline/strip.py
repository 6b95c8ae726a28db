"""``make_strip``: a thumbnail strip or contact sheet of well-chosen frames.

Frame choice, fast:

* **slots**: evenly over the episode with the opening and the credits skipped
  (``skip_start``/``skip_end`` percent), or over a ``range_``, or one per shot
  (``per_scene``), or the exact moments in ``at``;
* **never the whole file**: each slot is one short ffmpeg read (a window of
  about a second around the slot, decoded straight to the tile's size), and
  ``workers`` reads run at once;
* **the best frame near the slot**: scored with OpenCV on the small frames:
  not black, not blank, not mid-transition (a fade or dissolve changes the
  picture *linearly* over time, which real motion does not), not a one-frame
  flash, the sharpest of what is left (variance of the Laplacian), preferring
  frames near the slot; if the whole window is unusable (a fade to black), the
  next windows of the slot's share of the episode are tried;
* **no near-duplicates**: a tile that looks like its neighbour is replaced by
  another clean candidate of its window when there is one.

The tile's label is the chosen frame's own time (from the stream's
timestamps), never the slot's.
"""

from __future__ import annotations

import io
import math
import os
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from fractions import Fraction

import cv2
import numpy as np
from PIL import Image

from ..artifact import Artifact, sha256_of
from ..atomic import atomic_write_bytes
from ..encode.image import image_format_for
from ..errors import MediaError, TimecodeError, UsageError
from ..media.frames import Frame, read_frames
from ..media.probe import MediaInfo, probe
from ..progress import ProgressFn, report
from ..render import strip as layout_mod
from ..scenes.score import FrameScore, score_frame, to_gray
from ..settings import DEFAULT_STRIP, StripSettings
from ..timecode import format_time, parse_range, parse_time
from .naming import output_path

__all__ = ["make_strip", "choose_tiles", "plan_slots", "Slot", "Tile", "tile_label", "parse_range_text"]

#: Seconds either side of a frame compared to tell a fade/dissolve (linear change) from motion.
TRANSITION_SPAN = Fraction(1, 4)
#: Mean grey change (0–255, on a 64×36 thumbnail) per TRANSITION_SPAN below which a blend is not a transition
#: (slow, smooth motion is nearly linear too, but changes the picture much less than a fade or dissolve).
TRANSITION_MIN_CHANGE = 8.0
#: A frame this close (relative to the change) to the blend of its neighbours is part of a fade or dissolve.
TRANSITION_LINEARITY = 0.12
#: ... or whose typical changing pixel is this close (relative to its own change) to that blend.
TRANSITION_TYPICAL = 0.09
#: A one-frame flash: this far (mean grey) from both neighbours, which are close to each other.
FLASH_JUMP = 12.0
#: Tiles closer than this (mean grey on a 32×18 thumbnail) are near-duplicates.
DUPLICATE_DISTANCE = 3.0
#: Other clean candidates kept per tile (to replace a near-duplicate); each holds a tile-sized picture.
MAX_ALTERNATIVES = 4
#: How many further windows a slot tries when the first holds no clean frame.
MAX_EXTRA_WINDOWS = 6
#: Candidates are the frames other frames are predicted from (I, P and reference B frames):
#: about half the decoding, every other frame still scored, and they are the better-coded ones.
REFERENCE_FRAMES_ONLY = ("-skip_frame", "noref")
#: Videos at least this large (pixels) start each slot's window right after a keyframe near it.
KEYFRAME_ANCHOR_PIXELS = 1280 * 720
#: Seconds either side of a slot searched for keyframes to start from.
KEYFRAME_REACH = Fraction(6)
#: Keyframes are scored at this width.
KEYFRAME_PROBE_WIDTH = 160
#: Where a window starts after its keyframe: read_frames seeks a quarter second before the
#: start it is given, so this makes ffmpeg seek exactly to the keyframe (+1 ms for the
#: container's rounded timestamps) and decode nothing before it.
ANCHOR_SKIP = Fraction(1, 4) + Fraction(3, 23) + Fraction(1, 200)


@dataclass(frozen=True)
class Slot:
    """Where a tile may come from: ``target`` is preferred; ``[lo, hi)`` is its share of the video."""

    target: Fraction
    lo: Fraction
    hi: Fraction
    exact: bool = False  # the frame on screen at ``target``, no search


@dataclass(frozen=True, eq=False)
class Tile:
    """A chosen frame: its own time, the picture (tile-sized RGB), and why it was chosen."""

    slot: Slot
    time: Fraction
    image: np.ndarray
    score: FrameScore
    clean: bool  # not black/blank/transition/flash (False: the best of a bad window)
    alternatives: tuple["Tile", ...] = field(default=(), repr=False)  # other clean candidates, best first


# ---------------------------------------------------------------- slots


def parse_range_text(text: str) -> tuple[str, str]:
    """``"12:00-18:00"`` (or with ``–``, ``..``) → ``("12:00", "18:00")``; the end may be ``+6:00``."""
    for sep in ("..", "–", "—"):
        if sep in text:
            a, _, b = text.partition(sep)
            return a.strip(), b.strip()
    head, sep, tail = text.strip().partition("-")
    if not sep or not head or not tail:
        raise TimecodeError(f'"{text}" is not a range', "write it as START-END, e.g. 12:00-18:00 or 12:00-+6:00")
    return head.strip(), tail.strip()


def _frame_count(span: Fraction, rate: Fraction | None) -> int:
    return int(span * (rate or Fraction(25)))


def plan_slots(info: MediaInfo, count: int, s: StripSettings, *, range_: str | tuple | None = None,
               at: str | list | tuple | None = None) -> tuple[list[Slot], str]:
    """The slots for ``count`` tiles and a description of where they come from.

    Raises :class:`UsageError`/:class:`TimecodeError` for a range outside the
    file, more tiles than the range has frames, or times past the end.
    """
    video = info.require_video()
    rate = video.frame_rate
    if at is not None:
        items = [a.strip() for a in at.split(",")] if isinstance(at, str) else list(at)
        items = [a for a in items if not (isinstance(a, str) and not a)]
        if not items:
            raise UsageError("--at was given no times", "list times separated by commas, e.g. --at 12:30,14:02")
        slots = []
        for item in items:
            t = parse_time(item, frame_rate=rate) if isinstance(item, str) else Fraction(item)
            if t >= info.duration:
                raise TimecodeError(f"{format_time(t)} is past the end of {info.path.name} ({format_time(info.duration)})",
                                    f"give times before {format_time(info.duration)}")
            slots.append(Slot(t, t, t, exact=True))
        return slots, f"{len(slots)} chosen moments"
    if range_ is not None:
        a, b = parse_range_text(range_) if isinstance(range_, str) else range_
        rng = parse_range(a, b, duration=info.duration, frame_rate=rate)
        lo, hi, where = rng.start, rng.end, f"{format_time(rng.start)}–{format_time(rng.end)}"
    else:
        if not (0 <= s.skip_start < 100 and 0 <= s.skip_end < 100 and s.skip_start + s.skip_end < 100):
            raise UsageError(f"skipping {s.skip_start:g}% + {s.skip_end:g}% leaves nothing of the video",
                             "use percentages that add up to less than 100 (default 7 and 7)")
        lo = info.duration * Fraction(str(s.skip_start)) / 100
        hi = info.duration - info.duration * Fraction(str(s.skip_end)) / 100
        where = f"{format_time(lo)}–{format_time(hi)} (skipping {s.skip_start:g}% at the start, {s.skip_end:g}% at the end)"
    available = _frame_count(hi - lo, rate)
    if count > available:
        raise UsageError(f"{count} tiles asked from {where}, which holds only {available} frames",
                         f"ask for at most {available} tiles, or give a longer range")
    share = (hi - lo) / count
    slots = [Slot(lo + k * share + share / 2, lo + k * share, lo + (k + 1) * share) for k in range(count)]
    return slots, where


def _scene_slots(info: MediaInfo, count: int | None, range_, progress: ProgressFn | None) -> list[Slot]:
    """One slot per shot (the middle of it, away from its edges); the longest ``count`` if fewer are wanted."""
    try:
        from .scenes import detect_scenes
    except ImportError as exc:  # pragma: no cover - the scenes job ships with the package
        raise UsageError("scene detection is not available in this installation", "leave out --per-scene") from exc
    kwargs = {}
    if range_ is not None:
        a, b = parse_range_text(range_) if isinstance(range_, str) else range_
        kwargs = {"start": a, "end": b}
    found = detect_scenes(info, progress=progress, **kwargs)
    shots = [sc for sc in found.scenes if sc.end > sc.start]
    if count is not None and count < len(shots):
        keep = sorted(sorted(shots, key=lambda sc: sc.end - sc.start, reverse=True)[:count], key=lambda sc: sc.start)
        shots = keep
    slots = []
    for sc in shots:
        edge = min(TRANSITION_SPAN, (sc.end - sc.start) / 4)
        slots.append(Slot((sc.start + sc.end) / 2, sc.start + edge, max(sc.start + edge, sc.end - edge) + Fraction(1, 1000)))
    return slots


# ---------------------------------------------------------------- frame choice


def _thumb(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return cv2.resize(to_gray(image), size, interpolation=cv2.INTER_AREA).astype(np.float32)


#: (seconds before, seconds after) of the frames a frame is compared with; 0 = the adjacent frame.
_BRACKETS = ((TRANSITION_SPAN, TRANSITION_SPAN), (TRANSITION_SPAN, Fraction(0)), (Fraction(0), TRANSITION_SPAN),
             (TRANSITION_SPAN / 2, TRANSITION_SPAN / 2))


def _nearest(times: list[Fraction], i: int, direction: int, distance: Fraction) -> int | None:
    """The index of the first frame at least ``distance`` before (-1) / after (+1) frame ``i`` (the adjacent one for 0)."""
    k = i + direction
    while 0 <= k < len(times):
        if abs(times[k] - times[i]) >= distance:
            return k
        k += direction
    return None


def _flags(frames: list[Frame]) -> tuple[list[bool], list[bool]]:
    """Per frame: whether it is mid-transition, whether it is a one-frame flash."""
    small = [_thumb(f.image, (64, 36)) for f in frames]
    times = [f.time for f in frames]
    n = len(frames)
    transition = [False] * n
    flash = [False] * n
    for i in range(n):
        if 0 < i < n - 1:
            d1 = float(np.abs(small[i] - small[i - 1]).mean())
            d2 = float(np.abs(small[i] - small[i + 1]).mean())
            d0 = float(np.abs(small[i + 1] - small[i - 1]).mean())
            if min(d1, d2) > FLASH_JUMP and d0 < 0.5 * min(d1, d2):
                flash[i] = True
        # Brackets around the frame: a fade or dissolve puts it on the straight line
        # between a frame before and a frame after (one-sided brackets catch the ends).
        for before, after in _BRACKETS:
            j = _nearest(times, i, -1, before)
            k = _nearest(times, i, +1, after)
            if j is None or k is None:
                continue
            span = times[k] - times[j]
            change = float(np.abs(small[k] - small[j]).mean())
            if change < TRANSITION_MIN_CHANGE * float(span / TRANSITION_SPAN):
                continue
            w = float((times[i] - times[j]) / span)
            residual = np.abs(small[i] - (small[j] * (1 - w) + small[k] * w))
            if float(residual.mean()) < TRANSITION_LINEARITY * change:
                transition[i] = True
                break
            # Moving things inside the shots blending over each other leave a residual in a
            # few places; the typical changing pixel of a fade or dissolve still sits on the line.
            moved = np.abs(small[k] - small[j])
            mask = moved > 3
            if mask.mean() > 0.05 and float(np.median(residual[mask] / moved[mask])) < TRANSITION_TYPICAL:
                transition[i] = True
                break
    # a flash's neighbours are not themselves transitions; a frame between two transition frames is
    for i in range(1, n - 1):
        if transition[i - 1] and transition[i + 1]:
            transition[i] = True
    return transition, flash


def _decode(info: MediaInfo, **kwargs) -> list[Frame]:
    """``read_frames`` as a list."""
    return list(read_frames(info, **kwargs))


def _best_of(clean: list[Tile]) -> Tile:
    """The best clean candidate, carrying a few others spread over the rest (ranked by value,
    so spread in time too) to replace it if it is a near-copy of its neighbour."""
    rest = clean[1:]
    step = max(1, len(rest) // MAX_ALTERNATIVES)
    return replace(clean[0], alternatives=tuple(rest[::step][:MAX_ALTERNATIVES]))


def _window_candidates(info: MediaInfo, a: Fraction, b: Fraction, target: Fraction, slot: Slot,
                       size: tuple[int, int], threads: int | None, *, decode_from: Fraction | None = None) -> list[Tile]:
    """Every frame shown in ``[a, b)`` as a candidate tile, best first (clean ones before the rest).

    Frames just outside the window are decoded too (before it from
    ``decode_from`` when given: right after a keyframe), so that fades and
    dissolves at the window's edges are seen.
    """
    pad = TRANSITION_SPAN + Fraction(1, 10)
    frames = _decode(info, start=max(Fraction(0), a - pad) if decode_from is None else decode_from, end=min(info.duration, b + pad),
                     width=size[0], height=size[1], threads=threads, decoder_options=REFERENCE_FRAMES_ONLY)
    return _rank(frames, a, b, target, slot)


def _rank(frames: list[Frame], a: Fraction, b: Fraction, target: Fraction, slot: Slot) -> list[Tile]:
    """The frames shown in ``[a, b)`` as candidate tiles, best first; the others are context."""
    transition, flash = _flags(frames)
    reach = max(b - target, target - a, Fraction(1, 100))
    changing = [f.time for f, tr in zip(frames, transition) if tr]
    out = []
    for f, tr, fl in zip(frames, transition, flash):
        shown_until = f.time + (f.duration or Fraction(1, 100))
        if shown_until <= a or f.time >= b:
            continue
        sc = score_frame(f.image)
        clean = sc.usable and not tr and not fl
        value = sc.sharpness * (1 - 0.5 * float(min(abs(f.time - target) / reach, 1)))
        if any(abs(f.time - c) <= TRANSITION_SPAN for c in changing):
            value *= 0.3  # the ends of a fade or dissolve: still slightly mixed
        out.append((clean, value, Tile(slot, f.time, f.image, sc, clean)))
    out.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [tile for _, _, tile in out]


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


def _keyframes(info: MediaInfo, a: Fraction, b: Fraction, threads: int | None) -> list[Frame]:
    """The keyframes shown in ``[a, b)``, small (only they are decoded: fast even at 1080p)."""
    try:
        return _decode(info, start=a, end=b, width=KEYFRAME_PROBE_WIDTH, height=None, threads=threads,
                       decoder_options=("-skip_frame", "nokey"))
    except MediaError:  # none in the span
        return []


def _anchored(info: MediaInfo, slot: Slot, size: tuple[int, int], half: Fraction, threads: int | None) -> Tile | None:
    """The best frame just after a good keyframe near the slot, or None.

    Decoding from a keyframe costs only the frames wanted; a window anywhere
    else first decodes everything from the keyframe before it (up to ten
    seconds of 1080p video in an ordinary episode).  The keyframes near the
    slot are found by decoding keyframes only, the usable one nearest the
    slot (and sharp) is chosen, and the window starts right after it.
    """
    reach = min(KEYFRAME_REACH, (slot.hi - slot.lo) / 2)
    keys = [k for k in _keyframes(info, max(slot.lo, slot.target - reach), min(slot.hi, slot.target + reach), threads)
            if slot.lo <= k.time + ANCHOR_SKIP + TRANSITION_SPAN < slot.hi]
    ranked = []
    for k in keys:
        sc = score_frame(k.image)
        if sc.usable:
            ranked.append((sc.sharpness * (1 - 0.5 * float(min(abs(k.time - slot.target) / max(reach, Fraction(1)), 1))), k))
    ranked.sort(key=lambda item: item[0], reverse=True)
    for _, k in ranked[:2]:
        start = k.time + ANCHOR_SKIP
        a = start + TRANSITION_SPAN  # the frames before are context: is a fade or dissolve ending here?
        b = min(slot.hi, a + 2 * half)
        if b <= a:
            continue
        cands = _window_candidates(info, a, b, a + half, slot, size, threads, decode_from=start)
        clean = [c for c in cands if c.clean]
        if clean:
            return _best_of(clean)
    return None


def _choose(info: MediaInfo, slot: Slot, size: tuple[int, int], window: Fraction, threads: int | None) -> Tile:
    if slot.exact:
        f = _decode(info, start=slot.target, end=min(info.duration, slot.target + Fraction(1, 1000)),
                    width=size[0], height=size[1], threads=threads)[0]
        sc = score_frame(f.image)
        return Tile(slot, f.time, f.image, sc, sc.usable)
    half = max(Fraction(1, 50), min(window, (slot.hi - slot.lo) / 2))
    video = info.require_video()
    if video.width * video.height >= KEYFRAME_ANCHOR_PIXELS and slot.hi - slot.lo > 4 * half:
        tile = _anchored(info, slot, size, half, threads)
        if tile is not None:
            return tile
    fallback: Tile | None = None
    for tries, (a, b) in enumerate(_windows(slot, half)):
        if b <= a:
            continue
        cands = _window_candidates(info, a, b, slot.target, slot, size, threads)
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


def _signature(image: np.ndarray) -> np.ndarray:
    return _thumb(image, (32, 18))


def _distinct(tiles: list[Tile]) -> list[Tile]:
    """Replace tiles that look like the tile before them by a clean alternative when there is one."""
    out: list[Tile] = []
    for tile in tiles:
        if out and not tile.slot.exact:
            prev = _signature(out[-1].image)
            if float(np.abs(_signature(tile.image) - prev).mean()) < DUPLICATE_DISTANCE:
                other = next((alt for alt in tile.alternatives
                              if float(np.abs(_signature(alt.image) - prev).mean()) >= DUPLICATE_DISTANCE), None)
                if other is not None:
                    tile = replace(other, alternatives=())
        out.append(tile)
    return out


def _alike(tiles: list[Tile]) -> list[int]:
    """Numbers (from 1) of tiles that look like the tile after them."""
    sigs = [_signature(t.image) for t in tiles]
    return [k + 1 for k in range(len(tiles) - 1) if float(np.abs(sigs[k + 1] - sigs[k]).mean()) < DUPLICATE_DISTANCE]


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
                               threads: int | None):
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
                         pre_filters=[f"select={keep}"], decoder_options=REFERENCE_FRAMES_ONLY)
    held: dict[int, list[Frame]] = {i: [] for i in range(len(slots))}
    pending = 0
    try:
        for f in frames:
            while pending < len(slots) and f.time >= spans[pending][3]:
                yield pending, _judge(held.pop(pending), spans[pending], slots[pending])
                pending += 1
            for i in range(pending, len(slots)):
                if f.time < spans[i][2] - Fraction(1, 10):
                    break
                if f.time < spans[i][3]:
                    held[i].append(f)
    except (IndexError, MediaError):  # read_frames' first-frame race, or nothing decoded: slots are read one by one
        pass
    finally:
        frames.close()
    while pending < len(slots):
        got = held.pop(pending, [])
        yield pending, (_judge(got, spans[pending], slots[pending]) if got else None)
        pending += 1


def _judge(frames: list[Frame], span: tuple, slot: Slot) -> Tile | None:
    """The best clean tile of a slot's first window, or None (then the slot is searched on its own)."""
    cands = _rank(frames, span[0], span[1], slot.target, slot) if frames else []
    clean = [c for c in cands if c.clean]
    return _best_of(clean) if clean else None


def choose_tiles(info: MediaInfo, slots: list[Slot], size: tuple[int, int], *, window: Fraction = Fraction(1, 2),
                 workers: int = 2, progress: ProgressFn | None = None) -> list[Tile]:
    """The best frame for each slot, decoded at ``size`` (tile width, height), ``workers`` decoders at once."""
    workers = max(1, int(workers))
    threads = max(1, (os.cpu_count() or 2) // workers)
    total = len(slots)
    report(progress, 0, total)
    results: list[Tile | None] = [None] * total
    done = 0
    if _one_pass_is_cheaper(info, slots, window):
        for i, tile in _first_windows_in_one_pass(info, slots, size, window, None):  # one process: all cores
            if tile is not None:
                results[i] = tile
                done += 1
                report(progress, done, total)
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        futures = {pool.submit(_choose, info, slot, size, window, threads): i
                   for i, slot in enumerate(slots) if results[i] is None}
        for fut in as_completed(futures):
            results[futures[fut]] = fut.result()
            done += 1
            report(progress, done, total)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return _distinct([t for t in results if t is not None])


# ---------------------------------------------------------------- labels, header, encoding


def tile_label(t: Fraction, style: str = "auto") -> str:
    """The label of a tile at time ``t``: ``12:30`` (whole seconds, as a player shows) or ``12:30.458``."""
    whole = Fraction(math.floor(t))
    if style == "precise":
        ms = math.floor((t - whole) * 1000)
        return f"{format_time(whole)}.{ms:03d}"
    return format_time(whole)


def _facts(info: MediaInfo) -> str:
    v = info.require_video()
    w, h = v.display_size
    bits = [f"{format_time(Fraction(math.floor(info.duration)))}", f"{w}×{h}", v.codec]
    if v.frame_rate:
        bits.append(f"{float(v.frame_rate):.3f}".rstrip("0").rstrip(".") + " fps")
    bits.append(f"{info.size_bytes / 1e6:.1f} MB" if info.size_bytes < 1e9 else f"{info.size_bytes / 1e9:.2f} GB")
    return f"{info.path.name}  ·  " + "  ·  ".join(bits)


def _encode(image: Image.Image, fmt: str, quality: int) -> bytes:
    buf = io.BytesIO()
    if fmt == "JPEG":
        image.save(buf, format="JPEG", quality=quality, optimize=True, progressive=True)
    elif fmt == "WEBP":
        image.save(buf, format="WEBP", quality=quality, method=4)
    else:
        image.save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue()


def _human(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"


def _fit(image: Image.Image, fmt: str, s: StripSettings) -> tuple[bytes, str | None]:
    """The encoded image within ``max_size`` (highest quality that fits) and a note on the quality used."""
    if s.max_size is None:
        return _encode(image, fmt, s.quality), None
    if fmt == "PNG":
        data = _encode(image, fmt, 0)
        if len(data) > s.max_size:
            raise UsageError(f"the sheet is {_human(len(data))} as PNG, over the {_human(s.max_size)} budget",
                             "write .jpg or .webp (their quality is lowered to fit), or make it narrower with --width")
        return data, None
    lo, hi = s.min_quality, s.quality
    best = None
    while lo <= hi:
        q = (lo + hi) // 2
        data = _encode(image, fmt, q)
        if len(data) <= s.max_size:
            best, lo = (data, q), q + 1
        else:
            hi = q - 1
    if best is None:
        smallest = _encode(image, fmt, s.min_quality)
        raise UsageError(f"the sheet is {_human(len(smallest))} even at quality {s.min_quality}, over the {_human(s.max_size)} budget",
                         "allow more with --max-size, or make it smaller with --width or fewer tiles")
    data, q = best
    return data, (f"quality {q} to fit {_human(s.max_size)}" if q < s.quality else None)


def _check(s: StripSettings) -> None:
    if s.width < 16 or s.width > 20000:
        raise UsageError(f"width {s.width} px is out of range", "use 16–20000 pixels")
    if s.label_format not in ("auto", "precise", "none"):
        raise UsageError(f"unknown label format {s.label_format!r}", "use auto, precise or none")
    if s.label_position not in layout_mod.LABEL_POSITIONS:
        raise UsageError(f"unknown label position {s.label_position!r}", f"use one of: {', '.join(layout_mod.LABEL_POSITIONS)}")
    if s.max_size is not None and s.max_size <= 0:
        raise UsageError(f"--max-size must be more than 0 (got {s.max_size})", "give a size such as 500KB")
    if not 1 <= s.min_quality <= s.quality <= 100:
        raise UsageError(f"quality {s.quality} / min_quality {s.min_quality} are out of range", "use 1 ≤ min_quality ≤ quality ≤ 100")
    if s.window <= 0:
        raise UsageError("the search window must be more than 0 seconds", "give e.g. 0.5")
    if s.radius < 0 or s.border < 0:
        raise UsageError("radius and border cannot be negative", "use 0 or more pixels")


# ---------------------------------------------------------------- the job


def make_strip(
    source: str | os.PathLike | MediaInfo,
    output: str | os.PathLike | None = None,
    *,
    settings: StripSettings | None = None,
    progress: ProgressFn | None = None,
    at: str | list | tuple | None = None,
    range_: str | tuple | None = None,
    per_scene: bool = False,
    **overrides,
) -> Artifact:
    """Write a strip / contact sheet of the best frames of ``source``; return what was made.

    ``output`` is a file (``.png``, ``.jpg``, ``.webp``) or a folder; by
    default ``<video stem>_strip.png`` here.  Frames come evenly from the
    episode (opening and credits skipped), from ``range_`` (``"12:00-18:00"``
    or a pair), one per shot (``per_scene``), or exactly at ``at``
    (``"12:30,14:02"`` or a list).  ``overrides`` are
    :class:`~clipkit.settings.StripSettings` fields (``layout``, ``count``,
    ``cols``, ``rows``, ``width``, ``header``, ``max_size``, …).
    """
    s = replace(settings or DEFAULT_STRIP, **overrides)
    if isinstance(s.max_size, str):
        from .gif import parse_size  # the one parser of "500KB"-style sizes

        s = replace(s, max_size=parse_size(s.max_size))
    if not isinstance(s.window, Fraction):
        s = replace(s, window=Fraction(str(s.window)))
    _check(s)
    if sum(x is not None and x is not False for x in (at, per_scene or None)) > 1:
        raise UsageError("--at and --per-scene choose frames in different ways", "give only one of them")
    if at is not None and range_ is not None:
        raise UsageError("--at gives exact moments, so --range does not apply", "give only one of them")
    info = source if isinstance(source, MediaInfo) else probe(source)
    video = info.require_video()
    path = output_path(output, info.path, "strip", s.format)
    fmt = image_format_for(path)  # an unknown extension fails before any decoding
    background = layout_mod.parse_color(s.background)
    border_color = layout_mod.parse_color(s.border_color)

    # The shape first (bad counts fail fast), then the slots.
    n_at = None
    if at is not None:
        n_at = len([a for a in (at.split(",") if isinstance(at, str) else at) if not (isinstance(a, str) and not a.strip())])
        if s.count is not None and s.count != n_at:
            raise UsageError(f"--count {s.count} but {n_at} times given with --at", "leave out --count with --at")
    count, cols, rows = layout_mod.grid_shape(s.layout, n_at or s.count, s.cols, s.rows)

    # Fonts before decoding: a title no installed font covers fails now, naming a font to install.
    from ..render.fonts import find_font, load_font

    header = None
    margin = s.gap if s.margin is None else s.margin
    if s.header or s.title is not None:  # a title asks for the header
        title = s.title if s.title is not None else (info.title or info.path.stem)
        facts = _facts(info)
        title_size = max(14, round(s.width / 36))
        facts_size = max(11, round(title_size * 0.62))
        header = layout_mod.Header(
            title=title, facts=facts,
            title_font=load_font(find_font(title, font=s.font, bold=True) if s.font is None else find_font(title, font=s.font), title_size),
            facts_font=load_font(find_font(facts, font=s.font), facts_size),
        )
    aspect = video.display_aspect
    plan = layout_mod.plan_layout(count, cols, rows, width=s.width, aspect=aspect, gap=s.gap, margin=s.margin,
                                  header_height=layout_mod.header_height(header, margin))
    label_font = None
    if s.labels and s.label_format != "none":
        size = s.label_size or max(10, round(plan.tile_height * 0.11))
        label_font = load_font(find_font("0123456789:.", font=s.font), size)

    if per_scene:
        slots = _scene_slots(info, s.count, range_, None)
        if not slots:
            raise UsageError("no shots were found", "try without --per-scene")
        count, cols, rows = layout_mod.grid_shape(s.layout, len(slots), s.cols if s.layout == "grid" else None)
        plan = layout_mod.plan_layout(count, cols, rows, width=s.width, aspect=aspect, gap=s.gap, margin=s.margin,
                                      header_height=plan.header_height)
        where = f"one frame per shot ({len(slots)} shots)"
    else:
        slots, where = plan_slots(info, count, s, range_=range_, at=at)

    tiles = choose_tiles(info, slots, (plan.tile_width, plan.tile_height), window=s.window,
                         workers=s.workers, progress=progress)
    labels = [tile_label(t.time, s.label_format) for t in tiles] if label_font is not None else None
    image = layout_mod.render_strip(
        [t.image for t in tiles], plan, background=background, radius=s.radius, border=s.border,
        border_color=border_color, labels=labels, label_font=label_font, label_position=s.label_position,
        header=header, margin=margin,
    )
    data, quality_note = _fit(image, fmt, s)
    report(progress, len(slots), len(slots))  # one last chance to stop before writing
    atomic_write_bytes(path, data)

    notes = [f"{count} tile{'s' if count != 1 else ''} from {where}: " + ", ".join(tile_label(t.time, "precise") for t in tiles)]
    moved = [t for t in tiles if not t.slot.exact and not t.clean]
    if moved:
        notes.append("no clean frame (all black, blank or in a transition) near " +
                     ", ".join(format_time(t.slot.target, 1) for t in moved) + "; used the best there was")
    unusable = [t for t in tiles if t.slot.exact and not t.clean]
    if unusable:
        notes.append("these exact moments are black or blank: " + ", ".join(tile_label(t.time, "precise") for t in unusable))
    alike = _alike(tiles)
    if alike:
        notes.append("tiles " + ", ".join(f"{k} and {k + 1}" for k in alike) +
                     " look alike (a still shot: no different frame near them)")
    if quality_note:
        notes.append(quality_note)
    if plan.tile_width > video.display_size[0]:
        notes.append(f"tiles ({plan.tile_width} px) are wider than the video ({video.display_size[0]} px): upscaled")
    return Artifact(
        path=path, kind="strip", width=image.width, height=image.height, bytes=len(data), source=info.path,
        start=min(t.time for t in tiles), end=max(t.time for t in tiles), frame_count=len(tiles),
        sha256=sha256_of(path), notes=tuple(notes),
    )

