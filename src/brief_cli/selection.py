"""Choosing passages by query and filters, the same way for every command.

``select_passages`` is what sectors, summary and export call: with a query it ranks through the
search index; with filters alone it keeps corpus order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from typing import TYPE_CHECKING

from brief_cli.filters import Filters
from brief_cli.model import Article, Corpus, Passage
from brief_cli.taxonomy import Taxonomy

if TYPE_CHECKING:
    from brief_cli.index import Index


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
        return select_by_query(corpus, taxonomy, query, filters, exact=exact)
    filters = filters.resolved(taxonomy, corpus.article_ids)
    items = tuple(
        Selected(article, passage)
        for article in corpus.articles if filters.accepts_article(article)
        for passage in article.passages if filters.accepts_passage(passage)
    )
    return Selection(items, filters, "")


# Through the search index -------------------------------------------------------------------------

def open_for_corpus(corpus: Corpus, taxonomy: Taxonomy, *, rebuild: bool = False) -> Index:
    """The index of a loaded corpus: its folder's index, or an in-memory one."""
    from brief_cli.index import memory_index_of, open_index

    if corpus.root is None:
        return memory_index_of(list(corpus.articles))
    index = open_index(corpus.root, taxonomy.path, lambda: taxonomy, rebuild=rebuild)
    for message in index.warnings:
        _warn(message)
    return index


def _warn(message: str) -> None:
    # The core never prints; the logging module's last-resort handler writes warnings to
    # stderr when the application configured nothing else.
    import logging

    logging.getLogger("brief").warning("warning: %s", message)


def select_by_query(corpus: Corpus, taxonomy: Taxonomy, query: str,
                    filters: Filters = Filters(), *, exact: bool = False) -> Selection:
    """Passages matching a query and filters, best first, as corpus objects.

    Each Selected has its score (higher is better) and spans (matched character ranges of the
    passage text). The Selection's filters are the option filters merged with the query's
    inline ones, checked; corrections maps each corrected query word to the words searched.
    Raises UsageError / UnknownIdError like ``search``.
    """
    import sqlite3

    from brief_cli.errors import FileProblem
    from brief_cli.index import is_busy
    from brief_cli.search import search

    result = None
    for attempt in range(2):
        index = open_for_corpus(corpus, taxonomy, rebuild=attempt > 0)
        try:
            result = search(index, query, filters, taxonomy=taxonomy, exact=exact, limit=None,
                            article_ids=corpus.article_ids)
            break
        except sqlite3.DatabaseError as exc:
            if is_busy(exc) or attempt:
                raise FileProblem(f"the search index cannot be used: {exc}",
                                  hint="try again in a moment") from None
            _warn(f"search index {str(index.path)!r} is damaged ({exc}); rebuilding it")
        finally:
            index.close()
    items = []
    for hit in result.hits:
        article = corpus.article(hit.article_id)
        passage = article.passage(hit.passage_id) if article is not None else None
        if passage is None:
            continue
        items.append(Selected(article, passage, hit.score, hit.spans))
    return Selection(tuple(items), result.filters, query, dict(result.corrections))
