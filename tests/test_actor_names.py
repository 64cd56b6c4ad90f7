"""Actors: names wherever people read (terminal and plain views, Markdown), ids wherever a
program reads (JSON, JSONL, CSV). The actors here have names unlike their ids ('un' is the
United Nations, 'sco' the Shanghai Cooperation Organisation)."""

from __future__ import annotations

import json
import re

import pytest

from helpers import write_corpus

UN, SCO = "United Nations", "Shanghai Cooperation Organisation"
ID_WORD = re.compile(r"(?<![\w#-])(un|sco)(?![\w-])")


@pytest.fixture
def corpus(tmp_path):
    return write_corpus(tmp_path / "corpus", {
        "un-debt-note": dict(title="A Note on Debt", passages=[
            {"text": "The debt talks at the assembly went on.", "kind": "challenge",
             "sectors": ["finance"], "actors": ["un"]},
            {"text": "Debt relief was discussed again.", "kind": "context",
             "sectors": ["finance"], "actors": ["un"]}]),
        "sco-debt-note": dict(title="Another Note on Debt", passages=[
            {"text": "The debt of members grew fast.", "kind": "opportunity",
             "sectors": ["finance"], "actors": ["sco"]}]),
    })


HUMAN = {
    "search-full": ["search", "debt", "--full"],
    "search-full-context": ["search", "debt", "--full", "-C", "1"],
    "show": ["show", "un-debt-note"],
    "show-passage": ["show", "un-debt-note#p02", "-C", "1"],
    "show-md": ["show", "un-debt-note", "-f", "md"],
    "summary": ["summary"],
    "compare": ["compare", "--a-article", "un-debt-note", "--b-article", "sco-debt-note"],
    "compare-md": ["compare", "--a-article", "un-debt-note", "--b-article", "sco-debt-note",
                   "-f", "md"],
}


@pytest.mark.parametrize("terminal", [False, True], ids=["plain", "terminal"])
@pytest.mark.parametrize("view", list(HUMAN))
def test_people_read_actor_names(run, corpus, view, terminal):
    env = {"COLUMNS": "160"}
    if terminal:
        env["BRIEF_FORCE_TERMINAL"] = "1"
    result = run(*HUMAN[view], "--corpus", corpus, env=env)
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())  # names wrapped over two lines count
    assert UN in text, result.stdout
    if "compare" in view or view == "summary":
        assert SCO in text, result.stdout
    found = [m.group() for m in ID_WORD.finditer(result.stdout)]
    assert not found, (found, result.stdout)


MACHINE = {
    "search": ["search", "debt"],
    "show": ["show", "un-debt-note"],
    "compare": ["compare", "--a-article", "un-debt-note", "--b-article", "sco-debt-note"],
}


@pytest.mark.parametrize("view", list(MACHINE))
def test_programs_read_actor_ids(run, corpus, view):
    result = run(*MACHINE[view], "--corpus", corpus, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    text = json.dumps(data)
    assert '"un"' in text
    if view == "search":
        assert {a for hit in data for a in hit["actors"]} == {"un", "sco"}
        csv_out = run(*MACHINE[view], "--corpus", corpus, "-f", "csv").stdout
        assert UN not in csv_out and re.search(r"(^|,)un(,|$)", csv_out, re.M), csv_out


def test_set_shows_names_and_writes_ids(run, corpus):
    shown = run("set", "un-debt-note#p01", "--corpus", corpus)
    assert shown.exit_code == 0, shown.stderr
    assert UN in shown.stdout and not ID_WORD.search(shown.stdout)
    data = json.loads(run("set", "un-debt-note#p01", "--corpus", corpus, "-f", "json").stdout)
    assert data["actors"] == ["un"]


def test_ingest_preview_shows_names(run, tmp_path):
    source = tmp_path / "note.txt"
    source.write_text("A Note\n\nThe United Nations and the Shanghai Cooperation Organisation "
                      "met on debt.\n", encoding="utf-8")
    result = run("ingest", str(source), "--out", str(tmp_path / "out"), "--dry-run",
                 "--date", "2024-01-01")
    assert result.exit_code == 0, result.stderr
    tags = [line for line in result.stdout.splitlines() if line.startswith("[1]")]
    assert tags and UN in tags[0] and SCO in tags[0], result.stdout
    assert not ID_WORD.search(tags[0])


def test_tag_table_shows_names_and_machine_output_keeps_ids(run):
    text = "The UN and the SCO met on debt."  # the names come only from the actors column
    env = {"COLUMNS": "120", "LINES": "50", "BRIEF_FORCE_TERMINAL": "1"}
    shown = run("tag", text, env=env)
    assert shown.exit_code == 0, shown.stderr
    screen = re.sub(r"\x1b\[[0-9;]*m", "", shown.stdout)
    assert "United Nations" in screen and "Shanghai" in screen, screen
    assert not ID_WORD.search(screen.replace(text, "")), screen
    data = json.loads(run("tag", text, "-f", "json").stdout)
    assert sorted(data[0]["actors"]) == ["sco", "un"]
    piped = run("tag", text).stdout.splitlines()[1].split("\t")
    assert sorted(piped[3].split(", ")) == ["sco", "un"]
