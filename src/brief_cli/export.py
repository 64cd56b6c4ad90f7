"""Cited Markdown excerpts: a Selection in, one Markdown document (a string) out.

The document is YAML front matter (read by note tools such as Obsidian), a level-1 title, the
excerpts in level-2 groups, and a references section. Every excerpt is a blockquote of the
passage text, a citation line and a tags line.

Passage text is escaped so that a CommonMark renderer shows exactly the text: no emphasis, link,
heading, list, code, table, entity or raw HTML can come out of it. What cannot be kept:

- control and zero-width characters (``text.strip_controls``) are dropped, since no renderer
  shows them and some (escape sequences) are harmful in a terminal;
- spaces and tabs at the start and end of a line are dropped (they would make code blocks or
  hard breaks, and HTML collapses them anyway);
- line breaks become hard line breaks and runs of blank lines become one paragraph break.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Iterable, Sequence

from brief_cli.errors import NothingFound, UsageError
from brief_cli.model import KINDS, Article, Passage
from brief_cli.selection import Selected, Selection
from brief_cli.taxonomy import Taxonomy
from brief_cli.text import strip_controls

GROUPINGS = ("article", "sector", "kind", "none")
NO_SECTOR = "No sector"

# Escaped wherever they stand: each can start emphasis, code, a link, raw HTML, a heading, a
# blockquote, a table, strikethrough or (in Obsidian and other note tools) math. Also "&" before
# what could be an entity, and doubled "=" and "%" (Obsidian's ==highlight== and %%comment%%).
# (The leading lookahead lets the regex engine skip quiet text fast.)
_ACTIVE = re.compile(
    r"(?=[\\`*_\[\]<>#|~$&=%])(?:[\\`*_\[\]<>#|~$]|&(?=[A-Za-z#])|={2,}|%{2,})")
# Escaped as the first character of a line: list bullets, setext underlines, thematic breaks.
_LINE_START = frozenset("-+=")
_ORDERED_LIST = re.compile(r"\d{1,9}[.)]")
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029]")
_SAFE_URL = re.compile(r"https?://[^\s<>`\\\x00-\x1f\x7f]+", re.ASCII)


# Escaping ----------------------------------------------------------------------------------

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


def _escape_line(line: str, runs: Sequence[tuple[int, int]] = ()) -> str:
    """One line, every Markdown-active character escaped, each (start, end) run in **."""
    ordered = _ORDERED_LIST.match(line)
    if not runs:
        escaped = _ACTIVE.sub(_backslashed, line)
        if ordered:
            return escaped[:ordered.end() - 1] + "\\" + escaped[ordered.end() - 1:]
        if line[0] in _LINE_START and escaped[0] != "\\":
            return "\\" + escaped
        return escaped
    marks = [i for m in _ACTIVE.finditer(line) for i in range(m.start(), m.end())]
    if line[0] in _LINE_START and not (marks and marks[0] == 0):
        marks.insert(0, 0)
    if ordered:  # "1." or "1)" would start a list: escape the dot (the digits are never marked)
        marks.insert(0, ordered.end() - 1)
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


def _backslashed(match: re.Match) -> str:
    return "".join("\\" + c for c in match.group())


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
            out.append(_escape_line(line, runs))
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


# The document ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    heading: str | None
    items: tuple[Selected, ...]


def group_items(selection: Selection, taxonomy: Taxonomy, group_by: str) -> list[Group]:
    """Excerpts in their groups; within a group they keep the selection's order.

    article: one group per article, in order of first appearance (best match first with a
    query). sector: one group per sector in taxonomy order (only the filtered sectors under
    --sector), a passage under each of its sectors, untagged ones under "No sector" at the end.
    kind: challenge, opportunity, context. none: one group.
    """
    items = selection.items
    if group_by == "none":
        return [Group(None, items)]
    if group_by == "article":
        by_article: dict[str, list[Selected]] = {}
        titles: dict[str, str] = {}
        for item in items:
            by_article.setdefault(item.article.id, []).append(item)
            titles[item.article.id] = item.article.title
        return [Group(titles[k], tuple(v)) for k, v in by_article.items()]
    if group_by == "kind":
        order = taxonomy.kind_ids or list(KINDS)
        groups = []
        for kind in order + sorted({i.passage.kind for i in items} - set(order)):
            chosen = tuple(i for i in items if i.passage.kind == kind)
            if chosen:
                found = taxonomy.kind(kind)
                groups.append(Group(found.label if found else kind, chosen))
        return groups
    if group_by == "sector":
        wanted = set(selection.filters.sectors)
        used = {s for i in items for s in i.passage.sectors if not wanted or s in wanted}
        order = [s for s in taxonomy.sector_ids if s in used] + sorted(
            used - set(taxonomy.sector_ids))
        groups = []
        for sector in order:
            chosen = tuple(i for i in items if sector in i.passage.sectors)
            groups.append(Group(_sector_label(taxonomy, sector), chosen))
        untagged = tuple(i for i in items if not i.passage.sectors)
        if untagged:
            groups.append(Group(NO_SECTOR, untagged))
        return groups
    raise UsageError(f"unknown grouping {group_by!r}", hint="use " + ", ".join(GROUPINGS))


def _sector_label(taxonomy: Taxonomy, sector_id: str) -> str:
    sector = taxonomy.sector(sector_id)
    return sector.label if sector else sector_id


def citation_line(article: Article, passage: Passage) -> str:
    """— Authors, *Title*, Source, date, `passage id`, <url>."""
    parts = []
    if article.authors:
        parts.append(escape_inline(article.citation_authors()))
    parts.append(emphasis(article.title))
    parts.append(escape_inline(article.source))
    parts.append(article.published.isoformat())
    parts.append(code_span(passage.uid))
    if article.url:
        parts.append(link(article.url))
    return "— " + ", ".join(parts)


def tags_line(passage: Passage, taxonomy: Taxonomy) -> str:
    """Kind: challenge · Sectors: Energy, Trade · Actors: China, Kazakhstan."""
    parts = [f"Kind: {escape_inline(passage.kind)}"]
    if passage.sectors:
        parts.append("Sectors: " + ", ".join(
            escape_inline(_sector_label(taxonomy, s)) for s in passage.sectors))
    if passage.actors:
        parts.append("Actors: " + ", ".join(
            escape_inline(taxonomy.actor_name(a)) for a in passage.actors))
    return " · ".join(parts)


def reference_entry(article: Article, cited: Sequence[Passage]) -> str:
    """- Authors (date). *Title*. Source, section. <url>. Cited: p01, p04.

    Without authors the title leads: - *Title* (date). Source, section. ...
    """
    when = article.published.isoformat()
    if article.authors:
        text = f"- {escape_inline(article.citation_authors())} ({when}). {emphasis(article.title)}."
    else:
        text = f"- {emphasis(article.title)} ({when})."
    where = escape_inline(article.source)
    if article.section:
        where += ", " + escape_inline(article.section)
    text += f" {where}."
    if article.url:
        text += f" {link(article.url)}."
    ids = ", ".join(p.id for p in sorted(cited, key=lambda p: p.index))
    return text + f" Cited: {escape_inline(ids)}."


def default_title(selection: Selection) -> str:
    """'Excerpts: "energy" · kind challenge · sector energy' from the query and filters."""
    parts = []
    if selection.query.strip():
        parts.append(f"“{' '.join(selection.query.split())}”")
    for key, value in selection.filters.describe().items():
        name = key[:-1] if key.endswith("s") else key
        parts.append(f"{name} {', '.join(value) if isinstance(value, list) else value}")
    return "Excerpts" + (": " + " · ".join(parts) if parts else "")


def nothing_message(selection: Selection) -> str:
    """Why the document would be empty, in the words search uses."""
    query = " ".join(selection.query.split())
    if query:
        return f"no passages match {query!r}" + (" and the filters" if selection.filters else "")
    return "no passages match the filters" if selection.filters else "the corpus has no passages"


def front_matter(data: dict) -> str:
    import yaml

    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False,
                          width=2**31 - 1)
    return f"---\n{body}---\n"


def build_markdown(selection: Selection, taxonomy: Taxonomy, *, title: str | None = None,
                   group_by: str = "article", highlight: bool = False,
                   corpus_label: str | None = None, generated: datetime | None = None,
                   version: str | None = None) -> str:
    """The whole Markdown document for a selection; NothingFound when it is empty."""
    if group_by not in GROUPINGS:
        raise UsageError(f"unknown grouping {group_by!r}", hint="use " + ", ".join(GROUPINGS))
    if not selection.items:
        raise NothingFound(nothing_message(selection))
    if highlight and not selection.query.strip():
        raise UsageError("--highlight needs a query", hint="give the words to highlight as QUERY")
    if version is None:
        from brief_cli import __version__ as version
    generated = (generated or datetime.now(timezone.utc)).astimezone(timezone.utc)
    title = " ".join(strip_controls(title).split()) if title else default_title(selection)
    if not title:
        raise UsageError("--title must not be empty")

    passages = {item.passage.uid: item for item in selection.items}
    cited: dict[str, dict[str, Passage]] = {}
    articles: dict[str, Article] = {}
    for item in selection.items:
        articles.setdefault(item.article.id, item.article)
        cited.setdefault(item.article.id, {})[item.passage.id] = item.passage

    meta: dict[str, object] = {
        "title": title,
        "generated": generated.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "query": " ".join(selection.query.split()) or None,
        "filters": selection.filters.describe(),
    }
    if selection.corrections:
        meta["corrections"] = {k: list(v) for k, v in selection.corrections.items()}
    meta.update({
        "group_by": group_by,
        "corpus": corpus_label,
        "excerpts": len(passages),
        "articles": len(articles),
        "generator": f"brief {version}",
    })

    n, a = len(passages), len(articles)
    lines = [front_matter(meta), f"# {escape_inline(title)}", "",
             f"{n} excerpt{'s' * (n != 1)} from {a} article{'s' * (a != 1)}.", ""]
    for group in group_items(selection, taxonomy, group_by):
        lines += [f"## {escape_inline(group.heading or 'Excerpts')}", ""]
        for item in group.items:
            spans = item.spans if highlight else ()
            lines += [blockquote(item.passage.text, spans), "",
                      citation_line(item.article, item.passage), "",
                      tags_line(item.passage, taxonomy), ""]
    lines += ["## References", ""]
    ordered = sorted(articles.values(), key=lambda x: (
        x.citation_authors().casefold(), x.published, x.title.casefold(), x.id))
    lines += [reference_entry(x, list(cited[x.id].values())) for x in ordered]
    return "\n".join(lines) + "\n"
