"""Captions for a clip: the GIF's caption drawing as transparent layers, or a subtitle track.

Burned in: ``render/captions/overlay.py`` draws each caption state (the
set of lines on screen between two cue boundaries) once on black and once on
white; the two give back its colours and alpha exactly, saved as an RGBA PNG
that ffmpeg overlays over that span.  The text reaches ffmpeg only as
pixels, never inside a filter string.  Soft: the cues retimed to the clip as
an SRT file, which ffmpeg converts to mov_text (MP4) or WebVTT (WebM).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image

from ..encode.clip import CaptionImage, PictureSubs, seconds
from ..render.captions import caption_overlay
from ..settings import CaptionSettings
from ..subtitles.model import clip_cues
from ..timecode import TimeRange, format_srt

__all__ = ["caption_layers", "picture_subs", "write_subtitle_file"]


def caption_layers(job_captions, rng: TimeRange, size: tuple[int, int], cs: CaptionSettings,
                   folder: Path) -> tuple[list[CaptionImage], list[str]]:
    """RGBA layers (one per caption state) of ``size`` and the clip times each shows."""
    plan = caption_overlay(job_captions.cues, rng.start, size, cs, clip_end=rng.end, lang=job_captions.language,
                           relative=True, strict_cues=job_captions.typed)
    overlay = plan.overlay
    bounds = sorted({Fraction(0), rng.duration} | {t for c, _ in overlay.cues for t in (c.start, c.end)
                                                    if 0 <= t <= rng.duration})
    w, h = size
    black = np.zeros((h, w, 3), np.uint8)
    white = np.full((h, w, 3), 255, np.uint8)
    layers: list[CaptionImage] = []
    for a, b in zip(bounds, bounds[1:]):
        if b <= a:
            continue
        mid = (a + b) / 2
        if not overlay.active(mid, size):
            continue
        on_black = np.asarray(overlay(mid, black), np.int32)
        on_white = np.asarray(overlay(mid, white), np.int32)
        alpha = np.clip(255 - (on_white - on_black).max(axis=2), 0, 255)
        safe = np.maximum(alpha, 1)[..., None]
        colour = np.clip(on_black * 255 // safe, 0, 255)
        rgba = np.dstack([colour, alpha]).astype(np.uint8)
        path = folder / f"caption{len(layers):03d}.png"
        Image.fromarray(rgba).save(path, compress_level=1)
        if layers and layers[-1].end == a and np.array_equal(_pixels(layers[-1].path), rgba):
            layers[-1] = CaptionImage(layers[-1].path, layers[-1].start, b)  # same lines go on: one layer
            path.unlink()
            continue
        layers.append(CaptionImage(path, a, b))
    return layers, list(overlay.notes)


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGBA"))


def write_subtitle_file(cues, rng: TimeRange, path: Path) -> Path:
    """The cues shown in ``rng``, retimed to the clip (0 = its start), as SRT."""
    blocks = []
    for n, cue in enumerate(sorted(clip_cues(cues, rng.start, rng.end), key=lambda c: (c.start, c.end)), 1):
        text = cue.text.replace("\r", "").strip()
        if not text or cue.end <= cue.start:
            continue
        blocks.append(f"{n}\n{format_srt(cue.start)} --> {format_srt(cue.end)}\n{text}\n")
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


#: How long before the first frame the picture subtitle track is read: a picture shown then began earlier,
#: and it is only in the packets where it began (as media/frames.py reads it for GIFs and stills).
_PICTURE_LEAD = Fraction(30)


def picture_subs(info, track_index: int, first: Fraction, transport: dict) -> PictureSubs:
    """The picture subtitle track ``track_index`` (N of 0:s:N) for a clip opened at ``first``: the file
    opened again from ``_PICTURE_LEAD`` earlier, its times moved onto the video input's clock.
    ``transport``: how the clip's video input is opened when not at ``-ss first`` (an MPEG-TS from a byte
    offset, a program stream read from earlier, both with ``-copyts``), or empty."""
    track = next(t for t in info.subtitles if t.index == track_index)
    video = info.require_video()
    early = max(Fraction(0), first - _PICTURE_LEAD)
    if "-copyts" in transport.get("input_args", ()):  # -copyts (global): both inputs keep the stream's own clock
        if info.container.startswith("mpegts"):
            from ..media.frames import transport_index

            ts = transport_index(info)
            args = ("-skip_initial_bytes", str(int(ts.offsets[ts.start_entry(early)])), "-i", str(info.path))
            spec = f"i:{track.pid}" if track.pid is not None else str(track.stream_index)
            return PictureSubs(args, spec, Fraction(0), (video.width, video.height))
        args = (("-ss", seconds(early)) if early > 0 else ()) + ("-i", str(info.path))
        return PictureSubs(args, str(track.stream_index), Fraction(0), (video.width, video.height))
    # Each input's times count from its own seek point: the video's from ``first``, these from ``early``.
    # (Not for a program stream: ffmpeg starts an input's clock where the streams it uses start, and the
    # subtitle track alone may start after ``early``.)
    args = (("-ss", seconds(early)) if early > 0 else ()) + ("-i", str(info.path))
    return PictureSubs(args, str(track.stream_index), early - first, (video.width, video.height))
