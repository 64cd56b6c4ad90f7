"""``select_by_query``: what sectors, summary and export get when a query picks the passages."""

from __future__ import annotations

import logging
import sqlite3
import sys
from dataclasses import replace
from datetime import date

import pytest

from brief_cli import config
from brief_cli.corpus import load_corpus
from brief_cli.errors import FileProblem, UnknownIdError
from brief_cli.filters import Filters, parse_date
from brief_cli.model import Corpus
from brief_cli.selection import select_by_query, select_passages
from brief_cli.taxonomy import load_taxonomy
from helpers import write_corpus

ARTICLES = {
    "a-pipes": dict(published="2020-01-01", passages=[
        {"text": "The pipeline to China carries gas.", "kind": "context",
         "sectors": ["energy"]},
        {"text": "A second pipeline, a third pipeline: pipeline after pipeline.",
         "kind": "challenge", "sectors": ["energy"]}]),
    "b-farms": dict(published="2021-01-01", passages=[
        {"text": "Farmers want a pipeline for water.", "kind": "opportunity",
         "sectors": ["clean-energy"]}]),
    "c-roads": dict(published="2022-01-01", passages=[
        {"text": "Roads and one pipeline.", "kind": "context", "sectors": ["infrastructure"]}]),
}


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(config.bundled_taxonomy_path())


@pytest.fixture
def corpus(tmp_path, taxonomy):
    return load_corpus(write_corpus(tmp_path / "c", ARTICLES), taxonomy).corpus


def uids(selection):
    return [s.passage.uid for s in selection.items]


def test_a_query_ranks_and_carries_scores_and_spans(corpus, taxonomy):
    chosen = select_by_query(corpus, taxonomy, "pipeline")
    assert uids(chosen)[0] == "a-pipes#p02"  # the densest passage first, not corpus order
    assert sorted(uids(chosen)) == ["a-pipes#p01", "a-pipes#p02", "b-farms#p01", "c-roads#p01"]
    assert all(s.score is not None for s in chosen.items)
    assert [s.score for s in chosen.items] == sorted((s.score for s in chosen.items),
                                                     reverse=True)
    first = chosen.items[0]
    assert [first.passage.text[a:b] for a, b in first.spans] == ["pipeline"] * 4
    assert first.article.id == "a-pipes" and chosen.query == "pipeline"
    # select_passages hands a query to select_by_query
    assert uids(select_passages(corpus, taxonomy, "pipeline")) == uids(chosen)


def test_every_hit_is_selected_not_a_page(tmp_path, taxonomy):
    many = {f"n{i:02d}": dict(passages=[{"text": f"Pipeline number {i}."}]) for i in range(25)}
    corpus = load_corpus(write_corpus(tmp_path / "many", many), taxonomy).corpus
    assert len(select_by_query(corpus, taxonomy, "pipeline")) == 25


def test_filters_apply_with_a_query_and_are_checked(corpus, taxonomy):
    chosen = select_by_query(corpus, taxonomy, "pipeline", Filters(sectors=("Clean Energy",)))
    assert uids(chosen) == ["b-farms#p01"]
    assert chosen.filters.sectors == ("clean-energy",)
    with pytest.raises(UnknownIdError):
        select_by_query(corpus, taxonomy, "pipeline", Filters(articles=("d-nope",)))


def test_typos_are_fixed_unless_exact(corpus, taxonomy):
    fixed = select_by_query(corpus, taxonomy, "pipelime")
    assert len(fixed) == 4 and fixed.corrections == {"pipelime": ("pipeline",)}
    assert len(select_by_query(corpus, taxonomy, "pipelime", exact=True)) == 0


def test_an_in_memory_corpus_is_searched_too(corpus, taxonomy):
    memory = Corpus(None, corpus.articles)
    assert sorted(uids(select_by_query(memory, taxonomy, "pipeline"))) == sorted(
        uids(select_by_query(corpus, taxonomy, "pipeline")))


def test_hits_outside_the_loaded_corpus_are_skipped_and_the_rest_kept(corpus, taxonomy):
    """The folder's index may know an article the loaded corpus left out (a filter, a file
    that failed to load): its hits are skipped, the ones after it still come."""
    partial = Corpus(corpus.root, tuple(a for a in corpus.articles if a.id != "a-pipes"))
    chosen = select_by_query(partial, taxonomy, "pipeline")
    assert sorted(uids(chosen)) == ["b-farms#p01", "c-roads#p01"]


def test_a_damaged_index_is_rebuilt_with_a_warning(corpus, taxonomy, caplog):
    from brief_cli import selection

    calls = []
    real = selection.open_for_corpus

    def first_damaged(corpus_, taxonomy_, *, rebuild=False):
        calls.append(rebuild)
        index = real(corpus_, taxonomy_, rebuild=rebuild)
        if not rebuild:
            index.con.close()
            index.con = sqlite3.connect(":memory:")  # no tables: a damaged index
        return index

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(selection, "open_for_corpus", first_damaged)
        with caplog.at_level(logging.WARNING, logger="brief"):
            chosen = select_by_query(corpus, taxonomy, "pipeline")
    assert calls == [False, True]
    assert len(chosen) == 4
    [record] = [r for r in caplog.records if r.name == "brief"]
    assert record.getMessage().startswith("warning: search index '")
    assert "is damaged (" in record.getMessage()
    assert record.getMessage().endswith("); rebuilding it")


def test_a_busy_index_is_one_error_and_no_rebuild(corpus, taxonomy, monkeypatch):
    from brief_cli import search as search_module

    calls = []

    def locked(*args, **kwargs):
        calls.append(1)
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(search_module, "search", locked)
    with pytest.raises(FileProblem) as info:
        select_by_query(corpus, taxonomy, "pipeline")
    assert info.value.message == "the search index cannot be used: database is locked"
    assert info.value.hint == "try again in a moment"
    assert calls == [1]


def test_a_second_failure_after_the_rebuild_is_one_error(corpus, taxonomy, monkeypatch):
    from brief_cli import search as search_module

    calls = []

    def damaged(*args, **kwargs):
        calls.append(1)
        raise sqlite3.DatabaseError("file is not a database")

    monkeypatch.setattr(search_module, "search", damaged)
    with pytest.raises(FileProblem) as info:
        select_by_query(corpus, taxonomy, "pipeline")
    assert info.value.message == "the search index cannot be used: file is not a database"
    assert calls == [1, 1]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="basic ISO dates need Python 3.11")
def test_an_eight_digit_date_is_a_basic_iso_date_not_a_year():
    assert parse_date("20240705", "--since") == date(2024, 7, 5)


def test_selected_items_keep_their_article(corpus, taxonomy):
    chosen = select_by_query(corpus, taxonomy, "farmers")
    assert [(s.article.id, s.passage.id) for s in chosen.items] == [("b-farms", "p01")]
    assert replace(chosen, items=()).__bool__() is False
