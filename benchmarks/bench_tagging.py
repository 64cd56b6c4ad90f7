#!/usr/bin/env python3
"""Benchmark the tagger: passages tagged per second, with the taxonomy compiled once.

Two workloads, tagged as documents of 10 passages (as ingest and retag do):

- ``policy``: passages of 2-4 sentences drawn from hand-written policy sentences that use the
  taxonomy's keywords, cues, countries, demonyms and capitals (dense in matches: the hard case);
- ``synthetic``: passages of the synthetic benchmark corpus (``generate_corpus.py``; Zipf-like
  random words with policy vocabulary mixed in).

Reported: the best of several runs in CPU time (the closest to what the machine can do when it
is shared), the medians in CPU and wall-clock time, a cold first pass (empty caches), the cost
of building explanations, and a reference measured in the same run (splitting the same passages
into words with ``brief_cli.text.words``) so that runs on a busy machine compare as ratios.

Usage::

    python benchmarks/bench_tagging.py                 # print the results
    python benchmarks/bench_tagging.py --write         # also update benchmarks/RESULTS.md
    python benchmarks/bench_tagging.py --passages 5000 --runs 7
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from brief_cli.config import bundled_taxonomy_path  # noqa: E402
from brief_cli.tagging import Tagger  # noqa: E402
from brief_cli.taxonomy import load_taxonomy  # noqa: E402
from brief_cli.text import words  # noqa: E402

SENTENCES = """
Kazakhstan exports oil and natural gas to China through two pipelines.
Despite the obstacles, both countries can expand trade and investment in renewable energy.
Heavy dependency on a single buyer remains a serious risk for the budget.
The new railway cuts travel time between the port and the capital in half.
However, rising public debt and a weak currency limit what the government can spend.
Beijing wants a larger role in regional security, while Moscow is wary.
There is huge potential for cooperation in solar and wind power.
The two sides should open up more tourist routes and simplify visa rules.
First, customs procedures at the border still take several days.
Second, the region lacks skilled workers and vocational training.
Tariffs on steel and aluminium were raised last year.
Universities in both countries have signed student exchange agreements.
Climate change and water scarcity threaten farmers in the south.
The central bank cut interest rates to support growth.
Kenyan officials said the loan from the Export-Import Bank of China was not a risk.
The European Union and the African Union discussed migration and border management.
Digital infrastructure, including 5G networks and data centres, is expanding quickly.
Corruption and weak courts undermine investor confidence.
Hospitals lack medicines, and the health system is under pressure.
Smart city projects could improve public transport and housing.
The United Nations called for a ceasefire and humanitarian aid for displaced people.
Manufacturing output grew as new industrial parks opened near the capital.
The minister visited the port on Tuesday and met the mayor.
Exports of wheat and cotton fell because of the drought.
Joint exercises and intelligence sharing can reduce the threat of terrorism.
""".strip().splitlines()


def policy_passages(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.sample(SENTENCES, rng.randint(2, 4))) for _ in range(n)]


def synthetic_passages(n: int, seed: int = 42) -> list[str]:
    import yaml
    from generate_corpus import generate

    with tempfile.TemporaryDirectory() as tmp:
        generate(n, Path(tmp) / "corpus", seed=seed, workers=1)
        texts = []
        for path in sorted((Path(tmp) / "corpus").rglob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            texts.extend(p["text"] for p in data["passages"])
    return texts[:n]


def documents(texts: list[str], size: int = 10) -> list[list[str]]:
    return [texts[i:i + size] for i in range(0, len(texts), size)]


def timed(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def bench(name: str, texts: list[str], taxonomy, runs: int) -> dict:
    docs = documents(texts)
    tagger = Tagger(taxonomy, use_cache=False)

    def tag_all() -> None:
        for doc in docs:  # one document at a time, as ingest, retag and eval do
            tagger.tag_passages(doc)

    cold_wall, cold_cpu = timed(tag_all)
    walls, cpus, refs = [], [], []
    for _ in range(runs):
        w, c = timed(tag_all)
        walls.append(w)
        cpus.append(c)
        refs.append(timed(lambda: [words(t) for t in texts])[1])
    tags = [t for d in docs for t in tagger.tag_passages(d)]
    _, explain_cpu = timed(lambda: [t.explanation for t in tags])
    n = len(texts)
    return {
        "workload": name, "passages": n,
        "words_per_passage": round(sum(len(words(t)) for t in texts) / n, 1),
        "per_s_best": n / min(cpus), "per_s_cpu": n / statistics.median(cpus),
        "per_s_wall": n / statistics.median(walls),
        "cold_per_s_cpu": n / cold_cpu, "cold_per_s_wall": n / cold_wall,
        "explain_us": explain_cpu / n * 1e6,
        "ratio_to_words": min(cpus) / min(refs),
    }


def machine() -> str:
    from machine import describe

    return describe()

RUNS = [5]


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


def report(results: list[dict], compile_ms: float, cached_ms: float) -> str:
    lines = [
        "## Tagging",
        "",
        f"Machine: {machine()}. Measured while other jobs shared the machine (load average "
        f"{_load()}): the best of {RUNS[0]} runs in CPU time is the closest to what the machine "
        "can do; the median CPU and wall-clock rates show the cost of sharing.",
        "",
        f"Compiling the bundled taxonomy (21 sectors, 297 actors) into matchers: "
        f"{compile_ms:.0f} ms the first time, {cached_ms:.0f} ms when loaded from the cache "
        "folder (once per command; best of 3).",
        "",
        "| workload | passages | words/passage | passages/s, best (CPU) | median (CPU) "
        "| median (wall) | cold first pass (CPU) | tagging ÷ word split | explanation |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['workload']} | {r['passages']:,} | {r['words_per_passage']} "
            f"| **{r['per_s_best']:,.0f}** | {r['per_s_cpu']:,.0f} | {r['per_s_wall']:,.0f} "
            f"| {r['cold_per_s_cpu']:,.0f} | {r['ratio_to_words']:.1f}× "
            f"| {r['explain_us']:.0f} µs |")
    lines += [
        "",
        "Passages are tagged as documents of 10 (structure rules on), one document at a "
        "time. \"Cold\" is the first pass with empty stem, match and spelling caches (the "
        "synthetic corpus is full of made-up long words, each checked once for a misspelt "
        "keyword); \"tagging ÷ word split\" compares the "
        "CPU time of tagging with that of only splitting the same passages into words, in the "
        "same run. Explanations are built only when asked for (`--explain`, `--why`); their "
        "cost per passage is shown apart.",
        "",
        "Reproduce: `python benchmarks/bench_tagging.py` (add `--write` to update this "
        "section).",
    ]
    return "\n".join(lines)




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    RUNS[0] = args.runs
    taxonomy = load_taxonomy(bundled_taxonomy_path())
    from brief_cli.text import stem

    def fresh():
        stem.cache_clear()  # as in a new process
        Tagger(taxonomy, use_cache=False)

    compile_ms = min(timed(fresh)[0] for _ in range(3)) * 1000
    with tempfile.TemporaryDirectory() as tmp:
        import os

        os.environ["BRIEF_CACHE_DIR"] = tmp
        Tagger(taxonomy)  # compiles and stores
        cached_ms = min(timed(lambda: Tagger(taxonomy))[0] for _ in range(3)) * 1000
    results = [bench("policy", policy_passages(args.passages), taxonomy, args.runs),
               bench("synthetic", synthetic_passages(args.passages), taxonomy, args.runs)]
    block = report(results, compile_ms, cached_ms)
    print(block)
    if args.write:
        from machine import write_section

        write_section("tagging", block)


if __name__ == "__main__":
    main()
