"""Chinese end to end on a real text, and what the Chinese path costs English corpora.

1. The Government Work Report of the Chinese corpus (``../shared/corpora/zh`` beside the
   checkout, or ``--report FILE``) is ingested with ``brief ingest`` into a scratch folder:
   passage count and lengths, tags, and searches for a few terms, each checked against the
   passages that hold the term (every one found, nothing else). No text of the report is
   printed or written, only counts, ids and lengths.
2. Loading the segmenter, in a fresh process.
3. The Chinese check on English passages (what every English passage pays at index time), per
   passage, on a generated English corpus.

Run: ``python benchmarks/bench_chinese.py`` (add ``--write`` to update RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from machine import describe, write_section  # noqa: E402

REPORT = ROOT.parent / "shared" / "corpora" / "zh" / "gov-work-report-2025.txt"
TERMS = ("新质生产力", "一带一路", "人工智能", "中欧班列 OR 陆海新通道", "新能源 -汽车")


def brief(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "brief_cli", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})})


def real_report(path: Path, scratch: Path) -> list[str]:
    import yaml

    corpus = scratch / "corpus"
    env = {"BRIEF_CACHE_DIR": str(scratch / "cache")}
    t0 = time.perf_counter()
    done = brief("ingest", str(path), "--out", str(corpus), "-f", "json", env=env)
    ingest_s = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"ingest failed: {done.stderr.strip()}")
    (article_file,) = corpus.glob("*.yaml")
    article = yaml.safe_load(article_file.read_text(encoding="utf-8"))
    passages = article["passages"]
    lengths = sorted((len(p["text"]), p["id"]) for p in passages)
    kinds: dict[str, int] = {}
    for p in passages:
        kinds[p["kind"]] = kinds.get(p["kind"], 0) + 1
    t0 = time.perf_counter()
    brief("index", "--rebuild", "--corpus", str(corpus), env=env)
    index_s = time.perf_counter() - t0
    lines = [
        f"- `brief ingest` of the report ({path.stat().st_size:,} bytes, UTF-8): "
        f"{ingest_s:.2f} s wall, id `{article['id']}`, `language: {article['language']}`, "
        f"published {article['published']}.",
        f"- **{len(passages)} passages**; lengths {lengths[0][0]}–{lengths[-1][0]} characters, "
        f"median {statistics.median(n for n, _ in lengths):.0f}; the longest is "
        f"`{lengths[-1][1]}` ({lengths[-1][0]} characters; paragraphs above 600 are cut at "
        "sentence ends). Headings and the header lines are dropped and reported.",
        f"- Kinds: {', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}; passages with a "
        f"sector: {sum(1 for p in passages if p['sectors'])}; with an actor: "
        f"{sum(1 for p in passages if p['actors'])}.",
        f"- `brief index --rebuild`: {index_s:.2f} s wall.",
        "",
        "| query | hits (in rank order) | passages holding every term | check | in the index | wall |",
        "|---|---|---|---|---|---|",
    ]
    for query in TERMS:
        positive = [t for t in query.split() if t != "OR" and not t.startswith("-")]
        negative = [t[1:] for t in query.split() if t.startswith("-")]
        if " OR " in query:
            holding = {p["id"] for p in passages if any(t in p["text"] for t in positive)}
        else:
            holding = {p["id"] for p in passages if all(t in p["text"] for t in positive)}
        holding = {i for i in holding if not any(
            t in next(p["text"] for p in passages if p["id"] == i) for t in negative)}
        t0 = time.perf_counter()
        found = brief("search", query, "--corpus", str(corpus), "-f", "json", env=env)
        wall = time.perf_counter() - t0
        hits = json.loads(found.stdout) if found.stdout.strip() else []
        ids = [h["passage"] for h in hits]
        check = "all, nothing else" if set(ids) == holding else "MISMATCH"
        ms = re.search(r"(\d+) ms", found.stderr)  # "3 hits · 12 ms" on stderr
        took = f"{ms.group(1)} ms" if ms else "–"
        lines.append(f"| `{query}` | {', '.join(ids) or '–'} | {', '.join(sorted(holding))} "
                     f"| {check} | {took} | {wall:.2f} s |")
    return lines


def segmenter_load() -> float:
    code = ("import time; t = time.perf_counter(); from brief_cli.lang.segment import cut; "
            "cut('共建一带一路'); print(time.perf_counter() - t)")
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                 text=True, check=True).stdout) for _ in range(3)]
    return min(runs)


def english_overhead(scratch: Path, passages: int) -> tuple[int, float, float]:
    import yaml

    from generate_corpus import generate

    from brief_cli.lang.segment import char_text, index_text

    out = scratch / "english"
    generate(passages, out, seed=42)
    texts = [p["text"] for f in sorted(out.rglob("*.yaml"))
             for p in yaml.safe_load(f.read_text(encoding="utf-8"))["passages"]]
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for text in texts:
            index_text(text)
            char_text(text)
        best = min(best, time.perf_counter() - t0)
    loaded = "rjieba" in sys.modules
    return len(texts), best / len(texts) * 1e6, float(loaded)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("--passages", type=int, default=20000)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="brief-zh-"))
    try:
        lines = [
            "## Chinese",
            "",
            f"Machine: {describe()}; load average {os.getloadavg()[0]:.1f} at the start.",
            "",
            "### The 2025 Government Work Report",
            "",
        ]
        if args.report.is_file():
            lines += real_report(args.report, scratch)
        else:
            lines.append(f"(skipped: {args.report.name} not found beside the checkout)")
        n, per, loaded = english_overhead(scratch, args.passages)
        lines += [
            "",
            "### Cost of the Chinese path",
            "",
            f"- Loading the segmenter (rjieba, with the added policy words), fresh process, best "
            f"of 3: {segmenter_load():.2f} s. It is loaded only when a passage or a query holds "
            "Chinese characters; a Chinese query pays it once per command.",
            f"- English passages at index time: {per:.1f} µs per passage for the Chinese check "
            f"and the (empty) character column, over {n:,} generated passages; the segmenter "
            f"was {'loaded (a bug)' if loaded else 'never loaded'}.",
            "",
            "Reproduce: `python benchmarks/bench_chinese.py` (add `--write` to update this "
            "section).",
        ]
        block = "\n".join(lines)
        print(block)
        if args.write:
            write_section("chinese", block)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)




if __name__ == "__main__":
    main()
