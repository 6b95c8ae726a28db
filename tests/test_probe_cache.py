"""The probe's answer kept on disk: a second run reads it back unchanged without running ffmpeg;
a changed file is probed again."""

from __future__ import annotations

import os

import pytest

from clipkit.media import ffmpeg as ffmpeg_module
from clipkit.media import probe_cache
from clipkit.media.probe import _probe_cached, probe
from media import ffmpeg


@pytest.fixture
def cached(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(probe_cache, "CACHE_FROM_BYTES", 0)  # small generated media, cached as an episode would be
    _probe_cached.cache_clear()
    yield tmp_path / "cache" / "clipkit" / "probe"
    _probe_cached.cache_clear()


def _ffmpeg_runs(monkeypatch) -> list:
    calls: list = []
    real = ffmpeg_module.subprocess.run
    monkeypatch.setattr(ffmpeg_module.subprocess, "run", lambda *a, **k: calls.append(a) or real(*a, **k))
    return calls


def test_second_probe_reads_the_answer_from_disk(tmp_path, cached, monkeypatch):
    src = tmp_path / "ep.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=24000/1001:duration=2", "-f", "lavfi", "-i",
           "sine=f=440:r=48000:d=2", "-c:v", "libx264", "-bf", "2", "-c:a", "aac", "-metadata", "title=Ep <7>", src)
    first = probe(src)
    assert len(list(cached.glob("*.json"))) == 1
    _probe_cached.cache_clear()  # a new run: nothing in memory
    calls = _ffmpeg_runs(monkeypatch)
    second = probe(src)
    assert calls == []
    assert second == first  # every fact, exact rates and times included
    assert second.video.frame_rate == first.video.frame_rate and second.title == "Ep <7>"

    st = src.stat()
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # the file changed: its answer is stale
    _probe_cached.cache_clear()
    probe(src)
    assert calls, "a changed file must be probed again"


def test_small_files_are_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    src = tmp_path / "small.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=1", "-c:v", "libx264", src)
    _probe_cached.cache_clear()
    probe(src)
    assert not (tmp_path / "cache" / "clipkit" / "probe").exists()
