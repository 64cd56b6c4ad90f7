"""Start-up: a command imports its own module and what it needs, nothing else; help and shell
completion still see every command (subprocess tests: imports are per process)."""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys

from brief_cli.cli import COMMANDS

PROBE = """
import json, sys
from brief_cli.cli import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def _interpreter_modules(env: dict[str, str], cwd) -> set[str]:
    """What this interpreter imports before any of brief runs: site-packages' .pth files may
    import anything (certifi, which pulls in tempfile, on some machines), and that is not
    brief's start-up."""
    result = subprocess.run([sys.executable, "-c", "import json, sys; "
                             "print(json.dumps(sorted(sys.modules)))"],
                            capture_output=True, text=True, env=env, cwd=cwd, timeout=120)
    return set(json.loads(result.stdout))


def _modules_after(tmp_path, *argv: str) -> set[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("BRIEF_") or k == "BRIEF_FORCE_TERMINAL"}
    env["BRIEF_CACHE_DIR"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True,
                            text=True, env=env, cwd=tmp_path, timeout=120)
    line = [x for x in result.stderr.splitlines() if x.startswith("MODULES ")][-1]
    return set(json.loads(line[len("MODULES "):])) - _interpreter_modules(env, tmp_path)


def test_search_imports_only_what_it_needs(tmp_path):
    building = _modules_after(tmp_path, "search", "energy")  # builds the index: reads YAML
    # a corpus too small for impact lists does not pay for numpy on its first search either
    assert "numpy" not in building and "brief_cli.impact.lists" not in building
    modules = _modules_after(tmp_path, "search", "energy")
    assert "brief_cli.search" in modules  # the probe did run a search
    unwanted = {"yaml", "pydantic", "numpy", "brief_cli.impact.lists",
                "brief_cli.ingest", "brief_cli.tagging", "brief_cli.yamlio",
                "brief_cli.cli.ingest", "brief_cli.cli.tagging", "brief_cli.cli.browse",
                "brief_cli.cli.overview", "brief_cli.cli.export"}
    loaded = {m for m in modules if m in unwanted or m.split(".")[0] in unwanted
              or any(m.startswith(u + ".") for u in unwanted)}
    assert not loaded, f"'brief search' imported {sorted(loaded)}"


def test_a_users_search_finds_the_cache_folder_without_platformdirs(tmp_path):
    """No BRIEF_CACHE_DIR, as for most users: the cache lands in the platform's folder (under
    HOME here), found without importing platformdirs on Linux."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEF_", "XDG_"))}
    env["HOME"] = str(tmp_path / "home")
    for _ in range(2):  # the second run finds the index built by the first
        result = subprocess.run([sys.executable, "-c", PROBE, "search", "energy"],
                                capture_output=True, text=True, env=env, cwd=tmp_path,
                                timeout=120)
    modules = set(json.loads([x for x in result.stderr.splitlines()
                              if x.startswith("MODULES ")][-1][len("MODULES "):]))
    modules -= _interpreter_modules(env, tmp_path)
    assert "brief_cli.search" in modules
    assert (tmp_path / "home" / ".cache" / "brief").is_dir()
    if sys.platform == "linux":
        assert not {m for m in modules if m.split(".")[0] in ("platformdirs", "tempfile")}


def test_help_lists_every_registered_command(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEF_")}
    env["COLUMNS"] = "120"
    result = subprocess.run([sys.executable, "-m", "brief_cli", "--help"], capture_output=True,
                            text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    listed = {line.split()[1] for line in result.stdout.splitlines()
              if line.startswith("│ ") and len(line.split()) > 2}
    assert set(COMMANDS) <= listed, set(COMMANDS) - listed


def _complete(tmp_path, words: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEF_")}
    env.update(_BRIEF_COMPLETE="complete_bash", COMP_WORDS=words,
               COMP_CWORD=str(len(words.split()) - 1), BRIEF_CACHE_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", "from brief_cli.cli import main; main()"],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    return result.stdout.split()


def test_completion_of_command_names_and_of_a_lazy_command_options(tmp_path):
    assert "search" in _complete(tmp_path, "brief sea")
    assert "--sort" in _complete(tmp_path, "brief sectors --so")
    assert "opportunities" in _complete(tmp_path, "brief sectors --sort opp")


def test_plain_search_starts_without_the_cli_framework(tmp_path):
    """`brief search WORDS` takes the lean path: no Typer, no Click (their start-up costs as
    much as the search); help still comes from the full application."""
    _modules_after(tmp_path, "search", "energy")
    modules = _modules_after(tmp_path, "search", "energy", "-n", "3", "--format", "json")
    assert "brief_cli.search" in modules
    framework = {m for m in modules if m.split(".")[0] in ("typer", "click", "difflib")
                 or m in ("rich.table", "rich.markdown", "rich.syntax", "rich.progress")}
    assert not framework, sorted(framework)
    assert "typer" in _modules_after(tmp_path, "search", "--help")
    assert "typer" in _modules_after(tmp_path, "search", "energy", "-coal")  # -word: full parser


def test_terminal_search_builds_no_taxonomy_model_or_table(tmp_path, monkeypatch):
    """A search with no filter needs neither the taxonomy nor the corpus model (their frozen
    dataclasses cost start-up time to create); a filter loads them, from the index."""
    monkeypatch.setenv("BRIEF_FORCE_TERMINAL", "1")  # the terminal path, as a user sees it
    _modules_after(tmp_path, "search", "energy")
    modules = _modules_after(tmp_path, "search", "energy")
    assert "brief_cli.search" in modules
    assert not {"brief_cli.taxonomy", "brief_cli.model"} & modules, sorted(modules)
    # nor Rich's table (hits as blocks), nor what only --count and listings need
    assert not {"rich.table", "brief_cli.search_counts", "brief_cli.render.columns",
                "brief_cli.problem", "brief_cli.index.stats"} & modules
    counted = _modules_after(tmp_path, "search", "energy", "--count")
    assert {"brief_cli.search_counts", "brief_cli.render.columns"} <= counted
    filtered = _modules_after(tmp_path, "search", "energy", "--sector", "energy")
    assert "brief_cli.taxonomy" in filtered


PARITY = [
    ["search", "energy"],
    ["search", "energy", "-n", "2", "--offset", "1"],
    ["search", "energy", "--limit=2", "-f", "JSON"],
    ["search", "energy", "-f", "csv", "--raw-csv"],
    ["search", "solar", "wind", "--sector", "clean-energy", "-k", "opportunity"],
    ["search", "pipeline", "--full", "-C", "1"],
    ["search", "energy", "--count"],
    ["search", "energy", "--since", "2030"],
    ["search", "energy", "--since", "someday"],
    ["search", "energy", "--sector", "enrgy"],
    ["search", "zzzzqqq"],
    ["search", "energy", "--corpus", "no-such-folder"],
    ["search", "energy", "--limit", "x"],
    ["search", "energy", "-n"],
    ["search", "energy", "--format", "yaml"],
    ["search", "energy", "-e", "--exact", "--strict", "-n", "1"],
]


def _run_path(tmp_path, lean: bool, argv: list[str], terminal: bool):
    code = ("import sys; from brief_cli.cli.fast import main; main()" if lean else
            "import sys; from brief_cli.cli.app import main; main()")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEF_")}
    env.update(BRIEF_CACHE_DIR=str(tmp_path), COLUMNS="100", BRIEF_PAGER="")
    if terminal:
        env["BRIEF_FORCE_TERMINAL"] = "1"
    result = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True,
                            text=True, env=env, cwd=tmp_path, timeout=120)
    timing = re.compile(r"\d+ ms")
    return result.returncode, result.stdout, timing.sub("N ms", result.stderr)


def _run_in_process(lean: bool, argv: list[str], terminal: bool):
    """``_run_path`` in this process (what ``fast.main`` and ``app.main`` do, with their
    output captured): the same comparison without two interpreter start-ups per case."""
    from click.testing import CliRunner

    from brief_cli.cli import fast
    from brief_cli.cli.runtime import prepare_streams
    from brief_cli.render import common, formats
    from helpers import Runner

    env = {"COLUMNS": "100", "BRIEF_PAGER": "", "BRIEF_FORCE_TERMINAL": "1" if terminal else None}
    with CliRunner().isolation(env=env) as (out, err, _both):
        common.reset_consoles()
        formats.set_raw_csv(False)  # as a new process starts
        try:
            code = fast.run(argv) if lean else None
            if code is None:
                prepare_streams()
                Runner.command().main(args=argv, prog_name="brief")
        except SystemExit as exc:
            code = exc.code
        finally:
            common.reset_consoles()
        sys.stdout.flush()
        sys.stderr.flush()
        stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    return code, stdout, re.sub(r"\d+ ms", "N ms", stderr)


def test_lean_and_full_paths_print_the_same(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _run_in_process(False, ["index"], False)
    for n, argv in enumerate(PARITY):
        terminal = n % 2 == 1
        lean = _run_in_process(True, argv, terminal)
        full = _run_in_process(False, argv, terminal)
        assert lean == full, (argv, lean, full)


def test_lean_and_full_processes_print_the_same(tmp_path, monkeypatch):
    """The comparison above, as the installed command runs (a fresh process each), for a few
    cases (piped and on a terminal, an option of its own, an error); the in-process run above
    prints what the processes print."""
    monkeypatch.chdir(tmp_path)
    _run_path(tmp_path, False, ["index"], False)
    _run_in_process(False, ["index"], False)
    for n in (1, 3, 9):
        argv, terminal = PARITY[n], n % 2 == 1
        lean = _run_path(tmp_path, True, argv, terminal)
        full = _run_path(tmp_path, False, argv, terminal)
        assert lean == full, (argv, lean, full)
        assert _run_in_process(True, argv, terminal) == lean, argv


def test_lean_parser_knows_exactly_the_search_options():
    import click
    from typer.main import get_command

    from brief_cli.cli import app
    from brief_cli.cli.fast import OPTIONS

    command = get_command(app).get_command(click.Context(get_command(app)), "search")
    declared = {o for p in command.params if isinstance(p, click.Option)
                for o in p.opts + p.secondary_opts} - {"--help", "-h"}
    assert set(OPTIONS) == declared
