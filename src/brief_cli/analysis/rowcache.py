"""What ``compare`` reads of every passage, kept beside the index in the cache folder.

A comparison reads the tags of each side's passages (every passage of the corpus, when the
sides split it by date) and the content words of a sample of them. Read from the index, that
is a query returning 100,000 rows, and for the words a read of each sampled text, a hash of it
and a look-up in the content-word cache (``analysis.terms``): most of the time of a compare.
This file keeps both by the index's row numbers, in one SQLite file per index:

- the tags of all passages as arrays (row numbers, articles, and a code for each kind, sector
  list and actor list), written in one go when first needed and read back in one go;
- each passage's content words, as ``analysis.terms`` gives them, added as passages are first
  counted (with whether the text holds Chinese, which is counted differently).

Row numbers only mean something for one state of one index, so the file records which: the
index file's path, inode and build stamp, and SQLite's file change counter, which every write
to the index bumps (the index uses a rollback journal, where SQLite always updates it). When
any of them differs, the file is emptied and filled again. Like the content-word cache, it
only ever saves time: a folder that cannot be written, a locked or damaged file, all fall back
to reading the index.
"""

from __future__ import annotations

import sqlite3
import sys
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from brief_cli.analysis.cachedb import CacheDb

if TYPE_CHECKING:
    from brief_cli.analysis.terms import ContentWords
    from brief_cli.index import Index

VERSION = 1
MAX_WORDS = 1_000_000  # passages whose words are kept (about 0.5 GB), as ``analysis.terms``
_CHUNK = 900  # row numbers per IN (...) query
_INT = "q"  # 64-bit row numbers and codes


@dataclass(frozen=True)
class Tags:
    """The tags of every passage of the index, in row order (that is, corpus order)."""

    rowids: array  # ascending
    articles: array  # the article's row number, per passage
    kinds: array  # codes into kind_names
    sectors: array  # codes into sector_lists
    actors: array  # codes into actor_lists
    kind_names: list[str]
    sector_lists: list[str]  # the passages' ``sectors`` strings, as the index holds them
    actor_lists: list[str]

    def position(self) -> dict[int, int]:
        """Row number -> place in the arrays."""
        return dict(zip(self.rowids, range(len(self.rowids))))


def index_state(index: Index) -> str | None:
    """What identifies the index's content now (None: it cannot be told, keep nothing)."""
    import os

    path = index.path
    if path is None:
        return None
    try:
        with open(path, "rb") as stream:
            head = stream.read(100)
            st = os.fstat(stream.fileno())
        built = dict(index.con.execute(
            "SELECT key, value FROM meta WHERE key IN ('built_at', 'build_seconds')"))
    except (OSError, sqlite3.Error):
        return None
    if len(head) < 100 or not head.startswith(b"SQLite format 3\x00"):
        return None
    if head[18] == 2:  # WAL: the change counter is not kept up to date
        return None
    counter = int.from_bytes(head[24:28], "big")
    return (f"{VERSION}|{Path(path).resolve()}|{st.st_dev}|{st.st_ino}|{counter}|"
            f"{built.get('built_at')}|{built.get('build_seconds')}|{sys.byteorder}|"
            f"{array(_INT).itemsize}")


def default_path(index: Index) -> Path | None:
    try:
        from brief_cli.config import cache_dir

        if index.path is None:
            return None
        base = Path(index.path).name.split(".")[0]  # one file per corpus, whatever generation
        return cache_dir() / "analysis" / f"{base}.rows.db"
    except Exception:
        return None


class RowCache(CacheDb):
    """Tags and content words of an index's passages, by row number (see the module doc)."""

    def __init__(self, index: Index, path: Path | None = None):
        super().__init__()
        self.index = index
        self.path = path or default_path(index)
        self.state = index_state(index)

    def _before_open(self) -> bool:
        return self.state is not None

    def _prepare(self, con: sqlite3.Connection) -> None:
        from brief_cli.analysis.terms import _fingerprint

        con.execute("CREATE TABLE IF NOT EXISTS state(key TEXT PRIMARY KEY, value TEXT)")
        con.execute("CREATE TABLE IF NOT EXISTS blobs(name TEXT PRIMARY KEY, data BLOB)")
        con.execute("CREATE TABLE IF NOT EXISTS words(rowid INTEGER PRIMARY KEY, "
                    "han INTEGER NOT NULL, pairs TEXT NOT NULL)")
        # The words also depend on the code that makes them (``analysis.terms``).
        want = f"{self.state}|{_fingerprint()}"
        row = con.execute("SELECT value FROM state WHERE key = 'index'").fetchone()
        if row is None or row[0] != want:
            con.execute("BEGIN IMMEDIATE")
            try:
                con.execute("DELETE FROM blobs")
                con.execute("DELETE FROM words")
                con.execute("INSERT OR REPLACE INTO state VALUES ('index', ?)", (want,))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    # tags --------------------------------------------------------------------------------
    def tags(self) -> Tags | None:
        """The tags of all passages: from this file, else read from the index and kept."""
        con = self._db()
        if con is None:
            return None
        try:
            # One read transaction: the rows read are those of the state checked (another run
            # may have emptied the file for a newer state of the index meanwhile).
            con.execute("BEGIN")
            try:
                stored = dict(con.execute("SELECT name, data FROM blobs")) \
                    if self._still_current(con) else {}
            finally:
                con.execute("COMMIT")
        except sqlite3.Error:
            self.close()
            return None
        if {"rowids", "articles", "kinds", "sectors", "actors", "names"} <= stored.keys():
            import json

            arrays = []
            for name in ("rowids", "articles", "kinds", "sectors", "actors"):
                values = array(_INT)
                values.frombytes(stored[name])
                arrays.append(values)
            names = json.loads(stored["names"])
            if all(len(a) == len(arrays[0]) for a in arrays):
                return Tags(*arrays, *names)
        tags = _read_tags(self.index)
        self._keep_tags(con, tags)
        return tags

    def _keep_tags(self, con: sqlite3.Connection, tags: Tags) -> None:
        import json

        rows = [(name, getattr(tags, name).tobytes())
                for name in ("rowids", "articles", "kinds", "sectors", "actors")]
        rows.append(("names", json.dumps([tags.kind_names, tags.sector_lists,
                                          tags.actor_lists])))
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                if self._still_current(con):
                    con.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?)", rows)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        except sqlite3.Error:  # busy, read-only, full: read again next time
            pass

    def _still_current(self, con: sqlite3.Connection) -> bool:
        """Whether the file still belongs to the index state this object saw (another run may
        have reset it for a newer one meanwhile)."""
        from brief_cli.analysis.terms import _fingerprint

        row = con.execute("SELECT value FROM state WHERE key = 'index'").fetchone()
        return row is not None and row[0] == f"{self.state}|{_fingerprint()}"

    # content words -----------------------------------------------------------------------
    def words(self, rowids: Sequence[int], content: ContentWords
              ) -> tuple[dict[int, str], set[int]]:
        """({row: its content words as ``word/stem`` pairs}, rows whose text holds Chinese)
        for the passages of ``rowids`` that have a text (as ``source.texts`` gives them)."""
        con = self._db()
        pairs: dict[int, str] = {}
        han: set[int] = set()
        if con is not None:
            ids = list(rowids)
            try:
                con.execute("BEGIN")  # (one snapshot, of the state checked: see ``tags``)
                try:
                    current = self._still_current(con)
                    for i in range(0, len(ids) if current else 0, _CHUNK):
                        chunk = ids[i:i + _CHUNK]
                        marks = ",".join("?" * len(chunk))
                        for rowid, is_han, words in con.execute(
                                f"SELECT rowid, han, pairs FROM words WHERE rowid IN ({marks})",
                                chunk):
                            pairs[rowid] = words
                            if is_han:
                                han.add(rowid)
                finally:
                    con.execute("COMMIT")
            except sqlite3.Error:
                self.close()
                con = None
                pairs, han = {}, set()
        missing = [r for r in rowids if r not in pairs]
        if missing:
            made, made_han = words_of(self.index, missing, content)
            if con is not None and made:
                self._keep_words(con, made, made_han)
            pairs.update(made)
            han |= made_han
        return pairs, han

    def _keep_words(self, con: sqlite3.Connection, made: dict[int, str], han: set[int]) -> None:
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                full = con.execute("SELECT count(*) >= ? FROM words",
                                   (MAX_WORDS,)).fetchone()[0]
                if self._still_current(con) and not full:
                    con.executemany("INSERT OR IGNORE INTO words VALUES (?, ?, ?)",
                                    [(r, r in han, p) for r, p in made.items()])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        except sqlite3.Error:
            pass


def words_of(index: Index, rowids: Sequence[int], content: ContentWords
             ) -> tuple[dict[int, str], set[int]]:
    """What ``RowCache.words`` gives, worked out from the passages' texts."""
    from brief_cli.analysis.source import texts
    from brief_cli.lang import has_han

    body = texts(index, rowids)
    made = dict(zip(body.keys(), content.pairs(list(body.values()))))
    return made, {r for r, t in body.items() if has_han(t)}


def _read_tags(index: Index) -> Tags:
    kinds: dict[str, int] = {}
    sectors: dict[str, int] = {}
    actors: dict[str, int] = {}
    rowids, articles = array(_INT), array(_INT)
    k_codes, s_codes, a_codes = array(_INT), array(_INT), array(_INT)
    for rowid, article, kind, sector, actor in index.con.execute(
            "SELECT rowid, article, kind, sectors, actors FROM passages ORDER BY rowid"):
        rowids.append(rowid)
        articles.append(article)
        k_codes.append(kinds.setdefault(kind, len(kinds)))
        s_codes.append(sectors.setdefault(sector, len(sectors)))
        a_codes.append(actors.setdefault(actor, len(actors)))
    return Tags(rowids, articles, k_codes, s_codes, a_codes, list(kinds), list(sectors),
                list(actors))
