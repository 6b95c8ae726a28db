"""The manifest: what is recorded, read back exactly, safe under concurrent writers;
and the facts ``clipkit embed`` reads from files made earlier."""

from __future__ import annotations

import json
import multiprocessing
from fractions import Fraction
from pathlib import Path

import pytest

from clipkit.artifact import Artifact
from clipkit.embed.files import artifact_for, describe_file
from clipkit.errors import InputError
from clipkit.manifest import MANIFEST_NAME, find_entry, read_manifest, record_artifact
from embed_media import FRAMES, GIF_SIZE, STILL_SIZE, STRIP_SIZE, make_media


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return make_media(tmp_path_factory.mktemp("manifest"))


def test_record_and_read_back(media, tmp_path):
    gif = media["gif"]
    path = record_artifact(gif, embed={"title": "He knew.", "credit": None, "spoiler": True})
    assert path == gif.path.parent / MANIFEST_NAME
    raw = json.loads(path.read_text(encoding="utf-8"))
    entry = next(e for e in raw["artifacts"] if e["file"] == gif.path.name)
    assert entry["kind"] == "gif" and (entry["width"], entry["height"]) == GIF_SIZE
    assert entry["bytes"] == gif.path.stat().st_size and entry["sha256"] == gif.sha256
    assert entry["frame_count"] == FRAMES and entry["duration"] == "6/5" and entry["start"] == "750" and entry["end"] == "3756/5"
    assert entry["captions"] == ["He knew.", "Of course he knew."]
    assert [s["file"] for s in entry["siblings"]] == [media["mp4"].path.name, media["webp"].path.name]
    assert entry["embed"] == {"title": "He knew.", "spoiler": True}
    back = find_entry(gif.path)
    assert back.artifact == gif.with_(source=gif.source.resolve())  # every field, Fractions exact
    assert back.embed == {"title": "He knew.", "spoiler": True}
    assert find_entry(media["mp4"].path).artifact.kind == "mp4"  # a sibling is found too


def test_order_is_kept_and_a_file_made_again_replaces_its_entry(tmp_path):
    arts = [Artifact(tmp_path / f"f{i}.png", "still", 10, 10, 1, start=Fraction(i, 3)) for i in range(4)]
    for a in arts:
        record_artifact(a)
    record_artifact(arts[1].with_(width=20))
    entries = read_manifest(tmp_path)
    assert [e.artifact.path.name for e in entries] == ["f0.png", "f2.png", "f3.png", "f1.png"]
    assert entries[-1].artifact.width == 20
    assert entries[1].artifact.start == Fraction(2, 3)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".") and "part" in p.name] == []  # no temp files left


def test_times_are_exact_and_old_float_manifests_still_read(tmp_path):
    """One codec (clipkit.artifact): a 1001/30000-based time survives a round trip as text, and a
    manifest written by an older clipkit (float times) reads back to the same Fractions."""
    start, end = Fraction(1001, 30000) * 12345, Fraction(1001, 30000) * 12400
    art = Artifact(tmp_path / "a.gif", "gif", 10, 10, 1, start=start, end=end, duration=end - start)
    record_artifact(art)
    raw = json.loads((tmp_path / MANIFEST_NAME).read_text(encoding="utf-8"))["artifacts"][0]
    assert raw["start"] == "823823/2000" and raw["duration"] == str(end - start)
    assert read_manifest(tmp_path)[0].artifact == art
    old = {"clipkit_manifest": 1, "artifacts": [{
        "file": "a.gif", "kind": "gif", "width": 10, "height": 10, "bytes": 1, "duration": float(end - start),
        "frame_count": None, "source": None, "start": float(start), "end": float(end), "captions": [],
        "sha256": None, "notes": [], "embed": {"alt": "x"}, "recorded": "2026-01-01T00:00:00+00:00"}]}
    (tmp_path / MANIFEST_NAME).write_text(json.dumps(old), encoding="utf-8")
    entry = read_manifest(tmp_path)[0]
    assert (entry.artifact.start, entry.artifact.end, entry.artifact.duration) == (start, end, end - start)
    assert entry.embed == {"alt": "x"}


def _record_many(args):
    folder, worker, count = args
    for i in range(count):
        record_artifact(Artifact(Path(folder) / f"w{worker}_{i}.gif", "gif", 100 + worker, 50 + i, worker * 1000 + i))
    return worker


def test_concurrent_writers_lose_nothing(tmp_path):
    workers, count = 6, 12
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        assert sorted(pool.map(_record_many, [(str(tmp_path), w, count) for w in range(workers)])) == list(range(workers))
    entries = read_manifest(tmp_path)
    assert len(entries) == workers * count
    assert [p.name for p in tmp_path.iterdir()] == [MANIFEST_NAME]  # the lock file is gone again
    assert {e.artifact.path.name for e in entries} == {f"w{w}_{i}.gif" for w in range(workers) for i in range(count)}
    for e in entries:  # each worker's entries in its own order
        w, i = map(int, e.artifact.path.stem[1:].split("_"))
        assert (e.artifact.width, e.artifact.height, e.artifact.bytes) == (100 + w, 50 + i, w * 1000 + i)


def test_damaged_manifest_is_reported_not_raised_and_a_writer_sets_it_aside(tmp_path):
    (tmp_path / MANIFEST_NAME).write_text('{"artifacts": [', encoding="utf-8")
    m = read_manifest(tmp_path)
    assert list(m) == [] and "not valid JSON" in m.unreadable
    record_artifact(Artifact(tmp_path / "x.png", "still", 1, 1, 1))  # the damaged file is kept aside, a new one begun
    kept = list(tmp_path.glob("clipkit-manifest.damaged-*.json"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == '{"artifacts": ['
    assert [e.artifact.path.name for e in read_manifest(tmp_path)] == ["x.png"]
    (tmp_path / MANIFEST_NAME).write_text('{"artifacts": [{"file": "x.png"}]}', encoding="utf-8")
    m = read_manifest(tmp_path)
    assert list(m) == [] and m.damaged[0].index == 1 and m.damaged[0].file == tmp_path / "x.png"
    (tmp_path / MANIFEST_NAME).write_text("[1, 2]", encoding="utf-8")
    assert "not a clipkit manifest" in read_manifest(tmp_path).unreadable


def test_missing_manifest(tmp_path):
    with pytest.raises(InputError, match="no clipkit manifest"):
        read_manifest(tmp_path)
    assert find_entry(tmp_path / "x.gif") is None


def test_facts_read_from_the_files_themselves(media):
    gif = describe_file(media["gif"].path)
    assert (gif.kind, gif.width, gif.height, gif.frame_count, gif.duration) == ("gif", *GIF_SIZE, FRAMES, Fraction(6, 5))
    assert {s.kind for s in gif.siblings} == {"mp4", "webp"}
    mp4 = next(s for s in gif.siblings if s.kind == "mp4")
    assert (mp4.width, mp4.height) == GIF_SIZE and abs(mp4.duration - Fraction(6, 5)) <= Fraction(1, 10)
    webp = next(s for s in gif.siblings if s.kind == "webp")
    assert webp.frame_count == FRAMES and webp.duration == Fraction(6, 5)
    assert (describe_file(media["still"].path).width, describe_file(media["still"].path).height) == STILL_SIZE
    strip = describe_file(media["strip"].path)
    assert (strip.kind, strip.width, strip.height) == ("strip", *STRIP_SIZE)
    assert gif.sha256 == media["gif"].sha256


def test_describe_file_refuses_what_it_cannot_embed(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "empty.gif").write_bytes(b"")
    for name, words in [("notes.txt", "not an image or video"), ("empty.gif", "empty"), ("missing.gif", "does not exist"), (".", "folder")]:
        with pytest.raises(InputError, match=words):
            describe_file(tmp_path / name)


def test_artifact_for_prefers_the_manifest_until_the_file_changes(tmp_path):
    media = make_media(tmp_path, mp4_seconds=0.5)
    record_artifact(media["still"], embed={"title": "T"})
    art, embed = artifact_for(media["still"].path)
    assert embed == {"title": "T"} and art.start == Fraction(751) and art.source is not None
    media["strip"].path.replace(media["still"].path)  # a different file under the recorded name
    art, embed = artifact_for(media["still"].path)
    assert embed == {} and (art.width, art.height) == STRIP_SIZE
    (tmp_path / MANIFEST_NAME).write_text("{broken", encoding="utf-8")
    assert artifact_for(media["gif"].path)[0].kind == "gif"  # a damaged manifest: the file still speaks
