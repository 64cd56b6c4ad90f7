"""Running a search over the index: typo tolerance, BM25 ranking, filters, match spans.

``search`` serves the ``brief search`` command straight from the index (no corpus loaded);
``selection.select_by_query`` builds on it for sectors, summary and export. This module does
not import ``selection`` (the dependency goes one way).

The package, by concern: ``results`` (``Hit``, ``SearchResult``), ``preparing`` (a query made
ready for SQL), ``typos`` (corrections and suggestions), ``running`` (ranking, pages, details,
counts) and ``highlights`` (match spans).
"""

from __future__ import annotations

from brief_cli.search.highlights import match_spans
from brief_cli.search.preparing import TaxonomySource, prepare
from brief_cli.search.results import Hit, SearchResult
from brief_cli.search.running import (CJK_WEIGHT, count, matching_rowids, neighbours,
                                      passages_by_rowid, search)
from brief_cli.search.typos import MAX_CORRECTIONS, TYPO_RULES, allowed_distance

__all__ = ["CJK_WEIGHT", "MAX_CORRECTIONS", "TYPO_RULES", "Hit", "SearchResult",
           "TaxonomySource", "allowed_distance", "count", "match_spans", "matching_rowids",
           "neighbours", "passages_by_rowid", "prepare", "search"]


def __getattr__(name: str):
    # ``Counts`` (``brief search --count`` only) lives apart: a dataclass costs start-up time
    # to create, and every search imports this module.
    if name == "Counts":
        from brief_cli.search_counts import Counts

        return Counts
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
