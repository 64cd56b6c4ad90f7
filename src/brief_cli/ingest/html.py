"""Saved web pages: trafilatura finds the main text and metadata, then the plain-text steps
clean it like any other article."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from brief_cli.errors import FileProblem
from brief_cli.ingest.dates import parse_date
from brief_cli.ingest.header import smart_case, split_names
from brief_cli.ingest.model import Draft
from brief_cli.ingest.paragraphs import finish
from brief_cli.ingest.plain import parse_text
from brief_cli.ingest.reading import squash

HTML_HINT = "install the html extra: pip install trafilatura lxml_html_clean"


def parse_html(html: str, *, keep: frozenset[str] = frozenset()) -> Draft:
    """Main text and metadata of a saved web page (needs trafilatura, the ``html`` extra)."""
    try:
        import trafilatura
    except ImportError as exc:
        if exc.name == "trafilatura":
            why = "trafilatura is not installed"
        elif exc.name:
            why = f"{exc.name}, which trafilatura needs, is not installed"
        else:  # a broken install: say what the import said, on one line
            why = "trafilatura cannot be imported: " + (str(exc).splitlines() or ["?"])[0]
        raise FileProblem(f"reading HTML needs the 'html' extra ({why})", hint=HTML_HINT) from None
    import logging

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=False, include_images=False,
                                      include_links=False, favor_recall=True)
    if doc is None or doc.body is None:
        raise FileProblem("no article text found in this HTML page")
    blocks: list[str] = []
    for element in doc.body.iterchildren():
        text = squash("".join(element.itertext()))
        if not text:
            continue
        if element.tag == "head":
            blocks.append("# " + text)
        elif element.tag == "list":
            blocks.extend(squash("".join(item.itertext())) for item in element.iterchildren())
        else:
            blocks.append(text)
    extracted = parse_text("\n\n".join(b for b in blocks if b), keep=keep)
    authors = split_names(doc.author) if doc.author else extracted.authors
    published = None
    if doc.date:
        try:
            published = date.fromisoformat(doc.date[:10])
        except ValueError:
            published = parse_date(doc.date)
    language = (doc.language or "")[:2].lower() or extracted.language
    source = doc.sitename or extracted.source or (doc.hostname or None)
    section = extracted.section or (doc.categories[0] if doc.categories else None)
    title = doc.title or extracted.title
    draft = replace(extracted, title=title, source=smart_case(source) if source else None,
                    authors=authors, published=published or extracted.published,
                    url=doc.url or extracted.url, language=language or None, section=section)
    # Re-check the author note and the repeated title with the page's own metadata.
    dropped = list(extracted.dropped)
    paragraphs = list(extracted.paragraphs)
    if extracted.author_note:
        paragraphs.append(extracted.author_note)
    return finish(replace(draft, paragraphs=tuple(paragraphs), author_note=None), dropped)
