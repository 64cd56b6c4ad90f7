"""The two ways of making impact lists (FTS5's ``bm25()`` ranking, and candidates taken in
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


def both_ways(con, k: int, min_df: int, monkeypatch) -> tuple[list, list, int]:
    """(lists by FTS5 alone, lists by length, stems ranked by length)."""
    rows, avgdl = impact.totals(con)
    terms = [(t, n) for t, n in con.execute(
        "SELECT term, doc FROM fts_vocab WHERE col = 'text' AND doc >= ? AND doc <= ?",
        (min_df, rows // 2))]
    # as a build chooses them: stems that a query for the same word finds
    same = impact.stems(con, [t for t, _n in terms], TOKENIZER)
    terms = [(t, n) for t, n in terms if same.get(t) == t]
    by_fts5 = lists.lists(con, terms, rows, avgdl, k, None)
    by_length = 0
    original = lists.by_length

    def counted(*args):
        nonlocal by_length
        found = original(*args)
        by_length += found is not None
        return found

    monkeypatch.setattr(lists, "by_length", counted)
    return by_fts5, lists.lists(con, terms, rows, avgdl, k, lists.Lengths.of(con)), by_length


def test_lists_ranked_by_length_equal_fts5s(tmp_path, monkeypatch):
    """Many ties (passages of the same length and frequency), words repeated up to six times
    in a passage, lengths over 127 tokens (two-byte sizes)."""
    con = index_of(tmp_path, random_texts(3, 400))
    by_fts5, by_length, ranked = both_ways(con, 8, 10, monkeypatch)
    assert len(by_fts5) >= 5 and ranked == len(by_fts5)
    assert by_length == by_fts5


def test_one_tier_gives_its_k_shortest_passages(tmp_path, monkeypatch):
    """Every passage holds the word once: the list is exactly the K shortest (the last of
    them included), ties by rowid."""
    texts = [" ".join(["grain"] * (i % 8 < 3) + ["the"] * (1 + i % 9) + ["water"] * (i % 2))
             for i in range(80)]  # grain in 30 passages: listed (at most half of them)
    con = index_of(tmp_path, texts)
    by_fts5, by_length, ranked = both_ways(con, 7, 10, monkeypatch)
    assert by_length == by_fts5 and ranked == len(by_fts5)
    grain = next(row for row in by_length if row[0] == "grain")
    assert len(grain[3]) == 7 * 8  # seven rowids of eight bytes


@pytest.mark.parametrize("part", [7, 65536])
def test_lengths_are_every_passages_token_count(tmp_path, monkeypatch, part):
    """Read in parts (some all under 128 tokens a column, one byte each; some not): each
    passage's length is its columns' token counts summed, as bm25() counts them."""
    monkeypatch.setattr(lists, "LENGTHS_PART", part)
    texts = random_texts(7, 60)
    con = index_of(tmp_path, texts)
    got = lists.Lengths.of(con)
    expected = {rowid_of(i): len(t.split()) + 8 for i, t in enumerate(texts)}  # 8 tag slots
    assert dict(zip(got.ids.tolist(), got.sizes.tolist())) == expected
    assert got.ids.tolist() == sorted(expected)
    assert any(n > 127 for n in expected.values()) and any(n < 128 for n in expected.values())


def test_rowids_in_any_layout_are_ranked_by_length(tmp_path, monkeypatch):
    """Passages whose rowids do not follow from their article's (an index this code did not
    write): their lengths are found all the same, the same lists as FTS5's."""
    con = index_of(tmp_path, random_texts(5, 300), rowid=lambda i: (i + 1) * 37 << 3)
    by_fts5, by_length, ranked = both_ways(con, 8, 10, monkeypatch)
    assert len(by_fts5) >= 5 and ranked == len(by_fts5)
    assert by_length == by_fts5


def test_a_stem_whose_passages_the_lengths_do_not_know_is_left_to_fts5(tmp_path):
    """Lengths read before passages were added (they cannot be from this index): FTS5
    ranks the stem."""
    con = index_of(tmp_path, random_texts(6, 200))
    lengths = lists.Lengths.of(con)
    con.executemany("INSERT INTO fts(rowid, text, tags, cjk) VALUES (?, ?, ?, ?)",
                    [(rowid_of(1000 + i), "grain grain water", _tag_text("context", (), ()),
                      "") for i in range(5)])
    rows, avgdl = impact.totals(con)
    n = con.execute("SELECT doc FROM fts_vocab WHERE term = 'grain' AND col = 'text'"
                    ).fetchone()[0]
    lists.instances_table(con)
    assert lists.by_length(con, "grain", n, rows, avgdl, 5, lengths) is None
    assert lists.lists(con, [("grain", n)], rows, avgdl, 5, lengths) == \
        lists.lists(con, [("grain", n)], rows, avgdl, 5, None)


def test_a_word_in_the_chinese_column_is_left_to_fts5(tmp_path, monkeypatch):
    """A stem with instances in the cjk column (weighed 0.5 by the ranking) is not ranked by
    length;
    FTS5's ranking decides, as before (here: not listed, its frequencies are not whole)."""
    texts = [" ".join((["grain"] if i % 2 == 0 else []) + (["water"] if i % 3 == 0 else [])
                      + ["the"] * (1 + i % 7)) for i in range(60)]
    con = index_of(tmp_path, texts, cjk={6: "grain"})  # a short passage: in grain's top 5
    by_fts5, by_length, ranked = both_ways(con, 5, 10, monkeypatch)
    assert by_length == by_fts5
    assert [row[0] for row in by_length] == ["water"] and ranked == 1


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.lists(st.sampled_from(WORDS[:6]), min_size=1, max_size=40),
                      min_size=20, max_size=120),
       k=st.integers(1, 12))
def test_random_corpora_give_the_same_lists_both_ways(tmp_path_factory, monkeypatch, texts, k):
    tmp = tmp_path_factory.mktemp("lists")
    con = index_of(tmp, [" ".join(t) for t in texts])
    by_fts5, by_length, _ranked = both_ways(con, k, 2, monkeypatch)
    assert by_length == by_fts5


def test_a_full_build_ranks_by_length_and_its_lists_are_fts5s(tmp_path, monkeypatch):
    """``impact.compute``, in one process and in worker processes: the stored rows are those
    FTS5's ranking alone gives."""
    con = index_of(tmp_path, random_texts(4, 400))
    con.close()
    con = sqlite3.connect(str(tmp_path / "ix.db"), isolation_level=None)
    with monkeypatch.context() as m:
        m.setattr(lists.Lengths, "of", classmethod(lambda cls, con: None))  # FTS5 alone
        alone, _ = impact.compute(con, TOKENIZER, k=10, min_df=20)
    monkeypatch.setattr(impact, "PARALLEL_MIN_TERMS", 1)
    for workers in (1, 2):
        by_length, _ = impact.compute(con, TOKENIZER, k=10, min_df=20, workers=workers)
        assert by_length == alone, workers
    assert len(alone) >= 5
