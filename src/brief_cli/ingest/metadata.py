"""Metadata the user gives: on the command line for one input, or in a table (``--meta``) for a
batch, one row per file.

A table is CSV, TSV, JSON or YAML. Its rows are matched to input files by a key: a column that
holds the file name (found by its name, ``file``/``filename``/``path``, or named with
``--meta-key COLUMN``), or a key built from columns with a template such as
``{ISO Code}_{Session}_{Year}`` that gives the file name without its extension. Which column
gives which field is found by the column names (``title``, ``author``, ``date``...) or set with
``--meta-map FIELD=COLUMN`` or ``--meta-map 'FIELD=TEMPLATE'``. Nothing here prints: files
without a row and rows without a file are reported by the caller.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

from brief_cli.errors import FileProblem, UsageError

# Field -> column names that give it without a --meta-map (compared case-insensitively).
FIELDS = {
    "title": ("title", "headline"),
    "authors": ("author", "authors", "byline", "speaker", "writer"),
    "source": ("source", "publication", "publisher"),
    "published": ("date", "published", "publication date", "pubdate"),
    "url": ("url", "link"),
    "language": ("language", "lang"),
    "section": ("section", "category"),
    "id": ("id", "article id", "article_id"),
}
FIELD_NAMES = {"title": "title", "author": "authors", "authors": "authors", "source": "source",
               "date": "published", "published": "published", "url": "url",
               "language": "language", "section": "section", "id": "id"}
KEY_COLUMNS = ("file", "filename", "file_name", "file name", "path", "name", "input")
MAX_META_BYTES = 50 * 1024 * 1024
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class Metadata:
    """Metadata for one input; None (or empty) where not given."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    source: str | None = None
    published: date | None = None
    url: str | None = None
    language: str | None = None
    section: str | None = None
    article_id: str | None = None
    where: str | None = None  # 'speakers.csv:12', for messages


def parse_meta_date(value: str, where: str | None = None) -> date:
    """A date from a table or an option: 2024-07-05, July 5, 2024..., or a year alone
    (1 January of that year)."""
    from brief_cli.ingest.dates import parse_date

    text = value.strip()
    if re.fullmatch(r"(?:1[5-9]|20|21)\d\d", text):
        return date(int(text), 1, 1)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    found = parse_date(text)
    if found is None:
        raise UsageError(f"not a date: {value!r}", where=where,
                         hint="write it like 2024-07-05, or a year like 2024")
    return found


def split_authors(value: object) -> tuple[str, ...]:
    """Authors from a table cell: a list, or names separated by ';' or '|' (a comma may be
    part of a name: 'Doe, Jane')."""
    items = value if isinstance(value, (list, tuple)) else re.split(r"\s*[;|]\s*", str(value))
    names: list[str] = []
    for item in items:
        name = " ".join(str(item).split())
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _template_columns(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template)


def render_template(template: str, row: dict[str, str]) -> str:
    """``{Column}`` placeholders replaced by the row's values (missing ones by '')."""
    return _PLACEHOLDER.sub(lambda m: str(row.get(m.group(1), "") or "").strip(), template)


def _find_column(columns: Sequence[str], wanted: str) -> str | None:
    for column in columns:
        if column == wanted:
            return column
    folded = wanted.casefold().strip()
    for column in columns:
        if column.casefold().strip() == folded:
            return column
    return None


@dataclass
class MetaTable:
    """A metadata table, ready to look rows up by input file."""

    path: Path
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line or entry number, row)
    key: str  # a template over columns: '{file}' or '{ISO Code}_{Session}_{Year}'
    mapping: dict[str, str]  # field -> template
    by_key: dict[str, int] = field(default_factory=dict)  # folded key -> index in rows
    duplicates: list[str] = field(default_factory=list)
    used: set[int] = field(default_factory=set)
    missing: list[str] = field(default_factory=list)  # inputs that had no row

    def __post_init__(self) -> None:
        for i, (line, row) in enumerate(self.rows):
            key = _fold_key(render_template(self.key, row))
            if not key:
                continue
            if key in self.by_key:
                first = self.rows[self.by_key[key]][0]
                self.duplicates.append(f"{self.where(line)}: key {key!r} is also in row "
                                       f"{first}; the first row is used")
                continue
            self.by_key[key] = i

    def where(self, line: int) -> str:
        return f"{self.path.name}:{line}"

    def lookup(self, name: str) -> Metadata | None:
        """The row for an input file name (matched with and without its extension)."""
        path = Path(name)
        for candidate in (path.name, path.stem, str(path)):
            index = self.by_key.get(_fold_key(candidate))
            if index is not None:
                self.used.add(index)
                line, row = self.rows[index]
                return self._metadata(row, self.where(line))
        self.missing.append(name)
        return None

    def unmatched(self) -> list[str]:
        """'file:line (key)' of each row that matched no input."""
        return [f"{self.where(line)} ({render_template(self.key, row)})"
                for i, (line, row) in enumerate(self.rows)
                if i not in self.used and _fold_key(render_template(self.key, row))
                and self.by_key.get(_fold_key(render_template(self.key, row))) == i]

    def _metadata(self, row: dict[str, str], where: str) -> Metadata:
        values = {name: render_template(t, row).strip() for name, t in self.mapping.items()}
        values = {k: " ".join(v.split()) for k, v in values.items() if v.strip(" ,;:-—")}
        published = (parse_meta_date(values["published"], where)
                     if values.get("published") else None)
        authors: tuple[str, ...] = ()
        if "authors" in self.mapping:
            column = _PLACEHOLDER.fullmatch(self.mapping["authors"])
            raw = row.get(column.group(1)) if column else values.get("authors")
            authors = split_authors(raw) if raw else ()
        article_id = values.get("id")
        if article_id is not None:
            from brief_cli.ingest.ids import check_id

            try:
                check_id(article_id)
            except UsageError as exc:
                raise UsageError(exc.message.replace("--id", "the id"), where=where) from None
        return Metadata(
            title=values.get("title"), authors=authors, source=values.get("source"),
            published=published, url=values.get("url"),
            language=values["language"].lower() if values.get("language") else None,
            section=values.get("section"), article_id=article_id, where=where)


def _fold_key(value: str) -> str:
    return " ".join(value.split()).casefold()


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Columns and (line, row) pairs of a CSV, TSV, JSON or YAML table."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_META_BYTES + 1)
    except FileNotFoundError:
        raise FileProblem(f"--meta: no such file {str(path)!r}") from None
    except IsADirectoryError:
        raise FileProblem(f"--meta: {str(path)!r} is a folder") from None
    except OSError as exc:
        raise FileProblem(f"--meta: cannot read {str(path)!r}: {exc.strerror or exc}") from None
    if len(raw) > MAX_META_BYTES:
        raise FileProblem(f"--meta: {str(path)!r} is above the {MAX_META_BYTES:,}-byte limit")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(f"--meta: {str(path)!r} is not UTF-8 text (byte {exc.start})",
                          hint="save the table as UTF-8") from None
    suffix = path.suffix.lower()
    if suffix in (".json", ".jsonl"):
        return _structured_rows(path, _load_json(path, text, suffix == ".jsonl"))
    if suffix in (".yaml", ".yml"):
        return _structured_rows(path, _load_yaml(path, text))
    delimiter = "\t" if suffix in (".tsv", ".tab") else None
    return _csv_rows(path, text, delimiter)


def _csv_rows(path: Path, text: str, delimiter: str | None
              ) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = max(",;\t", key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise FileProblem(f"{path.name}:1: the table has no header row",
                              hint="the first row names the columns")
        columns = [h.strip() for h in header]
        rows = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(columns):
                raise FileProblem(f"{path.name}:{reader.line_num}: {len(record)} cells in a "
                                  f"table of {len(columns)} columns")
            rows.append((reader.line_num, dict(zip(columns, (c.strip() for c in record)))))
    except csv.Error as exc:
        raise FileProblem(f"{path.name}:{reader.line_num}: {exc}") from None
    return columns, rows


def _load_json(path: Path, text: str, lines: bool) -> object:
    try:
        if lines:
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProblem(f"{path.name}:{exc.lineno}: not valid JSON: {exc.msg}") from None


def _load_yaml(path: Path, text: str) -> object:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise FileProblem(f"{path.name}{line}: {problem}") from None


def _structured_rows(path: Path, data: object
                     ) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Rows from a list of mappings, or a mapping of file name -> mapping."""
    if isinstance(data, dict):
        if all(isinstance(v, dict) for v in data.values()):
            data = [{"file": k, **v} for k, v in data.items()]
        else:
            data = [data]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise FileProblem(f"{path.name}: expected a list of records (or a mapping of file name "
                          "to record)")
    columns: list[str] = []
    rows = []
    for i, record in enumerate(data, 1):
        row = {}
        for k, v in record.items():
            name = str(k).strip()
            if name not in columns:
                columns.append(name)
            if isinstance(v, (list, tuple)):
                row[name] = "; ".join(str(x) for x in v)
            else:
                row[name] = "" if v is None else str(v)
        rows.append((i, row))
    return columns, rows


def open_table(path: Path, key: str | None, maps: Iterable[str]) -> MetaTable:
    """Read a metadata table and check its key and mappings against its columns."""
    path = Path(path).expanduser()
    columns, rows = read_rows(path)
    listing = ", ".join(repr(c) for c in columns[:12]) + (" ..." if len(columns) > 12 else "")

    def column_template(value: str, what: str) -> str:
        if _PLACEHOLDER.search(value):
            for name in _template_columns(value):
                if _find_column(columns, name) != name:
                    found = _find_column(columns, name)
                    if found is None:
                        raise UsageError(f"{what}: {path.name} has no column {name!r}",
                                         hint=f"its columns are {listing}")
                    value = value.replace("{" + name + "}", "{" + found + "}")
            return value
        found = _find_column(columns, value)
        if found is None:
            raise UsageError(f"{what}: {path.name} has no column {value!r}",
                             hint=f"its columns are {listing}")
        return "{" + found + "}"

    if key:
        key_template = column_template(key, "--meta-key")
    else:
        found = next((c for name in KEY_COLUMNS if (c := _find_column(columns, name))), None)
        if found is None:
            example = "_".join("{" + c + "}" for c in columns[:3])
            raise UsageError(
                f"--meta: {path.name} has no file-name column ({', '.join(KEY_COLUMNS[:3])})",
                hint=f"name the column with --meta-key COLUMN, or build the file name from "
                     f"columns, e.g. --meta-key '{example}'; its columns are {listing}")
        key_template = "{" + found + "}"
    mapping: dict[str, str] = {}
    for name, aliases in FIELDS.items():
        for alias in aliases:
            found = _find_column(columns, alias)
            if found is not None:
                mapping[name] = "{" + found + "}"
                break
    for item in maps:
        name, sep, value = item.partition("=")
        target = FIELD_NAMES.get(name.strip().lower())
        if not sep or target is None or not value.strip():
            raise UsageError(f"--meta-map takes FIELD=COLUMN or FIELD=TEMPLATE, got {item!r}",
                             hint="fields: " + ", ".join(sorted(set(FIELD_NAMES) - {"published",
                                                                                    "authors"})))
        mapping[target] = column_template(value.strip(), "--meta-map")
    return MetaTable(path, columns, rows, key_template, mapping)
