"""``clipkit strip``: layout, frame choice and labels against generated media with known truth.

The sample episode has a fade to black (20–23 s, black 21–22), a dissolve
(29–30) and a one-frame white flash at 35.0.  ``marked`` is a textured clip
whose top band's grey level encodes the frame number, so a tile's picture
tells which frame it really is, and the label must name that frame's time.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from clipkit import make_strip
from clipkit.cli import main
from clipkit.errors import OutputError, TimecodeError, UsageError
from clipkit.render.strip import grid_shape, plan_layout, render_strip
from media import ffmpeg
from test_fonts import needs_cjk

FPS = 24
BAND = 16  # pixels: the top band that encodes the frame number
PERIOD = 60  # the band repeats every 60 frames (2.5 s)


def band_level(n: int) -> int:
    """Luma of frame ``n``'s band (limited range)."""
    return 40 + 3 * (n % PERIOD)


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    """8 s, 320×180, 24 fps, keyframe every 12: moving texture under a band whose grey is the frame number."""
    path = tmp_path_factory.mktemp("strip") / "marked.mkv"
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size=320x180:rate={FPS}:duration=8",
        "-f", "lavfi", "-i", f"color=c=gray:size=320x{BAND}:rate={FPS}:duration=8",
        "-filter_complex", "[1]format=yuv444p,geq=lum='40+3*mod(N,60)':cb=128:cr=128[band];[0][band]overlay=0:0:shortest=1,format=yuv420p",
        "-c:v", "libx264", "-crf", "10", "-g", "12", "-bf", "2", "-pix_fmt", "yuv420p", path,
    )
    return path


def tile_times(art) -> list[Fraction]:
    """The tiles' times from the job's first note ("N tiles from …: 0:05.833, …")."""
    listed = art.notes[0].rsplit(": ", 1)[1].split(", ")
    out = []
    for text in listed:
        minutes, seconds = text.split(":")
        out.append(int(minutes) * 60 + Fraction(seconds))
    return out


def tiles_of(art, count, cols, rows, **layout):
    """Cut the tiles back out of the written image (geometry from the same layout function)."""
    img = np.asarray(Image.open(art.path).convert("RGB"))
    plan = plan_layout(count, cols, rows, width=art.width, aspect=Fraction(16, 9), **layout)
    assert (plan.width, plan.height) == (art.width, art.height)
    return [img[y:y + h, x:x + w] for x, y, w, h in (plan.tile_box(i) for i in range(count))]


# ---------------------------------------------------------------- layout


def test_grid_shapes():
    assert grid_shape("grid") == (16, 4, 4)
    assert grid_shape("grid", 24) == (24, 5, 5)
    assert grid_shape("grid", None, 6, 4) == (24, 6, 4)
    assert grid_shape("grid", 10, 4) == (10, 4, 3)
    assert grid_shape("row", 5) == (5, 5, 1)
    assert grid_shape("column", 3) == (3, 1, 3)
    for bad in (dict(count=0), dict(count=-2), dict(cols=0), dict(rows=-1)):
        with pytest.raises(UsageError):
            grid_shape("grid", **{"count": None, "cols": None, "rows": None, **bad})
    with pytest.raises(UsageError):
        grid_shape("grid", 13, 3, 4)
    with pytest.raises(UsageError):
        grid_shape("mosaic", 4)


def test_layout_fills_the_width_exactly_and_tiles_do_not_overlap():
    for width, cols, rows, gap in [(1000, 4, 4, 6), (999, 7, 2, 3), (540, 5, 1, 0), (300, 1, 3, 10)]:
        plan = plan_layout(cols * rows, cols, rows, width=width, aspect=Fraction(16, 9), gap=gap, header_height=40)
        assert plan.width == width
        boxes = [plan.tile_box(i) for i in range(cols * rows)]
        assert all(w == plan.tile_width and h == plan.tile_height for _, _, w, h in boxes)
        assert abs(plan.tile_width / plan.tile_height - 16 / 9) < 0.02
        right = max(x + w for x, _, w, _ in boxes)
        left = min(x for x, _, _, _ in boxes)
        assert left >= gap and width - right >= gap and abs((width - right) - left) <= 1
        assert min(y for _, y, _, _ in boxes) == 40 + gap
        assert max(y + h for _, y, _, h in boxes) == plan.height - gap
        for a in range(len(boxes)):
            for b in range(a + 1, len(boxes)):
                xa, ya, w, h = boxes[a]
                xb, yb, _, _ = boxes[b]
                assert xa + w + gap <= xb or xb + w + gap <= xa or ya + h + gap <= yb or yb + h + gap <= ya
    with pytest.raises(UsageError):
        plan_layout(40, 40, 1, width=400, aspect=Fraction(16, 9))


def test_render_background_gaps_rounded_corners_and_border():
    plan = plan_layout(4, 2, 2, width=420, aspect=Fraction(16, 9), gap=10)
    tiles = [np.full((50, 80, 3), c, np.uint8) for c in (60, 120, 180, 240)]
    img = np.asarray(render_strip(tiles, plan, background=(255, 0, 0), radius=12, border=3, border_color=(0, 0, 255)))
    assert img.shape == (plan.height, plan.width, 3)
    x, y, w, h = plan.tile_box(3)
    assert tuple(img[y + h // 2, x + w // 2]) == (240, 240, 240)  # the tile itself, resized to fit
    assert tuple(img[y + h // 2, x - 5]) == (255, 0, 0)  # the gap is background
    assert tuple(img[y, x]) == (255, 0, 0)  # a rounded corner shows the background
    assert tuple(img[y + h // 2, x + 1]) == (0, 0, 255)  # the border


# ---------------------------------------------------------------- frame choice and labels


def test_labels_name_the_frame_really_shown(marked, tmp_path):
    art = make_strip(marked, tmp_path / "m.png", layout="row", count=6, width=960, gap=4, range_="0.5-7.5",
                     label_format="precise")
    times = tile_times(art)
    assert len(times) == 6 == art.frame_count
    tiles = tiles_of(art, 6, 6, 1, gap=4)
    share = Fraction(7, 6)
    for k, (t, tile) in enumerate(zip(times, tiles)):
        assert Fraction(1, 2) + k * share - Fraction(1, FPS) <= t < Fraction(1, 2) + (k + 1) * share  # inside its share
        n = round(t * FPS)  # the note shows milliseconds, rounded
        assert abs(Fraction(n, FPS) - t) <= Fraction(1, 2000), f"{t} is not a frame's time"
        band = tile[1: tile.shape[0] * BAND // 180 - 1, 4:-4].astype(float).mean()
        luma = band * 219 / 255 + 16
        assert abs(luma - band_level(n)) < 1.5, (t, luma, band_level(n))


@pytest.mark.parametrize("count", [16, 24])
def test_dense_tiles_are_each_their_own_frame(marked, tmp_path, count):
    """More tiles than a second has reference frames (16 or 24 from the 24 frames of 1-2 s, B-frames on):
    each tile is a frame of its own share, no frame twice (before: the same frame in two tiles, the label
    repeated; 24 tiles: 'no frame found near 0:01.063')."""
    art = make_strip(marked, tmp_path / f"d{count}.png", layout="grid", count=count, width=960, range_="1-2",
                     label_format="precise", record=False)
    times = tile_times(art)
    assert len(times) == count == art.frame_count
    assert len(set(times)) == count, times
    share = Fraction(1, count)
    for k, t in enumerate(times):
        assert 1 + k * share - Fraction(1, 2000) <= t < 1 + (k + 1) * share, (k, t)


def test_exact_moments_with_at(marked, tmp_path):
    art = make_strip(marked, tmp_path / "at.png", at="1, 2.5,6.125", label_format="precise", layout="row", width=600)
    assert tile_times(art) == [Fraction(1), Fraction(5, 2), Fraction(49, 8)]
    assert (art.width, art.frame_count) == (600, 3)


def test_the_times_printed_type_back_onto_each_tiles_frame(marked, tmp_path):
    """Frames at 7/24, 28/24, 139/24 s are not on a millisecond: the note rounds them (0:00.292),
    so each time typed back (`clipkit still`, `gif`) is on the tile's own frame, not the one before."""
    art = make_strip(marked, tmp_path / "t.png", at="0.3,1.2,5.8", layout="row", width=600, record=False)
    times = tile_times(art)
    assert [round(t * FPS) for t in times] == [7, 28, 139]
    assert [int(t * FPS) for t in times] == [7, 28, 139]  # the frame on screen at that time


def test_a_time_printed_rounded_down_types_back_onto_its_frame(marked, tmp_path):
    """Frame 2 (1/12 s) and frame 50 (2.0833 s) print as 0:00.083 and 0:02.083, a third of a millisecond
    before they begin: `clipkit still` of the printed time gave the frame before (frame 1, frame 49)."""
    from clipkit import still

    art = make_strip(marked, tmp_path / "down.png", at="0.09,2.1", layout="row", width=600, record=False)
    printed = art.notes[0].rsplit(": ", 1)[1].split(", ")
    assert printed == ["0:00.083", "0:02.083"]
    for text, n in zip(printed, (2, 50)):
        shot = still(marked, text, tmp_path / f"s{n}.png", record=False)
        img = np.asarray(Image.open(shot.path).convert("RGB")).astype(float)
        luma = img[1:BAND - 1, 4:-4].mean() * 219 / 255 + 16
        assert abs(luma - band_level(n)) < 1.5, (text, luma, band_level(n), band_level(n - 1))


def test_default_sheet_avoids_black_fades_dissolve_and_flash(sample, truth, tmp_path):
    art = make_strip(sample, tmp_path / "sheet.png", header=True)
    times = tile_times(art)
    assert art.frame_count == 16 and len(times) == 16
    assert times == sorted(times) and len(set(times)) == 16
    duration = truth["duration"]
    assert duration * Fraction(7, 100) <= times[0] and times[-1] < duration * Fraction(93, 100)
    fade, dissolve = truth["transitions"]
    for t in times:
        assert not (fade["start"] + 0.2 <= t < fade["end"] - 0.05), f"{t} is in the fade to black"
        assert not (dissolve["start"] + 0.1 <= t < dissolve["end"] - 0.1), f"{t} is mid-dissolve"
        assert t != Fraction(truth["flashes"][0]).limit_denominator(1000), "the flash frame"
    # the slot that falls in the black (21.94 s) moved to the first clean frames after the fade
    assert any(23 <= t < 23.6 for t in times)
    for tile in tiles_of(art, 16, 4, 4, header_height=art.height - plan_layout(16, 4, 4, width=1000, aspect=Fraction(16, 9)).height):
        grey = tile[:, :, :].mean()
        assert grey > 30, "a dark tile"
    assert art.width == 1000


@pytest.mark.parametrize("rng, bad", [("28.5-30.5", (29.1, 29.9)), ("20-24", (20.2, 23.0)), ("34.9-35.1", (35.0, 35.04))])
def test_a_slot_inside_a_transition_moves_out_of_it(sample, tmp_path, rng, bad):
    art = make_strip(sample, tmp_path / "one.png", range_=rng, count=1, layout="row", width=320)
    (t,) = tile_times(art)
    lo, hi = (Fraction(x) for x in rng.split("-"))
    assert lo - Fraction(1, FPS) <= t < hi
    assert not (bad[0] <= t < bad[1]), t


def test_near_duplicates_are_replaced_when_the_window_allows(tmp_path):
    # A still picture for 4 s, then a different one: two slots in the still part look alike.
    path = tmp_path / "still.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x180:rate=24:duration=1", "-f", "lavfi",
           "-i", "mandelbrot=size=320x180:rate=24", "-filter_complex",
           "[0]trim=end_frame=1,loop=95:1,setpts=N/24/TB[a];[1]trim=end_frame=48,setpts=N/24/TB[b];[a][b]concat=n=2:v=1",
           "-c:v", "libx264", "-crf", "18", "-g", "24", "-pix_fmt", "yuv420p", path)
    art = make_strip(path, tmp_path / "d.png", range_="0-6", count=3, layout="row", width=600, window=Fraction(1))
    assert len(tile_times(art)) == 3
    assert any("alike" in n for n in art.notes)  # told, not hidden: a still shot cannot give two different tiles
    tiles = tiles_of(art, 3, 3, 1)
    assert np.abs(tiles[2].astype(int) - tiles[1].astype(int)).mean() > 10  # the last is the other picture


# ---------------------------------------------------------------- output, size budget, bad input


def test_formats_and_size_budget(sample, tmp_path):
    plain = make_strip(sample, tmp_path / "plain.jpg", layout="row", count=4, width=800)
    budget = plain.bytes * 6 // 10
    art = make_strip(sample, tmp_path / "s.jpg", layout="row", count=4, width=800, max_size=budget)
    assert Image.open(art.path).format == "JPEG" and art.bytes <= budget
    assert art.path.stat().st_size == art.bytes
    assert any("quality" in n for n in art.notes)
    webp = make_strip(sample, tmp_path / "s.webp", layout="column", count=2, width=300)
    img = Image.open(webp.path)
    assert img.format == "WEBP" and img.size == (300, webp.height)


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(count=0), UsageError, "count"),
    (dict(count=-4), UsageError, "count"),
    (dict(range_="0:10-0:10.5", count=20), UsageError, "only 12 frames"),
    (dict(range_="1:30-2:00"), TimecodeError, "past the end"),
    (dict(range_="50-1:10"), TimecodeError, "past the end"),
    (dict(at="0:05,2:00"), TimecodeError, "past the end"),
    (dict(output="sheet.gif"), UsageError, ".gif"),
    (dict(output="sheet.png", max_size="2KB"), OutputError, "budget"),
    # (a title the --font lacks characters of is drawn with fallback faces for them, as a caption: see below)
    (dict(title="日本語のタイトル", font="no-such-font.ttf"), UsageError, "font file not found"),
    # characters no font can have (unassigned code points: Linear B, used before, is in Debian's fonts-noto-core)
    (dict(title="\u0378\u0379 unassigned"), UsageError, "install"),
])
def test_bad_input_is_one_clear_error_and_leaves_no_file(sample, tmp_path, kwargs, error, words):
    out = tmp_path / kwargs.pop("output", "sheet.png")
    with pytest.raises(error) as info:
        make_strip(sample, out, **kwargs)
    assert words in str(info.value) and info.value.hint
    assert list(tmp_path.iterdir()) == []


def test_cli(sample, tmp_path):
    runner = CliRunner()
    out = tmp_path / "cli.png"
    res = runner.invoke(main, ["strip", str(sample), "-o", str(out), "--layout", "row", "--count", "3",
                               "--width", "600", "--radius", "6"])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("<img ") and 'width="600"' in res.stdout and "cli.png" in res.stdout
    assert Image.open(out).size[0] == 600
    bad = runner.invoke(main, ["strip", str(sample), "-o", str(tmp_path / "x.png"), "--count", "0"])
    assert bad.exit_code == 2
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.output


def test_progress_can_stop_the_job_and_nothing_is_written(sample, tmp_path):
    from clipkit.errors import Cancelled

    seen = []

    def stop_after_two(done, total):
        seen.append((done, total))
        return done < 2

    with pytest.raises(Cancelled):
        make_strip(sample, tmp_path / "stopped.png", layout="row", count=6, width=600, progress=stop_after_two)
    assert seen[0] == (0, 6) and seen[-1][0] == 2
    assert list(tmp_path.iterdir()) == []


def test_large_video_anchored_on_a_keyframe_still_avoids_a_dissolve(tmp_path):
    # 720p: windows start right after a keyframe near the slot.  The keyframe is forced at the
    # start of a 1.75 s dissolve (2.5–4.25 s), so the window after it lies inside the dissolve.
    path = tmp_path / "hd.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=24:duration=5",
           "-f", "lavfi", "-i", "testsrc=size=1280x720:rate=24:duration=5", "-filter_complex",
           "[0][1]xfade=transition=fade:duration=1.75:offset=2.5,format=yuv420p",
           "-c:v", "libx264", "-preset", "ultrafast", "-g", "240", "-force_key_frames", "2.5", path)
    art = make_strip(path, tmp_path / "hd.png", range_="1.6-7.4", count=1, layout="row", width=320,
                     label_format="precise")
    (t,) = tile_times(art)
    assert not (Fraction(26, 10) <= t < Fraction(42, 10)), f"{t} is mid-dissolve"
    assert Fraction(16, 10) - Fraction(1, FPS) <= t < Fraction(74, 10)


def test_per_scene_gives_one_tile_inside_each_shot(sample, truth, tmp_path):
    art = make_strip(sample, tmp_path / "shots.png", per_scene=True, label_format="precise")
    times = tile_times(art)
    shots = truth["shots"]
    assert len(times) == len(shots) == art.frame_count
    for t, (start, end) in zip(times, shots):
        assert start <= t < end, (t, start, end)
    fade, dissolve = truth["transitions"]
    assert not any(fade["start"] <= t < fade["end"] or dissolve["start"] <= t < dissolve["end"] for t in times)
    # 7 tiles in a grid: 3 columns × 3 rows, the last row partly empty
    plan = plan_layout(7, 3, 3, width=1000, aspect=Fraction(16, 9))
    assert (art.width, art.height) == (plan.width, plan.height)


def test_auto_labels_never_repeat():
    from clipkit.render.strip import tile_labels

    spread = [Fraction(5), Fraction(61, 2), Fraction(62)]
    assert tile_labels(spread) == ["0:05", "0:30", "1:02"]
    close = [Fraction(1, 4), Fraction(3, 4), Fraction(5, 4), Fraction(7, 4)]  # a short file: 0.5 s apart
    labels = tile_labels(close)
    assert len(set(labels)) == len(labels) and labels[0] == "0:00.250"
    # A precise label is the note's time (rounded to the ms), which types back onto the tile's frame: the
    # label of frame 1 at 24 fps (0.041667 s) said 0:00.041, before the frame, where the note said 0:00.042.
    assert tile_labels([Fraction(1, 24), Fraction(2, 24), Fraction(19999, 4000)], "precise") == \
        ["0:00.042", "0:00.083", "0:05.000"]


def label_boxes(with_labels, without, count, cols, rows, aspect, **layout):
    """Each tile's label box (width, height): the pixels that differ between the sheet with and without labels."""
    a = np.asarray(Image.open(with_labels.path).convert("RGB")).astype(int)
    b = np.asarray(Image.open(without.path).convert("RGB")).astype(int)
    plan = plan_layout(count, cols, rows, width=with_labels.width, aspect=aspect, **layout)
    boxes = []
    for i in range(count):
        x, y, w, h = plan.tile_box(i)
        diff = np.abs(a[y:y + h, x:x + w] - b[y:y + h, x:x + w]).max(axis=2) > 8
        ys, xs = np.nonzero(diff)
        boxes.append((xs.max() - xs.min() + 1, ys.max() - ys.min() + 1, w, h))
    return boxes


def test_labels_on_tall_phone_video_stay_a_corner_mark(tmp_path):
    """A vertical 9:16 video: the label was sized on the tile's height and covered the picture's width."""
    video = tmp_path / "phone.mp4"
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=180x320:rate={FPS}:duration=3", "-c:v", "libx264", "-pix_fmt", "yuv420p", video)
    kw = dict(layout="row", count=3, width=1000, label_format="precise")
    on = make_strip(video, tmp_path / "on.png", **kw)
    off = make_strip(video, tmp_path / "off.png", labels=False, **kw)
    assert tile_times(on) == tile_times(off)
    for bw, bh, w, h in label_boxes(on, off, 3, 3, 1, Fraction(9, 16), gap=6):
        assert bw < w / 2 and bh < w / 8, (bw, bh, w, h)  # "0:01.234" in a corner, not a banner


def test_per_scene_with_a_count_says_how_many_shots_it_chose_from(sample, truth, tmp_path):
    """--count 3 of the sample's 7 shots: the note said "(3 shots)", as if the episode had 3."""
    art = make_strip(sample, tmp_path / "three.png", per_scene=True, count=3, layout="row", width=600, record=False)
    assert art.frame_count == 3
    assert f"the 3 longest of {len(truth['shots'])} shots" in art.notes[0], art.notes[0]


def test_per_scene_labels_are_sized_for_the_tiles_of_its_own_layout(sample, truth, tmp_path):
    """--per-scene lays out one tile per shot: the labels must fit those tiles, not the 4×4 sheet planned first."""
    n = len(truth["shots"])
    shape = grid_shape("grid", n)
    kw = dict(label_format="precise")
    scenes = make_strip(sample, tmp_path / "scenes.png", per_scene=True, **kw)
    at = tile_times(scenes)  # the same frames as a plain sheet of that shape
    plain = make_strip(sample, tmp_path / "plain.png", at=at, **kw)
    off = make_strip(sample, tmp_path / "off.png", at=at, labels=False, **kw)
    scenes_off = make_strip(sample, tmp_path / "scenes_off.png", per_scene=True, labels=False, **kw)
    assert (scenes.width, scenes.height) == (plain.width, plain.height)
    got = label_boxes(scenes, scenes_off, *shape, Fraction(16, 9), gap=6)
    want = label_boxes(plain, off, *shape, Fraction(16, 9), gap=6)
    assert [g[:2] for g in got] == [w[:2] for w in want]


def test_per_scene_keeps_the_rows_and_columns_asked(sample, truth, tmp_path):
    """--per-scene with --rows 1 made a square grid anyway; with --cols and --rows it showed every shot."""
    n = len(truth["shots"])
    art = make_strip(sample, tmp_path / "row.png", per_scene=True, rows=1, width=1400)
    plan = plan_layout(n, n, 1, width=1400, aspect=Fraction(16, 9))
    assert art.frame_count == n and (art.width, art.height) == (plan.width, plan.height)
    art = make_strip(sample, tmp_path / "box.png", per_scene=True, cols=2, rows=2)
    times = tile_times(art)
    assert art.frame_count == len(times) == 4  # the four longest shots, in order
    longest = sorted(sorted(truth["shots"], key=lambda sh: sh[1] - sh[0], reverse=True)[:4])
    for t, (start, end) in zip(times, longest):
        assert start <= t < end, (t, start, end)
    plan = plan_layout(4, 2, 2, width=1000, aspect=Fraction(16, 9))
    assert (art.width, art.height) == (plan.width, plan.height)


def test_a_low_quality_as_the_help_allows_it(sample, tmp_path):
    """--quality 20 (the help says 1–100) failed on min_quality, a setting the user never typed (default 30)."""
    runner = CliRunner()
    hi = runner.invoke(main, ["strip", str(sample), "-o", str(tmp_path / "hi.jpg"), "--layout", "row", "--count", "3",
                              "--quality", "90"])
    lo = runner.invoke(main, ["strip", str(sample), "-o", str(tmp_path / "lo.jpg"), "--layout", "row", "--count", "3",
                              "--quality", "20"])
    assert hi.exit_code == 0 and lo.exit_code == 0, lo.output
    assert (tmp_path / "lo.jpg").stat().st_size < (tmp_path / "hi.jpg").stat().st_size / 2
    # with a budget the fit tries no quality above the one asked (it fits as is: no lower quality note)
    budget = (tmp_path / "hi.jpg").stat().st_size
    art = make_strip(sample, tmp_path / "fit.jpg", layout="row", count=3, quality=20, max_size=budget)
    assert art.bytes == (tmp_path / "lo.jpg").stat().st_size and not any("to fit" in n for n in art.notes)
    # an explicit clash is still one clear error
    with pytest.raises(UsageError, match="min_quality 25 is above quality 20"):
        make_strip(sample, tmp_path / "x.jpg", layout="row", count=3, quality=20, min_quality=25)


def test_crop_auto_takes_the_letterbox_off_every_tile(tmp_path):
    """A 2.4:1 picture letterboxed in a 16:9 frame: with --crop auto the tiles are the picture's shape and
    hold no bar (on a white sheet, black rows are the bars); without it they are 16:9 with bars."""
    src = tmp_path / "scope.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x134:r=25:d=8", "-vf", "pad=320:180:0:23:black",
           "-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p", src)

    def black_rows(path) -> float:
        img = np.asarray(Image.open(path).convert("L"), float)
        return float((np.median(img, axis=1) < 24).mean())  # share of the sheet's rows black in most of their width

    common = dict(count=4, cols=2, background="white", labels=False, record=False, width=640)
    plain = make_strip(src, tmp_path / "plain.png", **common)
    cropped = make_strip(src, tmp_path / "cropped.png", crop="auto", **common)
    assert any("removed black bars" in n for n in cropped.notes)
    assert black_rows(plain.path) > 0.1 and black_rows(cropped.path) == 0
    assert cropped.height < plain.height * 0.85  # 2.4:1 tiles instead of 16:9
    assert not any("black bars" in n for n in plain.notes)


def test_a_sheet_of_an_old_avi_with_b_frames(tmp_path):
    """ffmpeg's seek to 0.1 s in an AVI whose first frame is shown at 0.08 s lands at 1.84 s: a slot's window
    there decoded nothing and the whole sheet failed ('no frames could be decoded … between 0.350s and 1.625s')."""
    from tv_media import make_counter_ts

    src = make_counter_ts(tmp_path / "old.avi", frames=250, gop=50, muxer="avi")
    art = make_strip(src, tmp_path / "old.png", count=4, record=False)
    assert art.width == 1000 and art.notes[0].startswith("4 tiles from")


def test_a_sheet_of_many_tiles_keeps_its_notes_short(sample, tmp_path):
    # every tile's time was listed (and every look-alike pair): 300 tiles made a note of thousands of characters
    art = make_strip(sample, tmp_path / "many.jpg", count=60, cols=10)
    first = art.notes[0]
    assert first.startswith("60 tiles from") and first.endswith(" … and 12 more"), first
    assert len(first.split(": ", 1)[1].split(", ")) == 48
    assert all(len(n) < 1200 for n in art.notes), [len(n) for n in art.notes]


def test_per_scene_with_a_count_spreads_shots_of_one_length_over_the_video(tmp_path):
    # eight shots of one second each, --per-scene --count 4: the four tiles were the first four seconds
    colours = ["red", "green", "blue", "yellow", "white", "magenta", "cyan", "gray"]
    video = tmp_path / "eight.mkv"
    inputs = [a for c in colours for a in ("-f", "lavfi", "-i", f"color=c={c}:s=320x180:r=25:d=1")]
    ffmpeg(*inputs, "-filter_complex", "".join(f"[{k}]" for k in range(8)) + "concat=n=8:v=1[v]", "-map", "[v]",
           "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "25", video)
    art = make_strip(video, tmp_path / "four.png", per_scene=True, count=4, layout="row", width=640, record=False)
    assert sorted(int(t) for t in tile_times(art)) == [0, 2, 4, 6], art.notes[0]


@needs_cjk
@pytest.mark.parametrize("font", [None, "DejaVu Sans"])
def test_a_header_in_several_scripts_is_drawn_from_faces_that_have_them(tmp_path, font):
    """The header's title and facts line (the file's name in it) were drawn with one face that had every character:
    a Japanese and Arabic title or file name was refused ("no single installed font has every character"), and so
    was a Japanese one with --font "DejaVu Sans".  Each line now takes, as a caption does, the characters its face
    lacks from faces that have them: a title that differs only in its kanji (or only in its Arabic) is drawn
    differently, which boxes for missing glyphs would not be."""
    from clipkit.render.fonts import find_font, missing_chars

    if font and not missing_chars(find_font("x", font=font), "天"):
        pytest.skip(f"{font} has kanji here")
    video = tmp_path / "星空 نجوم.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p", video)
    tiles = plan_layout(3, 3, 1, width=600, aspect=Fraction(16, 9)).height

    notes: list[str] = []

    def header(title: str) -> np.ndarray:
        art = make_strip(video, tmp_path / f"{len(list(tmp_path.iterdir()))}.png", title=title, layout="row", count=3,
                         width=600, labels=False, font=font)
        img = np.asarray(Image.open(art.path).convert("L")).astype(int)
        notes.extend(art.notes)
        return img[: art.height - tiles]

    base = header("天文台 مرحبا ep07")
    kanji = header("星空月 مرحبا ep07")
    arabic = header("天文台 سلامك ep07")
    assert base.shape == kanji.shape == arabic.shape and base.shape[0] > 30
    lit = (base > 128).sum(axis=0) > 0  # the columns with text in them: the title runs across
    assert lit[:200].sum() > 60, lit[:200].sum()
    assert np.abs(base - kanji).max() > 128 and np.abs(base - arabic).max() > 128
    # a --font that lacks them says which faces drew them, as for captions
    said = [n for n in notes if "has no glyphs for some characters of the title; they are drawn from" in n]
    assert bool(said) == bool(font) and (not font or all(n.startswith(f"the font {font}") for n in said)), notes


@pytest.mark.parametrize("font", [None, "DejaVu Sans"])
@pytest.mark.parametrize("title", ["ปฏิทินที่ฐู ฎุ ญู", "कृष्ण र्ँ ह्रृ द्ध की कहानी"])
def test_a_header_title_from_a_taller_face_has_room_for_its_ink(tmp_path, title, font):
    """A Thai or Devanagari title (a Latin --font: drawn from Noto Sans Thai / Devanagari at DejaVu's cap height; or
    one Noto face whose stacked marks go past its own metrics) was given the primary face's ascent and descent: its
    marks were cut off at the image's top and its vowel signs ran into the facts line below.  The header's lines
    are now as tall as their ink: the strip's title band is the title drawn alone, to the pixel, and no ink of the
    title lies outside it."""
    from clipkit.render.captions.line import TextLine
    from clipkit.render.strip import Header, header_height

    size, bg, margin = 40, (16, 16, 16), 2
    try:
        line = TextLine(title, size, font=font, bold=font is None)
    except UsageError:
        pytest.skip("no installed font has Thai or Devanagari (Debian: fonts-noto-core)")
    facts = TextLine("ep07.mkv · 1:00 · 640×360 · h264", 25, font=font)
    header = Header(title=line, facts=facts)
    plan = plan_layout(2, 2, 1, width=1000, aspect=Fraction(16, 9), gap=margin, header_height=header_height(header, margin))
    strip = np.asarray(render_strip([np.zeros((90, 160, 3), np.uint8)] * 2, plan, background=bg, header=header,
                                    margin=margin, labels=None).convert("L")).astype(int)
    alone = Image.new("RGB", (1000, 400), bg)  # the title by itself, far from any edge
    line.draw(alone, (plan.left, 150), (240, 240, 240), 1000 - 2 * plan.left)
    alone = np.asarray(alone.convert("L")).astype(int)
    rows = np.nonzero((alone > bg[0]).any(axis=1))[0]
    top, bottom = rows[0] - 150, rows[-1] + 1 - 150  # the title's ink, from the line's top
    assert top >= 0 and bottom <= line.height, (top, bottom, line.height)  # inside the line the header makes room for
    band = strip[: margin + line.height]
    assert np.array_equal(band, alone[150 - margin: 150 + line.height]), "the header's title is not the title drawn alone"
    # the facts below it start where the title's band ends (nothing of theirs above), and the tiles below both
    facts_rows = np.nonzero((strip[margin + line.height: plan.tile_box(0)[1]] > bg[0]).any(axis=1))[0]
    assert len(facts_rows) and margin + line.height + facts_rows[-1] < plan.tile_box(0)[1]
