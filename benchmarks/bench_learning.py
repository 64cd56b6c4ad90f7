#!/usr/bin/env python3
"""What learning from reviews gives: cross-validated macro-F1 of the plain and the learned tagger.

Builds a scratch corpus whose passages carry the labels of the development gold set as their
reviewed tags (one article per source text; never inside the repository), then, for 50, 100
and 200 reviewed passages (seeded samples, several seeds), runs ``cross_validate`` with K folds
and reports the plain tagger against the learned one on the same held-out passages.

Usage::

    python benchmarks/bench_learning.py --gold ../shared/gold/dev_passages.yaml \\
        --out SCRATCH/learning-corpus [--folds 5] [--seeds 3] [--sizes 50,100,200]

Each (size, seed) is a different sample of passages and a different split into folds (at the
full size, only the split differs). Two tables: folds by passage (what ``brief eval
--cross-validate`` does: the model suggests tags for the rest of a corpus it has reviews from)
and folds by article (no article in two folds: tags for articles it has seen nothing of). It
also prints the CPU time of training on every reviewed passage (best of 3), the cost of a
rebuild when reviews change. Run it under ``nice -n 19`` on a shared machine; the figures are
model quality, only the training time depends on load.

``--nested`` also measures the choice of the model's settings honestly: in each outer fold the
settings (the grid ``NESTED_GRID``, the values tried while developing the model) are chosen by
an inner 4-fold cross-validation on the training passages alone, and the model so chosen and
trained tags the held-out fold. If the nested gain is close to the plain one, choosing the
settings on this set did not flatter them.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml


def build_corpus(gold: Path, out: Path) -> int:
    """One article file per source text of the gold set; labels as reviewed tags."""
    from brief_cli.config import bundled_taxonomy_path
    from brief_cli.corpus import article_to_yaml
    from brief_cli.errors import UnknownIdError
    from brief_cli.model import Article, Passage
    from brief_cli.taxonomy import load_taxonomy

    tax = load_taxonomy(bundled_taxonomy_path())
    data = yaml.safe_load(gold.read_text(encoding="utf-8"))
    groups: dict[str, list[dict]] = defaultdict(list)
    for p in data["passages"]:
        groups[p["source"]].append(p)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.yaml"):
        old.unlink()
    import datetime as dt

    n = 0
    for source, passages in sorted(groups.items()):
        slug = re.sub(r"[^a-z0-9]+", "-", Path(source).stem.lower()).strip("-")[:80]
        items = []
        for i, p in enumerate(passages):
            actors = []
            for a in p.get("actors") or []:
                try:
                    actors.append(tax.require_actor(a.replace("-", " ")))
                except UnknownIdError:
                    try:
                        actors.append(tax.require_actor(a))
                    except UnknownIdError:
                        pass
            items.append(Passage(f"p{i + 1:02d}", slug, i, p["text"], p["kind"],
                                 tuple(p.get("sectors") or ()), tuple(dict.fromkeys(actors)),
                                 True))
            n += 1
        article = Article(slug, source, "gold", dt.date(2018, 1, 1), "en", tuple(items))
        (out / f"{slug}.yaml").write_text(article_to_yaml(article), encoding="utf-8")
    return n


# Settings tried while developing the model: (sector-bias pull, reviewed passages a sector needs
# for word weights; None: no word weights). The defaults (learning/fitting.py) are one of them.
NESTED_GRID = [(2.0, 5), (2.0, 10), (10.0, 5), (10.0, 10), (10.0, 20), (10.0, None)]


def _settings(l2_sector, min_positives):
    from brief_cli.learning import fitting

    fitting.L2_SECTOR = l2_sector
    fitting.MIN_POSITIVES = min_positives if min_positives is not None else 10 ** 9


def _macro(pairs, predictions) -> float:
    """Sector macro-F1 (as ``brief eval``) of predictions [(kind, sectors)] against labels."""
    from brief_cli.evaluation import Record, compare
    from brief_cli.tagging import Tags

    records = [Record(p.uid, p.kind, tuple(p.sectors), None, Tags(kind, tuple(sectors), ()))
               for (_, p), (kind, sectors) in zip(pairs, predictions)]
    return compare(records, 1).sectors_macro_f1


def _fit_predict(train_pairs, test_pairs, sector_ids, seed):
    from brief_cli.learning import train

    model = train([e for e, _ in train_pairs], [p for _, p in train_pairs], sector_ids,
                  seed=seed)
    return [model.predict(e, sector_ids) for e, _ in test_pairs]


def nested(corpus, tax, args, total: int, by_article: bool) -> None:
    """The gain when the settings are chosen inside each training fold (see the docstring)."""
    import random

    from brief_cli.learning import fitting, reviewed_examples
    from brief_cli.tagging import Tagger

    saved = (fitting.L2_SECTOR, fitting.MIN_POSITIVES)
    examples, labels = reviewed_examples(corpus, Tagger(tax))
    by_uid = {p.uid: (e, p) for e, p in zip(examples, labels)}
    sector_ids = list(tax.sector_ids)
    print("| reviewed | macro-F1 base | macro-F1 nested | Δ macro | worst Δ | settings chosen |")
    print("|---:|---:|---:|---:|---:|---|")
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            deltas, bases, chosen = [], [], []
            for seed in range(args.seeds):
                # the same sample and folds as cross_validate
                uids = [p.uid for p in corpus.passages() if p.reviewed]
                rng = random.Random(seed)
                rng.shuffle(uids)
                uids = uids[:size]
                fold_of = {u: i % args.folds for i, u in enumerate(uids)}
                if by_article:
                    articles = sorted({by_uid[u][1].article_id for u in uids})
                    rng.shuffle(articles)
                    where = {a: i % args.folds for i, a in enumerate(articles)}
                    fold_of = {u: where[by_uid[u][1].article_id] for u in uids}
                held, predicted = [], []
                for fold in range(args.folds):
                    train_pairs = [by_uid[u] for u in uids if fold_of[u] != fold]
                    test_pairs = [by_uid[u] for u in uids if fold_of[u] == fold]
                    best = None
                    for setting in NESTED_GRID:
                        _settings(*setting)
                        inner_pairs, inner_pred = [], []
                        for inner in range(4):
                            inner_train = [x for i, x in enumerate(train_pairs) if i % 4 != inner]
                            inner_test = [x for i, x in enumerate(train_pairs) if i % 4 == inner]
                            inner_pairs += inner_test
                            inner_pred += _fit_predict(inner_train, inner_test, sector_ids, seed)
                        score = _macro(inner_pairs, inner_pred)
                        if best is None or score > best[0]:
                            best = (score, setting)
                    _settings(*best[1])
                    chosen.append(best[1])
                    held += test_pairs
                    predicted += _fit_predict(train_pairs, test_pairs, sector_ids, seed)
                base = _macro(held, [(e.kind, tuple(s for s in sector_ids if s in e.tagged))
                                     for e, _ in held])
                bases.append(base)
                deltas.append(_macro(held, predicted) - base)
            picks = ", ".join(f"{c[0]:g}/{c[1] if c[1] is not None else '-'}: {n}"
                              for c, n in sorted(((c, chosen.count(c)) for c in set(chosen)),
                                                 key=lambda x: -x[1]))
            base = statistics.mean(bases)
            delta = statistics.mean(deltas)
            print(f"| {min(size, total)} | {base:.3f} | {base + delta:.3f} | {delta:+.3f} "
                  f"| {min(deltas):+.3f} | {picks} |", flush=True)
    finally:
        fitting.L2_SECTOR, fitting.MIN_POSITIVES = saved


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=Path(__file__).resolve().parents[2]
                        / "shared" / "gold" / "dev_passages.yaml")
    parser.add_argument("--out", type=Path, required=True, help="scratch corpus folder")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--sizes", default="50,100,200")
    parser.add_argument("--nested", action="store_true",
                        help="also choose the settings inside each training fold")
    args = parser.parse_args(argv)
    if not args.gold.is_file():
        print(f"gold set not found: {args.gold}", file=sys.stderr)
        return 2
    from brief_cli.config import bundled_taxonomy_path
    from brief_cli.corpus import load_corpus
    from brief_cli.learning import cross_validate
    from brief_cli.taxonomy import load_taxonomy

    total = build_corpus(args.gold, args.out)
    tax = load_taxonomy(bundled_taxonomy_path())
    result = load_corpus(args.out, tax)
    assert not result.errors, result.errors[:3]
    corpus = result.corpus
    print(f"scratch corpus: {total} reviewed passages in {len(corpus.articles)} articles; "
          f"{args.folds} folds, seeds 0..{args.seeds - 1}")
    from brief_cli.learning import reviewed_examples, train
    from brief_cli.tagging import Tagger

    examples, labels = reviewed_examples(corpus, Tagger(tax))
    cpu = []
    for _ in range(3):
        t0 = time.process_time()
        train(examples, labels, tax.sector_ids)
        cpu.append(time.process_time() - t0)
    print(f"training on all {len(examples)}: {min(cpu):.3f} s CPU (best of 3)")
    for by_article in (False, True):
        print()
        print("folds by article (no article in two folds)" if by_article else
              "folds by passage")
        print()
        table(corpus, tax, args, total, by_article)
        if args.nested:
            print()
            print("the same, settings chosen inside each training fold (bias pull / "
                  "reviewed passages for words: outer folds that chose it)")
            print()
            nested(corpus, tax, args, total, by_article)
    return 0


def table(corpus, tax, args, total: int, by_article: bool) -> None:
    from brief_cli.learning import cross_validate

    print("| reviewed | macro-F1 base | macro-F1 learned | Δ macro | micro-F1 base | "
          "micro-F1 learned | kind acc. base | kind acc. learned | worst Δ macro | "
          "Δ macro, sectors ≥ 5 | s/run |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in [int(s) for s in args.sizes.split(",")]:
        rows = []
        for seed in range(args.seeds):
            t0 = time.perf_counter()
            cv = cross_validate(corpus, tax, args.folds, seed=seed,
                                limit=None if size >= total else size, by_article=by_article)
            rows.append((cv.base.sectors_macro_f1, cv.learned.sectors_macro_f1,
                         cv.base.sectors_micro.f1, cv.learned.sectors_micro.f1,
                         cv.base.kind_accuracy, cv.learned.kind_accuracy,
                         time.perf_counter() - t0,
                         # the same mean over sectors with 5 or more labelled passages: what
                         # the gain is without the rare ones, where one passage moves F1 a lot
                         cv.learned.macro_f1(5) - cv.base.macro_f1(5)))
            # at every passage the sample is the same whatever the seed, its folds are not
        mean = [statistics.mean(r[i] for r in rows) for i in range(8)]
        worst = min(r[1] - r[0] for r in rows)
        print(f"| {min(size, total)} | {mean[0]:.3f} | {mean[1]:.3f} | {mean[1] - mean[0]:+.3f} "
              f"| {mean[2]:.3f} | {mean[3]:.3f} | {mean[4]:.3f} | {mean[5]:.3f} | {worst:+.3f} "
              f"| {mean[7]:+.3f} | {mean[6]:.1f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
