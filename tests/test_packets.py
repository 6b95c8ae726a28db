"""ffmpeg's packet listing (``-f framecrc``), read in one place (media/ffmpeg.read_framecrc): the keyframe search, the
copy cuts' timing, the clip poster's side outputs and the studio's size estimate all read it through that."""

from __future__ import annotations

from fractions import Fraction

import pytest

from clipkit.media.ffmpeg import framemd5_packets, read_framecrc, run_ffmpeg
from media import ffmpeg


@pytest.fixture(scope="module")
def two_streams(tmp_path_factory):
    """2 s of 320×180 at 25 fps, a keyframe every 10 frames, and a 44.1-kHz AAC tone: listed with both streams."""
    src = tmp_path_factory.mktemp("packets") / "two streams.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=2", "-f", "lavfi", "-i", "sine=f=440:d=2:sample_rate=44100",
           "-c:v", "libx264", "-g", "10", "-keyint_min", "10", "-sc_threshold", "0", "-bf", "0", "-pix_fmt", "yuv420p",
           "-c:a", "aac", "-shortest", src)
    proc = run_ffmpeg(["-i", src, "-map", "0", "-c", "copy", "-f", "framecrc", "-"], what="listing packets")
    return src, proc.stdout


def test_the_listing_gives_each_streams_packets_kinds_sizes_and_keyframes(two_streams):
    src, listing = two_streams
    read = read_framecrc(listing)
    video = [p for p in read.packets if read.kind(p.stream) == "video"]
    audio = [p for p in read.packets if read.kind(p.stream) == "audio"]
    assert len(video) == 50 and read.dimensions(video[0].stream) == (320, 180)
    assert [n for n, p in enumerate(sorted(video, key=lambda p: p.pts)) if p.keyframe] == [0, 10, 20, 30, 40]
    assert {p.tb for p in audio} == {Fraction(1, 44100)} and {p.duration for p in audio[1:-1]} == {1024}
    # the packets are the file's bytes, but for the container's own (moov, headers): a few KB
    assert 0 < src.stat().st_size - sum(p.size for p in read.packets) < 8000


def test_packet_times_are_in_their_own_streams_time_base(two_streams):
    """A listing of two streams: the video's times were read in the audio's time base (the last #tb line), 1/44100
    for 1/12800 — 2 s of video came out as 0.57 s."""
    _src, listing = two_streams
    read = read_framecrc(listing)
    rows = framemd5_packets(listing)
    video = [t * tb for (t, _d, tb), p in zip(rows, read.packets) if read.kind(p.stream) == "video"]
    assert len(rows) == len(read.packets) and max(video) == Fraction(49, 25)  # the 50th frame, 1.96 s
