"""The tagger on the kinds of sentences real articles and speeches are made of: idioms that
mislead a keyword list, a hydropower dam, diplomacy told through the states involved, denials,
quotations and attributions. All passages are written for these tests."""

from __future__ import annotations

import pytest

from brief_cli.config import bundled_taxonomy_path
from brief_cli.tagging import Tagger
from brief_cli.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def tagger():
    return Tagger(load_taxonomy(bundled_taxonomy_path()))


def tags(tagger, text):
    return tagger.tag(text)


# Idioms -----------------------------------------------------------------------------------------

def test_security_environment_is_security_not_the_environment(tagger):
    t = tags(tagger, "The regional security environment has deteriorated since the border "
                     "clashes.")
    assert "security" in t.sectors and "environment" not in t.sectors
    idiom = [e for s in t.explanation.sectors for e in s.evidence if e.note == "idiom"]
    assert [e.text for e in idiom] == ["security environment"]


def test_health_of_the_economy_is_the_economy_not_health(tagger):
    t = tags(tagger, "The health of the economy worries the central bank's governor.")
    assert "economy" in t.sectors and "health" not in t.sectors


def test_a_road_map_is_a_plan_not_a_road(tagger):
    t = tags(tagger, "The ministers agreed on a road map for the talks.")
    assert "infrastructure" not in t.sectors
    assert t.sectors == ("diplomacy",)


def test_climate_of_trust_and_business_climate(tagger):
    assert "environment" not in tags(tagger, "A climate of trust is needed for the talks.").sectors
    t = tags(tagger, "The business climate has improved since the reform of the tax code.")
    assert "environment" not in t.sectors and "economy" in t.sectors


def test_in_the_interest_of_is_not_finance(tagger):
    t = tags(tagger, "It is in the interest of all parties to keep the border open.")
    assert "finance" not in t.sectors


# A hydropower dam -------------------------------------------------------------------------------

def test_a_dam_that_brings_power_is_energy(tagger):
    t = tags(tagger, "The $300 million Karuma hydropower dam will improve access to power for "
                     "farmers and cut power costs for factories.")
    assert {"energy", "clean-energy"} & set(t.sectors)
    assert "infrastructure" in t.sectors
    assert t.kind == "opportunity"


def test_a_dam_with_a_price_for_the_ecology(tagger):
    t = tags(tagger, "The new dam will increase electricity access, but it has come at a price "
                     "for the local ecology.")
    assert {"energy", "environment", "infrastructure"} <= set(t.sectors)
    assert t.kind == "challenge"


# Diplomacy from structure -----------------------------------------------------------------------

def test_a_call_for_a_diplomatic_resolution_is_diplomacy(tagger):
    t = tags(tagger, "Kazakhstan calls for a peaceful, exclusively diplomatic, resolution of "
                     "the situation around the Iranian nuclear programme.")
    assert "diplomacy" in t.sectors and "security" in t.sectors
    assert t.actors == ("kazakhstan", "iran")
    assert t.kind == "opportunity"


def test_two_states_and_a_relation_word_are_diplomacy(tagger):
    t = tags(tagger, "Norway and Chile signed an agreement during the state visit.")
    assert "diplomacy" in t.sectors
    structure = [e for s in t.explanation.sectors if s.sector == "diplomacy"
                 for e in s.evidence if e.note.startswith("structure")]
    assert structure and "norway" in structure[0].matched


def test_one_state_alone_is_not_diplomacy_by_structure(tagger):
    t = tags(tagger, "Norway signed the contract for a new ferry.")
    assert "diplomacy" not in t.sectors


def test_cooperation_in_a_field_is_that_field(tagger):
    t = tags(tagger, "Kenya and Ethiopia expand cooperation in solar power.")
    assert "clean-energy" in t.sectors and "diplomacy" not in t.sectors


# Denials, reported speech, quotations -----------------------------------------------------------

def test_a_denial_is_reported_not_a_challenge(tagger):
    t = tags(tagger, "The finance ministry denied that the country faces a debt crisis.")
    assert t.kind == "context"
    notes = [e.note for k in t.explanation.kinds for e in k.evidence]
    assert any("denial" in n for n in notes)


def test_far_from_a_crisis_is_not_a_crisis(tagger):
    t = tags(tagger, "The spokesman said the economy may slow, but it is far from a crisis.")
    assert t.kind == "context"


def test_a_quoted_warning_is_a_challenge_and_the_speaker_is_not_a_sector(tagger):
    t = tags(tagger, "\u201cThis loan is a trap that will ruin us,\u201d said Maria Lopez, a "
                     "professor of economics at the national university.")
    assert t.kind == "challenge"
    assert t.sectors == ("finance",)  # not education (the university) nor economy


def test_an_attribution_ends_where_the_topic_goes_on(tagger):
    t = tags(tagger, "Many countries may struggle to repay their loans, Ms Lee said, or run "
                     "large trade deficits with their lenders.")
    assert "trade" in t.sectors and "finance" in t.sectors


def test_a_speaker_described_before_the_verb_is_not_a_sector(tagger):
    t = tags(tagger, "Ann Lee, a senior researcher at the Institute of Health Studies, told "
                     "reporters that the lending terms were unfair.")
    assert "health" not in t.sectors and "education" not in t.sectors


def test_critics_say_is_still_the_critics_challenge(tagger):
    t = tags(tagger, "Critics say the railway is a white elephant.")
    assert t.kind == "challenge" and "infrastructure" in t.sectors


# Kind from the main point -----------------------------------------------------------------------

def test_a_cue_inside_a_name_is_no_cue(tagger):
    t = tags(tagger, "Delegates met at the Forum on China-Africa Cooperation in Beijing.")
    assert t.kind == "context"


def test_narrative_of_past_cooperation_is_context(tagger):
    t = tags(tagger, "The two countries have jointly built a railway and established "
                     "cooperation in several fields.")
    assert t.kind == "context"


def test_a_call_to_act_is_an_opportunity(tagger):
    t = tags(tagger, "We call on all member states to ratify the treaty without delay.")
    assert t.kind == "opportunity"


def test_a_sentence_opened_by_that_is_not_a_contrast(tagger):
    t = tags(tagger, "The plan is a proposal to cut tariffs. That is a big step.")
    kinds = {k.kind: k for k in t.explanation.kinds}
    assert all("before 'That'" not in e.note for e in kinds["opportunity"].evidence)


def test_the_overall_health_of_an_economy_is_not_health(tagger):
    t = tags(tagger, "Larger reserves would make countries sensitive to the overall health of "
                     "China's economy.")
    assert "health" not in t.sectors


# Word senses of single words -----------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "The choice is mine, and the responsibility is mine alone.",
    "Mine is a small country with large hopes.",
    "A friend of mine works for the ministry.",
    "The victory is yours and mine.",
])
def test_the_pronoun_mine_is_no_mine(tagger, text):
    assert "energy" not in tags(tagger, text).sectors


@pytest.mark.parametrize("text", [
    "The new mine will employ local people.",
    "Mine workers marched to the capital.",
    "They plan to mine lithium in the north.",
])
def test_a_mine_is_still_a_mine(tagger, text):
    assert "energy" in tags(tagger, text).sectors


def test_the_assembly_is_a_body_not_a_factory(tagger):
    t = tags(tagger, "I urge the Assembly to honour the sacrifices of the peacekeepers.")
    assert "industry" not in t.sectors
    assert "industry" in tags(tagger, "Workers on the assembly line went on strike.").sectors


def test_the_explanation_of_a_list_item_remembers_the_list(tagger):
    texts = ["The region faces several challenges. First, droughts are longer.",
             "Second, the roads are poor.", "The weather was mild."]
    batch = tagger.tag_passages(texts)
    assert batch[1].kind == "challenge"
    assert "item 'Second'" in batch[1].explanation.kind_rule
    assert batch[1].explanation.kinds == tagger.tag_passages(texts)[1].explanation.kinds


# Kind: general rules of how a judgement is expressed ----------------------------------------

def _notes(t):
    return [e.note for k in t.explanation.kinds for e in k.evidence]


@pytest.mark.parametrize("text", [
    "The ministry published its annual debt report on Monday.",
    "We thank our partners for their generous support and assistance.",
    "I take this opportunity to congratulate the new President on her election.",
])
def test_topic_words_ceremony_and_formulas_are_context(tagger, text):
    assert tags(tagger, text).kind == "context"


def test_a_question_asks_and_does_not_claim(tagger):
    t = tags(tagger, "How can anyone believe that such promises will bring prosperity?")
    assert t.kind != "opportunity"
    assert any("in a question" in n for n in _notes(t))


def test_not_only_but_adds_and_does_not_contrast(tagger):
    t = tags(tagger, "The debt is not only an economic risk but also a political danger.")
    assert t.kind == "challenge"
    assert not any("before 'but'" in n for n in _notes(t))


def test_not_yet_is_time_not_contrast(tagger):
    t = tags(tagger, "Investors have not yet felt the full force of the crisis.")
    assert t.kind == "challenge"
    assert not any("'yet'" in n for n in _notes(t))


def test_a_but_of_facts_does_not_turn_the_judgement(tagger):
    first, second = tagger.tag_passages([
        "Debt is a serious risk for the region.",
        "But the new loans are a small share of the total."])
    assert first.kind == "challenge" and second.kind == "context"


def test_a_but_with_its_own_prospect_still_turns(tagger):
    first, second = tagger.tag_passages([
        "Debt is a serious risk for the region.",
        "But the new rules could open up lending to small firms."])
    assert second.kind == "opportunity"


def test_fighting_an_active_threat_tells_of_the_threat(tagger):
    t = tags(tagger, "The government launched an operation to eliminate terrorism in the north.")
    assert t.kind == "challenge"


def test_solving_a_problem_is_still_a_prospect(tagger):
    assert tags(tagger, "The plan will reduce poverty in rural areas.").kind == "opportunity"


@pytest.mark.parametrize("text", [
    "It is essential to expand access to credit for small farmers.",
    "Let us work together to open new markets for our exporters.",
    "We need to build more schools in the rural districts.",
])
def test_calls_and_proposals_are_opportunities(tagger, text):
    t = tags(tagger, text)
    assert t.kind == "opportunity"
    assert not any("past" in n for n in _notes(t))  # "need" is no past form


def test_far_from_resolved_is_not_resolved(tagger):
    t = tags(tagger, "Ten years on, the border dispute remains far from being resolved.")
    assert t.kind == "challenge"
    assert any("far from" in n for n in _notes(t))


def test_a_modal_before_a_problem_is_no_prospect(tagger):
    t = tags(tagger, "The new currency could carry both practical and political risks.")
    assert t.kind == "challenge"
