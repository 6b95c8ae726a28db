"""Frame-exact seeking in MPEG transport streams (.ts, .m2ts) as broadcast recordings come.

Every frame k of the generated streams is a flat grey of a known level (``level_of(k)``),
so the picture itself says which frame was decoded; its reported time must be k / rate
on the file's continuous timeline, across long and short GOPs, MPEG-2 open GOPs, the
M2TS packet layout, two recordings joined (clock jumps back or forward) and a 33-bit
clock wrap.
"""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from clipkit import detect_scenes, make_gif, still
from clipkit.media.frames import frame_at, read_frames
from clipkit.media.probe import probe
from tv_media import frame_number, join_files, level_of, make_counter_ts

R25 = Fraction(25)
NTSC_FILM = Fraction(24000, 1001)


@pytest.fixture(scope="module")
def streams(tmp_path_factory):
    d = tmp_path_factory.mktemp("ts")
    a = make_counter_ts(d / "a.ts", frames=125, gop=50)
    b = make_counter_ts(d / "b.ts", frames=125, gop=50, first=125)
    far = make_counter_ts(d / "far.ts", frames=125, gop=50, first=125, ts_offset=1000)
    return {
        "gop5s": (make_counter_ts(d / "gop5s.ts", frames=300, gop=125), 300, R25),
        "gop0.5s_film": (make_counter_ts(d / "short.ts", frames=150, gop=12, rate="24000/1001"), 150, NTSC_FILM),
        "mpeg2_open_gop": (make_counter_ts(d / "mpeg2.ts", frames=200, gop=15, codec="mpeg2video"), 200, R25),
        "m2ts": (make_counter_ts(d / "disc.m2ts", frames=150, gop=24, m2ts=True), 150, R25),
        "joined_back": (join_files(d / "joined.ts", a, b), 250, R25),
        "joined_forward": (join_files(d / "forward.ts", a, far), 250, R25),
        "pts_wrap": (make_counter_ts(d / "wrap.ts", frames=200, gop=50, ts_offset=95440), 200, R25),
        "dvd_vob": (make_counter_ts(d / "dvd.vob", frames=200, gop=15, codec="mpeg2video", muxer="vob"), 200, R25),
    }


def which(image: np.ndarray) -> int:
    return frame_number(float(image.mean()))


@pytest.mark.parametrize("name", ["gop5s", "gop0.5s_film", "mpeg2_open_gop", "m2ts", "joined_back", "joined_forward", "pts_wrap",
                                  "dvd_vob"])
def test_every_seek_lands_on_its_frame(streams, name):
    path, count, rate = streams[name]
    info = probe(path)
    assert info.duration == count / rate  # joins and wraps do not stretch the timeline
    # Times all over the file, including just after every keyframe and the frames either side of a seam.
    for k in sorted({0, 1, count // 2 - 1, count // 2, count // 2 + 1, count - 1, *range(3, count, 37)}):
        for t in ((k / rate,) if k % 2 else (k / rate + 1 / (3 * rate),)):
            f = frame_at(info, t, pix_fmt="gray")
            assert (which(f.image), f.time) == (k % 200, k / rate), (name, k, t)


@pytest.mark.parametrize("name", ["joined_back", "pts_wrap", "mpeg2_open_gop", "dvd_vob"])
def test_a_range_gives_every_frame_once_in_order(streams, name):
    path, count, rate = streams[name]
    lo, hi = count // 2 - 30, count // 2 + 20
    frames = list(read_frames(path, start=lo / rate, end=hi / rate, pix_fmt="gray", width=32))
    assert [f.time for f in frames] == [k / rate for k in range(lo, hi)]
    assert [which(f.image) for f in frames] == [k % 200 for k in range(lo, hi)]


def test_still_and_gif_on_a_recording_start_on_the_asked_frame(streams, tmp_path):
    path, _, rate = streams["gop5s"]
    for k in (7, 61, 130, 199, 251):
        art = still(path, k / rate + Fraction(1, 100), tmp_path / f"s{k}.png")
        assert abs(np.asarray(Image.open(art.path).convert("L"), float).mean() - level_of(k)) < 3, k
    gif = make_gif(path, Fraction(62, 25), Fraction(74, 25), tmp_path / "g.gif", fps=25, width=64)
    im = Image.open(gif.path)
    assert im.n_frames == 12
    for i in range(im.n_frames):  # frame 62 first (not the keyframe after it), then one frame per frame
        im.seek(i)
        assert abs(np.asarray(im.convert("L"), float).mean() - level_of(62 + i)) < 3, i


def test_a_gif_over_a_damaged_stretch_of_a_recording_says_where(streams, tmp_path):
    """A recording that lost frames 100–119 (a gap in its timestamps: 4.0–4.8 s), or lost packets (broken
    pictures, frames out of order): the GIF over it held a frame for 0.8 s — or repeated frames — without a
    word (the decoder said nothing about the gap).  Now a note names the stretch; clean or variable-rate
    files (a frame held on purpose) get none."""
    from media import make_counter_clip
    from tv_media import lose_packets

    gap = make_counter_ts(tmp_path / "gap.ts", frames=250, gop=25, dropped=(100, 119))
    gif = make_gif(gap, Fraction(3), Fraction(6), tmp_path / "gap.gif", width=64)
    said = [n for n in gif.notes if "damaged or has a gap" in n]
    assert said and "at 0:04–0:04.8:" in said[0], gif.notes
    lost = lose_packets(make_counter_ts(tmp_path / "whole.ts", frames=250, gop=25), tmp_path / "lost.ts", 0.45, 0.52)
    gif = make_gif(lost, Fraction(3), Fraction(7), tmp_path / "lost.gif", width=64)
    assert any("damaged or has a gap at 0:04" in n for n in gif.notes), gif.notes
    for clean, start in ((streams["gop5s"][0], 3), (streams["mpeg2_open_gop"][0], 3), (streams["joined_back"][0], 4)):
        assert not [n for n in make_gif(clean, Fraction(start), Fraction(start + 3), tmp_path / "c.gif", width=64,
                                        overwrite=True).notes if "damaged" in n]
    vfr = tmp_path / "vfr.mkv"
    make_counter_clip(vfr, [40] * 20 + [800] + [40] * 20)  # frame 20 shown for 0.8 s on purpose
    assert not [n for n in make_gif(vfr, Fraction(0), Fraction(2), tmp_path / "v.gif").notes if "damaged" in n]


def test_a_clip_over_a_damaged_stretch_of_a_recording_says_where(streams, tmp_path):
    """The clip of a recording that lost frames 100–119 held frame 99 for 0.8 s without a word (ffmpeg encodes
    it silently); the packet index shows the gap, so a note names it — and a clean recording, a joined one
    or a clip beside the gap has none."""
    from clipkit.pipeline.clip import make_clip

    gap = make_counter_ts(tmp_path / "gap.ts", frames=250, gop=25, dropped=(100, 119))
    art = make_clip(gap, Fraction(3), Fraction(6), tmp_path / "gap.mp4", record=False, poster=False)
    assert any("damaged or has a gap at 0:04–0:04.8:" in n and "the clip holds" in n for n in art.notes), art.notes
    for path, a, b in ((gap, 5, 7), (streams["gop5s"][0], 3, 6), (streams["joined_back"][0], 5, 8)):
        art = make_clip(path, Fraction(a), Fraction(b), tmp_path / "c.mp4", record=False, poster=False, overwrite=True)
        assert not [n for n in art.notes if "damaged" in n], (path.name, art.notes)


def test_a_recording_that_lost_frames_keeps_its_frame_rate(tmp_path):
    """25 fps with frames 100–119 never recorded (a gap in the timestamps), or packets lost: `info` said
    '22.992 fps variable' (the mean over the gap), and frames were no longer timed on the 25 fps grid.
    Whole frames missing are a gap, not a variable rate; a file made at two rates stays variable."""
    from tv_media import lose_packets

    gap = make_counter_ts(tmp_path / "gap.ts", frames=250, gop=25, dropped=(100, 119))
    lost = lose_packets(make_counter_ts(tmp_path / "whole.ts", frames=250, gop=25), tmp_path / "lost.ts", 0.45, 0.52)
    for path in (gap, lost):
        video = probe(path).video
        assert (video.frame_rate, video.variable_frame_rate) == (25, False), path.name
    frames = list(read_frames(gap, start=Fraction(3), end=Fraction(6), width=32, pix_fmt="gray"))
    assert [f.time * 25 for f in frames] == [*range(75, 100), *range(120, 150)]
    assert all(abs(f.image.mean() - level_of(round(f.time * 25))) < 0.6 for f in frames)  # each its own picture
    mixed = tmp_path / "mixed.ts"
    from media import ffmpeg

    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x90:r=25:d=2", "-f", "lavfi", "-i", "testsrc2=s=160x90:r=30:d=2",
           "-filter_complex", "[0:v][1:v]concat=n=2:v=1,settb=1/1000", "-fps_mode", "vfr", "-c:v", "libx264", "-f", "mpegts", mixed)
    assert probe(mixed).video.variable_frame_rate


def test_scenes_on_a_joined_recording_find_the_cuts_at_their_times(tmp_path):
    a = make_counter_ts(tmp_path / "a.ts", frames=120, gop=50, shot=40)
    b = make_counter_ts(tmp_path / "b.ts", frames=120, gop=50, shot=40, first=120)
    found = detect_scenes(join_files(tmp_path / "j.ts", a, b), cache=False)
    assert [s.start for s in found.scenes] == [k * 40 / R25 for k in range(6)]


def test_the_cli_still_no_longer_fails_on_a_ts(streams, tmp_path):
    path, _, rate = streams["gop5s"]
    res = subprocess.run([sys.executable, "-m", "clipkit", "still", str(path), "9.3", "-o", str(tmp_path / "x.png"),
                          "--embed", "none"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert abs(np.asarray(Image.open(tmp_path / "x.png").convert("L"), float).mean() - level_of(232)) < 3


def test_the_index_of_a_big_recording_is_kept_on_disk(streams, tmp_path, monkeypatch):
    from clipkit.media import tsindex

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(tsindex, "CACHE_FROM_BYTES", 0)  # as if it were gigabytes
    path, count, rate = streams["joined_back"]
    tsindex._cached.cache_clear()
    built = tsindex.ts_index(path, 256)
    assert len(list((tmp_path / "cache" / "clipkit" / "tsindex").glob("*.npz"))) == 1
    tsindex._cached.cache_clear()
    monkeypatch.setattr(tsindex, "_build", lambda *a: pytest.fail("read the file again instead of the cache"))
    again = tsindex.ts_index(path, 256)
    assert again.segments == built.segments and (again.offsets == built.offsets).all()
    tsindex._cached.cache_clear()


def test_a_clip_from_a_dvd_vob_opens_on_its_frame_and_keeps_every_frame(streams, tmp_path):
    """A program stream stores no time for its B-frames and ffmpeg's seek in it lands late: the clip opened on
    the frame before START (packet times skipped the B-frame at START) or lost its first frames."""
    from clipkit.pipeline.clip import make_clip

    path, _, rate = streams["dvd_vob"]
    for k in (28, 60, 125, 170):
        start = k / rate + Fraction(1, 100)
        art = make_clip(path, start, start + 1, tmp_path / f"c{k}.mp4", record=False, poster=False)
        frames = list(read_frames(art.path, pix_fmt="gray"))
        assert [which(f.image) for f in frames] == [(k + i) % 200 for i in range(len(frames))], k
        assert len(frames) == 26  # the frame at START, 24 whole ones, the one on screen at the end


@pytest.mark.parametrize("codec", ["mpeg2video", "libx264"])
def test_a_vob_whose_frames_mostly_carry_no_time_keeps_its_rate_and_length(tmp_path, codec):
    """A DVD's program stream stores a presentation time only where a frame starts a PES packet: small frames
    share packets, and most carry none.  The probe read the few times left as a variable rate of a few fps
    ('0 fps variable' for MPEG-2, a length of 6.16 s for 5 s of H.264) or ended the video early (3.12 s): it now
    reads the rate off the decoding times and the end never after the last frame."""
    from media import ffmpeg

    path = tmp_path / f"{codec}.vob"
    ffmpeg("-f", "lavfi", "-i", "color=c=0x303030:s=320x180:r=25:d=5", "-c:v", codec, "-pix_fmt", "yuv420p",
           "-f", "vob", path)
    info = probe(path)
    video = info.require_video()
    assert (video.frame_rate, video.variable_frame_rate) == (R25, False)
    assert Fraction(5) - Fraction(2, 25) <= info.duration <= Fraction(5)
    last = frame_at(info, info.duration - Fraction(1, 50), pix_fmt="gray")  # a time inside the video decodes
    assert abs(float(last.image.mean()) - 0x30) < 4


def test_a_still_before_the_picture_of_a_recording_whose_sound_starts_first(tmp_path):
    """A transport stream whose sound begins half a second before its picture (as broadcast recordings do):
    a still at 0.1 s is the first frame, as in an MKV.  Before: 'no frames could be decoded … between 0.100s
    and 0.101s (      encoder         : Lavc… rawvideo)', exit 1."""
    from media import ffmpeg

    path = tmp_path / "late.ts"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x90:r=25:d=3", "-f", "lavfi", "-i", "sine=frequency=440:duration=4",
           "-filter_complex", "[0]setpts=PTS+0.5/TB[v]", "-map", "[v]", "-map", "1:a", "-c:v", "libx264", "-g", "25",
           "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "mpegts", path)
    art = still(path, "0.1", tmp_path / "s.png")
    assert abs(art.start - Fraction(1, 2)) < Fraction(1, 50), float(art.start)


def test_an_error_quotes_ffmpegs_last_message_not_its_output_header():
    # "no frames could be decoded … (      encoder : Lavc63.1.102 rawvideo)": the header's last line, not a reason
    from clipkit.media.frames import last_words

    tail = ["[mpegts @ 0x1] Packet corrupt (stream = 0, dts = 2700000).", "Output #0, rawvideo, to 'pipe:1':",
            "  Metadata:", "    encoder         : Lavf63.1.100", "  Stream #0:0: Video: rawvideo (RGB[24] / 0x18424752)",
            "      Metadata:", "        encoder         : Lavc63.1.102 rawvideo"]
    assert last_words(tail) == "[mpegts @ 0x1] Packet corrupt (stream = 0, dts = 2700000)."
    assert last_words(tail[1:]) == "no frames decoded"
