"""``--deinterlace`` and ``--video-track``: how a broadcast recording's video is read, for every command that decodes it.

The decorator adds both options and, when either is given, hands the command the
file's :class:`MediaInfo` probed that way instead of its path (every pipeline
takes either).
"""

from __future__ import annotations

import functools

import click

from ..media.interlace import MODES
from .params import Choice

__all__ = ["tv_options", "video_path"]


def video_path(video) -> str:
    """The file name behind a VIDEO argument (a path, or the MediaInfo :func:`tv_options` made of it)."""
    return str(getattr(video, "path", video))


def tv_options(command):
    @click.option("--deinterlace", type=Choice(MODES), default=None,
                  help="Interlaced/telecined video: auto (detect from flags and a sample; default), on, off.")
    @click.option("--video-track", type=click.IntRange(0), default=None, metavar="N",
                  help="Use the N-th video stream (from 0, as `clipkit info` lists them) instead of the main one.")
    @functools.wraps(command)
    def run(*args, deinterlace: str | None, video_track: int | None, **kwargs):
        if deinterlace not in (None, "auto") or video_track is not None:
            from ..media.probe import probe

            kwargs["video"] = probe(kwargs["video"], video_track=video_track, deinterlace=deinterlace or "auto")
        return command(*args, **kwargs)

    return run
