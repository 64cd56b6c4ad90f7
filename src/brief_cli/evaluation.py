"""Agreement of the tagger with hand coding: how often its tags match the reviewed ones.

Only passages marked ``reviewed: true`` count; each article is tagged as one document (so the
tagger sees its structure, as it does when tagging new articles). For the kind: accuracy, a
confusion table, per-kind precision/recall/F1 and Cohen's kappa. For sectors: precision,
recall and F1 per sector, micro (over all tag decisions) and macro (mean over the sectors that
occur in either the reviewed or the predicted tags). For actors: micro precision/recall/F1.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from brief_cli.errors import NothingFound
from brief_cli.model import KINDS, Article, Corpus
from brief_cli.tagging import Tagger, Tags


@dataclass(frozen=True)
class PRF:
    """Counts and scores of one label (or of all labels pooled)."""

    label: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def support(self) -> int:
        """How often the reviewed tags have the label."""
        return self.true_positives + self.false_negatives

    @property
    def predicted(self) -> int:
        return self.true_positives + self.false_positives

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.support if self.support else None

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall; 0 when either is missing or zero."""
        tp2 = 2 * self.true_positives
        denominator = tp2 + self.false_positives + self.false_negatives
        return tp2 / denominator if denominator else 0.0


@dataclass(frozen=True)
class Disagreement:
    """One reviewed passage where the tagger says something else."""

    passage: str
    reviewed_kind: str
    tagged_kind: str
    missing_sectors: tuple[str, ...]
    extra_sectors: tuple[str, ...]
    missing_actors: tuple[str, ...]
    extra_actors: tuple[str, ...]


@dataclass(frozen=True)
class EvalReport:
    passages: int
    articles: int
    kind_accuracy: float
    kappa: float | None  # None when chance agreement is 1 (one kind everywhere)
    confusion: dict[str, dict[str, int]]  # reviewed kind -> tagged kind -> count
    kinds: tuple[PRF, ...]
    sectors: tuple[PRF, ...]  # sectors seen in reviewed or tagged passages, by support
    sectors_micro: PRF
    sectors_macro_f1: float
    actors_micro: PRF
    disagreements: tuple[Disagreement, ...] = field(default=(), compare=False)


def cohen_kappa(pairs: Iterable[tuple[str, str]]) -> float | None:
    """Cohen's kappa of (reviewed, tagged) label pairs: (p_o - p_e) / (1 - p_e)."""
    pairs = list(pairs)
    n = len(pairs)
    if not n:
        return None
    observed = sum(1 for a, b in pairs if a == b) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[k] * second.get(k, 0) for k in first) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1 - expected)


def evaluate(corpus: Corpus, tagger: Tagger, articles: Iterable[Article] | None = None
             ) -> EvalReport:
    """Compare the tagger with the reviewed passages; NothingFound when there are none."""
    kind_pairs: list[tuple[str, str]] = []
    sector_counts: dict[str, list[int]] = {}  # label -> [tp, fp, fn]
    actor_totals = [0, 0, 0]
    disagreements: list[Disagreement] = []
    used_articles = 0
    for article in (corpus.articles if articles is None else articles):
        if not any(p.reviewed for p in article.passages):
            continue
        used_articles += 1
        tags: list[Tags] = tagger.tag_passages([p.text for p in article.passages])
        for passage, tagged in zip(article.passages, tags):
            if not passage.reviewed:
                continue
            kind_pairs.append((passage.kind, tagged.kind))
            gold, guess = set(passage.sectors), set(tagged.sectors)
            for label in gold | guess:
                row = sector_counts.setdefault(label, [0, 0, 0])
                if label in gold and label in guess:
                    row[0] += 1
                elif label in guess:
                    row[1] += 1
                else:
                    row[2] += 1
            gold_actors, guess_actors = set(passage.actors), set(tagged.actors)
            actor_totals[0] += len(gold_actors & guess_actors)
            actor_totals[1] += len(guess_actors - gold_actors)
            actor_totals[2] += len(gold_actors - guess_actors)
            if passage.kind != tagged.kind or gold != guess or gold_actors != guess_actors:
                disagreements.append(Disagreement(
                    passage.uid, passage.kind, tagged.kind,
                    tuple(sorted(gold - guess)), tuple(sorted(guess - gold)),
                    tuple(sorted(gold_actors - guess_actors)),
                    tuple(sorted(guess_actors - gold_actors))))
    if not kind_pairs:
        raise NothingFound("no reviewed passages to compare with",
                           hint="mark hand-checked passages with 'reviewed: true'")

    n = len(kind_pairs)
    confusion = {k: {j: 0 for j in KINDS} for k in KINDS}
    for gold_kind, guess_kind in kind_pairs:
        confusion.setdefault(gold_kind, {j: 0 for j in KINDS})
        confusion[gold_kind][guess_kind] = confusion[gold_kind].get(guess_kind, 0) + 1
    kinds = tuple(
        PRF(k, confusion[k][k],
            sum(confusion[g][k] for g in confusion if g != k),
            sum(v for j, v in confusion[k].items() if j != k))
        for k in KINDS)
    sectors = tuple(sorted(
        (PRF(label, *counts) for label, counts in sector_counts.items()),
        key=lambda r: (-r.support, -r.predicted, r.label)))
    micro = PRF("all sectors", *(sum(r[i] for r in sector_counts.values()) for i in range(3)))
    macro = sum(r.f1 for r in sectors) / len(sectors) if sectors else 0.0
    return EvalReport(
        passages=n, articles=used_articles,
        kind_accuracy=sum(1 for a, b in kind_pairs if a == b) / n,
        kappa=cohen_kappa(kind_pairs), confusion=confusion, kinds=kinds,
        sectors=sectors, sectors_micro=micro, sectors_macro_f1=macro,
        actors_micro=PRF("all actors", *actor_totals),
        disagreements=tuple(disagreements))
