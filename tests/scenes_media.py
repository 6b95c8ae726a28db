"""Generated clips with known shot changes, for the scene tests and ``bench/bench_scenes.py``.

Each maker writes a small clip with the bundled ffmpeg (about a second each)
and returns its truth: the hard cuts, the gradual transitions (kind, start,
end), the flashes and light changes that must *not* be cuts.  The truth comes
from how the clip is built, never from what the detector printed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from clipkit.media.ffmpeg import ffmpeg_exe

SIZE = "320x180"
FPS = 24

#: lavfi sources of visibly different shots ({S} size, {R} rate).
SOURCES = {
    "bars": "testsrc2=size={S}:rate={R}",
    "zoom": "mandelbrot=size={S}:rate={R}:maxiter=64:start_scale=2:end_scale=0.5",
    "waves": "gradients=size={S}:rate={R}:c0=#1d2b53:c1=#e08a3c:c2=#7e2553:n=3:speed=0.05:seed=7",
    "cells": "cellauto=size=80x45:rate={R}:rule=110:random_fill_ratio=0.4:random_seed=7,scale={S}:flags=neighbor",
    "still": "gradients=size={S}:rate={R}:c0=#2f5a1d:c1=#c8d060:c2=#406080:n=3:speed=0.0005:seed=3",
    "life": "life=size=80x45:rate={R}:mold=10:ratio=0.3:seed=7:death_color=#202a40:life_color=#ffd060,scale={S}:flags=neighbor",
}


def _run(*args) -> None:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *map(str, args)]
    subprocess.run(cmd, check=True, capture_output=True)


def _src(name: str, seconds: float, size: str = SIZE, rate: int = FPS, extra: str = "") -> str:
    chain = SOURCES[name].replace("{S}", size).replace("{R}", str(rate))
    head, _, rest = chain.partition(",")
    out = f"{head},trim=duration={seconds},setpts=PTS-STARTPTS"
    if rest:
        out += f",{rest}"
    if extra:
        out += f",{extra}"
    return out + ",format=yuv420p,setsar=1"


def _encode(path: Path, graph: str, out_label: str = "v", extra: tuple = ()) -> Path:
    _run("-filter_complex", graph, "-map", f"[{out_label}]", *extra,
         "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-g", "48", "-pix_fmt", "yuv420p", path)
    return path


def hard_cuts(folder: Path) -> tuple[Path, dict]:
    """Five unrelated shots, 1.5 s each."""
    names = ["bars", "zoom", "waves", "life", "cells"]
    parts = [f"{_src(n, 1.5)}[s{i}]" for i, n in enumerate(names)]
    graph = ";".join(parts) + ";" + "".join(f"[s{i}]" for i in range(5)) + "concat=n=5:v=1[v]"
    return _encode(folder / "cuts.mkv", graph), {"cuts": [1.5, 3.0, 4.5, 6.0], "transitions": [], "duration": 7.5}


def colour_cuts(folder: Path, light: float = 1.0) -> tuple[Path, dict]:
    """The same picture in four colour grades: only the hue changes at each cut (luma is identical).
    ``light`` < 1 scales its R, G and B (a night scene: at 0.15 its white is luma 49)."""
    hues = [0, 90, 180, 270]
    dim = f",lutrgb=r=val*{light}:g=val*{light}:b=val*{light}" if light != 1 else ""
    parts = [f"{_src('bars', 1.5, extra=f'hue=h={h}:s=1.5{dim}')}[s{i}]" for i, h in enumerate(hues)]
    graph = ";".join(parts) + ";" + "".join(f"[s{i}]" for i in range(4)) + "concat=n=4:v=1[v]"
    name = "colour.mkv" if light == 1 else f"colour_{light:g}.mkv"
    return _encode(folder / name, graph), {"cuts": [1.5, 3.0, 4.5], "transitions": [], "duration": 6.0}


def fades(folder: Path) -> tuple[Path, dict]:
    """A fade through black and a fade through white between three shots."""
    a = _src("bars", 2.0, extra="fade=t=out:st=1.5:d=0.5")
    black = "color=c=black:size={S}:rate={R}:d=0.5,format=yuv420p,setsar=1".replace("{S}", SIZE).replace("{R}", str(FPS))
    b = _src("zoom", 2.5, extra="fade=t=in:st=0:d=0.5,fade=t=out:st=2.0:d=0.5:color=white")
    white = "color=c=white:size={S}:rate={R}:d=0.5,format=yuv420p,setsar=1".replace("{S}", SIZE).replace("{R}", str(FPS))
    c = _src("waves", 2.0, extra="fade=t=in:st=0:d=0.5:color=white")
    graph = f"{a}[a];{black}[k];{b}[b];{white}[w];{c}[c];[a][k][b][w][c]concat=n=5:v=1[v]"
    truth = {"cuts": [], "duration": 7.5, "transitions": [
        {"kind": "fade", "start": 1.5, "end": 3.0, "blank": [2.0, 2.5]},
        {"kind": "fade", "start": 4.5, "end": 6.0, "blank": [5.0, 5.5]},
    ]}
    return _encode(folder / "fades.mkv", graph), truth


def dissolves(folder: Path) -> tuple[Path, dict]:
    """A 1 s dissolve and a 0.5 s dissolve between three shots (not in the first or last 2.5 s)."""
    a, b, c = _src("bars", 3.5), _src("waves", 4.0), _src("zoom", 3.5)
    # xfade: the blend starts at `offset` on the output timeline.
    graph = (f"{a}[a];{b}[b];{c}[c];[a][b]xfade=transition=fade:duration=1:offset=2.5[ab];"
             f"[ab][c]xfade=transition=fade:duration=0.5:offset=6.0[v]")
    truth = {"cuts": [], "duration": 9.5, "transitions": [
        {"kind": "dissolve", "start": 2.5, "end": 3.5},
        {"kind": "dissolve", "start": 6.0, "end": 6.5},
    ]}
    return _encode(folder / "dissolve.mkv", graph), truth


def flashes(folder: Path) -> tuple[Path, dict]:
    """One shot with a one-frame white flash (1.5 s), a two-frame overexposed flash (3 s)
    and lights dimmed for good at 4.5 s — none a cut — then a real cut at 6 s."""
    f1, f2 = int(1.5 * FPS), int(3.0 * FPS)
    a = _src("bars", 6.0, extra=(f"drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='eq(n\\,{f1})',"
                                  f"lutyuv=y='min(235\\,val*1.8+60)':enable='between(n\\,{f2}\\,{f2 + 1})',"
                                  f"lutrgb=r=val*0.55:g=val*0.55:b=val*0.55:enable='gte(t\\,4.5)'"))
    b = _src("zoom", 1.5)
    graph = f"{a}[a];{b}[b];[a][b]concat=n=2:v=1[v]"
    truth = {"cuts": [6.0], "transitions": [], "flashes": [1.5, 3.0], "not_cuts": [1.5, 3.0, 4.5], "duration": 7.5}
    return _encode(folder / "flashes.mkv", graph), truth


def fast_motion(folder: Path) -> tuple[Path, dict]:
    """A fast, shaky pan across a large picture (about 7% of the width per frame), a cut at 3 s
    to another fast pan."""
    pan = "crop=320:180:x='100+t*300':y='250+80*sin(t*7)'"
    a = _src("bars", 3.0, size="1280x720", extra=pan)
    b = _src("zoom", 3.0, size="1280x720", extra=pan.replace("100+t*300", "960-t*300"))
    graph = f"{a}[a];{b}[b];[a][b]concat=n=2:v=1[v]"
    return _encode(folder / "motion.mkv", graph), {"cuts": [3.0], "transitions": [], "duration": 6.0}


def variable_rate(folder: Path) -> tuple[Path, dict]:
    """Three shots at 24, 30 and 12 fps in one file (variable frame rate); cuts at 2.0 and 3.5 s."""
    a = _src("bars", 2.0, rate=24)
    b = _src("zoom", 1.5, rate=30)
    c = _src("cells", 2.0, rate=12)
    graph = f"{a}[a];{b}[b];{c}[c];[a][b][c]concat=n=3:v=1,settb=1/1000[v]"
    path = _encode(folder / "vfr.mkv", graph, extra=("-fps_mode", "vfr"))
    return path, {"cuts": [2.0, 3.5], "transitions": [], "duration": 5.5}


def corrupt_middle(folder: Path) -> tuple[Path, dict]:
    """Two shots (cut at 3 s) in MPEG-TS with 4 KB of garbage written over the bytes at 30%
    (inside the first shot): decoding reports damaged packets and goes on."""
    import random

    path = folder / "damaged.ts"
    graph = f"{_src('bars', 3.0)}[a];{_src('zoom', 3.0)}[b];[a][b]concat=n=2:v=1[v]"
    _run("-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
         "-g", "24", "-pix_fmt", "yuv420p", "-f", "mpegts", path)
    data = bytearray(path.read_bytes())
    rng = random.Random(5)
    at = int(len(data) * 0.3)
    data[at:at + 4000] = bytes(rng.randrange(256) for _ in range(4000))
    path.write_bytes(bytes(data))
    return path, {"cuts": [3.0], "transitions": [], "duration": 6.0}


def _card(colour: str, seconds: float, text: str = "") -> str:
    out = f"color=c={colour}:size={SIZE}:rate={FPS}:d={seconds}"
    if text:
        out += f",drawtext=text='{text}':fontcolor=white:fontsize=22:x=(w-tw)/2:y=h-40"
    return out + ",format=yuv420p,setsar=1"


def flat_cards(folder: Path, *, text: bool = False) -> tuple[Path, dict]:
    """Flat title cards, grey → red → green (1.5 s each, the same caption on each when
    ``text``), then a shot: three cuts, every card a shot of its own."""
    cards = [_card(c, 1.5, "EPISODE 7" if text else "") for c in ("gray", "red", "green")]
    graph = ";".join(f"{c}[c{i}]" for i, c in enumerate(cards)) + f";{_src('bars', 1.5)}[s];[c0][c1][c2][s]concat=n=4:v=1[v]"
    name = "cards_text.mkv" if text else "cards.mkv"
    return _encode(folder / name, graph), {"cuts": [1.5, 3.0, 4.5], "transitions": [], "duration": 6.0}


def flat_cards_text(folder: Path) -> tuple[Path, dict]:
    return flat_cards(folder, text=True)


def title_overlay(folder: Path) -> tuple[Path, dict]:
    """One slowly moving shot with a big white title fading in over it (2.5–3.5 s) and out
    (5–6 s): most of the frame is unchanged, so no dissolve and no cut; a real cut at 7 s."""
    title = ("drawtext=text='TITLE':fontcolor=white:fontsize=100:borderw=5:bordercolor=white:x=(w-tw)/2:y=(h-th)/2:"
             "alpha='if(lt(t\\,2.5)\\,0\\,if(lt(t\\,3.5)\\,t-2.5\\,if(lt(t\\,5)\\,1\\,if(lt(t\\,6)\\,6-t\\,0))))'")
    a = _src("still", 7.0, extra=title + ",eq=brightness='0.05*clip(t-2.5\\,0\\,1)':eval=frame")
    b = _src("bars", 2.0)
    graph = f"{a}[a];{b}[b];[a][b]concat=n=2:v=1[v]"
    return _encode(folder / "title.mkv", graph), {"cuts": [7.0], "transitions": [], "duration": 9.0}


def fast_tilt(folder: Path) -> tuple[Path, dict]:
    """A still camera over a soft sky that tilts down fast to a field (3.0–3.3 s, with motion
    blur, the horizon rising through two thirds of the picture) and rests: one shot, no cut, no dissolve; a real cut at 6 s."""
    world = ("gradients=size=320x720:rate={R}:c0=#c8d4e0:c1=#dfe6ee:x0=0:y0=0:x1=0:y1=360:speed=0:d=1,"
             "drawbox=x=0:y=400:w=320:h=320:color=#4a7a30:t=fill,"
             "drawbox=x=40:y=380:w=60:h=30:color=#2d4a1e:t=fill,drawbox=x=200:y=390:w=80:h=15:color=#30502a:t=fill,"
             "trim=end_frame=1,noise=alls=18,loop=loop=-1:size=1,trim=duration=6,setpts=N/FRAME_RATE/TB"
             ).replace("{R}", str(FPS))
    tilt = "crop=320:180:x=0:y='if(lt(t\\,3)\\,200\\,if(lt(t\\,3.3)\\,200+(t-3)/0.3*120\\,320))'"
    b = _src("zoom", 2.0)
    graph = f"{world},{tilt},tmix=frames=3,format=yuv420p,setsar=1[a];{b}[b];[a][b]concat=n=2:v=1[v]"
    return _encode(folder / "tilt.mkv", graph), {"cuts": [6.0], "transitions": [], "duration": 8.0}


def faint_then_cut(folder: Path) -> tuple[Path, dict]:
    """A dark title card (grey title) whose faint copyright line appears 0.4 s before a strong
    cut to a shot at 3 s, then a cut at 5 s: with ``min_scene`` 0.5 s, if the faint line
    counts as a boundary at all, the far stronger cut after it is the one kept."""
    card = ("color=c=#141414:size={S}:rate={R}:d=3,format=yuv420p,"
            "drawtext=text='EPISODE 7':fontcolor=#a0a0a0:fontsize=30:x=(w-tw)/2:y=(h-th)/2,"
            "drawtext=text='(c) 2026 Studio':fontcolor=#3a3a3a:fontsize=14:x=10:y=h-24:enable='gte(t\\,2.6)',setsar=1"
            ).replace("{S}", SIZE).replace("{R}", str(FPS))
    graph = f"{card}[k];{_src('bars', 2.0)}[a];{_src('zoom', 2.0)}[b];[k][a][b]concat=n=3:v=1[v]"
    return _encode(folder / "faint.mkv", graph), {"cuts": [3.0, 5.0], "transitions": [], "duration": 7.0}


def cuts_off_keyframes(folder: Path) -> tuple[Path, dict]:
    """Four shots cut at frames 37, 75 and 110, encoded with x264's scene-cut keyframes off
    and three non-reference B-frames: most cuts land on a frame nothing is predicted from,
    which the coarse pass does not decode."""
    frames = [37, 38, 35, 34]
    names = ["bars", "zoom", "waves", "life"]
    parts = [f"{_src(n, k / FPS)}[s{i}]" for i, (n, k) in enumerate(zip(names, frames))]
    graph = ";".join(parts) + ";" + "".join(f"[s{i}]" for i in range(4)) + "concat=n=4:v=1[v]"
    path = folder / "offkey.mkv"
    _run("-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-g", "48",
         "-bf", "3", "-x264-params", "scenecut=0:b-pyramid=none", "-pix_fmt", "yuv420p", path)
    cuts = [37 / FPS, 75 / FPS, 110 / FPS]
    return path, {"cuts": cuts, "transitions": [], "duration": 144 / FPS}


#: A one-frame flash on frame 37: x264 with one B-frame between references, placed without look-ahead
#: (b-adapt 0) and no scene-cut keyframes, stores every odd frame as a non-reference B-frame.
SKIPPED_FLASH_FRAME = 37


def flash_on_skipped_frame(folder: Path) -> tuple[Path, dict]:
    """A one-frame white flash stored as a frame nothing is predicted from (so a first pass on
    reference frames never decodes it), then a cut at 2 s."""
    f = SKIPPED_FLASH_FRAME
    a = _src("bars", 2.0, extra=f"drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='eq(n\\,{f})'")
    graph = f"{a}[a];{_src('zoom', 1.5)}[b];[a][b]concat=n=2:v=1[v]"
    path = _encode(folder / "flash_skipped.mkv", graph,
                   extra=("-x264-params", "bframes=1:b-adapt=0:b-pyramid=none:scenecut=0"))
    return path, {"cuts": [2.0], "transitions": [], "flashes": [f / FPS], "duration": 3.5}


MAKERS = {
    "cuts": hard_cuts,
    "colour": colour_cuts,
    "fades": fades,
    "dissolve": dissolves,
    "flashes": flashes,
    "motion": fast_motion,
    "vfr": variable_rate,
    "corrupt": corrupt_middle,
    "cards": flat_cards,
    "cards_text": flat_cards_text,
    "title": title_overlay,
    "tilt": fast_tilt,
    "faint": faint_then_cut,
    "offkey": cuts_off_keyframes,
    "flash_skipped": flash_on_skipped_frame,
}


def make_all(folder: Path) -> dict[str, tuple[Path, dict]]:
    folder.mkdir(parents=True, exist_ok=True)
    return {name: make(folder) for name, make in MAKERS.items()}
