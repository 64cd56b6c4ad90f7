"""``brief retag``: machine tags refreshed, reviewed passages never touched, atomic writes."""

from __future__ import annotations

import json
import os

import pytest

from brief_cli import retag as core
from brief_cli.config import bundled_taxonomy_path
from brief_cli.corpus import load_corpus
from brief_cli.errors import FileProblem, UnknownIdError
from brief_cli.tagging import Tagger
from brief_cli.taxonomy import load_taxonomy
from helpers import write_corpus

MIXED = {
    "mixed-note": dict(passages=[
        # reviewed, with tags the tagger would not give: must stay as they are
        {"text": "Dependency on a single pipeline is a risk.", "kind": "opportunity",
         "sectors": ["tourism"], "actors": ["peru"], "reviewed": True},
        # machine tags that are stale
        {"text": "Kazakhstan sells natural gas to China.", "kind": "challenge",
         "sectors": ["trade"], "actors": [], "reviewed": False},
        # machine tags that already agree
        {"text": "The minister met farmers in Kenya on Monday.", "kind": "context",
         "sectors": ["agriculture"], "actors": ["kenya"], "reviewed": False},
    ]),
    "all-reviewed": dict(passages=[
        {"text": "Solar farms in Chile can attract new investment.", "kind": "context",
         "sectors": [], "actors": [], "reviewed": True}]),
}


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(bundled_taxonomy_path())


@pytest.fixture
def mixed(tmp_path):
    return write_corpus(tmp_path / "mixed", MIXED)


def snapshot(root):
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())}


def test_plan_changes_only_machine_tags(mixed, taxonomy):
    corpus = load_corpus(mixed, taxonomy).corpus
    plan = core.plan_retag(corpus, Tagger(taxonomy))
    assert (plan.articles, plan.unreviewed, plan.reviewed) == (2, 2, 2)
    assert [c.passage for c in plan.changes] == ["mixed-note#p02"]
    change = plan.changes[0]
    assert change.fields == ("kind", "sectors", "actors")
    assert (change.new_kind, change.new_sectors, change.new_actors) == (
        "context", ("energy",), ("kazakhstan", "china"))
    assert [u.article.id for u in plan.updates] == ["mixed-note"]


def test_dry_run_writes_nothing(run, mixed):
    before = snapshot(mixed)
    result = run("retag", "--corpus", mixed, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "passage\tkind\tsectors\tactors",
        "mixed-note#p02\tchallenge -> context\ttrade -> energy\t- -> kazakhstan, china",
    ]
    assert "would retag 1 passage in 1 article; 2 machine-tagged passages checked, " \
           "2 reviewed left alone (dry run: nothing written)" in result.stderr
    assert snapshot(mixed) == before


def test_retag_writes_machine_tags_and_never_reviewed_ones(run, mixed, taxonomy):
    before = snapshot(mixed)
    result = run("retag", "--corpus", mixed)
    assert result.exit_code == 0, result.stderr
    assert "retagged 1 passage in 1 article" in result.stderr
    assert "1 file written" in result.stderr
    after = snapshot(mixed)
    assert after["all-reviewed.yaml"] == before["all-reviewed.yaml"]
    assert after["mixed-note.yaml"] != before["mixed-note.yaml"]
    article = load_corpus(mixed, taxonomy).corpus.article("mixed-note")
    p1, p2, p3 = article.passages
    assert (p1.kind, p1.sectors, p1.actors, p1.reviewed) == ("opportunity", ("tourism",),
                                                             ("peru",), True)
    assert (p2.kind, p2.sectors, p2.actors, p2.reviewed) == ("context", ("energy",),
                                                             ("kazakhstan", "china"), False)
    assert (p3.kind, p3.sectors, p3.actors) == ("context", ("agriculture",), ("kenya",))
    assert [p.name for p in mixed.iterdir() if p.name.startswith(".")] == []
    # a second run finds nothing to change
    again = run("retag", "--corpus", mixed)
    assert again.exit_code == 0
    assert again.stdout == ""
    assert "nothing to change: 2 machine-tagged passages already agree with the tagger, " \
           "2 reviewed left alone" in again.stderr
    assert snapshot(mixed) == after


def test_only_the_named_article(run, tmp_path):
    root = write_corpus(tmp_path / "two", {
        "first": dict(passages=[{"text": "Oil and gas pipelines.", "kind": "challenge",
                                 "reviewed": False}]),
        "second": dict(passages=[{"text": "Oil and gas pipelines.", "kind": "challenge",
                                  "reviewed": False}]),
    })
    before = snapshot(root)
    result = run("retag", "--corpus", root, "--article", "second", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [c["id"] for c in json.loads(result.stdout)] == ["second#p01"]
    after = snapshot(root)
    assert after["first.yaml"] == before["first.yaml"]
    assert after["second.yaml"] != before["second.yaml"]


def test_json_diff_record(run, mixed):
    result = run("retag", "--corpus", mixed, "-n", "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [{
        "id": "mixed-note#p02", "article": "mixed-note", "changes": ["kind", "sectors", "actors"],
        "kind": {"old": "challenge", "new": "context"},
        "sectors": {"old": ["trade"], "new": ["energy"]},
        "actors": {"old": [], "new": ["kazakhstan", "china"]}}]


def test_terminal_diff(run, mixed):
    result = run("retag", "--corpus", mixed, "-n", env={"BRIEF_FORCE_TERMINAL": "1"})
    assert result.exit_code == 0
    assert "mixed-note#p02" in result.stdout and "+energy" in result.stdout


def test_unknown_article(run, mixed):
    result = run("retag", "--corpus", mixed, "--article", "mixed-nte")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: unknown article 'mixed-nte' (did you mean 'mixed-note'?)")
    result = run("retag", "--corpus", mixed, "--article", "mixed-note#p01")
    assert result.exit_code == 2
    assert "--article takes an article id, not a passage id" in result.stderr


def test_unknown_article_core(mixed, taxonomy):
    corpus = load_corpus(mixed, taxonomy).corpus
    with pytest.raises(UnknownIdError):
        core.plan_retag(corpus, Tagger(taxonomy), ["nope"])


def test_bundled_corpus_is_all_reviewed_nothing_to_change(run):
    result = run("retag")
    assert result.exit_code == 0
    assert result.stderr.strip() == (
        "nothing to change: no machine-tagged passages, 19 reviewed left alone")


def test_refuses_to_rewrite_the_bundled_corpus(run, mixed, monkeypatch):
    from brief_cli import config

    monkeypatch.setattr(config, "bundled_corpus_dir", lambda: mixed)
    before = snapshot(mixed)
    result = run("retag")
    assert result.exit_code == 2
    assert "retag rewrites corpus files and leaves the bundled corpus alone" in result.stderr
    assert snapshot(mixed) == before
    assert run("retag", "--dry-run").exit_code == 0


def test_interrupted_write_leaves_the_old_file(mixed, taxonomy, monkeypatch):
    corpus = load_corpus(mixed, taxonomy).corpus
    plan = core.plan_retag(corpus, Tagger(taxonomy))
    before = snapshot(mixed)

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(FileProblem):
        core.apply(plan)
    assert snapshot(mixed) == before  # no partial file, no temporary file left


def test_file_changed_since_it_was_read_is_not_overwritten(mixed, taxonomy):
    corpus = load_corpus(mixed, taxonomy).corpus
    plan = core.plan_retag(corpus, Tagger(taxonomy))
    path = mixed / "mixed-note.yaml"
    edited = path.read_text(encoding="utf-8") + "# edited by hand\n"
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(1, 1))
    with pytest.raises(FileProblem, match="changed while retagging"):
        core.apply(plan)
    assert path.read_text(encoding="utf-8") == edited


# Reviewed passages, unchanged files, symlinks and read-only files ---------------------------

HAND_WRITTEN = """\
# kept by hand: this comment must survive a retag
id: hand-note
title: Hand Note
source: Test Review
authors: [Ann Author]
published: 2024-01-15
language: en
passages:
- id: p01
  text: "  Reviewed text with spaces around it.  \\n"
  kind: opportunity
  sectors: [tourism]
  actors: [peru]
  reviewed: true
- id: p02
  text: Kazakhstan sells natural gas to China.
  kind: challenge
  sectors:
  - trade
  actors: []
  reviewed: false
- id: p03
  text: |+
    Reviewed block text, kept with its trailing lines.

  kind: context
  sectors: []
  actors: []
  reviewed: true
"""


def test_reviewed_passages_come_out_byte_identical(run, tmp_path, taxonomy):
    root = tmp_path / "hand"
    root.mkdir()
    path = root / "hand-note.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    result = run("retag", "--corpus", root)
    assert result.exit_code == 0, result.stderr
    assert "1 file written" in result.stderr
    after = path.read_text(encoding="utf-8")
    # only the machine-tagged passage's tag values changed; every other byte is as it was
    assert after == HAND_WRITTEN.replace(
        "  kind: challenge\n  sectors:\n  - trade\n  actors: []\n",
        "  kind: context\n  sectors: [energy]\n  actors: [kazakhstan, china]\n")
    import yaml

    after_data = yaml.safe_load(after)["passages"]
    assert after_data[0]["text"] == "  Reviewed text with spaces around it.  \n"
    assert after_data[2]["text"] == "Reviewed block text, kept with its trailing lines.\n\n"


def test_patch_falls_back_to_the_parsed_data_and_keeps_reviewed_values(mixed, taxonomy):
    """A passage without a sectors key cannot be edited in place: the whole file is written
    from its parsed data, and the reviewed values still come out exactly as read."""
    corpus = load_corpus(mixed, taxonomy).corpus
    plan = core.plan_retag(corpus, Tagger(taxonomy))
    (update,) = plan.updates
    original = update.path.read_text(encoding="utf-8")
    original = original.replace("text: Dependency on a single pipeline is a risk.",
                                "text: \"  Dependency on a single pipeline is a risk. \\n\"")
    original = original.replace("  sectors:\n  - trade\n", "").replace("  sectors: [trade]\n", "")
    import yaml

    out = yaml.safe_load(core.patch_tags(original, update))
    assert out["passages"][0] == yaml.safe_load(original)["passages"][0]
    assert out["passages"][0]["text"] == "  Dependency on a single pipeline is a risk. \n"
    assert out["passages"][1]["sectors"] == ["energy"]


def test_unchanged_articles_are_not_rewritten(run, tmp_path):
    root = write_corpus(tmp_path / "two", {
        # machine-tagged, already agreeing with the tagger: must not be touched
        "settled": dict(passages=[{"text": "The minister met farmers in Kenya on Monday.",
                                   "kind": "context", "sectors": ["agriculture"],
                                   "actors": ["kenya"], "reviewed": False}]),
        "stale": dict(passages=[{"text": "Kazakhstan sells natural gas to China.",
                                 "kind": "challenge", "sectors": ["trade"], "reviewed": False}]),
    })
    settled = root / "settled.yaml"
    os.utime(settled, ns=(1_000_000_000, 1_000_000_000))
    before = settled.read_bytes()
    result = run("retag", "--corpus", root)
    assert result.exit_code == 0, result.stderr
    assert "1 file written" in result.stderr
    assert settled.read_bytes() == before
    assert settled.stat().st_mtime_ns == 1_000_000_000


def test_retag_writes_through_a_symlink(run, tmp_path):
    real = write_corpus(tmp_path / "real", {"stale": MIXED["mixed-note"]})
    root = tmp_path / "linked"
    root.mkdir()
    (root / "stale.yaml").symlink_to(real / "stale.yaml")
    result = run("retag", "--corpus", root)
    assert result.exit_code == 0, result.stderr
    assert (root / "stale.yaml").is_symlink()
    assert "kind: context" in (real / "stale.yaml").read_text(encoding="utf-8")


def test_read_only_file_is_left_alone_with_a_warning(run, mixed):
    path = mixed / "mixed-note.yaml"
    path.chmod(0o444)
    before = path.read_bytes()
    result = run("retag", "--corpus", mixed)
    assert result.exit_code == 0, result.stderr
    assert "warning: left" in result.stderr and "the file is read-only" in result.stderr
    assert path.read_bytes() == before
    assert oct(path.stat().st_mode & 0o777) == oct(0o444)
