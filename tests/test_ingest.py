"""brief ingest: decoding, cleaning, metadata, paragraphs, HTML, the CLI, and the seed round trip.

Every input here is text written for these tests, except the seed page (the project's own file).
"""

from __future__ import annotations

import codecs
import json
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief_cli import ingest as core
from brief_cli.ingest import batch
from brief_cli.config import bundled_corpus_dir, bundled_taxonomy_path
from brief_cli.corpus import article_to_yaml, load_article_file, load_article_text
from brief_cli.decode import decode_bytes
from brief_cli.errors import FileProblem
from brief_cli.model import Article, Passage
from brief_cli.taxonomy import SLUG_RE, load_taxonomy

from helpers import dedent

DATA = Path(__file__).parent / "data" / "ingest"
SEED_RAW = DATA / "kazakhstan-bri-partner.raw.txt"
SEED_YAML = bundled_corpus_dir() / "kazakhstan-bri-partner.yaml"


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(bundled_taxonomy_path())


def parse(text: str) -> core.Draft:
    return core.parse_text(dedent(text))


def reasons(draft: core.Draft) -> list[tuple[str, str]]:
    return [(d.reason, d.text) for d in draft.dropped]


BODY_1 = ("Grid operators in the north say the new transmission line has cut outages by half "
          "since it opened last spring.")
BODY_2 = ("Storage remains the weak point, however, because the winter evenings are long and "
          "demand peaks after sunset.")
BODY_3 = ("Investors could fund battery parks next year if the regulator approves the tariff "
          "plan this autumn.")


# Encodings ----------------------------------------------------------------------------------

SAMPLE = "Café owners in São Paulo said the régime’s “new” rules were naïve — and costly.\n"


@pytest.mark.parametrize("raw, label", [
    (SAMPLE.encode("utf-8"), "UTF-8"),
    (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), "UTF-16 with BOM"),
    (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "UTF-16 with BOM"),
    (SAMPLE.encode("cp1252"), "cp1252 (detected)"),
])
def test_decode_known_encodings(raw, label):
    decoded = decode_bytes(raw)
    assert decoded.text == SAMPLE
    assert decoded.label == label


def test_decode_latin1_text_is_read_as_its_western_superset():
    text = "Les élèves français ont réussi à l'examen. C'était très difficile pour eux.\n"
    decoded = decode_bytes(text.encode("latin-1"))
    assert decoded.text == text
    assert decoded.detected and decoded.encoding == "cp1252"


@pytest.mark.parametrize("raw, message", [
    (b"\x00\x01\x02binary\x00data" * 10, "not text: the file holds NUL bytes (binary data)"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
     "not text: this is a PDF file (save it as text or HTML first)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not text: this is a PNG image"),
    (b"PK\x03\x04\x14\x00", "not text: this is a ZIP archive (or a Word/OpenDocument file) "
                            "(save the document as text or HTML first)"),
])
def test_decode_refuses_binary_with_one_line(raw, message):
    with pytest.raises(FileProblem) as info:
        decode_bytes(raw)
    assert str(info.value) == message


# Normalising ---------------------------------------------------------------------------------

def test_normalise_nfc_zero_width_spaces_and_newlines():
    raw = "Cafe\u0301\u200b\u00a0bar\r\nnext\u2060 line\t \rthird\f4th\u00adly"
    assert core.normalise(raw) == "Café bar\nnext line\nthird\n\n4thly"


# Dates -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2024-07-05", date(2024, 7, 5)),
    ("Updated: 2024-07-05 08:51", date(2024, 7, 5)),
    ("2024/7/5", date(2024, 7, 5)),
    ("July 5, 2024", date(2024, 7, 5)),
    ("Jul. 5 2024", date(2024, 7, 5)),
    ("Sept 7, 2013", date(2013, 9, 7)),
    ("5 July 2024", date(2024, 7, 5)),
    ("5th of July, 2024", date(2024, 7, 5)),
    ("Friday, July 5, 2024, 10:30 GMT", date(2024, 7, 5)),
    ("Published 14 March 2023 | Updated 2 April 2023", date(2023, 3, 14)),
])
def test_parse_date_forms(text, expected):
    assert core.parse_date(text) == expected


@pytest.mark.parametrize("text", ["February 30, 2024", "2024-13-01", "no date here", "July 2024",
                                  "05/07/2024"])
def test_parse_date_refuses_impossible_or_ambiguous(text):
    assert core.parse_date(text) is None


def test_a_date_inside_the_body_is_not_the_publication_date():
    draft = parse(f"""
        Energy Links Across the Caspian

        In a speech on Sept 7, 2013, the minister proposed a new pipeline to the coast. {BODY_1}

        {BODY_2}
    """)
    assert draft.title == "Energy Links Across the Caspian"
    assert draft.published is None


# Header: menus, breadcrumbs, bylines ------------------------------------------------------------

def test_byline_with_source_and_updated_date():
    draft = parse(f"""
        World Edition | English | Español | 中文
        Home / Analysis / Energy

        Grid Upgrades Cut Outages in Half

        By Jane Doe and John Roe | THE EXAMPLE POST | Updated: 2023-03-14 10:20
        Share - Facebook

        {BODY_1}

        {BODY_2}
    """)
    assert draft.title == "Grid Upgrades Cut Outages in Half"
    assert draft.authors == ("Jane Doe", "John Roe")
    assert draft.source == "The Example Post"
    assert draft.section == "Analysis / Energy"
    assert draft.published == date(2023, 3, 14)
    assert draft.paragraphs == (BODY_1, BODY_2)
    assert reasons(draft) == [
        ("menu", "World Edition | English | Español | 中文"),
        ("breadcrumb", "Home / Analysis / Energy"),
        ("share widget", "Share - Facebook"),
    ]


@pytest.mark.parametrize("byline, authors, published", [
    ("By Jane Doe, John Roe and Ann Poe", ("Jane Doe", "John Roe", "Ann Poe"), None),
    ("By JANE DOE", ("Jane Doe",), None),
    ("By Jane Doe, 14 March 2023", ("Jane Doe",), date(2023, 3, 14)),
    ("By Jane Doe, Tuesday, March 14, 2023", ("Jane Doe",), date(2023, 3, 14)),
    ("By Jane Doe & John Roe in Almaty", ("Jane Doe", "John Roe"), None),
    ("Written by Jane Doe; John Roe", ("Jane Doe", "John Roe"), None),
])
def test_byline_forms(byline, authors, published):
    draft = parse(f"""
        Grid Upgrades Cut Outages in Half
        {byline}

        {BODY_1}
    """)
    assert draft.title == "Grid Upgrades Cut Outages in Half"
    assert draft.authors == authors
    assert draft.published == published


def test_separate_date_line_and_key_value_header():
    draft = parse(f"""
        Title: Grid Upgrades Cut Outages in Half
        Author: Jane Doe; John Roe
        Source: Example Review
        Published: March 5, 2021
        Updated: March 7, 2021
        Section: Energy

        {BODY_1}
    """)
    assert (draft.title, draft.authors, draft.source, draft.published, draft.section) == (
        "Grid Upgrades Cut Outages in Half", ("Jane Doe", "John Roe"), "Example Review",
        date(2021, 3, 5), "Energy")


def test_updated_date_is_used_when_there_is_no_published_date():
    draft = parse(f"""
        Grid Upgrades Cut Outages in Half
        March 14, 2023
        Updated: April 2, 2023

        {BODY_1}
    """)
    assert draft.published == date(2023, 3, 14)
    draft = parse(f"""
        Grid Upgrades Cut Outages in Half
        Updated: April 2, 2023

        {BODY_1}
    """)
    assert draft.published == date(2023, 4, 2)


def test_news_header_form_title_source_date_url():
    draft = parse(f"""
        Lenders Weigh New Terms for Rail Loans
        Source: Example Broadcasting (EB News); byline: Sam Writer
        Date: 2019-02-11
        URL: https://example.org/news/rail-loans

        {BODY_1}

        ​Subheading After a Zero-Width Space

        {BODY_2}
    """)
    assert draft.title == "Lenders Weigh New Terms for Rail Loans"
    assert draft.source == "Example Broadcasting (EB News)"
    assert draft.authors == ("Sam Writer",)
    assert draft.published == date(2019, 2, 11)
    assert draft.url == "https://example.org/news/rail-loans"
    assert draft.paragraphs == (BODY_1, BODY_2)
    assert reasons(draft) == [("heading", "Subheading After a Zero-Width Space")]


def test_markdown_title_and_headings():
    draft = parse(f"""
        # Grid Upgrades Cut Outages in Half

        {BODY_1}

        ## What comes next

        {BODY_3}
    """)
    assert draft.title == "Grid Upgrades Cut Outages in Half"
    assert draft.paragraphs == (BODY_1, BODY_3)
    assert reasons(draft) == [("heading", "What comes next")]


def test_earlier_title_like_lines_are_section_labels():
    draft = parse(f"""
        Opinion

        Grid Upgrades Cut Outages in Half
        By Jane Doe

        {BODY_1}
    """)
    assert draft.title == "Grid Upgrades Cut Outages in Half"
    assert reasons(draft) == [("header line", "Opinion")]


def test_a_body_that_starts_at_once_has_no_title():
    draft = parse("""
        On behalf of the people of my country, I
        congratulate the President on his election and
        wish him every success in the work ahead.
    """)
    assert draft.title is None
    assert draft.paragraphs == ("On behalf of the people of my country, I congratulate the "
                                "President on his election and wish him every success in the "
                                "work ahead.",)


# Furniture --------------------------------------------------------------------------------------

@pytest.mark.parametrize("line, reason", [
    ("The views don't necessarily reflect those of Example Daily.", "disclaimer"),
    ("The opinions expressed in this commentary do not necessarily represent those of the "
     "institute.", "disclaimer"),
    ("If you have a specific expertise and would like to contribute, send us your writings at "
     "the address below.", "call for contributions"),
    ("We welcome submissions from readers: write to us at the opinion desk.",
     "call for contributions"),
    ("© 2023 Example Media Group. All rights reserved.", "copyright notice"),
    ("Copyright 1999 - 2023. All rights reserved. No part may be reproduced.", "copyright notice"),
    ("License for publishing news online 0012345", "licence or registration"),
    ("Registration Number: 998877", "licence or registration"),
    ("Terms of Use | Privacy Policy | Contact Us", "licence or registration"),
    ("This article first appeared in the Example Review.", "provenance note"),
    ("[Photo/Example Agency]", "photo caption"),
    ("Share this article", "share widget"),
    ("Facebook Twitter WhatsApp Email", "share widget"),
    ("Advertisement", "page widget"),
])
def test_furniture_kinds(line, reason):
    assert core.furniture_reason(line) == reason
    draft = parse(f"""
        Grid Upgrades Cut Outages in Half

        {BODY_1}

        {line}

        {BODY_2}
    """)
    assert draft.paragraphs == (BODY_1, BODY_2)
    assert (reason, line) in reasons(draft)


@pytest.mark.parametrize("line", [
    "Copyright protection for software remains weak in the region, investors say.",
    "Officials said the views of farmers were heard at every meeting.",
    "Share prices of the utility rose by a third after the announcement.",
    "The licence for the new mine was granted in 2019 after a long review.",
])
def test_body_text_that_mentions_furniture_words_is_kept(line):
    assert core.furniture_reason(line) is None


def test_most_viewed_list_and_footer_are_dropped():
    draft = parse(f"""
        Grid Upgrades Cut Outages in Half

        {BODY_1}

        {BODY_2}

        Most Viewed in 24 Hours
        Rail link opens to freight traffic
        Ministers meet on water sharing
        Copyright 2001 - . All rights reserved. Example Daily Ltd.
    """)
    assert draft.paragraphs == (BODY_1, BODY_2)
    assert [r for r, _ in reasons(draft)] == ["list of links", "list of links", "list of links",
                                              "copyright notice"]


# Author notes ----------------------------------------------------------------------------------

def test_author_note_from_a_byline_name():
    draft = parse(f"""
        Grid Upgrades Cut Outages in Half
        By Jane Doe and John Roe

        {BODY_1}

        {BODY_2}

        Jane Doe is a senior fellow and John Roe the director of the Steppe Energy Institute.

        The views don't necessarily reflect those of Example Daily.
    """)
    assert draft.author_note == ("Jane Doe is a senior fellow and John Roe the director of the "
                                 "Steppe Energy Institute.")
    assert draft.paragraphs == (BODY_1, BODY_2)


@pytest.mark.parametrize("note", [
    "The author is a professor of economics at Example University.",
    "The writers are researchers at the Centre for Grid Studies.",
])
def test_author_note_the_author_is(note):
    draft = parse(f"""
        Grid Upgrades Cut Outages in Half

        {BODY_1}

        {note}
    """)
    assert draft.author_note == note
    assert draft.paragraphs == (BODY_1,)


def test_no_author_note_when_the_last_paragraph_is_body():
    last = "Sam Carter is the director of the grid company, and he says the plan will work."
    draft = parse(f"""
        Grid Upgrades Cut Outages in Half
        By Jane Doe

        Sam Carter is the director of the grid company, which built the new line.

        {BODY_1}

        {last}
    """)
    assert draft.author_note is None
    assert draft.paragraphs[-1] == last


# Paragraphs --------------------------------------------------------------------------------------

LONG_1 = ("The delegation of my country would like to congratulate the President on his "
          "election and to assure him of our full support. We also thank his predecessor for "
          "the wisdom with which he guided the previous session.")
LONG_2 = ("Climate change remains the gravest threat to small island States. Rising seas are "
          "already eating away at our coasts, and the storms grow stronger each year.")
LONG_3 = ("We call on all partners to honour the commitments they made, because words alone "
          "will not protect our children.")


def wrap(paragraph: str, width: int = 52) -> str:
    return textwrap.fill(paragraph, width=width, break_long_words=False, break_on_hyphens=False)


def test_blank_line_separated_paragraphs():
    assert core.parse_text("\n\n".join([LONG_1, LONG_2, LONG_3])).paragraphs == (
        LONG_1, LONG_2, LONG_3)


def test_one_paragraph_per_line():
    assert core.parse_text("\n".join([LONG_1, LONG_2, LONG_3]) + "\n").paragraphs == (
        LONG_1, LONG_2, LONG_3)


def test_hard_wrapped_paragraphs_with_blank_lines_and_whitespace_only_lines():
    text = "\n  \n".join(wrap(p) for p in (LONG_1, LONG_2, LONG_3))
    text = "\n".join(line + "  " for line in text.split("\n"))  # trailing spaces too
    assert core.parse_text(text).paragraphs == (LONG_1, LONG_2, LONG_3)


def test_hard_wrapped_paragraphs_without_blank_lines_end_at_short_lines():
    # Each paragraph ends with a line the next word would have fitted on.
    paragraphs = [LONG_1, LONG_2, LONG_3]
    text = "\n".join(wrap(p) for p in paragraphs)
    assert core.parse_text(text).paragraphs == tuple(paragraphs)


def test_hard_wrapped_paragraphs_marked_by_indentation():
    text = "\n".join(" " + wrap(p).replace("\n", "\n", 1) if i else wrap(p)
                     for i, p in enumerate([LONG_1, LONG_2, LONG_3]))
    text = text.replace("\n", " \n")  # trailing spaces, as in PDF extractions
    assert core.parse_text(text).paragraphs == (LONG_1, LONG_2, LONG_3)


@pytest.mark.parametrize("wrapped, joined", [
    ("the sustainable develop-\nment of the region", "the sustainable development of the region"),
    ("the Secretary-\nGeneral spoke", "the Secretary-General spoke"),
    ("at its sixty-\nseventh session", "at its sixty-seventh session"),
    ("the well-\nbeing of all", "the well-being of all"),
    ("a state-owned firm and another state-\nowned firm", "a state-owned firm and another "
                                                           "state-owned firm"),
    ("peacekeeping matters; peace-\nkeeping works", "peacekeeping matters; peacekeeping works"),
])
def test_hyphenation_across_lines(wrapped, joined):
    text = f"It is said that {wrapped} in every way, as we all\nknow too well from experience."
    assert core.parse_text(text).paragraphs == (
        f"It is said that {joined} in every way, as we all know too well from experience.",)


def test_page_headers_and_page_breaks_inside_a_sentence_are_removed():
    text = ("The Assembly must act now to protect the most\nvulnerable people on our planet, "
            "and the\n\n\f\nA/70/PV.12\n\n14-51234 12\n\ncommunity of nations must stand with "
            "them.\n")
    draft = core.parse_text(text)
    assert draft.paragraphs == ("The Assembly must act now to protect the most vulnerable "
                                "people on our planet, and the community of nations must stand "
                                "with them.",)
    assert reasons(draft) == [("page number or header", "A/70/PV.12"),
                              ("page number or header", "14-51234 12")]


def test_stray_fragments_are_attached_or_dropped_and_reported():
    text = "\n\n".join(["Mr. President,", LONG_1, "* * *", "Climate and the Sea", LONG_2,
                       "Thank you."])
    draft = core.parse_text(text)
    assert draft.paragraphs == ("Mr. President, " + LONG_1, LONG_2 + " Thank you.")
    assert reasons(draft) == [("stray fragment", "* * *"), ("heading", "Climate and the Sea")]


def test_a_long_paragraph_is_split_at_sentence_boundaries():
    sentences = [f"Sentence number {i} talks about grids, storage and the tariff plan for "
                 f"the coming years in some detail." for i in range(1, 41)]
    paragraph = " ".join(sentences)
    draft = core.parse_text(paragraph)
    assert len(draft.paragraphs) > 1
    assert " ".join(draft.paragraphs) == paragraph
    assert all(len(p) <= core.MAX_PASSAGE_CHARS for p in draft.paragraphs)
    assert all(p.endswith("detail.") for p in draft.paragraphs)


def test_seed_length_paragraphs_are_not_split():
    assert core.split_long(LONG_1 * 2) == [LONG_1 * 2]


_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéü", min_size=1, max_size=9)
_sentence = st.builds(lambda first, rest, end: " ".join([first.capitalize(), *rest]) + end,
                      _word, st.lists(_word, min_size=3, max_size=14), st.sampled_from(".!?"))
_paragraph = st.lists(_sentence, min_size=1, max_size=6).map(" ".join)


def _words(text: str) -> list[str]:
    """Every letter of the text: joining a word split at a line end or at a PDF ligature
    ('f low') changes the words but must lose no letter."""
    return sorted(c for c in text.lower() if c.isalpha())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraphs=st.lists(_paragraph, min_size=1, max_size=6),
       layout=st.sampled_from(["blank", "lines", "wrapped", "wrapped-blank"]),
       width=st.integers(min_value=40, max_value=90))
def test_no_body_word_is_ever_lost(paragraphs, layout, width):
    if layout == "blank":
        text = "\n\n".join(paragraphs)
    elif layout == "lines":
        text = "\n".join(paragraphs)
    elif layout == "wrapped":
        text = "\n".join(wrap(p, width) for p in paragraphs)
    else:
        text = "\n\n".join(wrap(p, width) for p in paragraphs)
    draft = core.parse_text(text)
    kept = " ".join([draft.title or "", *draft.paragraphs, draft.author_note or "",
                     *(d.text for d in draft.dropped)])
    assert _words(kept) == _words(text)
    assert all(p and p == " ".join(p.split()) for p in draft.paragraphs)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600))
def test_any_text_parses_without_error(text):
    draft = core.parse_text(text)
    assert all(p.strip() for p in draft.paragraphs)


# HTML -------------------------------------------------------------------------------------------

PAGE = dedent(f"""
    <!DOCTYPE html>
    <html lang="en"><head><title>Solar Farms Reshape the Steppe | Example Review</title>
    <meta name="author" content="Jane Doe; Tom Roe">
    <meta property="og:site_name" content="Example Review">
    <meta property="og:title" content="Solar Farms Reshape the Steppe">
    <meta property="article:published_time" content="2023-03-14T09:00:00Z">
    </head><body>
    <nav><a href="/">Home</a> <a href="/energy">Energy</a> <a href="/sign-in">Sign in</a></nav>
    <article><h1>Solar Farms Reshape the Steppe</h1>
    <p class="byline">By Jane Doe and Tom Roe</p>
    <p>{BODY_1}</p>
    <p>{BODY_2}</p>
    <h2>What comes next</h2>
    <p>{BODY_3}</p>
    <p>Jane Doe is a senior fellow at the Steppe Energy Institute.</p>
    </article>
    <footer><p>© 2023 Example Review. All rights reserved.</p></footer>
    </body></html>
""")


def test_html_main_text_and_metadata():
    draft = core.parse_html(PAGE)
    assert draft.title == "Solar Farms Reshape the Steppe"
    assert draft.authors == ("Jane Doe", "Tom Roe")
    assert draft.source == "Example Review"
    assert draft.published == date(2023, 3, 14)
    assert draft.paragraphs == (BODY_1, BODY_2, BODY_3)
    assert draft.author_note == "Jane Doe is a senior fellow at the Steppe Energy Institute."
    assert ("heading", "What comes next") in reasons(draft)


def test_html_without_the_extra_says_how_to_install_it(monkeypatch, tmp_path, run):
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    with pytest.raises(FileProblem) as info:
        core.parse_html(PAGE)
    assert str(info.value) == ("reading HTML needs the 'html' extra (trafilatura is not "
                               "installed) (install the html extra: pip install trafilatura lxml_html_clean)")
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    result = run("ingest", page, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"error: {page}: reading HTML needs the 'html' extra (trafilatura is not installed) "
        "(install the html extra: pip install trafilatura lxml_html_clean)")


def test_html_is_recognised_on_stdin(run, tmp_path):
    result = run("ingest", "-", "--out", tmp_path, "--no-tag", input=PAGE)
    assert result.exit_code == 0, result.stderr
    article, problems = load_article_file(tmp_path / "solar-farms-reshape-steppe.yaml",
                                          load_taxonomy(bundled_taxonomy_path()))
    assert problems == []
    assert [p.text for p in article.passages] == [BODY_1, BODY_2, BODY_3]


# Ids and round trips -----------------------------------------------------------------------------

@pytest.mark.parametrize("title, slug", [
    ("Kazakhstan a mutually beneficial BRI partner",
     "kazakhstan-a-mutually-beneficial-bri-partner"),
    ("Côte d’Ivoire’s Cocoa: What Now?", "cote-divoires-cocoa-what-now"),
    ("中文标题", "article"),
    ("A " + "very " * 30 + "long title", "a" + "-very" * 11),  # cut at a word, 60 at most
])
def test_slugify(title, slug):
    assert core.slugify(title) == slug


@pytest.mark.parametrize("title, slug", [
    ("As US 'Debt Trap Diplomacy' Rhetoric Heats Up, China-Africa Relations Hold Fast",
     "us-debt-trap-diplomacy-rhetoric"),
    ("Kazakhstan a mutually beneficial BRI partner", "kazakhstan-mutually-beneficial-bri"),
    ("The Of And", "the-of-and"),  # nothing but stop words: keep them
    ("Internationalisation of everything, supercalifragilisticexpialidocious again",
     "internationalisation-everything"),
    ("中文标题", "article"),
])
def test_short_ids_drop_stop_words_and_cut_at_a_word(title, slug):
    assert core.short_slug(title) == slug
    assert len(slug) <= 40


@given(st.text(max_size=300))
def test_short_ids_are_always_slugs_of_40_characters_at_most(title):
    slug = core.short_slug(title)
    assert 0 < len(slug) <= 40 and SLUG_RE.match(slug)


def test_id_format_templates(run, tmp_path, inputs):
    result = run("ingest", inputs / "grid.txt", "--out", tmp_path, "--no-tag",
                 "--id-format", "{source}-{year}-{slug}")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "example-review-2023-grid-upgrades-cut-outages-half.yaml").is_file()
    bad = run("ingest", inputs / "grid.txt", "--out", tmp_path, "--id-format", "{nope}-{slug}")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: --id-format has unknown field {nope}")


# Text that YAML would read as something else if it were written unquoted.
_YAML_LOOKALIKES = ["null", "~", "true", "no", "yes", "on", "2024-01-01", "1e3", "0x1F", "- a",
                    "# x", ": y", "'q'", '"d"', "@at", "`b", "%p", "!t", "&a", "*b", "|", "> f",
                    "[x]", "{y}", "? k", "...", "---", "=", "0o17", ".inf", "12:30:00", "1_000"]
_passage_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
            max_size=300).map(lambda t: " ".join(t.split())).filter(bool),
    st.sampled_from(_YAML_LOOKALIKES))


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(_passage_text, min_size=1, max_size=5), title=_passage_text,
       authors=st.lists(_passage_text, max_size=3), note=st.one_of(st.none(), _passage_text))
def test_ingested_articles_round_trip_through_yaml(taxonomy, texts, title, authors, note):
    passages = tuple(Passage(id=f"p{i + 1:02d}", article_id="x", index=i, text=t, kind="context")
                     for i, t in enumerate(texts))
    article = Article(id="x", title=title, source=title, published=date(2024, 1, 2),
                      language="en", passages=passages, authors=tuple(authors), author_note=note,
                      section=note, url=note)
    text = article_to_yaml(article)
    loaded, problems = load_article_text(text, taxonomy)
    assert problems == []
    assert loaded == article
    assert article_to_yaml(loaded) == text


# The seed ---------------------------------------------------------------------------------------

def test_seed_page_gives_the_hand_curated_metadata_and_passages(run, tmp_path, taxonomy):
    result = run("ingest", SEED_RAW, "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    written = tmp_path / "kazakhstan-mutually-beneficial-bri.yaml"
    article, problems = load_article_file(written, taxonomy)
    assert problems == []
    curated, _ = load_article_file(SEED_YAML, taxonomy)
    for key in ("title", "source", "section", "authors", "published", "author_note", "language"):
        assert getattr(article, key) == getattr(curated, key), key
    assert [p.text for p in article.passages] == [p.text for p in curated.passages]
    assert [p.id for p in article.passages] == [p.id for p in curated.passages]
    assert not any(p.reviewed for p in article.passages)
    # The file as written, layout included, is the hand-curated one but for what a person
    # decided (id, comments, tags, reviewed): compared with the curated file, not with itself.
    assert _untagged_layout(written.read_text(encoding="utf-8")) == _untagged_layout(
        SEED_YAML.read_text(encoding="utf-8"))


def _untagged_layout(text: str) -> list[str]:
    """An article file's lines without comments, the id and what a person or tagger decides."""
    decided = ("id:", "  kind:", "  sectors:", "  actors:", "  reviewed:")
    return [line for line in text.splitlines()
            if not line.startswith("#") and not line.startswith(decided)]


def test_seed_page_dry_run_lists_what_was_removed(run):
    result = run("ingest", SEED_RAW, "--dry-run", "--no-tag")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("id: kazakhstan-mutually-beneficial-bri\n"
                          "title: Kazakhstan a mutually beneficial BRI partner\n"
                          "source: China Daily\nsection: Opinion / Chinese Perspectives\n"
                          "authors: Liang Haiming, Da Hsuan Feng\npublished: 2024-07-05\n")
    assert "\n[1] p01 (context)\nIn a speech he delivered at Nazarbayev University" in out
    assert "\n[19] p19 (context)\nChina and Kazakhstan need to" in out
    assert "\nremoved (breadcrumb): Home / Opinion / Chinese Perspectives\n" in out
    assert ("\nremoved (disclaimer): The views don't necessarily reflect those of China "
            "Daily.\n") in out
    assert "\nremoved (licence or registration): Registration Number: 130349\n" in out
    assert result.stderr == "1 dry run, 0 failed; 19 passages in " + result.stderr.split(" in ")[1]


# The command -------------------------------------------------------------------------------------

ARTICLE = dedent(f"""
    Grid Upgrades Cut Outages in Half
    By Jane Doe | Example Review | 2023-03-14

    {BODY_1}

    {BODY_2}

    {BODY_3}
""")


@pytest.fixture
def inputs(tmp_path) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "grid.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "sub" / "wind.md").write_text(
        f"# Wind Farms Go Offshore\n\n{BODY_3}\n\n{BODY_1}\n", encoding="utf-8")
    (folder / "sub" / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return folder


def test_ingest_a_file(run, tmp_path, inputs, taxonomy):
    out = tmp_path / "corpus"
    result = run("ingest", inputs / "grid.txt", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "input\tstatus\tid\tpassages\tnote\n"
        f"{inputs / 'grid.txt'}\tingested\tgrid-upgrades-cut-outages-half\t3\t\n")
    assert result.stderr.startswith("1 ingested, 0 failed; 3 passages in ")
    article, problems = load_article_file(out / "grid-upgrades-cut-outages-half.yaml", taxonomy)
    assert problems == []
    assert (article.title, article.source, article.authors, article.published) == (
        "Grid Upgrades Cut Outages in Half", "Example Review", ("Jane Doe",), date(2023, 3, 14))
    assert article.language == "en"
    assert all(p.reviewed is False for p in article.passages)
    # The passages carry exactly what the auto-tagger says about them.
    from brief_cli.tagging import Tagger

    tags = Tagger(taxonomy).tag_passages([BODY_1, BODY_2, BODY_3])
    assert [(p.kind, p.sectors, p.actors) for p in article.passages] == [
        (t.kind, tuple(t.sectors), tuple(t.actors)) for t in tags]
    # ... and what the tagger says is right, not only the same twice: the grid passage is about
    # energy, the one about investors who could fund battery parks is an opportunity.
    assert "energy" in article.passages[0].sectors
    assert article.passages[2].kind == "opportunity"


def test_no_tag_leaves_passages_untagged(run, tmp_path, inputs):
    result = run("ingest", inputs / "grid.txt", "--out", tmp_path, "--no-tag")
    assert result.exit_code == 0
    data = yaml.safe_load((tmp_path / "grid-upgrades-cut-outages-half.yaml").read_text())
    assert {(p["kind"], tuple(p["sectors"]), tuple(p["actors"]), p["reviewed"])
            for p in data["passages"]} == {("context", (), (), False)}


def test_ingest_twice_skips_then_force_replaces(run, tmp_path, inputs):
    args = ("ingest", inputs / "grid.txt", "--out", tmp_path)
    assert run(*args).exit_code == 0
    again = run(*args)
    assert again.exit_code == 0
    assert again.stdout.splitlines()[1].split("\t")[1:] == [
        "skipped", "grid-upgrades-cut-outages-half", "3",
        "already in the corpus as grid-upgrades-cut-outages-half"]
    forced = run(*args, "--force")
    assert forced.exit_code == 0
    assert forced.stdout.splitlines()[1].split("\t")[1:] == [
        "ingested", "grid-upgrades-cut-outages-half", "3",
        "replaced the article with this id"]
    assert [p.name for p in tmp_path.glob("*.yaml")] == ["grid-upgrades-cut-outages-half.yaml"]


def test_same_title_other_text_gets_a_numbered_id(run, tmp_path, inputs):
    other = tmp_path / "other.txt"
    other.write_text(ARTICLE.replace(BODY_3, LONG_3), encoding="utf-8")
    out = tmp_path / "corpus"
    result = run("ingest", inputs / "grid.txt", other, other, "--out", out, "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["status"], r["id"]) for r in rows] == [
        ("ingested", "grid-upgrades-cut-outages-half"),
        ("ingested", "grid-upgrades-cut-outages-half-2")]
    assert rows[1]["file"] == str(out / "grid-upgrades-cut-outages-half-2.yaml")


def test_id_option(run, tmp_path, inputs):
    result = run("ingest", inputs / "grid.txt", "--out", tmp_path, "--id", "grid-2023")
    assert result.exit_code == 0
    assert (tmp_path / "grid-2023.yaml").is_file()
    taken = run("ingest", inputs / "sub" / "wind.md", "--out", tmp_path, "--id", "grid-2023")
    assert taken.exit_code == 2
    assert taken.stderr.splitlines()[0] == (
        f"error: {inputs / 'sub' / 'wind.md'}: article id 'grid-2023' is already taken "
        "(use --force to replace it, or choose another --id)")


@pytest.mark.parametrize("args, message", [
    (("--id", "Bad Id"), "error: --id must be a lowercase slug, got 'Bad Id' "
                         "(letters, digits and hyphens, like 'energy-outlook-2024')"),
    (("--date", "5 July"), "error: --date takes a date like 2024-07-05, got '5 July'"),
])
def test_bad_options(run, tmp_path, inputs, args, message):
    result = run("ingest", inputs / "grid.txt", "--out", tmp_path, *args)
    assert result.exit_code == 2
    assert result.stderr == message + "\n"
    assert list(tmp_path.glob("*.yaml")) == []


def test_id_with_several_inputs_is_a_usage_error(run, tmp_path, inputs):
    result = run("ingest", inputs, "--out", tmp_path / "o", "--id", "one")
    assert result.exit_code == 2
    assert result.stderr == ("error: --id is for one article, but 2 inputs were given "
                             "(give per-file metadata with --meta FILE)\n")


def test_bundled_corpus_is_never_the_default_target(run, inputs):
    result = run("ingest", inputs / "grid.txt")
    assert result.exit_code == 2
    assert result.stderr == ("error: ingest needs a folder to write to (the bundled corpus is "
                             "read-only) (give --out DIR, or --corpus DIR, or set BRIEF_CORPUS)\n")


def test_corpus_option_and_environment_are_targets(run, tmp_path, inputs, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    assert run("ingest", inputs / "grid.txt", "--corpus", corpus).exit_code == 0
    assert (corpus / "grid-upgrades-cut-outages-half.yaml").is_file()
    env = tmp_path / "env"
    env.mkdir()
    monkeypatch.setenv("BRIEF_CORPUS", str(env))
    assert run("ingest", inputs / "sub" / "wind.md").exit_code == 0
    assert (env / "wind-farms-go-offshore.yaml").is_file()


def test_dry_run_writes_nothing(run, tmp_path, inputs):
    out = tmp_path / "new"
    result = run("ingest", inputs / "grid.txt", "--out", out, "--dry-run")
    assert result.exit_code == 0
    assert not out.exists()
    assert "title: Grid Upgrades Cut Outages in Half\n" in result.stdout
    assert f"would write: {out / 'grid-upgrades-cut-outages-half.yaml'}\n" in result.stdout
    assert "[3] p03 (opportunity" in result.stdout


def test_dry_run_on_a_terminal_shows_a_panel(run, inputs):
    result = run("ingest", inputs / "grid.txt", "--dry-run",
                 env={"BRIEF_FORCE_TERMINAL": "1", "NO_COLOR": "1"})
    assert result.exit_code == 0
    import re

    shown = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    assert "dry run: nothing written" in shown
    assert "  1. p01  context" in shown


def test_folder_recursion_and_glob(run, tmp_path, inputs):
    result = run("ingest", inputs, "--out", tmp_path / "all", "--allow-undated")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == [
        "grid-upgrades-cut-outages-half.yaml", "wind-farms-go-offshore.yaml"]
    result = run("ingest", inputs, "--glob", "*.md", "--out", tmp_path / "md", "--allow-undated")
    assert result.exit_code == 0
    assert [p.name for p in (tmp_path / "md").iterdir()] == ["wind-farms-go-offshore.yaml"]
    empty = run("ingest", inputs, "--glob", "*.pdf", "--out", tmp_path / "none")
    assert empty.exit_code == 2
    assert empty.stderr == f"error: no files matching '*.pdf' in folder '{inputs}'\n"


def test_one_bad_file_never_stops_the_batch(run, tmp_path, inputs):
    (inputs / "blob.txt").write_bytes(b"\x00\x01\x02\x03" * 50)
    (inputs / "empty.txt").write_text("  \n", encoding="utf-8")
    (inputs / "legacy.txt").write_bytes(
        ("Caf\u00e9 Owners Weigh the New Rules\n\n" + BODY_1 + " The r\u00e9gime is na\u00efve."
         ).encode("cp1252"))
    missing = inputs / "missing.txt"
    result = run("ingest", inputs, missing, "--out", tmp_path / "out", "-f", "jsonl",
                 "--allow-undated")
    assert result.exit_code == 2
    rows = {Path(r["input"]).name: r for r in map(json.loads, result.stdout.splitlines())}
    assert {k: (r["status"], r["reason"]) for k, r in rows.items()} == {
        "blob.txt": ("failed", "not text: the file holds NUL bytes (binary data)"),
        "empty.txt": ("failed", "empty file"),
        "grid.txt": ("ingested", ""),
        "legacy.txt": ("ingested", rows["legacy.txt"]["reason"]),
        "wind.md": ("ingested", rows["wind.md"]["reason"]),
        "missing.txt": ("failed", "no such file"),
    }
    assert rows["legacy.txt"]["reason"].startswith("read as cp1252 (detected); no date found: "
                                                   "used the file's date ")
    assert rows["legacy.txt"]["id"] == "cafe-owners-weigh-new-rules"
    assert result.stderr.splitlines()[:3] == [
        f"error: {inputs / 'blob.txt'}: not text: the file holds NUL bytes (binary data)",
        f"error: {inputs / 'empty.txt'}: empty file",
        f"error: {missing}: no such file",
    ]
    assert result.stderr.splitlines()[3].startswith("3 ingested, 3 failed; ")


def test_stdin_with_source_and_date(run, tmp_path):
    result = run("ingest", "-", "--out", tmp_path, "--source", "Example Wire", "--date",
                 "2022-02-02", "--no-tag", input=f"{BODY_1}\n\n{BODY_2}\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].split("\t") == [
        "<stdin>", "ingested", "grid-operators-north-say-new", "2",
        "no title found: used the first words (set one with --title)"]
    data = yaml.safe_load(next(tmp_path.glob("*.yaml")).read_text(encoding="utf-8"))
    assert (data["title"], data["source"], str(data["published"])) == (
        "Grid operators in the north say the new…", "Example Wire", "2022-02-02")


def test_progress_and_table_on_a_terminal(run, tmp_path, inputs):
    result = run("ingest", inputs, "--out", tmp_path, "--allow-undated",
                 env={"BRIEF_FORCE_TERMINAL": "1",
                                                            "NO_COLOR": "1"})
    assert result.exit_code == 0
    assert "ingested" in result.stdout and "wind-farms-go-offshore" in result.stdout


def test_help_has_examples(run):
    result = run("ingest", "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and "--dry-run" in result.stdout


TINY_TAXONOMY = dedent("""
    version: 1
    kinds:
      - {id: challenge, label: Challenge, description: A problem., cues: [risk]}
      - {id: opportunity, label: Opportunity, description: A chance., cues: [can]}
      - {id: context, label: Context, description: Background., cues: []}
    sectors:
      - {id: energy, label: Energy, description: Power., keywords: [power grid]}
    actors:
      - {id: arcadia, name: Arcadia, type: country, iso3: ARC}
      - {id: arc, name: Alliance of River Cities, type: organisation, aliases: [ARC]}
""")


class _StubTags:
    def __init__(self, kind, sectors, actors):
        self.kind, self.sectors, self.actors = kind, sectors, actors


class _StubTagger:
    def tag_passages(self, texts):
        return [_StubTags("challenge", ["energy", "energy", "water"], ["arc", "arcadia", "arc"])
                for _ in texts]


def test_tags_unknown_to_the_taxonomy_are_left_out_and_ids_load_back_as_themselves(
        tmp_path, inputs):
    # 'arc' is an actor id and also Arcadia's ISO code: the id wins, so the tag survives.
    path = tmp_path / "taxonomy.yaml"
    path.write_text(TINY_TAXONOMY, encoding="utf-8")
    tiny = load_taxonomy(path)
    ingester = core.Ingester(tmp_path, tiny, core.Options(), _StubTagger())
    outcome = ingester.one(core.InputSource("grid.txt", inputs / "grid.txt"))
    assert outcome.status == "ingested"
    assert outcome.reason.endswith(
        "left out tags: p01: unknown sector 'water', p02: unknown sector 'water', "
        "p03: unknown sector 'water'")
    article, problems = load_article_file(outcome.path, tiny)
    assert problems == []
    assert {(p.kind, p.sectors, p.actors) for p in article.passages} == {
        ("challenge", ("energy",), ("arc", "arcadia"))}


def test_the_same_text_twice_in_one_batch_is_skipped(run, tmp_path):
    result = run("ingest", "-", "-", "--out", tmp_path, "--no-tag", input=ARTICLE)
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()[1:]]
    assert [(r[1], r[4]) for r in rows] == [("ingested", ""),
                                           ("skipped", "same article as an earlier input")]


def test_an_unexpected_error_fails_only_that_input(tmp_path, inputs, taxonomy, monkeypatch):
    real = core.parse_text

    def flaky(text, **options):
        if "Wind Farms" in text:
            raise ValueError("boom")
        return real(text, **options)

    monkeypatch.setattr(batch, "parse_text", flaky)
    ingester = core.Ingester(tmp_path, taxonomy, core.Options(tag=False))
    outcomes = ingester.run(core.collect_inputs([str(inputs)]))
    assert [(Path(o.input).name, o.status, o.reason) for o in outcomes] == [
        ("grid.txt", "ingested", ""),
        ("wind.md", "failed", "unexpected error (ValueError: boom); please report it with the "
                              "file")]


def test_out_must_be_a_folder(run, tmp_path, inputs):
    target = tmp_path / "file.yaml"
    target.write_text("x", encoding="utf-8")
    result = run("ingest", inputs / "grid.txt", "--out", target)
    assert result.exit_code == 2
    assert result.stderr == f"error: --out '{target}' is not a folder\n"


def test_markdown_inline_marks_links_quotes_and_lists(run, tmp_path):
    page = tmp_path / "note.md"
    page.write_text(dedent(f"""
        # Water Sharing on the Syr Darya

        Upstream dams hold **most** of the water in *winter*, a
        [recent study](https://example.org/s_(1)) finds, while `snake_case` stays and 2*3*4 too.

        > Downstream farmers need the water in summer, when the fields are dry.

        The report lists three options for the region's governments:

        - Shared reservoirs run by a joint commission of all the riparian states.
        - Payments from downstream users for water released in summer.

        ---

        {BODY_3}
    """), encoding="utf-8")
    result = run("ingest", page, "--out", tmp_path / "out", "--no-tag", "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load((tmp_path / "out" / "water-sharing-syr-darya.yaml").read_text())
    assert [p["text"] for p in data["passages"]] == [
        "Upstream dams hold most of the water in winter, a recent study finds, while snake_case "
        "stays and 2*3*4 too.",
        "Downstream farmers need the water in summer, when the fields are dry.",
        "The report lists three options for the region's governments: Shared reservoirs run by "
        "a joint commission of all the riparian states.",
        "Payments from downstream users for water released in summer.",
        BODY_3,
    ]


@pytest.mark.parametrize("title", ["Why English Matters in Kazakh Schools",
                                   "The 2024 Edition of the Astana Forum Opens"])
def test_titles_that_mention_a_language_or_an_edition(title):
    draft = parse(f"""
        Global Edition
        English | Français | Русский

        {title}
        By Jane Doe

        {BODY_1}
    """)
    assert draft.title == title
    assert reasons(draft) == [("menu", "Global Edition"), ("menu", "English | Français | Русский")]


def test_a_first_line_that_mentions_a_date_is_body_text():
    draft = parse("""
        On 6 August 2013 the world
        watched as the talks on the dam collapsed, and the
        region has paid for it ever since.
    """)
    assert draft.published is None and draft.title is None
    assert draft.paragraphs == ("On 6 August 2013 the world watched as the talks on the dam "
                                "collapsed, and the region has paid for it ever since.",)


@pytest.mark.parametrize("line, expected", [
    ("Friday, July 5, 2024 10:30 GMT", date(2024, 7, 5)),
    ("Published: 5 July 2024 | 08:51", date(2024, 7, 5)),
    ("2024-07-05 08:51:12 CEST", date(2024, 7, 5)),
    ("On 6 August 2013 the world", None),
])
def test_date_lines(line, expected):
    assert core.date_line(line) == expected


def test_a_sentence_starting_with_by_is_not_a_byline():
    draft = parse(f"""
        Grid Upgrades Cut Outages in Half

        By 2030 the region will need twice the power it uses today, the ministry says.

        {BODY_1}
    """)
    assert draft.authors == ()
    assert draft.paragraphs[0] == ("By 2030 the region will need twice the power it uses today, "
                                   "the ministry says.")


def test_html_without_head_metadata_reads_the_byline_in_the_page():
    page = dedent(f"""
        <html><body><div class="menu"><a href="/">Home</a> | <a href="/world">World</a></div>
        <div class="story"><h1>Grid Upgrades Cut Outages in Half</h1>
        <p>By Jane Doe | Example Daily | Updated: 2023-03-14 08:51</p>
        <p>{BODY_1} The villages are pleased.</p><p>{BODY_2} Engineers agree.</p>
        <p>The views don't necessarily reflect those of Example Daily.</p>
        <p>Jane Doe is a correspondent for Example Daily in Almaty.</p></div>
        <div class="footer">Copyright 2023 Example Daily. All rights reserved.</div>
        </body></html>
    """)
    draft = core.parse_html(page)
    assert (draft.title, draft.authors, draft.source, draft.published) == (
        "Grid Upgrades Cut Outages in Half", ("Jane Doe",), "Example Daily", date(2023, 3, 14))
    assert draft.paragraphs == (f"{BODY_1} The villages are pleased.",
                                f"{BODY_2} Engineers agree.")
    assert draft.author_note == "Jane Doe is a correspondent for Example Daily in Almaty."


def test_force_replaces_an_article_where_it_is(run, tmp_path, inputs, taxonomy):
    corpus = tmp_path / "corpus"
    assert run("ingest", inputs / "grid.txt", "--out", corpus / "energy").exit_code == 0
    changed = tmp_path / "grid-v2.txt"
    changed.write_text(ARTICLE.replace(BODY_3, LONG_3), encoding="utf-8")
    result = run("ingest", changed, "--out", corpus, "--force", "--no-tag")
    assert result.exit_code == 0
    assert sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*.yaml")) == [
        "energy/grid-upgrades-cut-outages-half.yaml"]
    article, _ = load_article_file(corpus / "energy" / "grid-upgrades-cut-outages-half.yaml",
                                   taxonomy)
    assert article.passages[-1].text == LONG_3
    again = run("ingest", inputs / "grid.txt", "--out", corpus, "--no-tag")
    assert again.stdout.splitlines()[1].split("\t")[1:3] == [
        "ingested", "grid-upgrades-cut-outages-half-2"]


@pytest.mark.parametrize("error, why", [
    (ModuleNotFoundError("No module named 'lxml_html_clean'", name="lxml_html_clean"),
     "lxml_html_clean, which trafilatura needs, is not installed"),
    (ImportError("lxml.html.clean module is now a separate project lxml_html_clean.\nInstall it"),
     "trafilatura cannot be imported: lxml.html.clean module is now a separate project "
     "lxml_html_clean."),
])
def test_html_with_a_broken_extra_says_why_on_one_line(monkeypatch, error, why):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "trafilatura":
            raise error
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(FileProblem) as info:
        core.parse_html(PAGE)
    assert str(info.value) == (f"reading HTML needs the 'html' extra ({why}) "
                               "(install the html extra: pip install trafilatura lxml_html_clean)")


def test_dry_run_as_json(run, tmp_path, inputs):
    result = run("ingest", inputs / "grid.txt", inputs / "missing.txt", "--dry-run", "--no-tag",
                 "-f", "json")
    assert result.exit_code == 2
    grid, missing = json.loads(result.stdout)
    assert (grid["status"], grid["file"], grid["encoding"]) == ("dry run", None, "UTF-8")
    assert grid["article"]["title"] == "Grid Upgrades Cut Outages in Half"
    assert grid["article"]["published"] == "2023-03-14"
    assert [p["text"] for p in grid["article"]["passages"]] == [BODY_1, BODY_2, BODY_3]
    assert grid["removed"] == []
    assert (missing["status"], missing["reason"]) == ("failed", "no such file")
    assert "article" not in missing
    lines = run("ingest", SEED_RAW, "-n", "--no-tag", "-f", "jsonl").stdout.splitlines()
    assert len(lines) == 1
    assert {"reason": "share widget", "text": "Share - WeChat"} in json.loads(lines[0])["removed"]


def test_a_navigation_block_before_the_title_is_dropped():
    draft = parse(f"""
        Skip to content
        World
        Business
        Opinion
        Sports
        Grid Upgrades Cut Outages in Half
        By Jane Doe | Example Daily | 2023-03-14

        {BODY_1}
    """)
    assert (draft.title, draft.authors, draft.source) == (
        "Grid Upgrades Cut Outages in Half", ("Jane Doe",), "Example Daily")
    assert draft.paragraphs == (BODY_1,)
    assert reasons(draft) == [("menu", "Skip to content"), ("header line", "World"),
                              ("header line", "Business"), ("header line", "Opinion"),
                              ("header line", "Sports")]


def test_a_name_after_by_in_wrapped_body_text_is_no_anchor():
    text = dedent("""
        We thank the Secretary-General for his report, which
        was presented to us last week in this Hall and which
        By President Obama
        was welcomed.
    """)
    draft = core.parse_text(text)
    assert draft.authors == ()
    assert draft.paragraphs[0].startswith("We thank the Secretary-General for his report")


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE)])
def test_files_with_a_byte_order_mark(run, tmp_path, encoding, bom, taxonomy):
    page = tmp_path / "page.txt"
    page.write_bytes(bom + ARTICLE.replace("\n", "\r\n").encode(encoding))
    result = run("ingest", page, "--out", tmp_path / "out", "--no-tag")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].split("\t")[1:] == [
        "ingested", "grid-upgrades-cut-outages-half", "3", ""]
    article, problems = load_article_file(
        tmp_path / "out" / "grid-upgrades-cut-outages-half.yaml", taxonomy)
    assert problems == [] and article.title == "Grid Upgrades Cut Outages in Half"
    assert [p.text for p in article.passages] == [BODY_1, BODY_2, BODY_3]
