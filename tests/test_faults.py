"""Faults at known points: a run is stopped at a named checkpoint (``brief_cli.checkpoint``),
the test checks that it got there, kills it or runs others alongside, and checks what is left.

Nothing here depends on timing: each test waits for the checkpoint's marker line, not for a
number of seconds, and asserts the state that proves the fault landed where it was meant to.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from brief_cli import config
from brief_cli.index import index_base, open_index
from brief_cli.taxonomy import load_taxonomy
from helpers import article_yaml

pytestmark = [pytest.mark.skipif(os.name != "posix", reason="signals and fork"),
              pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(config.bundled_taxonomy_path())


def corpus(root: Path, n: int = 40) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / f"a{i:04d}.yaml").write_text(article_yaml(f"a{i:04d}", [
            {"text": f"Zeppelin number {i} flies."}, {"text": "Filler text about ports."}]),
            encoding="utf-8")
    return root


class Stopped:
    """A brief run paused at a checkpoint."""

    def __init__(self, tmp_path: Path, point: str, *args: str, wait: float = 120):
        self.marker = tmp_path / f"reached-{point}"
        self.release = tmp_path / f"release-{point}"
        env = dict(os.environ, BRIEF_CHECKPOINT=point, BRIEF_CHECKPOINT_FILE=str(self.marker),
                   BRIEF_CHECKPOINT_RELEASE=str(self.release),
                   BRIEF_CHECKPOINT_WAIT=str(wait))
        self.proc = subprocess.Popen([sys.executable, "-m", "brief_cli", *args], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while not (self.marker.exists() and self.marker.read_text()):
            if self.proc.poll() is not None:
                out, err = self.proc.communicate()
                raise AssertionError(f"ended before {point}: {err.decode()}")
            assert time.monotonic() < deadline, f"never reached {point}"
            time.sleep(0.01)
        name, pid = self.marker.read_text().split()
        assert name == point and int(pid) == self.proc.pid

    def paused(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def go_on(self):
        self.release.write_text("go")
        out, err = self.proc.communicate(timeout=120)
        return self.proc.returncode, out, err


def zeppelins(root, taxonomy) -> int:
    from brief_cli.filters import Filters
    from brief_cli.search import search

    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        assert not ix.warnings, ix.warnings
        return search(ix, "zeppelin", Filters(), taxonomy=taxonomy, limit=None).total


@pytest.mark.parametrize("point", ["index-write", "index-build", "index-switch"])
def test_a_build_killed_at_a_known_point_leaves_the_next_run_correct(tmp_path, taxonomy,
                                                                     isolated_env, point):
    root = corpus(tmp_path / "c")
    assert zeppelins(root, taxonomy) == 40
    base = index_base(root)
    before = (base.parent / (base.name + ".current")).read_text()
    run = Stopped(tmp_path, point, "index", "--rebuild", "--corpus", str(root))
    # the kill lands mid-build: a new generation exists on disk, the pointer is unchanged
    new_files = [p for p in base.parent.iterdir() if p.name.startswith(base.name)
                 and p.name not in (f"{base.name}.current", f"{base.name}.{before}.db",
                                    f"{base.name}.lock")]
    assert new_files, "nothing of the new build on disk: the kill would not be mid-build"
    assert (base.parent / (base.name + ".current")).read_text() == before
    run.kill()
    assert zeppelins(root, taxonomy) == 40
    with open_index(root, taxonomy.path, lambda: taxonomy, rebuild=True):
        pass
    assert not list(base.parent.glob("*.tmp"))  # the next build cleaned up after the killed one


def test_a_refresh_killed_inside_its_transaction_changes_nothing(tmp_path, taxonomy,
                                                                 isolated_env):
    root = corpus(tmp_path / "c")
    assert zeppelins(root, taxonomy) == 40
    (root / "extra.yaml").write_text(article_yaml("extra", [{"text": "A zeppelin extra."}]),
                                     encoding="utf-8")
    run = Stopped(tmp_path, "index-refresh", "search", "zeppelin", "--corpus", str(root))
    run.kill()
    assert zeppelins(root, taxonomy) == 41  # rolled back, then refreshed by this run


def test_readers_answer_while_a_writer_holds_the_lock(tmp_path, taxonomy, isolated_env):
    root = corpus(tmp_path / "c")
    assert zeppelins(root, taxonomy) == 40
    writer = Stopped(tmp_path, "index-build", "index", "--rebuild", "--corpus", str(root))
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEF_CHECKPOINT")}
    readers = [subprocess.run([sys.executable, "-m", "brief_cli", "search", "zeppelin", "-f",
                               "json", "-n", "1000", "--corpus", str(root)],
                              capture_output=True, env=env, timeout=120) for _ in range(3)]
    assert writer.paused()  # the readers ran while the writer held the lock: they overlapped
    for reader in readers:
        assert reader.returncode == 0, reader.stderr.decode()
        assert len(json.loads(reader.stdout)) == 40
        assert b"warning" not in reader.stderr
    code, _, err = writer.go_on()
    assert code == 0, err.decode()
    assert zeppelins(root, taxonomy) == 40


def test_an_export_killed_mid_write_leaves_no_partial_file(tmp_path, isolated_env):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "notes.md"
    target.write_text("the old notes\n", encoding="utf-8")
    run = Stopped(tmp_path, "write-temp", "export", "energy", "-o", str(target), "--force")
    temps = [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert len(temps) == 1 and temps[0].stat().st_size > 0  # half written, mid-write
    run.kill()
    assert target.read_text(encoding="utf-8") == "the old notes\n"
    # the next write to that folder removes the killed writer's temporary file
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEF_CHECKPOINT")}
    done = subprocess.run([sys.executable, "-m", "brief_cli", "export", "energy", "-o",
                           str(out / "other.md")], capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert sorted(p.name for p in out.iterdir()) == ["notes.md", "other.md"]


def test_a_retag_killed_before_its_write_changes_nothing(tmp_path, isolated_env):
    root = tmp_path / "c"
    root.mkdir()
    path = root / "stale.yaml"
    path.write_text(article_yaml("stale", [{"text": "Kazakhstan sells natural gas to China.",
                                            "kind": "challenge", "reviewed": False}]),
                    encoding="utf-8")
    before = path.read_bytes()
    for point in ("retag-write", "write-temp"):
        run = Stopped(tmp_path, point, "retag", "--corpus", str(root))
        run.kill()
        assert path.read_bytes() == before
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEF_CHECKPOINT")}
    done = subprocess.run([sys.executable, "-m", "brief_cli", "retag", "--corpus", str(root)],
                          capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert path.read_bytes() != before
    assert [p.name for p in root.iterdir()] == ["stale.yaml"]  # no temporary file left


def test_an_ingest_killed_mid_write_leaves_no_article(tmp_path, isolated_env):
    source = tmp_path / "page.txt"
    source.write_text("A Title For The Page\n\nOil and gas pipelines cross the steppe. " * 3,
                      encoding="utf-8")
    out = tmp_path / "corpus"
    out.mkdir()
    run = Stopped(tmp_path, "write-temp", "ingest", str(source), "--out", str(out))
    assert any(p.name.endswith(".tmp") for p in out.iterdir())
    run.kill()
    assert not [p for p in out.iterdir() if p.suffix == ".yaml"]
