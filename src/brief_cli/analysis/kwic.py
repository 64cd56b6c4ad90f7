"""A keyword-in-context concordance: every occurrence of a word or phrase, centred, with the
words around it.

Matching is search's own: the passages are those ``brief search --exact`` finds (stems, phrases,
prefixes, filters; no typo correction), and each occurrence is a span the index marked in that
passage, so a passage with the word twice gives two lines (a quoted phrase is one span).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from brief_cli.errors import UsageError
from brief_cli.filters import Filters
from brief_cli.text import WORD_RE

if TYPE_CHECKING:
    from brief_cli.index import Index
    from brief_cli.search import TaxonomySource

CONTEXT_CHARS = 200  # context kept on each side; the renderer shows what fits
_SPACE_RE = re.compile(r"\s+")
_SORT_RE = re.compile(r"([LR])([1-9])", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """One occurrence: the match and the text on either side (whitespace made single)."""

    uid: str
    article_id: str
    passage_id: str
    published: date
    kind: str
    left: str
    match: str
    right: str
    start: int  # character offsets of the match in the passage text
    end: int
    rowid: int = field(default=0, repr=False, compare=False)


@dataclass(frozen=True)
class Concordance:
    query: str
    lines: tuple[Line, ...]
    passages: int  # passages with at least one occurrence
    filters: Filters = field(default_factory=Filters)
    sort: str = ""


def parse_sort(spec: str) -> tuple[tuple[str, int], ...]:
    """``L1``, ``R1``, ``L2R1``, ``R1,R2`` ... as (side, position) keys; "" keeps corpus order."""
    text = (spec or "").replace(",", "").replace(" ", "")
    if not text:
        return ()
    keys = _SORT_RE.findall(text)
    if "".join(a + b for a, b in keys).upper() != text.upper():
        raise UsageError(f"cannot sort by {spec!r}",
                         hint="give positions like L1, R1, L2R1 or R1R2R3 "
                              "(L: words to the left of the match, R: to the right)")
    return tuple((side.upper(), int(n)) for side, n in keys)


def _clean(text: str) -> str:
    return _SPACE_RE.sub(" ", text)


def kwic(index: Index, query: str, filters: Filters = Filters(), *,
         taxonomy: TaxonomySource, sort: str = "",
         context: int = CONTEXT_CHARS) -> Concordance:
    """Every occurrence of the query's words in the passages ``search --exact`` finds.

    Raises UsageError for a query without words (a concordance needs something to centre).
    """
    from brief_cli.query import parse
    from brief_cli.search import search

    keys = parse_sort(sort)
    if not parse(query or "").clauses:
        raise UsageError("give a word or phrase to look for",
                         hint='for example: brief kwic debt, or brief kwic "silk road"')
    from brief_cli.analysis.source import expand_articles

    filters = expand_articles(filters, index.article_ids())
    result = search(index, query, filters, taxonomy=taxonomy, exact=True, limit=None)
    hits = sorted(result.hits, key=lambda h: h.rowid)  # corpus order, not rank
    lines: list[Line] = []
    for hit in hits:
        text = hit.text
        for start, end in hit.spans:  # a phrase is one span; words of an AND query, one each
            left = _clean(text[max(0, start - context * 2):start])[-context:]
            right = _clean(text[end:end + context * 2])[:context]
            lines.append(Line(hit.uid, hit.article_id, hit.passage_id, hit.published, hit.kind,
                              left, _clean(text[start:end]), right, start, end, hit.rowid))
    if keys:
        lines.sort(key=lambda line: _sort_key(line, keys))
    return Concordance(query, tuple(lines), len(hits), result.filters, sort)


def _sort_key(line: Line, keys: tuple[tuple[str, int], ...]) -> tuple:
    left = WORD_RE.findall(line.left)
    right = WORD_RE.findall(line.right)
    parts: list[str] = []
    for side, n in keys:
        words = left[::-1] if side == "L" else right
        parts.append(words[n - 1].casefold() if len(words) >= n else "")
    return (*parts, line.rowid, line.start)
