"""Match spans: the character ranges of a passage that a query matched, from FTS5's
highlight() with marker characters."""

from __future__ import annotations

from brief_cli.index import Index
from brief_cli.lang.segment import SEP, display_text
from brief_cli.search.preparing import _Prepared

# Private-use characters mark matches in FTS5's highlight(): they never occur in prose.
_OPEN, _CLOSE = "\ue000", "\ue001"


def _spans(marked: str) -> tuple[tuple[int, int], ...]:
    """Character ranges in the plain text from a highlight() string with marker characters
    (the separators of indexed Chinese text take no place in the plain text)."""
    if SEP not in marked:
        return _spans_plain(marked)
    out: list[tuple[int, int]] = []
    pos = 0
    start = None
    for ch in marked:
        if ch == SEP:
            continue
        if ch == _OPEN:
            start = pos
        elif ch == _CLOSE:
            if start is not None and pos > start:
                out.append((start, pos))
            start = None
        else:
            pos += 1
    return _merge(out) if SEP in marked else tuple(out)


def _spans_plain(marked: str) -> tuple[tuple[int, int], ...]:
    """_spans for text without separators: found with str.find rather than a loop over every
    character (kwic parses thousands of highlighted passages at once)."""
    out: list[tuple[int, int]] = []
    removed = 0  # marker characters before the current position
    at = 0
    while True:
        start = marked.find(_OPEN, at)
        if start < 0:
            break
        end = marked.find(_CLOSE, start + 1)
        if end < 0:
            break
        if end > start + 1:
            out.append((start - removed, end - removed - 1))
        removed += 2
        at = end + 1
    return tuple(out)


def _merge(spans) -> tuple[tuple[int, int], ...]:
    """Sorted spans with touching or overlapping ones joined (a Chinese word is marked
    character by character in the character column)."""
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((a, b) for a, b in out)


def match_spans(index: Index, prep: _Prepared):
    """Every passage a prepared query matches, in corpus order, as (rowid, text, spans): the
    passage text as shown and the spans search highlights in it (for kwic, which needs every
    match at once: one highlight() pass instead of a ranked page)."""
    if prep.empty or not prep.text_expr:
        return
    con = index.con
    params = [_OPEN, _CLOSE, prep.match] + prep.cond_params
    chars: dict[int, tuple[tuple[int, int], ...]] = {}
    if any(t.chinese for t in prep.parsed.terms()):
        # Chinese terms also match in the character column (2), as in _hits.
        for rowid, marked in con.execute(
                f"SELECT rowid, highlight(fts, 2, ?, ?) FROM fts WHERE fts MATCH ? "
                f"AND {prep.cond}", params):
            chars[rowid] = _spans(marked)
    for rowid, marked in con.execute(
            f"SELECT rowid, highlight(fts, 0, ?, ?) FROM fts WHERE fts MATCH ? AND {prep.cond} "
            "ORDER BY rowid", params):
        text = display_text(marked.replace(_OPEN, "").replace(_CLOSE, ""))
        found = _spans(marked)
        if rowid in chars:
            found = _merge(found + chars[rowid])
        yield rowid, text, found
