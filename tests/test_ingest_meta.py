"""Ingest metadata: options for one input, --meta tables for a batch, dates never made up
silently, and the dry run showing what a real ingest writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from helpers import dedent

BODY = ("Grid operators in the north say the new transmission line has cut outages by half since "
        "it opened last spring, and storage remains the weak point.")
BODY_2 = ("Investors could fund battery parks next year if the regulator approves the tariff plan "
          "this autumn, which would create new jobs.")


def speech(text: str = BODY) -> str:
    return f"{text}\n\n{BODY_2}\n"


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture
def speeches(tmp_path) -> Path:
    """Files named like the UN General Debate corpus: {ISO Code}_{Session}_{Year}.txt."""
    folder = tmp_path / "Session 70 - 2015"
    folder.mkdir()
    (folder / "KAZ_70_2015.txt").write_text(speech(), encoding="utf-8")
    (folder / "UZB_70_2015.txt").write_text(speech(BODY.replace("north", "south")),
                                           encoding="utf-8")
    (folder / "XYZ_70_2015.txt").write_text(speech(BODY.replace("north", "east")),
                                           encoding="utf-8")
    return folder


SPEAKERS = dedent("""
    Year,Session,ISO Code,Country,Name of Person Speaking,Post
    2015,70,KAZ,Kazakhstan,Ann Speaker,Minister for Foreign Affairs
    2015,70,UZB,Uzbekistan,Ben Orator,President
    2015,70,TKM,Turkmenistan,Cy Envoy,Ambassador
""")


def test_one_input_takes_every_field_from_the_command_line(run, tmp_path):
    source = tmp_path / "note.txt"
    source.write_text(speech(), encoding="utf-8")
    out = tmp_path / "out"
    result = run("ingest", source, "--out", out, "--no-tag", "--title", "Grid  Notes",
                 "--author", "Ann Author", "--author", "Ben Writer", "--source", "Example Review",
                 "--date", "2024-07-05", "--url", "https://example.org/grid",
                 "--language", "EN", "--section", "Energy")
    assert result.exit_code == 0, result.stderr
    data = load(out / "grid-notes.yaml")
    assert (data["title"], data["authors"], data["source"], str(data["published"]), data["url"],
            data["language"], data["section"]) == (
        "Grid Notes", ["Ann Author", "Ben Writer"], "Example Review", "2024-07-05",
        "https://example.org/grid", "en", "Energy")


@pytest.mark.parametrize("option", [("--title", "T"), ("--author", "A"), ("--url", "https://x.org")])
def test_single_input_options_refuse_a_batch(run, tmp_path, speeches, option):
    result = run("ingest", speeches, "--out", tmp_path / "out", *option)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {option[0]} is for one article, but 3 inputs")


def test_a_bad_language_is_a_usage_error(run, tmp_path, speeches):
    result = run("ingest", speeches, "--out", tmp_path / "out", "--language", "english!")
    assert result.exit_code == 2
    assert "--language takes a language code" in result.stderr


def test_a_batch_without_dates_fails_each_undated_input_and_writes_nothing_for_it(
        run, tmp_path, speeches):
    out = tmp_path / "out"
    result = run("ingest", speeches, "--out", out, "--no-tag")
    assert result.exit_code == 2
    assert result.stderr.count("no date found in the text") == 3
    assert not out.exists() or list(out.iterdir()) == []
    assert run("ingest", speeches, "--out", out, "--no-tag", "--allow-undated").exit_code == 0
    assert len(list(out.iterdir())) == 3


def test_a_single_undated_input_says_its_date_is_not_a_publication_date(run, tmp_path):
    result = run("ingest", "-", "--out", tmp_path, "--no-tag", input=speech())
    assert result.exit_code == 0
    assert "no date found: used today" in result.stdout
    assert "which is not a publication date (set one with --date)" in result.stdout


def test_meta_table_keyed_by_a_template_of_columns(run, tmp_path, speeches):
    meta = tmp_path / "speakers.csv"
    meta.write_text(SPEAKERS, encoding="utf-8")
    out = tmp_path / "out"
    result = run("ingest", speeches, "--out", out, "--no-tag", "--meta", meta,
                 "--meta-key", "{ISO Code}_{Session}_{Year}",
                 "--meta-map", "title={Country}: statement at the General Debate, {Year}",
                 "--meta-map", "author=Name of Person Speaking", "--meta-map", "date=Year",
                 "--source", "UN General Debate", "--id-format", "{file}")
    # XYZ has no row, so no date: it fails; the others go in with their row's metadata.
    assert result.exit_code == 2
    kaz = load(out / "kaz-70-2015.yaml")
    assert (kaz["title"], kaz["authors"], str(kaz["published"]), kaz["source"]) == (
        "Kazakhstan: statement at the General Debate, 2015", ["Ann Speaker"], "2015-01-01",
        "UN General Debate")
    assert load(out / "uzb-70-2015.yaml")["authors"] == ["Ben Orator"]
    assert not (out / "xyz-70-2015.yaml").exists()
    assert "XYZ_70_2015.txt: no date found in the text" in result.stderr
    assert "warning: 1 row of speakers.csv matched no input: speakers.csv:4 (TKM_70_2015)" in (
        result.stderr)
    assert "warning: 1 input had no row in speakers.csv: " in result.stderr
    assert "speakers.csv: 2 of 3 rows matched an input" in result.stderr


@pytest.mark.parametrize("name, content", [
    ("meta.csv", "file,title,author,date\nKAZ_70_2015.txt,Speech One,Ann Speaker; Ben Orator,"
                 "2015-09-28\n"),
    ("meta.tsv", "filename\ttitle\tauthor\tdate\nKAZ_70_2015\tSpeech One\tAnn Speaker; Ben Orator"
                 "\t2015-09-28\n"),
    ("meta.json", json.dumps([{"file": "KAZ_70_2015.txt", "title": "Speech One",
                               "authors": ["Ann Speaker", "Ben Orator"], "date": "2015-09-28"}])),
    ("meta.yaml", "KAZ_70_2015.txt:\n  title: Speech One\n  authors: [Ann Speaker, Ben Orator]\n"
                  "  date: 2015-09-28\n"),
])
def test_meta_tables_in_every_format_match_by_file_name(run, tmp_path, speeches, name, content):
    meta = tmp_path / name
    meta.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    result = run("ingest", speeches / "KAZ_70_2015.txt", "--out", out, "--no-tag", "--meta", meta)
    assert result.exit_code == 0, result.stderr
    data = load(out / "speech-one.yaml")
    assert (data["title"], data["authors"], str(data["published"])) == (
        "Speech One", ["Ann Speaker", "Ben Orator"], "2015-09-28")


def test_command_line_metadata_wins_over_the_table(run, tmp_path, speeches):
    meta = tmp_path / "meta.csv"
    meta.write_text("file,title,source\nKAZ_70_2015.txt,Speech One,Table Source\n",
                    encoding="utf-8")
    out = tmp_path / "out"
    result = run("ingest", speeches / "KAZ_70_2015.txt", "--out", out, "--no-tag", "--meta", meta,
                 "--source", "Option Source", "--date", "2015-09-28")
    assert result.exit_code == 0, result.stderr
    assert load(out / "speech-one.yaml")["source"] == "Option Source"


def test_a_table_without_a_file_name_column_says_how_to_build_a_key(run, tmp_path, speeches):
    meta = tmp_path / "speakers.csv"
    meta.write_text(SPEAKERS, encoding="utf-8")
    result = run("ingest", speeches, "--out", tmp_path / "out", "--meta", meta)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --meta: speakers.csv has no file-name column")
    assert "--meta-key '{Year}_{Session}_{ISO Code}'" in result.stderr


@pytest.mark.parametrize("args, message", [
    (("--meta-key", "{ISO}_{Year}"), "error: --meta-key: speakers.csv has no column 'ISO'"),
    (("--meta-key", "Country", "--meta-map", "author=Speaker Name"),
     "error: --meta-map: speakers.csv has no column 'Speaker Name'"),
    (("--meta-key", "Country", "--meta-map", "colour=Country"),
     "error: --meta-map takes FIELD=COLUMN or FIELD=TEMPLATE, got 'colour=Country'"),
])
def test_unknown_columns_and_fields_are_usage_errors(run, tmp_path, speeches, args, message):
    meta = tmp_path / "speakers.csv"
    meta.write_text(SPEAKERS, encoding="utf-8")
    result = run("ingest", speeches, "--out", tmp_path / "out", "--meta", meta, *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name, content, message", [
    ("bad.json", '[{"file": "a.txt",\n "title": }]', "error: bad.json:2: not valid JSON"),
    ("bad.yaml", "- file: a.txt\n  title: [unclosed\n", "error: bad.yaml:3:"),
    ("bad.csv", "file,title\na.txt,One,extra\n", "error: bad.csv:2: 3 cells in a table of 2"),
    ("bad.csv", "file,date\nKAZ_70_2015.txt,someday\n", "KAZ_70_2015.txt: bad.csv:2: not a date"),
    ("missing.csv", None, "error: --meta: no such file"),
])
def test_broken_tables_give_one_line_with_file_and_line(run, tmp_path, speeches, name, content,
                                                        message):
    meta = tmp_path / name
    if content is not None:
        meta.write_text(content, encoding="utf-8")
    result = run("ingest", speeches / "KAZ_70_2015.txt", "--out", tmp_path / "out", "--meta", meta)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr


def test_dry_run_shows_the_tags_and_that_the_article_is_already_in_the_corpus(run, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text(dedent(f"""
        Grid Upgrades Cut Outages In Half
        By Jane Doe | Example Review | 2024-07-05

        {BODY}

        {BODY_2}
    """), encoding="utf-8")
    corpus = tmp_path / "corpus"
    empty = run("ingest", source, "--dry-run", "--out", tmp_path / "empty")
    assert run("ingest", source, "--out", corpus, "--id", "grid-2024").exit_code == 0
    again = run("ingest", source, "--dry-run", "--out", corpus)
    assert again.exit_code == 0
    assert "notes: already in the corpus as grid-2024" in again.stdout
    tag_lines = [line for line in empty.stdout.splitlines() if line.startswith("[")]
    assert tag_lines and tag_lines == [
        line for line in again.stdout.splitlines() if line.startswith("[")]
    assert any("energy" in line for line in tag_lines)
