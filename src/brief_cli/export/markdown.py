"""Cited Markdown excerpts: a Selection in, one Markdown document (a string) out.

The document is YAML front matter with flat, typed properties (what note tools such as
Obsidian show in their properties panel, and what Pandoc reads as metadata), a level-1 title,
the excerpts in level-2 groups, and a references section. Every excerpt is a blockquote of the
passage text, a citation line and a tags line. Passage text is escaped (``export.escape``) so
that a renderer shows exactly the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Sequence

from brief_cli.errors import NothingFound, UsageError
from brief_cli.model import KINDS, Article, Passage
from brief_cli.selection import Selected, Selection
from brief_cli.taxonomy import Taxonomy
from brief_cli.export.escape import (
    blockquote, code_span, emphasis, escape_inline, link,
)
from brief_cli.text import strip_controls

GROUPINGS = ("article", "sector", "kind", "none")
NO_SECTOR = "No sector"

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


class _FrontMatterDumper:
    """A YAML dumper that writes date-times the way note tools type them (2026-01-02T03:04:05,
    a plain timestamp, not a quoted string)."""

    _cls = None

    @classmethod
    def get(cls):
        if cls._cls is None:
            import yaml

            class Dumper(yaml.SafeDumper):
                pass

            def datetime_repr(dumper, value: datetime):
                return dumper.represent_scalar("tag:yaml.org,2002:timestamp",
                                               value.isoformat(timespec="seconds"))

            Dumper.add_representer(datetime, datetime_repr)
            cls._cls = Dumper
        return cls._cls


def front_matter(data: dict) -> str:
    import yaml

    body = yaml.dump(data, Dumper=_FrontMatterDumper.get(), sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=2**31 - 1)
    return f"---\n{body}---\n"


CITE_STYLES = ("text", "pandoc")
_TAG_UNSAFE = re.compile(r"[^\w/-]+")


def note_tags(selection: Selection, taxonomy: Taxonomy) -> list[str]:
    """Tags for note tools: the kinds, then the sectors, of the exported passages, in taxonomy
    order (ids, which are already tag-shaped; anything else made so)."""
    kinds = {i.passage.kind for i in selection.items}
    sectors = {s for i in selection.items for s in i.passage.sectors}
    kind_order = taxonomy.kind_ids or list(KINDS)
    ordered = [k for k in kind_order if k in kinds] + sorted(kinds - set(kind_order))
    ordered += [s for s in taxonomy.sector_ids if s in sectors] + sorted(
        sectors - set(taxonomy.sector_ids))
    tags = []
    for tag in ordered:
        tag = _TAG_UNSAFE.sub("-", tag).strip("-")
        if tag and not tag.isdigit() and tag not in tags:
            tags.append(tag)
    return tags


def filter_properties(selection: Selection) -> dict[str, object]:
    """Each filter as a flat, typed property: lists of ids, dates as dates."""
    f = selection.filters
    props: dict[str, object] = {}
    for key, values in (("sector", f.sectors), ("kind", f.kinds), ("actor", f.actors),
                        ("article", f.articles), ("language", f.languages)):
        if values:
            props[key] = list(values)
    if f.since:
        props["since"] = f.since
    if f.until:
        props["until"] = f.until
    return props


def pandoc_citation(key: str, passage: Passage) -> str:
    """[@key, ¶ 3]: citeproc reads ¶ as a paragraph locator ("para. 3")."""
    return f"[@{key}, ¶ {passage.index + 1}]"


def build_markdown(selection: Selection, taxonomy: Taxonomy, *, title: str | None = None,
                   group_by: str = "article", highlight: bool = False,
                   corpus_label: str | None = None, generated: datetime | None = None,
                   version: str | None = None, cite: str = "text",
                   keys: dict[str, str] | None = None, bibliography: str | None = None) -> str:
    """The whole Markdown document for a selection; NothingFound when it is empty.

    cite="text": citation lines and a references list written out (any Markdown reader).
    cite="pandoc": ``[@key, ¶ n]`` citations for Pandoc's citeproc, the title in the front
    matter only, and the references from ``bibliography`` (a file name for the front matter)
    or, without one, embedded in the front matter as CSL items. ``keys`` maps article ids to
    citation keys (made from the selection's articles when not given).
    """
    if group_by not in GROUPINGS:
        raise UsageError(f"unknown grouping {group_by!r}", hint="use " + ", ".join(GROUPINGS))
    if cite not in CITE_STYLES:
        raise UsageError(f"unknown citation style {cite!r}", hint="use " + ", ".join(CITE_STYLES))
    if not selection.items:
        raise NothingFound(nothing_message(selection))
    if highlight and not selection.query.strip():
        raise UsageError("--highlight needs a query", hint="give the words to highlight as QUERY")
    if version is None:
        from brief_cli import __version__ as version
    # Note tools show a date-time without a zone as local time: write the local time.
    generated = (generated or datetime.now(timezone.utc)).astimezone().replace(tzinfo=None)
    title = " ".join(strip_controls(title).split()) if title else default_title(selection)
    if not title:
        raise UsageError("--title must not be empty")

    passages = {item.passage.uid: item for item in selection.items}
    cited: dict[str, dict[str, Passage]] = {}
    articles: dict[str, Article] = {}
    for item in selection.items:
        articles.setdefault(item.article.id, item.article)
        cited.setdefault(item.article.id, {})[item.passage.id] = item.passage
    ordered = sorted(articles.values(), key=lambda x: (
        x.citation_authors().casefold(), x.published, x.title.casefold(), x.id))
    pandoc = cite == "pandoc"
    if pandoc and keys is None:
        from brief_cli.export.citations import citation_keys

        keys = citation_keys(articles.values())

    meta: dict[str, object] = {"title": title, "date": generated.date(), "generated": generated,
                               "tags": note_tags(selection, taxonomy)}
    query = " ".join(selection.query.split())
    if query:
        meta["query"] = query
    meta.update(filter_properties(selection))
    if selection.corrections:
        meta["corrections"] = [f"{word} -> {' OR '.join(fixes)}"
                               for word, fixes in selection.corrections.items()]
    meta["group_by"] = group_by
    meta["source"] = sorted({a.source for a in articles.values()}, key=str.casefold)
    meta["corpus"] = corpus_label
    meta["excerpts"] = len(passages)
    meta["articles"] = len(articles)
    meta["generator"] = f"brief {version}"
    if pandoc:
        meta["link-citations"] = True
        if bibliography:
            meta["bibliography"] = bibliography
        else:
            from brief_cli.export.citations import csl_item

            meta["references"] = [csl_item(a, keys[a.id]) for a in ordered]

    n, a = len(passages), len(articles)
    lines = [front_matter(meta)]
    if not pandoc:  # Pandoc prints the front matter's title itself
        lines += [f"# {escape_inline(title)}", ""]
    lines += [f"{n} excerpt{'s' * (n != 1)} from {a} article{'s' * (a != 1)}.", ""]
    for group in group_items(selection, taxonomy, group_by):
        lines += [f"## {escape_inline(group.heading or 'Excerpts')}", ""]
        for item in group.items:
            spans = item.spans if highlight else ()
            if pandoc:
                line = (f"— {pandoc_citation(keys[item.article.id], item.passage)}, "
                        f"{code_span(item.passage.uid)}")
            else:
                line = citation_line(item.article, item.passage)
            lines += [blockquote(item.passage.text, spans), "", line, "",
                      tags_line(item.passage, taxonomy), ""]
    lines += ["## References", ""]
    if pandoc:
        lines += ["::: {#refs}", ":::"]
    else:
        lines += [reference_entry(x, list(cited[x.id].values())) for x in ordered]
    return "\n".join(lines) + "\n"
