"""The command line's house style: one error style, help without clutter, examples that run.

These tests cover every command registered in ``brief_cli.cli.COMMANDS``, including those added
later, so a new command is checked as soon as it is registered.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from brief_cli.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
BOX = set("╭╮╰╯│─┌┐└┘")


def _one_error(result, expected: str | None = None) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and lines[0].startswith("error: "), result.stderr
    assert len(lines) <= 2 and all(line.startswith("hint: ") for line in lines[1:]), lines
    assert not BOX & set(result.stderr), result.stderr
    assert "Value error" not in result.stderr and "Traceback" not in result.stderr
    if expected:
        assert expected in lines[0], lines[0]
    return lines[0]


# One error style ---------------------------------------------------------------------------

def test_unknown_option_suggests_the_closest(run):
    line = _one_error(run("search", "--limt", "3", "energy"), "unknown option '--limt'")
    assert "did you mean '--limit'?" in line


def test_unknown_option_without_a_close_one(run):
    result = run("search", "energy", "--zzzzzz")
    _one_error(result, "unknown option '--zzzzzz'")
    assert "hint: 'brief search --help'" in result.stderr


def test_bad_choice_names_the_choices_and_the_closest(run):
    line = _one_error(run("search", "energy", "--format", "jsn"), "--format: 'jsn' is not one of")
    assert "table, json, jsonl, csv" in line and "did you mean 'json'" in line


def test_missing_option_value(run):
    _one_error(run("search", "energy", "--sector"), "--sector needs a value")


def test_bad_integer(run):
    _one_error(run("search", "energy", "-n", "many"), "--limit: 'many' is not a valid integer")


def test_number_out_of_range(run):
    _one_error(run("search", "energy", "-n", "-1"),
               "--limit: -1 is out of range: it must be from 0 to 1000000000")


def test_missing_argument(run):
    _one_error(run("show"), "missing argument ID")


def test_unknown_command_suggests_the_closest(run):
    result = run("serch", "energy")
    _one_error(result, "unknown command 'serch' (did you mean 'search'?)")


def test_project_errors_keep_their_one_line(run):
    _one_error(run("search", "energy", "--sector", "enrgy"), "unknown sector 'enrgy'")


# Help without clutter ----------------------------------------------------------------------

def _help(run, command: str, width: int) -> str:
    result = run(command, "--help", env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_has_no_type_clutter(run, command):
    text = _help(run, command, 100) if command else run("--help").stdout
    for clutter in ("<bool>", "list[str]", "<str>", "<int", "[x>=", "[x<=", "<list"):
        assert clutter not in text, (command, clutter)


def _words(text: str) -> set[str]:
    return set(re.sub(r"[│╭╮╰╯─]", " ", text).split())


@pytest.mark.parametrize("width", [60, 80, 200])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_help_wraps_at_word_boundaries(run, command, width):
    """Every word of the description and of each option's help is printed whole."""
    from brief_cli.cli import app as _app  # noqa: F401
    import click
    import typer.main

    group = typer.main.get_command(_app)
    cmd = group.get_command(click.Context(group), command)
    text = _help(run, command, width)
    shown = _words(text)
    assert max(len(line) for line in text.splitlines()) <= width
    sources = [cmd.help or ""] + [getattr(p, "help", None) or "" for p in cmd.params]
    for source in sources:
        for word in source.split():
            if len(word) > width // 3:
                continue  # a token longer than the help column may be cut by any layout
            assert word in shown or word.replace("\\[", "[") in shown, (command, width, word)


def test_matrix_is_shown_taking_a_value(run):
    text = _help(run, "sectors", 100)
    assert re.search(r"--matrix\s+-m\s+\[TYPE\]", text), text


# Every example in every --help runs -----------------------------------------------------------

def _examples(run, command: str) -> list[str]:
    text = _help(run, command, 200)
    return [line.strip() for line in text.splitlines()
            if line.strip().startswith(f"brief {command}")]


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A working folder holding the files the examples name (my-briefs/, article.txt...)."""
    shutil.copytree(ROOT / "data" / "briefs", tmp_path / "my-briefs")
    shutil.copy(ROOT / "data" / "taxonomy.yaml", tmp_path / "my-taxonomy.yaml")
    raw = ROOT / "tests" / "data" / "ingest" / "kazakhstan-bri-partner.raw.txt"
    shutil.copy(raw, tmp_path / "article.txt")
    shutil.copy(raw, tmp_path / "page.txt")
    (tmp_path / "saved-pages").mkdir()
    paragraphs = "".join(f"<p>{line}</p>" for line in raw.read_text().splitlines() if line.strip())
    (tmp_path / "saved-pages" / "page.html").write_text(
        f"<html><head><title>A page</title></head><body><article>{paragraphs}</article>"
        "</body></html>", encoding="utf-8")
    (tmp_path / "coded.csv").write_text(  # for brief eval --gold
        "id,text,majortopic,kind\ns1,Rising public debt is a risk for the bank.,1,challenge\n",
        encoding="utf-8")
    (tmp_path / "cap-to-sectors.yaml").write_text("1: [finance, economy]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_help_example_runs(run, sandbox, command):
    examples = _examples(run, command)
    assert examples, f"'brief {command} --help' has no example"
    for example in examples:
        example = example.split(" | ")[0]  # the part after a pipe is another program
        words = shlex.split(example)[1:]
        stdin = None
        if "<" in words:
            at = words.index("<")
            stdin = (sandbox / words[at + 1]).read_text()
            words = words[:at] + words[at + 2:]
        if ">" in words:
            words = words[:words.index(">")]
        result = run(*words, input=stdin)
        assert result.exit_code in (0, 1), (example, result.exit_code, result.stderr[-800:])
        assert "Traceback" not in result.stderr


def test_minus_word_excludes(run, small_corpus):
    found = run("search", "pipeline", "OR", "tourist", "--corpus", small_corpus, "-f", "jsonl")
    excluded = run("search", "pipeline", "OR", "tourist", "-routes", "-arrivals", "--corpus",
                   small_corpus, "-f", "jsonl")
    assert found.exit_code == 0 and excluded.exit_code == 0, excluded.stderr
    assert "tourism-note" in found.stdout and "tourism-note" not in excluded.stdout
    glued = run("search", "pipeline", "-n1", "--corpus", small_corpus, "-f", "jsonl")
    assert glued.exit_code == 0 and len(glued.stdout.splitlines()) == 1


def test_arguments_keep_their_help(run):
    text = _help(run, "search", 120)
    assert "Words to find" in text and "QUERY" in text
