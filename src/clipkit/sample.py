"""The bundled sample "episode": a 60 s, 640×360 mkv with known truth.

It is generated (never committed) with the bundled ffmpeg in a few seconds:
seven shots with hard cuts, a fade to black and back, a dissolve, a one-frame
camera flash that is *not* a cut, an audio track, and two embedded text
subtitle tracks (English, Japanese).  Beside it, ``<name>.truth.json``
records every cut time, transition span, flash and subtitle line, so tests and
benchmarks can check results against the truth rather than against what the
code printed.

``python samples/make_sample.py`` and ``clipkit demo`` both call
:func:`make_sample`.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from .atomic import atomic_path
from .media.ffmpeg import run_ffmpeg
from .timecode import format_srt

__all__ = ["make_sample", "SAMPLE_NAME", "SUBTITLES"]

SAMPLE_NAME = "one-million-stars-s01e07.mkv"
FPS = 24
WIDTH, HEIGHT = 640, 360
DURATION = 60
SIZE = f"{WIDTH}x{HEIGHT}"


@dataclass(frozen=True)
class Shot:
    source: str  # an ffmpeg lavfi source (size and rate are added)
    length: Fraction  # seconds on the timeline this input contributes


# Timeline (seconds):  0 A 8 | B 15 | C 20~fade~21 black 22~fade~23 D 29~dissolve~30 E 40 | F 48 | G 60
# flash (one white frame) at 35.000 inside E.
# Every random source is seeded: the same file every time.  (x264 places keyframes and B-frames by the
# content, so an unseeded shot C moved the flash onto a non-reference frame in some generations, where
# the scene detector's first pass, which decodes reference frames only, never sees it.)
SHOTS = [  # (name, lavfi chain with {S} = size and {R} = rate, seconds on the timeline)
    ("A", "testsrc2=size={S}:rate={R}", 8),
    ("B", "mandelbrot=size={S}:rate={R}:maxiter=96:start_scale=2:end_scale=0.3", 7),
    ("C", "life=size=160x90:rate={R}:seed=11:mold=10:ratio=0.2:death_color=#202a40:life_color=#ffd060:mold_color=#804020,scale={S}:flags=neighbor", 6),
    ("black", "color=c=black:size={S}:rate={R}", 1),
    ("D", "gradients=size={S}:rate={R}:c0=#1d2b53:c1=#e08a3c:c2=#7e2553:n=3:speed=0.02:seed=7,format=yuv420p,noise=alls=6:allf=t", 8),
    ("E", "sierpinski=size={S}:rate={R}:seed=3:jump=40,hue=h=200:s=1.2", 11),
    ("F", "testsrc2=size={S}:rate={R},hue=h=120", 8),
    ("G", "mandelbrot=size={S}:rate={R}:maxiter=96:start_x=-0.7435669:start_y=0.1314023:start_scale=1:end_scale=0.05,eq=saturation=1.4", 12),
]
FADE_OUT = (20, 21)
BLACK = (21, 22)
FADE_IN = (22, 23)
DISSOLVE = (29, 30)
FLASH = Fraction(35)
CUTS = [8, 15, 40, 48]

#: (start, end, english, japanese) — start/end in seconds.
SUBTITLES = [
    (Fraction(1), Fraction("3.5"), "Where were you last night?", "昨夜はどこにいたの？"),
    (Fraction(4), Fraction("7.5"), "At the observatory.\nCounting stars.", "天文台で。\n星を数えていた。"),
    (Fraction(9), Fraction(12), "You always say that.", "いつもそう言うのね。"),
    (Fraction("12.5"), Fraction("16.5"), "Because it's always true.", "いつも本当だから。"),
    (Fraction(24), Fraction(27), "He knew. He always knew.", "彼は知っていた。ずっと知っていた。"),
    (Fraction(31), Fraction("34.25"), "Then why didn't you tell me?", "じゃあ、なぜ言ってくれなかったの？"),
    (Fraction(36), Fraction(39), "One million stars, and I chose you.", "百万の星の中から、君を選んだ。"),
    (Fraction(42), Fraction("46.5"), "<i>Don't look back.</i>", "振り返らないで。"),
    (Fraction(50), Fraction(55), "See you next week, same time.", "また来週、同じ時間に。"),
]


def _srt(lines: list[tuple[Fraction, Fraction, str]]) -> str:
    blocks = []
    for i, (start, end, text) in enumerate(lines, 1):
        blocks.append(f"{i}\n{format_srt(start)} --> {format_srt(end)}\n{text}\n")
    return "\n".join(blocks)


def _filter_graph() -> str:
    """One lavfi graph that renders the whole timeline into [v]."""
    parts = []
    for i, (_name, source, length) in enumerate(SHOTS):
        parts.append(_source(source, length) + f",format=yuv420p,setsar=1[s{i}]")
    # C fades out over its last second; D fades in over its first.
    parts.append(f"[s2]fade=t=out:st={FADE_OUT[0] - 15}:d=1[c]")
    parts.append("[s4]fade=t=in:st=0:d=1[d]")
    # D dissolves into E over one second (xfade overlaps the two inputs).
    d_len = SHOTS[4][2]
    parts.append(f"[d][s5]xfade=transition=fade:duration=1:offset={d_len - 1}[de]")
    parts.append("[s0][s1][c][s3][de][s6][s7]concat=n=7:v=1:a=0[cat]")
    flash_frame = int(FLASH * FPS)
    parts.append(f"[cat]drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='eq(n\\,{flash_frame})'[v]")
    return ";".join(parts)


def _source(source: str, length: int) -> str:
    # Not every source has a duration option (life, mandelbrot): trim instead.
    chain = source.replace("{S}", SIZE).replace("{R}", str(FPS))
    head, _, rest = chain.partition(",")
    out = f"{head},trim=duration={length},setpts=PTS-STARTPTS"
    return f"{out},{rest}" if rest else out


def truth() -> dict:
    """The known facts of the sample, as stored beside it."""
    return {
        "file": SAMPLE_NAME,
        "fps": FPS,
        "width": WIDTH,
        "height": HEIGHT,
        "duration": DURATION,
        "cuts": CUTS,
        "transitions": [
            {"kind": "fade", "start": FADE_OUT[0], "end": FADE_IN[1], "black": list(BLACK)},
            {"kind": "dissolve", "start": DISSOLVE[0], "end": DISSOLVE[1]},
        ],
        "black": [list(BLACK)],
        "flashes": [float(FLASH)],
        "shots": [[0, 8], [8, 15], [15, 21], [22, 29.5], [29.5, 40], [40, 48], [48, 60]],
        "subtitle_tracks": [
            {"index": 0, "language": "eng", "title": "English"},
            {"index": 1, "language": "jpn", "title": "日本語"},
        ],
        "subtitles": [
            {"start": float(s), "end": float(e), "eng": en, "jpn": ja} for s, e, en, ja in SUBTITLES
        ],
    }


def make_sample(folder: str | os.PathLike, *, force: bool = False) -> Path:
    """Build the sample episode in ``folder`` (if not there yet); return its path.

    Writes ``SAMPLE_NAME`` and ``<stem>.truth.json``.  Takes a few seconds.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / SAMPLE_NAME
    truth_path = out.with_suffix(".truth.json")
    if out.exists() and truth_path.exists() and not force:
        return out
    with tempfile.TemporaryDirectory(prefix="clipkit-sample-") as tmp:
        en = Path(tmp, "en.srt")
        ja = Path(tmp, "ja.srt")
        en.write_text(_srt([(s, e, t) for s, e, t, _ in SUBTITLES]), encoding="utf-8")
        ja.write_text(_srt([(s, e, t) for s, e, _, t in SUBTITLES]), encoding="utf-8")
        with atomic_path(out) as tmp_out:
            run_ffmpeg(
                [
                    "-y",
                    "-filter_complex", _filter_graph(),
                    "-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=48000:duration={DURATION}",
                    "-i", en, "-i", ja,
                    "-map", "[v]", "-map", "0:a", "-map", "1:s", "-map", "2:s",
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", "48", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-b:a", "64k", "-af", "volume=0.2",
                    "-c:s", "srt",
                    "-metadata:s:s:0", "language=eng", "-metadata:s:s:0", "title=English",
                    "-metadata:s:s:1", "language=jpn", "-metadata:s:s:1", "title=日本語",
                    "-metadata", "title=One Million Stars — S01E07 (clipkit sample)",
                    "-t", str(DURATION),
                    "-f", "matroska", tmp_out,
                ],
                what="generating the sample episode",
            )
    with atomic_path(truth_path) as tmp_truth:
        Path(tmp_truth).write_text(json.dumps(truth(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out
