"""Output format names and the CSV cell rule (kept apart from Rich so option parsing stays cheap
to import)."""

from __future__ import annotations

from enum import Enum


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


# Spreadsheet safety (the OWASP "CSV injection" rule): Excel, LibreOffice and Google Sheets run a
# cell that starts with one of these as a formula, so article text such as "=HYPERLINK(...)" or
# "-2+3" would be executed when a colleague opens the file. A leading apostrophe makes the
# spreadsheet show the text as it is (the apostrophe itself is not displayed).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_raw_csv = False


def set_raw_csv(value: bool) -> None:
    """--raw-csv: write CSV cells exactly as they are (no apostrophe before formula-like cells)."""
    global _raw_csv
    _raw_csv = bool(value)


def raw_csv() -> bool:
    return _raw_csv


def safe_cell(text: str) -> str:
    """``text`` with an apostrophe in front when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
