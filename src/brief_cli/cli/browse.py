"""Commands to look at the corpus as it is: ``validate``, ``articles``, ``show``."""

from __future__ import annotations

import enum
from typing import Optional

import typer

from brief_cli.cli.app import (
    Annotated, CorpusOpt, FormatOpt, StrictOpt, TaxonomyOpt, app, complete_ids, load, open_taxonomy,
)
from brief_cli.errors import ExitCode
from brief_cli.render.formats import OutputFormat


class ShowFormat(str, enum.Enum):
    text = "text"
    json = "json"
    md = "md"


@app.command()
def validate(
    corpus: CorpusOpt = None,
    taxonomy: TaxonomyOpt = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Fail on warnings too (such as a file name that differs from its id).")
    ] = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Check every corpus file against the format and taxonomy, and list all problems.

    Exit 0 when the corpus is clean, 1 when problems were found, 2 when it could not run.

    Example:

        brief validate --corpus my-briefs/
    """
    from brief_cli.config import resolve_corpus_dir
    from brief_cli.corpus import load_corpus
    from brief_cli.render.browse import render_problems

    tax = open_taxonomy(taxonomy)
    root = resolve_corpus_dir(corpus)
    result = load_corpus(root, tax)
    render_problems(result.problems, fmt, root=root,
                    files=result.files, articles=len(result.corpus.articles))
    if result.errors or (strict and result.problems):
        raise typer.Exit(int(ExitCode.NOTHING))


@app.command()
def articles(
    corpus: CorpusOpt = None,
    taxonomy: TaxonomyOpt = None,
    strict: StrictOpt = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """List the articles with their passages, challenges, opportunities and main sectors.

    Example:

        brief articles --format csv > articles.csv
    """
    from brief_cli.render.browse import render_articles

    corp, tax, _ = load(corpus, taxonomy, strict)
    render_articles(corp, tax, fmt)
    if not corp.articles:
        raise typer.Exit(int(ExitCode.NOTHING))


@app.command()
def show(
    item: Annotated[str, typer.Argument(
        metavar="ID", autocompletion=complete_ids,
        help="An article id, or a passage id such as kazakhstan-bri-partner#p04.")],
    context: Annotated[Optional[int], typer.Option(
        "--context", "-C", min=0, max=100_000, metavar="N", show_default=False,
        help="Neighbouring passages to show around a passage (default 1; 0 with --format md).")] = None,
    corpus: CorpusOpt = None,
    taxonomy: TaxonomyOpt = None,
    strict: StrictOpt = False,
    fmt: Annotated[ShowFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="text (panels on a terminal, plain when piped), json, or md (Markdown with "
             "the citation lines of brief export).")] = "text",
) -> None:
    """Show an article, or one passage with its neighbours, with kind, sectors and actors.

    Examples:

        brief show kazakhstan-bri-partner

        brief show kazakhstan-bri-partner#p04 -C 2

        brief show kazakhstan-bri-partner#p04 --format md
    """
    from brief_cli.corpus import find
    from brief_cli.render.browse import render_article

    corp, tax, _ = load(corpus, taxonomy, strict)
    article, passage = find(corp, item)
    fmt = ShowFormat(fmt).value
    if context is None:  # a passage in Markdown is a quote to paste: alone unless asked
        context = 0 if fmt == "md" else 1
    render_article(article, tax, fmt, focus=passage, context=context)
