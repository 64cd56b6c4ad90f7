"""Filters and passage selection, field by field and at every boundary.

Written against the mutants a mutation pass left alive (benchmarks/mutation.md): each test
pins one decision of ``filters.py`` or ``selection.py`` that the command-level tests let slide.
"""

from __future__ import annotations

from datetime import date

import pytest

from brief_cli import config
from brief_cli.errors import UnknownIdError, UsageError
from brief_cli.filters import Filters, check_language, language_code, parse_date
from brief_cli.model import Article, Corpus, Passage
from brief_cli.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(config.bundled_taxonomy_path())


def passage(kind="context", sectors=(), actors=(), pid="p01", article="a"):
    return Passage(id=pid, article_id=article, index=0, text="Some text.", kind=kind,
                   sectors=tuple(sectors), actors=tuple(actors))


def article(aid="a", published=date(2024, 6, 15), language="en", passages=()):
    return Article(id=aid, title=aid.title(), source="Test", published=published,
                   language=language, passages=tuple(passages))


# Filters: truth, merge, describe ----------------------------------------------------------------

@pytest.mark.parametrize("field, value", [
    ("sectors", ("energy",)), ("kinds", ("challenge",)), ("actors", ("china",)),
    ("articles", ("a",)), ("since", date(2020, 1, 1)), ("until", date(2020, 1, 1)),
    ("languages", ("zh",)),
])
def test_any_one_field_makes_filters_true(field, value):
    assert not Filters()
    assert Filters(**{field: value})


def test_merge_adds_every_field_without_repeats_and_keeps_the_tighter_dates():
    a = Filters(sectors=("energy", "trade"), kinds=("challenge",), actors=("china",),
                articles=("x",), since=date(2020, 1, 1), until=date(2024, 1, 1),
                languages=("en",))
    b = Filters(sectors=("trade", "tourism"), kinds=("opportunity", "challenge"),
                actors=("russia",), articles=("y", "x"), since=date(2019, 1, 1),
                until=date(2023, 1, 1), languages=("zh", "en"))
    assert a.merge(b) == Filters(
        sectors=("energy", "trade", "tourism"), kinds=("challenge", "opportunity"),
        actors=("china", "russia"), articles=("x", "y"), since=date(2020, 1, 1),
        until=date(2023, 1, 1), languages=("en", "zh"))
    # one side without a date: the other's date stands
    assert Filters().merge(Filters(until=date(2022, 5, 1))).until == date(2022, 5, 1)
    assert Filters(since=date(2022, 5, 1)).merge(Filters()).since == date(2022, 5, 1)
    assert Filters().merge(Filters()) == Filters()


def test_describe_names_each_field_in_use_in_order():
    f = Filters(sectors=("energy",), kinds=("challenge",), actors=("china",), articles=("a",),
                since=date(2020, 1, 2), until=date(2021, 3, 4), languages=("zh",))
    assert f.describe() == {"sectors": ["energy"], "kinds": ["challenge"], "actors": ["china"],
                            "articles": ["a"], "languages": ["zh"], "since": "2020-01-02",
                            "until": "2021-03-04"}
    assert list(f.describe()) == ["sectors", "kinds", "actors", "articles", "languages",
                                  "since", "until"]
    assert Filters().describe() == {}
    assert Filters(until=date(2021, 3, 4)).describe() == {"until": "2021-03-04"}


# resolved: canonical, without repeats, checked ---------------------------------------------------

def test_resolved_drops_repeats_of_every_field(taxonomy):
    f = Filters(sectors=("energy", "Energy"), kinds=("challenge", "Challenge"),
                actors=("china", "China"), articles=("a", "a"), languages=("zh", "chinese"),
                ).resolved(taxonomy, ["a"])
    assert (f.sectors, f.kinds, f.actors, f.articles, f.languages) == (
        ("energy",), ("challenge",), ("china",), ("a",), ("zh",))


def test_resolved_keeps_dates_and_accepts_the_same_day_twice(taxonomy):
    day = date(2024, 1, 1)
    f = Filters(since=day, until=day).resolved(taxonomy)
    assert (f.since, f.until) == (day, day)


def test_dates_the_wrong_way_round_name_both_and_suggest_swapping(taxonomy):
    with pytest.raises(UsageError) as info:
        Filters(since=date(2025, 1, 1), until=date(2024, 1, 1)).resolved(taxonomy)
    assert info.value.message == "--since 2025-01-01 is after --until 2024-01-01"
    assert info.value.hint == "swap the two dates"


def test_an_unknown_article_suggests_the_closest_known_one(taxonomy):
    with pytest.raises(UnknownIdError) as info:
        Filters(articles=("energy-outlok",)).resolved(taxonomy, ["energy-outlook", "tourism"])
    assert "energy-outlook" in str(info.value)
    # without a list of known ids, article ids are not checked
    assert Filters(articles=("anything",)).resolved(taxonomy).articles == ("anything",)


# accepts_article / accepts_passage: each field, both sides of each boundary ---------------------

def test_article_filters_each_field_and_date_boundaries():
    a = article("a", published=date(2024, 6, 15), language="zh-CN")
    assert Filters().accepts_article(a)
    assert Filters(articles=("a", "b")).accepts_article(a)
    assert not Filters(articles=("b",)).accepts_article(a)
    assert Filters(since=date(2024, 6, 15)).accepts_article(a)       # the day itself is in
    assert not Filters(since=date(2024, 6, 16)).accepts_article(a)
    assert Filters(until=date(2024, 6, 15)).accepts_article(a)
    assert not Filters(until=date(2024, 6, 14)).accepts_article(a)
    assert Filters(languages=("zh",)).accepts_article(a)
    assert not Filters(languages=("en",)).accepts_article(a)
    assert Filters(languages=("en", "zh")).accepts_article(a)


def test_passage_filters_any_value_of_a_field_and_all_fields():
    p = passage(kind="challenge", sectors=("energy", "trade"), actors=("china",))
    assert Filters().accepts_passage(p)
    assert Filters(kinds=("opportunity", "challenge")).accepts_passage(p)
    assert not Filters(kinds=("opportunity",)).accepts_passage(p)
    assert Filters(sectors=("tourism", "trade")).accepts_passage(p)   # any one sector
    assert not Filters(sectors=("tourism",)).accepts_passage(p)
    assert Filters(actors=("russia", "china")).accepts_passage(p)
    assert not Filters(actors=("russia",)).accepts_passage(p)
    assert not Filters(kinds=("challenge",), actors=("russia",)).accepts_passage(p)  # all fields
    assert not Filters(sectors=("energy",)).accepts_passage(passage())  # no sectors at all


# languages and dates -------------------------------------------------------------------------------

@pytest.mark.parametrize("value, code", [
    ("zh", "zh"), ("ZH", "zh"), (" zh-CN ", "zh"), ("zh_TW", "zh"), ("en-GB", "en"),
    ("", ""), (None, ""),
])
def test_language_code(value, code):
    assert language_code(value) == code


@pytest.mark.parametrize("value, code", [
    ("zh", "zh"), ("Chinese", "zh"), (" english ", "en"), ("中文", "zh"), ("汉语", "zh"),
    ("英文", "en"), ("zh-Hans", "zh"), ("fil", "fil"),
])
def test_check_language_accepts_codes_and_names(value, code):
    assert check_language(value) == code


@pytest.mark.parametrize("value", ["", "z", "french!", "deutsch", "1234", "zh1"])
def test_check_language_refuses_anything_else(value):
    with pytest.raises(UsageError) as info:
        check_language(value)
    assert str(info.value) == (
        f"--language takes a language code like zh or en; got {value!r}")


@pytest.mark.parametrize("value, option, expected", [
    ("2023", "--since", date(2023, 1, 1)), ("2023", "--until", date(2023, 12, 31)),
    (" 2023 ", "--until", date(2023, 12, 31)),
    ("2023-02", "--since", date(2023, 2, 1)), ("2023-02", "--until", date(2023, 2, 28)),
    ("2023-04", "--until", date(2023, 4, 30)), ("2023-12", "--until", date(2023, 12, 31)),
    ("2023-11-05", "--until", date(2023, 11, 5)), ("2023-11-05", "--since", date(2023, 11, 5)),
    ("2023", "since", date(2023, 1, 1)), ("2023", "until", date(2023, 12, 31)),
])
def test_parse_date_forms(value, option, expected):
    assert parse_date(value, option) == expected


@pytest.mark.parametrize("value", ["20234", "2023-13", "2023-1x", "2023/02", "abcd", ""])
def test_parse_date_refuses_with_the_option_and_value(value):
    with pytest.raises(UsageError) as info:
        parse_date(value, "--until")
    assert str(info.value) == (
        f"--until takes a date like 2024-07-05, 2024-07 or 2024; got {value!r}")


# select_passages without a query: corpus order, filters applied, values checked ---------------------

def test_select_without_a_query_keeps_corpus_order_and_applies_filters(taxonomy):
    from brief_cli.selection import select_passages

    a = article("a", published=date(2020, 1, 1), passages=[
        passage("challenge", ["energy"], pid="p01", article="a"),
        passage("context", ["trade"], pid="p02", article="a"),
        passage("challenge", ["trade"], pid="p03", article="a")])
    b = article("b", published=date(2022, 1, 1), passages=[
        passage("challenge", ["energy"], pid="p01", article="b")])
    corpus = Corpus(root=None, articles=(a, b))
    everything = select_passages(corpus, taxonomy)
    assert [s.passage.uid for s in everything.items] == ["a#p01", "a#p02", "a#p03", "b#p01"]
    assert all(s.score is None and s.spans == () for s in everything.items)
    assert len(everything) == 4 and everything and everything.query == ""
    chosen = select_passages(corpus, taxonomy, "  ", Filters(kinds=("Challenge",),
                                                             since=date(2021, 1, 1)))
    assert [s.passage.uid for s in chosen.items] == ["b#p01"]
    assert chosen.filters.kinds == ("challenge",)  # checked and made canonical
    assert chosen.items[0].article is b
    none = select_passages(corpus, taxonomy, "", Filters(sectors=("tourism",)))
    assert not none and len(none) == 0
    with pytest.raises(UnknownIdError):
        select_passages(corpus, taxonomy, "", Filters(articles=("c",)))
