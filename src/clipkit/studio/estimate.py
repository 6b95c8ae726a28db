"""A cheap size estimate for a GIF or clip before it is encoded (the Make panel's live ``--max-size`` check).

Nothing is decoded.  The output size follows from the settings the job would use
(width, or the source's; height from the display aspect or the crop; GIF frames
= duration × fps; a clip keeps the source's frame rate), and the bytes are

* GIF: ``pixels × frames × k`` with ``k`` bytes per pixel per frame: the median
  ``k`` of the GIFs already made from this episode in this session when there are
  any, else :data:`GIF_BYTES_PER_PIXEL` (measured on the sample and the real clips,
  see the studio's closing note);
* clip: ``duration × (pixels × fps × b / 8 + audio bitrate / 8)`` with ``b`` bits
  per pixel per frame at the default CRF: likewise calibrated on this episode's
  clips, else :data:`CLIP_BITS_PER_PIXEL`.

Content moves the truth by a factor of two either way (a static shot is small,
grain is big), so the page shows the figure as "about" and says how it was made.
With ``max_size`` the pipeline fits the file anyway; the estimate tells before.
"""

from __future__ import annotations

import math
import statistics
from fractions import Fraction

from ..settings import DEFAULT_CLIP, DEFAULT_GIF

__all__ = ["estimate", "GIF_BYTES_PER_PIXEL", "CLIP_BITS_PER_PIXEL"]

#: GIF bytes per output pixel per frame at the default quality: bench/bench_studio.py measured 0.53–2.9× this on
#: the sample and the real clips (0.25 puts the median near 1×; a fade or a static shot is far smaller).
GIF_BYTES_PER_PIXEL = 0.25
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
        k = _factor(made, lambda r: r["bytes"] / (r["width"] * r["height"] * r["frame_count"]) if r.get("frame_count") else None)
        how = (f"{width}×{height} px × {frames} frames × {k or GIF_BYTES_PER_PIXEL:.3f} B/px "
               + (f"(as the {len(made)} GIF(s) made from this episode)" if k else "(a typical drama shot)"))
        total = width * height * frames * (k or GIF_BYTES_PER_PIXEL)
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
