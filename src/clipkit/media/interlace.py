"""Interlaced and telecined video: what a stream is, and the filters that give clean frames from it.

Broadcast video is often interlaced (two fields 1/50 or 1/60 s apart woven into
one frame: moving edges "comb"), or film telecined to 29.97 (3:2 pulldown: two
frames in five combed, one film frame shown for three fields).  The stream's
flags say what the encoder was told, which is often wrong (progressive-flagged
but combed, or interlace-flagged 25p film), so clipkit also runs ffmpeg's
``idet`` on a short sample of frames and trusts a clear measurement over the
flags, and looks in the same sample for the 3:2 cadence itself (:func:`pulldown_cadence`):

- *interlaced* → ``bwdif`` in its one-frame-per-frame mode (no doubled rate);
- *telecined* → ``fieldmatch`` + ``decimate``: the film frames back at 24000/1001,
  a ``bwdif`` on whatever fieldmatch could not match;
- *progressive* → nothing.

``deinterlace`` modes: ``auto`` (as detected), ``off`` (never), ``on`` (always
deinterlace; inverse-telecine what is detected telecined).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from .ffmpeg import run_ffmpeg

__all__ = ["Scan", "MODES", "field_flags", "measure_scan", "decode_filters", "film_decoded", "pulldown_cadence", "FILM_RATE",
           "PULLDOWN_RATES"]

MODES = ("auto", "off", "on")
FILM_RATE = Fraction(24000, 1001)
#: How many frames the idet sample looks at (nine 3:2 pulldown cycles; every probe pays for it).
SAMPLE_FRAMES = 48
#: The sample's pictures are looked at this wide (rows kept: a row is a field's line), for the cadence.
CADENCE_WIDTH = 160
#: In 3:2 pulldown one top field in five repeats the frame before's, and one bottom field two frames later.
#: A phase of five whose field changes (median) are at most this share of the other phases' is a repeat:
#: MPEG-2 film at 4 Mb/s measured 0.09–0.57, true interlaced and progressive video 0.89–1.0.
CADENCE_DIP = 0.7
#: ... when the fields move at all (mean change, grey levels): a still sample cannot show a cadence.
CADENCE_MOTION = 0.1
#: A stream flagged progressive that idet finds combed stays progressive when its fields are this close in
#: time (:func:`fields_apart`): progressive 0.27-0.65, interlaced 0.91-1.0.
FIELDS_APART = 0.8

_SINGLE_RE = re.compile(r"Single frame detection: TFF:\s*(\d+) BFF:\s*(\d+) Progressive:\s*(\d+) Undetermined:\s*(\d+)")
_REPEAT_RE = re.compile(r"Repeated Fields: Neither:\s*(\d+) Top:\s*(\d+) Bottom:\s*(\d+)")


@dataclass(frozen=True)
class Scan:
    """How a video stream's frames are made."""

    kind: str  # "progressive" | "interlaced" | "telecined"
    field_order: str | None  # "tff" | "bff" for interlaced/telecined
    flagged: str  # what the stream's flags say: "progressive", "tff", "bff" or "unknown"
    measured: str | None = None  # what idet saw, e.g. "48/60 frames combed, 0% repeated fields"

    def describe(self) -> str:
        order = {"tff": "top field first", "bff": "bottom field first"}.get(self.field_order or "", "")
        text = {"progressive": "progressive", "interlaced": f"interlaced ({order})",
                "telecined": f"telecined film ({order}, 3:2 pulldown → 4 frames of 5)"}[self.kind]
        flags = {"tff": "interlaced, top first", "bff": "interlaced, bottom first"}.get(self.flagged, self.flagged)
        extra = f"flags: {flags}"
        if self.measured:
            extra += f"; idet: {self.measured}"
        return f"{text} [{extra}]"


def field_flags(text: str) -> str:
    """The field order the pixel-format part of an ``ffmpeg -i`` video line declares (``yuv420p(tv, top first)``)."""
    if "top first" in text or "top coded first" in text:
        return "tff"
    if "bottom first" in text or "bottom coded first" in text:
        return "bff"
    if "progressive" in text:
        return "progressive"
    return "unknown"


def measure_scan(path: Path, stream_index: int, seek: list[str], flagged: str,
                 size: tuple[int, int] | None = None) -> Scan:
    """Decide progressive / interlaced / telecined from the flags and an ``idet`` sample from ``seek`` (input
    options); with the stream's ``size`` (width, height), also from the sample's 3:2 cadence."""
    cmd = [*seek, "-i", str(path), "-map", f"0:{stream_index}", "-an", "-sn", "-dn", "-frames:v", str(SAMPLE_FRAMES)]
    # the pictures too (for the cadence and the fields' timing): narrower, every row (field line) kept
    width, height = (min(size[0], CADENCE_WIDTH), size[1]) if size is not None and min(size) > 0 else (0, 0)
    if width:
        cmd += ["-vf", f"idet,scale={width}:{height}:flags=area,format=gray", "-f", "rawvideo", "pipe:1"]
    else:
        cmd += ["-vf", "idet", "-f", "null", "-"]
    # idet reports at the end, on stderr; a damaged sample is not an error here (the flags then decide)
    proc = run_ffmpeg(cmd, what="sampling the field order", loglevel="info", check=False)
    text = proc.stderr.decode("utf-8", "replace")
    singles = _SINGLE_RE.findall(text)
    repeats = _REPEAT_RE.findall(text)
    flag_order = flagged if flagged in ("tff", "bff") else None
    raw = proc.stdout if width else b""
    cadence = pulldown_cadence(raw, width, height)
    measured = None
    if singles and repeats:
        tff, bff, prog, _und = map(int, singles[-1])
        neither, top, bottom = map(int, repeats[-1])
        decided, combed, fields = tff + bff + prog, tff + bff, neither + top + bottom
        repeated = (top + bottom) / fields if fields else 0.0
        measured = f"{combed}/{decided} frames combed, {repeated:.0%} repeated fields"
    if cadence is not None:  # the fields repeat as 3:2 pulldown repeats them: film, whatever idet counted
        order = ("tff" if tff >= bff else "bff") if measured and combed else flag_order or "tff"
        seen = f"3:2 cadence, a field repeated every 5 frames ({cadence:.2f}× the others' change)"
        return Scan("telecined", order, flagged, f"{measured}; {seen}" if measured else seen)
    if measured is None:
        return Scan("interlaced" if flag_order else "progressive", flag_order, flagged)
    order = "tff" if tff >= bff else "bff"
    if decided < 10:  # a still or dark sample: idet cannot tell, the flags decide (and the note says so)
        measured = f"could not tell from a still or dark sample ({decided} of {SAMPLE_FRAMES} frames decided)"
        return Scan("interlaced" if flag_order else "progressive", flag_order, flagged, measured)
    share = combed / decided
    if share >= 0.15 and 0.25 <= repeated <= 0.6:
        return Scan("telecined", order, flagged, measured)
    if share >= 0.3:
        apart = fields_apart(raw, width, height)
        if flagged == "progressive" and apart is not None and apart < FIELDS_APART:
            # idet's combing is fine horizontal detail (a test pattern, a ticker): each frame's fields are of one instant
            return Scan("progressive", None, flagged, f"{measured}; fields of one instant ({apart:.2f})")
        return Scan("interlaced", order, flagged, measured)
    return Scan("progressive", None, flagged, measured)


def _pictures(raw: bytes, width: int, height: int, least: int):
    """The sample's grey pictures (frames × height × width, int16), or None with fewer than ``least`` of them."""
    import numpy as np

    frame = width * height
    count = len(raw) // frame if frame else 0
    if count < least or height < 4:
        return None
    return np.frombuffer(raw, np.uint8, count * frame).reshape(count, height, width).astype(np.int16)


def pulldown_cadence(raw: bytes, width: int, height: int) -> float | None:
    """Whether grey pictures (``raw``, ``width`` × ``height`` each, consecutive frames) are 3:2 pulled-down film:
    the top fields' change from frame to frame dips at one phase of five and the bottom fields' two phases
    away (a field shown twice).  Returns the larger of the two dips' ratios to the other phases (below
    :data:`CADENCE_DIP`), or None: no such cadence, too few frames, or no motion to tell by.

    idet's own repeated-field count misses it on soft or slow film (MPEG-2 film at 4–6 Mb/s: 0–6 %
    where 40 % repeat), and idet's combed count alone cannot tell film from video.
    """
    import numpy as np

    pictures = _pictures(raw, width, height, 16)
    if pictures is None:
        return None
    dips = []
    for field in (pictures[:, 0::2], pictures[:, 1::2]):
        change = np.abs(np.diff(field, axis=0)).mean(axis=(1, 2))
        cycles = change[: len(change) // 5 * 5].reshape(-1, 5)
        phases = np.median(cycles, axis=0)
        low = int(np.argmin(phases))
        rest = float(np.median(np.delete(phases, low)))
        if rest < CADENCE_MOTION:
            return None
        dips.append((low, float(phases[low]) / rest))
    (top, top_ratio), (bottom, bottom_ratio) = dips
    ratio = max(top_ratio, bottom_ratio)
    return ratio if ratio <= CADENCE_DIP and (bottom - top) % 5 in (2, 3) else None


def fields_apart(raw: bytes, width: int, height: int) -> float | None:
    """How far apart in time a frame's two fields are, from grey pictures as :func:`pulldown_cadence` takes
    them: a frame's bottom field's difference from its own top field, over its difference from the nearer
    of the neighbouring frames' top fields (medians).  About 1 when the fields are 1/50 or 1/60 s apart
    (interlaced: the bottom field lies between two top fields), well under 1 when they are one instant
    (progressive: 0.27-0.65 on a test pattern, the bunny and chaplin; 0.91-1.0 on interlaced video), None
    without motion to tell by."""
    import numpy as np

    pictures = _pictures(raw, width, height, 8)
    if pictures is None:
        return None
    rows = height // 2
    top, bottom = pictures[:, 0:2 * rows:2], pictures[:, 1:2 * rows:2]
    own = np.median(np.abs(bottom[1:-1] - top[1:-1]).mean(axis=(1, 2)))
    nearer = min(np.median(np.abs(bottom[1:-1] - top[2:]).mean(axis=(1, 2))),
                 np.median(np.abs(bottom[1:-1] - top[:-2]).mean(axis=(1, 2))))
    if nearer < CADENCE_MOTION * 5:
        return None
    return float(own / nearer)


def decode_filters(scan: Scan | None, mode: str = "auto", *, sparse: bool = False) -> list[str]:
    """The ffmpeg filters that turn the decoded frames into clean progressive ones.

    ``sparse``: only some frames are decoded (keyframes, reference frames), so telecined
    film cannot be field-matched; each frame is deinterlaced instead (its time stays the stream's).
    """
    if mode == "off" or scan is None:
        return []
    parity = {"tff": "tff", "bff": "bff"}.get(scan.field_order or "", "auto")
    if scan.kind == "telecined" and not sparse:
        order = scan.field_order or "auto"
        return [f"fieldmatch=order={order}:combmatch=full", f"bwdif=mode=send_frame:parity={parity}:deint=interlaced",
                "decimate"]
    if scan.kind in ("interlaced", "telecined") or mode == "on":
        return [f"bwdif=mode=send_frame:parity={parity}:deint=all"]
    return []


def film_decoded(scan: Scan | None, mode: str = "auto") -> bool:
    """Whether full-rate decoding gives telecined film's own frames (fieldmatch + decimate, at 23.976): a
    decode of only some frames (``sparse``) then gives frames at the 29.97 stream's times instead."""
    return any(f.startswith("decimate") for f in decode_filters(scan, mode))


#: The stored rates 3:2 pulldown gives: film at 24000/1001 on 30000/1001, or at exactly 24 on 30 frames a second.
PULLDOWN_RATES = frozenset({Fraction(30000, 1001), Fraction(30)})


def decoded_rate(scan: Scan | None, mode: str, rate: Fraction | None) -> Fraction | None:
    """The frame rate frames come out at after :func:`decode_filters`: telecined film's own, four frames of the
    stream's five (23.976 from 29.97, 24 from 30 — read as 30 fps, each film frame's time was put on the
    1/30 s grid: a cut at film frame 131, 5.4583 s, came out at 5.467)."""
    if scan is not None and mode != "off" and scan.kind == "telecined" and rate in PULLDOWN_RATES:
        return rate * Fraction(4, 5)
    return rate
