"""A full rebuild copies files whose content hash is unchanged from the previous generation."""

from __future__ import annotations

import shutil

import pytest

from brief_cli import config, index
from brief_cli.index import index_base, open_index
from brief_cli.taxonomy import load_taxonomy
from helpers import article_yaml


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(config.bundled_taxonomy_path())


def opened(root, taxonomy, **kw):
    return open_index(root, taxonomy.path, lambda: taxonomy, **kw)


def dump(ix) -> tuple:
    """Everything a search reads, in corpus order (rowids differ only by slot spacing)."""
    con = ix.con
    return (
        con.execute("SELECT id, file, title, source, section, authors, author_note, published,"
                    " url, language, n_passages FROM articles ORDER BY slot").fetchall(),
        con.execute("SELECT a.id, p.idx, p.pid, p.kind, p.sectors, p.actors, p.reviewed, f.text,"
                    " f.tags, f.cjk FROM passages p JOIN articles a ON a.rowid = p.article "
                    "JOIN fts f ON f.rowid = p.rowid ORDER BY p.rowid").fetchall(),
        con.execute("SELECT path, hash, status, article_id, problems FROM files ORDER BY path"
                    ).fetchall(),
        con.execute("SELECT len, word, n FROM words ORDER BY len, word").fetchall(),
    )


def corpus(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    for i in range(6):
        (root / f"a{i}.yaml").write_text(article_yaml(f"art-{i}", [
            {"text": f"Pipeline number {i} crosses the steppe.", "kind": "challenge",
             "sectors": ["energy"]},
            {"text": "Tourist arrivals doubled, says the ministry."}],
            published=f"2024-01-{10 + i:02d}"), encoding="utf-8")
    (root / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    (root / "dup.yaml").write_text(article_yaml("art-1", [{"text": "A duplicate id."}]),
                                   encoding="utf-8")
    return root


def test_a_rebuild_copies_unchanged_files_and_equals_a_cold_build(tmp_path, taxonomy,
                                                                   isolated_env):
    root = corpus(tmp_path)
    opened(root, taxonomy).close()
    (root / "a3.yaml").write_text(article_yaml("art-3", [{"text": "A zeppelin now."}]),
                                  encoding="utf-8")
    with opened(root, taxonomy, rebuild=True) as ix:
        assert ix.refresh.rebuilt
        assert ix.refresh.copied == 5  # a0-a5 but a3; broken and duplicate files are parsed
        assert ix.refresh.parsed == 8
        reused = dump(ix)
    shutil.rmtree(index_base(root).parent)
    with opened(root, taxonomy, rebuild=True) as ix:
        assert ix.refresh.copied == 0
        assert dump(ix) == reused


def test_a_damaged_index_is_not_copied_from(tmp_path, taxonomy, isolated_env):
    root = corpus(tmp_path)
    opened(root, taxonomy).close()
    path = index._current(index_base(root))
    data = bytearray(path.read_bytes())
    data[:16] = b"not a database!!"
    path.write_bytes(bytes(data))
    with opened(root, taxonomy) as ix:
        assert ix.refresh.rebuilt and ix.refresh.copied == 0
        assert any("damaged" in w for w in ix.warnings)


def test_a_changed_taxonomy_means_parsing_again(tmp_path, taxonomy, isolated_env):
    root = corpus(tmp_path)
    opened(root, taxonomy).close()
    other = tmp_path / "taxonomy.yaml"
    other.write_text(config.bundled_taxonomy_path().read_text(encoding="utf-8") + "\n# edited\n",
                     encoding="utf-8")
    tax2 = load_taxonomy(other)
    with open_index(root, other, lambda: tax2) as ix:
        assert ix.refresh.rebuilt and ix.refresh.copied == 0


def test_a_previous_generation_that_fails_midway_means_parsing_everything(
        tmp_path, taxonomy, isolated_env, monkeypatch):
    root = corpus(tmp_path)
    opened(root, taxonomy).close()
    calls = []
    real = index._Previous.copy_of

    def failing(self, root_, rel, digest):
        calls.append(rel)
        if len(calls) == 3:
            raise index._ReuseFailed("disk error")
        return real(self, root_, rel, digest)

    monkeypatch.setattr(index._Previous, "copy_of", failing)
    with opened(root, taxonomy, rebuild=True) as ix:
        assert ix.refresh.rebuilt and ix.refresh.copied == 0 and ix.refresh.parsed == 8
        assert ix.stats().passages == 12
    assert not list(index_base(root).parent.glob("*.tmp"))
