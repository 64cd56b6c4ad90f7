"""Filters and completion helpers shared by every command."""

from __future__ import annotations

from datetime import date

import pytest

from brief_cli import config
from brief_cli.cli.app import complete_article_ids, complete_ids, complete_sector_ids
from brief_cli.errors import UnknownIdError, UsageError
from brief_cli.filters import Filters, parse_date
from brief_cli.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(config.bundled_taxonomy_path())


def test_values_are_made_canonical(taxonomy):
    f = Filters(sectors=("Clean Energy", "energy"), kinds=("Challenge",),
                actors=("Russian Federation", "UN", "cote d'ivoire")).resolved(taxonomy)
    assert f.sectors == ("clean-energy", "energy")
    assert f.kinds == ("challenge",)
    assert f.actors == ("russia", "un", "cote-divoire")


@pytest.mark.parametrize("filters, message", [
    (Filters(sectors=("enrgy",)), "unknown sector 'enrgy' (did you mean 'energy'"),
    (Filters(kinds=("challenges",)), "unknown kind 'challenges' (did you mean 'challenge'"),
    (Filters(actors=("Kazakstan",)), "unknown actor 'Kazakstan' (did you mean 'kazakhstan'"),
    (Filters(articles=("nope",)), "unknown article 'nope'"),
])
def test_unknown_values_suggest(taxonomy, filters, message):
    with pytest.raises(UnknownIdError) as info:
        filters.resolved(taxonomy, ["kazakhstan-bri-partner"])
    assert str(info.value).startswith(message)


def test_dates(taxonomy):
    assert parse_date("2024", "--since") == date(2024, 1, 1)
    assert parse_date("2024", "--until") == date(2024, 12, 31)
    assert parse_date("2024-02", "--until") == date(2024, 2, 29)
    assert parse_date("2024-07-05", "--since") == date(2024, 7, 5)
    with pytest.raises(UsageError):
        parse_date("yesterday", "--since")
    with pytest.raises(UsageError) as info:
        Filters(since=date(2025, 1, 1), until=date(2024, 1, 1)).resolved(taxonomy)
    assert "is after" in str(info.value)


def test_merge_and_or_semantics():
    a = Filters(sectors=("energy",), since=date(2020, 1, 1))
    b = Filters(sectors=("trade",), kinds=("challenge",), since=date(2021, 1, 1))
    m = a.merge(b)
    assert m.sectors == ("energy", "trade") and m.kinds == ("challenge",)
    assert m.since == date(2021, 1, 1)
    assert not Filters() and m


def test_completion():
    assert complete_article_ids(None, "kaz") == ["kazakhstan-bri-partner"]
    assert complete_ids(None, "kazakhstan-bri-partner#p1")[:2] == [
        "kazakhstan-bri-partner#p10", "kazakhstan-bri-partner#p11"]
    assert complete_sector_ids(None, "clean") == ["clean-energy"]


def test_nothing_close_lists_what_there_is(taxonomy):
    with pytest.raises(UnknownIdError) as info:
        Filters(sectors=("zzz",)).resolved(taxonomy)
    assert str(info.value).startswith("unknown sector 'zzz' (sectors are agriculture, ")
    with pytest.raises(UnknownIdError) as info:
        Filters(actors=("zzqx",)).resolved(taxonomy)
    assert "by id, name, alias or ISO code" in str(info.value)


def test_article_patterns_expand_in_corpus_order(taxonomy):
    ids = ["kaz-2019-a", "chn-2019", "kaz-2020-b", "kaz[1]"]
    f = Filters(articles=("kaz-202?-*", "chn-*", "kaz-*")).resolved(taxonomy, ids)
    assert f.articles == ("kaz-2020-b", "chn-2019", "kaz-2019-a")  # duplicates once
    # an id that looks like a pattern is taken as the id it names
    assert Filters(articles=("kaz[1]",)).resolved(taxonomy, ids).articles == ("kaz[1]",)
    with pytest.raises(UsageError, match="no article id matches 'usa-\\*'"):
        Filters(articles=("usa-*",)).resolved(taxonomy, ids)
    with pytest.raises(UnknownIdError, match="kaz-2020-b"):
        Filters(articles=("kaz-2020-c",)).resolved(taxonomy, ids)
    # without the corpus's ids there is nothing to expand against: values are kept
    assert Filters(articles=("kaz-*",)).resolved(taxonomy).articles == ("kaz-*",)
