"""A long read split into chunks decoded by two ffmpeg processes gives exactly the frames of one read,
and shot detection over it is exact at the chunk boundaries (cuts placed right on them)."""

from __future__ import annotations

from fractions import Fraction

import pytest

import scenes_media
from clipkit import detect_scenes
from clipkit.media.frames import read_frames
from clipkit.media.frames_parallel import chunks_for, read_frames_parallel
from clipkit.media.probe import probe

RATE = 24
#: Four shots of 372 frames (15½ s): 62 s, which the reader splits into four chunks whose
#: boundaries are exactly the three cuts.
SHOT = 372


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parallel")
    secs = Fraction(SHOT, RATE)
    names = ["bars", "waves", "life", "zoom"]
    parts = [f"{scenes_media._src(n, float(secs), size='160x90')}[s{i}]" for i, n in enumerate(names)]
    graph = ";".join(parts) + ";" + "".join(f"[s{i}]" for i in range(4)) + "concat=n=4:v=1[v]"
    path = scenes_media._encode(folder / "long.mkv", graph)
    return path, [secs, 2 * secs, 3 * secs]


def test_chunks_meet_at_the_cuts(long_clip):
    path, cuts = long_clip
    info = probe(path)
    spans = chunks_for(Fraction(0), info.duration, 2)
    assert [b for _, b in spans[:-1]] == cuts  # the test below crosses both boundaries on a cut
    assert chunks_for(Fraction(0), info.duration, 1) == [(Fraction(0), info.duration)]
    assert len(chunks_for(Fraction(0), Fraction(30), 2)) == 1  # short: one read


@pytest.mark.parametrize("options", [(), ("-skip_frame", "noref")])
def test_same_frames_as_one_read(long_clip, options):
    path, _ = long_clip
    info = probe(path)
    kw = dict(width=32, pix_fmt="gray", decoder_options=options)
    start = Fraction(1, 50)  # chunk boundaries fall inside frames: the frame showing there is yielded once
    assert any(b * RATE % 1 for _, b in chunks_for(start, info.duration, 2)[:-1])
    one = list(read_frames(info, start=start, end=info.duration, **kw))
    split = list(read_frames_parallel(info, start=start, end=info.duration, workers=2, **kw))
    assert [f.time for f in split] == [f.time for f in one]
    assert [f.index for f in split] == list(range(len(one)))
    assert all((a.image == b.image).all() for a, b in zip(one, split))
    if not options:
        assert len(one) == 4 * SHOT  # every frame


def test_cuts_on_chunk_boundaries_are_exact(long_clip):
    path, cuts = long_clip
    for fast in (True, False):
        found = detect_scenes(path, cache=False, fast=fast)
        assert [c.time for c in found.cuts] == cuts
        assert [c.index for c in found.cuts] == [SHOT, 2 * SHOT, 3 * SHOT]
        assert [(s.start_frame, s.end_frame) for s in found.scenes] == [(n * SHOT, (n + 1) * SHOT) for n in range(4)]
