"""The two ways of making impact lists (FTS5's ``bm25()`` ranking, and candidates walked in
length order) give the same lists, to the byte: same passages, same order (ties included),
same frequencies and lengths."""

from __future__ import annotations

import random
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief_cli import impact
from brief_cli.impact import lists
from brief_cli.index.schema import TOKENIZER, _create, _expect, _tag_text

WORDS = ("grain water pipeline border tariff market the of and a").split()
MORE = ("drought harbour corridor customs railway power transit investment steel cotton "
        "wheat copper silver lithium solar wind coal uranium rice sugar tea coffee wool "
        "timber fishing tourism banking insurance shipping aviation").split()


def random_texts(seed: int, count: int) -> list[str]:
    """Passages of 3 to 140 words, a few words common, most rarer; some repeated in a passage."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        n = rng.choice([rng.randint(3, 20), rng.randint(3, 20), rng.randint(120, 140)])
        words = [rng.choice(WORDS) if rng.random() < 0.7 else rng.choice(MORE) for _ in range(n)]
        if rng.random() < 0.1:
            words += [rng.choice(MORE)] * rng.randint(1, 6)
        texts.append(" ".join(words))
    return texts


def index_of(tmp_path, texts: list[str], cjk: dict[int, str] | None = None,
             name: str = "ix.db") -> sqlite3.Connection:
    """An index file whose fts table holds ``texts`` (rowids with gaps, as slots give them)."""
    con = sqlite3.connect(str(tmp_path / name), isolation_level=None)
    _create(con, _expect(None, "none"))
    con.executemany("INSERT INTO fts(rowid, text, tags, cjk) VALUES (?, ?, ?, ?)",
                    [((i + 1) * 37 << 3, text, _tag_text("context", (), ()),
                      (cjk or {}).get(i, "")) for i, text in enumerate(texts)])
    return con


def both_ways(con, k: int, min_df: int, monkeypatch) -> tuple[list, list, int]:
    """(lists by FTS5 alone, lists walked wherever allowed, stems walked)."""
    rows, avgdl = impact.totals(con)
    terms = [(t, n) for t, n in con.execute(
        "SELECT term, doc FROM fts_vocab WHERE col = 'text' AND doc >= ? AND doc <= ?",
        (min_df, rows // 2))]
    # as a build chooses them: stems that a query for the same word finds
    same = impact.stems(con, [t for t, _n in terms], TOKENIZER)
    terms = [(t, n) for t, n in terms if same.get(t) == t]
    by_fts5 = lists.lists(con, terms, rows, avgdl, k, None)
    walked = 0
    original = lists.by_length

    def counted(*args):
        nonlocal walked
        found = original(*args)
        walked += found is not None
        return found

    monkeypatch.setattr(lists, "by_length", counted)
    monkeypatch.setattr(lists, "WALK_SCALE", 1e12)  # every stem with more than k passages
    by_walk = lists.lists(con, terms, rows, avgdl, k, lists.Lengths.of(con))
    return by_fts5, by_walk, walked


def test_lists_walked_in_length_order_equal_fts5s(tmp_path, monkeypatch):
    """Many ties (passages of the same length and frequency), words repeated up to six times
    in a passage, lengths over 127 tokens (two-byte sizes)."""
    con = index_of(tmp_path, random_texts(3, 400))
    by_fts5, by_walk, walked = both_ways(con, 8, 10, monkeypatch)
    assert len(by_fts5) >= 5 and walked == len(by_fts5)
    assert by_walk == by_fts5


def test_a_word_in_the_chinese_column_is_left_to_fts5(tmp_path, monkeypatch):
    """A stem with instances in the cjk column (weighed 0.5 by the ranking) is not walked;
    FTS5's ranking decides, as before (here: not listed, its frequencies are not whole)."""
    texts = [" ".join((["grain"] if i % 2 == 0 else []) + (["water"] if i % 3 == 0 else [])
                      + ["the"] * (1 + i % 7)) for i in range(60)]
    con = index_of(tmp_path, texts, cjk={6: "grain"})  # a short passage: in grain's top 5
    by_fts5, by_walk, walked = both_ways(con, 5, 10, monkeypatch)
    assert by_walk == by_fts5
    assert [row[0] for row in by_walk] == ["water"] and walked == 1


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.lists(st.sampled_from(WORDS[:6]), min_size=1, max_size=40),
                      min_size=20, max_size=120),
       k=st.integers(1, 12))
def test_random_corpora_give_the_same_lists_both_ways(tmp_path_factory, monkeypatch, texts, k):
    tmp = tmp_path_factory.mktemp("lists")
    con = index_of(tmp, [" ".join(t) for t in texts])
    by_fts5, by_walk, _walked = both_ways(con, k, 2, monkeypatch)
    assert by_walk == by_fts5


def test_a_full_build_walks_and_its_lists_are_fts5s(tmp_path, monkeypatch):
    """``impact.compute`` (one process and worker processes) with lengths: the stored rows
    are those FTS5's ranking gives."""
    con = index_of(tmp_path, random_texts(4, 400))
    con.close()
    con = sqlite3.connect(str(tmp_path / "ix.db"), isolation_level=None)
    monkeypatch.setattr(lists, "WALK_SCALE", 1e-9)  # nothing walked
    alone, _ = impact.compute(con, TOKENIZER, k=10, min_df=20)
    monkeypatch.setattr(lists, "WALK_SCALE", 1e12)
    monkeypatch.setattr(impact, "PARALLEL_MIN_TERMS", 1)
    for workers in (1, 2):
        walked, _ = impact.compute(con, TOKENIZER, k=10, min_df=20, workers=workers)
        assert walked == alone, workers
    assert len(alone) >= 5


@pytest.mark.parametrize("rows,k,expected", [(1_000_000, 1000, 11180), (46_000, 1000, 2397),
                                             (300, 1000, 1001), (0, 5, 6)])
def test_the_walk_starts_where_it_is_cheaper(rows, k, expected):
    assert lists.walk_min(rows, k) == expected
