"""Commands ``search`` and ``index``: ranked passage search over the on-disk index."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from brief_cli.cli.app import (
    ActorOpt, Annotated, ArticleOpt, CorpusOpt, FormatOpt, KindOpt, SectorOpt, SinceOpt,
    LanguageOpt, StrictOpt, TaxonomyOpt, UntilOpt, app, build_filters,
)
from brief_cli.render.formats import OutputFormat

_OUTPUT_PANEL = "Output"


def _open(corpus: Optional[Path], taxonomy: Optional[Path], strict: bool, rebuild: bool = False,
          verify: bool = False, reuse: bool = True):
    """Open (building or refreshing) the index; warn about damaged caches and broken files."""
    import time

    from brief_cli.config import resolve_corpus_dir, resolve_taxonomy_path
    from brief_cli.index import open_index
    from brief_cli.render.common import err, warn

    root = resolve_corpus_dir(corpus)
    tax_path = resolve_taxonomy_path(taxonomy)
    loaded = {}

    def get_taxonomy():
        if "t" not in loaded:
            from brief_cli.taxonomy import load_taxonomy

            loaded["t"] = load_taxonomy(tax_path)
        return loaded["t"]

    progress = _Progress(err()) if err().is_terminal else None
    started = time.perf_counter()
    try:
        index = open_index(root, tax_path, get_taxonomy, rebuild=rebuild, verify=verify,
                           reuse=reuse, progress=progress.update if progress else None)
    finally:
        if progress:
            progress.stop()
    for message in index.warnings:
        warn(message)
    problems = index.problems()
    if problems:
        from brief_cli.corpus import LoadResult, require_clean
        from brief_cli.model import Corpus

        require_clean(LoadResult(Corpus(root, ()), problems), strict)
        first: dict = {}
        for problem in problems:
            if problem.severity == "error":
                first.setdefault(problem.path, problem)
        for problem in first.values():
            warn(f"skipped {problem} — run 'brief validate' for details")
    index.refresh.seconds = time.perf_counter() - started
    snapshot = index.taxonomy()  # checking filters needs ids and names, not the YAML file

    def filter_taxonomy():
        if snapshot is not None:
            return snapshot
        return get_taxonomy()

    return index, filter_taxonomy


class _Progress:
    """A progress bar on stderr for builds that parse many files."""

    MIN_FILES = 200

    def __init__(self, console):
        self.console = console
        self.bar = None
        self.task = None

    def update(self, done: int, total: int) -> None:
        if total < self.MIN_FILES:
            return
        if self.bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self.bar = Progress("indexing", BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=self.console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("files", total=total)
        if done % 50 == 0 or done == total:
            self.bar.update(self.task, completed=done)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


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
    import time

    from brief_cli.errors import NothingFound
    from brief_cli.render.common import note, out
    from brief_cli.render.search import nothing_line, render_counts, render_hits, summary_line
    from brief_cli.search import count as count_hits
    from brief_cli.search import neighbours
    from brief_cli.search import search as run_search

    started = time.perf_counter()
    filters = build_filters(sector, kind, actor, article, since, until, language)
    text = " ".join(query or ())

    def work(index, get_taxonomy):
        if count:
            counts = count_hits(index, text, filters, taxonomy=get_taxonomy, exact=exact)
            labels = {s.id: s.label for s in get_taxonomy().sectors} if counts.total else {}
            return counts, labels
        result = run_search(index, text, filters, taxonomy=get_taxonomy, exact=exact,
                            limit=limit, offset=offset)
        around = None
        if context and result.hits:
            around = {h.rowid: neighbours(index, h, context) for h in result.hits}
        names = None
        if full and result.hits and any(h.actors for h in result.hits):
            names = get_taxonomy().actor_name  # people read names; machine output keeps ids
        if not result.total and filters and text.strip():
            return result, _emptied_by(index, text, filters, get_taxonomy, exact), names
        return result, around, names

    if count:
        counts, labels = _with_index(corpus, taxonomy, strict, work)
        if not counts.total:
            if fmt is not OutputFormat.table:
                render_counts(counts, fmt, {})
            note("no passages match")
            raise typer.Exit(1)
        render_counts(counts, fmt, labels)
        n_articles = len(counts.articles)
        note(f"{counts.total:,} hit{'s' * (counts.total != 1)} in {n_articles:,} "
             f"article{'s' * (n_articles != 1)} · "
             f"{(time.perf_counter() - started) * 1000:.0f} ms")
        return
    try:
        result, around, names = _with_index(corpus, taxonomy, strict, work)
    except NothingFound:  # a query with no words in it: still a valid (empty) document
        if fmt in (OutputFormat.json, OutputFormat.jsonl, OutputFormat.csv):
            from brief_cli.filters import Filters
            from brief_cli.search import SearchResult

            render_hits(SearchResult(text, Filters(), 0, ()), fmt)
        raise
    if not result.total:
        if fmt in (OutputFormat.json, OutputFormat.jsonl, OutputFormat.csv):
            render_hits(result, fmt)
        note(nothing_line(result, emptied=around if isinstance(around, tuple) else None))
        raise typer.Exit(1)
    if result.hits or fmt in (OutputFormat.json, OutputFormat.jsonl, OutputFormat.csv):
        # [] or the CSV header alone for a page past the end
        render_hits(result, fmt, full=full, context=around, actor_name=names)
    out().file.flush()
    note(summary_line(result, time.perf_counter() - started))


_OPTION_OF = {"sectors": "--sector", "kinds": "--kind", "actors": "--actor",
              "articles": "--article", "since": "--since", "until": "--until",
              "languages": "--language"}


def _emptied_by(index, text, filters, get_taxonomy, exact):
    """When the words match but the filters leave nothing: how many the words match alone, and
    the options that, taken away one at a time, would bring hits back."""
    import dataclasses

    from brief_cli.filters import Filters
    from brief_cli.search import search as run_search

    def total(f):
        return run_search(index, text, f, taxonomy=get_taxonomy, exact=exact, limit=0).total

    alone = total(Filters())
    if not alone:
        return None
    culprits = []
    for f in dataclasses.fields(filters):
        value = getattr(filters, f.name)
        if value and total(dataclasses.replace(filters, **{f.name: f.default})):
            shown = ", ".join(map(str, value)) if isinstance(value, tuple) else str(value)
            culprits.append(f"{_OPTION_OF.get(f.name, f.name)} {shown}")
    return alone, culprits


def _with_index(corpus, taxonomy, strict, work):
    """Run work(index, taxonomy) on a fresh index; if SQLite finds the file damaged only now,
    rebuild it (with a warning) and run once more."""
    import sqlite3

    from brief_cli.errors import FileProblem
    from brief_cli.index import is_busy
    from brief_cli.render.common import warn

    index, get_taxonomy = _open(corpus, taxonomy, strict)
    try:
        with index:
            return work(index, get_taxonomy)
    except sqlite3.DatabaseError as exc:
        if is_busy(exc):
            raise FileProblem("the search index is busy: another brief is writing it",
                              hint="try again in a moment") from None
        warn(f"search index {str(index.path)!r} is damaged ({exc}); rebuilding it")
    index, get_taxonomy = _open(corpus, taxonomy, strict, rebuild=True, reuse=False)
    try:
        with index:
            return work(index, get_taxonomy)
    except sqlite3.DatabaseError as exc:
        raise FileProblem(f"the search index cannot be used: {exc}",
                          hint="delete the index folder in the cache and try again") from None


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
