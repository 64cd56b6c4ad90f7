"""The Chinese plain-text path: header, furniture and paragraphs of an article written in
Chinese (``parse_text`` sends a text here when ``lang.detect_language`` says ``zh``).

Header: the title line, Chinese metadata lines (来源：, 作者：, 日期：/发布时间：, a dateline,
several fields on one line) and the English ``Source:``/``Date:``/``URL:`` lines that saved or
converted texts carry. Body: Chinese page furniture (分享到, 打印, 关闭窗口, 扫一扫, 责任编辑…)
dropped with its reason; paragraphs from full-width indentation, blank lines or one paragraph
a line (``lang.zh.paragraphs``); numbered headings dropped as headings; a short lead-in
("各位代表：") joined to the paragraph it opens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Sequence

from brief_cli.ingest.dates import parse_date as parse_english_date
from brief_cli.ingest.furniture import furniture_reason as english_furniture
from brief_cli.ingest.model import Draft, Dropped
from brief_cli.lang import HAN_RE
from brief_cli.lang import zh

# A Chinese passage carries about twice what the same number of English characters does:
# paragraphs longer than this are split at sentence ends into parts of about the target.
MAX_PASSAGE_CHARS = 600
TARGET_PASSAGE_CHARS = 350

_EN_KEY = re.compile(
    r"^(?P<key>title|source|publisher|date|published|url|link|author|authors|by|section|"
    r"category|language)\s*[:：]\s*(?P<value>.+)$", re.I)
_URL = re.compile(r"^<?(?P<url>https?://\S+?)>?$", re.I)
_LEAD_IN = re.compile(r"^.{1,40}[：:]$|^.{1,16}[，,]$")
_SPEAKER = re.compile(r"^[\u4e00-\u9fff·]{2,6}$")
_AUTHOR_NOTE = re.compile(r"^[（(](?:作者|本文作者)(?:为|是|系|单位|简介)")
TINY = 6  # a paragraph this short ("谢谢大家。") closes the one before it
HEADER_LINES = 15


@dataclass
class _Meta:
    title: str | None = None
    source: str | None = None
    authors: tuple[str, ...] = ()
    published: date | None = None
    url: str | None = None
    section: str | None = None
    dropped: list[Dropped] = field(default_factory=list)


def _merge_header(meta: _Meta, h: zh.HeaderLine) -> None:
    meta.source = meta.source or h.source
    meta.authors = meta.authors or h.authors
    meta.published = meta.published or h.published
    meta.section = meta.section or h.section
    if h.title and not meta.title:
        meta.title = h.title


def _english_key(meta: _Meta, key: str, value: str) -> None:
    key = key.lower()
    value = value.strip()
    if key == "title":
        meta.title = meta.title or value
    elif key in ("source", "publisher"):
        meta.source = meta.source or value
    elif key in ("date", "published"):
        meta.published = meta.published or zh.parse_date(value) or parse_english_date(value)
    elif key in ("url", "link"):
        meta.url = meta.url or value
    elif key in ("author", "authors", "by"):
        meta.authors = meta.authors or tuple(
            n for n in re.split(r"\s*(?:[,;、，]|\band\b)\s*", value) if n)
    elif key in ("section", "category"):
        meta.section = meta.section or value


def read_header(lines: Sequence[str]) -> tuple[_Meta, int]:
    """The metadata at the top of a Chinese text, and the index of the first body line."""
    meta = _Meta()
    seen = 0
    i = 0
    while i < len(lines) and seen < HEADER_LINES:
        text = lines[i].strip()
        i += 1
        if not text:
            continue
        seen += 1
        reason = zh.furniture_reason(text) if HAN_RE.search(text) else english_furniture(text)
        if reason is not None:
            meta.dropped.append(Dropped(reason, text))
            continue
        header = zh.read_header_line(text) or zh.read_source_line(text)
        if header is not None:
            _merge_header(meta, header)
            meta.dropped.append(Dropped("header line", text))
            continue
        m = _EN_KEY.match(text)
        if m:
            _english_key(meta, m["key"], m["value"])
            meta.dropped.append(Dropped("header line", text))
            continue
        url = _URL.match(text)
        if url:
            meta.url = meta.url or url["url"]
            meta.dropped.append(Dropped("header line", text))
            continue
        found = zh.find_date(text)
        if found and zh._only_datetime(text):  # a dateline on its own
            meta.published = meta.published or found[2]
            meta.dropped.append(Dropped("header line", text))
            continue
        if meta.title is None and _title_like(text):
            meta.title = text
            continue
        if meta.title is not None and not meta.authors and _SPEAKER.match(text):
            meta.authors = (text,)  # the speaker's name under a speech's title
            meta.dropped.append(Dropped("header line", text))
            continue
        i -= 1
        break
    return meta, i


def _title_like(text: str) -> bool:
    return len(text) <= 100 and not zh.ends_sentence(text) and not text.endswith(("：", ":"))


def body_lines(lines: Sequence[str], dropped: list[Dropped], meta: _Meta) -> list[str]:
    """The body's lines with header lines and furniture blanked out (and recorded)."""
    out: list[str] = []
    for raw in lines:
        text = raw.strip()
        if not text:
            out.append("")
            continue
        if text.startswith("#"):  # a Markdown or HTML heading
            dropped.append(Dropped("heading", text.lstrip("# ")))
            out.append("")
            continue
        chinese = HAN_RE.search(text) is not None
        reason = zh.furniture_reason(text) if chinese else english_furniture(text)
        if reason is not None:
            dropped.append(Dropped(reason, text))
            out.append("")
            continue
        header = zh.read_header_line(text) if len(text) <= 80 else None
        if header is not None:
            _merge_header(meta, header)
            dropped.append(Dropped("header line", text))
            out.append("")
            continue
        out.append(raw)
    return out


def settle(paragraphs: list[str], dropped: list[Dropped]) -> list[str]:
    """Drop headings and lines without words; join a short lead-in to what follows."""
    out: list[str] = []
    carry = ""
    for text in paragraphs:
        if _AUTHOR_NOTE.match(text):
            dropped.append(Dropped("author note", text))
            continue
        if not re.search(r"[^\W\d_]", text):
            dropped.append(Dropped("stray fragment", text))
            continue
        if zh.is_heading(text):
            dropped.append(Dropped("heading", text))
            continue
        if _LEAD_IN.match(text):
            carry += text
            continue
        if len(text) <= TINY and out and not carry:
            out[-1] += text
            continue
        out.append(carry + text)
        carry = ""
    if carry:
        if out:
            out[-1] += carry
        else:
            out.append(carry)
    return out


def parse_chinese(lines: Sequence[str]) -> Draft:
    """A Chinese plain text (already normalised, as lines) read into a Draft."""
    meta, start = read_header(lines)
    dropped = list(meta.dropped)
    body = body_lines(lines[start:], dropped, meta)
    paragraphs = settle(zh.paragraphs(body), dropped)
    note = next((d.text for d in dropped if d.reason == "author note"), None)
    dropped = [d for d in dropped if d.reason != "author note"]
    if paragraphs:
        wire = zh.read_dateline(paragraphs[0])
        if wire is not None:
            meta.source = meta.source or wire.source
            meta.authors = meta.authors or wire.authors
    return Draft(title=meta.title, source=meta.source, section=meta.section,
                 authors=meta.authors, published=meta.published, url=meta.url, language="zh",
                 author_note=note.strip("（）()") if note else None,
                 paragraphs=tuple(paragraphs), dropped=tuple(dropped))


def split_long(text: str) -> list[str]:
    """A long Chinese paragraph cut at sentence ends."""
    return zh.split_long(text, MAX_PASSAGE_CHARS, TARGET_PASSAGE_CHARS)


def slug_of(title: str, max_length: int = 40) -> str:
    """A Latin id for a Chinese title, from the pinyin of its main title (before a dash,
    colon or bracket): '中哈合作——2024年' -> 'zhong-ha-he-zuo'."""
    from pypinyin import lazy_pinyin

    from brief_cli.ingest.ids import slugify

    main = re.split(r"——|—|：|:|（|\(|\|", title, maxsplit=1)[0].strip() or title
    return slugify(" ".join(lazy_pinyin(main)), max_length=max_length)
