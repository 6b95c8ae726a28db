"""``demo``: the sample episode and the main jobs run on it, for a first look."""

from __future__ import annotations

import html
import os
from pathlib import Path

from ..artifact import Artifact
from ..embed import snippet
from ..atomic import atomic_write_text
from ..progress import ProgressFn
from ..settings_apply import keywords_checked
from ..sample import make_sample
from .gif import make_gif
from .scenes import detect_scenes
from .still import still
from .strip import make_strip

__all__ = ["demo", "DemoResult"]


class DemoResult(tuple):
    """``(sample, made, page)``: the sample's path, what was made, the HTML page showing it."""

    __slots__ = ()

    def __new__(cls, sample: Path, made: list[Artifact], page: Path):
        return super().__new__(cls, (sample, made, page))


@keywords_checked
def demo(folder: str | os.PathLike = "clipkit-demo", *, progress: ProgressFn | None = None) -> DemoResult:
    """Make the sample episode in ``folder`` (once) and the demo outputs beside it:
    a GIF with the English dialogue, a GIF with the Japanese dialogue, the
    sharpest still near a moment, a contact sheet, and ``index.html`` showing
    them with their embed snippets.
    """
    from ..outputs import check_not_system, check_writable_folder

    folder = Path(folder)
    check_not_system(folder)  # as every command's -o: not /proc/demo's "No such file or directory" halfway
    check_writable_folder(folder)
    sample = make_sample(folder)
    shots = detect_scenes(sample)
    made = [
        # The main job: 0:24–0:27 as a 540 px GIF, the English line burned in where it is spoken
        # (named, so the page's "English" holds whatever the user's LANG is).
        make_gif(sample, "0:24", "0:27", folder / "gif-0-24_0-27.gif", subs="lang:eng", progress=progress),
        make_gif(sample, "0:04", "0:07.5", folder / "gif-ja-0-04_0-07.5.gif", subs="lang:jpn", progress=progress),
        still(sample, "24.5", folder / "still-24.5s.png", best=True),
        make_strip(sample, folder / "sheet.jpg", header=True, progress=progress),
    ]
    # (each pipeline call recorded its file in the folder's manifest)
    page = folder / "index.html"
    atomic_write_text(page, _page(sample, made, len(shots.scenes), LABELS))
    return DemoResult(sample, made, page)


#: What each demo output is, in the order they are made (the headings of index.html).
LABELS = (
    "GIF with the English dialogue (0:24–0:27, --subs lang:eng)",
    "GIF with the Japanese dialogue (0:04–0:07.5, --subs lang:jpn)",
    "Still: the sharpest frame near 0:24.5 (--best)",
    "Contact sheet of the whole episode",
)


def _page(sample: Path, made: list[Artifact], shots: int, labels=LABELS) -> str:
    items = []
    for art, label in zip(made, labels):
        code = snippet(art, "html", base_url="./")  # files beside the page
        items.append(f"<section><h2>{html.escape(label)}</h2>{code}<pre><code>{html.escape(code)}</code></pre></section>")
    title = f"clipkit demo — {html.escape(sample.name)} ({shots} shot{'' if shots == 1 else 's'} found)"
    return ("<!doctype html><meta charset=utf-8><title>" + title + "</title>"
            "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
            "pre{white-space:pre-wrap;background:#f4f4f4;padding:.5rem}img{max-width:100%;height:auto}</style>"
            f"<h1>{title}</h1>" + "".join(items) + "\n")
