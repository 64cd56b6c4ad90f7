"""Impact lists answer one-word searches exactly as FTS5's full ranking does: same passages,
same order, same scores, same totals; before and after incremental refreshes."""

from __future__ import annotations

import os
import random
from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brief_cli import config, impact
from brief_cli.search import running as search_mod
from brief_cli.filters import Filters
from brief_cli.index import open_index
from brief_cli.taxonomy import load_taxonomy
from helpers import article_yaml

WORDS = ("pipeline grain water border transit railway drought market power tariff "
         "investment harbour corridor customs").split()
FILLER = "the of and a in to for with on by".split()


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(config.bundled_taxonomy_path())


@pytest.fixture
def small_lists(monkeypatch):
    monkeypatch.setattr(impact, "K", 12)
    monkeypatch.setattr(impact, "MIN_DF", 15)


def passage(rng: random.Random) -> dict:
    words = [rng.choice(WORDS if rng.random() < 0.35 else FILLER)
             for _ in range(rng.randint(4, 40))]
    return {"text": " ".join(words).capitalize() + ".",
            "kind": rng.choice(["context", "challenge", "opportunity"]),
            "sectors": rng.sample(["energy", "trade", "tourism"], rng.randint(0, 2))}


def write(root, i: int, rng: random.Random, n: int = 8) -> None:
    (root / f"a{i:03d}.yaml").write_text(article_yaml(
        f"art-{i}", [passage(rng) for _ in range(n)],
        published=f"20{18 + i % 7}-0{1 + i % 9}-1{i % 10}"), encoding="utf-8")


def corpus(tmp_path, articles: int = 40):
    root = tmp_path / "corpus"
    root.mkdir()
    rng = random.Random(7)
    for i in range(articles):
        write(root, i, rng)
    return root


QUERIES = [*WORDS, "pipelines", "Railways", '"harbour"', "pipelnie", "drougth",
           "pipeline sector:energy", "water kind:challenge", "grain since:2021",
           "market kind:opportunity sector:trade until:2022", "tariff article:art-3",
           "border lang:en", "power sector:tourism kind:challenge"]


def both(ix, taxonomy, query: str, limit: int, offset: int):
    """(result with the lists, result of FTS5 alone, whether the lists answered)."""
    prep = search_mod._prepare(ix, query, Filters(), taxonomy, False)
    with_lists = search_mod.search(ix, query, taxonomy=taxonomy, limit=limit, offset=offset)
    found = search_mod._impact_page(ix, prep, limit, offset)
    used = found is not None and found[1] is not None
    original = search_mod._impact_page
    search_mod._impact_page = lambda *a: None
    try:
        alone = search_mod.search(ix, query, taxonomy=taxonomy, limit=limit, offset=offset)
    finally:
        search_mod._impact_page = original
    return with_lists, alone, used


def assert_same(ix, taxonomy) -> int:
    """Every query, several pages: identical to FTS5. Returns how many the lists answered."""
    used = 0
    for query in QUERIES:
        for limit, offset in ((10, 0), (5, 5), (3, 0), (20, 0)):
            a, b, u = both(ix, taxonomy, query, limit, offset)
            assert a.total == b.total, query
            assert [(h.uid, h.score, h.spans, h.typo) for h in a.hits] == \
                [(h.uid, h.score, h.spans, h.typo) for h in b.hits], (query, limit, offset)
            used += u
    return used


def opened(root, taxonomy):
    return open_index(root, taxonomy.path, lambda: taxonomy)


def test_lists_rank_exactly_as_fts5(tmp_path, taxonomy, isolated_env, small_lists):
    root = corpus(tmp_path)
    with opened(root, taxonomy) as ix:
        assert ix.con.execute("SELECT count(*) FROM impact").fetchone()[0] >= 10
        used = assert_same(ix, taxonomy)
    assert used >= 40  # most one-word queries are answered from the lists


def test_lists_follow_edits_new_and_deleted_files(tmp_path, taxonomy, isolated_env,
                                                  small_lists, monkeypatch):
    monkeypatch.setenv("BRIEF_INDEX_RECHECK", "0")
    root = corpus(tmp_path)
    opened(root, taxonomy).close()
    # An edit that makes a passage the best one for "pipeline", a new file, a deleted one.
    (root / "a005.yaml").write_text(article_yaml("art-5", [
        {"text": "Pipeline pipeline pipeline pipeline \ue000.", "sectors": ["energy"]},
        {"text": "Grain."}], published="2019-02-02"), encoding="utf-8")
    write(root, 99, random.Random(3), n=12)
    os.remove(root / "a010.yaml")
    with opened(root, taxonomy) as ix:
        assert ix.con.execute("SELECT count(*) FROM impact_dirty").fetchone()[0] >= 2
        first = search_mod.search(ix, "pipeline", taxonomy=taxonomy, limit=1).hits[0]
        assert first.article_id == "art-5"
        assert not ix.con.execute("SELECT 1 FROM passages p JOIN articles a ON a.rowid ="
                                  " p.article WHERE a.id = 'art-10'").fetchone()
        assert assert_same(ix, taxonomy) >= 30


def test_too_many_changes_drop_the_lists_and_fts5_ranks(tmp_path, taxonomy, isolated_env,
                                                       small_lists, monkeypatch):
    monkeypatch.setenv("BRIEF_INDEX_RECHECK", "0")
    monkeypatch.setattr(impact, "MAX_DIRTY", 2)
    root = corpus(tmp_path)
    opened(root, taxonomy).close()
    rng = random.Random(11)
    for i in (1, 2, 3):
        write(root, i, rng)
    with opened(root, taxonomy) as ix:
        assert impact.built_avgdl(ix.con) is None
        assert assert_same(ix, taxonomy) == 0
    # `brief index` builds the lists again (with worker processes where there are several
    # CPUs; the index stays in place, no rebuild); a full rebuild does too.
    monkeypatch.setattr(impact, "PARALLEL_MIN_TERMS", 1)
    with open_index(root, taxonomy.path, lambda: taxonomy, verify=True) as ix:
        assert not ix.refresh.rebuilt
        assert impact.built_avgdl(ix.con) is not None
        assert assert_same(ix, taxonomy) >= 40
    with open_index(root, taxonomy.path, lambda: taxonomy, rebuild=True) as ix:
        assert impact.built_avgdl(ix.con) is not None
        assert assert_same(ix, taxonomy) >= 40


def test_lists_made_by_worker_processes_equal_those_made_in_one(tmp_path, taxonomy,
                                                               isolated_env, small_lists,
                                                               monkeypatch):
    import sqlite3

    from brief_cli.index import TOKENIZER

    monkeypatch.setattr(impact, "PARALLEL_MIN_TERMS", 1)
    root = corpus(tmp_path)
    with opened(root, taxonomy) as ix:
        path = ix.path
    con = sqlite3.connect(str(path), isolation_level=None)
    try:
        table = "SELECT * FROM impact ORDER BY term"
        assert impact.build(con, TOKENIZER, workers=1) >= 10
        alone = con.execute(table).fetchall()
        assert impact.build(con, TOKENIZER, workers=2) == len(alone)
        assert con.execute(table).fetchall() == alone
    finally:
        con.close()


def test_lists_of_a_file_equal_those_of_its_copy_in_memory(tmp_path, taxonomy, isolated_env,
                                                          small_lists, monkeypatch):
    """For a file, the stems are found on a thread while the lengths are read; a copy in
    memory has no file to share and does both in turn: same lists. An error on the thread
    reaches the caller."""
    import sqlite3

    from brief_cli.index import TOKENIZER

    root = corpus(tmp_path)
    with opened(root, taxonomy) as ix:
        path = ix.path
    con = sqlite3.connect(str(path), isolation_level=None)
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        con.backup(memory)
        threads = []
        made = impact._frequent_in_thread
        monkeypatch.setattr(impact, "_frequent_in_thread",
                            lambda *a: threads.append(a) or made(*a))
        from_file = impact.compute(con, TOKENIZER)
        assert threads and len(from_file[0]) >= 10
        threads.clear()
        assert impact.compute(memory, TOKENIZER) == from_file
        assert not threads

        def broken(*a):
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(impact, "_frequent", broken)
        with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
            impact.compute(con, TOKENIZER)
    finally:
        con.close()
        memory.close()


def test_lists_answer_wide_tag_filters_exactly_as_fts5(tmp_path, taxonomy, isolated_env,
                                                      small_lists):
    """A filter that most passages pass (a sector, kind, actor or date, four passages in five) is
    still answered from the lists, checked passage by passage: the passages it leaves out are
    skipped, the page and the total are FTS5's."""
    root = tmp_path / "corpus"
    root.mkdir()
    rng = random.Random(5)
    for i in range(30):
        passages = []
        for j in range(8):
            p = passage(rng)
            # each tag filtered on is missing from one passage in five (not the same one)
            p["sectors"] = ["energy", "trade"] if (i + j) % 5 != 0 else ["tourism"]
            p["kind"] = "challenge" if (i + j) % 5 != 1 else "opportunity"
            p["actors"] = ["kazakhstan"] if (i + j) % 5 != 2 else []
            passages.append(p)
        (root / f"a{i:03d}.yaml").write_text(article_yaml(
            f"art-{i}", passages, published=f"20{18 + i % 7}-0{1 + i % 9}-1{i % 10}"),
            encoding="utf-8")
    used = set()
    with opened(root, taxonomy) as ix:
        for query in ("pipeline sector:energy", "water kind:challenge", "grain sector:trade",
                      "market actor:kazakhstan", "border sector:energy kind:challenge",
                      "power sector:tourism", "tariff since:2019", "drought until:2023",
                      "pipeline since:2019", "water until:2023", "grain since:2019",
                      "market until:2023", "harbour since:2019", "corridor until:2023"):
            for limit, offset in ((3, 0), (2, 2), (1, 0)):
                a, b, u = both(ix, taxonomy, query, limit, offset)
                assert a.total == b.total, query
                assert [(h.uid, h.score) for h in a.hits] == [(h.uid, h.score) for h in b.hits], \
                    (query, limit, offset)
                if u:
                    used.add(query)
    # every wide filter was answered from the lists (two together for a short page), the
    # narrow one (tourism) by FTS5
    assert used >= {"pipeline sector:energy", "water kind:challenge", "grain sector:trade",
                    "market actor:kazakhstan", "border sector:energy kind:challenge",
                    "tariff since:2019", "drought until:2023"}
    assert "power sector:tourism" not in used


# Prefixes, phrases and OR groups (``impact.top_clause``) -----------------------------------

STEMS_WORDS = ("rail railway railways railroad railing invest investor investors investment "
               "investigation trade trader trading tradition power powerful water drought").split()

CLAUSE_QUERIES = ["rail*", "invest*", "inv*", "trad*", "pow*", "wat*", "rai*", "t*",
                  "railw*", "investi*", "dr*", "railways*", "investors*",
                  '"the railway"', '"railway and"', '"invest in trade"', '"of the"',
                  '"the the"', '"water drought"', '"the power of"',
                  "railway OR investor", "water OR drought OR trade", "rail* OR invest*",
                  "trad* OR power", "rail* sector:energy", '"the railway" kind:challenge',
                  "invest* since:2021", "railway OR water until:2022", "pow* article:art-3"]


def clause_passage(rng: random.Random) -> dict:
    words = [rng.choice(STEMS_WORDS if rng.random() < 0.12 else FILLER)
             for _ in range(rng.randint(3, 45))]
    return {"text": " ".join(words).capitalize() + ".",
            "kind": rng.choice(["context", "challenge", "opportunity"]),
            "sectors": rng.sample(["energy", "trade", "tourism"], rng.randint(0, 2))}


def clause_corpus(tmp_path, articles: int = 50):
    root = tmp_path / "corpus"
    root.mkdir()
    rng = random.Random(13)
    for i in range(articles):
        (root / f"a{i:03d}.yaml").write_text(article_yaml(
            f"art-{i}", [clause_passage(rng) for _ in range(8)],
            published=f"20{18 + i % 7}-0{1 + i % 9}-1{i % 10}"), encoding="utf-8")
    return root


def assert_clauses_same(ix, taxonomy) -> set[str]:
    """Every clause query on several pages is FTS5's (passages, order, scores, highlights,
    totals); returns the queries the lists answered at least once."""
    used = set()
    for query in CLAUSE_QUERIES:
        for limit, offset in ((10, 0), (5, 5), (3, 0), (40, 0), (10, 300)):
            a, b, u = both(ix, taxonomy, query, limit, offset)
            assert a.total == b.total, query
            assert [(h.uid, h.score, h.spans, h.typo) for h in a.hits] == \
                [(h.uid, h.score, h.spans, h.typo) for h in b.hits], (query, limit, offset)
            if u:
                used.add(query)
    return used


@pytest.fixture
def clause_lists(monkeypatch):
    monkeypatch.setattr(impact, "K", 60)
    monkeypatch.setattr(impact, "MIN_DF", 15)
    # (in a corpus this small FTS5 would rank these cheaper: answer them anyway)
    monkeypatch.setattr(impact.answers, "RATIO", 0)
    monkeypatch.setattr(impact.answers, "PHRASE_RATIO", 0)


def test_prefixes_phrases_and_or_groups_rank_exactly_as_fts5(tmp_path, taxonomy,
                                                            isolated_env, clause_lists):
    root = clause_corpus(tmp_path)
    with opened(root, taxonomy) as ix:
        used = assert_clauses_same(ix, taxonomy)
    # prefixes over several listed stems, phrases, OR groups, with and without filters
    assert {"rail*", "invest*", "trad*", "inv*", '"the railway"', '"the power of"',
            "railway OR investor", "rail* OR invest*", "trad* OR power", "rail* sector:energy",
            '"the railway" kind:challenge', "invest* since:2021"} <= used, used
    assert '"the the"' not in used  # occurrences that overlap: FTS5 ranks it


def test_prefixes_and_phrases_follow_edits(tmp_path, taxonomy, isolated_env, clause_lists,
                                           monkeypatch):
    monkeypatch.setenv("BRIEF_INDEX_RECHECK", "0")
    root = clause_corpus(tmp_path)
    opened(root, taxonomy).close()
    # A new best passage for "rail*" and "the railway", one mixing stems of "invest*"; a new
    # file and a deleted one.
    (root / "a007.yaml").write_text(article_yaml("art-7", [
        {"text": "The railway, the railway, the railroads \ue000.", "sectors": ["energy"]},
        {"text": "Investors investigate investment."}], published="2019-02-02"),
        encoding="utf-8")
    (root / "a099.yaml").write_text(article_yaml("art-99", [
        clause_passage(random.Random(5)) for _ in range(10)], published="2024-01-01"),
        encoding="utf-8")
    os.remove(root / "a020.yaml")
    with opened(root, taxonomy) as ix:
        assert ix.con.execute("SELECT count(*) FROM impact_dirty").fetchone()[0] >= 2
        first = search_mod.search(ix, '"the railway"', taxonomy=taxonomy, limit=1).hits[0]
        assert first.article_id == "art-7"
        used = assert_clauses_same(ix, taxonomy)
    assert {"rail*", "invest*", '"the railway"'} <= used, used
def test_a_prefix_finds_every_word_it_starts_not_only_its_own_stem(tmp_path, taxonomy,
                                                                   isolated_env, small_lists):
    """"invest*" where "investment" (stem "invest") has a list: the passages of "investors"
    (stem "investor") are found too, and counted."""
    root = corpus(tmp_path)
    (root / "z-investors.yaml").write_text(article_yaml("z-investors", [
        {"text": "Investors from abroad."}, {"text": "The investor waited."}],
        published="2030-01-01"), encoding="utf-8")
    with opened(root, taxonomy) as ix:
        assert impact.stem_count(ix.con, "invest")  # the stem of the prefix has its list
        texts = [t for (t,) in ix.con.execute("SELECT text FROM fts")]
        expected = sum(1 for t in texts if "invest" in t.lower())
        for limit in (None, 5, 200):
            result = search_mod.search(ix, "invest*", taxonomy=taxonomy, limit=limit)
            assert result.total == expected, limit
        found = search_mod.search(ix, "invest*", taxonomy=taxonomy, limit=200)
        assert {"z-investors#p01", "z-investors#p02"} <= {h.uid for h in found.hits}


def test_random_clause_queries_rank_exactly_as_fts5(tmp_path, taxonomy, isolated_env,
                                                   clause_lists):
    """Prefixes of every length, phrases of two and three words and OR groups drawn at random
    from the corpus's words: each page is FTS5's, whether or not the lists answered it."""
    root = clause_corpus(tmp_path)
    rng = random.Random(29)
    words = STEMS_WORDS + FILLER
    queries = set()
    while len(queries) < 60:
        shape = rng.randrange(4)
        if shape == 0:
            w = rng.choice(STEMS_WORDS)
            queries.add(w[:rng.randint(1, len(w))] + "*")
        elif shape == 1:
            queries.add('"' + " ".join(rng.choice(words) for _ in range(rng.randint(2, 3))) + '"')
        elif shape == 2:
            queries.add(" OR ".join(rng.sample(STEMS_WORDS, rng.randint(2, 3))))
        else:
            w = rng.choice(STEMS_WORDS)
            queries.add(f"{w[:rng.randint(2, len(w))]}* OR {rng.choice(STEMS_WORDS)}")
    used = 0
    with opened(root, taxonomy) as ix:
        for query in sorted(queries):
            for limit, offset in ((10, 0), (7, 3)):
                a, b, u = both(ix, taxonomy, query, limit, offset)
                assert a.total == b.total, query
                assert [(h.uid, h.score, h.spans) for h in a.hits] == \
                    [(h.uid, h.score, h.spans) for h in b.hits], (query, limit, offset)
                used += u
    assert used >= 30  # the lists did answer many of them


@settings(max_examples=200, deadline=None)
@given(rowids=st.lists(st.integers(0, 200), max_size=60, unique=True),
       ranges=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 30)), max_size=6))
def test_rowids_in_dirty_ranges_are_found_exactly(rowids, ranges):
    ranges = sorted((lo, lo + width) for lo, width in ranges)
    expected = {r for r in rowids if any(lo <= r <= hi for lo, hi in ranges)}
    assert impact.answers._in_ranges(array("q", rowids), ranges) == expected


def test_lists_are_made_whatever_characters_the_cache_folder_has(tmp_path, taxonomy,
                                                                 isolated_env, small_lists,
                                                                 monkeypatch):
    """The processes that make the lists, and a rebuild that copies unchanged files, open the
    index read-only by a URI: '#', '?', '%' and spaces in its folder are not URI syntax."""
    cache = tmp_path / "cache #1 ?x=%41 é"
    monkeypatch.setenv("BRIEF_CACHE_DIR", str(cache))
    monkeypatch.setattr(impact, "PARALLEL_MIN_TERMS", 1)
    root = corpus(tmp_path)
    with opened(root, taxonomy) as ix:
        assert str(ix.path).startswith(str(cache))
        assert impact.built_avgdl(ix.con) is not None
        listed = ix.con.execute("SELECT count(*) FROM impact").fetchone()[0]
        assert listed >= 10
    with open_index(root, taxonomy.path, lambda: taxonomy, rebuild=True) as ix:
        assert ix.refresh.copied == 40  # every file copied from the previous generation
        assert ix.con.execute("SELECT count(*) FROM impact").fetchone()[0] == listed
