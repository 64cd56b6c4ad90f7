#!/usr/bin/env python3
"""Benchmark ``brief trends``, ``compare`` and ``kwic`` on a large corpus with a warm index.

Usage::

    python benchmarks/generate_corpus.py --passages 100k --out benchmarks/corpora/100k
    python benchmarks/bench_analysis.py benchmarks/corpora/100k [--runs 5] [--write]

The index is built first (not timed) in a scratch cache folder; then each command runs in turn,
``--runs`` times after one warm-up: in process (the core call, index already open: what the
analysis itself costs) and end to end (the installed ``brief`` in a subprocess: start-up and the
index freshness check included). Medians are reported; ``--write`` replaces the analysis section
of benchmarks/RESULTS.md.

``compare`` keeps each passage's content words in the cache folder (``analysis.terms``) and,
by row, the tags and words of the passages of each index (``analysis.rowcache``): both are
emptied first, so the warm-up call of the first ``compare`` case is a cold one (the CPU time of
each warm-up is printed as "first call"); the timed runs read them back, as every compare after
the first does. To compare two versions of the code side by side, run the script once per
version in turn (``PYTHONPATH=OTHER/src python benchmarks/bench_analysis.py ...``), each with
its own ``--cache`` folder (versions keep different files there; copy the ``index`` folder
from one to the other to skip a build), on a quiet machine::

    python benchmarks/generate_corpus.py --passages 100k --out benchmarks/corpora/100k
    python -m compileall -q src
    python benchmarks/bench_analysis.py benchmarks/corpora/100k --runs 5 --cache benchmarks/.work/cache
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from machine import describe  # noqa: E402

BEGIN, END = "<!-- BEGIN analysis -->", "<!-- END analysis -->"


def brief_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("brief")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "brief_cli"]


def kwic_word(con, low: int = 9_000, high: int = 12_000) -> tuple[str, int]:
    """A word with about 10k passages (fts5vocab counts documents per stem)."""
    rows = con.execute("SELECT term, doc FROM fts_vocab WHERE col = 'text' AND doc BETWEEN ? "
                       "AND ? AND term GLOB '[a-z][a-z][a-z]*' ORDER BY doc DESC LIMIT 1",
                       (low, high)).fetchall()
    if not rows:
        raise SystemExit(f"no word with {low}-{high} passages in this corpus")
    return rows[0][0], rows[0][1]


def median_time(fn, runs: int) -> tuple[float, float, float, object]:
    """(median wall, best wall, median CPU, result) over ``runs`` calls after a warm-up."""
    c0 = time.process_time()
    result = fn()  # warm-up
    print(f"  first call: {time.process_time() - c0:.3f} s CPU", flush=True)
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(times), min(times), statistics.median(cpu), result


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    ap.add_argument("--cache", type=Path, help="cache folder to use (default: a new one; give "
                    "one that already holds this corpus's index to skip the build)")
    args = ap.parse_args()
    cache = args.cache or Path(tempfile.mkdtemp(prefix="brief-bench-analysis-"))
    env = {**os.environ, "BRIEF_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    os.environ["BRIEF_CACHE_DIR"] = str(cache)
    t0 = time.perf_counter()
    subprocess.run(brief_cmd() + ["index", "--corpus", str(args.corpus)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    build = time.perf_counter() - t0
    import shutil

    shutil.rmtree(cache / "terms", ignore_errors=True)  # compare's first call fills them
    shutil.rmtree(cache / "analysis", ignore_errors=True)

    from brief_cli.analysis.compare import SideSpec, compare
    from brief_cli.analysis.kwic import kwic
    from brief_cli.analysis.trends import trends
    from brief_cli.config import resolve_taxonomy_path
    from brief_cli.filters import Filters
    from brief_cli.index import open_index
    from brief_cli.taxonomy import load_taxonomy

    tax_path = resolve_taxonomy_path(None)
    taxonomy = load_taxonomy(tax_path)
    index = open_index(args.corpus, tax_path, lambda: taxonomy)
    passages = index.con.execute("SELECT count(*) FROM passages").fetchone()[0]
    word, word_docs = kwic_word(index.con)
    years = [r[0] for r in index.con.execute(
        "SELECT DISTINCT substr(published, 1, 4) FROM articles ORDER BY 1")]
    mid = years[len(years) // 2]
    cases = [
        ("trends (sectors by year)", ["trends"],
         lambda: trends(index, taxonomy=taxonomy, labels=taxonomy)),
        ("trends --of actors --by month", ["trends", "--of", "actors", "--by", "month"],
         lambda: trends(index, taxonomy=taxonomy, labels=taxonomy, of="actors", by="month",
                        top=10)),
        (f"trends {word} --by quarter", ["trends", word, "--by", "quarter"],
         lambda: trends(index, taxonomy=taxonomy, labels=taxonomy, query=word, by="quarter")),
        ("compare actor:china actor:russia", ["compare", "actor:china", "actor:russia"],
         lambda: compare(index, SideSpec("a", "actor:china"), SideSpec("b", "actor:russia"),
                         taxonomy=taxonomy, labels=taxonomy)),
        (f"compare --a-until {int(mid) - 1} --b-since {mid}",
         ["compare", "--a-until", str(int(mid) - 1), "--b-since", mid],
         lambda: compare(index, SideSpec("a", filters=Filters(until=_end(int(mid) - 1))),
                         SideSpec("b", filters=Filters(since=_start(int(mid)))),
                         taxonomy=taxonomy, labels=taxonomy)),
        (f"kwic {word}", ["kwic", word],
         lambda: kwic(index, word, taxonomy=taxonomy)),
    ]
    rows = []
    for name, argv, fn in cases:
        med, best, cpu, result = median_time(fn, args.runs)
        size = _size(result)
        walls, cpus = [], []
        cmd = brief_cmd() + argv + ["--corpus", str(args.corpus)]
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(args.runs):
            t0, c0 = time.perf_counter(), _children_cpu()
            done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
            walls.append(time.perf_counter() - t0)
            cpus.append(_children_cpu() - c0)
            if done.returncode not in (0, 1):
                raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()[:300]}")
        rows.append((name, size, med, best, cpu, statistics.median(walls),
                     statistics.median(cpus)))
        print(f"{name:45} {size:>28}  in process {med:6.3f} s (best {best:.3f}, CPU {cpu:.3f})"
              f"  end to end {statistics.median(walls):6.3f} s (CPU "
              f"{statistics.median(cpus):.3f})", flush=True)
    index.close()
    load = os.getloadavg()[0]
    text = report(rows, passages, word, word_docs, build, args.runs, load)
    print(text)
    if args.write:
        path = HERE / "RESULTS.md"
        old = path.read_text(encoding="utf-8")
        if BEGIN in old and END in old:
            head, rest = old.split(BEGIN, 1)
            _, tail = rest.split(END, 1)
            new = head + text + tail
        else:
            new = old.rstrip("\n") + "\n\n" + text + "\n"
        path.write_text(new, encoding="utf-8")
    return 0


def _start(year: int):
    from datetime import date

    return date(year, 1, 1)


def _end(year: int):
    from datetime import date

    return date(year, 12, 31)


def _size(result) -> str:
    if hasattr(result, "lines"):
        return f"{len(result.lines):,} lines, {result.passages:,} passages"
    if hasattr(result, "series"):
        return f"{len(result.series)} series × {len(result.periods)} periods"
    return f"{result.a.passages:,} vs {result.b.passages:,} passages"


def report(rows, passages, word, word_docs, build, runs, load) -> str:
    lines = [BEGIN, "## Analysis: trends, compare, kwic", "",
             f"Machine: {describe()}; load average {load:.1f} when measured"
             + (" (other jobs shared the machine)" if load > (os.cpu_count() or 1) else "")
             + ". Corpus: " f"{passages:,} generated passages "
             "(`generate_corpus.py`, seed 42); index built beforehand in "
             f"{build:.0f} s (not counted).", "",
             "| command | result | in process, median | best | CPU | end to end, median | CPU |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for name, size, med, best, cpu, wall, wall_cpu in rows:
        lines.append(f"| `{name}` | {size} | {med:.3f} s | {best:.3f} s | {cpu:.3f} s "
                     f"| {wall:.3f} s | {wall_cpu:.3f} s |")
    lines += ["", f"In process: the core call with the index open, median of {runs} runs after "
              "a warm-up. End to end: the `brief` command in a subprocess, output to /dev/null, "
              f"median of {runs} runs after a warm-up: Python start-up, the command's imports "
              "and the index freshness check are included (the difference between the two "
              "columns). The kwic word is the stem "
              f"with the number of passages nearest 10k: `{word}` ({word_docs:,} passages).",
              "", "Reproduce: `python benchmarks/bench_analysis.py CORPUS_DIR --write`.", END]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
