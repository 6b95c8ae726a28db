"""Dialogue search: find a moment by what is said in it.

* :mod:`.fold` — how text is compared (case, accents, width, kana, punctuation).
* :mod:`.sources` — every text subtitle source of a video (sidecar files, embedded text tracks) as lines.
* :mod:`.index` — the season index: an SQLite FTS5 database in the cache, keyed by file identity.
* :mod:`.search` — matching and ranking (exact, across two cues, fuzzy), with the lines around each match.

The job-level functions (``clipkit.find``, ``--line`` ranges) live in
:mod:`clipkit.pipeline.find`.
"""
