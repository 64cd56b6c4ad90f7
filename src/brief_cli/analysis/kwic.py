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
_SPACE_RE = re.compile(r"\s{2,}|[^\S ]")  # what is not already one plain space
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
    from brief_cli.search import match_spans, prepare

    keys = parse_sort(sort)
    if not parse(query or "").clauses:
        raise UsageError("give a word or phrase to look for",
                         hint='for example: brief kwic debt, or brief kwic "silk road"')
    prep = prepare(index, query, filters, taxonomy=taxonomy, exact=True)
    lines: list[Line] = []
    passages = 0
    if not prep.empty and prep.text_expr:
        sql, params = prep.rowids()
        meta = {r[0]: r[1:] for r in index.con.execute(
            "SELECT p.rowid, a.id, p.pid, a.published, p.kind FROM passages p "
            f"JOIN articles a ON a.rowid = p.article WHERE p.rowid IN ({sql})", params)}
        dates: dict[str, date] = {}
        for rowid, text, spans in match_spans(index, prep):
            info = meta.get(rowid)
            if info is None:
                continue
            aid, pid, published, kind = info
            day = dates.get(published)
            if day is None:
                day = dates[published] = date.fromisoformat(published)
            passages += 1
            uid = f"{aid}#{pid}"
            for start, end in spans:  # a phrase is one span; words of an AND query, one each
                left = _clean(text[max(0, start - context * 2):start])[-context:]
                right = _clean(text[end:end + context * 2])[:context]
                lines.append(Line(uid, aid, pid, day, kind, left, _clean(text[start:end]),
                                  right, start, end, rowid))
    if keys:
        lines.sort(key=lambda line: _sort_key(line, keys))
    return Concordance(query, tuple(lines), passages, prep.filters, sort)


def _sort_key(line: Line, keys: tuple[tuple[str, int], ...]) -> tuple:
    left = WORD_RE.findall(line.left)
    right = WORD_RE.findall(line.right)
    parts: list[str] = []
    for side, n in keys:
        words = left[::-1] if side == "L" else right
        parts.append(words[n - 1].casefold() if len(words) >= n else "")
    return (*parts, line.rowid, line.start)
