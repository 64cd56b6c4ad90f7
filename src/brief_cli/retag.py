"""Re-running the tagger on machine-tagged passages after a taxonomy edit.

Only passages with ``reviewed: false`` are retagged; a reviewed passage is never changed, and
an article with nothing to change is never rewritten. Each article is tagged as one document
(its structure counts, as when it was ingested). Files are replaced atomically (a temporary file
in the same folder, then a rename), and only when they have not changed since they were read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from brief_cli.corpus import article_to_yaml, find_articles
from brief_cli.errors import FileProblem
from brief_cli.fileio import atomic_write_text
from brief_cli.model import Article, Corpus
from brief_cli.tagging import Tagger


@dataclass(frozen=True)
class Change:
    """What retagging changes in one passage."""

    passage: str  # "article-id#p07"
    article: str
    old_kind: str
    new_kind: str
    old_sectors: tuple[str, ...]
    new_sectors: tuple[str, ...]
    old_actors: tuple[str, ...]
    new_actors: tuple[str, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields that change: kind, sectors, actors."""
        out = []
        if self.old_kind != self.new_kind:
            out.append("kind")
        if set(self.old_sectors) != set(self.new_sectors):
            out.append("sectors")
        if set(self.old_actors) != set(self.new_actors):
            out.append("actors")
        return tuple(out)


@dataclass(frozen=True)
class ArticleUpdate:
    article: Article  # with the new tags
    path: Path
    mtime_ns: int  # of the file when it was read: a file changed since is not overwritten


@dataclass(frozen=True)
class RetagPlan:
    changes: tuple[Change, ...]
    updates: tuple[ArticleUpdate, ...]  # only the articles that change
    articles: int  # articles looked at
    unreviewed: int  # passages retagged (machine tags)
    reviewed: int  # passages left alone


def plan_retag(corpus: Corpus, tagger: Tagger, article_ids: Sequence[str] = ()) -> RetagPlan:
    """What retagging would change; raises UnknownIdError for an article id that names nothing."""
    articles = find_articles(corpus, article_ids) if article_ids else list(corpus.articles)
    changes: list[Change] = []
    updates: list[ArticleUpdate] = []
    unreviewed = reviewed = 0
    for article in articles:
        reviewed += sum(1 for p in article.passages if p.reviewed)
        if all(p.reviewed for p in article.passages):
            continue
        tags = tagger.tag_passages([p.text for p in article.passages])
        passages = []
        article_changes = []
        for passage, new in zip(article.passages, tags):
            if passage.reviewed:
                passages.append(passage)
                continue
            unreviewed += 1
            change = Change(passage.uid, article.id, passage.kind, new.kind, passage.sectors,
                            new.sectors, passage.actors, new.actors)
            if change.fields:
                article_changes.append(change)
                passage = replace(passage, kind=new.kind, sectors=new.sectors,
                                  actors=new.actors)
            passages.append(passage)
        if article_changes:
            if article.path is None:
                raise FileProblem(f"article {article.id!r} has no file to write back to")
            changes.extend(article_changes)
            updates.append(ArticleUpdate(replace(article, passages=tuple(passages)),
                                         article.path, _mtime(article.path)))
    return RetagPlan(tuple(changes), tuple(updates), len(articles), unreviewed, reviewed)


def apply(plan: RetagPlan) -> list[Path]:
    """Write the changed articles, each atomically; the paths written."""
    written = []
    for update in plan.updates:
        if _mtime(update.path) != update.mtime_ns:
            raise FileProblem(f"{str(update.path)!r} changed while retagging",
                              hint="run retag again")
        atomic_write_text(update.path, article_to_yaml(update.article), force=True,
                          what="article file")
        written.append(update.path)
    return written


def _mtime(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1
