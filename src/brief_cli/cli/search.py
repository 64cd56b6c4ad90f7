"""Commands ``search`` and ``index``: ranked passage search over the on-disk index."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from brief_cli.cli.app import (
    ActorOpt, Annotated, ArticleOpt, CorpusOpt, FormatOpt, KindOpt, SectorOpt, SinceOpt,
    LanguageOpt, StrictOpt, TaxonomyOpt, UntilOpt, app,
)
from brief_cli.cli.searching import _open, _with_index  # noqa: F401  (used by other commands)
from brief_cli.render.formats import OutputFormat

_OUTPUT_PANEL = "Output"


@app.command()
def search(
    query: Annotated[Optional[List[str]], typer.Argument(
        metavar="QUERY", show_default=False,
        help='Words to find (all of them); "a phrase", a OR b, -word or NOT word to exclude, '
             "prefix*, and inline filters sector:ID kind:KIND actor:NAME article:ID "
             "since:DATE until:DATE.")] = None,
    sector: SectorOpt = None,
    kind: KindOpt = None,
    actor: ActorOpt = None,
    article: ArticleOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    language: LanguageOpt = None,
    exact: Annotated[bool, typer.Option(
        "--exact", "-e", help="No typo tolerance: search the words exactly as typed.")] = False,
    limit: Annotated[int, typer.Option(
        "--limit", "-n", min=0, max=1_000_000_000, metavar="N", rich_help_panel=_OUTPUT_PANEL,
        help="Show at most this many hits (0: only the count line).")] = 10,
    offset: Annotated[int, typer.Option(
        "--offset", min=0, max=1_000_000_000, metavar="N", rich_help_panel=_OUTPUT_PANEL,
        help="Skip this many hits first (for paging).")] = 0,
    full: Annotated[bool, typer.Option(
        "--full", rich_help_panel=_OUTPUT_PANEL,
        help="Whole passages as panels instead of a table of snippets.")] = False,
    context: Annotated[int, typer.Option(
        "--context", "-C", min=0, max=100_000, metavar="N", rich_help_panel=_OUTPUT_PANEL,
        help="Also show N neighbouring passages of the same article around each hit.")] = 0,
    count: Annotated[bool, typer.Option(
        "--count", rich_help_panel=_OUTPUT_PANEL,
        help="Print hits per article and per sector instead of the passages.")] = False,
    fmt: FormatOpt = OutputFormat.table,
    corpus: CorpusOpt = None,
    taxonomy: TaxonomyOpt = None,
    strict: StrictOpt = False,
) -> None:
    """Search passages, best matches first, with the matched words highlighted.

    Words are ANDed; matching ignores case and accents and finds other forms of a word
    (investments finds investment). A word of 5+ letters that is not in the corpus is matched to
    the nearest words (1 typo; 2 from 9 letters); --exact turns that off. With filters and no
    words, every matching passage is listed in corpus order.

    Exit codes: 0 found, 1 nothing found, 2 an error.

    Examples:

        brief search pipeline

        brief search '"silk road"' kind:opportunity

        brief search solar OR wind -coal --sector clean-energy --since 2020

        brief search --kind challenge --format jsonl
    """
    from brief_cli.cli.searching import run_search

    code = run_search(query, sector=sector, kind=kind, actor=actor, article=article, since=since,
                      until=until, language=language, exact=exact, limit=limit, offset=offset,
                      full=full, context=context, count=count, fmt=fmt, corpus=corpus,
                      taxonomy=taxonomy, strict=strict)
    if code:
        raise typer.Exit(code)


@app.command("index")
def index_command(
    rebuild: Annotated[bool, typer.Option(
        "--rebuild", help="Build a new index even if it is up to date (files whose content "
        "is unchanged are copied from the current one, not parsed again).")] = False,
    fmt: FormatOpt = OutputFormat.table,
    corpus: CorpusOpt = None,
    taxonomy: TaxonomyOpt = None,
    strict: StrictOpt = False,
) -> None:
    """Build or refresh the search index, and show what it holds.

    Searches do this on their own; run it to build a large corpus's index ahead of time, or
    with --rebuild to build a new one. Only files whose content changed are read again: this
    command compares every file's content hash, so it sees any edit (a search of a large
    corpus may see an edit made in place only up to 30 s later; see BRIEF_INDEX_RECHECK).

    Examples:

        brief index

        brief index --rebuild --corpus my-briefs/
    """
    from brief_cli.render.search import render_index

    index, _ = _open(corpus, taxonomy, strict, rebuild=rebuild, verify=True)
    with index:
        render_index(index.stats(), index.refresh, fmt)
