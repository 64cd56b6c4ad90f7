"""The query language: parsing, inline filters, and safe FTS5 expressions for any string."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brief_cli.errors import BriefError, UsageError
from brief_cli.filters import Filters
from brief_cli.query import MAX_TERMS, Term, parse


def words(q):
    return [[str(t) for t in clause] for clause in q.clauses]


def test_words_are_anded():
    q = parse("pipeline risk")
    assert words(q) == [["pipeline"], ["risk"]]
    assert q.to_fts() == '"pipeline" AND "risk"'


def test_phrase_or_not_and_prefix():
    q = parse('"silk road" solar OR wind -coal NOT oil invest*')
    assert words(q) == [['"silk road"'], ["solar", "wind"], ["invest*"]]
    assert [str(t) for t in q.excluded] == ["coal", "oil"]
    assert q.to_fts() == ('("silk road" AND ("solar" OR "wind") AND "invest"*) '
                          'NOT ("coal" OR "oil")')


def test_inline_filters():
    q = parse('sector:energy Kind:challenge actor:"south africa" article:a-b since:2020 '
              'until:2021-06 gas')
    assert words(q) == [["gas"]]
    f = q.filters
    assert f.sectors == ("energy",) and f.kinds == ("challenge",)
    assert f.actors == ("south africa",) and f.articles == ("a-b",)
    assert f.since == date(2020, 1, 1) and f.until == date(2021, 6, 30)


def test_repeated_inline_filters_add_up():
    q = parse("sector:energy sector:trade")
    assert q.filters.sectors == ("energy", "trade")
    assert not q.has_terms


def test_unknown_field_and_empty_value_are_words():
    assert words(parse("foo:bar")) == [['"foo bar"']]
    assert words(parse("sector:")) == [["sector"]]


def test_inner_punctuation_makes_a_phrase():
    assert words(parse("long-term U.S. China's")) == [['"long term"'], ['"U S"'], ['"China s"']]


def test_fts_keywords_are_plain_words():
    assert parse("NEAR(a, b) ^x").to_fts() == '"NEAR a" AND "b" AND "x"'


@pytest.mark.parametrize("text", ['"', '""', "*", "^", ":", ";", "OR", "NOT", "AND",
                                  "-", "- -", "(", ")", "🎉", "OR OR", "   "])
def test_syntax_alone_is_ignored(text):
    q = parse(text)
    assert not q.clauses and not q.excluded
    assert q.to_fts() == ""


def test_unbalanced_quote_closes_at_the_end():
    q = parse('"silk road')
    assert words(q) == [['"silk road"']]


def test_quotes_inside_terms_are_safe():
    q = parse('a"b')
    assert q.to_fts() == '"a" AND "b"'


def test_cjk_and_accents_are_kept():
    q = parse("中国 Côte")
    assert [t.tokens for t in q.terms()] == [("中国",), ("Côte",)]


def test_leading_or_and_dangling_not():
    assert words(parse("OR solar")) == [["solar"]]
    assert words(parse("solar NOT")) == [["solar"]]
    assert words(parse("solar OR -coal")) == [["solar"]]


def test_duplicates_are_dropped():
    assert words(parse("solar solar OR solar")) == [["solar"]]


def test_excluding_a_filter_is_an_error():
    with pytest.raises(UsageError) as info:
        parse("-sector:energy gas")
    assert str(info.value) == ("cannot exclude a filter (sector:energy) (filters only keep "
                               "passages; choose the values to keep)")


def test_bad_inline_date_is_an_error():
    with pytest.raises(UsageError) as info:
        parse("since:yesterday")
    assert "takes a date like" in str(info.value)


def test_too_many_terms():
    with pytest.raises(UsageError) as info:
        parse(" ".join(f"w{i}" for i in range(MAX_TERMS + 1)))
    assert str(info.value) == (f"the query has {MAX_TERMS + 1} terms; at most {MAX_TERMS} are "
                               "allowed (search for fewer words)")


def test_a_long_single_word_is_fine():
    q = parse("a" * 10_000)
    assert len(q.terms()) == 1


def test_replacements_for_typos():
    q = parse("pipelnie risk")
    term = q.clauses[0][0]
    fixed = q.to_fts({term: (Term("pipeline", ("pipeline",)), Term("pipelines", ("pipelines",)))})
    assert fixed == '("pipeline" OR "pipelines") AND "risk"'
    assert q.to_fts({term: ()}) == '"risk"'
    assert q.describe({term: (Term("pipeline", ("pipeline",)),)}) == "pipeline risk"


def may_refuse(text: str) -> bool:
    """The only queries parse() may refuse: some with an inline filter (excluded, next to OR,
    a bad date) and those with too many terms."""
    import re

    has_filter = re.search(r"(?i)\b(sectors?|kinds?|actors?|articles?|since|until):", text)
    return bool(has_filter) or len(re.findall(r"[^\W_]+", text)) > MAX_TERMS


def test_may_refuse_is_narrow():
    assert not may_refuse("solar OR wind -coal \"silk road\" invest* ()^:")
    assert may_refuse("sector:energy OR kind:challenge")


def test_or_between_filters_of_different_fields_is_refused():
    for text in ("sector:energy OR kind:challenge", "solar OR sector:energy",
                 "kind:challenge OR wind", "since:2020 OR since:2021"):
        with pytest.raises(UsageError, match="OR cannot join"):
            parse(text)
    q = parse("sector:energy OR sector:trade solar OR wind")
    assert q.filters.sectors == ("energy", "trade")
    assert words(q) == [["solar", "wind"]]


def test_a_decomposed_accent_is_the_precomposed_letter():
    decomposed = parse("cafe\u0301 re\u0301gion")
    assert decomposed == parse("caf\u00e9 r\u00e9gion")
    assert words(decomposed) == [["caf\u00e9"], ["r\u00e9gion"]]


@pytest.fixture(scope="module")
def fts():
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE f USING fts5(text, tags, cjk, "
                "tokenize='porter unicode61 remove_diacritics 2')")
    con.execute("INSERT INTO f VALUES ('the silk road and the long-term pipeline', '', '')")
    return con


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_string_parses_to_a_valid_fts_expression(fts, text):
    try:
        q = parse(text)
    except UsageError:
        assert may_refuse(text), f"{text!r} was refused"
        return
    for expr in (q.to_fts(), q.excluded_fts()):
        if expr:
            fts.execute("SELECT rowid FROM f WHERE f MATCH ?", (expr,)).fetchall()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(['"', "-", "*", "OR", "NOT", "AND", "(", ")", ":", "^", "NEAR(",
                                 "sector:", "kind:", "word", "é", "中", " ", "+", "\\", "'"]),
                max_size=30))
def test_syntax_soup_parses(fts, parts):
    text = "".join(parts)
    try:
        q = parse(text)
    except UsageError:
        assert may_refuse(text), f"{text!r} was refused"
        return
    expr = q.to_fts()
    if expr:
        fts.execute("SELECT rowid FROM f WHERE f MATCH ?", (expr,)).fetchall()


def test_describe_shows_every_alternative_and_keeps_a_dropped_term():
    q = parse("pipelnie risk")
    term = q.clauses[0][0]
    two = (Term("pipeline", ("pipeline",)), Term("pipelines", ("pipelines",)))
    assert q.describe({term: two}) == "pipeline OR pipelines risk"
    assert q.describe({term: ()}) == "pipelnie risk"
    assert parse("solar OR wind -coal").describe() == "solar OR wind -coal"


def test_or_between_two_dates_of_either_kind_is_refused():
    for text in ("until:2020 OR until:2021", "since:2020 OR until:2021"):
        with pytest.raises(UsageError, match="OR cannot join") as info:
            parse(text)
        assert "two values of one filter" in info.value.hint
    with pytest.raises(UsageError, match="OR cannot join 'sector:energy' and 'wind'"):
        parse("sector:energy OR wind")


def test_lexer_edges_that_mutants_survived():
    assert parse("a -b -c").excluded_fts() == '"b" OR "c"'
    assert words(parse("Xinjiang Xi")) == [["Xinjiang"], ["Xi"]]  # X is not an operator
    assert [str(t) for t in parse("-x").excluded] == ["x"]  # a one-letter exclusion
    assert [str(t) for t in parse("-a b").excluded] == ["a"] and words(parse("-a b")) == [["b"]]
    prefix = parse("invest*").clauses[0][0]
    assert (prefix.text, prefix.prefix) == ("invest", True)
    quoted = parse('"energy"').clauses[0][0]
    assert quoted.quoted and not quoted.is_word  # a quoted word gets no typo tolerance


def test_an_empty_query_is_empty_and_keeps_its_text():
    for text in ("", None):
        q = parse(text)
        assert (q.text, q.clauses, q.excluded, q.to_fts()) == ("", (), (), "")
    q = parse("gas")
    assert q.text == "gas" and q.filters == Filters()  # no filter is an empty filter
    assert not q.filters.since and q.filters.since is None and q.filters.until is None


def test_a_quoted_phrase_may_be_excluded_or_a_prefix_and_ends_at_its_quote():
    q = parse('-"silk road" pipeline')
    assert [str(t) for t in q.excluded] == ['"silk road"'] and words(q) == [["pipeline"]]
    q = parse('"silk road"* solar')
    (phrase,), (solar,) = q.clauses
    assert (phrase.tokens, phrase.quoted, phrase.prefix) == (("silk", "road"), True, True)
    assert str(phrase) == '"silk road"*' and str(solar) == "solar"
    assert q.to_fts() == '"silk road"* AND "solar"'
    assert words(parse('"silk road"solar')) == [['"silk road"'], ["solar"]]
    assert words(parse('"silk road"*solar')) == [['"silk road"*'], ["solar"]]
    assert words(parse('"silk road" solar "belt road"')) == [
        ['"silk road"'], ["solar"], ['"belt road"']]
    assert words(parse('"" solar')) == [["solar"]]  # empty quotes are nothing
    assert words(parse('""solar')) == [["solar"]]


def test_a_quoted_phrase_after_or_is_checked_like_a_word():
    assert words(parse('solar OR "silk road"')) == [["solar", '"silk road"']]
    with pytest.raises(UsageError, match="OR cannot join 'sector:energy' and 'silk road'"):
        parse('sector:energy OR "silk road"')


def test_a_quoted_filter_value_ends_at_its_quote():
    q = parse('actor:"south africa"gas "silk road"')
    assert q.filters.actors == ("south africa",)
    assert words(q) == [["gas"], ['"silk road"']]
    q = parse('actor:"south africa" "silk road" actor:"cote d\'ivoire"')
    assert q.filters.actors == ("south africa", "cote d'ivoire") and words(q) == [['"silk road"']]
    q = parse('kind:challenge"silk road"')  # a value already given: the quotes are a phrase
    assert q.filters.kinds == ("challenge",) and words(q) == [['"silk road"']]
    q = parse('actor:"" gas')  # an empty value is no filter
    assert q.filters.actors == () and words(q) == [["actor"], ["gas"]]
    assert parse("article:ns:id-1").filters.articles == ("ns:id-1",)  # a value keeps its colons
    assert parse("lang:zh gas").filters.languages == ("zh",)


def test_words_after_and_and_after_punctuation_are_kept():
    assert words(parse("solar AND wind")) == [["solar"], ["wind"]]
    assert words(parse("solar ; wind - coal")) == [["solar"], ["wind"], ["coal"]]


def test_the_term_limit_counts_excluded_terms_and_allows_exactly_the_limit():
    assert len(parse(" ".join(f"w{i}" for i in range(MAX_TERMS))).terms()) == MAX_TERMS
    with pytest.raises(UsageError, match=f"the query has {MAX_TERMS + 1} terms"):
        parse("solar " + " ".join(f"-w{i}" for i in range(MAX_TERMS)))


def test_the_messages_of_refused_queries_in_full():
    with pytest.raises(UsageError) as info:
        parse("sector:energy OR kind:challenge")
    assert str(info.value) == (
        "OR cannot join 'sector:energy' and 'kind:challenge' (OR joins words, or two values of "
        "one filter (sector:energy OR sector:trade); other filters always narrow the search)")
    with pytest.raises(UsageError) as info:
        parse("NOT article:a-b")
    assert str(info.value).startswith("cannot exclude a filter (article:a-b)")
    for text, option in (("since:yesterday", "--since"), ("until:soon", "--until")):
        with pytest.raises(UsageError) as info:
            parse(text)
        assert str(info.value).startswith(f"{option} takes a date like"), str(info.value)


def test_a_chinese_term_searches_its_words_and_its_characters():
    from brief_cli.lang.segment import query_words

    text = "哈萨克斯坦能源合作"
    cut = query_words(text)
    assert len(cut) > 1  # the segmenter makes words of it
    (term,) = parse(text).terms()
    chars = " ".join(text)
    assert term.fts() == f'(text : "{" ".join(cut)}" OR cjk : "{chars}")'
    (prefix,) = parse("中国*").terms()
    assert prefix.fts() == '(text : "中国"* OR cjk : "中 国")'  # only words can be prefixes
    (mixed,) = parse("5G网络").terms()  # letters beside characters: words only
    assert mixed.fts() == 'text : "' + " ".join(query_words("5G网络")) + '"'
    assert parse("一带一路 OR 丝路").to_fts().count(" OR cjk : ") == 2


def test_words_ending_in_capital_letters_keep_them():
    q = parse("TAX XBOX* -IMAX")
    assert [t.tokens for t in q.terms()] == [("TAX",), ("XBOX",)]
    assert [str(t) for t in q.excluded] == ["IMAX"]
    assert q.to_fts() == '("TAX" AND "XBOX"*) NOT ("IMAX")'
