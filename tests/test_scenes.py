"""Scene detection against known truth: the sample episode and generated clips of every
kind of transition (tests/scenes_media.py).  Times are checked to ±1 frame unless said."""

from __future__ import annotations

from fractions import Fraction

import pytest

import scenes_media
from media import cache_home
from clipkit import detect_scenes, scene_range, snap_range
from clipkit.errors import Cancelled, InputError, TimecodeError, UsageError
from clipkit.scenes import cache
from clipkit.timecode import TimeRange

FRAME = Fraction(1, 24)


@pytest.fixture(scope="module", autouse=True)
def private_cache(tmp_path_factory):
    """Every test here caches into its own folder, never the user's ~/.cache."""
    with cache_home(tmp_path_factory.mktemp("xdg-cache")):
        yield


@pytest.fixture(scope="session")
def clips(tmp_path_factory):
    return scenes_media.make_all(tmp_path_factory.mktemp("scene-clips"))


def near(a, b, tol=FRAME) -> bool:
    return abs(Fraction(a) - Fraction(b).limit_denominator(1000)) <= tol


def cut_times(found):
    return [c.time for c in found.cuts]


def assert_cuts(found, truth_cuts):
    got = cut_times(found)
    assert len(got) == len(truth_cuts), f"cuts {[float(t) for t in got]} vs truth {truth_cuts}"
    for g, t in zip(got, truth_cuts):
        assert near(g, t), f"cut at {float(g)} s, truth {t} s"


#: Short, small clips are decoded in one full-rate pass by default; ``one_pass_frames=0`` forces the
#: coarse pass and its windows (what longer or larger files get), so both are tested on every clip.
PASSES = {"one pass": {}, "coarse": {"one_pass_frames": 0}}


@pytest.mark.parametrize("passes", PASSES)
@pytest.mark.parametrize("name", ["cuts", "colour", "motion", "vfr", "flashes", "cards", "cards_text", "title", "tilt", "faint"])
def test_hard_cuts_match_the_truth(clips, name, passes):
    path, truth = clips[name]
    found = detect_scenes(path, cache=False, **PASSES[passes])
    assert_cuts(found, truth["cuts"])
    assert not found.transitions
    # Shots tile the file between the cuts.
    bounds = [float(s.start) for s in found.scenes[1:]]
    assert bounds == pytest.approx(truth["cuts"], abs=float(FRAME))
    assert found.scenes[0].start == 0 and near(found.scenes[-1].end, truth["duration"])


def test_min_scene_keeps_the_stronger_of_two_close_cuts():
    from clipkit.scenes.manager import ScanResult, build_scenes
    from clipkit.scenes.model import Cut

    faint, real, later = Cut(Fraction(26, 10), 62, 40.0), Cut(Fraction(3), 72, 120.0), Cut(Fraction(5), 120, 90.0)
    result = ScanResult([faint, real, later], 168, Fraction(0), 0, Fraction(7), 168)
    got = build_scenes(result, range_start=Fraction(0), min_scene=Fraction(1, 2), frame_time=FRAME)
    assert got.cuts == [real, later]
    assert [s.start for s in got.scenes] == [0, 3, 5]
    # The weaker second cut of a pair is the one dropped; with no min_scene both stay.
    strong_first = [Cut(Fraction(26, 10), 62, 120.0), Cut(Fraction(3), 72, 40.0)]
    got = build_scenes(ScanResult(strong_first, 168, Fraction(0), 0, Fraction(7), 168),
                       range_start=Fraction(0), min_scene=Fraction(1, 2), frame_time=FRAME)
    assert [c.time for c in got.cuts] == [Fraction(26, 10)]
    got = build_scenes(ScanResult(strong_first, 168, Fraction(0), 0, Fraction(7), 168),
                       range_start=Fraction(0), min_scene=Fraction(0), frame_time=FRAME)
    assert len(got.cuts) == 2


def test_colour_only_cuts_have_identical_luma(clips):
    """The colour clip's shots differ only in hue: a luma-only detector would find nothing."""
    from clipkit.media.frames import frame_at
    from clipkit.scenes.choice import to_gray
    path, truth = clips["colour"]
    a = to_gray(frame_at(path, Fraction(1)).image).astype(float)
    b = to_gray(frame_at(path, Fraction(2)).image).astype(float)
    assert abs(a.mean() - b.mean()) < 12
    found = detect_scenes(path, cache=False)
    assert len(found.cuts) == 3


def test_flashes_and_a_light_change_are_not_cuts(clips):
    path, truth = clips["flashes"]
    found = detect_scenes(path, cache=False)
    for t in truth["not_cuts"]:
        assert not any(near(c, t, 3 * FRAME) for c in cut_times(found)), f"false cut near {t}"
    assert [float(f.start) for f in found.flashes] == pytest.approx(truth["flashes"], abs=float(FRAME))
    assert any("flash" in n for n in found.notes)
    assert len(found.scenes) == 2


def test_a_flash_on_a_frame_the_first_pass_skips(clips):
    """Why the sample's flash note came and went: a one-frame flash stored as a non-reference
    B-frame is never decoded by the default first pass (reference frames only), so it cannot
    be reported there — it is no cut either way, and the shots are right.  Every frame decoded
    (``fast=False``, ``--full-decode``) reports it."""
    from clipkit.media.frames import read_frames

    path, truth = clips["flash_skipped"]
    flash = Fraction(scenes_media.SKIPPED_FLASH_FRAME, 24)
    seen = [f.time for f in read_frames(path, width=32, decoder_options=("-skip_frame", "noref"))]
    assert flash not in seen and flash - FRAME in seen  # the clip is what it claims to be
    found = detect_scenes(path, cache=False, one_pass_frames=0)  # the coarse pass, as on a longer file
    assert_cuts(found, truth["cuts"])
    assert [float(s.start) for s in found.scenes] == pytest.approx([0.0, 2.0], abs=float(FRAME))
    assert not found.transitions
    full = detect_scenes(path, cache=False, fast=False)
    assert_cuts(full, truth["cuts"])
    assert [f.start for f in full.flashes] == [flash]
    assert any("flash" in n for n in full.notes)


@pytest.mark.parametrize("passes", PASSES)
def test_fades_through_black_and_white(clips, passes):
    path, truth = clips["fades"]
    found = detect_scenes(path, cache=False, **PASSES[passes])
    assert not found.cuts
    assert [t.kind for t in found.transitions] == ["fade", "fade"]
    for got, want in zip(found.transitions, truth["transitions"]):
        assert near(got.start, want["start"]) and near(got.end, want["end"])
        assert near(got.blank[0], want["blank"][0]) and near(got.blank[1], want["blank"][1])
    # The blank holds belong to no shot; shots end where the blank begins.
    assert len(found.scenes) == 3
    assert near(found.scenes[0].end, 2.0) and near(found.scenes[1].start, 2.5)
    assert near(found.scenes[1].end, 5.0) and near(found.scenes[2].start, 5.5)


@pytest.mark.parametrize("passes", PASSES)
def test_dissolves_are_transitions_not_cuts(clips, passes):
    path, truth = clips["dissolve"]
    found = detect_scenes(path, cache=False, **PASSES[passes])
    assert not found.cuts
    assert [t.kind for t in found.transitions] == ["dissolve", "dissolve"]
    for got, want in zip(found.transitions, truth["transitions"]):
        middle = (want["start"] + want["end"]) / 2
        assert near(got.start, want["start"], Fraction(1, 4)) and near(got.end, want["end"], Fraction(1, 4))
        assert near(got.middle, middle, Fraction(1, 5))
    # The shot boundary is the dissolve's middle.
    assert len(found.scenes) == 3
    assert found.scenes[0].end == found.transitions[0].middle == found.scenes[1].start


def test_variable_frame_rate_times_and_frame_numbers(clips):
    path, truth = clips["vfr"]
    found = detect_scenes(path, cache=False)
    assert found.variable_frame_rate
    assert [s.start for s in found.scenes] == [0, 2, Fraction(7, 2)]  # exact: the stream's own timestamps
    # 2 s at 24 fps, then 1.5 s at 30 fps: decoded frame numbers, not time × average rate.
    assert [s.start_frame for s in found.scenes] == [0, 48, 93]


def test_damaged_frames_are_skipped_and_named(clips):
    path, truth = clips["corrupt"]
    found = detect_scenes(path, cache=False)
    assert_cuts(found, truth["cuts"])
    assert any("decoding error" in n for n in found.notes)


def test_sample_episode(sample, truth):
    found = detect_scenes(sample, cache=False)
    assert_cuts(found, truth["cuts"])
    kinds = {t.kind: t for t in found.transitions}
    assert set(kinds) == {"fade", "dissolve"}
    fade, want = kinds["fade"], truth["transitions"][0]
    assert near(fade.start, want["start"]) and near(fade.end, want["end"])
    assert near(fade.blank[0], want["black"][0]) and near(fade.blank[1], want["black"][1])
    dis, want = kinds["dissolve"], truth["transitions"][1]
    assert near(dis.start, want["start"], Fraction(1, 4)) and near(dis.end, want["end"], Fraction(1, 2))
    # The flash is never a cut (assert_cuts above).  That it is *reported* as a flash is checked with every
    # frame decoded: once in four full parallel runs the default coarse pass reported no flash here
    # (never reproduced alone; noted in the issue) — the report is a note, the missing cut is what matters.
    assert {float(f.start) for f in found.flashes} <= set(truth["flashes"])
    full = detect_scenes(sample, cache=False, fast=False)
    assert [float(f.start) for f in full.flashes] == truth["flashes"]
    assert len(found.scenes) == len(truth["shots"])
    for got, (lo, hi) in zip(found.scenes, truth["shots"]):
        assert near(got.start, lo, Fraction(1, 4)) and near(got.end, hi, Fraction(1, 4))
    assert found.frame_count == truth["duration"] * truth["fps"]


def test_a_range_counts_frames_from_the_file_start(sample, truth):
    found = detect_scenes(sample, start="10", end="0:30", cache=False)
    assert found.scenes[0].start == 10 and found.scenes[-1].end == 30
    assert cut_times(found) == [15]
    second = found.scenes[1]
    assert second.start == 15 and second.start_frame == 15 * truth["fps"]


@pytest.mark.parametrize("start, end, words", [("59", "70", "past the end"), ("1:05", None, "past the end"),
                                               ("20", "10", "not after")])
def test_a_range_outside_the_file(sample, start, end, words):
    with pytest.raises(TimecodeError, match=words):
        detect_scenes(sample, start=start, end=end, cache=False)


def test_scene_range_and_snap_range(sample, truth):
    assert scene_range(sample, 2) == TimeRange(Fraction(8), Fraction(15))
    with pytest.raises(UsageError, match="there is no shot 99"):
        scene_range(sample, 99)
    # A GIF typed a few frames off a cut snaps onto it; one far from any boundary stays.
    assert snap_range(sample, "7.9", "14.8") == TimeRange(Fraction(8), Fraction(15))
    assert snap_range(sample, "3", "5") == TimeRange(Fraction(3), Fraction(5))


def test_results_are_cached_per_file_and_settings(clips):
    path, _ = clips["flashes"]
    first = detect_scenes(path)
    again = detect_scenes(path)
    assert not first.from_cache and again.from_cache
    assert again.scenes == first.scenes and again.flashes == first.flashes and again.cuts == first.cuts
    assert again.notes == first.notes
    assert list(cache.cache_dir().glob("*.json"))
    assert not detect_scenes(path, threshold=40).from_cache  # other settings: detected again
    assert not detect_scenes(path, cache=False).from_cache


def test_a_changed_file_is_not_served_from_the_cache(clips, tmp_path):
    src, _ = clips["colour"]
    copy = tmp_path / "ep.mkv"
    copy.write_bytes(src.read_bytes())
    assert len(detect_scenes(copy).cuts) == 3
    assert detect_scenes(copy).from_cache
    other, _ = clips["motion"]
    copy.write_bytes(other.read_bytes())  # same name, other content
    found = detect_scenes(copy)
    assert not found.from_cache and len(found.cuts) == 1


def test_progress_and_cancel(clips):
    path, _ = clips["cuts"]
    seen = []
    detect_scenes(path, cache=False, progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1] == 180
    with pytest.raises(Cancelled):
        detect_scenes(path, cache=False, progress=lambda d, t: d < 50)


def test_bad_sources(tmp_path):
    text = tmp_path / "notes.mkv"
    text.write_text("not a video")
    with pytest.raises(InputError, match="not a media file"):
        detect_scenes(text)
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        detect_scenes(empty)
    audio = tmp_path / "tone.m4a"
    scenes_media._run("-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", audio)
    with pytest.raises(InputError, match="no video stream"):
        detect_scenes(audio)
    with pytest.raises(UsageError, match="threshold"):
        detect_scenes(audio, threshold=0)


def test_default_is_exact_on_cuts_that_are_not_reference_frames(clips):
    """The coarse pass decodes reference frames only; cuts on skipped frames are placed
    exactly by decoding a few frames around them (the file has no scene-cut keyframes)."""
    path, truth = clips["offkey"]
    found = detect_scenes(path, cache=False, one_pass_frames=0)  # the coarse pass, as on a longer file
    assert_cuts(found, truth["cuts"])
    assert [c.index for c in found.cuts] == [round(c * 24) for c in truth["cuts"]] == [37, 75, 110]
    full = detect_scenes(path, cache=False, fast=False)
    assert cut_times(full) == cut_times(found)
    assert found.decoded < 0.8 * full.decoded and found.frame_count == full.frame_count == 144


def test_short_small_files_are_decoded_in_one_pass(clips):
    """144 frames at 320×180: one full-rate pass (one ffmpeg) by default, the same as ``fast=False``;
    the coarse pass is kept for ranges of more than ``one_pass_frames`` 640×360 frames."""
    path, truth = clips["offkey"]
    found = detect_scenes(path, cache=False)
    full = detect_scenes(path, cache=False, fast=False)
    assert found.decoded == full.decoded == found.frame_count == 144
    assert found.cuts == full.cuts and found.scenes == full.scenes
    assert detect_scenes(path, cache=False, one_pass_frames=37).decoded == 144  # 144 frames × ¼ of 640×360 = 36
    assert detect_scenes(path, cache=False, one_pass_frames=36).decoded < 144


def test_default_keeps_the_sample_exact(sample, truth):
    """Cuts, frame numbers (from time, constant rate) and the fade's blank hold are exact."""
    found = detect_scenes(sample, cache=False)
    assert_cuts(found, truth["cuts"])
    assert found.decoded < truth["duration"] * truth["fps"] * 0.8  # frames were skipped
    assert [c.index for c in found.cuts] == [c * truth["fps"] for c in truth["cuts"]]
    assert {t.kind for t in found.transitions} == {"fade", "dissolve"}
    fade = next(t for t in found.transitions if t.kind == "fade")
    assert fade.blank == tuple(Fraction(x).limit_denominator(1000) for x in truth["black"][0]) or \
        all(near(a, b) for a, b in zip(fade.blank, truth["black"][0]))


@pytest.mark.parametrize("passes", PASSES)
@pytest.mark.parametrize("ext", ["mkv", "ts"])
def test_frame_numbers_count_from_the_video_when_the_sound_starts_first(clips, tmp_path, passes, ext):
    """A recording whose sound begins 0.5 s before its picture (as broadcast TS files and delayed remuxes do):
    frame numbers are still the video's own decoded frames, 0 = its first, in every pass and in a range.
    Before: the default pass counted from the file's start (shots 12–47, 48–83 … where --full-decode said
    0–35, 36–71 …; in a TS the first frame was frame 13)."""
    path, truth = clips["cuts"]
    out = tmp_path / f"late.{ext}"
    scenes_media._run("-itsoffset", "0.5", "-i", path, "-f", "lavfi", "-i", "sine=frequency=440:duration=8",
                      "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", out)
    found = detect_scenes(out, cache=False, **PASSES[passes])
    lead = found.scenes[0].start
    assert near(lead, Fraction(1, 2), Fraction(1, 40))
    assert [float(c.time - lead) for c in found.cuts] == pytest.approx(truth["cuts"], abs=float(FRAME))
    assert [(s.start_frame, s.end_frame) for s in found.scenes] == [(0, 36), (36, 72), (72, 108), (108, 144), (144, 180)]
    assert [c.index for c in found.cuts] == [36, 72, 108, 144]
    ranged = detect_scenes(out, start=lead + 2, end=lead + 5, cache=False, **PASSES[passes])
    assert [(s.start_frame, s.end_frame) for s in ranged.scenes] == [(48, 72), (72, 108), (108, 120)]


@pytest.mark.parametrize("passes", PASSES)
def test_a_fade_of_24_fps_film_shown_at_25_fps(tmp_path, passes):
    """A 1-s fade out to black and a 1-s fade in of 24 fps film converted to 25 fps (a frame shown twice every
    second, as in PAL broadcasts and 25i recordings): one fade, 2 s to 5 s.  Before: the repeated frame stopped
    the ramp ('fade 0:02.48–0:04.48' on the converted sample: half a second of each ramp lost, the fade-in's end
    before the shot it opens)."""
    path = tmp_path / "pal_fade.mkv"
    scenes_media._run(
        "-f", "lavfi", "-i", "testsrc2=s=320x180:r=24:d=3", "-f", "lavfi", "-i", "color=black:s=320x180:r=24:d=1",
        "-f", "lavfi", "-i", "mandelbrot=s=320x180:r=24,trim=duration=3", "-filter_complex",
        "[0]fade=out:st=2:d=1[a];[2]fade=in:st=0:d=1,setpts=PTS-STARTPTS[c];[a][1][c]concat=n=3,fps=25[v]",
        "-map", "[v]", "-c:v", "libx264", "-crf", "16", "-pix_fmt", "yuv420p", path)
    found = detect_scenes(path, cache=False, **PASSES[passes])
    assert not found.cuts and [t.kind for t in found.transitions] == ["fade"], found.transitions
    fade = found.transitions[0]
    tol = Fraction(1, 12)
    assert near(fade.start, 2, tol) and near(fade.end, 5, tol), (float(fade.start), float(fade.end))
    assert near(fade.blank[0], 3, tol) and near(fade.blank[1], 4, tol)
