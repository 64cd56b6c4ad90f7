"""Rendering for ``compare``, ``trends`` and ``kwic``: diverging share bars, sparklines and an
aligned concordance that fit the terminal, and the same numbers as json, csv or Markdown."""

from __future__ import annotations

import math
from typing import Any

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from brief_cli.analysis.compare import Comparison, KeyTerm, ShareDiff
from brief_cli.analysis.kwic import Concordance
from brief_cli.analysis.trends import Trends
from brief_cli.render.common import (
    Column, OutputFormat, emit_rows, is_terminal, literal, out, to_json,
)

SPARKS = "▁▂▃▄▅▆▇█"
ZERO = "·"
MIN_CONTEXT = 25  # below this much context per side, ids go on lines of their own  # an empty period: visibly nothing, not the smallest bar


def sparkline(values: list[float] | tuple[float, ...], top: float | None = None) -> str:
    """One character per value, scaled to ``top`` (default: the largest value); 0 is a dot."""
    top = max(values, default=0) if top is None else top
    out_chars = []
    for v in values:
        if v <= 0 or top <= 0:
            out_chars.append(ZERO)
        else:  # eight levels, each an eighth of the top (a value > 0 is never blank)
            level = min(len(SPARKS), max(1, math.ceil(v / top * len(SPARKS) - 1e-9)))
            out_chars.append(SPARKS[level - 1])
    return "".join(out_chars)


def _bins(values: list[float], width: int) -> list[float]:
    """Values summed into at most ``width`` consecutive bins (long month ranges)."""
    if len(values) <= width:
        return list(values)
    size = -(-len(values) // width)
    return [sum(values[i:i + size]) for i in range(0, len(values), size)]


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _filters_text(query: str, filters) -> str:
    from brief_cli.analysis.source import describe

    return describe(query, filters)


# trends --------------------------------------------------------------------------------------

def trend_rows(t: Trends) -> list[dict]:
    """Long rows, one per series and period: what a spreadsheet pivots."""
    rows = []
    for s in t.series:
        for i, period in enumerate(t.periods):
            rows.append({"period": period, "series": s.key, "label": s.label,
                         "count": s.counts[i], "share": round(t.share(s, i), 4),
                         "period_passages": t.period_totals[i]})
    return rows


def render_trends(t: Trends, fmt: OutputFormat, *, share: bool = False) -> None:
    console = out()
    if fmt is not OutputFormat.table:
        emit_rows(trend_rows(t), [Column(k, k) for k in (
            "period", "series", "label", "count", "share", "period_passages")], fmt)
        return

    def value(s, i):
        return t.share(s, i) if share else s.counts[i]

    def cell(s, i) -> str:
        return f"{t.share(s, i) * 100:.0f}%" if share else f"{s.counts[i]:,}"

    if not is_terminal(console):
        f = console.file
        f.write("\t".join(["series", "label", "total", *t.periods]) + "\n")
        f.write("\t".join(["(passages)", "passages", str(sum(t.period_totals)),
                           *map(str, t.period_totals)]) + "\n")
        for s in t.series:
            vals = [str(round(t.share(s, i), 4)) if share else str(s.counts[i])
                    for i in range(len(t.periods))]
            f.write("\t".join([s.key, literal(s.label), str(s.total), *vals]) + "\n")
        f.flush()
        return
    width = console.width
    what = {"sectors": "Sectors", "kinds": "Kinds", "actors": "Actors",
            "hits": "Passages found"}[t.of]
    span = f"{t.periods[0]}–{t.periods[-1]}" if t.periods else ""
    described = _filters_text(t.query, t.filters)
    title = f"{what} by {t.by}, {span} · {t.passages:,} passages" + (
        f" ({described})" if described else "")
    console.print(Text(literal(title), style="italic"), soft_wrap=False, crop=True)
    label_w = min(24, max([len(s.label) for s in t.series] + [14]))
    total_w = max(5, len(f"{max([s.total for s in t.series] + [0]):,}"))
    fixed = label_w + total_w + 4
    n = len(t.periods)
    col_w = max(max((len(cell(s, i)) for s in t.series for i in range(n)), default=1),
                max((len(p) for p in t.periods), default=4))
    spark_w = min(n, max(8, width - fixed - 2))
    show_periods = fixed + spark_w + 2 + n * (col_w + 1) <= width
    table = Table(box=None, header_style="bold", pad_edge=False, show_edge=False)
    table.add_column("", no_wrap=True, max_width=label_w, overflow="ellipsis")
    table.add_column("total", justify="right", no_wrap=True)
    table.add_column(span if not show_periods else "trend", no_wrap=True)
    if show_periods:
        for p in t.periods:
            table.add_column(p, justify="right", no_wrap=True)
    for s in t.series:
        vals = [value(s, i) for i in range(n)]
        spark = sparkline(_bins(vals, spark_w))
        row = [Text(literal(s.label)), f"{s.total:,}", Text(spark, style="cyan")]
        if show_periods:
            row += [Text(cell(s, i), style="dim" if not s.counts[i] else "") for i in range(n)]
        table.add_row(*row)
    base = [float(x) for x in t.period_totals]
    row = [Text("(all passages)", style="dim"), Text(f"{sum(t.period_totals):,}", style="dim"),
           Text(sparkline(_bins(base, spark_w)), style="dim")]
    if show_periods:
        row += [Text(f"{x:,}", style="dim") for x in t.period_totals]
    table.add_row(*row)
    console.print(table)
    notes = []
    if t.hidden:
        notes.append(f"{t.hidden:,} more series with fewer passages (--top).")
    if not show_periods:
        notes.append(f"{n} {t.by}s in {spark_w} characters: widen the terminal or use "
                     "--format csv for every number.")
    notes.append("Shares: of each period's passages (--share)." if share else
                 "Each sparkline is scaled to its own peak; · is an empty period.")
    console.print(Text(" ".join(notes), style="dim"), crop=False)


# kwic ----------------------------------------------------------------------------------------

def _left_cells(text: str, cells: int) -> str:
    """The last ``cells`` terminal cells of text, padded on the left."""
    out_chars: list[str] = []
    used = 0
    for ch in reversed(text):
        w = cell_len(ch)
        if used + w > cells:
            break
        out_chars.append(ch)
        used += w
    return " " * (cells - used) + "".join(reversed(out_chars))


def _right_cells(text: str, cells: int) -> str:
    out_chars: list[str] = []
    used = 0
    for ch in text:
        w = cell_len(ch)
        if used + w > cells:
            break
        out_chars.append(ch)
        used += w
    return "".join(out_chars) + " " * (cells - used)


def kwic_rows(c: Concordance, width: int) -> list[dict]:
    return [{"id": line.uid, "article": line.article_id, "passage": line.passage_id,
             "published": line.published, "kind": line.kind,
             "left": line.left[-width:].strip(), "match": line.match,
             "right": line.right[:width].strip(), "start": line.start, "end": line.end}
            for line in c.lines]


def render_kwic(c: Concordance, fmt: OutputFormat, *, width: int | None = None,
                limit: int | None = None) -> None:
    console = out()
    lines = c.lines if limit is None else c.lines[:limit]
    if fmt is not OutputFormat.table:
        shown = Concordance(c.query, lines, c.passages, c.filters, c.sort)
        emit_rows(kwic_rows(shown, width or 60), [Column(k, k) for k in (
            "id", "article", "passage", "published", "kind", "left", "match", "right",
            "start", "end")], fmt)
        return
    terminal = is_terminal(console)
    total = console.width if terminal else 10_000
    matches = [literal(line.match) for line in lines]
    match_w = min(max((cell_len(m) for m in matches), default=1), max(8, total // 4))
    uids = [literal(line.uid) for line in lines]
    # Ids are never cut. An id that would leave less than MIN_CONTEXT (or --width) characters
    # of context on each side goes on a line of its own above its concordance line; the
    # others stay at the end of theirs, so a few long ids do not double every line ...
    room = total - match_w - 4 - 2 * (width if width is not None else MIN_CONTEXT)
    fitting = [cell_len(u) for u in uids if cell_len(u) <= room] if terminal else []
    # ... when most do: lines that alternate between the two layouts read worse than either
    uid_w = max(fitting) if fitting and 4 * len(fitting) >= 3 * len(uids) else 0
    inline = terminal and uid_w > 0
    if width is not None:
        ctx = width
        if terminal and not inline:
            ctx = min(ctx, max(5, (total - match_w - 2) // 2))
    elif terminal:
        ctx = max(10, (total - uid_w - match_w - 4) // 2) if inline else \
            max(5, (total - match_w - 2) // 2)
    else:
        ctx = 40
    f = console.file
    for line, match in zip(lines, matches):
        left = _left_cells(literal(line.left), ctx)
        m = match if cell_len(match) <= match_w else _right_cells(match, match_w - 1) + "…"
        right = _right_cells(literal(line.right), ctx + match_w - cell_len(m))
        uid = literal(line.uid)
        if not terminal:
            f.write(f"{left} {m} {right}  {uid}\n")
            continue
        text = Text()
        above = not inline or cell_len(uid) > uid_w
        if above:
            console.print(Text(uid, style="dim"), soft_wrap=True)
        text.append(left)
        text.append(" ")
        text.append(m, style="bold yellow")
        text.append(" ")
        text.append(right)
        if not above:
            text.append("  ")
            text.append(uid, style="dim")
        console.print(text, soft_wrap=True)
    f.flush()


# compare -------------------------------------------------------------------------------------

def _sig(d: ShareDiff) -> str:
    if d.p_adjusted < 0.001:
        return "***"
    if d.p_adjusted < 0.01:
        return "**"
    if d.p_adjusted < 0.05:
        return "*"
    return ""


def _p(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _p_test(d: ShareDiff) -> str:
    """The adjusted p, marked † when it comes from Fisher's exact test."""
    return _p(d.p_adjusted) + ("†" if d.test == "fisher" else "")


def _diff_record(section: str, d: ShareDiff) -> dict:
    return {"section": section, "key": d.key, "label": d.label, "a_count": d.a_count,
            "b_count": d.b_count, "a_value": round(d.a_share, 4), "b_value": round(d.b_share, 4),
            "difference": round(d.diff, 4), "test": d.test,
            "statistic": round(d.z, 3) if d.test == "z" else None,
            "p": round(d.p, 6), "p_adjusted": round(d.p_adjusted, 6)}


def _term_record(t: KeyTerm) -> dict:
    return {"section": f"terms_{t.side}", "key": t.stem, "label": t.term,
            "a_count": t.a_count, "b_count": t.b_count, "a_value": round(t.a_per_10k, 2),
            "b_value": round(t.b_per_10k, 2), "difference": round(t.log_ratio, 3),
            "test": "G2", "statistic": round(t.g2, 3), "p": None, "p_adjusted": None}


def compare_records(c: Comparison) -> list[dict]:
    """Long rows: shares (a_value, b_value are shares; difference in share), terms (per 10,000
    words; difference is the Log Ratio), what only one side has, and example passages."""
    rows = [_diff_record("kinds", d) for d in c.kinds]
    rows += [_diff_record("sectors", d) for d in c.sectors]
    rows += [_diff_record("actors", d) for d in c.actors]
    rows += [_term_record(t) for t in c.terms_a + c.terms_b]
    empty = {"a_value": None, "b_value": None, "difference": None, "test": None,
             "statistic": None, "p": None, "p_adjusted": None}
    for section, items, side in (("only_sectors", c.only_a_sectors, "a"),
                                 ("only_sectors", c.only_b_sectors, "b"),
                                 ("only_actors", c.only_a_actors, "a"),
                                 ("only_actors", c.only_b_actors, "b")):
        for key, n in items:
            rows.append({"section": f"{section}_{side}", "key": key, "label": key,
                         "a_count": n if side == "a" else 0,
                         "b_count": n if side == "b" else 0, **empty})
    for e in c.examples:
        rows.append({"section": f"examples_{e.side}", "key": e.key, "label": ";".join(e.uids),
                     "a_count": None, "b_count": None, **empty})
    return rows


def compare_json(c: Comparison) -> dict:
    from dataclasses import asdict

    def side(s):
        d = asdict(s)
        d["filters"] = s.filters.describe()
        return d

    def diff(d: ShareDiff):
        r = asdict(d)
        r["difference"] = d.diff
        r["significant"] = d.significant
        return r

    return {
        "a": side(c.a), "b": side(c.b), "overlap": c.overlap,
        "shared_filters": c.filters.describe(),
        "method": {
            "shares": "two-proportion z-test (pooled), or Fisher's exact test (test: fisher) "
                      "where a cell of the 2x2 table expects fewer than 5 passages; "
                      "Holm-adjusted; significant below 0.05",
            "terms": "log-likelihood G2 >= 3.84 (p < 0.05); effect size Log Ratio (log2)",
        },
        "kinds": [diff(d) for d in c.kinds],
        "sectors": [diff(d) for d in c.sectors],
        "actors": [diff(d) for d in c.actors],
        "terms_a": [asdict(t) for t in c.terms_a],
        "terms_b": [asdict(t) for t in c.terms_b],
        "only_a": {"sectors": dict(c.only_a_sectors), "actors": dict(c.only_a_actors)},
        "only_b": {"sectors": dict(c.only_b_sectors), "actors": dict(c.only_b_actors)},
        "examples": [asdict(e) for e in c.examples],
    }


def _side_line(key: str, s) -> str:
    text = f"{key}: {s.name} — {_plural(s.passages, 'passage')} in {_plural(s.articles, 'article')}"
    if s.sampled < s.passages:
        text += f" (terms from a sample of {s.sampled:,})"
    return text


def render_compare(c: Comparison, fmt: str, actor_name=None) -> None:
    """``actor_name`` gives the names people read (the terminal and Markdown views); JSON and
    CSV keep the ids."""
    console = out()
    if fmt == "json":
        console.file.write(to_json(compare_json(c)) + "\n")
        console.file.flush()
        return
    if fmt == "csv":
        rows = compare_records(c)
        emit_rows(rows, [Column(k, k) for k in rows[0]] if rows else [], OutputFormat.csv)
        return
    if fmt == "md":
        console.file.write(compare_markdown(c, actor_name))
        console.file.flush()
        return
    _compare_terminal(c, console, actor_name)


def diverging(a: float, b: float, top: float, half: int) -> Text:
    """A's bar growing left of the axis, B's growing right, both scaled to ``top``."""
    def cells(x: float) -> int:
        return 0 if top <= 0 else round(min(x / top, 1.0) * half)
    la, lb = cells(a), cells(b)
    text = Text(" " * (half - la))
    text.append("█" * la, style="blue")
    text.append("│", style="dim")
    text.append("▒" * lb, style="magenta")
    text.append(" " * (half - lb))
    return text


def _named(items, name) -> list[tuple[str, int]]:
    return [(name(k), n) for k, n in items] if name is not None else list(items)


def _compare_terminal(c: Comparison, console, actor_name=None) -> None:
    width = console.width
    console.print(Text(literal(_side_line("A", c.a)), style="bold blue"), soft_wrap=True)
    console.print(Text(literal(_side_line("B", c.b)), style="bold magenta"), soft_wrap=True)
    extra = []
    if c.overlap:
        extra.append(f"{c.overlap:,} passages are on both sides.")
    shared = _filters_text("", c.filters)
    if shared:
        extra.append(f"Both sides: {shared}.")
    if c.identical:
        extra.append("The two sides are the same passages: there is no difference to find.")
    if extra:
        console.print(Text(literal(" ".join(extra)), style="dim"), soft_wrap=True)

    # Sector shares: a diverging bar per sector.
    console.print()
    console.print(Text("Sector shares (of each side's passages)", style="bold"))
    label_w = min(22, max([len(d.label) for d in c.sectors] + [6]))
    fixed = label_w + 6 + 6 + 6 + 6 + 3 + 2 * 6 + 1  # label, A, B, A−B, p, stars, gaps, axis
    half = max(4, min(20, (width - fixed) // 2))
    top = max([max(d.a_share, d.b_share) for d in c.sectors] + [0.0])
    table = Table(box=None, header_style="bold", pad_edge=False, show_edge=False)
    table.add_column("sector", no_wrap=True, max_width=label_w, overflow="ellipsis")
    table.add_column("A", justify="right", no_wrap=True)
    table.add_column(Text("◀ A".ljust(half) + "│" + "B ▶".rjust(half)), no_wrap=True)
    table.add_column("B", justify="right", no_wrap=True)
    table.add_column("A−B", justify="right", no_wrap=True)
    table.add_column("p", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for d in c.sectors:
        table.add_row(Text(literal(d.label)), _pct(d.a_share), diverging(d.a_share, d.b_share,
                                                                         top, half),
                      _pct(d.b_share), f"{d.diff * 100:+.1f}", _p_test(d),
                      Text(_sig(d), style="bold"))
    console.print(table)
    console.print(Text("A−B in percentage points; p: two-proportion z-test (†: Fisher's exact "
                       "test, where a count expected is below 5), Holm-adjusted over the sectors "
                       "(* p<0.05, ** p<0.01, *** p<0.001).", style="dim"))

    console.print()
    kinds = Table(title="Kinds", title_justify="left", title_style="bold", box=None,
                  header_style="bold", pad_edge=False, show_edge=False)
    for name, just in (("kind", "left"), ("A", "right"), ("", "right"), ("B", "right"),
                       ("", "right"), ("A−B", "right"), ("p", "right"), ("", "left")):
        kinds.add_column(name, justify=just, no_wrap=True)
    for d in c.kinds:
        kinds.add_row(d.label, f"{d.a_count:,}", _pct(d.a_share), f"{d.b_count:,}",
                      _pct(d.b_share), f"{d.diff * 100:+.1f}", _p_test(d),
                      Text(_sig(d), style="bold"))
    console.print(kinds)

    for key, terms, side in (("A", c.terms_a, c.a), ("B", c.terms_b, c.b)):
        console.print()
        head = Text(f"Terms distinctive of {key} ", style="bold")
        head.append(literal(f"({side.name})"), style="dim")
        console.print(head, soft_wrap=True)
        if not terms:
            console.print(Text("  none significant (G2 ≥ 3.84)", style="dim"))
            continue
        table = Table(box=None, header_style="bold", pad_edge=False, show_edge=False)
        for name, just in (("term", "left"), ("A /10k", "right"), ("B /10k", "right"),
                           ("G2", "right"), ("log ratio", "right")):
            table.add_column(name, justify=just, no_wrap=True)
        for t in terms:
            table.add_row(Text(literal(t.term)), f"{t.a_per_10k:.1f}", f"{t.b_per_10k:.1f}",
                          f"{t.g2:.1f}", f"{t.log_ratio:+.2f}")
        console.print(table)
    console.print(Text("Per 10,000 content words; G2: log-likelihood (3.84: p<0.05, 10.83: "
                       "p<0.001); log ratio: log2 of the relative frequencies (1 = twice as "
                       "frequent).", style="dim"))

    only = [("sectors only in A", c.only_a_sectors), ("sectors only in B", c.only_b_sectors),
            ("actors only in A", _named(c.only_a_actors[:12], actor_name)),
            ("actors only in B", _named(c.only_b_actors[:12], actor_name))]
    if any(items for _, items in only):
        console.print()
        for name, items in only:
            if items:
                line = Text(f"{name}: ", style="bold")
                line.append(literal(", ".join(f"{k} ({n})" for k, n in items)))
                console.print(line)
    if c.examples:
        console.print()
        console.print(Text("Passages behind the biggest differences", style="bold"))
        for e in c.examples:
            line = Text(f"{e.label} (more in {e.side.upper()}): ")
            line.append(literal(", ".join(e.uids)), style="cyan")
            console.print(line)  # ids wrap between ids, never inside one
        console.print(Text("Read them with: brief show ID", style="dim"))


def compare_markdown(c: Comparison, actor_name=None) -> str:
    def esc(text: Any) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = [f"# Comparison: {esc(c.a.name)} vs {esc(c.b.name)}", "",
             "- **A**: " + esc(_side_line("A", c.a)[3:]),
             "- **B**: " + esc(_side_line("B", c.b)[3:])]
    if c.overlap:
        lines.append(f"- {c.overlap:,} passages are on both sides")
    shared = _filters_text("", c.filters)
    if shared:
        lines.append(f"- both sides: {esc(shared)}")
    lines += ["", "## Sector shares", "",
              "Share of each side's passages; difference in percentage points; p from a "
              "two-proportion z-test (†: Fisher's exact test, where a count expected is below "
              "5; no z), Holm-adjusted over the sectors.", "",
              "| sector | A | B | A−B (pp) | z | p (adj.) |", "|---|---:|---:|---:|---:|---:|"]
    for d in c.sectors:
        lines.append(f"| {esc(d.label)} | {d.a_count} ({_pct(d.a_share)}) | {d.b_count} "
                     f"({_pct(d.b_share)}) | {d.diff * 100:+.1f} | "
                     f"{f'{d.z:.2f}' if d.test == 'z' else '—'} | {_p_test(d)}{_sig(d)} |")
    lines += ["", "## Kinds", "", "| kind | A | B | A−B (pp) | p (adj.) |",
              "|---|---:|---:|---:|---:|"]
    for d in c.kinds:
        lines.append(f"| {d.label} | {d.a_count} ({_pct(d.a_share)}) | {d.b_count} "
                     f"({_pct(d.b_share)}) | {d.diff * 100:+.1f} | {_p_test(d)}{_sig(d)} |")
    for key, terms in (("A", c.terms_a), ("B", c.terms_b)):
        lines += ["", f"## Terms distinctive of {key}", ""]
        if not terms:
            lines.append("None significant (G2 ≥ 3.84).")
            continue
        lines += ["| term | A per 10k | B per 10k | G2 | log ratio |", "|---|---:|---:|---:|---:|"]
        for t in terms:
            lines.append(f"| {esc(t.term)} | {t.a_per_10k:.1f} | {t.b_per_10k:.1f} | "
                         f"{t.g2:.1f} | {t.log_ratio:+.2f} |")
    only = [("Sectors only in A", c.only_a_sectors), ("Sectors only in B", c.only_b_sectors),
            ("Actors only in A", _named(c.only_a_actors, actor_name)),
            ("Actors only in B", _named(c.only_b_actors, actor_name))]
    if any(items for _, items in only):
        lines += ["", "## Only on one side", ""]
        for name, items in only:
            if items:
                lines.append(f"- {name}: " + ", ".join(f"{esc(k)} ({n})" for k, n in items))
    if c.examples:
        lines += ["", "## Passages behind the biggest differences", ""]
        for e in c.examples:
            lines.append(f"- {esc(e.label)} (more in {e.side.upper()}): "
                         + ", ".join(f"`{u}`" for u in e.uids))
    return "\n".join(lines) + "\n"
