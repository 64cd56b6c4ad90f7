"""The ``export`` command: the passages of a search or filter as cited Markdown excerpts."""

from __future__ import annotations

import enum
from typing import List, Optional

import typer

from brief_cli.cli.app import (
    ActorOpt, Annotated, ArticleOpt, CorpusOpt, KindOpt, SectorOpt, SinceOpt, StrictOpt,
    LanguageOpt, TaxonomyOpt, UntilOpt, app, build_filters, load,
)


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
        help="Write the Markdown to FILE (through a temporary file, renamed into place); "
             "'-' or no -o writes to stdout.")] = None,
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
    """Export the passages of a search or filter as cited Markdown excerpts.

    The document has YAML front matter (title, time, query, filters, corpus, count, version),
    a title, the excerpts as blockquotes grouped under level-2 headings, each with a citation
    line and its tags, and a references section. Passage text is escaped so that it shows
    exactly as written. Exit 1, writing nothing, when no passage matches.

    Examples:

        brief export --kind challenge -o challenges.md

        brief export "energy cooperation" --highlight --group-by sector --title "Energy notes"
    """
    import sys
    from pathlib import Path

    from brief_cli.config import bundled_corpus_dir, resolve_corpus_dir
    from brief_cli.errors import UsageError
    from brief_cli.export import build_markdown
    from brief_cli.render.common import note
    from brief_cli.selection import select_passages

    filters = build_filters(sector, kind, actor, article, since, until, language)
    words = " ".join(query or ())
    if highlight and not words.strip():
        raise UsageError("--highlight needs a query", hint="give the words to highlight as QUERY")
    if output is not None and not output.strip():
        raise UsageError("-o needs a file name", hint="or '-' for stdout")
    corp, tax, _ = load(corpus, taxonomy, strict)
    selection = select_passages(corp, tax, words, filters, exact=exact)
    for word, fixes in selection.corrections.items():
        note(f"searched {' OR '.join(fixes)} (for {word})")

    root = (corp.root or resolve_corpus_dir(corpus)).resolve()
    label = "bundled" if root == bundled_corpus_dir().resolve() else str(root)
    document = build_markdown(selection, tax, title=title, group_by=GroupBy(group_by).value,
                              highlight=highlight, corpus_label=label)
    count = len({item.passage.uid for item in selection.items})
    excerpts = f"{count} excerpt{'s' * (count != 1)}"

    if output is None or output == "-":
        stream = sys.stdout
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:  # always UTF-8, whatever the terminal's encoding
            stream.flush()
            buffer.write(document.encode("utf-8"))
            buffer.flush()
        else:
            stream.write(document)
            stream.flush()
        return

    from brief_cli.errors import FileProblem
    from brief_cli.fileio import atomic_write_text

    target = Path(output).expanduser()
    # --force replaces the user's files, never the corpus or the taxonomy.
    resolved = target.resolve()
    if (resolved == tax.path.resolve() if tax.path else False) or (
            resolved.suffix.lower() in (".yaml", ".yml") and root in resolved.parents):
        raise FileProblem(f"{output!r} is a corpus or taxonomy file",
                          hint="export writes Markdown; choose another name")
    written = atomic_write_text(target, document, force=force, what="Markdown file")
    note(f"wrote {excerpts} to {written}")
