"""Charts for reports, drawn with matplotlib (the optional ``charts`` extra).

Made to be printed: A4 text width (6.5 in), a title and labelled axes, and series told apart by
hatching and marker shapes as well as colour, so they survive greyscale printing. The file type
follows the name: .svg (text kept as text, so it stays searchable and editable), .png (200 dpi)
or .pdf. Only commands given ``--chart`` import this module; matplotlib is imported on the first
chart drawn.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from brief_cli.errors import BriefError, FileProblem, UsageError

if TYPE_CHECKING:
    from brief_cli.analysis.compare import Comparison
    from brief_cli.analysis.trends import Trends
    from brief_cli.sectors import SectorTable

SUFFIXES = (".svg", ".png", ".pdf")
WIDTH_IN = 6.5  # A4 text width with 2.5 cm margins
DPI = 200
ROW_IN = 0.28  # height per bar in horizontal bar charts
BASE_IN = 1.4  # title, axis and legend
EXTRA = "charts"

# Colour-blind-safe (Okabe-Ito) colours of distinct lightness, plus hatches and markers.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo", "---", "+++")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", ":", "-.")
KIND_STYLE = {"challenge": ("#D55E00", "///"), "opportunity": ("#009E73", ""),
              "context": ("#BBBBBB", "...")}


class MissingExtra(BriefError):
    """An optional dependency is not installed."""


def check_target(path: Path) -> None:
    """Fail early on a chart name we cannot write (type, folder)."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise UsageError(f"cannot tell the chart type of {str(path)!r}",
                         hint="end the file name with " + ", ".join(SUFFIXES))
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise FileProblem(f"{str(path)!r} is a folder", hint="give a chart file name")
    if not folder.is_dir():
        raise FileProblem(f"folder {str(folder)!r} does not exist", hint="create it first")


def require_backend():
    """matplotlib's pyplot on the file-only Agg backend, or MissingExtra."""
    try:
        import matplotlib
    except ImportError:
        raise MissingExtra("charts need matplotlib, which is not installed",
                           hint=f"install it with: pip install 'brief-cli[{EXTRA}]'") from None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _figure(height: float):
    plt = require_backend()
    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.titlesize": 11,
                         "hatch.linewidth": 0.6, "svg.hashsalt": "brief"})
    fig, ax = plt.subplots(figsize=(WIDTH_IN, height), layout="constrained")
    ax.spines[["top", "right"]].set_visible(False)
    return plt, fig, ax


def _save(plt, fig, path: Path, title: str) -> Path:
    """Render to memory, then write the file atomically (never half-written)."""
    path = Path(path)
    check_target(path)
    kind = path.suffix.lower()[1:]
    buf = io.BytesIO()
    metadata = {"Title": title} if kind in ("svg", "pdf") else {"Title": title}
    if kind == "svg":
        metadata = {"Title": title, "Date": None}
    elif kind == "pdf":
        metadata = {"Title": title, "CreationDate": None}
    fig.savefig(buf, format=kind, dpi=DPI, metadata=metadata)
    plt.close(fig)
    data = buf.getvalue()
    folder = path.parent if str(path.parent) else Path(".")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        tmp = None
    except PermissionError:
        raise FileProblem(f"cannot write to {str(folder)!r}: permission denied",
                          hint="choose a folder you can write to") from None
    except OSError as exc:
        raise FileProblem(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return path


def _subtitle(ax, text: str) -> None:
    """What was selected, in small type under the title (so a chart says what it counts)."""
    if text:
        ax.text(0.5, 1.0, _short(text, 110), transform=ax.transAxes, ha="center", va="bottom",
                fontsize=7, color="#444444")


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def sectors_chart(table: SectorTable, path: Path, *, title: str) -> Path:
    """Passages per sector as horizontal bars stacked by kind."""
    rows = list(reversed(table.rows))  # matplotlib draws the first bar at the bottom
    plt, fig, ax = _figure(BASE_IN + ROW_IN * max(3, len(rows)))
    labels = [_short(r.label) for r in rows]
    left = [0] * len(rows)
    for kind in ("challenge", "opportunity", "context"):
        colour, hatch = KIND_STYLE[kind]
        values = [r.by_kind(kind) for r in rows]
        bars = ax.barh(labels, values, left=left, color=colour, hatch=hatch,
                       edgecolor="#333333", linewidth=0.5, label=kind)
        for bar, r in zip(bars, rows):
            bar.set_gid(f"bar-{kind}-{r.id}")
        left = [a + b for a, b in zip(left, values)]
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("passages (a passage with several sectors counts for each)")
    ax.set_ylabel("sector")
    ax.set_title(title)
    ax.legend(loc="lower right", frameon=False)
    ax.margins(y=0.01)
    return _save(plt, fig, path, title)


def compare_chart(c: Comparison, path: Path, *, title: str | None = None) -> Path:
    """Sector shares of both sides as a diverging (butterfly) bar chart, A left, B right."""
    rows = list(reversed(c.sectors))
    title = title or f"Sector shares: {_short(c.a.name, 30)} vs {_short(c.b.name, 30)}"
    plt, fig, ax = _figure(BASE_IN + ROW_IN * max(3, len(rows)))
    labels = [_short(d.label) + (" *" if d.significant else "") for d in rows]
    a = [-d.a_share * 100 for d in rows]
    b = [d.b_share * 100 for d in rows]
    bars_a = ax.barh(labels, a, color=COLOURS[0], edgecolor="#333333", linewidth=0.5,
                     label=f"A: {_short(c.a.name, 40)} ({c.a.passages:,} passages)")
    bars_b = ax.barh(labels, b, color="#FFFFFF", hatch="///", edgecolor=COLOURS[5],
                     linewidth=0.8, label=f"B: {_short(c.b.name, 40)} ({c.b.passages:,} passages)")
    for bar, d in zip(bars_a, rows):
        bar.set_gid(f"bar-a-{d.key}")
    for bar, d in zip(bars_b, rows):
        bar.set_gid(f"bar-b-{d.key}")
    ax.axvline(0, color="#333333", linewidth=0.8)
    top = max([abs(x) for x in a + b] + [1.0]) * 1.1
    ax.set_xlim(-top, top)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _pos: f"{abs(x):.0f}%"))
    ax.set_xlabel("share of each side's passages (* difference significant, p < 0.05)")
    ax.set_ylabel("sector")
    ax.set_title(title, pad=14 if c.filters else 6)
    if c.filters:
        from brief_cli.analysis.source import describe

        _subtitle(ax, "both sides: " + describe("", c.filters))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.6 / (len(rows) + 3)),
              ncols=1, frameon=False)
    return _save(plt, fig, path, title)


def trends_chart(t: Trends, path: Path, *, share: bool = False,
                 title: str | None = None) -> Path:
    """One line per series over the periods, each with its own marker and dash pattern."""
    what = {"sectors": "Sectors", "kinds": "Kinds", "actors": "Actors",
            "hits": "Passages found"}[t.of]
    if t.query:
        what += f" ({_short(t.query, 40)})"
    title = title or f"{what} by {t.by}, {t.periods[0]}–{t.periods[-1]}" if t.periods else what
    plt, fig, ax = _figure(3.8)
    x = list(range(len(t.periods)))
    for i, s in enumerate(t.series):
        y = [t.share(s, j) * 100 if share else s.counts[j] for j in range(len(t.periods))]
        (line,) = ax.plot(x, y, color=COLOURS[i % len(COLOURS)], marker=MARKERS[i % len(MARKERS)],
                          linestyle=LINESTYLES[(i // len(MARKERS) + i) % len(LINESTYLES)],
                          markersize=4, linewidth=1.2, label=_short(s.label, 30))
        line.set_gid(f"series-{s.key}")
    step = max(1, -(-len(x) // 16))  # at most 16 tick labels
    ax.set_xticks(x[::step], [t.periods[j] for j in x[::step]],
                  rotation=45 if len(x) > 8 or t.by != "year" else 0, ha="right"
                  if len(x) > 8 or t.by != "year" else "center")
    ax.set_xlabel(t.by)
    ax.set_ylabel("share of the period's passages (%)" if share else "passages")
    ax.set_ylim(bottom=0)
    if not share:
        ax.yaxis.get_major_locator().set_params(integer=True)
    from brief_cli.analysis.source import describe

    selected = describe("", t.filters)  # the query is in the title
    ax.set_title(title, pad=14 if selected else 6)
    _subtitle(ax, selected)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.5)
    if len(t.series) > 1:
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize=8)
    return _save(plt, fig, path, title)
