"""Which video stream of a file clipkit uses, and what its frames are like.

A broadcast transport stream can carry several programs (services), each with
its own video; a disc rip can carry a second angle or a picture-in-picture
commentary.  By default clipkit takes the *main* one: the largest picture
(a multi-program TS's main service is its HD one; a shopping or data service
is small), the first on a tie.  ``--video-track N`` picks the N-th video stream
(from 0, in file order, as ``clipkit info`` lists them).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from .interlace import PULLDOWN_RATES, SAMPLE_FRAMES, Scan, measure_scan

if TYPE_CHECKING:
    from .probe import VideoStream

__all__ = ["choose_video", "sample_scan"]


def choose_video(videos: list[VideoStream], track: int | None, path: Path) -> VideoStream | None:
    """The stream ``track`` names, or the main one: the largest picture, of a motion-video codec if any."""
    if track is not None:
        if not 0 <= track < len(videos):
            have = f"it has {len(videos)} (0–{len(videos) - 1})" if videos else "it has none"
            raise InputError(f"{path} has no video track {track}: {have}",
                             "run `clipkit info` on it to see its video tracks")
        return videos[track]
    if not videos:
        return None
    # the largest picture, a motion video before a still-picture codec (a cover image muxed as a one-frame
    # MJPEG/PNG track of an MKV was taken for the episode, being larger)
    return max(videos, key=lambda v: (v.codec not in _PICTURE_CODECS, v.width * v.height, -v.index))


#: Codecs a cover picture is stored in; a real video in one of them is taken only when it is the only one.
_PICTURE_CODECS = frozenset({"mjpeg", "png", "bmp", "webp", "tiff", "jpegls", "gif"})


#: Codecs and pixel formats that never carry broadcast fields: no sample needed.
_NEVER_INTERLACED_CODECS = frozenset({"vp8", "vp9", "av1", "png", "gif", "webp", "mjpeg", "apng"})
#: Frame rates that interlaced or telecined broadcast video is stored at (frames, not fields, per second).
_FIELD_RATES = frozenset({Fraction(25), Fraction(30000, 1001), Fraction(30), Fraction(50), Fraction(60000, 1001),
                          Fraction(60)})


def sample_scan(path: Path, video: VideoStream, duration: Fraction) -> Scan:
    """Flags and a short idet sample, from about 40 % into the file (past openings and ads)."""
    flagged = video.scan.flagged if video.scan else "unknown"
    if video.codec in _NEVER_INTERLACED_CODECS or (video.pix_fmt or "").startswith(("rgb", "bgr", "gbr")):
        return Scan("progressive", None, flagged)
    if flagged not in ("tff", "bff") and (video.variable_frame_rate or (video.frame_rate and video.frame_rate not in _FIELD_RATES)):
        # not flagged interlaced, and at a rate no broadcast carries fields at (23.976p web rips, phone VFR):
        # no sample — the probe of every ordinary file would otherwise decode 48 frames for nothing
        return Scan("progressive", None, flagged)
    rate = video.frame_rate or Fraction(25)
    at = max(Fraction(0), min(duration * 2 / 5, duration - SAMPLE_FRAMES / rate))
    seek = ["-ss", f"{float(at):.3f}"]
    if video.pid is not None:
        from .tsindex import ts_index  # numpy: only for transport streams (`clipkit info` stays light)

        index = ts_index(path, video.pid)  # a transport stream: timestamp seeking would miss the keyframe
        if index is not None and len(index.offsets):
            seek = ["-skip_initial_bytes", str(int(index.offsets[index.start_entry(at)]))]
    scan = measure_scan(path, video.index, seek, flagged, (video.width, video.height))
    if scan.kind == "telecined" and video.frame_rate not in PULLDOWN_RATES:
        # 3:2 pulldown lays 24 film frames on 30 (29.97) frames a second; at 25 fps (film laid on PAL's 50 fields,
        # a field repeated now and then) decimating one frame in five would drop a film frame in six: deinterlaced
        # instead, every frame kept
        scan = Scan("interlaced", scan.field_order, scan.flagged,
                    f"{scan.measured}; no 3:2 pulldown at {float(video.frame_rate):g} fps")
    return scan
