"""The project's exceptions and exit codes.

The core raises these; the CLI turns each into one line on stderr and an exit code, in one place
(``brief_cli.cli.BriefGroup.invoke``).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from brief_cli.problem import Problem  # noqa: F401


class ExitCode(enum.IntEnum):
    """Exit codes, as ripgrep uses them."""

    OK = 0  # something found or done
    NOTHING = 1  # a search or filter ran and matched nothing (or validate found problems)
    ERROR = 2  # bad input or usage, an id that names nothing, a file problem


class BriefError(Exception):
    """Base of every error a user can cause; shown as one line, never a traceback."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, *, hint: str | None = None, where: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.where = where

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class UsageError(BriefError):
    """An option or argument that makes no sense (a bad date, an unknown filter value...)."""


class UnknownIdError(BriefError):
    """An id (article, passage, sector, kind, actor) that names nothing."""

    def __init__(self, what: str, value: str, suggestions: list[str] | tuple[str, ...] = (),
                 *, otherwise: str | None = None):
        hint = otherwise  # said when nothing is close enough to suggest
        if suggestions:
            hint = "did you mean " + ", ".join(repr(s) for s in suggestions) + "?"
        super().__init__(f"unknown {what} {value!r}", hint=hint)
        self.what = what
        self.value = value
        self.suggestions = list(suggestions)


class FileProblem(BriefError):
    """A file or folder that cannot be read or written."""


class TaxonomyError(BriefError):
    """The taxonomy file is missing or malformed: nothing can be tagged or validated."""


class CorpusError(BriefError):
    """The corpus cannot be used (missing folder; or, under --strict, any broken article)."""


class MissingDependency(BriefError):
    """An optional extra that a command needs is not installed (the hint says how to)."""


class NothingFound(BriefError):
    """A search or filter ran and matched nothing."""

    exit_code = ExitCode.NOTHING


def __getattr__(name: str):
    # ``Problem`` (a record, not an exception) lives in ``brief_cli.problem``: every command
    # imports this module, and a dataclass costs start-up time to create.
    if name == "Problem":
        from brief_cli.problem import Problem

        return Problem
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
