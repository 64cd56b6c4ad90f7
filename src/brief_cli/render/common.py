"""The shared output layer: consoles, literal corpus text, and rows in every format.

Every listing command hands a list of row dicts and its column specs to ``emit_rows``:
``table`` is a Rich table on a terminal and tab-separated plain text when piped; ``json`` is one
array; ``jsonl`` one object a line; ``csv`` a header and rows (lists joined with ``;``), every text cell
that a spreadsheet would run as a formula prefixed with ``'`` unless ``--raw-csv`` is given
(``csv_cell``).

Corpus text never goes through Rich markup: it is wrapped in ``Text`` objects, and control
characters (ANSI escapes among them) are shown as visible ``\\x1b``-style escapes.
"""

from __future__ import annotations

import json
import os
import re
import sys
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable, Iterable

from rich.console import Console, Group
from rich.text import Text

from brief_cli.lang import LazyPattern
from brief_cli.render.formats import OutputFormat, raw_csv, safe_cell

if TYPE_CHECKING:
    from rich.table import Table

    from brief_cli.render.columns import Column, Layout


def __getattr__(name: str):
    # The column specs of tables live apart (``render.columns``): a dataclass costs start-up
    # time to create, and a plain search's output needs no table.
    if name in ("Column", "Layout"):
        from brief_cli.render import columns

        return getattr(columns, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


ENV_FORCE_TERMINAL = "BRIEF_FORCE_TERMINAL"

# C0 and C1 controls, and the bidirectional controls (which reorder what follows them: the
# "Trojan Source" trick), shown as escapes; joiners (U+200C/D) stay, scripts need them.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                         r"\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def literal(text: str | None) -> str:
    """Corpus text made safe for a terminal: control characters shown as \\xNN escapes, bidi
    controls as \\uNNNN."""
    if not text:
        return ""
    return _CONTROL_RE.sub(_escape, text)


def lit(text: str | None, style: str | None = None) -> Text:
    """A Rich Text of literal corpus text (never parsed as markup)."""
    return Text(literal(text), style=style or "")


def _force_terminal() -> bool | None:
    value = os.environ.get(ENV_FORCE_TERMINAL)
    if value is None:
        return None
    return value not in ("", "0", "false", "no")


def make_console(stderr: bool = False) -> Console:
    """A console that honours NO_COLOR and is plain when its stream is not a terminal."""
    force = _force_terminal()
    return Console(
        stderr=stderr,
        highlight=False,
        markup=False,
        emoji=False,
        force_terminal=force,
        no_color=bool(os.environ.get("NO_COLOR")) or None,
        soft_wrap=False,
    )


_stdout: Console | None = None
_stderr: Console | None = None


def out() -> Console:
    global _stdout
    if _stdout is None or _stdout.file is not sys.stdout:
        _stdout = make_console()
    return _stdout


def err() -> Console:
    global _stderr
    if _stderr is None or _stderr.file is not sys.stderr:
        _stderr = make_console(stderr=True)
    return _stderr


def reset_consoles() -> None:
    global _stdout, _stderr
    _stdout = _stderr = None


# Pager ---------------------------------------------------------------------------------------

_pager_off = False


def disable_pager(off: bool = True) -> None:
    """``--no-pager``: print straight to the terminal."""
    global _pager_off
    _pager_off = off


def pager_command() -> str | None:
    """The pager, chosen as git chooses it: $BRIEF_PAGER, then $PAGER, then ``less -FRX``; an
    empty value or ``cat`` means no pager."""
    for name in ("BRIEF_PAGER", "PAGER"):
        value = os.environ.get(name)
        if value is not None:
            value = value.strip()
            return None if value in ("", "cat") else value
    return "less -FRX"


@contextmanager
def paged():
    """Send what is printed on stdout inside the block through the pager, when stdout is a
    real terminal and the output is longer than the screen (colours kept: less gets -R)."""
    console = out()
    command = pager_command()
    real_terminal = console.is_terminal and _isatty(sys.stdout)
    if _pager_off or command is None or not real_terminal:
        yield
        return
    notes = err()
    console.begin_capture()
    notes.begin_capture()  # stderr lines (hit counts, timings) follow the output, as unpaged
    try:
        yield
    finally:
        text = console.end_capture()
        after = notes.end_capture()
        _show(text, command, console.height)
        if after:
            sys.stderr.write(after)
            sys.stderr.flush()


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _show(text: str, command: str, height: int) -> None:
    import subprocess

    if text.count("\n") < height:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # as git: quit if one screen, keep colours, leave the screen
    env.setdefault("LV", "-c")
    try:
        # through the shell, as git runs its pager, so that "less -S" or "bat -p" work as typed
        pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        pager.stdin.write(text.encode(sys.stdout.encoding or "utf-8", "replace"))
        pager.stdin.close()
    except BrokenPipeError:  # the reader quit the pager early: that is fine
        pass
    pager.wait()


def is_terminal(console: Console | None = None) -> bool:
    return (console or out()).is_terminal


def warn(message: str) -> None:
    """One warning line on stderr."""
    line = Text("warning: ", style="yellow bold")
    line.append(literal(message))
    err().print(line, soft_wrap=True)


def error_line(message: str) -> None:
    line = Text("error: ", style="red bold")
    line.append(literal(message))
    err().print(line, soft_wrap=True)


def hint_line(message: str) -> None:
    """A ``hint:`` line on stderr, after an error: what to do about it."""
    line = Text("hint: ", style="cyan")
    line.append(literal(message))
    err().print(line, soft_wrap=True)


def note(message: str) -> None:
    """Chatter for people (summaries, timings): stderr, dimmed; one line when piped, wrapped at
    word boundaries on a terminal (where the terminal would otherwise break words)."""
    console = err()
    console.print(Text(literal(message), style="dim"), soft_wrap=not console.is_terminal)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def to_json(value: Any, indent: int | None = 2) -> str:
    return json.dumps(_jsonable(value), ensure_ascii=False, indent=indent)


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"  # spelt as JSON spells them
    if isinstance(value, (list, tuple)):
        return ";".join(_flat(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return str(round(value, 4))  # 1.0 and 0.6667 alike, never 1 beside 0.6667
    return str(value)


def csv_cell(value: Any, raw: bool | None = None) -> str:
    """One CSV cell: lists joined with ``;``; text that starts with ``=``, ``+``, ``-``, ``@``, a
    tab or a carriage return gets a leading ``'`` (numbers stay numbers) unless ``raw``
    (default: whether --raw-csv was given)."""
    text = _flat(value)
    if raw if raw is not None else raw_csv():
        return text
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return text  # -3 or -0.25 is a number to a spreadsheet, never a formula
    return safe_cell(text)


def write_csv(stream, header: list[str], rows: Iterable[Iterable[Any]],
              raw: bool | None = None) -> None:
    """Header and rows as CSV on stream, every cell through ``csv_cell``."""
    import csv

    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([csv_cell(h, raw) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v, raw) for v in row])


def emit_rows(rows: list[dict[str, Any]], columns: list[Column], fmt: OutputFormat | str,
              *, title: str | None = None, caption: str | None = None,
              console: Console | None = None) -> None:
    """Print rows in the chosen format (see the module docstring)."""
    fmt = OutputFormat(fmt)
    console = console or out()
    if fmt is OutputFormat.json:
        console.file.write(to_json(rows) + "\n")
    elif fmt is OutputFormat.jsonl:
        for row in rows:
            console.file.write(to_json(row, indent=None) + "\n")
    elif fmt is OutputFormat.csv:
        keys = list(rows[0]) if rows else [c.key for c in columns]
        write_csv(console.file, keys, ([row.get(k) for k in keys] for row in rows))
    elif not console.is_terminal:
        # Piped: tab-separated plain text, one row a line, for grep/cut/awk.
        console.file.write("\t".join(c.header for c in columns) + "\n")
        for row in rows:
            cells = (_plain_cell(row.get(c.key)) for c in columns)
            console.file.write("\t".join(cells) + "\n")
    else:
        width = console.width
        layout = fit_columns(rows, columns, width)
        if layout.stacked:
            stacked = [c for c in columns if c.stack and width >= c.min_terminal]
            console.print(build_stacked(rows, stacked, title=title, caption=caption))
        else:
            console.print(build_table(rows, layout.columns, title=title, caption=caption,
                                      width=width, merged=layout.merged))
    console.file.flush()


def _plain_cell(value: Any) -> str:
    text = _flat(value) if not isinstance(value, (list, tuple)) else ", ".join(map(_flat, value))
    return literal(" ".join(text.split()))


# Columns that hold one token each (ids, file names): never wrapped, cut with "…" at most.
TOKEN_KEYS = frozenset({"id", "file", "input", "passage", "article", "sector", "path", "uid"})


def _cell_words(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        value = ", ".join(_flat(v) for v in value)
    text = value.plain if isinstance(value, Text) else _flat(value)
    return text.split() or [""]


def token_width(width: int) -> int:
    """The most cells an id column takes in a table this wide (longer ids are cut with …)."""
    return max(16, int(width * 0.35))


def _natural_min(rows: list[dict[str, Any]], c: Column, width: int) -> int:
    """The narrowest a column can be and still read well: no word cut, a primary column whole,
    other ids up to their cap, free text (ratio columns) at least 20 cells."""
    from rich.cells import cell_len

    header = max((cell_len(w) for w in c.header.split()), default=0)
    longest = max((cell_len(w) for row in rows for w in _cell_words(row.get(c.key))), default=0)
    if c.primary:
        return max(header, longest, c.min_width or 0)
    if c.no_wrap or c.key in TOKEN_KEYS:
        longest = min(longest, c.max_width or token_width(width))
    elif c.ratio:
        longest = max(min(longest, 24), 20)
    need = max(header, min(longest, 40), c.min_width or 0)
    return min(need, c.max_width) if c.max_width else need


def fit_columns(rows: list[dict[str, Any]], columns: list[Column], width: int) -> Layout:
    """The layout at this width, lowest priorities giving way first: columns narrower
    terminals leave out (``min_terminal``); then, while the narrowest table without a cut word
    (and with the primary column whole) is wider than the terminal, the column with the highest
    ``drop``; then the ``merge`` columns move under the primary value, and the dropped columns
    that fit again come back; and when the ids still do not fit, rows become blocks."""
    from brief_cli.render.columns import Layout

    shown = [c for c in columns if width >= c.min_terminal]
    rows = list(rows)
    dropped: list[Column] = []
    while table_need(rows, shown, width) > width:
        candidates = [c for c in shown if c.drop > 0]
        if not candidates:
            break
        victim = max(candidates, key=lambda c: c.drop)
        shown.remove(victim)
        dropped.append(victim)
    primary = next((c for c in shown if c.primary), None)
    if primary is None or table_need(rows, shown, width) <= width:
        return Layout(shown, [])
    merged = [c for c in shown if c.merge]
    narrower = [c for c in shown if not c.merge]
    if not merged or table_need(rows, narrower, width, merged) > width:
        return Layout(shown, [], stacked=True)
    for c in reversed(dropped):  # the most important of the dropped first
        trial = [x for x in columns if x in narrower or x is c]
        if table_need(rows, trial, width, merged) <= width:
            narrower = trial
    return Layout(narrower, merged)


def table_need(rows: list[dict[str, Any]], columns: list[Column], width: int,
               merged: list[Column] = ()) -> int:
    """The narrowest table of these columns without a cut word (a primary column whole; merged
    columns need a readable width in its cell)."""
    need = 0
    for c in columns:
        n = _natural_min(rows, c, width)
        if c.primary and merged:
            n = max([n] + [_natural_min(rows, m, width) for m in merged])
        need += n + 3
    return need + 1


def build_stacked(rows: Iterable[dict[str, Any]], columns: list[Column], *,
                  title: str | None = None, caption: str | None = None):
    """Rows as blocks, for when the table would have to cut the ids: the primary column whole
    on its own line, free-text columns (``ratio``) below it, the short ones on one line as
    ``header value · header value``, all wrapped at word boundaries."""
    from rich.padding import Padding

    parts: list = []
    if title:
        parts.append(Text(title, style="italic"))
    for row in rows:
        for c in columns:
            if c.primary:
                head = _cell(row.get(c.key), c)
                head.stylize(c.style or "bold")
                head.no_wrap, head.overflow = True, "ellipsis"
                parts.append(head)
        body: list = []
        short = Text()
        text_column = next((c for c in columns if c.ratio and not c.primary), None)
        for c in columns:
            value = row.get(c.key)
            if c.primary or value in (None, "", [], ()):
                continue
            if c is text_column:  # the main free text (a title, a message) reads best alone
                body.append(_cell(value, c))
                continue
            if short:
                short.append(" · ", style="dim")
            short.append(c.header.replace(" ", "\u00a0") + " ", style="dim")  # one unit
            short.append(_cell(value, c))
        if short:
            body.append(short)
        if body:
            parts.append(Padding(Group(*body), (0, 0, 0, 2), expand=False))
    if caption:
        parts.append(Text(caption, style="dim italic"))
    return Group(*parts)


# Chinese, Japanese and Korean text has no spaces between words and may break between any two
# characters: a free-text cell of it folds at the column's edge instead of being cut with "…".
# compiled on first use: a class of wide ranges takes milliseconds to compile, which every
# command would pay at start-up for tables that hold no wide characters
_WIDE_RE = LazyPattern(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def _fold_wide(text: Text, c: Column) -> Text:
    plain = text.plain
    if (not (c.no_wrap or c.key in TOKEN_KEYS or c.primary) and not plain.isascii()
            and _WIDE_RE.search(plain)):
        text.overflow = "fold"
    return text


def _cell(value: Any, c: Column) -> Text:
    if c.render is not None:
        cell = c.render(value)
        return _fold_wide(cell if isinstance(cell, Text) else lit(cell), c)
    if isinstance(value, (list, tuple)):
        return _fold_wide(lit(", ".join(_flat(v) for v in value), c.style), c)
    return _fold_wide(lit(_flat(value), c.style), c)


def build_table(rows: Iterable[dict[str, Any]], columns: list[Column], *,
                title: str | None = None, caption: str | None = None,
                width: int | None = None, merged: list[Column] = ()) -> Table:
    from rich.table import Table  # only tables need it (a piped search does not)

    table = Table(title=title, caption=caption, header_style="bold", title_justify="left",
                  expand=any(c.ratio for c in columns), pad_edge=False,
                  show_header=any(c.header for c in columns))  # no empty header row
    rows = list(rows)
    for c in columns:
        token = c.no_wrap or c.key in TOKEN_KEYS or c.primary
        min_width = c.min_width
        if c.ratio and width:  # Rich shares the room by ratio: never below a readable width
            min_width = max(min_width or 0, _natural_min(rows, c, width))
        if c.primary and merged and width:
            min_width = max([min_width or 0] + [_natural_min(rows, m, width) for m in merged])
            token = False  # the id is one line (no_wrap Text), the merged text wraps below it
        max_width = c.max_width
        if c.primary:
            max_width = None  # shown whole: the table was laid out for it (fit_columns)
        elif token and width and not max_width:
            max_width = token_width(width)  # a long id must not starve the other columns
        header = c.header
        if c.primary and merged:
            header = " / ".join([c.header] + [m.header for m in merged])
        table.add_column(header, style=c.style, justify=c.justify, no_wrap=token,
                         ratio=c.ratio, max_width=max_width, min_width=min_width,
                         overflow=c.overflow)
    for row in rows:
        cells = []
        for c in columns:
            value = row.get(c.key)
            if c.primary and merged:
                head = _cell(value, c)
                head.no_wrap, head.overflow = True, "ellipsis"
                extra = [_cell(row.get(m.key), m) for m in merged if row.get(m.key)]
                for text in extra:
                    text.stylize("dim")
                cells.append(Group(head, *extra))
            elif c.render is not None:
                cell = c.render(value)
                cells.append(_fold_wide(cell if isinstance(cell, Text) else lit(cell), c))
            elif isinstance(value, (list, tuple)):
                cells.append(_fold_wide(lit(", ".join(_flat(v) for v in value)), c))
            else:
                cells.append(_fold_wide(lit(_flat(value)), c))
        table.add_row(*cells)
    return table


KIND_STYLES = {"challenge": "red", "opportunity": "green", "context": "blue"}


def kind_text(kind: str) -> Text:
    return Text(kind, style=KIND_STYLES.get(kind, ""))


def wrap_for_reading(text: str, width: int) -> str:
    """A Markdown document wrapped at word boundaries for reading on a terminal (which would
    otherwise break lines inside words): blockquote lines keep their "> " on every line, and
    front matter, fenced blocks and table rows stay as they are. Piped or written with -o, the
    document is left exactly as built."""
    import textwrap

    lines_out: list[str] = []
    fenced = front = False
    for n, line in enumerate(text.split("\n")):
        if n == 0 and line == "---":
            front = True
        elif front and line == "---":
            front = False
            lines_out.append(line)
            continue
        if line.startswith(("```", ":::")):
            fenced = not fenced
        if front or fenced or len(line) <= width or line.startswith(("|", "```", ":::")):
            lines_out.append(line)
            continue
        prefix = "> " if line.startswith("> ") else ""
        body = line[len(prefix):]
        lines_out += textwrap.wrap(body, max(20, width - len(prefix)), initial_indent=prefix,
                                   subsequent_indent=prefix, break_long_words=False,
                                   break_on_hyphens=False) or [line]
    return "\n".join(lines_out)

