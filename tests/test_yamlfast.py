"""The fast reader of article files gives exactly what the safe loader gives, or gives up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from brief_cli import yamlfast, yamlio
from brief_cli.corpus import article_to_yaml, load_article_text
from brief_cli.model import Article, Passage

ROOT = Path(__file__).resolve().parents[1]


def reference(text: str):
    return yaml.load(text, Loader=yamlio._Loader)


def same(a, b) -> bool:
    """Equal, and of the same types (True == 1 and 1.0 == 1 for ``==``)."""
    return a == b and repr(a) == repr(b)


def check(text: str, must_read: bool = False) -> None:
    got = yamlfast.read(text)
    if must_read:
        assert got is not None, text
    if got is None:
        return
    try:
        expected = reference(text)
    except yaml.YAMLError as exc:  # pragma: no cover - the failure this test looks for
        raise AssertionError(f"read a text the loader refuses ({exc}):\n{text}") from None
    assert same(got, expected), text


# Articles as brief writes them ------------------------------------------------------------

words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
                max_size=40).map(str.strip).filter(bool)
tags = st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True), max_size=4)
passages = st.builds(
    lambda i, text, kind, sectors, actors, reviewed: Passage(
        f"p{i:02d}", "x", i, text, kind, tuple(sectors), tuple(actors), reviewed),
    st.integers(1, 99), st.text(min_size=1, max_size=300).map(str.strip).filter(bool),
    st.sampled_from(["context", "challenge", "opportunity"]), tags, tags, st.booleans())
articles = st.builds(
    lambda pid, title, source, authors, day, ps, section, note, url: Article(
        pid, title, source, day, "en", tuple(ps), tuple(authors), section, note, url),
    st.from_regex(r"[a-z][a-z0-9-]{0,30}", fullmatch=True), words, words,
    st.lists(words, max_size=3), st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
    st.lists(passages, min_size=1, max_size=4), st.none() | words, st.none() | words,
    st.none() | st.from_regex(r"https://[a-z.]{1,20}/[a-z0-9/-]{0,40}", fullmatch=True))


@settings(max_examples=300, deadline=None)
@given(articles)
def test_articles_written_by_brief_read_as_the_loader_reads_them(article):
    check(article_to_yaml(article))


def test_the_usual_article_is_read_by_the_fast_reader():
    text = article_to_yaml(Article(
        "an-id", "A title: with a colon", "Source", dt.date(2024, 7, 5), "en",
        (Passage("p01", "an-id", 0, "Text " * 60 + "# not a comment", "context", ("energy",),
                 ("china", "kazakhstan"), True),
         Passage("p02", "an-id", 1, "'Quoted' start and\nline break", "challenge"),
         Passage("p03", "an-id", 2, "Ünïcode 中文 text", "opportunity", (), (), False)),
        ("Ann Author",), None, None, "https://example.org/a"))
    check(text, must_read=True)


def test_the_bundled_article_and_generated_layouts_are_read():
    check((ROOT / "data" / "briefs" / "kazakhstan-bri-partner.yaml").read_text("utf-8"),
          must_read=True)
    generated = ('id: synth-1\ntitle: "A \\"quoted\\" title"\nsource: "S"\nauthors: ["A B"]\n'
                 "author_note: null\npublished: 2025-11-05\nurl: https://example.org/x\n"
                 'language: en\npassages:\n  - id: p01\n    text: "Text, with: colon."\n'
                 "    kind: opportunity\n    sectors: [diplomacy, labour]\n    actors: []\n"
                 "    reviewed: false\n")
    check(generated, must_read=True)
    check(yaml.safe_dump({"id": "x", "passages": [{"id": "p01", "sectors": ["a", "b"]}],
                          "published": "2020-01-01"}), must_read=True)


# Anything else: read the same, or left to the loader --------------------------------------

fragments = st.sampled_from([
    "id", "text", "kind", "sectors", "actors", "reviewed", "no", "on", "null", "~", "yes",
    "true", "False", "12", "1.5", "0x1f", "2024-01-02", "2024-01-02 10:00:00", "-", "- ",
    ": ", ":", "#", " #", "# c", "'", "''", '"', '\\"', "\\", "\\n", "\\x41", "\\u00e9", "[",
    "]", "[]", "{", "}", ",", "&a", "*a", "!!str", "|", "|-", ">", "---", "...", "  ", "   ",
    "\t", "\r", "\u2028", "\x85", "\ufeff", "\xa0", "é", "中", "a", "b c", "x:y", "%", "@",
    "?", "<<", "=", "\n", "\n  ", "\n    ", "\n- ", "\n  - ", "\n\n",
])
values = st.lists(fragments, max_size=4).map("".join)
lines = st.tuples(
    st.sampled_from(["", "", "  ", "    ", "   ", "      "]), st.sampled_from(["", "", "- "]),
    st.sampled_from(["id", "text", "kind", "no", "a", "x y", "", "- a"]),
    st.sampled_from([": ", ":", ":  ", ": ", ""]),
    values | st.sampled_from(["plain words", "'quoted'", '"dq"', "[a, b]", "[]", "|", "|-",
                              "null", "true", "2024-01-02"])).map("".join)
texts = st.lists(lines, max_size=12).map("\n".join) | st.lists(fragments, max_size=40).map("".join)


@settings(max_examples=1500, deadline=None)
@given(texts)
@example("id: a\npassages:\n- id: p01\n  text: one\n    two\n  kind: x\n")
@example("a: 'x\n  y'\nb: |\n  l1\n\n  l2\n")
@example("a: [x,\n  y]\nb: \"q\\\"\"\n")
@example("a: b\n# c\n- x\n")
@example("- a\n")
@example("id: |\n  id: ")  # a literal block at the end of a file without a line break
@example("a:\n- x\n-  y: 1\n   z: [no]\n")
def test_any_text_is_read_as_the_loader_reads_it_or_left_to_it(text):
    check(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([
    "id: a\n", "title: T\n", "authors: [A, 'B']\n", "passages:\n", "- id: p01\n",
    "  - id: p01\n", "  text: one\n", "    text: \"two\"\n", "    more words\n",
    "      more\n", "  kind: context\n", "    kind: context\n", "  sectors: [a, b]\n",
    "    sectors: []\n", "  actors: [yes]\n", "    actors: [x]\n", "  reviewed: true\n",
    "    reviewed: false\n", "\n", "# note\n", "note: |\n", "  block line\n",
]), max_size=25).map("".join))
def test_article_like_texts_are_read_as_the_loader_reads_them(text):
    check(text)


def test_a_problem_in_a_fast_read_file_has_its_line():
    text = ("id: a-b\ntitle: T\nsource: S\nauthors: []\npublished: 2024-01-02\nlanguage: en\n"
            "passages:\n- id: p01\n  text: t\n  kind: nonsense\n  sectors: []\n  actors: []\n"
            "  reviewed: false\n")
    assert yamlfast.read(text) is not None
    from brief_cli import config
    from brief_cli.taxonomy import load_taxonomy

    tax = load_taxonomy(config.bundled_taxonomy_path())
    article, problems = load_article_text(text, tax, Path("a-b.yaml"))
    assert article is None
    assert [(p.message, p.line, p.column) for p in problems] == [
        ("unknown kind 'nonsense'", 10, 9)]


@pytest.mark.parametrize("path", sorted((ROOT / "data").rglob("*.yaml")))
def test_shipped_files(path):
    check(path.read_text("utf-8"))
