"""The content words of passages, worked out once and kept in the cache folder.

``compare`` counts the content words (stop words, numbers and single letters left out, as
summaries do) of thousands of passages and stems every distinct one: most of its time. Both
depend on the text alone, so they are kept in a SQLite file in the cache folder, keyed by a hash
of each passage's text (not by the index's row numbers: a rebuilt or refreshed index, or another
corpus holding the same passage, finds them again): for each passage, its content words as
written, each with its stem (``word/stem``, space-separated, in order). A word never holds a
``/`` nor a space, so the pairs of thousands of passages are counted in one split.

The file's name carries a fingerprint of the code and word lists that make the words and stems,
so a change to them starts a new file. The cache only ever saves time: a cache folder that
cannot be written, a locked or damaged file, a full disk, all fall back to doing the work here.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from brief_cli.analysis.cachedb import CacheDb

VERSION = 1
MAX_PASSAGES = 1_000_000  # passages kept before the cache stops growing (about 1 GB)
_CHUNK = 5000  # keys per IN (...) query


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    import hashlib
    import os

    from brief_cli import text
    from brief_cli.summary import words as summary

    here = [Path(__file__), Path(summary.__file__), Path(text.__file__)]
    parts = [VERSION, sorted(summary.STOP_WORDS), sorted(summary.EXTRA_STOP_WORDS),
             text.WORD_RE.pattern,
             [(p.name, os.stat(p).st_size, os.stat(p).st_mtime_ns) for p in here]]
    try:
        from importlib.metadata import version

        parts.append(version("snowballstemmer"))
    except Exception:  # not installed as a distribution: the code's stamps still count
        pass
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:16]


def default_path() -> Path | None:
    """Where the cache lives (None when there is no cache folder to be had)."""
    try:
        from brief_cli.config import cache_dir

        return cache_dir() / "terms" / f"content-words-{_fingerprint()}.db"
    except Exception:
        return None


def _remove_others(path: Path) -> None:
    """Files made by other versions of the code are of no more use: a new one replaces them."""
    for other in path.parent.glob("content-words-*.db*"):
        if not other.name.startswith(path.name):
            try:
                other.unlink()
            except OSError:
                pass


def _key(text: str) -> bytes:
    import hashlib

    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class ContentWords(CacheDb):
    """Content words and stems of passage texts, from the cache where it has them."""

    def __init__(self, path: Path | None = None, *, use_cache: bool = True):
        super().__init__()
        self.path = (path or default_path()) if use_cache else None
        self.stems: dict[str, str | None] = {}  # word -> content stem, as far as known

    # the file ----------------------------------------------------------------------------
    def _before_open(self) -> bool:
        assert self.path is not None
        if not self.path.exists():
            _remove_others(self.path)  # (it takes no error: a folder not there has no others)
        return True

    def _prepare(self, con: sqlite3.Connection) -> None:
        con.execute("CREATE TABLE IF NOT EXISTS passages(key BLOB PRIMARY KEY, words TEXT "
                    "NOT NULL) WITHOUT ROWID")

    def _fetch(self, keys: Sequence[bytes]) -> dict[bytes, str]:
        con = self._db()
        out: dict[bytes, str] = {}
        if con is None or not keys:
            return out
        try:
            for i in range(0, len(keys), _CHUNK):
                chunk = keys[i:i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                out.update(con.execute(
                    f"SELECT key, words FROM passages WHERE key IN ({marks})", chunk))
        except sqlite3.Error:  # damaged or unreadable: work without it
            self.close()
            return {}
        return out

    def _store(self, rows: list[tuple[bytes, str]]) -> None:
        con = self._db()
        if con is None or not rows:
            return
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                full = con.execute("SELECT count(*) >= ? FROM passages",
                                   (MAX_PASSAGES,)).fetchone()[0]
                if not full:
                    con.executemany("INSERT OR IGNORE INTO passages VALUES (?, ?)", rows)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        except sqlite3.Error:  # busy, read-only, full: the work is done, just not kept
            pass

    # the words -----------------------------------------------------------------------------
    def pairs(self, texts: Sequence[str]) -> list[str]:
        """Each text's ``word/stem`` pairs, space-separated: from the cache, or made (and
        kept) for the texts it does not have."""
        from brief_cli.summary import content_stems
        from brief_cli.text import words as split_words

        keys = [_key(t) for t in texts]
        found = self._fetch(list(dict.fromkeys(keys)))
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts):
            if key not in found:
                missing.setdefault(key, text)
        if missing:
            tokens = {key: split_words(text) for key, text in missing.items()}
            stems = self.stems
            new = [w for w in dict.fromkeys(w for ws in tokens.values() for w in ws)
                   if w not in stems]
            stems.update(zip(new, content_stems(new)))  # every distinct word stemmed once
            made = {key: " ".join(f"{w}/{stems[w]}" for w in ws if stems[w] is not None)
                    for key, ws in tokens.items()}
            self._store(list(made.items()))
            found.update(made)
        return [found[key] for key in keys]

    def counts(self, texts: Sequence[str]) -> tuple[Counter[str], Counter[str]]:
        """The content words of all the texts as written, counted (``text.words`` of the
        text whose ``summary`` content stem is not None), and their stems, counted; each
        word's stem joins ``stems``."""
        return self.count_pairs(self.pairs(texts))

    def count_pairs(self, pairs: Sequence[str]) -> tuple[Counter[str], Counter[str]]:
        """What ``counts`` gives, of texts whose ``pairs`` these are."""
        surface: dict[str, int] = {}  # (plain dicts: a Counter's += costs more)
        counted: dict[str, int] = {}
        stems = self.stems
        for pair, n in Counter(" ".join(pairs).split()).items():
            word, _, stem = pair.partition("/")
            surface[word] = surface.get(word, 0) + n
            counted[stem] = counted.get(stem, 0) + n
            stems[word] = stem
        return Counter(surface), Counter(counted)

    def of(self, texts: Sequence[str]) -> list[list[str]]:
        """The content words of each text as written, in order; their stems join ``stems``."""
        return self.of_pairs(self.pairs(texts))

    def of_pairs(self, pairs: Sequence[str]) -> list[list[str]]:
        """What ``of`` gives, of texts whose ``pairs`` these are."""
        out = []
        stems = self.stems
        for text in pairs:
            words = []
            for pair in text.split():
                word, _, stem = pair.partition("/")
                stems[word] = stem
                words.append(word)
            out.append(words)
        return out

    def stems_of(self, words: Iterable[str]) -> dict[str, str | None]:
        """The content stem of each word (None: not a content word): known from the
        passages counted, else made (``summary.content_stems``)."""
        from brief_cli.summary import content_stems

        stems = self.stems
        new = [w for w in dict.fromkeys(words) if w not in stems]
        if new:
            stems.update(zip(new, content_stems(new)))
        return stems
