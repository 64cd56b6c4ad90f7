"""validate, articles and show through the CLI: output formats, literal text, errors, exit codes."""

from __future__ import annotations

import csv
import io
import json
import re

from helpers import SMALL_CORPUS, article_yaml, write_corpus

from brief_cli import __version__

COLOUR = re.compile(r"\x1b\[(?:\d+;)*(?:3[0-8]|9[0-7])[;m]")


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"brief {__version__}\n"


def test_no_arguments_shows_help(run):
    result = run()
    assert result.exit_code in (0, 2)
    assert "Usage" in result.stdout + result.stderr


# validate ------------------------------------------------------------------------------------

def test_validate_clean_bundled_corpus(run):
    result = run("validate")
    assert result.exit_code == 0
    assert result.stdout.startswith("ok: 1 file, 1 article, no problems")


def test_validate_lists_every_problem_and_exits_1(run, small_corpus):
    (small_corpus / "broken.yaml").write_text("id: broken\ntitle: [oops\n")
    (small_corpus / "bad-sector.yaml").write_text(
        article_yaml("bad-sector", [{"text": "x", "sectors": ["enrgy"]}]))
    result = run("validate", "--corpus", small_corpus, "--format", "json")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert {r["file"] for r in rows} == {"broken.yaml", "bad-sector.yaml"}
    sector = next(r for r in rows if r["file"] == "bad-sector.yaml")
    assert sector["message"] == "unknown sector 'enrgy'"
    assert sector["hint"].startswith("did you mean 'energy'")
    assert sector["line"] == 13


def test_validate_piped_table_is_tab_separated(run, small_corpus):
    (small_corpus / "broken.yaml").write_text("id: broken\ntitle: [oops\n")
    result = run("validate", "--corpus", small_corpus)
    assert result.exit_code == 1
    header, row = result.stdout.splitlines()
    assert header.split("\t") == ["file", "line", "col", "severity", "problem", "hint"]
    assert row.split("\t")[:4] == ["broken.yaml", "3", "1", "error"]


def test_validate_strict_counts_warnings(run, tmp_path):
    write_corpus(tmp_path, {"some-id": SMALL_CORPUS["tourism-note"]})
    (tmp_path / "some-id.yaml").rename(tmp_path / "other-name.yaml")
    assert run("validate", "--corpus", tmp_path).exit_code == 0
    result = run("validate", "--corpus", tmp_path, "--strict")
    assert result.exit_code == 1
    assert "does not match the article id" in result.stdout


def test_validate_missing_corpus_exits_2(run, tmp_path):
    result = run("validate", "--corpus", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: corpus folder ")
    assert "does not exist" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_broken_taxonomy_exits_2_with_location(run, tmp_path):
    bad = tmp_path / "taxonomy.yaml"
    bad.write_text("version: 1\nsectors:\n  - id: Energy Sector\n")
    result = run("articles", "--taxonomy", bad)
    assert result.exit_code == 2
    assert f"{bad}:3:5: a sector needs an id" in result.stderr
    assert "Traceback" not in result.stderr


def test_environment_variables_choose_corpus(run, small_corpus):
    result = run("articles", "--format", "json", env={"BRIEF_CORPUS": str(small_corpus)})
    assert [a["id"] for a in json.loads(result.stdout)] == ["energy-outlook", "tourism-note"]


# articles ------------------------------------------------------------------------------------

def test_articles_json(run, small_corpus):
    result = run("articles", "--corpus", small_corpus, "-f", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    energy = rows[0]
    assert energy["id"] == "energy-outlook"
    assert energy["published"] == "2023-05-02"
    assert energy["authors"] == ["Ann Author", "Ben Writer"]
    assert (energy["passages"], energy["challenges"], energy["opportunities"]) == (3, 1, 1)
    assert energy["main_sectors"] == ["energy", "trade", "clean-energy"]


def test_articles_jsonl_and_csv(run, small_corpus):
    lines = run("articles", "--corpus", small_corpus, "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["energy-outlook", "tourism-note"]
    text = run("articles", "--corpus", small_corpus, "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["authors"] == "Ann Author;Ben Writer"
    assert rows[1]["title"] == "Tourism After the Pandemic"


def test_articles_table_on_a_terminal(run, small_corpus):
    result = run("articles", "--corpus", small_corpus,
                 env={"BRIEF_FORCE_TERMINAL": "1", "NO_COLOR": "1"})
    assert result.exit_code == 0
    assert "┃ id" in result.stdout or "id " in result.stdout
    assert "energy-outlook" in result.stdout
    assert not COLOUR.search(result.stdout)  # NO_COLOR: styles such as bold stay, colours go


def test_articles_colour_on_a_terminal(run, small_corpus):
    result = run("articles", "--corpus", small_corpus, env={"BRIEF_FORCE_TERMINAL": "1"})
    assert COLOUR.search(result.stdout)


def test_broken_article_is_skipped_with_one_warning(run, small_corpus):
    (small_corpus / "broken.yaml").write_text("id: broken\ntitle: [oops\n")
    result = run("articles", "--corpus", small_corpus, "-f", "json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 2
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 1
    assert warnings[0].startswith("warning: skipped ")
    assert "broken.yaml:3:1: YAML syntax error" in warnings[0]


def test_strict_fails_on_a_broken_article(run, small_corpus):
    (small_corpus / "broken.yaml").write_text("id: broken\ntitle: [oops\n")
    result = run("articles", "--corpus", small_corpus, "--strict")
    assert result.exit_code == 2
    assert "broken.yaml:3:1" in result.stderr
    assert result.stdout == ""


def test_empty_corpus_exits_1(run, tmp_path):
    result = run("articles", "--corpus", tmp_path, "-f", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []


# show ----------------------------------------------------------------------------------------

def test_show_article_plain(run):
    result = run("show", "kazakhstan-bri-partner")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Kazakhstan a mutually beneficial BRI partner\n")
    assert "[19] kazakhstan-bri-partner#p19" in out
    assert "Liang Haiming is the dean" in out


def test_show_passage_with_neighbours(run):
    result = run("show", "kazakhstan-bri-partner#p05", "-C", "1", "-f", "json")
    data = json.loads(result.stdout)
    assert [p["id"] for p in data["passages"]] == [
        "kazakhstan-bri-partner#p04", "kazakhstan-bri-partner#p05", "kazakhstan-bri-partner#p06"]
    assert data["focus"] == "kazakhstan-bri-partner#p05"
    assert data["passages"][1]["kind"] == "challenge"


def test_show_panels_on_a_terminal(run):
    result = run("show", "kazakhstan-bri-partner#p04", env={"BRIEF_FORCE_TERMINAL": "1"})
    assert result.exit_code == 0
    assert "╭" in result.stdout and "kazakhstan-bri-partner#p04" in result.stdout


def test_show_unknown_id_exits_2_with_suggestion(run):
    result = run("show", "kazakstan-bri-partner")
    assert result.exit_code == 2
    assert result.stderr == ("error: unknown article 'kazakstan-bri-partner' "
                             "(did you mean 'kazakhstan-bri-partner'?)\n")
    result = run("show", "kazakhstan-bri-partner#p99")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: unknown passage 'kazakhstan-bri-partner#p99'")


HOSTILE = "Plain [bold]not bold[/bold] [/] [link=x]y \x1b[31mred\x1b[0m **md** <b>x</b>"


def test_corpus_text_is_printed_literally(run, tmp_path):
    write_corpus(tmp_path, {"hostile": dict(title="[red]Title[/red]", passages=[
        {"text": HOSTILE, "sectors": ["energy"]}])})
    for env in ({}, {"BRIEF_FORCE_TERMINAL": "1"}):
        out = run("show", "hostile", "--corpus", tmp_path, env=env).stdout
        assert "[bold]not bold[/bold] [/] [link=x]y" in out
        assert "[red]Title[/red]" in out
        assert "\\x1b[31mred\\x1b[0m" in out
        assert "\x1b[31mred" not in out
        listing = run("articles", "--corpus", tmp_path, env=env).stdout
        assert "[red]" in listing


def test_every_command_has_help_with_an_example(run):
    from brief_cli.cli import app
    from typer.main import get_command

    group = get_command(app)
    assert group.commands, "no commands registered"
    for name, command in group.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert "Example" in result.stdout, f"'brief {name} --help' has no example"
        assert command.help and command.help.strip(), name


MD_HOSTILE = ("# Not a heading\n* not a list *not em* __x__ [link](http://e.x) <b>raw</b> "
              "`tick` | a | b |\n> not a quote \\ back\\slash &amp; 1. not numbered")


def test_show_md_of_an_article_cites_as_export_does(run, tmp_path):
    import yaml
    from markdown_it import MarkdownIt

    from brief_cli.corpus import find, load_corpus
    from brief_cli.export import citation_line, tags_line
    from brief_cli.config import bundled_taxonomy_path
    from brief_cli.taxonomy import load_taxonomy

    write_corpus(tmp_path, {"hostile-md": dict(
        title="*Star* [Title] <i>x</i>", url="https://example.org/a", authors=["Ann Author"],
        passages=[{"text": MD_HOSTILE, "kind": "challenge", "sectors": ["energy"],
                   "actors": ["kazakhstan"]},
                  {"text": "Second passage.", "kind": "opportunity"}])})
    result = run("show", "hostile-md", "--corpus", tmp_path, "--format", "md")
    assert result.exit_code == 0, result.stderr
    md = result.stdout
    front, body = md.split("---\n", 2)[1:]
    meta = yaml.safe_load(front)
    assert meta["id"] == "hostile-md" and meta["title"] == "*Star* [Title] <i>x</i>"
    assert meta["url"] == "https://example.org/a" and str(meta["published"]) == "2024-01-15"
    assert meta["source"] == "Test Review" and meta["passages"] == 2

    tax = load_taxonomy(bundled_taxonomy_path())
    corpus = load_corpus(tmp_path, tax).corpus
    article, _ = find(corpus, "hostile-md")
    for passage in article.passages:  # the export's own citation and tags lines
        assert citation_line(article, passage) in body
        assert tags_line(passage, tax) in body
        assert f"`{passage.uid}`" in body
    assert "Actors: Kazakhstan" in body  # names for people, as export writes them

    html = MarkdownIt("commonmark").render(body)
    assert "<h1>" in html and html.count("<h2>") == 2  # the title and one per passage
    assert "<b>" not in html and "<i>" not in html and "<ul>" not in html and "<ol>" not in html
    assert 'href="http://e.x"' not in html and "<em>not em</em>" not in html
    assert "# Not a heading" in html and "[link](http://e.x)" in html  # shown as text


def test_show_md_of_a_passage_is_a_quote_with_its_citation(run, tmp_path):
    write_corpus(tmp_path)
    alone = run("show", "energy-outlook#p02", "--corpus", tmp_path, "-f", "md")
    assert alone.exit_code == 0, alone.stderr
    lines = alone.stdout.splitlines()
    assert lines[0] == "> Dependency on a single pipeline is a risk for the region."
    assert lines[2].startswith("— Ann Author and Ben Writer, *Energy Outlook for Central Asia*")
    assert lines[2].endswith("`energy-outlook#p02`, <https://example.org/energy>")
    assert lines[4] == "Kind: challenge · Sectors: Energy"
    assert "---" not in alone.stdout and "#p01" not in alone.stdout
    around = run("show", "energy-outlook#p02", "--corpus", tmp_path, "-f", "md", "-C", "1")
    assert [line for line in around.stdout.splitlines() if line.startswith("## ")] == [
        "## 1. `energy-outlook#p01`", "## 2. `energy-outlook#p02`", "## 3. `energy-outlook#p03`"]
    text = run("show", "energy-outlook#p02", "--corpus", tmp_path)  # text keeps one neighbour
    assert "#p01" in text.stdout and "#p03" in text.stdout
