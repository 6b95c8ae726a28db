"""Dialogue lines from subtitle files and text tracks, as timed caption cues.

One module per part (import the one you need; the names below also resolve
here, lazily, so ``import clipkit.subtitles.model`` never starts ffmpeg code):

* :mod:`.model` — :class:`Cue`, :class:`Run`, :class:`SubtitleSource`, ``typed_cue``, ``clip_cues``, ``cues_at``
  (all that rendering sees);
* :mod:`.ass` — ASS override tags → styled lines (``parse_ass_text``), parsed events → cues;
* :mod:`.files` — SRT/ASS/SSA/VTT files in any encoding, ``find_sidecar``;
* :mod:`.tracks` — embedded text tracks via the bundled ffmpeg and the ``--subs`` choice
  (``auto``, ``off``, a file, ``track:N``, ``lang:xxx``).

Languages (``normalize_language``) are in :mod:`clipkit.language`; a job's
captions (``--subs`` + ``--caption`` + ``--caption-at``) are assembled in
:mod:`clipkit.pipeline.captions`.
"""

from __future__ import annotations

import importlib

_NAMES = {
    "Run": "model", "Cue": "model", "SubtitleSource": "model", "typed_cue": "model", "clip_cues": "model",
    "cues_at": "model",
    "parse_ass_text": "ass",
    "SUBTITLE_SUFFIXES": "files", "load_subtitle_file": "files", "find_sidecar": "files",
    "extract_track": "tracks", "select_subtitles": "tracks",
}

__all__ = sorted(_NAMES) + ["normalize_language"]


def __getattr__(name: str):
    if name == "normalize_language":
        from ..language import normalize_language

        return normalize_language
    if name in _NAMES:
        return getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
