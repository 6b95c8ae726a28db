"""A cheap size estimate for a GIF or clip before it is encoded (the Make panel's live ``--max-size`` check).

No picture of the GIF or clip is encoded.  The output size follows from the settings the job would use
(width, or the source's; height from the display aspect or the crop; GIF frames
= duration × fps; a clip keeps the source's frame rate), and the bytes are

* GIF: ``q × (pixels ** 0.8) × seconds × (rate ** 0.5)``, ``rate`` the distinct
  frames a second (the fps, at most the source's: a frame shown twice is merged
  into one).  A GIF frame after the first stores only what changed, so twice the
  fps is not twice the bytes (≈ √2 on the real clips, 10→20 fps: 1.3–1.6×), nor is
  twice the pixels (≈ 2^0.8: detail is denser in a smaller picture).  ``q`` is the
  median of the GIFs already made from this episode in this session when there
  are any, else :data:`GIF_BYTES_PER_UNIT`, measured on the real clips with the
  GIF engine as it is now;
* clip: the picture's bytes from what the range costs in H.264 in the page's player's segments
  (:mod:`.proxy`: the episode at 360 lines, CRF 28, cut in 5-s pieces; those the range needs made for the
  estimate when the player has not made them yet, :func:`~.player_cost.sample_range`), which
  is the range's own content: ``k × (its video bytes a second) × seconds × (pixels / the segment's) ** 0.8``
  (:data:`CLIP_PLAYER_FACTOR`), and the sound at the clip's bitrate for as much of it as the segments'
  sound is not silence (AAC spends ~15× less on silence); where no segment can be made (or without the
  studio) ``q × pixels ** 0.8 × fps ** 0.25 × seconds`` (:data:`CLIP_BITS_PER_UNIT`), or that ``q`` as this
  episode's clips made it, plus the sound.

Content moves the truth by a factor of two either way (a static shot is small,
grain or fire is big), so the page shows the figure as "about" and says how it was made.
With ``max_size`` the pipeline fits the file anyway; the estimate tells before.
"""

from __future__ import annotations

import math
import statistics
from fractions import Fraction
from functools import partial
from pathlib import Path

from ..settings import DEFAULT_CLIP, DEFAULT_GIF

__all__ = ["estimate", "gif_bytes", "clip_video_bits", "GIF_BYTES_PER_UNIT", "CLIP_BITS_PER_UNIT", "CLIP_PLAYER_FACTOR"]

#: ``q`` of a GIF at the default quality (see above): the geometric mean of 8 ranges of the 4 real clips
#: (../shared/media, 480 px, 15 fps, session 31's engine), whose estimates are 0.40–1.72× what was made (a soft shot
#: with one small bird over, fire under).  The figure it replaces (0.25 bytes per pixel per frame) had been measured on an
#: older GIF engine: it put those ranges at 0.68–2.38× (all but two over).
GIF_BYTES_PER_UNIT = 7.4
_PIXELS_POWER = 0.8
_RATE_POWER = 0.5
#: The clip's picture (H.264, CRF 20, veryfast) over the player's segments' picture (CRF 28, ultrafast, 360 lines) of
#: the same seconds, at the segment's pixels (``(pixels / segment pixels) ** 0.8`` scales it): the middle of the 48
#: clips measured (session 32: 13 ranges of the 4 real clips at 240, 480, 720 px and the source's width), whose
#: estimates are then 0.45–2.01× what was made — fire2 at 1280 px under (its detail grows with the pixels as
#: nothing else's does), the bunny's 1280-px shots over.
CLIP_PLAYER_FACTOR = 0.92
#: ``q`` of a clip's picture without segments: ``bits a second = q × pixels ** 0.8 × fps ** 0.25`` (the same 48 clips;
#: 12 → 6 fps cost 0.8–0.9× the bytes, 24 → 12 fps 0.75–0.9×: fps ** 0.25).  Content-blind: 0.41–2.45× on the clips
#: with sound, a silent range 5× over (its sound is nearly free); the figure it replaces (0.17 bit per pixel per
#: frame, linear in both) 0.33–5.15×.
CLIP_BITS_PER_UNIT = 19.4
_CLIP_PIXELS_POWER = 0.8
_CLIP_RATE_POWER = 0.25
#: The segments' sound: AAC at 96 kbit/s (proxy._picture_args); a second of it under that is part silence.
_PLAYER_AUDIO_BITRATE = 96_000


def _fraction(text) -> Fraction:
    return Fraction(str(text))


def _crop_size(options: dict) -> tuple[int, int] | None:
    """The typed crop's width and height (the page sends W:H:X:Y in display pixels); None without one or for auto."""
    crop = options.get("crop")
    if not crop or crop == "auto":
        return None
    cw, ch, _x, _y = (int(v) for v in crop.split(":"))
    return max(cw, 1), max(ch, 1)


def _size(info, options: dict) -> tuple[int, int]:
    """Output width and height as the pipeline would make them (even numbers; crop's aspect if given)."""
    video = info.require_video()
    sw, sh = _crop_size(options) or video.display_size
    if options.get("kind") == "gif":
        width = options.get("width") or DEFAULT_GIF.width or sw
    else:
        width = options.get("width") or sw  # a clip keeps the source's width unless told
    height = max(2, round(width * sh / sw / 2) * 2)
    return int(width), int(height)


def _rate(fps: Fraction, source_fps) -> float:
    """Distinct frames a second: the fps, at most the source's (a frame on screen for two ticks is merged)."""
    return float(min(Fraction(fps), Fraction(source_fps))) if source_fps else float(fps)


def gif_bytes(q: float, width: int, height: int, seconds: float, rate: float) -> float:
    """The GIF model above: ``q × pixels^0.8 × seconds × rate^0.5``."""
    return q * (width * height) ** _PIXELS_POWER * seconds * rate ** _RATE_POWER


def _gif_q(r: dict, source_fps) -> float | None:
    """``q`` of a made GIF (its bytes over the model's other factors)."""
    if not (r.get("frame_count") and r.get("duration") and r.get("width") and r.get("height")):
        return None
    seconds = float(_fraction(r["duration"]))
    if seconds <= 0:
        return None
    rate = _rate(Fraction(r["frame_count"]) / Fraction(str(seconds)), source_fps)
    return r["bytes"] / gif_bytes(1.0, r["width"], r["height"], seconds, rate)


def clip_video_bits(q: float, width: int, height: int, fps: float) -> float:
    """The clip's picture without the player's segments, in bits a second: ``q × pixels^0.8 × fps^0.25``."""
    return q * (width * height) ** _CLIP_PIXELS_POWER * fps ** _CLIP_RATE_POWER


def _factor(made: list[dict], key) -> float | None:
    values = [key(r) for r in made]
    values = [v for v in values if v and v > 0]
    return statistics.median(values) if values else None


def estimate(kind: str, params: dict, made: list[dict], studio=None) -> dict:
    """``{"bytes", "width", "height", "frames", "how", "max_size", "fits"}``; bytes None for kinds not estimated.
    With the ``studio``, a clip's range gets the player's segments it needs made (blocks a second or two the first
    time: call it from a worker thread); without, only those already made are read."""
    from ..media.probe import probe

    options = {**params.get("options", {}), "kind": kind}
    max_size = options.get("max_size")
    if kind not in ("gif", "clip"):
        return {"bytes": None, "how": f"no estimate for a {kind}", "max_size": max_size, "fits": None}
    info = probe(params["video"])
    width, height = _size(info, options)
    span = params["end"] - params["start"]
    if kind == "gif":
        fps = Fraction(options.get("fps") or DEFAULT_GIF.fps)
        frames = math.ceil(span * fps)
        source_fps = info.require_video().frame_rate
        rate = _rate(fps, source_fps)
        q = _factor(made, lambda r: _gif_q(r, source_fps))
        how = (f"{width}×{height} px, {frames} frames in {float(span):.2f} s"
               + (f" ({rate:.3g} distinct a second: the source's rate)" if rate < float(fps) else "")
               + f", q = {q or GIF_BYTES_PER_UNIT:.2f} "
               + (f"(as the {len(made)} GIF(s) made from this episode)" if q else "(the middle of the real clips measured)"))
        total = gif_bytes(q or GIF_BYTES_PER_UNIT, width, height, float(span), rate)
    else:
        total, frames, how = _clip(info, params, options, width, height, made, studio)
    total = int(total)
    return {"bytes": total, "width": width, "height": height, "frames": frames, "how": how, "max_size": max_size,
            "fits": None if max_size is None else total <= max_size}


def _clip(info, params: dict, options: dict, width: int, height: int, made: list[dict],
          studio=None) -> tuple[float, int, str]:
    """(bytes, frames, how) of a clip: from the player's segments of the range where there are any, else the model."""
    from .player_cost import range_cost, sample_range

    video = info.require_video()
    fps = float(video.frame_rate or 25)
    span = float(params["end"] - params["start"])
    frames = math.ceil(span * fps)
    audio = DEFAULT_CLIP.audio_bitrate if info.audio else 0
    measure = range_cost if studio is None else partial(sample_range, studio)
    cost = measure(Path(params["video"]), info.duration, params["start"], params["end"])
    if cost is not None:
        seg_w, seg_h = cost.size
        # the crop's share of the picture is what the clip shows of the segments' bits
        cw, ch = _crop_size(options) or video.display_size
        sw, sh = video.display_size
        share = min(1.0, cw * ch / (sw * sh))
        picture = CLIP_PLAYER_FACTOR * cost.video_bytes * share * (width * height / (seg_w * seg_h * share)) ** _CLIP_PIXELS_POWER
        sounding = min(1.0, cost.audio_bytes * 8 / (_PLAYER_AUDIO_BITRATE * cost.seconds)) if cost.seconds else 1.0
        total = span / cost.seconds * picture + span * audio * sounding / 8
        how = (f"{width}×{height} px, {span:.2f} s: the H.264 cost of {cost.seconds:.3g} s of it in the player's preview "
               f"({cost.video_bytes * 8 / cost.seconds / 1000:.0f} kbit/s at {seg_w}×{seg_h}) × {CLIP_PLAYER_FACTOR} × "
               f"(pixels / its pixels)^{_CLIP_PIXELS_POWER}" + (f" + sound at {audio // 1000} kbit/s"
                                                             + (f", {sounding:.0%} of it not silence" if sounding < 0.95 else "")
                                                             if audio else ""))
        return total, frames, how

    def q_of(r):
        d = float(_fraction(r["duration"])) if r.get("duration") else 0
        return (r["bytes"] * 8 / d - audio) / clip_video_bits(1.0, r["width"], r["height"], fps) if d else None
    q = _factor(made, q_of)
    how = (f"{width}×{height} px × {fps:.3g} fps × {span:.2f} s, q = {q or CLIP_BITS_PER_UNIT:.3g} "
           + (f"(as the {len(made)} clip(s) made from this episode)" if q else "(the middle of the real clips measured: "
              "the range's own pictures could not be read)")
           + (f" + sound at {audio // 1000} kbit/s" if audio else ""))
    return span * (clip_video_bits(q or CLIP_BITS_PER_UNIT, width, height, fps) + audio) / 8, frames, how
