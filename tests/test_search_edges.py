"""Searching at the edges a user meets: date filters that include their own day, in a corpus
that grew since its index was built; article and language filters; typo corrections chosen by
distance (a swap of two letters is one typo), then by how common a word is."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from brief_cli import config
from brief_cli.filters import Filters
from brief_cli.index import open_index
from brief_cli.search import search
from brief_cli.taxonomy import load_taxonomy
from helpers import article_yaml, write_corpus


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(config.bundled_taxonomy_path())


def _article(day: str, language: str = "en") -> dict:
    return dict(published=day, language=language,
                passages=[{"text": f"Solar panels were installed on {day}."},
                          {"text": "Wind turbines came later."}])


DATED = {"b-mid": _article("2023-06-01"), "a-early": _article("2023-01-10"),
         "c-late": _article("2024-02-01", "zh")}


def _search(root, taxonomy, query="solar", **filters):
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        result = search(ix, query, Filters(**filters), taxonomy=taxonomy, limit=None)
    return [h.article_id for h in result.hits], result


def _expected(articles: dict, since=None, until=None) -> list[str]:
    """The articles whose day is in [since, until], in corpus order (date, then id)."""
    days = {a: date.fromisoformat(spec["published"]) for a, spec in articles.items()}
    return [a for a in sorted(days, key=lambda a: (days[a], a))
            if (since is None or days[a] >= since) and (until is None or days[a] <= until)]


def _windows(articles: dict):
    days = sorted({date.fromisoformat(s["published"]) for s in articles.values()})
    one = timedelta(days=1)
    edges = [None, days[0] - one, *[d + k for d in days for k in (-one, 0 * one, one)],
             days[-1] + one]
    for since in edges:
        for until in edges:
            if not (since and until and since > until):  # that is a usage error
                yield since, until


def test_date_filters_include_their_own_day_and_nothing_outside(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", DATED)
    for since, until in _windows(DATED):
        found, result = _search(root, taxonomy, since=since, until=until)
        assert found == _expected(DATED, since, until), (since, until)
        assert result.total == len(found)


def test_date_filters_after_the_corpus_grew_around_its_articles(tmp_path, taxonomy):
    """Articles added before, between and after the indexed ones (an incremental refresh)
    are filtered by date as if the index had been built with them."""
    root = write_corpus(tmp_path / "c", DATED)
    _search(root, taxonomy)  # the index is built now
    grown = dict(DATED, **{"z-first": _article("2022-12-31"), "m-between": _article("2023-06-01"),
                           "d-between": _article("2023-03-15"), "e-last": _article("2025-01-01")})
    write_corpus(root, {k: v for k, v in grown.items() if k not in DATED})
    for since, until in _windows(grown):
        found, _ = _search(root, taxonomy, since=since, until=until)
        assert found == _expected(grown, since, until), (since, until)


def test_article_and_language_filters(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", DATED)
    assert _search(root, taxonomy, articles=("c-late", "a-early"))[0] == ["a-early", "c-late"]
    assert _search(root, taxonomy, articles=("b-mid",))[0] == ["b-mid"]
    assert _search(root, taxonomy, languages=("zh",))[0] == ["c-late"]
    assert _search(root, taxonomy, languages=("en",))[0] == ["a-early", "b-mid"]
    found, result = _search(root, taxonomy, languages=("ja",))
    assert found == [] and result.total == 0
    found, result = _search(root, taxonomy, articles=("c-late",), languages=("en",))
    assert found == [] and result.total == 0
    # filters alone list every passage they leave, in corpus order
    found, result = _search(root, taxonomy, "", articles=("b-mid",))
    assert [h.uid for h in result.hits] == ["b-mid#p01", "b-mid#p02"]


TYPO_CORPUS = {
    "trade-note": dict(published="2024-01-01", passages=[
        {"text": "Trade grew. Trade fell. Trade grew again."},
        {"text": "More trade with the neighbours."},
        {"text": "Trade, trade, trade."}]),
    "grade-note": dict(published="2024-01-02", passages=[
        {"text": "A higher grade of steel."}]),
    "parade-note": dict(published="2024-01-03", passages=[
        {"text": "The parade was long."}]),
}


def test_a_typo_is_corrected_to_the_nearest_words_the_commonest_first(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", TYPO_CORPUS)
    _, result = _search(root, taxonomy, "brade")  # one letter from trade and grade
    assert result.corrections == {"brade": ("trade", "grade")}  # trade is the commoner
    assert {h.article_id for h in result.hits} == {"trade-note", "grade-note"}
    assert all(h.typo for h in result.hits)


def test_two_swapped_letters_are_one_typo(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", TYPO_CORPUS)
    _, result = _search(root, taxonomy, "prade")  # one letter from trade, grade and parade
    assert result.corrections["prade"] == ("trade", "grade", "parade")
    _, result = _search(root, taxonomy, "tarde")  # t-a-r swapped: one typo from trade only
    assert result.corrections == {"tarde": ("trade",)}
    _, result = _search(root, taxonomy, "steal")  # s-t-e-e-l is one letter away
    assert result.corrections == {"steal": ("steel",)}
    _, result = _search(root, taxonomy, "zzzzz")  # nothing within reach: no correction
    assert result.corrections == {} and result.total == 0


QUERIES = [("solar", {}), ("solar OR wind", {}), ("", {"articles": ("b-mid",)}),
           ("wind", {"since": date(2023, 6, 1)}), ("sloar", {}), ("zzzzqqq", {}),
           ("solar", {"languages": ("ja",)}), ("-solar", {"articles": ("a-early",)})]


def test_every_match_by_rowid_is_what_search_finds_in_its_order(tmp_path, taxonomy):
    """The review queue's path (``matching_rowids``, then ``passages_by_rowid``) gives every
    hit of a search, in the search's order, not a page of it."""
    from brief_cli.search import matching_rowids, passages_by_rowid

    root = write_corpus(tmp_path / "c", DATED)
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        for query, filters in QUERIES:
            found = search(ix, query, Filters(**filters), taxonomy=taxonomy, limit=None)
            rowids = matching_rowids(ix, query, Filters(**filters), taxonomy=taxonomy)
            assert [h.uid for h in passages_by_rowid(ix, rowids)] == [
                h.uid for h in found.hits], (query, filters)
        rowids = matching_rowids(ix, "solar", taxonomy=taxonomy)
        assert len(rowids) == 3
        backwards = passages_by_rowid(ix, [rowids[2], 10**15, rowids[0]])  # one held by none
        assert [h.article_id for h in backwards] == ["c-late", "a-early"]


def test_every_match_with_its_highlights_as_search_shows_them(tmp_path, taxonomy):
    """``kwic`` reads every match at once (``match_spans``): the same passages, texts and
    highlighted spans as the search's hits, in corpus order."""
    from brief_cli.search import match_spans, prepare

    root = write_corpus(tmp_path / "c", DATED)
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        for query, filters in QUERIES:
            found = search(ix, query, Filters(**filters), taxonomy=taxonomy, limit=None)
            expected = sorted((h.rowid, h.text, h.spans) for h in found.hits)
            prep = prepare(ix, query, Filters(**filters), taxonomy=taxonomy)
            got = list(match_spans(ix, prep))
            if found.searched:
                assert got == expected, (query, filters)
                assert all(spans for _, _, spans in got)
            else:  # filters alone: nothing to highlight, nothing to show in context
                assert got == [], (query, filters)


def test_counts_per_article_and_sector_with_the_typo_fixed(tmp_path, taxonomy):
    from brief_cli.search import count

    articles = dict(DATED, **{"d-more": dict(published="2023-03-01", passages=[
        {"text": "Solar, solar.", "sectors": ["clean-energy"]},
        {"text": "Solar again.", "sectors": ["clean-energy", "energy"]},
        {"text": "Solar once more."}])})
    root = write_corpus(tmp_path / "c", articles)
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        counts = count(ix, "sloar", taxonomy=taxonomy)
        assert counts.corrections == {"sloar": ("solar",)}
        assert counts.total == 6
        assert [(a, n) for a, _title, n in counts.articles] == [
            ("d-more", 3), ("a-early", 1), ("b-mid", 1), ("c-late", 1)]  # most, then in order
        assert counts.sectors == (("(none)", 4), ("clean-energy", 2), ("energy", 1))
        assert count(ix, "sloar", taxonomy=taxonomy, exact=True).total == 0  # no typo fixing


def test_a_query_prepared_exactly_fixes_no_typo(tmp_path, taxonomy):
    from brief_cli.search import prepare

    root = write_corpus(tmp_path / "c", DATED)
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        assert prepare(ix, "sloar", taxonomy=taxonomy).corrections == {"sloar": ("solar",)}
        assert prepare(ix, "sloar", taxonomy=taxonomy, exact=True).corrections == {}


def test_a_hit_carries_its_article_and_passage_as_written(tmp_path, taxonomy):
    """What a hit shows (title, source, authors, link, date, tags, review state, place in the
    article) is the article's own, field by field; nothing is suggested when something was
    found."""
    root = write_corpus(tmp_path / "c", {
        "grid-note": dict(title="Grid Note", source="Energy Weekly", published="2023-04-05",
                          authors=["Ann Author", "Ben Writer"], url="https://example.org/grid",
                          passages=[
                              {"text": "Wind farms in the steppe."},
                              {"text": "Trade rules for the grid.", "kind": "challenge",
                               "sectors": ["energy", "trade"], "actors": ["kazakhstan"],
                               "reviewed": False}]),
        "grade-note": dict(url=None, passages=[{"text": "A grade of steel."}])})
    found, result = _search(root, taxonomy, "trade")
    assert result.suggestions == ()  # "grade" and "parade" are near, but "trade" was found
    (hit,) = result.hits
    assert (hit.uid, hit.article_id, hit.passage_id, hit.index, hit.rank) == (
        "grid-note#p02", "grid-note", "p02", 1, 1)
    assert (hit.title, hit.source, hit.published, hit.url) == (
        "Grid Note", "Energy Weekly", date(2023, 4, 5), "https://example.org/grid")
    assert hit.authors == ("Ann Author", "Ben Writer")
    assert (hit.kind, hit.sectors, hit.actors, hit.reviewed) == (
        "challenge", ("energy", "trade"), ("kazakhstan",), False)
    assert hit.text == "Trade rules for the grid." and hit.spans == ((0, 5),)
    _, other = _search(root, taxonomy, "grade")
    assert other.hits[0].url is None and other.hits[0].authors == ("Ann Author",)
    _, nothing = _search(root, taxonomy, "grde")  # too short to correct
    assert nothing.total == 0 and "grade" in nothing.suggestions


ZH = {
    "zh-note": dict(title="中哈合作观察", published="2024-07-05", language="zh", passages=[
        {"text": "两国共建“一带一路”取得丰硕成果，中欧班列开行数量持续增长。"},
        {"text": "管道运输面临风险，能源合作仍有困难。"},
        {"text": "哈萨克斯坦与 China 在 5G 网络方面开展合作。"}]),
    "en-note": dict(published="2024-01-10", passages=[
        {"text": "Pipelines carry gas from Kazakhstan to China."}]),
}


def test_every_chinese_match_with_its_highlights_as_search_shows_them(tmp_path, taxonomy):
    """kwic on Chinese text: the characters of a word are highlighted as one span, as the
    search shows them, mixed with English words, and with filters."""
    from brief_cli.search import match_spans, prepare

    root = write_corpus(tmp_path / "c", ZH)
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        for query, filters in [("一带一路", {}), ("合作", {}), ("China 合作", {}),
                               ("china", {}), ("合作", {"languages": ("zh",)}),
                               ("合作", {"languages": ("en",)}), ("班列 OR pipelines", {})]:
            found = search(ix, query, Filters(**filters), taxonomy=taxonomy, limit=None)
            prep = prepare(ix, query, Filters(**filters), taxonomy=taxonomy)
            got = list(match_spans(ix, prep))
            assert got == sorted((h.rowid, h.text, h.spans) for h in found.hits), query
        prep = prepare(ix, "一带一路", taxonomy=taxonomy)
        ((_rowid, text, spans),) = match_spans(ix, prep)
        assert [text[a:b] for a, b in spans] == ["一带一路"]
        prep = prepare(ix, "China 合作", taxonomy=taxonomy)
        ((_rowid, text, spans),) = match_spans(ix, prep)
        assert sorted(text[a:b] for a, b in spans) == ["China", "合作"]


def test_passages_around_a_hit_stay_in_its_article(tmp_path, taxonomy):
    """-C N: up to N passages before and after, in order, never from another article."""
    from brief_cli.search import neighbours

    texts = ["One river.", "Two roads.", "Three bridges here.", "Four ports.", "Five towns."]
    root = write_corpus(tmp_path / "c", {
        "a-first": dict(published="2024-01-01", passages=[{"text": t} for t in texts]),
        "b-next": dict(published="2024-01-02", passages=[{"text": "Bridges again."},
                                                         {"text": "Six fields."}])})
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        hits = {h.uid: h for h in search(ix, "bridges", taxonomy=taxonomy, limit=None).hits}
        middle, other = hits["a-first#p03"], hits["b-next#p01"]

        def around(hit, n):
            before, after = neighbours(ix, hit, n)
            assert all(h.rank == 0 and h.spans == () for h in before + after)
            return [h.uid for h in before], [h.text for h in after]

        assert around(middle, 0) == ([], [])
        assert around(middle, 1) == (["a-first#p02"], ["Four ports."])
        assert around(middle, 2) == (["a-first#p01", "a-first#p02"],
                                     ["Four ports.", "Five towns."])
        assert around(middle, 9) == (["a-first#p01", "a-first#p02"],
                                     ["Four ports.", "Five towns."])
        assert around(other, 3) == ([], ["Six fields."])


def test_a_result_says_what_was_searched_and_which_page_it_holds(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", DATED)
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        whole = search(ix, "sloar since:2023-03-01", taxonomy=taxonomy, limit=None)
        assert [h.article_id for h in whole.hits] == ["b-mid", "c-late"]
        assert (whole.total, whole.searched, whole.offset) == (2, "solar", 0)
        assert whole.filters == Filters(since=date(2023, 3, 1))  # the inline filter, resolved
        assert whole.ranked and whole.seconds > 0 and all(h.typo for h in whole.hits)
        for limit, offset, expected in ((0, 0, []), (1, 0, whole.hits[:1]),
                                        (1, 1, whole.hits[1:]), (5, 2, []), (5, 9, [])):
            page = search(ix, "sloar since:2023-03-01", taxonomy=taxonomy, limit=limit,
                          offset=offset)
            assert page.total == 2 and page.offset == offset, (limit, offset)
            assert [(h.uid, h.rank) for h in page.hits] == [
                (h.uid, h.rank) for h in expected], (limit, offset)
        listed = search(ix, "", Filters(languages=("zh",)), taxonomy=taxonomy)
        assert not listed.ranked and listed.searched == "" and listed.hits[0].score is None
        assert [h.rank for h in listed.hits] == [1, 2]


def test_excluded_words_with_and_without_tag_filters(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", {"k-note": dict(published="2024-01-01", passages=[
        {"text": "Solar risk.", "kind": "challenge"}, {"text": "Wind risk.", "kind": "challenge"},
        {"text": "Solar hope.", "kind": "opportunity"}, {"text": "Plain wind."}])})
    for query, expected in (("-solar kind:challenge", ["k-note#p02"]),
                            ("-solar", ["k-note#p02", "k-note#p04"]),
                            ("-wind kind:challenge kind:opportunity", ["k-note#p01", "k-note#p03"]),
                            ("kind:challenge", ["k-note#p01", "k-note#p02"]),
                            ("risk -solar", ["k-note#p02"])):
        found, result = _search(root, taxonomy, query)
        assert [h.uid for h in result.hits] == expected, query
        assert result.total == len(expected)


def test_dates_and_articles_filter_together_and_before_every_article(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", DATED)
    found, _ = _search(root, taxonomy, since=date(2023, 6, 1), articles=("a-early", "c-late"))
    assert found == ["c-late"]
    found, _ = _search(root, taxonomy, "", until=date(2023, 6, 1), articles=("b-mid", "c-late"))
    assert found == ["b-mid", "b-mid"]
    # a day before every article leaves nothing, with or without words to search
    for query in ("", "wind", "solar OR wind"):
        found, result = _search(root, taxonomy, query, until=date(2022, 12, 31))
        assert found == [] and result.total == 0, query


def test_a_query_prepared_for_some_articles_resolves_patterns_among_them(tmp_path, taxonomy):
    """A caller that loaded only some of the articles (``article_ids``) has article patterns
    matched among those, not among every article of the index."""
    from brief_cli.search import prepare

    root = write_corpus(tmp_path / "c", DATED)
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        prep = prepare(ix, "solar", Filters(articles=("*-*",)), taxonomy=taxonomy,
                       article_ids=["a-early", "c-late"])
        assert prep.filters.articles == ("a-early", "c-late")
        assert prepare(ix, "solar", Filters(articles=("*-*",)),
                       taxonomy=taxonomy).filters.articles == ("a-early", "b-mid", "c-late")


def test_every_match_by_rowid_with_tag_filters_named_as_the_user_names_them(tmp_path, taxonomy):
    """The review queue passes sector and actor names as typed: they are resolved through the
    taxonomy it is given, as search resolves them."""
    from brief_cli.search import matching_rowids, passages_by_rowid

    root = write_corpus(tmp_path / "c", {"t-note": dict(published="2024-01-01", passages=[
        {"text": "Oil.", "sectors": ["energy"], "actors": ["kazakhstan"]},
        {"text": "Gas.", "sectors": ["trade"]}, {"text": "Coal.", "sectors": ["energy"]}])})
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        for filters, expected in (({"sectors": ("Energy",)}, ["t-note#p01", "t-note#p03"]),
                                  ({"actors": ("Kazakhstan",)}, ["t-note#p01"])):
            rowids = matching_rowids(ix, "", Filters(**filters), taxonomy=lambda: taxonomy)
            assert [h.uid for h in passages_by_rowid(ix, rowids)] == expected
            assert all(h.reviewed for h in passages_by_rowid(ix, rowids))


def test_a_short_unknown_word_still_gets_suggestions(tmp_path, taxonomy):
    """Three letters are too few to correct a typo in, but not to suggest words for."""
    root = write_corpus(tmp_path / "c", {"g-note": dict(published="2024-01-01", passages=[
        {"text": "Gas prices rose."}])})
    _, result = _search(root, taxonomy, "gaz")
    assert result.total == 0 and result.corrections == {}
    assert "gas" in result.suggestions
    _, result = _search(root, taxonomy, "gs")  # two letters: nothing to go on
    assert result.total == 0 and result.suggestions == ()


def test_counts_of_excluded_words_alone_search_no_words(tmp_path, taxonomy):
    from brief_cli.search import count

    root = write_corpus(tmp_path / "c", DATED)
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        counts = count(ix, "-solar", taxonomy=taxonomy)
        assert (counts.total, counts.searched) == (3, "")
        assert counts.searched == search(ix, "-solar", taxonomy=taxonomy).searched
        assert count(ix, "wind -solar", taxonomy=taxonomy).searched == "wind -solar"


def _near_corpus(words: list[str]) -> dict:
    return {"w-note": dict(published="2024-01-01", passages=[
        {"text": " ".join(words[i:i + 10]) + "."} for i in range(0, len(words), 10)])}


def test_a_typo_is_corrected_to_the_nearest_word_among_many_within_reach(tmp_path, taxonomy):
    """More than fifty words within two letters of a long typo, and the one a single letter
    away sorts after them all: the correction is still the nearest word."""
    typo = "corridorz"  # nine letters: two typos allowed
    far = [f"c{a}{b}ridorz" for a in "abcdefgh" for b in "pqstuvw"]  # two letters away
    near = "zorridorz"  # one letter away, last in alphabetical order
    root = write_corpus(tmp_path / "c", _near_corpus(far + [near]))
    _, result = _search(root, taxonomy, typo)
    assert result.corrections == {typo: (near,)}
    assert [h.text.count(near) for h in result.hits] == [1]


def test_a_typo_is_corrected_to_the_commonest_of_many_words_one_letter_away(tmp_path, taxonomy):
    """Eight words one letter from the typo: the three most common are searched, wherever
    they sort."""
    typo = "marke"
    words = [f"{c}arke" for c in "bcdfghjk"]  # each one letter from "marke", its own stem
    common = ["harke", "jarke", "karke"]  # in more passages than the others
    root = write_corpus(tmp_path / "c", {"w-note": dict(published="2024-01-01", passages=[
        {"text": " ".join(words) + "."}, *({"text": f"{w} again."} for w in common),
        *({"text": f"{w} once more."} for w in common)])})
    _, result = _search(root, taxonomy, typo)
    assert set(result.corrections[typo]) == set(common)


def test_counts_are_found_where_search_names_them_and_sectors_go_commonest_first(tmp_path,
                                                                                 taxonomy):
    from brief_cli import search as search_module
    from brief_cli.search import count

    root = write_corpus(tmp_path / "c", {"s-note": dict(published="2024-01-01", passages=[
        {"text": "Rail one.", "sectors": ["trade"]}, {"text": "Rail two.", "sectors": ["trade"]},
        {"text": "Rail three.", "sectors": ["energy", "trade"]}])})
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        counts = count(ix, "rail", taxonomy=taxonomy)
    assert isinstance(counts, search_module.Counts)
    assert counts.sectors == (("trade", 3), ("energy", 1))  # the commonest first, not by name
    with pytest.raises(AttributeError):
        search_module.NoSuchThing  # noqa: B018


def test_a_prepared_query_resolves_sector_names_through_its_taxonomy(tmp_path, taxonomy):
    from brief_cli.search import prepare

    root = write_corpus(tmp_path / "c", DATED)
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        prep = prepare(ix, "solar", Filters(sectors=("Energy",)), taxonomy=lambda: taxonomy)
        assert prep.filters.sectors == ("energy",)


NEAR = {"n-note": dict(published="2024-01-01", passages=[
    {"text": "Solar and polar and sonar."}, {"text": "Polar again, sonar again."},
    {"text": "Trade, trade and trades."}, {"text": "Gas."}]),
    "m-note": dict(published="2024-01-02", passages=[{"text": "Nothing near here."}])}


def test_suggestions_for_a_word_found_elsewhere_are_the_other_near_words(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", NEAR)
    _, result = _search(root, taxonomy, "solar", articles=("m-note",))
    assert result.total == 0 and result.suggestions == ("polar", "sonar")


def test_suggestions_for_every_word_past_chinese_and_short_ones(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", NEAR)
    for query in ("中文 gaz", "gs gaz", "gaz", '"gs gaz"'):
        _, result = _search(root, taxonomy, query)
        assert result.total == 0 and "gas" in result.suggestions, query


def test_at_most_three_suggestions_for_a_word_the_commonest_first(tmp_path, taxonomy):
    words = [f"{c}arke" for c in "bcdfghjk"]  # each one letter from "marke"
    root = write_corpus(tmp_path / "c", {"w-note": dict(published="2024-01-01", passages=[
        {"text": " ".join(words) + "."}, {"text": "harke jarke karke."},
        {"text": "harke jarke."}, {"text": "harke."}])})
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        result = search(ix, "marke", Filters(), taxonomy=taxonomy, exact=True)
    assert result.total == 0 and result.suggestions == ("harke", "jarke", "karke")


def test_a_typo_is_corrected_to_one_word_of_each_stem(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", NEAR)
    _, result = _search(root, taxonomy, "tradse")  # one typo from "trade" and from "trades"
    assert result.corrections == {"tradse": ("trade",)}  # the commoner; both find the same
    assert len(result.hits) == 1


def test_a_prefix_after_a_plain_word_finds_words_whose_stem_is_shorter(tmp_path, taxonomy):
    """"investi*" finds "investing" (stem "invest"), also after another word."""
    root = write_corpus(tmp_path / "c", {"p-note": dict(published="2024-01-01", passages=[
        {"text": "Pipeline investing grows."}, {"text": "Pipeline maintenance."}])})
    for query in ("investi*", "pipeline investi*", '"pipeline" investi*'):
        found, _ = _search(root, taxonomy, query)
        assert found == ["p-note"], query
