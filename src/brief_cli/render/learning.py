"""Output of ``brief eval --cross-validate``: the plain and the learned tagger side by side."""

from __future__ import annotations

from typing import Any

from brief_cli.render.common import Column, emit_rows, is_terminal, out, to_json
from brief_cli.render.formats import OutputFormat


def _f(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def cv_record(cv) -> dict[str, Any]:
    from brief_cli.render.tagging import eval_record

    return {"folds": cv.folds, "by_article": cv.by_article, "reviewed": cv.reviewed,
            "base": eval_record(cv.base), "learned": eval_record(cv.learned)}


def cv_rows(cv) -> list[dict[str, Any]]:
    base, learned = cv.base, cv.learned

    def row(group, label, b, l, support=None):
        return {"group": group, "label": label, "support": support, "base": _f(b),
                "learned": _f(l), "change": _f(None if b is None or l is None else l - b)}

    rows = [row("kind", "accuracy", base.kind_accuracy, learned.kind_accuracy, base.passages),
            row("kind", "kappa", base.kappa, learned.kappa),
            row("sectors", "macro F1", base.sectors_macro_f1, learned.sectors_macro_f1),
            row("sectors", "micro F1", base.sectors_micro.f1, learned.sectors_micro.f1,
                base.sectors_micro.support),
            row("sectors", "micro precision", base.sectors_micro.precision,
                learned.sectors_micro.precision),
            row("sectors", "micro recall", base.sectors_micro.recall,
                learned.sectors_micro.recall)]
    by_label = {r.label: r for r in learned.sectors}
    for r in base.sectors:
        lr = by_label.get(r.label)
        for what in ("precision", "recall", "f1"):
            rows.append(row(f"sector {what if what != 'f1' else 'F1'}", r.label,
                            getattr(r, what), getattr(lr, what) if lr else None, r.support))
    base_labels = {r.label for r in base.sectors}
    for r in learned.sectors:
        if r.label not in base_labels:
            rows.append(row("sector F1", r.label, None, r.f1, r.support))
    return rows


COLUMNS = [
    Column("group", "measure"), Column("label", "of", style="bold"),
    Column("support", "reviewed", justify="right"),
    Column("base", "tagger", justify="right"), Column("learned", "learned", justify="right"),
    Column("change", "change", justify="right"),
]


def render_cross_validation(cv, fmt: OutputFormat) -> None:
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.json:
        out().file.write(to_json(cv_record(cv)) + "\n")
        return
    rows = cv_rows(cv)
    if fmt is OutputFormat.table and is_terminal():
        # per-sector F1 only on screen; precision and recall are in json/csv
        rows = [r for r in rows if not r["group"].startswith("sector ") or r["group"] ==
                "sector F1"]
    emit_rows(rows, COLUMNS, fmt,
              title=f"{cv.folds}-fold cross-validation over {cv.reviewed} reviewed passages"
                    + (" (folds of whole articles)" if cv.by_article else "")
                    + ": each fold learned from the others")
