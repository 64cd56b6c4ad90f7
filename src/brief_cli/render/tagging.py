"""Rendering for ``tag``, ``tag --explain``, ``retag`` and ``eval``.

JSON record of a tagged passage (``brief tag -f json``):

    n          1-based position in the input
    kind       challenge | opportunity | context
    sectors, actors   lists of ids
    text       the passage as read

JSON record of an explanation (``brief tag --explain ID -f json``, ``--why``): the record above
plus ``id`` (passage id, for --explain), ``kind_rule`` (why that kind), ``kinds`` (challenge
and opportunity with score and evidence), ``sector_scores`` (every sector with evidence: score,
tagged, reason, evidence), ``actor_mentions`` (actor, name, tagged, reason, evidence),
``thresholds``, and for --explain ``reviewed`` (the passage's stored tags). Each evidence item
is ``{"text", "start", "end", "matched", "weight", "note"}`` with character offsets into text.
"""

from __future__ import annotations

from typing import Any, Sequence

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from brief_cli.evaluation import PRF, EvalReport
from brief_cli.model import KINDS, Passage
from brief_cli.render.common import (
    Column, OutputFormat, emit_rows, is_terminal, kind_text, lit, literal, out, to_json,
)
from brief_cli.retag import Change, RetagPlan
from brief_cli.tagging import Evidence, Explanation, Tags
from brief_cli.taxonomy import Taxonomy

SECTOR_STYLE = "magenta"
ACTOR_STYLE = "yellow"
EVIDENCE_STYLES = {"challenge": "bold red", "opportunity": "bold green",
                   "sector": "underline magenta", "actor": "underline yellow"}


# brief tag ---------------------------------------------------------------------------------

def tag_record(n: int, text: str, tags: Tags) -> dict[str, Any]:
    return {"n": n, "kind": tags.kind, "sectors": list(tags.sectors),
            "actors": list(tags.actors), "text": text}


TAG_COLUMNS = [
    Column("n", "#", justify="right", style="dim"),
    Column("kind", "kind", render=kind_text, no_wrap=True),
    Column("sectors", "sectors", style=SECTOR_STYLE),
    Column("actors", "actors", style=ACTOR_STYLE),
    Column("text", "text", ratio=3),
]


def render_tags(texts: Sequence[str], tags: Sequence[Tags], fmt: OutputFormat,
                actor_name=None) -> None:
    """``actor_name`` gives the names people read in the terminal table; piped text, JSON and
    CSV keep the actor ids."""
    rows = [tag_record(i + 1, text, t) for i, (text, t) in enumerate(zip(texts, tags))]
    columns = TAG_COLUMNS
    if actor_name is not None:
        columns = [c if c.key != "actors" else Column(
            "actors", "actors", style=ACTOR_STYLE, ratio=2,
            render=lambda ids: ", ".join(actor_name(a) for a in ids)) for c in TAG_COLUMNS]
    emit_rows(rows, columns, fmt)


# explanations ------------------------------------------------------------------------------

def _evidence(items: Sequence[Evidence]) -> list[dict[str, Any]]:
    return [{"text": e.text, "start": e.start, "end": e.end, "matched": e.matched,
             "weight": e.weight, "note": e.note} for e in items]


def explanation_record(text: str, tags: Tags, taxonomy: Taxonomy, *,
                       passage: Passage | None = None, n: int | None = None) -> dict[str, Any]:
    ex: Explanation = tags.explanation
    record: dict[str, Any] = {}
    if passage is not None:
        record["id"] = passage.uid
    if n is not None:
        record["n"] = n
    record.update({
        "kind": tags.kind, "sectors": list(tags.sectors), "actors": list(tags.actors),
        "kind_rule": ex.kind_rule,
        "kinds": [{"kind": k.kind, "score": k.score, "evidence": _evidence(k.evidence)}
                  for k in ex.kinds],
        "sector_scores": [{"sector": s.sector, "score": s.score, "tagged": s.tagged,
                           "reason": s.reason, "evidence": _evidence(s.evidence)}
                          for s in ex.sectors],
        "actor_mentions": [{"actor": a.actor, "name": taxonomy.actor_name(a.actor),
                            "tagged": a.tagged, "reason": a.reason,
                            "evidence": _evidence(a.evidence)} for a in ex.actors],
        "thresholds": dict(ex.thresholds),
    })
    if passage is not None:
        record["reviewed"] = {"kind": passage.kind, "sectors": list(passage.sectors),
                              "actors": list(passage.actors), "reviewed": passage.reviewed}
    record["text"] = text
    return record


def render_explanations(items: Sequence[tuple[str, Tags, Passage | None]], taxonomy: Taxonomy,
                        fmt: OutputFormat) -> None:
    """Each passage with why it got its tags (and what was considered but not tagged)."""
    records = [explanation_record(text, tags, taxonomy, passage=passage,
                                  n=None if passage is not None else i + 1)
               for i, (text, tags, passage) in enumerate(items)]
    console = out()
    if fmt is OutputFormat.json:
        console.file.write(to_json(records[0] if len(records) == 1 and items[0][2] is not None
                                   else records) + "\n")
        return
    if fmt in (OutputFormat.jsonl, OutputFormat.csv):
        if fmt is OutputFormat.jsonl:
            for record in records:
                console.file.write(to_json(record, indent=None) + "\n")
        else:
            emit_rows(_evidence_rows(records), EVIDENCE_COLUMNS, fmt)
        return
    for (text, tags, passage), record in zip(items, records):
        if is_terminal(console):
            console.print(_explanation_panel(text, tags, taxonomy, passage, record))
        else:
            _plain_explanation(text, tags, taxonomy, passage, record)


EVIDENCE_COLUMNS = [
    Column("passage", "passage"), Column("tag", "tag"), Column("value", "value"),
    Column("tagged", "tagged"), Column("score", "score"), Column("text", "text"),
    Column("matched", "matched"), Column("weight", "weight"), Column("note", "note"),
]


def _evidence_rows(records: list[dict]) -> list[dict]:
    """One row per piece of evidence (for CSV)."""
    rows = []
    for r in records:
        who = r.get("id") or r.get("n")
        for k in r["kinds"]:
            for e in k["evidence"]:
                rows.append({"passage": who, "tag": "kind", "value": k["kind"],
                             "tagged": r["kind"] == k["kind"], "score": k["score"], **_ev(e)})
        for s in r["sector_scores"]:
            for e in s["evidence"]:
                rows.append({"passage": who, "tag": "sector", "value": s["sector"],
                             "tagged": s["tagged"], "score": s["score"], **_ev(e)})
        for a in r["actor_mentions"]:
            for e in a["evidence"]:
                rows.append({"passage": who, "tag": "actor", "value": a["actor"],
                             "tagged": a["tagged"], "score": None, **_ev(e)})
    return rows


def _ev(e: dict) -> dict:
    return {"text": e["text"], "matched": e["matched"], "weight": e["weight"], "note": e["note"]}


def _highlighted(text: str, ex: Explanation, kind: str) -> Text:
    shown = lit(text)
    if literal(text) != text:
        return shown  # escapes moved the offsets: show it plain rather than misplaced
    for s in ex.sectors:
        if s.tagged:
            for e in s.evidence:
                shown.stylize(EVIDENCE_STYLES["sector"], e.start, e.end)
    for a in ex.actors:
        if a.tagged:
            for e in a.evidence:
                shown.stylize(EVIDENCE_STYLES["actor"], e.start, e.end)
    for k in ex.kinds:
        if k.kind == kind:
            for e in k.evidence:
                shown.stylize(EVIDENCE_STYLES[kind], e.start, e.end)
    return shown


def _weight(value: float) -> str:
    return f"{value:g}"


def _evidence_line(items: Sequence[Evidence]) -> Text:
    line = Text()
    for i, e in enumerate(items):
        if i:
            line.append("; ")
        line.append(literal(e.text), style="bold")
        if e.matched.lower() != e.text.lower():
            line.append(f" ~ {literal(e.matched)}", style="dim")
        line.append(f" {_weight(e.weight)}")
        if e.note:
            line.append(f" ({literal(e.note)})", style="dim")
    return line


def _explanation_panel(text: str, tags: Tags, taxonomy: Taxonomy, passage: Passage | None,
                       record: dict) -> Panel:
    ex = tags.explanation
    parts: list[Any] = [_highlighted(text, ex, tags.kind), Text("")]
    head = Text("kind: ", style="bold")
    head.append_text(kind_text(tags.kind))
    head.append(f" — {literal(ex.kind_rule)}", style="dim")
    parts.append(head)
    kinds = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    kinds.add_column("cues for")
    kinds.add_column("score", justify="right")
    kinds.add_column("evidence (words ~ cue, weight, why)", ratio=1)
    for k in ex.kinds:
        kinds.add_row(kind_text(k.kind), _weight(k.score),
                      _evidence_line(k.evidence) if k.evidence else Text("none", style="dim"))
    parts.append(kinds)
    parts.append(Text(""))
    sectors = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    sectors.add_column("sector")
    sectors.add_column("score", justify="right")
    sectors.add_column("tagged")
    sectors.add_column("evidence (words ~ keyword, weight, why)", ratio=1)
    for s in ex.sectors:
        sectors.add_row(Text(s.sector, style=SECTOR_STYLE if s.tagged else "dim"),
                        _weight(s.score),
                        Text("yes" + (f": {literal(s.reason)}" if not s.evidence and s.reason
                                      else ""), style="green") if s.tagged else
                        Text("no: " + literal(s.reason), style="dim"),
                        _evidence_line(s.evidence))
    if not ex.sectors:
        sectors.add_row(Text("none", style="dim"), "", "", Text("no sector keyword found",
                                                                 style="dim"))
    parts.append(sectors)
    parts.append(Text(""))
    actors = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    actors.add_column("actor")
    actors.add_column("tagged")
    actors.add_column("mentions", ratio=1)
    for a in ex.actors:
        actors.add_row(Text(literal(taxonomy.actor_name(a.actor)),
                            style=ACTOR_STYLE if a.tagged else "dim"),
                       Text("yes", style="green") if a.tagged else
                       Text("no: " + literal(a.reason), style="dim"),
                       _evidence_line(a.evidence))
    if not ex.actors:
        actors.add_row(Text("none", style="dim"), "", Text("no actor named", style="dim"))
    parts.append(actors)
    if passage is not None:
        parts.append(Text(""))
        parts.append(_reviewed_line(passage, tags))
    title = Text(f" why: {passage.uid} " if passage is not None else f" why: #{record['n']} ",
                 style="bold")
    return Panel(Group(*parts), title=title, title_align="left", border_style="cyan")


def _reviewed_line(passage: Passage, tags: Tags) -> Text:
    line = Text("stored tags" + (" (reviewed): " if passage.reviewed else " (machine): "),
                style="bold")
    line.append(f"{passage.kind}; sectors: {', '.join(passage.sectors) or '-'}; "
                f"actors: {', '.join(passage.actors) or '-'}")
    diffs = []
    if passage.kind != tags.kind:
        diffs.append(f"kind {passage.kind} → {tags.kind}")
    gold, guess = set(passage.sectors), set(tags.sectors)
    if gold != guess:
        diffs.append("sectors " + _plus_minus(gold, guess))
    gold, guess = set(passage.actors), set(tags.actors)
    if gold != guess:
        diffs.append("actors " + _plus_minus(gold, guess))
    if diffs:
        line.append("\nthe tagger differs: " + "; ".join(diffs), style="yellow")
    else:
        line.append("\nthe tagger agrees", style="green")
    return line


def _plus_minus(old: set[str], new: set[str]) -> str:
    items = [f"+{x}" for x in sorted(new - old)] + [f"-{x}" for x in sorted(old - new)]
    return " ".join(items)


def _plain_explanation(text: str, tags: Tags, taxonomy: Taxonomy, passage: Passage | None,
                       record: dict) -> None:
    ex = tags.explanation
    w = out().file.write
    w(f"{passage.uid if passage is not None else '#' + str(record['n'])}\n")
    w(literal(text) + "\n")
    w(f"kind: {tags.kind} ({literal(ex.kind_rule)})\n")
    for k in ex.kinds:
        w(f"  {k.kind} {_weight(k.score)}: {literal(_evidence_line(k.evidence).plain) or '-'}\n")
    w("sectors:\n")
    for s in ex.sectors:
        state = ("tagged" + (f": {s.reason}" if not s.evidence and s.reason else "")) \
            if s.tagged else f"not tagged: {s.reason}"
        w(f"  {s.sector} {_weight(s.score)} ({literal(state)}): "
          f"{literal(_evidence_line(s.evidence).plain)}\n")
    if not ex.sectors:
        w("  none\n")
    w("actors:\n")
    for a in ex.actors:
        state = "tagged" if a.tagged else f"not tagged: {a.reason}"
        w(f"  {a.actor} ({literal(state)}): {literal(_evidence_line(a.evidence).plain)}\n")
    if not ex.actors:
        w("  none\n")
    if passage is not None:
        w(_reviewed_line(passage, tags).plain + "\n")
    w("\n")


# brief retag -------------------------------------------------------------------------------

def change_record(change: Change) -> dict[str, Any]:
    return {"id": change.passage, "article": change.article, "changes": list(change.fields),
            "kind": {"old": change.old_kind, "new": change.new_kind},
            "sectors": {"old": list(change.old_sectors), "new": list(change.new_sectors)},
            "actors": {"old": list(change.old_actors), "new": list(change.new_actors)}}


def _arrow(old: Sequence[str] | str, new: Sequence[str] | str, changed: bool) -> Text:
    if isinstance(old, str):
        if not changed:
            return Text(old, style="dim")
        t = kind_text(old)
        t.append(" → ")
        t.append_text(kind_text(new))
        return t
    if not changed:
        return Text(", ".join(old) or "-", style="dim")
    t = Text()
    kept = [x for x in new if x in old]
    t.append(", ".join(kept))
    for x in new:
        if x not in old:
            t.append((" " if len(t) else "") + "+" + x, style="green")
    for x in old:
        if x not in new:
            t.append((" " if len(t) else "") + "-" + x, style="red")
    return t


def render_retag(plan: RetagPlan, fmt: OutputFormat) -> None:
    records = [change_record(c) for c in plan.changes]
    if fmt is OutputFormat.json:
        out().file.write(to_json(records) + "\n")
        return
    if fmt is OutputFormat.jsonl:
        for record in records:
            out().file.write(to_json(record, indent=None) + "\n")
        return
    rows = []
    for c in plan.changes:
        fields = c.fields
        rows.append({
            "id": c.passage,
            "kind": _arrow(c.old_kind, c.new_kind, "kind" in fields),
            "sectors": _arrow(c.old_sectors, c.new_sectors, "sectors" in fields),
            "actors": _arrow(c.old_actors, c.new_actors, "actors" in fields),
        })
    if fmt is OutputFormat.csv or not is_terminal():
        flat = [{"id": c.passage,
                 "kind": f"{c.old_kind} -> {c.new_kind}" if c.old_kind != c.new_kind
                 else c.old_kind,
                 "sectors": _plain_diff(c.old_sectors, c.new_sectors),
                 "actors": _plain_diff(c.old_actors, c.new_actors)} for c in plan.changes]
        emit_rows(flat, DIFF_COLUMNS, fmt)
        return
    emit_rows(rows, [Column("id", "passage", style="cyan", no_wrap=True),
                     Column("kind", "kind", render=lambda v: v),
                     Column("sectors", "sectors", render=lambda v: v, ratio=2),
                     Column("actors", "actors", render=lambda v: v, ratio=2)], fmt,
              title="Retag: old → new (+ added, - removed)")


DIFF_COLUMNS = [Column("id", "passage"), Column("kind", "kind"), Column("sectors", "sectors"),
                Column("actors", "actors")]


def _plain_diff(old: Sequence[str], new: Sequence[str]) -> str:
    if set(old) == set(new):
        return ", ".join(old)
    return (", ".join(old) or "-") + " -> " + (", ".join(new) or "-")


# brief eval --------------------------------------------------------------------------------

def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def prf_record(group: str, r: PRF) -> dict[str, Any]:
    return {"group": group, "label": r.label, "support": r.support, "predicted": r.predicted,
            "tp": r.true_positives, "fp": r.false_positives, "fn": r.false_negatives,
            "precision": _round(r.precision), "recall": _round(r.recall), "f1": _round(r.f1)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def eval_record(report: EvalReport) -> dict[str, Any]:
    """The report as JSON; a part the labels do not cover (no kinds, no sectors) is null."""
    micro = report.sectors_micro
    return {
        "passages": report.passages, "articles": report.articles,
        "kind": None if report.kind_accuracy is None else {
            "accuracy": _round(report.kind_accuracy), "kappa": _round(report.kappa),
            "confusion": report.confusion,
            "per_kind": [prf_record("kind", r) for r in report.kinds]},
        "sectors": None if micro is None else {
            "micro": prf_record("sectors", micro),
            "macro_f1": _round(report.sectors_macro_f1),
            "macro_f1_min10": _round(report.macro_f1(10)),
            "no_sector": report.unsectored,
            "per_sector": [prf_record("sector", r) for r in report.sectors]},
        "actors": None if report.actors_micro is None else {
            "micro": prf_record("actors", report.actors_micro)},
        "disagreements": [
            {"id": d.passage, "reviewed_kind": d.reviewed_kind or None,
             "tagged_kind": d.tagged_kind,
             "missing_sectors": list(d.missing_sectors), "extra_sectors": list(d.extra_sectors),
             "missing_actors": list(d.missing_actors), "extra_actors": list(d.extra_actors)}
            for d in report.disagreements],
    }


PRF_COLUMNS = [
    Column("group", "group"), Column("label", "label", style="bold"),
    Column("support", "reviewed", justify="right"), Column("predicted", "tagged", justify="right"),
    Column("tp", "agree", justify="right"),
    Column("precision", "precision", justify="right", render=_score),
    Column("recall", "recall", justify="right", render=_score),
    Column("f1", "F1", justify="right", render=_score),
]


def _rows(report: EvalReport) -> list[dict[str, Any]]:
    rows = [prf_record("kind", r) for r in report.kinds]
    rows += [prf_record("sector", r) for r in report.sectors]
    if report.sectors_micro is not None:
        rows.append(prf_record("sectors", report.sectors_micro))
    if report.actors_micro is not None:
        rows.append(prf_record("actors", report.actors_micro))
    return rows


def _summary(report: EvalReport, what: str) -> list[tuple[str, str]]:
    unit = "article" if what == "reviewed" else "document"
    summary = [(f"{what} passages", f"{report.passages} in {report.articles} "
                                    f"{unit}{'s' * (report.articles != 1)}")]
    if report.kind_accuracy is not None:
        summary += [("kind accuracy", _score(report.kind_accuracy)),
                    ("kind Cohen's kappa", _score(report.kappa))]
    micro = report.sectors_micro
    if micro is not None:
        summary += [
            ("sectors micro P / R / F1", " / ".join(_score(v) for v in (
                micro.precision, micro.recall, micro.f1))),
            ("sectors macro F1", _score(report.sectors_macro_f1))]
        if report.macro_f1(10) is not None and any(r.support < 10 for r in report.sectors):
            summary.append(("… over sectors with ≥10", _score(report.macro_f1(10))))
        if report.unsectored:
            summary.append(("labelled, tagged no sector", str(report.unsectored)))
    if report.actors_micro is not None:
        summary.append(("actors P / R / F1", " / ".join(_score(v) for v in (
            report.actors_micro.precision, report.actors_micro.recall,
            report.actors_micro.f1))))
    return summary


def render_eval(report: EvalReport, fmt: OutputFormat, *, disagreements: bool = False,
                title: str = "reviewed") -> None:
    console = out()
    if fmt is OutputFormat.json:
        console.file.write(to_json(eval_record(report)) + "\n")
        return
    if fmt in (OutputFormat.jsonl, OutputFormat.csv):
        emit_rows(_rows(report), PRF_COLUMNS, fmt)
        return
    summary = _summary(report, title)
    if not is_terminal(console):
        w = console.file.write
        for key, value in summary:
            w(f"{key}\t{value}\n")
        if report.confusion:
            w(f"\nconfusion (rows {title}, columns tagged)\t" + "\t".join(KINDS) + "\n")
            for gold in KINDS:
                w(gold + "\t" + "\t".join(str(report.confusion[gold][k]) for k in KINDS)
                  + "\n")
        w("\n")
        emit_rows(_rows(report), PRF_COLUMNS, fmt)
        if disagreements:
            w("\n")
            emit_rows(_disagreement_rows(report), DISAGREEMENT_COLUMNS, fmt)
        return
    table = Table(title=f"Tagger vs {title} tags", title_justify="left", show_header=False,
                  box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for key, value in summary:
        table.add_row(key, value)
    console.print(table)
    if not report.confusion:
        emit_rows(_rows(report), PRF_COLUMNS, fmt, title="Precision, recall and F1")
        if disagreements:
            emit_rows(_disagreement_rows(report), DISAGREEMENT_COLUMNS, fmt,
                      title="Disagreements")
        return
    confusion = Table(title=f"Kind confusion (rows: {title}, columns: tagger)",
                      title_justify="left", header_style="bold", pad_edge=False)
    confusion.add_column("reviewed \\ tagged")
    for k in KINDS:
        confusion.add_column(k, justify="right")
    for gold in KINDS:
        confusion.add_row(kind_text(gold), *(
            Text(str(report.confusion[gold][k]), style="bold" if gold == k else "")
            for k in KINDS))
    console.print(confusion)
    emit_rows(_rows(report), PRF_COLUMNS, fmt, title="Precision, recall and F1")
    if disagreements:
        emit_rows(_disagreement_rows(report), DISAGREEMENT_COLUMNS, fmt, title="Disagreements")


DISAGREEMENT_COLUMNS = [
    Column("id", "passage", style="cyan", no_wrap=True), Column("kind", "kind"),
    Column("sectors", "sectors (-missed +extra)"), Column("actors", "actors (-missed +extra)"),
]


def _disagreement_rows(report: EvalReport) -> list[dict[str, Any]]:
    rows = []
    for d in report.disagreements:
        rows.append({
            "id": d.passage,
            "kind": d.reviewed_kind if d.reviewed_kind in ("", d.tagged_kind)
            else f"{d.reviewed_kind} -> {d.tagged_kind}",
            "sectors": " ".join([f"-{s}" for s in d.missing_sectors]
                                + [f"+{s}" for s in d.extra_sectors]),
            "actors": " ".join([f"-{s}" for s in d.missing_actors]
                               + [f"+{s}" for s in d.extra_actors]),
        })
    return rows
