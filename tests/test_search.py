"""Searching: ranking, query features, typo rules, filters, output formats and exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief_cli import config
from brief_cli.errors import BriefError, NothingFound, UnknownIdError, UsageError
from brief_cli.filters import Filters
from brief_cli.index import open_index
from brief_cli.search import allowed_distance, search
from brief_cli.selection import select_by_query
from brief_cli.selection import select_passages
from brief_cli.taxonomy import load_taxonomy
from helpers import write_corpus

ARTICLES = {
    "grid-report": dict(
        title="Grid Report", published="2023-01-10", passages=[
            {"text": "The national grid needs new transmission lines and storage.",
             "kind": "context", "sectors": ["energy"]},
            {"text": "Pipeline after pipeline: the pipeline network is one long pipeline.",
             "kind": "challenge", "sectors": ["energy", "infrastructure"], "actors": ["russia"]},
            {"text": "Investments in solar farms are rising across the region.",
             "kind": "opportunity", "sectors": ["clean-energy"]},
            {"text": "Transport corridors link the coal mines to the ports.",
             "kind": "context", "sectors": ["infrastructure"]},
        ]),
    "water-brief": dict(
        title="Water Brief", published="2024-02-01", passages=[
            {"text": "A new pipeline carries water from the mountains to the valley farms, "
                     "where farmers grow cotton, wheat, fruit and vegetables for the markets.",
             "kind": "context", "sectors": ["agriculture"]},
            {"text": "Drought is a growing risk for the Côte d'Ivoire delegation's wheat plans.",
             "kind": "challenge", "sectors": ["agriculture", "environment"],
             "actors": ["cote-divoire"]},
            {"text": "Solar pumps offer a cheap way to irrigate the silk road oases.",
             "kind": "opportunity", "sectors": ["clean-energy", "agriculture"]},
        ]),
}


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(config.bundled_taxonomy_path())


@pytest.fixture
def corpus_dir(tmp_path):
    return write_corpus(tmp_path / "corpus", ARTICLES)


@pytest.fixture
def index(corpus_dir, taxonomy):
    ix = open_index(corpus_dir, taxonomy.path, lambda: taxonomy)
    yield ix
    ix.close()


def ids(result):
    return [h.uid for h in result.hits]


def find(index, taxonomy, query, **kw):
    kw.setdefault("limit", None)
    filters = kw.pop("filters", Filters())
    return search(index, query, filters, taxonomy=taxonomy, **kw)


# Ranking -----------------------------------------------------------------------------------

def test_bm25_ranks_the_denser_passage_first(index, taxonomy):
    r = find(index, taxonomy, "pipeline")
    assert ids(r) == ["grid-report#p02", "water-brief#p01"]
    assert r.hits[0].score > r.hits[1].score > 0
    assert [h.rank for h in r.hits] == [1, 2]


def test_ties_fall_back_to_corpus_order(tmp_path, taxonomy):
    same = {"b-article": dict(published="2024-01-01", passages=[{"text": "solar power"}]),
            "a-article": dict(published="2024-01-01", passages=[{"text": "solar power"}]),
            "c-article": dict(published="2020-01-01", passages=[{"text": "solar power"}])}
    root = write_corpus(tmp_path / "ties", same)
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        r = find(ix, taxonomy, "solar")
    assert ids(r) == ["c-article#p01", "a-article#p01", "b-article#p01"]


def test_stemming_case_and_accents(index, taxonomy):
    assert ids(find(index, taxonomy, "INVESTMENT")) == ["grid-report#p03"]
    assert ids(find(index, taxonomy, "cote divoire")) == ["water-brief#p02"]
    assert ids(find(index, taxonomy, "côte")) == ["water-brief#p02"]


def test_phrase_or_not_prefix(index, taxonomy):
    assert ids(find(index, taxonomy, '"silk road"')) == ["water-brief#p03"]
    assert ids(find(index, taxonomy, '"road silk"')) == []
    assert set(ids(find(index, taxonomy, "drought OR storage"))) == {
        "water-brief#p02", "grid-report#p01"}
    assert ids(find(index, taxonomy, "pipeline -water")) == ["grid-report#p02"]
    assert ids(find(index, taxonomy, "pipeline NOT water")) == ["grid-report#p02"]
    assert ids(find(index, taxonomy, "transmiss*")) == ["grid-report#p01"]


def test_only_exclusions_list_the_rest_in_corpus_order(index, taxonomy):
    r = find(index, taxonomy, "-pipeline -solar")
    assert ids(r) == ["grid-report#p01", "grid-report#p04", "water-brief#p02"]
    assert all(h.score is None for h in r.hits)


def test_spans_cover_every_matched_word(index, taxonomy):
    hit = find(index, taxonomy, "pipeline").hits[0]
    assert [hit.text[a:b] for a, b in hit.spans] == ["Pipeline", "pipeline", "pipeline",
                                                   "pipeline"]
    hit = find(index, taxonomy, "farm").hits[0]
    assert "farms" in [hit.text[a:b] for a, b in hit.spans]


# Typo tolerance ----------------------------------------------------------------------------

@pytest.mark.parametrize("word, distance", [
    ("coal", 0), ("solar", 1), ("pipeline", 1), ("corridors", 2), ("transmission", 2)])
def test_allowed_distance(word, distance):
    assert allowed_distance(word) == distance


@pytest.mark.parametrize("typo, found", [
    ("coak", None),           # 4 letters: never corrected
    ("solra", "solar"),       # 5 letters, a transposition (distance 1)
    ("sxlxr", None),          # 5 letters, distance 2: too far
    ("pipelnie", "pipeline"),  # 8 letters, distance 1
    ("pipxlxne", None),       # 8 letters, distance 2: too far
    ("cxrridxrs", "corridors"),  # 9 letters, distance 2
    ("cxrrxdxrs", None),      # 9 letters, distance 3: too far
])
def test_typo_rules_at_the_length_boundaries(index, taxonomy, typo, found):
    r = find(index, taxonomy, typo)
    if found is None:
        assert r.total == 0 and not r.corrections
    else:
        assert found in r.corrections[typo]
        assert r.total > 0 and all(h.typo for h in r.hits)
        assert found in r.searched


def test_exact_turns_typos_off(index, taxonomy):
    assert find(index, taxonomy, "solra", exact=True).total == 0


def test_known_words_are_not_corrected(index, taxonomy):
    r = find(index, taxonomy, "farms")
    assert not r.corrections and not any(h.typo for h in r.hits)


def test_typo_matches_rank_below_exact_ones(index, taxonomy):
    r = find(index, taxonomy, "drought OR pipelnie")
    assert ids(r)[0] == "water-brief#p02"
    assert [h.typo for h in r.hits] == [False, True, True]


def test_a_hit_that_needs_a_corrected_word_is_a_typo_match(index, taxonomy):
    """Beside another word, as alone: no passage has "pipelnie", so every hit of
    "pipelnie water" (both words needed) was found through the correction."""
    r = find(index, taxonomy, "pipelnie water")
    assert ids(r) == ["water-brief#p01"] and r.corrections == {"pipelnie": ("pipeline",)}
    assert [h.typo for h in r.hits] == [True]
    both = find(index, taxonomy, "pipelnie OR water")  # here "water" matches as typed
    assert [(h.uid, h.typo) for h in both.hits][0] == ("water-brief#p01", False)


def test_nothing_found_suggests_nearest_terms(index, taxonomy):
    r = find(index, taxonomy, "pipzzzne")
    assert r.total == 0 and "pipeline" in r.suggestions


# Filters -----------------------------------------------------------------------------------

def test_inline_filters_and_options_combine(index, taxonomy):
    r = find(index, taxonomy, "sector:agriculture solar")
    assert ids(r) == ["water-brief#p03"]
    r = find(index, taxonomy, "solar", filters=Filters(kinds=("opportunity",),
                                                        articles=("grid-report",)))
    assert ids(r) == ["grid-report#p03"]
    assert r.filters.kinds == ("opportunity",)


def test_repeated_values_or_and_fields_and(index, taxonomy):
    r = find(index, taxonomy, "kind:challenge kind:opportunity sector:clean-energy")
    assert ids(r) == ["grid-report#p03", "water-brief#p03"]
    r = find(index, taxonomy, "", filters=Filters(actors=("Russian Federation",)))
    assert ids(r) == ["grid-report#p02"]


def test_dates(index, taxonomy):
    assert ids(find(index, taxonomy, "solar since:2024")) == ["water-brief#p03"]
    assert ids(find(index, taxonomy, "solar until:2023")) == ["grid-report#p03"]


def test_empty_query_with_filters_lists_in_corpus_order(index, taxonomy):
    r = find(index, taxonomy, "", filters=Filters(kinds=("challenge",)))
    assert ids(r) == ["grid-report#p02", "water-brief#p02"]
    assert r.searched == "" and all(h.score is None for h in r.hits)


def test_unknown_filter_values(index, taxonomy):
    with pytest.raises(UnknownIdError) as info:
        find(index, taxonomy, "sector:enrgy gas")
    assert str(info.value).startswith("unknown sector 'enrgy' (did you mean 'energy'")
    with pytest.raises(UnknownIdError) as info:
        find(index, taxonomy, "gas article:grid-reprot")
    assert str(info.value) == "unknown article 'grid-reprot' (did you mean 'grid-report'?)"


def test_no_query_and_no_filter(index, taxonomy):
    with pytest.raises(UsageError):
        find(index, taxonomy, "")
    with pytest.raises(NothingFound) as info:
        find(index, taxonomy, "^ ;")
    assert str(info.value).startswith("nothing to search for in '^ ;'")


def test_limit_and_offset(index, taxonomy):
    every = ids(find(index, taxonomy, "the"))
    r = find(index, taxonomy, "the", limit=2, offset=1)
    assert ids(r) == every[1:3] and r.total == len(every)
    assert [h.rank for h in r.hits] == [2, 3]


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=120))
def test_any_query_runs_or_is_refused_for_a_stated_reason(index, taxonomy, text):
    import re

    from brief_cli.query import parse

    try:
        result = find(index, taxonomy, text, limit=3)
    except NothingFound:  # only a query with no word in it
        assert text.strip() and not parse(text).has_terms, text
    except (UsageError, UnknownIdError):  # empty, or a filter it cannot take, or too long
        filters = re.search(r"(?i)(sectors?|kinds?|actors?|articles?|since|until):", text)
        assert not text.strip() or filters or len(re.findall(r"[^\W_]+", text)) > 64, text
    else:
        assert len(result.hits) <= 3 and result.total >= len(result.hits)


# select_by_query (the API sectors, summary and export use) ---------------------------------

def test_select_passages_goes_through_the_index(corpus_dir, taxonomy):
    from brief_cli.corpus import load_corpus

    corpus = load_corpus(corpus_dir, taxonomy).corpus
    sel = select_passages(corpus, taxonomy, "pipelnie kind:challenge", Filters(sectors=("energy",)))
    assert [i.passage.uid for i in sel.items] == ["grid-report#p02"]
    item = sel.items[0]
    assert item.article is corpus.article("grid-report")
    assert item.passage is corpus.passage("grid-report#p02")
    assert item.score > 0 and item.spans
    assert sel.filters.kinds == ("challenge",) and sel.filters.sectors == ("energy",)
    assert sel.corrections == {"pipelnie": ("pipeline",)}


def test_select_by_query_on_a_corpus_without_folder(corpus_dir, taxonomy):
    from brief_cli.corpus import load_corpus
    from brief_cli.model import Corpus

    loaded = load_corpus(corpus_dir, taxonomy).corpus
    corpus = Corpus(None, loaded.articles)
    sel = select_by_query(corpus, taxonomy, "solar", Filters())
    assert [i.passage.uid for i in sel.items] == ["grid-report#p03", "water-brief#p03"]


# The command -------------------------------------------------------------------------------

def test_cli_table_piped(run, corpus_dir):
    r = run("search", "pipeline", "--corpus", corpus_dir)
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "#\tpassage\tarticle\tkind\tsectors\tsnippet"
    assert lines[1].startswith("1\tgrid-report#p02\tGrid Report\tchallenge\t"
                               "energy, infrastructure\tPipeline after pipeline")
    assert len(lines) == 3
    assert r.stderr.startswith("2 hits · ")


def test_cli_terminal_table_highlights(run, corpus_dir):
    import re

    from rich.color import ColorSystem
    from rich.style import Style

    from brief_cli.render.search import MATCH_STYLE

    r = run("search", "drought", "risk", "--corpus", corpus_dir,
            env={"BRIEF_FORCE_TERMINAL": "1"})
    assert r.exit_code == 0
    assert "water-brief#p02" in r.stdout
    start = Style.parse(MATCH_STYLE).render("@", color_system=ColorSystem.STANDARD).split("@")[0]
    # exactly the matched words carry the match style, nothing else does
    marked = re.findall(re.escape(start) + r"([^\x1b]*)\x1b\[0m", r.stdout)
    assert sorted(marked) == ["Drought", "risk"], marked


def test_relevance_beats_corpus_order(tmp_path, taxonomy):
    """The denser passage ranks first although it comes last in corpus order, and the order is
    neither corpus order nor its reverse (so neither dropping the score nor reversing it passes)."""
    arts = {
        "a-early": dict(published="2020-01-01", passages=[
            {"text": "The reservoir and the reservoir dam need repairs before the rains."}]),
        "b-middle": dict(published="2022-01-01", passages=[
            {"text": "Farmers, traders, officials and engineers met to discuss water tariffs, "
                     "new canals, irrigation schedules, crop prices and one old reservoir."}]),
        "c-late": dict(published="2024-01-01", passages=[
            {"text": "Reservoir, reservoir, reservoir: levels fall."}]),
    }
    root = write_corpus(tmp_path / "rank", arts)
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        r = find(ix, taxonomy, "reservoir")
    assert ids(r) == ["c-late#p01", "a-early#p01", "b-middle#p01"]
    assert r.hits[0].score > r.hits[1].score > r.hits[2].score


def test_cli_json_schema(run, corpus_dir):
    r = run("search", "solar", "pumps", "-f", "json", "--corpus", corpus_dir)
    assert r.exit_code == 0
    [hit] = json.loads(r.stdout)
    assert list(hit) == ["rank", "id", "article", "passage", "index", "title", "source",
                         "published", "url", "kind", "sectors", "actors", "score", "typo",
                         "text", "matches"]
    assert hit["id"] == "water-brief#p03" and hit["index"] == 3
    assert hit["published"] == "2024-02-01" and hit["typo"] is False
    assert [m["text"] for m in hit["matches"]] == ["Solar", "pumps"]
    assert all(hit["text"][m["start"]:m["end"]] == m["text"] for m in hit["matches"])


def test_cli_jsonl_and_csv(run, corpus_dir):
    r = run("search", "pipeline", "-f", "jsonl", "--corpus", corpus_dir)
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["rank"] for row in rows] == [1, 2]
    r = run("search", "pipeline", "-f", "csv", "--corpus", corpus_dir)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows[0]["id"] == "grid-report#p02"
    assert rows[0]["sectors"] == "energy;infrastructure"
    assert rows[0]["matches"].split(";")[0] == "0-8"


def test_cli_nothing_found(run, corpus_dir):
    r = run("search", "pipzzzne", "--corpus", corpus_dir)
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr == "no passages match 'pipzzzne' — nearest terms: pipeline\n"
    r = run("search", "zebra", "-f", "json", "--corpus", corpus_dir)
    assert r.exit_code == 1 and json.loads(r.stdout) == []


def test_cli_typo_summary(run, corpus_dir):
    r = run("search", "solra", "--corpus", corpus_dir)
    assert r.exit_code == 0
    assert "showing results for solar (for solra)" in r.stderr


def test_cli_errors_exit_2(run, corpus_dir):
    r = run("search", "--corpus", corpus_dir)
    assert r.exit_code == 2
    assert r.stderr == ("error: give a query or a filter (for example: brief search pipeline, "
                        "or brief search --kind challenge)\n")
    r = run("search", "gas", "--sector", "enrgy", "--corpus", corpus_dir)
    assert r.exit_code == 2 and r.stderr.startswith("error: unknown sector 'enrgy'")
    r = run("search", "gas", "--since", "soon", "--corpus", corpus_dir)
    assert r.exit_code == 2
    r = run("search", "gas", "--corpus", corpus_dir / "missing")
    assert r.exit_code == 2 and "does not exist" in r.stderr


def test_cli_filters_only(run, corpus_dir):
    r = run("search", "--kind", "challenge", "-f", "jsonl", "--corpus", corpus_dir)
    assert [json.loads(x)["id"] for x in r.stdout.splitlines()] == [
        "grid-report#p02", "water-brief#p02"]
    assert all(json.loads(x)["score"] is None for x in r.stdout.splitlines())


def test_cli_limit_offset_and_count_zero(run, corpus_dir):
    r = run("search", "the", "-n", "1", "--offset", "1", "--corpus", corpus_dir)
    assert len(r.stdout.splitlines()) == 2
    assert "(showing 2–2)" in r.stderr
    r = run("search", "the", "-n", "0", "--corpus", corpus_dir)
    assert r.exit_code == 0 and r.stdout == ""


def test_cli_context(run, corpus_dir):
    r = run("search", "storage", "-C", "1", "-f", "json", "--corpus", corpus_dir)
    [hit] = json.loads(r.stdout)
    assert hit["context"] == {"before": [], "after": [
        {"id": "grid-report#p02", "index": 2, "text": ARTICLES["grid-report"]["passages"][1]["text"]}]}
    r = run("search", "storage", "-C", "1", "--corpus", corpus_dir)
    lines = r.stdout.splitlines()
    # piped: every row complete; a role column says which row is the hit
    assert [line.split("\t")[:3] for line in lines[1:]] == [
        ["hit", "1", "grid-report#p01"], ["after", "1", "grid-report#p02"]]


def test_cli_full(run, corpus_dir):
    r = run("search", "drought", "--full", "--corpus", corpus_dir)
    first = r.stdout.splitlines()[0]
    # actors by name for people (JSON keeps ids); no BM25 number, which means nothing to a reader
    assert first.startswith("1. water-brief#p02 (challenge; sectors: agriculture, environment;"
                            " actors: ")
    assert "cote-divoire" not in first and "score" not in first
    assert "Drought is a growing risk" in r.stdout
    r = run("search", "drought", "--full", "--corpus", corpus_dir,
            env={"BRIEF_FORCE_TERMINAL": "1"})
    assert "╭" in r.stdout and "water-brief#p02" in r.stdout


def test_cli_count(run, corpus_dir):
    r = run("search", "solar OR pipeline", "--count", "-f", "json", "--corpus", corpus_dir)
    data = json.loads(r.stdout)
    assert data["total"] == 4
    assert data["articles"] == [
        {"id": "grid-report", "title": "Grid Report", "hits": 2},
        {"id": "water-brief", "title": "Water Brief", "hits": 2}]
    assert {s["id"]: s["hits"] for s in data["sectors"]} == {
        "clean-energy": 2, "agriculture": 2, "energy": 1, "infrastructure": 1}
    r = run("search", "solar", "--count", "--corpus", corpus_dir)
    assert r.exit_code == 0 and "grid-report\tGrid Report\t1" in r.stdout
    r = run("search", "zebra", "--count", "--corpus", corpus_dir)
    assert r.exit_code == 1


def test_cli_literal_text(run, tmp_path):
    root = tmp_path / "evil"
    root.mkdir()
    (root / "evil.yaml").write_text(
        'id: evil\ntitle: Evil\nsource: S\nauthors: []\npublished: 2024-01-01\nlanguage: en\n'
        'passages:\n- id: p01\n  text: "Solar [bold]power[/bold] \\e[31mred"\n  kind: context\n',
        encoding="utf-8")
    r = run("search", "solar", "--corpus", root, env={"BRIEF_FORCE_TERMINAL": "1"})
    assert r.exit_code == 0
    assert "[bold]power[/bold]" in r.stdout and "\\x1b[31mred" in r.stdout


def test_cli_broken_file_is_skipped_with_a_warning(run, corpus_dir):
    (corpus_dir / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    r = run("search", "pipeline", "--corpus", corpus_dir)
    assert r.exit_code == 0
    assert r.stderr.count("warning: skipped ") == 1 and "broken.yaml" in r.stderr
    r = run("search", "pipeline", "--strict", "--corpus", corpus_dir)
    assert r.exit_code == 2 and "broken.yaml" in r.stderr


def test_help_has_examples(run):
    r = run("search", "--help")
    assert r.exit_code == 0 and "Examples" in r.stdout
    r = run("index", "--help")
    assert r.exit_code == 0 and "Examples" in r.stdout


def test_damage_found_during_a_query_rebuilds_and_retries(run, corpus_dir, monkeypatch):
    import sqlite3

    from brief_cli import search as search_module

    real = search_module.search
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise sqlite3.DatabaseError("database disk image is malformed")
        return real(*args, **kwargs)

    monkeypatch.setattr(search_module, "search", flaky)
    r = run("search", "drought", "-f", "jsonl", "--corpus", corpus_dir)
    assert r.exit_code == 0 and len(calls) == 2
    assert "is damaged (database disk image is malformed); rebuilding it" in r.stderr
    assert json.loads(r.stdout)["id"] == "water-brief#p02"


def test_a_busy_index_is_a_clean_error(run, corpus_dir, monkeypatch):
    import sqlite3

    from brief_cli import search as search_module

    def busy(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(search_module, "search", busy)
    r = run("search", "drought", "--corpus", corpus_dir)
    assert r.exit_code == 2
    assert r.stderr == ("error: the search index is busy: another brief is writing it "
                        "(try again in a moment)\n")


def test_a_prefix_finds_words_whose_stem_is_shorter(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "pre", {"pre": dict(passages=[
        {"text": "Electricity grids and investing."}, {"text": "Nothing here."}])})
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        for query in ("electri*", "electric*", "investi*", '"investi"*'):
            r = find(ix, taxonomy, query)
            assert ids(r) == ["pre#p01"], query
        hit = find(ix, taxonomy, "investi*").hits[0]
        assert [hit.text[a:b] for a, b in hit.spans] == ["investing"]
        assert find(ix, taxonomy, "investi*").searched == "investi*"


def test_no_match_names_the_filter_that_emptied_it(run, corpus_dir):
    found = run("search", "drought", "--corpus", corpus_dir)
    assert found.exit_code == 0
    r = run("search", "drought", "--kind", "opportunity", "--corpus", corpus_dir)
    assert r.exit_code == 1 and r.stdout == ""
    assert "without them it matches" in r.stderr and "--kind opportunity" in r.stderr
    assert "nearest terms" not in r.stderr


def test_csv_booleans_spelt_as_json(run, corpus_dir):
    r = run("search", "drought", "-f", "csv", "--corpus", corpus_dir)
    header, row = r.stdout.splitlines()[:2]
    typo = header.split(",").index("typo")
    assert "False" not in r.stdout and "false" in row


def test_decomposed_and_precomposed_accents_find_the_same(run, tmp_path):
    root = write_corpus(tmp_path / "accents", {"accents": dict(passages=[
        {"text": "Le café de la région est ouvert."},
        {"text": "Une autre région, précomposée."},
        {"text": "Re\u0301gion written with a combining accent."},
        {"text": "Nothing to see here."}])})
    found = {}
    for query in ("r\u00e9gion", "re\u0301gion"):
        result = run("search", query, "--corpus", root, "-f", "json")
        assert result.exit_code == 0, result.stderr
        found[query] = [h["id"] for h in json.loads(result.stdout)]
    assert len(found["r\u00e9gion"]) == 3
    assert found["re\u0301gion"] == found["r\u00e9gion"]


def test_or_between_inline_filters_never_silently_ands(run, corpus_dir):
    result = run("search", "sector:energy OR kind:challenge", "--corpus", corpus_dir)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: OR cannot join 'sector:energy' and 'kind:challenge'")
    result = run("search", "sector:energy OR sector:agriculture", "--corpus", corpus_dir,
                 "-f", "json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 5
