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
  (``Lengths``). For a tier of ``walk_min()`` passages or more, its K shortest are found by
  walking all passages in (length, rowid) order and keeping the first K that hold the word; a
  smaller tier has its lengths looked up. Only the candidates (a few thousand) are scored,
  with FTS5's own formula and operation order (so the scores are its doubles). A stem with any
  instance outside the text column (the Chinese column, where FTS5 weighs it 0.5) is left to
  FTS5.
"""

from __future__ import annotations

import json
import math
import sqlite3
from array import array
from collections import Counter
from itertools import compress, count, islice, repeat
from operator import add, and_, eq, rshift

from brief_cli.impact import B, K1, _length_part, _sizes, _varints, idf
from brief_cli.index.schema import PASSAGE_BITS

WALK_SCALE = 3.0  # a tier is walked from sqrt(K * rows / WALK_SCALE) passages


def walk_min(rows: int, k: int) -> int:
    """The fewest passages (of ``rows``) a tier of a stem must hold to be worth a walk. A walk
    crosses about 2.5 K·rows/n passages at 60-90 ns each before it has found its K, where
    looking the n lengths up costs about 0.5 µs each: the walk wins above about the square
    root of K·rows / 3 (measured at 1M: 8 and 1.5 for the 3 were no better)."""
    return max(k + 1, int(math.sqrt(k * rows / WALK_SCALE)))


class Lengths:
    """Every passage's length in tokens (all columns, as ``bm25()`` counts it), in two orders:
    ascending (length, rowid), where ``rowids[i]`` has length ``sizes[i]`` (for walks), and by
    rowid, where ``ids[i]`` has length ``by_id[i]`` (for lookups)."""

    def __init__(self, rowids: list[int], sizes: array, ids: list[int], by_id: array,
                 first: dict[int, int]):
        self.rowids = rowids  # lists: a walk over them makes no new int objects
        self.sizes = sizes
        self.ids = ids
        self.by_id = by_id
        self.first = first  # slot -> the place in ids its passage 0 would have

    @classmethod
    def of(cls, con: sqlite3.Connection) -> Lengths:
        ids, lengths, first = [], array("i"), {}
        for rowid, blob in con.execute("SELECT id, sz FROM fts_docsize ORDER BY id"):
            first.setdefault(rowid >> PASSAGE_BITS, len(ids) - (rowid & _IDX))
            ids.append(rowid)
            # one byte per column when every column is under 128 tokens (the usual case)
            lengths.append(sum(blob) if blob.isascii() else sum(_varints(blob)))
        order = sorted(range(len(ids)), key=lengths.__getitem__)  # stable: rowid order kept
        return cls(list(map(ids.__getitem__, order)), array("i", map(lengths.__getitem__, order)),
                   ids, lengths, first)

    def shortest(self, holders, k: int) -> list[int]:
        """Positions of the first ``k`` rowids (in length order) that ``holders`` contains."""
        return list(islice(compress(count(), map(holders.__contains__, self.rowids)), k))

    def of_rowids(self, rowids: list[int]) -> dict[int, int] | None:
        """{rowid: length} for these rowids; None if one is not a passage of the index. An
        article's passages have consecutive rowids from its slot's first: the place of a
        rowid among all is its article's first place plus its passage's number (C-level maps,
        where a binary search over a million rowids misses the cache at each step)."""
        try:
            at = list(map(add, map(self.first.__getitem__,
                                   map(rshift, rowids, repeat(PASSAGE_BITS))),
                          map(and_, rowids, repeat(_IDX))))
            if not all(map(eq, map(self.ids.__getitem__, at), rowids)):
                return None
        except (KeyError, IndexError):
            return None
        return dict(zip(rowids, map(self.by_id.__getitem__, at)))


_IDX = (1 << PASSAGE_BITS) - 1


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
    # A smaller tier (a rarer word; or the passages holding the word often, usually long ones:
    # a walk from the shortest would cross most of the corpus): their lengths are looked up.
    ordered = sorted(tier)
    sizes = lengths.of_rowids(ordered)
    if sizes is None:
        return None
    by_size = sorted(ordered, key=sizes.__getitem__)  # (length, rowid): the sort is stable
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
