"""Taxonomy loading: checks, lookups and the cache of checked taxonomies."""

from __future__ import annotations

import os

import pytest

from brief_cli import config
from brief_cli.errors import TaxonomyError
from brief_cli.taxonomy import _cache_file, load_taxonomy

SMALL = """\
version: 1
sectors:
  - id: energy
    label: Energy
    keywords: [oil, gas]
actors:
  - id: china
    name: China
    type: country
    aliases: [PRC]
    capitals: [Beijing]
"""


def test_bundled_taxonomy_has_the_required_sectors():
    taxonomy = load_taxonomy(config.bundled_taxonomy_path())
    required = {"agriculture", "clean-energy", "culture", "digital", "diplomacy", "economy",
                "education", "energy", "environment", "finance", "governance", "health",
                "industry", "infrastructure", "labour", "migration", "security", "social",
                "tourism", "trade", "urban"}
    assert required <= set(taxonomy.sector_ids)
    assert taxonomy.kind_ids == ["challenge", "opportunity", "context"]
    countries = [a for a in taxonomy.actors if a.type == "country"]
    assert len(countries) >= 193
    assert taxonomy.resolve_actor("Russian Federation") == "russia"
    assert taxonomy.resolve_actor("Shanghai Cooperation Organization") == "sco"


def test_edited_taxonomy_is_read_again(tmp_path):
    path = tmp_path / "taxonomy.yaml"
    path.write_text(SMALL)
    assert load_taxonomy(path).sector_ids == ["energy"]
    assert _cache_file(path).exists()
    path.write_text(SMALL.replace("  - id: energy\n", "  - id: trade\n    label: Trade\n"
                                  "  - id: energy\n"))
    os.utime(path, ns=(1, 10**18))
    assert load_taxonomy(path).sector_ids == ["trade", "energy"]


def test_damaged_cache_entry_is_ignored(tmp_path):
    path = tmp_path / "taxonomy.yaml"
    path.write_text(SMALL)
    load_taxonomy(path)
    _cache_file(path).write_bytes(b"not a pickle")
    assert load_taxonomy(path).actor_name("china") == "China"


def test_unwritable_cache_only_costs_speed(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEF_CACHE_DIR", str(tmp_path / "file-not-folder"))
    (tmp_path / "file-not-folder").write_text("x")
    path = tmp_path / "taxonomy.yaml"
    path.write_text(SMALL)
    assert load_taxonomy(path).sector_ids == ["energy"]


@pytest.mark.parametrize("text, message", [
    ("version: 1\nsectors: []\n", "the taxonomy defines no sectors"),
    (SMALL + "  - id: china\n", "duplicate actor id 'china'"),
    (SMALL.replace("type: country", "type: planet"), "unknown actor type 'planet'"),
    (SMALL + "colours: [red]\n", "unknown field 'colours'"),
    ("kinds:\n  - id: threat\n" + SMALL, "unknown kind 'threat'"),
])
def test_taxonomy_problems(tmp_path, text, message):
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text)
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_an_actor_id_wins_over_another_actors_code():
    taxonomy = load_taxonomy(config.bundled_taxonomy_path())
    assert taxonomy.resolve_actor("nam") == "nam"  # the Non-Aligned Movement, not Namibia (NAM)
    assert taxonomy.resolve_actor("Namibia") == "namibia"
