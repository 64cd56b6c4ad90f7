"""The corpus model: articles made of tagged passages, as typed, frozen dataclasses."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

KINDS = ("challenge", "opportunity", "context")

PASSAGE_SEPARATOR = "#"


@dataclass(frozen=True, slots=True)
class Passage:
    """One paragraph of an article with its tags.

    ``id`` is local to the article (``p07``); ``uid`` is the global form (``article-id#p07``).
    """

    id: str
    article_id: str
    index: int
    text: str
    kind: str
    sectors: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    reviewed: bool = False

    @property
    def uid(self) -> str:
        return f"{self.article_id}{PASSAGE_SEPARATOR}{self.id}"


@dataclass(frozen=True, slots=True)
class Article:
    """An article or brief: metadata and its passages in reading order."""

    id: str
    title: str
    source: str
    published: date
    language: str
    passages: tuple[Passage, ...]
    authors: tuple[str, ...] = ()
    section: str | None = None
    author_note: str | None = None
    url: str | None = None
    fetched: date | None = None  # when the page at ``url`` was fetched by ingest
    path: Path | None = field(default=None, compare=False)

    def kind_counts(self) -> dict[str, int]:
        counts = Counter(p.kind for p in self.passages)
        return {k: counts.get(k, 0) for k in KINDS}

    def sector_counts(self) -> Counter[str]:
        return Counter(s for p in self.passages for s in p.sectors)

    def passage(self, local_id: str) -> Passage | None:
        for p in self.passages:
            if p.id == local_id:
                return p
        return None

    def citation_authors(self) -> str:
        if not self.authors:
            return self.source
        if len(self.authors) == 1:
            return self.authors[0]
        return ", ".join(self.authors[:-1]) + " and " + self.authors[-1]


@dataclass(frozen=True)
class Corpus:
    """All the articles that loaded cleanly, in corpus order (published date, then id)."""

    root: Path | None
    articles: tuple[Article, ...]
    _by_id: dict[str, Article] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({a.id: a for a in self.articles})

    def article(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    def passage(self, uid: str) -> Passage | None:
        article_id, sep, local = uid.partition(PASSAGE_SEPARATOR)
        article = self._by_id.get(article_id)
        if not sep or article is None:
            return None
        return article.passage(local)

    def passages(self):
        """Every passage, in corpus order."""
        for article in self.articles:
            yield from article.passages

    @property
    def article_ids(self) -> list[str]:
        return [a.id for a in self.articles]

    @property
    def passage_count(self) -> int:
        return sum(len(a.passages) for a in self.articles)
