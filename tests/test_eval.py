"""Agreement of the tagger with reviewed tags: numbers worked out by hand, the seed's floor,
and ``brief eval``."""

from __future__ import annotations

import json

import pytest

from brief_cli.config import bundled_corpus_dir, bundled_taxonomy_path
from brief_cli.corpus import load_corpus
from brief_cli.evaluation import PRF, cohen_kappa, evaluate
from brief_cli.errors import NothingFound
from brief_cli.tagging import Tagger
from brief_cli.taxonomy import load_taxonomy
from helpers import write_corpus

# What the tagger says about each passage (checked in test_the_tagger_says_what_we_assume):
#   p01 context     energy                 kazakhstan, china
#   p02 challenge   energy                 -
#   p03 opportunity clean-energy, trade    chile
#   p04 context     agriculture            kenya
# and the reviewed tags, chosen to disagree in known ways.
KNOWN = {"eval-note": dict(passages=[
    {"text": "Kazakhstan sells natural gas to China.", "kind": "context",
     "sectors": ["energy", "trade"], "actors": ["kazakhstan", "china"]},
    {"text": "Dependency on a single pipeline is a risk.", "kind": "challenge",
     "sectors": ["energy"], "actors": []},
    {"text": "Solar farms in Chile can attract new investment.", "kind": "context",
     "sectors": ["clean-energy"], "actors": []},
    {"text": "The minister met farmers in Kenya on Monday.", "kind": "context",
     "sectors": ["agriculture"], "actors": ["kenya", "uzbekistan"]},
    {"text": "Wind power is a big risk.", "kind": "opportunity", "sectors": ["tourism"],
     "actors": ["peru"], "reviewed": False},  # machine tags: not counted
])}


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(bundled_taxonomy_path())


@pytest.fixture
def known(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "known", KNOWN)
    return root, load_corpus(root, taxonomy).corpus


def test_the_tagger_says_what_we_assume(known, taxonomy):
    _, corpus = known
    tags = Tagger(taxonomy).tag_passages([p.text for p in corpus.articles[0].passages][:4])
    assert [(t.kind, t.sectors, t.actors) for t in tags] == [
        ("context", ("energy",), ("kazakhstan", "china")),
        ("challenge", ("energy",), ()),
        ("opportunity", ("clean-energy", "trade"), ("chile",)),
        ("context", ("agriculture",), ("kenya",)),
    ]


def test_numbers_on_a_corpus_with_known_answers(known, taxonomy):
    _, corpus = known
    report = evaluate(corpus, Tagger(taxonomy))
    assert (report.passages, report.articles) == (4, 1)
    assert report.kind_accuracy == 0.75
    # kappa by hand: p_o = 3/4; reviewed kinds context 3, challenge 1; tagger context 2,
    # challenge 1, opportunity 1; p_e = (3*2 + 1*1) / 16 = 7/16;
    # kappa = (3/4 - 7/16) / (1 - 7/16) = (5/16) / (9/16) = 5/9
    assert report.kappa == pytest.approx(5 / 9)
    assert report.confusion == {
        "challenge": {"challenge": 1, "opportunity": 0, "context": 0},
        "opportunity": {"challenge": 0, "opportunity": 0, "context": 0},
        "context": {"challenge": 0, "opportunity": 1, "context": 2},
    }
    kinds = {r.label: r for r in report.kinds}
    assert (kinds["context"].precision, kinds["context"].recall) == (1.0, 2 / 3)
    assert kinds["context"].f1 == pytest.approx(0.8)
    assert kinds["opportunity"].precision == 0.0 and kinds["opportunity"].recall is None
    assert kinds["opportunity"].f1 == 0.0
    assert [(r.label, r.true_positives, r.false_positives, r.false_negatives)
            for r in report.sectors] == [
        ("energy", 2, 0, 0), ("agriculture", 1, 0, 0), ("clean-energy", 1, 0, 0),
        ("trade", 0, 1, 1)]
    micro = report.sectors_micro
    assert (micro.true_positives, micro.false_positives, micro.false_negatives) == (4, 1, 1)
    assert (micro.precision, micro.recall, micro.f1) == (0.8, 0.8, pytest.approx(0.8))
    assert report.sectors_macro_f1 == pytest.approx(0.75)  # (1 + 1 + 1 + 0) / 4
    actors = report.actors_micro
    assert (actors.true_positives, actors.false_positives, actors.false_negatives) == (3, 1, 1)
    assert actors.f1 == pytest.approx(0.75)
    assert [d.passage for d in report.disagreements] == [
        "eval-note#p01", "eval-note#p03", "eval-note#p04"]
    p03 = report.disagreements[1]
    assert (p03.reviewed_kind, p03.tagged_kind, p03.extra_sectors, p03.extra_actors) == (
        "context", "opportunity", ("trade",), ("chile",))


def test_cohen_kappa_by_hand():
    # The textbook example: 50 items, both "yes" 20, both "no" 15, disagreements 5 and 10.
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + \
        [("no", "no")] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert cohen_kappa([("a", "a"), ("b", "b")]) == 1.0
    assert cohen_kappa([("a", "a"), ("a", "a")]) is None  # chance agreement is 1
    assert cohen_kappa([]) is None
    assert cohen_kappa([("a", "b"), ("b", "a")]) == pytest.approx(-1.0)


def test_prf_edge_cases():
    empty = PRF("x", 0, 0, 0)
    assert (empty.precision, empty.recall, empty.f1) == (None, None, 0.0)


def test_no_reviewed_passages(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", {"machine": dict(passages=[
        {"text": "Oil.", "kind": "context", "reviewed": False}])})
    with pytest.raises(NothingFound):
        evaluate(load_corpus(root, taxonomy).corpus, Tagger(taxonomy))


def test_floor_on_the_seed(taxonomy):
    """The bundled, hand-tagged seed: measured 1.000 / 1.000 / 0.899 / 0.929 / 0.984."""
    corpus = load_corpus(bundled_corpus_dir(), taxonomy).corpus
    report = evaluate(corpus, Tagger(taxonomy))
    assert report.passages == 19
    assert report.kind_accuracy >= 0.94
    assert report.kappa >= 0.90
    assert report.sectors_micro.f1 >= 0.85
    assert report.sectors_macro_f1 >= 0.85
    assert report.actors_micro.f1 >= 0.95


# brief eval --------------------------------------------------------------------------------------

def test_eval_piped(run, known):
    root, _ = known
    result = run("eval", "--corpus", root)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:6] == [
        "reviewed passages\t4 in 1 article",
        "kind accuracy\t0.750",
        "kind Cohen's kappa\t0.556",
        "sectors micro P / R / F1\t0.800 / 0.800 / 0.800",
        "sectors macro F1\t0.750",
        "actors P / R / F1\t0.750 / 0.750 / 0.750",
    ]
    assert "context\t0\t1\t2" in lines
    assert "sector\ttrade\t1\t1\t0\t0.0\t0.0\t0.0" in lines  # floats print alike: 0.0, 0.6667


def test_eval_json(run, known):
    root, _ = known
    result = run("eval", "--corpus", root, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["kind"]["accuracy"] == 0.75
    assert data["kind"]["kappa"] == 0.5556
    assert data["sectors"]["micro"]["f1"] == 0.8
    assert data["sectors"]["macro_f1"] == 0.75
    assert data["actors"]["micro"]["tp"] == 3
    assert [d["id"] for d in data["disagreements"]] == [
        "eval-note#p01", "eval-note#p03", "eval-note#p04"]


def test_eval_csv_rows(run, known):
    root, _ = known
    result = run("eval", "--corpus", root, "-f", "csv")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "group,label,support,predicted,tp,fp,fn,precision,recall,f1"
    assert "sectors,all sectors,5,5,4,1,1,0.8,0.8,0.8" in lines


def test_eval_disagreements_and_terminal(run, known):
    root, _ = known
    result = run("eval", "--corpus", root, "-d", env={"BRIEF_FORCE_TERMINAL": "1"})
    assert result.exit_code == 0
    assert "Kind confusion" in result.stdout and "Disagreements" in result.stdout
    assert "eval-note#p03" in result.stdout


def test_eval_nothing_reviewed_exit_1(run, tmp_path):
    root = write_corpus(tmp_path / "c", {"machine": dict(passages=[
        {"text": "Oil.", "kind": "context", "reviewed": False}])})
    result = run("eval", "--corpus", root)
    assert result.exit_code == 1
    assert result.stderr.strip() == ("no reviewed passages to compare with "
                                     "(mark hand-checked passages with 'reviewed: true')")


def test_eval_article_filter(run, small_corpus):
    result = run("eval", "--corpus", small_corpus, "--article", "tourism-note", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["passages"] == 2
    result = run("eval", "--corpus", small_corpus, "--article", "tourism-nte")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: unknown article 'tourism-nte' (did you mean 'tourism-note'?)")


def test_eval_bundled_seed(run):
    result = run("eval", "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["passages"] == 19
