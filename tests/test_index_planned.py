"""Planned full builds: the corpus order read ahead from each file's first lines, articles
written to their slots as they are parsed. Whatever the plan foresaw, the index must be the one
a staged build makes."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brief_cli import config
from brief_cli.corpus import load_article_file
from brief_cli.index import build, index_base, open_index, updates
from brief_cli.taxonomy import load_taxonomy
from helpers import article_yaml


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(config.bundled_taxonomy_path())


def opened(root, taxonomy, **kw):
    return open_index(root, taxonomy.path, lambda: taxonomy, **kw)


def dump(ix, rowids: bool = False) -> tuple:
    """What a search reads, in corpus order; with ``rowids`` the passages' rowids too."""
    con = ix.con
    return (
        con.execute("SELECT id, file, title, source, section, authors, author_note, published,"
                    " url, language, n_passages FROM articles ORDER BY slot").fetchall(),
        con.execute("SELECT a.id, p.idx, p.pid, p.kind, p.sectors, p.actors, p.reviewed, f.text,"
                    " f.tags, f.cjk" + (", p.rowid" if rowids else "") +
                    " FROM passages p JOIN articles a ON a.rowid = p.article "
                    "JOIN fts f ON f.rowid = p.rowid ORDER BY p.rowid").fetchall(),
        con.execute("SELECT path, hash, status, article_id, problems FROM files ORDER BY path"
                    ).fetchall(),
        con.execute("SELECT len, word, n FROM words ORDER BY len, word").fetchall(),
        con.execute("SELECT len, words FROM word_lists ORDER BY len").fetchall(),
        con.execute("SELECT term, col, doc, cnt FROM fts_vocab ORDER BY term, col").fetchall(),
        con.execute("SELECT k, v FROM fts_config ORDER BY k").fetchall(),
    )


def corpus(tmp_path, *, odd: bool = True):
    """Dates against the order of the file names; with ``odd``, a broken file and an id used
    twice (the later file in path order has the earlier date, so it comes first in the plan)."""
    root = tmp_path / "corpus"
    root.mkdir()
    for i in range(8):
        (root / f"a{i}.yaml").write_text(article_yaml(f"art-{i}", [
            {"text": f"Pipeline number {i} crosses the steppe.", "kind": "challenge",
             "sectors": ["energy"]},
            {"text": "Tourist arrivals doubled, says the ministry."},
            {"text": f"Wind farm {i} opens; the grid gains {i * 10} megawatts."}],
            published=f"2024-0{1 + (i * 5) % 8}-1{i % 3}"), encoding="utf-8")
    if odd:
        (root / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
        (root / "z-dup.yaml").write_text(article_yaml(
            "art-1", [{"text": "A duplicate id, dated first."}], published="2001-01-01"),
            encoding="utf-8")
    return root


def built(root, taxonomy, monkeypatch, planned: bool, rowids: bool = False):
    shutil.rmtree(index_base(root).parent, ignore_errors=True)
    monkeypatch.setattr(build, "PLANNED", planned)
    with opened(root, taxonomy, rebuild=True) as ix:
        assert ix.refresh.rebuilt
        return dump(ix, rowids)


def spy(monkeypatch, module, name):
    calls = []
    real = getattr(module, name)

    def wrapper(*a, **kw):
        calls.append(a)
        return real(*a, **kw)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def test_a_planned_build_is_the_staged_one_to_the_rowid(tmp_path, taxonomy, isolated_env,
                                                       monkeypatch):
    root = corpus(tmp_path, odd=False)
    staged = built(root, taxonomy, monkeypatch, False, rowids=True)
    planned_calls = spy(monkeypatch, build, "_planned")
    staged_calls = spy(monkeypatch, build, "_staged")
    assert built(root, taxonomy, monkeypatch, True, rowids=True) == staged
    assert len(planned_calls) == 1 and not staged_calls
    # nothing left beside the index: no temporary file of the build, no word-count database
    assert not list(index_base(root).parent.glob("*.tmp"))


def test_broken_files_and_id_clashes_come_out_as_in_a_staged_build(tmp_path, taxonomy,
                                                                   isolated_env, monkeypatch):
    root = corpus(tmp_path)
    staged = built(root, taxonomy, monkeypatch, False)
    demoted = spy(monkeypatch, updates, "_demote")
    planned = built(root, taxonomy, monkeypatch, True)
    assert planned == staged
    assert demoted  # the clash was met in corpus order: the later file in path order lost it
    files = {row[0]: row[2] for row in planned[2]}
    assert files["z-dup.yaml"] == "duplicate" and files["a1.yaml"] == "ok"
    assert files["broken.yaml"] == "broken"


def test_articles_the_plan_did_not_foresee_wait_and_find_their_place(tmp_path, taxonomy,
                                                                     isolated_env, monkeypatch):
    root = corpus(tmp_path)
    staged = built(root, taxonomy, monkeypatch, False)
    real = build._read_ahead

    def wrong(root_, rels):  # two files swap their foreseen places
        order, slots = real(root_, rels)
        slots["a2.yaml"], slots["a5.yaml"] = slots["a5.yaml"], slots["a2.yaml"]
        return order, slots

    monkeypatch.setattr(build, "_read_ahead", wrong)
    placed = spy(monkeypatch, updates, "_free_slot")
    assert built(root, taxonomy, monkeypatch, True) == staged
    assert len(placed) == 2  # the two waited, then went between their neighbours


def test_a_plan_wrong_everywhere_falls_back_to_a_staged_build(tmp_path, taxonomy, isolated_env,
                                                              monkeypatch):
    root = corpus(tmp_path)
    staged = built(root, taxonomy, monkeypatch, False)

    def wrong(root_, rels):
        order = sorted(rels)
        return order, {rel: (i + 1, ("1900-01-01", "x")) for i, rel in enumerate(order)}

    monkeypatch.setattr(build, "_read_ahead", wrong)
    monkeypatch.setattr(updates, "SLOT_LIMIT", 8)  # no room between neighbours: _NoRoom
    staged_calls = spy(monkeypatch, build, "_staged")
    assert built(root, taxonomy, monkeypatch, True) == staged
    assert staged_calls
    assert not list(index_base(root).parent.glob("*.tmp"))  # the abandoned file is gone


@pytest.mark.parametrize("line", [
    "id: 'two words'",  # not a plain id
    "id: art-3 # a comment",
    "published: 2024-03-11T10:00:00",
    "published: 11 March 2024",
])
def test_a_file_whose_order_cannot_be_read_ahead_waits(tmp_path, taxonomy, isolated_env,
                                                       monkeypatch, line):
    root = corpus(tmp_path)
    path = root / "a3.yaml"
    key = line.split(":")[0]
    text = "\n".join(line if x.startswith(key + ":") else x
                     for x in path.read_text(encoding="utf-8").splitlines()) + "\n"
    path.write_text(text, encoding="utf-8")
    order, slots = build._read_ahead(root, sorted(p.name for p in root.iterdir()))
    assert "a3.yaml" not in slots and "broken.yaml" not in slots
    assert order[-2:] == ["a3.yaml", "broken.yaml"]  # parsed last
    staged = built(root, taxonomy, monkeypatch, False)
    planned_calls = spy(monkeypatch, build, "_planned")
    assert built(root, taxonomy, monkeypatch, True) == staged
    assert planned_calls


def test_many_files_without_a_plan_make_the_build_staged(tmp_path, taxonomy, isolated_env,
                                                         monkeypatch):
    root = corpus(tmp_path)
    monkeypatch.setattr(build, "MAX_UNPLANNED", 0)  # one broken file of ten is too many
    assert build._read_ahead(root, sorted(p.name for p in root.iterdir())) is None
    monkeypatch.setattr(build, "MAX_UNPLANNED", 1)
    assert build._read_ahead(root, sorted(p.name for p in root.iterdir())) is not None


def test_an_error_while_counting_words_stops_the_build_cleanly(tmp_path, taxonomy, isolated_env,
                                                              monkeypatch):
    root = corpus(tmp_path)
    opened(root, taxonomy).close()
    before = sorted(p.name for p in index_base(root).parent.iterdir())

    def broken(con, schema):
        raise RuntimeError("no tokenizer today")

    monkeypatch.setattr(build, "_surface_tables", broken)
    with pytest.raises(RuntimeError, match="no tokenizer today"):
        opened(root, taxonomy, rebuild=True)
    assert sorted(p.name for p in index_base(root).parent.iterdir()) == before


ids = st.text(alphabet="abcxyz019-._ '\"#é", min_size=1, max_size=12).filter(
    lambda s: s.strip() and s.strip()[0] not in "-?:,[]{}#&*!|>'\"%@`")
days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@settings(max_examples=150, deadline=None)
@given(article_id=ids, day=days, quoted=st.booleans(), note=st.sampled_from(
    ["", "author_note: |\n  published: 1999-09-09\n", "# published: 1999-09-09\n"]))
def test_what_is_read_ahead_is_what_the_parse_finds_or_nothing(tmp_path_factory, taxonomy,
                                                               article_id, day, quoted, note):
    """The plan may decline a file, never misread it (a misread one only costs time, but it
    should not happen to files written the usual way)."""
    root = tmp_path_factory.mktemp("ahead")
    text = article_yaml(article_id, [{"text": "Some words."}],
                        published=day.isoformat() if quoted else day)
    (root / "a.yaml").write_text(note + text if note.startswith("#") else
                                 text.replace("language:", note + "language:"), encoding="utf-8")
    ahead = build._read_ahead(root, ["a.yaml"])
    article, _problems = load_article_file(root / "a.yaml", taxonomy)
    if ahead is not None and article is not None:
        assert ahead[1]["a.yaml"][1] == (article.published.isoformat(), article.id)
    if article is not None and article_id.strip() == article_id and all(
            c.isascii() and (c.isalnum() or c in "._-") for c in article_id) \
            and article_id[0].isalnum():
        assert ahead is not None  # a plain id and a date: always read ahead


# Refreshes: several new or edited articles share the gap they fall in ---------------------

def small_article(i: int, day: str, words: str = "") -> str:
    return article_yaml(f"s-{i:03d}", [{"text": f"Speech {i} on water and grain. {words}"}],
                        published=day)


def write_speeches(root, numbers, day, words: str = "") -> None:
    """Speech files s{i}.yaml; ``day(i)`` gives each one's date."""
    root.mkdir(exist_ok=True)
    for i in numbers:
        (root / f"s{i:03d}.yaml").write_text(small_article(i, day(i), words), encoding="utf-8")


def in_corpus_order(ix) -> bool:
    con = ix.con
    by_slot = con.execute("SELECT id FROM articles ORDER BY slot").fetchall()
    by_key = con.execute("SELECT id FROM articles ORDER BY published, id").fetchall()
    return by_slot == by_key


def test_a_batch_of_new_articles_dated_alike_is_a_refresh_not_a_rebuild(tmp_path, taxonomy,
                                                                        isolated_env):
    """A new session of speeches: 80 articles after every other one, all on one date. Halving
    the room left for each would run out after some 30 and rebuild everything."""
    root = tmp_path / "corpus"
    write_speeches(root, range(200), lambda i: f"2014-{1 + i % 12:02d}-01")
    opened(root, taxonomy).close()
    write_speeches(root, range(200, 280), lambda i: "2015-01-01")
    with opened(root, taxonomy) as ix:
        assert not ix.refresh.rebuilt and ix.refresh.parsed == 80
        assert ix.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 280
        assert in_corpus_order(ix)


def test_editing_many_articles_in_a_row_is_a_refresh_not_a_rebuild(tmp_path, taxonomy,
                                                                   isolated_env):
    root = tmp_path / "corpus"
    write_speeches(root, range(200), lambda i: "2014-01-01")
    opened(root, taxonomy).close()
    # neighbours in corpus order, all edited
    write_speeches(root, range(50, 130), lambda i: "2014-01-01", "Edited.")
    with opened(root, taxonomy) as ix:
        assert not ix.refresh.rebuilt and ix.refresh.parsed == 80
        assert in_corpus_order(ix)
        assert ix.con.execute("SELECT count(*) FROM fts WHERE fts MATCH 'edited'"
                              ).fetchone()[0] == 80


def test_a_refresh_whose_guess_is_wrong_still_keeps_corpus_order(tmp_path, taxonomy,
                                                                 isolated_env, monkeypatch):
    """The spacing follows the files' first lines; an article that is not where they said
    takes the middle of its real gap."""
    root = tmp_path / "corpus"
    write_speeches(root, range(60), lambda i: f"2014-{1 + i % 12:02d}-01")
    opened(root, taxonomy).close()
    write_speeches(root, range(60, 70), lambda i: f"2013-0{1 + i % 9}-02")
    real = updates._head_key
    monkeypatch.setattr(updates, "_head_key",
                        lambda path: ("2099-01-01", "zz") if path.name == "s063.yaml"
                        else real(path))
    with opened(root, taxonomy) as ix:
        assert not ix.refresh.rebuilt and ix.refresh.parsed == 10
        assert in_corpus_order(ix)


def test_a_counting_process_whose_builder_stopped_ends_cleanly(tmp_path):
    """Interrupted after the last passages went to the counting process: it counts, finds
    nobody to take the counts (more than a pipe holds), and ends without an error of its own
    and without its file."""
    path = tmp_path / "words.tmp"
    surface = build._Surface(path, apart=True)
    surface.add([" ".join(f"w{i}x{j}" for j in range(20)) for i in range(2000)])
    surface.close()
    process = surface.process
    surface.stop()
    assert process.exitcode == 0
    assert not path.exists()
