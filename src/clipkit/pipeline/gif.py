"""``make_gif``: a time range of a video to an optimised GIF (and MP4/WebP siblings).

Named stages, each taking and giving a record: ``_plan`` (range, crop, size,
file: a :class:`_Job`, all checked before decoding), ``_decode`` (one decode of
the range at the target size, crop inside ffmpeg, frames kept in a spill store:
in memory up to ``frame_memory``, then in a private temporary file, so memory
does not grow with the clip's length), ``_render`` (one try's output frames
with the time effects of ``gif_time``: a :class:`~.gif_time.Shown`), ``_encode``
(the GIF engine, ``encode.gif``, into a temporary file: a :class:`_Made`),
``fit`` (``gif_fit``: to fit ``max_size``, more tries on the same decoded
frames), then the file and ``_siblings`` (MP4/WebP).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..artifact import Artifact, sha256_of
from ..atomic import atomic_path
from ..encode.gif import GifOptions, GifResult, centisecond_delays, encode_gif, tick_times
from ..encode.gif.diffuse import available as diffusion_built
from ..encode.gif.grey import GREY_SCALER, SAMPLE_FRAMES as GREY_SAMPLE_FRAMES, is_grey
from ..encode.gif.quality import quality_level
from ..encode.video import write_video
from ..errors import TimecodeError, UsageError, option
from ..media.damage import damage_note, watch
from ..media.frames import read_frames
from ..render.fit import fit_size
from ..media.probe import MediaInfo, probe
from ..media.spill import Spill, spill_dir
from ..outputs import check_outputs, font_input, sibling_path, subs_input
from ..progress import ProgressFn, report
from ..render.captions import caption_overlay
from ..render.crop import CropBox, crop_filter
from ..settings import DEFAULT_CAPTION, DEFAULT_GIF, CaptionSettings, EmbedOptions, GifSettings
from ..settings_apply import apply_split, expect, parse_size
from .find import Line, said_first, said_range, said_subs
from .from_frames import takes_frames
from .captions import gather_captions, incomplete_note
from ..timecode import TimeRange, slug_time
from .gif_fit import FPS_STEPS, _Try, fit
from .gif_frames import Decoded, keep_decoded, render_frames
from .gif_time import Shown, at_speed, bounce, constant_rate, frames_on_ticks, reverse
from .naming import safe_name
from .range_choice import choose_crop as _crop_box, choose_range as _clip_range, decoded_frame_size as _decoded_frame_size
from .recording import recorded

__all__ = ["make_gif", "parse_size", "parse_loop", "Overlay"]

#: ``overlay(time, image) -> image``: drawn on each output frame (RGB uint8,
#: after crop/resize, before quantisation); ``time`` is the file time it shows.
Overlay = Callable[[Fraction, np.ndarray], np.ndarray]

#: make_gif's own keywords (besides settings fields), for "did you mean" on a typo.
_PARAMS = ("scene", "snap", "settings", "overlay", "reserve_colors", "progress", "caption", "caption_at", "subs",
           "caption_settings", "record", "embed", "line", "overwrite")


def parse_loop(value: str | int | None) -> int | None:
    """``forever`` → 0, ``once`` → None (no loop block), N plays → N−1 repeats."""
    text = str(value).strip().lower() if value is not None else "forever"
    if text in ("forever", "0", "infinite"):
        return 0
    if text in ("once", "1"):
        return None
    if text.isdigit() and 1 < int(text) <= 65536:
        return int(text) - 1
    raise UsageError(f"{option('loop', value)} is not forever, once or a number of plays",
                     f"e.g. {option('loop', 'forever')}, {option('loop', 'once')}, {option('loop', 3)}")


@dataclass(frozen=True)
class _Job:
    """Stage 1, what the GIF will be, fixed before any decoding: range, crop, size, file."""

    info: MediaInfo
    range: TimeRange
    play: Fraction  # how long the GIF plays (the range at ``speed``)
    crop: CropBox | None
    display: tuple[int, int]  # the picture's size after the crop, before scaling
    size: tuple[int, int]  # the GIF's size before any fitting
    path: Path
    decode_steps: int  # progress: decoding counts for this many steps, ...
    render_steps: int  # ... preparing the output frames (resized, captioned) for this many, then encoding ...
    total_steps: int  # ... up to this many


@dataclass(frozen=True)
class _Made:
    """One encoding try: its settings, the frames it encoded, the GIF file (temporary) and the engine's report."""

    attempt: _Try
    shown: Shown
    file: Path
    size: int  # bytes
    result: GifResult


@takes_frames(whole=("start", "end"))
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
    record: bool = True,
    embed: EmbedOptions | None = None,
    line: "str | Line | None" = None,
    overwrite: bool = False,
    **overrides,
) -> Artifact:
    """Make an optimised GIF of ``[start, end)`` of ``source``; return what was written.

    ``end`` may be relative (``"+6"``).  Frames are sampled every 1/fps of output
    time from ``start`` (frame-accurate, decoded from the keyframe before),
    each the frame on screen at the middle of its tick.  ``overrides`` are
    :class:`~clipkit.settings.GifSettings` fields.  ``overlay(time, rgb)``
    draws on each output frame before quantisation (captions);
    ``reserve_colors`` are RGB colours the palette holds exactly.
    ``scene=N`` takes shot N (from 1, as ``clipkit scenes`` numbers them)
    instead of ``start``/``end``; ``snap`` moves each end to the nearest shot
    boundary within half a second, so no stray frame of another shot shows.
    ``line`` takes the range of that line of dialogue instead (as
    :func:`clipkit.find` finds it), padded, its ends snapped to a cut within
    the padding, captioned from the track it was found in; a
    :class:`~clipkit.pipeline.find.Line` gives a stretch (``line_from`` …
    ``line_to``), which of several matches (``match``) and the padding.
    Captions: the dialogue of ``subs`` (default ``auto``: a same-stem .srt,
    else the first text track in the preferred language; ``off``, a file,
    ``track:N``, ``lang:xxx``) on the frames where it is spoken, plus
    ``caption`` texts over the whole GIF and ``caption_at`` ``(span, text)``
    pairs; their look comes from :class:`~clipkit.settings.CaptionSettings`
    fields given as overrides (``caption_style``, ``font``, …).  The file is
    recorded in its folder's manifest (``record``), with the snippet choices of
    ``embed`` (alt, title, credit, spoiler) for ``clipkit embed --all``.
    No output may replace an input; an existing file is replaced only when
    its folder's manifest records it, or with ``overwrite``
    (:func:`clipkit.outputs.check_outputs`, before any decoding).
    """
    expect(embed, EmbedOptions, "embed")
    s, cs = apply_split(overrides, [expect(settings, GifSettings, "settings") or DEFAULT_GIF,
                                    expect(caption_settings, CaptionSettings, "caption_settings") or DEFAULT_CAPTION],
                        known=_PARAMS)
    if overrides.get("height") and "width" not in overrides:
        s = replace(s, width=None)  # only a height typed: the width follows the aspect, not the default 540
    loop = parse_loop(s.loop)
    info = source if isinstance(source, MediaInfo) else probe(source)

    notes: list[str] = [incomplete_note(info)] if info.incomplete else []
    said = said_range(info, start, end, what="a GIF", scene=scene, line=line)
    if said is not None:
        start, end = said.start, said.end
        notes.extend(said.notes)
        if subs is None and cs.subs == "auto":
            subs = said_subs(said, info)
    inputs = (info.path, subs_input(subs if subs is not None else cs.subs), font_input(cs.font))
    job = _plan(info, start, end, output, scene, snap, s, notes, _Guard(inputs, overwrite))
    job_captions = gather_captions(info, job.range.start, job.range.end, subs=subs if subs is not None else cs.subs,
                                   captions=caption, caption_at=caption_at, subs_language=cs.subs_language)
    notes.extend(job_captions.notes)
    if job_captions.picture_track is not None:  # a PGS/DVD/DVB track: drawn into the frames as they decode
        job = replace(job, info=replace(info, burn_subtitles=job_captions.picture_track))
    captions_overlay = None
    if job_captions.cues:  # laid out and checked before decoding; drawn before quantisation
        plan = caption_overlay(job_captions.cues, job.range.start, job.size, cs, clip_end=job.range.end,
                               lang=job_captions.language, strict_cues=job_captions.typed)
        captions_overlay = plan.overlay
        reserve_colors = [*reserve_colors, *plan.reserve_colors]
        overlay = _then(overlay, captions_overlay)
    options = GifOptions(colors=s.colors, dither=s.dither, quality=s.quality, loop=loop,
                         reserve_colors=tuple(map(tuple, reserve_colors)), per_scene_palette=s.per_scene_palette)
    if quality_level(s.quality).diffuse and s.dither == "none" and not diffusion_built():
        notes.append(f"{option('quality', s.quality)} without its error diffusion: clipkit's compiled dither was not built "
                     "(no C compiler when it was installed; reinstall with gcc to get it)")
    with spill_dir(s.frame_memory) as spill:  # frames beyond the memory budget, encoded tries: removed however the job ends
        decoded = _decode(job, s, spill, progress, notes)

        def make(attempt: _Try) -> _Made:
            return _encode(job, attempt, _render(job, decoded, attempt, s, overlay, spill, progress), options, spill,
                           progress)

        made = make(_Try(s.quality, s.colors, s.fps, job.size))
        if s.max_size is not None:
            rate = job.info.require_video().frame_rate
            made = fit(s, made, make, notes, rate * s.speed if rate else None)
        with atomic_path(job.path) as tmp:
            shutil.copyfile(made.file, tmp)
        h, w = made.shown.images[0].shape[:2]
        art = Artifact(
            path=job.path, kind="gif", width=w, height=h, bytes=made.size, source=info.path,
            start=job.range.start, end=job.range.end, duration=Fraction(made.result.duration_cs, 100),
            frame_count=made.result.frames_written, sha256=sha256_of(job.path), captions=said_first(said, job_captions.texts),
        )
        # With siblings, each file is recorded as it lands: a run stopped between them leaves a manifest
        # that vouches for what it wrote, so running it again replaces them (outputs.check_outputs).
        landed = (lambda sibs: recorded(art.with_(siblings=tuple(sibs)), record, embed)) if s.also and record else None
        siblings = _siblings(job, made, s, loop, landed)
    report(progress, job.total_steps, job.total_steps)
    if captions_overlay is not None:
        notes.extend(captions_overlay.notes)
    return recorded(art.with_(notes=tuple(notes), siblings=tuple(siblings)), record, embed)


# ---------------------------------------------------------------- stages


@dataclass(frozen=True)
class _Guard:
    """The job's inputs, and whether existing files not made by clipkit may be replaced."""

    inputs: tuple
    overwrite: bool

    def check(self, path: Path, s: GifSettings) -> None:
        check_outputs([path, *(sibling_path(path, kind) for kind in s.also)], self.inputs, overwrite=self.overwrite)


def _plan(info: MediaInfo, start, end, output, scene: int | None, snap: bool, s: GifSettings,
          notes: list[str], guard: _Guard) -> _Job:
    """Stage 1: the range, the crop, the size and the file, each checked before decoding."""
    video = info.require_video()
    named = output is not None and not (Path(output).is_dir() or str(output).endswith(("/", os.sep)))
    if named:  # the file is known before the range: checked before a scene search decodes anything
        guard.check(_gif_path(output, "clip"), s)
    rng = _clip_range(info, start, end, scene, snap, notes)
    play = rng.duration / s.speed
    if play < Fraction(1, 50) or (video.frame_rate and rng.duration < 1 / video.frame_rate and play < 1 / s.fps):
        raise TimecodeError(f"the range {rng} holds no whole frame ({float(rng.duration) * 1000:.0f} ms)",
                            "give a longer range, e.g. an end of +2")
    box = _crop_box(info, s, rng, notes)
    display = (box.width, box.height) if box else video.display_size
    size = fit_size(display, s.width, s.height, even=False)
    if size[0] > display[0] or size[1] > display[1]:
        notes.append(f"upscaled from {display[0]}×{display[1]} to {size[0]}×{size[1]}: the GIF is bigger, not sharper")
    path = _gif_path(output, s.naming.format(stem=info.path.stem, start=slug_time(rng.start), end=slug_time(rng.end)))
    if not named:
        guard.check(path, s)  # inputs, existing files, system folders, writable: before decoding
    decode_steps = int(rng.duration * (video.frame_rate or 25)) + 1
    render_steps = len(tick_times(play, s.fps))
    encode_steps = render_steps * (2 if s.bounce else 1)
    return _Job(info, rng, play, box, display, size, path, decode_steps, render_steps,
                decode_steps + render_steps + encode_steps)


def _decode(job: _Job, s: GifSettings, spill: Spill, progress: ProgressFn | None, notes: list[str]) -> Decoded:
    """Stage 2: decode the range once, at the target size, keeping only frames some try may show
    (their pictures in a spill store: memory stays within ``frame_memory`` however long the range)."""
    info, rng = job.info, job.range
    video = info.require_video()
    pre = [crop_filter(job.crop, video.display_size, _decoded_frame_size(info))] if job.crop else []
    rates = [s.fps] + ([r for r in FPS_STEPS if r < s.fps] if s.max_size is not None else [])
    warnings: list[str] = []
    ticks = [r / s.speed for r in rates]
    lost: list[tuple[Fraction, Fraction]] = []
    frames_in = watch(info, read_frames(info, start=rng.start, end=rng.end, width=job.size[0], height=job.size[1],
                                        pre_filters=pre, warnings=warnings), rng.end, lost)
    decoded = keep_decoded(frames_on_ticks(frames_in, rng.start, rng.end, ticks), spill,
                           lambda n: report(progress, min(n, job.decode_steps), job.total_steps))
    if tuple(job.size) != tuple(job.display) and decoded.frames and _grey(decoded):
        # A black-and-white film: decoded again, scaled as grey.GREY_SCALER says (its grain keeps its contrast)
        decoded.store.close()
        frames_in = read_frames(info, start=rng.start, end=rng.end, width=job.size[0], height=job.size[1],
                                pre_filters=pre, scale_flags=GREY_SCALER)
        decoded = keep_decoded(frames_on_ticks(frames_in, rng.start, rng.end, ticks), spill,
                               lambda n: report(progress, job.decode_steps, job.total_steps))  # may cancel
    report(progress, job.decode_steps, job.total_steps)  # decoded (fewer frames kept than decoded: the count catches up)
    if lost:  # a damaged recording: said where (the decoder may have said nothing)
        notes.append(damage_note(lost))
    if warnings:
        notes.append(f"{len(warnings)} decoder warning(s); first: {warnings[0]}")
    return decoded


def _grey(decoded: Decoded) -> bool:
    """Whether the decoded frames are black and white (grey.is_grey on a few of them, read from the store)."""
    frames = decoded.frames
    step = max(1, len(frames) // GREY_SAMPLE_FRAMES)
    return is_grey([decoded.store[f.index] for f in frames[::step][:GREY_SAMPLE_FRAMES]])


def _render(job: _Job, decoded: Decoded, attempt: _Try, s: GifSettings, overlay: Overlay | None, spill: Spill,
            progress: ProgressFn | None = None) -> Shown:
    """Stage 3: the output frames of one try: sampled at its rate and size, drawn on, time effects applied
    (their pictures in the spill folder, ``gif_frames``); each frame counts as progress (and may cancel)."""
    ticks = at_speed(decoded.frames, job.range, attempt.fps, s.speed)
    images = render_frames(decoded, ticks, attempt.size, overlay, spill,
                           lambda n: report(progress, job.decode_steps + min(n, job.render_steps), job.total_steps))
    delays = centisecond_delays(tick_times(job.play, attempt.fps)[: len(images)], job.play)
    shown = Shown(images, [t for t, _ in ticks], delays)
    if s.reverse:
        shown = reverse(shown)
    if s.bounce:
        shown = bounce(shown)
    return shown


def _encode(job: _Job, attempt: _Try, shown: Shown, options: GifOptions, spill: Spill,
            progress: ProgressFn | None) -> _Made:
    """Stage 4: one try through the GIF engine, into the spill folder (nothing is written beside the
    output until a try fits)."""
    path = spill.path(f"try-{attempt.size[0]}-{attempt.fps}-{attempt.colors}-{attempt.quality}.gif".replace("/", "_"))
    with spill.writing(), open(path, "wb") as fp:
        result = encode_gif(shown.images, shown.delays, fp,
                            replace(options, colors=attempt.colors, quality=attempt.quality),
                            progress=progress, progress_offset=job.decode_steps + job.render_steps,
                            progress_total=job.total_steps)
    return _Made(attempt, shown, path, path.stat().st_size, result)


def _siblings(job: _Job, made: _Made, s: GifSettings, loop: int | None,
              landed: Callable[[list[Artifact]], object] | None = None) -> list[Artifact]:
    """Stage 6: the MP4/WebP files beside the GIF, of the frames and delays it holds
    (``landed(those written so far)`` is called before each one is written)."""
    out: list[Artifact] = []
    images, delays = made.shown.images, made.shown.delays
    h, w = images[0].shape[:2]
    for kind in s.also:
        if landed is not None:
            landed(out)
        sib = sibling_path(job.path, kind)
        fps_out = made.attempt.fps
        write_video(constant_rate(images, delays, fps_out), (w, h), fps_out, sib, kind,
                    crf=s.mp4_crf, quality=s.webp_quality, loop=loop)
        out.append(Artifact(path=sib, kind=kind, width=w + (w & 1 if kind == "mp4" else 0),
                            height=h + (h & 1 if kind == "mp4" else 0), bytes=sib.stat().st_size,
                            source=job.info.path, start=job.range.start, end=job.range.end,
                            duration=Fraction(sum(delays), 100), sha256=sha256_of(sib)))
    return out


def _then(first: Overlay | None, second: Overlay) -> Overlay:
    """``second`` drawn over what ``first`` drew (the caller's overlay, then the captions)."""
    if first is None:
        return second
    return lambda t, img: second(t, first(t, img))


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
