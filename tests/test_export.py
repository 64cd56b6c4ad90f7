"""brief export: the Markdown document, faithful escaping, and safe file writing."""

from __future__ import annotations

import html
import os
import re
import shutil
import stat
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from brief_cli.cli.app import open_taxonomy
from brief_cli.config import resolve_corpus_dir
from brief_cli.corpus import load_corpus
from brief_cli.errors import NothingFound, UsageError
from brief_cli.export import (
    blockquote, build_markdown, citation_line, code_span, escape_inline, escape_markdown, link,
    tags_line,
)
from brief_cli.filters import Filters
from brief_cli.selection import Selected, Selection, select_passages
from brief_cli.text import strip_controls

from helpers import write_corpus

GENERATED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    """Front matter holds local time (as note tools read it): run the tests in UTC."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()

# Rendering -----------------------------------------------------------------------------------

_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_TAG = re.compile(r"<(/?)([a-zA-Z0-9]+)[^>]*>")


def render(markdown: str) -> str:
    return _MD.render(markdown)


def tags_of(rendered: str) -> set[str]:
    return {m.group(2) for m in _TAG.finditer(rendered)}


def shown_text(rendered: str) -> str:
    """What a reader sees: tags removed, entities decoded, whitespace normalised."""
    return normalise(html.unescape(_TAG.sub("", rendered)))


def normalise(text: str) -> str:
    return " ".join(text.split())


def expected_text(text: str) -> str:
    """The passage as shown: control characters dropped (line separators are line breaks)."""
    return normalise(strip_controls(re.sub(r"[\r\u2028\u2029]", "\n", text)))


def strong_texts(rendered: str) -> list[str]:
    return [normalise(html.unescape(_TAG.sub("", m)))
            for m in re.findall(r"<strong>(.*?)</strong>", rendered, re.S)]


def body(document: str) -> str:
    """The document without its front matter (a CommonMark renderer does not know it)."""
    assert document.startswith("---\n")
    end = document.index("\n---\n", 4)
    return document[end + 5:]


def front(document: str) -> dict:
    end = document.index("\n---\n", 4)
    return yaml.safe_load(document[4:end + 1])


# Escaping: examples --------------------------------------------------------------------------

TRICKY = [
    "*bold* and **strong** and _it_ and __it__",
    "# Not a heading", "## nor this", "#hashtag in #notes",
    "`code` and ``more code``", "```\nfenced\n```", "~~~\nfenced\n~~~",
    "[a link](http://example.org) and [ref][1]\n\n[1]: http://example.org",
    "![an image](x.png)", "[[wiki link]] and ![[embed]]",
    "<script>alert('x')</script>", "<div>block html</div>", "a <b>bold</b> tag",
    "<http://example.org> autolink", "a | table | row\n--- | --- | ---\n1 | 2 | 3",
    "back\\slash \\* \\_ \\\\ and a final \\",
    "~~struck~~ and ~single~",
    "&amp; &copy; &#65; &#x41; AT&T & Co; &nbsp;",
    "1. first\n2) second\n10. tenth", "- dash\n+ plus\n* star",
    "> quoted\n>> twice", "Setext\n===", "Setext\n---", "---", "***", "___", "- - -",
    "    indented code", "\tindented by tab", "   three spaces",
    "hard  \nbreak", "soft\nbreak", "para\n\n\n\nbreaks", "\n\nleading and trailing\n\n",
    "$5 and $6 billion", "==highlight== and %%comment%% and 5% and a = b",
    "Windows\r\nline\rends", "control\x1b[31m chars\x07 and \x00 nul",
    "a\u2028line separator", "emoji 🙂 and ünïcödé and 中文",
    "!important [x]: y", "*", "_", "\\", "<", "&", "1.", "-",
    "\\\n\xa0", "line\n\u2003\nafter",
]


@pytest.mark.parametrize("text", TRICKY)
def test_escape_markdown_renders_the_text_literally(text):
    rendered = render(escape_markdown(text))
    assert shown_text(rendered) == expected_text(text)
    assert tags_of(rendered) <= {"p", "br"}


@pytest.mark.parametrize("text", TRICKY)
def test_blockquote_renders_the_text_literally(text):
    rendered = render(blockquote(text))
    assert shown_text(rendered) == expected_text(text)
    assert tags_of(rendered) <= {"blockquote", "p", "br"}
    assert rendered.count("<blockquote>") == 1


def test_escape_markdown_examples():
    assert escape_markdown("a *b* _c_") == r"a \*b\* \_c\_"
    assert escape_markdown("# x") == r"\# x"
    assert escape_markdown("1. x") == r"1\. x"
    assert escape_markdown("- x") == r"\- x"
    assert escape_markdown("a - b + c = d") == "a - b + c = d"  # only at the start of a line
    assert escape_markdown("&amp; & Co") == r"\&amp; & Co"
    assert escape_markdown("<script>") == r"\<script>"
    assert escape_markdown("5% of $5") == "5% of $5"
    assert escape_markdown("plain prose, with (brackets) and 'quotes'!") == \
        "plain prose, with (brackets) and 'quotes'!"


def test_escapes_only_where_markup_could_start():
    """A note's source stays readable: characters that cannot act where they stand are left."""
    quiet = ["snake_case_name", "R&D and AT&T", "$60 billion, $5 and US$6", "a < b > c | d",
             "C# and issue#5", "[sic] and [the minister]", "e-mail me@example.org",
             "ratio 3:2", "50% of 2"]
    for text in quiet:
        assert escape_markdown(text) == text
    assert escape_markdown("x$ and $y$") == r"x\$ and $y\$"  # a $ that could close math
    assert escape_markdown("#tag and #1") == r"\#tag and \#1"  # note tools' tags
    assert escape_markdown("[link](x) [[wiki]] [!note] [^1]") == \
        r"[link\](x) \[[wiki\]] \[!note] \[\^1]"
    assert escape_markdown("@someone [@key] ^sup^ ~sub~") == r"\@someone \[\@key] \^sup\^ \~sub\~"
    assert escape_markdown("::: div\n(a) item\nA. item\n| a | b |") == \
        "\\::: div\\\n(a\\) item\\\nA\\. item\\\n\\| a | b |"
    assert escape_markdown("_lead and trail_ and mid_word") == r"\_lead and trail\_ and mid_word"


def test_blockquote_keeps_line_breaks_as_hard_breaks():
    assert blockquote("one\ntwo\n\nthree") == "> one\\\n> two\n>\n> three"
    assert "<br />" in render(blockquote("one\ntwo"))
    assert blockquote("  lead\ttrail  \r\nnext") == "> lead\ttrail\\\n> next"
    assert blockquote("ends with \\\nnext") == "> ends with \\\\\\\n> next"


def test_inline_helpers():
    assert escape_inline("  A *title*\nover lines ") == r"A \*title\* over lines"
    assert code_span("art#p01") == "`art#p01`"
    assert code_span("a`b") == "``a`b``"
    assert code_span("`x") == "`` `x ``"
    assert link("https://example.org/a?b=c&d=e") == "<https://example.org/a?b=c&d=e>"
    assert link("javascript:alert(1)") == "javascript:alert(1)"
    assert link("https://example.org/<x>") == r"https://example.org/\<x>"
    assert link(None) == ""


# Escaping: any text --------------------------------------------------------------------------

MARKDOWN_CHARS = list("*_#`[]()<>|\\~!&;=-+.)%$:/^\"' \t\n\r")
# Whole tokens too, so that constructs appear more often than by chance.
MARKDOWN_TOKENS = ["1. ", "- ", "> ", "&amp;", "&#65;", "<b>", "    ", "**", "```", "---\n",
                   "===", "[a](b)", "\r\n", "\n\n", "  \n", "\\\n", "<!--", "http://x.org"]
ANY_TEXT = st.lists(
    st.one_of(
        st.sampled_from(MARKDOWN_CHARS),
        st.sampled_from(MARKDOWN_TOKENS),
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from(list("abcdefghij0123456789")),
    ),
    max_size=60,
).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_any_text_renders_as_itself(text):
    for markdown, allowed in ((escape_markdown(text), {"p", "br"}),
                              (blockquote(text), {"blockquote", "p", "br"})):
        rendered = render(markdown)
        assert shown_text(rendered) == expected_text(text), markdown
        assert tags_of(rendered) <= allowed, markdown


def _bold_runs(text: str, spans) -> list[str]:
    """The runs a reader should see in bold: span characters, merged (also across spaces and
    the control characters that are not shown), split at line breaks, trimmed to letters and
    digits."""
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if merged and not strip_controls(text[merged[-1][1]:s]).strip(" \t"):
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    marked = [any(s <= i < e for s, e in merged) for i in range(len(text))]
    runs, i = [], 0
    while i < len(text):
        if not marked[i]:
            i += 1
            continue
        j = i
        while j < len(text) and marked[j] and text[j] not in "\r\n\u2028\u2029":
            j += 1
        run = strip_controls(text[i:j]).strip(" \t")
        run = re.sub(r"^[^\w]+|[^\w]+$", "", run.replace("_", "\x00")).replace("\x00", "_")
        run = run.strip("_")
        if run:
            runs.append(normalise(run))
        i = max(j, i + 1)
    return runs


ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")


def reference_escape(text: str, strict: bool = False) -> str:
    """The escaping rules spelt out character by character: the fast version must agree.

    strict: the rules with highlighting, where every possibly active character is escaped."""
    text = strip_controls(re.sub(r"\r\n|[\r\u2028\u2029]", "\n", text))
    lines = []
    for raw in text.split("\n"):
        chars = raw.strip(" \t")
        if not chars.strip():
            if lines and lines[-1] != "":
                lines.append("")
            continue
        ordered = re.match(r"\(?(\d{1,9}|[A-Za-z]|[ivxlcdmIVXLCDM]{1,8})[.)](\s|$)", chars)
        out = []
        for i, c in enumerate(chars):
            prev = chars[i - 1] if i else ""
            nxt = chars[i + 1] if i + 1 < len(chars) else ""
            if strict:
                context = c in "_[]<>#|$" or (c == "&" and ENTITY.match(chars, i))
            else:
                context = (
                    (c == "_" and not (prev.isalnum() and nxt.isalnum()))
                    or (c == "[" and nxt != "" and nxt in "[!^@")
                    or (c == "]" and nxt != "" and nxt in "([{:]")
                    or (c == "<" and nxt != "" and not nxt.isspace())
                    or (c == "#" and not prev.isalnum())
                    or (c == "$" and prev != "" and not prev.isspace() and not nxt.isdigit())
                    or (c == "&" and ENTITY.match(chars, i)))
            if (context
                    or c in "\\`*~^"
                    or (i == 0 and c in "-+=>|:#*")
                    or (c in "=%" and c in (prev, nxt))
                    or (c == "@" and not prev.isalnum())
                    or (ordered and i == ordered.end(1))):
                out.append("\\" + c)
            else:
                out.append(c)
        lines.append("".join(out))
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(line + "\\" if line and i + 1 < len(lines) and lines[i + 1] else line
                     for i, line in enumerate(lines))


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_escaping_agrees_with_the_reference_rules(text):
    assert escape_markdown(text) == reference_escape(text)
    assert escape_markdown(text, [(0, len(text))]).replace("**", "") == reference_escape(
        text, strict=True)


@st.composite
def text_and_spans(draw):
    text = draw(ANY_TEXT)
    n = len(text)
    spans = []
    for _ in range(draw(st.integers(0, 4))):
        a = draw(st.integers(0, n))
        b = draw(st.integers(0, n))
        spans.append((min(a, b), max(a, b)))
    return text, spans


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_and_spans())
# two spans apart only by a control character (never shown) are one bold run
@example(("**1. 1. <!--\x1f1. ", [(13, 14), (0, 0), (0, 0), (0, 12)]))
def test_highlight_stays_faithful(case):
    text, spans = case
    rendered = render(blockquote(text, spans))
    assert shown_text(rendered) == expected_text(text)
    assert tags_of(rendered) <= {"blockquote", "p", "br", "strong"}
    # Nothing but the spans is bold, and the bold text is the spans' text.
    assert "".join(strong_texts(rendered)).replace(" ", "") == \
        "".join(_bold_runs(text, spans)).replace(" ", "")


def test_highlight_examples():
    text = "Energy *and* energy_policy: 1. oil"
    spans = [(0, 6), (13, 19), (20, 26), (31, 34)]
    assert blockquote(text, spans) == r"> **Energy** \*and\* **energy**\_**policy**: 1. **oil**"
    rendered = render(blockquote(text, spans))
    assert strong_texts(rendered) == ["Energy", "energy", "policy", "oil"]
    # A span starting or ending on punctuation or space is trimmed to the word it covers.
    assert blockquote("say “hello”, then", [(3, 13)]) == "> say “**hello**”, then"
    # A span across a line break is bold on both lines; spans that touch merge.
    assert blockquote("new\nenergy", [(0, 10)]) == "> **new**\\\n> **energy**"
    assert blockquote("solar", [(0, 2), (2, 5)]) == "> **solar**"
    # Words of a phrase are bold as one run.
    assert blockquote("a single pipeline", [(2, 8), (9, 17)]) == "> a **single pipeline**"
    assert blockquote("oil, gas", [(0, 3), (5, 8)]) == "> **oil**, **gas**"
    # At the start of a line, the escaping of list markers still holds.
    assert blockquote("1. first", [(3, 8)]) == r"> 1\. **first**"


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT.filter(lambda t: normalise(strip_controls(t))))
def test_citation_title_is_exactly_emphasised(title):
    from brief_cli.model import Article, Passage

    passage = Passage("p01", "art", 0, "text", "context")
    article = Article("art", title, "Source", datetime(2024, 1, 2).date(), "en", (passage,),
                      authors=("A *B*",))
    rendered = render(citation_line(article, passage))
    assert re.findall(r"<em>(.*?)</em>", rendered, re.S) == [html.escape(
        normalise(strip_controls(title)), quote=False).replace('"', "&quot;")]
    assert "art#p01" in rendered


# The document --------------------------------------------------------------------------------

@pytest.fixture
def loaded(small_corpus):
    taxonomy = open_taxonomy(None)
    corpus = load_corpus(resolve_corpus_dir(small_corpus), taxonomy).corpus
    return corpus, taxonomy


def document(loaded, filters=Filters(), **options) -> str:
    corpus, taxonomy = loaded
    selection = select_passages(corpus, taxonomy, "", filters)
    options.setdefault("generated", GENERATED)
    options.setdefault("corpus_label", "test-corpus")
    return build_markdown(selection, taxonomy, **options)


def headings(doc: str, level: int) -> list[str]:
    return re.findall(rf"^{'#' * level} (.*)$", doc, re.M)


def test_document_grouped_by_article_in_full(loaded):
    doc = document(loaded, Filters(kinds=("opportunity",)))
    assert doc == """\
---
title: 'Excerpts: kind opportunity'
date: 2026-01-02
generated: 2026-01-02T03:04:05
tags:
- opportunity
- clean-energy
- culture
- tourism
kind:
- opportunity
group_by: article
source:
- Test Review
corpus: test-corpus
excerpts: 2
articles: 2
generator: brief 0.1.0
---

# Excerpts: kind opportunity

2 excerpts from 2 articles.

## Energy Outlook for Central Asia

> Solar and wind power offer a real opportunity for new investment.

— Ann Author and Ben Writer, *Energy Outlook for Central Asia*, Test Review, 2023-05-02, \
`energy-outlook#p03`, <https://example.org/energy>

Kind: opportunity · Sectors: Clean energy

## Tourism After the Pandemic

> New tourist routes could attract visitors from Europe.

— Cy Analyst, *Tourism After the Pandemic*, Test Review, 2024-03-10, `tourism-note#p02`

Kind: opportunity · Sectors: Tourism, Culture

## References

- Ann Author and Ben Writer (2023-05-02). *Energy Outlook for Central Asia*. Test Review. \
<https://example.org/energy>. Cited: p03.
- Cy Analyst (2024-03-10). *Tourism After the Pandemic*. Test Review. Cited: p02.
"""


def test_document_grouped_by_sector(loaded):
    doc = document(loaded, group_by="sector")
    assert headings(doc, 1) == ["Excerpts"]
    # Taxonomy order; a passage with two sectors is under both.
    assert headings(doc, 2) == ["Clean energy", "Culture", "Energy", "Tourism", "Trade",
                                "References"]
    sections = re.split(r"^## ", doc, flags=re.M)
    by_heading = {s.split("\n", 1)[0]: s for s in sections[1:]}
    assert by_heading["Energy"].count("> ") == 2
    assert "`energy-outlook#p01`" in by_heading["Energy"]
    assert "`energy-outlook#p01`" in by_heading["Trade"]
    assert front(doc)["excerpts"] == 5  # distinct passages, not group entries
    assert "5 excerpts from 2 articles." in doc


def test_document_grouped_by_sector_keeps_to_the_filtered_sectors(loaded):
    doc = document(loaded, Filters(sectors=("energy",)), group_by="sector")
    assert headings(doc, 2) == ["Energy", "References"]


def test_document_grouped_by_sector_puts_untagged_passages_last(tmp_path):
    root = write_corpus(tmp_path / "c", {"one": dict(passages=[
        {"text": "No sector here.", "sectors": []},
        {"text": "About trade.", "sectors": ["trade"]}])})
    taxonomy = open_taxonomy(None)
    corpus = load_corpus(root, taxonomy).corpus
    doc = build_markdown(select_passages(corpus, taxonomy), taxonomy, group_by="sector")
    assert headings(doc, 2) == ["Trade", "No sector", "References"]


def test_document_grouped_by_kind(loaded):
    doc = document(loaded, group_by="kind")
    assert headings(doc, 2) == ["Challenge", "Opportunity", "Context", "References"]
    context = doc.split("## Context")[1].split("## References")[0]
    assert re.findall(r"`([^`]+)`", context) == ["energy-outlook#p01", "tourism-note#p01"]


def test_document_without_groups(loaded):
    doc = document(loaded, group_by="none")
    assert headings(doc, 2) == ["Excerpts", "References"]
    assert re.findall(r"^— .*?`([^`\n]+)`", doc, re.M) == [
        "energy-outlook#p01", "energy-outlook#p02", "energy-outlook#p03",
        "tourism-note#p01", "tourism-note#p02"]


@pytest.mark.parametrize("group_by", ["article", "sector", "kind", "none"])
def test_every_grouping_renders_each_passage_faithfully(loaded, group_by):
    corpus, _ = loaded
    doc = document(loaded, group_by=group_by)
    rendered = render(body(doc))
    quotes = re.findall(r"<blockquote>(.*?)</blockquote>", rendered, re.S)
    texts = {expected_text(p.text) for p in corpus.passages()}
    assert {shown_text(q) for q in quotes} == texts
    assert len(re.findall(r"<h1>", rendered)) == 1
    # Formatting comes only from the document's own structure, never from passage text.
    assert tags_of(rendered) <= {"h1", "h2", "p", "blockquote", "em", "code", "a", "ul", "li"}


NONBLANK = ANY_TEXT.filter(lambda t: normalise(strip_controls(t)))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(NONBLANK, min_size=1, max_size=4), title=NONBLANK, source=NONBLANK,
       author=NONBLANK, doc_title=NONBLANK, group_by=st.sampled_from(["article", "kind", "none"]))
def test_any_document_keeps_its_structure_and_text(texts, title, source, author, doc_title,
                                                   group_by):
    from brief_cli.model import Article, Passage

    taxonomy = open_taxonomy(None)
    passages = tuple(Passage(f"p{i:02d}", "art", i, text, "context", ("energy",))
                     for i, text in enumerate(texts))
    article = Article("art", title, source, datetime(2024, 1, 2).date(), "en", passages,
                      authors=(author,))
    selection = Selection(tuple(Selected(article, p) for p in passages), Filters())
    doc = build_markdown(selection, taxonomy, title=doc_title, group_by=group_by,
                         generated=GENERATED)
    assert front(doc)["title"] == normalise(strip_controls(doc_title))
    rendered = render(body(doc))
    quotes = re.findall(r"<blockquote>(.*?)</blockquote>", rendered, re.S)
    assert [shown_text(q) for q in quotes] == [expected_text(t) for t in texts]
    assert shown_text(re.search(r"<h1>(.*?)</h1>", rendered, re.S).group(1)) == \
        normalise(strip_controls(doc_title))
    assert len(re.findall(r"<h2>", rendered)) == 2
    shown_title = normalise(strip_controls(title))
    ems = [shown_text(e) for e in re.findall(r"<em>(.*?)</em>", rendered, re.S)]
    assert ems == [shown_title] * (len(texts) + 1)  # each citation and the reference
    assert rendered.count("<li>") == 1


def test_citation_and_tags_lines(loaded):
    corpus, taxonomy = loaded
    article = corpus.article("energy-outlook")
    first = article.passages[0]
    assert citation_line(article, first) == (
        "— Ann Author and Ben Writer, *Energy Outlook for Central Asia*, Test Review, "
        "2023-05-02, `energy-outlook#p01`, <https://example.org/energy>")
    assert tags_line(first, taxonomy) == \
        "Kind: context · Sectors: Energy, Trade · Actors: Kazakhstan, China"
    assert tags_line(article.passages[1], taxonomy) == "Kind: challenge · Sectors: Energy"


def test_citation_without_authors_names_the_source_once(tmp_path):
    root = write_corpus(tmp_path / "c", {"anon": dict(
        authors=[], source="The *Weekly*", title="A [bracketed] title",
        passages=[{"text": "Text."}])})
    taxonomy = open_taxonomy(None)
    corpus = load_corpus(root, taxonomy).corpus
    article = corpus.article("anon")
    assert citation_line(article, article.passages[0]) == (
        r"— *A [bracketed] title*, The \*Weekly\*, 2024-01-15, `anon#p01`")
    doc = build_markdown(select_passages(corpus, taxonomy), taxonomy, generated=GENERATED)
    assert r"- *A [bracketed] title* (2024-01-15). The \*Weekly\*. Cited: p01." in doc


def test_front_matter_is_valid_yaml_with_awkward_values(loaded):
    title = "Notes: \"quoted\" 'single' #hash\n---\n[list] {map} & *star* ..."
    doc = document(loaded, Filters(kinds=("challenge",), sectors=("energy",)), title=title)
    meta = front(doc)
    assert meta == {
        "title": "Notes: \"quoted\" 'single' #hash --- [list] {map} & *star* ...",
        "date": date(2026, 1, 2), "generated": datetime(2026, 1, 2, 3, 4, 5),
        "tags": ["challenge", "energy"], "sector": ["energy"], "kind": ["challenge"],
        "group_by": "article", "source": ["Test Review"], "corpus": "test-corpus",
        "excerpts": 1, "articles": 1, "generator": "brief 0.1.0"}
    assert headings(doc, 1) == [r"Notes: \"quoted\" 'single' \#hash --- [list] {map} & \*star\* ..."
                                .replace('\\"', '"')]
    assert shown_text(render(body(doc))).startswith(
        "Notes: \"quoted\" 'single' #hash --- [list] {map} & *star* ...")


def test_query_selection_with_highlight(loaded):
    corpus, taxonomy = loaded
    article = corpus.article("energy-outlook")
    passage = article.passages[1]
    at = passage.text.index("region")
    selection = Selection((Selected(article, passage, 3.5, ((at, at + 6),)),), Filters(),
                          "region", {"regon": ("region",)})
    doc = build_markdown(selection, taxonomy, highlight=True, generated=GENERATED)
    assert "> Dependency on a single pipeline is a risk for the **region**." in doc
    meta = front(doc)
    assert meta["query"] == "region"
    assert meta["corrections"] == ["regon -> region"]
    assert meta["title"] == "Excerpts: “region”"
    plain = build_markdown(selection, taxonomy, highlight=False, generated=GENERATED)
    assert "**region**" not in plain


def test_empty_selection_and_bad_options(loaded):
    _, taxonomy = loaded
    with pytest.raises(NothingFound, match="^the corpus has no passages$"):
        build_markdown(Selection((), Filters()), taxonomy)
    with pytest.raises(NothingFound, match="^no passages match the filters$"):
        build_markdown(Selection((), Filters(kinds=("challenge",))), taxonomy)
    with pytest.raises(NothingFound, match="^no passages match 'solar  power' and the filters$"
                       .replace("  ", " ")):
        build_markdown(Selection((), Filters(kinds=("challenge",)), "solar  power"), taxonomy)
    with pytest.raises(NothingFound, match="^no passages match 'solar'$"):
        build_markdown(Selection((), Filters(), "solar"), taxonomy)
    with pytest.raises(UsageError, match="unknown grouping"):
        document(loaded, group_by="year")
    with pytest.raises(UsageError, match="--highlight needs a query"):
        document(loaded, highlight=True)


def test_control_characters_never_reach_the_document(tmp_path):
    root = write_corpus(tmp_path / "c", {"ctl": dict(
        title="Bad\x1b[2J title", passages=[{"text": "Red\x1b[31m text\x07 here."}])})
    taxonomy = open_taxonomy(None)
    corpus = load_corpus(root, taxonomy).corpus
    doc = build_markdown(select_passages(corpus, taxonomy), taxonomy, generated=GENERATED)
    assert "\x1b" not in doc and "\x07" not in doc
    assert "> Red[31m text here." in doc


# The command ---------------------------------------------------------------------------------

def test_export_to_stdout(run, small_corpus):
    result = run("export", "--corpus", small_corpus, "--kind", "challenge")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("---\ntitle: 'Excerpts: kind challenge'\n")
    assert "> Dependency on a single pipeline is a risk for the region.\n" in result.stdout
    assert front(result.stdout)["corpus"] == str(small_corpus.resolve())
    dash = run("export", "--corpus", small_corpus, "--kind", "challenge", "-o", "-")
    assert dash.exit_code == 0
    assert body(dash.stdout) == body(result.stdout)


def test_export_to_a_file(run, small_corpus, tmp_path):
    target = tmp_path / "out.md"
    result = run("export", "--corpus", small_corpus, "--group-by", "kind", "--title", "My notes",
                 "-o", target)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"wrote 5 excerpts to {target}\n"
    text = target.read_text(encoding="utf-8")
    assert headings(text, 1) == ["My notes"]
    assert front(text)["group_by"] == "kind"
    # Readable like any file the user makes (the temporary file it came from was private).
    assert oct(stat.S_IMODE(target.stat().st_mode)) == oct(0o666 & ~_umask())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "out.md"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_export_refuses_to_overwrite_without_force(run, small_corpus, tmp_path):
    target = tmp_path / "out.md"
    target.write_text("keep me", encoding="utf-8")
    result = run("export", "--corpus", small_corpus, "-o", target)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (f"error: '{target}' already exists "
                             "(use --force to overwrite it, or choose another name)\n")
    assert target.read_text(encoding="utf-8") == "keep me"
    forced = run("export", "--corpus", small_corpus, "-o", target, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert target.read_text(encoding="utf-8").startswith("---\n")


def test_export_keeps_the_mode_of_a_file_it_replaces(run, small_corpus, tmp_path):
    target = tmp_path / "out.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    assert run("export", "--corpus", small_corpus, "-o", target, "--force").exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_export_never_replaces_a_corpus_file(run, small_corpus):
    article = small_corpus / "energy-outlook.yaml"
    before = article.read_text(encoding="utf-8")
    for target in (article, small_corpus / "new.yml"):
        result = run("export", "--corpus", small_corpus, "-o", target, "--force")
        assert result.exit_code == 2
        assert result.stderr == (f"error: '{target}' is a corpus or taxonomy file "
                                 "(export writes Markdown; choose another name)\n")
    assert article.read_text(encoding="utf-8") == before
    assert not (small_corpus / "new.yml").exists()
    notes = small_corpus / "notes.md"  # Markdown beside the articles is fine
    assert run("export", "--corpus", small_corpus, "-o", notes).exit_code == 0


def test_export_never_replaces_the_taxonomy(run, small_corpus, tmp_path):
    from brief_cli.config import bundled_taxonomy_path

    taxonomy = tmp_path / "tax.yaml"
    taxonomy.write_text(bundled_taxonomy_path().read_text(encoding="utf-8"), encoding="utf-8")
    result = run("export", "--corpus", small_corpus, "--taxonomy", taxonomy, "-o", taxonomy,
                 "--force")
    assert result.exit_code == 2
    assert "is a corpus or taxonomy file" in result.stderr
    assert taxonomy.read_text(encoding="utf-8") == bundled_taxonomy_path().read_text(
        encoding="utf-8")


def test_export_into_a_missing_folder(run, small_corpus, tmp_path):
    target = tmp_path / "nowhere" / "out.md"
    result = run("export", "--corpus", small_corpus, "-o", target)
    assert result.exit_code == 2
    assert result.stderr == f"error: folder '{target.parent}' does not exist (create it first)\n"
    assert not target.parent.exists()


def test_export_into_a_folder_as_file_name(run, small_corpus, tmp_path):
    result = run("export", "--corpus", small_corpus, "-o", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == f"error: '{tmp_path}' is a folder (give a Markdown file name)\n"


def test_export_into_a_read_only_folder(run, small_corpus, tmp_path, monkeypatch):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):  # root ignores the mode: make the write itself fail
            import tempfile

            def refuse(*args, **kwargs):
                raise PermissionError(13, "Permission denied")

            monkeypatch.setattr(tempfile, "mkstemp", refuse)
        result = run("export", "--corpus", small_corpus, "-o", folder / "out.md")
    finally:
        folder.chmod(0o700)
    assert result.exit_code == 2
    assert result.stderr == (f"error: cannot write to '{folder}': permission denied "
                             "(choose a folder you can write to)\n")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("where", ["write", "replace"])
def test_interrupted_export_leaves_the_old_file_and_no_partial_one(
        run, small_corpus, tmp_path, monkeypatch, where):
    target = tmp_path / "out.md"
    target.write_text("old version", encoding="utf-8")
    if where == "write":
        real_fsync = os.fsync

        def failing_fsync(fd):
            real_fsync(fd)
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", failing_fsync)
    else:
        def failing_replace(src, dst):
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(os, "replace", failing_replace)
    result = run("export", "--corpus", small_corpus, "-o", target, "--force")
    assert result.exit_code == 2
    reason = "No space left on device" if where == "write" else "Input/output error"
    assert result.stderr == f"error: cannot write '{target}': {reason}\n"
    assert target.read_text(encoding="utf-8") == "old version"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_interrupt_by_the_user_cleans_up(run, small_corpus, tmp_path, monkeypatch):
    target = tmp_path / "out.md"

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    result = run("export", "--corpus", small_corpus, "-o", target)
    assert result.exit_code == 130
    assert list(p for p in tmp_path.iterdir() if p.suffix in (".tmp", ".md")) == []


def test_nothing_matches_writes_nothing(run, small_corpus, tmp_path):
    target = tmp_path / "out.md"
    result = run("export", "--corpus", small_corpus, "--kind", "challenge", "--sector", "tourism",
                 "-o", target)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "no passages match the filters\n"
    assert not target.exists()
    piped = run("export", "--corpus", small_corpus, "--since", "2030")
    assert piped.exit_code == 1
    assert piped.stdout == ""


def test_export_usage_errors(run, small_corpus):
    result = run("export", "--corpus", small_corpus, "--highlight")
    assert result.exit_code == 2
    assert result.stderr == ("error: --highlight needs a query "
                             "(give the words to highlight as QUERY)\n")
    unknown = run("export", "--corpus", small_corpus, "--sector", "enrgy")
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("error: unknown sector 'enrgy' (did you mean 'energy'")
    bad_group = run("export", "--corpus", small_corpus, "--group-by", "year")
    assert bad_group.exit_code == 2
    assert "year" in bad_group.stderr
    empty_name = run("export", "--corpus", small_corpus, "-o", "")
    assert empty_name.exit_code == 2
    assert empty_name.stderr == "error: -o needs a file name (or '-' for stdout)\n"


def test_export_help_has_examples(run):
    result = run("export", "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert "brief export --kind challenge -o challenges.md" in result.stdout
    words = " ".join(result.stdout.replace("│", " ").split())
    assert "appears under each of them" in words


def test_export_with_a_query_and_highlight(run, small_corpus):
    pytest.importorskip("brief_cli.search")
    result = run("export", "pipeline", "--corpus", small_corpus, "--highlight")
    assert result.exit_code == 0, result.stderr
    assert "**pipeline**" in result.stdout
    meta = front(result.stdout)
    assert meta["query"] == "pipeline"
    assert meta["excerpts"] >= 1
    assert shown_text(render(body(result.stdout))).count("pipeline") >= 1
    missing = run("export", "zzzqqq", "--corpus", small_corpus)
    assert missing.exit_code == 1
    assert missing.stdout == ""


def test_export_query_passes_exact_through(run, small_corpus):
    pytest.importorskip("brief_cli.search")
    fuzzy = run("export", "pipeljne", "--corpus", small_corpus, "--highlight")
    assert fuzzy.exit_code == 0, fuzzy.stderr
    assert fuzzy.stderr == "searched pipeline (for pipeljne)\n"
    assert "> Dependency on a single **pipeline** is a risk for the region." in fuzzy.stdout
    assert front(fuzzy.stdout)["corrections"] == ["pipeljne -> pipeline"]
    exact = run("export", "pipeljne", "--corpus", small_corpus, "--exact")
    assert exact.exit_code == 1
    assert exact.stdout == ""
    assert exact.stderr == "no passages match 'pipeljne'\n"


# The installed command -------------------------------------------------------------------------

def brief_command() -> list[str]:
    beside = Path(sys.executable).with_name("brief")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("brief")
    return [found] if found else [sys.executable, "-m", "brief_cli"]


def test_installed_brief_export(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEF_")}
    env["BRIEF_CACHE_DIR"] = str(tmp_path / "cache")
    piped = subprocess.run([*brief_command(), "export", "--kind", "challenge"],
                           capture_output=True, env=env, cwd=tmp_path, timeout=120)
    assert piped.returncode == 0, piped.stderr
    text = piped.stdout.decode("utf-8")
    assert front(text)["corpus"] == "bundled"
    assert front(text)["excerpts"] == 3
    assert "`kazakhstan-bri-partner#p04`" in text
    written = subprocess.run([*brief_command(), "export", "--kind", "challenge", "-o", "c.md"],
                             capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert written.returncode == 0, written.stderr
    assert written.stdout == ""
    assert written.stderr == "wrote 3 excerpts to c.md\n"
    assert body((tmp_path / "c.md").read_text(encoding="utf-8")) == body(text)
    again = subprocess.run([*brief_command(), "export", "--kind", "challenge", "-o", "c.md"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert again.returncode == 2
    assert again.stderr == ("error: 'c.md' already exists "
                            "(use --force to overwrite it, or choose another name)\n")
