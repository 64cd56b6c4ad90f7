"""brief ingest in worker processes: the same files and outcomes whatever the number of
workers, failures one per input, a dead worker costing nothing but time."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from brief_cli import ingest as core
from brief_cli.config import bundled_taxonomy_path
from brief_cli.ingest import batch
from brief_cli.taxonomy import load_taxonomy

TOPICS = ["solar parks", "wind farms", "rail freight", "port cranes", "data centres",
          "grain silos", "toll roads", "fibre cables", "water pipes", "hydro dams"]


def article(i: int, topic: str, title: str | None = None) -> str:
    title = title or f"Investment in {topic.title()} Grows Across the Region"
    return (f"{title}\n\nBy Jane Doe | Example Review | 2023-03-{i + 1:02d}\n\n"
            f"Officials in the capital said on Monday that spending on {topic} rose by a third "
            f"last year, helped by new loans from regional development banks.\n\n"
            f"Critics warn that the debt taken on for the {topic} could weigh on the budget "
            f"if export earnings fall, and that the terms of the loans were never published.\n\n"
            f"The ministry expects the next phase, number {i}, to open to private bidders in "
            f"the spring, creating jobs for engineers and builders.\n")


@pytest.fixture
def folder(tmp_path) -> Path:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i, topic in enumerate(TOPICS):
        (inputs / f"a{i:02d}.txt").write_text(article(i, topic), encoding="utf-8")
    # The same title with other text: a numbered id; the same text again: skipped.
    (inputs / "b-same-title.txt").write_text(
        article(20, "bus depots", title="Investment in Solar Parks Grows Across the Region"),
        encoding="utf-8")
    (inputs / "c-copy.txt").write_text(article(2, TOPICS[2]), encoding="utf-8")
    (inputs / "d-blob.txt").write_bytes(b"\x00\x01\x02\x03" * 50)
    (inputs / "e-empty.txt").write_text("  \n", encoding="utf-8")
    return inputs


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(bundled_taxonomy_path())


def ingest(folder: Path, out: Path, taxonomy, jobs: int) -> list[tuple]:
    out.mkdir()
    options = core.Options(batch=True, jobs=jobs)
    ingester = core.Ingester(out, taxonomy, options, core.load_tagger(taxonomy))
    sources = core.collect_inputs([str(folder)])
    seen = []
    with ingester.workers(sources) as started:
        assert started == jobs  # workers really run (or none when asked for one)
        outcomes = ingester.run(sources, lambda source: seen.append(source.name))
    assert seen == [s.name for s in sources]  # progress in input order
    return [(Path(o.input).name, o.status, o.article_id, o.passages, o.reason)
            for o in outcomes]


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_workers_write_the_same_files_and_outcomes(folder, tmp_path, taxonomy):
    alone = ingest(folder, tmp_path / "one", taxonomy, jobs=1)
    shared = ingest(folder, tmp_path / "two", taxonomy, jobs=3)
    assert shared == alone
    assert files(tmp_path / "two") == files(tmp_path / "one")
    by_name = {row[0]: row for row in alone}
    assert by_name["b-same-title.txt"][1:3] == ("ingested",
                                               "investment-solar-parks-grows-across-2")
    assert by_name["c-copy.txt"][1] == "skipped"
    assert by_name["d-blob.txt"][1:] == ("failed", None, 0,
                                         "not text: the file holds NUL bytes (binary data)")
    assert by_name["e-empty.txt"][1:] == ("failed", None, 0, "empty file")
    assert sum(row[1] == "ingested" for row in alone) == 11


def test_a_dead_worker_leaves_its_work_to_this_process(folder, tmp_path, taxonomy,
                                                       monkeypatch):
    alone = ingest(folder, tmp_path / "one", taxonomy, jobs=1)

    def dies(source, row):
        os._exit(3)  # as a worker killed by the system would

    monkeypatch.setattr(batch, "_work", dies)  # forked workers see the patched module
    assert ingest(folder, tmp_path / "two", taxonomy, jobs=2) == alone
    assert files(tmp_path / "two") == files(tmp_path / "one")


def test_how_many_workers(tmp_path, taxonomy, monkeypatch):
    monkeypatch.setattr(batch, "available_cpus", lambda: 4)
    sources = [core.InputSource(f"f{i}.txt", tmp_path / f"f{i}.txt") for i in range(20)]
    stdin = core.InputSource("-", None, b"text")

    def jobs(n: int, count: int, extra=()) -> int:
        ingester = core.Ingester(None, taxonomy, core.Options(jobs=n))
        return ingester.jobs_for(sources[:count] + list(extra))

    assert jobs(0, 20) == 4  # as many as the CPUs
    assert jobs(0, 7) == 1  # a small batch is quicker without workers
    assert jobs(0, 0, [stdin] * 9) == 1  # stdin is read here
    assert jobs(2, 3) == 2  # asked for
    assert jobs(8, 3) == 3  # never more than the files
    assert jobs(1, 20) == 1


def test_cli_jobs_option_and_one_error_line_per_failed_file(run, folder, tmp_path):
    result = run("ingest", folder, "--out", tmp_path / "out", "-j", "2", "-f", "jsonl")
    assert result.exit_code == 2
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(r["input"]).name for r in rows] == sorted(p.name for p in folder.iterdir())
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {folder / 'd-blob.txt'}: not text: the file holds NUL bytes (binary data)",
        f"error: {folder / 'e-empty.txt'}: empty file"]
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]
    result = run("ingest", folder, "--out", tmp_path / "out", "-j", "-1")
    assert result.exit_code == 2 and "--jobs" in result.stderr


def test_a_file_that_cannot_be_written_fails_its_input_alone(folder, tmp_path, taxonomy,
                                                             monkeypatch):
    from brief_cli import fileio
    from brief_cli.errors import FileProblem

    real = fileio.atomic_write_text

    def flaky(path, text, **options):
        if "rail-freight" in path.name:
            raise FileProblem(f"cannot write {str(path)!r}: No space left on device")
        return real(path, text, **options)

    monkeypatch.setattr(fileio, "atomic_write_text", flaky)
    rows = ingest(folder, tmp_path / "out", taxonomy, jobs=2)
    failed = [row for row in rows if row[1] == "failed"]
    assert [row[0] for row in failed] == ["a02.txt", "d-blob.txt", "e-empty.txt"]
    assert failed[0][4].endswith("No space left on device")
    # Its copy is the same article as an earlier input (which the run says failed).
    assert [row[1] for row in rows if row[0] == "c-copy.txt"] == ["skipped"]
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(written) == 10 and not any("rail-freight" in name for name in written)
