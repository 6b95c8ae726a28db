#!/usr/bin/env python3
"""Scene-detection benchmark: clipkit against PySceneDetect, side by side in one run.

    pip install -e ".[bench]"              # installs scenedetect (the peer)
    python bench/bench_scenes.py           # sample episode, generated clips, real clips, a 3-minute 1080p clip
    python bench/bench_scenes.py --quick   # without the 1080p clip
    python bench/bench_scenes.py --minutes 10   # a longer 1080p clip (memory flat with length?)

Files, each with known truth:
  * the sample episode (``clipkit.sample``: cuts, a fade through black, a dissolve, a flash);
  * the generated clips of ``tests/scenes_media.py`` (hard cuts, colour-only cuts, fades
    to black and white, dissolves, flashes and a light change, fast motion, variable frame
    rate, damaged packets, flat title cards with and without text, a title fading in over a
    shot, a fast tilt, a faint line before a cut, cuts off x264's scene-cut keyframes);
  * the real clips of ``../shared/media`` (``$CLIPKIT_MEDIA``), truth from its README:
    Big Buck Bunny's opening (a fade-in, three cuts, a title over a continuing shot),
    handheld footage with a fast tilt and a fade to black, Chaplin, fire2 (one shot each);
  * a 1080p H.264 clip made by looping the sample episode, scaled up (its truth repeats,
    plus a cut at every loop point).  Generated once into $TMPDIR/clipkit-bench-scenes.

Per file and tool: precision, recall and F1 of *hard cuts* against the truth (a
match is within one frame duration; boundaries a tool puts inside a known
gradual transition are neither right nor wrong for this score), transitions
found (clipkit: a reported transition overlapping the true one; PySceneDetect
reports none, only cuts; "in-tr" counts the cuts a tool put inside one; "false"
counts reported transitions that overlap no true one), wall
time, frames per second, CPU seconds (the tool's process and the decoder it runs
— steadier than wall time on a shared machine) and peak memory (ru_maxrss of
the process plus that of its largest child).  Each tool runs in its own
fresh process.  The peer runs with its defaults: ``detect-adaptive``, as
``scenedetect -i FILE list-scenes`` does.  Ratios are clipkit / PySceneDetect.
A plain decode of the 1080p clip (ffmpeg to null) is timed too, as the limit.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from media_dir import real_media  # bench/media_dir.py: ../shared/media or $CLIPKIT_MEDIA

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # scenes_media: the generated clips and their truth

WORK = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "clipkit-bench-scenes"


# ---------------------------------------------------------------- one tool, one file (child process)

def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + kids) / 1024


def _cpu_s() -> float:
    """CPU seconds of this process and the decoder it ran: steadier than wall time on a busy machine."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_clipkit(path: str, variant: str) -> dict:
    from clipkit import detect_scenes

    options = {"cache": False}
    if variant == "full-decode":
        options["fast"] = False
    cpu0 = _cpu_s()
    t0 = time.perf_counter()
    found = detect_scenes(path, **options)
    wall = time.perf_counter() - t0
    # Frames of the file (not all are decoded by default; speed is per frame of video).
    frames = found.frame_count
    return {
        "wall": wall, "cpu": _cpu_s() - cpu0, "frames": frames, "peak_mb": _peak_mb(),
        "cuts": [float(c.time) for c in found.cuts], "decoded": found.decoded,
        "transitions": [[t.kind, float(t.start), float(t.end)] for t in found.transitions],
    }


def run_peer(path: str, variant: str) -> dict:
    from scenedetect import AdaptiveDetector, SceneManager, open_video

    cpu0 = _cpu_s()
    t0 = time.perf_counter()
    video = open_video(path)
    manager = SceneManager()
    manager.add_detector(AdaptiveDetector())
    frames = manager.detect_scenes(video)
    scenes = manager.get_scene_list()
    wall = time.perf_counter() - t0
    return {
        "wall": wall, "cpu": _cpu_s() - cpu0, "frames": frames, "peak_mb": _peak_mb(),
        "cuts": [_seconds(s[0]) for s in scenes[1:]],
        "transitions": [],
    }


def _seconds(timecode) -> float:
    """A FrameTimecode in seconds (``.seconds`` from 0.7, ``get_seconds()`` before)."""
    value = getattr(type(timecode), "seconds", None)
    return float(timecode.seconds) if isinstance(value, property) else float(timecode.get_seconds())


def child_main(tool: str, path: str, variant: str) -> None:
    result = run_clipkit(path, variant) if tool == "clipkit" else run_peer(path, variant)
    print(json.dumps(result))


#: The interpreter the peer runs in (its own venv: scenedetect pulls in opencv-python, which must not meet
#: clipkit's opencv-python-headless); clipkit runs in this one.
PEER_PYTHON = os.environ.get("PEER_PYTHON", sys.executable)


def measure(tool: str, path: Path, variant: str = "") -> dict:
    python = PEER_PYTHON if tool == "peer" else sys.executable
    proc = subprocess.run([python, __file__, "--child", tool, str(path), variant or "-"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{tool} failed on {path.name}:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- files and truth

def sample_file() -> tuple[Path, dict]:
    from clipkit.sample import make_sample

    path = make_sample(WORK / "sample")
    truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    return path, {"cuts": truth["cuts"], "transitions": truth["transitions"], "fps": truth["fps"]}


def long_file(minutes: int) -> tuple[Path, dict]:
    from clipkit.media.ffmpeg import run_ffmpeg

    sample, truth = sample_file()
    path = WORK / f"sample-loop-{minutes}min-1080p-cfr.mkv"  # -r 24: looping alone left irregular timestamps
    if not path.exists():
        print(f"generating {path.name} (once; a few minutes) …", file=sys.stderr)
        part = path.with_suffix(".part.mkv")
        run_ffmpeg(["-y", "-stream_loop", str(minutes - 1), "-i", sample, "-map", "0:v",
                    "-vf", "scale=1920:1080:flags=bicubic", "-r", "24", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
                    "-g", "48", "-pix_fmt", "yuv420p", "-an", "-sn", part], what="making the 1080p benchmark clip")
        part.rename(path)
    cuts, transitions = [], []
    for k in range(minutes):
        off = 60 * k
        if k:
            cuts.append(off)  # the loop point: the last shot cuts back to the first
        cuts += [c + off for c in truth["cuts"]]
        transitions += [{**t, "start": t["start"] + off, "end": t["end"] + off} for t in truth["transitions"]]
    return path, {"cuts": cuts, "transitions": transitions, "fps": 24}


MEDIA = real_media()
#: The truth of the real clips, from ../shared/media/README.md (checked by eye on contact sheets).
REAL = {
    "big_buck_bunny_0_30.webm": {"cuts": [11.795, 15.67, 22.961], "fps": 24,
                                 "transitions": [{"kind": "fade-in", "start": 0.0, "end": 2.3}]},
    "video_with_failing_audio.mp4": {"cuts": [], "fps": 25,
                                     "transitions": [{"kind": "fade-out", "start": 8.3, "end": 11.3}]},
    "chaplin.mp4": {"cuts": [], "fps": 25, "transitions": []},
    "fire2.mp4": {"cuts": [], "fps": 10.5, "transitions": []},
}


def real_files() -> list[tuple[str, Path, dict]]:
    folder = MEDIA if MEDIA.is_dir() else Path("/work/shared/media")
    return [(name.split(".")[0][:16], folder / name, truth) for name, truth in REAL.items() if (folder / name).exists()]


def generated_files() -> dict[str, tuple[Path, dict]]:
    import scenes_media

    folder = WORK / "clips"
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for name, make in scenes_media.MAKERS.items():
        marker = folder / f".{name}.json"  # made once; the truth is stored beside
        if marker.exists():
            p, t = json.loads(marker.read_text())
            made[name] = (Path(p), t)
        else:
            p, t = make(folder)
            marker.write_text(json.dumps([str(p), t]))
            made[name] = (p, t)
    return made


# ---------------------------------------------------------------- scoring

def score(found: dict, truth: dict, fps: float) -> dict:
    tol = 1 / fps + 1e-3
    spans = [(t["start"] - tol, t["end"] + tol) for t in truth["transitions"]]
    cuts = [c for c in found["cuts"] if not any(lo <= c <= hi for lo, hi in spans)]
    true_cuts = list(truth["cuts"])
    matched, used = 0, set()
    for c in cuts:
        best = min((i for i in range(len(true_cuts)) if i not in used and abs(true_cuts[i] - c) <= tol),
                   key=lambda i: abs(true_cuts[i] - c), default=None)
        if best is not None:
            used.add(best)
            matched += 1
    precision = matched / len(cuts) if cuts else (1.0 if not true_cuts else 0.0)
    recall = matched / len(true_cuts) if true_cuts else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    found_tr = sum(1 for t in truth["transitions"]
                   if any(s < t["end"] + tol and t["start"] - tol < e for _, s, e in found["transitions"]))
    false_tr = sum(1 for _, s, e in found["transitions"]
                   if not any(s < t["end"] + tol and t["start"] - tol < e for t in truth["transitions"]))
    return {"P": precision, "R": recall, "F1": f1, "tr": f"{found_tr}/{len(truth['transitions'])}",
            "inside": len(found["cuts"]) - len(cuts), "false": false_tr}


def plain_decode_fps(path: Path, frames: int) -> float:
    from clipkit.media.ffmpeg import ffmpeg_exe

    t0 = time.perf_counter()
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(path), "-map", "0:v",
                    "-f", "null", "-"], check=True)
    return frames / (time.perf_counter() - t0)


# ---------------------------------------------------------------- main

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="skip the 1080p clip")
    ap.add_argument("--minutes", type=int, default=3, help="length of the 1080p clip (default 3)")
    ap.add_argument("--peer-python", help="the Python that has scenedetect (its own venv; default: $PEER_PYTHON or this one)")
    ap.add_argument("--only", help="only files whose label contains this")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    global PEER_PYTHON
    if args.peer_python:
        PEER_PYTHON = args.peer_python
    if args.child:
        tool, path, variant = args.child
        child_main(tool, path, "" if variant == "-" else variant)
        return
    if subprocess.run([PEER_PYTHON, "-c", "import scenedetect"], capture_output=True).returncode:
        raise SystemExit(f"the peer is missing in {PEER_PYTHON}: python -m venv VENV && VENV/bin/pip install scenedetect, "
                         "then --peer-python VENV/bin/python")
    WORK.mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, Path, dict]] = [("sample episode", *sample_file())]
    files += [(name, p, {**t, "fps": 24}) for name, (p, t) in generated_files().items()]
    files += real_files()
    if not args.quick:
        files.append((f"1080p {args.minutes} min", *long_file(args.minutes)))
    if args.only:
        files = [f for f in files if args.only in f[0]]

    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    header = (f"{'file':<16} {'tool':<22} {'P':>5} {'R':>5} {'F1':>5} {'trans.':>6} {'false':>5} {'in-tr':>5} {'wall s':>7} "
              f"{'fps':>7} {'cpu s':>7} {'peak MB':>8}")
    print(header)
    print("-" * len(header))
    summary = []
    for label, path, truth in files:
        runs = [("clipkit", ""), ("PySceneDetect adaptive", "")]
        if label.startswith("1080p"):
            runs.insert(1, ("clipkit full-decode", "full-decode"))
        if label.startswith("sample"):
            runs.insert(1, ("clipkit full-decode", "full-decode"))
        rows = {}
        for name, variant in runs:
            tool = "clipkit" if name.startswith("clipkit") else "peer"
            res = measure(tool, path, variant)
            sc = score(res, truth, truth["fps"])
            fps = res["frames"] / res["wall"] if res["wall"] else 0.0
            rows[name] = {**res, **sc, "fps": fps}
            print(f"{label:<16} {name:<22} {sc['P']:5.2f} {sc['R']:5.2f} {sc['F1']:5.2f} {sc['tr']:>6} {sc['false']:5d} "
                  f"{sc['inside']:5d} {res['wall']:7.2f} {fps:7.0f} {res['cpu']:7.2f} {res['peak_mb']:8.0f}", flush=True)
        peer = rows["PySceneDetect adaptive"]
        for name, ours in rows.items():
            if not name.startswith("clipkit"):
                continue
            summary.append((f"{label} ({name[8:] or 'default'})", ours["F1"] - peer["F1"],
                            ours["fps"] / peer["fps"] if peer["fps"] else float("nan"),
                            peer["cpu"] / ours["cpu"] if ours["cpu"] else float("nan"),
                            ours["peak_mb"] / peer["peak_mb"] if peer["peak_mb"] else float("nan")))
        ours = rows["clipkit"]
        if label.startswith("1080p"):
            limit = plain_decode_fps(path, ours["frames"])
            print(f"{label:<16} {'ffmpeg decode only':<22} {'':>5} {'':>5} {'':>5} {'':>6} {'':>5} {'':>5} "
                  f"{ours['frames'] / limit:7.2f} {limit:7.0f}")
    print(f"\nload average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("ratios clipkit / PySceneDetect (speed: higher is better for clipkit; memory: lower is)")
    print(f"{'file (clipkit mode)':<34} {'F1 clipkit − peer':>18} {'fps ratio':>10} {'cpu-speed ratio':>16} {'memory ratio':>13}")
    for label, df1, fr, cr, mr in summary:
        print(f"{label:<34} {df1:+18.2f} {fr:9.2f}× {cr:15.2f}× {mr:12.2f}×")


if __name__ == "__main__":
    main()
