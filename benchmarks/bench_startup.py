"""Start-up of `brief search energy` on the bundled corpus against a minimal Typer+Rich hello
app (benchmarks/hello_app.py), run in turn in one run, each with its own interpreter.

    python benchmarks/bench_startup.py                       # this checkout
    python benchmarks/bench_startup.py --label before --python OTHER_VENV/bin/python

Each --python is an interpreter with a `brief` installed; the hello app runs under the same
interpreter, so each ratio compares brief with the same Typer/Rich it was installed with. Prints a
Markdown table row per interpreter and the top imports of `brief search` (python -X importtime).
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


def _cpu(cmd, env) -> tuple[float, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, _status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - t0, usage.ru_utime + usage.ru_stime


def measure(python: str, runs: int, cache: str) -> dict:
    env = dict(os.environ, BRIEF_CACHE_DIR=cache, NO_COLOR="1", BRIEF_PAGER="")
    env.pop("BRIEF_CORPUS", None)
    brief = [python, "-m", "brief_cli", "search", "energy"]
    hello = [python, str(HERE / "hello_app.py")]
    _cpu(brief, env), _cpu(hello, env)  # warm: index built, bytecode written
    wb, cb, wh, ch = [], [], [], []
    for _ in range(runs):
        w, c = _cpu(brief, env)
        wb.append(w), cb.append(c)
        w, c = _cpu(hello, env)
        wh.append(w), ch.append(c)
    return {"brief_wall": statistics.median(wb), "hello_wall": statistics.median(wh),
            "brief_cpu": min(cb), "hello_cpu": min(ch)}


def top_imports(python: str, cache: str, n: int = 8) -> list[tuple[int, str]]:
    env = dict(os.environ, BRIEF_CACHE_DIR=cache, NO_COLOR="1", BRIEF_PAGER="")
    err = subprocess.run([python, "-X", "importtime", "-m", "brief_cli", "search", "energy"],
                         env=env, capture_output=True, text=True).stderr
    rows = []
    for line in err.splitlines():
        if line.startswith("import time:") and "|" in line:
            _self, cumulative, name = line[len("import time:"):].split("|")
            if cumulative.strip().isdigit() and not name.startswith("   "):
                rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:n]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--python", action="append", default=[], help="interpreter (repeatable)")
    ap.add_argument("--label", action="append", default=[], help="label per --python")
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    pythons = args.python or [sys.executable]
    labels = args.label + [Path(p).parent.parent.name for p in pythons[len(args.label):]]
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print("| build | brief search energy (wall, median) | hello app | ratio | CPU brief / hello "
          "(best) | CPU ratio |")
    print("|---|---|---|---|---|---|")
    for label, python in zip(labels, pythons):
        with tempfile.TemporaryDirectory() as cache:
            r = measure(python, args.runs, cache)
            print(f"| {label} | {r['brief_wall']:.3f} s | {r['hello_wall']:.3f} s | "
                  f"{r['brief_wall'] / r['hello_wall']:.2f}× | {r['brief_cpu']:.3f} / "
                  f"{r['hello_cpu']:.3f} s | {r['brief_cpu'] / r['hello_cpu']:.2f}× |", flush=True)
            imports = top_imports(python, cache)
            print(f"\ntop imports ({label}, cumulative µs): " +
                  ", ".join(f"{name} {us:,}" for us, name in imports) + "\n", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
