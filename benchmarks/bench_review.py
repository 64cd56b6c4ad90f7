#!/usr/bin/env python3
"""How long ``brief review`` takes to show its first passage on a large corpus (warm index).

Measures, in one process (after one warm-up run: modules imported, caches filled, as for a
second ``brief review``), from opening the index to the first screen drawn (Textual's headless
pilot at 80×24): the queue query, the first passage and its neighbours, the layout, composited
once. The tagger's evidence and, with ``--order uncertain``, the ordering of the rest of the
queue run in the background and are not waited for (the screen says "working it out…" and
"ordering by uncertainty n/m" meanwhile). Also measured: a new process to the first screen.

Usage::

    python benchmarks/generate_corpus.py --passages 10k --out SCRATCH/c10k
    brief index --corpus SCRATCH/c10k                      # warm the index
    python benchmarks/bench_review.py --corpus SCRATCH/c10k [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path


FIRST: list[float] = [0.0, 0.0]  # wall-clock time and process CPU at the last first screen


def first_screen_seconds(corpus: Path, order: str) -> tuple[float, float, int]:
    from brief_cli.cli.review import prepare_review
    from brief_cli.filters import Filters

    t0, c0 = time.perf_counter(), time.process_time()
    app = prepare_review([], order, False, Filters(), corpus, None, False)
    shown = {}

    async def main():
        async with app.run_test(size=(80, 24)) as pilot:
            # the first frame: mounting done, the passage's widgets updated and composited (what
            # Pilot.pause does, without its wait for the process's CPU to fall idle, which with
            # --order uncertain means waiting for the background ordering to finish)
            await pilot._wait_for_screen()
            app.screen._on_timer_update()
            shown["t"] = time.perf_counter() - t0
            shown["cpu"] = time.process_time() - c0
            FIRST[:] = [time.time(), time.process_time()]
            content = app.query_one("#text").content
            if not str(getattr(content, "plain", content)).strip():
                raise SystemExit("the first screen did not show a passage")
            app.workers.cancel_all()

    asyncio.run(main())
    return shown["t"], shown["cpu"], len(app.session)


def fresh_process(corpus: Path, order: str) -> tuple[float, float, float]:
    """(wall to the first screen, CPU to the first screen, wall of the whole process) for a new
    Python process, as a person typing ``brief review`` waits for it: interpreter start, imports,
    index check and drawing included. The child reports the moment its first screen is drawn on
    the shared wall clock; the whole process also waits for background threads at exit."""
    import subprocess

    code = ("import sys, time; sys.path.insert(0, %r); import bench_review as b; "
            "b.first_screen_seconds(__import__('pathlib').Path(%r), %r); "
            "print('FIRST', b.FIRST[0], b.FIRST[1])"
            % (str(Path(__file__).resolve().parent), str(corpus), order))
    start = time.time()
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    whole = time.perf_counter() - t0
    _, at, cpu = out.split()[-3:]
    return float(at) - start, float(cpu), whole


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    import os

    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    fresh = [fresh_process(args.corpus, "uncertain") for _ in range(args.runs)]
    print(f"a new process to the first screen (--order uncertain): median "
          f"{statistics.median(w for w, _, _ in fresh):.3f} s wall (min "
          f"{min(w for w, _, _ in fresh):.3f}), {statistics.median(c for _, c, _ in fresh):.3f} s "
          f"CPU, over {args.runs} runs; the whole process, exit included: median "
          f"{statistics.median(t for _, _, t in fresh):.3f} s", flush=True)
    seconds, cpu_seconds, queue = first_screen_seconds(args.corpus, "corpus")
    print(f"first run in this process (imports Textual, loads the tagger): {seconds:.3f} s wall, "
          f"{cpu_seconds:.3f} s CPU")
    for order in ("uncertain", "corpus"):
        times, cpu = [], []
        for _ in range(args.runs):
            seconds, cpu_seconds, queue = first_screen_seconds(args.corpus, order)
            times.append(seconds)
            cpu.append(cpu_seconds)
        print(f"--order {order}: queue of {queue:,} passages; first screen in "
              f"median {statistics.median(times):.3f} s wall (min {min(times):.3f}, "
              f"max {max(times):.3f}), {statistics.median(cpu):.3f} s CPU, "
              f"over {args.runs} runs", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
