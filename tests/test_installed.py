"""The installed ``brief`` command, run as a user runs it (a separate process, real terminal rules)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def brief_command() -> list[str]:
    beside = Path(sys.executable).with_name("brief")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("brief")
    return [found] if found else [sys.executable, "-m", "brief_cli"]


def brief(*args: str, env: dict | None = None, cwd: Path | None = None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEF_")}
    full_env.update(env or {})
    return subprocess.run([*brief_command(), *map(str, args)], capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=120)


def test_installed_command_lists_the_bundled_corpus(tmp_path):
    result = brief("articles", "--format", "json", env={"BRIEF_CACHE_DIR": str(tmp_path)},
                   cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [a["id"] for a in json.loads(result.stdout)] == ["kazakhstan-bri-partner"]


def test_module_entry_point(tmp_path):
    result = subprocess.run([sys.executable, "-m", "brief_cli", "--version"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith("brief ")


def test_error_is_one_line_without_traceback(tmp_path):
    result = brief("show", "no-such-article", env={"BRIEF_CACHE_DIR": str(tmp_path)})
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: unknown article 'no-such-article'")
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(tmp_path):
    result = brief("show", "no-such-article",
                   env={"BRIEF_DEBUG": "1", "BRIEF_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_piped_output_is_plain(tmp_path):
    result = brief("show", "kazakhstan-bri-partner#p04", env={"BRIEF_CACHE_DIR": str(tmp_path)})
    assert result.returncode == 0
    assert "\x1b[" not in result.stdout
    assert "╭" not in result.stdout


def test_closed_pipe_is_quiet(tmp_path):
    cmd = " ".join(f"'{part}'" for part in brief_command())
    result = subprocess.run(f"{cmd} show kazakhstan-bri-partner | head -1", shell=True,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout == "Kazakhstan a mutually beneficial BRI partner\n"
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(os.name != "posix", reason="permissions")
def test_read_only_corpus_is_never_written(tmp_path):
    from helpers import write_corpus

    root = write_corpus(tmp_path / "ro")
    before = {p: p.stat().st_mtime_ns for p in root.iterdir()}
    root.chmod(0o555)
    try:
        for args in (["validate"], ["articles"], ["show", "tourism-note"]):
            result = brief(*args, "--corpus", root, env={"BRIEF_CACHE_DIR": str(tmp_path / "c")})
            assert result.returncode == 0, result.stderr
    finally:
        root.chmod(0o755)
    assert {p: p.stat().st_mtime_ns for p in root.iterdir()} == before
