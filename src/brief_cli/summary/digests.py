"""Summaries of articles and digests of a selection, built from the parts beside this module."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from brief_cli.errors import UnknownIdError
from brief_cli.model import KINDS, Article, Corpus, Passage
from brief_cli.sectors import Matrix, kind_matrix
from brief_cli.selection import Selected, Selection
from brief_cli.summary.keyness import Terms, _Counts, _keyness, _Spellings
from brief_cli.summary.sentences import (KeySentence, _idf, _sentences, gist, key_sentences,
                                         sector_keywords)
from brief_cli.summary.words import content_words
from brief_cli.taxonomy import Taxonomy, closest

@dataclass(frozen=True)
class Gist:
    """One passage told in one sentence: the sentence that best represents it."""

    uid: str
    passage_id: str
    index: int  # position of the passage in its article, from 0
    kind: str
    sectors: tuple[str, ...]
    sentence: str


@dataclass(frozen=True)
class SectorGroup:
    sector: str  # "" for passages without a sector
    label: str
    gists: tuple[Gist, ...]


@dataclass(frozen=True)
class ArticleSummary:
    article: Article
    counts: dict[str, int]  # passages by kind (of the passages summarised)
    passages: int
    challenges: tuple[Gist, ...]
    opportunities: tuple[SectorGroup, ...]  # grouped by each passage's first (main) sector
    context: int
    key_sentences: tuple[KeySentence, ...]  # in reading order
    terms: Terms


@dataclass(frozen=True)
class ActorCount:
    id: str
    name: str
    passages: int
    articles: int


@dataclass(frozen=True)
class SectorTerms:
    sector: str
    label: str
    passages: int
    terms: Terms


@dataclass(frozen=True)
class CorpusDigest:
    articles: int
    passages: int
    counts: dict[str, int]
    first: str | None  # earliest publication date (ISO), None when empty
    last: str | None
    matrix: Matrix
    actors: tuple[ActorCount, ...]
    sector_terms: tuple[SectorTerms, ...]


# Article summary ---------------------------------------------------------------------------

def summarize_article(corpus: Corpus, taxonomy: Taxonomy, article: Article,
                      items: Sequence[Selected] | None = None, *, sentences: int = 5,
                      terms: int = 10, corpus_counts: Counter[str] | None = None
                      ) -> ArticleSummary:
    """Summary of the article's passages (``items``, the selected ones; default all).

    ``corpus_counts`` (from ``corpus_word_counts``) saves counting the corpus again when
    several articles are summarised.
    """
    passages = [i.passage for i in items] if items is not None else list(article.passages)
    passages.sort(key=lambda p: p.index)
    counts = Counter(p.kind for p in passages)
    sents = _sentences(passages)
    idf = _idf([s.stems for s in sents])

    keywords: dict[str, tuple[tuple[str, ...], ...]] = {}

    def make(p: Passage) -> Gist:
        for s in p.sectors:
            if s not in keywords:
                keywords[s] = sector_keywords(taxonomy, s)
        return Gist(p.uid, p.id, p.index, p.kind, p.sectors,
                    gist(p, idf, [keywords[s] for s in p.sectors]))

    challenges = tuple(make(p) for p in passages if p.kind == "challenge")
    groups: dict[str, list[Gist]] = {}
    for p in passages:
        if p.kind == "opportunity":
            groups.setdefault(p.sectors[0] if p.sectors else "", []).append(make(p))
    order = sorted(groups, key=lambda s: (s == "", -len(groups[s]), s))
    opportunities = tuple(
        SectorGroup(s, _sector_label(taxonomy, s), tuple(groups[s])) for s in order)
    return ArticleSummary(
        article=article,
        counts={k: counts.get(k, 0) for k in KINDS},
        passages=len(passages),
        challenges=challenges,
        opportunities=opportunities,
        context=counts.get("context", 0),
        key_sentences=key_sentences(passages, sentences),
        terms=_article_terms(corpus, article, passages, terms, corpus_counts),
    )


def corpus_word_counts(corpus: Corpus) -> Counter[str]:
    """Content-word stem counts of every passage in the corpus (the keyness reference)."""
    total: Counter[str] = Counter()
    for p in corpus.passages():
        total.update([s for s, _ in content_words(p.text)])
    return total


def _article_terms(corpus: Corpus, article: Article, passages: Sequence[Passage], limit: int,
                   corpus_counts: Counter[str] | None) -> Terms:
    """The passages' distinctive terms against the corpus without this article."""
    target = _Counts.empty()
    spellings = _Spellings()
    for p in passages:
        pairs = content_words(p.text)
        target.add([s for s, _ in pairs])
        spellings.add(pairs)
    own: Counter[str] = Counter()
    for p in article.passages:
        own.update([s for s, _ in content_words(p.text)])
    if corpus_counts is None:
        corpus_counts = corpus_word_counts(corpus)
    reference = corpus_counts - own
    return _keyness(target, spellings, reference, limit, "the other articles",
                    "no other article in the corpus")


def require_articles(corpus: Corpus, article_ids: Sequence[str]) -> list[str]:
    """The ids, checked (UnknownIdError with the closest ids) and without repeats."""
    found = []
    for value in article_ids:
        key = value.strip()
        if corpus.article(key) is None:
            raise UnknownIdError("article", value, closest(key, corpus.article_ids))
        if key not in found:
            found.append(key)
    return found


def summarize_articles(corpus: Corpus, taxonomy: Taxonomy, selection: Selection,
                       article_ids: Sequence[str], *, sentences: int = 5, terms: int = 10
                       ) -> tuple[list[ArticleSummary], list[str]]:
    """A summary of each article's selected passages, and the ids left with no passage."""
    by_article: dict[str, list[Selected]] = {}
    for item in selection.items:
        by_article.setdefault(item.article.id, []).append(item)
    done, empty = [], []
    counts = corpus_word_counts(corpus) if any(a in by_article for a in article_ids) else None
    for article_id in article_ids:
        items = by_article.get(article_id)
        if not items:
            empty.append(article_id)
            continue
        done.append(summarize_article(corpus, taxonomy, items[0].article, items,
                                      sentences=sentences, terms=terms, corpus_counts=counts))
    return done, empty


def _sector_label(taxonomy: Taxonomy, sector_id: str) -> str:
    if not sector_id:
        return "No sector"
    sector = taxonomy.sector(sector_id)
    return sector.label if sector else sector_id


# Corpus digest -----------------------------------------------------------------------------

def digest(taxonomy: Taxonomy, selection: Selection, *, terms: int = 6, sectors: int = 8,
           actors: int = 10) -> CorpusDigest:
    """The selected passages at a glance: counts, sector x kind, actors, terms by sector.

    Distinctive terms are given for the ``sectors`` largest sectors, each against the other
    selected passages.
    """
    items = selection.items
    matrix = kind_matrix(selection, taxonomy)
    top = list(matrix.rows[:sectors])
    wanted = set(top)
    per_sector = {s: _Counts.empty() for s in top}
    spellings = _Spellings()
    total: Counter[str] = Counter()
    actor_passages: Counter[str] = Counter()
    actor_articles: dict[str, set[str]] = {}
    for item in items:
        p = item.passage
        pairs = content_words(p.text)
        stems = [s for s, _ in pairs]
        total.update(stems)
        spellings.add(pairs)
        for s in dict.fromkeys(p.sectors):
            if s in wanted:
                per_sector[s].add(stems)
        for a in dict.fromkeys(p.actors):
            actor_passages[a] += 1
            actor_articles.setdefault(a, set()).add(p.article_id)
    sector_terms = []
    for i, s in enumerate(top):
        sector_terms.append(SectorTerms(
            s, matrix.row_labels[i], sum(matrix.values[i]),
            _keyness(per_sector[s], spellings, total, terms, "the other passages",
                     "every passage has this sector", within=True)))
    ranked_actors = sorted(actor_passages.items(), key=lambda kv: (-kv[1], kv[0]))[:actors]
    counts = Counter(i.passage.kind for i in items)
    dates = sorted({i.article.published for i in items})
    return CorpusDigest(
        articles=len({i.article.id for i in items}),
        passages=len(items),
        counts={k: counts.get(k, 0) for k in KINDS},
        first=dates[0].isoformat() if dates else None,
        last=dates[-1].isoformat() if dates else None,
        matrix=matrix,
        actors=tuple(ActorCount(a, taxonomy.actor_name(a), n, len(actor_articles[a]))
                     for a, n in ranked_actors),
        sector_terms=tuple(sector_terms),
    )
