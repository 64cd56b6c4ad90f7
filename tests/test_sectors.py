"""`brief sectors`: counts against a hand-made corpus, filters, sorting, crosstabs, formats."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from rich.cells import cell_len

from helpers import write_corpus

from brief_cli.errors import UsageError
from brief_cli import sectors as core
from brief_cli.render.sectors import bar, shade, short_names

# Seven passages in two articles; the right numbers are worked out by hand below.
#   energy:  alpha#p01 (challenge), alpha#p02 (opportunity), beta#p01 (challenge)   -> 3, 2 articles
#   trade:   alpha#p01 (challenge), beta#p03 (opportunity)                          -> 2, 2 articles
#   tourism: alpha#p04 (opportunity), beta#p02 (context)                            -> 2, 2 articles
#   culture: alpha#p04 (opportunity)                                                -> 1, 1 article
#   alpha#p03 has no sector.
ARTICLES = {
    "alpha": dict(
        title="Alpha Report", published="2023-01-10", authors=["Ann Author"],
        passages=[
            {"text": "Pipeline tariffs keep rising. Exporters face higher costs.",
             "kind": "challenge", "sectors": ["energy", "trade"], "actors": ["kazakhstan"]},
            {"text": "Solar farms could supply cheap power to the grid.",
             "kind": "opportunity", "sectors": ["energy"], "actors": ["china"]},
            {"text": "The report was presented in Astana.", "kind": "context"},
            {"text": "Festivals could draw visitors to the old town.",
             "kind": "opportunity", "sectors": ["tourism", "culture"]},
        ]),
    "beta": dict(
        title="Beta Brief", published="2024-06-01", authors=["Ben Writer"],
        passages=[
            {"text": "Power cuts hurt factories every winter.",
             "kind": "challenge", "sectors": ["energy"], "actors": ["uzbekistan"]},
            {"text": "Visitor numbers doubled after the new airport opened.",
             "kind": "context", "sectors": ["tourism"]},
            {"text": "A free trade zone could attract Chinese investors.",
             "kind": "opportunity", "sectors": ["trade"], "actors": ["china"]},
        ]),
}

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def corpus_dir(tmp_path):
    return write_corpus(tmp_path / "corpus", ARTICLES)


def rows_json(run, corpus_dir, *args):
    result = run("sectors", "--corpus", corpus_dir, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def by_id(rows):
    return {r["id"]: r for r in rows}


# Counts ----------------------------------------------------------------------------------------

def test_counts_match_the_hand_made_corpus(run, corpus_dir):
    rows = rows_json(run, corpus_dir)
    assert [r["id"] for r in rows] == ["energy", "tourism", "trade", "culture"]
    assert rows[0] == {"id": "energy", "label": "Energy", "passages": 3, "challenges": 2,
                       "opportunities": 1, "context": 0, "articles": 2,
                       "share": round(3 / 7, 4)}
    r = by_id(rows)
    assert (r["trade"]["passages"], r["trade"]["challenges"], r["trade"]["opportunities"],
            r["trade"]["articles"]) == (2, 1, 1, 2)
    assert (r["tourism"]["opportunities"], r["tourism"]["context"]) == (1, 1)
    assert (r["culture"]["passages"], r["culture"]["articles"], r["culture"]["share"]) == \
        (1, 1, round(1 / 7, 4))


def test_core_table_reports_hidden_and_untagged(corpus_dir):
    from brief_cli.corpus import load_corpus
    from brief_cli.config import bundled_taxonomy_path
    from brief_cli.selection import select_passages
    from brief_cli.taxonomy import load_taxonomy

    tax = load_taxonomy(bundled_taxonomy_path())
    corp = load_corpus(corpus_dir, tax).corpus
    table = core.sector_counts(select_passages(corp, tax), tax)
    assert table.total_passages == 7
    assert table.untagged == 1
    assert table.hidden == len(tax.sectors) - 4
    full = core.sector_counts(select_passages(corp, tax), tax, include_empty=True)
    assert len(full.rows) == len(tax.sectors) and full.hidden == 0
    with pytest.raises(UsageError, match="cannot sort by 'bogus'"):
        core.sector_counts(select_passages(corp, tax), tax, sort="bogus")


def test_all_lists_empty_sectors_after_the_others(run, corpus_dir):
    rows = rows_json(run, corpus_dir, "--all")
    assert [r["id"] for r in rows][:4] == ["energy", "tourism", "trade", "culture"]
    assert all(r["passages"] == 0 for r in rows[4:])
    assert len(rows) > 4


@pytest.mark.parametrize("sort, first", [
    ("challenges", ["energy", "trade"]),
    ("opportunities", ["energy", "tourism", "trade", "culture"]),  # ties: passages, then id
    ("context", ["tourism"]),
    ("id", ["culture", "energy", "tourism", "trade"]),
    ("label", ["culture", "energy", "tourism", "trade"]),
])
def test_sort(run, corpus_dir, sort, first):
    rows = rows_json(run, corpus_dir, "--sort", sort)
    assert [r["id"] for r in rows][:len(first)] == first


# Filters ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, expected", [
    (["--kind", "challenge"], {"energy": 2, "trade": 1}),
    (["--kind", "opportunity", "--kind", "context"],
     {"energy": 1, "trade": 1, "tourism": 2, "culture": 1}),
    (["--since", "2024"], {"energy": 1, "tourism": 1, "trade": 1}),
    (["--until", "2023-12"], {"energy": 2, "trade": 1, "tourism": 1, "culture": 1}),
    (["--actor", "China"], {"energy": 1, "trade": 1}),
    (["--article", "beta"], {"energy": 1, "tourism": 1, "trade": 1}),
    (["--sector", "tourism"], {"tourism": 2, "culture": 1}),
])
def test_filters(run, corpus_dir, args, expected):
    rows = rows_json(run, corpus_dir, *args)
    assert {r["id"]: r["passages"] for r in rows} == expected


def test_query_counts_only_matching_passages(run, corpus_dir):
    rows = rows_json(run, corpus_dir, "--query", "pipeline")
    assert {r["id"]: r["passages"] for r in rows} == {"energy": 1, "trade": 1}
    assert rows[0]["share"] == 1.0


def test_nothing_matches_exits_1(run, corpus_dir):
    result = run("sectors", "--corpus", corpus_dir, "--since", "2030")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == "no passages match the filters"


def test_unknown_filter_value_exits_2_with_suggestions(run, corpus_dir):
    result = run("sectors", "--corpus", corpus_dir, "--kind", "challeng")
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: unknown kind 'challeng' (did you mean 'challenge'?)"


# Formats ---------------------------------------------------------------------------------------

def test_csv_has_numeric_share(run, corpus_dir):
    result = run("sectors", "--corpus", corpus_dir, "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["id", "label", "passages", "challenges", "opportunities", "context",
                             "articles", "share"]
    assert rows[0]["id"] == "energy" and float(rows[0]["share"]) == pytest.approx(3 / 7, abs=1e-3)


def test_jsonl_one_object_per_sector(run, corpus_dir):
    result = run("sectors", "--corpus", corpus_dir, "--format", "jsonl")
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert json.loads(lines[-1])["id"] == "culture"


def test_piped_table_is_tab_separated(run, corpus_dir):
    result = run("sectors", "--corpus", corpus_dir)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == ["id", "label", "passages", "challenges", "opportunities",
                                    "context", "articles", "share"]
    assert lines[1].split("\t")[:3] == ["energy", "Energy", "3"]
    assert "█" not in result.stdout and "─" not in result.stdout


def _terminal(run, *args, columns=80, **env):
    env = {"COLUMNS": str(columns), "BRIEF_FORCE_TERMINAL": "1", **env}
    return run(*args, env=env)


def _check_width(text, columns=80):
    for line in ANSI.sub("", text).splitlines():
        assert cell_len(line) <= columns, line


@pytest.mark.parametrize("args", [
    [], ["--all"], ["--matrix"], ["--matrix", "cooccurrence"], ["energy"],
    ["--sort", "label", "--kind", "opportunity"],
])
def test_terminal_output_fits_80_columns(run, corpus_dir, args):
    result = _terminal(run, "sectors", "--corpus", corpus_dir, *args)
    assert result.exit_code == 0, result.stderr
    _check_width(result.stdout)
    assert "energy" in result.stdout


def test_terminal_table_has_bars_and_percentages(run, corpus_dir):
    result = _terminal(run, "sectors", "--corpus", corpus_dir, NO_COLOR="1")
    plain = ANSI.sub("", result.stdout)
    energy = next(line for line in plain.splitlines() if line.lstrip().startswith("energy"))
    assert "43%" in energy and "████▎" in energy
    assert "hidden (--all)" in " ".join(plain.split())
    assert "1 passage without a sector" in " ".join(plain.split())


def test_bundled_corpus_at_80_and_120_columns(run):
    for columns in (80, 120):
        for args in ([], ["--matrix"], ["--matrix", "cooccurrence"], ["trade"]):
            result = _terminal(run, "sectors", *args, columns=columns)
            assert result.exit_code == 0, result.stderr
            _check_width(result.stdout, columns)


def test_bar_and_shade():
    assert bar(0) == " " * 10
    assert bar(1) == "█" * 10
    assert bar(0.5) == "█████     "
    assert bar(0.43).rstrip() == "████▎"
    assert bar(2) == "█" * 10 and bar(-1) == " " * 10
    assert shade(0, 10) == "dim"
    assert shade(10, 10, "red") == "bold reverse red"
    assert shade(6, 10, "red") == "bold red"
    assert shade(3, 10, "red") == "red"
    assert shade(1, 10, "red") == "dim red"


def test_short_names_are_unique_prefixes():
    assert short_names(["energy", "economy", "education", "trade"]) == \
        ["ener", "econ", "educ", "trad"]
    assert short_names(["digital", "digits", "dig"]) == ["digita", "digits", "dig"]


# Crosstabs -------------------------------------------------------------------------------------

def test_kind_matrix(run, corpus_dir):
    rows = json.loads(run("sectors", "--corpus", corpus_dir, "--matrix", "-f", "json").stdout)
    assert rows[0] == {"sector": "energy", "label": "Energy", "challenge": 2, "opportunity": 1,
                       "context": 0, "total": 3}
    assert {r["sector"]: (r["challenge"], r["opportunity"], r["context"]) for r in rows} == {
        "energy": (2, 1, 0), "tourism": (0, 1, 1), "trade": (1, 1, 0), "culture": (0, 1, 0)}


def test_kind_matrix_explicit_name_and_csv(run, corpus_dir):
    result = run("sectors", "--corpus", corpus_dir, "--matrix", "kind", "-f", "csv")
    assert result.stdout.splitlines()[0] == "sector,label,challenge,opportunity,context,total"
    assert result.stdout.splitlines()[1] == "energy,Energy,2,1,0,3"


def test_cooccurrence_matrix(run, corpus_dir):
    result = run("sectors", "--corpus", corpus_dir, "--matrix", "cooccurrence", "-f", "json")
    assert result.exit_code == 0
    rows = {r["sector"]: r for r in json.loads(result.stdout)}
    assert rows["energy"]["energy"] == 3  # the diagonal is the sector's own count
    assert rows["energy"]["trade"] == rows["trade"]["energy"] == 1
    assert rows["tourism"]["culture"] == rows["culture"]["tourism"] == 1
    assert rows["energy"]["tourism"] == 0


def test_cooccurrence_shading_ignores_the_diagonal(corpus_dir):
    from brief_cli.corpus import load_corpus
    from brief_cli.config import bundled_taxonomy_path
    from brief_cli.selection import select_passages
    from brief_cli.taxonomy import load_taxonomy

    tax = load_taxonomy(bundled_taxonomy_path())
    corp = load_corpus(corpus_dir, tax).corpus
    m = core.cooccurrence(select_passages(corp, tax), tax)
    assert m.max_value == 1


def test_narrow_terminal_cooccurrence_says_what_it_left_out(run):
    result = _terminal(run, "sectors", "--matrix", "cooccurrence", columns=60)
    assert result.exit_code == 0
    _check_width(result.stdout, 60)
    assert "use --format csv for all" in " ".join(result.stderr.split())


def test_matrix_with_a_sector_id_is_a_usage_error(run, corpus_dir):
    result = run("sectors", "--corpus", corpus_dir, "--matrix", "energy")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: --matrix takes 'kind' or 'cooccurrence', not "
                                     "'energy' (to count within one sector, use --sector ID)")


def test_matrix_name_without_the_flag_hints_at_it(run, corpus_dir):
    result = run("sectors", "--corpus", corpus_dir, "cooccurrence")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: 'cooccurrence' is not a sector "
                                     "(did you mean '--matrix cooccurrence'?)")


# One sector ------------------------------------------------------------------------------------

def test_sector_detail_json(run, corpus_dir):
    result = run("sectors", "energy", "--corpus", corpus_dir, "-f", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["id"], data["label"], data["passages"], data["articles"]) == \
        ("energy", "Energy", 3, 2)
    assert (data["challenges"], data["opportunities"], data["context"]) == (2, 1, 0)
    assert [i["id"] for i in data["items"]] == ["alpha#p01", "beta#p01", "alpha#p02"]
    assert data["related"] == [{"sector": "trade", "passages": 1}]
    assert data["description"]


def test_sector_detail_by_label_and_plain_text(run, corpus_dir):
    result = run("sectors", "Energy", "--corpus", corpus_dir)
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Energy (energy)\n")
    assert "3 passages in 2 articles (43% of those selected): 2 challenges, 1 opportunity, " \
           "0 context" in out
    assert out.index("Challenges (2)") < out.index("[alpha#p01]") < out.index("[beta#p01]") \
        < out.index("Opportunities (1)") < out.index("[alpha#p02]")
    assert "Context (" not in out


def test_sector_detail_jsonl_and_csv(run, corpus_dir):
    lines = run("sectors", "trade", "--corpus", corpus_dir, "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["alpha#p01", "beta#p03"]
    rows = list(csv.DictReader(io.StringIO(
        run("sectors", "trade", "--corpus", corpus_dir, "-f", "csv").stdout)))
    assert [r["id"] for r in rows] == ["alpha#p01", "beta#p03"]
    assert rows[0]["sectors"] == "energy;trade"


def test_sector_detail_respects_filters_and_exits_1_when_empty(run, corpus_dir):
    data = json.loads(run("sectors", "energy", "--corpus", corpus_dir, "-k", "challenge",
                          "-f", "json").stdout)
    assert data["passages"] == 2
    result = run("sectors", "culture", "--corpus", corpus_dir, "--kind", "challenge")
    assert result.exit_code == 1
    assert result.stdout.startswith("Culture (culture)")
    assert result.stderr.strip() == "no selected passage is tagged 'culture'"


def test_unknown_sector_exits_2_with_closest_ids(run, corpus_dir):
    result = run("sectors", "enrgy", "--corpus", corpus_dir)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == \
        "error: unknown sector 'enrgy' (did you mean 'energy', 'clean-energy'?)"


# Literal text ----------------------------------------------------------------------------------

def test_passage_text_is_printed_literally(run, tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {"odd": dict(passages=[
        {"text": "A [bold]x[/bold] tag and \x1b[31mred\x1b[0m text about power plants.",
         "kind": "challenge", "sectors": ["energy"]}])})
    for env in ({}, {"BRIEF_FORCE_TERMINAL": "1", "COLUMNS": "80"}):
        result = run("sectors", "energy", "--corpus", corpus_dir, env=env)
        assert result.exit_code == 0, result.stderr
        assert "[bold]x[/bold]" in result.stdout
        assert "\\x1b[31mred\\x1b[0m" in result.stdout
        if not env:
            assert "\x1b" not in result.stdout


@pytest.mark.parametrize("columns", [56, 60, 73, 74, 99, 100, 117, 118])
def test_sector_table_fits_every_common_width(run, columns):
    result = _terminal(run, "sectors", columns=columns)
    assert result.exit_code == 0
    _check_width(result.stdout, columns)
    assert "…" not in result.stdout  # nothing cut short


def test_a_corrected_query_word_is_noted_on_stderr(run, corpus_dir):
    result = run("sectors", "--corpus", corpus_dir, "--query", "pipelnie", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert {r["id"] for r in json.loads(result.stdout)} == {"energy", "trade"}
    assert "(for pipelnie)" in result.stderr


def test_kind_matrix_on_a_terminal_ends_with_passages_by_kind(run, corpus_dir):
    result = _terminal(run, "sectors", "--corpus", corpus_dir, "--matrix", NO_COLOR="1")
    lines = [line.split() for line in ANSI.sub("", result.stdout).splitlines() if line.strip()]
    assert lines[0] == ["Sectors", "by", "kind", "·", "7", "passages", "in", "2", "articles"]
    assert lines[1] == ["sector", "challenge", "opportunity", "context", "total"]
    assert lines[3] == ["energy", "2", "1", "·", "3"]
    # each passage once, though alpha#p01 and alpha#p04 have two sectors each
    assert lines[-1] == ["passages", "2", "3", "2", "7"]
