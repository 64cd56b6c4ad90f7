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
from array import array

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
            out[rowid] = sum(_varints(blob))
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


def _phrase(term: str) -> str:
    return '{text cjk} : "' + term.replace('"', '""') + '"'


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
    vocab = [(t, n) for t, n in con.execute(
        "SELECT term, doc FROM fts_vocab WHERE col = 'text' AND doc >= ? AND doc <= ?",
        (min_df, rows // 2)) if han is None or not han(t)]
    # A stem is listed only if the tokenizer gives it back unchanged: the list is what a
    # query for that word matches.
    same = stems(con, [t for t, _n in vocab], tokenizer)
    todo = [(t, n) for t, n in vocab if same.get(t) == t]
    path = _file_of(con)
    if workers > 1 and len(todo) >= PARALLEL_MIN_TERMS and path:
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        parts = [todo[i::workers * 8] for i in range(workers * 8)]
        with ctx.Pool(workers) as pool:
            results = [r for part in pool.imap_unordered(
                _lists_in_worker, [(path, part, rows, avgdl, k) for part in parts]) for r in part]
    else:
        results = _lists(con, todo, rows, avgdl, k)
    return results, avgdl


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


def _lists_in_worker(task) -> list[tuple]:
    path, terms, rows, avgdl, k = task
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _lists(con, terms, rows, avgdl, k)
    finally:
        con.close()


def _lists(con: sqlite3.Connection, terms: list[tuple[str, int]], rows: int, avgdl: float,
           k: int) -> list[tuple]:
    """The impact table's rows for these stems (with their passage counts)."""
    out = []
    for term, n in terms:
        scored = con.execute(
            "SELECT rowid, bm25(fts, 1.0, 0.0, 0.5) FROM fts WHERE fts MATCH ? "
            "ORDER BY 2, rowid LIMIT ?", (_phrase(term), k)).fetchall()
        weight = idf(rows, n)
        sizes = _sizes(con, [r for r, _s in scored])
        rowids, freqs, lengths = array("q"), array("i"), array("i")
        ok = True
        for rowid, score in scored:
            size = sizes[rowid]
            part = -score / weight
            # bm25's length part inverted gives the word's frequency (a whole number for a
            # word outside Chinese text, which alone the cjk column holds)
            denom = K1 * (1 - B + B * size / avgdl)
            freq = part * denom / (K1 + 1.0 - part) if part < K1 + 1.0 else -1.0
            whole = round(freq)
            if whole < 1 or abs(freq - whole) > 1e-6 * max(1.0, freq):
                ok = False
                break
            rowids.append(rowid)
            freqs.append(whole)
            lengths.append(size)
        if not ok or not rowids:
            continue
        theta = _length_part(freqs[-1], lengths[-1], avgdl) if n > len(rowids) else 0.0
        out.append((term, n, theta, rowids.tobytes(), freqs.tobytes(), lengths.tobytes()))
    return out


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


# Answering --------------------------------------------------------------------------------

def top(con: sqlite3.Connection, term: str, match: str, want: int, check=None,
        hits: int | None = None) -> list[tuple[int, float]] | None:
    """The ``want`` best passages for a query whose only ranked phrase is the stem ``term``
    (FTS5 MATCH ``match``, which may add tag filters), as (rowid, score) best first, ties in
    rowid order; None when the list cannot prove them (the caller ranks with FTS5).

    ``check(rowids)`` returns the subset that passes the query's other conditions (filters);
    None means every passage holding the word does. ``hits``: the number of passages holding
    the word, when the caller has it.
    """
    avgdl0 = built_avgdl(con)
    if avgdl0 is None:
        return None
    row = con.execute("SELECT theta, rowids, freqs, sizes FROM impact WHERE term = ?",
                      (term,)).fetchone()
    if row is None:
        return None
    dirty = con.execute("SELECT lo, hi FROM impact_dirty ORDER BY lo").fetchall()
    if len(dirty) > MAX_DIRTY:
        return None
    rows, avgdl = totals(con)
    if hits is None:
        hits = stem_count(con, term) or 0
    if not rows or not hits:
        return None
    weight = idf(rows, hits)
    theta, rowids, freqs, sizes = row[0], array("q"), array("i"), array("i")
    try:
        rowids.frombytes(row[1])
        freqs.frombytes(row[2])
        sizes.frombytes(row[3])
    except (TypeError, ValueError):
        return None  # not a list this version wrote
    if not len(rowids) == len(freqs) == len(sizes):
        return None

    excluded = _in_ranges(rowids, dirty) if dirty else frozenset()
    # (-score, rowid): sorted, best first and ties in rowid order. A list holds few distinct
    # (frequency, length) pairs: each is scored once.
    scored: list[tuple[float, int]] = []
    memo: dict[int, float] = {}
    for r, f, s in zip(rowids, freqs, sizes):
        if r in excluded:
            continue
        key = f << 32 | s
        value = memo.get(key)
        if value is None:
            value = memo[key] = weight * _length_part(f, s, avgdl)
        scored.append((-value, r))
    # Passages written since the build: scored from the index as it is now.
    for lo, hi in dirty:
        found = con.execute(
            f"SELECT rowid, text, highlight(fts, 0, '{_OPEN}', '{_CLOSE}') FROM fts "
            "WHERE fts MATCH ? AND rowid BETWEEN ? AND ?", (match, lo, hi)).fetchall()
        lengths = _sizes(con, [r for r, _t, _m in found])
        for rowid, text, marked in found:
            # (a marker character that the text itself holds is not a match)
            freq = marked.count(_OPEN) - text.count(_OPEN)
            if freq:
                scored.append((-(weight * _length_part(freq, lengths[rowid], avgdl)), rowid))
    scored.sort()
    # (1 + 1e-9): room for the rounding of the scale factor
    bound = weight * theta * max(1.0, avgdl / avgdl0) * (1 + 1e-9) if theta else -1.0
    out: list[tuple[int, float]] = []
    at = 0
    while len(out) < want and at < len(scored):
        batch = scored[at:at + max(64, 2 * (want - len(out)))]
        at += len(batch)
        if -batch[0][0] <= bound:
            break
        keep = check([r for _s, r in batch]) if check is not None else None
        for negative, rowid in batch:
            if -negative <= bound or len(out) >= want:
                break
            if keep is None or rowid in keep:
                out.append((rowid, -negative))
    if len(out) < want:
        return None
    return out


def _in_ranges(rowids, ranges: list[tuple[int, int]]) -> set[int]:
    """The rowids that fall in any of the (lo, hi) ranges."""
    from bisect import bisect_left

    ordered = sorted(rowids)
    out: set[int] = set()
    for lo, hi in ranges:
        i = bisect_left(ordered, lo)
        while i < len(ordered) and ordered[i] <= hi:
            out.add(ordered[i])
            i += 1
    return out


# Prefixes, phrases and OR groups ----------------------------------------------------------
#
# A query whose ranked part is one clause (terms ORed; a single term is a clause of one) of
# words, prefixes or one phrase is answered from the lists too, exactly or not at all. FTS5
# scores it as the sum over the clause's phrases of idf(phrase) * L(f, D), f the phrase's
# occurrences in the passage, D its length, L BM25's length part. For each phrase, a passage
# outside the *candidates* has L below a bound:
#
# - a word with a list: L <= theta (scaled as in ``top``); candidates: its list;
# - a word in fewer than MIN_DF passages: every passage holding it is a candidate (bound 0);
# - a prefix: f is the sum over the stems it covers (read from the index's vocabulary) of each
#   stem's occurrences. Outside a stem's list, L(tf, D) <= theta means tf / K(D) <= theta /
#   (k1 + 1 - theta) = r (K(D) = k1 * (1 - b + b * D / avgdl)), so outside every list the
#   prefix's f / K(D) <= R = sum of r, and L <= (k1 + 1) * R / (1 + R). The passages of its
#   rare stems (no list) are candidates. A stem that is neither listed nor rare: no answer;
# - a phrase: its occurrences are at most those of each of its words, so L is at most the
#   bound of its listed word with the smallest theta; candidates: that word's list.
#
# The candidates matching the query (and its filters) are scored exactly (FTS5's own bm25()
# for words and prefixes; a phrase's occurrences counted with highlight(), as a phrase pass
# is what costs), and the page is served when its last passage scores strictly more than
# sum(idf * bound), or when every match was scored.

MAX_RARE = 20000  # passages of rare stems a prefix may bring in as candidates
SCORE_ALL = 1000  # a phrase with at most this many matches is scored whole when need be
MAX_PAIRED = 8  # listed stems of a prefix whose pairs are searched (28 pairs)
RATIO, PHRASE_RATIO = 4, 10  # fewer matches per candidate than this: FTS5 ranks the query


def _list_of(con: sqlite3.Connection, term: str, dirty: list) -> tuple[int, float, list[int]] | None:
    row = con.execute("SELECT n, theta, rowids FROM impact WHERE term = ?", (term,)).fetchone()
    if row is None:
        return None
    rowids = array("q")
    try:
        rowids.frombytes(row[2])
    except (TypeError, ValueError):
        return None
    ids = rowids.tolist()
    for lo, hi in dirty:
        ids = [r for r in ids if not lo <= r <= hi]
    return row[0], row[1], ids


def _r(theta: float, scale: float) -> float:
    """The bound on tf / K(D) of a passage outside a list (see above), scaled for avgdl."""
    return theta / (K1 + 1.0 - theta) * scale if theta else 0.0


def _count(con: sqlite3.Connection, match: str) -> int:
    return con.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (match,)).fetchone()[0]


def _overlaps(seq: list[str]) -> bool:
    """Whether two occurrences of this phrase can overlap ("a b a"): FTS5's highlight() would
    merge them into one mark."""
    n = len(seq)
    return any(seq[k:] == seq[:n - k] for k in range(1, n))


def top_clause(con: sqlite3.Connection, terms: list[tuple[str, tuple[str, ...], str, str]],
               match: str, cond: str, cond_params: list, want: int, filtered: bool,
               weights: str) -> tuple[int, list[tuple[int, float]] | None, dict] | None:
    """(total, the ``want`` best (rowid, score), how) for a query whose ranked part is one
    clause of ``terms``: (kind, tokens, FTS5 string of the term on the text columns, the term's
    own FTS5 string), kind "word", "prefix" or "phrase" (a phrase only alone). The page is None
    when the bounds cannot prove it (the caller ranks with FTS5, knowing the total); None when
    the lists do not apply. ``how`` helps the caller highlight: "marked", the highlighted text
    of passages scored from it (phrases); "stems", the stems each prefix covers.
    ``match``/``cond``: the whole MATCH expression and the SQL on rowid (filters);
    ``weights``: bm25()'s column weights as the caller ranks."""
    from brief_cli.index import TOKENIZER

    avgdl0 = built_avgdl(con)
    if avgdl0 is None:
        return None
    dirty = con.execute("SELECT lo, hi FROM impact_dirty ORDER BY lo").fetchall()
    if len(dirty) > MAX_DIRTY:
        return None
    rows, avgdl = totals(con)
    if not rows:
        return None
    scale = max(1.0, avgdl / avgdl0)
    phrase_mode = any(kind == "phrase" for kind, _t, _f, _r in terms)
    if phrase_mode and len(terms) != 1:
        return None
    words = sorted({tok for kind, tokens, _f, _r in terms for tok in (
        tokens if kind == "phrase" else tokens[:1])})
    stem_of = stems(con, words, TOKENIZER)
    cands: set[int] = set()
    parts: list[tuple[int | None, float]] = []  # (passages holding the phrase, bound on L)
    prefixes: list[tuple[int, str, int]] = []  # (part, FTS5 string, passages of its stems)
    pairs: list[str] = []  # FTS5 expressions whose passages are candidates too
    estimate = 0  # at least the passages the clause matches (a phrase: at most)
    covering: dict[str, list[str]] = {}  # each prefix's stems (by its FTS5 string)
    for kind, tokens, fts, raw in terms:
        if kind == "word":
            stem = stem_of.get(tokens[0])
            if stem is None:
                return None
            listed = _list_of(con, stem, dirty)
            if listed is not None:
                n, theta, ids = listed
                cands.update(ids)
                parts.append((n, theta * scale))
                estimate += n
                continue
            ids = [r for (r,) in con.execute("SELECT rowid FROM fts WHERE fts MATCH ? LIMIT ?",
                                             (fts, MIN_DF + 1))]
            if len(ids) > MIN_DF:
                return None  # neither listed nor rare (e.g. in most passages)
            cands.update(ids)
            parts.append((len(ids), 0.0))
            estimate += len(ids)
        elif kind == "prefix":
            start = stem_of.get(tokens[0])
            if start is None:
                return None
            total_r, covered, rare, listed_stems, top_theta = 0.0, 0, [], [], 0.0
            covering[raw] = []
            for term, docs in con.execute(
                    "SELECT term, doc FROM fts_vocab WHERE col = 'text' AND term >= ? AND term < ?",
                    (start, start + "\U0010ffff")):
                if not term.startswith(start):
                    break
                covered += docs
                covering[raw].append(term)
                listed = _list_of(con, term, dirty)
                if listed is not None:
                    cands.update(listed[2])
                    total_r += _r(listed[1], scale)
                    listed_stems.append(term)
                    top_theta = max(top_theta, listed[1])
                elif docs < MIN_DF:
                    rare.append(term)
                else:
                    return None
            if rare and not listed_stems and len(terms) == 1:
                return None  # nothing to prune with: FTS5 ranks its rare stems' passages
            if rare and any(stems(con, rare, TOKENIZER).get(t) != t for t in rare):
                return None  # a stem a query would not find as itself
            bound = (K1 + 1.0) * total_r / (1.0 + total_r)
            if 2 <= len(listed_stems) <= MAX_PAIRED:
                # The passages holding two of the listed stems are candidates too: outside
                # them a passage holds one listed stem at most, and L <= its theta.
                pairs.extend(f"({_quoted(a)} AND {_quoted(b)})" for i, a in
                             enumerate(listed_stems) for b in listed_stems[i + 1:])
                bound = top_theta * scale
            for i in range(0, len(rare), 200):
                found = [r for (r,) in con.execute(
                    "SELECT rowid FROM fts WHERE fts MATCH ? LIMIT ?",
                    ("text : (" + " OR ".join(_quoted(t) for t in rare[i:i + 200]) + ")",
                     MAX_RARE + 1))]
                cands.update(found)
                if len(cands) > MAX_RARE + 3 * K:
                    return None
            prefixes.append((len(parts), fts, covered))
            estimate += covered
            parts.append((None, bound))
        else:
            seq = [stem_of.get(t) for t in tokens]
            if None in seq or _overlaps(seq):
                return None
            best, fewest = None, None
            for stem in set(seq):
                row = con.execute("SELECT theta, n FROM impact WHERE term = ?",
                                  (stem,)).fetchone()
                if row is not None and (best is None or row[0] < best[1]):
                    best = (stem, row[0])
                if row is not None:
                    fewest = row[1] if fewest is None else min(fewest, row[1])
            if best is None:
                return None
            estimate += fewest
            listed = _list_of(con, best[0], dirty)
            if listed is None:
                return None
            cands.update(listed[2])
            parts.append((None, listed[1] * scale))
    # Few matches for the candidates: FTS5 ranks them at less cost (its per-match cost is a
    # fraction of a candidate's here, a phrase's highlight most of all).
    if estimate < (PHRASE_RATIO if phrase_mode else RATIO) * len(cands):
        return None
    if pairs:
        cands.update(r for (r,) in con.execute("SELECT rowid FROM fts WHERE fts MATCH ?",
                                               ("text : (" + " OR ".join(pairs) + ")",)))
    for lo, hi in dirty:  # passages written since the build: all candidates
        cands.update(r for (r,) in con.execute(
            "SELECT rowid FROM passages WHERE rowid BETWEEN ? AND ?", (lo, hi)))
    inside = "+rowid IN (SELECT value FROM json_each(?))"
    inside_params = [_json_ids(cands)]
    # One pass counts the matches and hands the candidates among them to Python (a function
    # called only for them): the count and the candidates' scores cost one scan, not two.
    kept: dict[int, tuple] = {}

    def keep(rowid, *values):
        kept[rowid] = values
        return 1

    con.create_function("brief_keep", -1, keep)
    scored: list[tuple[float, int]] = []
    if phrase_mode:
        # (a marker character that the text itself holds is not a match: counted apart)
        total = con.execute(
            f"SELECT count(*) FROM fts WHERE fts MATCH ? AND {cond} AND (CASE WHEN {inside} "
            f"AND ({cond}) THEN brief_keep(rowid, highlight(fts, 0, '{_OPEN}', '{_CLOSE}'), "
            f"instr(text, '{_OPEN}')) ELSE 1 END)",
            [match] + cond_params + inside_params + cond_params).fetchone()[0]
        n = _count(con, terms[0][2]) if filtered else total
        marked = [(r, v[0], v[1]) for r, v in kept.items()]
        scored = _phrase_scores(con, marked, rows, n, avgdl)
        if scored is None:
            return None
        if len(scored) < total <= SCORE_ALL:
            # Few matches: the others are scored too (a second pass, cheaper than FTS5's
            # ranking, which makes three).
            more = con.execute(
                f"SELECT rowid, highlight(fts, 0, '{_OPEN}', '{_CLOSE}'), instr(text, '{_OPEN}') "
                f"FROM fts WHERE fts MATCH ? AND {cond} AND NOT {inside}",
                [match] + cond_params + inside_params).fetchall()
            kept.update((r, (m, o)) for r, m, o in more)
            extra = _phrase_scores(con, more, rows, n, avgdl)
            if extra is None:
                return None
            scored += extra
        parts = [(n, parts[0][1])]
    else:
        total = con.execute(
            f"SELECT count(*) FROM fts WHERE fts MATCH ? AND {cond} AND (CASE WHEN {inside} "
            f"AND ({cond}) THEN brief_keep(rowid, bm25(fts, {weights})) ELSE 1 END)",
            [match] + cond_params + inside_params + cond_params).fetchone()[0]
        for at, fts, covered in prefixes:
            n = total if not filtered and len(parts) == 1 else _count(con, fts)
            if n > covered:
                return None  # the vocabulary read is not what the prefix matches
            parts[at] = (n, parts[at][1])
        scored = [(-v[0], r) for r, v in kept.items()]
    want = min(want, total)
    scored.sort(key=lambda x: (-x[0], x[1]))
    out = [(r, s) for s, r in scored[:want]]
    how = {"marked": {r: v[0] for r, v in kept.items()}} if phrase_mode \
        else {"stems": covering}
    if len(scored) >= total:
        return total, out, how  # every match was scored
    bound = sum(idf(rows, n) * b for n, b in parts if b) * (1 + 1e-9)
    if len(out) < want or (out and out[-1][1] <= bound):
        return total, None, how
    return total, out, how


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _json_ids(ids) -> str:
    return "[" + ",".join(map(str, sorted(ids))) + "]"


def _phrase_scores(con: sqlite3.Connection, marked: list[tuple[int, str, int]], rows: int,
                   n: int, avgdl: float) -> list[tuple[float, int]] | None:
    """Scores of passages from their highlighted text (the phrase's marks counted), as FTS5's
    bm25() gives them for a query of that one phrase (tag phrases add 0). ``marked``:
    (rowid, highlighted text, whether the text itself holds a marker character)."""
    if not marked:
        return []
    sizes = _sizes(con, [r for r, _m, _o in marked])
    weight = idf(rows, n)
    own = [r for r, _m, o in marked if o]
    texts = dict(con.execute(
        f"SELECT rowid, text FROM fts WHERE rowid IN ({','.join('?' * len(own))})",
        own).fetchall()) if own else {}
    out = []
    for rowid, m, _o in marked:
        freq = m.count(_OPEN) - (texts[rowid].count(_OPEN) if rowid in texts else 0)
        if freq <= 0:
            return None
        out.append((weight * _length_part(freq, sizes[rowid], avgdl), rowid))
    return out
