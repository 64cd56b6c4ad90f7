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
from brief_cli.index.schema import PASSAGE_BITS, TOKENIZER, _create, _expect, _tag_text

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


def rowid_of(i: int) -> int:
    """Passage i's rowid as a build gives it: articles of five passages at spaced slots."""
    return ((i // 5 + 1) * 1000 << PASSAGE_BITS) | (i % 5)


def index_of(tmp_path, texts: list[str], cjk: dict[int, str] | None = None,
             name: str = "ix.db", rowid=rowid_of) -> sqlite3.Connection:
    """An index file whose fts table holds ``texts``."""
    con = sqlite3.connect(str(tmp_path / name), isolation_level=None)
    _create(con, _expect(None, "none"))
    con.executemany("INSERT INTO fts(rowid, text, tags, cjk) VALUES (?, ?, ?, ?)",
                    [(rowid(i), text, _tag_text("context", (), ()),
                      (cjk or {}).get(i, "")) for i, text in enumerate(texts)])
    return con


def both_ways(con, k: int, min_df: int, monkeypatch, scale: float = 1e12
              ) -> tuple[list, list, int]:
    """(lists by FTS5 alone, lists by length, stems ranked by length); ``scale``: 1e12 walks
    every tier of more than k passages, 1e-12 none (their lengths are looked up)."""
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
    monkeypatch.setattr(lists, "WALK_SCALE", scale)
    by_walk = lists.lists(con, terms, rows, avgdl, k, lists.Lengths.of(con))
    return by_fts5, by_walk, walked


@pytest.mark.parametrize("scale", [1e12, 1e-12])
def test_lists_ranked_by_length_equal_fts5s(tmp_path, monkeypatch, scale):
    """Many ties (passages of the same length and frequency), words repeated up to six times
    in a passage, lengths over 127 tokens (two-byte sizes); every tier walked, or none."""
    con = index_of(tmp_path, random_texts(3, 400))
    by_fts5, by_walk, walked = both_ways(con, 8, 10, monkeypatch, scale)
    assert len(by_fts5) >= 5 and walked == len(by_fts5)
    assert by_walk == by_fts5


def test_rowids_not_in_article_order_are_left_to_fts5(tmp_path, monkeypatch):
    """Passages whose rowids do not follow from their article's (an index this code did not
    write) cannot have their lengths looked up: FTS5 ranks their stems, the same lists."""
    con = index_of(tmp_path, random_texts(5, 300), rowid=lambda i: (i + 1) * 37 << 3)
    by_fts5, by_walk, walked = both_ways(con, 8, 10, monkeypatch, 1e-12)
    assert len(by_fts5) >= 5 and walked == 0
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
       k=st.integers(1, 12), scale=st.sampled_from([1e12, 1.0, 1e-12]))
def test_random_corpora_give_the_same_lists_both_ways(tmp_path_factory, monkeypatch, texts, k,
                                                      scale):
    tmp = tmp_path_factory.mktemp("lists")
    con = index_of(tmp, [" ".join(t) for t in texts])
    by_fts5, by_walk, _walked = both_ways(con, k, 2, monkeypatch, scale)
    assert by_walk == by_fts5


def test_a_full_build_ranks_by_length_and_its_lists_are_fts5s(tmp_path, monkeypatch):
    """``impact.compute`` (one process and worker processes), tiers walked or looked up: the
    stored rows are those FTS5's ranking alone gives."""
    con = index_of(tmp_path, random_texts(4, 400))
    con.close()
    con = sqlite3.connect(str(tmp_path / "ix.db"), isolation_level=None)
    with monkeypatch.context() as m:
        m.setattr(lists.Lengths, "of", classmethod(lambda cls, con: None))  # FTS5 alone
        alone, _ = impact.compute(con, TOKENIZER, k=10, min_df=20)
    monkeypatch.setattr(impact, "PARALLEL_MIN_TERMS", 1)
    for scale in (1e12, 1e-12):
        monkeypatch.setattr(lists, "WALK_SCALE", scale)
        for workers in (1, 2):
            by_length, _ = impact.compute(con, TOKENIZER, k=10, min_df=20, workers=workers)
            assert by_length == alone, (scale, workers)
    assert len(alone) >= 5


@pytest.mark.parametrize("rows,k,expected", [(1_000_000, 1000, 18257), (46_000, 1000, 3915),
                                             (300, 1000, 1001), (0, 5, 6)])
def test_the_walk_starts_where_it_is_cheaper(rows, k, expected):
    assert lists.walk_min(rows, k) == expected
