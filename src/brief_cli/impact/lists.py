"""Making the impact lists: each listed stem's ``K`` best passages by its BM25 contribution,
exactly as FTS5's ``bm25()`` orders them (ties to corpus order).

Two ways, same lists:

- **by FTS5**: one ``bm25()`` ranking of every passage holding the stem. Simple, but FTS5
  computes the score of every row (1.5-2.5 µs each: a document-size lookup and the instance
  count per row), so at a million passages the lists cost about a third of a full build.
- **by length** (stems in ``walk_min()`` passages or more): for one word, BM25 depends only on
  the word's frequency in the passage ``f`` and the passage's length ``D``, rising with ``f``
  and falling with ``D``. So a passage with frequency ``t`` can be among the ``K`` best only if
  it is among the ``K`` shortest (length, then rowid) of the passages holding the word at least
  ``t`` times: any of those shorter ones scores at least as much and comes first. The
  candidates are found by walking every passage in (length, rowid) order (``Lengths``,
  made once per build) and keeping the first ``K`` that hold the word; the word's passages and
  frequencies come from FTS5's instance table in one aggregate, and only the candidates (a
  few thousand) are scored, with FTS5's own formula and operation order (so the scores are
  its doubles). A stem with any instance outside the text column (the Chinese column, where
  FTS5 weighs it 0.5) is left to FTS5.
"""

from __future__ import annotations

import json
import math
import sqlite3
from array import array
from collections import Counter
from itertools import compress, count, islice
from operator import eq

from brief_cli.impact import B, K1, _length_part, _sizes, _varints, idf

WALK_SCALE = 8.0  # a stem is ranked by length from sqrt(K * rows / WALK_SCALE) passages


def walk_min(rows: int, k: int) -> int:
    """The fewest passages (of ``rows``) a stem, or a tier of it, must be in to be worth a walk.
    A walk crosses about 2.5 K·rows/n passages at 60-90 ns each before it has found its K, where
    ranking by FTS5 costs about 2 µs per passage holding the word (and a length lookup 1.5 µs):
    the walk wins above about the square root of K·rows / 8."""
    return max(k + 1, int(math.sqrt(k * rows / WALK_SCALE)))


class Lengths:
    """Every passage's length in tokens (all columns, as ``bm25()`` counts it), rowids in
    ascending (length, rowid) order: ``rowids[i]`` has length ``sizes[i]``."""

    def __init__(self, rowids: list[int], sizes: array):
        self.rowids = rowids  # a list: a walk over it makes no new int objects
        self.sizes = sizes

    @classmethod
    def of(cls, con: sqlite3.Connection) -> Lengths:
        ids, lengths = array("q"), array("i")
        for rowid, blob in con.execute("SELECT id, sz FROM fts_docsize ORDER BY id"):
            ids.append(rowid)
            # one byte per column when every column is under 128 tokens (the usual case)
            lengths.append(sum(blob) if blob.isascii() else sum(_varints(blob)))
        order = sorted(range(len(ids)), key=lengths.__getitem__)  # stable: rowid order kept
        return cls(list(map(ids.__getitem__, order)), array("i", map(lengths.__getitem__, order)))

    def shortest(self, holders, k: int) -> list[int]:
        """Positions of the first ``k`` rowids (in this order) that ``holders`` contains."""
        return list(islice(compress(count(), map(holders.__contains__, self.rowids)), k))


def instances_table(con: sqlite3.Connection) -> None:
    con.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.impact_inst USING "
                "fts5vocab(main, fts, 'instance')")


def lists(con: sqlite3.Connection, terms: list[tuple[str, int]], rows: int, avgdl: float,
          k: int, lengths: Lengths | None) -> list[tuple]:
    """The impact table's rows for these stems (with their passage counts). ``lengths`` (for
    the index on ``con``) lets the frequent stems be ranked by length; without it, all are
    ranked by FTS5."""
    out = []
    if lengths is not None:
        instances_table(con)
    least = walk_min(rows, k)
    for term, n in terms:
        found = None
        if lengths is not None and n >= least:
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
    """The stem's row, from its candidates in length order (see the module's docstring);
    None when the stem is not for this way (instances outside the text column, or counts
    that disagree with the vocabulary's), and FTS5 ranks it instead."""
    if con.execute("SELECT 1 FROM fts_vocab WHERE term = ? AND col != 'text' LIMIT 1",
                   (term,)).fetchone():
        return None
    docs = json.loads(con.execute("SELECT json_group_array(doc) FROM temp.impact_inst "
                                  "WHERE term = ?", (term,)).fetchone()[0])
    holders = set(docs)
    if len(holders) != n:
        return None
    # instances come in rowid order: a rowid followed by itself is one more occurrence
    extra = Counter(compress(docs, map(eq, docs, islice(docs, 1, None))))
    found: dict[int, int] = {}  # candidate rowid -> length
    tier, t = holders, 1  # the passages holding the word at least t times
    least = walk_min(rows, k)
    while len(tier) >= least:
        for i in lengths.shortest(tier, k):
            found[lengths.rowids[i]] = lengths.sizes[i]
        t += 1
        tier = {r for r, more in extra.items() if more >= t - 1}
    # A smaller tier (the passages holding the word often, usually long ones: a walk from
    # the shortest would cross most of the corpus): their lengths are looked up instead.
    sizes = _sizes(con, sorted(tier))
    by_size = sorted(sorted(tier), key=sizes.__getitem__)  # (length, rowid)
    while by_size:
        for r in by_size[:k]:
            found[r] = sizes[r]
        t += 1
        by_size = [r for r in by_size if extra.get(r, 0) >= t - 1]
    weight = idf(rows, n)
    scores: dict[tuple[int, int], float] = {}

    def rank(rowid: int) -> tuple[float, int]:
        f, d = 1 + extra.get(rowid, 0), found[rowid]
        score = scores.get((f, d))
        if score is None:
            # bm25()'s expression, in its order of operations: the same double
            score = scores[(f, d)] = -1.0 * (0.0 + weight * (
                (f * (K1 + 1.0)) / (f + K1 * (1 - B + B * d / avgdl))))
        return score, rowid

    best = sorted(found, key=rank)[:k]
    return _row(term, n, array("q", best), array("i", (1 + extra.get(r, 0) for r in best)),
                array("i", (found[r] for r in best)), avgdl)
