"""Interlaced and telecined sources come out as clean progressive frames (a comb metric on every output frame).

The sources are sliding vertical stripes: a clean frame has no vertical detail at all, a
frame woven from two moments combs at every line (comb ≈ 150), so the metric cannot miss.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from clipkit import make_gif, still
from clipkit.media.frames import frame_at, read_frames
from clipkit.media.probe import probe
from tv_media import comb, ffmpeg, film_number, make_interlaced, make_telecined, make_zoom, stripe_shift

CLEAN, COMBED = 10, 100


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    d = tmp_path_factory.mktemp("interlace")
    return {
        "h264_tff_flagged.ts": make_interlaced(d / "a.ts"),
        "h264_bff_flagged.mkv": make_interlaced(d / "b.mkv", order="bff"),
        "h264_unflagged.mkv": make_interlaced(d / "c.mkv", flagged=False),
        "mpeg2_flagged.ts": make_interlaced(d / "d.ts", codec="mpeg2video"),
        "telecined_flagged.ts": make_telecined(d / "e.ts"),
        "telecined_unflagged.mkv": make_telecined(d / "f.mkv", flagged=False),
    }


@pytest.mark.parametrize("name,kind,order", [
    ("h264_tff_flagged.ts", "interlaced", "tff"), ("h264_bff_flagged.mkv", "interlaced", "bff"),
    ("h264_unflagged.mkv", "interlaced", "tff"), ("mpeg2_flagged.ts", "interlaced", "tff"),
    ("telecined_flagged.ts", "telecined", "tff"), ("telecined_unflagged.mkv", "telecined", "tff"),
])
def test_detected_from_flags_and_idet(sources, name, kind, order):
    scan = probe(sources[name]).video.scan
    assert (scan.kind, scan.field_order) == (kind, order)
    if "unflagged" in name:
        assert scan.flagged == "progressive"  # the stream lies; idet caught it


@pytest.mark.parametrize("name", ["h264_tff_flagged.ts", "h264_bff_flagged.mkv", "h264_unflagged.mkv", "mpeg2_flagged.ts"])
def test_interlaced_is_deinterlaced_one_frame_per_frame(sources, name):
    raw = list(read_frames(probe(sources[name], deinterlace="off"), pix_fmt="gray"))
    assert min(comb(f.image) for f in raw) > COMBED  # the source really is combed
    frames = list(read_frames(probe(sources[name]), pix_fmt="gray"))
    assert max(comb(f.image) for f in frames) < CLEAN
    assert [f.time for f in frames] == [Fraction(k, 25) for k in range(50)]  # bwdif: no doubled rate


@pytest.mark.parametrize("name", ["telecined_flagged.ts", "telecined_unflagged.mkv"])
def test_telecined_film_comes_back_at_23_976_with_every_film_frame_once(sources, name):
    raw = list(read_frames(probe(sources[name], deinterlace="off"), pix_fmt="gray"))
    assert len(raw) == 120 and sum(comb(f.image) > COMBED for f in raw) == 48  # 2 of 5 combed
    info = probe(sources[name])
    assert info.video.frame_rate == Fraction(24000, 1001)
    frames = list(read_frames(info, pix_fmt="gray"))
    assert max(comb(f.image) for f in frames) < CLEAN
    assert [f.time for f in frames] == [Fraction(1001 * k, 24000) for k in range(96)]
    # Consecutive frames are consecutive film frames: the stripes moved one step (no repeat, no skip).
    assert {stripe_shift(a.image, b.image) for a, b in zip(frames, frames[1:])} <= {25, 26}


def test_gif_and_still_from_telecined_and_interlaced(sources, tmp_path):
    gif = make_gif(sources["telecined_flagged.ts"], Fraction(1), Fraction(2), tmp_path / "t.gif", fps=30, width=320)
    im = Image.open(gif.path)
    pictures = []
    for i in range(im.n_frames):
        im.seek(i)
        pictures.append(np.asarray(im.convert("L")))
    assert max(comb(p) for p in pictures) < CLEAN
    # Ticked at 30 fps, the GIF holds each film frame for its own time: the 24 film frames of that second
    # (25 touch it), each shown once, one stripe step apart (the 29.97 stream's repeated fields are gone).
    assert len(pictures) in (24, 25)
    assert {stripe_shift(a, b) for a, b in zip(pictures, pictures[1:])} <= {25, 26}
    art = still(sources["h264_unflagged.mkv"], Fraction(7, 10), tmp_path / "s.png")
    assert comb(np.asarray(Image.open(art.path).convert("L"))) < CLEAN


def test_deinterlace_on_forces_and_bad_mode_is_refused(sources):
    from clipkit.errors import UsageError

    with pytest.raises(UsageError, match="auto, off or on"):
        probe(sources["h264_tff_flagged.ts"], deinterlace="maybe")
    assert probe(sources["telecined_flagged.ts"], deinterlace="off").video.frame_rate == Fraction(30000, 1001)


def test_sparse_decoding_of_telecined_film_is_deinterlaced_on_the_stream_grid(sources):
    """strip decodes only reference frames or keyframes for its quick looks: no field pattern to match."""
    info = probe(sources["telecined_flagged.ts"])
    frames = list(read_frames(info, decoder_options=("-skip_frame", "noref"), pix_fmt="gray"))
    assert frames and max(comb(f.image) for f in frames) < CLEAN
    assert all((f.time * Fraction(30000, 1001)).denominator == 1 for f in frames)  # times as stored (29.97)


@pytest.fixture(scope="module")
def zooms(tmp_path_factory):
    d = tmp_path_factory.mktemp("zoom")
    return {kind: make_zoom(d / f"{kind}.{'mkv' if kind == 'film' else 'mpg'}", kind)
            for kind in ("telecined", "interlaced", "film")}


def test_telecined_film_found_by_its_cadence_where_idet_counts_no_repeats(zooms):
    """Film on an MPEG-2 DVD: idet counted 6 % repeated fields (not 40 %) on this smooth zoom and the film was
    taken for interlaced video, deinterlaced at 29.97 with a repeated or blended frame in every five.  The
    sample's own field changes show the 3:2 cadence; true interlaced video of the same zoom stays interlaced."""
    scan = probe(zooms["telecined"]).video.scan
    assert (scan.kind, scan.field_order) == ("telecined", "tff"), scan.describe()
    assert "3:2 cadence" in scan.describe()
    assert probe(zooms["interlaced"]).video.scan.kind == "interlaced"
    info = probe(zooms["telecined"])
    assert info.video.frame_rate == Fraction(24000, 1001)
    film = [f.image.astype(int) for f in read_frames(probe(zooms["film"]), pix_fmt="gray")]
    frames = list(read_frames(info, start=Fraction(1), end=Fraction(3), pix_fmt="gray"))
    assert 47 <= len(frames) <= 49  # 2 s of film, not 60 frames of video
    shown = []
    for f in frames:  # which film frame each one is (the MPEG-2 round trip leaves ~1 level of difference)
        diffs = [np.abs(f.image.astype(int) - g).mean() for g in film]
        k = int(np.argmin(diffs))
        assert diffs[k] < 3, (f.time, diffs[k])
        shown.append(k)
    assert len(set(shown)) >= len(shown) - 2  # each film frame once (fieldmatch may miss one match)
    assert shown == sorted(shown)


def test_a_clip_of_telecined_film_on_a_dvd_has_every_film_frame(zooms, tmp_path):
    """The clip of a telecined MPEG-2 program stream: 23.976 film frames with no gap (a late seek lost its
    first five frames: the first one was held for 0.26 s)."""
    from clipkit.pipeline.clip import make_clip

    art = make_clip(zooms["telecined"], Fraction(1), Fraction(3), tmp_path / "film.mp4", record=False, poster=False)
    times = [f.time for f in read_frames(art.path, pix_fmt="gray")]
    assert 47 <= len(times) <= 49
    assert max(b - a for a, b in zip(times, times[1:])) < Fraction(3, 48)


def test_fine_horizontal_detail_in_progressive_video_is_not_taken_for_fields(tmp_path):
    """testsrc2 at 25p, flagged progressive: idet counted 41 of 48 frames combed (its fine lines) and the video
    was deinterlaced. Its fields are of one instant (a bottom field nearer its own top field than the next
    frame's); a zoom interlaced from 50p and flagged progressive has its fields 1/50 s apart, and stays interlaced."""
    pattern = tmp_path / "pattern.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=4", "-c:v", "libx264", "-pix_fmt", "yuv420p", pattern)
    scan = probe(pattern).video.scan
    assert scan.kind == "progressive" and "one instant" in scan.describe(), scan.describe()
    woven = tmp_path / "woven.mkv"
    ffmpeg("-f", "lavfi", "-i", "mandelbrot=s=320x240:r=50,trim=duration=4", "-vf", "interlace=scan=tff,setfield=prog",
           "-c:v", "libx264", "-crf", "16", "-pix_fmt", "yuv420p", woven)
    assert probe(woven).video.scan.kind == "interlaced"


def test_a_still_flat_picture_says_idet_could_not_tell(tmp_path):
    # a flat, still picture gives idet nothing to decide: `info` said "idet: 0/0 frames combed, 0% repeated fields"
    path = tmp_path / "flat.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=0x404040:s=320x180:r=25:d=3", "-c:v", "libx264", "-pix_fmt", "yuv420p", path)
    scan = probe(path).require_video().scan
    assert scan.kind == "progressive"
    assert "idet: could not tell from a still or dark sample (0 of 48 frames decided)" in scan.describe()
    assert "0/0" not in scan.describe()


def test_every_film_frame_of_a_broadcast_ts_read_from_its_own_time(tmp_path):
    """A telecined MPEG-2 transport stream with a broadcast GOP (12 frames): the frame on screen at any time is
    the film frame the whole read has there.  Before: a read starting at the keyframe just before the time gave
    fieldmatch + decimate no frames to settle on, its first film frame came after the time, and a still there
    failed with 'no frames could be decoded … (encoder : Lavc… rawvideo)' (or a GIF began a frame late)."""
    from tv_media import stripes

    path = tmp_path / "film.ts"
    ffmpeg("-f", "lavfi", "-i", stripes("24000/1001", 120), "-vf",
           "telecine=first_field=top:pattern=23,setfield=tff", "-c:v", "mpeg2video", "-q:v", "3", "-g", "12",
           "-flags", "+ilme+ildct", "-f", "mpegts", path)
    info = probe(path)
    assert info.video.scan.kind == "telecined"
    film = [f.time for f in read_frames(info, width=64)]
    wrong = []
    for t in film[2:-2]:
        at = t + Fraction(1, 100)
        got = [f.time for f in read_frames(info, start=at, end=at + Fraction(1, 1000), width=64)]
        if got != [t]:
            wrong.append((float(t), [float(g) for g in got]))
    assert not wrong


@pytest.mark.parametrize("codec,gop,offset", [("mpeg2video", 12, None), ("libx264", 37, None), ("mpeg2video", 13, 95438)])
def test_a_still_of_telecined_film_in_a_ts_is_the_film_frame_of_its_time(tmp_path, codec, gop, offset):
    """Film frame j is shown from j/23.976 s; a still (or any read) from there shows film frame j, whichever
    keyframe the read starts from.  Before: decimate timed its frames on its own 1/23.976 s grid from the
    clock's zero (the TS's 1.4 s start, or 26 hours near the wrap) and a read from some keyframes came out one
    film frame off — a still at 17.48 s showed the frame before, with the right time on it."""
    path = make_telecined(tmp_path / "film.ts", frames=240, numbered=True, codec=codec, gop=gop)
    if offset is not None:  # the clock wraps 5.7 s in
        ffmpeg("-i", path, "-c", "copy", "-output_ts_offset", str(offset), "-f", "mpegts", tmp_path / "wrap.ts")
        path = tmp_path / "wrap.ts"
    info = probe(path)
    rate = Fraction(24000, 1001)
    wrong = []
    for j in range(20, 230, 3):
        f = frame_at(info, j / rate + Fraction(1, 100), width=80, pix_fmt="gray")
        if (f.time, film_number(f.image.mean(), j)) != (j / rate, j):
            wrong.append((j, float(f.time * rate), film_number(f.image.mean(), j)))
    assert not wrong


@pytest.mark.parametrize("name,size", [("film.ts", None), ("film.mkv", None), ("film720.ts", "1280x720")])
def test_a_strip_of_telecined_film_labels_each_tile_with_its_film_frame_time(tmp_path, name, size):
    """A strip's tile is labelled with the time a still given that label shows it at: film frame j at j/23.976.
    Before: the tiles came from reference frames only, deinterlaced at the 29.97 stream's times (17.484 for
    film frame 419 of 17.476; a still at some labels showed the film frame before)."""
    from clipkit.pipeline.strip_frames import choose_tiles
    from clipkit.pipeline.strip_slots import plan_slots
    from clipkit.settings import DEFAULT_STRIP

    # made at x264's veryfast, the 720p one (large enough for windows that start at a keyframe) at superfast (B-frames
    # and interlaced coding kept): its test 31.4 -> 25.7 CPU-s; it still fails with strip_frames._film off
    path = make_telecined(tmp_path / name, frames=360, numbered=True, flagged=name.endswith(".ts"), size=size,
                          preset="superfast" if size else "veryfast")
    info = probe(path)
    assert info.video.scan.kind == "telecined"
    rate = Fraction(24000, 1001)
    slots, _ = plan_slots(info, 8, DEFAULT_STRIP)
    tiles = choose_tiles(info, slots, (80, 60))
    assert len(tiles) == 8
    for tile in tiles:
        j = round(tile.time * rate)
        assert tile.time == j / rate, float(tile.time * rate)  # on the film's grid
        assert film_number(tile.image.mean(), j) == j
        assert comb(tile.image.mean(axis=2)) < CLEAN


def test_a_fade_in_telecined_film_on_a_ts_is_one_fade(tmp_path):
    """Film (23.976) fading out to black (frames 48–59), black 60–71, fading in (72–83), a cut at 144; 3:2 pulled
    down to an MPEG-2 TS.  decimate drops one frame in five, the most like the one before: in the cycle where
    the black ends it dropped the last black frame (a perfect copy) and kept the 3:2 repeat of the first
    fade-in frame (a near copy), so the fade-in began with a repeated frame — and the fade detector, which
    allowed a repeat only from a ramp's third frame on, saw no fade-in: 'fade-out 2.0–3.0'.  Now one fade,
    2.0–3.55, as on the film itself (its black ends a frame early: that frame is gone)."""
    rate, size = "24000/1001", "320x240"
    a = f"testsrc2=size={size}:rate={rate},trim=end_frame=60,setpts=PTS-STARTPTS,fade=t=out:start_frame=48:nb_frames=12"
    black = f"color=c=black:size={size}:rate={rate},trim=end_frame=12"
    b = (f"mandelbrot=size={size}:rate={rate}:maxiter=64:start_scale=2:end_scale=0.5,trim=end_frame=72,setpts=PTS-STARTPTS,"
         "fade=t=in:start_frame=0:nb_frames=12")
    c = f"gradients=size={size}:rate={rate}:c0=#1d2b53:c1=#e08a3c:n=3:speed=0.05:seed=7,trim=end_frame=60,setpts=PTS-STARTPTS"
    graph = (f"{a},format=yuv420p[a];{black},format=yuv420p[k];{b},format=yuv420p[b];{c},format=yuv420p[c];"
             "[a][k][b][c]concat=n=4:v=1,setsar=1,telecine=first_field=top:pattern=23,setfield=tff[v]")
    path = tmp_path / "fade.ts"
    ffmpeg("-filter_complex", graph, "-map", "[v]", "-c:v", "mpeg2video", "-b:v", "6M", "-g", "15", "-flags", "+ilme+ildct",
           "-f", "mpegts", path)
    film = Fraction(24000, 1001)
    from clipkit import detect_scenes

    for fast in (True, False):
        found = detect_scenes(path, cache=False, fast=fast)
        assert [c.time for c in found.cuts] == [144 / film]
        assert [(t.kind, t.start, t.end) for t in found.transitions] == [("fade", 48 / film, 85 / film)], found.transitions
        blank = found.transitions[0].blank
        assert blank[0] == 60 / film and 72 / film <= blank[1] <= 73 / film


def _telecined_shots(path, lengths: list[int], grain: str = "", rate: str = "24000/1001"):
    """Film shots of ``lengths`` frames cut between three sources (one slow), ``grain`` (filters) on each film
    frame, 3:2 pulled down to interlaced MPEG-2 at 3 Mb/s in a transport stream.  ``rate``: the film's (``24``:
    pulled down to exactly 30 fps)."""
    size = "320x240"
    sources = [f"testsrc2=size={size}:rate={rate}", f"mandelbrot=size={size}:rate={rate}:maxiter=64:start_scale=2:end_scale=0.5",
               f"gradients=size={size}:rate={rate}:c0=#1d2b53:c1=#e08a3c:c2=#7e2553:n=3:speed=0.05:seed=7"]
    shots = [f"{sources[i % 3]},trim=end_frame={n},setpts=PTS-STARTPTS,format=yuv420p,setsar=1[s{i}]" for i, n in enumerate(lengths)]
    graph = (";".join(shots) + ";" + "".join(f"[s{i}]" for i in range(len(lengths))) +
             f"concat=n={len(lengths)}:v=1,{grain}telecine=first_field=top:pattern=23,setfield=tff[v]")
    ffmpeg("-filter_complex", graph, "-map", "[v]", "-c:v", "mpeg2video", "-b:v", "3M", "-g", "15", "-flags", "+ilme+ildct",
           "-f", "mpegts", path)
    return path


@pytest.mark.parametrize("film", [Fraction(24000, 1001), Fraction(24)], ids=["on 29.97", "on 30"])
def test_cuts_in_telecined_film_are_on_film_frames_with_the_coarse_pass(tmp_path, film):
    """The default coarse pass decodes reference frames only: telecined film then comes out deinterlaced at
    the 29.97 stream's times, and a cut whose frame before was decoded was kept there — at film frame 400.8
    for a cut at 401: `gif --scene N` from that time began on the last frame of the shot before.  Each cut is
    placed again on the film's own frames now, as the full decode finds them.  Film at exactly 24 fps pulled
    down to exactly 30: its frames were read as 30 fps, their times put on the 1/30 s grid — the cuts at film
    frames 131, 401, 550, 677 came out at 5.467, 16.7, 22.933, 28.2 s (of 5.458, 16.708, 22.917, 28.208), in
    both passes; `clipkit info` said "30 fps constant"."""
    from clipkit import detect_scenes

    lengths = [131, 157, 113, 149, 127, 161]
    path = _telecined_shots(tmp_path / "film.ts", lengths, rate=str(film))
    truth = [sum(lengths[:i + 1]) / film for i in range(len(lengths) - 1)]
    coarse = detect_scenes(path, cache=False, one_pass_frames=100)  # the coarse pass even on this short file
    assert [c.time for c in coarse.cuts] == truth, [float(c.time * film) for c in coarse.cuts]
    assert [c.time for c in detect_scenes(path, cache=False, fast=False).cuts] == truth
    video = probe(path).video
    assert (video.frame_rate, video.stream_frame_rate) == (film, film * Fraction(5, 4))


def test_cuts_in_grainy_telecined_film_with_the_full_decode_are_on_their_film_frames(tmp_path):
    """Grainy film (noise on each film frame) cut between three sources (one slow), 3:2 pulled down to MPEG-2 at 3 Mb/s:
    compression noise keeps decimate from seeing any repeat as a copy.  Before: --full-decode put the cuts at
    film frames 78 and 202 a film frame late — decimate then dropped the new shot's first frame (its 'scene
    change' choice), or, where the new shot starts slow, one of its first frames instead of the repeat, and timed
    what it kept on its own grid.  Now the repeat is dropped and a frame decimate timed a film frame after its own
    time in the stream is put back there."""
    from clipkit import detect_scenes

    lengths = [41, 37, 43, 39, 42, 38]
    path = _telecined_shots(tmp_path / "grain.ts", lengths, "noise=alls=10:allf=t,")
    assert probe(path).video.scan.kind == "telecined"
    film = Fraction(24000, 1001)
    truth = [sum(lengths[:i + 1]) for i in range(len(lengths) - 1)]
    for fast in (False, True):
        got = [c.time * film for c in detect_scenes(path, cache=False, fast=fast, one_pass_frames=100).cuts]
        assert len(got) == len(truth) and all(abs(g - j) < Fraction(1, 2) for g, j in zip(got, truth)), (fast, [float(g) for g in got])


@pytest.mark.parametrize("name", ["film.ts", "film.mkv"])
def test_a_clip_of_telecined_film_opens_on_the_film_frame_of_its_start_and_keeps_every_frame(tmp_path, name):
    """A clip from j/23.976 + 10 ms: film frame j first, then j+1 at 31.7 ms (its own start), then each
    film frame once.  Before: the 29.97 frames were trimmed at START and decimate began there, timing its
    frames on its own grid: frame j was held 66 ms and one of the next four film frames was lost."""
    from clipkit.pipeline.clip import make_clip

    path = make_telecined(tmp_path / name, frames=240, numbered=True, flagged=name.endswith(".ts"), codec="mpeg2video"
                          if name.endswith(".ts") else "libx264", gop=15 if name.endswith(".ts") else None)
    film = Fraction(24000, 1001)
    for j in (31, 102, 173):
        art = make_clip(path, j / film + Fraction(1, 100), j / film + 2, tmp_path / f"c{j}.mp4", record=False,
                        poster=False, overwrite=True)
        frames = list(read_frames(probe(art.path), width=80, pix_fmt="gray"))
        shown = [film_number(f.image.mean(), j + round((f.time + Fraction(1, 100)) * film)) for f in frames]
        assert shown == list(range(j, j + len(frames))), (j, shown)
        assert abs(frames[1].time - (1 / film - Fraction(1, 100))) < Fraction(1, 1000), float(frames[1].time)


def test_film_laid_on_25i_is_not_taken_for_3_2_pulldown(sample, tmp_path):
    """The sample episode (24 fps film) laid on PAL's 50 fields (each film frame on two fields, a third now and
    then) in a 25i transport stream: no 3:2 pulldown exists at 25 fps, so it is deinterlaced and every frame kept.
    Before: its cadence read as 3:2 pulldown ('telecined film … → 23.976 fps') and decimate dropped a frame in
    five: 20 frames a second, a film frame in six lost from every GIF and still."""
    path = tmp_path / "pal.ts"  # its 20–30 s: the probe's idet sample (40 % in) is at the episode's 24 s, as on the whole
    ffmpeg("-ss", "20", "-t", "10", "-i", sample, "-map", "0:v", "-vf", "fps=50,tinterlace=mode=interleave_top,setfield=tff", "-c:v", "libx264",
           "-crf", "16", "-preset", "veryfast", "-flags", "+ildct+ilme", "-x264opts", "tff=1", "-f", "mpegts", path)
    info = probe(path)
    assert info.video.scan.kind == "interlaced", info.video.scan
    got = [f.time for f in read_frames(info, start=Fraction(4), end=Fraction(6), width=64)]
    assert len(got) == 50 and all(b - a == Fraction(1, 25) for a, b in zip(got, got[1:]))
