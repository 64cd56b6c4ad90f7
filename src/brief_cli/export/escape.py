"""Markdown escaping: passage text in, Markdown that renders as exactly that text out.

What cannot be kept:

- control and zero-width characters (``text.strip_controls``) are dropped, since no renderer
  shows them and some (escape sequences) are harmful in a terminal;
- spaces and tabs at the start and end of a line are dropped (they would make code blocks or
  hard breaks, and HTML collapses them anyway);
- line breaks become hard line breaks and runs of blank lines become one paragraph break.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Iterable, Sequence

from brief_cli.text import strip_controls

# The characters that can mean something in CommonMark, GitHub's tables and strikethrough,
# Pandoc's Markdown (citations, math, sub- and superscripts, fenced divs, fancy lists) or note
# tools such as Obsidian (tags, ==highlights==, %%comments%%, wikilinks, callouts, math). Each
# is escaped only where it could take effect (``_needs_escape``), so that the source of a note
# stays readable; with highlighting, where ** are inserted next to them, all are escaped.
_CANDIDATES = re.compile(r"[\\`*_\[\]<>#|~$&=%@^:]")
# Always escaped where they stand (the rest depend on their neighbours).
_ALWAYS = frozenset("\\`*~^")
# Escaped as the first character of a line: list bullets, setext underlines, thematic breaks,
# blockquotes, tables and line blocks, Pandoc's definition lists and fenced divs.
_LINE_START = frozenset("-+=>|:#*")
# An ordered list marker: 1. 1) and Pandoc's (1) a. A) iv. (its delimiter is escaped).
_ORDERED_LIST = re.compile(r"\(?(?:\d{1,9}|[A-Za-z]|[ivxlcdmIVXLCDM]{1,8})[.)](?=\s|$)")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
_OPENS_AFTER_BRACKET = frozenset("[!^@")
_LINK_AFTER_BRACKET = frozenset("([{:]")


def _needs_escape(line: str, i: int, strict: bool) -> bool:
    """Whether line[i] (a _CANDIDATES character) could be read as markup where it stands."""
    c = line[i]
    if c in _ALWAYS or (i == 0 and c in _LINE_START):
        return True
    before = line[i - 1] if i else ""
    after = line[i + 1] if i + 1 < len(line) else ""
    if c == "&":
        return _ENTITY.match(line, i) is not None
    if c in "=%":  # ==highlight== and %%comment%%: only doubled
        return before == c or after == c
    if c == "@":  # a Pandoc citation (@key, [@key]); an e-mail address is safe
        return not before.isalnum()
    if strict:
        return c != ":"
    if c == "_":  # inside a word, _ can neither open nor close emphasis
        return not (before.isalnum() and after.isalnum())
    if c == "[":  # wikilinks, callouts, footnotes, citations
        return after in _OPENS_AFTER_BRACKET
    if c == "]":  # links, images, reference definitions, spans, wikilinks
        return after in _LINK_AFTER_BRACKET or after == "]"
    if c == "<":  # raw HTML, autolinks and comments need a non-space after <
        return after != "" and not after.isspace()
    if c == "#":  # a heading at the start of a line, a tag after a space
        return not before.isalnum()
    if c == "$":  # math needs a closing $ after a non-space and not before a digit
        return before != "" and not before.isspace() and not after.isdigit()
    return False  # > | : in the middle of a line


_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029]")
_SAFE_URL = re.compile(r"https?://[^\s<>`\\\x00-\x1f\x7f]+", re.ASCII)


def clean_text(text: str) -> str:
    """Line breaks made ``\n`` and control characters dropped: the text a document can show."""
    return strip_controls(_LINE_BREAKS.sub("\n", text))


def _clean_with_index(text: str) -> tuple[str, list[int]]:
    """clean_text(text), and for each of its characters its index in text (for spans)."""
    chars: list[str] = []
    index: list[int] = []
    pos = 0
    for m in [*_LINE_BREAKS.finditer(text), None]:
        stop = m.start() if m else len(text)
        segment = text[pos:stop]
        if strip_controls(segment) == segment:
            chars.append(segment)
            index.extend(range(pos, stop))
        else:
            for i, c in enumerate(segment, pos):
                if strip_controls(c):
                    chars.append(c)
                    index.append(i)
        if m:
            chars.append("\n")
            index.append(m.start())
            pos = m.end()
    return "".join(chars), index


def _escape_line(line: str, runs: Sequence[tuple[int, int]] = (), strict: bool = False) -> str:
    """One line, every Markdown-active character escaped, each (start, end) run in **.

    strict: escape every character that could be active next to an inserted ** (highlighting)."""
    strict = strict or bool(runs)
    marks = [m.start() for m in _CANDIDATES.finditer(line)
             if _needs_escape(line, m.start(), strict)]
    ordered = _ORDERED_LIST.match(line)
    if ordered:  # "1." or "(a)" would start a list: escape the delimiter
        marks = sorted({*marks, ordered.end() - 1})
    elif line[0] in "-+=>|:#*" and not (marks and marks[0] == 0):
        marks.insert(0, 0)
    if not marks and not runs:
        return line
    # At one position, a ** goes before an escape: a run ends just before the marked character.
    events = sorted([(p, 1, "\\") for p in marks]
                    + [(p, 0, "**") for run in runs for p in run])
    pieces: list[str] = []
    last = 0
    for position, _, token in events:
        pieces += (line[last:position], token)
        last = position
    pieces.append(line[last:])
    return "".join(pieces)


def _runs(line: str, bold: Sequence[bool]) -> list[tuple[int, int]]:
    """The bold runs of a line, each trimmed to start and end on a letter or digit: then its **
    are a valid opener and closer whatever punctuation or escape stands next to them."""
    runs: list[tuple[int, int]] = []
    i, n = 0, len(line)
    while i < n:
        if not bold[i]:
            i += 1
            continue
        j = i
        while j < n and bold[j]:
            j += 1
        start, end = i, j
        while start < end and not line[start].isalnum():
            start += 1
        while end > start and not line[end - 1].isalnum():
            end -= 1
        if start < end:
            runs.append((start, end))
        i = j
    return runs


def _join_spans(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted and merged, also across the spaces between them: a matched phrase is bold
    as one run ("**single pipeline**"), not word by word."""
    joined: list[tuple[int, int]] = []
    for s, e in sorted((max(s, 0), min(e, len(text))) for s, e in spans):
        if e <= s:
            continue
        if joined and not text[joined[-1][1]:s].strip(" \t"):
            joined[-1] = (joined[-1][0], max(e, joined[-1][1]))
        else:
            joined.append((s, e))
    return joined


def _escape_lines(text: str, spans: Iterable[tuple[int, int]] = ()) -> list[str]:
    """The escaped lines of a paragraph; "" marks a paragraph break."""
    joined = _join_spans(text, spans) if spans else []
    bold: list[bool] | None = None
    if joined:
        clean, index = _clean_with_index(text)
        starts = [s for s, _ in joined]
        bold = []
        for i in index:
            k = bisect_right(starts, i) - 1
            bold.append(k >= 0 and i < joined[k][1])
    else:
        clean = clean_text(text)
    out: list[str] = []
    offset = 0
    for raw in clean.split("\n"):
        line = raw.strip(" \t")
        if not line.strip():  # renderers trim other white space (no-break space...) too
            if out and out[-1] != "":
                out.append("")
        else:
            runs: list[tuple[int, int]] = []
            if bold is not None:
                first = offset + len(raw) - len(raw.lstrip(" \t"))
                runs = _runs(line, bold[first:first + len(line)])
            out.append(_escape_line(line, runs, strict=bold is not None))
        offset += len(raw) + 1
    while out and out[-1] == "":
        out.pop()
    # A backslash at the end of a line is a hard line break (kept by editors, unlike two spaces).
    return [line + "\\" if line and i + 1 < len(out) and out[i + 1] else line
            for i, line in enumerate(out)]


def escape_markdown(text: str, spans: Iterable[tuple[int, int]] = ()) -> str:
    """Text as Markdown that renders as exactly that text (see the module docstring).

    ``spans`` are (start, end) character ranges of ``text`` to show in **bold**; a span is
    trimmed to the letters and digits it covers and split at line breaks.
    """
    return "\n".join(_escape_lines(text, spans))


@lru_cache(maxsize=8192)
def escape_inline(text: str) -> str:
    """One-line Markdown for a title, a name or a label: whitespace runs become one space."""
    return escape_markdown(" ".join(strip_controls(text).split()))


def blockquote(text: str, spans: Iterable[tuple[int, int]] = ()) -> str:
    """The passage text as a Markdown blockquote, escaped and with its line breaks kept."""
    return "\n".join(f"> {line}" if line else ">" for line in _escape_lines(text, spans))


def code_span(text: str) -> str:
    """Inline code that shows text as it is, whatever backticks it holds."""
    text = " ".join(strip_controls(text).split())
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`"):
        text = f" {text} "
    return f"{fence}{text}{fence}"


def emphasis(text: str) -> str:
    """*text*, for a title in a citation (callers put a space or punctuation on both sides)."""
    return f"*{escape_inline(text) or 'untitled'}*"


def link(url: str | None) -> str:
    """An autolink for a plain http(s) URL; anything else as escaped text."""
    if not url:
        return ""
    url = url.strip()
    if _SAFE_URL.fullmatch(url):
        return f"<{url}>"
    return escape_inline(url)
