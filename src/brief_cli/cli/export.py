"""The ``export`` command: the passages of a search or filter as cited Markdown (plain or for
Pandoc), a Word document, or a REFI-QDA project or codebook for qualitative-analysis tools."""

from __future__ import annotations

import enum
from typing import List, Optional

import typer

from brief_cli.cli.app import (
    ActorOpt, Annotated, ArticleOpt, CorpusOpt, KindOpt, SectorOpt, SinceOpt, StrictOpt,
    LanguageOpt, TaxonomyOpt, UntilOpt, app, build_filters, load,
)


class ExportFormat(str, enum.Enum):
    md = "md"
    docx = "docx"
    qdpx = "qdpx"
    qdc = "qdc"


class CiteStyle(str, enum.Enum):
    text = "text"
    pandoc = "pandoc"


SUFFIX_FORMATS = {".docx": ExportFormat.docx, ".qdpx": ExportFormat.qdpx,
                  ".qdc": ExportFormat.qdc}
BINARY = {ExportFormat.docx, ExportFormat.qdpx}


class GroupBy(str, enum.Enum):
    article = "article"
    sector = "sector"
    kind = "kind"
    none = "none"


@app.command()
def export(
    query: Annotated[Optional[List[str]], typer.Argument(
        metavar="QUERY", show_default=False,
        help="Words to search for, as in 'brief search'; leave out to export every passage "
             "the filters keep.")] = None,
    output: Annotated[Optional[str], typer.Option(
        "--output", "-o", metavar="FILE", show_default=False,
        help="Write to FILE (through a temporary file, renamed into place); its suffix "
             "chooses the format when --format is not given (.docx, .qdpx, .qdc, else "
             "Markdown). '-' or no -o writes to stdout.")] = None,
    fmt: Annotated[Optional[ExportFormat], typer.Option(
        "--format", "-f", case_sensitive=False, show_default=False, metavar="FORMAT",
        help="md: Markdown with YAML front matter; docx: a Word document; qdpx: a REFI-QDA "
             "project (NVivo, ATLAS.ti, MAXQDA, QualCoder) of the articles with every passage "
             "coded; qdc: the codebook alone \\[default: from the -o suffix, else md].")] = None,
    cite: Annotated[Optional[CiteStyle], typer.Option(
        "--cite", case_sensitive=False, show_default=False, metavar="STYLE",
        help="Citations in Markdown: text (citation lines and a reference list written out) "
             "or pandoc (\\[@key, ¶ n] for 'pandoc --citeproc', references in the front matter "
             "or in the --bib file) \\[default: text, pandoc with --bib].")] = None,
    bib: Annotated[Optional[str], typer.Option(
        "--bib", metavar="FILE", show_default=False,
        help="Also write the cited articles' bibliography to FILE: .json CSL-JSON, .bib "
             "BibTeX (biblatex). Markdown then cites with --cite pandoc and names FILE in "
             "its front matter.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite FILE if it exists.")] = False,
    group_by: Annotated[GroupBy, typer.Option(
        "--group-by", "-g", case_sensitive=False,
        help="Level-2 groups: article, sector (a passage with several sectors appears under each "
             "of them, untagged ones under 'No sector'; with --sector only those sectors), "
             "kind, or none.")] = GroupBy.article,
    title: Annotated[Optional[str], typer.Option(
        "--title", "-t", metavar="TEXT", show_default=False,
        help="Document title \\[default: made from the query and filters].")] = None,
    highlight: Annotated[bool, typer.Option(
        "--highlight", help="Bold the words the query matched in each excerpt.")] = False,
    exact: Annotated[bool, typer.Option(
        "--exact", help="Match the query words exactly (no typo tolerance).")] = False,
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
) -> None:
    """Export the passages of a search or filter as cited excerpts: Markdown, Word or REFI-QDA.

    Markdown has YAML front matter with flat, typed properties (title, date, tags from the
    kinds and sectors, query, each filter, source, corpus, counts), the excerpts as
    blockquotes grouped under level-2 headings, each with a citation line and its tags, and a
    references section; passage text is escaped so that it shows exactly as written. With
    --cite pandoc it is ready for 'pandoc --citeproc'. Exit 1, writing nothing, when no
    passage matches.

    Examples:

        brief export --kind challenge -o challenges.md

        brief export "energy cooperation" --highlight --group-by sector

        brief export --sector energy --bib energy.json -o energy.md

        brief export --kind challenge -o challenges.docx

        brief export -o corpus.qdpx
    """
    import sys
    from pathlib import Path

    from brief_cli.config import bundled_corpus_dir, resolve_corpus_dir
    from brief_cli.errors import FileProblem, UsageError
    from brief_cli.render.common import note

    to_stdout = output is None or output == "-"
    if output is not None and not output.strip():
        raise UsageError("-o needs a file name", hint="or '-' for stdout")
    from brief_cli.config import user_path

    # Checked up front: every later use expands '~', which fails for a user that does not exist.
    if not to_stdout:
        user_path(output, "-o")
    if bib is not None:
        user_path(bib, "--bib")
    if fmt is None:
        fmt = ExportFormat.md if to_stdout else SUFFIX_FORMATS.get(
            Path(output).suffix.lower(), ExportFormat.md)
    fmt = ExportFormat(fmt)
    if fmt in BINARY and to_stdout:
        raise UsageError(f"{fmt.value} is a binary file format",
                         hint=f"write it to a file: -o FILE.{fmt.value}")
    if bib is not None and Path(bib).suffix.lower() not in (".json", ".bib"):
        raise UsageError(f"--bib {bib!r}: unknown bibliography format",
                         hint="name the file .json (CSL-JSON) or .bib (BibTeX)")
    if bib is not None and not to_stdout and (
            Path(bib).expanduser().resolve() == Path(output).expanduser().resolve()):
        raise UsageError("--bib and -o name the same file",
                         hint="give the bibliography its own name")
    if cite is not None and fmt is not ExportFormat.md:
        raise UsageError("--cite applies to Markdown only", hint="leave it out, or use -f md")
    if bib is not None and cite is CiteStyle.text:
        raise UsageError("--bib goes with --cite pandoc",
                         hint="leave --cite out, or use --cite pandoc")
    style = (cite or (CiteStyle.pandoc if bib else CiteStyle.text)).value
    words = " ".join(query or ())
    if highlight and not words.strip():
        raise UsageError("--highlight needs a query", hint="give the words to highlight as QUERY")
    filters = build_filters(sector, kind, actor, article, since, until, language)

    if fmt is ExportFormat.qdc:  # the codebook: the taxonomy alone, no corpus needed
        from brief_cli import __version__
        from brief_cli.cli.app import open_taxonomy
        from brief_cli.export.qdpx import build_codebook

        tax = open_taxonomy(taxonomy)
        if not to_stdout and tax.path and Path(output).expanduser().resolve() == tax.path.resolve():
            raise FileProblem(f"{output!r} is the taxonomy file", hint="choose another name")
        data = build_codebook(tax, origin=f"brief {__version__}")
        _deliver(data, output, force, "codebook", "wrote the codebook to {}")
        return

    corp, tax, _ = load(corpus, taxonomy, strict)
    from brief_cli.selection import select_passages

    selection = select_passages(corp, tax, words, filters, exact=exact)
    for word, fixes in selection.corrections.items():
        note(f"searched {' OR '.join(fixes)} (for {word})")
    root = (corp.root or resolve_corpus_dir(corpus)).resolve()
    protected = _protected(tax, root)
    for path in (output if not to_stdout else None, bib):
        if path is not None and protected(Path(path)):
            raise FileProblem(f"{path!r} is a corpus or taxonomy file",
                              hint="export writes Markdown; choose another name")

    count = len({item.passage.uid for item in selection.items})
    excerpts = f"{count} excerpt{'s' * (count != 1)}"
    group = GroupBy(group_by).value
    if fmt is ExportFormat.qdpx:
        from brief_cli import __version__
        from brief_cli.errors import NothingFound
        from brief_cli.export.markdown import default_title, nothing_message
        from brief_cli.export.qdpx import build_project

        if not selection.items:
            raise NothingFound(nothing_message(selection))
        chosen = {item.article.id for item in selection.items}
        articles = [a for a in corp.articles if a.id in chosen]
        project = build_project(articles, tax, name=title or default_title(selection),
                                origin=f"brief {__version__}")
        from datetime import datetime, timezone

        data = project.zip_bytes(datetime.now(timezone.utc))
        n = sum(len(a.passages) for a in articles)
        _deliver(data, output, force, "REFI-QDA project",
                 f"wrote {len(articles)} article{'s' * (len(articles) != 1)} "
                 f"({n} coded passage{'s' * (n != 1)}) to {{}}")
        return

    keys = None
    if style == "pandoc" or bib:
        from brief_cli.export.citations import citation_keys

        keys = citation_keys(corp.articles)  # over the corpus: stable whatever is selected
    if fmt is ExportFormat.docx:
        from brief_cli.export.docx import build_docx

        data = build_docx(selection, tax, title=title, group_by=group, highlight=highlight)
    else:
        from brief_cli.export import build_markdown

        label = "bundled" if root == bundled_corpus_dir().resolve() else str(root)
        reference = bib
        if bib is not None and not to_stdout:  # as the document's folder sees it
            import os

            reference = os.path.relpath(Path(bib).expanduser().resolve(),
                                        Path(output).expanduser().resolve().parent)
            reference = reference.replace(os.sep, "/")
        data = build_markdown(selection, tax, title=title, group_by=group,
                              highlight=highlight, corpus_label=label, cite=style, keys=keys,
                              bibliography=reference).encode("utf-8")
    if bib is not None:
        from brief_cli.export.citations import bibliography
        from brief_cli.fileio import atomic_write_text

        cited = list({item.article.id: item.article for item in selection.items}.values())
        cited.sort(key=lambda a: keys[a.id])
        written = atomic_write_text(Path(bib).expanduser(),
                                    bibliography(cited, keys, Path(bib).suffix),
                                    force=force, what="bibliography file")
        note(f"wrote {len(cited)} reference{'s' * (len(cited) != 1)} to {written}")
    what = "Word document" if fmt is ExportFormat.docx else "Markdown file"
    _deliver(data, output, force, what, f"wrote {excerpts} to {{}}")


def _protected(tax, root):
    """--force replaces the user's files, never the corpus or the taxonomy."""
    def check(path) -> bool:
        resolved = path.expanduser().resolve()
        return (resolved == tax.path.resolve() if tax.path else False) or (
            resolved.suffix.lower() in (".yaml", ".yml") and root in resolved.parents)
    return check


def _deliver(data: bytes, output, force: bool, what: str, done: str) -> None:
    """Bytes to stdout or, through a temporary file, to output."""
    import sys
    from pathlib import Path

    from brief_cli.render.common import note

    if output is None or output == "-":
        stream = sys.stdout
        if what == "Markdown file" and _isatty(stream):  # a preview: wrapped for reading
            import shutil

            from brief_cli.render.common import wrap_for_reading

            width = shutil.get_terminal_size().columns
            data = wrap_for_reading(data.decode("utf-8"), width).encode("utf-8")
        buffer = getattr(stream, "buffer")
        if buffer is not None:  # always UTF-8, whatever the terminal's encoding
            stream.flush()
            buffer.write(data)
            buffer.flush()
        else:
            stream.write(data.decode("utf-8"))
            stream.flush()
        return
    from brief_cli.fileio import atomic_write_bytes

    from brief_cli.config import user_path

    written = atomic_write_bytes(user_path(output, "-o"), data, force=force, what=what)
    note(done.format(written))


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

