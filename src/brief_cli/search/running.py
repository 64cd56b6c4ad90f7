"""Running a prepared query: the page of hits ranked by BM25 (from the impact lists when they
can prove it, else FTS5), the hits' details and highlights, neighbours and counts."""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Iterator

from brief_cli.filters import Filters
from brief_cli.index import Index
from brief_cli.lang.segment import display_text
from brief_cli.query import TEXT_COLUMNS
from brief_cli.search.highlights import _CLOSE, _OPEN, _merge, _spans
from brief_cli.search.preparing import TaxonomySource, _prepare, _Prepared
from brief_cli.search.results import Hit, SearchResult
from brief_cli.search.typos import _suggest

if TYPE_CHECKING:
    from brief_cli.search_counts import Counts

# Weight in BM25 of a match on Chinese characters, against 1.0 for one on words: a passage
# where the query is a word of the text ranks above one where its characters merely meet.
CJK_WEIGHT = 0.5


def search(index: Index, query: str, filters: Filters = Filters(), *,
           taxonomy: TaxonomySource, exact: bool = False, limit: int | None = 10,
           offset: int = 0, article_ids: list[str] | None = None) -> SearchResult:
    """Search the index: hits ranked by BM25 (corpus order when the query has no words).

    Raises UsageError (no query and no filter, bad inline filter) and UnknownIdError (unknown
    sector, kind, actor or article, with suggestions). Nothing found is not an error here:
    ``total`` is 0 and ``suggestions`` holds the nearest vocabulary words.
    """
    t0 = time.perf_counter()
    prep = _prepare(index, query, filters, taxonomy, exact, article_ids)
    total = 0
    hits: list[Hit] = []
    if not prep.empty:
        found = _impact_page(index, prep, limit, offset) if limit else None
        if found is not None:
            total, page = found
        else:
            sql, params = prep.rowids()
            total = index.con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
            page = None
        if total and (limit is None or limit > 0):
            if page is None:
                page = _page(index, prep, limit, offset)
            hits = _hits(index, prep, page, offset)
    suggestions: tuple[str, ...] = ()
    if total == 0 and prep.parsed.clauses:
        suggestions = tuple(_suggest(index, prep.parsed))
    return SearchResult(
        query=query, filters=prep.filters, total=total, hits=tuple(hits),
        corrections=prep.corrections, searched=prep.parsed.describe(prep.replace)
        if prep.parsed.clauses else "",
        suggestions=suggestions, seconds=time.perf_counter() - t0, offset=offset)


def _page(index: Index, prep: _Prepared, limit: int | None,
          offset: int) -> list[tuple[int, float | None, int]]:
    """(rowid, score, tier) of the hits on the page, in rank order (ties: corpus order)."""
    lim = -1 if limit is None else limit
    con = index.con
    if prep.text_expr:
        tier, tier_params = "0", []
        if prep.exact_expr:
            tier = "(rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?))"
            tier_params = [f"{TEXT_COLUMNS} : ({prep.exact_expr})"]
        elif prep.replace:
            tier = "1"
        sql = (f"SELECT rowid, bm25(fts, 1.0, 0.0, {CJK_WEIGHT}) AS score, {tier} AS tier FROM fts "
               f"WHERE fts MATCH ? AND {prep.cond} ORDER BY tier, score, rowid LIMIT ? OFFSET ?")
        rows = con.execute(sql, tier_params + [prep.match] + prep.cond_params + [lim, offset])
        return [(r[0], -r[1], r[2]) for r in rows]
    sql, params = prep.rowids()
    return [(r[0], None, 0) for r in con.execute(
        f"SELECT rowid FROM ({sql}) ORDER BY rowid LIMIT ? OFFSET ?", params + [lim, offset])]


def _impact_page(index: Index, prep: _Prepared, limit: int, offset: int
                 ) -> tuple[int, list[tuple[int, float | None, int]] | None] | None:
    """(total, page) from the word's impact list (``brief_cli.impact``) when the query ranks by
    one word that has one: the page is None when the list cannot prove it (then FTS5 ranks
    every match). None when the lists do not apply."""
    parsed = prep.parsed
    if (not prep.text_expr or prep.exact_expr or parsed.excluded
            or len(parsed.clauses) != 1):
        return None
    if prep.expand:
        return _clause_page(index, prep, limit, offset)
    terms = [t for term in parsed.clauses[0] for t in prep.replace.get(term, (term,))]
    if len(terms) != 1:
        return None if prep.replace else _clause_page(index, prep, limit, offset)
    term = terms[0]  # one word, quoted or not ('"pipeline"' is the same FTS5 phrase)
    if len(term.tokens) != 1 or term.prefix or term.chinese:
        return None if prep.replace else _clause_page(index, prep, limit, offset)
    from brief_cli import impact
    from brief_cli.index import TOKENIZER

    con = index.con
    try:
        if impact.built_avgdl(con) is None:
            return None
        word = term.tokens[0]
        stem = impact.stems(con, [word], TOKENIZER).get(word)
        if stem is None:
            return None
        with _one_read(con):
            hits = impact.stem_count(con, stem)
            if hits is None:
                return None
            filtered = bool(prep.tag_expr) or prep.cond != "1"
            total = hits
            if filtered:
                sql, params = prep.rowids()
                total = con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
            found = None
            # A narrow filter: the list would hold few passages that pass it (it cannot prove
            # the page), while FTS5 ranks the few matches cheaply.
            expected = min(impact.K, hits) * total / hits if hits else 0
            if total > offset and (not filtered or expected >= 3 * (offset + limit)):
                found = impact.top(con, stem, prep.match, min(offset + limit, total),
                                   _filter_check(index, prep) if filtered else None, hits=hits)
    except sqlite3.OperationalError:
        return None  # an index built before the lists existed
    if found is None:
        return total, None
    tier = 1 if prep.replace else 0
    return total, [(rowid, score, tier) for rowid, score in found[offset:offset + limit]]


@contextmanager
def _one_read(con: sqlite3.Connection) -> Iterator[None]:
    """One read transaction, unless the caller already holds one: a refresh committing
    meanwhile is seen whole or not at all."""
    own = not con.in_transaction
    if own:
        con.execute("BEGIN")
    try:
        yield
    finally:
        if own and con.in_transaction:
            con.execute("COMMIT")


def _clause_page(index: Index, prep: _Prepared, limit: int, offset: int
                 ) -> tuple[int, list[tuple[int, float | None, int]] | None] | None:
    """``_impact_page`` for one clause of words and prefixes ORed, or one phrase
    (``impact.top_clause``)."""
    terms: list[tuple[str, tuple[str, ...], str]] = []
    seen: set[str] = set()
    for term in prep.parsed.clauses[0]:
        for t in prep.expand.get(term, (term,)):
            fts = t.fts()
            if fts in seen:
                continue
            seen.add(fts)
            if t.chinese or not t.tokens or (t.prefix and len(t.tokens) != 1):
                return None
            kind = "prefix" if t.prefix else "word" if len(t.tokens) == 1 else "phrase"
            terms.append((kind, t.tokens, f"{TEXT_COLUMNS} : ({fts})", fts))
    from brief_cli import impact

    con = index.con
    filtered = bool(prep.tag_expr) or prep.cond != "1"
    try:
        with _one_read(con):
            found = impact.top_clause(con, terms, prep.match, prep.cond, prep.cond_params,
                                      offset + limit, filtered, f"1.0, 0.0, {CJK_WEIGHT}")
    except sqlite3.OperationalError:
        return None  # an index built before the lists existed
    if found is None:
        return None
    total, page, how = found
    if page is None:
        return total, None
    prep.marked = how.get("marked", {})
    stems = how.get("stems", {})
    if stems and all(len(s) <= 32 for s in stems.values()):
        # The page's highlights: a prefix marks the words of the stems it covers; asking for
        # them by name lets FTS5 look each passage up instead of merging the prefix's postings
        # (a prefix that covers nothing costs nothing to look up: it stays).
        hl = prep.match
        for fts, covered in stems.items():
            if covered:
                hl = hl.replace(fts, "(" + " OR ".join(
                    '"' + s.replace('"', '""') + '"' for s in covered) + ")")
        prep.hl_match = hl
    return total, [(rowid, score, 0) for rowid, score in page[offset:offset + limit]]


def _filter_check(index: Index, prep: _Prepared):
    """The passages among some rowids that pass the query's filters (tags, dates, articles,
    languages), read from the passages table rather than the FTS index."""
    f = prep.filters
    kinds, sectors, actors = set(f.kinds), set(f.sectors), set(f.actors)

    def check(rowids: list[int]) -> set[int]:
        marks = ",".join("?" * len(rowids))
        out = set()
        for rowid, kind, secs, acts in index.con.execute(
                f"SELECT rowid, kind, sectors, actors FROM passages WHERE rowid IN ({marks}) "
                f"AND {prep.cond}", rowids + prep.cond_params):
            if kinds and kind not in kinds:
                continue
            if sectors and sectors.isdisjoint(secs.split()):
                continue
            if actors and actors.isdisjoint(acts.split()):
                continue
            out.add(rowid)
        return out

    return check


_DETAIL_SQL = (
    "SELECT p.rowid, p.article, a.id, p.pid, p.idx, a.title, a.source, a.published, a.authors, "
    "a.url, p.kind, p.sectors, p.actors, p.reviewed "
    "FROM passages p JOIN articles a ON a.rowid = p.article WHERE p.rowid IN ({})")


def _chunks(seq: list, size: int = 500):
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def _hits(index: Index, prep: _Prepared | None, page: list[tuple[int, float | None, int]],
          offset: int, ranks: bool = True) -> list[Hit]:
    import json

    con = index.con
    rowids = [r[0] for r in page]
    details: dict[int, tuple] = {}
    texts: dict[int, str] = {}
    spans: dict[int, tuple[tuple[int, int], ...]] = {}
    for chunk in _chunks(rowids):
        marks = ",".join("?" * len(chunk))
        for row in con.execute(_DETAIL_SQL.format(marks), chunk):
            details[row[0]] = row
        for rowid, text in con.execute(f"SELECT rowid, text FROM fts WHERE rowid IN ({marks})",
                                       chunk):
            texts[rowid] = display_text(text)
        if prep is not None and prep.text_expr:
            # Chinese terms also match in the character column (2): both columns' marks count.
            columns = (0, 2) if any(t.chinese for t in prep.parsed.terms()) else (0,)
            # FTS5 merges a prefix's postings each time it is asked for one row: for a prefix
            # one pass over its matches (``+rowid``: not a lookup) is far cheaper.
            by = "+rowid" if not prep.hl_match and any(
                t.prefix for t in prep.parsed.terms()) else "rowid"
            for rowid in chunk:
                if rowid in prep.marked:
                    spans[rowid] = _spans(prep.marked[rowid])
            ask = [r for r in chunk if r not in prep.marked]
            for column in columns if ask else ():
                for rowid, marked in con.execute(
                        f"SELECT rowid, highlight(fts, {column}, ?, ?) FROM fts WHERE fts MATCH ?"
                        f" AND {by} IN ({','.join('?' * len(ask))})",
                        [_OPEN, _CLOSE, prep.hl_match or prep.match] + ask):
                    found = _spans(marked)
                    spans[rowid] = _merge(spans.get(rowid, ()) + found) if column else found
    hits = []
    for i, (rowid, score, tier) in enumerate(page):
        d = details.get(rowid)
        text = texts.get(rowid)
        if d is None or text is None:
            continue
        hit_spans = spans.get(rowid, ())
        if _OPEN in text or _CLOSE in text:
            hit_spans = ()
        hits.append(Hit(
            rank=offset + i + 1 if ranks else 0, uid=f"{d[2]}#{d[3]}", article_id=d[2],
            passage_id=d[3], index=d[4], title=d[5] or "", source=d[6] or "",
            published=date.fromisoformat(d[7]), authors=tuple(json.loads(d[8] or "[]")),
            url=d[9], kind=d[10], sectors=tuple(d[11].split()), actors=tuple(d[12].split()),
            reviewed=bool(d[13]), text=text, score=score, spans=hit_spans, typo=bool(tier),
            rowid=rowid, article_rowid=d[1]))
    return hits


def matching_rowids(index: Index, query: str, filters: Filters = Filters(), *,
                    taxonomy: TaxonomySource, exact: bool = False) -> list[int]:
    """The rowid of every passage a query and filters select, best first (corpus order
    without words), for callers that fetch the passages as they go (the review queue).
    Raises like ``search``."""
    prep = _prepare(index, query, filters, taxonomy, exact)
    return [] if prep.empty else [r[0] for r in _page(index, prep, None, 0)]


def passages_by_rowid(index: Index, rowids: list[int]) -> list[Hit]:
    """The passages of these rowids as hits (no rank, no highlights), in the order given;
    rowids the index does not hold are left out."""
    return _hits(index, None, [(r, None, 0) for r in rowids], 0, ranks=False)


def neighbours(index: Index, hit: Hit, n: int) -> tuple[list[Hit], list[Hit]]:
    """Up to n passages before and after a hit in its article (for ``-C N``)."""
    if n <= 0:
        return [], []
    rows = index.con.execute(
        "SELECT rowid FROM passages WHERE rowid BETWEEN ? AND ? AND article = ? AND rowid != ? "
        "ORDER BY rowid", (hit.rowid - n, hit.rowid + n, hit.article_rowid, hit.rowid)).fetchall()
    found = _hits(index, None, [(r[0], None, 0) for r in rows], 0, ranks=False)
    return [h for h in found if h.index < hit.index], [h for h in found if h.index > hit.index]


def count(index: Index, query: str, filters: Filters = Filters(), *,
          taxonomy: TaxonomySource, exact: bool = False) -> Counts:
    """Hits per article and per sector instead of the passages."""
    from brief_cli.search_counts import Counts

    prep = _prepare(index, query, filters, taxonomy, exact)
    articles: list = []
    sectors: dict[str, int] = {}
    if not prep.empty:
        sql, params = prep.rowids()
        con = index.con
        articles = con.execute(
            f"SELECT a.id, a.title, count(*) AS n FROM ({sql}) m "
            "JOIN passages p ON p.rowid = m.rowid JOIN articles a ON a.rowid = p.article "
            "GROUP BY a.rowid ORDER BY n DESC, a.slot", params).fetchall()
        for (tags,) in con.execute(
                f"SELECT p.sectors FROM ({sql}) m JOIN passages p ON p.rowid = m.rowid", params):
            for s in (tags.split() or ["(none)"]):
                sectors[s] = sectors.get(s, 0) + 1
    total = sum(r[2] for r in articles)
    return Counts(total, tuple((r[0], r[1] or "", r[2]) for r in articles),
                  tuple(sorted(sectors.items(), key=lambda kv: (-kv[1], kv[0]))),
                  prep.filters, prep.corrections,
                  prep.parsed.describe(prep.replace) if prep.parsed.clauses else "")
