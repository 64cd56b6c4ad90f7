"""Passages chosen from the search index by a query and filters, as light rows.

The same query language and filters as ``brief search`` (``search.prepare``), but every match
rather than a ranked page, with only what counting needs: date, kind, sectors and actors.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Iterable, Iterator

from brief_cli.filters import Filters

if TYPE_CHECKING:
    from brief_cli.index import Index
    from brief_cli.search import TaxonomySource


@dataclass(frozen=True, slots=True)
class Row:
    """One passage, as counting sees it (``rowid`` order is corpus order)."""

    rowid: int
    article_id: str
    passage_id: str
    published: date
    kind: str
    sectors: tuple[str, ...]
    actors: tuple[str, ...]

    @property
    def uid(self) -> str:
        return f"{self.article_id}#{self.passage_id}"


@dataclass(frozen=True)
class Subset:
    """The passages a query and filters chose, in corpus order."""

    rows: tuple[Row, ...]
    query: str = ""
    filters: Filters = field(default_factory=Filters)  # resolved, inline filters merged in
    corrections: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def articles(self) -> int:
        return len({r.article_id for r in self.rows})


_ROWS_SQL = ("SELECT p.rowid, a.id, p.pid, a.published, p.kind, p.sectors, p.actors "
             "FROM passages p JOIN articles a ON a.rowid = p.article")


PATTERN_CHARS = frozenset("*?[")


def is_pattern(value: str) -> bool:
    return any(c in PATTERN_CHARS for c in value)


def expand_articles(filters: Filters, article_ids: list[str]) -> Filters:
    """Article values with ``*``, ``?`` or ``[...]`` are shell-style patterns over the article
    ids (``kaz-*``: every article whose id starts with kaz-). A pattern that matches nothing
    is a UsageError."""
    if not any(is_pattern(a) for a in filters.articles):
        return filters
    from dataclasses import replace
    from fnmatch import fnmatchcase

    from brief_cli.errors import UsageError

    out: list[str] = []
    for value in filters.articles:
        if not is_pattern(value):
            out.append(value)
            continue
        found = [a for a in article_ids if fnmatchcase(a, value)]
        if not found:
            raise UsageError(f"no article id matches {value!r}",
                             hint="list the ids with: brief articles")
        out += found
    return replace(filters, articles=tuple(dict.fromkeys(out)))


def describe(query: str, filters: Filters, max_items: int = 3) -> str:
    """The query and filters in a line, long lists shortened ("" when there are none)."""
    parts = [f"query {query!r}"] if query else []
    for key, value in filters.describe().items():
        if isinstance(value, list):
            shown = value if len(value) <= max_items else value[:2] + [f"… ({len(value)} in all)"]
            value = ", ".join(shown)
        parts.append(f"{key}: {value}")
    return "; ".join(parts)


def _has_words(query: str) -> bool:
    return bool(query and query.strip())


@dataclass(frozen=True)
class Chosen:
    """Passages chosen by a query and filters, as SQL: ``sql`` selects their rowids."""

    sql: str
    params: tuple
    query: str = ""
    filters: Filters = field(default_factory=Filters)  # resolved, inline filters merged in
    corrections: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def where(self, column: str = "p.rowid") -> tuple[str, list]:
        return f"{column} IN ({self.sql})", list(self.params)

    def count(self, index: Index) -> int:
        return index.con.execute(f"SELECT count(*) FROM ({self.sql})",
                                 self.params).fetchone()[0]

    def rowids(self, index: Index) -> list[int]:
        return [r[0] for r in index.con.execute(
            f"SELECT rowid FROM ({self.sql}) ORDER BY rowid", self.params)]

    def grouped(self, index: Index, column: str) -> Counter[str]:
        """Passages per kind, sector or actor (``column``: kind, sectors or actors); a
        passage counts once for each of its sectors or actors. SQLite groups the tag
        strings, so Python only splits the distinct ones."""
        out: Counter[str] = Counter()
        for tags, n in index.con.execute(
                f"SELECT p.{column}, count(*) FROM passages p WHERE p.rowid IN ({self.sql}) "
                f"GROUP BY 1", self.params):
            if column == "kind":
                out[tags] += n
            else:
                for t in set(tags.split()):
                    out[t] += n
        return out

    def articles(self, index: Index) -> int:
        return index.con.execute(
            f"SELECT count(DISTINCT p.article) FROM passages p WHERE p.rowid IN ({self.sql})",
            self.params).fetchone()[0]


NOTHING = "SELECT rowid FROM passages WHERE 0"
EVERYTHING = "SELECT rowid FROM passages"


def choose(index: Index, query: str = "", filters: Filters = Filters(), *,
           taxonomy: TaxonomySource, exact: bool = False) -> Chosen:
    """The passages matching query and filters, as SQL (all passages when both are empty).

    Raises UsageError / UnknownIdError as search does (bad inline filter, unknown sector ...).
    """
    if not _has_words(query) and not filters:
        return Chosen(EVERYTHING, (), query or "", filters)
    from brief_cli.search import prepare

    filters = expand_articles(filters, index.article_ids())
    prep = prepare(index, query or "", filters, taxonomy=taxonomy, exact=exact)
    if prep.empty:
        return Chosen(NOTHING, (), query or "", prep.filters, dict(prep.corrections))
    sql, params = prep.rowids()
    return Chosen(sql, tuple(params), query or "", prep.filters, dict(prep.corrections))


def select_rows(index: Index, query: str = "", filters: Filters = Filters(), *,
                taxonomy: TaxonomySource, exact: bool = False) -> Subset:
    """Every passage matching query and filters (all passages when both are empty).

    Raises UsageError / UnknownIdError as search does (bad inline filter, unknown sector ...).
    """
    if not _has_words(query) and not filters:
        sql, params = _ROWS_SQL + " ORDER BY p.rowid", []
        return Subset(tuple(_rows(index, sql, params)), query or "", filters)
    from brief_cli.search import prepare

    filters = expand_articles(filters, index.article_ids())
    prep = prepare(index, query or "", filters, taxonomy=taxonomy, exact=exact)
    if prep.empty:
        return Subset((), query or "", prep.filters, dict(prep.corrections))
    inner, params = prep.rowids()
    sql = f"{_ROWS_SQL} WHERE p.rowid IN ({inner}) ORDER BY p.rowid"
    return Subset(tuple(_rows(index, sql, params)), query or "", prep.filters,
                  dict(prep.corrections))


def _rows(index: Index, sql: str, params: list) -> Iterator[Row]:
    parse = date.fromisoformat
    dates: dict[str, date] = {}
    tags: dict[str, tuple[str, ...]] = {}  # tag strings repeat a lot: split each once
    for rowid, aid, pid, published, kind, sectors, actors in index.con.execute(sql, params):
        d = dates.get(published)
        if d is None:
            d = dates[published] = parse(published)
        s = tags.get(sectors)
        if s is None:
            s = tags[sectors] = tuple(sectors.split())
        a = tags.get(actors)
        if a is None:
            a = tags[actors] = tuple(actors.split())
        yield Row(rowid, aid, pid, d, kind, s, a)


def texts(index: Index, rowids: Iterable[int]) -> dict[int, str]:
    """Passage texts by rowid."""
    ids = list(rowids)
    out: dict[int, str] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        out.update(index.con.execute(f"SELECT rowid, text FROM fts WHERE rowid IN ({marks})",
                                     chunk))
    return out
