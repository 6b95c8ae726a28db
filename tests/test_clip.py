"""``make_clip``: exact first frame, sound in sync (CFR, VFR, late sound), formats, sizes, limits, bad input."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from clip_media import audio_samples, beep_times, flash_times, make_flash_beep
from clipkit.errors import InputError, TimecodeError, UsageError
from clipkit.media.ffmpeg import ffmpeg_exe
from clipkit.media.frames import frame_at, read_frames
from clipkit.media.probe import probe
from clipkit.pipeline.clip import make_clip
from media import level_of, make_counter_clip


def _streams(path: Path) -> str:
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True)
    return "\n".join(ln for ln in proc.stderr.decode().splitlines() if "Stream #" in ln)


def _check_sync(clip: Path, source_flashes: list[Fraction], start: Fraction, end: Fraction, frame: Fraction,
                audio_start: Fraction = Fraction(0)) -> None:
    expected = [f - start for f in source_flashes if start <= f < end]
    flashes = flash_times(clip)
    beeps = beep_times(clip)
    # The picture: every flash of the range, at its source time minus START (within a 90 kHz tick).
    assert [float(f) for f in flashes] == pytest.approx([float(e) for e in expected], abs=0.002)
    # The sound: a beep with each flash, within one video frame (start, middle and end of the clip).
    heard = [f for f in flashes if f + start >= audio_start]  # no beep before the sound starts
    assert len(beeps) == len(heard) and len(heard) >= 3
    for f, b in zip(heard, beeps):
        assert abs(float(f) - b) < float(frame), (flashes, beeps)


@pytest.mark.parametrize("kind", ["cfr", "vfr", "late-audio"])
def test_sound_stays_in_sync(tmp_path, kind):
    src = tmp_path / "src.mkv"
    if kind == "vfr":
        flashes = make_flash_beep(src, vfr=True, seconds=6)
        frame = Fraction(50, 1000)
        audio_start = Fraction(0)
    else:
        audio_start = Fraction(3, 4) if kind == "late-audio" else Fraction(0)
        flashes = make_flash_beep(src, seconds=6, audio_start=audio_start)
        frame = Fraction(1, 24)
    start, end = Fraction("0.4"), Fraction("5.55")  # START mid-frame, just before a flash; END just after one
    art = make_clip(src, start, end, tmp_path / "c.mp4", poster=False)
    assert art.kind == "clip" and art.duration == end - start
    _check_sync(art.path, flashes, start, end, frame, audio_start)
    if kind == "late-audio":
        # Nothing before the sound's own start: silence from 0 to 0.35 s (0.75 − 0.4), not shifted sound.
        pcm = audio_samples(art.path)
        assert np.abs(pcm[: int(0.34 * 48000)]).max() < 50
        assert abs(len(pcm) / 48000 - float(end - start)) < 0.03


def test_first_frame_is_the_one_on_screen_at_start(tmp_path):
    src = tmp_path / "counter.mkv"
    starts = make_counter_clip(src, [40] * 50, gop=25)  # 25 fps, keyframes at 0 and 1 s
    start = Fraction("0.73")  # frame 18 shows 0.72–0.76: not on a keyframe, not on a frame start
    art = make_clip(src, start, Fraction("1.33"), tmp_path / "c.mp4", audio="off", poster=False, crf=10)
    frames = list(read_frames(art.path, pix_fmt="gray", width=16, height=8))
    k = max(i for i, t in enumerate(starts) if t <= start)
    assert k == 18
    assert abs(frames[0].image.mean() - level_of(k)) < 3
    assert frames[0].time == 0
    # Then each following frame at its source time minus START.
    assert abs(float(frames[1].time) - (0.76 - 0.73)) < 0.002
    assert abs(frames[1].image.mean() - level_of(k + 1)) < 3
    assert len(frames) == 15 + 1  # 0.73–1.33: frames 18 … 33


@pytest.mark.parametrize("start, first, copy", [("0.759", 19, False), ("0.741", 19, False), ("0.739", 18, False),
                                               ("0.759", 19, True)])
def test_no_flash_frame_when_start_is_just_before_a_frame(tmp_path, start, first, copy):
    """START 1 ms before frame 19 (0.76 s): frame 18 would be on screen for 1 ms, a flash (often of the shot before
    a cut typed to the millisecond).  As `clipkit gif` does (the frame at the middle of the first tick), the clip opens
    on the frame on screen half a frame after START: the one that starts within half a frame, shown from 0, and
    every later frame at its source time minus START; a START in a frame's first half keeps that frame."""
    src = tmp_path / "counter.mkv"
    starts = make_counter_clip(src, [40] * 50, gop=25)  # 25 fps: frame k at 0.04·k (x264 adds keyframes: 0.68, 1.32)
    start = Fraction(start)
    art = make_clip(src, start, Fraction("1.5"), tmp_path / "c.mp4", audio="off", poster=False, crf=10, copy=copy)
    frames = list(read_frames(art.path, pix_fmt="gray", width=16, height=8))
    assert frames[0].time == 0 and abs(frames[0].image.mean() - level_of(first)) < 3  # (copy: the smart cut's head)
    # The first frame lasts until the next one's source time (at least half a frame), not ~1 ms.
    assert abs(float(frames[1].time) - float(starts[first + 1] - start)) < 0.002
    assert abs(frames[1].image.mean() - level_of(first + 1)) < 3
    assert frames[1].time >= Fraction(1, 50) - Fraction(1, 1000)
    assert copy or art.duration == Fraction("1.5") - start  # (a copy ends where the copied stream can stop)


def test_a_sound_only_clip_does_not_say_captions_are_burned_in(tmp_path):
    """`clipkit clip ep.mkv … --audio-only m4a` said "captions from ep.srt: 1 line in the range", as a clip with a
    picture does before burning them in: there is no picture, the line only labels the snippet; it says so."""
    src = tmp_path / "ep.mkv"
    make_flash_beep(src, seconds=4)
    (tmp_path / "ep.srt").write_text("1\n00:00:01,500 --> 00:00:02,500\nListen.\n", encoding="utf-8")
    m4a = make_clip(src, 1, 3, tmp_path / "s.m4a", format="m4a", record=False)
    assert m4a.captions == ("Listen.",)  # the snippet's label
    assert not any(n.startswith("captions from") for n in m4a.notes), m4a.notes
    assert any("sound only" in n and "1 line" in n and "nothing is burned in" in n for n in m4a.notes), m4a.notes
    with_picture = make_clip(src, 1, 3, tmp_path / "c.mp4", poster=False, record=False)
    assert any(n.startswith("captions from ep.srt: 1 line") for n in with_picture.notes), with_picture.notes


def test_formats_and_audio_options(tmp_path):
    src = tmp_path / "src.mkv"
    make_flash_beep(src, seconds=4)
    webm = make_clip(src, 1, 3, tmp_path / "c.webm", format="webm", poster=False)
    info = _streams(webm.path)
    assert "vp9" in info and "opus" in info
    silent = make_clip(src, 1, 3, tmp_path / "silent.mp4", audio="off", poster=False)
    assert "Audio" not in _streams(silent.path) and "h264" in _streams(silent.path)
    m4a = make_clip(src, Fraction("1.4"), 3, tmp_path / "s.m4a", format="m4a")
    assert m4a.kind == "audio" and "Video" not in _streams(m4a.path) and "aac" in _streams(m4a.path)
    assert beep_times(m4a.path) == pytest.approx([0.1, 1.1], abs=0.01)
    # faststart: the index (moov) comes before the data (mdat).
    head = (tmp_path / "silent.mp4").read_bytes()[:4096]
    assert head.find(b"moov") != -1 and (head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat"))


def test_audio_fades_at_the_cuts(tmp_path):
    src = tmp_path / "tone.mkv"
    from media import ffmpeg

    ffmpeg("-f", "lavfi", "-i", "color=c=gray:size=64x36:rate=25:d=3", "-f", "lavfi", "-i", "sine=f=440:r=48000:d=3",
           "-c:v", "libx264", "-c:a", "aac", "-b:a", "192k", src)
    art = make_clip(src, Fraction("1.013"), Fraction("2.02"), tmp_path / "c.mp4", poster=False)
    pcm = np.abs(audio_samples(art.path).astype(np.int32))
    # A full-scale tone cut mid-wave would start and stop at once; the 5 ms fades start and end near silence.
    assert pcm[:24].max() < pcm[480:2000].max() * 0.2
    assert pcm[-24:].max() < pcm[480:2000].max() * 0.2


@pytest.mark.parametrize("copy", [False, True], ids=["encode", "copy"])
def test_a_clip_is_written_to_another_filesystem_than_tmpdir(tmp_path, monkeypatch, copy):
    # before: TMPDIR on tmpfs (as on many desktops) and the clip's folder on a disk failed every clip with
    # "Invalid cross-device link (/tmp/clipkit-clip-…/clip.mp4)": the finished file was renamed across them
    import os
    import tempfile

    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("needs /dev/shm on a filesystem of its own")
    scratch = Path(tempfile.mkdtemp(prefix="clipkit-test-", dir=shm))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    try:
        src = tmp_path / "src.mkv"
        make_flash_beep(src, seconds=3, gop=24)
        art = make_clip(src, Fraction("0.3"), Fraction("2.5"), tmp_path / "out" / "c.mp4", copy=copy)
        assert art.path.stat().st_size > 0 and art.end > art.start
        if not copy:  # (a smart cut's poster is drawn in TMPDIR by `still`, which refuses /dev: a note)
            assert art.siblings[0].path.exists()
        assert [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")] == []
    finally:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)


def test_sound_that_stops_early_is_padded_with_silence(tmp_path):
    # before: the sound track ended where the source's did (a 3 s clip with 1 s of sound), and a range wholly
    # after it was called "could not be decoded" and encoded twice
    from media import ffmpeg

    src = tmp_path / "early.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:size=64x36:rate=25:d=4", "-f", "lavfi", "-i", "sine=f=440:r=48000:d=1.5",
           "-c:v", "libx264", "-c:a", "aac", src)  # the sound stops at 1.5 s of 4
    part = make_clip(src, Fraction("0.5"), Fraction("3.5"), tmp_path / "part.mp4", poster=False)
    pcm = np.abs(audio_samples(part.path).astype(np.int32))
    assert len(pcm) == pytest.approx(3 * 48000, abs=480)  # the whole clip
    assert pcm[4800:43200].max() > 3000 and pcm[52800:].max() < 10  # the tone for 1 s, then silence
    after = make_clip(src, 2, Fraction("3.5"), tmp_path / "after.mp4", poster=False)
    assert not any("could not be decoded" in n for n in after.notes), after.notes
    pcm = np.abs(audio_samples(after.path).astype(np.int32))
    assert len(pcm) == pytest.approx(Fraction(3, 2) * 48000, abs=480) and pcm.max() < 10


@pytest.mark.slow
def test_max_size_fits_and_never_over(tmp_path):
    src = tmp_path / "noise.mkv"
    from media import ffmpeg

    # Noise costs bits: a crf encode of it is far over the budget.
    ffmpeg("-f", "lavfi", "-i", "nullsrc=s=192x108:r=25:d=4,geq=random(1)*255:128:128", "-f", "lavfi",
           "-i", "anoisesrc=d=4:r=48000", "-c:v", "libx264", "-crf", "12", "-c:a", "aac", src)
    budget = 250_000
    art = make_clip(src, 0, 4, tmp_path / "c.mp4", max_size=budget, poster=False)
    assert art.bytes <= budget
    assert art.bytes > budget * 0.6  # the budget was used, not a tiny bitrate
    assert any("fits" in n for n in art.notes)
    with pytest.raises(Exception, match="cannot fit"):
        make_clip(src, 0, 4, tmp_path / "tiny.mp4", max_size="12KB", poster=False)
    assert not (tmp_path / "tiny.mp4").exists()


@pytest.mark.slow
def test_platform_limits_are_checked_before_encoding(tmp_path):
    from clipkit.presets import resolve

    src = tmp_path / "src.mkv"
    make_flash_beep(src, seconds=2, size="1280x720", gop=48)
    twitter = resolve(None, platform="twitter")["clip"]
    with pytest.raises(UsageError, match="at most 1920 px wide") as exc:
        make_clip(src, 0, 1, tmp_path / "big.mp4", settings=twitter, width=2560)
    assert "width=1920" in exc.value.hint  # the API's keyword, not the flag
    with pytest.raises(UsageError, match="webm"):
        make_clip(src, 0, 1, tmp_path / "t.webm", settings=twitter, format="webm")
    with pytest.raises(UsageError, match="at least 0.5 s"):
        make_clip(src, 0, Fraction("0.25"), tmp_path / "short.mp4", settings=twitter)
    discord = resolve(None, platform="discord")["clip"]
    with pytest.raises(UsageError, match="over Discord's 10.00 MB limit"):
        make_clip(src, 0, 1, tmp_path / "d.mp4", settings=discord, max_size="20MB")
    assert not list(tmp_path.glob("*.mp4"))
    art = make_clip(src, 0, 1, tmp_path / "ok.mp4", settings=twitter, poster=False)
    assert (art.width, art.height) == (1280, 720)


def test_a_limit_error_names_the_platform(tmp_path):
    """"this platform" does not say which: each limit error names the preset's platform (or the preset)."""
    from clipkit.presets import resolve

    src = tmp_path / "src.mkv"
    make_flash_beep(src, seconds=1, size="320x240")
    cases = [("tumblr", {"format": "webm"}, "Tumblr takes mp4 clips, not webm"),
             ("discord", {"max_size": "20MB"}, "over Discord's 10.00 MB limit"),
             ("twitter", {"fps": 120}, "X (Twitter) takes at most 60 fps"),
             ("twitter", {"end": Fraction(1, 4)}, "X (Twitter) needs at least 0.5 s"),
             ("wordpress", {"format": "m4a"}, "WordPress takes mp4 or webm clips")]
    for platform, kwargs, words in cases:
        end = kwargs.pop("end", Fraction(1, 2))
        with pytest.raises(UsageError) as exc:
            make_clip(src, 0, end, tmp_path / f"c.{kwargs.get('format', 'mp4')}",
                      settings=resolve(None, platform=platform)["clip"], poster=False, **kwargs)
        assert words in exc.value.message and "this platform" not in exc.value.message, exc.value.message
    own = tmp_path / "myshow.toml"  # a series preset with a limit of its own: named as the preset
    own.write_text('[series]\nplatform = "discord"\n\n[clip]\nlimit_size = "5MB"\n')
    with pytest.raises(UsageError, match="over preset myshow's 5.00 MB limit"):
        make_clip(src, 0, Fraction(1, 2), tmp_path / "c.mp4", settings=resolve(own)["clip"], max_size="8MB")
    assert not list(tmp_path.glob("c.*"))


def test_bad_input(tmp_path):
    src = tmp_path / "src.mkv"
    make_flash_beep(src, seconds=2)
    with pytest.raises(TimecodeError):
        make_clip(src, 1, 5, tmp_path / "c.mp4")
    silent = tmp_path / "silent.mkv"
    make_counter_clip(silent, [40] * 10)
    with pytest.raises(InputError, match="no sound"):
        make_clip(silent, 0, Fraction("0.2"), tmp_path / "s.m4a", format="m4a")
    with pytest.raises(UsageError, match="does not end in .mp4"):
        make_clip(src, 0, 1, tmp_path / "c.gif")
    art = make_clip(silent, 0, Fraction("0.2"), tmp_path / "v.mp4", poster=False)  # a silent source: a note, no error
    assert any("no sound" in n for n in art.notes)


def test_damaged_data_is_a_note_not_a_crash(tmp_path):
    import random

    from media import ffmpeg

    src = tmp_path / "damaged.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=32x32:r=10:d=6", "-f", "lavfi", "-i", "sine=f=440:r=48000:d=6",
           "-c:v", "libx264", "-c:a", "aac", "-b:a", "256k", src)
    data = bytearray(src.read_bytes())
    rnd = random.Random(1)
    for i in range(len(data) // 3, len(data) // 3 + 6000):  # the middle of the file, after the index
        data[i] = rnd.randrange(256)
    src.write_bytes(bytes(data))
    art = make_clip(src, 1, 4, tmp_path / "c.mp4", poster=False)
    assert art.path.exists() and art.bytes > 0
    assert any("damaged data" in n for n in art.notes)


@pytest.mark.parametrize("seconds,gop,start,end", [(5, 48, "1.3", "4.6"), (7, 250, "3.3", "6.6")],
                         ids=["keyframes-every-2s", "one-keyframe"])
def test_transport_stream_source_is_exact_and_in_sync(tmp_path, seconds, gop, start, end):
    """A .ts is opened at the keyframe's byte offset (a timestamp seek there may land after it); with its only
    keyframe its first frame (a recording with few keyframes) a timestamp seek lands past START and finds no
    frame, and the TS index still says which frame is on screen."""
    from media import ffmpeg

    mkv = tmp_path / "src.mkv"
    flashes = make_flash_beep(mkv, seconds=seconds, gop=gop)
    ts = tmp_path / "src.ts"
    ffmpeg("-i", mkv, "-c", "copy", "-f", "mpegts", ts)
    info = probe(ts)
    lead = flash_times(ts)[0] - flashes[0]  # where the TS puts the video after the file's start
    start, end = Fraction(start), Fraction(end)
    art = make_clip(ts, start, end, tmp_path / "c.mp4", poster=False)
    want = frame_at(info, start, width=16, height=8, pix_fmt="gray")
    got = next(read_frames(art.path, width=16, height=8, pix_fmt="gray"))
    assert abs(float(got.image.mean()) - float(want.image.mean())) < 3 and got.time == 0
    _check_sync(art.path, [f + lead for f in flashes], start, end, Fraction(1, 24))


def test_joined_recordings_clip_from_the_second_and_refuse_across_the_join(tmp_path):
    # before: a range in the second of two recordings joined in one .ts failed with "no video frames found near
    # 3.300 s … the file may be damaged there" (still and gif read it; README: laid end to end)
    from media import ffmpeg
    from tv_media import join_files

    mkv = tmp_path / "rec.mkv"
    make_flash_beep(mkv, seconds=3, gop=24)
    one = tmp_path / "rec.ts"
    ffmpeg("-i", mkv, "-c", "copy", "-f", "mpegts", one)
    joined = join_files(tmp_path / "joined.ts", one, one)  # the clock jumps back at 3 s
    flashes = flash_times(joined)  # as still/gif time them: the second recording after the first
    assert len(flashes) == 6 and flashes[3] > 3
    start, end = Fraction("3.3"), Fraction("5.9")
    art = make_clip(joined, start, end, tmp_path / "c.mp4", poster=False)
    _check_sync(art.path, flashes, start, end, Fraction(1, 24))
    with pytest.raises(TimecodeError, match="crosses the join"):
        make_clip(joined, Fraction("2.5"), Fraction("3.5"), tmp_path / "x.mp4")
    assert not (tmp_path / "x.mp4").exists()


def test_audio_track_choice(tmp_path):
    from media import ffmpeg

    src = tmp_path / "two.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=64x36:r=25:d=2", "-f", "lavfi", "-i", "sine=f=440:d=2",
           "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-map", "0", "-map", "1", "-map", "2", "-t", "2",
           "-c:v", "libx264", "-c:a", "aac", src)
    loud = make_clip(src, 0, 1, tmp_path / "a0.mp4", poster=False)
    quiet = make_clip(src, 0, 1, tmp_path / "a1.mp4", poster=False, audio_track=1)
    assert np.abs(audio_samples(loud.path)).max() > 3000
    assert np.abs(audio_samples(quiet.path)).max() < 10
    with pytest.raises(InputError, match="no audio_track=2"):
        make_clip(src, 0, 1, tmp_path / "a2.mp4", audio_track=2)


@pytest.mark.parametrize("route", ["encode tap", "read from the clip"])
def test_poster_is_the_one_sharp_frame_of_the_middle_at_full_size(tmp_path, monkeypatch, route):
    """Blurred picture except for 1/12 s at 2.2 s: the poster (ranked on small frames) is that frame, full size,
    whether made from the frames the encode hands over or (the fallback) read back from the written clip."""
    from media import ffmpeg
    from PIL import Image

    from clipkit.pipeline import clip as clip_mod

    def fail(*a, **k):
        raise AssertionError("this route must not be taken")

    if route == "encode tap":
        monkeypatch.setattr(clip_mod, "make_poster", fail)
    else:  # the tap's frames missing
        monkeypatch.setattr(clip_mod, "poster_from_tap", lambda *a: None)
    src = tmp_path / "blur.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=960x540:r=24:d=4", "-vf", "boxblur=8:2:enable='not(between(t,2.2,2.28))'",
           "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", src)
    art = make_clip(src, 0, 4, tmp_path / "c.mp4", audio="off")
    assert not any("poster" in n for n in art.notes), art.notes
    poster = next(s for s in art.siblings if s.kind == "poster")
    assert abs(float(poster.start) - 2.2083) < 0.03  # frame 53 or 54: the sharp ones
    image = np.asarray(Image.open(poster.path).convert("RGB"))
    assert image.shape[:2] == (540, 960)
    want = frame_at(art.path, poster.start).image  # the clip's frame there, full size
    assert np.abs(image.astype(int) - want.astype(int)).mean() < 4  # (JPEG)


def test_poster_tap_leaves_the_clip_unchanged_and_shows_the_captions(tmp_path):
    """The poster's side outputs do not change the encoded clip (same bytes as with no poster: the split
    keeps the clip's pixel format), and the poster shows the burned-in caption as the clip does."""
    from PIL import Image

    from media import ffmpeg

    src = tmp_path / "src.mkv"  # colours: a round trip through RGB would change them
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x180:r=24:d=4", "-f", "lavfi", "-i", "sine=d=4", "-c:v", "libx264",
           "-crf", "12", "-pix_fmt", "yuv420p", "-c:a", "aac", src)
    # x264 itself gave other bytes from frame 13 on in 1 of 30 runs of one same ffmpeg command on this
    # loaded machine (a 0.01-0.26 mean level of difference, the same frames and times; once the tapped
    # encode, once the plain one), so each is made up to three times: one tapped clip must equal one
    # without a poster byte for byte (a tap that changed the pixels, e.g. a format round trip, never would).
    tapped: set[str] = set()
    plain: set[str] = set()
    for k in range(3):
        tapped.add(make_clip(src, 1, 3, tmp_path / f"b{k}.mp4", record=False).sha256)
        plain.add(make_clip(src, 1, 3, tmp_path / f"a{k}.mp4", poster=False, record=False).sha256)
        if tapped & plain:
            break
    assert tapped & plain, (tapped, plain)
    captioned = make_clip(src, 1, 3, tmp_path / "c.mp4", caption="HELLO", record=False)
    poster = next(s for s in captioned.siblings if s.kind == "poster")
    image = np.asarray(Image.open(poster.path).convert("RGB")).astype(int)
    want = frame_at(captioned.path, poster.start).image.astype(int)
    assert np.abs(image - want).mean() < 8  # (the clip's compression and the poster's JPEG)
    bottom = image[int(image.shape[0] * 0.75):]
    assert (bottom.min(axis=2) > 200).sum() > 50  # the caption's white letters


def test_planning_the_poster_tap_imports_no_opencv_before_the_encode(tmp_path):
    """Planning the poster's side outputs happens before ffmpeg starts: it must not pull in numpy or
    OpenCV (about 0.3 s on the serial path; they are imported in a thread while ffmpeg encodes)."""
    import os
    import sys

    code = ("import sys; from fractions import Fraction; from pathlib import Path\n"
            "from clipkit.pipeline.clip_poster import plan_tap\n"
            f"tap = plan_tap(Path({str(tmp_path)!r}), Fraction(6), (1920, 1080), Fraction(24))\n"
            "assert tap is not None and tap.rank[0] < tap.cand[0] < tap.cand[1] < tap.rank[1]\n"
            "print(sorted(m for m in ('cv2', 'numpy', 'PIL') if m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.strip() == "[]"


def test_a_clip_of_an_old_avi_with_b_frames(tmp_path):
    """An AVI's packets carry no presentation times, and with B-frames its first frame is shown a decoder delay
    after 0. A clip from 0 or 0.02 s had no video at all (the seek landed at 1.84 s, past the range), one from
    later failed with 'no video frames found'; --copy now says why it cannot cut such a file."""
    from tv_media import frame_number, make_counter_ts

    src = make_counter_ts(tmp_path / "old.avi", frames=100, gop=50, muxer="avi")
    # (0.08 s and 0.1 s: the first frame is on screen at START, and ffmpeg's seek to it landed on the keyframe at
    # 2.08 s — the clip had no video, or one frame of the wrong one; it is read from the start now)
    for start, first in ((Fraction(0), 0), (Fraction(1, 50), 0), (Fraction(2, 25), 0), (Fraction(1, 10), 0),
                         (Fraction(3, 10), 5), (Fraction(2), 48)):
        art = make_clip(src, start, start + 1, tmp_path / "c.mp4", record=False, poster=False, overwrite=True)
        frames = list(read_frames(art.path, pix_fmt="gray"))
        numbers = [frame_number(float(f.image.mean())) for f in frames]
        # frame n is shown at (n + 2)/25 (ffmpeg's times for this AVI): the frame on screen at START, then each once
        assert numbers == list(range(first, first + len(numbers))) and len(numbers) >= 23, (start, numbers)
        if start >= Fraction(2, 25):  # each after the first at its own time in the clip
            assert [f.time for f in frames[1:4]] == [Fraction(first + n + 2, 25) - start for n in (1, 2, 3)], start
    with pytest.raises(UsageError, match="AVI file.*copy_fallback='encode'"):
        make_clip(src, Fraction(1), Fraction(2), tmp_path / "copy.mp4", record=False, copy=True)


def test_a_clip_of_a_dvd_vob_with_sound_is_in_sync_wherever_it_starts(tmp_path):
    """A DVD-style .vob (MPEG-2 video, AC-3 sound): ffmpeg's seek in it landed so late that a read of a few
    frames decoded none ('no frames could be decoded … between 3.300s and 3.380s'); the flash and the beep stay
    together at their times from any START."""
    from media import ffmpeg

    src = tmp_path / "fb.mkv"
    make_flash_beep(src)
    vob = tmp_path / "ep.vob"
    ffmpeg("-i", src, "-c:v", "mpeg2video", "-q:v", "3", "-c:a", "ac3", "-f", "vob", vob)
    for start in (Fraction(2), Fraction(33, 10), Fraction(51, 10)):
        art = make_clip(vob, start, start + 2, tmp_path / "c.mp4", record=False, poster=False, overwrite=True)
        flashes, beeps = flash_times(art.path), beep_times(art.path)
        want = [k + Fraction(1, 2) - start for k in range(8) if 0 <= k + Fraction(1, 2) - start < 2]
        assert len(flashes) == len(beeps) == len(want), (start, flashes, beeps)
        for f, b, w in zip(flashes, beeps, want):
            assert abs(f - w) < Fraction(1, 24) and abs(b - f) < Fraction(1, 48), (start, f, b, w)
