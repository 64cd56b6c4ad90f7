"""Ingest size limits: nothing read without bound, nothing written that the loader rejects,
an --id too long for a file name refused up front."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from brief_cli.ingest import batch

from helpers import dedent

ARTICLE = dedent("""
    Grid Upgrades Cut Outages In Half
    By Jane Doe | Example Review | 2024-07-05

    Grid operators in the north say the new transmission line has cut outages by half since it
    opened last spring.

    Storage remains the weak point, however, because the winter evenings are long and demand
    peaks after sunset.
""")


def brief(*args: str, stdin=None, timeout: float = 60) -> subprocess.CompletedProcess:
    """The command in a child process, so that a read without end fails the test (timeout)
    instead of hanging the suite."""
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "brief_cli", *args], stdin=stdin,
                          capture_output=True, text=True, timeout=timeout, env=env)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_that_never_ends_is_read_only_up_to_the_limit(tmp_path):
    result = brief("ingest", "/dev/zero", "--out", str(tmp_path / "out"), "--no-tag")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "above the 20,971,520-byte limit" in result.stdout + result.stderr
    assert list((tmp_path / "out").glob("*")) == []


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_stdin_that_never_ends_is_read_only_up_to_the_limit(tmp_path):
    with open("/dev/zero", "rb") as zero:
        result = brief("ingest", "-", "--out", str(tmp_path / "out"), "--no-tag", stdin=zero)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    assert "input is above the 20,971,520-byte limit" in result.stdout + result.stderr
    assert list((tmp_path / "out").glob("*")) == []


def test_an_article_file_above_the_corpus_limit_is_never_written(run, tmp_path, monkeypatch):
    source = tmp_path / "long.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    monkeypatch.setattr(batch, "MAX_FILE_BYTES", 300)  # the loader's limit, made small
    out = tmp_path / "out"
    result = run("ingest", source, "--out", out, "--no-tag")
    assert result.exit_code == 2
    assert "above the 300-byte limit of a corpus file" in result.stdout
    assert list(out.iterdir()) == []


def test_a_too_long_id_is_refused_up_front(run, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    result = run("ingest", source, "--out", tmp_path / "out", "--id", "a" * 300)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --id is 300 characters long, above the limit of 120")
    assert "unexpected" not in result.stderr
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
