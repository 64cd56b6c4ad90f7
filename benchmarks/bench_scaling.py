#!/usr/bin/env python3
"""Benchmark how costs grow with size, where a hostile input could make them explode.

- ``ingest``: one raw text of N paragraphs through ``brief ingest --no-tag`` (and tagged), for
  doubling N; the time per paragraph must stay flat (linear cost).
- ``yaml-cap``: a 4.8 MB YAML file of 2.4 million tiny values (under the 5 MiB size limit) read
  by ``brief validate``: refused by the value cap instead of being built (it used to cost
  16-19 s and ~880 MB on every command), beside a normal article of the same size.

Usage::

    python benchmarks/bench_scaling.py                # print the results
    python benchmarks/bench_scaling.py --write        # also update benchmarks/RESULTS.md
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BEGIN, END = "<!-- BEGIN scaling -->", "<!-- END scaling -->"

SENTENCES = [
    "The ministry announced a new programme to modernise the regional power grid.",
    "Trade between the two countries grew by a fifth, driven by grain and machinery.",
    "Officials warned that drought could cut the harvest in the southern provinces.",
    "A new rail corridor will link the inland ports to the coast by the end of the decade.",
    "Investors see an opportunity in solar farms on the steppe.",
]


def brief() -> list[str]:
    beside = Path(sys.executable).with_name("brief")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "brief_cli"]


def run(args: list[str], env: dict) -> tuple[float, float, int]:
    """CPU seconds (user + system) of the child, its peak RSS in MB, its exit code.

    CPU time, not wall time: on a shared machine the wall clock mostly measures the others.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, after.ru_maxrss / 1024, proc.returncode


def text_of(paragraphs: int) -> str:
    body = [f"{SENTENCES[i % 5]} {SENTENCES[(i * 3 + 1) % 5]} (item {i})."
            for i in range(paragraphs)]
    return "A Long Report On The Region\n\nBy Ann Author\n\n" + "\n\n".join(body) + "\n"


def bench_ingest(work: Path, env: dict, sizes: list[int]) -> list[str]:
    rows = ["| paragraphs | input | untagged CPU s | µs/paragraph | tagged CPU s | µs/paragraph |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    for n in sizes:
        source = work / f"report-{n}.txt"
        source.write_text(text_of(n), encoding="utf-8")
        cells = [f"{n:,}", f"{source.stat().st_size / 1e6:.1f} MB"]
        for flags in (["--no-tag"], []):
            out = work / f"out-{n}-{len(flags)}"
            seconds, _, code = run([*brief(), "ingest", str(source), "--out", str(out), *flags],
                                   env)
            cells += [f"{seconds:.1f}" + ("" if code == 0 else f" (exit {code})"),
                      f"{seconds / n * 1e6:.0f}"]
        rows.append("| " + " | ".join(cells) + " |")
        print(rows[-1], flush=True)
    return rows


def bench_yaml_cap(work: Path, env: dict) -> list[str]:
    corpus = work / "cap"
    corpus.mkdir()
    (corpus / "many.yaml").write_text("id: many\npassages: [" + ",".join(["1"] * 2_400_000)
                                      + "]\n", encoding="utf-8")
    seconds, peak, code = run([*brief(), "validate", "--corpus", str(corpus)], env)
    rows = ["| file | size | `brief validate` CPU s | peak MB | exit |",
            "| --- | ---: | ---: | ---: | ---: |",
            f"| 2.4 million tiny values | {(corpus / 'many.yaml').stat().st_size / 1e6:.1f} MB "
            f"| {seconds:.2f} | {peak:.0f} | {code} |"]
    print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,10000,20000,40000")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = dict(os.environ, BRIEF_CACHE_DIR=str(work / "cache"))
        cap_rows = bench_yaml_cap(work, env)  # first: peak RSS is the largest child's so far
        ingest_rows = bench_ingest(work, env, sizes)
    sys.path.insert(0, str(HERE))
    from machine import describe  # noqa: E402

    section = "\n".join([
        BEGIN, "## Scaling: costs that grow with the input", "",
        f"{describe()}", "",
        "One raw text of N paragraphs through `brief ingest` (untagged, then tagged): the cost per "
        "paragraph should stay flat as N doubles.", "", *ingest_rows, "",
        "A YAML file of millions of tiny values under the size limit, read by `brief validate`: "
        "refused by the value cap (500,000 values per file) before anything is built.", "",
        *cap_rows, "", END])
    print(section)
    if args.write:
        results = HERE / "RESULTS.md"
        text = results.read_text(encoding="utf-8") if results.exists() else "# Results\n"
        if BEGIN in text:
            text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):]
        else:
            text = text.rstrip("\n") + "\n\n" + section + "\n"
        results.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
