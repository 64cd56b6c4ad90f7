"""The ``ingest`` command: raw articles (text, Markdown, HTML) in, corpus YAML files out."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from brief_cli.cli.app import Annotated, CorpusOpt, FormatOpt, TaxonomyOpt, app, open_taxonomy
from brief_cli.render.formats import OutputFormat

_OUTPUT_PANEL = "Output"
_METADATA_PANEL = "Metadata"


@app.command()
def ingest(
    inputs: Annotated[Optional[List[str]], typer.Argument(
        metavar="FILE|DIR|URL|-", show_default=False,
        help="Text, Markdown or HTML files, folders of them (searched recursively), web "
             "pages by URL, or - for stdin.")] = None,
    urls_file: Annotated[Optional[str], typer.Option(
        "--urls", metavar="FILE", show_default=False,
        help="Also fetch the web pages listed in FILE, one URL a line ('#' starts a "
             "comment).")] = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", metavar="SECONDS", min=0.1, max=600,
        help="Give up on a web page that does not answer within SECONDS.")] = 20.0,
    out_dir: Annotated[Optional[Path], typer.Option(
        "--out", "-o", metavar="DIR", rich_help_panel=_OUTPUT_PANEL, show_default=False,
        help="Folder to write the article files to (created if missing) "
             "\\[default: the corpus folder from --corpus or $BRIEF_CORPUS].")] = None,
    pattern: Annotated[Optional[str], typer.Option(
        "--glob", "-g", metavar="PATTERN", show_default=False,
        help="In folders, only files matching PATTERN, e.g. '*.txt' "
             "\\[default: *.txt, *.md, *.html, *.htm].")] = None,
    article_id: Annotated[Optional[str], typer.Option(
        "--id", metavar="ID", rich_help_panel=_METADATA_PANEL, show_default=False,
        help="Article id for a single input \\[default: made from the title, at most 40 "
             "characters].")] = None,
    id_format: Annotated[Optional[str], typer.Option(
        "--id-format", metavar="TEMPLATE", rich_help_panel=_METADATA_PANEL, show_default=False,
        help="Make ids from a template of the fields slug, title, source, date, year, author "
             "and file in braces, e.g. {source}-{date}-{slug} \\[default: {slug}].")] = None,
    title: Annotated[Optional[str], typer.Option(
        "--title", metavar="TEXT", rich_help_panel=_METADATA_PANEL, show_default=False,
        help="Title of a single input, instead of the one found in it.")] = None,
    authors: Annotated[Optional[List[str]], typer.Option(
        "--author", metavar="NAME", rich_help_panel=_METADATA_PANEL, show_default=False,
        help="Author of a single input (repeat for several).")] = None,
    source: Annotated[Optional[str], typer.Option(
        "--source", metavar="NAME", rich_help_panel=_METADATA_PANEL, show_default=False,
        help="Publication name, for every input (instead of what they say).")] = None,
    published: Annotated[Optional[str], typer.Option(
        "--date", metavar="YYYY-MM-DD", rich_help_panel=_METADATA_PANEL, show_default=False,
        help="Publication date, for every input (instead of what they say).")] = None,
    url: Annotated[Optional[str], typer.Option(
        "--url", metavar="URL", rich_help_panel=_METADATA_PANEL, show_default=False,
        help="Web address of a single input.")] = None,
    language: Annotated[Optional[str], typer.Option(
        "--language", metavar="CODE", rich_help_panel=_METADATA_PANEL, show_default=False,
        help="Language code (en, fr, zh...), for every input \\[default: found, else en].")
    ] = None,
    section: Annotated[Optional[str], typer.Option(
        "--section", metavar="NAME", rich_help_panel=_METADATA_PANEL, show_default=False,
        help="Section or category, for every input.")] = None,
    meta: Annotated[Optional[Path], typer.Option(
        "--meta", metavar="FILE", rich_help_panel=_METADATA_PANEL, show_default=False,
        help="Table of metadata, one row per input file (CSV, TSV, JSON or YAML); see "
             "--meta-key and --meta-map.")] = None,
    meta_key: Annotated[Optional[str], typer.Option(
        "--meta-key", metavar="COLUMN|TEMPLATE", rich_help_panel=_METADATA_PANEL,
        show_default=False,
        help="The --meta column holding the file name, or a template that builds it from "
             "columns, e.g. {Code}_{Year} \\[default: a column named file, filename or "
             "path].")] = None,
    meta_map: Annotated[Optional[List[str]], typer.Option(
        "--meta-map", metavar="FIELD=COLUMN", rich_help_panel=_METADATA_PANEL,
        show_default=False,
        help="Which --meta column (or template of columns) gives a field: title, author, "
             "source, date, url, language, section, id; e.g. author=Speaker or "
             "title={Country} \\[default: columns named like the fields].")
    ] = None,
    allow_undated: Annotated[bool, typer.Option(
        "--allow-undated", rich_help_panel=_METADATA_PANEL,
        help="In a batch, give an input with no date found its file's date instead of failing "
             "it.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", rich_help_panel=_OUTPUT_PANEL,
        help="Replace an existing article with the same id instead of adding -2, -3...")
    ] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", "-n", rich_help_panel=_OUTPUT_PANEL,
        help="Show what would be written (metadata, numbered passages, what was removed; "
             "with --format json, the articles as JSON); write nothing.")
    ] = False,
    keep: Annotated[Optional[List[str]], typer.Option(
        "--keep", metavar="WHAT", show_default=False,
        help="Leave in what cleaning drops: procedural (lines of meeting records such as "
             "'(spoke in French)' or 'The President: ...'), captions, pull-quotes; repeatable.")
    ] = None,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", metavar="N", min=0, max=64, show_default=False,
        help="Worker processes for a batch of files (the output is the same whatever N); 1 "
             "works in this process alone \\[default: 0, as many as there are CPUs, for 8 "
             "files or more].")] = 0,
    no_tag: Annotated[bool, typer.Option(
        "--no-tag", help="Leave the passages untagged (kind: context, no sectors or actors).")
    ] = False,
    corpus: CorpusOpt = None,
    taxonomy: TaxonomyOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Turn raw articles into corpus files: page furniture stripped, metadata and paragraphs
    found, passages auto-tagged (reviewed: false).

    Reads plain text copied from a web page, saved HTML pages, web pages by URL (the web
    extra), Markdown, speeches with hard-wrapped lines; UTF-8, UTF-16 with a byte-order mark, or a legacy encoding (detected and
    reported). Prints a table of what was ingested, skipped (already in the corpus) or failed,
    and why. Exit 0 when every input went in, 2 when any failed. One input is read up to 20 MiB
    (files, devices and stdin alike); a named pipe or - waits for its writer, as cat does.
    Metadata tables, ids, URLs and cleaning: docs/ingest.md.

    Examples:

        brief ingest article.txt --corpus my-briefs/

        brief ingest saved-pages/ --glob '*.html' --out my-briefs/

        brief ingest - --source "Example Review" --dry-run < page.txt
    """
    import sys
    import time
    from dataclasses import replace

    from brief_cli import ingest as core
    from brief_cli.errors import UsageError
    from brief_cli.render import ingest as render

    def text(value: str | None) -> str | None:
        return " ".join(value.split()) or None if value is not None else None

    names = tuple(n for n in (text(a) for a in authors or ()) if n)
    options = core.Options(
        article_id=core.check_id(article_id) if article_id else None,
        id_format=core.check_id_format(id_format) if id_format else None,
        title=text(title), authors=names, source=text(source), url=text(url),
        language=core.check_language(language) if language else None,
        section=text(section),
        published=core.check_date(published) if published else None,
        allow_undated=allow_undated, keep=core.check_keep(keep or ()), force=force,
        timeout=timeout, jobs=jobs,
        dry_run=dry_run, tag=not no_tag)
    if (meta_key or meta_map) and meta is None:
        raise UsageError("--meta-key and --meta-map need --meta FILE")
    table = core.open_table(meta, meta_key, meta_map or ()) if meta is not None else None
    tax = open_taxonomy(taxonomy)
    target = core.target_folder(out_dir, corpus, dry_run=dry_run)
    if not inputs and not urls_file:
        raise UsageError("nothing to ingest",
                         hint="give files, folders, URLs or -, or --urls FILE")
    sources = core.collect_inputs(inputs or [], pattern) if inputs else []
    if urls_file:
        from brief_cli.ingest.fetch import read_url_list, url_sources

        known = {s.url for s in sources if s.url}
        sources += [s for s in url_sources(read_url_list(urls_file)) if s.url not in known]
    single = {"--id": article_id, "--title": title, "--author": names, "--url": url}
    for option, value in single.items():
        if value and len(sources) > 1:
            raise UsageError(f"{option} is for one article, but {len(sources)} inputs were "
                             "given", hint="give per-file metadata with --meta FILE")
    options = replace(options, batch=len(sources) > 1)
    if any(s.path is None and s.url is None for s in sources):
        stdin = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
        data = (core.read_capped(stdin) if stdin is not None
                else sys.stdin.read(core.MAX_INPUT_BYTES + 1).encode("utf-8"))
        sources = [core.InputSource(s.name, None, data) if s.path is None and s.url is None
                   else s for s in sources]
    tagger = core.load_tagger(tax) if options.tag else None
    if tagger is not None and target is not None:
        from brief_cli.learning import tagger_for_folder

        tagger = tagger_for_folder(target, tax, tagger)  # learned from its reviews, if any
    ingester = core.Ingester(target, tax, options, tagger, meta=table)
    started = time.perf_counter()
    # Workers are started before the progress bar's thread: a fork copies no running thread.
    with ingester.workers(sources), \
            render.progress_bar(len(sources), render.progress_wanted(len(sources))) as advance:
        outcomes = ingester.run(sources, advance)
    elapsed = time.perf_counter() - started
    failed = [o for o in outcomes if o.status == "failed"]
    if dry_run and fmt in (OutputFormat.json, OutputFormat.jsonl):
        render.render_preview_records(outcomes, fmt)
    else:
        if dry_run:
            for outcome in outcomes:
                render.render_preview(outcome, tax.actor_name)
        if not dry_run or failed or len(outcomes) > 1:
            render.render_outcomes(outcomes, fmt)
    render.summarise(outcomes, elapsed)
    if table is not None:
        render.meta_report(table)
    if failed:
        raise typer.Exit(2)
