"""Raw articles in, corpus articles out: plain text copied from a web page, saved HTML, speeches.

The work is done in small steps that each can be tested on their own:

1. ``decode.decode_bytes`` turns bytes into text (and says which encoding it used).
2. ``normalise`` makes the text regular: Unicode NFC, one kind of newline and space, no zero-width
   or control characters, page breaks as blank lines.
3. ``read_header`` walks the first lines: menus, breadcrumbs and share widgets are dropped; the
   title, the byline (authors, source, date), ``Key: value`` header lines and the URL are kept.
4. ``body_paragraphs`` rebuilds paragraphs from blank-line separated blocks, one-paragraph-per-line
   files and hard-wrapped lines (hyphenation undone); page furniture, PDF page headers, headings
   and stray fragments are dropped *and reported*, never lost silently.
5. ``finish`` takes an author-bio paragraph at the end as the ``author_note`` and splits paragraphs
   far longer than a passage at sentence boundaries.

HTML goes through trafilatura first (main text and metadata), then through the same steps 3–5.
Nothing here prints; ``Ingester`` writes files through ``fileio.atomic_write_text``.
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable, Sequence

from brief_cli.decode import MAX_INPUT_BYTES, Decoded, decode_bytes
from brief_cli.errors import FileProblem, UsageError
from brief_cli.model import Article, Passage
from brief_cli.taxonomy import SLUG_RE, Taxonomy
from brief_cli.text import split_sentences

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
INPUT_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES

# A paragraph longer than this is split at sentence boundaries into parts of about TARGET chars.
MAX_PASSAGE_CHARS = 1200
TARGET_PASSAGE_CHARS = 700

HTML_HINT = "install the html extra: pip install trafilatura lxml_html_clean"


# Results ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Dropped:
    """Text that cleaning removed, and why (shown by --dry-run: nothing is lost silently)."""

    reason: str
    text: str


@dataclass(frozen=True)
class Draft:
    """What was read from one input: metadata (None when not found) and body paragraphs."""

    title: str | None = None
    source: str | None = None
    section: str | None = None
    authors: tuple[str, ...] = ()
    published: date | None = None
    url: str | None = None
    author_note: str | None = None
    language: str | None = None
    paragraphs: tuple[str, ...] = ()
    dropped: tuple[Dropped, ...] = ()


@dataclass(frozen=True)
class Options:
    """What the user set on the command line; ``None`` means "find it in the input"."""

    article_id: str | None = None
    source: str | None = None
    published: date | None = None
    language: str | None = None
    force: bool = False
    dry_run: bool = False
    tag: bool = True


@dataclass(frozen=True)
class InputSource:
    """One input: a file, or bytes read from stdin (``path`` None)."""

    name: str
    path: Path | None = None
    data: bytes | None = None


@dataclass(frozen=True)
class Prepared:
    """An input turned into an article, before it is written."""

    source: InputSource
    article: Article
    draft: Draft
    encoding: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What happened to one input: ingested, skipped (already there) or failed, and why."""

    input: str
    status: str
    article_id: str | None = None
    passages: int = 0
    path: Path | None = None
    reason: str = ""
    prepared: Prepared | None = field(default=None, compare=False, repr=False)


# Normalising ---------------------------------------------------------------------------------

_DROP_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"  # zero-width, soft hyphen
_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def normalise(text: str) -> str:
    """Unicode NFC, ``\\n`` newlines, plain spaces, no zero-width/control characters, no
    trailing spaces; a page break (form feed) becomes a blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\x0b", "\n")
    text = unicodedata.normalize("NFC", text)
    for char in _DROP_CHARS:
        if char in text:
            text = text.replace(char, "")
    text = _CONTROLS.sub("", _SPACES.sub(" ", text))
    return "\n".join(line.rstrip() for line in text.split("\n"))


def squash(text: str) -> str:
    """Whitespace runs to one space, ends stripped."""
    return " ".join(text.split())


# Dates -----------------------------------------------------------------------------------------

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


# Header: title, byline, metadata lines, menus ----------------------------------------------------

_LANGUAGE_NAMES = re.compile(
    r"(中文|双语|English|Français|Español|Deutsch|Русский|العربية|日本語|한국어|Português|"
    r"Italiano|Türkçe|हिन्दी|Bahasa|Tiếng Việt|ไทย|Polski|Nederlands)")
_MENU_WORDS = re.compile(
    r"^(?:(?:\w+ ){0,2}editions?|editions?\s*:.*|menu|search|sign in|log ?in|log ?out|"
    r"register|subscribe|subscriber|"
    r"newsletters?|skip to (?:main )?content|toggle navigation|navigation|main menu|"
    r"advertisement|advertising|sponsored(?: content)?|listen(?: to this article)?|"
    r"\d+ min(?:ute)?s? read|comments?(?: \(\d+\))?|font size.*|a\+? ?a-?|text size.*|"
    r"print(?: this)?(?: article| page)?|e-?mail(?: this)?(?: article)?)$", re.I)
_SHARE_WORDS = frozenset(
    "share shares sharing this article story on via tweet print email e mail facebook twitter x "
    "whatsapp linkedin wechat weibo telegram reddit pinterest copy link url save bookmark "
    "comment comments messenger flipboard qzone line sms more".split())
_BREADCRUMB_SPLIT = re.compile(r"\s+(?:/|>|»|›|\||::|→)\s+")
_META_KEY = re.compile(
    r"^(?P<key>title|headline|source|publication|publisher|date|published(?: on)?|"
    r"publication date|updated(?: on)?|posted(?: on)?|url|link|author|authors|by|byline|"
    r"writer|written by|section|category|language)\s*:\s*(?P<value>.*)$", re.I)
_BYLINE = re.compile(r"^(?:By|BY|Written by|WRITTEN BY|Words by)\s+(?P<rest>[^\sa-z].*)$")
_URL = re.compile(r"^(?:<)?(?P<url>https?://\S+?)(?:>)?$", re.I)
_TERMINAL = re.compile(r"""[.!?…][\"'”’)\]]*$""")
_CONTINUES = re.compile(r"[,;:\-–—(]$")


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


def _is_menu(line: str) -> bool:
    languages = set(_LANGUAGE_NAMES.findall(line))
    if languages and len(line) < 120 and (len(languages) >= 2 or re.search(r"edition", line, re.I)
                                          or line.strip(" |·•") in languages):
        return True  # a language menu: 'English | Français | 中文'; 'Global Edition 中文'
    return bool(_MENU_WORDS.match(line.strip(" |·•")))


def is_share_widget(line: str) -> bool:
    """'Share - WeChat', 'Share this article', 'Facebook Twitter WhatsApp', 'Tweet'..."""
    tokens = re.findall(r"[^\W\d_]+", line.lower())
    if not tokens or len(tokens) > 10 or len(line) > 100:
        return False
    if not all(t in _SHARE_WORDS for t in tokens):
        return False
    return "share" in tokens or "tweet" in tokens or len(tokens) >= 2


def parse_breadcrumb(line: str) -> str | None:
    """'Home / Opinion / Chinese Perspectives' -> 'Opinion / Chinese Perspectives'."""
    parts = _BREADCRUMB_SPLIT.split(line.strip())
    if len(parts) < 2 or any(not p or len(p.split()) > 5 or _TERMINAL.search(p) for p in parts):
        return None
    if parts[0].lower() not in ("home", "homepage", "start", "news", "front page"):
        if len(parts) < 3 or not all(p[0].isupper() for p in parts):
            return None
    else:
        parts = parts[1:]
    return " / ".join(parts) if parts else None


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


def _is_header_line(line: str) -> bool:
    text = line.strip()
    return bool(_META_KEY.match(text) or _BYLINE.match(text) or _URL.match(text)
                or is_share_widget(text) or parse_breadcrumb(text) or _is_menu(text)
                or date_line(text) is not None)


def _menu_like(text: str) -> bool:
    """A short line that is no sentence: a navigation entry, a section name, a title."""
    return (len(text) <= 100 and len(text.split()) <= 12 and not text[:1].islower()
            and not _ends_sentence(text) and not _dangling(text))


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
        if _is_menu(text):
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


# Furniture anywhere in the body -------------------------------------------------------------------

_LIST_HEADING = re.compile(
    r"^(?:most (?:viewed|read|popular|shared|commented|emailed)\b.*|trending(?: now| stories)?|"
    r"related(?: stories| articles| news| content| coverage| reading| topics)?|"
    r"read (?:more|next|also)|you (?:may|might) also (?:like|be interested in)|"
    r"recommended(?: for you| stories| reading)?|more (?:from|on|stories|news)\b.*|"
    r"editor'?s'? (?:picks?|choice)|top (?:stories|news)|latest(?: news| stories)?|"
    r"popular(?: now| stories)?|what to read next|in case you missed it|also read|see also|"
    r"tags?|topics?)\s*:?$", re.I)
_DISCLAIMER = re.compile(
    r"\b(?:views?|opinions?)\b.{0,80}?\b(?:do not|don't|does not|doesn't|not)\s+necessarily\s+"
    r"(?:reflect|represent)|^(?:disclaimer\b|the (?:views|opinions) expressed (?:here|in this))",
    re.I)
_CONTRIBUTE = re.compile(
    r"^if you have (?:a )?specific expertise|\bsend us your (?:writings?|submissions?|op-?eds|"
    r"articles?|letters?|thoughts?|comments?|views?)\b|\b(?:submit|pitch) (?:an? |your )?"
    r"(?:op-?eds?|opinion pieces?|letters? to the editor|commentar(?:y|ies)|articles?)\b|"
    r"^we (?:welcome|invite) (?:submissions|contributions|letters|op-?eds)\b|\bwrite to us at\b",
    re.I)
_COPYRIGHT = re.compile(
    r"\ball rights reserved\b|^(?:copyright|©|\(c\))\s*(?:©|\(c\))?\s*(?:\d{4}|by\b)|"
    r"^\s*©|\bcopyright\s*(?:©|\(c\))?\s*\d{4}\s*[-–]", re.I)
_LICENCE = re.compile(
    r"^licen[cs]e\b.*(?:\bno\b|number|\bfor\b).*\d|^registration (?:no|number)\b|\bICP\b.*\d|"
    r"\bbrowsers? with .*\bresolution\b|^(?:terms of (?:use|service)|privacy policy|"
    r"cookie (?:policy|settings)|contact us|about us)(?:\s*[|·•]\s*.*)?$", re.I)
_PROVENANCE = re.compile(
    r"^this (?:article|story|piece|commentary) (?:was )?(?:first |originally )?"
    r"(?:appeared|published|ran)\b", re.I)
_CAPTION = re.compile(r"^\[(?:photo|image|file photo|picture|video)\b[^\]]*\]$|"
                      r"^(?:photo|image|file photo|picture)\s*(?:/|:)\s*\S", re.I)
_PAGE_ARTEFACT = re.compile(
    r"^(?:[\dA-Z/.()\-–—]+\s*){1,4}$|^page \d+(?: of \d+)?$|^[-–—]\s*\d+\s*[-–—]$", re.I)


# Every furniture pattern holds one of these words: one search rules out most body text.
_FURNITURE_HINT = re.compile(
    r"necessarily|expertise|send us|submit|pitch|welcome|invite|write to us|reserved|copyright|"
    r"©|\(c\)|licen[cs]e|registration|icp|browser|terms of|privacy|cookie|contact us|about us|"
    r"^this |photo|image|picture|video|share|tweet|print|mail|facebook|twitter|wechat|whatsapp|"
    r"linkedin|weibo|telegram|reddit|edition|menu|search|sign|log ?in|log ?out|register|subscri|"
    r"newsletter|skip|navigation|advert|sponsor|listen|min(?:ute)?s? read|comment|font|text size|"
    r"^a\+? ?a", re.I)


def furniture_reason(text: str) -> str | None:
    """Why a line or paragraph is page furniture, or None when it is body text."""
    text = squash(text)
    if not text or not _FURNITURE_HINT.search(text):
        return None
    short = len(text) <= 600
    if short and _DISCLAIMER.search(text):
        return "disclaimer"
    if short and _CONTRIBUTE.search(text):
        return "call for contributions"
    if short and _COPYRIGHT.search(text):
        return "copyright notice"
    if len(text) <= 200 and _LICENCE.search(text):
        return "licence or registration"
    if len(text) <= 300 and _PROVENANCE.search(text):
        return "provenance note"
    if len(text) <= 200 and _CAPTION.search(text):
        return "photo caption"
    if len(text) <= 100 and is_share_widget(text):
        return "share widget"
    if len(text) <= 80 and _MENU_WORDS.match(text):
        return "page widget"
    return None


def is_page_artefact(text: str) -> bool:
    """A PDF page header or footer: 'A/63/PV.13', '08-53122 32', '12', 'Page 3 of 9'."""
    text = text.strip()
    return (len(text) <= 30 and bool(re.search(r"\d", text)) and not re.search(r"[a-z]{3}", text)
            and bool(_PAGE_ARTEFACT.match(text)))


# Paragraphs ---------------------------------------------------------------------------------

_COMPOUND_LEFT = frozenset(
    "self non ex so well long short high low middle follow decision state post pro anti counter "
    "cross all half full large small far wide world two three four five one first second third "
    "top mid twenty thirty forty fifty sixty seventy eighty ninety multi co vice".split())
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@dataclass
class _Line:
    text: str  # stripped
    indent: int
    kind: str = "text"  # text | blank | soft (dropped, joins across) | hard (dropped, breaks)


def _classify_lines(lines: Sequence[str], dropped: list[Dropped]) -> list[_Line]:
    out: list[_Line] = []
    in_list = False
    for raw in lines:
        text = raw.strip()
        indent = len(raw) - len(raw.lstrip(" "))
        if not text:
            out.append(_Line("", 0, "blank"))
            continue
        if not re.search(r"\w", text):
            dropped.append(Dropped("stray fragment", text))
            out.append(_Line(text, indent, "soft"))
            continue
        if is_page_artefact(text):
            dropped.append(Dropped("page number or header", text))
            out.append(_Line(text, indent, "soft"))
            continue
        if text[:1].islower():
            out.append(_Line(text, indent))  # a continued sentence is never furniture
            in_list = False
            continue
        if len(text) <= 60 and _LIST_HEADING.match(text):
            dropped.append(Dropped("list of links", text))
            out.append(_Line(text, indent, "hard"))
            in_list = True
            continue
        if in_list and len(text.split()) <= 18 and not _TERMINAL.search(text):
            dropped.append(Dropped("list of links", text))
            out.append(_Line(text, indent, "hard"))
            continue
        in_list = False
        reason = furniture_reason(text) if len(text) <= 600 else None
        if reason is not None:
            dropped.append(Dropped(reason, text))
            out.append(_Line(text, indent, "hard"))
            continue
        out.append(_Line(text, indent))
    return out


def _runs(lines: list[_Line]) -> list[list[_Line]]:
    """Consecutive text lines; blank lines and hard drops end a run, soft drops do not."""
    runs: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        if line.kind == "text":
            current.append(line)
        elif line.kind in ("blank", "hard"):
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


@dataclass
class _Layout:
    wrapped: bool  # lines are hard-wrapped at about ``width`` characters
    width: int
    indents: bool  # an indented line starts a paragraph


def _layout(runs: list[list[_Line]]) -> _Layout:
    inner = [len(line.text) + line.indent for run in runs for line in run[:-1]]
    if len(inner) < 3:
        return _Layout(False, 0, False)
    median = statistics.median(inner)
    ordered = sorted(inner)
    width = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    lines = [line for run in runs for line in run]
    indented = sum(1 for line in lines if line.indent > 0)
    indents = 0 < indented <= 0.5 * len(lines)
    return _Layout(median <= 130, width, indents)


def _ends_sentence(text: str) -> bool:
    """Ends with . ! ? or …, maybe followed by closing quotes or brackets (as _TERMINAL)."""
    return text.rstrip("\"'”’)]")[-1:] in (".", "!", "?", "…")


def _first_word(text: str) -> str:
    return text.split(" ", 1)[0]


_FUNCTION_WORDS = frozenset(
    "a an the of to in on at by for from with into onto upon about against between among "
    "through during without within under over and or nor but that which whose who whom its their "
    "our your his her my this these those is are was were be been has have had will would shall "
    "should can could may might must than as if because while whereas although though".split())


def _dangling(text: str) -> bool:
    """Text that stops where a sentence cannot end: on a comma, or 'of', 'the', 'that'..."""
    if _CONTINUES.search(text) or text.endswith(("/", "&")):
        return True
    last = text[-30:].rsplit(" ", 1)[-1].strip(".,;:!?\"'”’“‘()[]").lower()
    return last in _FUNCTION_WORDS and not _ends_sentence(text)


def _breaks_before(prev: _Line, line: _Line, layout: _Layout) -> bool:
    if _dangling(prev.text):
        return False
    if layout.indents and line.indent > 0 and prev.indent == 0:
        return True
    if not layout.wrapped:
        # One paragraph a line; a line that stops mid-sentence continues on the next.
        return _ends_sentence(prev.text) or not line.text[:1].islower()
    if not _ends_sentence(prev.text):
        return False
    starts = line.text[:1]
    if not (starts.isupper() or starts.isdigit() or starts in "\"'“‘(["):
        return False
    # The next word would have fitted on this line: the line was ended on purpose.
    room = layout.width - (len(prev.text) + prev.indent)
    return room > len(_first_word(line.text)) + 3  # measured: 97% precise on indented files


def _join(left: str, right: str, vocabulary: Callable[[], tuple[set[str], set[str]]]) -> str:
    """Join two pieces of one paragraph, undoing hyphenation at a line break."""
    if not left:
        return right
    # Only the end of ``left`` matters: searching all of it would make joining quadratic.
    m = re.search(r"([^\W\d_]+)-$", left[-80:]) if left.endswith("-") else None
    if m and right[:1].isalpha() and not left.endswith("--"):
        head = m.group(1)
        tail_match = _WORD.match(right)
        tail = tail_match.group() if tail_match else ""
        if right[:1].isupper():
            return left + right  # "Secretary-\nGeneral"
        words, hyphenated = vocabulary()
        pair = f"{head}-{tail}".lower()
        joined = (head + tail).lower()
        if pair in hyphenated:
            return left + right
        if joined in words:
            return left[:-1] + right
        if head.lower() in _COMPOUND_LEFT or (head.lower() in words and tail.lower() in words
                                              and len(tail) > 2):
            return left + right
        return left[:-1] + right
    if left.endswith(("—", "–")) and not left[-2:-1].isspace():
        return left + right
    return left + " " + right


def _vocabulary_of(text: str) -> Callable[[], tuple[set[str], set[str]]]:
    cache: list[tuple[set[str], set[str]]] = []

    def get() -> tuple[set[str], set[str]]:
        if not cache:
            # Words as split across lines are not whole words: look only inside lines.
            inner = re.sub(r"\S*-\n\s*\S*", " ", text)
            words = {w.lower() for w in _WORD.findall(inner)}
            hyphenated = {h.lower() for h in re.findall(r"[^\W\d_]+-[^\W\d_]+", inner)}
            cache.append((words, hyphenated))
        return cache[0]

    return get


def body_paragraphs(lines: Sequence[str], dropped: list[Dropped]) -> list[str]:
    """Paragraphs of the body text, furniture and stray fragments removed (and recorded)."""
    classified = _classify_lines(lines, dropped)
    runs = _runs(classified)
    layout = _layout(runs)
    vocabulary = _vocabulary_of("\n".join(lines))
    pieces: list[str] = []  # paragraphs as built from runs, before cross-run joins
    starts_run: list[bool] = []
    for run in runs:
        current = run[0].text
        first = True
        for prev, line in zip(run, run[1:]):
            if _breaks_before(prev, line, layout):
                pieces.append(current)
                starts_run.append(first)
                current, first = line.text, False
            else:
                current = _join(current, line.text, vocabulary)
        pieces.append(current)
        starts_run.append(first)
    # A run that ends mid-sentence and a next run that starts in lower case are one paragraph
    # split by a page break or a stray blank line.
    merged: list[str] = []
    for piece, new_run in zip(pieces, starts_run):
        if (merged and new_run and not _ends_sentence(merged[-1])
                and (piece[:1].islower() or _dangling(merged[-1]))):
            merged[-1] = _join(merged[-1], piece, vocabulary)
        else:
            merged.append(piece)
    return _settle_fragments([squash(p) for p in merged], dropped)


def _is_heading(text: str) -> bool:
    return (len(text) <= 100 and len(text.split()) <= 12 and not _ends_sentence(text)
            and not _dangling(text) and not text[:1].islower())


def _settle_fragments(paragraphs: list[str], dropped: list[Dropped]) -> list[str]:
    """Drop headings and separators; attach lead-ins ('Mr. President,') and tiny sentences."""
    out: list[str] = []
    carry = ""
    for text in paragraphs:
        md = re.match(r"^#{1,6}\s+(.*)$", text)
        if md:
            dropped.append(Dropped("heading", md.group(1)))
            continue
        if not re.search(r"[^\W\d_]", text):
            dropped.append(Dropped("stray fragment", text))
            continue
        if _is_heading(text):
            dropped.append(Dropped("heading", text))
            continue
        if len(text.split()) <= 8 and _CONTINUES.search(text):
            carry = f"{carry} {text}".strip()  # a lead-in belongs to what follows
            continue
        if carry:
            text = f"{carry} {text}"
            carry = ""
        if len(text.split()) < 4 and out:
            out[-1] = f"{out[-1]} {text}"  # "Thank you." closes the paragraph before it
            continue
        out.append(text)
    if carry:
        if out:
            out[-1] = f"{out[-1]} {carry}"
        else:
            out.append(carry)
    return out


# Author note and long paragraphs ---------------------------------------------------------------

_ROLE = re.compile(
    r"\b(?:dean|professor|lecturer|fellow|director|researcher|research|editor|columnist|"
    r"analyst|chair|chairman|chairwoman|president|founder|head|member|expert|author|writer|"
    r"journalist|correspondent|economist|scholar|student|associate|adviser|advisor|consultant|"
    r"ambassador|minister|officer|secretary|partner|manager|commentator|contributor|"
    r"specialist|scientist|institute|university|center|centre|school|academy|council|"
    r"foundation|think tank)\b", re.I)
_AUTHOR_ROLE_START = re.compile(
    r"^(?:the (?:authors?|writers?)|(?:s)?he|they)\s+(?:is|are|was|were)\b", re.I)


def is_author_note(text: str, authors: Sequence[str]) -> bool:
    """An author-bio paragraph: 'X is the dean of ...', 'The author is a fellow at ...'."""
    if len(text) > 500 or not _ROLE.search(text):
        return False
    if _AUTHOR_ROLE_START.match(text):
        return True
    if authors:
        return any(re.match(re.escape(name) + r"(?:,|\s+(?:is|are|was|were|has|,)\b)", text)
                   for name in authors)
    return bool(re.match(r"^(?:[A-Z][\w.'’-]+\s+){1,3}[A-Z][\w'’-]+,?\s+(?:is|was)\s+"
                         r"(?:a|an|the|currently|former|formerly|senior)\b", text))


def split_long(text: str, *, limit: int = MAX_PASSAGE_CHARS,
               target: int = TARGET_PASSAGE_CHARS) -> list[str]:
    """A paragraph far longer than a passage, cut at sentence boundaries into even parts."""
    if len(text) <= limit:
        return [text]
    sentences = split_sentences(text)
    if len(sentences) < 2:
        return [text]
    parts = max(2, math.ceil(len(text) / target))
    size = len(text) / parts
    chunks: list[str] = []
    current: list[str] = []
    length = 0
    for sentence in sentences:
        if current and length + len(sentence) / 2 > size and len(chunks) < parts - 1:
            chunks.append(" ".join(current))
            current, length = [], 0
        current.append(sentence)
        length += len(sentence) + 1
    if current:
        chunks.append(" ".join(current))
    return chunks


# Putting it together ---------------------------------------------------------------------------

def parse_text(text: str) -> Draft:
    """Read a plain-text (or Markdown) article: metadata from its header, paragraphs from
    its body."""
    lines = normalise(text).split("\n")
    header = read_header(lines)
    dropped = list(header.dropped)
    paragraphs = body_paragraphs(lines[header.body_start:], dropped)
    return finish(Draft(
        title=header.title, source=header.source, section=header.section,
        authors=header.authors, published=header.published, url=header.url,
        language=header.language, paragraphs=tuple(paragraphs)), dropped)


def finish(draft: Draft, dropped: list[Dropped]) -> Draft:
    """Take the author note off the end, split long paragraphs, drop a repeated title."""
    paragraphs = list(draft.paragraphs)
    if paragraphs and draft.title and squash(paragraphs[0]).lower() == squash(draft.title).lower():
        dropped.append(Dropped("repeated title", paragraphs.pop(0)))
    note = draft.author_note
    if paragraphs and note is None and len(paragraphs) > 1 and is_author_note(paragraphs[-1],
                                                                              draft.authors):
        note = paragraphs.pop()
    split: list[str] = []
    for paragraph in paragraphs:
        split.extend(split_long(paragraph))
    return replace(draft, paragraphs=tuple(split), author_note=note, dropped=tuple(dropped))


def parse_html(html: str) -> Draft:
    """Main text and metadata of a saved web page (needs trafilatura, the ``html`` extra)."""
    try:
        import trafilatura
    except ImportError as exc:
        if exc.name == "trafilatura":
            why = "trafilatura is not installed"
        elif exc.name:
            why = f"{exc.name}, which trafilatura needs, is not installed"
        else:  # a broken install: say what the import said, on one line
            why = "trafilatura cannot be imported: " + (str(exc).splitlines() or ["?"])[0]
        raise FileProblem(f"reading HTML needs the 'html' extra ({why})", hint=HTML_HINT) from None
    import logging

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=False, include_images=False,
                                      include_links=False, favor_recall=True)
    if doc is None or doc.body is None:
        raise FileProblem("no article text found in this HTML page")
    blocks: list[str] = []
    for element in doc.body.iterchildren():
        text = squash("".join(element.itertext()))
        if not text:
            continue
        if element.tag == "head":
            blocks.append("# " + text)
        elif element.tag == "list":
            blocks.extend(squash("".join(item.itertext())) for item in element.iterchildren())
        else:
            blocks.append(text)
    extracted = parse_text("\n\n".join(b for b in blocks if b))
    authors = split_names(doc.author) if doc.author else extracted.authors
    published = None
    if doc.date:
        try:
            published = date.fromisoformat(doc.date[:10])
        except ValueError:
            published = parse_date(doc.date)
    language = (doc.language or "")[:2].lower() or extracted.language
    source = doc.sitename or extracted.source or (doc.hostname or None)
    section = extracted.section or (doc.categories[0] if doc.categories else None)
    title = doc.title or extracted.title
    draft = replace(extracted, title=title, source=smart_case(source) if source else None,
                    authors=authors, published=published or extracted.published,
                    url=doc.url or extracted.url, language=language or None, section=section)
    # Re-check the author note and the repeated title with the page's own metadata.
    dropped = list(extracted.dropped)
    paragraphs = list(extracted.paragraphs)
    if extracted.author_note:
        paragraphs.append(extracted.author_note)
    return finish(replace(draft, paragraphs=tuple(paragraphs), author_note=None), dropped)


_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_MD_EMPHASIS = re.compile(
    r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\3(?![\w*])")
_MD_CODE = re.compile(r"`([^`]+)`")
_MD_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])\s+(?=\S)")


def plain_markdown(text: str) -> str:
    """Markdown as plain text: links and images keep their text, emphasis and code marks go,
    quote marks go, and each list item becomes a paragraph of its own. Headings stay (``#``):
    the header and paragraph steps know them."""
    lines = []
    for line in text.splitlines():
        if re.match(r"^\s*(?:[-*_]\s*){3,}$", line):  # a rule
            lines.append("")
            continue
        line = re.sub(r"^\s*>\s?", "", line)
        if _MD_ITEM.match(line):
            lines.append("")
            line = _MD_ITEM.sub("", line)
        line = _MD_IMAGE.sub(r"\1", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_CODE.sub(r"\1", line)
        line = _MD_EMPHASIS.sub(lambda m: m.group(2) or m.group(4), line)
        lines.append(line)
    return "\n".join(lines)


def looks_like_html(name: str, text: str) -> bool:
    if name.lower().endswith(HTML_SUFFIXES):
        return True
    if name.lower().endswith(TEXT_SUFFIXES):
        return False
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


def slugify(title: str, *, max_length: int = 60) -> str:
    """A lowercase, hyphenated id from a title, at most ``max_length`` characters:
    'Kazakhstan a BRI partner' -> 'kazakhstan-a-bri-partner'."""
    folded = unicodedata.normalize("NFKD", title)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    folded = folded.replace("'", "").replace("’", "")
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length + 1]
        slug = cut[:cut.rfind("-")] if "-" in cut else slug[:max_length]
    return slug.strip("-") or "article"


def _title_from_name(name: str) -> str:
    stem = Path(name).stem
    return squash(re.sub(r"[_]+|(?<=\w)-(?=\w)", " ", stem)) or "Untitled"


def _title_from_text(paragraphs: Sequence[str]) -> str:
    if not paragraphs:
        return "Untitled"
    words = paragraphs[0].split()
    return " ".join(words[:8]).rstrip(",;:.") + ("…" if len(words) > 8 else "")


# Reading inputs --------------------------------------------------------------------------------

def collect_inputs(paths: Sequence[str], pattern: str | None = None) -> list[InputSource]:
    """Files named, and the matching files under folders named (recursively, sorted).

    Folders give the files that match ``pattern`` (a glob such as ``*.txt``), else every text,
    Markdown and HTML file. ``-`` stands for stdin and is returned with ``path`` None.
    """
    sources: list[InputSource] = []
    seen: set[Path] = set()
    for value in paths:
        if value == "-":
            sources.append(InputSource("<stdin>"))
            continue
        path = Path(value).expanduser()
        if path.is_dir():
            matches = path.rglob(pattern) if pattern else (
                p for p in path.rglob("*") if p.suffix.lower() in INPUT_SUFFIXES)
            found = sorted(p for p in matches if p.is_file() and not any(
                part.startswith(".") for part in p.relative_to(path).parts))
            if not found:
                what = f"matching {pattern!r}" if pattern else "of text, Markdown or HTML"
                raise FileProblem(f"no files {what} in folder {str(path)!r}",
                                  hint="use --glob to choose other files" if not pattern else None)
            for p in found:
                if p.resolve() not in seen:
                    seen.add(p.resolve())
                    sources.append(InputSource(str(p), p))
        else:
            resolved = path.resolve() if path.exists() else path
            if resolved in seen:
                continue
            seen.add(resolved)
            sources.append(InputSource(str(path), path))
    return sources


def read_source(source: InputSource) -> Decoded:
    """The text of one input (FileProblem when it cannot be read or is not text)."""
    raw = source.data
    if raw is None:
        path = source.path
        assert path is not None
        try:
            if not path.exists():
                raise FileProblem("no such file")
            if path.is_dir():
                raise FileProblem("is a folder")
            size = path.stat().st_size
            if size > MAX_INPUT_BYTES:
                raise FileProblem(f"file is {size:,} bytes, above the {MAX_INPUT_BYTES:,}-byte "
                                  "limit for one article")
            raw = path.read_bytes()
        except PermissionError:
            raise FileProblem("cannot read file: permission denied") from None
        except OSError as exc:
            raise FileProblem(f"cannot read file: {exc.strerror or exc}") from None
    if not raw.strip():
        raise FileProblem("empty file")
    return decode_bytes(raw)


def prepare(source: InputSource, options: Options, *, today: date | None = None) -> Prepared:
    """Read, clean and parse one input into an untagged Article (id from the title)."""
    decoded = read_source(source)
    if looks_like_html(source.name, decoded.text):
        draft = parse_html(decoded.text)
    elif source.name.lower().endswith((".md", ".markdown")):
        draft = parse_text(plain_markdown(decoded.text))
    else:
        draft = parse_text(decoded.text)
    if not draft.paragraphs:
        raise FileProblem("no article text found"
                          + (f" (cleaning removed {len(draft.dropped)} lines of page furniture; "
                             "see --dry-run)" if draft.dropped else ""))
    notes: list[str] = []
    if decoded.detected:
        notes.append(f"read as {decoded.label}")
    title = draft.title
    if not title:
        title = _title_from_name(source.name) if source.path else _title_from_text(draft.paragraphs)
        notes.append("no title found: used the " + ("file name" if source.path else "first words"))
    published = options.published or draft.published
    if published is None:
        if source.path is not None:
            published = datetime.fromtimestamp(source.path.stat().st_mtime).date()
            notes.append(f"no date found: used the file's date {published} (set one with --date)")
        else:
            published = today or date.today()
            notes.append(f"no date found: used today {published} (set one with --date)")
    source_name = options.source or draft.source
    if not source_name:
        source_name = "Unknown"
        notes.append("no source found (set one with --source)")
    article_id = options.article_id or slugify(title)
    passages = tuple(
        Passage(id=f"p{i + 1:02d}", article_id=article_id, index=i, text=text, kind="context")
        for i, text in enumerate(draft.paragraphs))
    article = Article(
        id=article_id, title=title, source=source_name, published=published,
        language=options.language or draft.language or "en", passages=passages,
        authors=draft.authors, section=draft.section, author_note=draft.author_note,
        url=draft.url)
    return Prepared(source, article, draft, decoded.label, tuple(notes))


def with_tags(article: Article, tagger) -> Article:
    """The article with every passage tagged by ``tagger`` (reviewed: false)."""
    tags = tagger.tag_passages([p.text for p in article.passages])
    passages = tuple(
        replace(p, kind=t.kind, sectors=tuple(t.sectors), actors=tuple(t.actors), reviewed=False)
        for p, t in zip(article.passages, tags))
    return replace(article, passages=passages)


def loadable_tags(article: Article, taxonomy: Taxonomy) -> tuple[Article, list[str]]:
    """Keep only tags that the corpus loader reads back as themselves.

    A tag id that the taxonomy resolves to another entry (an actor id that is also another
    actor's alias or code) would load as something else; it is left out and reported.
    """
    left_out: list[str] = []
    passages = []
    for p in article.passages:
        sectors = tuple(dict.fromkeys(s for s in p.sectors if taxonomy.sector(s) is not None))
        actors = []
        for actor in dict.fromkeys(p.actors):
            resolved = taxonomy.resolve_actor(actor)
            if resolved == actor:
                actors.append(actor)
            else:
                left_out.append(
                    f"{p.id}: actor {actor!r} (the taxonomy reads it as {resolved!r})"
                    if resolved else f"{p.id}: unknown actor {actor!r}")
        left_out.extend(f"{p.id}: unknown sector {s!r}" for s in p.sectors if s not in sectors)
        passages.append(replace(p, sectors=sectors, actors=tuple(actors)))
    return replace(article, passages=tuple(passages)), left_out


def with_id(article: Article, article_id: str) -> Article:
    return replace(article, id=article_id,
                   passages=tuple(replace(p, article_id=article_id) for p in article.passages))


def load_tagger(taxonomy: Taxonomy):
    """The auto-tagger for this taxonomy (compiled once for a whole batch)."""
    from brief_cli.tagging import Tagger

    return Tagger(taxonomy)


class Ingester:
    """Turns inputs into corpus files in one folder, keeping ids unique across a batch.

    One bad input never stops the batch: each gives an Outcome (ingested, skipped, failed).
    """

    def __init__(self, out_dir: Path | None, taxonomy: Taxonomy, options: Options, tagger=None):
        self.out_dir = out_dir
        self.taxonomy = taxonomy
        self.options = options
        self.tagger = tagger
        self.taken: dict[str, Path] = {}  # article id -> its file, from the file names
        self.written: dict[str, Article] = {}  # in this batch
        if out_dir is not None and out_dir.is_dir():
            from brief_cli.corpus import corpus_files

            self.taken = {p.stem: p for p in corpus_files(out_dir)}

    def run(self, sources: Iterable[InputSource],
            progress: Callable[[InputSource], None] | None = None) -> list[Outcome]:
        outcomes = []
        for source in sources:
            outcomes.append(self.one(source))
            if progress is not None:
                progress(source)
        return outcomes

    def one(self, source: InputSource) -> Outcome:
        from brief_cli.errors import BriefError

        try:
            prepared = prepare(source, self.options)
            return self._place(prepared)
        except BriefError as exc:
            return Outcome(source.name, "failed", reason=str(exc))
        except Exception as exc:  # one odd file must not stop a batch of thousands
            return Outcome(source.name, "failed",
                           reason=f"unexpected error ({type(exc).__name__}: {exc}); "
                                  "please report it with the file")

    def _place(self, prepared: Prepared) -> Outcome:
        from brief_cli.corpus import article_to_yaml, load_article_file, load_article_text

        article = prepared.article
        if self.tagger is not None:
            article, left_out = loadable_tags(with_tags(article, self.tagger), self.taxonomy)
            if left_out:
                prepared = replace(prepared, notes=prepared.notes + (
                    "left out tags: " + ", ".join(left_out),))
        base = article.id
        article_id = base
        replace_existing = False
        n = 1
        while article_id in self.taken or article_id in self.written:
            if article_id in self.written and _same_text(self.written[article_id], article):
                return Outcome(prepared.source.name, "skipped", article_id, len(article.passages),
                               None, "same article as an earlier input", prepared=prepared)
            if article_id not in self.written and self.out_dir is not None:
                existing, _ = load_article_file(self.taken[article_id], self.taxonomy)
                if existing is not None and _same_text(existing, article):
                    if not self.options.force:
                        return Outcome(prepared.source.name, "skipped", article_id,
                                       len(article.passages), existing.path,
                                       "already in the corpus",
                                       prepared=prepared)
                    replace_existing = True
                    break
                if self.options.force:
                    replace_existing = True
                    break
            if self.options.article_id:
                raise FileProblem(f"article id {article_id!r} is already taken",
                                  hint="use --force to replace it, or choose another --id")
            n += 1
            article_id = f"{base}-{n}"
        article = with_id(article, article_id)
        prepared = replace(prepared, article=article)
        text = article_to_yaml(article)
        loaded, problems = load_article_text(text, self.taxonomy)
        if loaded is None or loaded != article:
            raise FileProblem("the article would not load back as written: "
                              + (str(problems[0]) if problems else "it differs when read back"))
        self.written[article_id] = article
        path = self.out_dir / f"{article_id}.yaml" if self.out_dir is not None else None
        if replace_existing and article_id in self.taken:
            path = self.taken[article_id]  # replace it where it is, even in a subfolder
        note = "; ".join(prepared.notes)
        if replace_existing:
            note = "; ".join(filter(None, ["replaced the article with this id", note]))
        if self.options.dry_run or path is None:
            return Outcome(prepared.source.name, "dry run", article_id, len(article.passages),
                           path, note, prepared=prepared)
        from brief_cli.fileio import atomic_write_text

        atomic_write_text(path, text, force=replace_existing, what="article file")
        self.taken[article_id] = path
        return Outcome(prepared.source.name, "ingested", article_id, len(article.passages),
                       path, note, prepared=prepared)


def _same_text(a: Article, b: Article) -> bool:
    return a.title == b.title and [p.text for p in a.passages] == [p.text for p in b.passages]


def target_folder(out_dir: Path | None, corpus: Path | None, *, dry_run: bool = False
                  ) -> Path | None:
    """Where ingest writes: --out (created if missing), else the corpus folder chosen with
    --corpus or BRIEF_CORPUS. The bundled corpus belongs to the installed package and is never
    a default target."""
    import os

    from brief_cli.config import ENV_CORPUS, resolve_corpus_dir

    if out_dir is not None:
        out_dir = Path(out_dir).expanduser()
        if out_dir.exists() and not out_dir.is_dir():
            raise FileProblem(f"--out {str(out_dir)!r} is not a folder")
        if not dry_run:
            try:
                out_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise FileProblem(f"cannot create folder {str(out_dir)!r}: "
                                  f"{exc.strerror or exc}") from None
        return out_dir
    if corpus is not None or os.environ.get(ENV_CORPUS):
        return resolve_corpus_dir(corpus)
    if dry_run:
        return None  # nothing will be written, and there is nowhere it could go
    raise UsageError("ingest needs a folder to write to (the bundled corpus is read-only)",
                     hint=f"give --out DIR, or --corpus DIR, or set {ENV_CORPUS}")


def check_date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--date takes a date like 2024-07-05, got {value!r}") from None


def check_id(value: str) -> str:
    if not SLUG_RE.match(value):
        raise UsageError(f"--id must be a lowercase slug, got {value!r}",
                         hint="letters, digits and hyphens, like 'energy-outlook-2024'")
    return value
