"""The lean path of ``brief search``: the most common command, started without Typer or Click.

Building the Typer application (Click, Typer's option machinery, completion support) costs
about as much start-up time as the whole search. When the arguments are plainly a search —
words and the search command's own options, each written out in a form read the same way by
Click — this module parses them itself and runs the same code as the Typer command
(``cli.searching.run_search``), through the same error handling (``cli.runtime``) and pager.
Anything else (``--help``, shell completion, ``-word`` exclusions, a value that needs checking,
an option this parser does not know) returns ``None`` and the full application runs, so help,
completion and every error message stay exactly as they are. Tests run both paths on the
same arguments and compare their output.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

FORMATS = ("table", "json", "jsonl", "csv")

# option -> (parameter name, kind): "flag", "int" (with its upper bound), "list", "str", "path",
# "format". Must match the search command's options in cli/search.py (a test checks this).
OPTIONS: dict[str, tuple[str, str]] = {
    "--sector": ("sector", "list"), "-s": ("sector", "list"),
    "--kind": ("kind", "list"), "-k": ("kind", "list"),
    "--actor": ("actor", "list"), "-a": ("actor", "list"),
    "--article": ("article", "list"),
    "--since": ("since", "str"), "--until": ("until", "str"),
    "--language": ("language", "list"), "--lang": ("language", "list"),
    "--exact": ("exact", "flag"), "-e": ("exact", "flag"),
    "--limit": ("limit", "int"), "-n": ("limit", "int"),
    "--offset": ("offset", "int"),
    "--full": ("full", "flag"),
    "--context": ("context", "int"), "-C": ("context", "int"),
    "--count": ("count", "flag"),
    "--format": ("fmt", "format"), "-f": ("fmt", "format"),
    "--raw-csv": ("raw_csv", "flag"),
    "--corpus": ("corpus", "path"), "--taxonomy": ("taxonomy", "path"),
    "--strict": ("strict", "flag"),
}
INT_MAX = {"limit": 1_000_000_000, "offset": 1_000_000_000, "context": 100_000}


def parse(argv: list[str]) -> dict | None:
    """The search command's arguments from ``argv`` (after ``search``), or None when the full
    parser should read them."""
    values: dict = {"query": []}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if not arg.startswith("-") or arg == "-":
            values["query"].append(arg)
            i += 1
            continue
        name, eq, inline = arg.partition("=")
        spec = OPTIONS.get(name)
        if spec is None or (eq and not name.startswith("--")):
            return None  # -word exclusions, --help, unknown options, -n5 / -n=5: the full path
        key, kind = spec
        if kind == "flag":
            if eq:
                return None
            values[key] = True
            i += 1
            continue
        if eq:
            value = inline
            i += 1
        else:
            if i + 1 >= len(argv):
                return None  # a missing value: the full parser says so
            value = argv[i + 1]
            i += 2
        if kind == "int":
            if not value.isascii() or not value.isdigit() or int(value) > INT_MAX[key]:
                return None
            values[key] = int(value)
        elif kind == "format":
            if value.lower() not in FORMATS:
                return None
            values[key] = value.lower()
        elif kind == "path":
            if not value.strip():
                return None
            values[key] = Path(value)
        elif kind == "list":
            values.setdefault(key, []).append(value)
        else:
            values[key] = value
    return values


def run(argv: list[str]) -> int | None:
    """Run ``brief ARGV`` on the lean path and return its exit code, or None when it is not a
    plain search (the caller then runs the full application)."""
    if len(argv) < 2 or argv[0] != "search" or "_BRIEF_COMPLETE" in os.environ:
        return None
    values = parse(argv[1:])
    if values is None or not values["query"]:
        return None
    from brief_cli.cli.runtime import prepare_streams, run_guarded
    from brief_cli.render.formats import OutputFormat, set_raw_csv

    prepare_streams()
    set_raw_csv(values.pop("raw_csv", False))
    if "fmt" in values:
        values["fmt"] = OutputFormat(values["fmt"])
    query = values.pop("query")

    def work() -> int:
        from brief_cli.cli.searching import run_search
        from brief_cli.render.common import paged

        with paged():
            return run_search(query, **values)

    return run_guarded(work)


def main() -> None:
    """Entry point of the ``brief`` command: the lean path when it applies, else the full one."""
    try:
        code = run(sys.argv[1:])
    except KeyboardInterrupt:
        sys.exit(130)
    if code is None:
        from brief_cli.cli.app import main as full_main

        full_main()
    else:
        sys.exit(code)
