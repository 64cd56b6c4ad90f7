#!/usr/bin/env python3
"""Benchmark ingest: a folder of raw texts into a scratch corpus folder, with and without tagging.

Meant for the UN General Debate corpus (1,919 speeches, 2005-2014, one plain-text file each:
hard-wrapped lines, one-paragraph-per-line files, byte-order marks, PDF page headers), but any
folder of .txt/.md/.html files works. Nothing is written outside a temporary folder.

Three passes over the same files, in the same run:

- ``untagged``: the whole ingest (read, decode, clean, rebuild paragraphs, render YAML, check that
  it loads back, write atomically) with ``--no-tag``;
- ``tagged``: the same with the auto-tagger, as ``brief ingest`` runs by default;
- ``stages``: where the time goes, each step timed on its own.

Usage::

    python benchmarks/bench_ingest.py CORPUS_DIR            # print the results
    python benchmarks/bench_ingest.py CORPUS_DIR --write    # also update benchmarks/RESULTS.md
    python benchmarks/bench_ingest.py CORPUS_DIR --limit 200
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from brief_cli import ingest as core  # noqa: E402
from brief_cli.config import bundled_taxonomy_path  # noqa: E402
from brief_cli.corpus import article_to_yaml, load_article_text  # noqa: E402
from brief_cli.taxonomy import load_taxonomy  # noqa: E402

BEGIN, END = "<!-- BEGIN ingest -->", "<!-- END ingest -->"


def machine() -> str:
    sys.path.insert(0, str(HERE))
    from machine import describe

    return describe()

def run_batch(sources, taxonomy, tag: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="brief-bench-") as scratch:
        tagger = core.load_tagger(taxonomy) if tag else None
        ingester = core.Ingester(Path(scratch), taxonomy, core.Options(tag=tag), tagger)
        wall, cpu = time.perf_counter(), time.process_time()
        outcomes = ingester.run(sources)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        written = len(list(Path(scratch).glob("*.yaml")))
    failed = [o for o in outcomes if o.status == "failed"]
    passages = sum(o.passages for o in outcomes if o.status == "ingested")
    return {"files": len(sources), "ingested": len(outcomes) - len(failed), "written": written,
            "failed": failed, "passages": passages, "wall": wall, "cpu": cpu}


def run_stages(sources, taxonomy) -> dict:
    tagger = core.load_tagger(taxonomy)
    times = dict.fromkeys(("read and decode", "clean and parse", "tag", "render YAML",
                           "load-back check"), 0.0)
    clock = time.process_time
    for source in sources:
        t0 = clock()
        decoded = core.read_source(source)
        t1 = clock()
        if core.looks_like_html(source.name, decoded.text):
            draft = core.parse_html(decoded.text)
        else:
            draft = core.parse_text(decoded.text)
        t2 = clock()
        prepared = core.prepare(source, core.Options())  # for the Article; not timed again
        t3 = clock()
        article, _ = core.loadable_tags(core.with_tags(prepared.article, tagger), taxonomy)
        t4 = clock()
        text = article_to_yaml(article)
        t5 = clock()
        load_article_text(text, taxonomy)
        t6 = clock()
        del draft
        times["read and decode"] += t1 - t0
        times["clean and parse"] += t2 - t1
        times["tag"] += t4 - t3
        times["render YAML"] += t5 - t4
        times["load-back check"] += t6 - t5
    return times


def load_average() -> str:
    import os

    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


def report(corpus: Path, untagged: dict, tagged: dict, stages: dict, load: str) -> str:
    lines = [
        "## Ingest",
        "",
        f"Machine: {machine()}. Measured with `python benchmarks/bench_ingest.py CORPUS_DIR`,",
        "all passes in the same run, one after the other, while other jobs shared the machine",
        f"(load average {load} at the start): CPU time is the steadier measure, wall-clock time",
        "adds the waiting for the CPU and for each file's fsync.",
        "",
        f"Corpus: {untagged['files']:,} plain-text files of the UN General Debate corpus "
        "(2005–2014): hard-wrapped",
        "lines, a few one-paragraph-per-line files, byte-order marks, whitespace-only lines and",
        "PDF page headers. Each file becomes one article in a scratch folder.",
        "",
        "| pass | files | ingested | failed | passages | CPU (s) | passages/s (CPU) | "
        "files/s (CPU) | wall (s) | passages/s (wall) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in (("untagged (`--no-tag`)", untagged), ("tagged (default)", tagged)):
        lines.append(
            f"| {name} | {r['files']:,} | {r['ingested']:,} | {len(r['failed'])} | "
            f"{r['passages']:,} | {r['cpu']:.1f} | **{r['passages'] / r['cpu']:,.0f}** | "
            f"{r['files'] / r['cpu']:,.1f} | {r['wall']:.1f} | {r['passages'] / r['wall']:,.0f} |")
    total = sum(stages.values())
    lines += [
        "",
        "Where the CPU time goes (a third pass, each step timed alone over all files; writing",
        "the files is left out):",
        "",
        "| step | CPU (s) | share |",
        "| --- | ---: | ---: |",
    ]
    for step, seconds in stages.items():
        lines.append(f"| {step} | {seconds:.1f} | {seconds / total:.0%} |")
    lines += [
        "",
        "Reproduce: `python benchmarks/bench_ingest.py CORPUS_DIR` (add `--write` to update this",
        "section); the scratch folder is a temporary one and is removed afterwards.",
    ]
    return "\n".join(lines)




def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder of raw text files (searched recursively)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N files")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    sources = core.collect_inputs([str(args.corpus)])[: args.limit]
    taxonomy = load_taxonomy(bundled_taxonomy_path())
    load = load_average()
    untagged = run_batch(sources, taxonomy, tag=False)
    tagged = run_batch(sources, taxonomy, tag=True)
    stages = run_stages(sources, taxonomy)
    block = report(args.corpus, untagged, tagged, stages, load)
    print(block)
    for result in (untagged, tagged):
        for outcome in result["failed"][:10]:
            print(f"failed: {outcome.input}: {outcome.reason}", file=sys.stderr)
    if args.write:
        from machine import write_section

        write_section("ingest", block)
    return 1 if untagged["failed"] or tagged["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
