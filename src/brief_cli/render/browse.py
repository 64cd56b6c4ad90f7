"""Rendering for ``articles``, ``show`` and ``validate``."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.text import Text

from brief_cli.errors import Problem
from brief_cli.model import Article, Corpus, Passage
from brief_cli.render.common import (
    Column, OutputFormat, emit_rows, is_terminal, kind_text, lit, literal, out, to_json,
)
from brief_cli.taxonomy import Taxonomy


def article_record(article: Article, taxonomy: Taxonomy, *, passages: bool = False) -> dict:
    counts = article.kind_counts()
    record = {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "section": article.section,
        "published": article.published,
        "authors": list(article.authors),
        "author_note": article.author_note,
        "url": article.url,
        "language": article.language,
        "passages": len(article.passages),
        "challenges": counts["challenge"],
        "opportunities": counts["opportunity"],
        "context": counts["context"],
        "main_sectors": [s for s, _ in article.sector_counts().most_common(3)],
    }
    if passages:
        record["passages"] = [passage_record(p, taxonomy) for p in article.passages]
    return record


def passage_record(passage: Passage, taxonomy: Taxonomy) -> dict:
    return {
        "id": passage.uid,
        "article": passage.article_id,
        "index": passage.index + 1,
        "kind": passage.kind,
        "sectors": list(passage.sectors),
        "actors": list(passage.actors),
        "actor_names": [taxonomy.actor_name(a) for a in passage.actors],
        "reviewed": passage.reviewed,
        "text": passage.text,
    }


ARTICLE_COLUMNS = [
    Column("id", "id", style="cyan", min_width=12, primary=True),
    Column("title", "title", ratio=3, min_width=16, merge=True),
    Column("source", "source", ratio=1, drop=4, stack=False),
    Column("published", "date", no_wrap=True, min_width=10, drop=1),
    Column("authors", "authors", ratio=2, drop=5, stack=False),
    Column("passages", "pass.", justify="right", no_wrap=True, min_width=5),
    Column("challenges", "chal.", justify="right", style="red", no_wrap=True, min_width=5),
    Column("opportunities", "opp.", justify="right", style="green", no_wrap=True, min_width=4),
    Column("main_sectors", "main sectors", ratio=2, min_width=10, drop=3),
]


def render_articles(corpus: Corpus, taxonomy: Taxonomy, fmt: OutputFormat) -> None:
    rows = [article_record(a, taxonomy) for a in corpus.articles]
    emit_rows(rows, ARTICLE_COLUMNS, fmt,
              title=f"{len(rows)} article{'s' * (len(rows) != 1)}, "
                    f"{corpus.passage_count} passages",
              caption="pass. = passages, chal. = challenges, opp. = opportunities")


def _tags(passage: Passage, taxonomy: Taxonomy) -> Text:
    line = kind_text(passage.kind)
    if passage.sectors:
        line.append("  sectors: ", style="dim")
        line.append(literal(", ".join(passage.sectors)), style="magenta")
    if passage.actors:
        line.append("  actors: ", style="dim")
        line.append(literal(", ".join(taxonomy.actor_name(a) for a in passage.actors)),
                    style="yellow")
    if not passage.reviewed:
        line.append("  (machine tags, not reviewed)", style="dim italic")
    return line


def _header(article: Article) -> Text:
    head = Text()
    head.append(literal(article.title), style="bold")
    head.append("\n")
    meta = [", ".join(article.authors) if article.authors else None, article.source,
            article.section, article.published.isoformat()]
    head.append(literal(" · ".join(m for m in meta if m)), style="dim")
    if article.url:
        head.append("\n" + literal(article.url), style="dim underline")
    return head


def _passage_panel(passage: Passage, taxonomy: Taxonomy, *, focus: bool = False) -> Panel:
    body = Group(lit(passage.text), Text(""), _tags(passage, taxonomy))
    title = Text(f" {passage.index + 1}. {passage.uid} ", style="bold" if focus else "")
    return Panel(body, title=title, title_align="left",
                 border_style="bright_white" if focus else "dim")


def render_article(article: Article, taxonomy: Taxonomy, fmt: str,
                   focus: Passage | None = None, context: int = 1) -> None:
    """The whole article, or one passage with ``context`` neighbours on each side."""
    console = out()
    if focus is None:
        passages = list(article.passages)
    else:
        i = focus.index
        passages = [p for p in article.passages if abs(p.index - i) <= context]
    if fmt == "md":
        console.file.write(article_markdown(article, passages, taxonomy, focus=focus))
        return
    if fmt == "json":
        record = article_record(article, taxonomy)
        record["passages"] = [passage_record(p, taxonomy) for p in passages]
        if focus is not None:
            record["focus"] = focus.uid
        console.file.write(to_json(record) + "\n")
        return
    if not is_terminal(console):
        _plain_article(article, passages, taxonomy, focus)
        return
    console.print(Panel(_header(article), border_style="cyan"))
    for p in passages:
        console.print(_passage_panel(p, taxonomy, focus=focus is not None and p is focus))
    if focus is None and article.author_note:
        console.print(Text(literal(article.author_note), style="italic dim"))


def article_markdown(article: Article, passages: list[Passage], taxonomy: Taxonomy,
                     focus: Passage | None = None) -> str:
    """Markdown of an article, or of a passage (with any neighbours), written with the export's
    own pieces: each passage is an escaped blockquote, the citation line ``brief export`` writes
    and its tags line. A whole article gets front matter (what note tools and Pandoc read) and a
    heading; a passage alone is what one pastes into notes."""
    from brief_cli.export import blockquote, citation_line, code_span, escape_inline, tags_line
    from brief_cli.export.escape import emphasis, link

    lines: list[str] = []
    if focus is None:
        from brief_cli.export import front_matter

        meta: dict[str, object] = {"title": article.title, "id": article.id}
        if article.authors:
            meta["authors"] = list(article.authors)
        meta["source"] = article.source
        if article.section:
            meta["section"] = article.section
        meta["published"] = article.published
        if article.url:
            meta["url"] = article.url
        meta["language"] = article.language
        meta["passages"] = len(article.passages)
        byline = [escape_inline(", ".join(article.authors)) if article.authors else "",
                  escape_inline(article.source), escape_inline(article.section or ""),
                  article.published.isoformat(), link(article.url)]
        lines += [front_matter(meta), f"# {escape_inline(article.title)}", "",
                  " · ".join(b for b in byline if b), ""]
    many = len(passages) > 1
    for p in passages:
        if many or focus is None:
            lines += [f"## {p.index + 1}. {code_span(p.uid)}", ""]
        lines += [blockquote(p.text), "", citation_line(article, p), "",
                  tags_line(p, taxonomy), ""]
    if focus is None and article.author_note:
        lines += [emphasis(article.author_note), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _plain_article(article: Article, passages: list[Passage], taxonomy: Taxonomy,
                   focus: Passage | None) -> None:
    w = out().file.write
    w(literal(article.title) + "\n")
    meta = [", ".join(article.authors) if article.authors else None, article.source,
            article.section, article.published.isoformat(), article.url]
    w(literal(" | ".join(m for m in meta if m)) + "\n")
    for p in passages:
        mark = "> " if focus is not None and p is focus else ""
        tags = [p.kind]
        if p.sectors:
            tags.append("sectors: " + ", ".join(p.sectors))
        if p.actors:
            tags.append("actors: " + ", ".join(taxonomy.actor_name(a) for a in p.actors))
        w(f"\n{mark}[{p.index + 1}] {p.uid} ({literal('; '.join(tags))})\n")
        w(literal(p.text) + "\n")
    if focus is None and article.author_note:
        w("\n" + literal(article.author_note) + "\n")


PROBLEM_COLUMNS = [
    Column("file", "file", style="cyan", primary=True),
    Column("line", "line", justify="right"),
    Column("column", "col", justify="right", min_terminal=100),
    Column("severity", "severity", min_terminal=90),
    Column("message", "problem", ratio=3),
    Column("hint", "hint", ratio=2, style="dim", drop=1),
]


def problem_record(problem: Problem, root=None) -> dict:
    path = problem.path
    shown = str(path) if path is not None else ""
    if path is not None and root is not None:
        try:
            shown = str(path.relative_to(root))
        except ValueError:
            pass
    return {"file": shown, "line": problem.line, "column": problem.column,
            "severity": problem.severity, "message": problem.message, "hint": problem.hint}


def render_problems(problems: list[Problem], fmt: OutputFormat, *, root=None,
                    files: int = 0, articles: int = 0) -> None:
    rows = [problem_record(p, root) for p in problems]
    if not rows and fmt == OutputFormat.table:
        out().print(Text(f"ok: {files} file{'s' * (files != 1)}, {articles} "
                         f"article{'s' * (articles != 1)}, no problems", style="green"))
        return
    emit_rows(rows, PROBLEM_COLUMNS, fmt,
              title=f"{len(rows)} problem{'s' * (len(rows) != 1)} in {files} files")
