"""Agreement of the tagger with hand coding: how often its tags match the reviewed ones.

Only passages marked ``reviewed: true`` count; each article is tagged as one document (so the
tagger sees its structure, as it does when tagging new articles). For the kind: accuracy, a
confusion table, per-kind precision/recall/F1 and Cohen's kappa. For sectors: precision,
recall and F1 per sector, micro (over all tag decisions) and macro (mean over the sectors that
occur in either the reviewed or the predicted tags). For actors: micro precision/recall/F1.
The same report compares the tagger with externally coded texts (``evaluate_gold``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from brief_cli.errors import NothingFound
from brief_cli.gold import GoldItem
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
    kind_accuracy: float | None  # None: no kind labels (the same for the fields below)
    kappa: float | None  # None when chance agreement is 1 (one kind everywhere)
    confusion: dict[str, dict[str, int]]  # reviewed kind -> tagged kind -> count
    kinds: tuple[PRF, ...]
    sectors: tuple[PRF, ...]  # sectors seen in reviewed or tagged passages, by support
    sectors_micro: PRF | None
    sectors_macro_f1: float | None
    actors_micro: PRF | None
    disagreements: tuple[Disagreement, ...] = field(default=(), compare=False)
    unsectored: int | None = None  # labelled with a sector, tagged with none

    def macro_f1(self, min_support: int = 0) -> float | None:
        """Mean F1 over the sectors with at least ``min_support`` labelled passages."""
        rows = [r for r in self.sectors if r.support >= min_support]
        return sum(r.f1 for r in rows) / len(rows) if rows else None


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
    records: list[Record] = []
    used_articles = 0
    for article in (corpus.articles if articles is None else articles):
        if not any(p.reviewed for p in article.passages):
            continue
        used_articles += 1
        tags: list[Tags] = tagger.tag_passages([p.text for p in article.passages])
        for passage, tagged in zip(article.passages, tags):
            if passage.reviewed:
                records.append(Record(passage.uid, passage.kind, tuple(passage.sectors),
                                      tuple(passage.actors), tagged))
    if not records:
        raise NothingFound("no reviewed passages to compare with",
                           hint="mark hand-checked passages with 'reviewed: true'")
    return compare(records, used_articles)


def evaluate_gold(items: Sequence[GoldItem], tagger: Tagger,
                  actor_ids: Callable[[str], str] | None = None) -> EvalReport:
    """Compare the tagger with externally coded texts (see ``brief_cli.gold``).

    Consecutive items of the same document are tagged together, in order; items without a
    document each on their own. ``actor_ids`` renames the tagger's actor ids before comparing
    (for a file that names actors its own way)."""
    if not items:
        raise NothingFound("no labelled texts to compare with")
    records: list[Record] = []
    documents = 0
    k = 0
    while k < len(items):
        j = k + 1
        if items[k].document is not None:
            while j < len(items) and items[j].document == items[k].document:
                j += 1
        documents += 1
        group = items[k:j]
        for item, tagged in zip(group, tagger.tag_passages([i.text for i in group])):
            if actor_ids is not None:
                tagged = Tags(tagged.kind, tagged.sectors, tuple(dict.fromkeys(
                    actor_ids(a) for a in tagged.actors)), tagged._explain)
            records.append(Record(item.uid, item.kind, item.sectors, item.actors, tagged))
        k = j
    return compare(records, documents)


@dataclass(frozen=True)
class Record:
    """One passage's human labels (None: not labelled) and the tagger's tags."""

    uid: str
    kind: str | None
    sectors: tuple[str, ...] | None
    actors: tuple[str, ...] | None
    tags: Tags


def compare(records: Sequence[Record], documents: int) -> EvalReport:
    """The agreement report of human labels and tags; a label nobody gave is not scored."""
    kind_pairs: list[tuple[str, str]] = []
    sector_counts: dict[str, list[int]] = {}  # label -> [tp, fp, fn]
    actor_totals = [0, 0, 0]
    disagreements: list[Disagreement] = []
    sector_passages = actor_passages = unsectored = 0
    for record in records:
        tagged = record.tags
        differs = False
        if record.kind is not None:
            kind_pairs.append((record.kind, tagged.kind))
            differs = record.kind != tagged.kind
        gold = guess = frozenset()
        if record.sectors is not None:
            sector_passages += 1
            gold, guess = set(record.sectors), set(tagged.sectors)
            if gold and not guess:
                unsectored += 1
            for label in gold | guess:
                row = sector_counts.setdefault(label, [0, 0, 0])
                if label in gold and label in guess:
                    row[0] += 1
                elif label in guess:
                    row[1] += 1
                else:
                    row[2] += 1
            differs = differs or gold != guess
        gold_actors = guess_actors = frozenset()
        if record.actors is not None:
            actor_passages += 1
            gold_actors, guess_actors = set(record.actors), set(tagged.actors)
            actor_totals[0] += len(gold_actors & guess_actors)
            actor_totals[1] += len(guess_actors - gold_actors)
            actor_totals[2] += len(gold_actors - guess_actors)
            differs = differs or gold_actors != guess_actors
        if differs:
            disagreements.append(Disagreement(
                record.uid, record.kind or "", tagged.kind,
                tuple(sorted(gold - guess)), tuple(sorted(guess - gold)),
                tuple(sorted(gold_actors - guess_actors)),
                tuple(sorted(guess_actors - gold_actors))))

    n = len(records)
    confusion = {k: {j: 0 for j in KINDS} for k in KINDS}
    for gold_kind, guess_kind in kind_pairs:
        confusion.setdefault(gold_kind, {j: 0 for j in KINDS})
        confusion[gold_kind][guess_kind] = confusion[gold_kind].get(guess_kind, 0) + 1
    kinds = tuple(
        PRF(k, confusion[k][k],
            sum(confusion[g][k] for g in confusion if g != k),
            sum(v for j, v in confusion[k].items() if j != k))
        for k in KINDS) if kind_pairs else ()
    sectors = tuple(sorted(
        (PRF(label, *counts) for label, counts in sector_counts.items()),
        key=lambda r: (-r.support, -r.predicted, r.label)))
    micro = PRF("all sectors", *(sum(r[i] for r in sector_counts.values()) for i in range(3)))
    macro = sum(r.f1 for r in sectors) / len(sectors) if sectors else 0.0
    return EvalReport(
        passages=n, articles=documents,
        kind_accuracy=(sum(1 for a, b in kind_pairs if a == b) / len(kind_pairs)
                       if kind_pairs else None),
        kappa=cohen_kappa(kind_pairs), confusion=confusion if kind_pairs else {}, kinds=kinds,
        sectors=sectors, sectors_micro=micro if sector_passages else None,
        sectors_macro_f1=macro if sector_passages else None,
        actors_micro=PRF("all actors", *actor_totals) if actor_passages else None,
        disagreements=tuple(disagreements),
        unsectored=unsectored if sector_passages else None)
