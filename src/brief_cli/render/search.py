"""Rendering for ``search`` and ``index``: hit tables, panels, machine formats, counts.

The JSON/JSONL/CSV record of a hit (stable; documented in the README):

    rank       1-based position in the results (with --offset, counts from the start)
    id         passage id, "article-id#p07"
    article    article id
    passage    passage id within the article ("p07")
    index      1-based position of the passage in its article
    title, source, published (YYYY-MM-DD), url (or null)
    kind       challenge | opportunity | context
    sectors, actors   lists of ids
    score      relevance, higher is better (BM25); null when listed by filters alone
    typo       true when the passage matched only through a typo correction
    text       the passage text
    matches    [{"start": s, "end": e, "text": ...}] character offsets into text
    context    only with -C N: {"before": [...], "after": [...]}, each {"id", "index", "text"}

CSV flattens lists with ";" and matches as "start-end".
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from brief_cli.lang import has_han
from brief_cli.render.common import (
    Column, OutputFormat, emit_rows, is_terminal, kind_text, lit, literal, out, to_json,
)
from brief_cli.search import Counts, Hit, SearchResult

SNIPPET_CHARS = 160
_ZH_CUTS = "，。；！？、："
MATCH_STYLE = "bold black on yellow"


# Snippets ----------------------------------------------------------------------------------

def snippet(text: str, spans: tuple[tuple[int, int], ...], width: int = SNIPPET_CHARS
            ) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The part of text around its best match (the window holding the most matches), cut at
    word boundaries, with "…" where it was cut; spans shifted into the snippet."""
    text = " ".join(text.split()) if "\n" in text or "  " in text else text
    chinese = has_han(text)
    if chinese:
        width //= 2  # a Chinese character takes two cells of the terminal
    if len(text) <= width:
        return text, tuple(s for s in spans if s[1] <= len(text))
    start = 0
    if spans:
        best, best_count = spans[0][0], -1
        for s, _e in spans:
            lo = max(0, s - width // 4)
            n = sum(1 for a, b in spans if a >= lo and b <= lo + width)
            if n > best_count:
                best, best_count = lo, n
        start = best
    end = min(len(text), start + width)
    if end == len(text):
        start = max(0, end - width)
    if chinese:  # cut after a Chinese punctuation mark near the edges, if there is one
        if start > 0:
            marks = [text.find(m, start, start + 12) for m in _ZH_CUTS]
            found = [m for m in marks if m >= 0]
            start = min(found) + 1 if found else start
        if end < len(text):
            found = [text.rfind(m, end - 12, end) for m in _ZH_CUTS]
            best = max(found)
            end = best + 1 if best > start else end
    else:
        if start > 0:
            space = text.find(" ", start, start + 20)
            start = space + 1 if space >= 0 else start
        if end < len(text):
            space = text.rfind(" ", end - 20, end)
            end = space if space > start else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    shown = tuple((a + shift, b + shift) for a, b in spans if a >= start and b <= end)
    return prefix + text[start:end] + suffix, shown


def highlighted(text: str, spans: tuple[tuple[int, int], ...], style: str | None = None) -> Text:
    """Literal text with every match styled (styles on spans, never markup)."""
    out_text = Text(style=style or "")
    pos = 0
    for a, b in spans:
        if a < pos:
            continue
        out_text.append(literal(text[pos:a]))
        out_text.append(literal(text[a:b]), style=MATCH_STYLE)
        pos = b
    out_text.append(literal(text[pos:]))
    return out_text


class Snippet:
    """A snippet cell: plain text when piped, highlighted Text in a table."""

    def __init__(self, text: str, spans: tuple[tuple[int, int], ...], dim: bool = False):
        self.text, self.spans, self.dim = text, spans, dim

    def __str__(self) -> str:
        return self.text

    def rich(self) -> Text:
        return highlighted(self.text, self.spans, "dim" if self.dim else None)


def _snippet_cell(value: Any) -> Text:
    return value.rich() if isinstance(value, Snippet) else lit(str(value or ""))


def _dim_or(style: str):
    def render(value: Any) -> Text:
        if isinstance(value, _Dim):
            return Text(literal(value.text), style="dim")
        return Text(literal(str(value or "")), style=style)
    return render


class _Dim:
    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return self.text


def _kind_cell(value: Any) -> Text:
    if isinstance(value, _Dim):
        return Text(value.text, style="dim")
    return kind_text(str(value))


HIT_COLUMNS = [
    Column("rank", "#", justify="right", style="dim", no_wrap=True),
    Column("id", "passage", style="cyan", min_width=12, render=_dim_or("cyan")),
    Column("title", "article", ratio=1, min_width=12, min_terminal=130, render=_dim_or("")),
    Column("kind", "kind", no_wrap=True, render=_kind_cell),
    Column("sectors", "sectors", style="magenta", min_width=15, max_width=16,
           min_terminal=90, render=_dim_or("magenta")),
    Column("snippet", "snippet", ratio=3, render=_snippet_cell),
]


# Records -----------------------------------------------------------------------------------

def hit_record(hit: Hit, context: tuple[list[Hit], list[Hit]] | None = None) -> dict:
    record: dict[str, Any] = {
        "rank": hit.rank,
        "id": hit.uid,
        "article": hit.article_id,
        "passage": hit.passage_id,
        "index": hit.index + 1,
        "title": hit.title,
        "source": hit.source,
        "published": hit.published,
        "url": hit.url,
        "kind": hit.kind,
        "sectors": list(hit.sectors),
        "actors": list(hit.actors),
        "score": round(hit.score, 4) if hit.score is not None else None,
        "typo": hit.typo,
        "text": hit.text,
        "matches": [{"start": a, "end": b, "text": hit.text[a:b]} for a, b in hit.spans],
    }
    if context is not None:
        record["context"] = {
            "before": [{"id": h.uid, "index": h.index + 1, "text": h.text} for h in context[0]],
            "after": [{"id": h.uid, "index": h.index + 1, "text": h.text} for h in context[1]],
        }
    return record


RECORD_KEYS = ("rank", "id", "article", "passage", "index", "title", "source", "published", "url",
               "kind", "sectors", "actors", "score", "typo", "text", "matches")


def _csv_record(record: dict) -> dict:
    flat = dict(record)
    flat["matches"] = [f"{m['start']}-{m['end']}" for m in record["matches"]]
    if "context" in flat:
        flat["context"] = [c["id"] for c in record["context"]["before"] + record["context"]["after"]]
    return flat


# Hits --------------------------------------------------------------------------------------

def render_hits(result: SearchResult, fmt: OutputFormat, *, full: bool = False,
                context: dict[int, tuple[list[Hit], list[Hit]]] | None = None) -> None:
    fmt = OutputFormat(fmt)
    hits = result.hits
    if fmt in (OutputFormat.json, OutputFormat.jsonl, OutputFormat.csv):
        records = [hit_record(h, context.get(h.rowid) if context is not None else None)
                   for h in hits]
        if fmt is OutputFormat.csv:
            records = [_csv_record(r) for r in records]
        emit_rows(records, [Column(k, k) for k in RECORD_KEYS], fmt)
        return
    if full:
        _render_full(hits, context)
        return
    rows = []
    for h in hits:
        before, after = context.get(h.rowid, ([], [])) if context is not None else ([], [])
        rows += [_context_row(c) for c in before]
        text, spans = snippet(h.text, h.spans)
        rows.append({"rank": h.rank, "id": h.uid, "title": h.title, "kind": h.kind,
                     "sectors": ", ".join(h.sectors), "snippet": Snippet(text, spans)})
        rows += [_context_row(c) for c in after]
    emit_rows(rows, HIT_COLUMNS, fmt)


def _context_row(hit: Hit) -> dict:
    text, spans = snippet(hit.text, ())
    return {"rank": "", "id": _Dim(hit.uid), "title": _Dim(""), "kind": _Dim(hit.kind),
            "sectors": _Dim(", ".join(hit.sectors)), "snippet": Snippet(text, (), dim=True)}


def _tags_line(hit: Hit) -> Text:
    line = Text()
    line.append_text(kind_text(hit.kind))
    if hit.sectors:
        line.append("  sectors: ", style="dim")
        line.append(literal(", ".join(hit.sectors)), style="magenta")
    if hit.actors:
        line.append("  actors: ", style="dim")
        line.append(literal(", ".join(hit.actors)), style="yellow")
    return line


def _render_full(hits: tuple[Hit, ...], context) -> None:
    from rich.console import Group
    from rich.panel import Panel

    console = out()
    if not is_terminal(console):
        w = console.file.write
        for h in hits:
            before, after = context.get(h.rowid, ([], [])) if context is not None else ([], [])
            for c in before:
                w(f"  [{c.index + 1}] {c.uid}\n  {literal(c.text)}\n")
            score = f" score {h.score:.3f}" if h.score is not None else ""
            tags = [h.kind] + (["sectors: " + ", ".join(h.sectors)] if h.sectors else []) + \
                (["actors: " + ", ".join(h.actors)] if h.actors else [])
            w(f"{h.rank}. {h.uid} ({literal('; '.join(tags))}){score}\n")
            w(f"   {literal(h.title)} · {literal(h.source)} · {h.published.isoformat()}\n")
            w(literal(h.text) + "\n")
            for c in after:
                w(f"  [{c.index + 1}] {c.uid}\n  {literal(c.text)}\n")
            w("\n")
        console.file.flush()
        return
    for h in hits:
        before, after = context.get(h.rowid, ([], [])) if context is not None else ([], [])
        for c in before:
            console.print(_context_panel(c))
        head = Text()
        head.append(literal(h.title), style="bold")
        head.append(f"  {literal(h.source)} · {h.published.isoformat()}", style="dim")
        body = Group(head, Text(""), highlighted(h.text, h.spans), Text(""), _tags_line(h))
        title = Text(f" {h.rank}. {h.uid} ", style="bold")
        subtitle = Text(f" score {h.score:.3f} ", style="dim") if h.score is not None else None
        console.print(Panel(body, title=title, title_align="left", subtitle=subtitle,
                            subtitle_align="right", border_style="cyan"))
        for c in after:
            console.print(_context_panel(c))


def _context_panel(hit: Hit):
    from rich.panel import Panel

    return Panel(lit(hit.text, "dim"), title=Text(f" {hit.index + 1}. {hit.uid} ", style="dim"),
                 title_align="left", border_style="dim")


def summary_line(result: SearchResult, elapsed: float) -> str:
    """One line for stderr: hits, the page shown, time, and what was searched instead."""
    total = result.total
    parts = [f"{total:,} hit{'s' * (total != 1)}"]
    if result.hits and (result.offset or len(result.hits) < total):
        first = result.offset + 1
        parts[0] += f" (showing {first}–{result.offset + len(result.hits)})"
    elif total and not result.hits:
        parts[0] += f" (none after offset {result.offset})"
    parts.append(f"{elapsed * 1000:.0f} ms")
    if result.corrections:
        fixes = ", ".join(f"{' OR '.join(v)} (for {k})" for k, v in result.corrections.items())
        parts.append(f"showing results for {fixes}")
    return " · ".join(parts)


def nothing_line(result: SearchResult) -> str:
    what = result.query.strip() or "these filters"
    line = f"no passages match {what!r}" if result.query.strip() else "no passages match the filters"
    if result.suggestions:
        line += " — nearest terms: " + ", ".join(result.suggestions)
    return line


# Counts ------------------------------------------------------------------------------------

def render_counts(counts: Counts, fmt: OutputFormat, sector_labels: dict[str, str]) -> None:
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.json:
        out().file.write(to_json({
            "total": counts.total,
            "articles": [{"id": a, "title": t, "hits": n} for a, t, n in counts.articles],
            "sectors": [{"id": s, "label": sector_labels.get(s, s), "hits": n}
                        for s, n in counts.sectors],
        }) + "\n")
        return
    if fmt in (OutputFormat.jsonl, OutputFormat.csv):
        rows = [{"by": "article", "id": a, "label": t, "hits": n} for a, t, n in counts.articles]
        rows += [{"by": "sector", "id": s, "label": sector_labels.get(s, s), "hits": n}
                 for s, n in counts.sectors]
        emit_rows(rows, [], fmt)
        return
    article_cols = [Column("id", "article", style="cyan"), Column("title", "title", ratio=2),
                    Column("hits", "hits", justify="right")]
    sector_cols = [Column("id", "sector", style="magenta"), Column("label", "label", ratio=1),
                   Column("hits", "hits", justify="right")]
    emit_rows([{"id": a, "title": t, "hits": n} for a, t, n in counts.articles], article_cols,
              fmt, title=f"{counts.total:,} hits by article")
    if not is_terminal():
        out().file.write("\n")
    emit_rows([{"id": s, "label": sector_labels.get(s, s), "hits": n} for s, n in counts.sectors],
              sector_cols, fmt, title="hits by sector (a passage counts once per sector)")


# Index -------------------------------------------------------------------------------------

def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def _home(path) -> str:
    """A path with the home folder written ~, as people write it."""
    from pathlib import Path

    try:
        return "~/" + str(Path(path).relative_to(Path.home()))
    except ValueError:
        return str(path)


def index_record(stats, refresh) -> dict:
    return {
        "path": str(stats.path) if stats.path else None,
        "articles": stats.articles,
        "passages": stats.passages,
        "terms": stats.terms,
        "words": stats.words,
        "files": stats.files,
        "broken_files": stats.broken,
        "bytes": stats.bytes,
        "built_at": stats.built_at,
        "build_seconds": stats.build_seconds,
        "action": ("rebuilt" if refresh.rebuilt else
                   "refreshed" if (refresh.parsed or refresh.removed) else "up to date"),
        "files_parsed": refresh.parsed,
        "files_removed": refresh.removed,
        "seconds": round(refresh.seconds, 3),
    }


def render_index(stats, refresh, fmt: OutputFormat) -> None:
    fmt = OutputFormat(fmt)
    record = index_record(stats, refresh)
    if fmt is OutputFormat.json:
        out().file.write(to_json(record) + "\n")
        return
    if fmt is not OutputFormat.table:
        emit_rows([record], [], fmt)
        return
    action = record["action"]
    if action == "rebuilt":
        done = f"built in {refresh.seconds:.2f} s ({stats.passages / max(refresh.seconds, 1e-9):,.0f} passages/s)"
    elif action == "refreshed":
        done = (f"refreshed in {refresh.seconds:.2f} s "
                f"({refresh.parsed} file{'s' * (refresh.parsed != 1)} parsed, "
                f"{refresh.removed} removed)")
    else:
        done = f"up to date (checked in {refresh.seconds * 1000:.0f} ms)"
    rows = [
        {"what": "articles", "value": f"{stats.articles:,}"},
        {"what": "passages", "value": f"{stats.passages:,}"},
        {"what": "terms", "value": f"{stats.terms:,} stems, {stats.words:,} words"},
        {"what": "files", "value": f"{stats.files:,}" + (
            f" ({stats.broken} skipped: broken or duplicate)" if stats.broken else "")},
        {"what": "size", "value": _size(stats.bytes)},
        {"what": "index", "value": done},
        {"what": "path", "value": _home(stats.path) if stats.path else "(in memory)"},
    ]
    emit_rows(rows, [Column("what", "index", style="bold"), Column("value", "", ratio=1)], fmt)

