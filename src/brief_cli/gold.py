"""Externally coded texts ("gold" labels) for ``brief eval --gold``: reading and checking them.

A gold file is a CSV file (with a header row) or a YAML file of texts with human labels:

- ``text`` (also ``sentence``, ``passage``, ``description``): the text; required.
- ``sectors`` (also ``sector``, ``topic``, ``majortopic``, ``code``...): sector ids, or codes that
  a map file turns into sector ids; in CSV several are separated by ``;``, ``|`` or ``,``.
- ``kind`` (also ``label``): challenge, opportunity or context.
- ``actors``: actor ids (optional).
- ``document`` (also ``source``, ``article``, ``doc_id``): consecutive rows with the same value are
  tagged as one document, in order, as the tagger does with an article's passages.
- ``id``: a name for the row in the disagreements list (default: its row number).

YAML: a list of mappings with those fields, or a mapping whose ``passages`` (or ``items``)
is such a list. A file must label sectors, kind or both; a row may leave sectors empty (no
sector) but, when the file labels kinds, not its kind.

A map file (``--map``, CSV with two columns or a YAML mapping) turns the file's codes into
sector ids: ``code: sector-id``, ``code: [id, id]``, or an empty value for a code that names no
sector of the taxonomy. An ``actors:`` section in a YAML map does the same for actor ids.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from brief_cli.errors import FileProblem, UsageError
from brief_cli.model import KINDS
from brief_cli.taxonomy import Taxonomy

MAX_GOLD_BYTES = 200 * 1024 * 1024

TEXT_FIELDS = ("text", "sentence", "passage", "description", "content")
SECTOR_FIELDS = ("sectors", "sector", "topic", "topics", "majortopic", "major_topic", "code",
                 "codes", "cap", "cap_code")
KIND_FIELDS = ("kind", "kinds", "label")
ACTOR_FIELDS = ("actors", "actor")
DOCUMENT_FIELDS = ("document", "source", "article", "doc_id", "doc", "file")
ID_FIELDS = ("id", "uid", "passage_id")
_SEPARATORS = (";", "|", ",")


class GoldError(UsageError):
    """A gold file or map file that cannot be used; names the file and row."""


@dataclass(frozen=True)
class GoldItem:
    """One labelled text. ``None`` for a label the file does not give."""

    uid: str
    text: str
    document: str | None
    kind: str | None
    sectors: tuple[str, ...] | None
    actors: tuple[str, ...] | None


@dataclass(frozen=True)
class GoldMap:
    sectors: dict[str, tuple[str, ...]]
    actors: dict[str, tuple[str, ...]]


def read_gold(path: Path, taxonomy: Taxonomy, code_map: GoldMap | None = None
              ) -> list[GoldItem]:
    """The labelled texts of a CSV or YAML gold file, checked against the taxonomy."""
    text = _read(path)
    if _is_yaml(path, text):
        rows = _yaml_rows(path, text)
    else:
        rows = _csv_rows(path, text)
    return _items(path, rows, taxonomy, code_map)


def read_map(path: Path) -> GoldMap:
    """A code map: code -> sector ids (and, in YAML, ``actors:`` code -> actor ids)."""
    text = _read(path)
    sectors: dict[str, tuple[str, ...]] = {}
    actors: dict[str, tuple[str, ...]] = {}
    if _is_yaml(path, text):
        data, lines = _yaml_data(path, text)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise GoldError(f"{path}: a map file is a mapping of code: sector-id",
                            hint="for example  '19: diplomacy'")
        section = data.get("sectors", data) if isinstance(data.get("sectors"), dict) else data
        for target, mapping in ((sectors, section), (actors, data.get("actors") or {})):
            if not isinstance(mapping, dict):
                raise GoldError(f"{path}: 'actors' must map codes to actor ids")
            for code, value in mapping.items():
                if mapping is data and code in ("sectors", "actors"):
                    continue
                target[str(code).strip()] = _as_ids(value, f"{path}: code {code!r}")
    else:
        reader = csv.reader(io.StringIO(text))
        for number, row in enumerate(reader, 1):
            if not row or not any(c.strip() for c in row):
                continue
            if number == 1 and row[0].strip().lower() in ("code", "codes", "from", "source"):
                continue  # a header
            code = row[0].strip()
            value = ",".join(row[1:])
            sectors[code] = _as_ids(value, f"{path}:{number}: code {code!r}")
    return GoldMap(sectors, actors)


# reading ---------------------------------------------------------------------------------------

def _read(path: Path) -> str:
    from brief_cli.yamlio import YamlProblem, read_text

    try:
        return read_text(path, max_bytes=MAX_GOLD_BYTES)
    except YamlProblem as exc:
        raise FileProblem(str(exc.problem)) from None


def _is_yaml(path: Path, text: str) -> bool:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return True
    if suffix in (".csv", ".tsv", ".txt"):
        return False
    first = text.lstrip()[:1]
    return first in ("-", "{", "#") or (":" in text.split("\n", 1)[0] and "," not in
                                        text.split("\n", 1)[0])


def _yaml_data(path: Path, text: str):
    from brief_cli.yamlio import YamlProblem, parse

    if not text.strip():
        return None, None
    try:
        doc = parse(text, path)
    except YamlProblem as exc:
        raise GoldError(str(exc.problem)) from None
    return doc.data, doc


def _yaml_rows(path: Path, text: str) -> list[tuple[str, dict]]:
    data, doc = _yaml_data(path, text)
    keys: tuple = ()
    if data is None:
        return []
    if isinstance(data, dict):
        for key in ("passages", "items", "texts", "rows"):
            if key in data:
                data, keys = data[key], (key,)
                break
        else:
            raise GoldError(f"{path}: expected a list of texts, or a 'passages:' list",
                            hint="each item has text and sectors and/or kind")
    if data is None:
        return []
    if not isinstance(data, list):
        raise GoldError(f"{path}: '{keys[0] if keys else 'document'}' must be a list")
    rows = []
    for index, item in enumerate(data):
        line = doc.where(*keys, index)[0]
        where = f"{path}:{line}" if line else f"{path}: item {index + 1}"
        if not isinstance(item, dict):
            raise GoldError(f"{where}: item {index + 1} is not a mapping",
                            hint="write it as  - text: ...")
        rows.append((where + f" (item {index + 1})", {str(k).lower(): v for k, v in item.items()}))
    return rows


def _csv_rows(path: Path, text: str) -> list[tuple[str, dict]]:
    if not text.strip():
        return []
    sample = text[:4096]
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    if path.suffix.lower() == ".tsv" or ("\t" in sample.split("\n", 1)[0]
                                         and "," not in sample.split("\n", 1)[0]):
        dialect = csv.excel_tab
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise GoldError(f"{path}:1: not a CSV header: {exc}") from None
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    if not any(n in TEXT_FIELDS for n in names):
        raise GoldError(f"{path}:1: no text column in the header {header!r}",
                        hint="name it one of: " + ", ".join(TEXT_FIELDS))
    rows = []
    line = reader.line_num
    try:
        for record in reader:
            start, line = line + 1, reader.line_num
            if not any(c.strip() for c in record):
                continue
            where = f"{path}:{start} (row {len(rows) + 1})"
            if len(record) > len(names):
                raise GoldError(f"{where}: {len(record)} cells for {len(names)} columns",
                                hint="quote cells that hold the separator")
            rows.append((where, dict(zip(names, record))))
    except csv.Error as exc:
        raise GoldError(f"{path}:{reader.line_num}: bad CSV: {exc}") from None
    return rows


# checking ----------------------------------------------------------------------------------

def _field(row: dict, names: tuple[str, ...]):
    for name in names:
        if name in row:
            return name, row[name]
    return None, None


def _items(path: Path, rows: list[tuple[str, dict]], taxonomy: Taxonomy,
           code_map: GoldMap | None) -> list[GoldItem]:
    from brief_cli.taxonomy import closest

    if not rows:
        return []
    first = rows[0][1]
    has_kind = any(_field(row, KIND_FIELDS)[0] for _, row in rows)
    has_sectors = any(_field(row, SECTOR_FIELDS)[0] for _, row in rows)
    has_actors = any(_field(row, ACTOR_FIELDS)[0] for _, row in rows)
    if not (has_kind or has_sectors):
        raise GoldError(f"{path}: no sectors or kind labels (fields: {', '.join(first)})",
                        hint="label each text with 'sectors' and/or 'kind'")
    sector_ids = {s.id for s in taxonomy.sectors}
    actor_ids = {a.id for a in taxonomy.actors}
    items = []
    for number, (where, row) in enumerate(rows, 1):
        _, text = _field(row, TEXT_FIELDS)
        if not isinstance(text, str) or not text.strip():
            raise GoldError(f"{where}: no text", hint="every row needs a text")
        kind = None
        if has_kind:
            _, value = _field(row, KIND_FIELDS)
            value = "" if value is None else str(value).strip().lower()
            if value not in KINDS:
                raise GoldError(f"{where}: kind {value!r} is not one of {', '.join(KINDS)}"
                                if value else f"{where}: no kind",
                                hint="label the kind of every row, or leave kind out of "
                                     "the file")
            kind = value
        sectors = None
        if has_sectors:
            _, value = _field(row, SECTOR_FIELDS)
            sectors = _labels(value, where, "sector", sector_ids,
                              code_map.sectors if code_map else None, closest)
        actors = None
        if has_actors:
            _, value = _field(row, ACTOR_FIELDS)
            actors = _labels(value, where, "actor", actor_ids,
                             code_map.actors if code_map and code_map.actors else None,
                             closest)
        _, document = _field(row, DOCUMENT_FIELDS)
        _, uid = _field(row, ID_FIELDS)
        items.append(GoldItem(
            uid=str(uid) if uid not in (None, "") else f"row {number}",
            text=" ".join(text.split()),
            document=None if document in (None, "") else str(document),
            kind=kind, sectors=sectors, actors=actors))
    return items


def _labels(value, where: str, what: str, known: set[str], mapping, closest
            ) -> tuple[str, ...]:
    if value is None or value == "":
        codes: list[str] = []
    elif isinstance(value, list):
        codes = [str(v).strip() for v in value if v is not None and str(v).strip()]
    elif isinstance(value, (str, int, float)):
        codes = _split(str(value))
    else:
        raise GoldError(f"{where}: {what}s must be a list or a text, not {type(value).__name__}")
    out: list[str] = []
    for code in codes:
        if mapping is not None and code in mapping:
            targets = mapping[code]
        elif mapping is not None and code.lower() in known:
            targets = (code.lower(),)
        elif mapping is not None:
            raise GoldError(f"{where}: code {code!r} is not in the map file",
                            hint=f"add '{code}: <{what} id>' to the map (empty for none)")
        else:
            targets = (code.lower(),)
        for target in targets:
            if target not in known:
                suggestions = closest(target, sorted(known))
                hint = ("did you mean " + ", ".join(repr(s) for s in suggestions) + "?"
                        if suggestions else f"use the taxonomy's {what} ids, or --map FILE")
                raise GoldError(f"{where}: unknown {what} {target!r}", hint=hint)
            if target not in out:
                out.append(target)
    return tuple(out)


def _split(value: str) -> list[str]:
    for sep in _SEPARATORS:
        if sep in value:
            return [v.strip() for v in value.split(sep) if v.strip()]
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        return _split(value[1:-1].replace(" ", ",")) if value[1:-1].strip() else []
    return value.split() if value else []


def _as_ids(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v).strip().lower() for v in value if v is not None and str(v).strip())
    if isinstance(value, (str, int, float)):
        return tuple(v.lower() for v in _split(str(value)))
    raise GoldError(f"{where}: map to an id, a list of ids, or nothing")
