"""Every cache is read when it is valid and never when it is not.

Reads are counted through hooks (the sealed-cache counters, a counter on the loader or the
parser), never timed: a cache that is silently skipped, or one that is served stale after an
edit, fails here.
"""

from __future__ import annotations

import os
import shutil

import pytest

from brief_cli import cachefile, config
from brief_cli import taxonomy as taxonomy_module
from brief_cli.taxonomy import load_taxonomy


@pytest.fixture
def own_taxonomy(tmp_path):
    path = tmp_path / "tax" / "taxonomy.yaml"
    path.parent.mkdir()
    shutil.copy(config.bundled_taxonomy_path(), path)
    return path


@pytest.fixture
def loads(monkeypatch):
    """How many times the taxonomy file itself was parsed."""
    calls = []
    real = taxonomy_module._load_taxonomy
    monkeypatch.setattr(taxonomy_module, "_load_taxonomy", lambda p: calls.append(p) or real(p))
    return calls


def edit_same_size(path, old: str, new: str) -> None:
    assert len(old) == len(new)
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000))  # a later mtime, same size
    assert path.stat().st_size == st.st_size


# taxonomy ------------------------------------------------------------------------------------

def test_the_taxonomy_cache_is_read_when_valid(own_taxonomy, loads):
    first = load_taxonomy(own_taxonomy)
    before = cachefile.hits["taxonomy"]
    second = load_taxonomy(own_taxonomy)
    assert len(loads) == 1  # parsed once, then read from the cache
    assert cachefile.hits["taxonomy"] == before + 1
    assert second.sector("energy").label == first.sector("energy").label


def test_a_same_size_edit_of_the_taxonomy_is_seen(own_taxonomy, loads):
    assert load_taxonomy(own_taxonomy).sector("energy").label == "Energy"
    edit_same_size(own_taxonomy, "label: Energy\n", "label: Enargy\n")
    assert load_taxonomy(own_taxonomy).sector("energy").label == "Enargy"
    assert len(loads) == 2


def test_an_edit_of_the_chinese_terms_beside_the_taxonomy_is_seen(own_taxonomy, loads):
    from brief_cli.lang.terms import companion

    bundled = companion(config.bundled_taxonomy_path())
    if not bundled.exists():
        pytest.skip("no Chinese terms file beside the bundled taxonomy")
    shutil.copy(bundled, companion(own_taxonomy))
    load_taxonomy(own_taxonomy)
    target = companion(own_taxonomy)
    st = target.stat()
    with open(target, "a", encoding="utf-8") as handle:
        handle.write("\n# edited\n")
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000))
    load_taxonomy(own_taxonomy)
    assert len(loads) == 2


def test_a_copy_elsewhere_has_its_own_entry(own_taxonomy, tmp_path, loads):
    load_taxonomy(own_taxonomy)
    other = tmp_path / "other.yaml"
    shutil.copy(own_taxonomy, other)
    edit_same_size(other, "label: Energy\n", "label: Enorgy\n")
    assert load_taxonomy(other).sector("energy").label == "Enorgy"
    assert load_taxonomy(own_taxonomy).sector("energy").label == "Energy"


def test_a_damaged_or_foreign_entry_is_rebuilt(own_taxonomy, loads):
    load_taxonomy(own_taxonomy)
    entry = taxonomy_module._cache_file(own_taxonomy)
    entry.write_bytes(entry.read_bytes()[:-10])  # damaged: the seal no longer checks out
    assert load_taxonomy(own_taxonomy).sector("energy").label == "Energy"
    assert len(loads) == 2


# the compiled tagger -------------------------------------------------------------------------

def tags_of(taxonomy_path, text):
    from brief_cli.tagging import Tagger

    return Tagger(load_taxonomy(taxonomy_path)).tag_passages([text])[0]


def test_the_compiled_tagger_is_read_when_valid(own_taxonomy, monkeypatch):
    from brief_cli.tagging import lexicon
    from brief_cli.tagging.lexicon import Lexicon

    compiled = []
    real = lexicon.Lexicon._compile_sectors
    monkeypatch.setattr(lexicon.Lexicon, "_compile_sectors",
                        lambda self, tax: compiled.append(1) or real(self, tax))
    tax = load_taxonomy(own_taxonomy)
    first = Lexicon(tax)
    before = cachefile.hits["tagger"]
    second = Lexicon(tax)
    assert cachefile.hits["tagger"] == before + 1
    # read and used: the second one is not compiled again, and matches the same
    assert len(compiled) <= 1
    assert second.phrases == first.phrases and second.actor_names == first.actor_names


@pytest.mark.parametrize("same_size", [True, False])
def test_a_taxonomy_edit_reaches_the_compiled_tagger(own_taxonomy, same_size):
    text = "The zorblax output of the region doubled."
    assert "energy" not in tags_of(own_taxonomy, text).sectors
    if same_size:  # replace a keyword by one of the same length
        edit_same_size(own_taxonomy, "blackout,", "zorblax, ")
    else:
        body = own_taxonomy.read_text(encoding="utf-8")
        own_taxonomy.write_text(body.replace("keywords: [oil,", "keywords: [zorblax, oil,", 1),
                                encoding="utf-8")
    assert "energy" in tags_of(own_taxonomy, text).sectors


# the search index ----------------------------------------------------------------------------

def test_a_fresh_index_is_read_without_parsing_any_file(small_corpus, monkeypatch):
    from brief_cli import index as index_module

    tax = load_taxonomy(config.bundled_taxonomy_path())
    parsed = []
    from brief_cli.index import parsing

    real = parsing._parse
    monkeypatch.setattr(parsing, "_parse", lambda task: parsed.append(task[1]) or real(task))
    with index_module.open_index(small_corpus, tax.path, lambda: tax) as ix:
        assert ix.stats().passages == 5
    assert sorted(parsed) == ["energy-outlook.yaml", "tourism-note.yaml"]
    parsed.clear()
    with index_module.open_index(small_corpus, tax.path, lambda: tax) as ix:
        assert ix.stats().passages == 5
    assert parsed == []
    # each kind of change is picked up, and only the changed file is parsed again
    path = small_corpus / "tourism-note.yaml"
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("doubled", "tripled"),
                    encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000))
    with index_module.open_index(small_corpus, tax.path, lambda: tax) as ix:
        assert ix.con.execute("SELECT count(*) FROM fts WHERE fts MATCH 'tripled'").fetchone()[0]
    assert parsed == ["tourism-note.yaml"]
