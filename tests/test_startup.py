"""Start-up: a command imports its own module and what it needs, nothing else; help and shell
completion still see every command (subprocess tests: imports are per process)."""

from __future__ import annotations

import json
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


def _modules_after(tmp_path, *argv: str) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEF_")}
    env["BRIEF_CACHE_DIR"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True,
                            text=True, env=env, cwd=tmp_path, timeout=120)
    line = [x for x in result.stderr.splitlines() if x.startswith("MODULES ")][-1]
    return set(json.loads(line[len("MODULES "):]))


def test_search_imports_only_what_it_needs(tmp_path):
    _modules_after(tmp_path, "search", "energy")  # builds the index: that reads YAML
    modules = _modules_after(tmp_path, "search", "energy")
    assert "brief_cli.search" in modules  # the probe did run a search
    unwanted = {"yaml", "pydantic", "brief_cli.ingest", "brief_cli.tagging", "brief_cli.yamlio",
                "brief_cli.cli.ingest", "brief_cli.cli.tagging", "brief_cli.cli.browse",
                "brief_cli.cli.overview", "brief_cli.cli.export"}
    loaded = {m for m in modules if m in unwanted or m.split(".")[0] in unwanted
              or any(m.startswith(u + ".") for u in unwanted)}
    assert not loaded, f"'brief search' imported {sorted(loaded)}"


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
