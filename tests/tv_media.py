"""Broadcast-style test media with known truth: transport streams whose frame k is a flat grey
of level ``media.level_of(k)`` (the frame number encoded as a grey level), interlaced and
telecined sources, PQ/HLG colour bars, multi-program streams and bitmap subtitle tracks.

Everything is generated with the bundled ffmpeg in a second or so.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from media import ffmpeg, level_of, luma_of

__all__ = ["make_counter_ts", "join_files", "lose_packets", "frame_number", "level_of", "make_interlaced", "make_telecined", "film_level", "film_number", "make_zoom", "comb",
           "stripe_shift", "STRIPE_STEP", "STRIPES", "stripes", "BARS", "make_hdr_bars", "make_hdr_dissolve", "write_pgs", "make_with_pictures"]


def make_counter_ts(path: Path, *, frames: int = 250, rate: str = "25", gop: int = 50, codec: str = "libx264",
                    first: int = 0, ts_offset: float | None = None, size: str = "160x90", m2ts: bool = False,
                    bframes: int = 2, shot: int = 1, muxer: str = "mpegts", dropped: tuple[int, int] | None = None) -> Path:
    """A transport stream of ``frames`` flat grey frames; frame k (counting from ``first``) is level ``level_of(k)``.

    ``gop`` frames between keyframes (scene cuts off, so the GOP is exact), B-frames on, the
    mpegts muxer's usual 1.4 s start offset, or ``ts_offset`` seconds added to every timestamp
    (near 95443.7 s the 33-bit clock wraps).  With ``shot`` > 1 the level changes only every
    ``shot`` frames (shot j is ``level_of(j)``): hard cuts at known frames.  ``muxer="vob"``: an MPEG
    program stream as on a DVD (no index; ffmpeg's seek lands late) instead.  ``dropped=(a, b)``: frames a
    to b (inclusive) never recorded, the others keep their times (a recorder that lost them: a gap).
    """
    drop = f",select='not(between(n\\,{dropped[0]}\\,{dropped[1]}))'" if dropped else ""
    args = ["-f", "lavfi", "-i", f"color=c=black:size={size}:rate={rate},trim=end_frame={frames}",
            "-vf", f"geq=lum='{_lum(first, shot)}':cb=128:cr=128{drop}"] + (["-fps_mode", "passthrough"] if dropped else [])
    if codec == "libx264":
        args += ["-c:v", "libx264", "-crf", "10", "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0",
                 "-bf", str(bframes), "-pix_fmt", "yuv420p"]
    else:
        args += ["-c:v", codec, "-q:v", "2", "-g", str(gop), "-sc_threshold", "1000000000", "-bf", str(bframes),
                 "-pix_fmt", "yuv420p"]
    if ts_offset is not None:
        args += ["-output_ts_offset", str(ts_offset)]
    if m2ts:
        args += ["-mpegts_m2ts_mode", "1"]
    ffmpeg(*args, "-f", muxer, path)
    return path


def _lum(first: int, shot: int) -> str:
    level = f"mod(floor((N+{first})/{shot})*37,200)+28"
    if shot == 1:
        return level
    # Shots get a texture of their own (stripes at a per-shot angle), so they are not "blank" frames.
    j = f"floor((N+{first})/{shot})"
    return f"clip({level}*0.6+50+40*sin((X*cos({j})+Y*sin({j}))/3),16,235)"


def lose_packets(src: Path, out: Path, start: float, end: float) -> Path:
    """``src`` with the 188-byte packets from ``start`` to ``end`` (shares of the file, 0–1) taken out: data
    lost in reception (the decoder is left with broken pictures and missing references)."""
    data = src.read_bytes()
    n = len(data) // 188
    a, b = int(n * start), int(n * end)
    out.write_bytes(data[:a * 188] + data[b * 188:])
    return out


def join_files(out: Path, *parts: Path) -> Path:
    """Byte-concatenate recordings, as a recorder or ``cat`` joins them (the clock jumps at each seam)."""
    with open(out, "wb") as fh:
        for p in parts:
            fh.write(p.read_bytes())
    return out


def frame_number(level: float, count: int = 200) -> int:
    """The frame number (mod 200) a decoded grey level stands for."""
    return min(range(count), key=lambda k: abs(level_of(k) - level))


def exact_time(k: int, rate: Fraction) -> Fraction:
    return k / rate


#: Vertical stripes sliding 6 px to the left per source frame: any weave of two moments combs.
STRIPES = "geq=lum='128+90*sin((X-N*6)/5)':cb=128:cr=128"
STRIPE_STEP = 6


def stripes(rate: str, frames: int, *, numbered: bool = False) -> str:
    """The lavfi source of ``frames`` 320x240 frames of :data:`STRIPES` (or :data:`NUMBERED`) at ``rate``.  Every row
    of them is the same, so geq draws one pair of rows and they are repeated down the frame: the same frames byte
    for byte (framemd5), at 1/120 of geq's time (it was 7 CPU-s for a 360-frame film)."""
    return (f"color=c=black:size=320x2:rate={rate},trim=end_frame={frames},{NUMBERED if numbered else STRIPES},"
            "scale=320:240:flags=neighbor,setsar=1")


def make_interlaced(path: Path, *, flagged: bool = True, order: str = "tff", seconds: int = 2, codec: str = "libx264") -> Path:
    """25i from 50p sliding stripes (``interlace`` filter: each frame two fields 1/50 s apart).

    ``flagged`` writes the field order into the stream; without it the stream says progressive.
    """
    vf = f"interlace=scan={order}" + ("" if flagged else ",setfield=prog")
    args = ["-f", "lavfi", "-i", stripes("50", 50 * seconds), "-vf", vf]
    if codec == "libx264":
        args += ["-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p"]
        if flagged:
            args += ["-flags", "+ildct+ilme", "-x264opts", f"{'tff' if order == 'tff' else 'bff'}=1"]
    else:
        args += ["-c:v", codec, "-q:v", "2", "-pix_fmt", "yuv420p"] + (["-flags", "+ildct+ilme"] if flagged else [])
    ffmpeg(*args, path)
    return path


def make_telecined(path: Path, *, flagged: bool = True, frames: int = 96, numbered: bool = False,
                   codec: str = "libx264", gop: int | None = None, size: str | None = None, preset: str | None = None) -> Path:
    """23.976 fps film of sliding stripes, 3:2 pulled down to 29.97 (``telecine``), hard-telecined.

    ``numbered``: film frame j's picture is a shade brighter or darker by j (mean grey ``film_level(j)``; tell it
    back with :func:`film_number`).  ``codec="mpeg2video"`` with a ``gop`` as broadcast uses (12, 15); ``size``
    (``1280x720``) scales the film up before it is pulled down; ``preset``: x264's speed (``veryfast`` keeps its
    B-frames and interlaced coding, at a third of the default's time on a 720p film)."""
    scale = f"scale={size.replace('x', ':')}," if size else ""
    vf = f"{scale}telecine=first_field=top:pattern=23" + ("" if flagged else ",setfield=prog")
    args = ["-f", "lavfi", "-i", stripes("24000/1001", frames, numbered=numbered), "-vf", vf]
    if codec == "libx264":
        args += ["-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p"] + (["-g", str(gop)] if gop else [])
        args += ["-preset", preset] if preset else []
        if flagged:
            args += ["-flags", "+ildct+ilme", "-x264opts", "tff=1"]
    else:
        args += ["-c:v", codec, "-q:v", "3", "-g", str(gop or 12), "-pix_fmt", "yuv420p"]
        if flagged:
            args += ["-flags", "+ildct+ilme"]
    ffmpeg(*args, path)
    return path


#: The stripes on a grey that changes with the film frame (its number mod 100, steps of 37 levels apart).
NUMBERED = "geq=lum='clip(70+mod(N*37\\,100)+40*sin((X-N*6)/5)\\,16\\,235)':cb=128:cr=128"


def film_level(j: int) -> float:
    """The mean grey (0–255) film frame ``j`` of a ``numbered`` :func:`make_telecined` decodes to."""
    return (70 + (j * 37) % 100 - 16) * 255 / 219


def film_number(mean: float, near: int) -> int:
    """Which film frame (within 4 of ``near``) a picture of this mean grey is."""
    return min(range(max(0, near - 4), near + 5), key=lambda j: abs(film_level(j) - mean))


#: A smooth zoom into the Mandelbrot set: every frame distinct, little fine vertical detail, so idet's
#: repeated-field count misses 3:2 pulldown on it once it is MPEG-2 encoded (it counted 0–6 %, not 40 %).
ZOOM = "mandelbrot=s=320x240:r={rate},trim=duration={seconds}"


def make_zoom(path: Path, kind: str, *, seconds: int = 4) -> Path:
    """The zoom as a DVD/broadcast MPEG-2 stream flagged interlaced, top field first: ``telecined`` (23.976
    fps film, 3:2 pulled down to 29.97), ``interlaced`` (fields of a 59.94 fps zoom, 1/60 s apart) or
    ``film`` (the 23.976 film frames themselves, lossless, as the reference)."""
    if kind == "film":
        ffmpeg("-f", "lavfi", "-i", ZOOM.format(rate="24000/1001", seconds=seconds), "-c:v", "ffv1", path)
        return path
    rate, vf = {"telecined": ("24000/1001", "telecine=first_field=top:pattern=23"),
                "interlaced": ("60000/1001", "tinterlace=mode=interleave_top")}[kind]
    ffmpeg("-f", "lavfi", "-i", ZOOM.format(rate=rate, seconds=seconds), "-vf", f"{vf},setfield=tff",
           "-c:v", "mpeg2video", "-b:v", "4M", "-flags", "+ilme+ildct", path)
    return path


def comb(gray) -> float:
    """How combed a picture is: mean |2·row − the rows above and below| (0 for clean vertical stripes)."""
    import numpy as np

    g = gray.astype(np.int32)
    return float(np.abs(2 * g[1:-1] - g[:-2] - g[2:]).mean())


def stripe_shift(a, b) -> int:
    """How many pixels the stripes moved left from picture ``a`` to ``b`` (middle row, 0–31)."""
    import numpy as np

    ra = a[a.shape[0] // 2].astype(float) - 128
    rb = b[b.shape[0] // 2].astype(float) - 128
    return int(np.argmax([np.dot(ra[s:s + 200], rb[:200]) for s in range(32)]))


#: SDR colour bars: red, green, blue, 75 % grey, white, 75 % yellow (64 px each).
BARS = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (191, 191, 191), (255, 255, 255), (191, 191, 0)]


def make_hdr_bars(path: Path, transfer: str = "smpte2084", *, codec: str = "libx265", frames: int = 12) -> Path:
    """The SDR bars as an HDR stream: BT.2020 primaries, PQ (``smpte2084``) or HLG (``arib-std-b67``)
    transfer, SDR white at 203 cd/m², 10-bit HEVC (or H.264 High 10), tagged as such."""
    bars = ";".join(f"color=c=0x{r:02X}{g:02X}{b:02X}:s=64x64:d=1,format=gbrp[c{k}]" for k, (r, g, b) in enumerate(BARS))
    graph = (f"{bars};{''.join(f'[c{k}]' for k in range(len(BARS)))}hstack={len(BARS)},loop={frames}:1,"
             f"setpts=N/24/TB,zscale=rin=full:tin=bt709:min=gbr:pin=bt709:t={transfer}:m=bt2020nc:p=bt2020:r=tv:npl=203,"
             "format=yuv420p10le[out]")
    tags = ["-color_primaries", "bt2020", "-color_trc", transfer, "-colorspace", "bt2020nc", "-color_range", "tv"]
    enc = (["-c:v", "libx265", "-x265-params", f"log-level=error:colorprim=bt2020:transfer={transfer}:colormatrix=bt2020nc"]
           if codec == "libx265" else ["-c:v", "libx264", "-profile:v", "high10", "-crf", "12"])
    ffmpeg("-filter_complex", graph, "-map", "[out]", "-frames:v", str(frames), "-r", "24", *enc, *tags,
           "-pix_fmt", "yuv420p10le", path)
    return path


def make_hdr_dissolve(path: Path, bright: float, dim: float, *, graded_in: str = "pq", seconds: float = 1) -> Path:
    """A 1 s dissolve at 2.5–3.5 s (frames 60–84 at 24 fps; its middle at 3.0 s) from a moving test pattern to
    slow gradients, as 10-bit HEVC PQ (BT.2020, SDR white at 203 cd/m²).  ``bright`` and ``dim`` scale each
    shot's light (6: the pattern's white at 1218 cd/m²; up to 8).  ``graded_in="pq"`` blends the shots' PQ
    signals (an edit on an HDR timeline); ``"sdr"`` blends SDR pictures first, then converts (an SDR programme
    carried in HDR; ``bright``/``dim`` are then ignored).  ``seconds``: a shorter dissolve, from 2.5 s (0.5: frames
    60–72, its middle at 2.75 s)."""
    import math

    a = "testsrc2=size=320x180:rate=24,trim=duration=3.5,setpts=PTS-STARTPTS"
    b = "gradients=size=320x180:rate=24:c0=#1d2b53:c1=#e08a3c:c2=#7e2553:n=3:speed=0.05:seed=7,trim=duration=4,setpts=PTS-STARTPTS"
    pq = "zscale=tin=linear:min=gbr:pin=bt2020:rin=full:t=smpte2084:m=bt2020nc:p=bt2020:r=tv:npl=203,format=yuv420p10le"

    def lit(gain: float) -> str:  # the SDR picture in linear light (BT.2020), times gain, as PQ
        return (f"format=gbrpf32le,zscale=rin=full:tin=bt709:min=gbr:pin=bt709:t=linear:p=bt2020:npl=203,"
                f"exposure=exposure={math.log2(gain):.4f}:black=0,{pq}")

    fade = f"xfade=transition=fade:duration={seconds:g}:offset=2.5"
    if graded_in == "pq":
        graph = f"{a},{lit(bright)}[a];{b},{lit(dim)}[b];[a][b]{fade},setsar=1[v]"
    else:
        graph = f"{a},format=yuv420p[a];{b},format=yuv420p[b];[a][b]{fade},{SDR_TO_PQ},setsar=1[v]"
    ffmpeg("-filter_complex", graph, "-map", "[v]", *PQ_HEVC, path)
    return path


#: An SDR (BT.709) picture carried in PQ, SDR white at 203 cd/m² (BT.2408), and the 10-bit HEVC it is stored as.
SDR_TO_PQ = "format=gbrpf32le,zscale=rin=tv:tin=bt709:min=bt709:pin=bt709:t=smpte2084:m=bt2020nc:p=bt2020:r=tv:npl=203,format=yuv420p10le"
PQ_HEVC = ["-c:v", "libx265", "-x265-params", "log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:crf=12",
           "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", "-color_range", "tv",
           "-pix_fmt", "yuv420p10le"]


def sdr_in_pq(src: Path, path: Path) -> Path:
    """An SDR file converted to PQ (BT.2020, SDR white at 203 cd/m²) as an HDR master of an SDR programme carries it."""
    ffmpeg("-i", src, "-vf", f"{SDR_TO_PQ},setsar=1", *PQ_HEVC, path)
    return path


def _pgs_rle(index_rows) -> bytes:
    """PGS run-length coding of rows of palette indices (0 = transparent)."""
    out = bytearray()
    for row in index_rows:
        x = 0
        while x < len(row):
            c = int(row[x])
            n = 1
            while x + n < len(row) and int(row[x + n]) == c and n < 16383:
                n += 1
            if c != 0 and n < 3:
                out += bytes([c]) * n
            elif c == 0:
                out += bytes([0, n]) if n < 64 else bytes([0, 0x40 | (n >> 8), n & 0xFF])
            else:
                out += bytes([0, 0x80 | n, c]) if n < 64 else bytes([0, 0xC0 | (n >> 8), n & 0xFF, c])
            x += n
        out += b"\x00\x00"
    return bytes(out)


def write_pgs(path: Path, size: tuple[int, int], events: list[tuple[Fraction, Fraction, tuple[int, int, int, int], tuple[int, int, int]]]) -> Path:
    """A Blu-ray PGS (.sup) subtitle stream, written by hand (ffmpeg has no PGS encoder).

    Each event ``(start, end, (x, y, w, h), (r, g, b))`` shows an opaque box of that colour
    at that place from ``start`` to ``end``.  ffmpeg reads the .sup and can turn it into
    DVD or DVB subtitles (bitmap to bitmap), so all three picture formats come from here.
    """
    import struct

    def seg(pts: Fraction, kind: int, payload: bytes) -> bytes:
        ticks = int(pts * 90000)
        return b"PG" + struct.pack(">IIBH", ticks, ticks, kind, len(payload)) + payload

    w, h = size
    data = bytearray()
    for n, (start, end, (x, y, bw, bh), (r, g, b)) in enumerate(events):
        yy = int(16 + 0.1826 * r + 0.6142 * g + 0.0620 * b)
        cb = int(128 - 0.1006 * r - 0.3386 * g + 0.4392 * b)
        cr = int(128 + 0.4392 * r - 0.3989 * g - 0.0403 * b)
        rle = _pgs_rle([[1] * bw for _ in range(bh)])
        pcs = struct.pack(">HHBHBBBB", w, h, 0x10, 2 * n, 0x80, 0, 0, 1) + struct.pack(">HBBHH", 0, 0, 0, x, y)
        wds = struct.pack(">BBHHHH", 1, 0, x, y, bw, bh)
        pds = struct.pack(">BB", 0, 0) + struct.pack(">BBBBB", 1, yy, cr, cb, 255)
        ods = struct.pack(">HBB", 0, 0, 0xC0) + (len(rle) + 4).to_bytes(3, "big") + struct.pack(">HH", bw, bh) + rle
        data += seg(start, 0x16, pcs) + seg(start, 0x17, wds) + seg(start, 0x14, pds) + seg(start, 0x15, ods) + seg(start, 0x80, b"")
        clear = struct.pack(">HHBHBBBB", w, h, 0x10, 2 * n + 1, 0x00, 0, 0, 0)
        data += seg(end, 0x16, clear) + seg(end, 0x17, wds) + seg(end, 0x80, b"")
    path.write_bytes(bytes(data))
    return path


def make_with_pictures(path: Path, sup: Path, *, kind: str = "pgs", size: str = "320x180", seconds: int = 5) -> Path:
    """A grey video carrying the picture subtitles of ``sup``: PGS in MKV (``pgs``), PGS in M2TS (``m2ts``),
    or DVD subtitles in MKV (``dvd``, transcoded from the PGS by ffmpeg: bitmap to bitmap)."""
    sub = {"pgs": ["-c:s", "copy", "-f", "matroska"], "m2ts": ["-c:s", "copy", "-f", "mpegts", "-mpegts_m2ts_mode", "1"],
           "dvd": ["-c:s", "dvdsub", "-f", "matroska"]}[kind]
    ffmpeg("-f", "lavfi", "-i", f"color=c=0x303030:s={size}:r=25:d={seconds}", "-i", sup, "-map", "0", "-map", "1",
           "-copyts", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-metadata:s:s:0", "language=jpn", *sub, path)
    return path
