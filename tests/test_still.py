"""Stills against the sample's truth and a variable-frame-rate clip of known frames."""

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from clipkit import still
from clipkit.errors import TimecodeError, UsageError
from clipkit.media.frames import read_frames
from clipkit.timecode import format_time
from media import ffmpeg, level_of, make_counter_clip


def mean_of(path) -> float:
    return float(np.asarray(Image.open(path).convert("L")).mean())


def test_the_flash_frame_is_hit_exactly(sample, truth, tmp_path):
    flash = Fraction(truth["flashes"][0]).limit_denominator(1000)
    frame = Fraction(1, truth["fps"])
    assert mean_of(still(sample, flash, tmp_path / "on.png").path) > 250
    assert mean_of(still(sample, flash + frame - Fraction(1, 1000), tmp_path / "end.png").path) > 250
    assert mean_of(still(sample, flash - Fraction(1, 1000), tmp_path / "before.png").path) < 200
    assert mean_of(still(sample, flash + frame, tmp_path / "after.png").path) < 200


def test_black_span_and_formats(sample, truth, tmp_path):
    lo, hi = truth["black"][0]
    art = still(sample, str((lo + hi) / 2), tmp_path / "black.jpg", width=320)
    assert mean_of(art.path) < 8
    assert (art.width, art.height) == (320, 180)
    assert Image.open(art.path).format == "JPEG"
    webp = still(sample, "3", tmp_path / "a.webp")
    assert Image.open(webp.path).format == "WEBP" and (webp.width, webp.height) == (640, 360)


def test_best_skips_black_and_flash(sample, truth, tmp_path):
    flash = truth["flashes"][0]
    art = still(sample, str(flash), tmp_path / "best.png", best=True)
    assert art.start != Fraction(flash).limit_denominator(1000)
    assert 40 < mean_of(art.path) < 230
    lo, hi = truth["black"][0]
    art = still(sample, str(lo + 0.6), tmp_path / "best2.png", best=True, best_window=Fraction(1))
    assert mean_of(art.path) > 20  # left the black hold for a frame with content


def test_cut_is_frame_accurate(sample, truth, tmp_path):
    cut = Fraction(truth["cuts"][0])
    before = list(read_frames(sample, start=cut - Fraction(1, 24), end=cut + Fraction(1, 24), width=64))
    assert [f.time for f in before] == [cut - Fraction(1, 24), cut]
    a, b = (f.image.astype(int) for f in before)
    assert np.abs(a - b).mean() > 30  # two different shots either side of the cut


def test_variable_frame_rate_stills_land_on_the_right_frame(tmp_path):
    durations = [40] * 10 + [100] * 5 + [20] * 10 + [40] * 5
    starts = make_counter_clip(tmp_path / "vfr.mkv", durations, gop=7)
    for k in (0, 3, 9, 10, 12, 14, 15, 21, 24, 29):
        mid = starts[k] + Fraction(durations[k], 2000)
        for t in (starts[k], mid):
            got = mean_of(still(tmp_path / "vfr.mkv", t, tmp_path / f"f{k}.png").path)
            assert abs(got - level_of(k)) < 4, (k, t, got)


def test_bad_requests(sample, tmp_path):
    with pytest.raises(TimecodeError, match="past the end"):
        still(sample, "1:05", tmp_path / "x.png")
    with pytest.raises(TimecodeError, match="negative"):
        still(sample, "-3", tmp_path / "x.png")
    with pytest.raises(UsageError, match=".gif"):
        still(sample, "3", tmp_path / "x.gif")
    assert list(tmp_path.iterdir()) == []


def test_best_takes_the_sharpest_clean_frame_not_the_nearest(tmp_path):
    """Every frame is slightly soft (about 0.7× the sharpness) but two at 1.375 and 1.417 s;
    asked for 1.0 s with a ±0.5 s window, the sharp one wins although a soft frame is nearer."""
    path = tmp_path / "soft.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24:duration=3",
           "-vf", "unsharp=5:5:-0.2:5:5:-0.2:enable='not(between(t,1.36,1.42))'",
           "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", path)
    art = still(path, "1", tmp_path / "best.png", best=True)
    assert Fraction(136, 100) <= art.start <= Fraction(142, 100), art.start
    assert "sharpest clean frame" in art.notes[0]
    # Outside the window the sharp frames cannot be chosen: then a near-tie, the nearest soft frame.
    art = still(path, "0:02.5", tmp_path / "late.png", best=True, best_window=Fraction(1, 4))
    assert abs(art.start - Fraction(5, 2)) <= Fraction(1, 12), art.start


def test_choice_orders_sharpness_first_distance_among_near_ties():
    from clipkit.scenes.choice import Candidate, FrameScore, order

    img = np.zeros((4, 4, 3), np.uint8)

    def cand(t, sharp, clean=True):
        return Candidate(Fraction(t), img, FrameScore(sharp, 100, 50), clean, sharp, abs(Fraction(t) - 1))

    picks = order([cand(1, 700), cand("1.4", 1000), cand("1.3", 950), cand(1, 5000, clean=False)])
    assert [float(c.time) for c in picks] == [1.3, 1.4, 1.0, 1.0]  # 950 is within 10% of 1000 and nearer


def test_best_stays_in_the_shot_on_screen_at_the_time(tmp_path):
    # a sharp shot cut at 2 s to a soft one: 0.2 s after the cut, --best picks a frame of the soft
    # shot (the one asked for), not a sharper frame of the shot that ended 0.2 s before
    path = tmp_path / "cut.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=2", "-f", "lavfi", "-i", "smptebars=s=320x180:r=25:d=2",
           "-filter_complex", "[1:v]boxblur=6[soft];[0:v][soft]concat=n=2:v=1[v]", "-map", "[v]",
           "-c:v", "libx264", "-pix_fmt", "yuv420p", str(path))
    art = still(path, "2.2", tmp_path / "after.png", best=True)
    assert Fraction(2) <= art.start <= Fraction(27, 10), art.start
    assert any("its shot only, from the cut at 0:02" in n for n in art.notes), art.notes
    art = still(path, "1.8", tmp_path / "before.png", best=True)
    assert Fraction(13, 10) <= art.start < Fraction(2), art.start


def test_captions_are_those_on_screen_at_the_time_asked(tmp_path):
    # at 23.976 fps the frame on screen at 0:02 started at 0:01.96: a --caption, and a subtitle line
    # starting at 0:02, are on screen at 0:02 all the same (as a player shows them)
    path = tmp_path / "black.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=320x180:r=24000/1001:d=3", "-c:v", "libx264", "-pix_fmt", "yuv420p",
           str(path))
    srt = tmp_path / "black.srt"
    srt.write_text("1\n00:00:02,000 --> 00:00:02,900\nFrom two.\n", encoding="utf-8")

    def lit(art) -> int:
        return int((np.asarray(Image.open(art.path).convert("L"))[90:] > 200).sum())

    typed = still(path, "2", tmp_path / "typed.png", caption="Hello there", subs="off")
    assert typed.start < 2 and typed.captions == ("Hello there",) and lit(typed) > 50
    line = still(path, "2", tmp_path / "line.png", subs=str(srt))
    assert line.captions == ("From two.",) and lit(line) > 50
    assert lit(still(path, "1.9", tmp_path / "before.png", subs=str(srt))) == 0


def test_a_small_plane_in_a_grey_sky_is_a_picture_not_a_blank_frame(tmp_path):
    """A grainy grey sky with a small dark plane in it (video_with_failing_audio.mp4 at 2.3 s): its
    luma spread is low (σ ≈ 5), so it was "blank", and --best (and strip tiles) reported no clean frame there
    and took a worse one.  The same sky without the plane is still blank."""
    def sky(name: str, plane: bool) -> Path:
        path = tmp_path / name
        box = ",drawbox=x=150:y=70:w=12:h=4:color=0x383838:t=fill" if plane else ""  # 0.08 % of the picture
        ffmpeg("-f", "lavfi", "-i", "color=c=0xB4B4B4:s=320x180:r=25:d=3",
               "-vf", f"noise=alls=6:allf=t{box},format=yuv420p", "-c:v", "libx264", "-crf", "12", path)
        return path

    art = still(sky("plane.mp4", True), Fraction(3, 2), tmp_path / "p.png", best=True)
    assert any(n.startswith("sharpest clean frame") for n in art.notes), art.notes
    img = np.asarray(Image.open(art.path).convert("L"))
    assert img[70:74, 150:162].mean() < 90  # the plane is in the picture
    assert np.asarray(Image.open(art.path).convert("L")).std() < 6  # and the sky as flat as said
    art = still(sky("empty.mp4", False), Fraction(3, 2), tmp_path / "e.png", best=True)
    assert not any(n.startswith("sharpest clean frame") for n in art.notes), art.notes


def test_crop_auto_takes_the_bars_off_a_still_in_display_pixels(tmp_path):
    """A 4:3 picture pillarboxed on an anamorphic 16:9 DVD frame (720×480 stored, pixel aspect 32:27): the
    still without the bars is the 4:3 picture at its display size, and a typed crop is in display pixels."""
    import subprocess
    import sys

    src = tmp_path / "dvd.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=540x480:r=25:d=3", "-vf", "pad=720:480:90:0:black,setsar=32/27",
           "-c:v", "libx264", "-crf", "16", "-pix_fmt", "yuv420p", src)
    art = still(src, "1.5", tmp_path / "auto.png", crop="auto")
    assert abs(art.width / art.height - 4 / 3) < 0.02 and 630 <= art.width <= 645, (art.width, art.height)
    assert any("removed black bars" in n for n in art.notes)
    img = np.asarray(Image.open(art.path).convert("L"), float)
    assert img[:, :3].mean() > 30 and img[:, -3:].mean() > 30  # no bar left at either side
    typed = still(src, "1.5", tmp_path / "typed.png", crop="400:300", width=200)
    assert (typed.width, typed.height) == (200, 150)  # 400×300 display pixels, centred, scaled to 200 wide
    bad = subprocess.run([sys.executable, "-m", "clipkit", "still", str(src), "1.5", "--crop", "900:100",
                          "-o", str(tmp_path / "bad.png")], capture_output=True, text=True)
    assert bad.returncode == 2 and "does not fit" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "bad.png").exists()


def test_a_still_at_the_start_of_an_avi_with_b_frames(tmp_path):
    """An AVI holds no presentation times: with B-frames ffmpeg shows its first frame a decoder delay after 0
    (0.08 s here), and its seek to 0 landed on a later keyframe (1.84 s). A still at 0 failed with 'no frames
    could be decoded', or would have shown frame 46; it is the first frame, and the range from 0 starts there."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from tv_media import frame_number, make_counter_ts

    src = make_counter_ts(tmp_path / "old.avi", frames=150, gop=50, muxer="avi")
    for at in ("0", "0.01"):
        art = still(src, at, tmp_path / f"s{at}.png")
        assert frame_number(mean_of(art.path)) == 0, at
    frames = list(read_frames(src, start=Fraction(0), end=Fraction(1), pix_fmt="gray"))
    assert [frame_number(float(f.image.mean())) for f in frames[:3]] == [0, 1, 2]


def test_best_says_which_lines_are_on_the_frame_it_chose(sample, truth, tmp_path):
    """--best near the gap between two lines: the note said "2 lines in the range" (the ±0.5 s searched)
    while the frame chosen showed none; it counts the lines on screen at that frame."""
    from clipkit.timecode import format_time

    art = still(sample, "3.55", tmp_path / "b.png", best=True, subs="auto", record=False)
    on = sum(1 for c in truth["subtitles"] if c["start"] <= art.start < c["end"])
    words = f"{on or 'no'} line{'' if on == 1 else 's'} on screen at {format_time(art.start)}"
    assert any(n.startswith("captions from") and n.endswith(words) for n in art.notes), (words, art.notes)
    assert art.captions == () or on



def test_best_reads_the_subtitles_once(sample, truth, tmp_path, monkeypatch):
    """still --best with captions gathered them twice: once for the window searched, again after the frame
    was chosen only to count the lines on screen then (the track read, or the file parsed, a second time).
    A spy that runs the real selection counts the reads; the note still counts the lines of the frame chosen."""
    import clipkit.pipeline.captions as captions

    real, calls = captions.select_subtitles, []

    def spy(*args, **kwargs):
        calls.append(args[1:])
        return real(*args, **kwargs)

    monkeypatch.setattr(captions, "select_subtitles", spy)
    art = still(sample, "3.55", tmp_path / "b.png", best=True, subs="auto", record=False)
    assert len(calls) == 1, calls
    on = sum(1 for c in truth["subtitles"] if c["start"] <= art.start < c["end"])
    assert any(n.endswith(f"{on or 'no'} line{'' if on == 1 else 's'} on screen at {format_time(art.start)}")
               for n in art.notes), art.notes
    calls.clear()  # a --caption over dialogue that "auto" would have shown: the dialogue is looked at once too
    art = still(sample, "3.55", tmp_path / "c.png", best=True, caption="Typed.", record=False, overwrite=True)
    assert len(calls) == 1, calls
    assert art.captions == ("Typed.",)


def test_a_time_whose_frames_are_lost_says_which_frame_it_took(tmp_path):
    """An MKV whose middle is overwritten with zeros (a damaged download): the frames from about 2.4 s to 4 s
    cannot be decoded.  A still at 3.5 s is the last frame before the damage, and a note says so (and --best's
    note names that frame).  Before: no note, the picture silently from 0:02.3; --best said 'used the frame at
    0:03.5' over the 0:02.3 picture."""
    path = tmp_path / "damaged.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x180:r=24:d=6", "-c:v", "libx264", "-g", "24", "-pix_fmt", "yuv420p", path)
    data = bytearray(path.read_bytes())
    a, b = int(len(data) * 0.4), int(len(data) * 0.7)
    data[a:b] = bytes(b - a)
    path.write_bytes(bytes(data))
    art = still(path, "3.5", tmp_path / "s.png")
    assert art.start < 3
    assert any("no frame could be decoded at 0:03.5" in n and format_time(art.start) in n for n in art.notes), art.notes
    best = still(path, "3.5", tmp_path / "b.png", best=True)
    assert best.start < 3 and not any(n.endswith("at 0:03.5") for n in best.notes), best.notes
    assert any(n.endswith(f"used the frame at {format_time(best.start)}") for n in best.notes), best.notes
    fine = still(path, "1.5", tmp_path / "f.png")  # before the damage: no note
    assert fine.start == Fraction(3, 2) and not any("decoded" in n for n in fine.notes)
