"""Spreadsheet-safe CSV: every CSV output neutralises formula-like cells; --raw-csv opts out."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brief_cli.cli import app
from brief_cli.cli.app import _offers_csv
from brief_cli.render.common import csv_cell, write_csv
from brief_cli.render.formats import FORMULA_STARTS, safe_cell

from helpers import write_corpus

DANGEROUS = {"=": "=HYPERLINK(\"http://x.example\",\"click\")", "+": "+1+2",
             "-": "-2+3+cmd|' /C calc'!A0",
             "@": "@SUM(A1:A2)", "tab": "\t=1+1", "carriage return": "\r=1+1"}


@pytest.mark.parametrize("name", list(DANGEROUS))
def test_each_formula_start_gets_an_apostrophe(name):
    text = DANGEROUS[name]
    assert csv_cell(text, raw=False) == "'" + text
    assert csv_cell(text, raw=True) == text


@pytest.mark.parametrize("text", ["plain", "", " =leading space", "a=b", "'=already", "＝fullwidth",
                                  "2024-07-05", "energy;trade"])
def test_other_cells_stay_as_they_are(text):
    assert csv_cell(text, raw=False) == text


def test_numbers_stay_numbers_and_lists_are_checked_as_joined():
    assert csv_cell(-3, raw=False) == "-3"
    assert csv_cell(-0.25, raw=False) == "-0.25"
    assert csv_cell(["=a", "b"], raw=False) == "'=a;b"
    assert csv_cell(["a", "=b"], raw=False) == "a;=b"  # only the cell's first character matters
    assert csv_cell(None, raw=False) == ""


@given(st.text())
def test_no_safe_cell_starts_like_a_formula(text):
    cell = safe_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell in (text, "'" + text)


def test_write_csv_round_trips_through_a_csv_reader():
    stream = io.StringIO()
    write_csv(stream, ["id", "text"], [["a", "=1+1"], ["b", "say \"hi\",\n=2"]], raw=False)
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows == [["id", "text"], ["a", "'=1+1"], ["b", "say \"hi\",\n=2"]]


# Every command -------------------------------------------------------------------------------

FORMULA_CORPUS = {
    "cmd-article": dict(
        title="=HYPERLINK(\"http://evil.example\",\"Report\")", source="@Source Weekly",
        authors=["-Minus Author"], published="2024-02-01",
        passages=[
            {"text": "=1+1 is what the pipeline report said about trade.", "kind": "challenge",
             "sectors": ["trade"], "actors": ["china"]},
            {"text": "+42 percent growth in pipeline trade is possible.", "kind": "opportunity",
             "sectors": ["trade", "energy"]},
            {"text": "@everyone agrees the pipeline matters.", "kind": "context",
             "sectors": ["energy"]},
            {"text": "-5 degrees froze the pipeline.", "kind": "context", "sectors": ["energy"]},
            {"text": "-1 tourism risk in the oil and gas pipeline trade.", "kind": "context",
             "sectors": ["culture"], "reviewed": False},
        ]),
}

BAD_STARTS = tuple("=+-@\t\r")


@pytest.fixture
def formula_corpus(tmp_path):
    return write_corpus(tmp_path / "formula", FORMULA_CORPUS)


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


COMMANDS = [
    ("search", "pipeline"),
    ("articles",),
    ("sectors",),
    ("sectors", "energy"),
    ("tag", "--why", "=SUM(A1) is a risk to trade and the oil pipeline"),
    ("retag", "--dry-run"),
    ("kwic", "pipeline"),
    ("trends",),
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_csv_output_is_safe_and_raw_csv_keeps_the_bytes(run, formula_corpus, args):
    result = run(*args, "--corpus", formula_corpus, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    cells = _cells(result.stdout)
    assert cells and not [c for c in cells if c.startswith(BAD_STARTS)]
    raw = run(*args, "--corpus", formula_corpus, "-f", "csv", "--raw-csv")
    assert raw.exit_code == 0, raw.stderr
    raw_cells = _cells(raw.stdout)
    assert len(raw_cells) == len(cells)
    changed = [(s, r) for s, r in zip(cells, raw_cells) if s != r]
    assert all(s == "'" + r and r.startswith(BAD_STARTS) for s, r in changed)


def test_search_csv_neutralises_passage_text_and_title(run, formula_corpus):
    result = run("search", "pipeline", "--corpus", formula_corpus, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    texts = {r["text"] for r in rows}
    assert "'=1+1 is what the pipeline report said about trade." in texts
    assert "'+42 percent growth in pipeline trade is possible." in texts
    assert "'@everyone agrees the pipeline matters." in texts
    assert "'-5 degrees froze the pipeline." in texts
    assert {r["title"] for r in rows} == {"'=HYPERLINK(\"http://evil.example\",\"Report\")"}
    raw = run("search", "pipeline", "--corpus", formula_corpus, "-f", "csv", "--raw-csv")
    assert "=1+1 is what the pipeline report said about trade." in {
        r["text"] for r in csv.DictReader(io.StringIO(raw.stdout))}


def test_kwic_contexts_that_start_like_formulas_are_neutralised(run, formula_corpus):
    result = run("kwic", "pipeline", "--corpus", formula_corpus, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    lefts = [r["left"] for r in csv.DictReader(io.StringIO(result.stdout))]
    assert any(left.startswith("'-5 degrees") for left in lefts)


def test_raw_csv_does_not_leak_into_the_next_command(run, formula_corpus):
    run("articles", "--corpus", formula_corpus, "-f", "csv", "--raw-csv")
    result = run("articles", "--corpus", formula_corpus, "-f", "csv")
    assert "'=HYPERLINK" in result.stdout


def test_every_command_with_format_takes_raw_csv(run):
    import typer

    group = typer.main.get_command(app)
    with_format = []
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        if any("--format" in getattr(p, "opts", ()) and _offers_csv(p) for p in command.params):
            with_format.append(name)
            assert any("--raw-csv" in getattr(p, "opts", ()) for p in command.params), name
    assert {"search", "articles", "sectors", "tag"} <= set(with_format)
    help_text = run("search", "--help").stdout
    assert "--raw-csv" in help_text
