"""The test suite's own set-up: every test's cache starts from the bundled taxonomy's entries."""

from __future__ import annotations

import pytest

from brief_cli import cachefile


def test_a_test_cache_starts_with_the_bundled_taxonomy_compiled(isolated_env, run, monkeypatch):
    from brief_cli.tagging import lexicon

    compiled = []
    real = lexicon.Lexicon._compile_sectors
    monkeypatch.setattr(lexicon.Lexicon, "_compile_sectors",
                        lambda self, tax: compiled.append(1) or real(self, tax))
    hits, misses = cachefile.hits.copy(), cachefile.misses.copy()
    result = run("tag", "Oil and gas pipelines.")
    assert result.exit_code == 0, result.stderr
    assert compiled == []
    assert cachefile.hits["taxonomy"] > hits["taxonomy"]
    assert cachefile.hits["tagger"] > hits["tagger"]
    assert cachefile.misses == misses


@pytest.mark.cold_cache
def test_a_cold_cache_test_starts_empty_and_compiles(isolated_env, run):
    assert list(isolated_env.iterdir()) == []
    hits = cachefile.hits.copy()
    assert run("tag", "Oil and gas pipelines.").exit_code == 0
    assert cachefile.hits["tagger"] == hits["tagger"]
    assert {p.name for p in isolated_env.iterdir()} >= {"taxonomy", "tagger"}
