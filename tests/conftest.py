"""Shared fixtures: the sample episode (made once per test run, shared by parallel workers) and its truth."""

from __future__ import annotations

import fcntl
import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))  # tests/media.py, tests/clirun.py

from clipkit.sample import make_sample  # noqa: E402

# No per-example deadline: how fast code runs is measured by the benchmarks (bench/), never by a test
# that fails when the machine is busy (a full run here shares 2 cores with other work, and runs in parallel).
settings.register_profile("clipkit", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "clipkit"))


def pytest_collection_modifyitems(items):
    """A test that starts a headless browser is slow by nature (``-m "not slow"`` leaves it out)."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def private_cache_home(tmp_path_factory):
    """Every worker caches (scenes, probes, dialogue index, player segments) into a folder of its own, never the
    user's ~/.cache: a cache another run, worker or version of the code left there must not answer for this run
    (set in os.environ, so the commands the tests start inherit it; a test may still point it elsewhere)."""
    from media import cache_home

    with cache_home(tmp_path_factory.mktemp("xdg-cache")):
        yield


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Path:
    """The bundled sample episode, generated once for the whole run.

    Under pytest-xdist every worker has its own session; the first to get here
    makes the sample in the run's shared temporary folder (under a lock), the
    others wait and reuse it (tests only read it).
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return make_sample(tmp_path_factory.mktemp("sample"))
    shared = tmp_path_factory.getbasetemp().parent  # pytest-N/, above each worker's popen-gwK/
    folder = shared / "sample"
    folder.mkdir(exist_ok=True)
    with open(shared / "sample.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return make_sample(folder)


@pytest.fixture(scope="session")
def truth(sample) -> dict:
    return json.loads(sample.with_suffix(".truth.json").read_text(encoding="utf-8"))
