"""Rendering for ``ingest``: the dry-run preview, the progress bar and the table of outcomes."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import PurePath
from typing import Iterator

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from brief_cli.ingest import Outcome, Prepared
from brief_cli.render.common import (
    Column, OutputFormat, emit_rows, err, error_line, is_terminal, kind_text, lit, literal, note,
    out, to_json, warn,
)

STATUS_STYLES = {"ingested": "green", "skipped": "yellow", "failed": "red bold",
                 "dry run": "cyan"}

OUTCOME_COLUMNS = [
    Column("input", "input", style="cyan", primary=True),
    Column("status", "status", no_wrap=True,
           render=lambda v: Text(str(v), style=STATUS_STYLES.get(str(v), ""))),
    Column("id", "id", max_width=34),
    Column("passages", "passages", justify="right"),
    Column("reason", "note", style="dim", ratio=1),
]


def outcome_record(outcome: Outcome) -> dict:
    return {
        "input": outcome.input,
        "status": outcome.status,
        "id": outcome.article_id,
        "passages": outcome.passages,
        "file": str(outcome.path) if outcome.path is not None else None,
        "reason": outcome.reason,
    }


def render_outcomes(outcomes: list[Outcome], fmt: OutputFormat) -> None:
    """The table of what was ingested, skipped and failed (stdout), with a count line."""
    rows = [outcome_record(o) for o in outcomes]
    title = None
    console = out()
    if OutputFormat(fmt) is OutputFormat.table and console.is_terminal:
        # The folder the inputs share is said once, as the title: on every row it only
        # pushes the notes into a narrow column (machine formats keep the full input).
        folder, names = _shared_folder([r["input"] for r in rows])
        if folder:
            title = f"from {folder}"
            rows = [{**r, "input": n} for r, n in zip(rows, names)]
    emit_rows(rows, OUTCOME_COLUMNS, fmt, title=title, console=console)


def _shared_folder(inputs: list[str]) -> tuple[str | None, list[str]]:
    """The folder every input lies under (written as given) and each input relative to it;
    ``(None, inputs)`` when they share none, are URLs, or there is a single input."""
    if len(inputs) < 2 or any("://" in i or i == "-" for i in inputs):
        return None, inputs
    parts = [PurePath(i).parts for i in inputs]
    common: list[str] = []
    for level in zip(*(p[:-1] for p in parts)):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    if not common:
        return None, inputs
    folder = str(PurePath(*common))
    return folder, [str(PurePath(*p[len(common):])) for p in parts]


def summary_line(outcomes: list[Outcome], seconds: float) -> str:
    counts = {s: sum(1 for o in outcomes if o.status == s)
              for s in ("ingested", "dry run", "skipped", "failed")}
    passages = sum(o.passages for o in outcomes if o.status in ("ingested", "dry run"))
    parts = [f"{n} {s}" for s, n in counts.items() if n or s in ("ingested", "failed")]
    if counts["dry run"]:
        parts = [p for p in parts if not p.startswith("0 ingested")]
    rate = f", {passages / seconds:,.0f} passages/s" if seconds > 0 and passages else ""
    return f"{', '.join(parts)}; {passages} passages in {seconds:.2f}s{rate}"


def summarise(outcomes: list[Outcome], seconds: float) -> None:
    """Each failure as an error line, then the counts (stderr)."""
    for outcome in outcomes:
        if outcome.status == "failed":
            error_line(f"{outcome.input}: {outcome.reason}")
    note(summary_line(outcomes, seconds))


def meta_report(table) -> None:
    """Rows of a --meta table that matched no input, and duplicate keys (stderr)."""
    for line in table.duplicates:
        warn(line)
    unmatched = table.unmatched()
    if unmatched:
        shown = ", ".join(unmatched[:5]) + (f" and {len(unmatched) - 5} more"
                                            if len(unmatched) > 5 else "")
        warn(f"{len(unmatched)} row{'s' * (len(unmatched) != 1)} of {table.path.name} matched "
             f"no input: {shown}")
    if table.missing:
        shown = ", ".join(table.missing[:5]) + (f" and {len(table.missing) - 5} more"
                                                if len(table.missing) > 5 else "")
        warn(f"{len(table.missing)} input{'s' * (len(table.missing) != 1)} had no row in "
             f"{table.path.name}: {shown}")
    note(f"{table.path.name}: {len(table.used)} of {len(table.rows)} rows matched an input")


@contextmanager
def progress_bar(total: int, enabled: bool) -> Iterator:
    """A transient progress bar on stderr; yields a callback taking each finished input."""
    if not enabled:
        yield lambda source: None
        return
    from rich.progress import (
        BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn,
    )

    with Progress(TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), TextColumn("{task.description}", style="dim"),
                  console=err(), transient=True) as bar:
        task = bar.add_task("", total=total)

        def advance(source) -> None:
            bar.update(task, advance=1, description=literal(source.name[-40:]))

        yield advance


def progress_wanted(count: int) -> bool:
    return count > 1 and is_terminal(err())


# Dry run ---------------------------------------------------------------------------------------

def preview_record(outcome: Outcome) -> dict:
    """An outcome with the article it would write and what cleaning removed (for JSON)."""
    record = outcome_record(outcome)
    prepared = outcome.prepared
    if prepared is not None:
        article = prepared.article
        record["encoding"] = prepared.encoding
        record["article"] = {
            "id": article.id, "title": article.title, "source": article.source,
            "section": article.section, "authors": list(article.authors),
            "author_note": article.author_note, "published": article.published,
            "url": article.url, "fetched": article.fetched, "language": article.language,
            "passages": [{"id": p.id, "text": p.text, "kind": p.kind,
                          "sectors": list(p.sectors), "actors": list(p.actors),
                          "reviewed": p.reviewed} for p in article.passages],
        }
        record["removed"] = [{"reason": d.reason, "text": d.text}
                             for d in prepared.draft.dropped]
    return record


def render_preview_records(outcomes: list[Outcome], fmt: OutputFormat) -> None:
    console = out()
    records = [preview_record(o) for o in outcomes]
    if fmt is OutputFormat.json:
        console.file.write(to_json(records) + "\n")
    else:
        for record in records:
            console.file.write(to_json(record, indent=None) + "\n")
    console.file.flush()


def _meta_rows(prepared: Prepared, outcome: Outcome) -> list[tuple[str, str]]:
    article = prepared.article
    rows = [
        ("id", article.id),
        ("title", article.title),
        ("source", article.source),
        ("section", article.section or ""),
        ("authors", ", ".join(article.authors)),
        ("published", article.published.isoformat()),
        ("url", article.url or ""),
        ("fetched", article.fetched.isoformat() if article.fetched else ""),
        ("language", article.language),
        ("author note", article.author_note or ""),
        ("input", f"{prepared.source.name} ({prepared.encoding})"),
        ("would write", str(outcome.path) if outcome.path else ""),
    ]
    if outcome.reason:
        rows.append(("notes", outcome.reason))
    return [(k, v) for k, v in rows if v]


def render_preview(outcome: Outcome, actor_name=None) -> None:
    """What ingest would write for one input: metadata, numbered passages, what was removed.
    ``actor_name`` turns actor ids into the names people read (JSON keeps the ids)."""
    name = actor_name or (lambda a: a)
    prepared = outcome.prepared
    if prepared is None:
        return
    console = out()
    article = prepared.article
    dropped = prepared.draft.dropped
    if not is_terminal(console):
        w = console.file.write
        for key, value in _meta_rows(prepared, outcome):
            w(f"{key}: {literal(value)}\n")
        for p in article.passages:
            tags = "; ".join(filter(None, [p.kind, ", ".join(p.sectors),
                                           ", ".join(name(a) for a in p.actors)]))
            w(f"\n[{p.index + 1}] {p.id} ({tags})\n{literal(p.text)}\n")
        for d in dropped:
            w(f"\nremoved ({d.reason}): {literal(d.text)}\n")
        w("\n")
        console.file.flush()
        return
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    for key, value in _meta_rows(prepared, outcome):
        grid.add_row(key, lit(value, "bold" if key == "title" else None))
    console.print(Panel(grid, title=Text(" dry run: nothing written ", style="cyan"),
                        title_align="left", border_style="cyan"))
    for p in article.passages:
        # A grid, not a padded line: a tag line too long for the screen wraps under the
        # passage id (a hanging indent), not back at column 0.
        row = Table.grid()
        row.add_column(no_wrap=True, width=5)
        row.add_column()
        head = Text(f"{p.id}  ", style="bold")
        head.append_text(kind_text(p.kind))
        if p.sectors:
            head.append("  " + literal(", ".join(p.sectors)), style="magenta")
        if p.actors:
            head.append("  " + literal(", ".join(name(a) for a in p.actors)), style="yellow")
        row.add_row(Text(f"{p.index + 1:>3}. ", style="bold"), Group(head, lit(p.text)))
        console.print(row)
    if dropped:
        console.print(Text(f"\nremoved {len(dropped)} piece{'s' * (len(dropped) != 1)} "
                           "of page furniture:", style="dim"))
        for d in dropped:
            line = Text(f"  {d.reason}: ", style="dim")
            line.append(literal(d.text if len(d.text) <= 100 else d.text[:99] + "…"),
                        style="dim italic")
            console.print(line)
    console.print()
