"""The Typer application, its error handling, and the options every command shares.

Commands live in the sibling modules; each parses options, calls the core, and hands the result
to ``brief_cli.render``. Errors raised by the core (``BriefError``) become one line on stderr and
an exit code in ``cli.runtime.run_guarded``, which ``BriefGroup.invoke`` (and the lean search
path, ``cli.fast``) run every command through; usage errors from the framework in
``BriefGroup.main``.
"""

from __future__ import annotations

import difflib
import enum
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

import click
import typer
from typer.core import TyperCommand, TyperGroup

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


class BriefCommand(TyperCommand):
    """A command whose help and parsing follow the house style (see ``tidy_command``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tidy_command(self)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, query_words_last(self, args, ctx.help_option_names))

    def invoke(self, ctx: click.Context):
        if self.name not in PAGED_COMMANDS:
            return super().invoke(ctx)
        from brief_cli.render.common import paged

        with paged():
            return super().invoke(ctx)


# Commands whose long output goes through the pager on a terminal (never an interactive one).
PAGED_COMMANDS = {"search", "show", "articles", "sectors", "summary", "validate", "index"}


class BriefTyper(typer.Typer):
    """``typer.Typer`` whose commands are ``BriefCommand`` unless they ask for another class."""

    def command(self, name: Optional[str] = None, *, cls=None, **kwargs):
        return super().command(name, cls=cls or BriefCommand, **kwargs)


class BriefGroup(TyperGroup):
    """The ``brief`` group: commands loaded on demand, errors in one style.

    Commands are listed in ``brief_cli.cli.COMMANDS`` (name -> module); a command's module is
    imported only when that command runs, or when help or completion needs it. Project errors
    (``BriefError``) and usage errors from the framework both become ``error: ...`` on stderr
    with their exit code, here and nowhere else.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = list(_registry())
        return names + [n for n in self.commands if n not in names]

    def get_command(self, ctx: click.Context, name: str) -> Optional[click.Command]:
        command = self.commands.get(name)
        if command is None and name in _registry():
            command = _load_command(name, self.rich_markup_mode)
            if command is not None:
                self.commands[name] = command
        return with_raw_csv(command)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            if args and not getattr(exc, "_brief_suggested", False):
                close = difflib.get_close_matches(args[0], self.list_commands(ctx), n=3)
                raise click.UsageError(f"unknown command {args[0]!r}" + _did_you_mean(close),
                                       ctx=ctx) from None
            raise

    def invoke(self, ctx: click.Context):
        set_raw_csv(False)  # one process may run several commands (tests, completion)
        code = run_guarded(lambda: super(BriefGroup, self).invoke(ctx))
        if code:
            raise typer.Exit(code)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True,
             **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            # without standalone mode, click returns the code of an Exit instead of raising it
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            from brief_cli.render.common import error_line, hint_line

            message, hint = usage_message(exc)
            error_line(message)
            if hint:
                hint_line(hint)
            sys.exit(ExitCode.ERROR if isinstance(exc, click.UsageError) else exc.exit_code)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)


def _registry() -> dict[str, str]:
    from brief_cli.cli import COMMANDS

    return COMMANDS


def _load_command(name: str, markup_mode) -> Optional[click.Command]:
    """Import the module that defines command ``name`` and build that command alone."""
    import importlib

    from typer.main import get_command_from_info, get_command_name

    importlib.import_module(f"brief_cli.cli.{_registry()[name]}")
    for info in app.registered_commands:
        if (info.name or get_command_name(info.callback.__name__)) == name:
            return get_command_from_info(info, pretty_exceptions_short=True,
                                         rich_markup_mode=markup_mode)
    return None


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


from brief_cli.cli.runtime import (  # noqa: E402  (kept importable from here)
    _OUTPUT_ERRNOS, _ClosedStdout, _ascii_fallback, _flush_stdout, _silence_stdout,
    prepare_streams, run_guarded,
)


# Usage errors --------------------------------------------------------------------------------

def _did_you_mean(matches) -> str:
    matches = list(matches)
    if not matches:
        return ""
    return " (did you mean " + " or ".join(repr(m) for m in matches) + "?)"


def _param_name(param: Optional[click.Parameter]) -> str:
    if param is None:
        return ""
    if isinstance(param, click.Option):
        longs = [o for o in param.opts if o.startswith("--")]
        return (longs or param.opts)[0]
    return param.human_readable_name


def usage_message(exc: click.ClickException) -> tuple[str, Optional[str]]:
    """One line (and an optional hint) for a framework error: no box, no internals."""
    ctx = getattr(exc, "ctx", None)
    command_path = ctx.command_path if ctx is not None else "brief"
    help_hint = f"'{command_path} --help' lists what it takes"
    if isinstance(exc, click.NoSuchOption):
        options = []
        if ctx is not None:
            for p in ctx.command.params:
                if isinstance(p, click.Option):
                    options += p.opts + p.secondary_opts
        close = list(exc.possibilities or ()) or difflib.get_close_matches(
            exc.option_name, options, n=3, cutoff=0.7)
        return f"unknown option {exc.option_name!r}" + _did_you_mean(sorted(close)), help_hint
    if isinstance(exc, click.MissingParameter):
        param = exc.param
        if isinstance(param, click.Argument):
            return f"missing argument {param.human_readable_name}", help_hint
        return f"missing option {_param_name(param)}", help_hint
    if isinstance(exc, click.BadParameter):
        text = _clean(exc.message)
        name = _param_name(exc.param)
        return (f"{name}: {text}" if name else text), None
    if isinstance(exc, click.BadOptionUsage) and "requires an argument" in exc.message:
        return f"{exc.option_name} needs a value", None
    if isinstance(exc, click.UsageError):
        message = exc.format_message() if isinstance(exc, click.NoSuchCommand) else exc.message
        if isinstance(exc, click.NoSuchCommand) or "unknown command" in message:
            return _clean(message), "'brief --help' lists the commands"
        return _clean(message), help_hint
    return _clean(exc.format_message()), None


def _clean(message: str) -> str:
    message = message.strip().rstrip(".")
    return message[:1].lower() + message[1:] if message[1:2].islower() else message


# Help and parsing in the house style -----------------------------------------------------------

class BoundedNumber(click.ParamType):
    """A number with bounds that help does not decorate with ``[x>=0]``."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name

    def convert(self, value, param, ctx):
        number_type = click.FLOAT if isinstance(self.inner, click.FloatRange) else click.INT
        number = number_type.convert(value, param, ctx)
        low, high = self.inner.min, self.inner.max
        too_low = low is not None and (number <= low if self.inner.min_open else number < low)
        too_high = high is not None and (number >= high if self.inner.max_open else number > high)
        if (too_low or too_high) and self.inner.clamp:
            return self.inner.convert(value, param, ctx)
        if too_low and high is None:
            self.fail(f"{number} is too small: it must be at least {low}", param, ctx)
        if too_high and low is None:
            self.fail(f"{number} is too large: it must be at most {high}", param, ctx)
        if too_low or too_high:
            self.fail(f"{number} is out of range: it must be from {low} to {high}", param, ctx)
        return number

    def shell_complete(self, ctx, param, incomplete):
        return []


class FriendlyChoice(click.Choice):
    """click's Choice, failing with the closest choices instead of the whole list."""

    def __init__(self, inner: click.Choice):
        super().__init__(inner.choices, case_sensitive=inner.case_sensitive)

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            names = [str(getattr(c, "value", c)) for c in self.choices]
            close = difflib.get_close_matches(str(value).lower(), names, n=2, cutoff=0.5)
            message = f"{str(value)!r} is not one of {', '.join(names)}" + _did_you_mean(close)
            self.fail(message, param, ctx)


def _reflow(text: Optional[str]) -> Optional[str]:
    """Docstring paragraphs as single lines, so help wraps at the terminal's width and at word
    boundaries only; indented lines (examples) are kept as they are."""
    if not text:
        return text
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.splitlines()
        if any(line.startswith("    ") for line in lines):
            paragraphs.append("\n".join(lines))
        else:
            paragraphs.append(" ".join(line.strip() for line in lines))
    return "\n\n".join(paragraphs)


def optional_values(**flag_values: str):
    """Decorator (below ``@app.command()``) for options whose value may be left out:
    ``@optional_values(matrix="kind")`` makes ``--matrix`` alone mean ``--matrix kind``
    (Typer does not pass click's ``flag_value`` on)."""
    def mark(function):
        function.__brief_optional_values__ = dict(flag_values)
        return function
    return mark


def tidy_command(command: click.Command) -> None:
    """House style for a command's help: paragraphs reflowed, ranges not spelled as ``[x>=0]``,
    choices named by a metavar (``FORMAT``) with the values listed in the help text, and clear
    errors for bad numbers and choices."""
    if getattr(command, "_brief_tidy", False):
        return
    command._brief_tidy = True
    command.help = _reflow(command.help)
    optional = getattr(command.callback, "__brief_optional_values__", {})
    for param in command.params:
        if param.name in optional and isinstance(param, click.Option):
            param.flag_value = optional[param.name]
            param._flag_needs_value = True
        if isinstance(param.type, (click.IntRange, click.FloatRange)):
            param.type = BoundedNumber(param.type)
        elif isinstance(param.type, click.Choice) and not isinstance(param.type, FriendlyChoice):
            param.type = FriendlyChoice(param.type)
            names = [str(getattr(c, "value", c)) for c in param.type.choices]
            if param.metavar is None:
                param.metavar = (param.name or "value").upper()
            help_text = getattr(param, "help", None) or ""
            if isinstance(param, click.Option) and not all(n in help_text for n in names):
                param.help = (help_text.rstrip() + " " if help_text else "") + \
                    "One of: " + ", ".join(names) + "."


def query_words_last(command: click.Command, args: list[str],
                     help_names: tuple = ("-h", "--help")) -> list[str]:
    """Let ``-word`` exclude a word in a command that takes a QUERY: any ``-token`` that is not
    one of the command's options becomes a query word (passed after ``--``), so
    ``brief search solar -coal --sector energy`` works as documented."""
    query = next((p for p in command.params if isinstance(p, click.Argument)
                  and p.name == "query" and p.nargs == -1), None)
    if query is None or not any(a.startswith("-") for a in args):
        return args
    takes_value, flags = set(), set(help_names)
    for p in command.params:
        if isinstance(p, click.Option):
            names = p.opts + p.secondary_opts
            if p.is_flag or p.count:
                flags.update(names)
            else:
                takes_value.update(p.opts)
    options, words = [], []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            words += args[i + 1:]
            break
        name = arg.split("=", 1)[0]
        if arg.startswith("--") or name in flags or name in takes_value:
            options.append(arg)
            if name in takes_value and "=" not in arg:
                if i + 1 == len(args):
                    return args  # the value is missing: let the parser say so
                options.append(args[i + 1])
                i += 1
        elif arg.startswith("-") and len(arg) > 2 and arg[:2] in takes_value \
                and arg[2:].lstrip("=").isdigit():
            options.append(arg)  # -n5, -C2: a short option glued to its number
        else:
            words.append(arg)
        i += 1
    return options + ["--"] + words if words else options


app = BriefTyper(
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


def _no_pager(value: bool) -> None:
    from brief_cli.render.common import disable_pager

    disable_pager(bool(value))


@app.callback()
def _root(
    version: Annotated[Optional[bool], typer.Option(
        "--version", "-V", callback=_version, is_eager=True,
        help="Show the version and exit.")] = None,
    no_pager: Annotated[bool, typer.Option(
        "--no-pager", callback=_no_pager, expose_value=False,
        help="Never page long output (by default it goes through $BRIEF_PAGER, $PAGER or "
             "'less -FRX' when it does not fit the terminal).")] = False,
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

def _path_value(option: str):
    """A parser that refuses an empty path (which would mean the current folder) up front."""
    def parse(value: str) -> Path:
        if not str(value).strip():
            raise typer.BadParameter("an empty path is not a folder or file; give a path",
                                     param_hint=option)
        return Path(value)
    return parse


CorpusOpt = Annotated[Optional[Path], typer.Option(
    "--corpus", metavar="DIR", show_default=False, parser=_path_value("--corpus"), rich_help_panel=_CORPUS_PANEL,
    help="Corpus folder of article YAML files \\[default: $BRIEF_CORPUS, else the bundled corpus].")]
TaxonomyOpt = Annotated[Optional[Path], typer.Option(
    "--taxonomy", metavar="FILE", show_default=False, parser=_path_value("--taxonomy"), rich_help_panel=_CORPUS_PANEL,
    help="Taxonomy YAML file \\[default: $BRIEF_TAXONOMY, else the bundled taxonomy].")]
StrictOpt = Annotated[bool, typer.Option(
    "--strict", rich_help_panel=_CORPUS_PANEL,
    help="Fail on any corpus problem instead of skipping broken articles with a warning.")]
FormatOpt = Annotated[OutputFormat, typer.Option(
    "--format", "-f", metavar="FORMAT", case_sensitive=False,
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
    help="Only passages of this article; a pattern such as 'kaz-*' takes every id it matches "
         "(repeatable).")]
SinceOpt = Annotated[Optional[str], typer.Option(
    "--since", metavar="DATE", rich_help_panel=_FILTER_PANEL,
    help="Only articles published on or after DATE (YYYY-MM-DD, YYYY-MM or YYYY).")]
UntilOpt = Annotated[Optional[str], typer.Option(
    "--until", metavar="DATE", rich_help_panel=_FILTER_PANEL,
    help="Only articles published on or before DATE (YYYY-MM-DD, YYYY-MM or YYYY).")]


LanguageOpt = Annotated[Optional[List[str]], typer.Option(
    "--language", "--lang", metavar="CODE", rich_help_panel=_FILTER_PANEL,
    help="Only articles in this language: zh, en ... (repeatable).")]


from brief_cli.cli.searching import build_filters  # noqa: E402  (shared by many commands)


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
    prepare_streams()
    app(prog_name="brief")
