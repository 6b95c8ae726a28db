"""Damaged manifests never crash `clipkit embed`: they are reported and rebuilt from the files."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clipkit.cli import main as cli
from clipkit.embed import embed_files
from clipkit.errors import ClipkitError
from clipkit.manifest import MANIFEST_NAME, read_manifest, record_artifact
from embed_media import make_media


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("made")
    media = make_media(folder)
    for key in ("gif", "still", "strip"):
        record_artifact(media[key], embed={"title": f"the {key}"})
    return folder


@pytest.fixture
def folder(made, tmp_path):
    dst = tmp_path / "post"
    shutil.copytree(made, dst)
    return dst


def _entries(folder):
    return json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))["artifacts"]


@pytest.mark.parametrize("damage", [
    lambda es: [None] + es[1:],
    lambda es: [dict(es[0], embed="oops")] + es[1:],
    lambda es: [dict(es[0], width=1e400)] + es[1:],
    lambda es: [dict(es[0], height="HUGE")] + es[1:],
    lambda es: [dict(es[0], duration="1" * 5000)] + es[1:],
    lambda es: [dict(es[0], width=True)] + es[1:],
    lambda es: [dict(es[0], siblings="x")] + es[1:],
    lambda es: [{k: v for k, v in es[0].items() if k != "kind"}] + es[1:],
], ids=["null", "embed-oops", "width-1e400", "huge-int", "huge-time", "bool", "siblings-str", "no-kind"])
def test_damaged_entries_are_rebuilt_from_the_files(folder, damage):
    raw = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    names = [e["file"] for e in raw["artifacts"]]
    raw["artifacts"] = damage(raw["artifacts"])
    (folder / MANIFEST_NAME).write_text(json.dumps(raw).replace('"HUGE"', "1" * 5000), encoding="utf-8")
    res = CliRunner().invoke(cli, ["embed", "--all", str(folder), "--format", "markdown"])
    assert res.exit_code == 0, res.output
    assert "damaged" in res.output and "rebuilt" in res.output
    kept = list(folder.glob("clipkit-manifest.damaged-*.json"))
    assert len(kept) == 1  # nothing the user had is lost
    # every file is still in the post, in the order made; a file named by a damaged entry was read from the file
    assert [e.artifact.path.name for e in read_manifest(folder)] == ([names[1], names[2]] if damage(
        [{"file": "a"}, {}, {}])[0] is None else names)
    assert read_manifest(folder).damaged == []


@pytest.mark.parametrize("text", ['{"artifacts": [', "\xff\xfe garbage", "[1, 2]", "[" * 100_000, ""])
def test_a_manifest_that_is_not_json_is_rebuilt_from_the_folders_files(folder, text):
    (folder / MANIFEST_NAME).write_bytes(text.encode("latin-1"))
    result = embed_files([folder], "html", all=True)
    assert any("rebuilt" in n for n in result.notes)
    names = sorted(a.path.name for a in result.artifacts)
    assert names == sorted(p.name for p in folder.iterdir() if p.suffix in (".gif", ".png"))  # siblings go with the GIF
    assert list(folder.glob("clipkit-manifest.damaged-*.json"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                         lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
                         max_leaves=12),
       key=st.sampled_from(["file", "kind", "width", "height", "bytes", "duration", "start", "siblings", "embed",
                            "captions", "frame_count", "notes", "source"]))
def test_fuzzed_entries_never_crash(made, tmp_path, junk, key):
    folder = tmp_path / "fz"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(made, folder)
    raw = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    raw["artifacts"][0][key] = junk
    (folder / MANIFEST_NAME).write_text(json.dumps(raw), encoding="utf-8")
    try:
        result = embed_files([folder], "bbcode", all=True)
    except ClipkitError:
        return
    assert result.artifacts
