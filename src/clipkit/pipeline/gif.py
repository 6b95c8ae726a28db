"""``make_gif``: a time range of a video to an optimised GIF (and MP4/WebP siblings).

One decode of the range at the target size (crop inside ffmpeg), frames kept
in memory, then the GIF engine (``encode.gif``).  To fit ``max_size``, the
engine is rerun on the same decoded frames with, in this order, more
tolerance and fewer colours, fewer frames per second, then fewer pixels — a
bounded number of tries, each chosen from the size the last one gave.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..artifact import Artifact, sha256_of
from ..atomic import atomic_path, ensure_writable_dir
from ..encode.gif import MAX_FPS, GifOptions, centisecond_delays, encode_gif, tick_times
from ..encode.gif.dither import DITHER_METHODS
from ..encode.video import VIDEO_KINDS, write_video
from ..errors import OutputError, TimecodeError, UsageError
from ..media.frames import Frame, fit_size, frame_at, read_frames, resample
from ..media.probe import MediaInfo, probe
from ..progress import ProgressFn, report
from ..render.captions import caption_overlay, split_caption_overrides
from ..render.crop import CropBox, crop_filter, detect_bars, parse_crop
from ..render.resize import resize
from ..settings import DEFAULT_CAPTION, DEFAULT_GIF, CaptionSettings, GifSettings
from .captions import gather_captions
from ..timecode import TimeRange, parse_range, slug_time
from .naming import safe_name

__all__ = ["make_gif", "parse_size", "parse_loop", "Overlay"]

#: ``overlay(time, image) -> image``: drawn on each output frame (RGB uint8,
#: after crop/resize, before quantisation); ``time`` is the file time it shows.
Overlay = Callable[[Fraction, np.ndarray], np.ndarray]

_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]i?[bB]?|[bB])?\s*$")
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "m": 1000**2, "mb": 1000**2, "ki": 1024, "kib": 1024, "mi": 1024**2, "mib": 1024**2}

#: The smallest width a fit to ``max_size`` may go down to.
MIN_FIT_WIDTH = 96


def parse_size(text: str | int) -> int:
    """``3MB``, ``500KB``, ``2.5M``, ``1MiB``, ``120000`` → bytes (KB/MB are 1000-based: fits either reading)."""
    if isinstance(text, int):
        return text
    m = _SIZE_RE.match(text)
    if not m or float(m.group(1)) <= 0:
        raise UsageError(f"{text!r} is not a file size", "write it like 3MB, 500KB or 2000000")
    return int(float(m.group(1)) * _UNITS[(m.group(2) or "").lower()])


def parse_loop(value: str | int | None) -> int | None:
    """``forever`` → 0, ``once`` → None (no loop block), N plays → N−1 repeats."""
    text = str(value).strip().lower() if value is not None else "forever"
    if text in ("forever", "0", "infinite"):
        return 0
    if text in ("once", "1"):
        return None
    if text.isdigit() and 1 < int(text) <= 65536:
        return int(text) - 1
    raise UsageError(f"--loop {value} is not forever, once or a number of plays", "e.g. --loop forever, --loop once, --loop 3")


@dataclass(frozen=True)
class _Try:
    quality: int
    colors: int
    fps: Fraction
    size: tuple[int, int]

    def describe(self) -> str:
        return f"{self.size[0]}×{self.size[1]}, {float(self.fps):g} fps, {self.colors} colours, quality {self.quality}"


def _check(s: GifSettings) -> None:
    if s.dither not in DITHER_METHODS:
        raise UsageError(f"--dither {s.dither} is not one of {', '.join(DITHER_METHODS)}", "the default is none")
    if not 2 <= s.colors <= 256:
        raise UsageError(f"--colors {s.colors} is outside 2–256", "GIF frames hold at most 256 colours")
    if not 1 <= s.quality <= 100:
        raise UsageError(f"--quality {s.quality} is outside 1–100", "75 is the default")
    if not 0 < Fraction(s.fps) <= MAX_FPS:
        raise UsageError(f"--fps {float(s.fps):g} is not above 0 and at most 50",
                         "browsers play delays under 2 cs as 10 cs; use 50 fps or less (20 is exact)")
    if not Fraction(1, 16) <= Fraction(s.speed) <= 16:
        raise UsageError(f"--speed {float(s.speed):g} is outside 1/16–16", "e.g. --speed 0.5 for slow motion")
    for kind in s.also:
        if kind not in VIDEO_KINDS:
            raise UsageError(f"--also {kind} is not a format clipkit writes beside a GIF", f"use {','.join(VIDEO_KINDS)}")


def _crop_box(info: MediaInfo, s: GifSettings, rng: TimeRange, notes: list[str]) -> CropBox | None:
    display = info.require_video().display_size
    if not s.crop:
        return None
    if s.crop.strip().lower() != "auto":
        return parse_crop(s.crop, display)
    probes = [rng.start + rng.duration * k / 4 for k in range(4)]
    samples = [frame_at(info, t, pix_fmt="gray").image for t in probes]
    box = detect_bars(samples)
    if box is None:
        notes.append("crop auto: no black bars found; kept the whole picture")
    else:
        notes.append(f"crop auto: removed black bars, kept {box.width}×{box.height} at {box.x},{box.y}")
    return box


def _decoded_frame_size(info: MediaInfo) -> tuple[int, int]:
    """The size ffmpeg's frames have before aspect correction (after autorotation)."""
    v = info.require_video()
    return (v.height, v.width) if v.rotation in (90, 270) else (v.width, v.height)


#: How far either side of a range ``snap`` looks for shot boundaries (the scene
#: detector needs context around the boundary itself).
_SNAP_CONTEXT = Fraction(5)


def _clip_range(info: MediaInfo, start, end, scene: int | None, snap: bool) -> TimeRange:
    """The range a GIF shows: typed times, or a shot, optionally snapped to cuts."""
    from .scenes import scene_range, snap_range  # scene detection only when asked for

    if scene is not None:
        if start is not None or end is not None:
            raise UsageError("give either START and END or a scene number, not both",
                             "e.g. `clipkit gif ep07.mkv --scene 12` or `clipkit gif ep07.mkv 12:30 +6`")
        return scene_range(info, scene)
    if start is None or end is None:
        raise UsageError("a GIF needs START and END (or --scene N)", "e.g. `clipkit gif ep07.mkv 12:30 +6`")
    rng = parse_range(start, end, duration=info.duration, frame_rate=info.require_video().frame_rate)
    if not snap:
        return rng
    lo = max(Fraction(0), rng.start - _SNAP_CONTEXT)
    hi = min(info.duration, rng.end + _SNAP_CONTEXT)
    return snap_range(info, rng.start, rng.end, window=(lo, hi))


def make_gif(
    source: str | os.PathLike | MediaInfo,
    start: str | Fraction | None = None,
    end: str | Fraction | None = None,
    output: str | os.PathLike | None = None,
    *,
    scene: int | None = None,
    snap: bool = False,
    settings: GifSettings | None = None,
    overlay: Overlay | None = None,
    reserve_colors: Sequence[tuple[int, int, int]] = (),
    progress: ProgressFn | None = None,
    caption: str | Sequence[str] = (),
    caption_at: Sequence = (),
    subs: str | os.PathLike | None = None,
    caption_settings: CaptionSettings | None = None,
    **overrides,
) -> Artifact:
    """Make an optimised GIF of ``[start, end)`` of ``source``; return what was written.

    ``end`` may be relative (``"+6"``).  The first frame is the one on screen
    at ``start`` (frame-accurate, decoded from the keyframe before); frames
    are then sampled every 1/fps of output time.  ``overrides`` are
    :class:`~clipkit.settings.GifSettings` fields.  ``overlay(time, rgb)``
    draws on each output frame before quantisation (captions);
    ``reserve_colors`` are RGB colours the palette holds exactly.
    ``scene=N`` takes shot N (from 1, as ``clipkit scenes`` numbers them)
    instead of ``start``/``end``; ``snap`` moves each end to the nearest shot
    boundary within half a second, so no stray frame of another shot shows.
    Captions: the dialogue of ``subs`` (default ``auto``: a same-stem .srt,
    else the first text track in the preferred language; ``off``, a file,
    ``track:N``, ``lang:xxx``) on the frames where it is spoken, plus
    ``caption`` texts over the whole GIF and ``caption_at`` ``(span, text)``
    pairs; their look comes from :class:`~clipkit.settings.CaptionSettings`
    fields given as overrides (``caption_style``, ``font``, …).
    """
    caption_overrides, overrides = split_caption_overrides(overrides)
    cs = replace(caption_settings or DEFAULT_CAPTION, **caption_overrides)
    s = replace(settings or DEFAULT_GIF, **overrides)
    if overrides.get("height") and "width" not in overrides:
        s = replace(s, width=None)  # only a height typed: the width follows the aspect, not the default 540
    if isinstance(s.max_size, str):
        s = replace(s, max_size=parse_size(s.max_size))
    s = replace(s, fps=Fraction(s.fps), speed=Fraction(s.speed), also=tuple(s.also))
    _check(s)
    loop = parse_loop(s.loop)
    info = source if isinstance(source, MediaInfo) else probe(source)
    video = info.require_video()
    rng = _clip_range(info, start, end, scene, snap)
    play = rng.duration / s.speed
    if play < Fraction(1, 50) or (video.frame_rate and rng.duration < 1 / video.frame_rate and play < 1 / s.fps):
        raise TimecodeError(f"the range {rng} holds no whole frame ({float(rng.duration) * 1000:.0f} ms)",
                            "give a longer range, e.g. an end of +2")
    notes: list[str] = []
    box = _crop_box(info, s, rng, notes)
    display = (box.width, box.height) if box else video.display_size
    size = fit_size(display, s.width, s.height, even=False)
    if size[0] > display[0] or size[1] > display[1]:
        notes.append(f"upscaled from {display[0]}×{display[1]} to {size[0]}×{size[1]}: the GIF is bigger, not sharper")
    path = _gif_path(output, s.naming.format(stem=info.path.stem, start=slug_time(rng.start), end=slug_time(rng.end)))
    if path.is_dir():
        raise OutputError(f"{path} is a folder", "give a file name ending in .gif")
    ensure_writable_dir(path.parent if str(path.parent) else Path("."))  # fail before decoding, not after

    # Captions: chosen, laid out and checked before decoding; drawn before quantisation.
    job_captions = gather_captions(info, rng.start, rng.end, subs=subs if subs is not None else cs.subs,
                                   captions=caption, caption_at=caption_at, subs_language=cs.subs_language)
    notes.extend(job_captions.notes)
    captions_overlay = None
    if job_captions.cues:
        plan = caption_overlay(job_captions.cues, rng.start, size, cs, clip_end=rng.end,
                               lang=job_captions.language, strict_cues=job_captions.typed)
        captions_overlay = plan.overlay
        reserve_colors = [*reserve_colors, *plan.reserve_colors]
        if overlay is None:
            overlay = captions_overlay
        else:
            user_overlay = overlay
            overlay = lambda t, img: captions_overlay(t, user_overlay(t, img))  # noqa: E731

    # Decode once, at the target size.
    pre = [crop_filter(box, video.display_size, _decoded_frame_size(info))] if box else []
    est_src = int(rng.duration * (video.frame_rate or 25)) + 1
    est_out = len(tick_times(play, s.fps)) * (2 if s.bounce else 1)
    total = est_src + est_out
    rates = [s.fps] + ([r for r in _FPS_STEPS if r < s.fps] if s.max_size is not None else [])
    decoded: list[Frame] = []
    warnings: list[str] = []
    frames_in = read_frames(info, start=rng.start, end=rng.end, width=size[0], height=size[1], pre_filters=pre,
                            warnings=warnings)
    for n, frame in enumerate(_frames_on_ticks(frames_in, rng.start, rng.end, [r / s.speed for r in rates]), 1):
        decoded.append(frame)
        report(progress, min(n, est_src), total)
    if warnings:
        notes.append(f"{len(warnings)} decoder warning(s); first: {warnings[0]}")

    def render(t: _Try) -> tuple[list[np.ndarray], list[Fraction], list[int]]:
        ticks = list(resample(decoded, rng.start, rng.end, t.fps / s.speed))  # source time runs speed× faster
        times = [tt for tt, _ in ticks]
        images = []
        cache: dict[int, np.ndarray] = {}
        for tt, fr in ticks:
            img = cache.get(fr.index)
            if img is None:  # a source frame shown on several ticks is resized once
                img = cache[fr.index] = resize(fr.image, *t.size)
            images.append(_apply_overlay(overlay, tt, img) if overlay is not None else img)
        delays = centisecond_delays(tick_times(play, t.fps)[: len(images)], play)
        if s.reverse:
            images, times, delays = images[::-1], times[::-1], delays[::-1]
        if s.bounce and len(images) > 2:
            images = images + images[-2:0:-1]
            times = times + times[-2:0:-1]
            delays = delays + delays[-2:0:-1]
        return images, times, delays

    def encode(t: _Try, images, delays) -> tuple[bytes, object]:
        buf = io.BytesIO()
        result = encode_gif(images, delays, buf, GifOptions(colors=t.colors, dither=s.dither, quality=t.quality,
                            loop=loop, reserve_colors=tuple(map(tuple, reserve_colors)),
                            per_scene_palette=s.per_scene_palette),
                            progress=progress, progress_offset=est_src, progress_total=total)
        return buf.getvalue(), result

    attempt = _Try(s.quality, s.colors, s.fps, size)
    images, times, delays = render(attempt)
    data, result = encode(attempt, images, delays)
    if s.max_size is not None:
        attempt, images, times, delays, data, result = _fit(s, attempt, (images, times, delays, data, result),
                                                             render, encode, notes, display)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    siblings = []
    h, w = images[0].shape[:2]
    for kind in s.also:
        sib = path.with_suffix(f".{kind}")
        fps_out = attempt.fps
        write_video(_constant_rate(images, delays, fps_out), (w, h), fps_out, sib, kind,
                    crf=s.mp4_crf, quality=s.webp_quality, loop=loop)
        siblings.append(Artifact(path=sib, kind=kind, width=w + (w & 1 if kind == "mp4" else 0),
                                 height=h + (h & 1 if kind == "mp4" else 0), bytes=sib.stat().st_size,
                                 source=info.path, start=rng.start, end=rng.end,
                                 duration=Fraction(sum(delays), 100), sha256=sha256_of(sib)))
    report(progress, total, total)
    if captions_overlay is not None:
        notes.extend(captions_overlay.notes)
    return Artifact(
        path=path, kind="gif", width=w, height=h, bytes=len(data), source=info.path, start=rng.start, end=rng.end,
        duration=Fraction(result.duration_cs, 100), frame_count=result.frames_written, sha256=sha256_of(path),
        notes=tuple(notes), siblings=tuple(siblings), captions=job_captions.texts,
    )


def _frames_on_ticks(frames, start: Fraction, end: Fraction, rates: Sequence[Fraction]):
    """Only the frames on screen at some tick ``start + k/rate`` of one of ``rates`` (memory:
    a 24 fps source sampled at 20 fps keeps 20 of every 24 frames)."""
    ticks = sorted({start + Fraction(k) / r for r in rates for k in range(int((end - start) * r) + 1)
                    if start + Fraction(k) / r < end})
    i = 0
    held = None
    for frame in frames:
        if held is not None:
            # ``held`` is on screen over [held.time, frame.time): keep it if a tick falls there
            # (the first frame also covers ticks before its own time).
            if i < len(ticks) and ticks[i] < frame.time:
                yield held
                while i < len(ticks) and ticks[i] < frame.time:
                    i += 1
        held = frame
    if held is not None and i < len(ticks):
        yield held


def _gif_path(output: str | os.PathLike | None, name: str) -> Path:
    """Where the GIF goes: ``name``.gif here, inside a folder given as output, or the file given."""
    name = safe_name(name)
    if output is None:
        return Path(f"{name}.gif")
    out = Path(output)
    if out.is_dir() or str(output).endswith(("/", os.sep)):
        return out / f"{name}.gif"
    if not out.suffix:
        return out.with_suffix(".gif")
    if out.suffix.lower() != ".gif":
        raise UsageError(f"{out.name} does not end in .gif", "name the output NAME.gif (siblings get .mp4 / .webp beside it)")
    return out


def _apply_overlay(overlay: Overlay, t: Fraction, img: np.ndarray) -> np.ndarray:
    out = overlay(t, img.copy())
    out = np.asarray(out)
    if out.shape != img.shape or out.dtype != np.uint8:
        raise ValueError(f"overlay returned {out.shape} {out.dtype}, expected {img.shape} uint8")
    return out


def _constant_rate(images: list[np.ndarray], delays: list[int], fps: Fraction):
    """The frames repeated so each lasts its delay at a constant ``fps`` (for MP4/WebP)."""
    clock, shown = Fraction(0), 0
    for img, d in zip(images, delays):
        clock += Fraction(d, 100)
        while Fraction(shown) / fps < clock - Fraction(1, 200):
            yield img
            shown += 1


_FPS_STEPS = (Fraction(15), Fraction(25, 2), Fraction(10))


def _fit(s: GifSettings, first: _Try, made, render, encode, notes: list[str], display) -> tuple:
    """Retry until the GIF is at most ``s.max_size`` bytes: lossier, then fewer fps, then narrower."""
    budget = s.max_size
    best = (first, *made)
    data = made[3]
    tries = 1
    if len(data) <= budget:
        notes.append(f"fits the {_kb(budget)} budget as asked ({_kb(len(data))})")
        return best
    last, last_size = first, len(data)
    while tries < s.max_tries:
        nxt = _next_try(last, last_size, budget, s)
        if nxt is None:
            break
        images, times, delays = render(nxt)
        data, result = encode(nxt, images, delays)
        tries += 1
        last, last_size = nxt, len(data)
        if len(data) <= budget:
            notes.append(f"fitted under {_kb(budget)} in {tries} tries: {nxt.describe()} → {_kb(len(data))}")
            return (nxt, images, times, delays, data, result)
    raise OutputError(
        f"could not make the GIF fit in {_kb(budget)}: the smallest try ({last.describe()}) was {_kb(last_size)}",
        "give a shorter range, a larger --max-size, or a smaller --width; nothing was written")


def _next_try(last: _Try, size: int, budget: int, s: GifSettings) -> _Try | None:
    """The next settings to try, from how far over budget the last try was; None if even the
    smallest GIF allowed would not come near the budget.

    Order: lossier (quality 55, 128 colours), then fewer frames (15, 12.5, 10 fps), then fewer
    colours and pixels.  Size shrinks more slowly than the pixel count (headers, palettes, edges),
    hence the exponent on the width scale.
    """
    ratio = size / (budget * 0.9)
    q, c, fps, (w, h) = last.quality, last.colors, last.fps, last.size
    if q > 55 or c > 128:  # 1. lossier: saves 10–30 %
        if ratio < 1.4:
            return _Try(min(q, 55), min(c, 128), fps, (w, h))
        ratio /= 1.3
        q, c = min(q, 55), min(c, 128)
    for step in _FPS_STEPS:  # 2. fewer frames
        if step < fps and ratio <= float(fps / step) * 0.9:
            return _Try(q, c, step, (w, h))
    if fps > _FPS_STEPS[-1]:
        ratio /= float(fps / _FPS_STEPS[-1]) * 0.9
        fps = _FPS_STEPS[-1]
    if c > 64 and ratio > 1.5:  # 3. fewer colours and pixels
        c = 64
        ratio /= 1.15
    nw = int(w * ratio ** -0.6 * 0.95) // 2 * 2
    if nw < MIN_FIT_WIDTH:
        if w <= MIN_FIT_WIDTH or ratio * (MIN_FIT_WIDTH / w) ** 1.2 > 3:
            return None
        nw = MIN_FIT_WIDTH
    nh = max(2, round(h * nw / w))
    if (nw, fps, q, c) == (w, last.fps, last.quality, last.colors):
        return None
    return _Try(q, c, fps, (nw, nh))


def _kb(n: int) -> str:
    return f"{n / 1000:.0f} KB" if n < 1_000_000 else f"{n / 1_000_000:.2f} MB"
