"""Picture subtitles (Blu-ray PGS, DVD) burned into GIFs and stills as their own pictures, at their own times,
scaled with the frame.

ffmpeg has no PGS encoder, so the tests write PGS by hand (``tv_media.write_pgs``: opaque boxes of known colour,
place and time); DVD subtitles are ffmpeg's transcoding of that PGS (bitmap to bitmap), which keeps each
picture's start but not its end (each stays up until the next), so the DVD checks look at starts only.
"""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction as F

import numpy as np
import pytest
from PIL import Image

from clipkit import make_gif, still
from tv_media import make_with_pictures, write_pgs

YELLOW, CYAN, GREY = (255, 255, 0), (0, 200, 255), (48, 48, 48)
# Box 1 (yellow, bottom middle) 1.0–2.0 s; box 2 (cyan, top left) 3.0–4.0 s — on a 320×180 canvas.
EVENTS = [(F(1), F(2), (40, 120, 240, 40), YELLOW), (F(3), F(4), (20, 20, 100, 30), CYAN)]


@pytest.fixture(scope="module")
def discs(tmp_path_factory):
    d = tmp_path_factory.mktemp("pictures")
    sup = write_pgs(d / "subs.sup", (320, 180), EVENTS)
    return {kind: make_with_pictures(d / f"{kind}.{'m2ts' if kind == 'm2ts' else 'mkv'}", sup, kind=kind)
            for kind in ("pgs", "m2ts", "dvd")}


def near(px, colour, tol=40) -> bool:
    return float(np.linalg.norm(np.asarray(px[:3], float) - colour)) < tol


def at(image: np.ndarray, x: float, y: float):
    """The pixel at a place given on the 320×180 canvas, whatever the image's size."""
    h, w = image.shape[:2]
    return image[int(y * h / 180), int(x * w / 320)]


@pytest.mark.parametrize("kind", ["pgs", "m2ts"])
def test_pgs_pictures_at_their_times_in_stills(discs, kind, tmp_path):
    for t, bottom, top in ((F(1, 2), GREY, GREY), (F(6, 5), YELLOW, GREY), (F(19, 10), YELLOW, GREY),
                           (F(5, 2), GREY, GREY), (F(7, 2), GREY, CYAN), (F(9, 2), GREY, GREY)):
        art = still(discs[kind], t, tmp_path / f"{t}.png", subs="track:0", width=640)  # 2× the canvas: scaled too
        img = np.asarray(Image.open(art.path).convert("RGB"))
        assert near(at(img, 160, 140), bottom) and near(at(img, 60, 35), top), (kind, t)
        assert near(at(img, 5, 5), GREY)


def test_dvd_pictures_start_on_time(discs, tmp_path):
    for t, bottom in ((F(1, 2), GREY), (F(6, 5), YELLOW)):
        img = np.asarray(Image.open(still(discs["dvd"], t, tmp_path / f"d{t}.png", subs="lang:jpn").path).convert("RGB"))
        assert near(at(img, 160, 140), bottom), t
    img = np.asarray(Image.open(still(discs["dvd"], F(7, 2), tmp_path / "d2.png", subs="track:0").path).convert("RGB"))
    assert near(at(img, 60, 35), CYAN, tol=60)  # DVD palettes are coarse: (0, 255, 255)


def test_a_gif_from_a_blu_ray_rip_gets_its_dialogue_by_default(discs, tmp_path):
    art = make_gif(discs["m2ts"], F(1, 2), F(5, 2), tmp_path / "g.gif", width=320, fps=10)
    assert any("pictures" in n for n in art.notes)
    im = Image.open(art.path)
    shown = []
    for i in range(im.n_frames):
        im.seek(i)
        img = np.asarray(im.convert("RGB"))
        shown += [near(at(img, 160, 140), YELLOW)] * round(im.info["duration"] / 100)
    # 10 fps from 0.5 s: the box is up on ticks 5..14 (1.0 s to 1.9 s) and on no other.
    assert shown == [False] * 5 + [True] * 10 + [False] * 5


def test_a_typed_caption_says_it_replaces_the_picture_dialogue(discs, tmp_path):
    """--caption over a rip whose only dialogue is PGS pictures dropped them without a word (a text track
    gets "--caption replaces the dialogue …"); the note says so, and naming the track shows both."""
    art = make_gif(discs["pgs"], F(1, 2), F(5, 2), tmp_path / "c.gif", width=320, fps=10, caption="He knew.",
                   record=False)
    assert any("caption= replaces the dialogue" in n and "pictures" in n for n in art.notes), art.notes
    both = make_gif(discs["pgs"], F(1, 2), F(5, 2), tmp_path / "b.gif", width=320, fps=10, caption="He knew.",
                    subs="track:0", record=False)
    assert not any("replaces" in n for n in both.notes), both.notes


@pytest.mark.parametrize("kind", ["pgs", "m2ts"])
def test_a_clip_burns_the_pictures_at_their_times(discs, kind, tmp_path):
    # before: the clip's note said "burned as the disc/broadcast drew them" and the clip had none
    from clipkit import make_clip
    from clipkit.media.frames import read_frames

    art = make_clip(discs[kind], F(3, 2), F(7, 2), tmp_path / "c.mp4", poster=False, width=640)
    assert any("pictures" in n for n in art.notes)
    shown = {}
    for frame in read_frames(art.path, width=320, height=180):
        shown[frame.time] = (near(at(frame.image, 160, 140), YELLOW), near(at(frame.image, 60, 35), CYAN))
    # The yellow box (1.0–2.0 s, begun before START) is up 0–0.5 s of the clip, the cyan one (3.0–4.0 s) from 1.5 s.
    assert all(v == (t < F(1, 2), t >= F(3, 2)) for t, v in shown.items()), shown
    assert len(shown) >= 40


def test_a_clip_from_a_dvd_program_stream_burns_the_pictures_at_their_times(discs, tmp_path):
    """A .vob clip with DVD pictures.  Before: ffmpeg laid them over every frame from the first (0.5 s early here:
    an input that uses only the subtitle track starts its clock at the first subtitle, not where the file starts),
    so the clip burned none and said `clipkit gif`/`still` would; now the program stream is read on its own clock
    (-copyts) as gif/still read it, and the pictures come on at their times."""
    from clipkit import make_clip
    from clipkit.media.frames import read_frames
    from media import ffmpeg

    vob = tmp_path / "title.vob"
    ffmpeg("-i", discs["dvd"], "-map", "0", "-c:v", "mpeg2video", "-q:v", "2", "-c:s", "copy", "-f", "dvd", vob)
    art = make_clip(vob, F(1, 2), F(7, 2), tmp_path / "c.mp4", poster=False, subs="track:0")
    assert any("burned as the disc" in n for n in art.notes) and not any("not burned" in n for n in art.notes), art.notes
    shown = {}
    for frame in read_frames(art.path, width=320, height=180):
        # (the .vob carries no palette: ffmpeg's default draws both boxes white on the grey)
        shown[frame.time] = (at(frame.image, 160, 140).min() > 200, at(frame.image, 60, 35).min() > 200)
    # The bottom box begins at 1.0 s (clip 0.5 s) and stays up until the top one, at 3.0 s (clip 2.5 s): DVD
    # subtitles keep their starts, each stays until the next.
    assert all(v == (F(1, 2) <= t < F(5, 2), t >= F(5, 2)) for t, v in shown.items()), [(float(t), v) for t, v in sorted(shown.items())]
    assert len(shown) >= 70


def test_info_says_pictures(discs):
    res = subprocess.run([sys.executable, "-m", "clipkit", "info", str(discs["m2ts"])], capture_output=True, text=True)
    assert "hdmv_pgs_subtitle (pictures)" in res.stdout


def test_a_picture_subtitle_file_given_to_subs_says_how_to_burn_it(tmp_path):
    # a .sup beside a Blu-ray rip: before, "not a subtitle file clipkit can read (FormatAutodetectionError…)";
    # now it says what it is and the way that works (as a track, --subs track:N)
    from clipkit.errors import InputError
    from clipkit.subtitles.files import load_subtitle_file

    sup = write_pgs(tmp_path / "ep07.sup", (320, 180), EVENTS)
    idx = tmp_path / "ep07.idx"
    idx.write_text("# VobSub index file, v7 (do not modify this line!)\nsize: 720x480\n", encoding="ascii")
    for path, kind in ((sup, "Blu-ray (PGS)"), (idx, "DVD (VobSub)")):
        with pytest.raises(InputError) as err:
            load_subtitle_file(path)
        assert f"is a {kind} picture subtitle file" in err.value.message and "subs='track:N'" in err.value.hint  # the API's keyword
