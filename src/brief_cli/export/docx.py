"""Word (.docx) exports with python-docx (the ``docx`` extra).

The document a colleague opens: the title (Word's Title style, also the file's title property),
a line saying how many excerpts from how many articles, one Heading 1 per group, each excerpt as
a quotation (Word's Quote style, the query's matches in bold with --highlight) followed by its
citation line and its tags, and a References heading with one entry per article.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Sequence

from brief_cli.errors import MissingDependency, NothingFound, UsageError
from brief_cli.export.escape import clean_text
from brief_cli.export.markdown import GROUPINGS, default_title, group_items, nothing_message
from brief_cli.model import Article, Passage
from brief_cli.selection import Selection
from brief_cli.taxonomy import Taxonomy
from brief_cli.text import strip_controls


def require_docx():
    try:
        import docx  # noqa: F401
    except ImportError:
        raise MissingDependency(
            "writing .docx needs python-docx",
            hint="install it with: pip install 'brief-cli[docx]'") from None
    return docx


def _one_line(text: str) -> str:
    return " ".join(strip_controls(text).split())


def citation_text(article: Article, passage: Passage) -> list[tuple[str, bool]]:
    """— Authors, Title, Source, date, passage id, URL: (text, italic) pieces."""
    pieces: list[tuple[str, bool]] = [("— ", False)]
    if article.authors:
        pieces.append((_one_line(article.citation_authors()) + ", ", False))
    pieces.append((_one_line(article.title) or "untitled", True))
    rest = [_one_line(article.source), article.published.isoformat(), passage.uid]
    if article.url:
        rest.append(_one_line(article.url))
    pieces.append((", " + ", ".join(rest), False))
    return pieces


def reference_text(article: Article, cited: Sequence[Passage]) -> list[tuple[str, bool]]:
    """Authors (date). Title. Source, section. URL. Cited: p01, p04."""
    when = article.published.isoformat()
    title = _one_line(article.title) or "untitled"
    if article.authors:
        pieces = [(f"{_one_line(article.citation_authors())} ({when}). ", False), (title, True),
                  (". ", False)]
    else:
        pieces = [(title, True), (f" ({when}). ", False)]
    where = _one_line(article.source)
    if article.section:
        where += ", " + _one_line(article.section)
    tail = f"{where}."
    if article.url:
        tail += f" {_one_line(article.url)}."
    ids = ", ".join(p.id for p in sorted(cited, key=lambda p: p.index))
    pieces.append((tail + f" Cited: {ids}.", False))
    return pieces


def tags_text(passage: Passage, taxonomy: Taxonomy) -> str:
    parts = [f"Kind: {passage.kind}"]
    if passage.sectors:
        parts.append("Sectors: " + ", ".join(
            (taxonomy.sector(s).label if taxonomy.sector(s) else s) for s in passage.sectors))
    if passage.actors:
        parts.append("Actors: " + ", ".join(taxonomy.actor_name(a) for a in passage.actors))
    return _one_line(" · ".join(parts))


def _quote_runs(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The passage text cut into (piece, bold) runs at the highlighted spans."""
    if not spans:
        return [(text, False)]
    runs, last = [], 0
    for start, end in sorted(spans):
        start, end = max(start, last), min(end, len(text))
        if end <= start:
            continue
        runs += [(text[last:start], False), (text[start:end], True)]
        last = end
    runs.append((text[last:], False))
    return [(t, b) for t, b in runs if t]


def build_docx(selection: Selection, taxonomy: Taxonomy, *, title: str | None = None,
               group_by: str = "article", highlight: bool = False,
               generated: datetime | None = None, version: str | None = None) -> bytes:
    """The Word document for a selection, as the bytes of a .docx file."""
    if group_by not in GROUPINGS:
        raise UsageError(f"unknown grouping {group_by!r}", hint="use " + ", ".join(GROUPINGS))
    if not selection.items:
        raise NothingFound(nothing_message(selection))
    docx = require_docx()
    import io

    from docx.shared import Pt

    if version is None:
        from brief_cli import __version__ as version
    title = _one_line(title) if title else default_title(selection)
    if not title:
        raise UsageError("--title must not be empty")
    generated = (generated or datetime.now(timezone.utc)).astimezone(timezone.utc)

    document = docx.Document()
    props = document.core_properties
    props.title = title
    props.author = f"brief {version}"
    props.created = generated.replace(tzinfo=None)
    if selection.query.strip():
        props.keywords = _one_line(selection.query)

    document.add_heading(title, level=0)
    cited: dict[str, dict[str, Passage]] = {}
    articles: dict[str, Article] = {}
    for item in selection.items:
        articles.setdefault(item.article.id, item.article)
        cited.setdefault(item.article.id, {})[item.passage.id] = item.passage
    n, a = len({i.passage.uid for i in selection.items}), len(articles)
    document.add_paragraph(f"{n} excerpt{'s' * (n != 1)} from {a} article{'s' * (a != 1)}.")

    for group in group_items(selection, taxonomy, group_by):
        document.add_heading(_one_line(group.heading or "Excerpts"), level=1)
        for item in group.items:
            quote = document.add_paragraph(style="Quote")
            text = clean_text(item.passage.text)
            spans = item.spans if highlight and text == item.passage.text else ()
            for piece, bold in _quote_runs(text, spans):
                quote.add_run(piece).bold = bold or None
            line = document.add_paragraph()
            for piece, italic in citation_text(item.article, item.passage):
                line.add_run(piece).italic = italic or None
            tags = document.add_paragraph()
            run = tags.add_run(tags_text(item.passage, taxonomy))
            run.font.size = Pt(9)

    document.add_heading("References", level=1)
    ordered = sorted(articles.values(), key=lambda x: (
        x.citation_authors().casefold(), x.published, x.title.casefold(), x.id))
    for article in ordered:
        entry = document.add_paragraph(style="List Bullet")
        for piece, italic in reference_text(article, list(cited[article.id].values())):
            entry.add_run(piece).italic = italic or None
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
