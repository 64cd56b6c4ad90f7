"""`brief summary`: gists, key sentences (LexRank), keyness, the digest, and every format."""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from rich.cells import cell_len

from helpers import write_corpus

from brief_cli import summary as core
from brief_cli.summary import keyness
from brief_cli.model import Passage
from brief_cli.render.summary import _Writer

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
BOX = set("─│╭╮╰╯├└┬┴┼━┃")

ARTICLES = {
    "glacier-brief": dict(
        title="Glaciers and Water", published="2023-03-01", authors=["Ann Author", "Ben Writer"],
        source="Mountain Review", url="https://example.org/glaciers",
        passages=[
            {"text": "Officials met on Monday. Glacier melt threatens water supply, and glacier "
                     "retreat threatens the water of farms downstream.",
             "kind": "challenge", "sectors": ["environment", "agriculture"]},
            {"text": "Herders depend on meltwater. Their pastures dry out in August.",
             "kind": "challenge", "sectors": ["agriculture"]},
            {"text": "Glacier tourism could bring visitors. Tour operators could hire herders "
                     "as guides for glacier treks.",
             "kind": "opportunity", "sectors": ["tourism"]},
            {"text": "New reservoirs could store glacier water for dry summers.",
             "kind": "opportunity", "sectors": ["infrastructure", "agriculture"]},
            {"text": "The glacier survey began in 1990.", "kind": "context",
             "sectors": ["environment"]},
        ]),
    "port-note": dict(
        title="Port Logistics", published="2024-02-01", authors=["Cy Analyst"],
        passages=[
            {"text": "Port congestion delays container ships. Container fees keep rising.",
             "kind": "challenge", "sectors": ["trade", "infrastructure"],
             "actors": ["china"]},
            {"text": "A rail link could move containers inland faster.",
             "kind": "opportunity", "sectors": ["infrastructure"], "actors": ["china"]},
            {"text": "The port handled two million containers last year.",
             "kind": "context", "sectors": ["trade"], "actors": ["kazakhstan"]},
        ]),
}


@pytest.fixture
def corpus_dir(tmp_path):
    return write_corpus(tmp_path / "corpus", ARTICLES)


def summary_json(run, corpus_dir, *args):
    result = run("summary", "--corpus", corpus_dir, "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _p(text, pid="p01", kind="context", sectors=()):
    return Passage(pid, "a", int(pid[1:]) - 1, text, kind, tuple(sectors))


# Core: gists, key sentences, keyness ------------------------------------------------------------

def test_gist_is_the_sentence_that_best_represents_the_passage():
    p = _p("Officials met on Monday. Glacier melt threatens water supply, and glacier retreat "
           "threatens the water of farms downstream. Some stayed late.")
    assert core.gist(p).startswith("Glacier melt threatens")


def test_gist_of_one_sentence_and_of_nothing():
    assert core.gist(_p("Only one sentence here.")) == "Only one sentence here."
    assert core.gist(_p("   ")) == ""


def test_gist_prefers_the_sentence_naming_the_passage_sector(tmp_path):
    from brief_cli.config import bundled_taxonomy_path
    from brief_cli.taxonomy import load_taxonomy

    tax = load_taxonomy(bundled_taxonomy_path())
    p = _p("People love the mountain views and the mountain air. Mountain hotels are full "
           "of tourists.", sectors=["tourism"])
    assert core.gist(p) == "People love the mountain views and the mountain air."
    keywords = [core.sector_keywords(tax, "tourism")]
    assert core.gist(p, keywords=keywords) == "Mountain hotels are full of tourists."


def test_lexrank_finds_the_central_sentence():
    passages = [_p("Solar power and wind power grow fast across the region. Solar power is "
                   "cheap. Wind power is cheap. The weather was nice.")]
    keys = core.key_sentences(passages, 1)
    assert [k.text for k in keys] == ["Solar power and wind power grow fast across the region."]
    assert keys[0].rank == 1 and keys[0].uid == "a#p01"


def test_lexrank_scores_sum_to_one_and_are_deterministic():
    vectors = [{"a": 1.0, "b": 1.0}, {"a": 1.0}, {"b": 1.0}, {"c": 1.0}]
    scores = core.lexrank(vectors)
    assert sum(scores) == pytest.approx(1.0)
    assert scores[0] == max(scores)
    assert scores == core.lexrank(vectors)
    assert core.lexrank([]) == []


def test_key_sentences_come_in_reading_order_without_repeats():
    passages = [_p("Ports are congested. Ports are congested again today. Rail links to the "
                   "ports could help trade. Trade needs ports and rail links.")]
    keys = core.key_sentences(passages, 3)
    positions = [k.position for k in keys]
    assert positions == sorted(positions)
    assert len({k.text for k in keys}) == len(keys)
    assert core.key_sentences(passages, 0) == ()


def test_keyness_finds_the_distinctive_term():
    target = ["The glacier melts. The glacier retreats each summer.", "Glacier tourism grows."]
    reference = ["Markets rise each summer.", "Tourism grows in summer.",
                 "Summer markets and tourism."]
    terms = core.distinctive_terms(target, reference, 3)
    assert terms.method == "log-likelihood"
    assert terms.terms[0].term == "glacier"
    assert (terms.terms[0].count, terms.terms[0].reference_count) == (3, 0)
    assert terms.terms[0].score > 0
    assert all(t.term.lower() not in {"the", "each", "summer"} for t in terms.terms)
    assert "against the rest of the corpus" in terms.note


def test_keyness_g2_matches_the_formula():
    # a=10 in c=100 tokens, b=10 in d=1000: E1 = 100*20/1100, E2 = 1000*20/1100
    import math
    e1, e2 = 100 * 20 / 1100, 1000 * 20 / 1100
    expected = 2 * (10 * math.log(10 / e1) + 10 * math.log(10 / e2))
    assert keyness._g2(10, 10, 100, 1000) == pytest.approx(expected)


def test_keyness_without_reference_falls_back_to_tfidf_and_says_so():
    terms = core.distinctive_terms(["Glacier glacier water.", "Water rights.", "Glacier trek."],
                                   [], 2, missing="no other article in the corpus")
    assert terms.method == "tf-idf"
    assert terms.note == ("no other article in the corpus: ranked by tf-idf across these "
                          "passages instead")
    assert terms.terms[0].term == "Glacier"  # the most frequent spelling
    assert core.distinctive_terms([], ["x y z"]).terms == ()


def test_content_words_drop_stop_words_numbers_and_letters():
    found = [w for _, w in core.content_words("The 2 big dams of the U.S. and 1990 two new x")]
    assert found == ["big", "dams"]


# Article summaries: the CLI --------------------------------------------------------------------

def test_article_summary_json(run, corpus_dir):
    [data] = summary_json(run, corpus_dir, "glacier-brief", "--sentences", "2")
    assert data["type"] == "article"
    assert data["article"]["id"] == "glacier-brief"
    assert data["article"]["authors"] == ["Ann Author", "Ben Writer"]
    assert data["passages"] == 5
    assert data["counts"] == {"challenge": 2, "opportunity": 2, "context": 1}
    assert [c["id"] for c in data["challenges"]] == ["glacier-brief#p01", "glacier-brief#p02"]
    assert data["challenges"][0]["gist"].startswith("Glacier melt threatens water supply")
    assert [(o["sector"], [p["passage"] for p in o["passages"]]) for o in data["opportunities"]] \
        == [("infrastructure", ["p04"]), ("tourism", ["p03"])]
    assert data["context"] == 1
    assert len(data["key_sentences"]) == 2
    assert {k["rank"] for k in data["key_sentences"]} == {1, 2}
    assert data["terms"]["method"] == "log-likelihood"
    assert data["terms"]["terms"][0]["term"] == "glacier"
    assert "selection" not in data


def test_summary_is_deterministic(run, corpus_dir):
    first = run("summary", "glacier-brief", "--corpus", corpus_dir, "-f", "json").stdout
    assert run("summary", "glacier-brief", "--corpus", corpus_dir, "-f", "json").stdout == first


@pytest.mark.parametrize("args", [["glacier-brief"], []])
def test_summary_is_the_same_across_processes(corpus_dir, args):
    """Hash order differs between processes (PYTHONHASHSEED): the summary must not."""
    import os
    import subprocess
    import sys

    outputs = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        result = subprocess.run([sys.executable, "-m", "brief_cli", "summary", *args,
                                 "--corpus", str(corpus_dir), "-f", "json"],
                                capture_output=True, env=env, timeout=120)
        assert result.returncode == 0, result.stderr.decode()
        outputs.add(result.stdout)
    assert len(outputs) == 1


def test_several_articles_in_the_order_given(run, corpus_dir):
    data = summary_json(run, corpus_dir, "port-note", "glacier-brief", "port-note")
    assert [d["article"]["id"] for d in data] == ["port-note", "glacier-brief"]


def test_filters_narrow_the_article_summary(run, corpus_dir):
    [data] = summary_json(run, corpus_dir, "glacier-brief", "--kind", "challenge")
    assert data["counts"] == {"challenge": 2, "opportunity": 0, "context": 0}
    assert data["opportunities"] == []
    assert data["selection"] == "kinds: challenge"


def test_query_narrows_the_summary(run, corpus_dir):
    [data] = summary_json(run, corpus_dir, "port-note", "--query", "containers")
    assert data["passages"] >= 1
    assert all("ontainer" in c["gist"] for c in data["challenges"])
    assert data["selection"] == "query 'containers'"


def test_article_left_without_passages(run, corpus_dir):
    result = run("summary", "glacier-brief", "--corpus", corpus_dir, "--since", "2024")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == "no passage of 'glacier-brief' matches the filters"
    result = run("summary", "glacier-brief", "port-note", "--corpus", corpus_dir,
                 "--since", "2024", "-f", "json")
    assert result.exit_code == 0
    assert [d["article"]["id"] for d in json.loads(result.stdout)] == ["port-note"]
    assert result.stderr.strip() == \
        "warning: no passage of 'glacier-brief' matches the filters; left out"


def test_unknown_article_exits_2_with_closest_ids(run, corpus_dir):
    result = run("summary", "glacier-brif", "--corpus", corpus_dir)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == \
        "error: unknown article 'glacier-brif' (did you mean 'glacier-brief'?)"


def test_markdown_is_a_faithful_text_version(run, corpus_dir):
    result = run("summary", "glacier-brief", "--corpus", corpus_dir, "-f", "md", "-n", "2")
    assert result.exit_code == 0
    md = result.stdout
    assert md.startswith("# Glaciers and Water\n\nAnn Author, Ben Writer · Mountain Review · "
                         "2023-03-01\n\nhttps://example.org/glaciers\n\n"
                         "**5 passages**: 2 challenges, 2 opportunities, 1 context.\n")
    assert "## Challenges (2)\n\n1. Glacier melt threatens" in md
    assert "(`p01`; environment, agriculture)" in md
    assert "## Opportunities (2)\n\n- **Infrastructure** (1)\n  - New reservoirs" in md
    assert "## Context\n\n1 context passage of background, not summarised." in md
    assert "## Key sentences\n\n1. " in md
    assert "## Distinctive terms\n\nglacier (" in md
    tokens = MarkdownIt("commonmark").parse(md)
    assert [t.content for t in tokens if t.type == "inline"][0] == "Glaciers and Water"


def test_piped_text_is_plain_without_boxes(run, corpus_dir):
    result = run("summary", "glacier-brief", "--corpus", corpus_dir)
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Glaciers and Water\n==================\n")
    assert "Challenges (2)\n--------------\n\n1. Glacier melt" in out
    assert not BOX & set(out)
    assert "\x1b" not in out and "**" not in out and "`" not in out


def _check_width(text, columns=80):
    for line in ANSI.sub("", text).splitlines():
        assert cell_len(line) <= columns, line


@pytest.mark.parametrize("args", [["glacier-brief"], ["port-note", "glacier-brief"], [],
                                  ["--kind", "challenge"]])
def test_terminal_panels_fit_80_columns(run, corpus_dir, args):
    result = run("summary", "--corpus", corpus_dir, *args,
                 env={"COLUMNS": "80", "BRIEF_FORCE_TERMINAL": "1"})
    assert result.exit_code == 0, result.stderr
    _check_width(result.stdout)
    plain = ANSI.sub("", result.stdout)
    if args and not args[0].startswith("-"):
        assert "Challenges (2)" in plain and "Key sentences" in plain
        assert "Opportunities (" in plain and "└── " in plain
    else:
        assert "Corpus digest" in plain and "Sectors by kind" in plain


def test_bundled_corpus_summary_and_digest_fit_80_columns(run):
    env = {"COLUMNS": "80", "BRIEF_FORCE_TERMINAL": "1"}
    for args in (["kazakhstan-bri-partner"], []):
        result = run("summary", *args, env=env)
        assert result.exit_code == 0, result.stderr
        _check_width(result.stdout)


def test_bundled_single_article_falls_back_and_says_so(run):
    [data] = json.loads(run("summary", "kazakhstan-bri-partner", "-f", "json").stdout)
    assert data["passages"] == 19
    assert data["terms"]["method"] == "tf-idf"
    assert data["terms"]["note"].startswith("no other article in the corpus")
    assert data["terms"]["terms"]
    terms = [t["term"].lower() for t in data["terms"]["terms"]]
    assert not {"the", "and", "of", "can"} & set(terms)
    assert len(data["key_sentences"]) == 5


# Digest ----------------------------------------------------------------------------------------

def test_digest_json(run, corpus_dir):
    data = summary_json(run, corpus_dir)
    assert data["type"] == "corpus"
    assert (data["articles"], data["passages"]) == (2, 8)
    assert data["counts"] == {"challenge": 3, "opportunity": 3, "context": 2}
    assert (data["first"], data["last"]) == ("2023-03-01", "2024-02-01")
    sectors = {s["sector"]: s for s in data["sectors"]}
    assert sectors["infrastructure"] == {"sector": "infrastructure", "label": "Infrastructure",
                                         "total": 3, "challenge": 1, "opportunity": 2,
                                         "context": 0}
    assert sectors["agriculture"]["total"] == 3
    assert data["actors"][0] == {"id": "china", "name": "China", "passages": 2, "articles": 1}
    assert data["actors"][1]["id"] == "kazakhstan"
    terms = {s["sector"]: [t["term"] for t in s["terms"]] for s in data["sector_terms"]}
    assert "container" in " ".join(terms["trade"]).lower()


def test_digest_markdown_has_tables(run, corpus_dir):
    md = run("summary", "--corpus", corpus_dir, "-f", "md").stdout
    assert md.startswith("# Corpus digest\n\n**2 articles**, 8 passages (2023-03-01 to "
                         "2024-02-01): 3 challenges, 3 opportunities, 2 context.\n")
    assert "| sector | challenge | opportunity | context | total |" in md
    assert "| China | 2 | 1 |" in md
    html_out = MarkdownIt("commonmark").enable("table").render(md)
    assert "<table>" in html_out


def test_digest_filters_and_nothing(run, corpus_dir):
    data = summary_json(run, corpus_dir, "--actor", "china")
    assert data["passages"] == 2
    assert data["selection"] == "actors: china"
    result = run("summary", "--corpus", corpus_dir, "--since", "2030")
    assert result.exit_code == 1
    assert result.stderr.strip() == "no passages match the filters"


def test_digest_sector_covering_every_passage_falls_back(tmp_path):
    from brief_cli.config import bundled_taxonomy_path
    from brief_cli.corpus import load_corpus
    from brief_cli.selection import select_passages
    from brief_cli.taxonomy import load_taxonomy

    root = write_corpus(tmp_path / "c", {"one": dict(passages=[
        {"text": "Dams hold water.", "sectors": ["energy"]},
        {"text": "Dams make power.", "sectors": ["energy"]}])})
    tax = load_taxonomy(bundled_taxonomy_path())
    corp = load_corpus(root, tax).corpus
    d = core.digest(tax, select_passages(corp, tax))
    [energy] = d.sector_terms
    assert energy.terms.method == "tf-idf"
    assert energy.terms.note.startswith("every passage has this sector")
    assert energy.terms.terms[0].term == "Dams"


# Literal text ----------------------------------------------------------------------------------

ODD = ("A [bold]x[/bold] tag, *stars*, <b>html</b> &amp; \x1b[31mred\x1b[0m power plants "
       "[/] [link=x]y.")


@pytest.fixture
def odd_corpus(tmp_path):
    return write_corpus(tmp_path / "odd", {"odd": dict(title="Odd [i]title[/i]", passages=[
        {"text": ODD, "kind": "challenge", "sectors": ["energy"]},
        {"text": "Power plants " + ODD, "kind": "opportunity", "sectors": ["energy"]}])})


@pytest.mark.parametrize("env", [{}, {"BRIEF_FORCE_TERMINAL": "1", "COLUMNS": "80"}])
def test_corpus_text_is_printed_literally(run, odd_corpus, env):
    for args in (["odd"], []):
        result = run("summary", "--corpus", odd_corpus, *args, env=env)
        assert result.exit_code == 0, result.stderr
        flat = " ".join(ANSI.sub("", result.stdout).replace("│", " ").split())
        if args:
            assert "[bold]x[/bold]" in flat and "Odd [i]title[/i]" in flat
            assert "[/] [link=x]y." in flat
            assert "\\x1b[31mred\\x1b[0m" in flat
        if not env:
            assert "\x1b" not in result.stdout


def test_markdown_escapes_corpus_text(run, odd_corpus):
    md = run("summary", "odd", "--corpus", odd_corpus, "-f", "md").stdout
    rendered = MarkdownIt("commonmark").render(md)
    text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert "[bold]x[/bold] tag, *stars*, <b>html</b> &amp; \\x1b[31mred\\x1b[0m" in text
    assert "<em>stars" not in rendered and "<b>" not in rendered


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80))
def test_markdown_escaping_round_trips(value):
    w = _Writer(True)
    rendered = MarkdownIt("commonmark").renderInline("x " + w.text(value))
    text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    from brief_cli.render.common import literal
    expected = "x " + literal(" ".join(value.split()))
    assert " ".join(text.split()) == " ".join(expected.split())


@lru_cache(maxsize=1)
def _bundled_taxonomy():
    from brief_cli.config import bundled_taxonomy_path
    from brief_cli.taxonomy import load_taxonomy

    return load_taxonomy(bundled_taxonomy_path())


# Anything a corpus may hold --------------------------------------------------------------------

_WORDS = st.sampled_from(["Dams", "water", "U.S.", "Dr.", "3.5", "percent", "power", "the", "and",
                          "[bold]", "*x*", "\u201cquoted.\u201d", "No.", "e.g.", "...", "!", "?",
                          ".", "\x1b[31m", "Glacier", "rail", "ports", "\u00e9t\u00e9"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_WORDS, min_size=1, max_size=30).map(" ".join), min_size=1, max_size=6),
       st.integers(min_value=0, max_value=4))
def test_summary_of_any_text_is_made_of_its_own_sentences(texts, n):
    from datetime import date

    from brief_cli.model import Article, Corpus

    tax = _bundled_taxonomy()
    kinds = ["challenge", "opportunity", "context"]
    passages = tuple(Passage(f"p{i + 1:02d}", "a", i, t, kinds[i % 3], ("energy",) * (i % 2))
                     for i, t in enumerate(texts))
    article = Article("a", "A", "S", date(2024, 1, 1), "en", passages)
    corpus = Corpus(None, (article,))
    s = core.summarize_article(corpus, tax, article, sentences=n, terms=5)
    sentences = {x for p in passages for x in core.split_sentences(p.text)}
    assert {g.sentence for g in s.challenges} <= sentences
    assert {g.sentence for grp in s.opportunities for g in grp.gists} <= sentences
    assert {k.text for k in s.key_sentences} <= sentences
    assert len(s.key_sentences) <= n
    assert s.passages == len(passages) and sum(s.counts.values()) == len(passages)
    assert s == core.summarize_article(corpus, tax, article, sentences=n, terms=5)


def test_sentences_zero_leaves_key_sentences_out(run, corpus_dir):
    [data] = summary_json(run, corpus_dir, "glacier-brief", "--sentences", "0")
    assert data["key_sentences"] == []
    md = run("summary", "glacier-brief", "--corpus", corpus_dir, "-n", "0", "-f", "md").stdout
    assert "## Key sentences" not in md


def test_help_has_examples(run):
    for command in ("sectors", "summary"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("-+*#>=~`_|[]()<>!&;.) 0123456789aZ\\\t")),
               max_size=30))
def test_markdown_list_items_stay_one_paragraph_of_literal_text(value):
    """A gist in a numbered or bulleted item never opens a nested list, heading or code block."""
    from brief_cli.render.common import literal

    w = _Writer(True)
    for prefix in ("1. ", "  - ", "# "):
        tokens = MarkdownIt("commonmark").parse(prefix + w.text(value))
        kinds = [t.type for t in tokens if t.nesting != -1]
        assert kinds.count("ordered_list_open") <= 1
        assert "bullet_list_open" not in kinds or prefix == "  - "
        assert kinds.count("bullet_list_open") <= 1
        assert not {"fence", "code_block", "blockquote_open", "hr"} & set(kinds)
        inline = [t for t in tokens if t.type == "inline"]
        rendered = MarkdownIt("commonmark").renderer.render(inline, {}, {}) if inline else ""
        text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
        assert " ".join(text.split()) == " ".join(literal(value).split())


def test_summary_output_file(run, tmp_path):
    target = tmp_path / "digest.md"
    r = run("summary", "--format", "md", "-o", target)
    assert r.exit_code == 0, r.stderr
    assert target.read_text(encoding="utf-8").startswith("# Corpus digest") and r.stdout == ""
    again = run("summary", "--format", "md", "-o", target)
    assert again.exit_code == 2 and "already exists" in again.stderr
    forced = run("summary", "kazakhstan-bri-partner", "-o", target, "--force")
    assert forced.exit_code == 0 and "Kazakhstan" in target.read_text(encoding="utf-8")
