"""Learning from reviews: the model follows reviewers, is cached as JSON, and is measured."""

from __future__ import annotations

import json

import pytest

from brief_cli.config import bundled_taxonomy_path
from brief_cli.corpus import load_corpus
from brief_cli.learning import (
    MIN_REVIEWS, LearnedTagger, Model, _cache_file, cross_validate, learned_model, tagger_for,
)
from brief_cli.tagging import Tagger
from brief_cli.taxonomy import load_taxonomy
from helpers import write_corpus


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(bundled_taxonomy_path())


# Reviewers tag tourism wherever "homestays" come up, a word the taxonomy does not know; and
# call "the harvest" passages agriculture. The tagger misses both.
def _reviewed_corpus(root, n=30, reviewed=True):
    passages = []
    for i in range(n):
        if i % 2:
            passages.append({"text": f"Village homestays in valley {i} drew many guests this "
                                     f"season, the council reported.",
                             "kind": "context", "sectors": ["tourism"], "reviewed": reviewed})
        else:
            passages.append({"text": f"The council counted cattle and goats in district {i} "
                                     "after the rains.",
                             "kind": "context", "sectors": ["agriculture"], "reviewed": reviewed})
    articles = {f"note-{j}": dict(passages=passages[j * 5:(j + 1) * 5]) for j in range(n // 5)}
    articles["new-note"] = dict(passages=[
        {"text": "More homestays opened in the valley, the council reported.",
         "kind": "context", "sectors": [], "reviewed": False}])
    return write_corpus(root, articles)


def test_the_plain_tagger_misses_what_reviewers_teach(tmp_path, taxonomy):
    root = _reviewed_corpus(tmp_path / "c")
    corpus = load_corpus(root, taxonomy).corpus
    text = corpus.passage("new-note#p01").text
    assert "tourism" not in Tagger(taxonomy).tag(text).sectors
    learned = tagger_for(corpus, taxonomy)
    assert isinstance(learned, LearnedTagger)
    assert "tourism" in learned.tag(text).sectors


def _corpus_of(root, passages):
    """Reviewed passages, five to an article (the tagger reads each article as a document)."""
    items = [{"text": text, "kind": "context", "sectors": list(sectors), "reviewed": True}
             for text, sectors in passages]
    return write_corpus(root, {f"note-{j}": dict(passages=items[j * 5:(j + 1) * 5])
                               for j in range((len(items) + 4) // 5)})


# A long passage that mentions one sector once: too little for the tagger (its minimum grows
# with length), enough for this corpus's reviewers, whatever the sector.
FILLER = ("The committee met on a grey Tuesday morning in the old hall, and its members spoke "
          "for a long time about what they had heard from people in the town over the past few "
          "months, before they agreed to meet again soon. ")


def test_a_reviewer_who_accepts_weak_evidence_teaches_it_for_every_sector(tmp_path, taxonomy):
    keywords = {"hospital": "health", "school": "education", "electricity": "energy",
                "police": "security", "bank": "finance", "farmers": "agriculture"}
    passages = [(FILLER + f"One member mentioned the {word} near square {i}.", [sector])
                for i in range(5) for word, sector in keywords.items()]
    corpus = load_corpus(_corpus_of(tmp_path / "c", passages), taxonomy).corpus
    learned, plain = tagger_for(corpus, taxonomy), Tagger(taxonomy)
    # sectors no review mentions: the calibration learned from the others holds for them too
    for word, sector in (("tourists", "tourism"), ("factory", "industry")):
        text = FILLER + f"One member mentioned the {word} near the station."
        assert plain.tag(text).sectors == ()
        assert learned.tag(text).sectors == (sector,)
    assert learned.tag(FILLER).sectors == ()  # no evidence, nothing added


def test_a_sector_the_reviewers_keep_rejecting_is_learned_apart(tmp_path, taxonomy):
    # The tagger takes a visited port or bridge for infrastructure; these reviewers never do,
    # while they accept the other sectors the tagger finds on as little evidence.
    places = ["port", "bridge", "harbour", "road", "airport"]
    passages = []
    for i in range(6):
        for place in places:
            passages.append((f"Officials toured the {place} in town {i} on a sunny day.", []))
        passages.append((f"Nurses at the hospital in town {i} welcomed the officials.",
                         ["health"]))
        passages.append((f"Pupils at the school in town {i} sang for the officials.",
                         ["education"]))
    corpus = load_corpus(_corpus_of(tmp_path / "c", passages), taxonomy).corpus
    learned, plain = tagger_for(corpus, taxonomy), Tagger(taxonomy)
    visit = "Officials toured the railway in town 99 on a sunny day."  # a place never reviewed
    assert plain.tag(visit).sectors == ("infrastructure",)
    assert learned.tag(visit).sectors == ()
    bias = learned.model.sector_bias  # the sector's own bias does it, not the shared weights
    assert bias["infrastructure"] < 0 < bias["health"]
    assert learned.tag("Nurses at the hospital in town 99 welcomed them.").sectors == (
        "health",)


def test_the_model_is_cheap_and_says_what_the_tagger_says_without_reviews(taxonomy):
    from brief_cli.learning import _example, train

    tagger = Tagger(taxonomy)
    texts = [FILLER, "Officials toured the port in town 3.", "Nurses at the hospital."]
    examples = [_example(t, a) for t, a in zip(texts, tagger.analyse(texts))]
    empty = train([], [], taxonomy.sector_ids)
    for text, ex in zip(texts, examples):
        tags = tagger.tag(text)
        assert empty.predict(ex, taxonomy.sector_ids) == (tags.kind, tags.sectors)


def test_too_few_reviews_keep_the_plain_tagger(tmp_path, taxonomy):
    root = _reviewed_corpus(tmp_path / "c", n=MIN_REVIEWS - 5)
    corpus = load_corpus(root, taxonomy).corpus
    assert learned_model(corpus, taxonomy) is None
    assert isinstance(tagger_for(corpus, taxonomy), Tagger)
    big = load_corpus(_reviewed_corpus(tmp_path / "big"), taxonomy).corpus
    assert isinstance(tagger_for(big, taxonomy, learn=False), Tagger)


def test_the_model_is_cached_as_json_and_rebuilt_when_reviews_change(tmp_path, taxonomy,
                                                                     monkeypatch):
    root = _reviewed_corpus(tmp_path / "c")
    corpus = load_corpus(root, taxonomy).corpus
    model = learned_model(corpus, taxonomy)
    path = _cache_file(corpus)
    data = json.loads(path.read_text())  # JSON, never pickle
    assert data["key"] == model.key and data["reviews"] == 30
    assert not list(path.parent.glob("*.pkl")) and not list(path.parent.glob("*.pickle"))

    from brief_cli import learning

    calls = []
    real = learning.train
    monkeypatch.setattr(learning, "train", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert learned_model(corpus, taxonomy).key == model.key and not calls  # from the cache
    # a review changes: rebuilt
    note = root / "note-0.yaml"
    note.write_text(note.read_text().replace("- agriculture", "- tourism", 1))
    changed = load_corpus(root, taxonomy).corpus
    again = learned_model(changed, taxonomy)
    assert calls and again.key != model.key


def test_a_damaged_cache_is_rebuilt(tmp_path, taxonomy):
    root = _reviewed_corpus(tmp_path / "c")
    corpus = load_corpus(root, taxonomy).corpus
    learned_model(corpus, taxonomy)
    _cache_file(corpus).write_text("{not json")
    assert Model.from_json("{not json") is None
    assert learned_model(corpus, taxonomy) is not None


def test_retag_uses_what_reviews_teach(run, tmp_path, taxonomy):
    root = _reviewed_corpus(tmp_path / "c")
    plain = run("retag", "--no-learn", "--dry-run", "--corpus", root, "-f", "json")
    learned = run("retag", "--dry-run", "--corpus", root, "-f", "json")
    assert learned.exit_code == 0, learned.stderr
    assert "new-note#p01" in learned.stdout and "tourism" in learned.stdout
    assert "new-note#p01" not in plain.stdout
    result = run("retag", "--corpus", root)
    assert result.exit_code == 0
    corpus = load_corpus(root, taxonomy).corpus
    assert "tourism" in corpus.passage("new-note#p01").sectors
    assert corpus.passage("note-0#p01").sectors == ("agriculture",)  # reviewed: untouched


def test_cross_validate_side_by_side(run, tmp_path, taxonomy):
    root = _reviewed_corpus(tmp_path / "c")
    corpus = load_corpus(root, taxonomy).corpus
    cv = cross_validate(corpus, taxonomy, 5)
    assert cv.reviewed == 30 and cv.base.passages == cv.learned.passages == 30
    assert cv.learned.sectors_macro_f1 > cv.base.sectors_macro_f1
    result = run("eval", "--cross-validate", "5", "--corpus", root, "-f", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["folds"] == 5 and record["reviewed"] == 30
    assert record["learned"]["sectors"]["macro_f1"] >= record["base"]["sectors"]["macro_f1"]
    table = run("eval", "--cross-validate", "5", "--corpus", root)
    assert table.exit_code == 0 and "macro F1" in table.stdout and "learned" in table.stdout


def test_cross_validate_by_article(tmp_path, taxonomy):
    from brief_cli.errors import NothingFound

    corpus = load_corpus(_reviewed_corpus(tmp_path / "c"), taxonomy).corpus
    cv = cross_validate(corpus, taxonomy, 3, by_article=True)  # six articles of five reviews
    assert cv.reviewed == cv.learned.passages == 30
    assert cv.learned.sectors_macro_f1 > cv.base.sectors_macro_f1
    with pytest.raises(NothingFound, match="6 articles"):
        cross_validate(corpus, taxonomy, 10, by_article=True)


def test_eval_by_article(run, tmp_path):
    root = _reviewed_corpus(tmp_path / "c")
    result = run("eval", "--cross-validate", "3", "--by-article", "--corpus", root, "-f", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["by_article"] is True and record["reviewed"] == 30
    alone = run("eval", "--by-article", "--corpus", root)
    assert alone.exit_code == 2 and "--cross-validate" in alone.stderr


def test_cross_validate_errors(run, tmp_path):
    root = _reviewed_corpus(tmp_path / "c")
    assert run("eval", "--cross-validate", "1", "--corpus", root).exit_code == 2
    few = _reviewed_corpus(tmp_path / "few", n=5)
    result = run("eval", "--cross-validate", "10", "--corpus", few)
    assert result.exit_code == 1 and "too few" in result.stderr


# Wherever tags are suggested for a corpus with reviews ----------------------------------------

NEW = "More homestays opened in the valley, the council reported."


def test_tag_with_a_corpus_tags_as_its_reviewers_do(run, tmp_path):
    root = _reviewed_corpus(tmp_path / "c")
    learned = run("tag", NEW, "--corpus", root, "-f", "json")
    assert learned.exit_code == 0, learned.stderr
    assert json.loads(learned.stdout)[0]["sectors"] == ["tourism"]
    plain = run("tag", NEW, "--corpus", root, "--no-learn", "-f", "json")
    assert json.loads(plain.stdout)[0]["sectors"] == []
    alone = run("tag", NEW, "-f", "json")
    assert json.loads(alone.stdout)[0]["sectors"] == []
    why = json.loads(run("tag", "--why", NEW, "--corpus", root, "-f", "json").stdout)[0]
    assert [(s["sector"], s["tagged"], s["reason"]) for s in why["sector_scores"]] == [
        ("tourism", True, "added by what 30 reviewed passages teach")]
    plain = run("tag", "--why", NEW, "--corpus", root).stdout
    assert "tourism 0 (tagged: added by what 30 reviewed passages teach)" in plain
    missing = run("tag", NEW, "--corpus", tmp_path / "nowhere")
    assert missing.exit_code == 2 and "no such corpus folder" in missing.stderr


def test_ingest_into_a_reviewed_corpus_uses_what_reviews_teach(run, tmp_path):
    root = _reviewed_corpus(tmp_path / "c")
    raw = tmp_path / "homestays.txt"
    raw.write_text("Homestays in the valley\n\n" + NEW + "\n", encoding="utf-8")
    result = run("ingest", raw, "--corpus", root, "--id", "homestays")
    assert result.exit_code == 0, result.stderr
    text = (root / "homestays.yaml").read_text(encoding="utf-8")
    assert "tourism" in text and "reviewed: false" in text


def test_the_folder_model_is_found_without_reading_the_corpus_and_follows_reviews(
        tmp_path, taxonomy, monkeypatch):
    from brief_cli import corpus as corpus_module
    from brief_cli import learning
    from brief_cli.learning import tagger_for_folder

    root = _reviewed_corpus(tmp_path / "c")
    first = tagger_for_folder(root, taxonomy)
    assert isinstance(first, LearnedTagger) and first.tag(NEW).sectors == ("tourism",)
    loads, trains = [], []
    real_load, real_train = corpus_module.load_corpus, learning.train
    monkeypatch.setattr(corpus_module, "load_corpus",
                        lambda *a, **k: loads.append(1) or real_load(*a, **k))
    monkeypatch.setattr(learning, "train", lambda *a, **k: trains.append(1) or real_train(*a, **k))
    again = tagger_for_folder(root, taxonomy)
    assert isinstance(again, LearnedTagger) and not loads and not trains  # from the cache
    # reviewers change their minds: every valley passage is agriculture now
    for f in root.glob("note-*.yaml"):
        f.write_text(f.read_text().replace("- tourism", "- agriculture"))
    changed = tagger_for_folder(root, taxonomy)
    assert loads and trains
    assert "tourism" not in changed.tag(NEW).sectors
    # an unreviewed file added: the corpus is read again, the model is not retrained
    loads.clear(), trains.clear()
    (root / "extra.yaml").write_text((root / "new-note.yaml").read_text().replace(
        "new-note", "extra"))
    tagger_for_folder(root, taxonomy)
    assert loads and not trains


def test_a_folder_with_few_reviews_keeps_the_plain_tagger(tmp_path, taxonomy):
    from brief_cli.learning import tagger_for_folder

    root = _reviewed_corpus(tmp_path / "c", n=MIN_REVIEWS - 5)
    assert isinstance(tagger_for_folder(root, taxonomy), Tagger)
    assert isinstance(tagger_for_folder(root, taxonomy), Tagger)  # remembered, same answer
    assert isinstance(tagger_for_folder(tmp_path / "none", taxonomy), Tagger)


def test_a_folder_without_reviews_is_settled_without_parsing_it(tmp_path, taxonomy,
                                                                 monkeypatch):
    from brief_cli import corpus as corpus_module
    from brief_cli.learning import tagger_for_folder

    root = _reviewed_corpus(tmp_path / "c", reviewed=False)
    monkeypatch.setattr(corpus_module, "load_corpus", lambda *a, **k: pytest.fail("parsed"))
    assert isinstance(tagger_for_folder(root, taxonomy), Tagger)
