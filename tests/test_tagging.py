"""The tagger: each rule on small hand-written passages, explanations, and ``brief tag``."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief_cli.config import bundled_taxonomy_path
from brief_cli.model import KINDS
from brief_cli.tagging import Tagger, Tags, min_sector_score
from brief_cli.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(bundled_taxonomy_path())


@pytest.fixture(scope="module")
def tagger(taxonomy):
    return Tagger(taxonomy)


def sector(tags: Tags, sector_id: str):
    return next((s for s in tags.explanation.sectors if s.sector == sector_id), None)


# Kind ----------------------------------------------------------------------------------------

def test_enumerated_challenges_make_each_item_a_challenge(tagger):
    tags = tagger.tag_passages([
        "The partnership faces several challenges. First, the ports are congested.",
        "Second, the two economies are very different.",
        "And third, the regional situation keeps changing.",
        "However, both sides can expand trade in new areas.",
    ])
    assert [t.kind for t in tags] == ["challenge", "challenge", "challenge", "opportunity"]
    assert "item 'Second'" in tags[1].explanation.kind_rule
    assert "item 'third'" in tags[2].explanation.kind_rule


def test_list_announced_at_the_end_of_the_previous_passage(tagger):
    tags = tagger.tag_passages([
        "The corridor has three main problems.",
        "First, customs procedures take weeks.",
        "Second, the road is unpaved in places.",
        "The minister visited the border on Tuesday.",
    ])
    assert [t.kind for t in tags] == ["challenge", "challenge", "challenge", "context"]


def test_ordinal_without_an_announced_list_is_not_an_item(tagger):
    tags = tagger.tag_passages(["Second, the minister visited the border on Tuesday."])
    assert tags[0].kind == "context"


def test_plain_narrative_is_context(tagger):
    tags = tagger.tag("The delegation arrived in the capital on Monday and met the mayor.")
    assert tags.kind == "context"
    assert "no kind cue" in tags.explanation.kind_rule


def test_opportunity_cues(tagger):
    assert tagger.tag("There is huge potential for cooperation in tourism.").kind == "opportunity"
    assert tagger.tag("The two countries should open up new air routes.").kind == "opportunity"


def test_challenge_cues(tagger):
    assert tagger.tag("Heavy dependency on one buyer is a serious risk.").kind == "challenge"
    assert tagger.tag("The country relies on oil exports.").kind == "challenge"


def test_despite_concedes_the_obstacles_to_what_can_be_done(tagger):
    tags = tagger.tag("Despite the obstacles, the two countries can expand trade.")
    assert tags.kind == "opportunity"
    conceded = tags.explanation.kinds[0].evidence
    assert conceded and "conceded (Despite)" in conceded[0].note


def test_however_turns_toward_what_follows(tagger):
    tags = tagger.tag("The plan looked promising. However, the debt burden is a growing risk.")
    assert tags.kind == "challenge"
    tags = tagger.tag("The debt burden is a risk. However, new lenders can offer better terms "
                      "and there is room for growth.")
    assert tags.kind == "opportunity"


def test_passage_opened_by_however_leans_against_the_previous_kind(tagger):
    tags = tagger.tag_passages(["Shipping delays are a serious problem for exporters.",
                                "However, the new port can change that."])
    assert [t.kind for t in tags] == ["challenge", "opportunity"]
    assert "turns from the previous challenge" in tags[1].explanation.kind_rule


@pytest.mark.parametrize("text", [
    "This is not a risk for investors.",
    "There is no obstacle to the new agreement.",
])
def test_negated_challenge_cues_do_not_make_a_challenge(tagger, text):
    tags = tagger.tag(text)
    assert tags.kind != "challenge"
    notes = [e.note for k in tags.explanation.kinds for e in k.evidence]
    assert any("negated by" in n for n in notes)


def test_concerned_as_worried_but_not_as_regarding(tagger):
    assert tagger.tag("As far as trade is concerned, exports rose.").kind == "context"
    assert tagger.tag("Neighbours are concerned about the dam.").kind == "challenge"


def test_not_only_is_not_a_negation(tagger):
    tags = tagger.tag("The deal is not only a risk but a real burden on the budget.")
    assert tags.kind == "challenge"


def test_problems_being_solved_point_to_an_opportunity(tagger):
    tags = tagger.tag("Joint patrols can reduce the threats and resolve regional conflicts.")
    assert tags.kind == "opportunity"
    notes = [e.note for e in tags.explanation.kinds[1].evidence]
    assert "object of 'reduce'" in notes


def test_past_achievements_are_context_not_opportunities(tagger):
    tags = tagger.tag("The two sides have strengthened their ties over the past decade.")
    assert tags.kind == "context"
    assert "past" in tags.explanation.kinds[1].evidence[0].note


def test_modal_of_a_problem_is_not_an_opportunity(tagger):
    tags = tagger.tag("The new rules could backfire.")
    assert tags.kind == "challenge"


def test_balanced_evidence_is_context(tagger):
    # (not "need to embrace ...": "need to" is a call, which tips the balance)
    tags = tagger.tag("Both sides will have to weigh the opportunities and challenges ahead.")
    assert tags.kind == "context"
    assert "mixed" in tags.explanation.kind_rule


# Sectors -------------------------------------------------------------------------------------

def test_multi_word_keywords_outweigh_single_words(tagger):
    tags = tagger.tag("Natural gas is shipped north.")
    assert tags.sectors == ("energy",)
    evidence = sector(tags, "energy").evidence
    assert evidence[0].text == "Natural gas" and evidence[0].weight > 1


def test_longest_keyword_wins(tagger):
    tags = tagger.tag("The digital economy keeps growing.")
    assert "digital" in tags.sectors and "economy" not in tags.sectors


@pytest.mark.parametrize("text,expected", [
    ("New pipelines were laid last year.", "energy"),
    ("Foreign firms are investing in the region.", "trade"),
    ("Two railways opened in the north.", "infrastructure"),
    ("The economies of the region grew.", "economy"),
])
def test_inflected_forms_match(tagger, text, expected):
    assert expected in tagger.tag(text).sectors


def test_stemming_does_not_conflate_different_words(tagger):
    # Snowball stems "important" to "import"; the tagger knows it is not a trade word.
    tags = tagger.tag("This is an important moment for both sides.")
    assert "trade" not in tags.sectors and sector(tags, "trade") is None
    # nor "contains" the keyword "container"
    assert sector(tagger.tag("The basket contains four currencies."), "infrastructure") is None


def test_sectors_are_case_insensitive(tagger):
    assert "energy" in tagger.tag("NATURAL GAS PRICES ROSE.").sectors


def test_spelling_variants_of_long_words(tagger):
    tags = tagger.tag("The infrastucture of the port is old.")
    assert "infrastructure" in tags.sectors
    assert "fuzzy" in sector(tags, "infrastructure").evidence[0].note
    # short words and names are never "corrected"
    assert tagger.tag("The trde was slow.").sectors == ()


def test_incidental_mention_in_a_long_passage_does_not_tag(tagger):
    text = ("The delegation spent three days in the capital, where the talks covered the "
            "new agreement, its timetable and the next meeting of the joint commission. "
            "The ministers agreed on most points and promised to meet again in the spring, "
            "after a short visit to a local school, before the summer recess and the elections.")
    tags = tagger.tag(text)
    assert "education" not in tags.sectors
    row = sector(tags, "education")
    assert row is not None and not row.tagged and "minimum" in row.reason
    assert min_sector_score(70) > min_sector_score(10) == 1.0


def test_keyword_inside_a_name_counts_less(tagger):
    tags = tagger.tag("She met the delegation at Hainan University last spring.")
    assert "education" not in tags.sectors
    assert "in a name" in sector(tags, "education").evidence[0].note


def test_attribution_does_not_tag_the_speakers_field(tagger):
    tags = tagger.tag("The line is too expensive, said Ann Lee, a doctoral student and "
                      "professor of economics at a university in the capital.")
    assert "education" not in tags.sectors


def test_a_passage_can_have_several_sectors(tagger):
    tags = tagger.tag("Cooperation covers infrastructure, energy, agriculture and trade.")
    assert set(tags.sectors) == {"infrastructure", "energy", "agriculture", "trade"}


# Actors --------------------------------------------------------------------------------------

def test_demonyms_and_combining_forms(tagger):
    tags = tagger.tag("Sino-Kazakh ties deepened as Kenyan officials watched.")
    assert set(tags.actors) == {"china", "kazakhstan", "kenya"}


def test_capital_as_government_but_not_as_place(tagger):
    assert tagger.tag("Beijing wants a bigger role.").actors == ("china",)
    tags = tagger.tag("The conference took place in Beijing.")
    assert tags.actors == ()
    assert "capital as a place" in tags.explanation.actors[0].reason


def test_capital_inside_a_name_is_not_the_government(tagger):
    tags = tagger.tag("She studied at the University of London and Moscow State University.")
    assert tags.actors == ()
    assert tagger.tag("A portrait of Queen Victoria hangs there.").actors == ()
    assert tagger.tag("Today Beijing said no.").actors == ("china",)
    text = "Beijing's loyalty and London's doubts are clear. Moscow, however, hesitates."
    assert tagger.tag(text).actors == ("china", "united-kingdom", "russia")


def test_names_that_are_english_words_need_their_accents(tagger):
    assert tagger.tag("Male workers earn more.").actors == ()
    assert tagger.tag("Malé wants more tourists.").actors == ("maldives",)


def test_abbreviations_only_in_capitals(tagger):
    assert tagger.tag("The US and the WHO met the AU.").actors == ("united-states", "who", "au")
    assert tagger.tag("Let us see who can help.").actors == ()


def test_names_are_capitalised(tagger):
    assert tagger.tag("They will chad the paper and turkey is served.").actors == ()
    assert tagger.tag("Chad and Turkey signed.").actors == ("chad", "turkiye")


def test_possessives_and_typographic_apostrophes(tagger):
    assert tagger.tag("China\u2019s lending and Kenya's debt.").actors == ("china", "kenya")


def test_longest_name_wins_and_regions_are_not_countries(tagger):
    assert tagger.tag("South Sudan and Papua New Guinea.").actors == (
        "south-sudan", "papua-new-guinea")
    assert tagger.tag("Latin America and the Indian Ocean.").actors == ()


def test_ambiguous_demonym_is_explained_not_tagged(tagger):
    tags = tagger.tag("Congolese miners protested.")
    assert tags.actors == ()
    assert all("ambiguous" in a.reason for a in tags.explanation.actors)


def test_organisations_by_name_and_alias(tagger):
    tags = tagger.tag("The United Nations and the Shanghai Cooperation Organization met.")
    assert set(tags.actors) == {"un", "sco"}


# Explanations ----------------------------------------------------------------------------------

def test_evidence_points_into_the_text(tagger):
    text = "Despite high debt, Kazakhstan can expand its pipelines to China."
    tags = tagger.tag(text)
    ex = tags.explanation
    items = [e for k in ex.kinds for e in k.evidence] + \
        [e for s in ex.sectors for e in s.evidence] + [e for a in ex.actors for e in a.evidence]
    assert items
    for e in items:
        assert text[e.start:e.end] == e.text
    assert ex.thresholds["kind_min_score"] == 1.0


def test_tags_are_frozen_and_explanation_is_stable(tagger):
    tags = tagger.tag("Pipelines carry gas to China.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        tags.kind = "challenge"  # type: ignore[misc]
    assert tags.explanation is tags.explanation


def test_empty_and_punctuation_only_text(tagger):
    for text in ("", "   ", "...!?", "—"):
        tags = tagger.tag(text)
        assert (tags.kind, tags.sectors, tags.actors) == ("context", (), ())


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=200), min_size=1, max_size=4))
def test_any_text_gets_valid_tags(tagger, taxonomy, texts):
    for text, tags in zip(texts, tagger.tag_passages(texts)):
        assert tags.kind in KINDS
        assert set(tags.sectors) <= set(taxonomy.sector_ids)
        assert all(taxonomy.actor(a) for a in tags.actors)
        for s in tags.explanation.sectors:
            for e in s.evidence:
                assert 0 <= e.start <= e.end <= len(text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(
    ["risk", "can", "not", "despite", "however", ",", ".", "First", "Second", "several",
     "challenges", "China", "pipeline", "trade", "the", "reduce", "have", "strengthened"]),
    max_size=30))
def test_cue_soup_never_breaks(tagger, words):
    text = " ".join(words)
    tags = tagger.tag_passages([text, text])
    assert all(t.kind in KINDS for t in tags)


# brief tag ---------------------------------------------------------------------------------------

def test_tag_text_piped_output(run):
    result = run("tag", "Dependency on one pipeline is a risk for Kazakhstan.")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "#\tkind\tsectors\tactors\ttext",
        "1\tchallenge\tenergy\tkazakhstan\tDependency on one pipeline is a risk for Kazakhstan.",
    ]


def test_tag_stdin_paragraphs_as_one_document(run):
    text = ("Trade faces several challenges. First, tariffs are high.\n\n"
            "Second, customs are slow\nat the border.\n")
    result = run("tag", "-", "-f", "json", input=text)
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["kind"] for r in rows] == ["challenge", "challenge"]
    assert rows[1]["text"] == "Second, customs are slow at the border."
    assert rows[0]["n"] == 1 and "trade" in rows[0]["sectors"]


def test_tag_stdin_without_dash_and_lines(run):
    result = run("tag", "--lines", "-f", "jsonl", input="Solar power.\n\nWind farms in Chile.\n")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["n"] for r in rows] == [1, 2]
    assert rows[1]["actors"] == ["chile"] and rows[1]["sectors"] == ["clean-energy"]


def test_tag_empty_input_is_an_error(run):
    result = run("tag", "-", input="  \n\n")
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: nothing to tag: the input is empty"


def test_tag_terminal_table(run):
    result = run("tag", "Solar power in Chile can grow.", env={"BRIEF_FORCE_TERMINAL": "1"})
    assert result.exit_code == 0
    assert "opportunity" in result.stdout and "clean-energy" in result.stdout
    assert "\x1b[" in result.stdout


def test_tag_neutralises_control_characters(run):
    result = run("tag", "Oil \x1b[31mand gas\x07 pipelines.")
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout


def test_tag_why_for_free_text(run):
    result = run("tag", "--why", "Despite the obstacles, China can expand trade.")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "kind: opportunity" in out
    assert "obstacles ~ obstacle 0.3 (conceded (Despite))" in out
    assert "china (tagged): China 1 (name)" in out


# brief tag --explain ---------------------------------------------------------------------------

def test_explain_corpus_passage(run, small_corpus):
    result = run("tag", "--explain", "energy-outlook#p02", "--corpus", small_corpus)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "energy-outlook#p02"
    assert lines[1] == "Dependency on a single pipeline is a risk for the region."
    assert lines[2].startswith("kind: challenge (challenge 2 over opportunity 0")
    assert "  challenge 2: Dependency 1; risk 1" in lines
    assert "  energy 1 (tagged): pipeline 1" in lines
    assert "stored tags (reviewed): challenge; sectors: energy; actors: -" in lines
    assert lines[-2] == "the tagger agrees"


def test_explain_shows_sectors_under_the_threshold(run, tmp_path):
    from helpers import write_corpus

    root = write_corpus(tmp_path / "c", {"long-note": dict(passages=[{
        "text": "The delegation spent three days in the capital, where talks covered the new "
                "agreement, its timetable and the next meeting of the joint commission, and "
                "the ministers promised to meet again in the spring after a visit to a school.",
        "kind": "context"}])})
    result = run("tag", "--explain", "long-note#p01", "--corpus", root)
    assert result.exit_code == 0, result.stderr
    assert any(line.startswith("  education 1 (not tagged: score 1 < minimum")
               for line in result.stdout.splitlines())


def test_explain_json(run, small_corpus):
    result = run("tag", "--explain", "energy-outlook#p01", "--corpus", small_corpus, "-f", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["id"] == "energy-outlook#p01"
    assert record["reviewed"] == {"kind": "context", "sectors": ["energy", "trade"],
                                  "actors": ["kazakhstan", "china"], "reviewed": True}
    energy = next(s for s in record["sector_scores"] if s["sector"] == "energy")
    assert energy["tagged"] is True
    texts = {e["text"] for e in energy["evidence"]}
    assert texts == {"oil and gas", "pipelines"}
    for e in energy["evidence"]:
        assert record["text"][e["start"]:e["end"]] == e["text"]
    names = {a["actor"]: a["name"] for a in record["actor_mentions"]}
    assert names == {"kazakhstan": "Kazakhstan", "china": "China"}


def test_explain_terminal_panel(run, small_corpus):
    result = run("tag", "--explain", "energy-outlook#p02", "--corpus", small_corpus,
                 env={"BRIEF_FORCE_TERMINAL": "1"})
    assert result.exit_code == 0
    assert "why: energy-outlook#p02" in result.stdout
    assert "the tagger agrees" in result.stdout


def test_explain_unknown_passage_suggests(run, small_corpus):
    result = run("tag", "--explain", "energy-outlok#p02", "--corpus", small_corpus)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: unknown passage 'energy-outlok#p02' (did you mean 'energy-outlook'?)")
    result = run("tag", "--explain", "energy-outlook#p9", "--corpus", small_corpus)
    assert result.exit_code == 2
    assert "unknown passage 'energy-outlook#p9'" in result.stderr


def test_explain_needs_a_passage_not_an_article(run, small_corpus):
    result = run("tag", "--explain", "energy-outlook", "--corpus", small_corpus)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: --explain takes a passage id, not an article id: 'energy-outlook' "
        "(for example energy-outlook#p01)")


def test_explain_and_text_together_is_a_usage_error(run, small_corpus):
    result = run("tag", "some text", "--explain", "energy-outlook#p01", "--corpus", small_corpus)
    assert result.exit_code == 2
    assert "either TEXT or --explain" in result.stderr


def test_tag_help_has_examples(run):
    for command in ("tag", "retag", "eval"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_tag_command_eats_any_input(run, text):
    from brief_cli.text import strip_controls

    result = run("tag", "-", "-f", "jsonl", input=text)
    cleaned = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    if not cleaned.split():  # nothing but blanks and control characters: the one refusal
        assert result.exit_code == 2
        assert result.stderr.startswith("error: nothing to tag")
        return
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records  # one record per passage, at least one
    for record in records:
        assert record["kind"] in KINDS


def test_why_csv_lists_every_piece_of_evidence(run):
    result = run("tag", "--why", "-f", "csv", "Despite the risks, China can expand trade.")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "passage,tag,value,tagged,score,text,matched,weight,note"
    assert "1,kind,challenge,false,0.3,risks,risk,0.3,conceded (Despite)" in lines
    assert "1,actor,china,true,,China,China,1.0,name" in lines


def test_no_text_on_a_terminal_is_a_usage_error(monkeypatch):
    import io
    import sys

    from brief_cli.cli.tagging import _read_passages
    from brief_cli.errors import UsageError

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdin", Terminal(""))
    with pytest.raises(UsageError) as info:
        _read_passages(None, lines=False)
    assert str(info.value) == (
        "nothing to tag (give TEXT, pipe text in, or use --explain PASSAGE_ID)")


def test_compiled_taxonomy_is_cached_and_a_damaged_cache_rebuilt(taxonomy, isolated_env):
    text = "Despite the risks, Kazakhstan can expand its pipelines to China."
    fresh = Tagger(taxonomy, use_cache=False).tag(text)
    first = Tagger(taxonomy).tag(text)  # compiles and stores
    from brief_cli import cachefile

    files = list((isolated_env / "tagger").glob("*.sealed"))
    assert len(files) == 1
    hits = cachefile.hits["tagger"]
    cached = Tagger(taxonomy).tag(text)  # loads
    assert cachefile.hits["tagger"] == hits + 1
    files[0].write_bytes(b"not a pickle")
    rebuilt = Tagger(taxonomy).tag(text)
    for tags in (first, cached, rebuilt):
        assert (tags.kind, tags.sectors, tags.actors) == (fresh.kind, fresh.sectors, fresh.actors)
    assert files[0].read_bytes() != b"not a pickle"


def test_explain_shows_corpus_text_literally(run, tmp_path):
    from helpers import write_corpus

    root = write_corpus(tmp_path / "c", {"odd-note": dict(passages=[
        {"text": "Oil [bold]pipelines[/bold] \x1b[31mare a risk\x1b[0m for China.",
         "kind": "challenge"}])})
    for env in ({}, {"BRIEF_FORCE_TERMINAL": "1"}):
        result = run("tag", "--explain", "odd-note#p01", "--corpus", root, env=env)
        assert result.exit_code == 0, result.stderr
        assert "\x1b[31mare" not in result.stdout  # the escape is shown, not obeyed
        assert "\\x1b[31mare a risk" in result.stdout
        assert "[bold]pipelines[/bold]" in result.stdout


def test_analyse_gives_the_sector_scores_and_kind_decision_behind_the_tags(tagger):
    from brief_cli.tagging import decide_sectors

    texts = ["Pipeline dependency is a risk for Kazakhstan's oil exports.",
             "Tourism and culture could benefit from new flights."]
    analyses = tagger.analyse(texts)
    assert [a.tags for a in analyses] == tagger.tag_passages(texts)
    first = analyses[0]
    assert first.kind.kind == first.tags.kind == "challenge"
    assert first.kind.challenge > first.kind.opportunity
    assert first.kind.evidence["challenge"]
    assert "energy" in first.sector_scores and first.sector_scores["energy"] > 0
    decided = decide_sectors(first.sector_scores, first.words)
    assert tuple(s for s in first.sector_scores if not decided[s]) == first.tags.sectors
