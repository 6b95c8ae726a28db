"""Captions in real GIFs: drawn before quantisation, on the right frames, in their exact colour."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from PIL import Image

from clipkit.pipeline.gif import make_gif
from clipkit.render.captions import STYLES

from test_fonts import needs_cjk

YELLOW = np.array(STYLES["yellow"].fill)
WHITE = np.array(STYLES["classic"].fill)


def gif_frames(path) -> list[tuple[float, np.ndarray]]:
    """(start time in seconds of play, RGB array) for every frame of a GIF, decoded with Pillow."""
    out, t = [], 0.0
    with Image.open(path) as im:
        for i in range(im.n_frames):
            im.seek(i)
            out.append((t, np.asarray(im.convert("RGB"))))
            t += im.info["duration"] / 1000
    return out


def exact(img: np.ndarray, colour: np.ndarray, rows: slice = slice(None)) -> int:
    return int((img[rows] == colour).all(axis=2).sum())


@pytest.fixture(scope="module")
def yellow_gif(sample, tmp_path_factory):
    """23.5–25.5 s of the sample (the line "He knew. He always knew." starts at 24.0), yellow captions."""
    out = tmp_path_factory.mktemp("capgif") / "yellow.gif"
    art = make_gif(sample, "23.5", "25.5", out, width=320, fps=F(10), subs="track:0", caption_style="yellow")
    return art


def test_caption_keeps_its_colour_and_appears_when_the_line_starts(yellow_gif, truth):
    line = truth["subtitles"][4]
    assert yellow_gif.captions == (line["eng"],)
    frames = gif_frames(yellow_gif.path)
    h = frames[0][1].shape[0]
    bottom = slice(h // 2, h)
    for t, img in frames:
        file_time = 23.5 + t
        count = exact(img, YELLOW, bottom)
        if file_time < line["start"] - 0.001:
            assert count < 5, f"caption pixels at {file_time:.2f}s, before the line starts"
        else:
            # the text's solid pixels survive quantisation in exactly the caption colour
            assert count > 150, f"only {count} exact caption-colour pixels at {file_time:.2f}s"


def test_caption_pixels_are_where_the_text_is(yellow_gif):
    frames = gif_frames(yellow_gif.path)
    t, img = frames[-1]
    mask = (img == YELLOW).all(axis=2)
    rows, cols = np.nonzero(mask)
    h, w = mask.shape
    assert rows.min() > h * 0.6 and rows.max() < h * 0.97  # bottom, inside the margin
    centre = (cols.min() + cols.max()) / 2
    assert abs(centre - w / 2) < w * 0.05  # centred


@needs_cjk
def test_japanese_gif_at_540(sample, truth, tmp_path):
    """The issue's done-when: a Japanese line, legible at 540 px, white text intact after quantisation."""
    line = truth["subtitles"][1]  # 4.0–7.5, two lines
    art = make_gif(sample, "5", "6", tmp_path / "ja.gif", width=540, fps=F(10), subs="lang:jpn")
    assert art.captions == (line["jpn"],)
    frames = gif_frames(art.path)
    img = frames[len(frames) // 2][1]
    Image.fromarray(img).save(tmp_path / "ja-frame.png")
    h = img.shape[0]
    assert exact(img, WHITE, slice(h // 2, h)) > 400
    # two lines of text: two separate bands of white rows
    white_rows = np.nonzero((img == WHITE).all(axis=2).sum(axis=1) > 3)[0]
    gaps = np.diff(white_rows)
    assert (gaps > 3).sum() >= 1


def test_typed_caption_over_the_whole_gif_and_off(sample, tmp_path):
    art = make_gif(sample, "9", "10", tmp_path / "typed.gif", width=240, fps=F(5), caption="One million stars")
    assert art.captions == ("One million stars",)  # replaces the auto dialogue
    for _, img in gif_frames(art.path):
        assert exact(img, WHITE) > 40
    off = make_gif(sample, "9", "10", tmp_path / "off.gif", width=240, fps=F(5), subs="off")
    assert off.captions == ()
