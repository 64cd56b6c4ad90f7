"""Ingest writes an article only once the corpus loader reads its YAML back as the same
article. For an article made of characters that YAML writes as they are, the loader's checks
run on the article's own values instead of a parse of the text (``batch.render_checked``):
the verdict, and the text written, must be what the parse gives, whatever the text holds."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brief_cli.config import bundled_taxonomy_path
from brief_cli.ingest.batch import _as_is, render_checked
from brief_cli.model import Article, Passage
from brief_cli.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy(bundled_taxonomy_path())

# Characters YAML gives a meaning to, white space, values YAML reads as other types, long
# lines (folded when written), accented and Chinese letters; then what YAML escapes or reads
# back as something else: other line breaks, a byte order mark, tabs, controls, an emoji.
_AS_IS = list("ab Z09-:#&*!|>'\"%@`?,[]{}~.\n") + [
    "\xa0", "é", "中", "null", "true", "No", "yes", "~", "1.5", "0x1F", "2024-01-15", "- ",
    ": ", " #", "---", "...", "  ", " \n", "\n\n", "<<", "=", ".inf", "'quoted'", "\"q\"",
    "a" * 120, "word " * 30]
_ODD = ["\t", "\r", "\x85", "\u2028", "\u2029", "\ufeff", "\U0001f600", "\x00", "\x7f"]
_raw = st.one_of(*[st.lists(st.sampled_from(_AS_IS), max_size=14).map("".join)] * 4,
                 st.lists(st.sampled_from(_AS_IS + _ODD), max_size=14).map("".join))
# Mostly what the loader keeps as it is (stripped, not empty), sometimes not.
_kept = _raw.map(str.strip).filter(bool)
_text = st.one_of(*[_kept.map(lambda t: "x" + t + "x"), _kept] * 3, _raw)
_word = st.lists(st.sampled_from(list("abc xyz") + ["null", "1", ":", "#", "é"]), min_size=1,
                 max_size=5).map("".join).map(str.strip).filter(bool)


def _mostly(valid, *odd):
    return st.one_of(*[st.just(valid)] * 30, st.sampled_from(odd))


@st.composite
def articles(draw) -> Article:
    passages = tuple(
        Passage(id=draw(_mostly("p01", "p1", "P01", "01", "p 1")) if k == 0
                else f"p{k + 1:02d}",
                article_id="an-article", index=k, text=draw(_text),
                kind=draw(_mostly("context", "challenge", "opportunity", "Context")),
                sectors=tuple(draw(st.lists(_mostly("energy", "trade", "no-such"), max_size=2,
                                            unique=True))),
                actors=tuple(draw(st.lists(_mostly("china", "kazakhstan", "PRC"), max_size=2,
                                           unique=True))),
                reviewed=draw(st.booleans()))
        for k in range(draw(st.integers(1, 3))))
    return Article(
        id=draw(_mostly("an-article", "An-Article", "a b", "2024", "null")),
        title=draw(st.one_of(_word, _text)), source=draw(st.one_of(_word, _text)),
        published=draw(st.dates(date(1, 1, 1), date(9999, 12, 31))),
        language=draw(_mostly("en", "zh", "true", " en")), passages=passages,
        authors=tuple(draw(st.lists(st.one_of(_word, _text), max_size=2))),
        section=draw(st.one_of(st.none(), _text)),
        author_note=draw(st.one_of(st.none(), _text)),
        url=draw(st.one_of(st.none(), st.just("https://example.org/a?b=c#d"), _text)),
        fetched=draw(st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2100, 1, 1)))))


@settings(max_examples=400, deadline=None)
@given(article=articles())
def test_the_check_without_a_parse_gives_the_parse_s_verdict(article):
    assert render_checked(article, TAXONOMY) == render_checked(article, TAXONOMY, parse=True)


_as_is_pieces = st.lists(st.sampled_from(_AS_IS), min_size=1, max_size=14).map("".join)
_as_is_text = st.one_of(_as_is_pieces.map(lambda t: "x" + t + "x"),
                        _as_is_pieces.map(str.strip).filter(bool))


@st.composite
def loadable_articles(draw) -> Article:
    """Articles the loader reads back (valid ids, kinds and tags), of texts written as is."""
    passages = tuple(
        Passage(id=f"p{k + 1:02d}", article_id="an-article", index=k, text=draw(_as_is_text),
                kind=draw(st.sampled_from(["context", "challenge", "opportunity"])),
                sectors=tuple(draw(st.lists(st.sampled_from(["energy", "trade"]), max_size=2,
                                            unique=True))),
                actors=tuple(draw(st.lists(st.sampled_from(["china", "kazakhstan"]),
                                           max_size=2, unique=True))),
                reviewed=draw(st.booleans()))
        for k in range(draw(st.integers(1, 3))))
    optional = st.one_of(st.none(), _as_is_text)
    return Article(
        id="an-article", title=draw(_as_is_text), source=draw(_as_is_text),
        published=draw(st.dates(date(1, 1, 1), date(9999, 12, 31))), language="en",
        passages=passages, authors=tuple(draw(st.lists(_as_is_text, max_size=2))),
        section=draw(optional), author_note=draw(optional), url=draw(optional),
        fetched=draw(st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2100, 1, 1)))))


@settings(max_examples=300, deadline=None)
@given(article=loadable_articles())
def test_texts_written_as_is_load_back_as_the_check_without_a_parse_says(article):
    assert _as_is(article)
    assert render_checked(article, TAXONOMY) == render_checked(article, TAXONOMY, parse=True)


def test_articles_of_every_day_text_are_checked_without_a_parse(monkeypatch):
    from brief_cli import corpus

    article = Article(
        id="kz-2024", title="Kazakhstan at the UN General Debate, 2024", source="UN",
        published=date(2024, 9, 24), language="en", authors=("Kassym-Jomart Tokayev",),
        passages=(Passage("p01", "kz-2024", 0, "Mr. President: the world — and Côte "
                          "d'Ivoire — needs \"peace\"; 50% of us: #1 priority!", "challenge",
                          ("energy",), ("kazakhstan",), False),))
    assert _as_is(article)
    parses = []
    real = corpus.load_article_text
    monkeypatch.setattr(corpus, "load_article_text",
                        lambda *a, **k: parses.append(1) or real(*a, **k))
    text, problem = render_checked(article, TAXONOMY)
    assert problem is None and text == corpus.article_to_yaml(article) and not parses
    assert render_checked(article, TAXONOMY, parse=True) == (text, None) and parses


@pytest.mark.parametrize("odd", ["\x85", "\u2028", "\ufeff", "\r", "\t", "\U0001f600", "\x7f"])
def test_a_character_yaml_does_not_write_as_is_means_a_parse(odd):
    article = Article(id="a", title="T", source="S", published=date(2024, 1, 1), language="en",
                      passages=(Passage("p01", "a", 0, f"one{odd}two", "context"),))
    assert not _as_is(article)


def test_the_word_list_read_directly_is_wordfreq_s():
    """``ingest.words`` reads wordfreq's English list from its data file (the import of
    wordfreq costs more than the list, in every worker of a batch): the same words, the same
    frequencies, in the same order."""
    wordfreq = pytest.importorskip("wordfreq")
    from brief_cli.ingest.words import _read_word_list

    table = _read_word_list()
    assert table is not None, "wordfreq's data file was not found where wordfreq 3 keeps it"
    expected = wordfreq.get_frequency_dict("en", wordlist="large")
    assert list(table.items()) == list(expected.items())
