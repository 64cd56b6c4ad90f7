"""The index file itself: its schema and layout constants, where it lives, how it is opened
and checked, and the ``Index`` handle that commands read through."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from brief_cli.lang.segment import index_version

if TYPE_CHECKING:
    from brief_cli.index.stats import IndexStats
    from brief_cli.problem import Problem
    from brief_cli.taxonomy import Taxonomy

SCHEMA_VERSION = "7"
TOKENIZER = "porter unicode61 remove_diacritics 2"
WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)

ProgressFn = Callable[[int, int], None]

PASSAGE_BITS = 16  # passages per article: at most 65,536
MAX_PASSAGES = 1 << PASSAGE_BITS
SLOT_LIMIT = 1 << 46  # slots stay below this, so rowids fit in 63 bits


def slot_range(slot: int) -> tuple[int, int]:
    """The rowids an article's passages can have."""
    return slot << PASSAGE_BITS, (slot << PASSAGE_BITS) | (MAX_PASSAGES - 1)


@lru_cache(maxsize=65536)  # a taxonomy's tags: a build asks for each thousands of times
def tag_token(field: str, value: str) -> str:
    """The FTS token of a tag: hex keeps ids with hyphens or digits in one token, and the
    final 'z' keeps the Porter stemmer off it."""
    return f"x{field}{value.encode('utf-8').hex()}z"


TAG_SLOTS = 8


def _tags(values) -> str:
    return " " + " ".join(values) + " " if values else ""


def _tag_text(kind: str, sectors, actors) -> str:
    """The tags column. FTS5's bm25() counts every column in a row's length, so the column is
    padded to a constant number of tokens: tags then do not change how passages rank."""
    tokens = ([tag_token("k", kind)] + [tag_token("s", s) for s in sectors]
              + [tag_token("a", a) for a in actors])
    return " ".join(tokens + ["xpz"] * (TAG_SLOTS - len(tokens)))

_SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(
    path TEXT PRIMARY KEY, folder TEXT NOT NULL, size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, ino INTEGER NOT NULL, hash TEXT,
    status TEXT NOT NULL, article_id TEXT, problems TEXT NOT NULL DEFAULT '[]');
CREATE INDEX files_folder ON files(folder);
CREATE INDEX files_recent ON files(ctime_ns);
CREATE TABLE dirs(
    path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
    ino INTEGER NOT NULL, skipped TEXT NOT NULL DEFAULT '');
CREATE TABLE articles(
    rowid INTEGER PRIMARY KEY, slot INTEGER UNIQUE, id TEXT NOT NULL UNIQUE, file TEXT NOT NULL,
    title TEXT, source TEXT, section TEXT, authors TEXT, author_note TEXT,
    published TEXT NOT NULL, url TEXT, language TEXT, n_passages INTEGER NOT NULL);
CREATE INDEX articles_order ON articles(published, id);
CREATE INDEX articles_file ON articles(file);
CREATE TABLE passages(
    rowid INTEGER PRIMARY KEY, article INTEGER NOT NULL, idx INTEGER NOT NULL, pid TEXT NOT NULL,
    kind TEXT NOT NULL, sectors TEXT NOT NULL, actors TEXT NOT NULL, reviewed INTEGER NOT NULL);
CREATE VIRTUAL TABLE fts USING fts5(text, tags, cjk, tokenize='{TOKENIZER}');
CREATE VIRTUAL TABLE fts_vocab USING fts5vocab(fts, 'col');
CREATE TABLE words(len INTEGER NOT NULL, word TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY(len, word)) WITHOUT ROWID;
CREATE INDEX words_word ON words(word);
CREATE TABLE word_lists(len INTEGER PRIMARY KEY, words TEXT NOT NULL);
"""


def index_base(root: Path) -> Path:
    """The path stem of a corpus folder's index files (key: the resolved folder path)."""
    from brief_cli.config import cache_dir

    resolved = str(Path(root).resolve())
    # crc32, not hashlib: this runs on every search and hashlib costs more to import than the
    # rest of the lookup; with the folder name in front a clash is not a practical concern.
    digest = f"{zlib.crc32(resolved.encode('utf-8', 'surrogateescape')):08x}"
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(resolved).name)[:40] or "corpus"
    return cache_dir() / "index" / f"{name}-{digest}"


def taxonomy_fingerprint(path: Path | None) -> str:
    """Changes when the taxonomy file does (its checks decide which articles load)."""
    if path is None:
        return "none"
    try:
        data = Path(path).read_bytes()
    except OSError:
        return "unreadable"
    return f"{len(data)}-{zlib.crc32(data):08x}"


@dataclass
class RefreshStats:
    parsed: int = 0
    removed: int = 0
    copied: int = 0  # of ``parsed``: taken unchanged from the previous generation
    rebuilt: bool = False
    seconds: float = 0.0
    reason: str = ""


@dataclass
class Index:
    """An open, fresh index. ``warnings`` lists what the caller should tell the user."""

    con: sqlite3.Connection
    path: Path | None
    root: Path | None
    refresh: RefreshStats = field(default_factory=RefreshStats)
    warnings: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def problems(self) -> list[Problem]:
        """Problems of the corpus files, as stored when they were parsed (broken files first)."""
        out: list[Problem] = []
        rows = self.con.execute(
            "SELECT path, problems FROM files WHERE problems != '[]' "
            "ORDER BY status = 'ok', path").fetchall()
        if rows:
            from brief_cli.problem import Problem  # (apart: most searches find none)
        for rel, data in rows:
            for p in json.loads(data):
                path = (self.root / rel) if self.root is not None else Path(rel)
                out.append(Problem(path, p[0], p[1], p[2], p[3], p[4]))
        return out

    def taxonomy(self) -> Taxonomy | None:
        """The taxonomy's ids and names as stored at build time (enough to check filters and
        show labels without parsing the taxonomy file again); None if not stored."""
        row = self.con.execute("SELECT value FROM meta WHERE key = 'taxonomy_snapshot'"
                               ).fetchone()
        if row is None:
            return None
        from brief_cli.taxonomy import Actor, Kind, Sector, Taxonomy

        data = json.loads(row[0])
        return Taxonomy(
            tuple(Kind(k, label) for k, label in data["kinds"]),
            tuple(Sector(s, label) for s, label in data["sectors"]),
            tuple(Actor(a[0], a[1], a[2], a[3], tuple(a[4]), tuple(a[5]), tuple(a[6]))
                  for a in data["actors"]),
            Path(data["path"]) if data.get("path") else None)

    def article_ids(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT id FROM articles ORDER BY published, id")]

    def stats(self) -> IndexStats:
        from brief_cli.index.stats import IndexStats  # (apart: a search never asks for it)

        c = self.con
        one = lambda sql: c.execute(sql).fetchone()[0]  # noqa: E731
        meta = dict(c.execute("SELECT key, value FROM meta"))
        size = 0
        if self.path is not None:
            for suffix in ("", "-journal"):
                try:
                    size += os.stat(str(self.path) + suffix).st_size
                except OSError:
                    pass
        return IndexStats(
            path=self.path, articles=one("SELECT count(*) FROM articles"),
            passages=one("SELECT count(*) FROM passages"),
            terms=one("SELECT count(*) FROM fts_vocab WHERE col = 'text'"),
            words=one("SELECT count(*) FROM words"),
            files=one("SELECT count(*) FROM files"),
            broken=one("SELECT count(*) FROM files WHERE status != 'ok'"),
            bytes=size, built_at=meta.get("built_at", ""),
            build_seconds=float(meta.get("build_seconds", 0) or 0))


def is_busy(exc: Exception) -> bool:
    """A lock that did not clear in time, as opposed to a damaged file."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


class _Stale(Exception):
    """The file is not a usable index of this version (reason in args[0])."""


def _connect(path: Path | str, *, timeout: float = 60.0) -> sqlite3.Connection:
    con = sqlite3.connect(str(path), timeout=timeout, isolation_level=None,
                          check_same_thread=False)
    con.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    return con


def read_only(path: Path | str, **kwargs) -> sqlite3.Connection:
    """A read-only connection to a database file. By URI, with the path percent-encoded:
    '#', '?' and '%' in a folder's name are not URI syntax."""
    uri = Path(os.path.abspath(path)).as_uri() + "?mode=ro"
    return sqlite3.connect(uri, uri=True, **kwargs)


def _check(con: sqlite3.Connection, path: Path, expect: dict[str, str]) -> None:
    """Raise _Stale when the file is not a sound index built for these settings."""
    try:
        meta = dict(con.execute("SELECT key, value FROM meta"))
    except sqlite3.DatabaseError as exc:
        raise _Stale(f"not a search index ({exc})") from None
    for key, value in expect.items():
        if meta.get(key) != value:
            if key == "schema":
                raise _Stale("made by another version")
            raise _Stale("settings changed" if key != "taxonomy" else "taxonomy changed")
    page_count = con.execute("PRAGMA page_count").fetchone()[0]
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise _Stale(f"cannot stat ({exc.strerror})") from None
    if size < page_count * page_size:
        raise _Stale("truncated")


def _expect(root: Path | None, taxonomy_fp: str) -> dict[str, str]:
    return {"schema": SCHEMA_VERSION, "tokenizer": TOKENIZER, "segmenter": index_version(),
            "root": str(Path(root).resolve()) if root is not None else "",
            "taxonomy": taxonomy_fp}


def _current(base: Path) -> Path | None:
    try:
        gen = Path(str(base) + ".current").read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not gen.isdigit():
        return None
    return Path(f"{base}.{gen}.db")


def _snapshot(tax: Taxonomy) -> str:
    return json.dumps({
        "path": str(tax.path) if tax.path else None,
        "kinds": [[k.id, k.label] for k in tax.kinds],
        "sectors": [[s.id, s.label] for s in tax.sectors],
        "actors": [[a.id, a.name, a.type, a.iso3, list(a.aliases), list(a.demonyms),
                    list(a.capitals)] for a in tax.actors],
    }, ensure_ascii=False)


def _create(con: sqlite3.Connection, expect: dict[str, str]) -> None:
    con.executescript(_SCHEMA)
    con.executemany("INSERT INTO meta VALUES (?, ?)", list(expect.items()))
