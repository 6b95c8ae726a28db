"""The commands working together: GIFs of a shot or snapped to cuts, presets on single commands."""

from fractions import Fraction

import pytest
from PIL import Image

from clipkit import make_gif
from clipkit.errors import UsageError
from clirun import run


@pytest.mark.slow
def test_gif_of_a_whole_shot(sample, truth, tmp_path):
    art = make_gif(sample, output=tmp_path / "shot2.gif", scene=2, width=96, fps=5, subs="off")
    assert (art.start, art.end) == tuple(Fraction(t) for t in truth["shots"][1])


@pytest.mark.slow
def test_snap_moves_the_ends_onto_the_cuts(sample, truth, tmp_path):
    a, b = truth["cuts"][0], truth["cuts"][1]  # 8 and 15: one shot between two hard cuts
    art = make_gif(sample, str(a - 0.3), str(b - 0.25), tmp_path / "snap.gif", snap=True, width=96, fps=5, subs="off")
    assert (art.start, art.end) == (a, b)
    far = make_gif(sample, str(a + 2), str(a + 3), tmp_path / "far.gif", snap=True, width=96, fps=5, subs="off")
    assert (far.start, far.end) == (a + 2, a + 3)  # no cut within half a second: unchanged


def test_scene_and_times_together_is_a_usage_error(sample, tmp_path):
    with pytest.raises(UsageError, match="not both"):
        make_gif(sample, "3", "5", tmp_path / "x.gif", scene=2)
    with pytest.raises(UsageError, match=r"needs start and end \(or scene=N"):  # as Python names them
        make_gif(sample, output=tmp_path / "x.gif")
    assert not list(tmp_path.iterdir())


def test_platform_preset_and_typed_flags_layer(sample, tmp_path):
    res = run("gif", sample, "3", "+1", "--platform", "tumblr", "--fps", "5", "--subs", "off", "-o", tmp_path / "t.gif")
    assert res.returncode == 0, res.stderr
    assert Image.open(tmp_path / "t.gif").size[0] == 540  # the tumblr preset's width
    res = run("gif", sample, "3", "+1", "--platform", "tumblr", "--width", "200", "--fps", "5", "--subs", "off",
              "-o", tmp_path / "w.gif")
    assert res.returncode == 0 and Image.open(tmp_path / "w.gif").size[0] == 200  # typed beats preset
    bad = run("gif", sample, "3", "+1", "--preset", "nosuch", "-o", tmp_path / "n.gif")
    assert bad.returncode == 2 and "unknown preset 'nosuch'" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "n.gif").exists()


def test_series_preset_on_a_still(sample, tmp_path):
    preset = tmp_path / "show.toml"
    preset.write_text('[series]\noutput = "out"\n[still]\nwidth = 320\n[embed]\ncredit = "Fuji <TV>"\n', encoding="utf-8")
    res = run("still", sample, "12", "--preset", preset, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    made = list((tmp_path / "out").glob("*.png"))
    assert len(made) == 1 and Image.open(made[0]).size == (320, 180)
    assert "Fuji &lt;TV&gt;" in res.stdout
    typo = tmp_path / "typo.toml"
    typo.write_text("[still]\nwidht = 320\n", encoding="utf-8")
    res = run("still", sample, "12", "--preset", typo, cwd=tmp_path)
    assert res.returncode == 2 and "widht" in res.stderr and "width" in res.stderr
