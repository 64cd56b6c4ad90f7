"""Export details a mutation pass found untested: CSL-JSON and BibTeX fields, citation keys
without a family name, the Markdown front matter's timestamp and Pandoc keys, usage errors."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
import yaml

from brief_cli import config
from brief_cli.errors import UsageError
from brief_cli.export.citations import base_key, bibtex_entry, csl_item, csl_json
from brief_cli.export.markdown import build_markdown
from brief_cli.model import Article, Corpus, Passage
from brief_cli.selection import select_passages
from brief_cli.taxonomy import load_taxonomy


def article(**kw) -> Article:
    data = dict(id="a", title="Énergie en Asie", source="Le Monde", published=date(2024, 3, 9),
                language="fr", passages=(Passage("p01", "a", 0, "Le gaz.", "context"),),
                authors=("Zoë Durand",), section="Monde", url="https://example.org/a?x={1}")
    data.update(kw)
    return Article(**data)


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(config.bundled_taxonomy_path())


def test_csl_item_fields():
    item = csl_item(article(), "durand2024energie")
    assert item == {
        "id": "durand2024energie", "type": "article-newspaper", "title": "Énergie en Asie",
        "author": [{"family": "Durand", "given": "Zoë"}], "container-title": "Le Monde",
        "section": "Monde", "issued": {"date-parts": [[2024, 3, 9]]},
        "URL": "https://example.org/a?x={1}", "language": "fr"}


def test_csl_json_keeps_text_as_itself_indented_by_two():
    text = csl_json([article()], {"a": "k"})
    assert "Énergie en Asie" in text and "\\u00c9" not in text
    assert text.endswith("]\n")
    assert text.splitlines()[1] == "  {"
    assert json.loads(text)[0]["title"] == "Énergie en Asie"


def test_bibtex_entry_fields():
    entry = bibtex_entry(article(), "k")
    assert entry.startswith("@article{k,\n")
    assert "  month = mar,\n" in entry  # a BibTeX month macro: no braces
    assert "  year = {2024},\n" in entry
    assert "  url = {https://example.org/a?x=%7B1%7D},\n" in entry  # braces of a URL escaped
    assert "  title = {{Énergie en Asie}},\n" in entry
    assert entry.endswith("  langid = {fr}\n}\n")


def test_a_one_word_author_keys_by_that_word():
    assert base_key(article(authors=("Reuters",))) == "reuters2024energie"
    assert base_key(article(authors=("新华社",))) == "新华社2024energie"
    assert base_key(article(authors=())) == "le2024energie"  # the source's first word


def test_front_matter_timestamp_and_pandoc_keys(taxonomy):
    corpus = Corpus(None, (article(),))
    selection = select_passages(corpus, taxonomy)
    doc = build_markdown(selection, taxonomy, generated=datetime(2026, 1, 2, 3, 4, 5, 678),
                         cite="pandoc", version="9")
    front = doc.split("---\n")[1]
    assert "\ngenerated: 2026-01-02T03:04:05\n" in "\n" + front  # a plain timestamp
    meta = yaml.safe_load(front)
    assert meta["link-citations"] is True
    assert meta["generator"] == "brief 9"
    text = build_markdown(selection, taxonomy, generated=datetime(2026, 1, 2, 3, 4, 5))
    assert "link-citations" not in text


def test_usage_errors_name_the_fix(taxonomy):
    selection = select_passages(Corpus(None, (article(),)), taxonomy)
    with pytest.raises(UsageError) as info:
        build_markdown(selection, taxonomy, group_by="colour")
    assert info.value.message == "unknown grouping 'colour'"
    assert info.value.hint == "use " + ", ".join(
        __import__("brief_cli.export.markdown", fromlist=["GROUPINGS"]).GROUPINGS)
    with pytest.raises(UsageError) as info:
        build_markdown(selection, taxonomy, highlight=True)
    assert info.value.message == "--highlight needs a query"
    assert info.value.hint == "give the words to highlight as QUERY"


def test_reference_names_source_and_section(taxonomy):
    from brief_cli.export.markdown import reference_entry

    entry = reference_entry(article(), article().passages)
    assert entry == ("- Zoë Durand (2024-03-09). *Énergie en Asie*. Le Monde, Monde. "
                     "<https://example.org/a?x={1}>. Cited: p01.")


def test_front_matter_holds_both_dates_of_the_filters(taxonomy):
    from brief_cli.filters import Filters

    selection = select_passages(Corpus(None, (article(),)), taxonomy, "",
                                Filters(since=date(2024, 1, 1), until=date(2024, 12, 31)))
    doc = build_markdown(selection, taxonomy, generated=datetime(2026, 1, 2))
    meta = yaml.safe_load(doc.split("---\n")[1])
    assert (meta["since"], meta["until"]) == (date(2024, 1, 1), date(2024, 12, 31))


def test_an_unknown_citation_style_names_the_styles(taxonomy):
    from brief_cli.export.markdown import CITE_STYLES

    selection = select_passages(Corpus(None, (article(),)), taxonomy)
    with pytest.raises(UsageError) as info:
        build_markdown(selection, taxonomy, cite="harvard")
    assert info.value.message == "unknown citation style 'harvard'"
    assert info.value.hint == "use " + ", ".join(CITE_STYLES)


def _qde(articles, taxonomy):
    import xml.etree.ElementTree as ET

    from brief_cli.export.qdpx import PROJECT_NS, build_project

    project = build_project(articles, taxonomy, name="t", origin="brief test",
                            generated=datetime(2026, 1, 2))
    return ET.fromstring(project.qde), "{" + PROJECT_NS + "}"


def test_qdpx_variables_are_typed_and_hold_each_value(taxonomy):
    root, ns = _qde([article()], taxonomy)
    names = {v.get("guid"): v.get("name") for v in root.iter(ns + "Variable")}
    values = {}
    for holder in root.iter(ns + "VariableValue"):
        name = names[holder.find(ns + "VariableRef").get("targetGUID")]
        (value,) = [e for e in holder if e.tag != ns + "VariableRef"]
        values[name] = (value.tag[len(ns):], value.text)
    assert values["published"] == ("DateValue", "2024-03-09")
    assert values["section"] == ("TextValue", "Monde")
    assert values["source"] == ("TextValue", "Le Monde")


def test_qdpx_marks_who_coded_what(taxonomy):
    from brief_cli.export.qdpx import MACHINE_USER, REVIEW_USER

    done = Passage("p01", "a", 0, "Le gaz.", "context", reviewed=True)
    open_ = Passage("p02", "a", 1, "Le pétrole.", "context", reviewed=False)
    root, ns = _qde([article(passages=(done, open_)), article(id="b", passages=(done,))],
                    taxonomy)
    users = {u.get("guid"): u.get("name") for u in root.iter(ns + "User")}
    sources = [users[s.get("creatingUser")] for s in root.iter(ns + "TextSource")]
    assert sources == [MACHINE_USER, REVIEW_USER]  # all reviewed: the reviewer
    marks = [(s.get("name"), users[s.get("creatingUser")], s.find(ns + "Description").text)
             for s in root.iter(ns + "PlainTextSelection")]
    assert marks[:2] == [("a#p01", REVIEW_USER, "reviewed"),
                         ("a#p02", MACHINE_USER, "machine-tagged, not reviewed")]


def test_qdpx_codebook_adds_codes_the_corpus_uses_but_the_taxonomy_lacks(taxonomy):
    odd = Passage("p01", "a", 0, "Le gaz.", "rumour", sectors=("space-mining",),
                  actors=("atlantis",))
    root, ns = _qde([article(passages=(odd,))], taxonomy)
    codes = {c.get("name"): c for c in root.iter(ns + "Code")}
    assert {"rumour", "space-mining", "atlantis"} <= set(codes)
    assert codes["atlantis"].find(ns + "Description").text == "not in the taxonomy"
    groups = [c.get("name") for c in root.find(ns + "CodeBook").find(ns + "Codes")]
    assert groups == ["Kinds", "Sectors", "Actors"]


def test_the_codebook_file_names_its_origin(taxonomy):
    import xml.etree.ElementTree as ET

    from brief_cli.export.qdpx import build_codebook

    assert ET.fromstring(build_codebook(taxonomy, origin="brief 9")).get("origin") == "brief 9"


def test_docx_quote_is_the_whole_passage_with_the_matches_in_bold(taxonomy):
    import io

    docx = pytest.importorskip("docx")
    from brief_cli.export.docx import _quote_runs, build_docx

    assert _quote_runs("Solar power", [(6, 11)]) == [("Solar ", False), ("power", True)]
    assert _quote_runs("Solar power", [(0, 5)]) == [("Solar", True), (" power", False)]
    passage = Passage("p01", "a", 0, "Gas and more gas, said the gas board.", "context",
                      sectors=("energy",))
    selection = select_passages(Corpus(None, (article(passages=(passage,)),)), taxonomy, "gas")
    data = build_docx(selection, taxonomy, highlight=True, group_by="none",
                      generated=datetime(2026, 1, 2))
    document = docx.Document(io.BytesIO(data))
    paragraphs = document.paragraphs
    (at,) = [i for i, p in enumerate(paragraphs) if p.style.name == "Quote"]
    quote = paragraphs[at]
    assert quote.text == passage.text
    assert [r.text for r in quote.runs if r.bold] == ["Gas", "gas", "gas"]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Excerpts", "References"]
    tags = paragraphs[at + 2]
    assert tags.runs[0].font.size.pt == 9


def test_qdpx_actor_codes_say_what_the_actor_is_called(taxonomy):
    from brief_cli.export.qdpx import codebook_tree

    (_kinds, _sectors, actors) = codebook_tree(taxonomy, actors=["albania"],
                                               extra={"actor": {"atlantis"}})
    groups = {g.name: {c.name: c.description for c in g.children} for g in actors.children}
    assert groups == {"Countries": {"Albania": "country, ISO 3166 code ALB; also: Republic "
                                               "of Albania"},
                      "Other": {"atlantis": "not in the taxonomy"}}


def test_qdpx_archive_entries_carry_the_export_time(taxonomy):
    import io
    import zipfile

    from brief_cli.export.qdpx import build_project

    project = build_project([article()], taxonomy, name="t", origin="o")
    with zipfile.ZipFile(io.BytesIO(project.zip_bytes(datetime(2026, 1, 2, 3, 4, 6,
                                                               tzinfo=timezone.utc)))) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 1, 2, 3, 4, 6)}
