"""Rendering for ``brief sectors``: the sector table with share bars, the shaded crosstabs, and
one sector's passages grouped by kind."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from brief_cli.model import KINDS
from brief_cli.render.browse import passage_record
from brief_cli.render.common import (
    KIND_STYLES, Column, OutputFormat, emit_rows, is_terminal, kind_text, lit, literal, out,
    to_json,
)
from brief_cli.sectors import Matrix, SectorDetail, SectorTable
from brief_cli.taxonomy import Taxonomy

BAR_WIDTH = 10
_EIGHTHS = " ▏▎▍▌▋▊▉"
KIND_PLURALS = {"challenge": "challenges", "opportunity": "opportunities", "context": "context"}


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def bar(share: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of block characters, ``width`` cells for a share of 1."""
    share = min(max(share, 0.0), 1.0)
    eighths = round(share * width * 8)
    full, rest = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[rest] if rest else "")
    return text.ljust(width)


def share_text(share: float, width: int = BAR_WIDTH) -> Text:
    cell = Text(bar(share, width), style="cyan")
    cell.append(f" {share * 100:3.0f}%", style="")
    return cell


# The sector table ------------------------------------------------------------------------------

TABLE_KEYS = ("id", "label", "passages", "challenges", "opportunities", "context", "articles",
              "share")


def sector_rows(table: SectorTable) -> list[dict]:
    return [{"id": r.id, "label": r.label, "passages": r.passages, "challenges": r.challenges,
             "opportunities": r.opportunities, "context": r.context, "articles": r.articles,
             "share": round(r.share, 4)} for r in table.rows]


SECTOR_COLUMNS = [
    Column("id", "id"), Column("label", "label"), Column("passages", "passages"),
    Column("challenges", "challenges"), Column("opportunities", "opportunities"),
    Column("context", "context"), Column("articles", "articles"), Column("share", "share"),
]


def _caption(table: SectorTable) -> str:
    parts = ["A passage can carry several sectors, so shares add up to more than 100%."]
    if table.hidden:
        parts.append(f"{plural(table.hidden, 'sector')} without passages hidden (--all).")
    if table.untagged:
        parts.append(f"{plural(table.untagged, 'passage')} without a sector.")
    return " ".join(parts)


def render_sector_table(table: SectorTable, fmt: OutputFormat, *, title: str) -> None:
    rows = sector_rows(table)
    console = out()
    if fmt is not OutputFormat.table or not is_terminal(console):
        emit_rows(rows, SECTOR_COLUMNS, fmt)
        return
    # The title goes above the table, not in it, so a long one is not squeezed to its width.
    console.print(Text(title, style="italic"), soft_wrap=False)
    console.print(_sector_rich_table(table, console.width))


def _sector_rich_table(table: SectorTable, width: int) -> Table:
    """The table laid out for the terminal width: labels when wide, fewer columns when narrow."""
    wide = width >= 118
    short = width < 100
    narrow = width < 74  # no articles column, a shorter bar
    t = Table(caption=_caption(table), box=box.SIMPLE_HEAD, header_style="bold",
              caption_justify="left", pad_edge=False, expand=False, show_edge=False)
    t.add_column("sector", style="cyan", no_wrap=True)
    if wide:
        t.add_column("label", no_wrap=False, max_width=24)
    t.add_column("pass" if narrow else "passages", justify="right", no_wrap=True)
    for kind in KINDS:
        header = {"challenge": "chal", "opportunity": "opp", "context": "ctx"}[kind] if short \
            else KIND_PLURALS[kind]
        t.add_column(header, justify="right", style=KIND_STYLES[kind], no_wrap=True)
    if not narrow:
        t.add_column("articles", justify="right", no_wrap=True)
    t.add_column("share", no_wrap=True)
    for r in table.rows:
        cells = [lit(r.id)]
        if wide:
            cells.append(lit(r.label))
        cells += [Text(f"{r.passages:,}", style="bold"), Text(f"{r.challenges:,}"),
                  Text(f"{r.opportunities:,}"), Text(f"{r.context:,}")]
        if not narrow:
            cells.append(Text(f"{r.articles:,}"))
        cells.append(share_text(r.share, BAR_WIDTH // 2 if narrow else BAR_WIDTH))
        t.add_row(*cells)
    return t


# Crosstabs -------------------------------------------------------------------------------------

def shade(value: int, top: int, base: str = "") -> str:
    """A style for a count: dim for zero, then stronger in four steps up to the largest value.

    Works without colour too (NO_COLOR keeps dim, bold and reverse).
    """
    if value <= 0 or top <= 0:
        return "dim"
    ratio = value / top
    if ratio > 0.75:
        return f"bold reverse {base}".strip()
    if ratio > 0.5:
        return f"bold {base}".strip()
    if ratio > 0.25:
        return base or "default"
    return f"dim {base}".strip() if base else "dim"


def _cell(value: int, top: int, base: str = "") -> Text:
    if value <= 0:
        return Text("·", style="dim")
    return Text(f"{value:,}", style=shade(value, top, base))


def matrix_rows(matrix: Matrix) -> list[dict]:
    rows = []
    for sid, label, values in zip(matrix.rows, matrix.row_labels, matrix.values):
        row: dict = {"sector": sid, "label": label}
        row.update({c: v for c, v in zip(matrix.columns, values)})
        if matrix.kind == "kind":
            row["total"] = sum(values)
        rows.append(row)
    return rows


def matrix_columns(matrix: Matrix) -> list[Column]:
    cols = [Column("sector", "sector"), Column("label", "label")]
    cols += [Column(c, c) for c in matrix.columns]
    if matrix.kind == "kind":
        cols.append(Column("total", "total"))
    return cols


def short_names(ids: list[str], size: int = 4) -> list[str]:
    """Shortest unique prefixes of at least ``size`` characters (whole ids when they collide)."""
    names = []
    for sid in ids:
        n = min(size, len(sid))
        while n < len(sid) and sum(1 for o in ids if o != sid and o.startswith(sid[:n])):
            n += 1
        names.append(sid[:n])
    return names


def kind_matrix_table(matrix: Matrix, *, title: str | None = None) -> Table:
    """Sector x kind, each cell shaded by its value against the largest cell, with totals."""
    t = Table(title=title, box=box.SIMPLE_HEAD, header_style="bold", title_justify="left",
              pad_edge=False, show_edge=False)
    t.add_column("sector", style="cyan", no_wrap=True)
    for kind in KINDS:
        t.add_column(kind, justify="right", no_wrap=True, header_style=f"bold {KIND_STYLES[kind]}")
    t.add_column("total", justify="right", no_wrap=True)
    top = max((v for row in matrix.values for v in row), default=0)
    totals = [sum(row) for row in matrix.values]
    top_total = max(totals, default=0)
    for sid, values, total in zip(matrix.rows, matrix.values, totals):
        cells = [lit(sid)]
        cells += [_cell(v, top, KIND_STYLES[k]) for k, v in zip(KINDS, values)]
        cells.append(_cell(total, top_total))
        t.add_row(*cells)
    # Passages, not column sums: a passage with several sectors is in several rows.
    t.add_section()
    t.add_row(Text("passages", style="bold"),
              *[Text(f"{n:,}", style="bold") for n in matrix.passages_by_column],
              Text(f"{matrix.total_passages:,}", style="bold"))
    return t


def cooccurrence_table(matrix: Matrix, width: int) -> tuple[Table, int]:
    """Sector x sector with shading; as many columns as fit in ``width``.

    Returns the table and how many sectors it shows (rows and columns alike, largest first).
    """
    ids = list(matrix.rows)
    heads = short_names(ids)
    label_w = max((len(s) for s in ids), default=6)
    top = matrix.max_value
    digits = max((len(f"{v:,}") for row in matrix.values for v in row), default=1)
    # Each column costs its text, one cell of padding and one of separator.
    cell_w = [max(len(h), digits) + 2 for h in heads]
    shown, used = 0, label_w + 1
    for w in cell_w:
        if used + w > width:
            break
        used += w
        shown += 1
    t = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, padding=(0, 1, 0, 0),
              show_edge=False)
    t.add_column("", style="cyan", no_wrap=True)
    for h in heads[:shown]:
        t.add_column(h, justify="right", no_wrap=True)
    for i in range(shown):
        cells = [lit(ids[i])]
        for j in range(shown):
            v = matrix.values[i][j]
            if i == j:
                cells.append(Text(f"{v:,}" if v else "·", style="dim italic"))
            else:
                cells.append(_cell(v, top, "magenta"))
        t.add_row(*cells)
    return t, shown


def render_matrix(matrix: Matrix, fmt: OutputFormat, *, title: str) -> None:
    console = out()
    if fmt is not OutputFormat.table or not is_terminal(console):
        emit_rows(matrix_rows(matrix), matrix_columns(matrix), fmt)
        return
    console.print(Text(title, style="italic"))
    if matrix.kind == "kind":
        console.print(kind_matrix_table(matrix))
        return
    table, shown = cooccurrence_table(matrix, console.width)
    console.print(table)
    legend = Text("Passages tagged with both sectors; the diagonal (dim) is the sector's "
                  "own count.", style="dim")
    console.print(legend)
    if shown < len(matrix.rows):
        from brief_cli.render.common import note

        note(f"showing the {shown} largest of {len(matrix.rows)} sectors; widen the terminal "
             "or use --format csv for all")


# One sector ------------------------------------------------------------------------------------

def detail_counts(detail: SectorDetail) -> str:
    share = detail.passages / detail.total_passages if detail.total_passages else 0.0
    kinds = ", ".join(plural(detail.count(k), k, KIND_PLURALS[k] if k != "context" else "context")
                      for k in KINDS)
    return (f"{plural(detail.passages, 'passage')} in {plural(detail.articles, 'article')} "
            f"({share:.0%} of those selected): {kinds}")


def render_detail(detail: SectorDetail, taxonomy: Taxonomy, fmt: str) -> None:
    console = out()
    items = [i for _, group in detail.groups for i in group]
    records = [passage_record(i.passage, taxonomy) | {"title": i.article.title} for i in items]
    if fmt == "json":
        s = detail.sector
        head = {"id": s.id, "label": s.label, "description": s.description,
                "passages": detail.passages, "articles": detail.articles}
        head.update({KIND_PLURALS[k]: detail.count(k) for k in KINDS})
        head["related"] = [{"sector": sid, "passages": n} for sid, n in detail.related]
        head["items"] = records
        console.file.write(to_json(head) + "\n")
        return
    if fmt in ("jsonl", "csv"):
        emit_rows(records, [], fmt)
        return
    if not is_terminal(console):
        _plain_detail(detail, console)
        return
    head = Text()
    head.append(literal(detail.sector.label), style="bold")
    head.append(f"  {literal(detail.sector.id)}", style="cyan")
    if detail.sector.description:
        head.append("\n" + literal(detail.sector.description), style="italic")
    head.append("\n" + detail_counts(detail), style="dim")
    if detail.related:
        head.append("\nAlso tagged: ", style="dim")
        head.append(literal(", ".join(f"{s} ({n})" for s, n in detail.related[:8])),
                    style="magenta")
    console.print(Panel(head, border_style="cyan"))
    for kind, group in detail.groups:
        if not group:
            continue
        body = []
        for n, item in enumerate(group):
            if n:
                body.append(Text(""))
            ref = Text(literal(item.passage.uid), style="dim")
            others = [s for s in item.passage.sectors if s != detail.sector.id]
            if others:
                ref.append("  also " + literal(", ".join(others)), style="dim magenta")
            body.append(ref)
            body.append(lit(item.passage.text))
        title = kind_text(KIND_PLURALS[kind].capitalize())
        title.append(f" ({len(group)})")
        console.print(Panel(Group(*body), title=title, title_align="left",
                            border_style=KIND_STYLES.get(kind, "")))


def _plain_detail(detail: SectorDetail, console: Console) -> None:
    w = console.file.write
    w(f"{literal(detail.sector.label)} ({literal(detail.sector.id)})\n")
    if detail.sector.description:
        w(literal(detail.sector.description) + "\n")
    w(detail_counts(detail) + "\n")
    if detail.related:
        w("Also tagged: " + literal(", ".join(f"{s} ({n})" for s, n in detail.related)) + "\n")
    for kind, group in detail.groups:
        if not group:
            continue
        w(f"\n{KIND_PLURALS[kind].capitalize()} ({len(group)})\n")
        for item in group:
            w(f"\n[{literal(item.passage.uid)}]\n{literal(item.passage.text)}\n")
    console.file.flush()
