"""Embedded subtitle tracks (extracted with the bundled ffmpeg) and ``--subs`` choice.

``select_subtitles(info, spec)`` resolves ``auto`` (same-stem sidecar, else
the text track in the preferred language, else the default or first text
track), ``off``, a file, ``track:N`` (``0:s:N``) or ``lang:xxx``.  Bitmap
tracks are refused by name.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from ..errors import InputError, MediaError, UsageError, option
from ..language import language_in_name, normalize_language, preferred_language
from ..media.ffmpeg import run_ffmpeg
from ..media.probe import MediaInfo, SubtitleTrack
from .files import find_sidecar, load_subtitle_file, parse_subtitle_text
from .model import Cue, SubtitleSource

__all__ = ["extract_track", "select_subtitles", "track_list"]


def track_list(info: MediaInfo) -> str:
    """The subtitle tracks of a file, for a hint: ``its tracks: track:0 (eng, subrip); …``."""
    if not info.subtitles:
        return "it has no subtitle tracks"
    parts = []
    for t in info.subtitles:
        bits = [t.language or "und", t.codec]
        if t.title:
            bits.append(t.title)
        if not t.is_text:
            bits.append("pictures")
        parts.append(f"track:{t.index} ({', '.join(bits)})")
    return "its tracks: " + "; ".join(parts)


def _refuse_bitmap(info: MediaInfo, track: SubtitleTrack) -> None:
    if not track.is_text:
        raise InputError(
            f"subtitle track {track.index} of {info.path.name} is a bitmap track ({track.codec}): pictures, not text",
            f"use a text track or an .srt file with {option('subs')} (" + track_list(info) + ")",
        )


@functools.lru_cache(maxsize=16)
def _extract_cached(path: str, mtime_ns: int, index: int, codec: str) -> tuple[Cue, ...]:
    fmt = "ass" if codec in ("ass", "ssa") else "srt"
    # Teletext decodes to pictures unless asked for the text of its subtitle pages.
    decoder = ["-txt_format", "text", "-txt_page", "subtitle"] if codec == "dvb_teletext" else []
    # An SRT track is copied as muxed: ffmpeg's decoder reads "a < b and c > d" as a <b> tag ("a <b> d</b>")
    codec_out = "copy" if codec == "subrip" else fmt
    proc = run_ffmpeg(
        [*decoder, "-i", path, "-map", f"0:s:{index}", "-c:s", codec_out, "-f", fmt, "pipe:1"],
        what=f"extracting subtitle track {index}",
    )
    text = proc.stdout.decode("utf-8", "replace")
    if not text.strip():
        return ()
    return tuple(parse_subtitle_text(text, f"subtitle track {index}", fmt))


def extract_track(info: MediaInfo, index: int) -> list[Cue]:
    """The cues of text subtitle track ``index`` (``0:s:index``), via the bundled ffmpeg."""
    tracks = {t.index: t for t in info.subtitles}
    if index not in tracks:
        raise InputError(f"{info.path.name} has no subtitle track {index}", track_list(info))
    track = tracks[index]
    _refuse_bitmap(info, track)
    try:
        mtime = info.path.stat().st_mtime_ns
    except OSError:
        mtime = 0
    try:
        return list(_extract_cached(str(info.path), mtime, index, track.codec))
    except MediaError as exc:
        raise MediaError(f"could not read subtitle track {index} of {info.path.name}: {exc.message}", f"try {option('subs')} with an .srt file") from None


def _pictures(track: SubtitleTrack) -> SubtitleSource:
    """A picture track (PGS, DVD, DVB…): no text to lay out; the decoder draws its own pictures in."""
    return SubtitleSource((), _describe_track(track) + f", {track.codec} pictures", normalize_language(track.language),
                          picture_track=track.index)


def _describe_track(t: SubtitleTrack) -> str:
    bits = [b for b in (t.language, t.title) if b]
    return f"track {t.index}" + (f" ({', '.join(bits)})" if bits else "")


def _sidecar_language(video: Path, sidecar: Path) -> str | None:
    """The language a subtitle file beside ``video`` is tagged with (``ep07.ja.srt``: jpn), else None."""
    tag = sidecar.stem[len(video.stem) + 1:] if sidecar.stem != video.stem else None
    return (language_in_name(sidecar.name) or normalize_language(tag.split(".")[0])) if tag else None


def select_subtitles(
    info: MediaInfo,
    spec: str | os.PathLike | None = "auto",
    *,
    language: str | None = None,
) -> SubtitleSource | None:
    """Resolve ``--subs`` for a video: ``auto``, ``off``, a file, ``track:N`` or ``lang:xxx``.

    ``language`` is the preferred language for ``auto`` (default: the
    locale's).  Returns None when there are no subtitles to use (``off``, or
    ``auto`` found nothing).  Raises :class:`InputError` for a missing file,
    a track that does not exist (listing the tracks) or a bitmap track.
    """
    if spec is None:
        return None
    raw = os.fspath(spec) if isinstance(spec, os.PathLike) else str(spec)
    key = raw.strip()
    low = key.lower()
    if low in ("off", "none", "no", ""):
        return None
    if info.label and low.startswith(("track:", "lang:")):  # frames (a temporary file): no tracks to choose from
        raise InputError(f'subs="{key}": there are no subtitle tracks in {info.label}',
                         'give a subtitle file (subs="ep07.srt") or your own text (caption="…")')
    if low.startswith("track:"):
        try:
            index = int(key.split(":", 1)[1])
        except ValueError:
            raise UsageError(f"{option('subs', key)}: the track must be a number",
                             f"e.g. {option('subs', 'track:0')} (" + track_list(info) + ")") from None
        track = next((t for t in info.subtitles if t.index == index), None)
        if track is not None and not track.is_text:
            return _pictures(track)
        cues = extract_track(info, index)
        return SubtitleSource(tuple(cues), _describe_track(track), normalize_language(track.language))
    if low.startswith("lang:"):
        want = normalize_language(key.split(":", 1)[1])
        if not want:
            raise UsageError(f"{option('subs', key)}: no language given", f"e.g. {option('subs', 'lang:eng')} or lang:jpn")
        matching = [t for t in info.subtitles if normalize_language(t.language) == want]
        text_tracks = [t for t in matching if t.is_text]
        if not text_tracks:
            if matching:
                return _pictures(matching[0])
            sidecar = find_sidecar(info.path, want)  # no such track: a subtitle file beside it in that language
            if sidecar is not None and _sidecar_language(info.path, sidecar) == want:
                return SubtitleSource(tuple(load_subtitle_file(sidecar)), sidecar.name, want)
            raise InputError(f"{info.path.name} has no subtitle track in {want}", track_list(info))
        track = text_tracks[0]
        return SubtitleSource(tuple(extract_track(info, track.index)), _describe_track(track), want)
    if low == "auto":
        want = normalize_language(language) or preferred_language()
        text_tracks = [t for t in info.subtitles if t.is_text]
        mine = next((t for t in text_tracks if want and normalize_language(t.language) == want), None)
        sidecar = find_sidecar(info.path, want)
        if sidecar is not None:
            # a file named for another language (ep07.en.srt when you want jpn) gives way to a track in yours
            other = sidecar.stem != info.path.stem and language_in_name(sidecar.name) not in (None, want)
            if mine is None or not other:
                return SubtitleSource(tuple(load_subtitle_file(sidecar)), sidecar.name, _sidecar_language(info.path, sidecar))
        if not text_tracks:
            pictures = [t for t in info.subtitles if not t.is_text]
            if not pictures:
                return None
            pick = next((t for t in pictures if want and normalize_language(t.language) == want), None)
            return _pictures(pick or next((t for t in pictures if t.default), None) or pictures[0])
        pick = mine or next((t for t in text_tracks if t.default), None) or text_tracks[0]
        return SubtitleSource(tuple(extract_track(info, pick.index)), _describe_track(pick), normalize_language(pick.language))
    path = Path(raw).expanduser()
    return SubtitleSource(tuple(load_subtitle_file(path)), path.name, language_in_name(path.name))  # ep07.ja.srt: jpn
