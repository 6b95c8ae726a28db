"""HDR video (PQ "HDR10" and HLG) tone-mapped to the BT.709 SDR that GIFs, stills and browsers show.

Decoded as if it were SDR, a PQ picture looks grey and washed out (a PQ red bar
comes out about 139,87,58).  So clipkit converts it in ffmpeg with zscale: from
the stream's transfer (PQ or HLG) to linear light with SDR reference white at
203 cd/m² (ITU-R BT.2408), from BT.2020 primaries to BT.709, then ``tonemap``
(Möbius: linear up to 90 % of SDR white, highlights rolled off above it
instead of clipped), then the BT.709 transfer.  The filters run after scaling,
on the output size, so a 4K HDR source costs little more than an SDR one.
"""

from __future__ import annotations

from .probe import VideoStream

__all__ = ["hdr_kind", "tonemap_filters", "REFERENCE_WHITE"]

REFERENCE_WHITE = 203  # cd/m², BT.2408's HDR reference white = SDR's 100 %
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


def tonemap_filters(video: VideoStream | None) -> list[str]:
    """ffmpeg filters from the stream's HDR to 8-bit BT.709 (none for SDR)."""
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
            "format=gbrpf32le", "zscale=p=bt709", "tonemap=tonemap=mobius:param=0.9:desat=0",
            "zscale=t=bt709:m=bt709:r=tv", "format=yuv444p"]
