"""``brief eval --cross-validate``: the plain and the learned tagger scored on the same held-out
reviewed passages, each fold's model learned from the other folds only."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from brief_cli.learning.fitting import reviewed_examples, train
from brief_cli.model import Corpus
from brief_cli.taxonomy import Taxonomy


@dataclass(frozen=True)
class CrossValidation:
    folds: int
    reviewed: int
    base: object  # EvalReport of the plain tagger on the held-out passages
    learned: object  # EvalReport of the learned tagger, each fold trained on the others
    by_article: bool = False  # folds of whole articles


class _Lookup:
    """A 'tagger' that returns tags worked out beforehand, per article (for evaluate)."""

    def __init__(self, table: dict[tuple[str, ...], list]):
        self.table = table

    def tag_passages(self, texts):
        return self.table[tuple(texts)]


def cross_validate(corpus: Corpus, taxonomy: Taxonomy, k: int, *, seed: int = 0,
                   limit: int | None = None, by_article: bool = False) -> CrossValidation:
    """K folds over the reviewed passages: learn from K-1, score the held-out one; the plain
    tagger and the learned one scored on the same held-out passages. ``limit`` takes that many
    reviewed passages (a seeded sample) instead of all. ``by_article`` keeps each article's
    passages in one fold: what the model does on articles it has seen nothing of (its words
    cannot come from the same text)."""
    from brief_cli.errors import NothingFound, UsageError
    from brief_cli.evaluation import evaluate
    from brief_cli.tagging import Tagger

    uids = [p.uid for p in corpus.passages() if p.reviewed]
    rng = random.Random(seed)
    rng.shuffle(uids)
    if limit is not None:
        uids = uids[:limit]
    if k < 2:
        raise UsageError("--cross-validate needs at least 2 folds")
    if len(uids) < k:
        raise NothingFound(f"{len(uids)} reviewed passages: too few for {k} folds",
                           hint="review more passages, or use fewer folds")
    chosen = set(uids)
    tagger = Tagger(taxonomy)
    examples, labels = reviewed_examples(corpus, tagger, chosen)
    by_uid = {p.uid: (ex, p) for ex, p in zip(examples, labels)}
    fold_of = {uid: i % k for i, uid in enumerate(uids)}
    if by_article:
        articles = sorted({by_uid[u][1].article_id for u in uids})
        if len(articles) < k:
            raise NothingFound(f"reviewed passages in {len(articles)} articles: too few for "
                               f"{k} folds by article", hint="use fewer folds")
        rng.shuffle(articles)
        fold_of_article = {a: i % k for i, a in enumerate(articles)}
        fold_of = {u: fold_of_article[by_uid[u][1].article_id] for u in uids}
    predicted: dict[str, tuple[str, tuple[str, ...]]] = {}
    for fold in range(k):
        train_uids = [u for u in uids if fold_of[u] != fold]
        model = train([by_uid[u][0] for u in train_uids], [by_uid[u][1] for u in train_uids],
                      taxonomy.sector_ids, seed=seed)
        for u in uids:
            if fold_of[u] == fold:
                predicted[u] = model.predict(by_uid[u][0], taxonomy.sector_ids)
    # the held-out passages only count as reviewed; each article's tags looked up
    articles = []
    base_table: dict[tuple[str, ...], list] = {}
    learned_table: dict[tuple[str, ...], list] = {}
    for article in corpus.articles:
        if not any(p.uid in chosen for p in article.passages):
            continue
        texts = tuple(p.text for p in article.passages)
        base_tags = tagger.tag_passages(list(texts))
        base_table[texts] = base_tags
        learned_table[texts] = [
            replace(t, kind=predicted[p.uid][0], sectors=predicted[p.uid][1])
            if p.uid in predicted else t for p, t in zip(article.passages, base_tags)]
        articles.append(replace(article, passages=tuple(
            replace(p, reviewed=p.uid in chosen) for p in article.passages)))
    view = Corpus(corpus.root, tuple(articles))
    return CrossValidation(k, len(uids), evaluate(view, _Lookup(base_table)),
                           evaluate(view, _Lookup(learned_table)), by_article)
