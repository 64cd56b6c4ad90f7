"""Making the impact lists: each listed stem's ``K`` best passages by its BM25 contribution,
exactly as FTS5's ``bm25()`` orders them (ties to corpus order).

Two ways, same lists:

- **by FTS5**: one ``bm25()`` ranking of every passage holding the stem. Simple, but FTS5
  computes the score of every row (2-4 µs each: a document-size lookup and the instance count
  per row), so at a million passages the lists cost about a third of a full build. Used for
  the stems the other way leaves out, and when a build has no lengths to give.
- **by length**: for one word, BM25 depends only on the word's frequency in the passage ``f``
  and the passage's length ``D``, rising with ``f`` and falling with ``D``. So a passage with
  frequency ``t`` can be among the ``K`` best only if it is among the ``K`` shortest (length,
  then rowid) of the passages holding the word at least ``t`` times: any of those shorter
  ones scores at least as much and comes first. The word's passages and frequencies come from
  FTS5's instance table in one aggregate; every passage's length is read once per build
  (``Lengths``). The candidates, each frequency tier's K shortest, are found with array
  operations (numpy: a sort of the word's passages by length, a mask per tier), and only they
  are scored, with FTS5's own formula and operation order (so the scores are its doubles).
  A stem with any instance outside the text column (the Chinese column, where FTS5 weighs it
  0.5) is left to FTS5.
"""

from __future__ import annotations

import json
import sqlite3
from array import array

import numpy as np

from brief_cli.impact import B, K1, _length_part, _sizes, _varints, idf


LENGTHS_PART = 65536  # rows of fts_docsize read at a time


class Lengths:
    """Every passage's length in tokens (all columns, as ``bm25()`` counts it): ``sizes[i]``
    is the length of rowid ``ids[i]``, rowids ascending."""

    def __init__(self, ids: np.ndarray, sizes: np.ndarray):
        self.ids = ids
        self.sizes = sizes

    @classmethod
    def of(cls, con: sqlite3.Connection) -> Lengths:
        ids, sizes = [], []
        cursor = con.execute("SELECT id, sz FROM fts_docsize ORDER BY id")
        # in parts: a million rows at once would hold a million tuples and blobs
        while rows := cursor.fetchmany(LENGTHS_PART):
            ids.append(np.fromiter((r[0] for r in rows), np.int64, len(rows)))
            blobs = [r[1] for r in rows]
            joined = b"".join(blobs)
            width = len(blobs[0])
            if len(joined) == width * len(blobs) and joined.isascii():
                # one byte per column when every column is under 128 tokens (the usual case)
                sizes.append(np.frombuffer(joined, np.uint8).reshape(-1, width)
                             .sum(1, dtype=np.int64))
            else:
                sizes.append(np.fromiter(
                    (sum(b) if b.isascii() else sum(_varints(b)) for b in blobs),
                    np.int64, len(blobs)))
        if not ids:
            return cls(np.zeros(0, np.int64), np.zeros(0, np.int64))
        return cls(np.concatenate(ids), np.concatenate(sizes))

    def of_rowids(self, rowids: np.ndarray) -> np.ndarray | None:
        """The lengths of these rowids (ascending); None if one is not a passage."""
        at = np.searchsorted(self.ids, rowids)
        if at.size and (at[-1] >= self.ids.size or not np.array_equal(self.ids[at], rowids)):
            return None
        return self.sizes[at]


def instances_table(con: sqlite3.Connection) -> None:
    con.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.impact_inst USING "
                "fts5vocab(main, fts, 'instance')")


def lists(con: sqlite3.Connection, terms: list[tuple[str, int]], rows: int, avgdl: float,
          k: int, lengths: Lengths | None) -> list[tuple]:
    """The impact table's rows for these stems (with their passage counts). With ``lengths``
    (of the index on ``con``) each stem is ranked by length, or by FTS5 when that way declines
    it; without, all are ranked by FTS5."""
    out = []
    if lengths is not None:
        instances_table(con)
    for term, n in terms:
        found = None
        if lengths is not None:
            found = by_length(con, term, n, rows, avgdl, k, lengths)
        if found is None:
            found = by_fts5(con, term, n, rows, avgdl, k)
        if found is not None:
            out.append(found)
    return out


def _row(term: str, n: int, rowids: array, freqs: array, sizes: array, avgdl: float) -> tuple:
    theta = _length_part(freqs[-1], sizes[-1], avgdl) if n > len(rowids) else 0.0
    return term, n, theta, rowids.tobytes(), freqs.tobytes(), sizes.tobytes()


def _phrase(term: str) -> str:
    return '{text cjk} : "' + term.replace('"', '""') + '"'


def by_fts5(con: sqlite3.Connection, term: str, n: int, rows: int, avgdl: float, k: int
            ) -> tuple | None:
    """The stem's row, from FTS5's own ranking; None when its frequencies are not whole
    numbers (a word in the Chinese column, weighed 0.5)."""
    scored = con.execute(
        "SELECT rowid, bm25(fts, 1.0, 0.0, 0.5) FROM fts WHERE fts MATCH ? "
        "ORDER BY 2, rowid LIMIT ?", (_phrase(term), k)).fetchall()
    weight = idf(rows, n)
    sizes = _sizes(con, [r for r, _s in scored])
    rowids, freqs, lengths = array("q"), array("i"), array("i")
    for rowid, score in scored:
        size = sizes[rowid]
        part = -score / weight
        # bm25's length part inverted gives the word's frequency (a whole number for a
        # word outside Chinese text, which alone the cjk column holds)
        denom = K1 * (1 - B + B * size / avgdl)
        freq = part * denom / (K1 + 1.0 - part) if part < K1 + 1.0 else -1.0
        whole = round(freq)
        if whole < 1 or abs(freq - whole) > 1e-6 * max(1.0, freq):
            return None
        rowids.append(rowid)
        freqs.append(whole)
        lengths.append(size)
    if not rowids:
        return None
    return _row(term, n, rowids, freqs, lengths, avgdl)


def by_length(con: sqlite3.Connection, term: str, n: int, rows: int, avgdl: float, k: int,
              lengths: Lengths) -> tuple | None:
    """The stem's row, from its candidates by length (see the module's docstring); None when
    the stem is not for this way (instances outside the text column, or counts that disagree
    with the vocabulary's), and FTS5 ranks it instead."""
    if con.execute("SELECT 1 FROM fts_vocab WHERE term = ? AND col != 'text' LIMIT 1",
                   (term,)).fetchone():
        return None
    # instances come in rowid order: a passage holding the word f times comes f times
    docs = np.array(json.loads(con.execute(
        "SELECT json_group_array(doc) FROM temp.impact_inst WHERE term = ?", (term,)
    ).fetchone()[0]), np.int64)
    if not docs.size:
        return None
    first = np.empty(docs.size, bool)
    first[0] = True
    np.not_equal(docs[1:], docs[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    holders = docs[starts]
    if holders.size != n:
        return None
    freqs = np.diff(np.append(starts, docs.size))
    sizes = lengths.of_rowids(holders)
    if sizes is None:
        return None
    by_size = np.lexsort((holders, sizes))  # (length, rowid)
    tiers = freqs[by_size]
    chosen = np.zeros(holders.size, bool)
    # the passages holding the word at least t times change only at a frequency some passage has
    for t in np.unique(tiers):
        chosen[by_size[np.flatnonzero(tiers >= t)[:k]]] = True
    found = np.flatnonzero(chosen)
    f, d, rowids = freqs[found], sizes[found], holders[found]
    weight = idf(rows, n)
    # bm25()'s expression, in its order of operations: the same doubles
    scores = -1.0 * (0.0 + weight * ((f * (K1 + 1.0)) / (f + K1 * (1 - B + B * d / avgdl))))
    best = np.lexsort((rowids, scores))[:k]  # (score, rowid), as FTS5 orders them
    return _row(term, n, array("q", rowids[best].tolist()), array("i", f[best].tolist()),
                array("i", d[best].tolist()), avgdl)
