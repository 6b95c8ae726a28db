"""Stills against the sample's truth and a variable-frame-rate clip of known frames."""

from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from clipkit import still
from clipkit.errors import TimecodeError, UsageError
from clipkit.media.frames import read_frames
from media import level_of, make_counter_clip


def mean_of(path) -> float:
    return float(np.asarray(Image.open(path).convert("L")).mean())


def test_the_flash_frame_is_hit_exactly(sample, truth, tmp_path):
    flash = Fraction(truth["flashes"][0]).limit_denominator(1000)
    frame = Fraction(1, truth["fps"])
    assert mean_of(still(sample, flash, tmp_path / "on.png").path) > 250
    assert mean_of(still(sample, flash + frame - Fraction(1, 1000), tmp_path / "end.png").path) > 250
    assert mean_of(still(sample, flash - Fraction(1, 1000), tmp_path / "before.png").path) < 200
    assert mean_of(still(sample, flash + frame, tmp_path / "after.png").path) < 200


def test_black_span_and_formats(sample, truth, tmp_path):
    lo, hi = truth["black"][0]
    art = still(sample, str((lo + hi) / 2), tmp_path / "black.jpg", width=320)
    assert mean_of(art.path) < 8
    assert (art.width, art.height) == (320, 180)
    assert Image.open(art.path).format == "JPEG"
    webp = still(sample, "3", tmp_path / "a.webp")
    assert Image.open(webp.path).format == "WEBP" and (webp.width, webp.height) == (640, 360)


def test_best_skips_black_and_flash(sample, truth, tmp_path):
    flash = truth["flashes"][0]
    art = still(sample, str(flash), tmp_path / "best.png", best=True)
    assert art.start != Fraction(flash).limit_denominator(1000)
    assert 40 < mean_of(art.path) < 230
    lo, hi = truth["black"][0]
    art = still(sample, str(lo + 0.6), tmp_path / "best2.png", best=True, best_window=Fraction(1))
    assert mean_of(art.path) > 20  # left the black hold for a frame with content


def test_cut_is_frame_accurate(sample, truth, tmp_path):
    cut = Fraction(truth["cuts"][0])
    before = list(read_frames(sample, start=cut - Fraction(1, 24), end=cut + Fraction(1, 24), width=64))
    assert [f.time for f in before] == [cut - Fraction(1, 24), cut]
    a, b = (f.image.astype(int) for f in before)
    assert np.abs(a - b).mean() > 30  # two different shots either side of the cut


def test_variable_frame_rate_stills_land_on_the_right_frame(tmp_path):
    durations = [40] * 10 + [100] * 5 + [20] * 10 + [40] * 5
    starts = make_counter_clip(tmp_path / "vfr.mkv", durations, gop=7)
    for k in (0, 3, 9, 10, 12, 14, 15, 21, 24, 29):
        mid = starts[k] + Fraction(durations[k], 2000)
        for t in (starts[k], mid):
            got = mean_of(still(tmp_path / "vfr.mkv", t, tmp_path / f"f{k}.png").path)
            assert abs(got - level_of(k)) < 4, (k, t, got)


def test_bad_requests(sample, tmp_path):
    with pytest.raises(TimecodeError, match="past the end"):
        still(sample, "1:05", tmp_path / "x.png")
    with pytest.raises(TimecodeError, match="negative"):
        still(sample, "-3", tmp_path / "x.png")
    with pytest.raises(UsageError, match=".gif"):
        still(sample, "3", tmp_path / "x.gif")
    assert list(tmp_path.iterdir()) == []
