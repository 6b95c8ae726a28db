from fractions import Fraction

import pytest

from clipkit.errors import InputError
from clipkit.media.frames import read_frames
from clipkit.media.probe import probe
from media import ffmpeg, make_counter_clip


def test_sample_facts_match_its_truth(sample, truth):
    info = probe(sample)
    assert info.duration == truth["duration"]
    v = info.video
    assert (v.width, v.height) == (truth["width"], truth["height"])
    assert v.frame_rate == truth["fps"] and not v.variable_frame_rate
    assert v.display_size == (640, 360) and v.rotation == 0
    assert len(info.audio) == 1 and info.audio[0].sample_rate == 48000
    subs = [(s.index, s.language, s.title, s.is_text) for s in info.subtitles]
    assert subs == [(t["index"], t["language"], t["title"], True) for t in truth["subtitle_tracks"]]


def test_variable_frame_rate_is_detected(tmp_path):
    starts = make_counter_clip(tmp_path / "vfr.mkv", [40] * 10 + [100] * 5 + [20] * 10 + [40] * 5)
    info = probe(tmp_path / "vfr.mkv")
    assert info.video.variable_frame_rate
    assert info.duration == starts[-1] + Fraction(40, 1000)


def test_ntsc_rate_is_exact(tmp_path):
    path = tmp_path / "ntsc.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=24000/1001:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p", path)
    v = probe(path).video
    assert v.frame_rate == Fraction(24000, 1001) and not v.variable_frame_rate


@pytest.mark.parametrize("rate,seconds", [("24", "0.5"), ("24", "1"), ("30000/1001", "1"), ("25", "0.6")])
def test_a_short_mkv_keeps_its_common_rate(tmp_path, rate, seconds):
    """MKV counts milliseconds: over a second or less the packets' mean step is off by up to a tick, and
    `info` said "24.017 fps", "24.008 fps", "29.959 fps" for ordinary 24 and 29.97 fps clips."""
    path = tmp_path / "short.mkv"
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=160x90:rate={rate}:duration={seconds}", "-c:v", "libx264",
           "-pix_fmt", "yuv420p", path)
    v = probe(path).video
    assert v.frame_rate == Fraction(rate) and not v.variable_frame_rate


def test_rotation_and_pixel_aspect_give_the_display_size(tmp_path):
    plain, rotated = tmp_path / "plain.mp4", tmp_path / "phone.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p", plain)
    ffmpeg("-display_rotation", "90", "-i", plain, "-c", "copy", rotated)  # a display matrix, as phones write
    v = probe(rotated).video
    assert (v.width, v.height) == (320, 180)
    assert v.rotation in (90, 270) and v.display_size == (180, 320)
    frame = next(read_frames(rotated, width=90))
    assert frame.image.shape == (160, 90, 3)
    anamorphic = tmp_path / "dvd.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=720x480:rate=25:duration=1", "-vf", "setsar=32/27",
           "-c:v", "libx264", "-pix_fmt", "yuv420p", anamorphic)
    v = probe(anamorphic).video
    assert v.pixel_aspect == Fraction(32, 27) and v.display_size == (853, 480)


def test_bad_inputs_are_named(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        probe(tmp_path / "missing.mkv")
    text = tmp_path / "notes.mkv"
    text.write_text("this is not a video\n")
    with pytest.raises(InputError, match="not a media file"):
        probe(text)
    empty = tmp_path / "empty.mkv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        probe(empty)
    with pytest.raises(InputError, match="is a folder"):
        probe(tmp_path)


def test_truncated_file_is_refused_or_shorter(sample, tmp_path):
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(sample.read_bytes()[:2000])
    with pytest.raises(InputError):
        probe(cut)


def test_b_frames_past_the_timing_window_do_not_fake_a_variable_rate(tmp_path):
    # More than the 600 packets probed, with B-frames: decode order leaves the
    # window's last shown frames unread; that must not look like a variable rate.
    path = tmp_path / "long.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=30", "-c:v", "libx264", "-bf", "3",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", path)
    v = probe(path).video
    assert v.frame_rate == 25 and not v.variable_frame_rate


def test_the_end_read_beside_the_start_read_still_reports_its_failure(tmp_path, monkeypatch):
    """The packets at the file's end are read in a thread while those at its start are: its result is
    the duration (checked above), and its failure must still reach the caller, not vanish with the thread."""
    from clipkit.errors import MediaError
    from clipkit.media import timing

    make_counter_clip(tmp_path / "c.mkv", [40] * 12)
    real = timing._packet_times

    def failing_end(path, index, *, from_end):
        if from_end:
            raise MediaError("the end cannot be read", "test")
        return real(path, index, from_end=from_end)

    monkeypatch.setattr(timing, "_packet_times", failing_end)
    with pytest.raises(MediaError, match="the end cannot be read"):
        probe(tmp_path / "c.mkv")
