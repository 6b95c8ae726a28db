"""The dialogue index: every text subtitle line of every video searched, in SQLite FTS5.

One database under ``$XDG_CACHE_HOME/clipkit/dialogue/`` (``~/.cache/…``)
holds the lines of each video ever searched, keyed by the video's identity
(size, modification time, a hash of its first and last 64 KiB) and the names,
sizes and times of its subtitle files: a changed or added episode, or a new
``.srt`` beside it, is read again alone; the others answer from the index.
Lines are indexed by the FTS5 ``trigram`` tokenizer, which finds any
substring of three characters or more in any script (Japanese has no spaces
to split words on); shorter queries use a plain scan.  Each line is stored
alone and joined with the next line of its source (a sentence split over two
subtitles is still found).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from .. import __version__
from ..errors import ClipkitError, OutputError
from ..identity import cache_root, file_identity
from ..progress import ProgressFn, report
from .fold import compact, fold
from .sources import SourceLines, read_sources, sidecar_files

__all__ = ["DialogueIndex", "IndexedLine", "index_path", "INDEX_VERSION"]

#: Bump when folding, the schema or the lines the subtitle readers give change: every file is read again.
#: 2: WebVTT character references decoded (an index made before holds "&amp;").
#: 3: GBK/Big5/EUC-KR files read as such (not cp1252 mojibake), ruby readings left out, <br> a line break,
#:    blank lines inside a cue dropped.
#: 4: a "<" in SRT/WebVTT text that is no tag kept as written ("< y >" was left out, "a < b and c > d" read "a  d").
#: 5: a cue's last line of digits kept ("1999"), WebVTT NOTE/STYLE/REGION blocks left out of the cue before them.
#: 6: a cue written twice (same times, text and place) is one line.
#: 7: a file that could not be read is marked (files.skipped): it is not counted among the episodes searched.
#: 8: SRT's common HTML character references decoded ("Tom &amp; Jerry" is "Tom & Jerry").
#: 9: a skipped file's reason is kept as such (files.reason), not only inside its note.
INDEX_VERSION = "9"
#: Two consecutive lines further apart than this are not joined into one sentence.
_JOIN_GAP = Fraction(2)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files(id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT UNIQUE, signature TEXT, notes TEXT,
                                 skipped INTEGER NOT NULL DEFAULT 0, reason TEXT);
CREATE TABLE IF NOT EXISTS sources(id INTEGER PRIMARY KEY, file_id INTEGER, subs TEXT, lang TEXT);
CREATE TABLE IF NOT EXISTS lines(id INTEGER PRIMARY KEY, source_id INTEGER, seq INTEGER, n INTEGER,
                                 start TEXT, "end" TEXT, text TEXT, folded TEXT, packed TEXT);
CREATE INDEX IF NOT EXISTS lines_by_source ON lines(source_id, seq, n);
CREATE VIRTUAL TABLE IF NOT EXISTS lines_fts USING fts5(folded, packed, content='lines', content_rowid='id',
                                                        tokenize='trigram');
CREATE VIRTUAL TABLE IF NOT EXISTS lines_vocab USING fts5vocab(lines_fts, 'row');
"""
#: A fuzzy search looks for lines sharing the query's rarest three-character pieces (the most telling ones).
_FUZZY_PIECES = 12


def index_path() -> Path:
    return cache_root() / "dialogue" / "index.sqlite3"


def _signature(video: Path) -> str:
    """What must not change for a video's indexed lines to stay true."""
    ident = file_identity(video)
    parts = [INDEX_VERSION, __version__, str(ident["size"]), str(ident["mtime_ns"]), ident["sample_sha256"][:24]]
    for side in sidecar_files(video):
        with contextlib.suppress(OSError):
            s = side.stat()
            parts.append(f"{side.name}:{s.st_size}:{s.st_mtime_ns}")
    return "|".join(parts)


@dataclass(frozen=True)
class IndexedLine:
    """A line (``n`` = 1) or two consecutive lines joined (``n`` = 2) of one source."""

    row: int
    video: Path
    subs: str
    language: str | None
    seq: int
    n: int
    start: Fraction
    end: Fraction
    text: str
    folded: str


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class DialogueIndex:
    """The database, opened for one search (use as a context manager)."""

    def __init__(self, path: Path | None = None):
        self.path = path or index_path()
        self._unsigned: dict[str, str] = {}  # files update() could not even identify: why
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30)
            self._create()
        except sqlite3.DatabaseError as exc:
            if "malformed" in str(exc) or "not a database" in str(exc):
                self._rebuild()
            else:
                raise OutputError(f"cannot open the dialogue index {self.path}: {exc}",
                                  "check that the cache folder is writable ($XDG_CACHE_HOME)") from None
        except OSError as exc:
            raise OutputError(f"cannot create the dialogue index {self.path}: {exc.strerror or exc}",
                              "check that the cache folder is writable ($XDG_CACHE_HOME)") from None

    def _rebuild(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()
        self.db = sqlite3.connect(self.path, timeout=30)
        self._create()

    def _create(self) -> None:
        self.db.executescript(_SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(files)")}
        for name, kind in (("skipped", "INTEGER NOT NULL DEFAULT 0"), ("reason", "TEXT")):
            if name not in columns:  # an index made before INDEX_VERSION 7 or 9 (its files are all read again)
                with self.db:
                    self.db.execute(f"ALTER TABLE files ADD COLUMN {name} {kind}")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.db.close()

    # ------------------------------------------------------------------ filling

    def _forget(self, file_id: int) -> None:
        rows = self.db.execute(
            "SELECT l.id, l.folded, l.packed FROM lines l JOIN sources s ON s.id = l.source_id WHERE s.file_id = ?",
            (file_id,)).fetchall()
        self.db.executemany("INSERT INTO lines_fts(lines_fts, rowid, folded, packed) VALUES('delete', ?, ?, ?)", rows)
        self.db.execute("DELETE FROM lines WHERE source_id IN (SELECT id FROM sources WHERE file_id = ?)", (file_id,))
        self.db.execute("DELETE FROM sources WHERE file_id = ?", (file_id,))
        self.db.execute("DELETE FROM files WHERE id = ?", (file_id,))

    def _store(self, video: Path, signature: str, sources: list[SourceLines], notes: list[str],
               skipped: str | None = None) -> None:
        """``skipped``: why the file could not be read (None: it was)."""
        with self.db:
            old = self.db.execute("SELECT id FROM files WHERE path = ?", (str(video),)).fetchone()
            if old:
                self._forget(old[0])
            file_id = self.db.execute("INSERT INTO files(path, signature, notes, skipped, reason) VALUES(?, ?, ?, ?, ?)",
                                      (str(video), signature, "\n".join(notes), int(skipped is not None),
                                       skipped)).lastrowid
            for src in sources:
                source_id = self.db.execute("INSERT INTO sources(file_id, subs, lang) VALUES(?, ?, ?)",
                                            (file_id, src.subs, src.language)).lastrowid
                rows = []
                for i, line in enumerate(src.lines):
                    rows.append((line.seq, 1, line.start, line.end, line.text))
                    nxt = src.lines[i + 1] if i + 1 < len(src.lines) else None
                    if nxt is not None and nxt.start - line.end <= _JOIN_GAP:
                        rows.append((line.seq, 2, line.start, nxt.end, line.text + "\n" + nxt.text))
                for seq, n, start, end, text in rows:
                    folded = fold(text)
                    rid = self.db.execute(
                        'INSERT INTO lines(source_id, seq, n, start, "end", text, folded, packed) VALUES(?,?,?,?,?,?,?,?)',
                        (source_id, seq, n, str(start), str(end), text, folded, compact(folded))).lastrowid
                    self.db.execute("INSERT INTO lines_fts(rowid, folded, packed) VALUES(?, ?, ?)",
                                    (rid, folded, compact(folded)))

    def update(self, videos: list[Path], *, reindex: bool = False, progress: ProgressFn | None = None,
               workers: int | None = None) -> list[str]:
        """Read the subtitles of every video whose index entry is missing or stale; returns notes.  A file that
        cannot be read is stored as skipped, with its reason (:meth:`unreadable`)."""
        known = dict(self.db.execute("SELECT path, signature FROM files").fetchall())
        todo: list[tuple[Path, str]] = []
        notes: list[str] = []
        for v in videos:
            try:
                sig = _signature(v)
            except OSError as exc:  # gone or unreadable: not stored (its identity is not known), said for this search
                self._unsigned[str(v)] = str(exc.strerror or exc)
                notes.append(f"skipped {v.name}: {self._unsigned[str(v)]}")
                continue
            if reindex or known.get(str(v)) != sig:
                todo.append((v, sig))
        if not todo:
            return notes
        total = len(todo)
        report(progress, 0, total)

        def read(item):
            video, sig = item
            found: list[str] = []
            try:
                return video, sig, read_sources(video, notes=found), found, None
            except ClipkitError as exc:
                return video, sig, [], [f"skipped {video.name}: {exc.message}"], exc.message

        with ThreadPoolExecutor(max_workers=workers or min(4, os.cpu_count() or 2)) as pool:
            for done, (video, sig, sources, found, skipped) in enumerate(pool.map(read, todo), 1):
                self._store(video, sig, sources, found, skipped)
                notes.extend(found)
                report(progress, done, total)
        return notes

    def stored_notes(self, videos: list[Path]) -> list[str]:
        out = []
        for v in videos:
            row = self.db.execute("SELECT notes FROM files WHERE path = ?", (str(v),)).fetchone()
            if row and row[0]:
                out.extend(row[0].split("\n"))
        return out

    def unreadable(self, videos: list[Path]) -> dict[Path, str]:
        """Those of ``videos`` that were skipped (not a media file ffmpeg reads, or not there): not searched; each
        with why, as :meth:`update` found it."""
        marks = ",".join("?" * len(videos))  # only these files' rows, as sources() reads them
        rows = dict(self.db.execute(f"SELECT path, CASE WHEN skipped = 0 THEN NULL ELSE COALESCE(reason, '') END "
                                    f"FROM files WHERE path IN ({marks})", tuple(str(v) for v in videos)).fetchall())
        out = {}
        for v in videos:
            if str(v) not in rows or rows[str(v)] is not None:
                out[v] = rows.get(str(v)) or self._unsigned.get(str(v)) or "not read"
        return out

    def sources(self, videos: list[Path]) -> list[tuple[str, str | None]]:
        """Every text source of ``videos``: its ``--subs`` name ("track:1", "ep07.en.srt") and language."""
        marks = ",".join("?" * len(videos))
        return self.db.execute(f"SELECT s.subs, s.lang FROM sources s JOIN files f ON f.id = s.file_id "
                               f"WHERE f.path IN ({marks})", tuple(str(v) for v in videos)).fetchall()

    def languages(self, videos: list[Path]) -> list[str | None]:
        """The language of every text source of ``videos`` (None: a source with no language tag)."""
        marks = ",".join("?" * len(videos))
        rows = self.db.execute(f"SELECT s.lang FROM sources s JOIN files f ON f.id = s.file_id WHERE f.path IN ({marks})",
                               tuple(str(v) for v in videos)).fetchall()
        return [r[0] for r in rows]

    # ------------------------------------------------------------------ reading

    _SELECT = ('SELECT l.id, f.path, s.subs, s.lang, l.seq, l.n, l.start, l."end", l.text, l.folded '
               "FROM lines l JOIN sources s ON s.id = l.source_id JOIN files f ON f.id = s.file_id ")

    def _rows(self, where: str, args: tuple) -> list[IndexedLine]:
        out = []
        for rid, path, subs, lang, seq, n, start, end, text, folded in self.db.execute(self._SELECT + where, args):
            out.append(IndexedLine(rid, Path(path), subs, lang, seq, n, Fraction(start), Fraction(end), text, folded))
        return out

    @staticmethod
    def _scope(videos: list[Path], subs: str | None, language: str | None) -> tuple[str, tuple]:
        marks = ",".join("?" * len(videos))
        where = f"f.path IN ({marks})"
        args: tuple = tuple(str(v) for v in videos)
        if subs is not None:
            where += " AND s.subs = ?"
            args += (subs,)
        if language is not None:
            where += " AND s.lang = ?"
            args += (language,)
        return where, args

    def containing(self, text: str, column: str, videos: list[Path], *, subs: str | None = None,
                   language: str | None = None) -> list[IndexedLine]:
        """Lines whose folded (``column`` = folded) or packed (= packed) form contains ``text``."""
        where, args = self._scope(videos, subs, language)
        if len(text) >= 3:
            return self._rows(f"JOIN lines_fts ON lines_fts.rowid = l.id WHERE lines_fts MATCH ? AND {where}",
                              (f"{column} : {_fts_phrase(text)}",) + args)
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return self._rows(f"WHERE l.{column} LIKE ? ESCAPE '\\' AND {where}", (pattern,) + args)

    def sharing(self, pieces: list[str], videos: list[Path], *, subs: str | None = None, language: str | None = None,
                limit: int = 400) -> list[IndexedLine]:
        """Lines sharing the most of these three-character pieces (candidates for a fuzzy match)."""
        if not pieces:
            return []
        marks = ",".join("?" * len(pieces))
        counts = dict(self.db.execute(f"SELECT term, doc FROM lines_vocab WHERE term IN ({marks})", pieces).fetchall())
        rare = sorted((p for p in pieces if counts.get(p)), key=lambda p: counts[p])[:_FUZZY_PIECES]
        if not rare:
            return []
        where, args = self._scope(videos, subs, language)
        query = "packed : (" + " OR ".join(_fts_phrase(p) for p in rare) + ")"
        return self._rows(f"JOIN lines_fts ON lines_fts.rowid = l.id WHERE lines_fts MATCH ? AND {where} "
                          f"ORDER BY bm25(lines_fts) LIMIT {int(limit)}", (query,) + args)

    def neighbours(self, line: IndexedLine, before: int, after: int) -> tuple[list[str], list[str]]:
        """The texts of the lines just before and after ``line`` in its source."""
        src = self.db.execute("SELECT source_id FROM lines WHERE id = ?", (line.row,)).fetchone()[0]
        last = line.seq + line.n - 1
        rows = self.db.execute("SELECT seq, text FROM lines WHERE source_id = ? AND n = 1 AND seq BETWEEN ? AND ? "
                               "ORDER BY seq", (src, line.seq - before, last + after)).fetchall()
        return ([t for s, t in rows if s < line.seq], [t for s, t in rows if s > last])
