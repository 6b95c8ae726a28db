"""``demo``: the sample episode and the main jobs run on it, for a first look."""

from __future__ import annotations

import os
from pathlib import Path

from ..artifact import Artifact
from ..sample import make_sample
from .gif import make_gif
from .still import still

__all__ = ["demo"]


def demo(folder: str | os.PathLike = "clipkit-demo") -> tuple[Path, list[Artifact]]:
    """Make the sample episode in ``folder`` (once) and the demo outputs beside it.

    Returns the sample's path and what was made.
    """
    folder = Path(folder)
    sample = make_sample(folder)
    made = [
        # The main job: 0:24–0:27 as a 540 px GIF (the English dialogue burns in when the subtitles are read).
        make_gif(sample, "0:24", "0:27", folder / "gif-0-24_0-27.gif"),
        still(sample, "24.5", folder / "still-24.5s.png", best=True),
    ]
    return sample, made
