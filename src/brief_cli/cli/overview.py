"""Commands for the overview: ``sectors`` (where the challenges and opportunities lie) and
``summary`` (an article, or the whole corpus, at a glance)."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import List, Optional

import typer

from brief_cli.cli.app import (
    ActorOpt, Annotated, ArticleOpt, CorpusOpt, FormatOpt, KindOpt, SectorOpt, SinceOpt,
    LanguageOpt, StrictOpt, TaxonomyOpt, UntilOpt, app, build_filters, complete_article_ids,
    complete_sector_ids, load, optional_values,
)
from brief_cli.render.formats import OutputFormat

MATRIX_KINDS = ("kind", "cooccurrence")


class SortKey(str, enum.Enum):
    passages = "passages"
    challenges = "challenges"
    opportunities = "opportunities"
    context = "context"
    articles = "articles"
    share = "share"
    id = "id"
    label = "label"


class SummaryFormat(str, enum.Enum):
    text = "text"
    json = "json"
    md = "md"


QueryOpt = Annotated[Optional[str], typer.Option(
    "--query", "-q", metavar="TEXT", rich_help_panel="Filters",
    help="Only passages matching this search query (same syntax as 'brief search').")]


@app.command()
@optional_values(matrix="kind")
def sectors(
    sector: Annotated[Optional[str], typer.Argument(
        metavar="ID", autocompletion=complete_sector_ids, show_default=False,
        help="A sector id (or label): show its description and its passages by kind.")] = None,
    matrix: Annotated[Optional[str], typer.Option(
        "--matrix", "-m", metavar="[TYPE]", show_default=False,
        help="Show a crosstab instead of the list: 'kind' (the default: sectors × kinds) or "
             "'cooccurrence' (which sectors appear together in the same passages).")] = None,
    sort: Annotated[SortKey, typer.Option(
        "--sort", case_sensitive=False,
        help="Sort by this column (numbers: largest first; id and label: A to Z).")
    ] = SortKey.passages,
    show_all: Annotated[bool, typer.Option(
        "--all", help="Also list sectors that no selected passage carries.")] = False,
    query: QueryOpt = None,
    sector_filter: SectorOpt = None,
    kind: KindOpt = None,
    actor: ActorOpt = None,
    article: ArticleOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    language: LanguageOpt = None,
    corpus: CorpusOpt = None,
    taxonomy: TaxonomyOpt = None,
    strict: StrictOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    chart: Annotated[Optional[Path], typer.Option(
        "--chart", metavar="FILE",
        help="Also write the sector table as a bar chart by kind: FILE.svg, FILE.png or "
             "FILE.pdf (needs the charts extra: pip install 'brief-cli\\[charts]').")] = None,
) -> None:
    """Count passages by sector and kind: where the challenges and opportunities lie.

    A passage tagged with several sectors counts for each. The share is the part of the selected
    passages that carry the sector. Filters and --query choose the passages, as in search.

    Examples:

        brief sectors

        brief sectors --kind challenge --sort challenges

        brief sectors energy

        brief sectors --matrix

        brief sectors --matrix cooccurrence --format csv

        brief sectors --chart sectors.svg
    """
    from brief_cli import sectors as core
    from brief_cli.errors import NothingFound, UsageError
    from brief_cli.render import sectors as render

    if chart is not None:
        if matrix is not None or sector is not None:
            raise UsageError("--chart draws the sector table",
                             hint="leave out --matrix and the sector ID")
        from brief_cli.charts import check_target, require_backend

        check_target(chart)
        require_backend()
    corp, tax, _ = load(corpus, taxonomy, strict)
    matrix_kind = None
    if matrix is not None:
        matrix_kind = matrix.strip().lower()
        if matrix_kind not in MATRIX_KINDS:
            close = [k for k in MATRIX_KINDS if k.startswith(matrix_kind[:2])] if matrix_kind else []
            raise UsageError(f"--matrix takes 'kind' or 'cooccurrence', not {matrix!r}",
                             hint=f"did you mean {close[0]!r}?" if close else
                             "to count within one sector, use --sector ID")
        if sector is not None:
            raise UsageError("--matrix counts every sector; it does not take a sector id",
                             hint=f"use --sector {sector} to count within one sector")
    elif sector is not None and sector.strip().lower() in MATRIX_KINDS \
            and tax.sector(sector.strip().lower()) is None:
        raise UsageError(f"{sector!r} is not a sector", hint=f"did you mean '--matrix {sector}'?")
    if sector is not None:
        sector = tax.require_sector(sector)  # a typo fails before any search runs
    filters = build_filters(sector_filter, kind, actor, article, since, until, language)
    selection = _select(corp, tax, query, filters)
    if sector is not None:
        detail = core.sector_detail(selection, tax, sector)
        render.render_detail(detail, tax, fmt.value)
        if not detail.passages:
            raise NothingFound(f"no selected passage is tagged {detail.sector.id!r}")
        return
    nothing = NothingFound("no passages match the filters" if not query else
                           "no passages match the query and filters")
    if not selection and fmt.value not in ("json", "jsonl", "csv"):
        raise nothing  # a machine format still prints its (empty) document below
    title = _selection_title(selection)
    if matrix_kind == "kind":
        render.render_matrix(core.kind_matrix(selection, tax, include_empty=show_all), fmt,
                             title=f"Sectors by kind · {title}")
    elif matrix_kind == "cooccurrence":
        render.render_matrix(core.cooccurrence(selection, tax, include_empty=show_all), fmt,
                             title=f"Sectors found together · {title}")
    else:
        table = core.sector_counts(selection, tax, sort=sort.value, include_empty=show_all)
        render.render_sector_table(table, fmt, title=f"{len(table.rows)} sectors · {title}")
        if chart is not None and selection:
            from brief_cli.charts import sectors_chart
            from brief_cli.render.common import note

            described = _describe(selection)
            heading = "Passages by sector and kind" + (f" ({described})" if described else "")
            note(f"chart written to {sectors_chart(table, chart, title=heading)}")
    if not selection:
        raise nothing


def _select(corpus, taxonomy, query, filters):
    """The passages chosen by query and filters, as search chooses them; typo fixes noted."""
    from brief_cli.render.common import note
    from brief_cli.selection import select_passages

    selection = select_passages(corpus, taxonomy, query or "", filters)
    for word, fixes in selection.corrections.items():
        note(f"searched {' OR '.join(fixes)} (for {word})")
    return selection


def _describe(selection) -> str:
    """The query and filters in use, in words ("" when there are none)."""
    parts = [f"query {selection.query!r}"] if selection.query else []
    parts += [f"{k}: {', '.join(v) if isinstance(v, list) else v}"
              for k, v in selection.filters.describe().items()]
    return "; ".join(parts)


def _selection_title(selection) -> str:
    from brief_cli.render.sectors import plural

    articles = len({i.article.id for i in selection.items})
    text = f"{plural(len(selection), 'passage')} in {plural(articles, 'article')}"
    described = _describe(selection)
    return f"{text} ({described})" if described else text


@app.command()
def summary(
    articles: Annotated[Optional[List[str]], typer.Argument(
        metavar="ARTICLE", autocompletion=complete_article_ids, show_default=False,
        help="Article ids to summarise; none: a digest of the whole corpus.")] = None,
    sentences: Annotated[int, typer.Option(
        "--sentences", "-n", min=0, max=100_000, help="Key sentences to show for each article.")] = 5,
    terms: Annotated[int, typer.Option(
        "--terms", min=0, max=100_000, help="Distinctive terms to show (per article, or per sector).")] = 8,
    query: QueryOpt = None,
    sector: SectorOpt = None,
    kind: KindOpt = None,
    actor: ActorOpt = None,
    article: ArticleOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    language: LanguageOpt = None,
    corpus: CorpusOpt = None,
    taxonomy: TaxonomyOpt = None,
    strict: StrictOpt = False,
    fmt: Annotated[SummaryFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="text (panels on a terminal, plain when piped), json, or md (Markdown).")
    ] = SummaryFormat.text,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", metavar="FILE", show_default=False,
        help="Write to FILE instead of stdout (plain text, JSON or Markdown as --format says; "
             "written whole or not at all).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Summarise articles: challenges, opportunities by sector, key sentences and terms.

    With no ARTICLE, a digest of the corpus: counts by kind, sectors by kind, the most-named
    actors and the distinctive terms of each sector. Filters and --query choose the passages
    summarised. Key sentences are the most central ones (LexRank); distinctive terms are
    ranked by log-likelihood against the rest of the corpus.

    Examples:

        brief summary kazakhstan-bri-partner

        brief summary kazakhstan-bri-partner --sentences 3 -f md > summary.md

        brief summary --kind challenge

        brief summary --format md -o digest.md --force
    """
    if output is not None and str(output) != "-":
        _summary_to_file(output, force, lambda: summary(
            articles, sentences, terms, query, sector, kind, actor, article, since, until,
            language, corpus, taxonomy, strict, fmt, None, False))
        return
    from brief_cli import summary as core
    from brief_cli.errors import NothingFound
    from brief_cli.render import summary as render
    from brief_cli.render.common import warn

    corp, tax, _ = load(corpus, taxonomy, strict)
    wanted = core.require_articles(corp, articles or [])
    filters = build_filters(sector, kind, actor, article, since, until, language)
    selection = _select(corp, tax, query, filters)
    described = _describe(selection)
    if wanted:
        results, empty = core.summarize_articles(corp, tax, selection, wanted,
                                                 sentences=sentences, terms=terms)
        for article_id in empty:
            if results:
                warn(f"no passage of {article_id!r} matches the "
                     f"{'query and filters' if selection.query else 'filters'}; left out")
        if not results:
            what = "the query and filters" if selection.query else "the filters"
            if not selection.query and not selection.filters:
                raise NothingFound(", ".join(repr(a) for a in empty) + " has no passages")
            raise NothingFound("no passage of " + ", ".join(repr(a) for a in empty)
                               + f" matches {what}")
        render.render_summaries(results, fmt.value, filters=described)
        return
    if not selection:
        if fmt.value == "json":
            from brief_cli.render.common import out

            out().file.write("{}\n")  # a machine format is always a valid document
        raise NothingFound("no passages match the filters" if not query else
                           "no passages match the query and filters")
    result = core.digest(tax, selection, terms=terms)
    render.render_digest(result, fmt.value, filters=described)


def _summary_to_file(path: Path, force: bool, render) -> None:
    """Run the summary with stdout captured, then write it to path in one piece."""
    import contextlib
    import io

    from brief_cli.fileio import atomic_write_text
    from brief_cli.render import common

    if path.exists() and not force:
        from brief_cli.errors import FileProblem

        raise FileProblem(f"{str(path)!r} already exists",
                          hint="use --force to overwrite it, or choose another name")
    buffer = io.StringIO()
    common.reset_consoles()
    try:
        with contextlib.redirect_stdout(buffer):
            render()
    finally:
        common.reset_consoles()
    atomic_write_text(path, buffer.getvalue(), force=True)
    common.note(f"wrote {path}")
