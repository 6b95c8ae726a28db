"""Frames from anywhere: numpy frames with a rate, an imageio frame iterator and a moviepy clip make GIFs,
stills and strips with the right frame count, play time and colours."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from clipkit import make_gif, make_strip, still
from clipkit.errors import InputError, UsageError
from clipkit.media.ffmpeg import ffmpeg_exe
from clipkit.manifest import read_manifest
from clipkit.media.sources import Frames
from clirun import run

#: Three flat colours, each shown for 0.4 s at 25 fps (10 frames each).
COLOURS = [(200, 50, 20), (30, 140, 60), (40, 70, 180)]
RATE = 25


def colour_frames(size=(64, 48)):
    w, h = size
    for c in COLOURS:
        for _ in range(10):
            yield np.full((h, w, 3), c, np.uint8)


def gif_frames(path):
    """(RGB pixel at the centre, delay in ms) of every frame of a GIF."""
    im = Image.open(path)
    out = []
    for i in range(im.n_frames):
        im.seek(i)
        rgb = im.convert("RGB")
        out.append((rgb.getpixel((rgb.width // 2, rgb.height // 2)), im.info["duration"]))
    return out


def close(a, b, tol=2):
    return all(abs(x - y) <= tol for x, y in zip(a, b))


@pytest.fixture
def own_tmp(tmp_path, monkeypatch):
    """Temporary files go to this test's own folder (so none left behind can be seen, even under xdist)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_numpy_frames_with_a_rate_make_a_gif(tmp_path, own_tmp):
    art = make_gif(Frames(colour_frames(), RATE, name="flat"), output=tmp_path, fps=10, width=None)
    assert art.path == tmp_path / "flat_0-00_0-01.2.gif" and art.source is None
    assert (art.start, art.end, art.duration) == (0, Fraction(6, 5), Fraction(6, 5))
    shown = gif_frames(art.path)
    assert [d for _, d in shown] == [400, 400, 400]  # identical frames merge, keeping their time
    assert all(close(px, c) for (px, _), c in zip(shown, COLOURS))
    assert list(own_tmp.iterdir()) == []  # the temporary video is gone


def test_a_range_of_frames_and_still_and_strip(tmp_path, own_tmp):
    art = make_gif(Frames(colour_frames(), RATE), "0.4", "+0.4", tmp_path / "mid.gif", fps=25, width=32)
    assert art.width == 32 and art.duration == Fraction(2, 5)
    assert [close(px, COLOURS[1]) for px, _ in gif_frames(art.path)] == [True]
    shot = still(Frames(colour_frames(), RATE), "0.81", tmp_path / "s.png")
    assert shot.start == Fraction(4, 5) and close(Image.open(shot.path).convert("RGB").getpixel((32, 24)), COLOURS[2])
    sheet = make_strip(Frames(colour_frames(), RATE), tmp_path / "sheet.png", at=["0.1", "0.5", "0.9"], width=300, layout="row",
                       labels=False, header=False)
    im = Image.open(sheet.path).convert("RGB")
    assert sheet.frame_count == 3
    centres = [im.getpixel((round(im.width * (2 * k + 1) / 6), im.height // 2)) for k in range(3)]
    assert all(close(px, c, 3) for px, c in zip(centres, COLOURS)), centres
    assert list(own_tmp.iterdir()) == []


def test_made_from_frames_is_recorded_without_a_source(tmp_path, own_tmp):
    """In the folder's manifest as any GIF (so ``clipkit embed --all`` finds it), naming no temporary file."""
    art = make_gif(Frames(colour_frames(), RATE, name="flat"), output=f"{tmp_path}/out/", fps=10, width=32,
                   embed=None)
    [entry] = read_manifest(tmp_path / "out")
    assert entry.artifact.path == art.path and entry.artifact.source is None
    res = run("embed", "--all", tmp_path / "out", "--format", "markdown")
    assert res.returncode == 0, res.stderr
    assert art.path.name in res.stdout and "clipkit-frames" not in res.stdout


def test_bad_frame_sources_are_one_line_errors(tmp_path, own_tmp):
    with pytest.raises(UsageError, match="frame rate"):
        make_gif(Frames(colour_frames(), 0), output=tmp_path / "x.gif")
    with pytest.raises(InputError, match="gave no frames"):
        make_gif(Frames(iter(()), RATE), output=tmp_path / "x.gif")
    sizes = [np.zeros((48, 64, 3), np.uint8), np.zeros((40, 64, 3), np.uint8)]
    with pytest.raises(InputError, match="frame 1 is 64×40, the first was 64×48"):
        make_gif(Frames(sizes, RATE), output=tmp_path / "x.gif")
    with pytest.raises(InputError, match="not a picture"):
        make_gif(Frames([np.zeros(5)], RATE), output=tmp_path / "x.gif")
    assert list(own_tmp.iterdir()) == [] and not list(tmp_path.glob("*.gif"))


def test_an_imageio_frame_iterator_makes_a_gif(tmp_path, own_tmp):
    iio = pytest.importorskip("imageio.v3")
    video = tmp_path / "flat.mkv"  # lossless RGB, so the file holds exactly COLOURS
    data = b"".join(f.tobytes() for f in colour_frames())
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "64x48", "-framerate",
                    str(RATE), "-i", "-", "-c:v", "libx264rgb", "-qp", "0", "-pix_fmt", "rgb24", video],
                   input=data, check=True)
    rate = iio.immeta(video)["fps"]
    assert rate == RATE
    art = make_gif(Frames(iio.imiter(video), rate), output=tmp_path / "io.gif", fps=20, width=None)
    assert art.duration == Fraction(6, 5) and art.frame_count == 3
    shown = gif_frames(art.path)
    assert [d for _, d in shown] == [400, 400, 400]
    assert all(close(px, c) for (px, _), c in zip(shown, COLOURS))


@pytest.mark.slow
def test_a_moviepy_clip_and_write_gif(tmp_path, own_tmp):
    mp = pytest.importorskip("moviepy")
    from clipkit.moviepy import write_gif

    flat = mp.concatenate_videoclips([mp.ColorClip((64, 48), color=c, duration=0.4) for c in COLOURS]).with_fps(RATE)
    art = write_gif(flat, tmp_path / "flat.gif")
    assert (art.frame_count, art.duration, art.width) == (3, Fraction(6, 5), 64)
    shown = gif_frames(art.path)
    assert [d for _, d in shown] == [400, 400, 400] and Image.open(art.path).info["loop"] == 0
    assert all(close(px, c) for (px, _), c in zip(shown, COLOURS))
    # A composed effect: a red square moving 4 px a frame over blue, 10 frames at 10 fps.
    bg = mp.ColorClip((80, 60), color=(0, 0, 255), duration=1)
    box = mp.ColorClip((20, 20), color=(255, 0, 0), duration=1).with_position(lambda t: (int(round(40 * t)), 20))
    moving = mp.CompositeVideoClip([bg, box]).with_fps(10)
    art = write_gif(moving, tmp_path / "moving.gif", loop=2)
    assert (art.frame_count, art.duration) == (10, 1)
    im = Image.open(art.path)
    assert im.info["loop"] == 2  # moviepy's loop=2: two repeats after the first play
    for k in range(10):
        im.seek(k)
        rgb = im.convert("RGB")
        assert close(rgb.getpixel((4 * k + 10, 30)), (255, 0, 0)), k
        assert close(rgb.getpixel((4 * k + 25, 30)), (0, 0, 255)), k
    # As many frames as moviepy counts (int(duration × fps)): 2.38 s at 10.51 fps is 25 frames, not a 26th
    # starting 1 ms before the end (fire2.mp4's numbers).
    odd = write_gif(mp.ColorClip((16, 16), color=(9, 9, 9), duration=2.38).with_fps(10.51), tmp_path / "odd.gif")
    assert odd.end == Fraction(25) / Fraction(1051, 100) and odd.duration == Fraction(238, 100)
    # A clip is a source of any job: a range of it, at another width.
    part = make_gif(flat, "0.4", "0.8", tmp_path / "part.gif", width=32, fps=10)
    assert part.width == 32 and [close(px, COLOURS[1]) for px, _ in gif_frames(part.path)] == [True]
    assert list(own_tmp.iterdir()) == []


def test_moviepy_is_never_imported_by_clipkit(tmp_path):
    code = ("import sys, numpy as np, clipkit, clipkit.moviepy\n"
            "from clipkit.media.sources import Frames\n"
            f"clipkit.make_gif(Frames([np.zeros((16, 16, 3), np.uint8)] * 3, 10), output={str(tmp_path / 'z.gif')!r})\n"
            "assert 'moviepy' not in sys.modules, 'moviepy was imported'\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


def test_frames_given_to_a_command_that_needs_a_file_is_one_usage_error(tmp_path):
    """clip, scenes, info and find take a file: frames (or a moviepy clip) there failed with pathlib's
    'TypeError: expected str, bytes or os.PathLike object, not Frames'."""
    import clipkit

    frames = Frames([np.full((90, 160, 3), 40 * k, np.uint8) for k in range(5)], 10)
    for command, call in [("clip", lambda: clipkit.clip(frames, "0", "+0.2", tmp_path / "c.mp4")),
                          ("scenes", lambda: clipkit.scenes(frames)),
                          ("info", lambda: clipkit.info(frames)),
                          ("find", lambda: clipkit.find(frames, "He knew"))]:
        with pytest.raises(UsageError, match=f"^{command} takes the path of a video file, not a Frames") as err:
            call()
        assert "gif, still and strip" in err.value.hint
    mp = pytest.importorskip("moviepy")
    clip = mp.ColorClip((160, 90), color=(200, 40, 40), duration=0.5).with_fps(10)
    with pytest.raises(UsageError, match="^clip takes the path of a video file, not a ColorClip"):
        clipkit.clip(clip, "0", "+0.2", tmp_path / "c.mp4")
    assert list(tmp_path.iterdir()) == []


def test_errors_about_frames_name_the_frames_not_a_file(tmp_path, own_tmp):
    """A range past the end said "past the end of the file … run `clipkit info FILE`", a time "past the end of
    frames.nut", a shot "frames.nut has 1 shots … `clipkit scenes frames.nut`", a line "no line of frames.nut" and a
    track "frames.nut has no subtitle track": a file the user never gave.  Each now names the frames."""
    import clipkit

    def frames():
        return Frames(colour_frames(), RATE, name="flat")  # 1.2 s

    cases = [
        (lambda: make_gif(frames(), "5", "+1", tmp_path / "a.gif"),
         "the start 0:05 is past the end of the frames (0:01.2)", "give a start before 0:01.2"),
        (lambda: make_gif(frames(), "0.5", "+3", tmp_path / "b.gif"), "the end 0:03.5 is past the end of the frames", None),
        (lambda: still(frames(), "9", tmp_path / "c.png"), "0:09 is past the end of the frames (0:01.2)", None),
        (lambda: make_strip(frames(), tmp_path / "d.png", range_="2-3"), "the start 0:02 is past the end of the frames", None),
        (lambda: make_gif(Frames([np.full((48, 64, 3), c, np.uint8) for c in COLOURS for _ in range(RATE)], RATE),
                          scene=9, output=tmp_path / "e.gif"),  # three flat cards of 1 s: three shots
         "there is no shot 9 in the frames (3 shots)", "give a number from 1 to 3"),
        (lambda: make_gif(frames(), line="always knew", output=tmp_path / "f.gif"),
         "there is no dialogue in the frames to find 'always knew' in", None),
        (lambda: still(frames(), "0.5", tmp_path / "g.png", subs="track:0"),
         'subs="track:0": there are no subtitle tracks in the frames', None),
        (lambda: make_gif(frames(), subs="lang:jpn", output=tmp_path / "h.gif"),
         'subs="lang:jpn": there are no subtitle tracks in the frames', None),
    ]
    for call, message, hint in cases:
        with pytest.raises(clipkit.ClipkitError) as err:
            call()
        said = f"{err.value.message} — {err.value.hint}"
        assert message in err.value.message, said
        assert hint is None or hint == err.value.hint, said
        assert ".nut" not in said and "the file" not in said and "FILE" not in said, said
    sheet = make_strip(frames(), tmp_path / "sheet.png", count=3, layout="row", width=300, header=True)
    assert sheet.path.exists() and list(own_tmp.iterdir()) == []
    from clipkit.media.sources import opened
    from clipkit.pipeline.strip import _facts

    with opened(frames()) as info:  # the sheet's header: not the temporary file's name, codec and 0.0 MB
        assert _facts(info) == "the frames  ·  0:01  ·  64×48  ·  25 fps"
