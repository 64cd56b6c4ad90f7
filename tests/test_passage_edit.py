"""Editing one passage's tags in place: only those fields change, atomically, never blindly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief_cli.config import bundled_taxonomy_path
from brief_cli.corpus import load_article_file, load_corpus
from brief_cli.errors import UnknownIdError
from brief_cli.passage_edit import EditConflict, Tagging, apply_ops, edit_passage
from brief_cli.taxonomy import load_taxonomy
from helpers import write_corpus

# A file as a person might have written it: comments, block and flow lists, quoting, a block
# scalar, a passage without sectors or reviewed, another in flow style.
HAND = textwrap.dedent("""\
    # Hand-written: comments and layout must survive an edit.
    id: hand-note
    title: "A note: with a colon"
    source: Test Review   # the source
    authors: [Ann Author]
    published: 2024-02-01
    language: en
    passages:
      - id: p01
        text: |
          Kazakhstan exports oil and gas
          through pipelines to China.
        kind: context   # checked by hand
        sectors:
          - energy
          - trade
        actors: [kazakhstan, china]
        reviewed: false
      - id: p02
        text: Dependency on a single pipeline is a risk.
        kind: 'challenge'
      # a comment between passages
      - {id: p03, text: Solar power is an opportunity., kind: opportunity, sectors: [clean-energy]}
      - id: p04
        kind: context
        text: >
          Folded text
          at the end.
    """)


_TAX = []


def _taxonomy():
    if not _TAX:
        _TAX.append(load_taxonomy(bundled_taxonomy_path()))
    return _TAX[0]


@pytest.fixture(scope="module")
def taxonomy():
    return _taxonomy()


@pytest.fixture
def hand(tmp_path):
    path = tmp_path / "hand-note.yaml"
    path.write_text(HAND, encoding="utf-8")
    return path


def passage_of(path, pid, taxonomy):
    article, problems = load_article_file(path, taxonomy)
    assert article is not None, problems
    return article, next(p for p in article.passages if p.id == pid)


def test_kind_only_changes_that_value(hand, taxonomy):
    result = edit_passage(hand, "p01", taxonomy, kind="challenge")
    assert result.changed == ("kind",)
    assert hand.read_text() == HAND.replace("kind: context   #", "kind: challenge   #")


def test_block_list_keeps_its_style(hand, taxonomy):
    edit_passage(hand, "p01", taxonomy, sectors=["energy", "security"])
    assert hand.read_text() == HAND.replace("  - energy\n      - trade\n",
                                            "  - energy\n      - security\n")


def test_block_list_emptied(hand, taxonomy):
    edit_passage(hand, "p01", taxonomy, sectors=[])
    assert hand.read_text() == HAND.replace("sectors:\n      - energy\n      - trade\n",
                                            "sectors: []\n")
    _, passage = passage_of(hand, "p01", taxonomy)
    assert passage.sectors == ()


def test_flow_list_and_reviewed(hand, taxonomy):
    edit_passage(hand, "p01", taxonomy, actors=["china", "European Union"], reviewed=True)
    expected = HAND.replace("actors: [kazakhstan, china]", "actors: [china, eu]").replace(
        "reviewed: false", "reviewed: true")
    assert hand.read_text() == expected


def test_missing_fields_are_added_under_the_passage(hand, taxonomy):
    edit_passage(hand, "p02", taxonomy, sectors=["energy"], reviewed=True)
    expected = HAND.replace(
        "    kind: 'challenge'\n",
        "    kind: 'challenge'\n    sectors: [energy]\n    reviewed: true\n")
    assert hand.read_text() == expected


def test_missing_fields_after_a_block_scalar(hand, taxonomy):
    edit_passage(hand, "p04", taxonomy, reviewed=True, sectors=["energy"])
    assert hand.read_text() == HAND + "    sectors: [energy]\n    reviewed: true\n"


def test_a_file_that_does_not_load_is_not_edited(hand, taxonomy):
    # p04 without a kind: the article does not load, so no passage of it is edited
    from brief_cli.errors import FileProblem

    broken = HAND.replace("    kind: context\n    text: >", "    text: >")
    hand.write_text(broken)
    with pytest.raises(FileProblem, match="does not load"):
        edit_passage(hand, "p01", taxonomy, kind="challenge")
    assert hand.read_text() == broken


def test_flow_mapping_passage(hand, taxonomy):
    edit_passage(hand, "p03", taxonomy, sectors=["clean-energy", "energy"], reviewed=True)
    expected = HAND.replace("sectors: [clean-energy]}",
                            "sectors: [clean-energy, energy], reviewed: true}")
    assert hand.read_text() == expected


def test_no_change_does_not_touch_the_file(hand, taxonomy):
    before = os.stat(hand).st_mtime_ns
    result = edit_passage(hand, "p01", taxonomy, sectors=["trade", "energy"], kind="context")
    assert result.changed == ()
    assert os.stat(hand).st_mtime_ns == before and hand.read_text() == HAND


def test_unknown_passage_suggests_ids(hand, taxonomy):
    with pytest.raises(UnknownIdError) as info:
        edit_passage(hand, "p1", taxonomy, kind="context")
    assert "hand-note#p01" in info.value.suggestions
    assert hand.read_text() == HAND


def test_unknown_sector_is_refused_and_file_untouched(hand, taxonomy):
    with pytest.raises(UnknownIdError):
        edit_passage(hand, "p01", taxonomy, sectors=["enrgy"])
    assert hand.read_text() == HAND


def test_crlf_and_bom_are_kept(tmp_path, taxonomy):
    path = tmp_path / "hand-note.yaml"
    raw = b"\xef\xbb\xbf" + HAND.replace("\n", "\r\n").encode()
    path.write_bytes(raw)
    edit_passage(path, "p02", taxonomy, reviewed=True, sectors=["energy"])
    expected = raw.replace(b"    kind: 'challenge'\r\n",
                           b"    kind: 'challenge'\r\n    sectors: [energy]\r\n"
                           b"    reviewed: true\r\n")
    assert path.read_bytes() == expected


def test_a_changed_passage_on_disk_is_refused(hand, taxonomy):
    _, passage = passage_of(hand, "p01", taxonomy)
    seen = Tagging.of(passage)
    hand.write_text(HAND.replace("kind: context   #", "kind: opportunity   #"))  # someone else
    changed = hand.read_text()
    with pytest.raises(EditConflict):
        edit_passage(hand, "p01", taxonomy, kind="challenge", expect=seen)
    assert hand.read_text() == changed


def test_a_change_elsewhere_in_the_file_is_kept(hand, taxonomy):
    from brief_cli.passage_edit import fingerprint

    _, passage = passage_of(hand, "p01", taxonomy)
    seen, fp = Tagging.of(passage), fingerprint(hand.read_bytes())
    edited = HAND.replace("A note: with a colon", "A retitled note")
    hand.write_text(edited)
    result = edit_passage(hand, "p01", taxonomy, kind="challenge", expect=seen,
                          expect_fingerprint=fp)
    assert result.reloaded
    assert hand.read_text() == edited.replace("kind: context   #", "kind: challenge   #")


def test_apply_ops(taxonomy):
    ops = apply_ops(("energy", "trade"), ["+security", "-trade", "energy", "+security"],
                    taxonomy.require_sector, "--sector")
    assert ops == ("energy", "security")
    assert apply_ops(("energy",), ["=tourism,culture"], taxonomy.require_sector, "-s") == (
        "tourism", "culture")
    assert apply_ops(("energy",), ["="], taxonomy.require_sector, "-s") == ()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["challenge", "opportunity", "context"]),
       sectors=st.lists(st.sampled_from(["energy", "trade", "tourism", "security", "culture",
                                         "digital"]), unique=True, max_size=4),
       actors=st.lists(st.sampled_from(["china", "kazakhstan", "eu", "un", "united-states"]), unique=True,
                       max_size=3),
       reviewed=st.booleans(), pid=st.sampled_from(["p01", "p02", "p03"]))
def test_any_edit_changes_only_that_passage(tmp_path_factory, kind, sectors, actors,
                                            reviewed, pid):
    taxonomy = _taxonomy()
    path = tmp_path_factory.mktemp("h") / "hand-note.yaml"
    path.write_text(HAND, encoding="utf-8")
    before, _ = load_article_file(path, taxonomy)
    edit_passage(path, pid, taxonomy, kind=kind, sectors=sectors, actors=actors,
                 reviewed=reviewed)
    after, problems = load_article_file(path, taxonomy)
    assert after is not None, problems
    for old, new in zip(before.passages, after.passages):
        if old.id == pid:
            got = Tagging.of(new)
            assert (got.kind, set(got.sectors), set(got.actors), got.reviewed) == (
                kind, set(sectors), set(actors), reviewed)
            assert new.text == old.text
        else:
            assert new == old
    assert (after.title, after.source, after.published) == (
        before.title, before.source, before.published)
    # the text before the passage and after it is byte for byte what it was
    text = path.read_text()
    start = HAND.index(f"id: {pid}")
    end = HAND.index("id: p0", start + 6)
    assert text.startswith(HAND[:start])
    assert text.endswith(HAND[HAND.rindex("\n", 0, end) + 1:])


# the command -------------------------------------------------------------------------------

def test_set_each_field(run, small_corpus):
    path = small_corpus / "energy-outlook.yaml"
    original = path.read_text()
    result = run("set", "energy-outlook#p02", "--kind", "opportunity", "--sector", "+trade",
                 "--sector", "-energy", "--actor", "+Kazakhstan", "--corpus", small_corpus,
                 "-f", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["kind"] == "opportunity"
    assert record["sectors"] == ["trade"] and record["actors"] == ["kazakhstan"]
    assert record["reviewed"] is True
    assert set(record["changed"]) == {"kind", "sectors", "actors"}
    text = path.read_text()
    # the file differs only in that passage's three lines
    diff = [(a, b) for a, b in zip(original.splitlines(), text.splitlines()) if a != b]
    assert len(text.splitlines()) == len(original.splitlines())
    assert diff == [("  kind: challenge", "  kind: opportunity"), ("  - energy", "  - trade"),
                    ("  actors: []", "  actors: [kazakhstan]")]
    tax = load_taxonomy(bundled_taxonomy_path())
    corpus = load_corpus(small_corpus, tax).corpus
    p = corpus.passage("energy-outlook#p02")
    assert (p.kind, p.sectors, p.actors, p.reviewed) == ("opportunity", ("trade",),
                                                         ("kazakhstan",), True)
    assert corpus.passage("energy-outlook#p01").sectors == ("energy", "trade")


def test_set_refreshes_the_index_at_once(run, small_corpus, monkeypatch):
    """After ``brief set`` the index already holds the new tags: the next command finds it
    fresh and reads no file again. With no index built yet, ``set`` builds none."""
    import sqlite3

    from brief_cli import index as index_mod

    assert index_mod._current(index_mod.index_base(small_corpus)) is None
    assert run("set", "energy-outlook#p01", "--kind", "context", "--corpus",
               small_corpus).exit_code == 0
    assert index_mod._current(index_mod.index_base(small_corpus)) is None  # none built
    assert run("search", "--kind", "context", "--corpus", small_corpus).exit_code in (0, 1)
    db = index_mod._current(index_mod.index_base(small_corpus))
    result = run("set", "energy-outlook#p02", "--kind", "opportunity", "--sector", "+trade",
                 "--corpus", small_corpus)
    assert result.exit_code == 0, result.stderr
    con = sqlite3.connect(db)
    row = con.execute("SELECT p.kind, p.sectors, p.reviewed FROM passages p JOIN articles a "
                      "ON a.rowid = p.article WHERE a.id = 'energy-outlook' AND p.pid = 'p02'"
                      ).fetchone()
    con.close()
    assert row[0] == "opportunity" and "trade" in row[1].split() and row[2]
    # the next command has nothing to read again
    parsed = []
    from brief_cli.index import parsing

    real = parsing._parse
    monkeypatch.setattr(parsing, "_parse", lambda task: parsed.append(task) or real(task))
    found = run("search", "--kind", "opportunity", "--article", "energy-outlook", "-f", "jsonl",
                "--corpus", small_corpus)
    assert found.exit_code == 0 and "energy-outlook#p02" in found.stdout
    assert parsed == []


def test_set_unreviewed_and_reviewed(run, small_corpus):
    result = run("set", "tourism-note#p01", "--unreviewed", "--corpus", small_corpus, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["reviewed"] is False
    result = run("set", "tourism-note#p01", "--sector", "+culture", "--unreviewed",
                 "--corpus", small_corpus, "-f", "json")
    assert json.loads(result.stdout)["reviewed"] is False
    result = run("set", "tourism-note#p01", "--reviewed", "--corpus", small_corpus, "-f", "json")
    record = json.loads(result.stdout)
    assert record["reviewed"] is True and record["changed"] == ["reviewed"]


def test_set_on_a_reviewed_passage_changes_it(run, small_corpus):
    result = run("set", "tourism-note#p02", "--kind", "challenge", "--corpus", small_corpus,
                 "-f", "json")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["before"]["reviewed"] is True and record["kind"] == "challenge"


def test_set_without_changes_shows_the_tags(run, small_corpus):
    before = (small_corpus / "tourism-note.yaml").read_bytes()
    result = run("set", "tourism-note#p02", "--corpus", small_corpus, "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["changed"] == []
    assert (small_corpus / "tourism-note.yaml").read_bytes() == before


@pytest.mark.parametrize("ident, suggestion", [
    ("tourism-not#p01", "tourism-note"), ("tourism-note#p1", "tourism-note#p01")])
def test_set_unknown_id_exit_2_with_closest(run, small_corpus, ident, suggestion):
    result = run("set", ident, "--kind", "context", "--corpus", small_corpus)
    assert result.exit_code == 2
    assert suggestion in result.stderr and "Traceback" not in result.stderr


def test_set_unknown_sector_and_kind(run, small_corpus):
    result = run("set", "tourism-note#p01", "--sector", "+turism", "--corpus", small_corpus)
    assert result.exit_code == 2 and "tourism" in result.stderr
    result = run("set", "tourism-note#p01", "--kind", "chalenge", "--corpus", small_corpus)
    assert result.exit_code == 2 and "challenge" in result.stderr


def test_set_article_id_is_a_usage_error(run, small_corpus):
    result = run("set", "tourism-note", "--kind", "context", "--corpus", small_corpus)
    assert result.exit_code == 2 and "tourism-note#p01" in result.stderr


def test_set_refuses_the_bundled_corpus(run):
    result = run("set", "kazakhstan-bri-partner#p01", "--kind", "challenge")
    assert result.exit_code == 2 and "--corpus" in result.stderr


def test_set_file_changed_underneath(run, small_corpus, monkeypatch):
    """The file changes between loading the corpus and writing: refused, other edit kept."""
    from brief_cli import passage_edit

    path = small_corpus / "tourism-note.yaml"
    real = passage_edit.edit_passage

    def meddle(*args, **kwargs):
        path.write_text(path.read_text().replace("kind: context", "kind: challenge", 1))
        return real(*args, **kwargs)

    monkeypatch.setattr(passage_edit, "edit_passage", meddle)
    result = run("set", "tourism-note#p01", "--kind", "opportunity", "--corpus", small_corpus)
    assert result.exit_code == 2
    assert "changed on disk" in result.stderr
    assert "kind: challenge" in path.read_text() and "opportunity" not in \
        path.read_text().split("p02")[0]


def test_set_read_only_folder(run, small_corpus):
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    os.chmod(small_corpus, 0o555)
    try:
        result = run("set", "tourism-note#p01", "--kind", "challenge", "--corpus", small_corpus)
    finally:
        os.chmod(small_corpus, 0o755)
    assert result.exit_code == 2 and "permission denied" in result.stderr
    assert "Traceback" not in result.stderr


# killed between decisions ------------------------------------------------------------------

_WORKER = textwrap.dedent("""
    import sys
    from brief_cli.config import bundled_taxonomy_path
    from brief_cli.passage_edit import edit_passage
    from brief_cli.taxonomy import load_taxonomy
    from pathlib import Path
    tax = load_taxonomy(bundled_taxonomy_path())
    root = Path(sys.argv[1])
    kinds = ["challenge", "opportunity", "context"]
    n = 0
    while True:
        for path in sorted(root.glob("*.yaml")):
            for pid in ["p01", "p02", "p03", "p04", "p05", "p06"]:
                kind = kinds[n % 3]
                edit_passage(path, pid, tax, kind=kind, reviewed=True)
                print(path.stem, pid, kind, flush=True)
                n += 1
""")


def test_kill_between_decisions_keeps_every_earlier_one(tmp_path):
    passages = [{"text": f"Passage {i} about energy.", "kind": "context", "sectors": ["energy"],
                 "reviewed": False} for i in range(6)]
    root = write_corpus(tmp_path / "c", {f"art-{n}": dict(passages=passages) for n in range(3)})
    tax = load_taxonomy(bundled_taxonomy_path())
    for stop_after in (1, 7, 25):
        proc = subprocess.Popen([sys.executable, "-c", _WORKER, str(root)],
                                stdout=subprocess.PIPE, text=True)
        decided = {}
        for _ in range(stop_after):
            stem, pid, kind = proc.stdout.readline().split()
            decided[(stem, pid)] = kind
        os.kill(proc.pid, signal.SIGKILL)  # anywhere: between decisions or in the middle of one
        proc.wait()
        proc.stdout.close()
        result = load_corpus(root, tax)
        assert not result.errors, result.errors
        assert result.corpus.passage_count == 18
        # the decision after the last one confirmed may or may not have been written
        order = [(f"art-{a}", f"p{i:02d}") for a in range(3) for i in range(1, 7)]
        unsure = order[stop_after % len(order)]
        for (stem, pid), kind in decided.items():
            if (stem, pid) == unsure:
                continue
            passage = result.corpus.passage(f"{stem}#{pid}")
            assert (passage.kind, passage.reviewed) == (kind, True), (stem, pid)
