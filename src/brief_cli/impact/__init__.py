"""Impact lists: the top passages of each frequent word, so a one-word search need not rank
every passage that holds it.

FTS5 computes ``bm25()`` for every row a query matches and has no top-k pruning: a word found in
100,000 passages costs that many score computations. For every stem found in at least
``MIN_DF`` passages (and at most half of them: above that BM25's idf is clamped and such words
are not worth a list), a full build stores its ``K`` best passages by that stem's BM25
contribution, with what it takes to score them again (the stem's frequency in the passage and
the passage's length in tokens).

A search whose ranked part is one word (possibly a typo corrected to one word; filters by tag,
date, article or language allowed) is then answered from the list, *exactly* as FTS5 would rank
it, or not at all:

- every candidate's score is computed with FTS5's own formula (k1 = 1.2, b = 0.75, the idf from
  the current number of rows holding the word, the current average row length), so scores are
  FTS5's to the last bit and ties go to corpus order as in FTS5;
- a passage outside the list scored at most ``theta`` (the list's last score, without idf) when
  the list was built; as idf is the same for every passage and the average length may have
  moved since, it now scores at most ``idf * theta * max(1, avgdl_now / avgdl_then)`` (BM25's
  length part scales by at most that factor). The page is served from the list only when the
  last passage on it scores strictly more than that bound; otherwise the search falls back to
  the full FTS5 ranking;
- passages written since the build (an incremental refresh) are recorded as rowid ranges in
  ``impact_dirty``: list entries inside them are ignored and those passages are scored from the
  index itself (FTS5's highlight() gives the word's occurrences), so an edit is seen at once.
  Past ``MAX_DIRTY`` ranges the lists are dropped until the next full build.

The hit count stays exact: it is FTS5's count of the matching rows (without ``bm25()``, which is
the cost).
"""

from __future__ import annotations

import math
import sqlite3
import threading

from brief_cli.index.schema import read_only

K = 1000  # passages kept per stem
MIN_DF = 2000  # stems in fewer passages are ranked by FTS5 directly (fast enough)
PARALLEL_MIN_TERMS = 64  # fewer stems are listed in one process
MAX_DIRTY = 64  # rowid ranges written since the build; beyond this the lists are dropped
VERSION = "2"  # 2: frequencies and lengths as 32-bit integers

K1, B = 1.2, 0.75  # FTS5's bm25() constants

_OPEN, _CLOSE = "\ue000", "\ue001"

SCHEMA = """
CREATE TABLE IF NOT EXISTS impact(term TEXT PRIMARY KEY, n INTEGER NOT NULL,
    theta REAL NOT NULL, rowids BLOB NOT NULL, freqs BLOB NOT NULL, sizes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS impact_dirty(lo INTEGER NOT NULL, hi INTEGER NOT NULL);
"""


def _varints(data: bytes) -> list[int]:
    """SQLite's varints (as FTS5 stores sizes and totals)."""
    out = []
    i, n = 0, len(data)
    while i < n:
        value = 0
        for j in range(9):
            byte = data[i]
            i += 1
            if j == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        out.append(value)
    return out


def totals(con: sqlite3.Connection) -> tuple[int, float]:
    """(rows, average row length in tokens over every column), as FTS5's bm25() sees them."""
    row = con.execute("SELECT block FROM fts_data WHERE id = 1").fetchone()
    if row is None or not row[0]:
        return 0, 0.0
    values = _varints(row[0])
    rows = values[0]
    return rows, (sum(values[1:]) / rows if rows else 0.0)


def idf(rows: int, hits: int) -> float:
    value = math.log((rows - hits + 0.5) / (hits + 0.5))
    return value if value > 0.0 else 1e-6


def _length_part(freq: float, size: float, avgdl: float) -> float:
    return (freq * (K1 + 1.0)) / (freq + K1 * (1 - B + B * size / avgdl))


def _sizes(con: sqlite3.Connection, rowids: list[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for i in range(0, len(rowids), 500):
        part = rowids[i:i + 500]
        for rowid, blob in con.execute(
                f"SELECT id, sz FROM fts_docsize WHERE id IN ({','.join('?' * len(part))})",
                part):
            # one byte per column when every column is under 128 tokens (the usual case)
            out[rowid] = sum(blob) if blob.isascii() else sum(_varints(blob))
    return out


def stems(con: sqlite3.Connection, words: list[str], tokenizer: str) -> dict[str, str]:
    """Each word's single token as the index's tokenizer makes it (words that make no token,
    or several, are left out). A private temporary table: nothing is written to the index."""
    _tokenizer_tables(con, tokenizer)
    try:
        con.executemany("INSERT INTO temp.impact_tok(rowid, w) VALUES (?, ?)",
                        list(enumerate(words, 1)))
        found: dict[int, list[str]] = {}
        for term, doc in con.execute("SELECT term, doc FROM temp.impact_tok_v"):
            found.setdefault(doc, []).append(term)
    finally:
        con.execute("DELETE FROM temp.impact_tok")
    return {words[doc - 1]: terms[0] for doc, terms in found.items() if len(terms) == 1}


def _tokenizer_tables(con: sqlite3.Connection, tokenizer: str) -> None:
    con.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.impact_tok USING fts5(w, "
                f"tokenize='{tokenizer}')")
    con.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.impact_tok_v USING "
                "fts5vocab(temp, impact_tok, 'instance')")
    con.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.impact_tok_r USING "
                "fts5vocab(temp, impact_tok, 'row')")


def stem_count(con: sqlite3.Connection, term: str) -> int | None:
    """The passages holding a listed stem now (kept exact through refreshes); None if the
    stem has no list."""
    row = con.execute("SELECT n FROM impact WHERE term = ?", (term,)).fetchone()
    return row[0] if row else None


def build(con: sqlite3.Connection, tokenizer: str, *, k: int | None = None,
          min_df: int | None = None, han=None, workers: int = 1) -> int:
    """(Re)build every list in the index open on ``con``; returns the number of stems listed.
    ``han(term)`` tells Chinese stems, which are not listed. With ``workers`` > 1 the lists are
    computed by that many processes reading the committed file. To rebuild the lists of an
    index in use, call ``compute`` outside any write transaction and ``store`` inside one
    (worker processes cannot read a file whose writer has begun to change it)."""
    results, avgdl = compute(con, tokenizer, k=k, min_df=min_df, han=han, workers=workers)
    store(con, results, avgdl)
    return len(results)


def compute(con: sqlite3.Connection, tokenizer: str, *, k: int | None = None,
            min_df: int | None = None, han=None, workers: int = 1
            ) -> tuple[list[tuple], float]:
    """The impact table's rows for the index as committed, and its average row length; writes
    nothing (but a private temporary table)."""
    k = K if k is None else k
    min_df = MIN_DF if min_df is None else min_df
    rows, avgdl = totals(con)
    if not rows:
        return [], avgdl
    path = _file_of(con)
    lengths = None
    if path and rows >= 2 * min_df:  # (else no stem can be listed)
        from brief_cli.impact.lists import Lengths

        # Every passage's length, once for all the stems, read while another connection
        # finds the stems: both read the whole index, and SQLite scans for the stems with
        # the interpreter's lock released.
        found: dict = {}
        thread = threading.Thread(target=_frequent_in_thread, args=(path, min_df, rows, found),
                                  daemon=True)
        thread.start()
        try:
            lengths = Lengths.of(con)
        finally:
            thread.join()
        if "error" in found:
            raise found["error"]
        frequent = found["terms"]
    else:
        frequent = _frequent(con, min_df, rows)
    vocab = [(t, n) for t, n in frequent if han is None or not han(t)]
    # A stem is listed only if the tokenizer gives it back unchanged: the list is what a
    # query for that word matches.
    same = stems(con, [t for t, _n in vocab], tokenizer)
    todo = [(t, n) for t, n in vocab if same.get(t) == t]
    if not todo:
        return [], avgdl  # (and numpy is not imported: a small corpus's first build)
    if lengths is None:
        from brief_cli.impact.lists import Lengths

        lengths = Lengths.of(con)
    if workers > 1 and len(todo) >= PARALLEL_MIN_TERMS and path:
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        # the heaviest stems first, spread over many small tasks, so that no worker is left
        # alone with a long one at the end (32 a worker: 0.91-0.94x the wall time of 8 at 1M)
        todo.sort(key=lambda item: -item[1])
        parts = [todo[i::workers * 32] for i in range(workers * 32)]
        with ctx.Pool(workers, initializer=_worker_lengths, initargs=(lengths,)) as pool:
            results = [r for part in pool.imap_unordered(
                _lists_in_worker, [(path, part, rows, avgdl, k) for part in parts]) for r in part]
        results.sort()  # (the order the tasks ended in is not the index's business)
    else:
        from brief_cli.impact.lists import lists

        results = lists(con, todo, rows, avgdl, k, lengths)
    return results, avgdl


def _frequent(con: sqlite3.Connection, min_df: int, rows: int) -> list[tuple[str, int]]:
    """(stem, passages) of the text column's stems in ``min_df`` to half of ``rows`` passages."""
    return con.execute(
        "SELECT term, doc FROM fts_vocab WHERE col = 'text' AND doc >= ? AND doc <= ?",
        (min_df, rows // 2)).fetchall()


def _frequent_in_thread(path: str, min_df: int, rows: int, out: dict) -> None:
    try:
        con = read_only(path, check_same_thread=False)
        try:
            out["terms"] = _frequent(con, min_df, rows)
        finally:
            con.close()
    except BaseException as exc:  # handed to the calling thread
        out["error"] = exc


def store(con: sqlite3.Connection, results: list[tuple], avgdl: float) -> None:
    """Replace the lists by ``results`` (from ``compute``)."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            con.execute(statement)  # not executescript(): that would commit the caller's work
    con.execute("DELETE FROM impact")
    con.execute("DELETE FROM impact_dirty")
    con.executemany("INSERT INTO impact VALUES (?, ?, ?, ?, ?, ?)", results)
    _set_meta(con, avgdl)


def _file_of(con: sqlite3.Connection) -> str:
    for _seq, name, file in con.execute("PRAGMA database_list"):
        if name == "main":
            return file or ""
    return ""


_LENGTHS = None  # a list worker's copy of the build's Lengths


def _worker_lengths(lengths) -> None:
    global _LENGTHS
    _LENGTHS = lengths


def _lists_in_worker(task) -> list[tuple]:
    from brief_cli.impact.lists import lists

    path, terms, rows, avgdl, k = task
    con = read_only(path)
    try:
        return lists(con, terms, rows, avgdl, k, _LENGTHS)
    finally:
        con.close()


def _set_meta(con: sqlite3.Connection, avgdl: float) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES ('impact', ?)", (f"{VERSION} {avgdl!r}",))


def drop(con: sqlite3.Connection) -> None:
    con.execute("DELETE FROM meta WHERE key = 'impact'")
    con.execute("DELETE FROM impact")
    con.execute("DELETE FROM impact_dirty")


def built_avgdl(con: sqlite3.Connection) -> float | None:
    """The average row length when the lists were built; None when there are none."""
    row = con.execute("SELECT value FROM meta WHERE key = 'impact'").fetchone()
    if row is None:
        return None
    version, _, value = row[0].partition(" ")
    if version != VERSION:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def changed(con: sqlite3.Connection, lo: int, hi: int, texts: list[str], sign: int) -> None:
    """Passages in rowids lo..hi are removed (sign -1; ``texts`` as indexed) or added (+1),
    inside the refresh's transaction: each listed stem's passage count follows, and the range
    is recorded so that its list entries are no longer trusted."""
    if con.execute("SELECT 1 FROM meta WHERE key = 'impact'").fetchone() is None:
        return
    if texts:
        _count_stems(con, texts, sign)
    mark_dirty(con, lo, hi)


def _count_stems(con: sqlite3.Connection, texts: list[str], sign: int) -> None:
    from brief_cli.index import TOKENIZER

    _tokenizer_tables(con, TOKENIZER)
    try:
        con.executemany("INSERT INTO temp.impact_tok(w) VALUES (?)", [(t,) for t in texts])
        counts = con.execute("SELECT term, doc FROM temp.impact_tok_r").fetchall()
    finally:
        con.execute("DELETE FROM temp.impact_tok")
    con.executemany("UPDATE impact SET n = n + ? WHERE term = ?",
                    [(sign * doc, term) for term, doc in counts])


def mark_dirty(con: sqlite3.Connection, lo: int, hi: int) -> None:
    """Record that passages in rowids lo..hi changed (inside the refresh's transaction)."""
    if con.execute("SELECT 1 FROM impact_dirty WHERE lo = ? AND hi = ?", (lo, hi)).fetchone():
        return
    if con.execute("SELECT count(*) FROM impact_dirty").fetchone()[0] >= MAX_DIRTY:
        drop(con)
        return
    con.execute("INSERT INTO impact_dirty VALUES (?, ?)", (lo, hi))


# The answering side (``top``, ``top_clause``) lives in ``impact.answers``; imported here last,
# as it reads this module's functions and limits.
from brief_cli.impact.answers import top, top_clause  # noqa: E402  (after what it uses)
