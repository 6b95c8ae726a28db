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
coarse pass called it a cut).  Detection keeps SDR's curve up to reference white — BT.1886's, V = L^(1/2.4),
the one zscale carries SDR into PQ with and brings it back by, so an SDR programme in PQ reads as its SDR
picture, scaled — and continues it above in log light, at the slope it has there, up to
:data:`DETECTION_PEAK`: a highlight dimming by half moves as far at 1000 cd/m² as at 400.  The curve is
applied before the picture is shrunk (a 16-bit table on the PQ signal: cheap at any size), so the shrink
averages in SDR's signal, as it does for an SDR file.  It is never shown.
"""

from __future__ import annotations

from .probe import VideoStream

import math

__all__ = ["hdr_kind", "tonemap_filters", "detection_filters", "detection_curve", "detection_white", "REFERENCE_WHITE"]

REFERENCE_WHITE = 203  # cd/m², BT.2408's HDR reference white = SDR's 100 %
#: The light at the top of the detection curve (cd/m²): HDR10's usual mastering peak.
DETECTION_PEAK = 1000
#: BT.1886's inverse V = L^(1/2.4) (zscale's bt709, how SDR is carried into PQ) rises by 1/2.4 per e-fold
#: of light at reference white (L = 1).
_GAMMA = 1 / 2.4
_SLOPE = _GAMMA
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


def _zscale_input(video: VideoStream | None) -> str | None:
    """zscale's options saying what the stream's HDR signal is (transfer, matrix, primaries, range), or None
    for SDR."""
    kind = hdr_kind(video)
    if kind is None:
        return None
    parts = _colour_parts(video)
    transfer = "smpte2084" if kind.startswith("HDR10") else "arib-std-b67"
    matrix = next((p for p in parts if p in _MATRICES), "bt2020nc")
    primaries = next((p for p in parts if p in _PRIMARIES), "bt2020")
    rng = "full" if "pc" in parts else "tv"
    return f"tin={transfer}:min={matrix}:pin={primaries}:rin={rng}"


def _to_linear(video: VideoStream | None) -> list[str]:
    """ffmpeg filters from the stream's HDR to linear BT.709-primaries RGB, 1.0 at reference white (none for SDR)."""
    signal = _zscale_input(video)
    if signal is None:
        return []
    # zimg refuses 4:2:0 at an odd width or height (a strip's tile, --width 325): 4:4:4 in and out.
    return ["format=yuv444p10le", f"zscale={signal}:t=linear:npl={REFERENCE_WHITE}",
            "format=gbrpf32le", "zscale=p=bt709"]


def tonemap_filters(video: VideoStream | None) -> list[str]:
    """ffmpeg filters from the stream's HDR to 8-bit BT.709 (none for SDR)."""
    linear = _to_linear(video)
    if not linear:
        return []
    return [*linear, "tonemap=tonemap=mobius:param=0.9:desat=0", "zscale=t=bt709:m=bt709:r=tv", "format=yuv444p"]


def detection_curve(light: float) -> float:
    """The value (0–1) scene detection sees for linear ``light`` (1 = reference white): BT.1886's inverse
    (V = L^(1/2.4), as zscale's bt709) scaled to put reference white at :data:`_WHITE`, logarithmic above
    it, 1 from DETECTION_PEAK up."""
    if light <= 1:
        return _WHITE * max(0.0, light) ** _GAMMA
    return min(1.0, _WHITE * (1 + _SLOPE * math.log(light)))


def detection_white(video: VideoStream | None) -> float:
    """Where reference white lies (0–1 of the signal) in the picture scene detection is given: below 1 for
    HDR (:func:`detection_curve` keeps room above it for highlights), 1 for SDR.  Scene detection measures
    its frames in SDR's levels by it (:func:`~clipkit.scenes.features.features_of`)."""
    return _WHITE if hdr_kind(video) is not None else 1.0


#: SMPTE ST 2084 (PQ) constants.
_M1, _M2 = 2610 / 16384, 2523 / 4096 * 128
_C1, _C2, _C3 = 3424 / 4096, 2413 / 4096 * 32, 2392 / 4096 * 32


def _curve_of_pq() -> str:
    """An ffmpeg expression of ``val`` (a 16-bit PQ code value): :func:`detection_curve` of its light, ×maxval."""
    e = f"pow(val/maxval\\,{1 / _M2:.10f})"
    light = f"(pow(max({e}-{_C1}\\,0)/({_C2}-{_C3}*{e})\\,{1 / _M1:.10f})*{10000 / REFERENCE_WHITE:.8f})"
    sdr = f"{_WHITE:.8f}*pow({light}\\,{_GAMMA:.8f})"
    log = f"{_WHITE:.8f}*(1+{_SLOPE:.8f}*log({light}))"
    return f"maxval*clip(if(lte({light}\\,1)\\,{sdr}\\,{log})\\,0\\,1)"


def detection_filters(video: VideoStream | None) -> tuple[list[str], list[str]]:
    """ffmpeg filters from the stream's HDR to the 8-bit picture scene detection looks at (none for SDR), as
    (before the shrink, after it): the stream as 16-bit PQ in BT.709 primaries, :func:`detection_curve` on each
    of R, G, B by a table (their values as the signal; never shown), then — after the shrink — to Y'CbCr."""
    signal = _zscale_input(video)
    if signal is None:
        return [], []
    curve = _curve_of_pq()
    before = ["format=yuv444p10le",  # 4:4:4 in and out of zimg (odd sizes), as _to_linear
              f"zscale={signal}:t=smpte2084:p=bt709:m=gbr:r=full:npl={REFERENCE_WHITE}",
              "format=gbrp16le", f"lutrgb=r='{curve}':g='{curve}':b='{curve}'"]
    return before, ["zscale=tin=linear:t=linear:min=gbr:m=bt709:rin=full:r=tv", "format=yuv444p"]
