"""The column specs of listings (``Column``) and how a listing fits a width (``Layout``): what
``render.common.emit_rows`` and ``fit_columns`` work from. Apart from ``render.common`` so that
output without a table (a search's hits) does not pay for creating them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from rich.text import Text


@dataclass(frozen=True)
class Column:
    """One column of a listing: the row key, its header and how a table shows it."""

    key: str
    header: str
    style: str | None = None
    justify: str = "left"
    no_wrap: bool = False
    ratio: int | None = None
    max_width: int | None = None
    min_width: int | None = None
    # a word wider than its column is cut with "…", never broken across lines (ids, file
    # names and sector ids are copied and scanned whole; the full value is in plain/JSON output)
    overflow: str = "ellipsis"
    min_terminal: int = 0  # narrower terminals leave this column out of the table
    drop: int = 0  # when the table does not fit, columns with the highest drop go first (0: kept)
    render: Callable[[Any], Text | str] | None = None  # table cell for the value
    # the row's handle (an id, an input file): shown whole; the other columns give way first,
    # and when even that does not fit, each row becomes a block headed by it (``stacked``)
    primary: bool = False
    stack: bool = True  # shown in the stacked layout (low-priority columns can stay out)
    merge: bool = False  # may move under the primary value, in its cell, to make room


@dataclass(frozen=True)
class Layout:
    """How a listing is shown at one width: a table of ``columns`` (with the ``merged`` columns
    printed under the primary column's value, in its cell), or, when even that would cut the
    ids, one block per row (``stacked``)."""

    columns: list[Column]
    merged: list[Column]
    stacked: bool = False
