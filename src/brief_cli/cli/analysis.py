"""Commands for analysis: ``compare`` two sides, ``trends`` over time, ``kwic`` concordance.

They read the search index (built or refreshed on the way, as for search), so they stay fast on
large corpora; passages are chosen with search's query language and the shared filters.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import List, Optional

import typer

from brief_cli.cli.app import (
    ActorOpt, Annotated, ArticleOpt, CorpusOpt, FormatOpt, KindOpt, LanguageOpt, SectorOpt,
    SinceOpt, StrictOpt, TaxonomyOpt, UntilOpt, app, build_filters, complete_article_ids,
    complete_kinds, complete_sector_ids,
)
from brief_cli.render.formats import OutputFormat

_SIDES = "Sides"
_OUTPUT = "Output"

ChartOpt = Annotated[Optional[Path], typer.Option(
    "--chart", metavar="FILE", rich_help_panel=_OUTPUT,
    help="Also write a chart for a report: FILE.svg, FILE.png or FILE.pdf (needs the charts "
         "extra: pip install 'brief-cli\\[charts]'). An existing file is replaced.")]
ExactOpt = Annotated[bool, typer.Option(
    "--exact", "-e", help="No typo tolerance: match the query's words exactly as typed.")]
QueryArg = Annotated[Optional[List[str]], typer.Argument(
    metavar="QUERY", show_default=False,
    help="Only passages matching this search query (same syntax as 'brief search', inline "
         "filters included).")]


class By(str, enum.Enum):
    year = "year"
    quarter = "quarter"
    month = "month"


class Of(str, enum.Enum):
    sectors = "sectors"
    kinds = "kinds"
    actors = "actors"
    hits = "hits"


class CompareFormat(str, enum.Enum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


def _notes(corrections: dict) -> None:
    from brief_cli.render.common import note

    for word, fixes in corrections.items():
        note(f"searched {' OR '.join(fixes)} (for {word})")


def _chart_check(chart: Optional[Path]) -> None:
    """Fail before any work when a chart is asked for and cannot be written."""
    if chart is not None:
        from brief_cli.charts import check_target, require_backend

        check_target(chart)
        require_backend()


def _chart_done(path: Path) -> None:
    from brief_cli.render.common import note

    note(f"chart written to {path}")


# trends --------------------------------------------------------------------------------------

@app.command()
def trends(
    query: QueryArg = None,
    by: Annotated[By, typer.Option(
        "--by", case_sensitive=False, help="Count by year, quarter or month.")] = By.year,
    of: Annotated[Optional[Of], typer.Option(
        "--of", case_sensitive=False, show_default=False,
        help="What to count: sectors, kinds, actors, or the query's hits "
             "\\[default: hits with a QUERY, else sectors].")] = None,
    top: Annotated[Optional[int], typer.Option(
        "--top", min=1, metavar="N",
        help="Show the N series with most passages \\[default: all; actors: 10].")] = None,
    share: Annotated[bool, typer.Option(
        "--share", help="Show shares of each period's passages instead of counts.")] = False,
    exact: ExactOpt = False,
    sector: SectorOpt = None,
    kind: KindOpt = None,
    actor: ActorOpt = None,
    article: ArticleOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    language: LanguageOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    chart: ChartOpt = None,
    corpus: CorpusOpt = None,
    taxonomy: TaxonomyOpt = None,
    strict: StrictOpt = False,
) -> None:
    """Counts and shares over time, with a sparkline for each sector, kind, actor or query.

    Every period from the first to the last is shown, with zeros where nothing was published.
    A passage counts once for each sector (or actor) it carries, as in 'brief sectors'. A share
    is a count over the period's selected passages; for a query's hits, over the passages the
    filters alone select (how much of the period's writing mentions it).

    Examples:

        brief trends

        brief trends --of kinds --by quarter

        brief trends pipeline --by month --format csv

        brief trends --of actors --top 5 --share
    """
    from brief_cli.analysis.trends import trends as run
    from brief_cli.cli.search import _with_index
    from brief_cli.errors import NothingFound
    from brief_cli.render import analysis as render

    _chart_check(chart)
    filters = build_filters(sector, kind, actor, article, since, until, language)
    text = " ".join(query or ())
    what = of.value if of else None
    if top is None and (what == "actors"):
        top = 10

    def work(index, get_taxonomy):
        return run(index, taxonomy=get_taxonomy, labels=get_taxonomy(), query=text,
                   filters=filters, by=by.value, of=what, top=top, exact=exact)

    result = _with_index(corpus, taxonomy, strict, work)
    _notes(result.corrections)
    if not result.passages:
        if fmt is not OutputFormat.table:
            render.render_trends(result, fmt, share=share)
        raise NothingFound("no passages match the query and filters" if text else
                           "no passages match the filters")
    render.render_trends(result, fmt, share=share)
    if chart is not None:
        from brief_cli.charts import trends_chart

        _chart_done(trends_chart(result, chart, share=share))


# kwic ----------------------------------------------------------------------------------------

@app.command()
def kwic(
    query: Annotated[List[str], typer.Argument(
        metavar="WORD|PHRASE", show_default=False,
        help='What to centre: a word (other forms of it match too, as in search), '
             '"a phrase", prefix*, or several words (each occurrence is a line).')],
    sort: Annotated[str, typer.Option(
        "--sort", metavar="KEYS",
        help="Sort by the words around the match: L1 (first word to the left), R1 (first to "
             "the right), L2R1, R1R2 ... \\[default: corpus order].")] = "",
    width: Annotated[Optional[int], typer.Option(
        "--width", "-w", min=5, max=200, metavar="N", rich_help_panel=_OUTPUT,
        help="Characters of context on each side \\[default: what fits the terminal; 40 when "
             "piped; 60 in csv and json].")] = None,
    limit: Annotated[Optional[int], typer.Option(
        "--limit", "-n", min=0, metavar="N", rich_help_panel=_OUTPUT,
        help="Show at most N lines \\[default: all].")] = None,
    sector: SectorOpt = None,
    kind: KindOpt = None,
    actor: ActorOpt = None,
    article: ArticleOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    language: LanguageOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    corpus: CorpusOpt = None,
    taxonomy: TaxonomyOpt = None,
    strict: StrictOpt = False,
) -> None:
    """A keyword-in-context concordance: every occurrence centred, with its passage id.

    Matching is search's, without typo tolerance: the passages are exactly those
    'brief search --exact' finds, and each occurrence of the words in them is one line (a
    passage with the word twice gives two lines). Use the ids with 'brief show' and
    'brief export'.

    Examples:

        brief kwic energy

        brief kwic '"Belt and Road"' --sort R1

        brief kwic invest* --sort L1 --width 30

        brief kwic cooperation --format csv
    """
    import time

    from brief_cli.analysis.kwic import kwic as run
    from brief_cli.analysis.kwic import parse_sort
    from brief_cli.cli.search import _with_index
    from brief_cli.errors import NothingFound
    from brief_cli.render import analysis as render
    from brief_cli.render.common import note

    started = time.perf_counter()
    parse_sort(sort)  # a bad key fails before the index is opened
    filters = build_filters(sector, kind, actor, article, since, until, language)
    text = " ".join(query)

    def work(index, get_taxonomy):
        return run(index, text, filters, taxonomy=get_taxonomy, sort=sort)

    result = _with_index(corpus, taxonomy, strict, work)
    if not result.lines:
        if fmt is not OutputFormat.table:
            render.render_kwic(result, fmt, width=width, limit=limit)
        raise NothingFound(f"no occurrence of {text!r}"
                           + (" in the passages the filters select" if filters else ""),
                           hint="kwic matches exactly (no typo tolerance); "
                                "try 'brief search' for near spellings")
    render.render_kwic(result, fmt, width=width, limit=limit)
    shown = len(result.lines) if limit is None else min(limit, len(result.lines))
    note(f"{len(result.lines):,} occurrence{'s' * (len(result.lines) != 1)} in "
         f"{result.passages:,} passage{'s' * (result.passages != 1)}"
         + (f" (showing {shown:,})" if shown < len(result.lines) else "")
         + f" · {(time.perf_counter() - started) * 1000:.0f} ms")


# compare -------------------------------------------------------------------------------------

SideAOpt = Annotated[Optional[str], typer.Argument(
    metavar="A", show_default=False,
    help="Side A: an article id or pattern ('kaz-*'), or a search query with inline "
         "filters ('actor:kazakhstan', 'debt since:2020').")]
SideBOpt = Annotated[Optional[str], typer.Argument(
    metavar="B", show_default=False,
    help="Side B, the same way \\[default: the rest of the corpus, under the shared filters].")]


def _side_opt(side: str, what: str, metavar: str, help_text: str, completion=None):
    return Annotated[Optional[List[str]], typer.Option(
        f"--{side}-{what}", metavar=metavar, rich_help_panel=_SIDES, show_default=False,
        autocompletion=completion, help=help_text)]


@app.command()
def compare(
    side_a: SideAOpt = None,
    side_b: SideBOpt = None,
    a_actor: _side_opt("a", "actor", "NAME", "Side A: passages naming this actor.") = None,
    b_actor: _side_opt("b", "actor", "NAME", "Side B: passages naming this actor.") = None,
    a_sector: _side_opt("a", "sector", "ID", "Side A: passages of this sector.",
                        complete_sector_ids) = None,
    b_sector: _side_opt("b", "sector", "ID", "Side B: passages of this sector.",
                        complete_sector_ids) = None,
    a_kind: _side_opt("a", "kind", "KIND", "Side A: passages of this kind.",
                      complete_kinds) = None,
    b_kind: _side_opt("b", "kind", "KIND", "Side B: passages of this kind.",
                      complete_kinds) = None,
    a_article: _side_opt("a", "article", "ID", "Side A: passages of this article.",
                         complete_article_ids) = None,
    b_article: _side_opt("b", "article", "ID", "Side B: passages of this article.",
                         complete_article_ids) = None,
    a_since: Annotated[Optional[str], typer.Option(
        "--a-since", metavar="DATE", rich_help_panel=_SIDES,
        help="Side A: published on or after DATE.")] = None,
    a_until: Annotated[Optional[str], typer.Option(
        "--a-until", metavar="DATE", rich_help_panel=_SIDES,
        help="Side A: published on or before DATE.")] = None,
    b_since: Annotated[Optional[str], typer.Option(
        "--b-since", metavar="DATE", rich_help_panel=_SIDES,
        help="Side B: published on or after DATE.")] = None,
    b_until: Annotated[Optional[str], typer.Option(
        "--b-until", metavar="DATE", rich_help_panel=_SIDES,
        help="Side B: published on or before DATE.")] = None,
    terms: Annotated[int, typer.Option(
        "--terms", min=0, metavar="N", rich_help_panel=_OUTPUT,
        help="Distinctive terms to show for each side.")] = 10,
    examples: Annotated[int, typer.Option(
        "--examples", min=0, metavar="N", rich_help_panel=_OUTPUT,
        help="Passage ids to show for each of the biggest sector differences.")] = 3,
    exact: ExactOpt = False,
    sector: SectorOpt = None,
    kind: KindOpt = None,
    actor: ActorOpt = None,
    article: ArticleOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    language: LanguageOpt = None,
    fmt: Annotated[CompareFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="table (on a terminal; plain text when piped), json, csv or md (Markdown).")
    ] = CompareFormat.table,
    chart: ChartOpt = None,
    corpus: CorpusOpt = None,
    taxonomy: TaxonomyOpt = None,
    strict: StrictOpt = False,
) -> None:
    """Compare two sides: sector and kind shares, distinctive terms, what only one side has.

    A side is an article id or id pattern ('kaz-*'), a search query with inline filters, or
    the --a-*/--b-* options (they add up with the query); the shared filters (--sector,
    --since ...) apply to both sides. With no side B, A is compared with the rest of the corpus.
    --article values may be patterns too, here and in trends and kwic.

    Each share difference is tested with a two-proportion z-test, Holm-adjusted over the
    sectors (* when p < 0.05). Distinctive terms are ranked by log-likelihood (G2 >= 3.84,
    p < 0.05) with Log Ratio as the effect size (1: twice as frequent). Details: docs/analysis.md.

    Examples:

        brief compare actor:kazakhstan actor:china

        brief compare '"Belt and Road"'

        brief compare --a-kind challenge --b-kind opportunity --format md

        brief compare --a-sector energy --b-sector trade --format json
    """
    from brief_cli.analysis.compare import SideSpec
    from brief_cli.analysis.compare import compare as run
    from brief_cli.cli.search import _with_index
    from brief_cli.errors import UsageError
    from brief_cli.render import analysis as render

    _chart_check(chart)
    shared = build_filters(sector, kind, actor, article, since, until, language)
    from brief_cli.filters import Filters, parse_date

    def side_filters(actors, sectors, kinds, articles, s, u, name):
        return Filters(
            sectors=tuple(sectors or ()), kinds=tuple(kinds or ()), actors=tuple(actors or ()),
            articles=tuple(articles or ()),
            since=parse_date(s, f"--{name}-since") if s else None,
            until=parse_date(u, f"--{name}-until") if u else None)

    fa = side_filters(a_actor, a_sector, a_kind, a_article, a_since, a_until, "a")
    fb = side_filters(b_actor, b_sector, b_kind, b_article, b_since, b_until, "b")
    if not (side_a and side_a.strip()) and not fa:
        raise UsageError("say what side A is",
                         hint="for example: brief compare actor:kazakhstan actor:china, "
                              "or brief compare --a-until 2019 --b-since 2020")

    def work(index, get_taxonomy):
        ids = set(index.article_ids())
        spec_a = _spec(side_a, fa, ids)
        spec_b = _spec(side_b, fb, ids) if (side_b and side_b.strip()) or fb else \
            SideSpec("the rest", rest=True)
        labels = get_taxonomy()
        return run(index, spec_a, spec_b, taxonomy=get_taxonomy, labels=labels,
                   shared=shared, terms=terms, examples=examples, exact=exact), labels

    result, labels = _with_index(corpus, taxonomy, strict, work)
    render.render_compare(result, fmt.value, actor_name=labels.actor_name)
    if chart is not None:
        from brief_cli.charts import compare_chart

        _chart_done(compare_chart(result, chart))


def _spec(text, filters, article_ids):
    """A side from its positional value (article id or query) and its --a-/--b- options."""
    from brief_cli.analysis.compare import SideSpec
    from brief_cli.filters import Filters

    from brief_cli.filters import is_pattern

    text = (text or "").strip()
    parts = []
    query = ""
    as_articles = text in article_ids or (is_pattern(text) and " " not in text
                                          and ":" not in text)
    if as_articles:
        filters = filters.merge(Filters(articles=(text,)))
    elif text:
        query = text
    if text:
        parts.append(text)
    described = filters.describe()
    if as_articles:
        described["articles"] = [a for a in described["articles"] if a != text]
        if not described["articles"]:
            del described["articles"]
    parts += [f"{k.rstrip('s')}:{','.join(v) if isinstance(v, list) else v}"
              for k, v in described.items()]
    return SideSpec(" ".join(parts), query, filters)
