"""The taxonomy, field by field: what a loaded file holds, how ids, labels and names resolve,
and the one line each kind of mistake in the file gets (with its file:line)."""

from __future__ import annotations

import pytest

from brief_cli.errors import TaxonomyError, UnknownIdError
from brief_cli.taxonomy import Actor, closest, fold, load_taxonomy

FULL = """\
version: 1
kinds:
  - id: challenge
    label: Problem
    description: Something in the way.
    cues: [risk, " threat "]
  - id: opportunity
sectors:
  - id: energy
    label: Energy Supply
    description: Power and fuel.
    keywords: [Oil, " Gas "]
    aliases: [Power]
  - id: clean-energy
actors:
  - id: china
    name: China
    iso3: CHN
    aliases: [PRC]
    demonyms: [Chinese]
    capitals: [Beijing]
  - id: nam
    name: Non-Aligned Movement
    type: organisation
  - id: namibia
    name: Namibia
    iso3: NAM
  - id: cote-divoire
    name: Côte d’Ivoire
"""


@pytest.fixture
def tax(tmp_path):
    path = tmp_path / "taxonomy.yaml"
    path.write_text(FULL, encoding="utf-8")
    return load_taxonomy(path)


def test_every_field_is_read(tax, tmp_path):
    assert tax.path == tmp_path / "taxonomy.yaml"
    challenge, opportunity, context = tax.kinds
    assert (challenge.id, challenge.label, challenge.description, challenge.cues) == (
        "challenge", "Problem", "Something in the way.", ("risk", "threat"))
    # a kind without a label is titled; a kind the file leaves out is added, in KINDS order
    assert (opportunity.label, opportunity.description, opportunity.cues) == (
        "Opportunity", "", ())
    assert (context.id, context.label) == ("context", "Context")
    energy, clean = tax.sectors
    assert (energy.id, energy.label, energy.description, energy.keywords, energy.aliases) == (
        "energy", "Energy Supply", "Power and fuel.", ("oil", "gas"), ("power",))
    assert (clean.label, clean.description, clean.keywords, clean.aliases) == (
        "clean-energy", "", (), ())
    china = tax.actor("china")
    assert china == Actor("china", "China", "country", "CHN", ("PRC",), ("Chinese",),
                          ("Beijing",))
    assert tax.actor("nam").type == "organisation"
    assert tax.actor("cote-divoire").iso3 is None
    assert tax.sector_ids == ["energy", "clean-energy"]
    assert tax.kind_ids == ["challenge", "opportunity", "context"]


def test_kinds_keep_their_order_whatever_the_file_says(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("kinds:\n  - id: context\n  - id: challenge\nsectors:\n  - id: energy\n",
                    encoding="utf-8")
    assert load_taxonomy(path).kind_ids == ["challenge", "opportunity", "context"]


def test_names_of_an_actor():
    assert Actor("china", "China", "country", "CHN", ("PRC",)).names() == (
        "china", "China", "PRC", "CHN")
    assert Actor("x", "X", "country").names() == ("x", "X")


def test_fold_ignores_case_accents_curly_quotes_and_spacing():
    assert fold("  Côte   d\u2019Ivoire ") == "cote d'ivoire"
    assert fold("STRASSE") == fold("straße")
    assert fold("") == ""


def test_sector_lookups(tax):
    assert tax.sector("energy").label == "Energy Supply"
    assert tax.sector("nope") is None
    assert tax.require_sector(" Energy ") == "energy"
    assert tax.require_sector("energy supply") == "energy"  # by its label
    assert tax.require_sector("clean-energy") == "clean-energy"
    with pytest.raises(UnknownIdError) as info:
        tax.require_sector("enrgy")
    assert str(info.value).startswith("unknown sector 'enrgy' (did you mean 'energy'")
    with pytest.raises(UnknownIdError) as info:
        tax.require_sector("zzzz")
    assert "sectors are energy, clean-energy" in str(info.value)


def test_kind_lookups(tax):
    assert tax.kind("challenge").label == "Problem"
    assert tax.kind("threat") is None
    assert tax.require_kind(" Challenge ") == "challenge"
    with pytest.raises(UnknownIdError) as info:
        tax.require_kind("chalenge")
    assert "did you mean 'challenge'" in str(info.value)
    with pytest.raises(UnknownIdError) as info:  # nothing close: all kinds offered
        tax.require_kind("zzzz")
    assert "challenge" in str(info.value) and "context" in str(info.value)


def test_actor_lookups(tax):
    for name in ("china", "China", "PRC", "prc", "CHN", " china "):
        assert tax.resolve_actor(name) == "china", name
    assert tax.resolve_actor("cote d'ivoire") == "cote-divoire"
    assert tax.resolve_actor("Chinese") is None  # demonyms and capitals tag text, not filter
    assert tax.resolve_actor("nam") == "nam"  # an id wins over another actor's ISO code
    assert tax.resolve_actor("Namibia") == "namibia"
    assert tax.require_actor("PRC") == "china"
    assert tax.actor_name("china") == "China"
    assert tax.actor_name("unknown-id") == "unknown-id"
    assert tax.actor("unknown-id") is None


def test_unknown_actor_suggests_each_actor_once(tax):
    with pytest.raises(UnknownIdError) as info:
        tax.require_actor("Chinaa")
    message = str(info.value)
    assert message.startswith("unknown actor 'Chinaa' (did you mean 'china'")
    assert message.count("'china'") == 1
    with pytest.raises(UnknownIdError) as info:
        tax.require_actor("qqqqqq")
    assert "by id, name, alias or ISO code" in str(info.value)


def test_closest():
    assert closest("", ["a"]) == []
    assert closest("energy", []) == []
    assert closest("enrgy", ["energy", "trade", "tourism"]) == ["energy"]
    two = closest("tour", ["tourism", "tours", "trade", "tourist"], limit=2)
    assert len(two) == 2 and "trade" not in two
    assert closest("zzz", ["energy"]) == []


@pytest.mark.parametrize("text, message, line", [
    ("- a\n- b\n", "a taxonomy is a mapping with kinds, sectors and actors", 1),
    ("sectors:\n  - id: energy\nsector: []\n", "unknown field 'sector'", 3),
    ("kinds:\n  - label: X\nsectors:\n  - id: energy\n", "a kind needs an id", 2),
    ("kinds: {a: 1}\nsectors:\n  - id: energy\n", "'kinds' must be a list", 1),
    ("sectors:\n  - id: Energy\n", "a sector needs an id, a lowercase slug like 'clean-energy'", 2),
    ("sectors:\n  - label: Energy\n", "a sector needs an id", 2),
    ("sectors:\n  - id: energy\n  - id: energy\n", "duplicate sector id 'energy'", 3),
    ("sectors:\n  - id: energy\n    keywords: [oil, '']\n", "expected a list of non-empty strings",
     3),
    ("sectors:\n  - id: energy\n    aliases: oil\n", "expected a list of non-empty strings", 3),
    ("sectors:\n  - id: energy\nactors:\n  - id: South Africa\n",
     "an actor needs an id, a lowercase slug like 'south-africa'", 4),
    ("sectors:\n  - id: energy\nactors:\n  - id: x\n    aliases: [1]\n",
     "expected a list of non-empty strings", 5),
    ("sectors:\n  - id: energy\nactors:\n  - id: x\n    demonyms: [' ']\n",
     "expected a list of non-empty strings", 5),
    ("sectors:\n  - id: energy\nactors:\n  - id: x\n    capitals: x\n",
     "expected a list of non-empty strings", 5),
    ("sectors:\n  - id: energy\nactors:\n  - id: x\n    type: planet\n",
     "unknown actor type 'planet'", 5),
    ("kinds:\n  - id: context\n    cues: [1]\nsectors:\n  - id: energy\n",
     "expected a list of non-empty strings", 3),
    ("sectors: []\n", "the taxonomy defines no sectors", 1),
    ("actors: []\n", "the taxonomy defines no sectors", 1),
])
def test_each_mistake_is_one_line_with_its_place(tmp_path, text, message, line):
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    shown = str(info.value)
    assert message in shown
    assert f"taxonomy.yaml:{line}" in shown, shown
    assert info.value.hint == "fix the taxonomy file"


def test_several_mistakes_name_the_first_and_count_the_rest(tmp_path):
    path = tmp_path / "taxonomy.yaml"
    path.write_text("sectors:\n  - id: Bad\n  - id: Worse\n  - id: Worst\n", encoding="utf-8")
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    assert str(info.value).count("a sector needs an id") == 1
    assert "(and 3 more)" in str(info.value)  # two more bad ids, and then no sectors at all


def test_an_unknown_field_suggests_the_close_one(tmp_path):
    path = tmp_path / "taxonomy.yaml"
    path.write_text("sectors:\n  - id: energy\nactor: []\n", encoding="utf-8")
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    assert "did you mean 'actors'?" in str(info.value)
    path.write_text("sectors:\n  - id: energy\nzzzzzz: []\n", encoding="utf-8")
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    assert "did you mean" not in str(info.value)


def test_bad_yaml_is_one_line_with_its_place(tmp_path):
    path = tmp_path / "taxonomy.yaml"
    path.write_text("sectors:\n  - id: [energy\n", encoding="utf-8")
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    assert "taxonomy.yaml:" in str(info.value)
    assert "\n" not in str(info.value)
