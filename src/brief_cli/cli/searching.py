"""The ``search`` command's work, apart from its Typer declaration (``cli/search.py``): opening
the index, running the query and handing the result to the renderer. It imports neither Typer
nor Click, so the lean path of ``brief search`` (``cli/fast.py``) can run it as the Typer
command does; both return the same exit codes and print the same output.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

from brief_cli.render.formats import OutputFormat

if TYPE_CHECKING:
    from brief_cli.filters import Filters


def build_filters(sector: Optional[List[str]] = None, kind: Optional[List[str]] = None,
                  actor: Optional[List[str]] = None, article: Optional[List[str]] = None,
                  since: Optional[str] = None, until: Optional[str] = None,
                  language: Optional[List[str]] = None) -> "Filters":
    """Filters from the shared options (values are checked later, by the core)."""
    from brief_cli.filters import Filters, parse_date

    return Filters(
        sectors=tuple(sector or ()), kinds=tuple(kind or ()), actors=tuple(actor or ()),
        articles=tuple(article or ()),
        since=parse_date(since, "--since") if since else None,
        until=parse_date(until, "--until") if until else None,
        languages=tuple(language or ()),
    )



def run_search(query: Optional[List[str]], *, sector=None, kind=None, actor=None, article=None,
               since=None, until=None, language=None, exact: bool = False, limit: int = 10,
               offset: int = 0, full: bool = False, context: int = 0, count: bool = False,
               fmt: OutputFormat = OutputFormat.table, corpus: Optional[Path] = None,
               taxonomy: Optional[Path] = None, strict: bool = False) -> int:
    """``brief search``; returns the exit code (0 found, 1 nothing found; errors raise)."""
    fmt = OutputFormat(fmt)
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
            return 1
        render_counts(counts, fmt, labels)
        n_articles = len(counts.articles)
        note(f"{counts.total:,} hit{'s' * (counts.total != 1)} in {n_articles:,} "
             f"article{'s' * (n_articles != 1)} · "
             f"{(time.perf_counter() - started) * 1000:.0f} ms")
        return 0
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
        return 1
    if result.hits or fmt in (OutputFormat.json, OutputFormat.jsonl, OutputFormat.csv):
        # [] or the CSV header alone for a page past the end
        render_hits(result, fmt, full=full, context=around, actor_name=names)
    out().file.flush()
    note(summary_line(result, time.perf_counter() - started))
    return 0


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


def _open(corpus: Optional[Path], taxonomy: Optional[Path], strict: bool, rebuild: bool = False,
          verify: bool = False, reuse: bool = True):
    """Open (building or refreshing) the index; warn about damaged caches and broken files."""
    import time

    from brief_cli.config import resolve_corpus_dir, resolve_taxonomy_path
    from brief_cli.index import open_index
    from brief_cli.render.common import warn

    root = resolve_corpus_dir(corpus)
    tax_path = resolve_taxonomy_path(taxonomy)
    loaded = {}

    def get_taxonomy():
        if "t" not in loaded:
            from brief_cli.taxonomy import load_taxonomy

            loaded["t"] = load_taxonomy(tax_path)
        return loaded["t"]

    progress = _Progress.on_terminal()
    started = time.perf_counter()
    try:
        index = open_index(root, tax_path, get_taxonomy, rebuild=rebuild, verify=verify,
                           reuse=reuse, progress=progress)
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
    snapshot: dict = {}

    def filter_taxonomy():
        # Checking filters needs ids and names, not the YAML file: the index's snapshot, read
        # when first asked for (a search without filters never builds a taxonomy).
        if "t" not in snapshot:
            snapshot["t"] = index.taxonomy()
        if snapshot["t"] is not None:
            return snapshot["t"]
        return get_taxonomy()

    return index, filter_taxonomy


class _Progress:
    """A progress bar on stderr for builds that parse many files."""

    MIN_FILES = 200

    def __init__(self, console):
        self.console = console
        self.bar = None
        self.task = None

    @classmethod
    def on_terminal(cls) -> _Progress | None:
        """A bar with a console of its own, when stderr is a terminal: a paged command holds
        back what goes to the shared stderr console until its output is shown, and a live
        display held back would be drawn after the output (its frames, drawn by another thread,
        before it, never erased)."""
        from brief_cli.render.common import err, make_console

        return cls(make_console(stderr=True)) if err().is_terminal else None

    def __call__(self, done: int, total: int) -> None:
        if total < self.MIN_FILES:
            return
        if self.bar is None:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description:<8}"), BarColumn(),
                                TextColumn("{task.fields[files]}"), TimeElapsedColumn(),
                                console=self.console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("indexing", total=total, files="")
        if done % 50 == 0 or done == total:
            self.bar.update(self.task, completed=done, files=f"{done:,}/{total:,} files",
                            refresh=done == total)  # the last count is seen before a stage

    def stage(self, name: str) -> None:
        """The build went on to a stage that reads no files (merging, ranking): the bar pulses
        and its clock counts that stage, so that a long one does not look stuck."""
        if self.bar is not None:
            self.bar.reset(self.task, total=None, description=name, files="")

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


