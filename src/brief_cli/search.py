"""Running a search over the index: typo tolerance, BM25 ranking, filters, match spans.

``search`` serves the ``brief search`` command straight from the index (no corpus loaded);
``selection.select_by_query`` builds on it for sectors, summary and export. This module does
not import ``selection`` (the dependency goes one way).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Callable, Union

from brief_cli.errors import UsageError
from brief_cli.filters import Filters
from brief_cli.index import Index
from brief_cli.lang.segment import SEP, display_text
from brief_cli.query import TEXT_COLUMNS, Query, Term, parse

if TYPE_CHECKING:
    from brief_cli.model import Corpus
    from brief_cli.search_counts import Counts
    from brief_cli.taxonomy import Taxonomy

TaxonomySource = Union["Taxonomy", Callable[[], "Taxonomy"]]

# Typo tolerance: the Damerau-Levenshtein distance allowed for a word of at least N letters.
TYPO_RULES = ((9, 2), (5, 1))
MAX_CORRECTIONS = 3  # vocabulary words searched in place of one unknown word

# Weight in BM25 of a match on Chinese characters, against 1.0 for one on words: a passage
# where the query is a word of the text ranks above one where its characters merely meet.
CJK_WEIGHT = 0.5

# Private-use characters mark matches in FTS5's highlight(): they never occur in prose.
_OPEN, _CLOSE = "\ue000", "\ue001"


@dataclass(frozen=True)
class Hit:
    """One passage found, with what it takes to show it (no corpus needed)."""

    rank: int  # 1-based position in the full result list (0 for a -C neighbour)
    uid: str
    article_id: str
    passage_id: str
    index: int  # 0-based position in its article
    title: str
    source: str
    published: date
    authors: tuple[str, ...]
    url: str | None
    kind: str
    sectors: tuple[str, ...]
    actors: tuple[str, ...]
    reviewed: bool
    text: str
    score: float | None = None  # higher is better (negated BM25)
    spans: tuple[tuple[int, int], ...] = ()  # matched character ranges of text
    typo: bool = False  # matched only through a typo correction
    rowid: int = field(default=0, repr=False, compare=False)
    article_rowid: int = field(default=0, repr=False, compare=False)


@dataclass(frozen=True)
class SearchResult:
    query: str
    filters: Filters  # resolved: option filters merged with inline ones
    total: int
    hits: tuple[Hit, ...]  # the page asked for (offset, limit)
    corrections: dict[str, tuple[str, ...]] = field(default_factory=dict)
    searched: str = ""  # the query as searched, corrections applied
    suggestions: tuple[str, ...] = ()  # nearest vocabulary words, when nothing matched
    seconds: float = 0.0
    offset: int = 0

    @property
    def ranked(self) -> bool:
        return bool(self.searched)


def __getattr__(name: str):
    # ``Counts`` (``brief search --count`` only) lives apart: a dataclass costs start-up time
    # to create, and every search imports this module.
    if name == "Counts":
        from brief_cli.search_counts import Counts

        return Counts
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def allowed_distance(word: str) -> int:
    """The typo distance allowed for a query word: 0, 1 (5+ letters) or 2 (9+ letters)."""
    n = len(word)
    for letters, distance in TYPO_RULES:
        if n >= letters:
            return distance
    return 0


# Preparing a query -------------------------------------------------------------------------

class _Prepared:
    """A query made ready for SQL: one FTS5 MATCH expression plus rowid ranges.

    Rowids follow corpus order (see ``brief_cli.index``): dates and articles are rowid ranges.
    (A plain class: it is internal, and a dataclass costs start-up time to create.)
    """

    def __init__(self, parsed: Query, filters: Filters):
        self.parsed = parsed
        self.filters = filters
        self.text_expr = ""  # positive terms, on the text column ("" when none)
        self.exact_expr = ""  # the same without corrected terms (to rank typo hits lower)
        self.excluded_expr = ""  # excluded terms, when there is no positive term
        self.tag_expr = ""  # kind, sector and actor filters, on the tags column
        self.cond = "1"  # SQL on rowid for dates and articles
        self.cond_params: list = []
        self.empty = False  # the filters alone leave nothing
        self.corrections: dict[str, tuple[str, ...]] = {}
        self.replace: dict[Term, tuple[Term, ...]] = {}  # typo corrections
        self.expand: dict[Term, tuple[Term, ...]] = {}  # prefixes, with their words
        self.marked: dict[int, str] = {}  # highlight(), column 0, already known per rowid
        self.hl_match = ""  # a MATCH expression marking the same words, cheaper to look up

    @property
    def match(self) -> str:
        """The whole MATCH expression ("" when the query needs no FTS)."""
        if self.text_expr:
            return " AND ".join(x for x in (f"{TEXT_COLUMNS} : ({self.text_expr})",
                                            self.tag_expr) if x)
        if self.tag_expr and self.excluded_expr:
            return f"({self.tag_expr}) NOT {TEXT_COLUMNS} : ({self.excluded_expr})"
        return self.tag_expr

    def rowids(self) -> tuple[str, list]:
        """SQL selecting the rowid of every hit (unordered), and its parameters."""
        if self.match:
            return ("SELECT rowid FROM fts WHERE fts MATCH ? AND " + self.cond,
                    [self.match] + self.cond_params)
        sql = "SELECT rowid FROM passages WHERE " + self.cond
        params = list(self.cond_params)
        if self.excluded_expr:
            sql += " AND rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
            params.append(f"{TEXT_COLUMNS} : ({self.excluded_expr})")
        return sql, params


def _taxonomy(source: TaxonomySource) -> Taxonomy:
    return source() if callable(source) else source


def _prepare(index: Index, text: str, filters: Filters, taxonomy: TaxonomySource,
             exact: bool, article_ids: list[str] | None = None) -> _Prepared:
    parsed = parse(text)
    merged = filters.merge(parsed.filters)
    if not parsed.has_terms and not merged:
        if text and text.strip():  # only punctuation, operators or emoji: matches nothing
            from brief_cli.errors import NothingFound

            raise NothingFound(f"nothing to search for in {text.strip()[:60]!r}: no words in it "
                               "(punctuation and operators alone match nothing)")
        raise UsageError("give a query or a filter",
                         hint="for example: brief search pipeline, or brief search --kind challenge")
    if merged:
        if merged.articles and article_ids is None:
            article_ids = index.article_ids()
        merged = merged.resolved(_taxonomy(taxonomy), article_ids if merged.articles else None)
    prep = _Prepared(parsed, merged)
    _filter_parts(index, merged, prep)
    _known_chinese_words(index, parsed)
    if parsed.clauses:
        if not exact:
            _correct(index, parsed, prep)
        _expand_prefixes(index, parsed, prep)
        prep.text_expr = parsed.to_fts({**prep.expand, **prep.replace})
        if prep.replace:
            prep.exact_expr = parsed.to_fts({**prep.expand, **{t: () for t in prep.replace}})
    elif parsed.excluded:
        prep.excluded_expr = parsed.excluded_fts()
    return prep


def prepare(index: Index, query: str, filters: Filters = Filters(), *,
            taxonomy: TaxonomySource, exact: bool = False,
            article_ids: list[str] | None = None) -> _Prepared:
    """A query made ready to run, for commands that need every match rather than a page
    (trends, compare, kwic): ``rowids()`` gives the SQL of every match, ``filters`` the resolved
    filters, ``corrections`` the typo fixes, ``empty`` whether the filters alone leave nothing.
    Raises like ``search``."""
    return _prepare(index, query, filters, taxonomy, exact, article_ids)


def _filter_parts(index: Index, filters: Filters, prep: _Prepared) -> None:
    from brief_cli.index import SLOT_LIMIT, slot_range, tag_token

    tags = []
    for field_letter, values in (("k", filters.kinds), ("s", filters.sectors),
                                 ("a", filters.actors)):
        if values:
            tags.append("tags : (" + " OR ".join(
                '"' + tag_token(field_letter, v) + '"' for v in values) + ")")
    prep.tag_expr = " AND ".join(tags)
    con = index.con
    parts: list[str] = []
    params: list = []
    if filters.since or filters.until:
        lo, hi = 0, slot_range(SLOT_LIMIT)[1]
        if filters.since:
            row = con.execute("SELECT slot FROM articles WHERE published >= ? "
                              "ORDER BY published, id LIMIT 1",
                              (filters.since.isoformat(),)).fetchone()
            lo = slot_range(row[0])[0] if row else hi + 1
        if filters.until:
            row = con.execute("SELECT slot FROM articles WHERE published <= ? "
                              "ORDER BY published DESC, id DESC LIMIT 1",
                              (filters.until.isoformat(),)).fetchone()
            hi = slot_range(row[0])[1] if row else -1
        if lo > hi:
            prep.empty = True
        parts.append("rowid BETWEEN ? AND ?")
        params += [lo, hi]
    if filters.articles:
        marks = ",".join("?" * len(filters.articles))
        ranges = [slot_range(r[0]) for r in con.execute(
            f"SELECT slot FROM articles WHERE id IN ({marks}) ORDER BY slot",
            list(filters.articles))]
        if not ranges:
            prep.empty = True
        parts.append("(" + (" OR ".join("rowid BETWEEN ? AND ?" for _ in ranges) or "0") + ")")
        params += [x for r in ranges for x in r]
    if filters.languages:
        from brief_cli.filters import language_code
        from brief_cli.index import PASSAGE_BITS

        values = [r[0] for r in con.execute("SELECT DISTINCT language FROM articles")
                  if language_code(r[0]) in filters.languages]
        if not values:
            prep.empty = True
        marks = ",".join("?" * len(values)) or "NULL"
        parts.append(f"(rowid >> {PASSAGE_BITS}) IN "
                     f"(SELECT slot FROM articles WHERE language IN ({marks}))")
        params += values
    prep.cond = " AND ".join(parts) or "1"
    prep.cond_params = params


def _known_chinese_words(index: Index, parsed: Query) -> None:
    """Chinese query tokens that are words of the index need no segmenter (see
    ``lang.segment.known_words``)."""
    tokens = {tok for term in [*parsed.terms(), *parsed.excluded] if term.chinese
              for tok in term.tokens}
    if not tokens:
        return
    from brief_cli.lang.segment import known_words

    folded = {tok: _fold(tok) for tok in tokens}
    known = [tok for tok, word in folded.items() if index.con.execute(
        "SELECT 1 FROM words WHERE len = ? AND word = ?", (len(word), word)).fetchone()]
    known_words(known)


MAX_PREFIX_WORDS = 64


def _porter(word: str) -> str:
    """The Porter stem, as FTS5's porter tokenizer makes it (the same algorithm)."""
    global _PORTER
    if _PORTER is None:
        import snowballstemmer

        _PORTER = snowballstemmer.stemmer("porter")
    return _PORTER.stemWord(word)


_PORTER = None


def _expand_prefixes(index: Index, parsed: Query, prep: _Prepared) -> None:
    """A prefix also searches the corpus words that start with it but whose stem does not:
    the index holds stems, and a stem can be shorter than the prefix typed ("investi*" must
    find "investing", stem "invest"). Words the prefix finds anyway are not added: each
    extra term costs ranking time."""
    for term in parsed.terms():
        if not term.prefix or len(term.tokens) != 1:
            continue
        start = _fold(term.tokens[0])
        stem = _porter(start)
        words = [r[0] for r in index.con.execute(
            "SELECT word FROM words WHERE word >= ? AND word <= ? ORDER BY n DESC, word "
            "LIMIT 2000", (start, start + "\U0010ffff"))]
        extra = [w for w in words if not _porter(w).startswith(stem)][:MAX_PREFIX_WORDS]
        if extra:
            prep.expand[term] = (term,) + tuple(Term(w, (w,)) for w in extra)


def _in_vocabulary(index: Index, term: Term) -> bool:
    return index.con.execute("SELECT 1 FROM fts WHERE fts MATCH ? LIMIT 1",
                             (f"{TEXT_COLUMNS} : ({term.fts()})",)).fetchone() is not None


def _near_words(index: Index, word: str, max_distance: int, limit: int) -> list[str]:
    """Vocabulary words within max_distance of word, nearest then most frequent first."""
    if max_distance <= 0 or not word:
        return []
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

    con = index.con
    choices: list[str] = []
    for (joined,) in con.execute("SELECT words FROM word_lists WHERE len BETWEEN ? AND ?",
                                 (len(word) - max_distance, len(word) + max_distance)):
        choices += joined.split("\n")
    # Damerau-Levenshtein has no bit-parallel form in rapidfuzz; plain Levenshtein does and is
    # at most twice it (a transposition is two edits), so it narrows the field first.
    rough = process.extract(word, choices, scorer=Levenshtein.distance,
                            score_cutoff=2 * max_distance, limit=None)
    found = [(choice, DamerauLevenshtein.distance(word, choice)) for choice, _d, _i in rough]
    found = [f for f in found if f[1] <= max_distance]
    ranked = []
    for choice, dist in sorted(found, key=lambda f: (f[1], f[0]))[:50]:
        if choice == word:
            continue
        row = con.execute("SELECT n FROM words WHERE len = ? AND word = ?",
                          (len(choice), choice)).fetchone()
        ranked.append((dist, -(row[0] if row else 0), choice))
    ranked.sort()
    return [choice for _dist, _n, choice in ranked[:limit]]


def _fold(word: str) -> str:
    from brief_cli.text import fold

    return fold(word)


def _correct(index: Index, parsed: Query, prep: _Prepared) -> None:
    """Replace each unknown word (5+ letters) by the vocabulary words within reach."""
    for term in parsed.terms():
        if not term.is_word:
            continue
        # Letters are counted as typed: folding (a costly import) only matters for a word
        # that is not in the index.
        distance = allowed_distance(term.tokens[0])
        if distance == 0 or _in_vocabulary(index, term):
            continue
        word = _fold(term.tokens[0])
        near = _nearest_at_best_distance(index, word, distance)
        if near:
            prep.replace[term] = tuple(Term(w, (w,)) for w in near)
            prep.corrections[term.tokens[0]] = tuple(near)


def _nearest_at_best_distance(index: Index, word: str, distance: int) -> list[str]:
    """The nearest words, most frequent first, one per stem (words of one stem find the same
    passages; searching both would only cost time)."""
    from rapidfuzz.distance import DamerauLevenshtein

    near = _near_words(index, word, distance, 50)
    if not near:
        return []
    best = min(DamerauLevenshtein.distance(word, w) for w in near)
    out: list[str] = []
    stems: set[str] = set()
    for w in near:
        if DamerauLevenshtein.distance(word, w) == best and _porter(w) not in stems:
            stems.add(_porter(w))
            out.append(w)
    return out[:MAX_CORRECTIONS]


# Running -----------------------------------------------------------------------------------

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
    own = not con.in_transaction
    try:
        if impact.built_avgdl(con) is None:
            return None
        word = term.tokens[0]
        stem = impact.stems(con, [word], TOKENIZER).get(word)
        if stem is None:
            return None
        if own:  # one read transaction: a refresh committing meanwhile is seen whole or not
            con.execute("BEGIN")
        hits = impact.stem_count(con, stem)
        if hits is None:
            return None
        filtered = bool(prep.tag_expr) or prep.cond != "1"
        total = hits
        if filtered:
            sql, params = prep.rowids()
            total = con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
        found = None
        # A narrow filter: the list would hold few passages that pass it (it cannot prove the
        # page), while FTS5 ranks the few matches cheaply.
        expected = min(impact.K, hits) * total / hits if hits else 0
        if total > offset and (not filtered or expected >= 3 * (offset + limit)):
            found = impact.top(con, stem, prep.match, min(offset + limit, total),
                               _filter_check(index, prep) if filtered else None, hits=hits)
    except sqlite3.OperationalError:
        return None  # an index built before the lists existed
    finally:
        if own and con.in_transaction:
            con.execute("COMMIT")
    if found is None:
        return total, None
    tier = 1 if prep.replace else 0
    return total, [(rowid, score, tier) for rowid, score in found[offset:offset + limit]]


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
    own = not con.in_transaction
    filtered = bool(prep.tag_expr) or prep.cond != "1"
    try:
        if own:  # one read transaction: a refresh committing meanwhile is seen whole or not
            con.execute("BEGIN")
        found = impact.top_clause(con, terms, prep.match, prep.cond, prep.cond_params,
                                  offset + limit, filtered, f"1.0, 0.0, {CJK_WEIGHT}")
    except sqlite3.OperationalError:
        return None  # an index built before the lists existed
    finally:
        if own and con.in_transaction:
            con.execute("COMMIT")
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


def _spans(marked: str) -> tuple[tuple[int, int], ...]:
    """Character ranges in the plain text from a highlight() string with marker characters
    (the separators of indexed Chinese text take no place in the plain text)."""
    if SEP not in marked:
        return _spans_plain(marked)
    out: list[tuple[int, int]] = []
    pos = 0
    start = None
    for ch in marked:
        if ch == SEP:
            continue
        if ch == _OPEN:
            start = pos
        elif ch == _CLOSE:
            if start is not None and pos > start:
                out.append((start, pos))
            start = None
        else:
            pos += 1
    return _merge(out) if SEP in marked else tuple(out)


def _spans_plain(marked: str) -> tuple[tuple[int, int], ...]:
    """_spans for text without separators: found with str.find rather than a loop over every
    character (kwic parses thousands of highlighted passages at once)."""
    out: list[tuple[int, int]] = []
    removed = 0  # marker characters before the current position
    at = 0
    while True:
        start = marked.find(_OPEN, at)
        if start < 0:
            break
        end = marked.find(_CLOSE, start + 1)
        if end < 0:
            break
        if end > start + 1:
            out.append((start - removed, end - removed - 1))
        removed += 2
        at = end + 1
    return tuple(out)


def _merge(spans) -> tuple[tuple[int, int], ...]:
    """Sorted spans with touching or overlapping ones joined (a Chinese word is marked
    character by character in the character column)."""
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((a, b) for a, b in out)


def match_spans(index: Index, prep: _Prepared):
    """Every passage a prepared query matches, in corpus order, as (rowid, text, spans): the
    passage text as shown and the spans search highlights in it (for kwic, which needs every
    match at once: one highlight() pass instead of a ranked page)."""
    if prep.empty or not prep.text_expr:
        return
    con = index.con
    params = [_OPEN, _CLOSE, prep.match] + prep.cond_params
    chars: dict[int, tuple[tuple[int, int], ...]] = {}
    if any(t.chinese for t in prep.parsed.terms()):
        # Chinese terms also match in the character column (2), as in _hits.
        for rowid, marked in con.execute(
                f"SELECT rowid, highlight(fts, 2, ?, ?) FROM fts WHERE fts MATCH ? "
                f"AND {prep.cond}", params):
            chars[rowid] = _spans(marked)
    for rowid, marked in con.execute(
            f"SELECT rowid, highlight(fts, 0, ?, ?) FROM fts WHERE fts MATCH ? AND {prep.cond} "
            "ORDER BY rowid", params):
        text = display_text(marked.replace(_OPEN, "").replace(_CLOSE, ""))
        found = _spans(marked)
        if rowid in chars:
            found = _merge(found + chars[rowid])
        yield rowid, text, found


def _suggest(index: Index, parsed: Query) -> list[str]:
    """Nearest vocabulary words to the query's words (for "nothing found")."""
    out: list[str] = []
    for term in parsed.terms():
        if term.chinese:
            continue  # edit distance means nothing for Chinese characters
        for token in term.tokens:
            word = _fold(token)
            if len(word) < 3:
                continue
            for w in _near_words(index, word, max(2, len(word) // 2), 3):
                if w not in out:
                    out.append(w)
    return out[:5]


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
