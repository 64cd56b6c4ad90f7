"""Passages chosen from the search index by a query and filters, as SQL that SQLite counts.

The same query language and filters as ``brief search`` (``search.prepare``), but every match
rather than a ranked page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from brief_cli.filters import Filters

if TYPE_CHECKING:
    from brief_cli.index import Index
    from brief_cli.search import TaxonomySource


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

    prep = prepare(index, query or "", filters, taxonomy=taxonomy, exact=exact)
    if prep.empty:
        return Chosen(NOTHING, (), query or "", prep.filters, dict(prep.corrections))
    sql, params = prep.rowids()
    return Chosen(sql, tuple(params), query or "", prep.filters, dict(prep.corrections))


def texts(index: Index, rowids: Iterable[int]) -> dict[int, str]:
    """Passage texts by rowid, as shown (the index's word separators in Chinese dropped)."""
    from brief_cli.lang.segment import display_text

    ids = list(rowids)
    out: dict[int, str] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for rowid, text in index.con.execute(
                f"SELECT rowid, text FROM fts WHERE rowid IN ({marks})", chunk):
            out[rowid] = display_text(text)
    return out
