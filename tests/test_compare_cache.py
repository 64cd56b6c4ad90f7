"""compare keeps each passage's content words in the cache folder (``analysis.terms``): the
numbers must be exactly those worked out from the text, whether the cache is cold, warm,
damaged or cannot be written."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brief_cli.analysis.terms import ContentWords, default_path
from brief_cli.summary.words import _content_stem
from brief_cli.text import words

from helpers import write_corpus
from test_analysis import ARTICLES


def plain_counts(texts):
    """What compare counted before the cache: every word, stemmed one by one."""
    surface, stems = Counter(), Counter()
    for text in texts:
        for w in words(text):
            s = _content_stem(w)
            if s is not None:
                surface[w] += 1
                stems[s] += 1
    return surface, stems


_texts = st.lists(
    st.lists(st.sampled_from(list("ab'’_ \n\t.,-/1É中s") + [
        "The", "it's", "Côte", "don’t", "US's", "Invest", "investments", "pipeline", " ",
        "a/b", "energy", "2024"]), max_size=30).map("".join), max_size=6)


@settings(max_examples=150, deadline=None)
@given(texts=_texts)
def test_cached_counts_equal_the_plain_ones(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("terms") / "words.db"
    want = plain_counts(texts)
    assert ContentWords(use_cache=False).counts(texts) == want
    cold = ContentWords(path)
    assert cold.counts(texts) == want  # worked out, and kept
    cold.close()
    warm = ContentWords(path)
    assert warm.counts(texts) == want  # read back
    assert warm.of(texts) == [[w for w in words(t) if _content_stem(w) is not None]
                              for t in texts]
    assert all(warm.stems[w] == _content_stem(w) for t in texts for w in words(t)
               if _content_stem(w) is not None)
    warm.close()


def compare_json(run, corpus, *args):
    result = run("compare", *args, "--corpus", corpus, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


CASES = [("actor:kazakhstan", "actor:china"), ("--a-until", "2021-12-31", "--b-since", "2022-01-01"),
         ("debt",)]


@pytest.mark.parametrize("args", CASES)
def test_compare_is_the_same_with_a_cold_a_warm_and_no_cache(run, tmp_path, monkeypatch, args):
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    cold = compare_json(run, corpus, *args)
    path = default_path()
    assert path is not None and path.is_file()  # the passages' words were kept
    warm = compare_json(run, corpus, *args)
    assert warm == cold
    from brief_cli.analysis import compare as compare_module

    real = compare_module.build

    def uncached(*a, **k):
        return real(*a, **{**k, "cache": False})

    monkeypatch.setattr(compare_module, "build", uncached)
    assert compare_json(run, corpus, *args) == cold


def test_a_damaged_cache_file_is_worked_around(run, tmp_path):
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    want = compare_json(run, corpus, "actor:kazakhstan", "actor:china")
    path = default_path()
    for name in os.listdir(path.parent):
        (path.parent / name).unlink()
    path.write_bytes(b"not a database " * 100)
    assert compare_json(run, corpus, "actor:kazakhstan", "actor:china") == want


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="needs file permissions that apply (not root, not Windows)")
def test_a_cache_folder_that_cannot_be_written_costs_time_only(run, tmp_path):
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    want = compare_json(run, corpus, "actor:kazakhstan", "actor:china")
    folder = default_path().parent
    for name in os.listdir(folder):
        (folder / name).unlink()
    folder.chmod(0o500)
    try:
        assert compare_json(run, corpus, "actor:kazakhstan", "actor:china") == want
    finally:
        folder.chmod(0o700)


def test_a_locked_cache_costs_time_only(tmp_path):
    import sqlite3

    path = tmp_path / "words.db"
    texts = ["Energy pipelines carry gas to the coast.", "Tourism grows."]
    ContentWords(path).counts(texts[:1])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process writing: no reading, no writing
    try:
        assert ContentWords(path).counts(texts) == plain_counts(texts)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
