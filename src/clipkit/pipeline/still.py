"""``still``: one frame of a video to an image file, frame-accurate."""

from __future__ import annotations

import os
from dataclasses import replace
from fractions import Fraction

from ..artifact import Artifact, sha256_of
from ..encode.image import image_format_for, write_image
from ..errors import TimecodeError, UsageError, option, typed_flags
from ..media.frames import Frame, read_frames
from ..media.probe import MediaInfo, probe
from ..scenes import choice
from ..render.captions import burn_captions
from ..render.crop import crop_filter
from ..render.fit import fit_size
from ..settings import DEFAULT_STILL, CaptionSettings, EmbedOptions, StillSettings, still_captions
from ..settings_apply import apply_split, expect
from .find import Line, said_first, said_range, said_subs
from .from_frames import takes_frames
from .captions import gather_captions
from ..timecode import TimeRange, format_time, parse_time, slug_time
from .naming import output_path
from .range_choice import choose_crop, decoded_frame_size
from .recording import recorded
from ..outputs import check_outputs, font_input, subs_input
from .captions import incomplete_note

__all__ = ["still", "pick_best_frame"]

#: ``crop="auto"`` looks for black bars in frames this far either side of the time (one dark frame alone
#: would read as all bars).
CROP_CONTEXT = Fraction(5)

#: still's own keywords (besides settings fields), for "did you mean" on a typo.
_PARAMS = ("settings", "caption", "caption_at", "subs", "caption_settings", "record", "embed", "line", "overwrite")


def pick_best_frame(frames: list[Frame], target: Fraction, lo: Fraction, hi: Fraction) -> tuple[Frame, str]:
    """The best frame shown in ``[lo, hi]`` (:func:`clipkit.scenes.choice.rank`: the sharpest
    clean one, the nearest to ``target`` among near-ties).  ``frames`` may reach beyond the
    window (context for the fade and flash flags).

    Returns the frame and how it was found: ``"clean"``; ``"usable"`` (no clean frame: the
    sharpest that is at least not black or blank, e.g. in a fade); ``"exact"`` (nothing
    usable: the frame on screen at ``target``).
    """
    ranked = choice.rank(frames, lo, hi + Fraction(1, 1000), target)
    pick = next((c for c in ranked if c.clean), None)
    how = "clean"
    if pick is None:
        pick, how = next((c for c in ranked if c.score.usable), None), "usable"
    if pick is None:
        exact = max((f for f in frames if f.time <= target), key=lambda f: f.time, default=frames[0])
        return exact, "exact"
    return next(f for f in frames if f.time == pick.time), how


def _within_shot(info: MediaInfo, t: Fraction, lo: Fraction, hi: Fraction) -> tuple[Fraction, Fraction, str]:
    """``[lo, hi]`` narrowed to the shot on screen at ``t``: ``--best`` never picks a frame of
    the shot before or after a hard cut in its window.  Also returns the words for the note."""
    from .scenes import detect_scenes

    context = Fraction(1)  # as --line's snap: a cut near the window's edge is found (a shot shorter than
    # min_scene at either end of the range scanned would be merged into its neighbour)
    found = detect_scenes(info, start=max(Fraction(0), lo - context), end=min(info.duration, hi + context))
    words = []
    for cut in sorted(c.time for c in found.cuts):
        if lo < cut <= t:
            lo = cut
            words.append(f"from the cut at {format_time(cut)}")
        elif t < cut <= hi:
            hi = cut - Fraction(1, 1000)  # pick_best_frame looks at frames shown before hi + 1 ms: not the cut's
            words.append(f"to the cut at {format_time(cut)}")
            break
    return lo, hi, f" (its shot only, {' '.join(words)})" if words else ""


@takes_frames()
def still(
    source: str | os.PathLike | MediaInfo,
    at: str | Fraction | None = None,
    output: str | os.PathLike | None = None,
    *,
    settings: StillSettings | None = None,
    caption: str | list[str] | tuple[str, ...] = (),
    caption_at=(),
    subs: str | os.PathLike | None = None,
    caption_settings: CaptionSettings | None = None,
    record: bool = True,
    embed: EmbedOptions | None = None,
    line: "str | Line | None" = None,
    overwrite: bool = False,
    **overrides,
) -> Artifact:
    """Write the frame on screen at ``at`` as an image; return what was made.

    ``output`` may be a file (its extension picks PNG/JPEG/WebP) or a folder;
    by default ``<video stem>_<time>.png`` in the current folder.
    ``overrides`` are :class:`~clipkit.settings.StillSettings` fields
    (``width``, ``best``, ``best_window``, …) or
    :class:`~clipkit.settings.CaptionSettings` fields (``caption_style``,
    ``font``, ``caption_size``, …).  ``caption`` text(s), ``caption_at``
    ``(span, text)`` pairs and the dialogue of ``subs`` (``auto``, a file,
    ``track:N``, ``lang:xxx``; default none: see :func:`~clipkit.settings.still_captions`)
    are burned into the image.  The file is recorded in its folder's manifest (``record``).
    ``line`` (text or a :class:`~clipkit.pipeline.find.Line`) instead of ``at``: the
    frame in the middle of that line of dialogue, or with ``best`` the sharpest
    clean frame while it is spoken; the line is burned in.
    """
    expect(embed, EmbedOptions, "embed")
    expect(caption_settings, CaptionSettings, "caption_settings")
    s, cs = apply_split(overrides, [expect(settings, StillSettings, "settings") or DEFAULT_STILL,
                                    still_captions(caption_settings, asked=caption_settings is not None)],
                        known=_PARAMS)
    info = source if isinstance(source, MediaInfo) else probe(source)
    video = info.require_video()
    said = said_range(info, at, what="a still", line=line, snap=False)  # the spoken span itself
    if said is not None:
        t = said.start + (said.end - said.start) / 2
        if s.best:
            s = replace(s, best_window=(said.end - said.start) / 2)
        if subs is None:
            subs = said_subs(said, info)
    elif at is None:
        raise UsageError(f"a still needs {'AT' if typed_flags() else 'at'} (a time) or {option('line')}", 'e.g. clipkit still ep07.mkv 12:31, or --line "always knew"'
                         if typed_flags() else "e.g. clipkit.still('ep07.mkv', '12:31'), or line='always knew'")
    else:
        t = parse_time(at, frame_rate=video.frame_rate) if isinstance(at, str) else Fraction(at)
    if t >= info.duration:
        raise TimecodeError(info.past_end(format_time(t)), f"give a time before {format_time(info.duration)}")
    if t < 0:
        raise TimecodeError(f"{format_time(-t)} before the start is not a time in the file", "times count from 0")
    path = output_path(output, info.path, f"{slug_time(t)}", s.format)
    image_format_for(path)  # refuse an unknown extension before decoding anything
    check_outputs([path], [info.path, subs_input(subs if subs is not None else cs.subs), font_input(cs.font)],
                  overwrite=overwrite)
    notes: list[str] = [incomplete_note(info)] if info.incomplete else []
    lo = max(Fraction(0), t - s.best_window) if s.best else t
    hi = min(info.duration, t + s.best_window) if s.best else min(info.duration, t + Fraction(1, 1000))
    shot = ""
    if s.best:
        lo, hi, shot = _within_shot(info, t, lo, hi)
    job_captions = None
    if caption or caption_at or (subs if subs is not None else cs.subs) not in (None, "off"):
        job_captions = gather_captions(
            info, lo, max(hi, t + Fraction(1, 1000)), subs=subs if subs is not None else cs.subs,
            captions=caption, caption_at=caption_at, subs_language=cs.subs_language,
        )
    if job_captions is not None and job_captions.picture_track is not None:
        info = replace(info, burn_subtitles=job_captions.picture_track)  # PGS/DVD/DVB pictures drawn while decoding
    size, picture_width = _cropped_size(info, s, t, notes)  # decode options: the crop filter, the size after it
    if s.best:
        pad = choice.TRANSITION_SPAN + Fraction(1, 10)  # context: is a fade or dissolve passing through the window?
        frames = list(read_frames(info, start=max(Fraction(0), lo - pad), end=min(info.duration, hi + pad), **size))
        frame, how = pick_best_frame(frames, t, lo, hi)
        within = f"within ±{float(s.best_window):g}s of {format_time(t)}{shot}"
        if how == "clean":
            notes.append(f"sharpest clean frame {within}: {format_time(frame.time)}")
        elif how == "usable":
            notes.append(f"no clean frame {within} (all black, blank, in a fade/dissolve or a flash); "
                         f"took the sharpest that is not black or blank: {format_time(frame.time)}")
        else:
            notes.append(f"no frame with content {within}; used the frame at {format_time(frame.time)}")
    else:
        frames_iter = read_frames(info, start=t, end=min(info.duration, t + Fraction(1, 1000)), **size)
        try:
            frame = next(frames_iter)
        finally:
            frames_iter.close()
        gap = _missing_before(frame, t, video.frame_rate if not video.variable_frame_rate else None)
        if gap:
            notes.append(f"no frame could be decoded at {format_time(t)} (the file is damaged or has a gap there): "
                         f"took the last one before it, at {format_time(frame.time)}")
    if s.width and picture_width < s.width:
        notes.append(f"upscaled from {picture_width} px wide to {s.width} px")
    image = frame.image
    burned: tuple[str, ...] = ()
    if job_captions is not None:
        # The captions on screen at AT (the frame shown then started a little before it, e.g. 0:01.96
        # for 0:02 at 23.976 fps: a --caption spans AT on); with --best, at the frame chosen.
        when = max(frame.time, lo) if s.best else t
        # with --best the notes count what is on screen then, not in the window
        notes.extend(job_captions.notes_at(when) if s.best else job_captions.notes)
        image, caption_notes = burn_captions(
            image, when, job_captions.cues, cs, lang=job_captions.language, strict_cues=job_captions.typed,
        )
        notes.extend(caption_notes)
        burned = tuple(c.text for c in job_captions.cues if c.shown_at(when))
    quality = s.jpeg_quality if path.suffix.lower() in (".jpg", ".jpeg") else s.webp_quality
    write_image(image, path, quality=quality)
    h, w = image.shape[:2]
    return recorded(Artifact(
        path=path, kind="still", width=w, height=h, bytes=path.stat().st_size, source=info.path,
        start=frame.time, end=frame.time, sha256=sha256_of(path), notes=tuple(notes), captions=said_first(said, burned),
    ), record, embed)


def _missing_before(frame, t: Fraction, rate: Fraction | None) -> bool:
    """Whether ``frame`` (the last one decoded before ``t``) stopped being shown a frame or more before ``t``: the
    frames between were lost (damaged data the decoder skipped, a gap in the recording)."""
    dur = frame.duration or (1 / rate if rate else None)
    return bool(dur) and t - (frame.time + dur) > max(dur, Fraction(1, 50))


def _cropped_size(info: MediaInfo, s: StillSettings, t: Fraction, notes: list[str]) -> tuple[dict, int]:
    """``read_frames`` options for ``s.crop`` and ``s.width`` (the crop filter and the size after it, in display
    pixels, so an anamorphic picture keeps its shape; just the width without a crop), and the width of the
    picture before scaling."""
    video = info.require_video()
    box = None
    if s.crop:
        around = TimeRange(max(Fraction(0), t - CROP_CONTEXT), min(info.duration, t + CROP_CONTEXT))
        box = choose_crop(info, s, around, notes)
    if box is None:
        return {"width": s.width}, video.display_size[0]
    width, height = fit_size((box.width, box.height), s.width, even=False)
    return ({"width": width, "height": height, "pre_filters": [crop_filter(box, video.display_size, decoded_frame_size(info))]},
            box.width)
