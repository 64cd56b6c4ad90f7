"""What a search gives back: hits that carry all it takes to show them, and the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from brief_cli.filters import Filters


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
