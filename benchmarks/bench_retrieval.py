#!/usr/bin/env python3
"""Top-k retrieval, side by side on one corpus: FTS5 as brief runs it, FTS5 with per-term
impact lists, and Tantivy (block-max WAND) through its Python bindings.

Usage::

    python benchmarks/bench_retrieval.py --corpus CORPUS --cache CACHE_DIR --work WORK_DIR

CORPUS must already be indexed by brief with ``BRIEF_CACHE_DIR=CACHE_DIR`` (bench_search.py
does that). The Tantivy index and the impact lists are built from brief's index (not from the
YAML), into WORK_DIR. Each engine runs the 21 queries of bench_search.py (one warm-up, then
REPEAT runs each, in turn: brief, impact, tantivy), with ``limit 10`` and an exact total. The
ranking of each is compared with brief's: the share of brief's top 10 found in the engine's top
10, averaged over the queries. Typo corrections are brief's (the engine searches the corrected
word), so every engine ranks the same words.

Needs ``pip install tantivy`` (not a dependency of brief).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_search import QUERIES, pct  # noqa: E402

IMPACT_K = 100  # passages kept per term in the impact lists
IMPACT_MIN_DF = 1000  # terms in fewer passages are searched by FTS5 directly (cheap)


def brief_index(corpus: Path):
    from brief_cli.config import bundled_taxonomy_path
    from brief_cli.index import open_index
    from brief_cli.taxonomy import load_taxonomy

    taxonomy = load_taxonomy(bundled_taxonomy_path())
    ix = open_index(corpus, taxonomy.path, lambda: taxonomy)
    return ix, ix.taxonomy() or taxonomy


# Tantivy ------------------------------------------------------------------------------------

def tantivy_build(ix, work: Path):
    import tantivy

    path = work / "tantivy"
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("rowid", stored=True, fast=True)
    sb.add_text_field("text", stored=False, tokenizer_name="en_stem", index_option="position")
    sb.add_text_field("tags", stored=False, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("day", fast=True, indexed=True)
    schema = sb.build()
    done = path / "done"
    if done.exists():
        return tantivy.Index(schema, path=str(path)), schema, json.loads(done.read_text())
    path.mkdir(parents=True, exist_ok=True)
    for f in path.iterdir():
        f.unlink()
    index = tantivy.Index(schema, path=str(path))
    writer = index.writer(heap_size=200_000_000, num_threads=max(1, len(os.sched_getaffinity(0))))
    t0 = time.perf_counter()
    n = 0
    rows = ix.con.execute(
        "SELECT p.rowid, f.text, p.kind, p.sectors, p.actors, a.published FROM passages p "
        "JOIN fts f ON f.rowid = p.rowid JOIN articles a ON a.rowid = p.article ORDER BY p.rowid")
    for rowid, text, kind, sectors, actors, published in rows:
        tags = [f"k{kind}"] + [f"s{s}" for s in sectors.split()] + [f"a{a}" for a in actors.split()]
        writer.add_document(tantivy.Document(
            rowid=rowid, text=text, tags=tags, day=int(published.replace("-", ""))))
        n += 1
    writer.commit()
    writer.wait_merging_threads()
    info = {"seconds": round(time.perf_counter() - t0, 1), "passages": n,
            "bytes": sum(f.stat().st_size for f in path.iterdir())}
    done.write_text(json.dumps(info))
    return tantivy.Index(schema, path=str(path)), schema, info


def tantivy_query(index, schema, q: dict):
    import tantivy

    Occur = tantivy.Occur
    parts = []
    if q["text"]:
        parts.append((Occur.Must, index.parse_query(q["text"], ["text"],
                                                    conjunction_by_default=True,
                                                    allow_regexes=False)))
    for words in q["prefix_words"]:
        # the prefix's corpus words, any of them (BM25 summed), as brief expands a prefix
        if words:
            parts.append((Occur.Must, index.parse_query(" ".join(words), ["text"])))
        else:
            parts.append((Occur.Must, tantivy.Query.empty_query()))
    filters = [tantivy.Query.term_query(schema, "tags", tag) for tag in q["tags"]]
    if q["since"]:
        filters.append(tantivy.Query.range_query(schema, "day", tantivy.FieldType.Integer,
                                                 q["since"], 99991231))
    for f in filters:
        parts.append((Occur.Must, tantivy.Query.const_score_query(f, 0.0)))
    if not parts:
        return tantivy.Query.all_query()
    return tantivy.Query.boolean_query(parts)


# The 21 queries, as each engine takes them ---------------------------------------------------

def translate(ix, result, query: str) -> dict:
    """Words (typos corrected as brief did), phrases, prefixes and filters of a query."""
    words, prefixes, tags, since = [], [], [], None
    corrected = {k: v[0] for k, v in result.corrections.items() if v}
    rest = query
    phrase = None
    if query.startswith('"'):
        phrase = query.strip('"')
        rest = ""
    for token in rest.split():
        if ":" in token:
            key, value = token.split(":", 1)
            if key == "kind":
                tags.append(f"k{value}")
            elif key == "sector":
                tags.append(f"s{value}")
            elif key == "since":
                since = int(value) * 10000 + 101
            continue
        if token.endswith("*"):
            prefixes.append(token[:-1].lower())
            continue
        words.append(corrected.get(token, token))
    text = f'"{phrase}"' if phrase else " ".join(words)
    prefix_words = [[r[0] for r in ix.con.execute(
        "SELECT word FROM words WHERE word >= ? AND word <= ? ORDER BY n DESC LIMIT 2000",
        (p, p + "\U0010ffff"))] for p in prefixes]
    return {"text": text, "prefix": prefixes, "prefix_words": prefix_words, "tags": tags,
            "since": since}


# Impact lists (FTS5) -------------------------------------------------------------------------

def impact_build(ix, terms: list[str]) -> dict:
    """Per stem, its IMPACT_K best passages by BM25 (stored in a side table of the index)."""
    con = ix.con
    con.execute("CREATE TEMP TABLE IF NOT EXISTS impact(term TEXT, pos INT, rowid INT, "
                "score REAL, PRIMARY KEY(term, pos))")
    t0 = time.perf_counter()
    built = 0
    for term in terms:
        if con.execute("SELECT 1 FROM impact WHERE term = ?", (term,)).fetchone():
            continue
        rows = con.execute(
            "SELECT rowid, bm25(fts, 1.0, 0.0, 0.5) FROM fts WHERE fts MATCH ? "
            "ORDER BY bm25(fts, 1.0, 0.0, 0.5), rowid LIMIT ?",
            (f'{{text cjk}} : "{term}"', IMPACT_K)).fetchall()
        con.executemany("INSERT INTO impact VALUES (?, ?, ?, ?)",
                        [(term, i, r, -s) for i, (r, s) in enumerate(rows)])
        built += 1
    return {"terms": built, "seconds": round(time.perf_counter() - t0, 2)}


_DF: dict[str, int] = {}


def df(con, term: str) -> int:
    """Passages holding a stem (read once: an impact design stores it beside the list)."""
    if term not in _DF:
        row = con.execute("SELECT doc FROM fts_vocab WHERE term = ? AND col = 'text'",
                          (term,)).fetchone()
        _DF[term] = row[0] if row else 0
    return _DF[term]


def impact_search(ix, stems: list[str], k: int = 10):
    """Top k for an AND of words from the impact lists, with the threshold algorithm's stop:
    an unseen passage scores at most the sum of each list's last score. None: fall back."""
    con = ix.con
    lists = []
    for s in stems:
        rows = con.execute("SELECT rowid, score FROM impact WHERE term = ? ORDER BY pos",
                           (s,)).fetchall()
        if not rows or len(rows) < IMPACT_K:
            return None
        lists.append(rows)
    if len(stems) == 1:  # the list is the answer: BM25 of one word is that word's impact
        return [r for r, _ in lists[0][:k]], df(con, stems[0])
    # Several words: rescore the union of the lists' passages with FTS5, then the threshold
    # algorithm's stop (an unseen passage scores at most the sum of each list's last score).
    candidates = sorted({r for rows in lists for r, _ in rows})
    match = " AND ".join(f'{{text cjk}} : "{s}"' for s in stems)
    scored = con.execute(
        f"SELECT rowid, -bm25(fts, 1.0, 0.0, 0.5) FROM fts WHERE fts MATCH ? AND rowid IN "
        f"({','.join('?' * len(candidates))})", [match] + candidates).fetchall()
    scored.sort(key=lambda r: (-r[1], r[0]))
    bound = sum(rows[-1][1] for rows in lists)
    if len(scored) < k or scored[k - 1][1] < bound:
        return None  # an unseen passage could still rank in the top k
    if len(stems) == 1:
        total = df(con, stems[0])
    else:
        total = con.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (match,)).fetchone()[0]
    return [r for r, _ in scored[:k]], total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    os.environ["BRIEF_CACHE_DIR"] = str(args.cache)
    args.work.mkdir(parents=True, exist_ok=True)
    from brief_cli.filters import Filters
    from brief_cli.search import _porter, search

    ix, tax = brief_index(args.corpus)
    load0 = os.getloadavg()[0]
    tindex, schema, tinfo = tantivy_build(ix, args.work)
    tindex.reload()
    searcher = tindex.searcher()
    queries = [q for qs in QUERIES.values() for q in qs]
    refs = {q: search(ix, q, Filters(), taxonomy=tax, limit=10) for q in queries}
    plans = {q: translate(ix, refs[q], q) for q in queries}
    stems = {q: [_porter(w.lower()) for w in plans[q]["text"].split()]
             if plans[q]["text"] and not plans[q]["text"].startswith('"')
             and not plans[q]["prefix"] and not plans[q]["tags"] and not plans[q]["since"]
             else None for q in queries}
    wanted = sorted({s for v in stems.values() if v for s in v if df(ix.con, s) >= IMPACT_MIN_DF})
    iinfo = impact_build(ix, wanted)
    uid_of = {}

    def uids(rowids):
        out = []
        for r in rowids:
            if r not in uid_of:
                row = ix.con.execute("SELECT a.id || '#' || p.pid FROM passages p JOIN articles a"
                                     " ON a.rowid = p.article WHERE p.rowid = ?", (r,)).fetchone()
                uid_of[r] = row[0]
            out.append(uid_of[r])
        return out

    times = {"fts5": [], "impact": [], "tantivy": []}
    per_query = {}
    for q in queries:
        tq = tantivy_query(tindex, schema, plans[q])

        def run_fts5():
            return search(ix, q, Filters(), taxonomy=tax, limit=10)

        def run_impact():
            s = stems[q]
            if s and all(df(ix.con, x) >= IMPACT_MIN_DF for x in s):
                got = impact_search(ix, s)
                if got is not None:
                    return got, "lists"
            r = search(ix, q, Filters(), taxonomy=tax, limit=10)
            return ([h.rowid for h in r.hits], r.total), "fts5"

        def run_tantivy():
            res = searcher.search(tq, 10, count=True)
            return [searcher.doc(a)["rowid"][0] for _s, a in res.hits], res.count

        for f in (run_fts5, run_impact, run_tantivy):
            f()  # warm-up
        qt = {"fts5": [], "impact": [], "tantivy": []}
        for _ in range(args.repeat):
            for name, f in (("fts5", run_fts5), ("impact", run_impact),
                            ("tantivy", run_tantivy)):
                t0 = time.perf_counter()
                out = f()
                qt[name].append(time.perf_counter() - t0)
                if name == "impact":
                    impact_out, how = out
                elif name == "tantivy":
                    tantivy_out = out
        for name in qt:
            times[name] += qt[name]
        ref = [h.uid for h in refs[q].hits]
        def overlap(got):
            return len(set(ref) & set(got)) / len(ref) if ref else 1.0
        per_query[q] = {
            "hits": refs[q].total,
            "fts5_ms": round(statistics.median(qt["fts5"]) * 1000, 2),
            "impact_ms": round(statistics.median(qt["impact"]) * 1000, 2), "impact_via": how,
            "impact_overlap": overlap(uids(impact_out[0])),
            "impact_total_ok": impact_out[1] == refs[q].total,
            "tantivy_ms": round(statistics.median(qt["tantivy"]) * 1000, 2),
            "tantivy_overlap": overlap(uids(tantivy_out[0])),
            "tantivy_total": tantivy_out[1]}
        print(f"{q!r:45} {per_query[q]}", flush=True)
    summary = {
        name: {"p50_ms": round(pct(v, 0.5) * 1000, 2), "p95_ms": round(pct(v, 0.95) * 1000, 2)}
        for name, v in times.items()}
    for name in ("impact", "tantivy"):
        summary[name]["overlap"] = round(statistics.mean(
            p[f"{name}_overlap"] for p in per_query.values()), 3)
    summary["tantivy"]["build"] = tinfo
    summary["impact"]["build"] = iinfo
    summary["passages"] = ix.stats().passages
    summary["load"] = [load0, os.getloadavg()[0]]
    summary["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    summary["queries"] = per_query
    print(json.dumps({k: v for k, v in summary.items() if k != "queries"}, indent=1))
    if args.out:
        args.out.write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
