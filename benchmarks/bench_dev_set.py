#!/usr/bin/env python3
"""Benchmark the tagger's agreement with a hand-labelled development set of real passages.

The development set is a YAML file of passages from the VOA articles and the UN General Debate
corpus, labelled for kind, sectors and actors by one annotator (kept beside the project, never
copied into it). This script tags its passages the way ``brief eval --gold`` does (consecutive
passages of one source as one document) and reports sector micro/macro F1 (macro also over the
sectors with at least 10 labelled passages), per-sector precision/recall/F1, kind accuracy and
kappa, actors F1, and the share of labelled passages left with no sector. With
``--baseline FILE`` it prints the figures of an earlier run beside these.

The annotator names some actors in their own way (``united-nations`` for the UN and all its
organs, ``european-union``...): ``GOLD_NAMES`` maps those names to the taxonomy's ids and
``UN_ORGANS`` collapses the tagger's UN organs into ``un``, so both sides compare alike.

Usage::

    python benchmarks/bench_dev_set.py PATH/TO/dev_passages.yaml
    python benchmarks/bench_dev_set.py PATH/TO/dev_passages.yaml --save-json out.json
    python benchmarks/bench_dev_set.py PATH/TO/dev_passages.yaml \\
        --baseline benchmarks/dev_set_baseline.json --write
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from brief_cli.config import bundled_taxonomy_path  # noqa: E402
from brief_cli.evaluation import evaluate_gold  # noqa: E402
from brief_cli.gold import GoldMap, read_gold  # noqa: E402
from brief_cli.tagging import Tagger  # noqa: E402
from brief_cli.taxonomy import load_taxonomy  # noqa: E402

# The development set's actor names -> the taxonomy's ids.
GOLD_NAMES = {"united-nations": "un", "european-union": "eu", "african-union": "au",
              "non-aligned-movement": "nam", "republic-of-congo": "republic-of-the-congo"}
UN_ORGANS = ("unsc", "unga", "undp", "unep", "unfccc", "unctad", "unodc", "unrwa", "unfpa",
             "un-women", "unido", "un-tourism", "ohchr", "unhrc", "unicef", "unhcr")
MIN_SUPPORT = 10


def measure(gold_path: Path) -> dict:
    taxonomy = load_taxonomy(bundled_taxonomy_path())
    tagger = Tagger(taxonomy)
    known = {a.id for a in taxonomy.actors}
    names = {theirs: (ours,) for theirs, ours in GOLD_NAMES.items() if ours in known}
    items = read_gold(gold_path, taxonomy, GoldMap({}, {**names, **_unknown_actors(
        gold_path, known, names)}))
    report = evaluate_gold(items, tagger, actor_ids=lambda a: "un" if a in UN_ORGANS else a)
    labelled = sum(1 for i in items if i.sectors)
    return {
        "passages": report.passages,
        "documents": report.articles,
        "sector_micro_p": report.sectors_micro.precision,
        "sector_micro_r": report.sectors_micro.recall,
        "sector_micro_f1": report.sectors_micro.f1,
        "sector_macro_f1_all": report.sectors_macro_f1,
        f"sector_macro_f1_min{MIN_SUPPORT}": report.macro_f1(MIN_SUPPORT),
        "no_sector_share": report.unsectored / labelled if labelled else None,
        "kind_accuracy": report.kind_accuracy,
        "kind_kappa": report.kappa,
        "confusion": report.confusion,
        "actors_p": report.actors_micro.precision,
        "actors_r": report.actors_micro.recall,
        "actors_f1": report.actors_micro.f1,
        "per_sector": {r.label: {"support": r.support, "predicted": r.predicted,
                                 "precision": r.precision, "recall": r.recall, "f1": r.f1}
                       for r in report.sectors},
    }


def _unknown_actors(path: Path, known: set[str], reverse: dict) -> dict:
    """Gold actor names the taxonomy does not have at all: kept out of the comparison by
    mapping them to nothing (they count as missed by any tagger alike)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = data.get("passages", data) if isinstance(data, dict) else data
    names = {a for row in rows for a in (row.get("actors") or [])}
    return {a: () for a in names if a not in known and a not in reverse}


def _f(value) -> str:
    return "–" if value is None else f"{value:.2f}"


def table(now: dict, before: dict | None) -> list[str]:
    key = f"sector_macro_f1_min{MIN_SUPPORT}"
    rows = [
        ("sector micro-F1", "sector_micro_f1", "≥ 0.70"),
        ("sector micro precision", "sector_micro_p", ""),
        ("sector micro recall", "sector_micro_r", ""),
        (f"sector macro-F1 (sectors with ≥{MIN_SUPPORT} passages)", key, "≥ 0.65"),
        ("sector macro-F1 (all sectors seen)", "sector_macro_f1_all", ""),
        ("labelled passages tagged with no sector", "no_sector_share", "≤ 0.10"),
        ("kind accuracy", "kind_accuracy", "≥ 0.70"),
        ("kind Cohen's kappa", "kind_kappa", ""),
        ("actors F1", "actors_f1", "≥ 0.90"),
    ]
    lines = ["| measure | before | now | target |", "|---|---:|---:|---|"]
    for label, k, target in rows:
        lines.append(f"| {label} | {_f(before.get(k)) if before else '–'} | **{_f(now[k])}** "
                     f"| {target} |")
    lines += ["", "| sector | labelled | tagged | precision | recall | F1 before | F1 now |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    old = (before or {}).get("per_sector", {})
    for sector, r in sorted(now["per_sector"].items(), key=lambda kv: (-kv[1]["support"],
                                                                        kv[0])):
        lines.append(f"| {sector} | {r['support']} | {r['predicted']} | {_f(r['precision'])} "
                     f"| {_f(r['recall'])} | {_f(old.get(sector, {}).get('f1'))} "
                     f"| {_f(r['f1'])} |")
    confusion = now["confusion"]
    if confusion:
        kinds = list(confusion)
        lines += ["", "Kind confusion (rows: annotator, columns: tagger)", "",
                  "| | " + " | ".join(kinds) + " |", "|---|" + "---:|" * len(kinds)]
        for gold in kinds:
            lines.append(f"| {gold} | " + " | ".join(str(confusion[gold][k]) for k in kinds)
                         + " |")
    return lines




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path, help="the development set (YAML)")
    parser.add_argument("--baseline", type=Path, help="figures of an earlier run (JSON)")
    parser.add_argument("--save-json", type=Path, help="write these figures as JSON")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    now = measure(args.gold)
    before = json.loads(args.baseline.read_text()) if args.baseline else None
    lines = table(now, before)
    print("\n".join(lines))
    if args.save_json:
        args.save_json.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
    if args.write:
        block = "\n".join([
            "## Tagger on the development set",
            "",
            f"{now['passages']} real passages ({now['documents']} documents: VOA articles and "
            "UN General Debate speeches) labelled for kind, sectors and actors by one annotator; "
            "passages of one source tagged as one document, as `brief eval --gold` does. "
            "\"Before\" is the tagger before the work on real text (figures kept in "
            "`dev_set_baseline.json`). The development set guided the work; text the tagger "
            "was not tuned on is the real measure.",
            "",
            *lines,
            "",
            "Reproduce: `python benchmarks/bench_dev_set.py DEV_SET.yaml --baseline "
            "benchmarks/dev_set_baseline.json --write`.",
        ])
        from machine import write_section

        write_section("dev-set", block)


if __name__ == "__main__":
    main()
