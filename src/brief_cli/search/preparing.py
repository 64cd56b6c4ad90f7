"""A query made ready for SQL: parsed, filters resolved into tag terms and rowid ranges,
typos corrected and prefixes expanded."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Union

from brief_cli.errors import UsageError
from brief_cli.filters import Filters
from brief_cli.index import Index
from brief_cli.query import TEXT_COLUMNS, Query, Term, parse
from brief_cli.search.typos import _correct, _fold, _porter

if TYPE_CHECKING:
    from brief_cli.taxonomy import Taxonomy

TaxonomySource = Union["Taxonomy", Callable[[], "Taxonomy"]]


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
        # The hits that match as typed rank above those found through a correction. A clause
        # of corrected words alone matches nothing as typed: then every hit is a typo match
        # (exact_expr stays "", as for a single corrected word).
        if prep.replace and all(any(t not in prep.replace for t in clause)
                                for clause in parsed.clauses):
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
