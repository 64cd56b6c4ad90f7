"""Output of ``brief set``: the passage's tags after the change, and what changed."""

from __future__ import annotations

from rich.text import Text

from brief_cli.render.common import emit_rows, lit, note, out, to_json
from brief_cli.render.formats import OutputFormat


def set_record(result) -> dict:
    after, before = result.after, result.before
    return {
        "passage": result.passage,
        "file": str(result.path) if result.path is not None else None,
        "kind": after.kind,
        "sectors": list(after.sectors),
        "actors": list(after.actors),
        "reviewed": after.reviewed,
        "changed": list(result.changed),
        "before": {"kind": before.kind, "sectors": list(before.sectors),
                   "actors": list(before.actors), "reviewed": before.reviewed},
    }


def render_set(result, taxonomy, fmt: OutputFormat, *, show_only: bool = False) -> None:
    fmt = OutputFormat(fmt)
    record = set_record(result)
    if fmt == OutputFormat.json:
        out().print(to_json(record), soft_wrap=True, markup=False)
        return
    if fmt == OutputFormat.jsonl:
        out().print(to_json(record, indent=None), soft_wrap=True, markup=False)
        return
    if fmt == OutputFormat.csv:
        from brief_cli.render.common import Column

        cols = [Column(k, k) for k in ("passage", "kind", "sectors", "actors", "reviewed",
                                       "changed", "file")]
        emit_rows([record], cols, fmt)
        return
    console = out()
    line = Text()
    line.append(lit(result.passage, "bold"))
    line.append("  ")
    line.append(record["kind"], style={"challenge": "red", "opportunity": "green"}.get(
        record["kind"], ""))
    line.append("  sectors: ")
    line.append(lit(", ".join(record["sectors"]) or "-"))
    line.append("  actors: ")  # names for people; the JSON and CSV keep the ids
    line.append(lit(", ".join(taxonomy.actor_name(a) for a in record["actors"]) or "-"))
    line.append("  reviewed" if record["reviewed"] else "  not reviewed",
                style="" if record["reviewed"] else "dim")
    console.print(line, soft_wrap=True)
    if result.changed:
        note(f"changed {', '.join(result.changed)} in {result.path}")
    elif not show_only:
        note("nothing changed: the passage already has these tags")


def render_queue(hits, scores: dict, fmt: OutputFormat) -> None:
    """The review queue, in order (``brief review --list``)."""
    from brief_cli.render.common import Column

    rows = [{"passage": h.uid, "uncertainty": round(scores.get(h.rowid, 0.0), 3),
             "kind": h.kind, "sectors": list(h.sectors), "actors": list(h.actors),
             "reviewed": h.reviewed, "text": h.text} for h in hits]
    columns = [Column("passage", "passage", no_wrap=False, max_width=40),
               Column("uncertainty", "unsure", justify="right"),
               Column("kind", "kind"), Column("sectors", "sectors", max_width=24),
               Column("text", "text", ratio=1, min_terminal=100)]
    emit_rows(rows, columns, fmt)
