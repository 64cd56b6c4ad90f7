"""Every listing view reads at 60, 80, 120 and 200 columns on a corpus with long ids, long
titles and long source names: no line wider than the terminal, no id cut across two lines,
snippets at least 40 cells wide from 80 columns up, and no runaway line count."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import write_corpus

LONG_IDS = [
    "china-offers-debt-relief-but-most-african-countries-borrow-else",
    "as-us-debt-trap-diplomacy-rhetoric-heats-up-china-africa-relation",
    "zambia-continues-to-borrow-as-china-debt-concerns-rise-in-lusaka",
]
SOURCE = "Voice of America (VOA News) — Africa Division, Economy and Development Desk"


def _passages(n: int, seed: int) -> list[dict]:
    sectors = [["finance", "infrastructure", "diplomacy"], ["energy"], ["trade", "economy"]]
    kinds = ["challenge", "opportunity", "context"]
    return [{"text": (f"Passage {i + 1}: the debt burden of African countries rose again this "
                      "year, economists said, as lenders weighed infrastructure projects, "
                      "港口 and railway loans against the risk of default and the cost of "
                      "refinancing in a market where interest rates kept climbing. " * 2),
             "kind": kinds[(i + seed) % 3], "sectors": list(sectors[(i + seed) % 3]),
             "actors": ["china", "zambia"]} for i in range(n)]


@pytest.fixture
def long_corpus(tmp_path):
    articles = {
        article_id: dict(
            title="China Offers Debt Relief, But Most African Countries Borrow Elsewhere, "
                  "and Analysts Warn of the Long Shadow of Commodity-Backed Loans " + str(n),
            source=SOURCE, published=f"2018-0{n + 6}-15",
            authors=["Salem Solomon", "An Analyst With A Very Long Name Indeed"],
            passages=_passages(6, n))
        for n, article_id in enumerate(LONG_IDS)
    }
    return write_corpus(tmp_path / "corpus", articles)

WIDTHS = (60, 80, 120, 200)
ANSI = re.compile(r"\x1b\[[0-9;]*m")

VIEWS = {
    "search": ["search", "debt"],
    "search-full": ["search", "debt", "--full"],
    "search-context": ["search", "debt", "-C", "1", "-n", "3"],
    "search-count": ["search", "debt", "--count"],
    "articles": ["articles"],
    "show": ["show", LONG_IDS[0]],
    "show-passage": ["show", LONG_IDS[0] + "#p02", "-C", "1"],
    "validate": ["validate"],
    "sectors": ["sectors"],
    "sectors-detail": ["sectors", "finance"],
    "sectors-matrix": ["sectors", "--matrix"],
    "sectors-cooccurrence": ["sectors", "--matrix", "cooccurrence"],
    "summary": ["summary"],
    "summary-article": ["summary", LONG_IDS[1]],
    "index": ["index"],
}


def _screen(run, corpus, args, width):
    result = run(*args, "--corpus", corpus,
                 env={"COLUMNS": str(width), "LINES": "50", "BRIEF_FORCE_TERMINAL": "1"})
    assert result.exit_code in (0, 1), (args, result.stderr)
    return [ANSI.sub("", line) for line in result.stdout.splitlines()]


@pytest.mark.parametrize("view", list(VIEWS))
def test_view_fits_the_terminal(run, long_corpus, view):
    for width in WIDTHS:
        _check_view(run, long_corpus, view, width)


def _check_view(run, long_corpus, view, width):
    from rich.cells import cell_len

    lines = _screen(run, long_corpus, VIEWS[view], width)
    assert lines, view
    too_wide = [line for line in lines if cell_len(line) > width]
    assert not too_wide, too_wide[:3]
    assert len(lines) < 400, len(lines)
    text = "\n".join(lines)
    for article_id in LONG_IDS:
        # an id is shown whole, or cut once with "…", but never continued on the next line
        half = article_id[len(article_id) // 2:]
        for n, line in enumerate(lines):
            if article_id[:12] in line and article_id not in line and "…" not in line:
                nxt = lines[n + 1] if n + 1 < len(lines) else ""
                assert half[:8] not in nxt, (view, width, line, nxt)
    assert "infrastruc\n" not in text


@pytest.mark.parametrize("width", (80, 120, 200))
def test_search_snippets_get_the_room(run, long_corpus, width):
    lines = _screen(run, long_corpus, ["search", "debt", "-n", "5"], width)
    starts = [line[line.index("Passage"):] for line in lines if "Passage" in line]
    assert starts, lines
    assert max(len(line.rstrip()) for line in starts) >= 40  # the snippet's first line
    ranks = [line for line in lines if re.match(r"^\s?\d+ ", line)]
    assert len(ranks) == 5
    for line in ranks:  # the header line holds the full passage id when it fits
        if width >= 80:
            assert any(i in line for i in LONG_IDS), line


def test_wide_characters_count_as_two_cells(run, long_corpus):
    from rich.cells import cell_len

    lines = _screen(run, long_corpus, ["search", "港口"], 60)
    assert any("港口" in line for line in lines), lines
    assert all(cell_len(line) <= 60 for line in lines)


@pytest.mark.parametrize("width", (80, 120, 200))
def test_articles_show_every_id_whole(run, long_corpus, width):
    lines = _screen(run, long_corpus, ["articles"], width)
    for article_id in LONG_IDS:
        assert any(article_id in line for line in lines), (width, lines)
    assert not [line for line in lines if "…" in line and line.split("…")[0].rstrip("│ ")
                and any(i.startswith(line.split("…")[0].strip("│ ")) for i in LONG_IDS)]


def test_articles_give_way_to_the_ids_before_cutting_them(run, tmp_path):
    """Ids of 38 characters at 80 columns: the title moves under the id (one table), nothing
    is cut."""
    ids = ["african-countries-china-forum-provides", "zambia-continues-borrow-china-debt"]
    corpus = write_corpus(tmp_path / "c", {
        i: dict(title="A Title Long Enough To Need Some Room " + i,
                passages=[{"text": "Debt rose.", "kind": "challenge"}]) for i in ids})
    lines = _screen(run, corpus, ["articles"], 80)
    assert sum(1 for line in lines if line.startswith("┃")) == 1  # one table, one header row
    for article_id in ids:
        assert any(article_id in line for line in lines)
    assert "…" not in "\n".join(lines)
    assert any("A Title Long Enough" in line for line in lines)


@pytest.mark.parametrize("width", (60, 80, 100, 120))
def test_ingest_report_wraps_notes_at_word_boundaries(run, tmp_path, monkeypatch, width):
    from rich.cells import cell_len

    inputs = tmp_path / "in"
    inputs.mkdir()
    names = [f"voa_2018-09-0{n}_china-offers-debt-relief-but-most-african-{n}.txt"
             for n in range(3)]
    for name in names:  # no date anywhere: each fails with a long note
        (inputs / name).write_text("A Title\n\nSome text about debt that runs on.\n",
                                   encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("ingest", "in", "--out", "out", "--no-tag",
                 env={"COLUMNS": str(width), "LINES": "50", "BRIEF_FORCE_TERMINAL": "1"})
    assert result.exit_code == 2, result.stderr
    lines = [ANSI.sub("", line) for line in result.stdout.splitlines()]
    assert lines and all(cell_len(line) <= width for line in lines), lines
    # each note reads as a sentence: its first words on one line, a few lines in all
    assert sum("no date found in the text" in line for line in lines) == 3, lines
    assert len(lines) <= 6 + 3 * 4, lines
    if width >= 80:  # the input file names are shown whole, their shared folder once
        for name in names:
            assert any(name in line and "in/" not in line for line in lines), (name, lines)
        assert sum("from in" in line for line in lines) == 1, lines


def test_ingest_report_names_the_shared_folder_once_but_machine_output_keeps_paths(
        run, tmp_path, monkeypatch):
    import json

    inputs = tmp_path / "in" / "session"
    inputs.mkdir(parents=True)
    for n in range(2):
        (inputs / f"speech-{n}.txt").write_text("A Title\n\nSome text.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    env = {"COLUMNS": "100", "LINES": "50", "BRIEF_FORCE_TERMINAL": "1"}
    result = run("ingest", "in", "--out", "out", "--no-tag", env=env)
    lines = [ANSI.sub("", line) for line in result.stdout.splitlines()]
    folder = str(Path("in/session"))
    assert sum(line.strip() == f"from {folder}" for line in lines) == 1, lines
    rows = [line for line in lines if "speech-" in line]
    assert len(rows) == 2 and all(f"{folder}/speech" not in r for r in rows), rows
    result = run("ingest", "in", "--out", "out2", "--no-tag", "--format", "json", env=env)
    records = json.loads(result.stdout)
    assert sorted(r["input"] for r in records) == [
        str(Path("in/session/speech-0.txt")), str(Path("in/session/speech-1.txt"))]


def test_dry_run_tag_lines_wrap_under_the_passage_not_at_the_margin(run, tmp_path):
    from rich.cells import cell_len

    text = tmp_path / "speech.txt"
    text.write_text(
        "A Title About Many Countries\n\nPublished 2020-01-02\n\n"
        "Kazakhstan, Uzbekistan, Turkmenistan, Kyrgyzstan, Tajikistan, Afghanistan, Pakistan, "
        "India, China, Russia and Mongolia signed an energy and transport agreement on "
        "pipelines, railways, ports and power grids, with loans from the Asian Development "
        "Bank and the World Bank.\n", encoding="utf-8")
    result = run("ingest", str(text), "--out", str(tmp_path / "out"), "--dry-run",
                 env={"COLUMNS": "80", "LINES": "50", "BRIEF_FORCE_TERMINAL": "1"})
    assert result.exit_code == 0, result.stderr
    lines = [ANSI.sub("", line) for line in result.stdout.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("  1. p01"))
    assert all(cell_len(line) <= 80 for line in lines), lines
    # the tag line is longer than the screen: its continuation is indented like the text
    body = lines[start + 1:start + 4]
    assert body and all(line.startswith("     ") and line[5] != " " for line in body), lines
