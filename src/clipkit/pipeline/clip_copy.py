"""``clip --copy``: the smart cut — the video stream copied, only START → next keyframe re-encoded.

1. The keyframes near the range come from packet flags (``media/keyframes.py``, no decoding).
2. START on a keyframe: everything is copied.  Otherwise the *head* — from the
   frame on screen at START up to the next keyframe K — is re-encoded with the
   source's codec, profile and pixel format (H.264 with x264: the only codec
   clipkit can match and that MP4 players take), and the *tail* K → END is
   copied packet for packet.  Both go through MPEG-TS (parameter sets in-band),
   are joined by ffmpeg's concat demuxer and muxed into the MP4 with the sound.
   AAC sound into MP4 is copied too: the packets from the one before the packet
   holding START (the decoder's pre-roll) on, placed at their source times
   minus START, so the MP4 edit list trims them to START exactly (players that
   honour edit lists — browsers, ffmpeg, QuickTime — start the sound there; no
   fades, as nothing is decoded).  Other sound (or sound starting after START)
   is re-encoded, cut at START with the same fades as a normal clip.
3. A source clipkit cannot match (not H.264) is an error that names both ways
   out, unless ``copy_fallback`` chose one: ``encode`` (a normal, exact cut) or
   ``snap`` (copy from the keyframe before START; the snapped times are noted).
"""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from ..artifact import Artifact
from ..atomic import atomic_path, move_file
from ..encode.clip import ClipJob, clip_command, run_clip, seconds
from ..errors import UsageError, option
from ..media.ffmpeg import ffmpeg_command, framemd5_packets, run_ffmpeg
from ..media.keyframes import copy_end, frame_on_screen, keyframes, opening_frame, read_packets
from ..media.probe import AudioStream, MediaInfo
from ..progress import ProgressFn, report
from ..settings import ClipSettings
from ..timecode import TimeRange, format_time
from .clip_poster import poster_from_source

__all__ = ["smart_cut", "MATCHABLE", "source_profile"]

#: Source codec → (encoder, output formats it can be copied into).
MATCHABLE = {"h264": ("libx264", ("mp4",))}
#: Codecs a keyframe-snapped copy can carry, by output format.
_CONTAINERS = {"h264": ("mp4",), "hevc": ("mp4",), "vp8": ("webm",), "vp9": ("webm", "mp4"), "av1": ("webm", "mp4")}
_X264_PROFILES = {"high": "high", "main": "main", "baseline": "baseline", "constrained baseline": "baseline",
                  "high 10": "high10", "high 4:2:2": "high422", "high 4:4:4 predictive": "high444"}
#: Packets this far before the copy's keyframe (seconds; under a frame at 240 fps) are another group's.
_SEEK_SLACK = "0.002"
#: Quality of the re-encoded head: close to the source so the seam does not show.
_HEAD_CRF = 16


def source_profile(info: MediaInfo) -> str | None:
    """The H.264 profile ffmpeg reports for the video stream (``high``, ``main``…), lower-cased (read by the probe)."""
    return info.require_video().profile


def smart_cut(info: MediaInfo, rng: TimeRange, path: Path, s: ClipSettings, audio: AudioStream | None,
              notes: list[str], *, progress: ProgressFn | None = None) -> Artifact:
    from .clip import _artifact, make_clip  # the normal cut is the fallback

    video = info.require_video()
    codec = video.codec.lower()
    blockers = []
    # containers whose packet times a copy cannot cut by (only the decoded frames are timed there)
    untimed = info.container.startswith("mpegts") or info.container in ("avi", "mpeg")
    if info.container.startswith("mpegts"):
        blockers.append("it is an MPEG transport stream, whose timestamps a copy cannot cut exactly yet")
    elif info.container == "avi":
        blockers.append("it is an AVI file, whose packets carry no presentation times to cut by")
    elif info.container == "mpeg":
        blockers.append("it is an MPEG program stream (.vob/.mpg), whose B-frames carry no times to cut by")
    elif codec not in MATCHABLE:
        blockers.append(f"its video is {video.codec}, and clipkit can match only H.264")
    elif s.format not in MATCHABLE[codec][1]:
        blockers.append(f"{video.codec} cannot be copied into {s.format}")
    changed = [name for name, on in ((f"{option('width')}/{option('height')}", s.width or s.height), (option("crop"), s.crop),
                                     (option("fps"), s.fps), (option("max_size"), s.max_size)) if on]
    if changed:
        raise UsageError(f"{option('copy', True)} keeps the picture as it is; it cannot be combined with {', '.join(changed)}",
                         f"drop {option('copy', True)} for a re-encoded clip, or drop those options")
    if blockers:
        if s.copy_fallback == "encode":
            notes.append(f"not copied: {blockers[0]}; made a normal (re-encoded) cut instead")
            made = make_clip(info, rng.start, rng.end, path, settings=replace(s, copy=False), progress=progress,
                             subs="off", overwrite=True)  # its outputs were checked by the make_clip that called us
            return made.with_(notes=(*notes, *made.notes))
        if s.copy_fallback == "snap" and untimed:
            raise UsageError(f"cannot copy from {info.path.name}: {blockers[0]}", f"use {option('copy_fallback', 'encode')}")
        if s.copy_fallback == "snap" and s.format not in _CONTAINERS.get(codec, ()):
            raise UsageError(f"{video.codec} cannot be copied into {s.format}",
                             f"use {option('format', _CONTAINERS[codec][0])}" if codec in _CONTAINERS else
                             f"use {option('copy_fallback', 'encode')}")
        if s.copy_fallback != "snap":
            hint = f"add {option('copy_fallback', 'encode')} (an exact, re-encoded cut)"
            if codec in MATCHABLE and not untimed:  # only the format is wrong
                hint = f"use {option('format', MATCHABLE[codec][1][0])} to copy it, or " + hint.replace("add ", "")
            elif not untimed:
                hint += f" or {option('copy_fallback', 'snap')} (copied from the keyframe before START)"
            raise UsageError(f"cannot smart-cut {info.path.name}: {blockers[0]}", hint)
    packets = read_packets(info, rng.start, rng.end + 1)  # one read: keyframes, first frame, where the copy stops
    keys = keyframes(info, rng.start, rng.end, packets)
    before = [k for k in keys if k <= rng.start]
    after = [k for k in keys if rng.start < k < rng.end]
    with tempfile.TemporaryDirectory(prefix="clipkit-copy-") as tmpdir:
        tmp = Path(tmpdir)
        poster_tmp = tmp / "poster.jpg"
        posting: list = []

        def start_poster(final: TimeRange) -> None:
            """The range is final: the poster is chosen from the source (the clip's frames are its own) meanwhile."""
            if s.poster:
                posting.append(_in_background(poster_from_source, info, final, path, poster_tmp))

        try:
            if blockers or (before and before[-1] == rng.start) or not after:
                if blockers or not after:
                    if not before:
                        raise UsageError(f"no keyframe at or before {format_time(rng.start)}", f"drop {option('copy', True)}")
                    if not blockers and not after and before[-1] != rng.start:
                        # The whole range lies before the next keyframe: nothing to copy; a normal cut is exact.
                        notes.append("no keyframe inside the range: nothing to copy, so it was re-encoded")
                        made = make_clip(info, rng.start, rng.end, path, settings=replace(s, copy=False),
                                         progress=progress, subs="off", overwrite=True)
                        return made.with_(notes=(*notes, *made.notes))
                start = before[-1]
                if start != rng.start:
                    notes.append(f"snapped to the keyframe before START: the clip runs {format_time(start)}–"
                                 f"{format_time(rng.end)} (asked {format_time(rng.start)}), every frame copied")
                else:
                    notes.append("START is on a keyframe: every frame copied")
                video_file = tmp / "all.mkv"  # any codec (VP8, …), nothing to join
                stop = _copy_tail(info, start, rng.end, video_file, packets)
                rng = _ended(TimeRange(start, rng.end), stop, notes)
                start_poster(rng)
                concat = None
            else:
                k = after[0]
                head, tail = tmp / "head.ts", tmp / "tail.ts"
                # The head is encoded while the tail is copied and the sound's packets are read: those wait
                # on the disk, x264 on the processor.
                encoding = _in_background(_encode_head, info, rng.start, k, head, progress, packets)
                try:
                    stop = _copy_tail(info, k, rng.end, tail, packets)
                    copied = _audio_copy(info, audio, rng.start) if audio is not None and s.format == "mp4" else None
                    start_poster(TimeRange(rng.start, stop))
                except BaseException:
                    encoding(raise_error=False)
                    raise
                encoding()
                report(progress, 600, 1000)
                concat = tmp / "list.txt"
                concat.write_text(f"file '{head}'\nduration {seconds(k - rng.start)}\nfile '{tail}'\n", encoding="utf-8")
                notes.append(f"smart cut: {format_time(rng.start)}–{format_time(k)} re-encoded (H.264, crf {_HEAD_CRF}), "
                             f"{format_time(k)}–{format_time(stop)} copied")
                rng = _ended(rng, stop, notes)
                video_file = concat
            out = tmp / f"clip.{s.format}"
            if concat is None:
                copied = _audio_copy(info, audio, rng.start) if audio is not None and s.format == "mp4" else None
            if copied is not None:
                notes.append("sound copied (AAC packets; the MP4 edit list starts it at START exactly)")
            _mux(info, video_file, concat is not None, rng, audio, s, out, copied)
            with atomic_path(path) as final:
                move_file(out, final)
            report(progress, 1000, 1000)
            w, h = video.display_size
            return _artifact(info, rng, path, s, (w, h), notes, (), with_video=True,
                             poster=(lambda: _land_poster(posting[0], poster_tmp)) if posting else None)
        finally:
            for wait in posting:
                wait(raise_error=False)  # (before its folder goes)


def _land_poster(posting, made: Path) -> Artifact:
    """The poster made beside the cut, moved next to the clip now that the clip is there."""
    art = posting()
    with atomic_path(art.path) as final:
        move_file(made, final)
    return art


def _ended(rng: TimeRange, stop: Fraction, notes: list[str]) -> TimeRange:
    if stop != rng.end:
        notes.append(f"the copy ends at {format_time(stop)}, the end of the B-frame group holding "
                     f"{format_time(rng.end)} (a copied stream can only stop there); the sound ends there too")
    return TimeRange(rng.start, stop)


def _in_background(fn, *args):
    """Run ``fn(*args)`` in a thread; return ``wait(raise_error=True)``, which joins it and returns what
    it returned or raises what it raised."""
    error: list[BaseException] = []
    result: list = []

    def run() -> None:
        try:
            result.append(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by wait()
            error.append(exc)

    thread = threading.Thread(target=run, name="clipkit-smart-cut-head", daemon=True)
    thread.start()

    def wait(raise_error: bool = True) -> None:
        thread.join()
        if error and raise_error:
            raise error[0]
        return result[0] if result else None

    return wait


def _encode_head(info: MediaInfo, start: Fraction, key: Fraction, out: Path, progress, packets) -> None:
    video = info.require_video()
    profile = _X264_PROFILES.get(source_profile(info) or "", None)
    extra = ["-crf", str(_HEAD_CRF), "-pix_fmt", video.pix_fmt or "yuv420p"]
    if profile:
        extra += ["-profile:v", profile]
    order = video.scan.flagged if video.scan is not None else None
    if order in ("tff", "bff"):  # coded as fields, as the copied frames after it: players deinterlace it alike
        extra += ["-flags", "+ildct+ilme", "-x264-params", f"{order}=1"]
    first = frame_on_screen(info, start, packets)
    job = ClipJob(source=info.path, video_index=video.index, audio_index=None, first=first, start=start,
                  shown=opening_frame(info, start, first, packets), duration=key - start, crf=_HEAD_CRF, preset="superfast", extra_video_args=extra, muxer="mpegts",
                  autorotate=False)  # as stored, like the copied frames after it
    run_clip(clip_command(job, out), key - start, what="re-encoding the start of the smart cut", progress=progress,
             done=0, total=1000, span=500)


def _copy_tail(info: MediaInfo, key: Fraction, end: Fraction, out: Path, packets) -> Fraction:
    """Copy the packets from keyframe ``key`` to the first clean stop at or after ``end``; return where it ends."""
    video = info.require_video()
    count, stop = copy_end(info, key, end, packets)
    cmd = ffmpeg_command(["-y"])
    drop = []
    if key > 0:
        cmd += ["-ss", seconds(key)]
        # A seek may land on an earlier keyframe (Matroska with B-frames lands on the one before): its
        # packets come out before 0 (times count from ``key``) and are dropped before -frames:v counts.
        drop = ["-bsf:v", f"noise=drop=lt(pts*tb\\,-{_SEEK_SLACK})"]
    cmd += ["-i", str(info.path), "-map", f"0:{video.index}", "-c", "copy", *drop, "-frames:v", str(count),
            "-f", "mpegts" if out.suffix == ".ts" else "matroska", str(out)]
    run_clip(cmd, stop - key, what="copying the video stream")
    return stop


def _audio_copy(info: MediaInfo, audio: AudioStream, start: Fraction) -> tuple[Fraction, Fraction] | None:
    """(time of the pre-roll packet, its duration) if the sound can be copied from ``start``, else None.

    AAC only (what MP4 takes as it is).  The packet holding ``start`` and the one before it (an AAC
    frame overlaps the one before: without it the first one decodes wrong) must both be there:
    sound that starts after ``start``, or a gap, is re-encoded (padded with silence from 0)."""
    if audio.codec.lower() != "aac":
        return None
    seek = max(Fraction(0), start - 1)
    cmd = (["-ss", seconds(seek)] if seek > 0 else []) + ["-t", "2", "-copyts", "-i", str(info.path),
                                                          "-map", f"0:{audio.index}", "-c", "copy", "-f", "framecrc", "-"]
    proc = run_ffmpeg(cmd, what="reading sound packets", check=False)
    packets = sorted((pts * tb - info.start_time, dur * tb) for pts, dur, tb in framemd5_packets(proc.stdout))
    before = [(t, d) for t, d in packets if t <= start]
    if proc.returncode != 0 or len(before) < 2 or not (before[-1][1] > 0 and before[-2][1] > 0):
        return None
    (pre, pre_dur), (hold, hold_dur) = before[-2], before[-1]
    if hold + hold_dur < start or hold - pre > 2 * pre_dur:
        return None  # a gap in the sound at START
    return pre, pre_dur


def _mux(info: MediaInfo, video_file: Path, is_concat: bool, rng: TimeRange, audio: AudioStream | None,
         s: ClipSettings, out: Path, copied: tuple[Fraction, Fraction] | None = None) -> None:
    """The copied (or joined) video and the sound cut at the range, into the final file."""
    cmd = ffmpeg_command(["-y"])
    if is_concat:
        cmd += ["-f", "concat", "-safe", "0"]
    rotation = info.require_video().rotation
    if rotation:  # the frames are as stored: the clip is tagged to be turned as the source is
        cmd += ["-display_rotation:v:0", str(-rotation % 360)]
    cmd += ["-i", str(video_file)]
    maps = ["-map", "0:v:0"]
    graph = []
    if audio is not None and copied is not None:
        pre, dur = copied
        # Opened inside the pre-roll packet (a seek there starts at or before it); -itsoffset then
        # makes every packet's time its source time minus START, the pre-roll (and the packet holding
        # START, when START is inside it) before 0, which the MP4 edit list skips.  Packets the seek
        # brought in before the pre-roll (it lands on a video keyframe) are dropped.
        at = max(Fraction(0), Fraction(int((pre + dur / 2) * 1_000_000), 1_000_000))
        cmd += (["-ss", seconds(at)] if at > 0 else []) + ["-itsoffset", seconds(at - rng.start), "-i", str(info.path)]
        maps += ["-map", f"1:{audio.index}", "-c:a", "copy",
                 "-bsf:a", f"noise=drop=lt(pts*tb\\,{seconds(pre - rng.start - dur / 2)})"]
    elif audio is not None:
        if rng.start > 0:
            cmd += ["-ss", seconds(rng.start)]
        cmd += ["-i", str(info.path)]
        job = ClipJob(source=info.path, video_index=None, audio_index=audio.index, first=rng.start, start=rng.start,
                      duration=rng.duration, fade=Fraction(s.fade_ms, 1000))
        chain = clip_command(job, out)
        fc = chain[chain.index("-filter_complex") + 1].replace(f"[0:{audio.index}]", f"[1:{audio.index}]")
        graph = ["-filter_complex", fc]
        maps += ["-map", "[a0]"] + (["-c:a", "libopus", "-b:a", str(s.audio_bitrate * 3 // 4)] if s.format == "webm"
                                    else ["-c:a", "aac", "-b:a", str(s.audio_bitrate)])
    container = ["-f", "webm"] if s.format == "webm" else ["-video_track_timescale", "90000", "-movflags", "+faststart",
                                                           "-f", "mp4"]
    cmd += graph + maps + ["-c:v", "copy", "-t", seconds(rng.duration), "-map_metadata", "-1", *container, str(out)]
    run_clip(cmd, rng.duration, what="joining the smart cut")
