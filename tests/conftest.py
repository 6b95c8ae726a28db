"""Shared fixtures: the sample episode (made once per test run) and its truth."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/media.py

from clipkit.sample import make_sample  # noqa: E402


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Path:
    """The bundled sample episode, generated once for the whole run."""
    return make_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def truth(sample) -> dict:
    return json.loads(sample.with_suffix(".truth.json").read_text(encoding="utf-8"))
