"""`brief compare`, `brief trends` and `brief kwic` against a hand-made corpus whose counts,
shares and differences are worked out by hand below."""

from __future__ import annotations

import csv
import io
import json
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from helpers import write_corpus

from brief_cli.analysis import stats
from brief_cli.analysis.kwic import parse_sort
from brief_cli.errors import UsageError
from brief_cli.render.analysis import sparkline

LONG_ID = "a-very-long-article-identifier-about-central-asian-railway-corridors-2023"

# Ten passages in four articles (plus one with a long id, used only where said):
#   years: 2020: 5 (kz-2020 3, cn-2020 2), 2021: 0, 2022: 2, 2023: 3
#   sectors: infrastructure 4 (2020: 2, 2023: 2), trade 3, economy 2, agriculture 2,
#            energy 1, clean-energy 1, digital 1
#   actor:kazakhstan (A): 6 passages; actor:china (B): 5; both: cn-2023#p02
#   infrastructure: A 1/6, B 4/5  -> difference -63.3 points, z = -2.10, p = 0.036
#   kinds: A challenge 3, opportunity 3, context 0; B challenge 1, opportunity 2, context 2
#   only A: energy, clean-energy, agriculture; only B: digital
#   "debt": kz-2020#p02 twice, cn-2020#p01 once -> 3 lines in 2 passages
ARTICLES = {
    "kz-2020": dict(published="2020-03-01", passages=[
        {"text": "Kazakhstan plans a new pipeline for oil exports. The pipeline will carry oil.",
         "kind": "challenge", "sectors": ["energy"], "actors": ["kazakhstan"]},
        {"text": "Debt is rising, and debt service costs worry Kazakhstan.",
         "kind": "challenge", "sectors": ["economy"], "actors": ["kazakhstan"]},
        {"text": "Kazakhstan sees solar farms as an opportunity.",
         "kind": "opportunity", "sectors": ["clean-energy"], "actors": ["kazakhstan"]},
    ]),
    "kz-2022": dict(published="2022-06-15", passages=[
        {"text": "Kazakhstan expands wheat exports along new rail corridors.",
         "kind": "opportunity", "sectors": ["agriculture", "trade"], "actors": ["kazakhstan"]},
        {"text": "Drought hurt the wheat harvest in Kazakhstan.",
         "kind": "challenge", "sectors": ["agriculture"], "actors": ["kazakhstan"]},
    ]),
    "cn-2020": dict(published="2020-09-10", passages=[
        {"text": "China offers loans for a railway; the debt burden grows.",
         "kind": "challenge", "sectors": ["economy", "infrastructure"], "actors": ["china"]},
        {"text": "China builds a railway to Europe.",
         "kind": "context", "sectors": ["infrastructure"], "actors": ["china"]},
    ]),
    "cn-2023": dict(published="2023-11-20", passages=[
        {"text": "China invests in digital trade platforms.",
         "kind": "opportunity", "sectors": ["digital", "trade"], "actors": ["china"]},
        {"text": "China and Kazakhstan sign a trade deal on railway transit.",
         "kind": "opportunity", "sectors": ["trade", "infrastructure"],
         "actors": ["china", "kazakhstan"]},
        {"text": "Railway freight between China and Europe grew.",
         "kind": "context", "sectors": ["infrastructure"], "actors": ["china"]},
    ]),
}

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
MATCH_STYLE = "\x1b[1;33m"


@pytest.fixture
def corpus_dir(tmp_path):
    return write_corpus(tmp_path / "corpus", ARTICLES)


@pytest.fixture
def long_corpus(tmp_path):
    articles = dict(ARTICLES)
    articles[LONG_ID] = dict(published="2023-12-01", passages=[
        {"text": "The railway corridor needs new debt relief, and debt talks start in May.",
         "kind": "challenge", "sectors": ["infrastructure"], "actors": []}])
    return write_corpus(tmp_path / "long", articles)


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def as_json(run, *args):
    return json.loads(ok(run(*args, "--format", "json")).stdout)


def terminal(run, *args, columns=80):
    return run(*args, env={"COLUMNS": str(columns), "BRIEF_FORCE_TERMINAL": "1"})


def check_width(text, columns):
    for line in ANSI.sub("", text).splitlines():
        assert cell_len(line) <= columns, line


# Statistics ---------------------------------------------------------------------------------

def test_fisher_exact_by_hand():
    assert stats.fisher_exact(3, 4, 1, 4) == pytest.approx(0.4857, abs=1e-4)  # the tea tasting
    assert stats.fisher_exact(10, 10, 0, 10) == pytest.approx(2 / math.comb(20, 10))
    assert stats.fisher_exact(1, 23, 0, 183) == pytest.approx(23 / 206)
    assert stats.fisher_exact(2, 4, 2, 4) == pytest.approx(1.0)
    assert stats.fisher_exact(0, 0, 1, 3) == 1.0


def test_small_counts_choose_the_exact_test():
    assert stats.small_counts(1, 6, 4, 5)  # every cell expects fewer than 5
    assert stats.small_counts(1, 23, 0, 183)  # 1 in all: 23 / 206 expected on side A
    assert not stats.small_counts(50, 100, 30, 100)  # smallest cell expects 40
    assert stats.small_counts(2, 100, 2, 100) and not stats.small_counts(5, 100, 5, 100)


def test_a_large_selection_keeps_the_z_test():
    from collections import Counter

    from brief_cli.analysis.compare import _diffs

    (big,) = _diffs(Counter(x=50), Counter(x=30), 100, 100, str)
    z, p = stats.two_proportion_z(50, 100, 30, 100)
    assert (big.test, big.p, big.z) == ("z", p, z)
    (small,) = _diffs(Counter(x=1), Counter(x=4), 6, 5, str)
    assert (small.test, small.p) == ("fisher", pytest.approx(37 / 462))


def test_two_proportion_z_by_hand():
    z, p = stats.two_proportion_z(1, 6, 4, 5)
    # pooled 5/11; se = sqrt(5/11 * 6/11 * (1/6 + 1/5)) = 0.30151
    assert z == pytest.approx(-(4 / 5 - 1 / 6) / 0.301511, rel=1e-4)
    assert p == pytest.approx(0.0357, abs=5e-4)
    assert stats.two_proportion_z(3, 10, 3, 10) == (0.0, 1.0)
    assert stats.two_proportion_z(0, 10, 0, 10) == (0.0, 1.0)


def test_holm_adjusts_in_order():
    assert stats.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert stats.holm([]) == []


def test_log_likelihood_and_log_ratio_by_hand():
    # 10 in 1,000 words against 0 in 1,000: expected 5 each; G2 = 2 * 10 * ln 2
    assert stats.log_likelihood(10, 0, 1000, 1000) == pytest.approx(20 * math.log(2))
    assert stats.log_likelihood(5, 5, 1000, 1000) == 0
    assert stats.log_ratio(10, 5, 1000, 1000) == pytest.approx(1.0)
    assert stats.log_ratio(10, 0, 1000, 1000) == pytest.approx(math.log2(20))
    assert stats.g2_p(3.84) == pytest.approx(0.05, abs=1e-3)


# trends -------------------------------------------------------------------------------------

def test_trends_sectors_by_year_known_counts(run, corpus_dir):
    rows = as_json(run, "trends", "--corpus", corpus_dir)
    periods = sorted({r["period"] for r in rows})
    assert periods == ["2020", "2021", "2022", "2023"]  # 2021 is empty, and shown
    infra = {r["period"]: r for r in rows if r["series"] == "infrastructure"}
    assert [infra[p]["count"] for p in periods] == [2, 0, 0, 2]
    assert infra["2020"]["share"] == 0.4 and infra["2020"]["period_passages"] == 5
    assert infra["2021"]["share"] == 0 and infra["2021"]["period_passages"] == 0
    assert infra["2023"]["share"] == round(2 / 3, 4)


def test_trends_kinds_by_quarter_fill_empty_quarters(run, corpus_dir):
    rows = as_json(run, "trends", "--corpus", corpus_dir, "--of", "kinds", "--by", "quarter")
    periods = sorted({r["period"] for r in rows})
    assert periods[0] == "2020-Q1" and periods[-1] == "2023-Q4" and len(periods) == 16
    challenge = {r["period"]: r["count"] for r in rows if r["series"] == "challenge"}
    assert challenge["2020-Q1"] == 2 and challenge["2020-Q3"] == 1 and challenge["2022-Q2"] == 1
    assert sum(challenge.values()) == 4


@pytest.mark.parametrize("filters", [[], ["--kind", "challenge"], ["--actor", "china"],
                                     ["--since", "2021"], ["--query", "railway"]])
def test_trends_totals_equal_sectors_totals(run, corpus_dir, filters):
    if filters[:1] == ["--query"]:
        trend_args, sector_args = [filters[1], "--of", "sectors"], filters
    else:
        trend_args = sector_args = filters
    rows = as_json(run, "trends", "--corpus", corpus_dir, *trend_args)
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["series"]] = totals.get(r["series"], 0) + r["count"]
    sectors = as_json(run, "sectors", "--corpus", corpus_dir, *sector_args)
    assert totals == {s["id"]: s["passages"] for s in sectors}


def test_trends_of_query_hits_share_of_all_passages(run, corpus_dir):
    rows = as_json(run, "trends", "railway", "--corpus", corpus_dir)
    by = {r["period"]: r for r in rows}
    assert {r["series"] for r in rows} == {"hits"}
    assert by["2020"]["count"] == 2 and by["2020"]["period_passages"] == 5
    assert by["2023"]["count"] == 2 and by["2023"]["share"] == round(2 / 3, 4)
    assert by["2021"]["count"] == 0


def test_trends_actors_top_and_csv(run, corpus_dir):
    result = ok(run("trends", "--corpus", corpus_dir, "--of", "actors", "--top", "1",
                    "--format", "csv"))
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["series"] for r in rows} == {"kazakhstan"}
    assert sum(int(r["count"]) for r in rows) == 6


def test_trends_month_range_and_errors(run, corpus_dir):
    rows = as_json(run, "trends", "--corpus", corpus_dir, "--by", "month",
                   "--since", "2020-01", "--until", "2020-12")
    assert sorted({r["period"] for r in rows}) == [f"2020-{m:02d}" for m in range(1, 13)]
    bad = run("trends", "--corpus", corpus_dir, "--of", "hits")
    assert bad.exit_code == 2 and "needs a query" in bad.stderr
    nothing = run("trends", "zzzqqq", "--exact", "--corpus", corpus_dir)
    assert nothing.exit_code == 1


def test_trends_terminal_has_sparklines_and_fits(run, corpus_dir):
    for columns in (80, 120):
        result = ok(terminal(run, "trends", "--corpus", corpus_dir, columns=columns))
        check_width(result.stdout, columns)
        plain = ANSI.sub("", result.stdout)
        infra = next(line for line in plain.splitlines() if line.startswith("Infrastructure"))
        assert "█··█" in infra  # 2, 0, 0, 2


def test_trends_piped_is_tab_separated(run, corpus_dir):
    result = ok(run("trends", "--corpus", corpus_dir, "--of", "kinds"))
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == ["series", "label", "total", "2020", "2021", "2022", "2023"]
    assert "\x1b" not in result.stdout


def test_sparkline():
    assert sparkline([0, 1, 2, 4]) == "·▂▄█"
    assert sparkline([0, 0]) == "··"
    assert sparkline([3]) == "█"


# kwic ---------------------------------------------------------------------------------------

def test_kwic_one_line_per_occurrence_same_passages_as_search_exact(run, corpus_dir):
    rows = as_json(run, "kwic", "debt", "--corpus", corpus_dir)
    assert [r["id"] for r in rows] == ["kz-2020#p02", "kz-2020#p02", "cn-2020#p01"]
    assert [r["match"] for r in rows] == ["Debt", "debt", "debt"]
    assert rows[1]["left"] == "Debt is rising, and" and rows[1]["right"].startswith("service")
    hits = as_json(run, "search", "debt", "--exact", "--corpus", corpus_dir, "-n", "100")
    assert {r["id"] for r in rows} == {h["id"] for h in hits}


@pytest.mark.parametrize("query", ["railway", "china", '"trade deal"', "export*", "pipeline"])
def test_kwic_matches_search_exact(run, corpus_dir, query):
    rows = as_json(run, "kwic", query, "--corpus", corpus_dir)
    hits = as_json(run, "search", query, "--exact", "--corpus", corpus_dir, "-n", "100")
    assert {r["id"] for r in rows} == {h["id"] for h in hits}
    assert len(rows) >= len(hits)


def test_kwic_phrase_is_one_line_and_stems_match(run, corpus_dir):
    rows = as_json(run, "kwic", '"trade deal"', "--corpus", corpus_dir)
    assert [(r["id"], r["match"]) for r in rows] == [("cn-2023#p02", "trade deal")]
    rows = as_json(run, "kwic", "export", "--corpus", corpus_dir)  # stems: exports
    assert [r["match"] for r in rows] == ["exports", "exports"]
    rows = as_json(run, "kwic", "pipeline", "--corpus", corpus_dir)
    assert len(rows) == 2 and {r["id"] for r in rows} == {"kz-2020#p01"}


def test_kwic_exact_has_no_typo_tolerance(run, corpus_dir):
    assert run("kwic", "raillway", "--corpus", corpus_dir).exit_code == 1
    found = run("search", "raillway", "--corpus", corpus_dir)
    assert found.exit_code == 0  # search corrects it; kwic, like search --exact, does not


def test_kwic_sort_by_right_and_left_words(run, corpus_dir):
    rows = as_json(run, "kwic", "railway", "--corpus", corpus_dir, "--sort", "R1")
    assert [re.findall(r"\w+", r["right"])[0].casefold() for r in rows] == \
        ["freight", "the", "to", "transit"]
    rows = as_json(run, "kwic", "railway", "--corpus", corpus_dir, "--sort", "L1")
    assert [r["left"].split()[-1].casefold() if r["left"] else "" for r in rows] == \
        ["", "a", "a", "on"]


def test_kwic_filters_width_and_csv(run, corpus_dir):
    result = ok(run("kwic", "railway", "--corpus", corpus_dir, "--since", "2023",
                    "--width", "10", "--format", "csv"))
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == ["cn-2023#p02", "cn-2023#p03"]
    assert all(len(r["left"]) <= 10 and len(r["right"]) <= 10 for r in rows)
    assert list(rows[0])[:8] == ["id", "article", "passage", "published", "kind", "left",
                                 "match", "right"]


def test_parse_sort():
    assert parse_sort("L2R1") == (("L", 2), ("R", 1))
    assert parse_sort("r1, r2") == (("R", 1), ("R", 2))
    assert parse_sort("") == ()
    with pytest.raises(UsageError):
        parse_sort("X1")


def test_kwic_errors(run, corpus_dir):
    bad = run("kwic", "debt", "--sort", "middle", "--corpus", corpus_dir)
    assert bad.exit_code == 2 and "L1" in bad.stderr
    empty = run("kwic", "sector:energy", "--corpus", corpus_dir)
    assert empty.exit_code == 2 and "word or phrase" in empty.stderr
    assert "Traceback" not in bad.stderr + empty.stderr


@pytest.mark.parametrize("columns", [80, 120])
def test_kwic_terminal_fits_and_keeps_ids_whole(run, long_corpus, columns):
    result = ok(terminal(run, "kwic", "debt", "--corpus", long_corpus, columns=columns))
    check_width(result.stdout, columns)
    plain = ANSI.sub("", result.stdout)
    assert plain.count(LONG_ID + "#p01") == 2  # two occurrences, id never cut
    for line in plain.splitlines():
        if "#p" in line:
            assert re.search(r"[\w-]+#p\d\d", line).group() in (
                LONG_ID + "#p01", "kz-2020#p02", "cn-2020#p01")
    # the match column is aligned: every match starts at the same place
    starts = {cell_len(ANSI.sub("", line[:line.index(MATCH_STYLE)]))
              for line in result.stdout.splitlines() if MATCH_STYLE in line}
    assert len(starts) == 1
    # three of five ids fit: fewer than three quarters, so every id goes above its line
    lines = plain.splitlines()
    assert len(lines) == 10 and all(re.fullmatch(r"[\w-]+#p\d\d", x) for x in lines[::2])
    # with one long id among many short ones, only the long one goes above its line
    many = ok(terminal(run, "kwic", "debt OR railway OR china", "--corpus", long_corpus,
                       columns=columns))
    check_width(many.stdout, columns)
    lines = ANSI.sub("", many.stdout).splitlines()
    assert [x.strip() for x in lines].count(LONG_ID + "#p01") == 3  # debt twice, railway
    inline = [x for x in lines if re.search(r"  (kz|cn)-20\d\d#p\d\d$", x)]
    assert len(inline) == len(lines) - 6


def test_kwic_piped_plain_lines(run, corpus_dir):
    result = ok(run("kwic", "debt", "--corpus", corpus_dir, "--width", "12"))
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and "\x1b" not in result.stdout
    assert lines[0].endswith("kz-2020#p02")
    assert len({line.casefold().index("debt") for line in lines}) == 1


# compare ------------------------------------------------------------------------------------

def test_compare_actors_known_numbers(run, corpus_dir):
    data = as_json(run, "compare", "actor:kazakhstan", "actor:china", "--corpus", corpus_dir)
    assert data["a"]["passages"] == 6 and data["b"]["passages"] == 5 and data["overlap"] == 1
    sectors = {d["key"]: d for d in data["sectors"]}
    infra = sectors["infrastructure"]
    assert (infra["a_count"], infra["b_count"]) == (1, 4)
    assert infra["difference"] == pytest.approx(1 / 6 - 4 / 5)
    assert infra["z"] == pytest.approx(-2.1004, abs=1e-3)
    # 1 of 6 against 4 of 5: cells expect fewer than 5 passages, so Fisher's exact test: of the
    # tables with these margins (C(5,a)C(6,6-a) of 462), those no likelier than a=1 (30) are
    # a=0 (1), a=1 (30) and a=5 (6)
    assert infra["test"] == "fisher" and infra["p"] == pytest.approx(37 / 462)
    assert data["sectors"][0]["key"] == "infrastructure"  # the biggest difference first
    kinds = {d["key"]: (d["a_count"], d["b_count"]) for d in data["kinds"]}
    assert kinds == {"challenge": (3, 1), "opportunity": (3, 2), "context": (0, 2)}
    assert set(data["only_a"]["sectors"]) == {"energy", "clean-energy", "agriculture"}
    assert data["only_b"]["sectors"] == {"digital": 1}
    assert data["only_a"]["actors"] == {} and data["only_b"]["actors"] == {}


def test_compare_option_sides_equal_query_sides(run, corpus_dir):
    by_query = as_json(run, "compare", "actor:kazakhstan", "actor:china", "--corpus", corpus_dir)
    by_options = as_json(run, "compare", "--a-actor", "kazakhstan", "--b-actor", "china",
                         "--corpus", corpus_dir)
    assert by_query["sectors"] == by_options["sectors"]
    assert by_query["terms_a"] == by_options["terms_a"]


def test_compare_with_itself_shows_no_difference(run, corpus_dir):
    data = as_json(run, "compare", "actor:china", "actor:china", "--corpus", corpus_dir)
    assert data["overlap"] == 5
    for d in data["sectors"] + data["kinds"] + data["actors"]:
        assert d["difference"] == 0 and d["p"] == 1.0 and not d["significant"]
    assert data["terms_a"] == [] and data["terms_b"] == [] and data["examples"] == []
    assert data["only_a"] == {"sectors": {}, "actors": {}} == data["only_b"]
    text = ok(terminal(run, "compare", "actor:china", "actor:china", "--corpus",
                       corpus_dir)).stdout
    assert "same passages" in text and "*" not in ANSI.sub("", text).split("Kinds")[1]


def test_compare_dates_and_rest(run, corpus_dir):
    data = as_json(run, "compare", "--a-until", "2021", "--b-since", "2022",
                   "--corpus", corpus_dir)
    assert (data["a"]["passages"], data["b"]["passages"]) == (5, 5)
    # a year as --a-until means the end of that year (cn-2020 is from September)
    data = as_json(run, "compare", "--a-until", "2020", "--b-since", "2022-06",
                   "--corpus", corpus_dir)
    assert (data["a"]["passages"], data["b"]["passages"]) == (5, 5)
    rest = as_json(run, "compare", "kz-2020", "--corpus", corpus_dir)
    assert rest["a"]["passages"] == 3 and rest["b"]["passages"] == 7 and rest["overlap"] == 0
    assert rest["a"]["name"] == "kz-2020" and rest["b"]["name"] == "the rest"


def test_compare_shared_filters_apply_to_both(run, corpus_dir):
    data = as_json(run, "compare", "actor:kazakhstan", "actor:china", "--kind", "challenge",
                   "--corpus", corpus_dir)
    assert (data["a"]["passages"], data["b"]["passages"]) == (3, 1)


def test_compare_distinctive_terms(run, tmp_path):
    articles = {
        "left": dict(published="2021-01-01", passages=[
            {"text": "Pipeline pipeline pipeline pipeline pipeline oil gas.", "actors": ["china"]}
            for _ in range(4)]),
        "right": dict(published="2021-01-01", passages=[
            {"text": "Tourism tourism tourism tourism hotels gas.", "actors": ["kazakhstan"]}
            for _ in range(4)]),
    }
    corpus = write_corpus(tmp_path / "terms", articles)
    data = as_json(run, "compare", "left", "right", "--corpus", corpus)
    top_a, top_b = data["terms_a"][0], data["terms_b"][0]
    assert top_a["term"] == "pipeline" and top_a["a_count"] == 20 and top_a["b_count"] == 0
    assert top_b["term"] == "tourism" and top_b["b_count"] == 16
    # 20 of 28 words against 0 of 24: G2 = 2 * 20 * ln(20 / (28 * 20 / 52))
    assert top_a["g2"] == pytest.approx(2 * 20 * math.log(20 / (28 * 20 / 52)))
    assert "gas" not in {t["term"] for t in data["terms_a"] + data["terms_b"]}


def test_compare_formats_agree(run, corpus_dir):
    args = ("compare", "actor:kazakhstan", "actor:china", "--corpus", corpus_dir)
    data = as_json(run, *args)
    rows = list(csv.DictReader(io.StringIO(ok(run(*args, "--format", "csv")).stdout)))
    infra = next(r for r in rows if r["section"] == "sectors" and r["key"] == "infrastructure")
    assert float(infra["difference"]) == round(data["sectors"][0]["difference"], 4)
    assert float(infra["p"]) == pytest.approx(data["sectors"][0]["p"], abs=1e-4)
    md = ok(run(*args, "--format", "md")).stdout
    assert "| Infrastructure | 1 (16.7%) | 4 (80.0%) | -63.3 |" in md
    assert md.startswith("# Comparison")


def test_compare_examples_name_passages_of_the_side_with_more(run, tmp_path):
    articles = {
        "a-side": dict(published="2021-01-01", passages=[
            {"text": f"Energy pipeline number {i} carries gas.", "sectors": ["energy"],
             "actors": ["china"]} for i in range(12)]),
        "b-side": dict(published="2021-01-01", passages=[
            {"text": f"Tourist hotel number {i} opens.", "sectors": ["tourism"],
             "actors": ["kazakhstan"]} for i in range(12)]),
    }
    corpus = write_corpus(tmp_path / "ex", articles)
    data = as_json(run, "compare", "a-side", "b-side", "--corpus", corpus, "--examples", "2")
    energy = next(e for e in data["examples"] if e["key"] == "energy")
    assert energy["side"] == "a" and len(energy["uids"]) == 2
    assert all(u.startswith("a-side#") for u in energy["uids"])


@pytest.mark.parametrize("columns", [80, 120])
def test_compare_terminal_fits(run, long_corpus, columns):
    result = ok(terminal(run, "compare", "actor:kazakhstan", "actor:china", "--corpus",
                         long_corpus, columns=columns))
    check_width(result.stdout, columns)
    plain = ANSI.sub("", result.stdout)
    assert "│" in plain and "Infrastructure" in plain and "Kinds" in plain


def test_compare_errors(run, corpus_dir):
    none = run("compare", "--corpus", corpus_dir)
    assert none.exit_code == 2 and "side A" in none.stderr
    empty = run("compare", "actor:uzbekistan", "--corpus", corpus_dir)
    assert empty.exit_code == 1 and "has no passages" in empty.stderr
    bad = run("compare", "--a-sector", "enrgy", "--corpus", corpus_dir)
    assert bad.exit_code == 2 and "energy" in bad.stderr
    bad_date = run("compare", "--a-since", "soon", "--corpus", corpus_dir)
    assert bad_date.exit_code == 2 and "--a-since" in bad_date.stderr
    for r in (none, empty, bad, bad_date):
        assert "Traceback" not in r.stderr


def test_bundled_corpus_commands(run):
    for args in (["trends"], ["kwic", "energy"], ["compare", "--a-kind", "challenge",
                                                 "--b-kind", "opportunity"]):
        for columns in (80, 120):
            result = ok(terminal(run, *args, columns=columns))
            check_width(result.stdout, columns)


def test_article_patterns(run, corpus_dir):
    data = as_json(run, "compare", "kz-*", "cn-*", "--corpus", corpus_dir)
    assert (data["a"]["passages"], data["b"]["passages"]) == (5, 5)
    assert data["a"]["name"] == "kz-*"
    options = as_json(run, "compare", "--a-article", "kz-202[0]", "--b-article", "cn-*",
                      "--corpus", corpus_dir)
    assert (options["a"]["passages"], options["b"]["passages"]) == (3, 5)
    rows = as_json(run, "kwic", "railway", "--article", "cn-2023", "--article", "kz-*",
                   "--corpus", corpus_dir)
    assert {r["id"] for r in rows} == {"cn-2023#p02", "cn-2023#p03"}
    rows = as_json(run, "trends", "--article", "cn-*", "--of", "kinds", "--corpus", corpus_dir)
    assert sum(r["count"] for r in rows) == 5
    none = run("trends", "--article", "zz-*", "--corpus", corpus_dir)
    assert none.exit_code == 2 and "no article id matches 'zz-*'" in none.stderr


def test_inline_article_patterns(run, corpus_dir):
    """``article:kz-*`` inside a side expression or query means what ``--article kz-*`` does."""
    data = as_json(run, "compare", "article:kz-* kind:challenge", "article:cn-*",
                   "--corpus", corpus_dir)
    # kz challenges: kz-2020#p01, #p02, kz-2022#p02; all of cn-*: 5
    assert (data["a"]["passages"], data["b"]["passages"]) == (3, 5)
    same = as_json(run, "compare", "--a-article", "kz-*", "--a-kind", "challenge",
                   "--b-article", "cn-*", "--corpus", corpus_dir)
    assert same["sectors"] == data["sectors"] and same["kinds"] == data["kinds"]
    rows = as_json(run, "kwic", "railway article:cn-202?", "--corpus", corpus_dir)
    assert [r["id"] for r in rows] == ["cn-2020#p01", "cn-2020#p02", "cn-2023#p02",
                                       "cn-2023#p03"]
    none = run("trends", "railway article:kz-*", "--format", "json", "--corpus", corpus_dir)
    assert none.exit_code == 1 and sum(r["count"] for r in json.loads(none.stdout)) == 0
    rows = as_json(run, "trends", "debt article:kz-* OR article:cn-2020", "--corpus",
                   corpus_dir)
    assert sum(r["count"] for r in rows) == 2
    # the shared filters elsewhere take patterns too
    found = run("search", "railway", "--article", "cn-*", "--format", "jsonl",
                "--corpus", corpus_dir)
    assert found.exit_code == 0
    assert len(found.stdout.splitlines()) == 4
    found = run("search", "railway article:cn-2023", "--format", "jsonl", "--corpus",
                corpus_dir)
    assert len(found.stdout.splitlines()) == 2
    sectors = json.loads(run("sectors", "--article", "kz-*", "--format", "json",
                             "--corpus", corpus_dir).stdout)
    assert {row["id"]: row["passages"] for row in sectors
            if row["passages"]}.get("agriculture") == 2
    for args in (["compare", "article:zz-*", "article:cn-*"], ["kwic", "debt article:zz-*"],
                 ["search", "debt", "--article", "zz-*"]):
        bad = run(*args, "--corpus", corpus_dir)
        assert bad.exit_code == 2 and "no article id matches 'zz-*'" in bad.stderr, args
    typo = run("kwic", "debt article:kz-2021", "--corpus", corpus_dir)
    assert typo.exit_code == 2 and "kz-2020" in typo.stderr  # an id: the closest ids


def test_chinese_kwic_and_compare_terms(run, tmp_path):
    articles = {
        "zh-a": dict(published="2024-01-01", language="zh", passages=[
            {"text": "中国和哈萨克斯坦共建一带一路。一带一路合作成效显著。", "kind": "opportunity"},
            {"text": "债务风险上升，风险需要化解。", "kind": "challenge"}]),
        "zh-b": dict(published="2024-02-01", language="zh", passages=[
            {"text": "风险和债务风险都在增加，风险很大。", "kind": "challenge"}]),
    }
    corpus = write_corpus(tmp_path / "zh", articles)
    rows = as_json(run, "kwic", "一带一路", "--corpus", corpus)
    assert [(r["id"], r["match"]) for r in rows] == [("zh-a#p01", "一带一路")] * 2
    assert rows[1]["left"].endswith("。") and rows[1]["right"].startswith("合作")
    result = ok(terminal(run, "kwic", "一带一路", "--corpus", corpus, columns=80))
    check_width(result.stdout, 80)
    data = as_json(run, "compare", "--a-kind", "challenge", "--b-kind", "opportunity",
                   "--corpus", corpus)
    assert data["terms_a"][0]["term"] == "风险" and data["terms_a"][0]["a_count"] == 5


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab'’_ \n\t.,-1É中s") + ["The", "it's", "Côte", "don’t",
                                                               "US's", "Invest", " "]),
                max_size=40).map("".join))
def test_fast_word_and_stem_counts_equal_the_plain_ones(text):
    """compare's word counting and batch stemming are shortcuts: they must give exactly what
    the tokenizer and summaries' content stems give word by word."""
    from collections import Counter

    from brief_cli.analysis.compare import _word_counts
    from brief_cli.summary.words import _content_stem, content_stems
    from brief_cli.text import words

    assert _word_counts(text) == Counter(words(text))
    distinct = list(dict.fromkeys(words(text)))
    assert content_stems(distinct) == [_content_stem(w) for w in distinct]
