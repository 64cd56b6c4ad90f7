"""What ``brief search --count`` returns: hits per article and per sector (``search.count``).

Apart from ``brief_cli.search`` so that a plain search does not pay for creating it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from brief_cli.filters import Filters


@dataclass(frozen=True)
class Counts:
    total: int
    articles: tuple[tuple[str, str, int], ...]  # (article id, title, hits)
    sectors: tuple[tuple[str, int], ...]  # (sector id or "(none)", hits)
    filters: Filters
    corrections: dict[str, tuple[str, ...]] = field(default_factory=dict)
    searched: str = ""
