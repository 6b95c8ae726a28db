"""The GIF engine and ``make_gif`` on clips generated with known truth (colours, times)."""

from __future__ import annotations

import io
from fractions import Fraction

import cv2
import numpy as np
import pytest
from PIL import Image

from clipkit import make_gif
from clipkit.encode.gif import GifOptions, centisecond_delays, encode_gif, tick_times
from clipkit.errors import Cancelled, OutputError, TimecodeError, UsageError
from media import ffmpeg, gif_pictures, level_of, make_counter_clip


# ------------------------------------------------------------------ helpers

def gif_frames(path) -> tuple[list[np.ndarray], list[int], dict]:
    """Composited RGB frames, delays (cs) and the info of the first frame, as Pillow plays them."""
    im = Image.open(path)
    info = dict(im.info)
    frames, delays = [], []
    for i in range(im.n_frames):
        im.seek(i)
        frames.append(np.asarray(im.convert("RGB")).copy())
        delays.append(round(im.info["duration"] / 10))
    return frames, delays, info


def frame_rects(data: bytes) -> list[tuple[int, int, int, int]]:
    """(x, y, w, h) of every image descriptor in a GIF file (parsed from the bytes)."""
    rects = []
    pos = 13
    flags = data[10]
    if flags & 0x80:
        pos += 3 * (2 << (flags & 7))
    while pos < len(data):
        b = data[pos]
        if b == 0x3B:
            break
        if b == 0x21:  # extension: skip its sub-blocks
            pos += 2
            while data[pos]:
                pos += data[pos] + 1
            pos += 1
        elif b == 0x2C:
            x, y, w, h = (int.from_bytes(data[pos + 1 + 2 * i: pos + 3 + 2 * i], "little") for i in range(4))
            rects.append((x, y, w, h))
            f = data[pos + 9]
            pos += 10
            if f & 0x80:
                pos += 3 * (2 << (f & 7))
            pos += 1  # LZW code size
            while data[pos]:
                pos += data[pos] + 1
            pos += 1
        else:
            raise AssertionError(f"bad GIF byte {b} at {pos}")
    return rects


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("gifclips")
    # 4 s, 320x180, 25 fps: a static grey background and a red square moving right (x = 40 t px + 20).
    moving = d / "moving.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=0x808080:s=320x180:r=25:d=4", "-f", "lavfi", "-i", "color=c=red:s=40x40:r=25:d=4",
           "-filter_complex", "[0][1]overlay=x='20+40*t':y=70:shortest=1,format=yuv420p", "-c:v", "libx264", "-crf", "10",
           "-g", "25", moving)
    # 3 s static blue, then 1 s yellow: identical frames must merge.
    still = d / "still.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=0x2040c0:s=160x90:r=25:d=3", "-f", "lavfi", "-i", "color=c=0xe0e020:s=160x90:r=25:d=1",
           "-filter_complex", "[0][1]concat=n=2:v=1,format=yuv420p", "-c:v", "libx264", "-crf", "10", still)
    # Letterboxed: 320x136 picture (green/magenta halves) padded to 320x180 with black bars.
    boxed = d / "boxed.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x136:r=25:d=2", "-vf", "pad=320:180:0:22:black,format=yuv420p",
           "-c:v", "libx264", "-crf", "12", boxed)
    # Variable frame rate: known grey per frame.
    durations = [40] * 10 + [100] * 5 + [20] * 10 + [40] * 10
    vfr = d / "vfr.mkv"
    starts = make_counter_clip(vfr, durations, gop=7)
    return {"moving": moving, "still": still, "boxed": boxed, "vfr": vfr, "vfr_starts": starts, "vfr_durations": durations}


# ------------------------------------------------------------------ timing

@pytest.mark.parametrize("fps,secs", [(Fraction(15), Fraction(6)), (Fraction(24), Fraction(5)), (Fraction(20), Fraction(3)),
                                      (Fraction(25, 2), Fraction(7, 3)), (Fraction(50), Fraction(1))])
def test_delays_carry_the_rounding_and_sum_to_the_length(fps, secs):
    ticks = tick_times(secs, fps)
    delays = centisecond_delays(ticks, secs)
    assert sum(delays) == round(secs * 100)
    assert min(delays) >= 2 and max(delays) - min(delays) <= 1 or len(set(delays[:-1])) <= 2
    clock = 0
    for k, d in enumerate(delays):  # every frame starts within half a centisecond of its true time
        assert abs(clock - ticks[k] * 100) <= Fraction(1, 2)
        clock += d


def test_fifteen_fps_six_seconds_plays_six_seconds(clips, tmp_path):
    art = make_gif(clips["moving"], "0", "+3", tmp_path / "m.gif", fps=15, width=160, quality=100)
    frames, delays, info = gif_frames(art.path)
    assert sum(delays) == 300 and art.duration == 3
    # Each frame starts on the centisecond nearest its tick (k/15 s): 0, 7, 13, 20, 27, 33, …
    ticks = {int(Fraction(100 * k, 15) + Fraction(1, 2)) for k in range(45)}
    assert set(np.cumsum([0] + delays[:-1]).tolist()) <= ticks
    assert len(frames) == art.frame_count > 20  # source frames that repeat a position merge
    assert info["loop"] == 0  # forever by default


@pytest.mark.parametrize("loop,expect", [("forever", 0), ("once", None), ("3", 2)])
def test_loop_block(clips, tmp_path, loop, expect):
    art = make_gif(clips["still"], "0", "+1", tmp_path / f"l{loop}.gif", loop=loop, width=80)
    info = gif_frames(art.path)[2]
    assert info.get("loop") == expect
    assert (b"NETSCAPE2.0" in art.path.read_bytes()) == (expect is not None)


# ------------------------------------------------------------------ engine: merging, rectangles, colours

def test_identical_frames_merge_and_keep_their_time(clips, tmp_path):
    art = make_gif(clips["still"], "0", "4", tmp_path / "s.gif", fps=20, width=160)
    frames, delays, _ = gif_frames(art.path)
    assert delays == [300, 100]  # 60 blue frames become one of 3 s, then 20 yellow ones one of 1 s
    blue, yellow = frames[0][45, 80].astype(int), frames[1][45, 80].astype(int)
    assert np.abs(blue - [0x20, 0x40, 0xC0]).max() < 12
    assert np.abs(yellow - [0xE0, 0xE0, 0x20]).max() < 12


def test_only_the_changed_rectangle_is_written(clips, tmp_path):
    art = make_gif(clips["moving"], "1", "+2", tmp_path / "r.gif", fps=10, width=320)
    data = art.path.read_bytes()
    rects = frame_rects(data)
    assert rects[0] == (0, 0, 320, 180)
    for x, y, w, h in rects[1:]:  # the square (40 px + motion) plus encoder fringe, never the whole frame
        assert w <= 120 and h <= 70 and 50 <= y and y + h <= 130, (x, y, w, h)
    frames, _, _ = gif_frames(art.path)
    for k, frame in enumerate(frames):  # the square is where the source put it, red; the rest stays grey
        t = 1 + k / 10
        cx = int(20 + 40 * t + 20)
        assert np.abs(frame[90, cx].astype(int) - [255, 0, 0]).max() < 40, (k, frame[90, cx])
        assert np.abs(frame[20, 160].astype(int) - [128, 128, 128]).max() < 10


def test_caption_colours_survive_quantisation(clips, tmp_path):
    """A white caption with a black outline stays exactly white/black (the stats_mode=diff trap)."""
    def caption(t, img):
        img[128:172, 50:230] = 0  # a black box behind the text, like an outline
        cv2.putText(img, "He knew.", (60, 160), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (255, 255, 255), 2, cv2.LINE_AA)
        return img

    probe_img = caption(0, np.full((180, 320, 3), 128, np.uint8))
    white = (probe_img == 255).all(axis=2)
    black = (probe_img == 0).all(axis=2)
    assert white.sum() > 200 and black.sum() > 200
    art = make_gif(clips["moving"], "0", "+2", tmp_path / "c.gif", width=320, fps=10, overlay=caption,
                   reserve_colors=[(255, 255, 255), (0, 0, 0)], colors=32, dither="ordered")
    frames, _, _ = gif_frames(art.path)
    for frame in frames:
        assert (frame[white] == 255).all()
    for frame in frames:  # the outline stays black
        assert (frame[black] == 0).all()


def test_static_white_area_is_not_dropped_from_the_palette():
    """Palette from every frame, static pixels included: a static white bar stays white while the rest moves."""
    rng = np.random.default_rng(1)
    frames = []
    for k in range(12):
        img = (rng.random((60, 120, 3)) * 200).astype(np.uint8)
        img[45:55, 20:100] = 255
        frames.append(img)
    buf = io.BytesIO()
    encode_gif(frames, [10] * 12, buf, GifOptions(colors=16))
    buf.seek(0)
    im = Image.open(buf)
    for i in range(im.n_frames):
        im.seek(i)
        assert (np.asarray(im.convert("RGB"))[45:55, 20:100] == 255).all()


def test_variable_frame_rate_source_is_sampled_by_timestamp(clips, tmp_path):
    starts, durations = clips["vfr_starts"], clips["vfr_durations"]
    art = make_gif(clips["vfr"], "0", "1.5", tmp_path / "v.gif", fps=20, width=160, quality=100)
    frames, delays, _ = gif_frames(art.path)
    # expand merged frames back to 5 cs ticks
    ticks = [f for f, d in zip(frames, delays) for _ in range(d // 5)]
    assert len(ticks) == 30 and sum(delays) == 150
    for k, frame in enumerate(ticks):
        t = Fraction(2 * k + 1, 40)  # the middle of tick k: the frame on screen then stands for the tick
        shown = max(i for i, s in enumerate(starts) if s <= t)
        assert abs(float(frame[45, 80].mean()) - level_of(shown)) < 6, (k, shown)


def test_reverse_and_bounce(clips, tmp_path):
    fwd = gif_frames(make_gif(clips["vfr"], "0", "0.4", tmp_path / "f.gif", fps=25, width=80, quality=100).path)[0]
    rev = gif_frames(make_gif(clips["vfr"], "0", "0.4", tmp_path / "r.gif", fps=25, width=80, quality=100, reverse=True).path)[0]
    bnc, delays, _ = gif_frames(make_gif(clips["vfr"], "0", "0.4", tmp_path / "b.gif", fps=25, width=80, quality=100, bounce=True).path)
    level = lambda f: round(float(f[20, 40].mean()))  # noqa: E731
    assert [level(f) for f in rev] == [level(f) for f in fwd][::-1]
    assert [level(f) for f in bnc] == [level(f) for f in fwd] + [level(f) for f in fwd][-2:0:-1]
    assert sum(delays) == 40 + 8 * 4  # 10 frames forward, 8 back (the ends are not repeated)


def test_speed_changes_play_time(clips, tmp_path):
    art = make_gif(clips["moving"], "0", "4", tmp_path / "fast.gif", speed=2, fps=10, width=80)
    assert sum(gif_frames(art.path)[1]) == 200


# ------------------------------------------------------------------ crop and size

def test_crop_auto_removes_letterbox(clips, tmp_path):
    art = make_gif(clips["boxed"], "0", "+1", tmp_path / "box.gif", crop="auto", width=None, fps=10)
    assert (art.width, art.height) == (320, 136)
    assert any("black bars" in n for n in art.notes)
    frame = gif_frames(art.path)[0][0]
    assert frame[:3].mean() > 40 and frame[-3:].mean() > 40  # no bar left at top or bottom


def test_explicit_crop_and_bad_crop(clips, tmp_path):
    art = make_gif(clips["moving"], "0", "+1", tmp_path / "c.gif", crop="100:50:0:0", width=None, fps=10)
    assert (art.width, art.height) == (100, 50)
    with pytest.raises(UsageError, match="does not fit"):
        make_gif(clips["moving"], "0", "+1", tmp_path / "bad.gif", crop="400:50:0:0")
    assert not (tmp_path / "bad.gif").exists()


def test_height_alone_keeps_the_aspect(clips, tmp_path):
    art = make_gif(clips["moving"], "0", "+0.5", tmp_path / "h.gif", height=90, fps=10)
    assert (art.width, art.height) == (160, 90)


def test_upscaling_is_warned(clips, tmp_path):
    art = make_gif(clips["still"], "0", "+0.5", tmp_path / "up.gif", width=320, fps=10)
    assert art.width == 320 and any("upscaled" in n for n in art.notes)


def test_max_size_fits_and_says_what_it_chose(clips, tmp_path):
    free = make_gif(clips["moving"], "0", "4", tmp_path / "free.gif", width=320, fps=25, quality=100, dither="ordered")
    budget = free.bytes // 2
    art = make_gif(clips["moving"], "0", "4", tmp_path / "fit.gif", width=320, fps=25, quality=100, dither="ordered",
                   max_size=budget)
    assert art.bytes <= budget and art.path.stat().st_size == art.bytes
    assert any("fitted under" in n for n in art.notes)
    assert sum(gif_frames(art.path)[1]) == 400  # still plays 4 s


def test_max_size_uses_the_budget_and_keeps_the_width_when_colours_and_frames_suffice(clips, tmp_path):
    free = make_gif(clips["moving"], "0", "4", tmp_path / "free.gif", width=320, fps=25, quality=100, dither="ordered")
    budget = int(free.bytes * 0.6)
    art = make_gif(clips["moving"], "0", "4", tmp_path / "fit.gif", width=320, fps=25, quality=100, dither="ordered",
                   max_size=budget)
    assert art.width == 320  # fewer colours / frames first, not a smaller picture
    assert 0.6 * budget <= art.bytes <= budget


def test_max_size_never_goes_below_a_readable_width(clips, tmp_path):
    with pytest.raises(OutputError) as err:
        make_gif(clips["moving"], "0", "4", tmp_path / "tiny.gif", max_size="3KB", width=480)
    assert "240×" in str(err.value) and "would fit" in err.value.hint
    assert list(tmp_path.iterdir()) == []


def test_max_size_impossible_writes_nothing(clips, tmp_path):
    with pytest.raises(OutputError, match="could not make the GIF fit"):
        make_gif(clips["moving"], "0", "4", tmp_path / "tiny.gif", max_size="2KB", width=320)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ siblings, bad input, cancel

def test_mp4_and_webp_siblings(clips, tmp_path):
    art = make_gif(clips["moving"], "0", "+2", tmp_path / "s.gif", width=160, fps=10, also=("mp4", "webp"))
    kinds = {s.kind: s for s in art.siblings}
    assert set(kinds) == {"mp4", "webp"}
    from clipkit.media.probe import probe
    mp4 = probe(kinds["mp4"].path)
    assert abs(float(mp4.duration) - 2) < 0.15 and mp4.video.display_size == (160, 90)
    webp = Image.open(kinds["webp"].path)
    assert webp.format == "WEBP" and webp.n_frames >= 10


def test_siblings_play_as_long_as_the_gif_each_frame_the_one_on_screen_mid_tick(tmp_path):
    # before: a tick was kept if it began 5 ms before the GIF's end, so a 3.68 s GIF at 15 fps had 3.73 s siblings
    from clipkit.media.frames import read_frames

    src = tmp_path / "count.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:size=160x90:rate=25,trim=end_frame=100", "-vf",
           "geq=lum=mod(N*37\\,200)+28:cb=128:cr=128", "-c:v", "libx264", "-crf", "8", src)  # 100 distinct greys
    art = make_gif(src, "0", "3.68", tmp_path / "g.gif", width=160, fps=15, also=("mp4", "webp"), subs="off")
    im = Image.open(art.path)
    starts, levels, clock = [], [], 0
    for i in range(im.n_frames):
        im.seek(i)
        starts.append(clock)
        levels.append(float(np.asarray(im.convert("L")).mean()))
        clock += im.info["duration"]
    assert clock == 3680
    kinds = {s.kind: s.path for s in art.siblings}
    shown = [float(f.image.mean()) for f in read_frames(kinds["mp4"], width=16, height=8, pix_fmt="gray")]
    webp = Image.open(kinds["webp"])
    durations = []
    for i in range(webp.n_frames):
        webp.seek(i)
        webp.load()
        durations.append(webp.info["duration"])
    for n in (len(shown), len(durations)):
        assert abs(n * 1000 / 15 - clock) <= 1000 / 30  # within half a frame of the GIF's time
    for k, level in enumerate(shown):  # tick k shows the GIF frame on screen at its middle
        i = max(j for j, t in enumerate(starts) if t <= (k + 0.5) * 1000 / 15)
        near = range(max(0, i - 2), min(len(levels), i + 3))
        assert min(near, key=lambda j: abs(level - levels[j])) == i, (k, level, [levels[j] for j in near])


@pytest.mark.parametrize("start,end,err,match", [
    ("3", "2", TimecodeError, "not after the start"),
    ("2", "9", TimecodeError, "past the end"),
    ("5", "+1", TimecodeError, "past the end"),
    ("1", "1.005", TimecodeError, "no whole frame"),
])
def test_bad_ranges(clips, tmp_path, start, end, err, match):
    with pytest.raises(err, match=match):
        make_gif(clips["moving"], start, end, tmp_path / "x.gif")
    assert list(tmp_path.iterdir()) == []


def test_bad_settings(clips, tmp_path):
    with pytest.raises(UsageError, match="at most 50"):
        make_gif(clips["moving"], "0", "1", tmp_path / "x.gif", fps=60)
    with pytest.raises(UsageError, match="loop"):
        make_gif(clips["moving"], "0", "1", tmp_path / "x.gif", loop="sometimes")
    with pytest.raises(UsageError, match=".gif"):
        make_gif(clips["moving"], "0", "1", tmp_path / "x.png")
    assert list(tmp_path.iterdir()) == []


def test_output_folder_created_or_refused(clips, tmp_path):
    art = make_gif(clips["still"], "0", "+0.5", tmp_path / "new" / "deeper" / "a.gif", width=80, fps=10)
    assert art.path.exists()
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        make_gif(clips["still"], "0", "+0.5", tmp_path / "file.txt" / "a.gif", width=80, fps=10)


def test_cancel_leaves_nothing(clips, tmp_path):
    calls = []

    def progress(done, total):
        calls.append(done)
        return len(calls) < 40

    with pytest.raises(Cancelled):
        make_gif(clips["moving"], "0", "4", tmp_path / "c.gif", width=160, fps=25, progress=progress)
    assert list(tmp_path.iterdir()) == []


def test_identical_frames_with_the_same_overlay_still_merge(clips, tmp_path):
    def caption(t, img):
        img[70:85, 20:140] = 255  # the same caption on every frame
        return img

    art = make_gif(clips["still"], "0", "4", tmp_path / "s.gif", fps=20, width=160, overlay=caption,
                   reserve_colors=[(255, 255, 255)])
    frames, delays, _ = gif_frames(art.path)
    assert delays == [300, 100]
    assert (frames[0][70:85, 20:140] == 255).all() and (frames[1][70:85, 20:140] == 255).all()


@pytest.mark.parametrize("dither", ["ordered", "diffusion", "none"])
def test_static_areas_do_not_shimmer(dither):
    """A static textured background is written once, whatever the dithering; only the moving box after."""
    rng = np.random.default_rng(3)
    background = cv2.GaussianBlur((rng.random((90, 160, 3)) * 255).astype(np.uint8), (5, 5), 2)
    frames = []
    for k in range(10):
        img = background.copy()
        img[30:50, 10 + 8 * k: 30 + 8 * k] = (250, 30, 30)
        frames.append(img)
    buf = io.BytesIO()
    encode_gif(frames, [10] * 10, buf, GifOptions(colors=32, dither=dither, quality=100))
    rects = frame_rects(buf.getvalue())
    assert rects[0] == (0, 0, 160, 90) and len(rects) == 10
    if dither == "none":
        # --quality 100's diffusion also redraws still pixels where a frame's palette is nearer by more than
        # DIFFUSE_REFRESH (diffuse.py): the background converges on its source, never back and forth
        still = np.ones(background.shape[:2], bool)
        still[27:53] = False  # the box's rows, with the diffusion's reach around them
        errors = [float(np.abs(p.astype(np.float32) - background)[still].mean()) for p in gif_pictures(buf.getvalue())]
        assert all(b <= a + 0.01 for a, b in zip(errors, errors[1:])), errors
        return
    for x, y, w, h in rects[1:]:
        assert 30 <= y and y + h <= 50 and w <= 28, (dither, x, y, w, h)
