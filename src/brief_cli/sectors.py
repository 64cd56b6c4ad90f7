"""Where the challenges and opportunities lie: counts of passages by sector and kind.

Every function takes a ``Selection`` (from ``selection.select_passages``), so the filters and
query mean the same thing here as in search. A passage may carry several sectors, so it counts
once for each of them; a sector's ``share`` is the fraction of the selected passages it tags
(shares add up to more than 1 when passages have several sectors).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from brief_cli.errors import UsageError
from brief_cli.model import KINDS
from brief_cli.selection import Selected, Selection
from brief_cli.taxonomy import Sector, Taxonomy

SORT_KEYS = ("passages", "challenges", "opportunities", "context", "articles", "share",
             "id", "label")
_KIND_FIELD = {"challenge": "challenges", "opportunity": "opportunities", "context": "context"}


@dataclass(frozen=True)
class SectorCount:
    """One sector's counts among the selected passages."""

    id: str
    label: str
    passages: int
    challenges: int
    opportunities: int
    context: int
    articles: int
    share: float  # passages / selected passages

    def by_kind(self, kind: str) -> int:
        return getattr(self, _KIND_FIELD[kind])


@dataclass(frozen=True)
class SectorTable:
    """Counts for every sector (or only those with passages), in the requested order."""

    rows: tuple[SectorCount, ...]
    total_passages: int  # passages selected
    untagged: int  # selected passages with no sector at all
    hidden: int  # sectors left out because no selected passage carries them


@dataclass(frozen=True)
class Matrix:
    """A table of counts: ``values[i][j]`` for row ``rows[i]`` and column ``columns[j]``."""

    kind: str  # "kind" (sector x kind) or "cooccurrence" (sector x sector)
    rows: tuple[str, ...]
    row_labels: tuple[str, ...]
    columns: tuple[str, ...]
    values: tuple[tuple[int, ...], ...]
    total_passages: int
    # Selected passages by column (kind matrix: passages of each kind, each counted once even
    # when it has several sectors, so not the column sums).
    passages_by_column: tuple[int, ...] = ()

    @property
    def max_value(self) -> int:
        """The largest cell, leaving out the diagonal of a co-occurrence matrix."""
        best = 0
        for i, row in enumerate(self.values):
            for j, v in enumerate(row):
                if self.kind == "cooccurrence" and self.rows[i] == self.columns[j]:
                    continue
                best = max(best, v)
        return best


@dataclass(frozen=True)
class SectorDetail:
    """One sector: its taxonomy entry and the selected passages that carry it, by kind."""

    sector: Sector
    groups: tuple[tuple[str, tuple[Selected, ...]], ...]  # (kind, passages) for every kind
    articles: int
    related: tuple[tuple[str, int], ...]  # sectors found in the same passages, most first
    total_passages: int  # passages selected overall (the sector's share is against this)

    @property
    def passages(self) -> int:
        return sum(len(items) for _, items in self.groups)

    def count(self, kind: str) -> int:
        return next((len(items) for k, items in self.groups if k == kind), 0)


def _known(taxonomy: Taxonomy, sector_id: str) -> bool:
    return taxonomy.sector(sector_id) is not None


def _label(taxonomy: Taxonomy, sector_id: str) -> str:
    sector = taxonomy.sector(sector_id)
    return sector.label if sector else sector_id


def _sector_order(taxonomy: Taxonomy, extra: list[str]) -> list[str]:
    """Taxonomy order, then any sector a corpus file names that the taxonomy lacks."""
    return taxonomy.sector_ids + sorted(s for s in set(extra) if not _known(taxonomy, s))


def sector_counts(selection: Selection, taxonomy: Taxonomy, *, sort: str = "passages",
                  include_empty: bool = False) -> SectorTable:
    """Counts by sector of the selected passages, sorted by ``sort`` (numbers: most first).

    Ties are broken by passages (most first), then by id, so every run gives the same order.
    """
    if sort not in SORT_KEYS:
        raise UsageError(f"cannot sort by {sort!r}", hint="choose one of " + ", ".join(SORT_KEYS))
    kinds: dict[str, Counter[str]] = {}
    articles: dict[str, set[str]] = {}
    untagged = 0
    for item in selection.items:
        p = item.passage
        if not p.sectors:
            untagged += 1
        for s in dict.fromkeys(p.sectors):
            kinds.setdefault(s, Counter())[p.kind] += 1
            articles.setdefault(s, set()).add(p.article_id)
    total = len(selection.items)
    rows = []
    hidden = 0
    for sid in _sector_order(taxonomy, list(kinds)):
        c = kinds.get(sid, Counter())
        n = sum(c.values())
        if n == 0 and not include_empty:
            hidden += 1
            continue
        rows.append(SectorCount(
            id=sid, label=_label(taxonomy, sid), passages=n, challenges=c["challenge"],
            opportunities=c["opportunity"], context=c["context"],
            articles=len(articles.get(sid, ())), share=n / total if total else 0.0))
    if sort in ("id", "label"):
        rows.sort(key=lambda r: (getattr(r, sort).casefold(), r.id))
    else:
        rows.sort(key=lambda r: (-getattr(r, sort), -r.passages, r.id))
    return SectorTable(tuple(rows), total, untagged, hidden)


def kind_matrix(selection: Selection, taxonomy: Taxonomy, *,
                include_empty: bool = False) -> Matrix:
    """Sector x kind crosstab; rows sorted by passages (most first), then id."""
    table = sector_counts(selection, taxonomy, include_empty=include_empty)
    kinds = Counter(item.passage.kind for item in selection.items)
    return Matrix(
        kind="kind",
        rows=tuple(r.id for r in table.rows),
        row_labels=tuple(r.label for r in table.rows),
        columns=KINDS,
        values=tuple(tuple(r.by_kind(k) for k in KINDS) for r in table.rows),
        total_passages=table.total_passages,
        passages_by_column=tuple(kinds.get(k, 0) for k in KINDS),
    )


def cooccurrence(selection: Selection, taxonomy: Taxonomy, *,
                 include_empty: bool = False) -> Matrix:
    """Sector x sector: how many selected passages carry both sectors.

    The diagonal holds each sector's own passage count. Rows and columns are in the same
    order: by passages (most first), then id.
    """
    table = sector_counts(selection, taxonomy, include_empty=include_empty)
    ids = [r.id for r in table.rows]
    index = {sid: i for i, sid in enumerate(ids)}
    counts = [[0] * len(ids) for _ in ids]
    for item in selection.items:
        present = [index[s] for s in dict.fromkeys(item.passage.sectors) if s in index]
        for i in present:
            for j in present:
                counts[i][j] += 1
    return Matrix(
        kind="cooccurrence",
        rows=tuple(ids),
        row_labels=tuple(r.label for r in table.rows),
        columns=tuple(ids),
        values=tuple(tuple(row) for row in counts),
        total_passages=table.total_passages,
    )


def sector_detail(selection: Selection, taxonomy: Taxonomy, sector: str) -> SectorDetail:
    """The sector named by id or label (UnknownIdError with the closest ids otherwise)."""
    sid = taxonomy.require_sector(sector)
    chosen = [item for item in selection.items if sid in item.passage.sectors]
    groups = tuple((k, tuple(i for i in chosen if i.passage.kind == k)) for k in KINDS)
    related: Counter[str] = Counter()
    for item in chosen:
        related.update(s for s in dict.fromkeys(item.passage.sectors) if s != sid)
    ranked = tuple(sorted(related.items(), key=lambda kv: (-kv[1], kv[0])))
    return SectorDetail(
        sector=taxonomy.sector(sid),  # type: ignore[arg-type]
        groups=groups,
        articles=len({i.passage.article_id for i in chosen}),
        related=ranked,
        total_passages=len(selection.items),
    )
