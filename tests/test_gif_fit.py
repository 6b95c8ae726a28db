"""``--max-size`` walks the quality curve (pipeline/gif_fit.py), with the real encoder on a generated clip.

The clip: 2 s of slowly moving colour gradients with light grain, 320×180 at 25 fps — every
frame changes, so the bytes follow quality, frame rate and width as on real footage.  Each
budget is a share of what the encoder itself gives at known settings, so the test knows which
settings can fit: the fit must keep what it may keep (width, then frame rate), use the budget
(≥ 0.8 of it) and never go over.
"""

from __future__ import annotations

import re

import pytest
from PIL import Image

from clipkit import make_gif
from clipkit.errors import OutputError
from clipkit.pipeline.gif_fit import LAST_FIT_QUALITY, MIN_FIT_QUALITY, MIN_FIT_WIDTH
from clipkit.settings_apply import parse_size
from media import ffmpeg

ASKED = dict(width=320, fps=20, quality=90, record=False)


@pytest.fixture(scope="module")
def grain(tmp_path_factory):
    path = tmp_path_factory.mktemp("fit") / "gradients.mkv"
    ffmpeg("-f", "lavfi", "-i", "gradients=s=320x180:r=25:d=2:speed=0.03:n=5:seed=7",
           "-vf", "noise=alls=3:allf=t,format=yuv420p", "-c:v", "libx264", "-crf", "16", path)
    return path


def played(path) -> tuple[int, int, list[int]]:
    """Width, frame count and delays (cs) of a GIF as Pillow plays it."""
    im = Image.open(path)
    delays = []
    for i in range(im.n_frames):
        im.seek(i)
        delays.append(round(im.info["duration"] / 10))
    return im.size[0], im.n_frames, delays


def chosen_quality(notes) -> int:
    note = next(n for n in notes if n.startswith("fitted under"))
    return int(re.search(r"quality (\d+)", note).group(1))


_FREE: dict[tuple, int] = {}


def size_at(grain, tmp_path, **kw) -> int:
    """The bytes of the clip's GIF at these settings without a budget (each made once per run: two tests ask for
    the floor quality at 10 fps)."""
    key = (str(grain), *sorted(kw.items()))
    if key not in _FREE:
        _FREE[key] = make_gif(grain, "0", "2", tmp_path / f"free-{len(list(tmp_path.iterdir()))}.gif", **{**ASKED, **kw}).bytes
    return _FREE[key]


def test_a_budget_that_needs_a_lower_quality_keeps_width_and_frame_rate_and_uses_the_budget(grain, tmp_path):
    budget = int(size_at(grain, tmp_path) * 0.6)  # about quality 68 on this clip; MIN_FIT_QUALITY (60) is ~0.47×
    art = make_gif(grain, "0", "2", tmp_path / "fit.gif", max_size=budget, **ASKED)
    width, frames, delays = played(art.path)
    assert 0.8 * budget <= art.bytes <= budget and art.path.stat().st_size == art.bytes
    assert width == 320 and frames == 40 and set(delays) == {5}  # the asked 20 fps, every frame kept
    assert MIN_FIT_QUALITY < chosen_quality(art.notes) < 90


def test_a_tighter_budget_drops_frames_before_pixels(grain, tmp_path):
    budget = int(size_at(grain, tmp_path, quality=MIN_FIT_QUALITY) * 0.8)  # the floor quality at 20 fps is over
    art = make_gif(grain, "0", "2", tmp_path / "fit.gif", max_size=budget, **ASKED)
    width, frames, delays = played(art.path)
    assert 0.8 * budget <= art.bytes <= budget
    assert width == 320 and frames < 40 and sum(delays) == 200  # fewer frames, same 2 s, full width
    assert chosen_quality(art.notes) >= MIN_FIT_QUALITY


def test_narrower_only_at_the_lowest_rate_and_floor_quality(grain, tmp_path):
    budget = int(size_at(grain, tmp_path, quality=MIN_FIT_QUALITY, fps=10) * 0.7)
    art = make_gif(grain, "0", "2", tmp_path / "fit.gif", max_size=budget, **ASKED)
    width, frames, delays = played(art.path)
    assert 0.8 * budget <= art.bytes <= budget
    assert MIN_FIT_WIDTH <= width < 320 and frames == 20 and set(delays) == {10}
    assert chosen_quality(art.notes) == MIN_FIT_QUALITY


def test_below_the_readable_width_only_the_quality_goes_on_down(grain, tmp_path):
    budget = int(size_at(grain, tmp_path, quality=MIN_FIT_QUALITY, fps=10, width=MIN_FIT_WIDTH) * 0.8)
    art = make_gif(grain, "0", "2", tmp_path / "fit.gif", max_size=budget, **ASKED)
    width, frames, delays = played(art.path)
    assert 0.8 * budget <= art.bytes <= budget
    assert width == MIN_FIT_WIDTH and set(delays) == {10}
    assert LAST_FIT_QUALITY <= chosen_quality(art.notes) < MIN_FIT_QUALITY


def test_a_budget_nothing_readable_fits_is_refused_with_what_would(grain, tmp_path):
    smallest = make_gif(grain, "0", "2", tmp_path / "small.gif", width=MIN_FIT_WIDTH, fps=10, quality=LAST_FIT_QUALITY,
                        record=False)
    smallest.path.unlink()
    with pytest.raises(OutputError) as err:
        make_gif(grain, "0", "2", tmp_path / "fit.gif", max_size=int(smallest.bytes * 0.9), **ASKED)
    assert f"{MIN_FIT_WIDTH}×135, 10 fps" in str(err.value) and "would fit" in err.value.hint
    assert "or a range about" in err.value.hint and "% as long" in err.value.hint
    assert list(tmp_path.iterdir()) == []


def test_a_budget_of_a_few_bytes_is_said_in_bytes_and_no_range_is_suggested(grain, tmp_path):
    # --max-size 10 is ten bytes: not "0 KB", and no "a range about 0% as long"
    with pytest.raises(OutputError) as err:
        make_gif(grain, "0", "2", tmp_path / "fit.gif", max_size=10, **ASKED)
    assert "fit in 10 bytes" in str(err.value), str(err.value)
    assert "would fit" in err.value.hint and "range" not in err.value.hint
    assert list(tmp_path.iterdir()) == []


def test_the_size_a_refusal_offers_is_one_max_size_takes_and_a_gif_fits_in_it(tmp_path):
    # a calm clip's smallest GIF is under 10 KB: the hint offered "9678bytes", which max_size refused
    calm = tmp_path / "calm.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=c=0x3060a0:s=320x180:r=25:d=1", "-c:v", "libx264", "-crf", "16", calm)
    with pytest.raises(OutputError) as err:
        make_gif(calm, "0", "1", tmp_path / "fit.gif", max_size=10, **ASKED)
    offered = re.search(r"max_size=['\"]?([^'\"\s]+)['\"]? would fit", err.value.hint)
    assert offered and parse_size(offered.group(1)) < 10_000, err.value.hint
    art = make_gif(calm, "0", "1", tmp_path / "fit.gif", max_size=offered.group(1), **ASKED)
    assert art.bytes <= parse_size(offered.group(1))


def test_running_out_of_tries_says_so_and_writes_nothing(grain, tmp_path):
    budget = int(size_at(grain, tmp_path, quality=MIN_FIT_QUALITY, fps=10) * 0.7)  # needs the width stage
    with pytest.raises(OutputError) as err:
        make_gif(grain, "0", "2", tmp_path / "fit.gif", max_size=budget, max_tries=1, **ASKED)
    assert "in 1 try (max_tries)" in str(err.value) and "max_tries = 5" in err.value.hint
    assert not (tmp_path / "fit.gif").exists()
