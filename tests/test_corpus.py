"""The corpus loader: every kind of broken file gives a located problem, never a crash."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers import article_yaml, dedent, write_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief_cli import config
from brief_cli.corpus import article_to_yaml, find, load_article_text, load_corpus
from brief_cli.errors import CorpusError, UnknownIdError
from brief_cli.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(config.bundled_taxonomy_path())


GOOD = dedent("""
    id: good-article
    title: A Good Article
    source: Test Review
    authors: [Ann Author]
    published: 2024-01-15
    language: en
    passages:
      - id: p01
        text: Oil and gas flow through new pipelines.
        kind: context
        sectors: [energy]
        actors: [Kazakhstan, china]
        reviewed: true
""")


def problems_of(text: str, taxonomy, name="good-article.yaml"):
    article, problems = load_article_text(text, taxonomy, Path(name))
    return article, problems


def test_good_article_loads_and_normalises_actor_names(taxonomy):
    article, problems = problems_of(GOOD, taxonomy)
    assert problems == []
    assert article.id == "good-article"
    assert article.published == date(2024, 1, 15)
    passage = article.passages[0]
    assert passage.uid == "good-article#p01"
    assert passage.actors == ("kazakhstan", "china")
    assert passage.sectors == ("energy",)
    assert passage.reviewed is True


def test_bundled_corpus_is_clean(taxonomy):
    result = load_corpus(config.bundled_corpus_dir(), taxonomy)
    assert result.problems == []
    article = result.corpus.article("kazakhstan-bri-partner")
    assert article is not None
    assert len(article.passages) == 19
    assert article.authors == ("Liang Haiming", "Da Hsuan Feng")
    assert article.published == date(2024, 7, 5)
    assert all(p.reviewed for p in article.passages)
    assert article.kind_counts() == {"challenge": 3, "opportunity": 11, "context": 5}


@pytest.mark.parametrize("text, message, line", [
    ("id: x\ntitle: [unclosed\n", "YAML syntax error", 3),
    ("", "empty file", None),
    ("   \n\n", "empty file", None),
    ("- just\n- a list\n", "an article is a mapping of fields, not a list", 1),
    (GOOD.replace("published: 2024-01-15", "published: 2024-13-45"),
     "published must be an ISO date", 5),
    (GOOD.replace("published: 2024-01-15", "published: last week"),
     "published must be an ISO date", 5),
    (GOOD.replace("kind: context", "kind: threat"), "unknown kind 'threat'", 10),
    (GOOD.replace("sectors: [energy]", "sectors: [enrgy]"), "unknown sector 'enrgy'", 11),
    (GOOD.replace("actors: [Kazakhstan, china]", "actors: [Narnia]"), "unknown actor 'Narnia'", 12),
    (GOOD.replace("title: A Good Article\n", ""), "missing field 'title'", 1),
    (GOOD.replace("    text: Oil and gas flow through new pipelines.\n", ""),
     "passage 1: missing field 'text'", 8),
    (GOOD.replace("authors: [Ann Author]", "authors: 42"), "authors must be a list of names", 4),
    (GOOD.replace("title: A Good Article", "title: 42"), "title must be text, got a number", 2),
    (GOOD.replace("reviewed: true", "reviewed: maybe"), "reviewed must be true or false", 13),
    (GOOD.replace("id: good-article", "id: Good Article!"), "article id must be a lowercase slug", 1),
    (GOOD.replace("language: en", "language: en\nsector: energy"), "unknown field 'sector'", 7),
    (GOOD.replace("passages:\n", "passages: []\nx:\n"), "passages must be a non-empty list", 7),
])
def test_each_problem_is_reported_with_its_line(taxonomy, text, message, line):
    article, problems = problems_of(text, taxonomy)
    assert article is None
    assert any(message in p.message for p in problems), [str(p) for p in problems]
    found = next(p for p in problems if message in p.message)
    assert found.line == line
    assert found.severity == "error"


def test_unknown_sector_suggests_the_closest(taxonomy):
    _, problems = problems_of(GOOD.replace("sectors: [energy]", "sectors: [turism]"), taxonomy)
    assert problems[0].hint == "did you mean 'tourism'?"
    assert str(problems[0]) == ("good-article.yaml:11:15: unknown sector 'turism' "
                                "(did you mean 'tourism'?)")


def test_unknown_field_suggests_the_closest(taxonomy):
    _, problems = problems_of(GOOD.replace("    reviewed: true", "    reviwed: true"),
                              taxonomy)
    assert problems[0].message == "unknown passage field 'reviwed'"
    assert problems[0].hint == "did you mean 'reviewed'?"
    assert (problems[0].line, problems[0].column) == (13, 5)


def test_all_problems_of_a_file_are_collected(taxonomy):
    text = GOOD.replace("kind: context", "kind: nope").replace("sectors: [energy]",
                                                               "sectors: [nope]")
    _, problems = problems_of(text, taxonomy)
    assert len(problems) == 2


def test_duplicate_passage_ids(taxonomy):
    text = GOOD + dedent("""
          - id: p01
            text: Again.
            kind: context
    """).replace("\n  ", "\n  ", 1)
    text = GOOD.rstrip("\n") + "\n  - id: p01\n    text: Again.\n    kind: context\n"
    _, problems = problems_of(text, taxonomy)
    assert [p.message for p in problems] == ["duplicate passage id 'p01'"]
    assert problems[0].line == 14


def test_aliases_are_refused(taxonomy):
    bomb = dedent("""
        a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    """)
    _, problems = problems_of(bomb, taxonomy)
    assert "anchors and aliases" in problems[0].message
    assert problems[0].line in (1, 2, 3, 4)


def test_file_problems(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c")
    (root / "latin1.yaml").write_bytes("id: caf\xe9\n".encode("latin-1"))
    (root / "binary.yaml").write_bytes(b"id: x\x00\x01\x02")
    (root / "huge.yaml").write_bytes(b"#" * (5 * 1024 * 1024 + 1))
    (root / "empty.yml").write_text("")
    (root / "zz-copy.yaml").write_text((root / "tourism-note.yaml").read_text())
    result = load_corpus(root, taxonomy)
    by_file = {p.path.name: p for p in result.errors}
    assert by_file["latin1.yaml"].message == "not UTF-8: byte 0xe9 cannot be decoded"
    assert (by_file["latin1.yaml"].line, by_file["latin1.yaml"].column) == (1, 8)
    assert "NUL bytes" in by_file["binary.yaml"].message
    assert "above the 5,242,880-byte limit" in by_file["huge.yaml"].message
    assert by_file["empty.yml"].message == "empty file"
    assert by_file["zz-copy.yaml"].message == "duplicate article id 'tourism-note'"
    # the broken files are skipped; the good articles still load
    assert result.corpus.article_ids == ["energy-outlook", "tourism-note"]


def test_bom_is_accepted(tmp_path, taxonomy):
    (tmp_path / "good-article.yaml").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    result = load_corpus(tmp_path, taxonomy)
    assert result.problems == []


def test_file_name_mismatch_is_a_warning(tmp_path, taxonomy):
    (tmp_path / "other-name.yaml").write_text(GOOD)
    result = load_corpus(tmp_path, taxonomy)
    assert result.errors == []
    assert [p.severity for p in result.problems] == ["warning"]
    assert result.corpus.article_ids == ["good-article"]


def test_corpus_order_is_by_date_then_id(small_corpus, taxonomy):
    corpus = load_corpus(small_corpus, taxonomy).corpus
    assert corpus.article_ids == ["energy-outlook", "tourism-note"]
    assert [p.uid for p in corpus.passages()][:2] == ["energy-outlook#p01", "energy-outlook#p02"]


def test_find_suggests_closest_ids(small_corpus, taxonomy):
    corpus = load_corpus(small_corpus, taxonomy).corpus
    assert find(corpus, "tourism-note")[1] is None
    assert find(corpus, "tourism-note#p02")[1].text.startswith("New tourist routes")
    with pytest.raises(UnknownIdError) as info:
        find(corpus, "turism-note")
    assert str(info.value) == "unknown article 'turism-note' (did you mean 'tourism-note'?)"
    with pytest.raises(UnknownIdError) as info:
        find(corpus, "tourism-note#p2")
    assert "tourism-note#p02" in str(info.value)


def test_missing_corpus_folder_is_an_error(tmp_path):
    with pytest.raises(CorpusError) as info:
        config.resolve_corpus_dir(tmp_path / "nope")
    assert "does not exist" in str(info.value)


def test_article_yaml_round_trips(small_corpus, taxonomy):
    corpus = load_corpus(small_corpus, taxonomy).corpus
    for article in corpus.articles:
        again, problems = load_article_text(article_to_yaml(article), taxonomy, article.path)
        assert problems == []
        assert again == article


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=200).filter(lambda s: s.strip()))
def test_round_trip_of_any_passage_text(taxonomy, text):
    article_text = article_yaml("any-text", [{"text": text}])
    article, problems = load_article_text(article_text, taxonomy, Path("any-text.yaml"))
    if article is None:  # text that YAML itself cannot hold is reported, not crashed on
        assert problems
        return
    again, problems = load_article_text(article_to_yaml(article), taxonomy, Path("any-text.yaml"))
    assert problems == []
    assert again == article


YAMLISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
              st.sampled_from(["energy", "challenge", "p01", "2024-01-01", "&a x", "*a", "{", "["])),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(["id", "title", "source", "authors", "published",
                                         "language", "passages", "text", "kind", "sectors",
                                         "actors", "reviewed", "other"]), children, max_size=6)),
    max_leaves=25)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(YAMLISH.map(lambda v: __import__("yaml").safe_dump(v)), st.text(max_size=300),
                 st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_loader_never_raises_on_arbitrary_input(taxonomy, text):
    article, problems = load_article_text(text, taxonomy, Path("x.yaml"))  # never raises
    assert article is not None or problems
    if article is None:  # refused: at least one error says why
        assert any(p.severity == "error" for p in problems)
    for problem in problems:
        assert problem.message
        assert problem.line is None or problem.line >= 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_loader_never_raises_on_arbitrary_bytes(tmp_path_factory, taxonomy, raw):
    folder = tmp_path_factory.mktemp("bytes")
    (folder / "x.yaml").write_bytes(raw)
    result = load_corpus(folder, taxonomy)
    assert result.files == 1
