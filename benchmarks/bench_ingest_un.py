"""Ingest quality and speed on the UN General Debate corpus, with its speakers table.

Checks the targets of a real batch ingest: every speech gets the speaker as author, the country
in the title and the session year as date; no procedural line of the record ("(spoke in
French)", "The President returned to the Chair.") is left as a passage; at least 99% of the
words of each speech are kept (the rest is listed as dropped, with a reason). Then measures
paragraph recovery on hard-wrapped text without blank lines: the blank lines of speeches that
have them are removed, and the breaks found again are counted (recall) and checked (precision).

Usage: python benchmarks/bench_ingest_un.py CORPUS_DIR [--limit N] [--jobs N] [--write]
(CORPUS_DIR holds the session folders and speakers.csv.)

Speed alone, as a user meets it: ``--speed`` runs the ``brief ingest`` command of the README
(the installed ``brief`` beside this Python, default workers: one per CPU) on the whole corpus
into a scratch folder, ``--rounds`` times, and reports the wall-clock rate (target: 2,000
passages per second). ``--against SRC`` (a ``src`` folder of another checkout, e.g. the previous
main) runs that code's command in turn with this one, round by round, and gives the ratios
(the written files are compared too: they must be identical). On a quiet machine::

    python -m compileall -q src
    python benchmarks/bench_ingest_un.py ../shared/corpora/ungd --speed --rounds 3
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from brief_cli import ingest as core  # noqa: E402
from brief_cli.config import bundled_taxonomy_path  # noqa: E402
from brief_cli.decode import decode_bytes  # noqa: E402
from brief_cli.ingest import paragraphs as para  # noqa: E402
from brief_cli.taxonomy import load_taxonomy  # noqa: E402

BEGIN, END = "<!-- BEGIN ingest-un -->", "<!-- END ingest-un -->"
PROCEDURAL = re.compile(r"\((?:spoke|continued) in [A-Z][a-z]+|^The (?:Acting )?President:|"
                        r"returned to the Chair|took the Chair|^Address by")
WORD = re.compile(r"[^\W\d_]+")


def machine() -> str:
    from machine import describe

    sys.path.insert(0, str(HERE))
    return describe()


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the ingest workers)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def ingest(corpus: Path, limit: int | None, tag: bool, jobs: int = 1) -> dict:
    taxonomy = load_taxonomy(bundled_taxonomy_path())
    sources = core.collect_inputs([str(corpus)], "*.txt")[:limit]
    table = core.open_table(corpus / "speakers.csv", "{ISO Code}_{Session}_{Year}", [
        "title={Country} at the UN General Debate, {Year}", "author=Name of Person Speaking",
        "date=Year"])
    options = core.Options(source="UN General Debate", id_format="{file}", batch=True, tag=tag,
                           jobs=jobs)
    with tempfile.TemporaryDirectory(prefix="brief-bench-un-") as scratch:
        tagger = core.load_tagger(taxonomy) if tag else None
        ingester = core.Ingester(Path(scratch), taxonomy, options, tagger, meta=table)
        workers = ingester.jobs_for(sources)
        wall, cpu = time.perf_counter(), cpu_seconds()
        outcomes = ingester.run(sources)  # the workers are stopped (and counted) on return
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    return {"sources": sources, "outcomes": outcomes, "wall": wall, "cpu": cpu, "table": table,
            "workers": workers}


def quality(run: dict) -> dict:
    done = [o for o in run["outcomes"] if o.status == "ingested"]
    with_author = sum(1 for o in done if o.prepared.article.authors)
    with_title = sum(1 for o in done if " at the UN General Debate, " in o.prepared.article.title)
    dated = 0
    procedural = []
    kept_shares = []
    for o in done:
        article = o.prepared.article
        year = Path(o.input).stem.rsplit("_", 1)[-1]
        dated += article.published.isoformat() == f"{year}-01-01"
        procedural += [p.text[:80] for p in article.passages if PROCEDURAL.search(p.text)]
        text = decode_bytes(Path(o.input).read_bytes()).text
        total = len(WORD.findall(text))
        dropped = sum(len(WORD.findall(d.text)) for d in o.prepared.draft.dropped
                      if d.reason != "page number or header")
        artefacts = sum(len(WORD.findall(d.text)) for d in o.prepared.draft.dropped
                        if d.reason == "page number or header")
        body = total - artefacts
        kept_shares.append((body - dropped) / body if body else 1.0)
    return {"done": len(done), "with_author": with_author, "with_title": with_title,
            "dated": dated, "procedural": procedural, "kept": kept_shares}


def paragraph_recovery(sources, module=None) -> dict:
    """Blank lines removed from hard-wrapped speeches that mark their paragraphs with them;
    the breaks found again (recall) and the breaks made that are real (precision).

    The reference: a speech whose blank lines mark paragraphs, not pages. Its blocks are
    paragraph-sized (they average at most 20 lines: in this corpus the blocks of such speeches
    average 6 to 16 lines, those of speeches with a blank line per page 29 or more, nothing
    between), at least 90% of them end a sentence, and no line is indented (where lines are
    indented, the indent marks the paragraphs). A blank line that cuts a sentence is a page
    break there and counts as no paragraph break.
    """
    from brief_cli.ingest.sentence_ends import ends_sentence

    module = module or para
    files = found = right = truth = 0
    for source in sources:
        text = core.normalise(decode_bytes(source.path.read_bytes()).text)
        blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
        widths = sorted(len(line) for b in blocks for line in b.split("\n") if line.strip())
        if (len(blocks) < 3 or len(widths) < 3 * len(blocks)
                or widths[len(widths) // 2] > 100):
            continue  # not hard-wrapped with blank lines between blocks
        if any(line.startswith(" ") for b in blocks for line in b.split("\n")[1:]):
            continue  # paragraphs marked by indentation
        if (len(widths) / len(blocks) > 20
                or sum(ends_sentence(b.strip()) for b in blocks[:-1]) < 0.9 * (len(blocks) - 1)):
            continue  # blank lines between pages, not paragraphs
        files += 1
        ends = set()  # the last line of each paragraph, as the speech marks it
        lines: list[str] = []
        for block in blocks:
            block_lines = [line for line in block.split("\n") if line.strip()]
            lines += block_lines
            if ends_sentence(block_lines[-1].strip()):
                ends.add(len(lines) - 1)
        classified = module._classify_lines(lines, [])
        runs = module._runs(classified)
        layout = module._layout(runs)
        index = {id(line): i for i, line in enumerate(classified)}
        for run in runs:
            for prev, line in zip(run, run[1:]):
                truth += index[id(prev)] in ends
                if module._breaks_before(prev, line, layout):
                    found += 1
                    right += index[id(prev)] in ends
    return {"files": files, "truth": truth, "found": found, "right": right}


def report(tagged: dict, untagged: dict, parallel: dict, q: dict, rec: dict, load: str,
           load_end: str) -> str:
    n = len(tagged["sources"])
    failed = [o for o in tagged["outcomes"] if o.status == "failed"]
    passages = sum(o.passages for o in tagged["outcomes"] if o.status == "ingested")
    kept = sorted(q["kept"])
    table = tagged["table"]
    lines = [
        "## Ingest: the UN General Debate speeches with their speakers table",
        "",
        f"Machine: {machine()}; load average {load} at the start, {load_end} at the end "
        "(other jobs shared the machine: CPU time is the steadier measure; the passes ran one "
        "after the other in one run).",
        f"Command equivalent: `brief ingest CORPUS --glob '*.txt' --meta CORPUS/speakers.csv "
        "--meta-key '{ISO Code}_{Session}_{Year}' --meta-map 'title={Country} at the UN General "
        "Debate, {Year}' --meta-map 'author=Name of Person Speaking' --meta-map date=Year "
        "--source 'UN General Debate' --id-format '{file}'`.",
        "",
        "| measure | result |",
        "| --- | ---: |",
        f"| speeches | {n:,} |",
        f"| ingested / failed | {q['done']:,} / {len(failed)} |",
        f"| speaker as author | {q['with_author']:,} |",
        f"| country in the title | {q['with_title']:,} |",
        f"| session year as date | {q['dated']:,} |",
        f"| speakers-table rows matched / files without a row | {len(table.used):,} / "
        f"{len(table.missing)} |",
        f"| passages holding a procedural line | {len(q['procedural'])} |",
        f"| body words kept, lowest speech | {kept[0]:.2%} |" if kept else "",
        f"| body words kept, median speech | {kept[len(kept) // 2]:.2%} |" if kept else "",
        f"| speeches keeping ≥ 99% of their body words | "
        f"{sum(1 for k in kept if k >= 0.99):,} of {len(kept):,} |",
        f"| passages | {passages:,} |",
        f"| tagged, one process: CPU s / passages per CPU s (wall s) | {tagged['cpu']:.1f} / "
        f"**{passages / tagged['cpu']:,.0f}** ({tagged['wall']:.1f}) |",
        f"| tagged, {parallel['workers']} worker processes: wall s / passages per wall s "
        f"(CPU s, all processes) | {parallel['wall']:.1f} / "
        f"**{passages / parallel['wall']:,.0f}** ({parallel['cpu']:.1f}) |",
        f"| tagged, one process: wall s / passages per wall s, side by side | "
        f"{tagged['wall']:.1f} / {passages / tagged['wall']:,.0f} |",
        f"| untagged, one process: CPU s / passages per CPU s | {untagged['cpu']:.1f} / "
        f"**{passages / untagged['cpu']:,.0f}** |",
        f"| tagger's share of the tagged CPU time | "
        f"{(tagged['cpu'] - untagged['cpu']) / tagged['cpu']:.0%} |",
        "",
        "Failed inputs: " + ("; ".join(f"{Path(o.input).name}: {o.reason}" for o in failed)
                             or "none") + ".",
        "",
        "Paragraph recovery without blank lines: in the "
        f"{rec['files']:,} hard-wrapped speeches whose blank lines mark paragraphs (blocks of "
        "at most 20 lines on average, at least 90% of them ending a sentence, no indented "
        "line), the blank lines were removed and the text parsed again. Of "
        f"{rec['truth']:,} paragraph breaks, {rec['right']:,} were found again (recall "
        f"{rec['right'] / max(rec['truth'], 1):.1%}); {rec['found']:,} breaks were made in all "
        f"(precision {rec['right'] / max(rec['found'], 1):.1%}). The clues: a line that ends a "
        "sentence with room to spare for the next word, measured by the width of its letters "
        "when the text was typeset (or in characters when that gives the straighter right "
        "edge), an indented line, a paragraph opener ('Finally,', 'Allow me').",
        "",
        "Words not kept are listed by `--dry-run` with their reason (procedural lines, headings, "
        "page headers); PDF page headers and numbers ('A/69/PV.6', '14-54321') are not counted as "
        "body words.",
    ]
    return "\n".join(line for line in lines if line is not None)




def ingest_command(corpus: Path, out: Path) -> list[str]:
    """The README's command for the UN speeches, writing to ``out``."""
    exe = Path(sys.executable).with_name("brief")
    brief = [str(exe)] if exe.exists() else [sys.executable, "-m", "brief_cli"]
    return brief + [
        "ingest", str(corpus), "--glob", "*.txt", "--out", str(out),
        "--meta", str(corpus / "speakers.csv"), "--meta-key", "{ISO Code}_{Session}_{Year}",
        "--meta-map", "title={Country} at the UN General Debate, {Year}",
        "--meta-map", "author=Name of Person Speaking", "--meta-map", "date=Year",
        "--source", "UN General Debate", "--id-format", "{file}"]


def timed_command(corpus: Path, out: Path, src: Path | None) -> dict:
    """One run of the command: wall and CPU seconds (all its processes), passages written."""
    import os
    import resource
    import shutil
    import subprocess

    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    done = subprocess.run(ingest_command(corpus, out), env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 2):  # 2: the three speeches without a row (see above)
        raise SystemExit(f"ingest failed: {done.stderr[-500:]}")
    # a passage opens with '- id: pNN' at the start of a line (texts are indented)
    passages = sum(p.read_text(encoding="utf-8").count("\n- id: p") for p in out.glob("*.yaml"))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "passages": passages, "load": os.getloadavg()[0]}


def speed(corpus: Path, rounds: int, against: Path | None) -> int:
    import filecmp
    import os

    scratch = Path(tempfile.mkdtemp(prefix="brief-bench-un-speed-"))
    runs: dict[str, list[dict]] = {"this": [], "against": []}
    try:
        for r in range(rounds):
            for name, src in (("against", against), ("this", None)):
                if name == "against" and against is None:
                    continue
                run = timed_command(corpus, scratch / name, src)
                runs[name].append(run)
                print(f"round {r + 1} {name:8}: {run['passages']:,} passages in "
                      f"{run['wall']:.1f} s wall ({run['passages'] / run['wall']:,.0f}/s), "
                      f"{run['cpu']:.1f} s CPU ({run['passages'] / run['cpu']:,.0f}/CPU s), "
                      f"load {run['load']:.1f}", flush=True)
        if against is not None:
            a, b = scratch / "this", scratch / "against"
            names = sorted(p.name for p in a.glob("*.yaml"))
            same = names == sorted(p.name for p in b.glob("*.yaml")) and all(
                filecmp.cmp(a / n, b / n, shallow=False) for n in names)
            print(f"written files identical: {same} ({len(names):,} files)")
            for key in ("wall", "cpu"):
                ratios = [t[key] / o[key] for t, o in zip(runs["this"], runs["against"])]
                print(f"{key} time, this / against, per round: "
                      + ", ".join(f"{x:.2f}" for x in ratios))
            if not same:
                return 1
    finally:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def main() -> int:
    import os

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--jobs", type=int, default=0,
                        help="worker processes for the parallel pass (0: one per CPU)")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument("--speed", action="store_true",
                        help="time the README's ingest command alone (see above)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", type=Path, default=None,
                        help="with --speed: a src folder of other code, run in turn with this")
    args = parser.parse_args()
    if args.speed:
        return speed(args.corpus.resolve(), args.rounds,
                     args.against.resolve() if args.against else None)
    load = f"{os.getloadavg()[0]:.1f}"
    from brief_cli.ingest.words import dictionary

    dictionary()  # loaded once, outside the timing (as by the first speech)
    untagged = ingest(args.corpus, args.limit, tag=False)
    tagged = ingest(args.corpus, args.limit, tag=True)
    parallel = ingest(args.corpus, args.limit, tag=True, jobs=args.jobs)
    load_end = f"{os.getloadavg()[0]:.1f}"
    same = ([(o.input, o.status, o.article_id, o.passages) for o in tagged["outcomes"]]
            == [(o.input, o.status, o.article_id, o.passages) for o in parallel["outcomes"]])
    if not same:
        print("error: the workers' outcomes differ from one process's", file=sys.stderr)
        return 1
    q = quality(tagged)
    rec = paragraph_recovery(tagged["sources"])
    block = report(tagged, untagged, parallel, q, rec, load, load_end)
    print(block)
    for line in q["procedural"][:10]:
        print("procedural left:", line, file=sys.stderr)
    if args.write:
        from machine import write_section

        write_section("ingest-un", block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
