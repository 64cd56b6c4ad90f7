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

from typing import TYPE_CHECKING, Any

from rich.text import Text

from brief_cli.lang import has_han
from brief_cli.render.common import (
    OutputFormat, emit_rows, is_terminal, kind_text, lit, literal, out, to_json,
)
from brief_cli.search import Hit, SearchResult

if TYPE_CHECKING:
    from brief_cli.search_counts import Counts

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

INDENT = 4  # snippet indent under a hit's header line in the block layout
TABLE_SNIPPET_MIN = 70  # a table is used only when its snippet column gets this many cells


def render_hits(result: SearchResult, fmt: OutputFormat, *, full: bool = False,
                context: dict[int, tuple[list[Hit], list[Hit]]] | None = None,
                actor_name=None) -> None:
    """Hits in the chosen format. On a terminal: a table when the snippet column gets enough
    room beside the ids, otherwise (the usual case with long ids) one block per hit, a header
    line and the snippet at full width below it, as a search engine or ripgrep shows them."""
    fmt = OutputFormat(fmt)
    hits = result.hits
    actor_name = actor_name or (lambda a: a)
    if fmt in (OutputFormat.json, OutputFormat.jsonl, OutputFormat.csv):
        records = [hit_record(h, context.get(h.rowid) if context is not None else None)
                   for h in hits]
        if fmt is OutputFormat.csv:
            records = [_csv_record(r) for r in records]
        from brief_cli.render.columns import Column

        emit_rows(records, [Column(k, k) for k in RECORD_KEYS], fmt)
        return
    if full:
        _render_full(hits, context, actor_name)
        return
    console = out()
    if not is_terminal(console):
        _render_plain(hits, context)
        return
    if context is None and _table_fits(hits, console.width):
        _render_table(hits, console.width)
    else:
        _render_blocks(hits, context, console)


def _snippet_chars(width: int) -> int:
    """About three lines of snippet at the width the block layout gives it."""
    return max(SNIPPET_CHARS, min(320, 3 * (width - INDENT)))


def _table_fits(hits, width: int) -> bool:
    from rich.cells import cell_len

    rank = len(str(max(h.rank for h in hits)))
    ids = max(cell_len(h.uid) for h in hits)
    kinds = max(len(h.kind) for h in hits)
    sectors = min(16, max((cell_len(", ".join(h.sectors)) for h in hits), default=0))
    used = rank + ids + kinds + sectors + 4 * 3  # three cells between four columns
    return width - used >= TABLE_SNIPPET_MIN


def _render_table(hits, width: int) -> None:
    from rich.table import Table

    table = Table(header_style="bold", pad_edge=False, expand=True, box=None, padding=(0, 1))
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("passage", style="cyan", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("sectors", style="magenta", max_width=16)
    table.add_column("snippet", ratio=1)
    for h in hits:
        text, spans = snippet(h.text, h.spans)
        table.add_row(str(h.rank), lit(h.uid, "cyan"), kind_text(h.kind),
                      lit(", ".join(h.sectors), "magenta"), highlighted(text, spans))
    out().print(table)


def _fit(text: Text, width: int) -> Text:
    """Text cut to width cells with an ellipsis, never wrapped."""
    text = text.copy()
    text.truncate(max(1, width), overflow="ellipsis")
    return text


def hit_header(h: Hit, width: int, rank_width: int) -> list[Text]:
    """A hit's header: rank, full passage id, kind and sectors (moved to a second line when
    the id leaves no room), then the article's title, source and date when there is room."""
    from rich.cells import cell_len

    lines = []
    first = Text(f"{h.rank:>{rank_width}}", style="bold")
    first.append("  ")
    first.append(literal(h.uid), style="bold cyan")
    tags = Text()
    tags.append_text(kind_text(h.kind))
    if h.sectors:
        tags.append("  ")
        tags.append(literal(", ".join(h.sectors)), style="magenta")
    if h.typo:
        tags.append("  (typo match)", style="dim")
    pad = " " * (rank_width + 2)
    if cell_len(first.plain) + 2 + cell_len(tags.plain) <= width:
        first.append("  ")
        first.append_text(tags)
        lines.append(first)
    else:
        lines.append(_fit(first, width))
        lines.append(_fit(Text(pad) + tags, width))
    about = Text(pad)
    about.append(h.published.isoformat(), style="dim")  # first: a long title must not hide it
    about.append("  ")
    about.append(literal(h.title))
    about.append(f" · {literal(h.source)}", style="dim")
    if width >= 60:
        lines.append(_fit(about, width))
    return lines


def _render_blocks(hits, context, console) -> None:
    from rich.padding import Padding

    width = console.width
    rank_width = len(str(max(h.rank for h in hits)))
    chars = _snippet_chars(width)
    for n, h in enumerate(hits):
        if n:
            console.print()
        for line in hit_header(h, width, rank_width):
            console.print(line, no_wrap=True, overflow="ellipsis")
        before, after = context.get(h.rowid, ([], [])) if context is not None else ([], [])
        if not (before or after):
            text, spans = snippet(h.text, h.spans, chars)
            console.print(Padding(highlighted(text, spans), (0, 0, 0, rank_width + 2)))
            continue
        # -C: the hit among its neighbours, each labelled with its passage id, as grep -C
        # labels lines with their numbers; the hit's own label is bold, neighbours are dim.
        from rich.table import Table  # (only here: a plain search's blocks need no table)

        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, justify="right")
        grid.add_column(ratio=1)
        for c in before:
            text, _ = snippet(c.text, (), chars)
            grid.add_row(Text(c.passage_id, style="dim"), lit(text, "dim"))
        text, spans = snippet(h.text, h.spans, chars)
        grid.add_row(Text(h.passage_id, style="bold"), highlighted(text, spans))
        for c in after:
            text, _ = snippet(c.text, (), chars)
            grid.add_row(Text(c.passage_id, style="dim"), lit(text, "dim"))
        console.print(Padding(grid, (0, 0, 0, rank_width + 2)))


PLAIN_HEADER = ("#", "passage", "article", "kind", "sectors", "snippet")


def _render_plain(hits, context) -> None:
    """Piped: one tab-separated row a hit, every column filled; with -C a leading column says
    whether the row is the hit or a neighbour before or after it (rank is the hit's)."""
    w = out().file.write
    with_role = context is not None
    w("\t".join((("role",) if with_role else ()) + PLAIN_HEADER) + "\n")

    def row(role: str, rank: int, p: Hit, spans) -> None:
        text, _ = snippet(p.text, spans)
        cells = [str(rank), p.uid, p.title, p.kind, ", ".join(p.sectors), text]
        cells = [literal(" ".join(c.split())) for c in cells]
        w("\t".join(([role] if with_role else []) + cells) + "\n")

    for h in hits:
        before, after = context.get(h.rowid, ([], [])) if context is not None else ([], [])
        for c in before:
            row("before", h.rank, c, ())
        row("hit", h.rank, h, h.spans)
        for c in after:
            row("after", h.rank, c, ())
    out().file.flush()


def _tags_line(hit: Hit, actor_name) -> Text:
    line = Text()
    line.append_text(kind_text(hit.kind))
    if hit.sectors:
        line.append("  sectors: ", style="dim")
        line.append(literal(", ".join(hit.sectors)), style="magenta")
    if hit.actors:
        line.append("  actors: ", style="dim")
        line.append(literal(", ".join(actor_name(a) for a in hit.actors)), style="yellow")
    return line


def _render_full(hits: tuple[Hit, ...], context, actor_name) -> None:
    """Whole passages. Scores are not shown: BM25 numbers mean nothing to a reader (and are
    near zero for common words); the rank says the order, and JSON keeps the score."""
    from rich.console import Group
    from rich.panel import Panel

    console = out()
    if not is_terminal(console):
        w = console.file.write
        for h in hits:
            before, after = context.get(h.rowid, ([], [])) if context is not None else ([], [])
            for c in before:
                w(f"  (before) {c.uid}\n  {literal(c.text)}\n")
            tags = [h.kind] + (["sectors: " + ", ".join(h.sectors)] if h.sectors else []) + \
                (["actors: " + ", ".join(actor_name(a) for a in h.actors)] if h.actors else [])
            w(f"{h.rank}. {h.uid} ({literal('; '.join(tags))})\n")
            w(f"   {literal(h.title)} · {literal(h.source)} · {h.published.isoformat()}\n")
            w(literal(h.text) + "\n")
            for c in after:
                w(f"  (after) {c.uid}\n  {literal(c.text)}\n")
            w("\n")
        console.file.flush()
        return
    width = console.width
    for h in hits:
        before, after = context.get(h.rowid, ([], [])) if context is not None else ([], [])
        for c in before:
            console.print(_context_panel(c, width))
        head = Text()
        head.append(literal(h.title), style="bold")
        head.append(f"\n{literal(h.source)} · {h.published.isoformat()}", style="dim")
        body = Group(head, Text(""), highlighted(h.text, h.spans), Text(""),
                     _tags_line(h, actor_name))
        title = _fit(Text(f" {h.rank}. {literal(h.uid)} ", style="bold"), width - 6)
        console.print(Panel(body, title=title, title_align="left", border_style="cyan"))
        for c in after:
            console.print(_context_panel(c, width))


def _context_panel(hit: Hit, width: int):
    from rich.panel import Panel

    title = _fit(Text(f" {literal(hit.uid)} · neighbour ", style="dim"), width - 6)
    return Panel(lit(hit.text, "dim"), title=title, title_align="left", border_style="dim")


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


def nothing_line(result: SearchResult, emptied: tuple[int, list[str]] | None = None) -> str:
    """What matched nothing. When the words match but the filters remove every hit, say so
    and name the filters, instead of suggesting other words."""
    what = result.query.strip() or "these filters"
    line = f"no passages match {what!r}" if result.query.strip() else "no passages match the filters"
    if emptied:
        alone, culprits = emptied
        line += (f" with these filters, though without them it matches {alone:,} "
                 f"passage{'s' * (alone != 1)}")
        if culprits:
            line += f"; the filter that removes them: {', '.join(culprits)}"
        return line
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
    from brief_cli.render.columns import Column

    article_cols = [Column("id", "article", style="cyan", primary=True), Column("title", "title", ratio=2),
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
        {"what": "status", "value": done},
        {"what": "path", "value": _home(stats.path) if stats.path else "(in memory)"},
    ]
    from brief_cli.render.columns import Column

    emit_rows(rows, [Column("what", "", style="bold"), Column("value", "", ratio=1)], fmt,
              title="Search index")

