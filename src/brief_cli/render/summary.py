"""Rendering for ``brief summary``: Rich panels and a tree on a terminal, the same content as
Markdown (``--format md``) or plain text (piped), and JSON."""

from __future__ import annotations

import re

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from brief_cli.model import KINDS, Article
from brief_cli.render.common import KIND_STYLES, is_terminal, lit, literal, out, to_json
from brief_cli.render.sectors import KIND_PLURALS, kind_matrix_table, plural
from brief_cli.summary import ArticleSummary, CorpusDigest, Gist, Terms

# JSON -------------------------------------------------------------------------------------------

def _terms_record(terms: Terms) -> dict:
    return {"method": terms.method, "note": terms.note,
            "terms": [{"term": t.term, "stem": t.stem, "count": t.count,
                       "reference_count": t.reference_count, "score": round(t.score, 4)}
                      for t in terms.terms]}


def _gist_record(g: Gist) -> dict:
    return {"id": g.uid, "passage": g.passage_id, "index": g.index + 1, "kind": g.kind,
            "sectors": list(g.sectors), "gist": g.sentence}


def article_meta(article: Article) -> dict:
    return {"id": article.id, "title": article.title, "source": article.source,
            "section": article.section, "authors": list(article.authors),
            "published": article.published, "url": article.url}


def summary_record(s: ArticleSummary, filters: str = "") -> dict:
    record = {
        "type": "article",
        "article": article_meta(s.article),
        "passages": s.passages,
        "counts": dict(s.counts),
        "challenges": [_gist_record(g) for g in s.challenges],
        "opportunities": [{"sector": grp.sector or None, "label": grp.label,
                           "passages": [_gist_record(g) for g in grp.gists]}
                          for grp in s.opportunities],
        "context": s.context,
        "key_sentences": [{"text": k.text, "passage": k.uid, "rank": k.rank,
                           "score": round(k.score, 6)} for k in s.key_sentences],
        "terms": _terms_record(s.terms),
    }
    if filters:
        record["selection"] = filters
    return record


def digest_record(d: CorpusDigest, filters: str = "") -> dict:
    m = d.matrix
    record = {
        "type": "corpus",
        "articles": d.articles,
        "passages": d.passages,
        "counts": dict(d.counts),
        "first": d.first,
        "last": d.last,
        "sectors": [dict(sector=sid, label=label, total=sum(values),
                         **{k: v for k, v in zip(m.columns, values)})
                    for sid, label, values in zip(m.rows, m.row_labels, m.values)],
        "actors": [{"id": a.id, "name": a.name, "passages": a.passages, "articles": a.articles}
                   for a in d.actors],
        "sector_terms": [{"sector": st.sector, "label": st.label, "passages": st.passages,
                          **_terms_record(st.terms)} for st in d.sector_terms],
    }
    if filters:
        record["selection"] = filters
    return record


# Markdown and plain text ------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
# A line start that would open a block inside a list item: a list ("- x", "+ x", "2024. x",
# "3) x") or, after "- ", a thematic break ("- --").
_MD_BLOCK_START = re.compile(r"^(?:([-+])|(\d{1,9})([.)])(?=\s|$))")


class _Writer:
    """Markdown (escaped, with emphasis) or plain text (as written) from the same calls."""

    def __init__(self, markdown: bool):
        self.markdown = markdown
        self.lines: list[str] = []

    def text(self, value: str | None) -> str:
        value = literal(" ".join((value or "").split()))
        if not self.markdown:
            return value
        value = _MD_ENTITY.sub("&amp;", _MD_SPECIAL.sub(r"\\\1", value))
        return _MD_BLOCK_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", value)

    def strong(self, value: str) -> str:
        return f"**{value}**" if self.markdown else value

    def code(self, value: str) -> str:
        return f"`{value}`" if self.markdown else value

    def heading(self, level: int, value: str) -> None:
        if self.lines:
            self.lines.append("")
        if self.markdown:
            self.lines.append("#" * level + " " + value)
        else:
            self.lines.append(value)
            self.lines.append(("=" if level == 1 else "-") * len(value))
        self.lines.append("")

    def para(self, value: str) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        self.lines.append(value)

    def line(self, value: str) -> None:
        self.lines.append(value)

    def result(self) -> str:
        return "\n".join(self.lines).rstrip() + "\n"


def _kind_counts(counts: dict[str, int]) -> str:
    return ", ".join(plural(counts.get(k, 0), k, KIND_PLURALS[k] if k != "context" else "context")
                     for k in KINDS)


def _ref(w: _Writer, g: Gist) -> str:
    ref = w.code(g.passage_id)
    if g.sectors:
        ref += "; " + w.text(", ".join(g.sectors))
    return f"({ref})"


def summary_text(s: ArticleSummary, *, markdown: bool, filters: str = "") -> str:
    """The summary as Markdown, or as plain text when ``markdown`` is false."""
    w = _Writer(markdown)
    a = s.article
    w.heading(1, w.text(a.title))
    meta = [", ".join(a.authors) if a.authors else None, a.source, a.section,
            a.published.isoformat()]
    w.para(w.text(" · ".join(m for m in meta if m)))
    if a.url:
        w.para(w.text(a.url))
    w.para(f"{w.strong(plural(s.passages, 'passage'))}: {_kind_counts(s.counts)}.")
    if filters:
        w.para(f"Selected: {w.text(filters)}.")

    w.heading(2, f"Challenges ({len(s.challenges)})")
    if not s.challenges:
        w.line("None among the passages summarised.")
    for n, g in enumerate(s.challenges, 1):
        w.line(f"{n}. {w.text(g.sentence)} {_ref(w, g)}")

    total = sum(len(grp.gists) for grp in s.opportunities)
    w.heading(2, f"Opportunities ({total})")
    if not s.opportunities:
        w.line("None among the passages summarised.")
    for grp in s.opportunities:
        w.line(f"- {w.strong(w.text(grp.label))} ({len(grp.gists)})")
        for g in grp.gists:
            w.line(f"  - {w.text(g.sentence)} {_ref(w, g)}")

    w.heading(2, "Context")
    w.line(f"{plural(s.context, 'context passage')} of background, not summarised.")

    if s.key_sentences:
        w.heading(2, "Key sentences")
        for n, k in enumerate(s.key_sentences, 1):
            w.line(f"{n}. {w.text(k.text)} ({w.code(k.uid.partition('#')[2])})")

    _terms_section(w, "Distinctive terms", s.terms)
    return w.result()


def _terms_line(w: _Writer, terms: Terms) -> str:
    return ", ".join(f"{w.text(t.term)} ({t.count})" for t in terms.terms)


def _terms_section(w: _Writer, title: str, terms: Terms) -> None:
    if not terms.terms:
        return
    w.heading(2, title)
    w.line(_terms_line(w, terms))
    w.para(f"*{w.text(terms.note)}*" if w.markdown else f"({terms.note})")


def _md_table(w: _Writer, headers: list[str], rows: list[list[str]], right: set[int]) -> None:
    if w.markdown:
        w.line("| " + " | ".join(headers) + " |")
        w.line("| " + " | ".join("---:" if i in right else "---" for i in range(len(headers)))
               + " |")
        for row in rows:
            w.line("| " + " | ".join(row) + " |")
        return
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.rjust(widths[i]) if i in right else c.ljust(widths[i])
                         for i, c in enumerate(cells)).rstrip()

    w.line(fmt(headers))
    w.line(fmt(["-" * x for x in widths]))
    for row in rows:
        w.line(fmt(row))


def digest_text(d: CorpusDigest, *, markdown: bool, filters: str = "") -> str:
    w = _Writer(markdown)
    w.heading(1, "Corpus digest")
    span = d.first if d.first == d.last else f"{d.first} to {d.last}"
    w.para(f"{w.strong(plural(d.articles, 'article'))}, {plural(d.passages, 'passage')} "
           f"({span}): {_kind_counts(d.counts)}.")
    if filters:
        w.para(f"Selected: {w.text(filters)}.")

    m = d.matrix
    w.heading(2, "Sectors by kind")
    rows = [[w.text(sid), *(f"{v:,}" for v in values), f"{sum(values):,}"]
            for sid, values in zip(m.rows, m.values)]
    _md_table(w, ["sector", *KINDS, "total"], rows, right={1, 2, 3, 4})
    w.para("A passage can carry several sectors, so the totals add up to more than the passages.")

    if d.actors:
        w.heading(2, "Most-named actors")
        _md_table(w, ["actor", "passages", "articles"],
                  [[w.text(a.name), f"{a.passages:,}", f"{a.articles:,}"] for a in d.actors],
                  right={1, 2})

    if d.sector_terms:
        w.heading(2, "Distinctive terms by sector")
        for st in d.sector_terms:
            if st.terms.terms:
                w.line(f"- {w.strong(w.text(st.label))}: {_terms_line(w, st.terms)}")
        notes = sorted({st.terms.note for st in d.sector_terms
                        if st.terms.method != "log-likelihood"})
        w.para(("*Log-likelihood against the other selected passages.*" if markdown else
                "(log-likelihood against the other selected passages)"))
        for n in notes:
            w.line(f"*{w.text(n)}*" if markdown else f"({n})")
    return w.result()


# Rich -------------------------------------------------------------------------------------------

def _counts_text(counts: dict[str, int], passages: int) -> Text:
    line = Text(plural(passages, "passage") + ": ", style="bold")
    for i, k in enumerate(KINDS):
        if i:
            line.append(" · ", style="dim")
        n = counts.get(k, 0)
        line.append(plural(n, k, KIND_PLURALS[k] if k != "context" else "context"),
                    style=KIND_STYLES[k])
    return line


def _ref_text(g: Gist, exclude: str = "") -> Text:
    ref = Text(literal(g.passage_id), style="dim")
    sectors = [s for s in g.sectors if s != exclude]
    if sectors:
        ref.append((" · also " if exclude else " · ") + literal(", ".join(sectors)),
                   style="dim magenta")
    return ref


def _numbered(items: list[tuple[Text, Text | None]], style: str) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", style=style, no_wrap=True)
    grid.add_column(ratio=1)
    for n, (body, ref) in enumerate(items, 1):
        cell = body.copy()
        if ref is not None:
            cell.append("  ")
            cell.append_text(ref)
        grid.add_row(f"{n}.", cell)
    return grid


def _terms_renderable(terms: Terms) -> RenderableType:
    line = Text()
    for i, t in enumerate(terms.terms):
        if i:
            line.append(" · ", style="dim")
        line.append(literal(t.term), style="bold")
        line.append(f" {t.count}", style="dim")
    return Group(line, Text(literal(terms.note), style="dim italic"))


def summary_renderables(s: ArticleSummary, filters: str = "") -> list[RenderableType]:
    a = s.article
    head = Text(literal(a.title), style="bold")
    meta = [", ".join(a.authors) if a.authors else None, a.source, a.section,
            a.published.isoformat()]
    head.append("\n" + literal(" · ".join(m for m in meta if m)), style="dim")
    if a.url:
        head.append("\n" + literal(a.url), style="dim underline")
    head.append("\n")
    head.append_text(_counts_text(s.counts, s.passages))
    if filters:
        head.append("\nSelected: " + literal(filters), style="dim italic")
    parts: list[RenderableType] = [Panel(head, title="Summary", title_align="left",
                                         border_style="cyan")]

    if s.challenges:
        body: RenderableType = _numbered(
            [(lit(g.sentence), _ref_text(g)) for g in s.challenges], "red")
    else:
        body = Text("None among the passages summarised.", style="dim")
    parts.append(Panel(body, title=f"Challenges ({len(s.challenges)})", title_align="left",
                       border_style="red"))

    total = sum(len(grp.gists) for grp in s.opportunities)
    if s.opportunities:
        tree = Tree("opportunities", hide_root=True, guide_style="green dim")
        for grp in s.opportunities:
            label = Text(literal(grp.label), style="bold green")
            label.append(f" ({len(grp.gists)})", style="dim")
            branch = tree.add(label)
            for g in grp.gists:
                leaf = lit(g.sentence)
                leaf.append("  ")
                leaf.append_text(_ref_text(g, exclude=grp.sector or "\0"))
                branch.add(leaf)
        body = tree
    else:
        body = Text("None among the passages summarised.", style="dim")
    parts.append(Panel(body, title=f"Opportunities ({total})", title_align="left",
                       border_style="green"))

    parts.append(Text(f" Context: {plural(s.context, 'passage')} of background, not summarised.",
                      style=KIND_STYLES["context"]))

    if s.key_sentences:
        parts.append(Panel(
            _numbered([(lit(k.text), Text(literal(k.uid.partition("#")[2]), style="dim"))
                       for k in s.key_sentences], "magenta"),
            title="Key sentences", title_align="left", border_style="magenta"))
    if s.terms.terms:
        parts.append(Panel(_terms_renderable(s.terms), title="Distinctive terms",
                           title_align="left", border_style="yellow"))
    return parts


def digest_renderables(d: CorpusDigest, filters: str = "") -> list[RenderableType]:
    head = Text("Corpus digest", style="bold")
    span = d.first if d.first == d.last else f"{d.first} to {d.last}"
    head.append(f"\n{plural(d.articles, 'article')} · {span}", style="dim")
    head.append("\n")
    head.append_text(_counts_text(d.counts, d.passages))
    if filters:
        head.append("\nSelected: " + literal(filters), style="dim italic")
    parts: list[RenderableType] = [Panel(head, border_style="cyan")]
    parts.append(Panel(Group(kind_matrix_table(d.matrix),
                             Text("A passage can carry several sectors.", style="dim")),
                       title="Sectors by kind", title_align="left", border_style="blue"))
    if d.actors:
        t = Table(box=None, header_style="bold", pad_edge=False)
        t.add_column("actor", style="yellow")
        t.add_column("passages", justify="right")
        t.add_column("articles", justify="right")
        for a in d.actors:
            t.add_row(lit(a.name), f"{a.passages:,}", f"{a.articles:,}")
        parts.append(Panel(t, title="Most-named actors", title_align="left",
                           border_style="yellow"))
    if d.sector_terms:
        t = Table(box=None, header_style="bold", pad_edge=False, show_header=False)
        t.add_column("sector", style="cyan", no_wrap=True)
        t.add_column("terms", ratio=1)
        for st in d.sector_terms:
            line = Text()
            for i, term in enumerate(st.terms.terms):
                if i:
                    line.append(", ")
                line.append(literal(term.term))
            t.add_row(lit(st.sector), line)
        notes = ["log-likelihood against the other selected passages"]
        notes += sorted({st.terms.note for st in d.sector_terms
                         if st.terms.method != "log-likelihood"})
        parts.append(Panel(Group(t, *(Text(literal(n), style="dim italic") for n in notes)),
                           title="Distinctive terms by sector", title_align="left",
                           border_style="magenta"))
    return parts


# Entry points -----------------------------------------------------------------------------------

def _print_all(console: Console, renderables: list[RenderableType]) -> None:
    for r in renderables:
        console.print(r)


def render_summaries(results: list[ArticleSummary], fmt: str, *, filters: str = "") -> None:
    """Article summaries: a JSON array, Markdown, or panels (plain text when piped)."""
    console = out()
    if fmt == "json":
        console.file.write(to_json([summary_record(s, filters) for s in results]) + "\n")
    elif fmt == "md" or not is_terminal(console):
        texts = [summary_text(s, markdown=fmt == "md", filters=filters) for s in results]
        console.file.write(("\n---\n\n" if fmt == "md" else "\n\n").join(texts))
    else:
        for i, s in enumerate(results):
            if i:
                console.print(Rule(style="dim"))
            _print_all(console, summary_renderables(s, filters))
    console.file.flush()


def render_digest(d: CorpusDigest, fmt: str, *, filters: str = "") -> None:
    console = out()
    if fmt == "json":
        console.file.write(to_json(digest_record(d, filters)) + "\n")
    elif fmt == "md" or not is_terminal(console):
        console.file.write(digest_text(d, markdown=fmt == "md", filters=filters))
    else:
        _print_all(console, digest_renderables(d, filters))
    console.file.flush()
