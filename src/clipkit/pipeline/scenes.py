"""``detect_scenes``: where the shots change; ``scene_range`` and ``snap_range`` for other jobs."""

from __future__ import annotations

import io
import math
import os
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from PIL import Image

from ..atomic import atomic_write_text
from ..errors import TimecodeError, UsageError
from ..media.frames import frame_at
from ..media.frames_parallel import read_frames_parallel
from ..media.hdr import detection_white
from ..media.probe import MediaInfo, first_frame_time, probe
from ..progress import ProgressFn, report
from ..scenes import cache, formats
from ..scenes.cuts import CutDetector
from ..scenes.detector import Detector
from ..scenes.dissolves import DissolveDetector
from ..scenes.fades import FadeDetector
from ..scenes.manager import build_scenes, scan
from ..scenes.model import SceneList
from ..settings import DEFAULT_SCENES, ScenesSettings
from ..settings_apply import apply, expect_path
from .scenes_exact import ExactPass
from ..timecode import TimeRange, format_time, parse_range, parse_time

__all__ = ["detect_scenes", "cached_scenes", "scene_range", "snap_range", "scene_thumbnails", "render_scenes", "write_scenes"]


def _frames(seconds: Fraction, rate: Fraction) -> int:
    return max(1, math.ceil(seconds * rate))


def _detectors(s: ScenesSettings, rate: Fraction, *, coarse: bool = False) -> list[Detector]:
    flash = _frames(s.flash_window, rate)
    dets: list[Detector] = [CutDetector(s.threshold, s.adaptive_ratio, flash_frames=flash, candidates=coarse)]
    if s.fades:
        dets.append(FadeDetector(max_fade_frames=_frames(s.max_fade, rate), flash_frames=flash))
    if s.dissolves:
        dets.append(DissolveDetector(half_window=round(s.dissolve_window * rate),
                                     seconds=s.dissolve_window if coarse else None))
    return dets


def _timeline(points: list, most: int = 2000) -> tuple:
    """At most ``most`` (time, score) points: the highest score of each stretch, so no cut is lost."""
    if len(points) <= most:
        return tuple((t, round(v, 1)) for t, v in points)
    step = -(-len(points) // most)
    out = []
    for i in range(0, len(points), step):
        chunk = points[i:i + step]
        t, v = max(chunk, key=lambda p: p[1])
        out.append((t, round(v, 1)))
    return tuple(out)


def _prescale(info: MediaInfo, s: ScenesSettings) -> list[str]:
    """A cheap first shrink for large video (to 4× the analysis width, bilinear without its
    filter): the exact area shrink after it then works on a sixteenth of the pixels.  At
    1080p this saves about a tenth of the CPU of a scan."""
    w = info.require_video().width
    if w <= 6 * s.analysis_width:
        return []
    return [f"scale={4 * s.analysis_width}:-2:flags=fast_bilinear"]


def _cached(info: MediaInfo, key: str | None) -> SceneList | None:
    hit = cache.load(key) if key is not None else None
    return hit if hit is None or hit.source == info.path else replace(hit, source=info.path)


def cached_scenes(source: str | os.PathLike | MediaInfo, *, settings: ScenesSettings | None = None,
                  **overrides) -> SceneList | None:
    """The whole file's shots as :func:`detect_scenes` would return them, if its cache holds them; else
    None (nothing is decoded): lets a caller answer at once or say that detection will take a while."""
    s = apply(settings or DEFAULT_SCENES, overrides)
    info = source if isinstance(source, MediaInfo) else probe(source)
    video = info.require_video()
    if not s.cache:
        return None
    rng = parse_range(Fraction(0), info.duration, duration=info.duration, frame_rate=video.frame_rate)
    return _cached(info, cache.cache_key(info, rng.start, rng.end, s))


def detect_scenes(
    source: str | os.PathLike | MediaInfo,
    *,
    start: str | Fraction | None = None,
    end: str | Fraction | None = None,
    settings: ScenesSettings | None = None,
    progress: ProgressFn | None = None,
    **overrides,
) -> SceneList:
    """Find the shots of ``source`` (or of ``[start, end)`` in it): hard cuts, fades
    and dissolves, with camera flashes and light changes ignored.

    ``overrides`` are :class:`~clipkit.settings.ScenesSettings` fields
    (``threshold``, ``min_scene``, ``fades``, ``dissolves``, ``cache``, …).
    Results are cached per file and settings.  Damaged frames are skipped and
    named in ``notes``.
    """
    s = apply(settings or DEFAULT_SCENES, overrides)
    info = source if isinstance(source, MediaInfo) else probe(expect_path(source, "scenes"))
    video = info.require_video()
    rate = video.frame_rate or Fraction(25)
    lo = Fraction(0) if start is None else start
    hi = info.duration if end is None else end
    if end is None and start is not None:
        s0 = parse_time(start, frame_rate=video.frame_rate) if isinstance(start, str) else Fraction(start)
        if s0 >= info.duration:
            raise TimecodeError(info.past_end(f"the start {format_time(s0)}"),
                                f"give a start before {format_time(info.duration)}")
    rng = parse_range(lo, hi, duration=info.duration, frame_rate=video.frame_rate, name=info.label)

    key = cache.cache_key(info, rng.start, rng.end, s) if s.cache else None
    hit = _cached(info, key)
    if hit is not None:
        return hit

    warnings: list[str] = []
    notes: list[str] = []
    deblock = ("-skip_loop_filter", "all") if s.fast_decode else ()
    prescale = _prescale(info, s)
    options = list(deblock)
    # A coarse pass numbers frames from time × rate: exact only on a constant frame rate.
    # A short, small range: one full-rate pass costs less than a coarse pass plus its windows (ffmpeg starts).
    size = Fraction(video.width * video.height, 640 * 360) if video.width and video.height else Fraction(1)
    fast = s.fast and not video.variable_frame_rate and rng.duration * rate * size >= s.one_pass_frames
    if fast:
        # Skip frames nothing else is predicted from (most B-frames): about half the decoding.
        options += ["-skip_frame", "noref"]
    # Long ranges: two single-threaded ffmpeg processes, a chunk each (both cores busy).
    frames = read_frames_parallel(info, start=rng.start, end=rng.end, workers=min(2, os.cpu_count() or 1),
                                  width=s.analysis_width, pix_fmt="yuv444p", pre_filters=prescale,
                                  scale_flags="area", warnings=warnings, decoder_options=tuple(options),
                                  detection=True)
    total = int(rng.duration * rate)
    detectors = _detectors(s, rate, coarse=fast)
    times: list[Fraction] = []
    # The exact pass decodes its full-rate windows beside the coarse pass, as its events come.
    exact = ExactPass(info, s, rate, rng, deblock, prescale, times, detectors[0].marginal) if fast else None
    try:
        result = scan(frames, detectors, end=rng.end, progress=progress, total=total,
                      rate=rate if fast else None, start=rng.start, times=times,
                      on_events=exact.submit if exact is not None else None, white=detection_white(video))
    except BaseException:
        if exact is not None:
            exact.close()
        raise
    finally:
        frames.close()
    exact_frames = 0
    if exact is not None:
        result = replace(result, events=exact.events())
        exact_frames = exact.decoded
    resolved = build_scenes(result, range_start=rng.start, min_scene=s.min_scene, frame_time=1 / rate)

    scenes = resolved.scenes
    cuts, transitions = resolved.cuts, resolved.transitions
    if fast or rng.start > 0:
        # Frame k is shown at first + k / rate: the video may start after the file does (audio first).
        first = times[0] if rng.start == 0 and times else first_frame_time(info)

        def num(t: Fraction) -> int:
            return max(0, round((t - first) * rate))
    if fast:
        # Not every frame was decoded: frame numbers come from time (exact on a constant rate).
        scenes = [replace(sc, start_frame=num(sc.start), end_frame=num(sc.end)) for sc in scenes]
        cuts = [replace(c, index=num(c.time)) for c in cuts]
        transitions = [replace(t, start_index=num(t.start), end_index=num(t.end),
                               blank_index=tuple(num(x) for x in t.blank) if t.blank else None,
                               middle_index=num(t.middle) if t.middle is not None else None)
                       for t in transitions]
        if video.variable_frame_rate:
            notes.append("variable frame rate: frame numbers are estimated from the average rate")
    elif rng.start > 0:
        # Frame numbers count from the file's first frame: exact on a constant rate.
        if not video.variable_frame_rate and video.frame_rate:
            scenes = [replace(sc, start_frame=num(sc.start), end_frame=num(sc.end)) for sc in scenes]
        else:
            notes.append(f"variable frame rate: frame numbers count from {format_time(rng.start)}, not from the file's start")
    if resolved.flashes:
        shown = ", ".join(format_time(f.start) for f in resolved.flashes[:5])
        more = f" and {len(resolved.flashes) - 5} more" if len(resolved.flashes) > 5 else ""
        notes.append(f"ignored {len(resolved.flashes)} flash{'es' if len(resolved.flashes) > 1 else ''} (not cuts): {shown}{more}")
    # ffmpeg's own header lines can contain "error"/"corrupt" through a file name: not damage.
    warnings = [w for w in warnings if not w.lstrip().startswith(("Input #", "Output #", "Stream #", "Duration:"))]
    if warnings:
        notes.append(f"{len(warnings)} decoding error(s) (damaged frames were skipped, detection went on): {warnings[0][:120]}")
    out = SceneList(
        source=info.path, start=rng.start, end=rng.end, frame_rate=video.frame_rate,
        variable_frame_rate=video.variable_frame_rate, frame_count=round(rng.duration * rate) if fast else result.frame_count,
        scenes=tuple(scenes), cuts=tuple(cuts), transitions=tuple(transitions),
        flashes=tuple(resolved.flashes), notes=tuple(notes), settings=cache.result_settings(s),
        decoded=result.frame_count + exact_frames, timeline=_timeline(detectors[0].timeline),
    )
    if key is not None and not warnings:
        cache.save(key, out)
    return out


def scene_range(source: str | os.PathLike | MediaInfo, number: int, *, settings: ScenesSettings | None = None,
                **overrides) -> TimeRange:
    """The time range of shot ``number`` (from 1) of the whole file, for ``gif --scene N``."""
    if isinstance(number, str) and number.strip().isdigit():
        number = int(number)
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:  # said before the shots are found
        raise UsageError(f"scene {number!r} is not a shot number", "give a whole number from 1 (`clipkit scenes VIDEO` lists them)")
    found = detect_scenes(source, settings=settings, **overrides)
    label = getattr(source, "label", None)  # frames given to gif(): no file to name or run `clipkit scenes` on
    if not found.scenes:
        raise UsageError(f"no shots were found in {label or found.source.name}",
                         f"{label} may be blank" if label else "the file may be blank; run `clipkit scenes` on it")
    if not 1 <= number <= len(found.scenes):
        n = len(found.scenes)
        if label:
            raise UsageError(f"there is no shot {number} in {label} ({n} shot{'s' if n != 1 else ''})",
                             f"give a number from 1 to {n}")
        raise UsageError(f"{found.source.name} has {n} shots; there is no shot {number}",
                         f"give a number from 1 to {n} (`clipkit scenes {found.source.name}` lists them)")
    sc = found.scenes[number - 1]
    return TimeRange(sc.start, sc.end)


def snap_range(source: str | os.PathLike | MediaInfo, start: str | Fraction, end: str | Fraction, *,
               settings: ScenesSettings | None = None, window: tuple[Fraction, Fraction] | None = None,
               **overrides) -> TimeRange:
    """``[start, end)`` with each end moved to the nearest shot boundary within the snap
    window (``snap_window``, default ½ s), so a clip never begins or ends with a
    stray frame of another shot.  An end with no boundary near it stays put.

    ``window`` limits detection to that part of the file (a GIF of a long
    episode needs only the seconds around it); its own edges are not boundaries.
    """
    s = apply(settings or DEFAULT_SCENES, overrides)
    info = source if isinstance(source, MediaInfo) else probe(source)
    video = info.require_video()
    rng = parse_range(start, end, duration=info.duration, frame_rate=video.frame_rate)
    if window is None:
        found = detect_scenes(info, settings=s)
        edges: set[Fraction] = set()
    else:
        found = detect_scenes(info, start=window[0], end=window[1], settings=s)
        edges = {window[0], window[1]} - {Fraction(0), info.duration}
    starts = [sc.start for sc in found.scenes if sc.start not in edges]
    ends = [sc.end for sc in found.scenes if sc.end not in edges]

    def nearest(t: Fraction, candidates: list[Fraction]) -> Fraction:
        near = [c for c in candidates if abs(c - t) <= s.snap_window]
        return min(near, key=lambda c: (abs(c - t), c)) if near else t

    new_start, new_end = nearest(rng.start, starts), nearest(rng.end, ends)
    if new_end <= new_start:
        # Both ends near the one cut inside the range: keep the longer of its two shots (move the
        # end nearer that cut), so still no frame of the other shot shows.
        tries = [r for r in (TimeRange(new_start, rng.end), TimeRange(rng.start, new_end)) if r.end > r.start]
        return max(tries, key=lambda r: r.end - r.start, default=rng)
    return TimeRange(new_start, new_end)


def scene_thumbnails(found: SceneList, width: int = DEFAULT_SCENES.thumbnail_width, *, progress: ProgressFn | None = None) -> list[bytes]:
    """One JPEG thumbnail per shot: the frame in the middle of it (one short seek each)."""
    info = probe(found.source)
    thumbs = []
    for n, sc in enumerate(found.scenes):
        t = sc.start + (sc.end - sc.start) / 2
        image = frame_at(info, min(t, info.duration - Fraction(1, 1000)), width=width).image
        buf = io.BytesIO()
        Image.fromarray(image).save(buf, format="JPEG", quality=80)
        thumbs.append(buf.getvalue())
        report(progress, n + 1, len(found.scenes))
    return thumbs


def write_scenes(found: SceneList, output: str | os.PathLike, fmt: str, *, thumbnail_width: int = DEFAULT_SCENES.thumbnail_width,
                 progress: ProgressFn | None = None) -> Path:
    """Write ``found`` as ``fmt`` (table, csv, json, html) to ``output``, atomically."""
    text = render_scenes(found, fmt, thumbnail_width=thumbnail_width, progress=progress)
    return atomic_write_text(output, text)


def render_scenes(found: SceneList, fmt: str, *, thumbnail_width: int = DEFAULT_SCENES.thumbnail_width, progress: ProgressFn | None = None) -> str:
    """``found`` as text in ``fmt``: table, csv, json or html (with thumbnails)."""
    if fmt == "table":
        return formats.to_table(found) + "\n"
    if fmt == "csv":
        return formats.to_csv(found)
    if fmt == "json":
        return formats.to_json(found) + "\n"
    if fmt == "html":
        return formats.to_html(found, scene_thumbnails(found, thumbnail_width, progress=progress))
    raise UsageError(f"unknown scene list format '{fmt}'", "use table, csv, json or html")
