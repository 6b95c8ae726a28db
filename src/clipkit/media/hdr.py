"""HDR video (PQ "HDR10" and HLG) tone-mapped to the BT.709 SDR that GIFs, stills and browsers show.

Decoded as if it were SDR, a PQ picture looks grey and washed out (a PQ red bar
comes out about 139,87,58).  So clipkit converts it in ffmpeg with zscale: from
the stream's transfer (PQ or HLG) to linear light with SDR reference white at
203 cd/m² (ITU-R BT.2408), from BT.2020 primaries to BT.709, then ``tonemap``
(Möbius: linear up to 90 % of SDR white, highlights rolled off above it
instead of clipped), then the BT.709 transfer.  The filters run after scaling,
on the output size, so a 4K HDR source costs little more than an SDR one.

Scene detection sees HDR through another curve (:func:`detection_filters`): the display tone map
flattens highlights, so a bright shot dissolving into a dim one hardly changed until its highlights
came down to the roll-off (the dissolve was found 9 frames after it began, its middle 4 late, and the
coarse pass called it a cut).  Detection keeps SDR's BT.709 curve up to reference white and continues
it above in log light, at the slope it has there, up to :data:`DETECTION_PEAK`: a highlight dimming by
half moves as far at 1000 cd/m² as at 400.  It is never shown.
"""

from __future__ import annotations

from .probe import VideoStream

import math

__all__ = ["hdr_kind", "tonemap_filters", "detection_filters", "detection_curve", "REFERENCE_WHITE"]

REFERENCE_WHITE = 203  # cd/m², BT.2408's HDR reference white = SDR's 100 %
#: The light at the top of the detection curve (cd/m²): HDR10's usual mastering peak.
DETECTION_PEAK = 1000
#: BT.709's curve V = 1.099 L^0.45 − 0.099 rises by 1.099 × 0.45 per e-fold of light at reference white (L = 1).
_SLOPE = 1.099 * 0.45
#: Where reference white lands on the detection curve (0–1), so that DETECTION_PEAK lands on 1.
_WHITE = 1 / (1 + _SLOPE * math.log(DETECTION_PEAK / REFERENCE_WHITE))
_TRANSFERS = {"smpte2084": "HDR10 (PQ)", "arib-std-b67": "HLG"}
_MATRICES = ("bt2020nc", "bt2020c", "bt709", "smpte170m", "bt470bg")
_PRIMARIES = ("bt2020", "bt709", "smpte170m", "bt470bg")


def _colour_parts(video: VideoStream) -> list[str]:
    text = video.colour or ""
    return [p.strip() for chunk in text.split(",") for p in chunk.split("/")]


def hdr_kind(video: VideoStream | None) -> str | None:
    """"HDR10 (PQ)" or "HLG" when the stream is tagged so, else None."""
    if video is None:
        return None
    for part in _colour_parts(video):
        if part in _TRANSFERS:
            return _TRANSFERS[part]
    return None


def _to_linear(video: VideoStream | None) -> list[str]:
    """ffmpeg filters from the stream's HDR to linear BT.709-primaries RGB, 1.0 at reference white (none for SDR)."""
    kind = hdr_kind(video)
    if kind is None:
        return []
    parts = _colour_parts(video)
    transfer = "smpte2084" if kind.startswith("HDR10") else "arib-std-b67"
    matrix = next((p for p in parts if p in _MATRICES), "bt2020nc")
    primaries = next((p for p in parts if p in _PRIMARIES), "bt2020")
    rng = "full" if "pc" in parts else "tv"
    # zimg refuses 4:2:0 at an odd width or height (a strip's tile, --width 325): 4:4:4 in and out.
    return ["format=yuv444p10le",
            f"zscale=tin={transfer}:min={matrix}:pin={primaries}:rin={rng}:t=linear:npl={REFERENCE_WHITE}",
            "format=gbrpf32le", "zscale=p=bt709"]


def tonemap_filters(video: VideoStream | None) -> list[str]:
    """ffmpeg filters from the stream's HDR to 8-bit BT.709 (none for SDR)."""
    linear = _to_linear(video)
    if not linear:
        return []
    return [*linear, "tonemap=tonemap=mobius:param=0.9:desat=0", "zscale=t=bt709:m=bt709:r=tv", "format=yuv444p"]


def detection_curve(light: float) -> float:
    """The value (0–1) scene detection sees for linear ``light`` (1 = reference white): BT.709's curve
    scaled to put reference white at :data:`_WHITE`, logarithmic above it, 1 from DETECTION_PEAK up."""
    if light <= 1:
        v = 4.5 * light if light < 0.018 else 1.099 * light ** 0.45 - 0.099
        return _WHITE * max(0.0, v)
    return min(1.0, _WHITE * (1 + _SLOPE * math.log(light)))


def detection_filters(video: VideoStream | None) -> list[str]:
    """ffmpeg filters from the stream's HDR to the 8-bit picture scene detection looks at (none for SDR):
    :func:`detection_curve` on each of R, G, B (their values as the BT.709 signal; never shown)."""
    linear = _to_linear(video)
    if not linear:
        return []

    def curve(c: str) -> str:
        x = f"{c}(X\\,Y)"
        sdr = f"if(lt({x}\\,0.018)\\,4.5*{x}\\,1.099*pow({x}\\,0.45)-0.099)"
        return (f"clip(if(lte({x}\\,1)\\,{_WHITE:.6f}*{sdr}\\,{_WHITE:.6f}*(1+{_SLOPE:.6f}*log({x})))\\,0\\,1)")

    # geq on the float picture (small: detection scales first); its values are the signal already
    return [*linear, f"geq=r='{curve('r')}':g='{curve('g')}':b='{curve('b')}'", "zscale=tin=linear:t=linear:m=bt709:r=tv",
            "format=yuv444p"]
