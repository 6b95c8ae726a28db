"""``make_clip``: a time range of a video to a clip with its sound (MP4, WebM or M4A).

The range is decided as ``gif`` decides it (typed times, ``scene``, ``snap``);
the first video frame is the one on screen at START, found from packet
timestamps (``media/keyframes.py``) without decoding (or the next, if that
one would last under half a frame: no flash of a few ms).  Platform limits (a
preset's ``limit_*`` fields) are checked before anything is encoded.  One
ffmpeg run cuts, crops, scales, overlays captions drawn by clipkit and
encodes picture and sound (``encode/clip.py``); ``max_size`` makes it a
two-pass encode at the bitrate that fits, checked after writing and
retried lower if it does not.  ``copy`` is the smart cut
(``pipeline/clip_copy.py``).  A JPEG poster (the clip's sharpest frame)
is made beside it for the embed snippet.
"""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from ..artifact import Artifact, sha256_of
from ..atomic import atomic_path, move_file
from ..encode.clip import FORMAT_CODECS, ClipJob, clip_command, run_clip
from ..errors import InputError, MediaError, OutputError, TimecodeError, UsageError, option, typed_flags
from ..render.fit import fit_size
from ..media.damage import damage_note, recording_gaps
from ..media.hdr import tonemap_filters
from ..media.interlace import decode_filters, film_decoded
from ..media.probe import MediaInfo, probe
from ..progress import ProgressFn, report
from ..render.crop import crop_filter
from ..settings import DEFAULT_CAPTION, DEFAULT_CLIP, CaptionSettings, ClipSettings, EmbedOptions
from ..settings_apply import apply_split, expect, expect_path
from .captions import gather_captions, incomplete_note
from ..timecode import TimeRange, slug_time
from .clip_limits import check_limits, describe_size, platform_name
from .clip_opening import film_opening, opening
from .clip_poster import make_poster, plan_tap, poster_from_tap, warm_up
from .find import Line, said_first, said_range, said_subs
from .range_choice import choose_crop as _crop_box, choose_range as _clip_range, decoded_frame_size as _decoded_frame_size
from .naming import safe_name
from .recording import recorded

#: make_clip's own keywords (besides settings fields), for "did you mean" on a typo.
_PARAMS = ("scene", "snap", "settings", "progress", "caption", "caption_at", "subs", "caption_settings", "record",
           "embed", "line", "overwrite")
from ..outputs import check_outputs, font_input, subs_input

__all__ = ["make_clip", "make_poster", "CLIP_FORMATS"]

CLIP_FORMATS = tuple(FORMAT_CODECS)
#: Muxing overhead kept free when a bitrate is chosen for a size (MP4/WebM headers and index).
_OVERHEAD = 0.02
_MIN_VIDEO_BITRATE = 60_000
_MAX_VIDEO_BITRATE = 80_000_000  # above any clip's need; x264 refuses absurd rates


def _clip_path(output: str | os.PathLike | None, name: str, ext: str) -> Path:
    name = safe_name(name)
    if output is None:
        return Path(f"{name}.{ext}")
    out = Path(output)
    if out.is_dir() or str(output).endswith(("/", os.sep)):
        return out / f"{name}.{ext}"
    if not out.suffix:
        return out.with_suffix(f".{ext}")
    if out.suffix.lower() != f".{ext}":
        raise UsageError(f"{out.name} does not end in .{ext}", f"name the output NAME.{ext} (or choose {option('format')} to match)")
    return out


def make_clip(
    source: str | os.PathLike | MediaInfo,
    start: str | Fraction | None = None,
    end: str | Fraction | None = None,
    output: str | os.PathLike | None = None,
    *,
    scene: int | None = None,
    snap: bool = False,
    settings: ClipSettings | None = None,
    progress: ProgressFn | None = None,
    caption: str | tuple[str, ...] = (),
    caption_at=(),
    subs: str | os.PathLike | None = None,
    caption_settings: CaptionSettings | None = None,
    record: bool = True,
    embed: EmbedOptions | None = None,
    line: "str | Line | None" = None,
    overwrite: bool = False,
    **overrides,
) -> Artifact:
    """Cut ``[start, end)`` of ``source`` into a clip with its sound; return what was written.

    The first frame is the one on screen at ``start``; sound is cut at the
    same instants (with ``fade_ms`` fades) and stays in sync.  ``overrides``
    are :class:`~clipkit.settings.ClipSettings` fields (``format``,
    ``width``, ``max_size``, ``copy``, ``soft_subs``, …) or caption fields.
    Captions (``subs``, ``caption``, ``caption_at``, as for ``make_gif``)
    are burned in, or with ``soft_subs`` muxed as a selectable track.
    ``line`` (text, or a :class:`~clipkit.pipeline.find.Line`) takes the
    range of a line of dialogue, as for ``make_gif``.
    The artifact's kind is ``clip`` (``audio`` for m4a); its poster JPEG is a
    sibling.  The file is recorded in its folder's manifest (``record``).
    """
    expect(embed, EmbedOptions, "embed")
    s, cs = apply_split(overrides, [expect(settings, ClipSettings, "settings") or DEFAULT_CLIP,
                                    expect(caption_settings, CaptionSettings, "caption_settings") or DEFAULT_CAPTION],
                        known=_PARAMS)
    if overrides.get("height") and "width" not in overrides:
        s = replace(s, width=None)
    info = source if isinstance(source, MediaInfo) else probe(expect_path(source, "clip"))
    said = said_range(info, start, end, what="a clip", scene=scene, line=line)
    typed_subs = subs  # what the caller asked for (--copy refuses only that)
    if said is not None:
        start, end = said.start, said.end
        if subs is None and cs.subs == "auto":
            subs = said_subs(said, info)  # the track the line was found in
    audio_only = s.format == "m4a"
    snapped: list[str] = []  # where --snap moved the ends (as gif says it)
    if audio_only and info.video is None:
        rng = _audio_range(info, start, end)
    else:
        rng = _clip_range(info, start, end, scene, snap, snapped, command="clip")
    if rng.duration <= 0:
        raise TimecodeError(f"the range {rng} is empty", "give an END after START, e.g. +6")
    if s.audio_track is not None and not 0 <= s.audio_track < len(info.audio):
        raise InputError(f"{info.path.name} has {len(info.audio)} sound stream{'s' if len(info.audio) != 1 else ''}, "
                         f"so there is no {option('audio_track', s.audio_track)}", "run `clipkit info` on it to see its streams"
                         if typed_flags() else "clipkit.info(path).audio lists them")
    audio = info.audio[s.audio_track or 0] if info.audio and s.audio == "on" else None
    if audio_only and audio is None:
        raise InputError(f"{info.path.name} has no sound track to write as m4a", "run `clipkit info` on it to see its streams")
    notes: list[str] = (list(said.notes) if said is not None else []) + snapped
    if info.incomplete:
        notes.insert(0, incomplete_note(info))
    if s.audio == "on" and audio is None:
        notes.append(f"{info.path.name} has no sound track: the clip is silent")
    video = None if audio_only else info.require_video()
    gaps = recording_gaps(info, rng.start, rng.end) if video is not None else []
    if gaps:  # a damaged recording: the clip holds a frame there (ffmpeg says nothing)
        notes.append(damage_note(gaps, "the clip"))

    box = _crop_box(info, s, rng, notes) if video is not None else None
    size = None
    out_size = None
    if video is not None:
        display = (box.width, box.height) if box else video.display_size
        out_size = fit_size(display, s.width, s.height, even=True)
        if out_size[0] > display[0] + 1 or out_size[1] > display[1] + 1:
            notes.append(f"upscaled from {display[0]}×{display[1]} to {out_size[0]}×{out_size[1]}: bigger, not sharper")
        needs_scale = (box is not None or out_size != (video.width, video.height) or video.pixel_aspect != 1
                       or video.rotation in (90, 270))
        size = out_size if needs_scale else None
    fps_out = Fraction(s.fps) if s.fps is not None else None
    check_limits(s, rng.duration, out_size, fps_out or (video.frame_rate if video else None), has_video=video is not None)

    ext = s.format
    path = _clip_path(output, s.naming.format(stem=info.path.stem, start=slug_time(rng.start), end=slug_time(rng.end)), ext)
    poster = [path.with_suffix(".jpg")] if s.poster and video is not None else []
    check_outputs([path, *poster], [info.path, subs_input(subs if subs is not None else cs.subs), font_input(cs.font)],
                  overwrite=overwrite)  # before any decoding: never an input, a file clipkit did not make, /etc

    if s.copy and not audio_only:
        from .clip_copy import smart_cut  # only --copy needs the keyframe logic

        explicit_subs = typed_subs is not None and str(typed_subs).strip().lower() not in ("auto", "off")
        if caption or caption_at or explicit_subs or s.soft_subs:
            raise UsageError(f"{option('copy', True)} keeps the picture as it is: captions cannot be burned in or added to it",
                             f"drop {option('copy', True)} to have the dialogue in the clip")

        art = smart_cut(info, rng, path, s, audio, notes, progress=progress)
        # nothing is burned in, but the snippet's alt text is still the line spoken (as without --copy)
        try:
            spoken = gather_captions(info, rng.start, rng.end, subs=subs if subs is not None else cs.subs,
                                     subs_language=cs.subs_language).texts
        except (UsageError, MediaError):  # a subtitle track that does not read: the clip is made, the alt is the default
            spoken = ()
        if spoken or said is not None:
            art = art.with_(captions=said_first(said, spoken))
        if spoken:  # `--subs auto` would have burned them in: say why they are not
            art = art.with_(notes=(*art.notes, f"the dialogue ({len(spoken)} line{'s' if len(spoken) != 1 else ''}) is not "
                                   f"burned in: {option('copy', True)} keeps the picture as it is (drop {option('copy', True)} to have it in the "
                                   "clip)"))
        return recorded(art, record, embed)

    # The frame on screen at START (or the next, when that one would be a flash) and how to open the file there
    first, shown, transport = opening(info, rng, audio) if video is not None else (rng.start, None, {})
    film = None
    if video is not None and film_decoded(video.scan, info.deinterlace):  # the film's own frames, timed as stills
        first, transport, film = film_opening(info, rng, first, transport)
        shown = None
    with tempfile.TemporaryDirectory(prefix="clipkit-clip-") as tmpdir:
        tmp = Path(tmpdir)
        job_captions = gather_captions(info, rng.start, rng.end, subs=subs if subs is not None else cs.subs,
                                       captions=caption, caption_at=caption_at, subs_language=cs.subs_language)
        if video is not None:
            notes.extend(job_captions.notes)
        elif job_captions.cues:  # "captions from …: 1 line in the range" read as burned in, into sound
            n = len(job_captions.cues)
            notes.append(f"sound only: the dialogue ({n} line{'' if n == 1 else 's'}) labels the snippet; nothing is burned in")
        layers = []
        sub_file = None
        if job_captions.cues and video is not None:
            from .clip_captions import caption_layers, write_subtitle_file

            if s.soft_subs:
                sub_file = write_subtitle_file(job_captions.cues, rng, tmp / "subs.srt")
                notes.append(f"subtitles as a selectable {FORMAT_CODECS[s.format][2]} track ({len(job_captions.cues)} line{'' if len(job_captions.cues) == 1 else 's'})")
            else:
                draw_size = out_size
                layers, layer_notes = caption_layers(job_captions, rng, draw_size, cs, tmp)
                notes.extend(layer_notes)
        clean = decode_filters(video.scan, info.deinterlace) if video is not None else []  # progressive frames first
        pre = [crop_filter(box, video.display_size, _decoded_frame_size(info))] if box else []
        post = tonemap_filters(video) if video is not None else []  # HDR → BT.709, as gif/still show it
        pictures = None
        if job_captions.picture_track is not None and video is not None:  # PGS/DVD/DVB: laid over as drawn
            from .clip_captions import picture_subs

            pictures = picture_subs(info, job_captions.picture_track, first, transport)
            if s.soft_subs:
                notes.append("picture subtitles cannot be a selectable track: burned in")
        if clean or pre or post or pictures:
            size = out_size  # the filters' output goes through the scaler at the size asked
        job = ClipJob(source=info.path, video_index=video.index if video else None,
                      audio_index=audio.index if audio else None, first=first, start=rng.start,
                      duration=rng.duration, format=s.format, size=size, clean_filters=clean, pre_filters=pre,
                      post_filters=post, picture_subs=pictures,
                      fps=fps_out,
                      crf=s.crf, preset=s.preset, audio_bitrate=s.audio_bitrate,
                      fade=Fraction(s.fade_ms, 1000), captions=layers, subtitle_file=sub_file,
                      subtitle_language=_track_language(job_captions.language) if sub_file else None,
                      shown=shown, film=film, **transport)
        if poster and video is not None:  # the poster's frames come out of the encode itself
            job.poster_tap = plan_tap(tmp / "poster", rng.duration, out_size,
                                      fps_out or (None if video.variable_frame_rate else video.frame_rate))
            if job.poster_tap is not None:
                job.poster_tap.folder.mkdir()
                threading.Thread(target=warm_up, name="clipkit-poster-imports", daemon=True).start()
        budget = s.max_size
        if budget is not None:
            data_path = _encode_to_fit(job, budget, s, path, tmp, notes, progress)
        else:
            data_path = tmp / f"clip.{ext}"
            _encode(job, data_path, notes, progress, 0, 1000, 1000)
            if s.limit_size is not None and data_path.stat().st_size > s.limit_size:
                notes.append(f"{describe_size(data_path.stat().st_size)} is over {platform_name(s)}'s "
                             f"{describe_size(s.limit_size)} limit: encoded again to fit")
                data_path = _encode_to_fit(job, s.limit_size, s, path, tmp, notes, progress)
        with atomic_path(path) as out:
            move_file(data_path, out)
        report(progress, 1000, 1000)
        return recorded(_artifact(info, rng, path, s, out_size, notes, said_first(said, job_captions.texts),
                                  with_video=video is not None,
                                  poster=(lambda: poster_from_tap(job.poster_tap, path, rng.duration))
                                  if job.poster_tap is not None else None,
                                  landed=(lambda a: recorded(a, record, embed)) if record else None),
                        record, embed)


def _track_language(code: str | None) -> str | None:
    """A subtitle source's language as the ISO 639-2 code a soft track is tagged with, or None (und)."""
    from ..language import normalize_language

    lang = normalize_language(code)
    return lang if lang and len(lang) == 3 and lang.isascii() and lang.isalpha() else None


def _audio_range(info: MediaInfo, start, end) -> TimeRange:
    from ..timecode import parse_range

    if start is None or end is None:
        raise UsageError("a clip needs START and END", "e.g. `clipkit clip ep07.mkv 12:30 +6`")
    return parse_range(start, end, duration=info.duration)


def _encode(job: ClipJob, out: Path, notes: list[str], progress, done: int, total: int, span: int) -> None:
    """One encode; if the sound stream cannot be decoded, retry silent and say so."""
    try:
        warnings = run_clip(clip_command(job, out), job.duration, what=f"encoding {out.name}", progress=progress,
                            done=done, total=total, span=span)
    except MediaError as exc:
        if job.audio_index is None or job.video_index is None or job.pass_number == 1:
            raise
        silent = replace(job, audio_index=None)
        try:
            warnings = run_clip(clip_command(silent, out), job.duration, what=f"encoding {out.name}",
                                progress=progress, done=done, total=total, span=span)
        except MediaError:
            raise exc from None
        notes.append(f"the sound track could not be decoded ({exc.message if hasattr(exc, 'message') else exc}); "
                     "the clip is silent")
        job.audio_index = None
        return
    if warnings.strip():
        first = warnings.strip().splitlines()[0]
        notes.append(f"ffmpeg reported damaged data while encoding (first: {first}); the clip was made anyway")


def _encode_to_fit(job: ClipJob, budget: int, s: ClipSettings, path: Path, tmp: Path, notes: list[str], progress) -> Path:
    """Two-pass encodes at the bitrate that fits ``budget``; lowered and retried if the file is over."""
    seconds_ = float(job.duration)
    audio_bits = (job.audio_bitrate * (3 / 4 if job.format == "webm" else 1)) if job.audio_index is not None else 0
    usable = budget * 8 * (1 - _OVERHEAD) / seconds_ - audio_bits
    if job.video_index is None:
        if audio_bits * seconds_ / 8 > budget * (1 - _OVERHEAD):
            raise OutputError(f"{seconds_:.1f} s of sound at {job.audio_bitrate // 1000} kb/s does not fit in {describe_size(budget)}",
                              f"give a shorter range or a larger {option('max_size')}")
        out = tmp / f"clip.{job.format}"
        _encode(job, out, notes, progress, 0, 1000, 1000)
        return out
    if usable < _MIN_VIDEO_BITRATE and job.audio_index is not None:
        # Give the picture room: lower the sound to 64 kb/s before giving up.
        job.audio_bitrate = 64_000
        audio_bits = 64_000 * (3 / 4 if job.format == "webm" else 1)
        usable = budget * 8 * (1 - _OVERHEAD) / seconds_ - audio_bits
    if usable < _MIN_VIDEO_BITRATE:
        raise OutputError(f"{seconds_:.1f} s of video cannot fit in {describe_size(budget)} "
                          f"(it would get {max(0, usable) / 1000:.0f} kb/s)",
                          f"give a shorter range, a larger {option('max_size')}, or {option('audio', 'off')}; nothing was written")
    # libvpx overshoots a two-pass target more than x264 on short clips: aim lower from the start.
    rate = int(min(usable * (0.93 if job.format == "webm" else 1), _MAX_VIDEO_BITRATE))
    out = tmp / f"clip.{job.format}"
    passlog = tmp / "pass"
    previous = None
    for attempt in range(1, s.max_tries + 1):
        job.video_bitrate = rate
        step = 1000 // (2 * s.max_tries)
        base = (attempt - 1) * 2 * step
        _encode(replace(job, pass_number=1, passlog=passlog), out, notes, progress, base, 1000, step)
        _encode(replace(job, pass_number=2, passlog=passlog), out, notes, progress, base + step, 1000, step)
        size = out.stat().st_size
        if size <= budget:
            notes.append(f"fits {describe_size(budget)}: two-pass at {rate / 1000:.0f} kb/s video → {describe_size(size)}"
                         + (f" (try {attempt})" if attempt > 1 else ""))
            return out
        if previous is not None and size > previous * 0.97:
            break  # a lower bitrate no longer makes it smaller: the encoder's floor at this size
        previous = size
        # Scale the picture's share only: the sound's bytes do not shrink with the video bitrate.
        sound = audio_bits * seconds_ / 8
        target = budget * (1 - _OVERHEAD) - sound
        actual = max(1.0, size * (1 - _OVERHEAD) - sound)
        rate = int(rate * min(target / actual, 0.97) * 0.95)
        if rate < _MIN_VIDEO_BITRATE:
            break
    raise OutputError(f"could not make the clip fit in {describe_size(budget)} (last try {describe_size(out.stat().st_size)})",
                      f"give a shorter range, a smaller {option('width')} or a larger {option('max_size')}; nothing was written")


def _artifact(info: MediaInfo, rng: TimeRange, path: Path, s: ClipSettings, size, notes: list[str],
              captions: tuple[str, ...], *, with_video: bool, landed=None, poster=None) -> Artifact:
    """The clip's artifact, with its poster made by ``poster()`` (None: read from the written clip)."""
    siblings = []
    kind = "clip" if with_video else "audio"
    w, h = size if size else (0, 0)
    if with_video and s.poster:
        if landed is not None:  # recorded before the poster: a run stopped now may be run again (outputs.py)
            landed(Artifact(path=path, kind=kind, width=w, height=h, bytes=path.stat().st_size, source=info.path,
                            start=rng.start, end=rng.end, duration=rng.duration, captions=captions))
        try:
            made = poster() if poster is not None else None
            siblings.append(made or make_poster(path, rng.duration, w))
        except Exception as exc:  # noqa: BLE001 - a poster is a nicety: the clip itself was made
            notes.append(f"no poster image: {exc}")
    return Artifact(path=path, kind=kind, width=w, height=h, bytes=path.stat().st_size, source=info.path,
                    start=rng.start, end=rng.end, duration=rng.duration, sha256=sha256_of(path),
                    notes=tuple(notes), siblings=tuple(siblings), captions=captions)
