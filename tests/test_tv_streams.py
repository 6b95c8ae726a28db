"""Stream choice: every video stream and a transport stream's programs listed; the main one used by default;
``--video-track N`` and ``--deinterlace`` reach every command."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from clipkit.errors import InputError
from clipkit.media.probe import probe
from tv_media import comb, ffmpeg, make_interlaced


def run(*args):
    return subprocess.run([sys.executable, "-m", "clipkit", *map(str, args)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def multi(tmp_path_factory):
    """Two programs: a small red "Shop" service first, the big blue "Main" one second."""
    path = tmp_path_factory.mktemp("multi") / "multi.ts"
    ffmpeg("-f", "lavfi", "-i", "color=c=red:s=320x180:r=25:d=2", "-f", "lavfi", "-i", "color=c=blue:s=640x360:r=25:d=2",
           "-f", "lavfi", "-i", "sine=d=2", "-map", "0:v", "-map", "2:a", "-map", "1:v", "-map", "2:a",
           "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-metadata:s:a:1", "language=jpn",
           "-program", "title=Shop:st=0:st=1", "-program", "title=Main:st=2:st=3", "-f", "mpegts", path)
    return path


def test_the_main_program_is_used_and_every_stream_listed(multi):
    info = probe(multi)
    assert [v.width for v in info.videos] == [320, 640]
    assert info.video.width == 640 and info.video.pid is not None
    assert [(p.name, p.streams) for p in info.programs] == [("Shop", (0, 1)), ("Main", (2, 3))]
    assert probe(multi, video_track=0).video.width == 320
    with pytest.raises(InputError, match="no video track 2: it has 2"):
        probe(multi, video_track=2)


@pytest.mark.slow  # six command-line runs
def test_info_lists_them_and_the_commands_take_the_track(multi, tmp_path):
    res = run("info", multi)
    assert res.returncode == 0, res.stderr
    assert "track:0 h264 320×180" in res.stdout and "track:1 h264 640×360" in res.stdout
    assert '"Main"  streams 0:2, 0:3  (used)' in res.stdout
    facts = json.loads(run("info", multi, "--json").stdout)
    assert len(facts["videos"]) == 2 and facts["programs"][1]["name"] == "Main"
    for track, colour in ((None, (0, 0, 255)), (0, (255, 0, 0))):
        extra = ["--video-track", str(track)] if track is not None else []
        out = tmp_path / f"s{track}.png"
        res = run("still", multi, "1", "-o", out, "--embed", "none", *extra)
        assert res.returncode == 0, res.stderr
        px = np.asarray(Image.open(out).convert("RGB"))[40, 40].astype(float)
        assert np.linalg.norm(px - colour) < 40, (track, px)
    res = run("still", multi, "1", "--video-track", "7", "-o", tmp_path / "x.png")
    assert res.returncode == 2 and "no video track 7" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.slow  # four command-line runs
def test_deinterlace_flag_and_info_scan_line(tmp_path):
    src = make_interlaced(tmp_path / "i.mkv", flagged=False)
    res = run("info", src)
    assert "scan       interlaced (top field first) [flags: progressive; idet: 48/48 frames combed" in res.stdout
    for mode, combed in (("auto", False), ("off", True), ("on", False)):
        out = tmp_path / f"{mode}.png"
        res = run("still", src, "0.5", "--deinterlace", mode, "-o", out, "--embed", "none")
        assert res.returncode == 0, res.stderr
        assert (comb(np.asarray(Image.open(out).convert("L"))) > 100) is combed, mode


def test_a_cover_picture_track_larger_than_the_episode_is_not_taken_for_it(tmp_path):
    """An MKV whose cover image was muxed as a one-frame MJPEG video track (1920×1080, larger than the 320×180
    episode): the episode is the main video, and its frames are what a still shows."""
    from clipkit import still

    ffmpeg("-f", "lavfi", "-i", "color=c=red:s=1920x1080:d=1", "-frames:v", "1", tmp_path / "cover.jpg")
    ffmpeg("-f", "lavfi", "-i", "color=c=blue:s=320x180:r=25:d=3", "-c:v", "libx264", "-pix_fmt", "yuv420p",
           tmp_path / "ep.mp4")
    ffmpeg("-i", tmp_path / "ep.mp4", "-i", tmp_path / "cover.jpg", "-map", "0", "-map", "1", "-c", "copy",
           tmp_path / "ep.mkv")
    info = probe(tmp_path / "ep.mkv")
    assert len(info.videos) == 2 and (info.video.codec, info.video.width) == ("h264", 320)
    img = np.asarray(Image.open(still(tmp_path / "ep.mkv", "1", tmp_path / "s.png", record=False).path).convert("RGB"))
    assert img[..., 2].mean() > 150 and img[..., 0].mean() < 80  # blue, not the red cover
