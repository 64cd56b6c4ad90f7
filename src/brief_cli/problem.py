"""One problem found in a corpus or taxonomy file (also importable from ``brief_cli.errors``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem found in a corpus or taxonomy file."""

    path: Path | None
    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    severity: str = "error"  # "error" skips the article; "warning" only matters under --strict

    @property
    def location(self) -> str:
        if self.path is None:
            return "<input>"
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text
