"""Reading article files for the index: parsing (on worker processes when there are many) and
copying unchanged files from the previous generation instead."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections import Counter
from pathlib import Path
from typing import Iterator

from brief_cli.errors import Problem
from brief_cli.index.freshness import _hash_file
from brief_cli.index.schema import (
    WORD_RE, _check, _Stale, _tag_text, _tags, read_only, slot_range)
from brief_cli.lang import has_han
from brief_cli.lang.segment import char_text, index_text

PARALLEL_MIN_FILES = 400
MAX_AHEAD = 256  # files parsed ahead of the writer, at most

# An article's place in corpus order, as its file's first lines give it: `id:` and `published:`
# at the margin, as plain (or simply quoted) values. A guess, to plan ahead: the parse decides.
_HEAD_BYTES = 8192
_ID_LINE = re.compile(rb"^id:[ \t]*([\"']?)([A-Za-z0-9][A-Za-z0-9._-]*)\1[ \t]*\r?$", re.M)
_DATE_LINE = re.compile(rb"^published:[ \t]*([\"']?)(\d{4}-\d{2}-\d{2})\1[ \t]*\r?$", re.M)


def _head_key(path: Path) -> tuple[str, str] | None:
    """(published as ISO text, id) read from the file's first lines; None when they do not
    give both plainly (or the file cannot be read)."""
    from datetime import date

    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return None
    found_id = _ID_LINE.search(head)
    found_date = _DATE_LINE.search(head)
    if found_id is None or found_date is None:
        return None
    try:
        published = date.fromisoformat(found_date.group(2).decode("ascii")).isoformat()
    except ValueError:
        return None
    return published, found_id.group(2).decode("ascii")


def _parse(task):
    """Parse one file (in a worker process or not); count its words when asked (a refresh),
    else make its rows for a full build (``_Prepared``)."""
    root, rel, taxonomy, count = task
    from brief_cli.corpus import load_article_file

    path = Path(root) / rel
    digest = _hash_file(path)
    article, problems = load_article_file(path, taxonomy)
    words: Counter[str] = Counter()
    if count and article is not None:
        for p in article.passages:
            words.update(set(WORD_RE.findall(index_text(p.text).lower())))
    elif article is not None:
        article = _Prepared.of(rel, article)
    return rel, digest, article, problems, words


_WORKER_TAXONOMY = None


def _init_worker(taxonomy) -> None:
    global _WORKER_TAXONOMY
    _WORKER_TAXONOMY = taxonomy
    _yield_to_writer()


def _yield_to_writer() -> None:
    """Lower this worker process's priority a little: the build's writer, which does its part
    alone, then gets a whole core while the parsers share what is left. Without it the writer,
    the longest task, waits its turn behind them."""
    try:
        os.nice(WORKER_NICENESS)
    except (AttributeError, OSError):
        pass  # not allowed here: the build is only slower


WORKER_NICENESS = 5


def _parse_in_worker(task):
    root, rel, count = task
    return _parse((root, rel, _WORKER_TAXONOMY, count))


def _parsed(root: Path, rels: list[str], taxonomy, count: bool, previous: _Previous | None = None
            ) -> Iterator[tuple]:
    """Parse files in order, on several processes when there are many. Files that ``previous``
    indexed with the same content come from it instead (in the same order)."""
    same: dict[str, str] = {}  # file -> content hash, for files the previous generation holds
    if previous is not None:
        for rel in rels:
            digest = previous.unchanged(root, rel)
            if digest is not None:
                same[rel] = digest
    parsed = _parse_all(root, [r for r in rels if r not in same], taxonomy, count)
    for rel in rels:
        found = previous.copy_of(root, rel, same[rel]) if rel in same else None
        yield found if found is not None else next(parsed)


def in_parallel(files: int) -> bool:
    """Whether this many files are parsed by worker processes (and a full build's other
    work is spread over processes too)."""
    return files >= PARALLEL_MIN_FILES and _workers() > 1


def _parse_all(root: Path, rels: list[str], taxonomy, count: bool) -> Iterator[tuple]:
    workers = _workers()
    if in_parallel(len(rels)):
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        tax = taxonomy()
        # At most MAX_AHEAD files parsed and not yet taken: a writer slower than the parsers
        # would otherwise find the whole corpus's rows waiting in its memory.
        ahead = threading.Semaphore(MAX_AHEAD)
        stop = threading.Event()

        def tasks():  # iterated by the pool's own thread, which waits here
            for rel in rels:
                while not ahead.acquire(timeout=0.05):
                    if stop.is_set():
                        return
                yield str(root), rel, count

        with ctx.Pool(workers, initializer=_init_worker, initargs=(tax,)) as pool:
            try:
                for item in pool.imap(_parse_in_worker, tasks(), chunksize=16):
                    ahead.release()
                    yield item
            finally:
                stop.set()  # so that the pool's thread ends and the pool can be closed
    else:
        for rel in rels:
            yield _parse((root, rel, taxonomy(), count))


def _workers() -> int:
    """Parsing processes: the CPUs this process may use (affinity, not the machine's count)."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, min(n, 8))


class _ReuseFailed(Exception):
    """The previous generation could not be read: build without it."""


class _Prepared:
    """An article as a full build writes it: its articles row and its passages' rows. Made
    where the file is parsed (a worker process): the rows cost less to send back than the
    Article, and the main process, which writes the index alone, has less to do."""

    def __init__(self, row: tuple, passages: list[tuple]):
        self.row = row  # the articles row, without rowid and slot
        self.id = row[0]
        self.rows = passages  # (idx, pid, kind, sectors, actors, reviewed, text, tags, cjk)
        self.passages = passages

    @classmethod
    def of(cls, rel: str, article) -> _Prepared:
        """The rows ``updates._insert_article`` writes for a parsed article."""
        rows = []
        for p in article.passages:
            han = has_han(p.text)  # (once: both forms of the text ask)
            rows.append((p.index, p.id, p.kind, _tags(p.sectors), _tags(p.actors),
                         int(p.reviewed), index_text(p.text, han),
                         _tag_text(p.kind, p.sectors, p.actors), char_text(p.text, han)))
        return cls(
            (article.id, rel, article.title, article.source, article.section,
             json.dumps(list(article.authors), ensure_ascii=False), article.author_note,
             article.published.isoformat(), article.url, article.language,
             len(article.passages)), rows)


class _Copied(_Prepared):
    """An article as the previous generation indexed it, standing in for a parsed one."""


class _Previous:
    """A read-only view of the current generation, to copy unchanged files from."""

    def __init__(self, con: sqlite3.Connection):
        self.con = con
        self.files = {r[0]: (r[1], r[2]) for r in con.execute(
            "SELECT path, hash, problems FROM files WHERE status = 'ok' AND hash != ''")}

    @classmethod
    def open(cls, path: Path | None, expect: dict[str, str]) -> _Previous | None:
        if path is None or not path.exists():
            return None
        try:
            con = read_only(path, check_same_thread=False)
            _check(con, path, expect)
            return cls(con)
        except (_Stale, sqlite3.Error):
            return None

    def unchanged(self, root: Path, rel: str) -> str | None:
        """The file's content hash when it is the one this generation indexed."""
        known = self.files.get(rel)
        if known is None:
            return None
        digest = _hash_file(root / rel)
        return digest if digest == known[0] else None

    def copy_of(self, root: Path, rel: str, digest: str) -> tuple:
        """(rel, hash, _Copied, problems, words), as the parsing of the file gives them."""
        known = self.files[rel]
        try:
            row = self.con.execute(
                "SELECT id, file, title, source, section, authors, author_note, published, url,"
                " language, n_passages, slot FROM articles WHERE file = ?", (rel,)).fetchone()
            if row is None:
                raise _ReuseFailed(f"{rel}: article missing")
            lo, hi = slot_range(row[-1])
            passages = self.con.execute(
                "SELECT p.idx, p.pid, p.kind, p.sectors, p.actors, p.reviewed, f.text, f.tags,"
                " f.cjk FROM passages p JOIN fts f ON f.rowid = p.rowid "
                "WHERE p.rowid BETWEEN ? AND ? ORDER BY p.rowid", (lo, hi)).fetchall()
        except sqlite3.Error as exc:
            raise _ReuseFailed(str(exc)) from None
        if len(passages) != row[10]:
            raise _ReuseFailed(f"{rel}: passages missing")
        problems = [Problem(root / rel, p[0], p[1], p[2], p[3], p[4])
                    for p in json.loads(known[1])]
        return rel, digest, _Copied(row[:-1], passages), problems, Counter()
