"""Retag's writer, one decision at a time: when a file counts as changed since it was read, how
the whole-file fallback is written, and when an in-place edit is refused."""

from __future__ import annotations

import os

import pytest
import yaml

from brief_cli import retag as core
from brief_cli.config import bundled_taxonomy_path
from brief_cli.corpus import load_corpus
from brief_cli.errors import FileProblem
from brief_cli.tagging import Tagger
from brief_cli.taxonomy import load_taxonomy
from helpers import write_corpus

STALE = {"text": "Kazakhstan sells natural gas to China.", "kind": "challenge",
         "sectors": ["trade"], "actors": [], "reviewed": False}


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(bundled_taxonomy_path())


def plan_for(root, taxonomy):
    corpus = load_corpus(root, taxonomy).corpus
    return core.plan_retag(corpus, Tagger(taxonomy))


def test_a_file_that_went_bad_with_its_mtime_kept_is_not_written(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", {"note": dict(passages=[STALE])})
    plan = plan_for(root, taxonomy)
    path = root / "note.yaml"
    stat = path.stat()
    path.write_text("id: [broken\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime: only a read sees it
    with pytest.raises(FileProblem) as info:
        core.apply(plan)
    assert info.value.message.startswith(f"{str(path)!r} changed while retagging ({path}:2:1: ")
    assert info.value.hint == "run retag again"
    assert path.read_text(encoding="utf-8") == "id: [broken\n"


def test_a_file_changed_since_it_was_read_says_to_run_again(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", {"note": dict(passages=[STALE])})
    plan = plan_for(root, taxonomy)
    path = root / "note.yaml"
    os.utime(path, ns=(1, 1))
    with pytest.raises(FileProblem) as info:
        core.apply(plan)
    assert info.value.message == f"{str(path)!r} changed while retagging"
    assert info.value.hint == "run retag again"


def test_a_deleted_file_counts_as_changed(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", {"note": dict(passages=[STALE])})
    plan = plan_for(root, taxonomy)
    (root / "note.yaml").unlink()
    with pytest.raises(FileProblem, match="changed while retagging"):
        core.apply(plan)
    assert core._mtime(root / "note.yaml") == -1


def test_apply_returns_the_paths_written(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", {"a-note": dict(passages=[STALE]),
                                         "b-note": dict(passages=[STALE])})
    plan = plan_for(root, taxonomy)
    assert core.apply(plan) == [root / "a-note.yaml", root / "b-note.yaml"]


def test_the_whole_file_fallback_keeps_field_order_and_text_as_written(tmp_path, taxonomy):
    """Without a sectors key to edit, the file is written whole: fields in the order they were
    read (not sorted), non-ASCII text as itself (not escaped), long lines folded at 100."""
    title = "Énergie et gaz: " + "un très long titre " * 8
    root = write_corpus(tmp_path / "c", {"note": dict(title=title.strip(), passages=[STALE])})
    plan = plan_for(root, taxonomy)
    (update,) = plan.updates
    original = (root / "note.yaml").read_text(encoding="utf-8")
    without_sectors = original.replace("  sectors: [trade]\n", "").replace(
        "  sectors:\n  - trade\n", "")
    assert without_sectors != original
    out = core.patch_tags(without_sectors, update)
    assert list(yaml.safe_load(out)) == list(yaml.safe_load(original))  # id, title, source, ...
    assert out.startswith("id: note\ntitle: 'Énergie et gaz")
    assert "\\xC9" not in out and "\\u00e9" not in out.lower()
    assert 85 < max(len(line) for line in out.splitlines()) <= 110  # folded near 100, not 80
    assert yaml.safe_load(out)["passages"][0]["sectors"] == ["energy"]


def test_an_in_place_edit_is_refused_when_the_file_is_not_an_article(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", {"note": dict(passages=[STALE])})
    (update,) = plan_for(root, taxonomy).updates
    from brief_cli import yamlio

    for text in ("- a list\n", "id: note\npassages: not a list\n",
                 "id: note\npassages:\n- just text\n", "id: note\npassages: []\n"):
        assert core._edit_in_place(text, yamlio.parse(text, None), update) is None, text


def test_a_comment_inside_a_value_is_not_guessed_at(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", {"note": dict(passages=[STALE])})
    (update,) = plan_for(root, taxonomy).updates
    from brief_cli import yamlio

    original = (root / "note.yaml").read_text(encoding="utf-8")
    commented = original.replace("  sectors: [trade]\n", "  sectors:  # by hand\n  - trade\n"
                                 ).replace("  sectors:\n  - trade\n",
                                           "  sectors:  # by hand\n  - trade\n")
    assert commented != original
    assert core._edit_in_place(commented, yamlio.parse(commented, None), update) is None
    out = core.patch_tags(commented, update)  # written whole instead, and still right
    assert yaml.safe_load(out)["passages"][0]["sectors"] == ["energy"]


def test_flow_values():
    assert core._flow(["energy", "trade"]) == "[energy, trade]"
    assert core._flow([]) == "[]"
    assert core._flow("context") == "context"
    assert core._flow(["côte-d-ivoire"]) == "[côte-d-ivoire]"
    assert core._flow("yes") == "'yes'"  # a word YAML would read as true stays a string
    many = [f"sector-with-a-long-name-{i}" for i in range(12)]
    assert core._flow(many) == "[" + ", ".join(many) + "]"  # one line, however long


# The tagger reads "Kazakhstan sells natural gas to China." as context, energy, Kazakhstan and
# China. Each case differs from that in one field, and writes the other two in a style of its
# own (quoted, block list, flow list with odd spacing): only the field that changes is rewritten.
_ONE_FIELD = {
    "kind": ("  kind: challenge\n", "  sectors:\n  - energy\n",
             "  actors: [ kazakhstan,  china ]\n"),
    "kind, one sector written as a string": ("  kind: challenge\n", "  sectors: energy\n",
                                             "  actors: [kazakhstan, china]\n"),
    "sectors": ("  kind: 'context'\n", "  sectors: [trade]\n",
                "  actors:\n  - kazakhstan\n  - china\n"),
    "actors": ('  kind: "context"\n', "  sectors: [ energy ]\n", "  actors: [china]\n"),
}


@pytest.mark.parametrize("case", sorted(_ONE_FIELD))
def test_only_the_field_that_changes_is_rewritten(tmp_path, taxonomy, case):
    kind, sectors, actors = _ONE_FIELD[case]
    field = case.split(",")[0]
    root = tmp_path / "c"
    root.mkdir()
    path = root / "note.yaml"
    head = ("id: note\ntitle: Note\nsource: Test Review\nauthors: [Ann Author]\n"
            "published: '2024-01-15'\nlanguage: en\npassages:\n"
            "- id: p01\n  text: Kazakhstan sells natural gas to China.\n")
    path.write_text(head + kind + sectors + actors + "  reviewed: false\n", encoding="utf-8")
    plan = plan_for(root, taxonomy)
    assert [c.fields for c in plan.changes] == [(field,)]
    assert core.apply(plan) == [path]
    new = {"kind": "  kind: context\n", "sectors": "  sectors: [energy]\n",
           "actors": "  actors: [kazakhstan, china]\n"}
    expected = dict(zip(("kind", "sectors", "actors"), (kind, sectors, actors)))
    expected[field] = new[field]
    assert path.read_text(encoding="utf-8") == head + "".join(expected.values()) + (
        "  reviewed: false\n")


def test_a_key_after_the_passages_still_gets_an_in_place_edit(tmp_path, taxonomy):
    """The passages need not be the last key: the file is still edited in place (its comment
    kept), not written whole."""
    root = write_corpus(tmp_path / "c", {"note": dict(passages=[STALE])})
    path = root / "note.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text("# kept by hand\n" + text + "url: https://example.org/note\n", encoding="utf-8")
    plan = plan_for(root, taxonomy)
    core.apply(plan)
    out = path.read_text(encoding="utf-8")
    assert out.startswith("# kept by hand\n") and out.endswith("url: https://example.org/note\n")
    assert yaml.safe_load(out)["passages"][0]["sectors"] == ["energy"]


def test_retag_stops_at_its_checkpoint_with_the_file_untouched(tmp_path, taxonomy, monkeypatch):
    """``retag-write`` (a point fault tests stop at) comes after the new text is ready and
    before the file is replaced."""
    from brief_cli import checkpoint

    root = write_corpus(tmp_path / "c", {"note": dict(passages=[STALE])})
    path = root / "note.yaml"
    before = path.read_bytes()
    seen = []
    monkeypatch.setattr(checkpoint, "reached",
                        lambda name: seen.append((name, path.read_bytes() == before)))
    core.apply(plan_for(root, taxonomy))
    assert ("retag-write", True) in seen
    assert path.read_bytes() != before


def test_files_that_cannot_be_written_are_skipped_with_the_reason_and_the_rest_planned(
        tmp_path, taxonomy, monkeypatch):
    root = write_corpus(tmp_path / "c", {"a-locked": dict(passages=[STALE]),
                                         "b-gone": dict(passages=[STALE]),
                                         "c-open": dict(passages=[STALE])})
    corpus = load_corpus(root, taxonomy).corpus
    (root / "a-locked.yaml").chmod(0o555)  # read and execute bits, no write bit
    (root / "b-gone.yaml").unlink()  # removed after it was read
    plan = core.plan_retag(corpus, Tagger(taxonomy))
    assert plan.skipped == ((root / "a-locked.yaml", "the file is read-only"),
                            (root / "b-gone.yaml", "cannot read it: No such file or directory"))
    assert [u.path for u in plan.updates] == [root / "c-open.yaml"]
    assert {c.article for c in plan.changes} == {"c-open"}
    monkeypatch.setattr(core.os, "access", lambda path, mode: False)  # as for a user, not root
    plan = core.plan_retag(corpus, Tagger(taxonomy), ["c-open"])
    assert plan.skipped == ((root / "c-open.yaml", "its folder is not writable"),)
    assert plan.updates == ()


def test_the_planned_article_keeps_its_reviewed_passages(tmp_path, taxonomy):
    reviewed = {"text": "A reviewed passage about ports.", "kind": "challenge",
                "sectors": ["trade"], "reviewed": True}
    root = write_corpus(tmp_path / "c", {"note": dict(passages=[reviewed, STALE])})
    corpus = load_corpus(root, taxonomy).corpus
    (update,) = core.plan_retag(corpus, Tagger(taxonomy)).updates
    assert update.article.passages[0] == corpus.articles[0].passages[0]
    assert update.changed == (1,)
    assert update.article.passages[1].sectors == ("energy",)


def test_an_article_without_a_file_cannot_be_retagged(tmp_path, taxonomy):
    from dataclasses import replace

    root = write_corpus(tmp_path / "c", {"note": dict(passages=[STALE])})
    corpus = load_corpus(root, taxonomy).corpus
    in_memory = replace(corpus, articles=tuple(replace(a, path=None) for a in corpus.articles))
    with pytest.raises(FileProblem) as info:
        core.plan_retag(in_memory, Tagger(taxonomy))
    assert info.value.message == "article 'note' has no file to write back to"
