"""The Typer application, its error handling, and the options every command shares.

Commands live in the sibling modules; each parses options, calls the core, and hands the result
to ``brief_cli.render``. Errors raised by the core (``BriefError``) become one line on stderr and
an exit code here, in ``BriefGroup.invoke``, and nowhere else.
"""

from __future__ import annotations

import enum
import os
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

import typer
from typer.core import TyperGroup

from brief_cli import __version__
from brief_cli.errors import BriefError, ExitCode
from brief_cli.render.formats import OutputFormat, set_raw_csv

if TYPE_CHECKING:
    from brief_cli.corpus import LoadResult
    from brief_cli.filters import Filters
    from brief_cli.model import Corpus
    from brief_cli.taxonomy import Taxonomy

try:
    from typing import Annotated
except ImportError:  # Python 3.8
    from typing_extensions import Annotated  # type: ignore


class BriefGroup(TyperGroup):
    """Turns project errors into one line on stderr and their exit code."""

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(self.commands)  # in the order they were defined, not alphabetical

    def get_command(self, ctx: typer.Context, cmd_name: str):
        return with_raw_csv(super().get_command(ctx, cmd_name))

    def invoke(self, ctx: typer.Context):
        set_raw_csv(False)  # one process may run several commands (tests, completion)
        try:
            return super().invoke(ctx)
        except BriefError as exc:
            if os.environ.get("BRIEF_DEBUG"):
                raise
            from brief_cli.render.common import error_line, note

            if exc.exit_code == ExitCode.NOTHING:
                note(str(exc))  # nothing matched: an answer (exit 1), not a failure
            else:
                error_line(str(exc))
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # The reader went away (`brief search x | head`): stop quietly, as ripgrep does.
            _silence_stdout()
            raise typer.Exit(0) from None


RAW_CSV_HELP = ("With --format csv, write every cell as it is. By default a cell that starts with "
                "=, +, -, @, a tab or a carriage return gets a leading ' so that a spreadsheet "
                "shows it as text instead of running it as a formula.")


def with_raw_csv(command):
    """Every command that can write CSV (a --format with a csv choice) also takes --raw-csv, added
    here, once, so that no command's CSV can forget the spreadsheet-safety rule or its opt-out."""
    at = next((i for i, p in enumerate(getattr(command, "params", ()))
               if "--format" in getattr(p, "opts", ()) and _offers_csv(p)), None)
    if at is not None and not any(p.name == "raw_csv" for p in command.params):
        command.params.insert(at + 1, _raw_csv_option())
    return command


def _offers_csv(param) -> bool:
    """Whether a --format option has a csv choice (its type is the click choice or, in newer
    Typer, the annotation of its type descriptor); when that cannot be told, assume it does."""
    choices = getattr(getattr(param, "type", None), "choices", None)
    if choices is None:
        annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
        if not (isinstance(annotation, type) and issubclass(annotation, enum.Enum)):
            return True
        choices = list(annotation)
    return any(getattr(c, "value", c) == "csv" for c in choices)


_RAW_CSV_OPTION: list = []


def _raw_csv_option():
    """The --raw-csv option, declared the ordinary Typer way (so it stays right whatever Typer's
    internals), whose value goes to the CSV writer rather than to the command's function."""
    if not _RAW_CSV_OPTION:
        probe = typer.Typer()

        @probe.command()
        def _probe(raw_csv: Annotated[bool, typer.Option(
                "--raw-csv", help=RAW_CSV_HELP, callback=set_raw_csv)] = False) -> None:
            """Never run: only its option is used."""

        option = next(p for p in typer.main.get_command(probe).params if p.name == "raw_csv")
        option.expose_value = False
        _RAW_CSV_OPTION.append(option)
    return _RAW_CSV_OPTION[0]


def _silence_stdout() -> None:
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


app = typer.Typer(
    name="brief",
    cls=BriefGroup,
    help="Explore a corpus of policy articles and briefs: search passages, see where the "
         "challenges and opportunities lie, summarise, and export cited excerpts.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"brief {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[Optional[bool], typer.Option(
        "--version", "-V", callback=_version, is_eager=True,
        help="Show the version and exit.")] = None,
) -> None:
    """Explore a corpus of policy articles and briefs: search passages, see where the
    challenges and opportunities lie, summarise, and export cited excerpts.

    Exit codes: 0 something found or done, 1 nothing matched, 2 an error.
    """


# Completion ------------------------------------------------------------------------------------

def _completion_corpus(ctx: typer.Context):
    try:
        from brief_cli.config import resolve_corpus_dir, resolve_taxonomy_path
        from brief_cli.corpus import load_corpus
        from brief_cli.taxonomy import load_taxonomy

        params = ctx.params if ctx is not None else {}
        taxonomy = load_taxonomy(resolve_taxonomy_path(params.get("taxonomy")))
        return load_corpus(resolve_corpus_dir(params.get("corpus")), taxonomy).corpus, taxonomy
    except Exception:  # completion must never print a traceback into the shell
        return None, None


def complete_article_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    corpus, _ = _completion_corpus(ctx)
    return [a for a in (corpus.article_ids if corpus else []) if a.startswith(incomplete)]


def complete_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Article ids, and passage ids once the article id is typed."""
    corpus, _ = _completion_corpus(ctx)
    if corpus is None:
        return []
    if "#" in incomplete:
        return [p.uid for p in corpus.passages() if p.uid.startswith(incomplete)]
    return [a for a in corpus.article_ids if a.startswith(incomplete)]


def complete_sector_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    _, taxonomy = _completion_corpus(ctx)
    return [s for s in (taxonomy.sector_ids if taxonomy else []) if s.startswith(incomplete)]


def complete_kinds(incomplete: str) -> list[str]:
    return [k for k in ("challenge", "opportunity", "context") if k.startswith(incomplete)]


# Shared options --------------------------------------------------------------------------------

_CORPUS_PANEL = "Corpus"
_FILTER_PANEL = "Filters"

CorpusOpt = Annotated[Optional[Path], typer.Option(
    "--corpus", metavar="DIR", show_default=False, rich_help_panel=_CORPUS_PANEL,
    help="Corpus folder of article YAML files \\[default: $BRIEF_CORPUS, else the bundled corpus].")]
TaxonomyOpt = Annotated[Optional[Path], typer.Option(
    "--taxonomy", metavar="FILE", show_default=False, rich_help_panel=_CORPUS_PANEL,
    help="Taxonomy YAML file \\[default: $BRIEF_TAXONOMY, else the bundled taxonomy].")]
StrictOpt = Annotated[bool, typer.Option(
    "--strict", rich_help_panel=_CORPUS_PANEL,
    help="Fail on any corpus problem instead of skipping broken articles with a warning.")]
FormatOpt = Annotated[OutputFormat, typer.Option(
    "--format", "-f", case_sensitive=False,
    help="Output format: a table on a terminal (tab-separated when piped), json, jsonl or csv.")]

SectorOpt = Annotated[Optional[List[str]], typer.Option(
    "--sector", "-s", metavar="ID", rich_help_panel=_FILTER_PANEL,
    autocompletion=complete_sector_ids,
    help="Only passages tagged with this sector (repeat to allow several).")]
KindOpt = Annotated[Optional[List[str]], typer.Option(
    "--kind", "-k", metavar="KIND", rich_help_panel=_FILTER_PANEL,
    autocompletion=complete_kinds,
    help="Only passages of this kind: challenge, opportunity or context (repeatable).")]
ActorOpt = Annotated[Optional[List[str]], typer.Option(
    "--actor", "-a", metavar="NAME", rich_help_panel=_FILTER_PANEL,
    help="Only passages naming this actor: id, name or alias, e.g. china (repeatable).")]
ArticleOpt = Annotated[Optional[List[str]], typer.Option(
    "--article", metavar="ID", rich_help_panel=_FILTER_PANEL,
    autocompletion=complete_article_ids,
    help="Only passages of this article (repeatable).")]
SinceOpt = Annotated[Optional[str], typer.Option(
    "--since", metavar="DATE", rich_help_panel=_FILTER_PANEL,
    help="Only articles published on or after DATE (YYYY-MM-DD, YYYY-MM or YYYY).")]
UntilOpt = Annotated[Optional[str], typer.Option(
    "--until", metavar="DATE", rich_help_panel=_FILTER_PANEL,
    help="Only articles published on or before DATE (YYYY-MM-DD, YYYY-MM or YYYY).")]


def build_filters(sector: Optional[List[str]] = None, kind: Optional[List[str]] = None,
                  actor: Optional[List[str]] = None, article: Optional[List[str]] = None,
                  since: Optional[str] = None, until: Optional[str] = None) -> "Filters":
    """Filters from the shared options (values are checked later, by the core)."""
    from brief_cli.filters import Filters, parse_date

    return Filters(
        sectors=tuple(sector or ()), kinds=tuple(kind or ()), actors=tuple(actor or ()),
        articles=tuple(article or ()),
        since=parse_date(since, "--since") if since else None,
        until=parse_date(until, "--until") if until else None,
    )


# Loading ---------------------------------------------------------------------------------------

def open_taxonomy(taxonomy: Optional[Path]) -> "Taxonomy":
    from brief_cli.config import resolve_taxonomy_path
    from brief_cli.taxonomy import load_taxonomy

    return load_taxonomy(resolve_taxonomy_path(taxonomy))


def load(corpus: Optional[Path], taxonomy: Optional[Path], strict: bool = False
         ) -> tuple["Corpus", "Taxonomy", "LoadResult"]:
    """Load taxonomy and corpus; warn once per broken article (or fail under --strict)."""
    from brief_cli.config import resolve_corpus_dir
    from brief_cli.corpus import load_corpus, require_clean

    tax = open_taxonomy(taxonomy)
    result = load_corpus(resolve_corpus_dir(corpus), tax)
    require_clean(result, strict)
    if result.errors:
        from brief_cli.render.common import warn

        first: dict[Path, object] = {}
        for problem in result.errors:
            first.setdefault(problem.path, problem)
        for problem in first.values():
            warn(f"skipped {problem} — run 'brief validate' for details")
    return result.corpus, tax, result


def main() -> None:
    """Entry point of the ``brief`` command."""
    app(prog_name="brief")
