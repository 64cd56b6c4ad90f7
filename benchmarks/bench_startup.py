"""Start-up of `brief search energy` on the bundled corpus against a minimal Typer+Rich hello
app (benchmarks/hello_app.py), run in turn in one run, each with its own interpreter: piped (the
lean path), on a terminal (BRIEF_FORCE_TERMINAL=1: Rich's layout), and through the full Typer
application (what every other command, help and completion use). Each run gets a user's
environment (no BRIEF_* settings), so finding the cache folder costs what it costs a user.

    python benchmarks/bench_startup.py                       # this checkout
    python benchmarks/bench_startup.py --label before --python OTHER_VENV/bin/python

Each --python is an interpreter with a `brief` installed; the hello app runs under the same
interpreter, so each ratio compares brief with the same Typer/Rich it was installed with. Every
build's commands run in the same rounds, in turn, so a change of load falls on all alike. Prints a
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


FULL_PATH = "import sys; from brief_cli.cli.app import main; main()"


def script(python: str) -> str:
    """The installed ``brief`` command beside the interpreter: what a user runs (``python -m
    brief_cli`` would add runpy's import and module search, about 5-10 ms, to every run)."""
    path = Path(python).parent / "brief"
    if not path.is_file():
        raise SystemExit(f"no brief command beside {python}: install the checkout there first")
    return str(path)


def user_env(cache: str) -> dict[str, str]:
    """A user's environment: no BRIEF_* settings, so the cache folder is found the way a user's
    is (the platform's cache folder, here pointed at ``cache`` through XDG_CACHE_HOME)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEF_")}
    env.update(XDG_CACHE_HOME=cache, NO_COLOR="1", BRIEF_PAGER="")
    return env


def measure(pythons: dict[str, str], runs: int, caches: dict[str, str]) -> dict:
    """Each build's variants and its hello app, every build in the same round, ``runs`` rounds
    (so that a change of load falls on all of them alike): {label: {variant: (wall median, CPU
    best)}}."""
    variants = {}
    for label, python in pythons.items():
        env = user_env(caches[label])
        term = dict(env, BRIEF_FORCE_TERMINAL="1", COLUMNS="100")
        variants.update({
            (label, "hello"): ([python, str(HERE / "hello_app.py")], env),
            (label, "brief"): ([python, script(python), "search", "energy"], env),
            (label, "brief (terminal)"): ([python, script(python), "search", "energy"], term),
            (label, "brief (full CLI)"): ([python, "-c", FULL_PATH, "search", "energy"], env),
        })
    for cmd, e in variants.values():
        _cpu(cmd, e)  # warm: index built, bytecode written
    wall = {k: [] for k in variants}
    cpu = {k: [] for k in variants}
    for _ in range(runs):
        for key, (cmd, e) in variants.items():
            w, c = _cpu(cmd, e)
            wall[key].append(w)
            cpu[key].append(c)
    out: dict = {label: {} for label in pythons}
    for (label, name) in variants:
        out[label][name] = (statistics.median(wall[label, name]), min(cpu[label, name]))
    return out


def top_imports(python: str, cache: str, n: int = 8, full: bool = False) -> list[tuple[int, str]]:
    env = user_env(cache)
    how = ["-c", FULL_PATH] if full else [script(python)]
    err = subprocess.run([python, "-X", "importtime", *how, "search", "energy"],
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
    print("| build | command | wall (median) | hello app | ratio | CPU (best) | hello CPU | "
          "CPU ratio |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        caches = {label: str(Path(tmp) / str(i)) for i, label in enumerate(labels)}
        builds = dict(zip(labels, pythons))
        results = measure(builds, args.runs, caches)
        for label, r in results.items():
            hello_wall, hello_cpu = r.pop("hello")
            for name, (wall, cpu) in r.items():
                print(f"| {label} | `{name}` | {wall:.3f} s | {hello_wall:.3f} s | "
                      f"{wall / hello_wall:.2f}× | {cpu:.3f} s | {hello_cpu:.3f} s | "
                      f"{cpu / hello_cpu:.2f}× |", flush=True)
        for label, python in builds.items():
            for full in (False, True):
                imports = top_imports(python, caches[label], full=full)
                print(f"\ntop imports ({label}{', full CLI' if full else ''}, cumulative µs): "
                      + ", ".join(f"{name} {us:,}" for us, name in imports) + "\n", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
