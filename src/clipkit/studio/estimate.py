"""A cheap size estimate for a GIF or clip before it is encoded (the Make panel's live ``--max-size`` check).

Nothing is decoded.  The output size follows from the settings the job would use
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
* clip: ``duration × (pixels × fps × b / 8 + audio bitrate / 8)`` with ``b`` bits
  per pixel per frame at the default CRF: likewise calibrated on this episode's
  clips, else :data:`CLIP_BITS_PER_PIXEL`.

Content moves the truth by a factor of two either way (a static shot is small,
grain or fire is big), so the page shows the figure as "about" and says how it was made.
With ``max_size`` the pipeline fits the file anyway; the estimate tells before.
"""

from __future__ import annotations

import math
import statistics
from fractions import Fraction

from ..settings import DEFAULT_CLIP, DEFAULT_GIF

__all__ = ["estimate", "gif_bytes", "GIF_BYTES_PER_UNIT", "CLIP_BITS_PER_PIXEL"]

#: ``q`` of a GIF at the default quality (see above): the geometric mean of 8 ranges of the 4 real clips
#: (../shared/media, 480 px, 15 fps, session 31's engine), whose estimates are 0.40–1.72× what was made (a soft shot
#: with one small bird over, fire under).  The figure it replaces (0.25 bytes per pixel per frame) had been measured on an
#: older GIF engine: it put those ranges at 0.68–2.38× (all but two over).
GIF_BYTES_PER_UNIT = 7.4
_PIXELS_POWER = 0.8
_RATE_POWER = 0.5
#: H.264 bits per pixel per frame at the default CRF 20 / veryfast (likewise: the median of the same clips).
CLIP_BITS_PER_PIXEL = 0.17


def _fraction(text) -> Fraction:
    return Fraction(str(text))


def _size(info, options: dict) -> tuple[int, int]:
    """Output width and height as the pipeline would make them (even numbers; crop's aspect if given)."""
    video = info.require_video()
    sw, sh = video.display_size
    crop = options.get("crop")
    if crop and crop != "auto":
        cw, ch, _x, _y = (int(v) for v in crop.split(":"))
        sw, sh = max(cw, 1), max(ch, 1)
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


def _factor(made: list[dict], key) -> float | None:
    values = [key(r) for r in made]
    values = [v for v in values if v and v > 0]
    return statistics.median(values) if values else None


def estimate(kind: str, params: dict, made: list[dict]) -> dict:
    """``{"bytes", "width", "height", "frames", "how", "max_size", "fits"}``; bytes None for kinds not estimated."""
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
        video = info.require_video()
        fps = Fraction(video.frame_rate or 25)
        frames = math.ceil(span * fps)
        audio = DEFAULT_CLIP.audio_bitrate if info.audio else 0

        def bpp(r):
            d = float(_fraction(r["duration"])) if r.get("duration") else 0
            return (r["bytes"] * 8 - d * audio) / (r["width"] * r["height"] * d * float(fps)) if d else None
        k = _factor(made, bpp)
        how = (f"{width}×{height} px × {float(fps):.3g} fps × {float(span):.2f} s × {k or CLIP_BITS_PER_PIXEL:.3f} bit/px"
               f" + sound at {audio // 1000} kbit/s "
               + (f"(as the {len(made)} clip(s) made from this episode)" if k else "(typical at CRF 20)"))
        total = float(span) * (width * height * float(fps) * (k or CLIP_BITS_PER_PIXEL) + audio) / 8
    total = int(total)
    return {"bytes": total, "width": width, "height": height, "frames": frames, "how": how, "max_size": max_size,
            "fits": None if max_size is None else total <= max_size}
