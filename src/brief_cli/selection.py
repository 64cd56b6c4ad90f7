"""Choosing passages by query and filters, the same way for every command.

``select_passages`` is what sectors, summary and export call: with a query it ranks through the
search index; with filters alone it keeps corpus order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from brief_cli.filters import Filters
from brief_cli.model import Article, Corpus, Passage
from brief_cli.taxonomy import Taxonomy


@dataclass(frozen=True)
class Selected:
    """One chosen passage; score and spans (matched character ranges) come from a query."""

    article: Article
    passage: Passage
    score: float | None = None
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Selection:
    items: tuple[Selected, ...]
    filters: Filters
    query: str = ""
    corrections: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


def select_passages(corpus: Corpus, taxonomy: Taxonomy, query: str = "",
                    filters: Filters = Filters(), *, exact: bool = False) -> Selection:
    """Passages matching query and filters: ranked with a query, in corpus order without one.

    Filter values are checked (unknown sector, kind, actor or article: UnknownIdError).
    """
    if query and query.strip():
        from brief_cli.search import select_by_query  # the index is only needed for a query

        return select_by_query(corpus, taxonomy, query, filters, exact=exact)
    filters = filters.resolved(taxonomy, corpus.article_ids)
    items = tuple(
        Selected(article, passage)
        for article in corpus.articles if filters.accepts_article(article)
        for passage in article.passages if filters.accepts_passage(passage)
    )
    return Selection(items, filters, "")
