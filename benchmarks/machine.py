"""What machine a benchmark ran on, said the same way by every benchmark script, and where its
results go (a named block of benchmarks/RESULTS.md)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name (Linux), else what the platform module knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def describe() -> str:
    """'2 cores, <CPU>, Python 3.11.7'."""
    return f"{os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}"


RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(name: str, block: str, results: Path = RESULTS) -> None:
    """Put ``block`` between the ``<!-- BEGIN name -->`` and ``<!-- END name -->`` markers of the
    results file, replacing what was there, or append it as a new section."""
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    section = f"{begin}\n{block}\n{end}"
    if begin in text and end in text:
        text = text[:text.index(begin)] + section + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(text, encoding="utf-8")
