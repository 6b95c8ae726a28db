"""``clip --copy``: the smart cut.  Copied frames decode bit-identical to the source's; the clip
still starts at START; codecs that cannot be matched are refused with both ways out."""

from __future__ import annotations

import io
import re
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from clip_media import beep_times, flash_times, make_flash_beep
from clipkit.errors import UsageError
from clipkit.media.ffmpeg import ffmpeg_exe
from clipkit.media.frames import read_frames
from clipkit.pipeline.clip import make_clip
from media import ffmpeg


def _decoded_md5(path: Path) -> list[str]:
    """MD5 of every decoded picture, in presentation order (framemd5 of the decoded frames)."""
    out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-map", "0:v:0",
                          "-f", "framemd5", "-"], capture_output=True, check=True).stdout.decode()
    return [ln.split(",")[-1].strip() for ln in out.splitlines() if ln and not ln.startswith("#")]


@pytest.fixture(scope="module")
def h264(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("copy") / "src.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x180:r=24:d=8", "-f", "lavfi", "-i", "sine=f=440:r=48000:d=8",
           "-c:v", "libx264", "-g", "48", "-bf", "2", "-c:a", "aac", src)  # keyframes every 2 s, B-frames
    return src


def test_smart_cut_copies_bit_identical_frames_and_starts_at_start(h264, tmp_path):
    start, end = Fraction("2.3"), Fraction("6.5")
    art = make_clip(h264, start, end, tmp_path / "c.mp4", copy=True, poster=False)
    assert any("smart cut" in n for n in art.notes)
    source = _decoded_md5(h264)  # frame k of the source is shown at k/24
    clip = _decoded_md5(art.path)
    first = 55  # on screen at 2.3 s (2.2917–2.3333)
    head = 96 - first  # re-encoded: 2.2917 up to the keyframe at 4.0 s
    # Everything from the keyframe on was copied: each decoded picture is bit-identical.
    copied = clip[head:]
    assert len(copied) >= int((end - 4) * 24)
    assert copied == source[96: 96 + len(copied)]
    # The re-encoded head is different bits (it is re-encoded) but the right pictures at the right times.
    assert clip[:head] != source[first:96]
    times = [f.time for f in read_frames(art.path, width=16, height=8, pix_fmt="gray")]
    assert times[0] == 0
    assert abs(float(times[1]) - (56 / 24 - 2.3)) < 0.002
    assert abs(float(times[head]) - (4.0 - 2.3)) < 0.002  # the seam keeps the source's timing


@pytest.mark.parametrize("snap", [False, True])
def test_copied_frames_from_matroska_start_at_the_keyframe_not_the_one_before(tmp_path, snap):
    # Matroska with B-frames: ffmpeg's seek to a keyframe lands on the keyframe before it, whose
    # group came out first (a user saw 0.52 s of the source repeated after the re-encoded head)
    src = tmp_path / "src.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x90:r=25:d=4", "-c:v", "libx264", "-bf", "2", "-g", "100",
           "-force_key_frames", "expr:gte(t,n_forced*0.52)", src)  # keyframes at 0, 0.52, 1.04, 1.56 … s
    start, end = (Fraction("1.56") if snap else Fraction("1.3")), Fraction("2.5")
    art = make_clip(src, start, end, tmp_path / "c.mp4", copy=True, poster=False)
    source, clip = _decoded_md5(src), _decoded_md5(art.path)
    head = 0 if snap else 39 - 32  # frames 32–38 re-encoded (1.28–1.56 s), the rest copied from frame 39
    assert clip[head:] == source[39: 39 + len(clip) - head] and len(clip) - head >= 24


def _shown_picture(path: Path, at: str) -> np.ndarray:
    """The picture a player shows at ``at`` (rotation applied), grey."""
    png = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-ss", at, "-i", str(path),
                          "-frames:v", "1", "-c:v", "png", "-f", "image2pipe", "-"], capture_output=True, check=True).stdout
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.int16)


def test_a_rotated_phone_video_is_copied_upright(tmp_path):
    # before: the re-encoded head came out turned upright and untagged, the copied frames lying on their side
    raw = tmp_path / "raw.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x96:r=25:d=3", "-c:v", "libx264", "-g", "25", "-bf", "2", raw)
    src = tmp_path / "phone.mp4"
    ffmpeg("-display_rotation:v", "90", "-i", raw, "-c", "copy", src)  # a phone held upright: shown 96×160
    art = make_clip(src, Fraction("0.6"), Fraction("2.4"), tmp_path / "c.mp4", copy=True, poster=False)
    assert any("smart cut" in n for n in art.notes)
    assert _shown_picture(art.path, "0").shape == (160, 96)
    assert np.abs(_shown_picture(art.path, "0") - _shown_picture(src, "0.6")).mean() < 4  # the head, upright
    source, clip = _decoded_md5(src), _decoded_md5(art.path)  # decoded as a player shows them
    head = 25 - 15  # frames 15–24 re-encoded, copied from the keyframe at 1 s
    assert clip[head:] == source[25: 25 + len(clip) - head] and len(clip) - head >= 30


def _field_flags(path: Path) -> list[str]:
    """Each decoded frame's interlacing as ffmpeg's showinfo reads it from the stream: P, T (top first) or B."""
    err = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path), "-map", "0:v:0", "-vf", "showinfo", "-f", "null",
                          "-"], capture_output=True, check=True).stderr.decode()
    return re.findall(r" i:([PTB?])", err)


def test_an_interlaced_recording_is_copied_as_fields_throughout(tmp_path):
    # before: the re-encoded head was coded as progressive frames (its two fields woven, shown combed by a
    # player that deinterlaces by the flags) in front of the copied top-field-first frames
    from tv_media import stripes

    src = tmp_path / "rec.mkv"
    ffmpeg("-f", "lavfi", "-i", stripes("50", 150), "-vf",
           "interlace=scan=tff", "-c:v", "libx264", "-g", "25", "-bf", "2", "-flags", "+ildct+ilme",
           "-x264opts", "tff=1", "-pix_fmt", "yuv420p", src)  # 25i, keyframes every second
    art = make_clip(src, Fraction("0.5"), Fraction("2.2"), tmp_path / "c.mp4", copy=True, poster=False)
    assert any("smart cut" in n for n in art.notes)
    flags = _field_flags(art.path)
    assert len(flags) >= 40 and set(flags) == {"T"}, flags


def test_smart_cut_keeps_sound_in_sync(tmp_path):
    src = tmp_path / "fb.mkv"
    flashes = make_flash_beep(src, seconds=6, gop=24)
    start, end = Fraction("1.45"), Fraction("5.6")
    art = make_clip(src, start, end, tmp_path / "c.mp4", copy=True, poster=False)
    expected = [float(f - start) for f in flashes if start <= f < art.end]
    assert [float(f) for f in flash_times(art.path)] == pytest.approx(expected, abs=0.002)
    assert beep_times(art.path) == pytest.approx(expected, abs=1 / 24)


def _packet_md5(path: Path, stream: str) -> list[str]:
    """MD5 of every packet of the first ``stream`` ("a" or "v") as stored (not decoded), in file order."""
    out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-map", f"0:{stream}:0",
                          "-c", "copy", "-f", "framemd5", "-"], capture_output=True, check=True).stdout.decode()
    return [ln.split(",")[5].strip() for ln in out.splitlines() if ln and not ln.startswith("#")]  # (side data after)


def test_smart_cut_copies_aac_sound_and_starts_it_at_start(tmp_path):
    src = tmp_path / "fb.mkv"
    flashes = make_flash_beep(src, seconds=6, gop=24)  # AAC sound in Matroska (times stored in ms)
    start, end = Fraction("1.45"), Fraction("5.6")
    art = make_clip(src, start, end, tmp_path / "c.mp4", copy=True, poster=False)
    assert any("sound copied" in n for n in art.notes)
    # The clip's sound packets are a run of the source's, unchanged (nothing re-encoded).
    ours, theirs = _packet_md5(art.path, "a"), _packet_md5(src, "a")
    assert len(ours) >= int((end - start) * 48000 / 1024)
    assert any(theirs[i: i + len(ours)] == ours for i in range(len(theirs) - len(ours) + 1))
    # Decoded (the edit list honoured), each beep is where its flash is, to the millisecond of the mkv clock.
    expected = [float(f - start) for f in flashes if start <= f < art.end]
    assert beep_times(art.path) == pytest.approx(expected, abs=0.002)


def test_smart_cut_re_encodes_sound_that_starts_after_start(tmp_path):
    src = tmp_path / "late.mkv"
    flashes = make_flash_beep(src, seconds=6, gop=24, audio_start=Fraction(3, 4))
    start, end = Fraction("0.3"), Fraction("4.2")
    art = make_clip(src, start, end, tmp_path / "c.mp4", copy=True, poster=False)
    assert not any("sound copied" in n for n in art.notes)  # nothing to copy before 0.75 s: padded with silence
    expected = [float(f - start) for f in flashes if Fraction(3, 4) <= f < art.end]
    assert beep_times(art.path) == pytest.approx(expected, abs=1 / 24)


def test_on_a_keyframe_everything_is_copied(h264, tmp_path):
    art = make_clip(h264, 2, Fraction("3.5"), tmp_path / "k.mp4", copy=True, poster=False)
    clip = _decoded_md5(art.path)
    assert clip == _decoded_md5(h264)[48: 48 + len(clip)] and len(clip) >= 36


def test_a_codec_that_cannot_be_matched(tmp_path):
    src = tmp_path / "vp8.webm"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x90:r=25:d=4", "-f", "lavfi", "-i", "sine=d=4",
           "-c:v", "libvpx", "-g", "25", "-c:a", "libopus", src)
    with pytest.raises(UsageError, match="vp8") as exc:
        make_clip(src, Fraction("1.3"), 3, tmp_path / "c.mp4", copy=True)
    assert "copy_fallback='encode'" in exc.value.hint and "copy_fallback='snap'" in exc.value.hint
    assert not (tmp_path / "c.mp4").exists()
    enc = make_clip(src, Fraction("1.3"), 3, tmp_path / "e.mp4", copy=True, copy_fallback="encode", poster=False)
    assert enc.start == Fraction("1.3") and any("normal" in n for n in enc.notes)
    snap = make_clip(src, Fraction("1.3"), 3, tmp_path / "s.webm", format="webm", copy=True, copy_fallback="snap",
                     poster=False)
    assert snap.start == 1 and any("snapped" in n and "0:01" in n for n in snap.notes)


def test_h264_asked_into_webm_is_pointed_at_mp4(h264, tmp_path):
    # before: the hint offered --copy-fallback snap, which then failed with "h264 cannot be copied into webm"
    with pytest.raises(UsageError, match="cannot be copied into webm") as exc:
        make_clip(h264, Fraction("2.3"), 4, tmp_path / "c.webm", format="webm", copy=True)
    assert "format='mp4'" in exc.value.hint and "snap" not in exc.value.hint
    assert not (tmp_path / "c.webm").exists()


def test_cancelling_while_the_head_is_encoded_stops_the_smart_cut(h264, tmp_path):
    from clipkit.errors import Cancelled

    def cancel(done, total):
        if 0 < done < 600:  # the head's encode reports 0–500 of 1000 (it runs beside the tail's copy)
            raise Cancelled()

    with pytest.raises(Cancelled):
        make_clip(h264, Fraction("2.3"), Fraction("6.5"), tmp_path / "c.mp4", copy=True, poster=False, progress=cancel)
    assert not (tmp_path / "c.mp4").exists()


def test_a_copied_clip_keeps_the_line_spoken_as_its_alt_text_and_takes_a_line_by_its_words(h264, tmp_path):
    # nothing is burned into a --copy clip, but its snippet's alt text is still the dialogue (as without --copy),
    # and `--line` finds its range (its track was refused as "captions cannot be burned in")
    src = tmp_path / "ep.mp4"
    src.symlink_to(h264)
    (tmp_path / "ep.srt").write_text("1\n00:00:02,500 --> 00:00:04,000\nWe copy & keep it.\n\n"
                                     "2\n00:00:05,000 --> 00:00:06,000\nThe second line.\n", encoding="utf-8")
    art = make_clip(src, Fraction("2.3"), Fraction("4.5"), tmp_path / "c.mp4", copy=True, poster=False)
    assert art.captions == ("We copy & keep it.",)
    assert any("dialogue (1 line) is not burned in: copy=True" in n for n in art.notes), art.notes  # said, not silent
    by_line = make_clip(src, None, None, tmp_path / "l.mp4", copy=True, poster=False, line="second line")
    assert by_line.captions[0] == "The second line."
    assert Fraction(4) <= by_line.start <= Fraction(5) and Fraction(6) <= by_line.end <= Fraction(7)
    with pytest.raises(UsageError):  # a track asked for by name would be burned in: still refused
        make_clip(src, Fraction("2.3"), Fraction("4.5"), tmp_path / "s.mp4", copy=True, poster=False, subs="track:0")
