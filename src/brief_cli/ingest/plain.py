"""The plain-text path: header, then body paragraphs, then the finishing touches."""

from __future__ import annotations

from brief_cli.ingest.header import read_header
from brief_cli.ingest.model import Draft
from brief_cli.ingest.paragraphs import body_paragraphs, finish
from brief_cli.ingest.reading import normalise


def parse_text(text: str, *, keep: frozenset[str] = frozenset()) -> Draft:
    """Read a plain-text (or Markdown) article: metadata from its header, paragraphs from
    its body. ``keep`` names what cleaning should leave in (see ``body_paragraphs``)."""
    lines = normalise(text).split("\n")
    from brief_cli.lang import detect_language

    if detect_language(text) == "zh":
        from brief_cli.ingest.chinese import parse_chinese

        draft = parse_chinese(lines)
        return finish(draft, list(draft.dropped))
    header = read_header(lines)
    dropped = list(header.dropped)
    paragraphs = body_paragraphs(lines[header.body_start:], dropped, keep)
    return finish(Draft(
        title=header.title, source=header.source, section=header.section,
        authors=header.authors, published=header.published, url=header.url,
        language=header.language, paragraphs=tuple(paragraphs)), dropped)
