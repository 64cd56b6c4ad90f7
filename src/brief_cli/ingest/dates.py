"""Dates as written in articles: '2024-07-05', 'July 5, 2024', '5th of July, 2024'."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = (
    re.compile(r"\b(?P<year>(?:19|20)\d\d)[-/.](?P<mon>\d{1,2})[-/.](?P<day>\d{1,2})\b"),
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b",
               re.I),
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH +
               r",?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
)


def parse_date(text: str) -> date | None:
    """The first date written in a common form: 2024-07-05, 2024/07/05, July 5, 2024,
    Jul. 5 2024, Sept 7, 2013, 5 July 2024, 5th of July, 2024 (a weekday before is fine)."""
    found = find_date(text)
    return found[2] if found else None


def find_date(text: str) -> tuple[int, int, date] | None:
    """(start, end, date) of the first date in text, or None."""
    found: list[tuple[int, int, date]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            parts = m.groupdict()
            month = int(parts["mon"]) if parts.get("mon") else _MONTHS[parts["month"].lower()]
            try:
                found.append((m.start(), m.end(),
                              date(int(parts["year"]), month, int(parts["day"]))))
                break
            except ValueError:
                continue
    return min(found) if found else None


_DATE_LINE_WORDS = re.compile(
    r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|wed|thu|fri|sat|sun|published|"
    r"updated|posted|last|modified|on|at|am|pm|a\.m\.|p\.m\.|gmt|utc|bst|cet|cest|eet|eest|"
    r"est|edt|cst|cdt|mst|mdt|pst|pdt|ist|jst|hkt|sgt|aest|aedt|msk|"
    r"\d{1,2}[:.]\d{2}(?::\d{2})?)\b|[^\w]", re.I)


def date_line(text: str) -> date | None:
    """The date of a line that holds a date and nothing else ('Friday, July 5, 2024 10:30
    GMT', 'Updated 2024-07-05'); None for a sentence that mentions a date."""
    if len(text) > 60:
        return None
    found = find_date(text)
    if found is None:
        return None
    rest = text[:found[0]] + " " + text[found[1]:]
    return found[2] if not _DATE_LINE_WORDS.sub("", rest).strip() else None
