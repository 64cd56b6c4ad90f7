#!/usr/bin/env python3
"""Benchmark ``brief search`` and its index on synthetic corpora (see generate_corpus.py).

The issue's table, at 10k, 100k and 1M passages in one run (about 15 minutes on two idle cores;
the 1M cold build is most of it)::

    python benchmarks/bench_search.py --corpora CORPORA --size 10k --size 100k --size 1M \
        --startup --report

CORPORA holds one folder per size (``generate_corpus.py --size 1M --out CORPORA/1M``, seed 42;
``--generate`` makes missing ones). The corpus folders must be writable: the one-changed-file
step edits one article file and puts its bytes and mtime back. ``--reuse`` keeps an index built
by an earlier run (its build figures are carried over when that run saved them), e.g. to
measure queries again after a quiet moment; ``--work DIR`` puts caches and JSON elsewhere.

Query latency of two versions of the code, side by side on an index built by an earlier run
(this checkout against another checkout's ``src``, each in its own worker process, each query
sent to one then the other, several rounds)::

    python benchmarks/bench_search.py --corpora CORPORA --size 1M --against OTHER/src

For each size it measures, with its own cache folder (WORK/cache-SIZE):

- cold index build (``brief index --rebuild`` in a subprocess): seconds, passages/s, CPU, peak RSS;
- re-index after one changed file (one article file gets a new passage text, then is restored);
- in-process query latency (``brief_cli.search.search``, limit 10, as the command runs it) over a
  fixed query set, REPEAT runs each after one warm-up: p50 and p95, per query type and per
  query, and whether the impact lists answered it (``brief_cli.impact``);
- end-to-end ``brief search WORD`` against ``rg -i WORD CORPUS`` over the same files, run in
  turn (brief, rg, brief, rg, ...), medians and their ratio; peak RSS of the search.

Results go to WORK/search-SIZE.json; ``--report`` turns them into the ``search`` block of
benchmarks/RESULTS.md, with the issue's targets side by side (ratios from the same run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
CORPORA = HERE / "corpora"
RESULTS = HERE / "RESULTS.md"
BEGIN, END = "<!-- BEGIN search -->", "<!-- END search -->"

# The fixed query set: words drawn from the generator's vocabulary, common to rare.
QUERIES = {
    "word": ["government", "pipeline", "railway", "drought", "lithium", "remittances"],
    "two words": ["energy security", "pipeline investment", "water drought"],
    "phrase": ['"oil and gas"', '"the government"', '"free trade"'],
    "prefix": ["invest*", "rail*", "electri*"],
    "typo": ["pipelnie", "invesment", "infrastrcture"],
    "filtered": ["pipeline sector:energy kind:challenge", "drought kind:challenge since:2020",
                 "kind:opportunity sector:tourism"],
}
E2E_WORDS = ["pipeline", "drought"]


def brief_cmd() -> list[str]:
    exe = shutil.which("brief", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "brief_cli"]


def child_env(cache: Path) -> dict:
    """The environment of measured runs: their own cache, no colour, and bytecode caches on
    (an installed package has them; without them every module is compiled at each start)."""
    env = dict(os.environ, BRIEF_CACHE_DIR=str(cache), NO_COLOR="1")
    env.pop("BRIEF_CORPUS", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_package() -> None:
    import compileall

    import brief_cli

    compileall.compile_dir(str(Path(brief_cli.__file__).parent), quiet=1)


def run_measured(cmd: list[str], env: dict, stdout=subprocess.DEVNULL
                 ) -> tuple[float, int, int, float]:
    """(wall seconds, peak RSS in KB, exit code, CPU seconds) of one child process."""
    # The peak RSS comes from GNU time when there is one: a child forked from this (large)
    # process reports this process's size as its own high-water mark.
    gnu_time = shutil.which("time", path="/usr/bin")
    rss_file = WORK / "rss.txt"
    if gnu_time:
        cmd = [gnu_time, "-f", "%M", "-o", str(rss_file)] + cmd
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss
    if gnu_time:
        try:
            rss = int(rss_file.read_text().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
    return wall, rss, proc.returncode, usage.ru_utime + usage.ru_stime


def machine() -> dict:
    sys.path.insert(0, str(HERE))
    from machine import cpu_model

    import sqlite3

    return {"nproc": os.cpu_count(), "cpu": cpu_model(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "load_before": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
            "rg": _version(["rg", "--version"])}


def _version(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        return "not installed"


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def measure_one_file(root: Path, taxonomy) -> dict:
    """Re-index after one changed file: a passage text gains a word; the original bytes and
    mtime are put back afterwards (and the index refreshed back).

    Measured three ways: the file saved by an atomic rename (how editors that write a temporary
    file, and brief itself, save: seen through its folder's signature); the file edited in place
    while a full check is due (every file statted, as at most every BRIEF_INDEX_RECHECK
    seconds); and a search that finds nothing changed (folders and recent files only).
    """
    from brief_cli import index as index_mod
    from brief_cli.filters import Filters
    from brief_cli.index import open_index
    from brief_cli.search import search

    files = sorted(root.rglob("*.yaml"))
    target = files[len(files) // 2]
    original = target.read_bytes()
    st = target.stat()
    edited = original.replace(b"    text: \"", b"    text: \"Benchmarkword ", 1)
    stamp = str(index_mod.index_base(root)) + ".checked"
    out: dict = {}

    def timed_open() -> tuple[float, int, int]:
        t0 = time.perf_counter()
        index = open_index(root, taxonomy.path, lambda: taxonomy)
        seconds = time.perf_counter() - t0
        found = search(index, "benchmarkword", Filters(), taxonomy=taxonomy).total
        parsed = index.refresh.parsed
        index.close()
        return seconds, parsed, found

    def restore() -> None:
        target.write_bytes(original)
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
        os.utime(stamp, ns=(0, 0))  # make the next open check every file
        open_index(root, taxonomy.path, lambda: taxonomy).close()

    try:
        open_index(root, taxonomy.path, lambda: taxonomy).close()
        tmp = target.with_name("." + target.name + ".tmp")
        tmp.write_bytes(edited)
        os.replace(tmp, target)
        seconds, parsed, found = timed_open()
        out.update(seconds=round(seconds, 3), files_parsed=parsed, found_new_word=found)
        t0 = time.perf_counter()
        open_index(root, taxonomy.path, lambda: taxonomy).close()
        out["check_unchanged_s"] = round(time.perf_counter() - t0, 3)
        restore()
        target.write_bytes(edited)
        os.utime(stamp, ns=(0, 0))  # a full check is due
        seconds, parsed, found = timed_open()
        out["in_place_full_check"] = {"seconds": round(seconds, 3), "files_parsed": parsed,
                                      "found_new_word": found}
        t0 = time.perf_counter()
        os.utime(stamp, ns=(0, 0))
        open_index(root, taxonomy.path, lambda: taxonomy).close()
        out["full_check_unchanged_s"] = round(time.perf_counter() - t0, 3)
    finally:
        restore()
    return out


def reindex_only(size: str, corpora: Path) -> None:
    """Measure the one-changed-file refresh again on an index built by an earlier run."""
    path = WORK / f"search-{size}.json"
    result = json.loads(path.read_text())
    os.environ["BRIEF_CACHE_DIR"] = str(WORK / f"cache-{size}")
    from brief_cli.config import bundled_taxonomy_path
    from brief_cli.taxonomy import load_taxonomy

    taxonomy = load_taxonomy(bundled_taxonomy_path())
    result["reindex_one_file"] = measure_one_file(corpora / size, taxonomy)
    result["reindex_one_file"]["measured_at"] = time.strftime("%Y-%m-%d %H:%M")
    result["reindex_one_file"]["load"] = os.getloadavg()[0]
    path.write_text(json.dumps(result, indent=2))
    print(f"[{size}] one changed file {result['reindex_one_file']['seconds']:.3f}s", flush=True)


def bench_size(size: str, repeat: int, e2e_runs: int, generate: bool,
               corpora: Path = CORPORA, reuse: bool = False) -> dict:
    sys.path.insert(0, str(HERE))
    root = corpora / size
    if not root.is_dir() or not any(root.iterdir()):
        if not generate:
            raise SystemExit(f"no corpus at {root}: run generate_corpus.py or pass --generate")
        from generate_corpus import generate, parse_size

        generate(parse_size(size), root, 42)
    cache = WORK / f"cache-{size}"
    saved = WORK / f"search-{size}.json"
    reuse = reuse and cache.exists() and any(cache.rglob("*.db"))
    if not reuse:
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
    env = child_env(cache)
    compile_package()
    result: dict = {"size": size, "machine": machine(), "at": time.strftime("%Y-%m-%d %H:%M")}

    # Cold build (or, with --reuse, the build measured by an earlier run).
    if reuse and saved.exists():
        previous = json.loads(saved.read_text())
        wall, rss, build_cpu = (previous["build"]["seconds"], previous["build"]["peak_rss_mb"] * 1024,
                                previous["build"].get("cpu_seconds", 0))
        result["build_measured_at"] = previous.get("build_measured_at", previous["at"])
        result["build_load"] = previous.get("build_load", previous["machine"]["load_before"])
    elif reuse:  # an index built outside this script: no build figures
        wall, rss, build_cpu = float("nan"), 0, 0.0
        result["build_measured_at"] = "not measured (index reused)"
        result["build_load"] = float("nan")
    else:
        wall, rss, code, build_cpu = run_measured(
            brief_cmd() + ["index", "--rebuild", "--corpus", str(root)], env)
        assert code == 0, f"index build failed ({code})"
        result["build_measured_at"] = result["at"]
        result["build_load"] = result["machine"]["load_before"]
    os.environ["BRIEF_CACHE_DIR"] = str(cache)
    from brief_cli.config import bundled_taxonomy_path
    from brief_cli.filters import Filters
    from brief_cli.index import open_index
    from brief_cli.search import search
    from brief_cli.taxonomy import load_taxonomy

    taxonomy = load_taxonomy(bundled_taxonomy_path())
    index = open_index(root, taxonomy.path, lambda: taxonomy)
    stats = index.stats()
    index.close()
    result["build"] = {"seconds": round(wall, 2), "passages": stats.passages,
                       "files": stats.files,
                       "passages_per_s": round(stats.passages / wall) if wall == wall else 0,
                       "cpu_seconds": round(build_cpu, 1),
                       "peak_rss_mb": round(rss / 1024, 1), "index_mb": round(stats.bytes / 2**20, 1),
                       "terms": stats.terms, "words": stats.words}
    print(f"[{size}] build {wall:.1f}s {stats.passages / wall:,.0f} passages/s", flush=True)

    result["reindex_one_file"] = measure_one_file(root, taxonomy)
    one = result["reindex_one_file"]
    print(f"[{size}] one changed file {one['seconds']:.3f}s (renamed), "
          f"{one['in_place_full_check']['seconds']:.3f}s (in place, full check); unchanged "
          f"check {one['check_unchanged_s']:.3f}s, full {one['full_check_unchanged_s']:.3f}s",
          flush=True)

    # In-process query latency.
    index = open_index(root, taxonomy.path, lambda: taxonomy)
    snapshot = index.taxonomy() or taxonomy
    from brief_cli.search import running as search_mod  # its _impact_page is switched off below

    per_kind: dict[str, list[float]] = {}
    per_query: dict[str, dict] = {}
    totals: dict[str, int] = {}
    all_times: list[float] = []
    for kind, queries in QUERIES.items():
        for q in queries:
            search(index, q, Filters(), taxonomy=snapshot, limit=10)  # warm-up
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                r = search(index, q, Filters(), taxonomy=snapshot, limit=10)
                dt = time.perf_counter() - t0
                per_kind.setdefault(kind, []).append(dt)
                all_times.append(dt)
                times.append(dt)
            totals[q] = r.total
            prep = search_mod._prepare(index, q, Filters(), snapshot, False)
            found = search_mod._impact_page(index, prep, 10, 0)
            # The same query ranked by FTS5 alone (lists switched off), right after: its time
            # and whether the page and total are the same.
            kept = search_mod._impact_page
            search_mod._impact_page = lambda *a: None
            try:
                t0 = time.perf_counter()
                alone = search(index, q, Filters(), taxonomy=snapshot, limit=10)
                fts_ms = (time.perf_counter() - t0) * 1000
            finally:
                search_mod._impact_page = kept
            per_query[q] = {"p50": round(pct(times, 0.5) * 1000, 2), "hits": r.total,
                            "lists": bool(found is not None and found[1] is not None),
                            "fts5_alone_ms": round(fts_ms, 2),
                            "same": alone.total == r.total and [
                                (h.uid, h.score) for h in alone.hits] == [
                                (h.uid, h.score) for h in r.hits]}
    index.close()
    result["latency_ms"] = {
        "p50": round(pct(all_times, 0.5) * 1000, 2), "p95": round(pct(all_times, 0.95) * 1000, 2),
        "by_kind": {k: {"p50": round(pct(v, 0.5) * 1000, 2), "p95": round(pct(v, 0.95) * 1000, 2)}
                    for k, v in per_kind.items()},
        "hits": totals, "by_query": per_query, "repeat": repeat}
    print(f"[{size}] query p50 {result['latency_ms']['p50']} ms "
          f"p95 {result['latency_ms']['p95']} ms", flush=True)

    # End to end against ripgrep, in turn.
    e2e = {}
    rg = shutil.which("rg")
    for word in E2E_WORDS:
        run_measured(brief_cmd() + ["search", word, "--corpus", str(root)], env)  # warm caches
        times_b, times_r, rss_b, cpu_b, cpu_r = [], [], [], [], []
        for _ in range(e2e_runs):
            wall, rss, code, cpu = run_measured(
                brief_cmd() + ["search", word, "--corpus", str(root)], env)
            assert code in (0, 1)
            times_b.append(wall)
            rss_b.append(rss)
            cpu_b.append(cpu)
            if rg:
                wall, _rss, _code, cpu = run_measured([rg, "-i", word, str(root)], env)
                times_r.append(wall)
                cpu_r.append(cpu)
        brief_med = statistics.median(times_b)
        rg_med = statistics.median(times_r) if times_r else None
        e2e[word] = {"brief_s": round(brief_med, 3), "rg_s": round(rg_med, 3) if rg_med else None,
                     "ratio": round(brief_med / rg_med, 2) if rg_med else None,
                     "brief_cpu_s": round(statistics.median(cpu_b), 3),
                     "rg_cpu_s": round(statistics.median(cpu_r), 3) if cpu_r else None,
                     "peak_rss_mb": round(max(rss_b) / 1024, 1)}
        print(f"[{size}] e2e {word}: brief {brief_med:.3f}s rg {rg_med}s", flush=True)
    result["e2e"] = e2e
    result["load_after"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    out = WORK / f"search-{size}.json"
    out.write_text(json.dumps(result, indent=2))
    return result


def bench_startup(runs: int) -> dict:
    cache = WORK / "cache-bundled"
    cache.mkdir(parents=True, exist_ok=True)
    # A user's environment: the cache folder found as a user's is, not named by BRIEF_CACHE_DIR.
    env = {k: v for k, v in child_env(cache).items() if not k.startswith("BRIEF_")}
    env["XDG_CACHE_HOME"] = str(cache)
    compile_package()
    search_cmd = brief_cmd() + ["search", "pipeline"]
    hello_cmd = [sys.executable, str(HERE / "hello_app.py")]
    run_measured(search_cmd, env)
    run_measured(hello_cmd, env)
    tb, th, rss, cb, ch = [], [], [], [], []
    for _ in range(runs):
        wall, r, _, cpu = run_measured(search_cmd, env)
        tb.append(wall)
        rss.append(r)
        cb.append(cpu)
        wall, _, _, cpu = run_measured(hello_cmd, env)
        th.append(wall)
        ch.append(cpu)
    result = {"brief_s": round(statistics.median(tb), 3), "hello_s": round(statistics.median(th), 3),
              "ratio": round(statistics.median(tb) / statistics.median(th), 2), "runs": runs,
              "brief_cpu_s": round(min(cb), 3), "hello_cpu_s": round(min(ch), 3),
              "cpu_ratio": round(min(cb) / min(ch), 2),
              "peak_rss_mb": round(max(rss) / 1024, 1), "machine": machine(),
              "at": time.strftime("%Y-%m-%d %H:%M")}
    (WORK / "search-startup.json").write_text(json.dumps(result, indent=2))
    print(f"startup: brief {result['brief_s']}s hello {result['hello_s']}s "
          f"ratio {result['ratio']}", flush=True)
    return result


def query_worker(src: str, cache: str, root: str) -> int:
    """``--against``: one side, importing brief from ``src``; answers queries read on stdin."""
    sys.path.insert(0, src)
    os.environ["BRIEF_CACHE_DIR"] = cache
    from brief_cli import search as search_mod

    assert search_mod.__file__.startswith(str(Path(src).resolve())), search_mod.__file__
    from brief_cli.config import bundled_taxonomy_path
    from brief_cli.index import open_index
    from brief_cli.taxonomy import load_taxonomy

    taxonomy = load_taxonomy(bundled_taxonomy_path())
    index = open_index(Path(root), taxonomy.path, lambda: taxonomy)
    snapshot = index.taxonomy() or taxonomy
    print("ready", flush=True)
    for line in sys.stdin:
        query, runs = json.loads(line)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            r = search_mod.search(index, query, taxonomy=snapshot, limit=10)
            times.append(time.perf_counter() - t0)
        print(json.dumps({"times": times, "total": r.total,
                          "page": [(h.uid, h.score, list(map(list, h.spans))) for h in r.hits]}),
              flush=True)
    return 0


def side_by_side(size: str, corpora: Path, other: Path, repeat: int, rounds: int) -> None:
    """Query latency of this checkout and of ``other`` (a src folder), in two worker processes
    on the same index: each query goes to one side then the other, ``repeat`` runs each,
    ``rounds`` times (after one warm-up each), so both see the same machine. Prints the p50 and
    p95 of each side and a Markdown row per query (medians, ratio, same page and total)."""
    cache = WORK / f"cache-{size}"
    if not any(cache.rglob("*.db")):
        raise SystemExit(f"no index in {cache}: run this size once without --against first")
    sides = {"before": str(other.resolve()), "after": str(HERE.parent / "src")}
    procs = {k: subprocess.Popen([sys.executable, __file__, "--worker", src, str(cache),
                                  str(corpora / size)], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True) for k, src in sides.items()}
    for proc in procs.values():
        assert proc.stdout.readline().strip() == "ready"

    def ask(side: str, query: str, runs: int) -> dict:
        procs[side].stdin.write(json.dumps([query, runs]) + "\n")
        procs[side].stdin.flush()
        return json.loads(procs[side].stdout.readline())

    load = os.getloadavg()[0]
    found: dict[str, dict] = {k: {} for k in sides}
    for kind, queries in QUERIES.items():
        for query in queries:
            for side in sides:
                ask(side, query, 1)
            for _ in range(rounds):
                for side in sides:
                    r = ask(side, query, repeat)
                    entry = found[side].setdefault(query, {"kind": kind, "times": [],
                                                           "total": r["total"],
                                                           "page": r["page"]})
                    entry["times"] += r["times"]
    for proc in procs.values():
        proc.stdin.close()
        proc.wait()
    print(f"[{size}] side by side, load average {load:.1f} -> {os.getloadavg()[0]:.1f}")
    for side in sides:
        times = [t for v in found[side].values() for t in v["times"]]
        print(f"{side} ({sides[side]}): p50 {pct(times, 0.5) * 1000:.1f} ms, "
              f"p95 {pct(times, 0.95) * 1000:.1f} ms")
    print("| query | type | hits | before | after | after ÷ before | same page and total |")
    print("|---|---|---:|---:|---:|---:|:---:|")
    for query, b in found["before"].items():
        a = found["after"][query]
        mb, ma = statistics.median(b["times"]) * 1000, statistics.median(a["times"]) * 1000
        same = b["total"] == a["total"] and b["page"] == a["page"]
        print(f"| `{query}` | {b['kind']} | {b['total']:,} | {mb:.1f} | {ma:.1f} | "
              f"{ma / mb:.2f} | {'yes' if same else '**no**'} |", flush=True)


def report() -> str:
    """The Markdown block for RESULTS.md from the saved JSON files."""
    sizes = []
    for name in ("10k", "100k", "1M"):
        path = WORK / f"search-{name}.json"
        if path.exists():
            sizes.append(json.loads(path.read_text()))
    startup_path = WORK / "search-startup.json"
    startup = json.loads(startup_path.read_text()) if startup_path.exists() else None
    lines = [BEGIN, "## Search", ""]
    m = (sizes[0] if sizes else startup or {}).get("machine", {})
    lines += [f"Machine: {m.get('nproc')} cores ({m.get('cpu')}), Python {m.get('python')}, "
              f"SQLite {m.get('sqlite')}, {m.get('rg')}. The load average is given per run (it "
              "counts the benchmark's own build workers); where it is above the number of "
              "cores, other jobs shared the machine: compare ratios, not absolute times.", ""]
    if sizes:
        lines += ["| corpus | passages | files | cold build | passages/s | build CPU | build peak RSS "
                  "| index size | one changed file | unchanged check | query p50 | query p95 "
                  "| load (build; rest) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in sizes:
            b, o, q = r["build"], r["reindex_one_file"], r["latency_ms"]
            lines.append(
                f"| {r['size']} | {b['passages']:,} | {b['files']:,} | {b['seconds']:.1f} s | "
                f"{b['passages_per_s']:,} | {b.get('cpu_seconds', 0):.0f} s | "
                f"{b['peak_rss_mb']:.0f} MB | {b['index_mb']:.0f} MB | "
                f"{o['seconds']:.2f} s | {o['check_unchanged_s']:.2f} s | {q['p50']:.1f} ms | "
                f"{q['p95']:.1f} ms | {r.get('build_load', r['machine']['load_before']):.1f}; "
                f"{r['machine']['load_before']:.1f}–{r['load_after']:.1f} |")
        lines += ["", "Query latency by query type (in-process, `limit 10`, p50 / p95 ms):", "",
                  "| corpus | " + " | ".join(QUERIES) + " |",
                  "|---|" + "---:|" * len(QUERIES)]
        for r in sizes:
            by = r["latency_ms"]["by_kind"]
            lines.append(f"| {r['size']} | " + " | ".join(
                f"{by[k]['p50']:.1f} / {by[k]['p95']:.1f}" for k in QUERIES) + " |")
        lines += ["", "End to end, `brief search WORD` (index warm) against `rg -i WORD CORPUS`, "
                  "run in turn, medians of wall time and of CPU time (rg uses both cores):", "",
                  "| corpus | word | brief | rg | brief ÷ rg (wall) | brief CPU | rg CPU "
                  "| search peak RSS |",
                  "|---|---|---:|---:|---:|---:|---:|---:|"]
        for r in sizes:
            for word, e in r["e2e"].items():
                rg = f"{e['rg_s']:.3f} s" if e["rg_s"] else "n/a"
                ratio = f"**{e['ratio']:.2f}**" if e["ratio"] else "n/a"
                rg_cpu = f"{e['rg_cpu_s']:.3f} s" if e.get("rg_cpu_s") else "n/a"
                lines.append(f"| {r['size']} | {word} | {e['brief_s']:.3f} s | {rg} | {ratio} | "
                             f"{e.get('brief_cpu_s', 0):.3f} s | {rg_cpu} | "
                             f"{e['peak_rss_mb']:.0f} MB |")
        lines += ["", "Per query: p50 in ms as `brief search` runs it (★: answered from the "
                  "impact lists; the others are ranked by FTS5 over every match), then one run "
                  "of FTS5 alone right after (lists off), and hits; = when both gave the same "
                  "top 10, scores and total:", "",
                  "| query | " + " | ".join(r["size"] for r in sizes) + " |",
                  "|---|" + "---:|" * len(sizes)]
        for q in [q for qs in QUERIES.values() for q in qs]:
            cells = []
            for r in sizes:
                one = r["latency_ms"].get("by_query", {}).get(q)
                if not one:
                    cells.append("")
                    continue
                alone = (f" / {one['fts5_alone_ms']:.1f}{' =' if one.get('same') else ' ≠'}"
                         if "fts5_alone_ms" in one else "")
                cells.append(f"{one['p50']:.1f}{' ★' if one['lists'] else ''}{alone} "
                             f"({one['hits']:,})")
            lines.append(f"| `{q}` | " + " | ".join(cells) + " |")
        lines += issue_table(sizes)
    if startup:
        lines += ["", f"Start-up on the bundled corpus: `brief search pipeline` "
                  f"{startup['brief_s']:.3f} s against a minimal Typer+Rich hello app "
                  f"{startup['hello_s']:.3f} s (medians of {startup['runs']} runs in turn): "
                  f"**{startup['ratio']:.2f}×** in wall time; in CPU time (best of the runs) "
                  f"{startup.get('brief_cpu_s', 0):.3f} s against "
                  f"{startup.get('hello_cpu_s', 0):.3f} s, **{startup.get('cpu_ratio', 0):.2f}×**; "
                  f"peak RSS {startup['peak_rss_mb']:.0f} MB."]
    lines.append("")
    if sizes:
        lines += ["When: " + "; ".join(
            f"{r['size']} measured {r['at']}, build {r.get('build_measured_at', r['at'])}"
            for r in sizes) + ". A build measured by an earlier run and kept with `--reuse` "
            "was made by the code of that run.", ""]
    lines += ["How it was run: `python benchmarks/bench_search.py --corpora CORPORA --size 10k "
              "--size 100k --size 1M --startup --report` (see the script's docstring). The design "
              "(impact lists, freshness, rebuilds), the side-by-side comparison of FTS5, impact "
              "lists and Tantivy, the real speeches and earlier rounds: "
              "`benchmarks/search_notes.md`.", ""]
    lines.append(END)
    return "\n".join(lines)


def issue_table(sizes: list[dict]) -> list[str]:
    """The issue's targets beside what this run measured (ratios from the same run)."""
    by = {r["size"]: r for r in sizes}
    big = by.get("1M") or (sizes[-1] if sizes else None)
    small = by.get("10k") or (sizes[0] if sizes else None)
    if big is None:
        return []
    name = big["size"]
    q = big["latency_ms"]
    load = f"load {big['machine']['load_before']:.1f}–{big['load_after']:.1f}"
    rows = [f"| query p50 / p95 in process at {name} | {q['p50']:.1f} / {q['p95']:.1f} ms "
            f"({load}) | ≤ 20 / ≤ 100 ms |"]
    if small is not None and small is not big:
        rows.append(f"| p50 at {name} ÷ p50 at {small['size']} | "
                    f"{q['p50'] / small['latency_ms']['p50']:.1f}× "
                    f"({q['p50']:.1f} vs {small['latency_ms']['p50']:.1f} ms) | ≤ 3× |")
    ratios = [e["ratio"] for e in big["e2e"].values() if e.get("ratio")]
    if ratios:
        rows.append(f"| end to end `brief search WORD` vs `rg -i WORD` at {name} | "
                    f"{min(ratios):.2f}–{max(ratios):.2f}× | ≤ 1.0× |")
    b = big["build"]
    if b.get("passages_per_s"):
        rows.append(f"| cold index build at {name} | {b['passages_per_s']:,} passages/s "
                    f"(load {big.get('build_load', 0):.1f}) | ≥ 10,000/s |")
    o = big["reindex_one_file"]
    rows.append(f"| one changed file at {name} | {o['seconds']:.2f} s (saved by rename); "
                f"{o['in_place_full_check']['seconds']:.2f} s (in place, full check due) "
                "| ≤ 0.5 s |")
    rss = max(e["peak_rss_mb"] for e in big["e2e"].values()) if big["e2e"] else 0
    rows.append(f"| peak memory of a search at {name} | {rss:.0f} MB | ≤ 200 MB |")
    return ["", "The issue's table, from this run:", "", "| target | measured | goal |",
            "|---|---|---|", *rows]


def write_report() -> None:
    block = report()
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _old, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", action="append", default=[], help="10k, 100k or 1M (repeatable)")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each query (default 5)")
    ap.add_argument("--e2e-runs", type=int, default=5, help="end-to-end runs each (default 5)")
    ap.add_argument("--startup", action="store_true", help="bundled corpus vs hello app")
    ap.add_argument("--startup-runs", type=int, default=15)
    ap.add_argument("--generate", action="store_true", help="generate missing corpora")
    ap.add_argument("--corpora", type=Path, default=CORPORA,
                    help="folder holding the corpora by size (default benchmarks/corpora)")
    ap.add_argument("--report", action="store_true", help="write the RESULTS.md block")
    ap.add_argument("--reuse", action="store_true",
                    help="keep the index and build figures of an earlier run (no cold build)")
    ap.add_argument("--reindex-only", action="store_true",
                    help="with --size: only measure the one-changed-file refresh again")
    ap.add_argument("--work", type=Path, default=None,
                    help="folder for caches and JSON results (default benchmarks/.work)")
    ap.add_argument("--against", type=Path, default=None, metavar="OTHER/src",
                    help="with --size: only the query latency of this checkout and of another "
                         "one's src folder, side by side on the index built earlier")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of --against")
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return query_worker(*args.worker)
    if args.work is not None:
        global WORK
        WORK = args.work.resolve()
    WORK.mkdir(parents=True, exist_ok=True)
    for size in args.size:
        if args.against:
            side_by_side(size, args.corpora, args.against, args.repeat, args.rounds)
        elif args.reindex_only:
            reindex_only(size, args.corpora)
        else:
            bench_size(size, args.repeat, args.e2e_runs, args.generate, args.corpora,
                       args.reuse)
    if args.startup:
        bench_startup(args.startup_runs)
    if args.report:
        write_report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
