"""compare reads the passages' tags and content words from a file kept beside the index
(``analysis.rowcache``): on a generated corpus, the comparisons must be exactly those read from
the index itself, whether that file is cold, warm, stale (the corpus changed) or damaged."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from brief_cli.analysis import compare as compare_module
from brief_cli.analysis.compare import SideSpec
from brief_cli.analysis.rowcache import RowCache, default_path
from brief_cli.config import bundled_taxonomy_path
from brief_cli.filters import Filters
from brief_cli.index import open_index
from brief_cli.taxonomy import load_taxonomy

GENERATOR = Path(__file__).resolve().parents[1] / "benchmarks" / "generate_corpus.py"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    spec = importlib.util.spec_from_file_location("generate_corpus", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("generated")
    module.generate(1_500, out, seed=11, workers=1)
    return out


@pytest.fixture()
def small_sample(monkeypatch):
    # Sides larger than the sample are counted on a spread sample: make that happen here.
    monkeypatch.setattr(compare_module, "TERM_SAMPLE", 200)


def _sides(index):
    years = [r[0] for r in index.con.execute(
        "SELECT DISTINCT substr(published, 1, 4) FROM articles ORDER BY 1")]
    mid = int(years[len(years) // 2])
    return {
        "date split": (SideSpec("a", filters=Filters(until=date(mid - 1, 12, 31))),
                       SideSpec("b", filters=Filters(since=date(mid, 1, 1)))),
        "two actors": (SideSpec("a", "actor:china"), SideSpec("b", "actor:russia")),
        "a query and the rest": (SideSpec("a", "energy"), SideSpec("b", rest=True)),
        "everything and a period": (SideSpec("a"), SideSpec("b", filters=Filters(
            since=date(mid, 1, 1)))),
        "two sectors": (SideSpec("a", "sector:energy"), SideSpec("b", "sector:tourism")),
        "a side and itself": (SideSpec("a", "actor:china"), SideSpec("b", "actor:china")),
    }


def _compare_all(index, taxonomy, *, cache: bool) -> dict:
    real = compare_module.build

    def build(*args, **kwargs):
        return real(*args, **{**kwargs, "cache": cache})

    compare_module.build = build
    try:
        return {name: compare_module.compare(index, a, b, taxonomy=taxonomy, labels=taxonomy)
                for name, (a, b) in _sides(index).items()}
    finally:
        compare_module.build = real


def _open(corpus: Path):
    taxonomy = load_taxonomy(bundled_taxonomy_path())
    return open_index(corpus, bundled_taxonomy_path(), lambda: taxonomy), taxonomy


def test_kept_rows_give_the_comparisons_read_from_the_index(corpus, small_sample):
    index, taxonomy = _open(corpus)
    with index:
        reference = _compare_all(index, taxonomy, cache=False)
        assert default_path(index) is not None and not default_path(index).exists()
        cold = _compare_all(index, taxonomy, cache=True)  # read from the index, and kept
        assert default_path(index).is_file()
        warm = _compare_all(index, taxonomy, cache=True)  # read back
    assert cold == reference
    assert warm == reference
    assert any(c.a.sampled < c.a.passages for c in reference.values())  # sampling was tried


def test_a_changed_corpus_is_not_read_from_rows_kept_before(corpus, small_sample, tmp_path):
    import shutil

    copy = tmp_path / "corpus"
    shutil.copytree(corpus, copy)
    index, taxonomy = _open(copy)
    with index:
        _compare_all(index, taxonomy, cache=True)  # keeps rows and words
    # Change one article's tags and text where both sides read them (an edit in place: the
    # same rows of the index, new content).
    path = sorted(copy.rglob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    edited = text.replace("sectors: [", "sectors: [tourism, ", 3)
    edited = edited.replace("text: ", "text: Tourism energy tourism energy ", 3)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    index, taxonomy = _open(copy)
    with index:
        after = _compare_all(index, taxonomy, cache=True)
        reference = _compare_all(index, taxonomy, cache=False)
    assert after == reference


def test_a_damaged_rows_file_costs_time_only(corpus, small_sample):
    index, taxonomy = _open(corpus)
    with index:
        reference = _compare_all(index, taxonomy, cache=False)
        path = default_path(index)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"not a database " * 100)
        assert _compare_all(index, taxonomy, cache=True) == reference


def test_the_kept_rows_belong_to_one_state_of_the_index(corpus):
    index, _ = _open(corpus)
    with index:
        rows = RowCache(index)
        tags = rows.tags()
        assert list(tags.rowids) == [r for (r,) in index.con.execute(
            "SELECT rowid FROM passages ORDER BY rowid")]
        rows.close()
        state = RowCache(index).state
        assert state is not None
        index.con.execute("INSERT INTO meta VALUES ('test-write', '1')")  # any write to it
        index.con.commit()
        assert RowCache(index).state != state


def test_rows_kept_for_another_state_of_the_index_are_not_read(corpus, small_sample):
    """Another run, on a newer state of the index, may empty and refill the file while this
    one holds the older state open: what it kept is not this run's."""
    import sqlite3

    from brief_cli.analysis.rowcache import words_of
    from brief_cli.analysis.terms import ContentWords

    index, taxonomy = _open(corpus)
    with index:
        reference = _compare_all(index, taxonomy, cache=False)
        _compare_all(index, taxonomy, cache=True)  # kept for this state
        rows = RowCache(index)
        assert rows.tags() is not None
        con = sqlite3.connect(default_path(index), isolation_level=None)
        con.execute("UPDATE state SET value = 'another state' WHERE key = 'index'")
        con.execute("UPDATE words SET pairs = 'planted/plant'")
        con.execute("UPDATE blobs SET data = X''")  # arrays of no passage at all
        con.close()
        ids = [r for (r,) in index.con.execute("SELECT rowid FROM passages LIMIT 5")]
        pairs, _ = rows.words(ids, ContentWords(use_cache=False))
        assert pairs == words_of(index, ids, ContentWords(use_cache=False))[0]
        assert "planted/plant" not in pairs.values()
        passages = index.con.execute("SELECT count(*) FROM passages").fetchone()[0]
        assert len(rows.tags().rowids) == passages
        rows.close()
        assert _compare_all(index, taxonomy, cache=True) == reference
