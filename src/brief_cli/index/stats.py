"""What ``brief index --stats`` reports (``Index.stats``): apart from ``schema`` so that a search,
which never asks, does not pay for creating the class.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class IndexStats:
    path: Path
    articles: int
    passages: int
    terms: int
    words: int
    files: int
    broken: int
    bytes: int
    built_at: str
    build_seconds: float
