"""HDR (PQ and HLG, BT.2020) sources come out as the SDR picture they stand for.

The sources are SDR colour bars converted to PQ or HLG with SDR white at 203 cd/m²
(BT.2408) — so the right SDR rendering is the original bars.  Decoded as SDR (the old
behaviour) the PQ red bar is about 134,82,55: more than 100 away.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from clipkit import make_gif, still
from clipkit.media.hdr import hdr_kind
from clipkit.media.probe import probe
from tv_media import BARS, make_hdr_bars, make_hdr_dissolve

CLOSE = 30  # RGB distance per bar (the 10-bit codec and 4:2:0 chroma cost a little near black)


def bars_of(image: np.ndarray) -> list[np.ndarray]:
    h, w = image.shape[:2]
    step = w // len(BARS)
    return [image[h // 2, step * k + step // 2, :3].astype(float) for k in range(len(BARS))]


@pytest.mark.parametrize("transfer,codec,kind", [
    ("smpte2084", "libx265", "HDR10 (PQ)"), ("smpte2084", "libx264", "HDR10 (PQ)"), ("arib-std-b67", "libx265", "HLG"),
])
def test_hdr_bars_come_out_as_the_sdr_bars(tmp_path, transfer, codec, kind):
    src = make_hdr_bars(tmp_path / "bars.mkv", transfer, codec=codec)
    assert hdr_kind(probe(src).video) == kind
    png = np.asarray(Image.open(still(src, Fraction(1, 4), tmp_path / "s.png").path).convert("RGB"))
    for got, want in zip(bars_of(png), BARS):
        assert np.linalg.norm(got - want) < CLOSE, (got, want)
    gif = Image.open(make_gif(src, Fraction(0), Fraction(1, 4), tmp_path / "g.gif", width=384).path)
    for got, want in zip(bars_of(np.asarray(gif.convert("RGB"))), BARS):
        assert np.linalg.norm(got - want) < CLOSE, (got, want)


def test_sdr_is_left_alone(tmp_path):
    from tv_media import ffmpeg

    src = tmp_path / "sdr.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=0xBF0000:s=64x64:r=24:d=0.5", "-c:v", "libx264", "-pix_fmt", "yuv420p", src)
    assert hdr_kind(probe(src).video) is None
    got = np.asarray(Image.open(still(src, Fraction(1, 4), tmp_path / "s.png").path).convert("RGB"))[32, 32]
    assert np.linalg.norm(got.astype(float) - (191, 0, 0)) < 12


def test_hdr_at_an_odd_size(tmp_path):
    """A strip's tiles and a typed --width are often odd (325×183): zimg refused 4:2:0 there, so
    every HDR strip and any odd-sized HDR still or GIF failed with "no frames could be decoded"."""
    from clipkit import make_strip

    src = make_hdr_bars(tmp_path / "bars.mkv", "smpte2084", codec="libx264")
    art = still(src, Fraction(1, 4), tmp_path / "s.png", width=191)
    png = np.asarray(Image.open(art.path).convert("RGB"))
    assert png.shape[1] == 191
    for got, want in zip(bars_of(png), BARS):
        assert np.linalg.norm(got - want) < CLOSE, (got, want)
    gif = Image.open(make_gif(src, Fraction(0), Fraction(1, 4), tmp_path / "g.gif", width=383).path)
    assert gif.size[0] == 383
    for got, want in zip(bars_of(np.asarray(gif.convert("RGB"))), BARS):
        assert np.linalg.norm(got - want) < CLOSE, (got, want)
    sheet = make_strip(src, tmp_path / "strip.png", layout="row", count=3, width=1000, labels=False)
    from clipkit.render.strip import plan_layout

    x, y, w, h = plan_layout(3, 3, 1, width=1000, aspect=Fraction(len(BARS) * 64, 64)).tile_box(0)
    assert w % 2 == 1  # the odd tile this is about
    tile = np.asarray(Image.open(sheet.path).convert("RGB"))[y:y + h, x:x + w]
    for got, want in zip(bars_of(tile), BARS):
        assert np.linalg.norm(got - want) < CLOSE, (got, want)


def test_a_strips_header_says_the_source_is_hdr(tmp_path):
    # its tiles are tone-mapped: the header's facts say what the file is (was "hevc" alone)
    from clipkit.pipeline.strip import _facts

    assert "hevc HLG" in _facts(probe(make_hdr_bars(tmp_path / "hlg.mkv", "arib-std-b67", codec="libx265")))
    sdr = tmp_path / "sdr.mkv"
    from tv_media import ffmpeg

    ffmpeg("-f", "lavfi", "-i", "color=c=0xBF0000:s=64x64:r=24:d=0.5", "-c:v", "libx264", "-pix_fmt", "yuv420p", sdr)
    facts = _facts(probe(sdr))
    assert "h264" in facts and "HDR" not in facts and "HLG" not in facts


def test_a_bright_to_dim_dissolve_in_pq_is_found_where_it_is(tmp_path):
    """A shot with highlights at 1218 cd/m² dissolving (in its PQ signal) into one at 40 % of SDR's light over
    frames 60–84: scene detection sees HDR through a curve of its own (SDR's up to reference white, log
    above), not the display tone map.  Before: the tone map kept the highlights flat near white until they
    came down to its roll-off — the dissolve began at frame 69 (of 60), its middle at 76 (of 72)."""
    from clipkit import detect_scenes

    path = make_hdr_dissolve(tmp_path / "bright.mkv", 6, 0.4)
    found = detect_scenes(path, cache=False, fast=False)
    assert not found.cuts and [t.kind for t in found.transitions] == ["dissolve"], (found.cuts, found.transitions)
    got = found.transitions[0]
    assert abs(got.start - Fraction(5, 2)) <= Fraction(3, 24), float(got.start * 24)
    assert abs(got.middle - 3) <= Fraction(3, 24), float(got.middle * 24)
    assert abs(got.end - Fraction(7, 2)) <= Fraction(6, 24), float(got.end * 24)


@pytest.mark.parametrize("seconds,passes", [(0.5, {"one_pass_frames": 0}), (0.5, {"fast": False}), (1, {"one_pass_frames": 0})],
                         ids=["short coarse", "short one pass", "coarse"])
def test_a_bright_to_dim_dissolve_in_pq_is_not_a_cut(tmp_path, seconds, passes):
    """The bright-to-dim dissolve blended in PQ, also over 0.5 s (frames 60–72, its middle at 2.75 s) and with the
    coarse pass.  Its first blended frame (61) steps far — a few per cent of the dim shot's PQ signal brings the
    saturated bars' channels that were near zero up the detection curve's steep toe (the green bar whitens; the
    display's tone map shows it too) — and scored as a cut: 50.5 in the coarse pass, 37.4 at full rate over 0.5 s
    (42.7 in the coarse pass over 1 s), well above the frames around it.  The dissolve detector found the blend
    beginning on that very frame, and a cut anywhere in a dissolve from its first frame on threw the dissolve out:
    "cut at 2.542".  A cut on a dissolve's first blended frame is now its first step."""
    from clipkit import detect_scenes

    path = make_hdr_dissolve(tmp_path / "bright.mkv", 6, 0.4, seconds=seconds)
    found = detect_scenes(path, cache=False, **passes)
    assert not found.cuts and [t.kind for t in found.transitions] == ["dissolve"], (found.cuts, found.transitions)
    got = found.transitions[0]
    frames = Fraction(3 if seconds == 1 else 2, 24)
    assert abs(got.start - Fraction(5, 2)) <= frames, float(got.start * 24)
    assert abs(got.middle - Fraction(5, 2) - Fraction(seconds) / 2) <= frames, float(got.middle * 24)
    assert abs(got.end - Fraction(5, 2) - Fraction(seconds)) <= 2 * frames - Fraction(1, 24), float(got.end * 24)


def test_an_sdr_dissolve_carried_in_pq_is_found_as_in_sdr(tmp_path):
    """The same dissolve blended as SDR, then carried in PQ (SDR white at 203 cd/m²): the detection curve is
    SDR's below reference white, so it is found where it is (middle at frame 72, as the SDR file's)."""
    from clipkit import detect_scenes

    path = make_hdr_dissolve(tmp_path / "sdr_in_pq.mkv", 1, 1, graded_in="sdr")
    found = detect_scenes(path, cache=False, fast=False)
    assert not found.cuts and [t.kind for t in found.transitions] == ["dissolve"], (found.cuts, found.transitions)
    got = found.transitions[0]
    assert abs(got.start - Fraction(5, 2)) <= Fraction(3, 24) and abs(got.end - Fraction(7, 2)) <= Fraction(3, 24)
    assert abs(got.middle - 3) <= Fraction(1, 24), float(got.middle * 24)


@pytest.mark.parametrize("passes", [{}, {"one_pass_frames": 0}], ids=["one pass", "coarse"])
def test_the_hard_cuts_clip_carried_in_pq_has_the_sdr_files_cuts(tmp_path, passes):
    """The scene tests' hard-cut clip (five unrelated shots) converted to PQ as an SDR programme in HDR is.
    Before: its cut at 6.0 s (a dim, fine-grained shot into a busy black-and-white one) was missed — score 57.8
    against the 62.8 the busy shot after it asks (1.4 × its 44.9), SDR 65.7 against 61.0: the detection curve
    (BT.709's camera curve) did not undo zscale's BT.1886 (dark shots came out about half as bright, their
    colour under the near-black mask) and the shrink averaged in PQ's signal."""
    import scenes_media
    from clipkit import detect_scenes
    from tv_media import sdr_in_pq

    sdr, truth = scenes_media.hard_cuts(tmp_path)
    pq = sdr_in_pq(sdr, tmp_path / "cuts_pq.mkv")
    assert hdr_kind(probe(pq).video) == "HDR10 (PQ)"
    scores = []
    for path in (sdr, pq):
        found = detect_scenes(path, cache=False, **passes)
        got = [c.time for c in found.cuts]
        assert len(got) == len(truth["cuts"]) and not found.transitions, (path.name, [float(t) for t in got])
        for g, t in zip(got, truth["cuts"]):
            assert abs(g - Fraction(t)) <= Fraction(1, 24), (path.name, float(g), t)
        scores.append([c.score for c in found.cuts])
    if not passes:
        # The same pictures score as in SDR (every frame decoded: the scores are of neighbouring frames).  Before,
        # the features measured PQ's frames in their own levels, reference white at 60 % of SDR's (the colour
        # of darker pixels masked, fainter): 121.3, 103.3, 67.4, 62.6 against SDR's 137.8, 111.8, 68.4, 65.7.
        for s, p in zip(*scores):
            assert abs(p - s) <= 0.06 * s, (scores)


def test_dark_colour_grade_cuts_carried_in_pq_are_found_as_in_sdr(tmp_path):
    """Colour-only cuts in a night scene (the colour-grade clip at 15 % light: white at luma 49): found in SDR
    (scores 41.7, 40.4, 46.5 against the threshold 35).  Carried in PQ two were lost (scores 31.2, 26.3, 37.1): detection's picture of HDR has reference white at 60 % of the range, so these shots' pixels fell
    under the near-black colour mask and their colour, divided by brightness plus a constant, came out fainter.
    The features now measure HDR frames in SDR's levels."""
    import scenes_media
    from clipkit import detect_scenes
    from tv_media import sdr_in_pq

    sdr, truth = scenes_media.colour_cuts(tmp_path, light=0.15)
    pq = sdr_in_pq(sdr, tmp_path / "colour_pq.mkv")
    for path in (sdr, pq):
        found = detect_scenes(path, cache=False)
        got = [c.time for c in found.cuts]
        assert len(got) == len(truth["cuts"]) and not found.transitions, (path.name, [float(t) for t in got])
        for g, t in zip(got, truth["cuts"]):
            assert abs(g - Fraction(t)) <= Fraction(1, 24), (path.name, float(g), t)


def test_the_detection_curve_is_sdrs_up_to_reference_white_and_log_above(tmp_path):
    from clipkit.media.frames import read_frames
    from clipkit.media.hdr import detection_curve
    from tv_media import PQ_HEVC, SDR_TO_PQ, ffmpeg

    white = detection_curve(1)
    for light in (0.01, 0.1, 0.5, 1):  # BT.1886's inverse (zscale's bt709), scaled
        assert abs(detection_curve(light) - white * light ** (1 / 2.4)) < 1e-9
    # above: each doubling of light moves it as far (log), up to 1000 cd/m² at 1
    steps = [detection_curve(2 ** k * 1.2) - detection_curve(2 ** (k - 1) * 1.2) for k in (1, 2)]
    assert abs(steps[0] - steps[1]) < 1e-9 and steps[0] > 0.15
    assert abs(detection_curve(1000 / 203) - 1) < 1e-9 and detection_curve(4000 / 203) == 1
    # SDR greys carried in PQ come out of the filters (a table on the PQ signal) as the SDR greys, scaled
    levels = [16, 40, 80, 126, 180, 235]
    bars = ";".join(f"color=c=0x{v:02X}{v:02X}{v:02X}:s=32x32:r=24:d=0.25,format=yuv444p[c{k}]" for k, v in enumerate(levels))
    src = tmp_path / "greys.mkv"
    ffmpeg("-filter_complex", f"{bars};{''.join(f'[c{k}]' for k in range(len(levels)))}hstack={len(levels)},"
           f"{SDR_TO_PQ}[v]", "-map", "[v]", *PQ_HEVC, src)
    y = next(read_frames(src, width=len(levels) * 32, pix_fmt="yuv444p", detection=True)).image[0].astype(float)
    for k, v in enumerate(levels):
        sdr = 16 + 219 * v / 255  # the RGB grey as the SDR file's luma
        assert abs(y[16, 32 * k + 16] - (16 + white * (sdr - 16))) < 2.5, (v, y[16, 32 * k + 16], 16 + white * (sdr - 16))
