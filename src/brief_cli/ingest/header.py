"""The header of an article: title, byline (authors, source, date), ``Key: value`` lines and
the URL; the menus and widgets around them are dropped (and recorded)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Sequence

from brief_cli.ingest.dates import date_line, find_date, parse_date
from brief_cli.ingest.furniture import is_menu, is_share_widget, parse_breadcrumb
from brief_cli.ingest.model import Dropped
from brief_cli.ingest.reading import squash
from brief_cli.ingest.sentence_ends import dangling, ends_sentence

_META_KEY = re.compile(
    r"^(?P<key>title|headline|source|publication|publisher|date|published(?: on)?|"
    r"publication date|updated(?: on)?|posted(?: on)?|url|link|author|authors|by|byline|"
    r"writer|written by|section|category|language)\s*:\s*(?P<value>.*)$", re.I)
_BYLINE = re.compile(r"^(?:By|BY|Written by|WRITTEN BY|Words by)\s+(?P<rest>[^\sa-z].*)$")
_URL = re.compile(r"^(?:<)?(?P<url>https?://\S+?)(?:>)?$", re.I)


@dataclass
class _Header:
    title: str | None = None
    source: str | None = None
    section: str | None = None
    authors: tuple[str, ...] = ()
    published: date | None = None
    updated: date | None = None
    url: str | None = None
    language: str | None = None
    body_start: int = 0
    dropped: list[Dropped] = field(default_factory=list)


def split_names(text: str) -> tuple[str, ...]:
    """Author names from 'A and B', 'A, B & C', 'A; B' (all-caps names are title-cased)."""
    text = re.sub(r"\s+(?:in|from)\s+[A-Z][\w .'-]*$", "", text.strip())  # "Jane Doe in Beijing"
    parts = re.split(r"\s*(?:;|,|&|\band\b|\bund\b|\bet\b)\s*", text)
    names = []
    for part in parts:
        part = squash(part).strip(" .")
        if not part or not re.search(r"[^\W\d_]", part):
            continue
        if part.isupper():
            part = part.title()
        if part not in names:
            names.append(part)
    return tuple(names)


_SMALL_CAPS_WORDS = frozenset(
    "a an and at by for in of on the to new news daily post times".split())


def smart_case(text: str) -> str:
    """Title-case a source written in capitals ('CHINA DAILY' -> 'China Daily', 'BBC' stays)."""
    text = squash(text)
    if not text.isupper():
        return text
    words = []
    for word in text.split(" "):
        if len(word) <= 3 and word.lower() not in _SMALL_CAPS_WORDS:
            words.append(word)
        else:
            words.append(word.capitalize())
    return " ".join(words)


def _title_case_words(line: str) -> bool:
    words = re.findall(r"[^\W\d_][\w'’-]*", line)
    content = [w for w in words if w.lower() not in _TITLE_SMALL]
    return bool(content) and all(w[0].isupper() for w in content)


_TITLE_SMALL = frozenset(
    "a an and as at but by for from in into of on or the to with vs via nor per than over".split())


def _title_candidate(line: str, following: str | None) -> bool:
    """A line that could be a title: short, no sentence end (a '?' or '!' is fine)."""
    text = line.strip()
    if not re.search(r"[^\W\d_]", text) or len(text) > 200 or len(text.split()) > 25:
        return False
    if re.search(r"[.,;:\-–—]$", text) and not text.endswith("..."):
        return False
    if following is None:
        return True
    nxt = following.strip()
    if nxt[:1].islower():
        return False  # a hard-wrapped first line of body text
    # Directly followed (no blank line) by a line that is not metadata: a title only when that
    # line is a long one-line paragraph, or the candidate is in Title Case.
    return len(nxt) >= max(150, 2 * len(text)) or (len(text.split()) >= 3
                                                     and _title_case_words(text))


def _is_header_line(line: str) -> bool:
    text = line.strip()
    return bool(_META_KEY.match(text) or _BYLINE.match(text) or _URL.match(text)
                or is_share_widget(text) or parse_breadcrumb(text) or is_menu(text)
                or date_line(text) is not None)


def _menu_like(text: str) -> bool:
    """A short line that is no sentence: a navigation entry, a section name, a title."""
    return (len(text) <= 100 and len(text.split()) <= 12 and not text[:1].islower()
            and not ends_sentence(text) and not dangling(text))


def _anchor(lines: Sequence[str], limit: int) -> int | None:
    """The first byline or ``Key: value`` line, when only menu-like lines come before it.

    Text copied from a web page often starts with a navigation block of short lines; the byline
    shows where the header ends, and the title is the line just above it.
    """
    for i, raw in enumerate(lines[:limit]):
        text = squash(raw)
        if not text:
            continue
        byline = _BYLINE.match(text)
        meta = _META_KEY.match(text)
        if (byline and _names_first(byline.group("rest"))) or (meta and meta.group("value")):
            return i
        if not (_menu_like(text) or _is_header_line(text)):
            return None
    return None


def read_header(lines: Sequence[str], *, max_lines: int = 60) -> _Header:
    """Read the metadata at the top of a text; ``body_start`` is the first body line."""
    header = _Header()
    candidates: list[tuple[int, str]] = []
    first_meta: int | None = None
    anchor = _anchor(lines, max_lines)
    i = 0
    seen = 0
    while i < len(lines) and seen < max_lines:
        raw = lines[i]
        text = squash(raw)
        if not text:
            i += 1
            continue
        seen += 1
        nxt_index = i + 1
        following = (lines[nxt_index] if nxt_index < len(lines) and lines[nxt_index].strip()
                     else None)
        md = re.match(r"^#{1,6}\s+(.*?)\s*#*$", text)
        if md:
            if header.title is None and not candidates:
                header.title = md.group(1)
            else:
                header.dropped.append(Dropped("heading", md.group(1)))
            i += 1
            continue
        meta = _META_KEY.match(text)
        if meta and meta.group("value").strip():
            first_meta = i if first_meta is None else first_meta
            _read_meta(header, meta.group("key").lower(), meta.group("value"))
            i += 1
            continue
        byline = _BYLINE.match(text)
        if byline and len(text) < 300 and _names_first(byline.group("rest")):
            first_meta = i if first_meta is None else first_meta
            _read_byline(header, byline.group("rest"))
            i += 1
            continue
        url = _URL.match(text)
        if url:
            header.url = header.url or url.group("url")
            i += 1
            continue
        if is_share_widget(text):
            header.dropped.append(Dropped("share widget", text))
            i += 1
            continue
        if is_menu(text):
            header.dropped.append(Dropped("menu", text))
            i += 1
            continue
        crumb = parse_breadcrumb(text)
        if crumb is not None:
            header.section = header.section or crumb
            header.dropped.append(Dropped("breadcrumb", text))
            i += 1
            continue
        when = date_line(text)
        if when is not None:
            first_meta = i if first_meta is None else first_meta
            header.published = header.published or when
            i += 1
            continue
        following_is_meta = following is not None and _is_header_line(following)
        if (_title_candidate(text, None if following_is_meta else following)
                or (anchor is not None and i < anchor)):
            candidates.append((i, text))
            i += 1
            continue
        break
    header.body_start = i
    if candidates:
        # The title is the candidate just before the byline (or the last one): earlier
        # candidates are section labels or menu entries.
        before = [c for c in candidates if first_meta is None or c[0] < first_meta]
        chosen = (before or candidates)[-1]
        if header.title is None:
            header.title = chosen[1]
        for index, text in candidates:
            if index != chosen[0] or header.title != chosen[1]:
                header.dropped.append(Dropped("header line", text))
    if header.published is None and header.updated is not None:
        header.published = header.updated
    return header


def _read_meta(header: _Header, key: str, value: str) -> None:
    value = squash(value)
    # "Source: Voice of America; byline: Jane Doe" carries several fields on one line.
    if ";" in value and re.search(r";\s*(?:by|byline|author|date)\b", value, re.I):
        first, *rest = [p.strip() for p in value.split(";")]
        _read_meta(header, key, first)
        for part in rest:
            sub = _META_KEY.match(part)
            if sub:
                _read_meta(header, sub.group("key").lower(), sub.group("value"))
            elif _BYLINE.match(part):
                _read_byline(header, _BYLINE.match(part).group("rest"))
        return
    if key in ("title", "headline"):
        header.title = header.title or value
    elif key in ("source", "publication", "publisher"):
        header.source = header.source or smart_case(value)
    elif key in ("date", "published", "published on", "publication date", "posted",
                 "posted on"):
        header.published = header.published or parse_date(value)
    elif key in ("updated", "updated on"):
        header.updated = header.updated or parse_date(value)
    elif key in ("url", "link"):
        header.url = header.url or value.strip("<>")
    elif key in ("author", "authors", "by", "byline", "writer", "written by"):
        header.authors = header.authors or split_names(value)
    elif key in ("section", "category"):
        header.section = header.section or value
    elif key == "language":
        header.language = header.language or value.lower()[:2]


_NAME_PARTICLES = frozenset("de da di del della van von der den du la le bin al el y and".split())


def _names_first(rest: str) -> bool:
    """Whether a 'By ...' line starts with names ('By Jane Doe | ...'), not a sentence
    ('By 2030 the region will ...')."""
    first = re.split(r"\s+[|·•]\s+", rest, maxsplit=1)[0]
    found = find_date(first)
    if found is not None:
        first = first[: found[0]]
    names = split_names(first)
    return bool(names) and all(
        len(name.split()) <= 5 and all(w[:1].isupper() or w.lower() in _NAME_PARTICLES
                                       for w in name.split())
        for name in names)


def _read_byline(header: _Header, rest: str) -> None:
    """'A and B | CHINA DAILY | Updated: 2024-07-05 08:51' -> authors, source, date."""
    segments = [s.strip() for s in re.split(r"\s+[|·•]\s+|\s+[-–—]\s+(?=\S)", rest) if s.strip()]
    if not segments:
        return
    names = segments[0]
    found = find_date(names)
    if found is not None:  # "By Jane Doe, July 5, 2024" or "By Jane Doe, Friday, 5 July 2024"
        names = re.sub(r"[,\s]*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day)?[,\s]*$", "",
                       names[: found[0]], flags=re.I)
        header.published = header.published or found[2]
    header.authors = header.authors or split_names(names)
    for segment in segments[1:]:
        meta = _META_KEY.match(segment)
        if meta:
            _read_meta(header, meta.group("key").lower(), meta.group("value"))
            continue
        when = parse_date(segment)
        if when is not None:
            header.published = header.published or when
        elif re.search(r"[^\W\d_]", segment) and header.source is None:
            header.source = smart_case(segment)
