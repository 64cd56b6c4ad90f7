"""Answering from the impact lists (see ``brief_cli.impact`` for what they hold and why the
answers are exact): a one-word query (``top``), and a query whose ranked part is one clause of
words, prefixes or a phrase (``top_clause``)."""

from __future__ import annotations

import sqlite3
from array import array

import brief_cli.impact as lists
from brief_cli.impact import (K1, _CLOSE, _OPEN, _length_part, _sizes, built_avgdl, idf,
                               stem_count, stems, totals)

def _state(con: sqlite3.Connection) -> tuple[float, list[tuple[int, int]], int, float] | None:
    """(average row length when the lists were built, rowid ranges changed since, rows and
    average row length now); None when there are no lists or too many changes to trust them."""
    avgdl0 = built_avgdl(con)
    if avgdl0 is None:
        return None
    dirty = con.execute("SELECT lo, hi FROM impact_dirty ORDER BY lo").fetchall()
    if len(dirty) > lists.MAX_DIRTY:
        return None
    return (avgdl0, dirty, *totals(con))


def top(con: sqlite3.Connection, term: str, match: str, want: int, check=None,
        hits: int | None = None) -> list[tuple[int, float]] | None:
    """The ``want`` best passages for a query whose only ranked phrase is the stem ``term``
    (FTS5 MATCH ``match``, which may add tag filters), as (rowid, score) best first, ties in
    rowid order; None when the list cannot prove them (the caller ranks with FTS5).

    ``check(rowids)`` returns the subset that passes the query's other conditions (filters);
    None means every passage holding the word does. ``hits``: the number of passages holding
    the word, when the caller has it.
    """
    state = _state(con)
    if state is None:
        return None
    avgdl0, dirty, rows, avgdl = state
    row = con.execute("SELECT theta, rowids, freqs, sizes FROM impact WHERE term = ?",
                      (term,)).fetchone()
    if row is None:
        return None
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

    state = _state(con)
    if state is None:
        return None
    avgdl0, dirty, rows, avgdl = state
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
                                             (fts, lists.MIN_DF + 1))]
            if len(ids) > lists.MIN_DF:
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
                elif docs < lists.MIN_DF:
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
                if len(cands) > MAX_RARE + 3 * lists.K:
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
