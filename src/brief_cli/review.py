"""The review loop without its screen: a queue of passages, decisions, undo.

The queue comes from the search index (it holds every passage with its article's metadata), so
a review opens without parsing the corpus YAML. Each decision goes straight to the article's
file through ``passage_edit`` (only that passage's tag fields change, atomically; a passage
changed on disk meanwhile is refused, never overwritten). Undo writes the previous tags back
the same way. The terminal app (``brief_cli.tui``) is a thin screen over this class.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from brief_cli.errors import NothingFound
from brief_cli.filters import Filters
from brief_cli.passage_edit import EditResult, Tagging, edit_passage
from brief_cli.search import Hit
from brief_cli.taxonomy import Taxonomy

ORDERS = ("uncertain", "corpus")


@dataclass
class Decision:
    """A decision written to disk, kept for undo."""

    uid: str
    position: int
    before: Tagging
    after: Tagging
    result: EditResult


@dataclass
class ReviewSession:
    """The queue and what was decided. ``taxonomy`` is loaded on first use (tagging needs it)."""

    root: Path
    index: object  # an open brief_cli.index.Index
    items: list[int]  # the queue, as index rowids (passages are fetched when shown)
    get_taxonomy: Callable[[], Taxonomy]
    total_unreviewed: int = 0
    position: int = 0
    tags: dict[str, Tagging] = field(default_factory=dict)  # current tags, after decisions
    history: list[Decision] = field(default_factory=list)
    reviewed_now: set[str] = field(default_factory=set)
    seconds: list[float] = field(default_factory=list)  # time spent on each decision
    _shown_at: float = field(default_factory=time.monotonic)
    _paths: dict[str, Path] = field(default_factory=dict)
    _explained: dict[str, object] = field(default_factory=dict)
    _uncertainty: dict[str, float] = field(default_factory=dict)
    _hits: dict[int, Hit] = field(default_factory=dict)
    learned_from: int = 0  # reviews the suggesting model learned from (0: the plain tagger)

    def hits(self, rowids: list[int]) -> list[Hit]:
        """The passages of these rowids (fetched from the index once, in pages)."""
        from brief_cli.search import passages_by_rowid

        missing = [r for r in rowids if r not in self._hits]
        if missing:
            if len(self._hits) > 20_000:
                self._hits.clear()
            for hit in passages_by_rowid(self.index, missing):
                self._hits[hit.rowid] = hit
        return [self._hits[r] for r in rowids if r in self._hits]

    def hit(self, position: int) -> Hit | None:
        if not 0 <= position < len(self.items):
            return None
        rowid = self.items[position]
        if rowid not in self._hits:  # fetch a page around it: moving on is instant
            self.hits(self.items[max(0, position - 5):position + 45])
        return self._hits.get(rowid)

    # the queue ------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.items)

    @property
    def current(self) -> Hit | None:
        return self.hit(self.position)

    def tagging(self, hit: Hit) -> Tagging:
        return self.tags.get(hit.uid) or Tagging(hit.kind, hit.sectors, hit.actors, hit.reviewed)

    def suggestion(self, hit: Hit) -> Tagging | None:
        """The tags to suggest for an unreviewed passage where a model learned from the
        corpus's reviews says otherwise than its file: the model's kind and sectors (actors as
        in the file). None when the passage is reviewed, no such model is in use, it agrees
        with the file, or the passage is not tagged yet (that happens in the background)."""
        saved = self.tagging(hit)
        tags = self._explained.get(hit.uid)
        if saved.reviewed or tags is None or not self.learned_from:
            return None
        if tags.kind == saved.kind and set(tags.sectors) == set(saved.sectors):
            return None
        sectors = tuple(s for s in saved.sectors if s in tags.sectors) + tuple(
            s for s in tags.sectors if s not in saved.sectors)
        return Tagging(tags.kind, sectors, saved.actors, False)

    def suggested(self, hit: Hit) -> Tagging:
        """What the screen offers to accept: the learned suggestion, else the file's tags."""
        return self.suggestion(hit) or self.tagging(hit)

    def move(self, step: int) -> bool:
        new = self.position + step
        if not 0 <= new < len(self.items):
            return False
        self.position = new
        self._shown_at = time.monotonic()
        return True

    def jump(self, position: int) -> None:
        self.position = max(0, min(position, len(self.items) - 1))
        self._shown_at = time.monotonic()

    def find(self, words: str, start: int | None = None) -> int | None:
        """The next passage (after ``start``, wrapping round) whose text, title or id holds
        every word (case-insensitive)."""
        wanted = [w.casefold() for w in words.split()]
        if not wanted or not self.items:
            return None
        start = self.position if start is None else start
        n = len(self.items)
        order = [(start + step) % n for step in range(1, n + 1)]
        for page in range(0, n, 500):
            positions = order[page:page + 500]
            for pos, hit in zip(positions, self.hits([self.items[p] for p in positions])):
                hay = f"{hit.text} {hit.title} {hit.uid}".casefold()
                if all(w in hay for w in wanted):
                    return pos
        return None

    @property
    def done(self) -> int:
        return len(self.reviewed_now)

    def seconds_per_passage(self) -> float | None:
        recent = self.seconds[-20:]
        return sum(recent) / len(recent) if recent else None

    # context ---------------------------------------------------------------------------------
    def path_of(self, hit: Hit) -> Path:
        if hit.article_id not in self._paths:
            row = self.index.con.execute("SELECT file FROM articles WHERE id = ?",
                                         (hit.article_id,)).fetchone()
            self._paths[hit.article_id] = self.root / row[0] if row else \
                self.root / f"{hit.article_id}.yaml"
        return self._paths[hit.article_id]

    def neighbours(self, hit: Hit) -> tuple[Hit | None, Hit | None]:
        from brief_cli.search import neighbours

        before, after = neighbours(self.index, hit, 1)
        return (before[-1] if before else None), (after[0] if after else None)

    def article_texts(self, hit: Hit) -> list[str]:
        rows = self.index.con.execute(
            "SELECT f.text FROM passages p JOIN fts f ON f.rowid = p.rowid "
            "WHERE p.article = ? ORDER BY p.rowid", (hit.article_rowid,)).fetchall()
        return [r[0] for r in rows]

    def explain(self, hit: Hit):
        """The tagger's Tags (with ``.explanation``) for the passage, tagged in its article."""
        if hit.uid not in self._explained:
            from brief_cli.tagging import Tagger

            texts = self.article_texts(hit)
            tagger = _tagger(self.get_taxonomy(), self.root)
            model = getattr(tagger, "model", None)  # a LearnedTagger's
            self.learned_from = model.reviews if model is not None else 0
            tags = tagger.tag_passages(texts)
            for other, t in zip(_article_uids(self.index, hit), tags):
                self._explained[other] = t
        return self._explained.get(hit.uid)

    # decisions -------------------------------------------------------------------------------
    def decide(self, hit: Hit, after: Tagging) -> EditResult:
        """Write the passage's tags (``after``); raise EditConflict / FileProblem on failure."""
        before = self.tagging(hit)
        result = edit_passage(self.path_of(hit), hit.passage_id, self.get_taxonomy(),
                              kind=after.kind, sectors=after.sectors, actors=after.actors,
                              reviewed=after.reviewed, expect=before)
        self.tags[hit.uid] = result.after
        if result.changed:
            self.history.append(Decision(hit.uid, self.items.index(hit.rowid), before,
                                         result.after, result))
        if result.after.reviewed:
            self.reviewed_now.add(hit.uid)
        self.seconds.append(time.monotonic() - self._shown_at)
        return result

    def undo(self) -> Decision | None:
        """Write back the tags from before the last decision; returns it (None: nothing)."""
        if not self.history:
            return None
        last = self.history[-1]
        hit = self.hit(last.position)
        edit_passage(self.path_of(hit), hit.passage_id, self.get_taxonomy(), kind=last.before.kind,
                     sectors=last.before.sectors, actors=last.before.actors,
                     reviewed=last.before.reviewed, expect=last.after)
        self.history.pop()
        self.tags[hit.uid] = last.before
        if not last.before.reviewed:
            self.reviewed_now.discard(hit.uid)
        self.jump(last.position)
        return last

    # ordering --------------------------------------------------------------------------------
    def uncertainty(self, hit: Hit) -> float:
        """How unsure the tagger is about this passage: higher is less sure (0 to 1)."""
        if hit.uid not in self._uncertainty:
            tags = self.explain(hit)
            self._uncertainty[hit.uid] = uncertainty_of(tags) if tags is not None else 0.0
        return self._uncertainty[hit.uid]

    def order_rest(self, scores: dict[int, float]) -> None:
        """Most uncertain first (scores by rowid), for the passages after the current one."""
        head, rest = self.items[:self.position + 1], self.items[self.position + 1:]
        rest.sort(key=lambda r: -scores.get(r, 0.0))
        self.items = head + rest


_TAGGERS: dict[int, object] = {}


def _tagger(taxonomy: Taxonomy, root: Path | None = None):
    from brief_cli.learning import tagger_for_folder
    from brief_cli.tagging import Tagger

    key = (id(taxonomy), str(root))
    if key not in _TAGGERS:
        _TAGGERS.clear()
        # learned from the corpus's reviews (as they were when the session began), if enough
        _TAGGERS[key] = tagger_for_folder(root, taxonomy, Tagger(taxonomy))
    return _TAGGERS[key]


def _article_uids(index, hit: Hit) -> list[str]:
    rows = index.con.execute("SELECT pid FROM passages WHERE article = ? ORDER BY rowid",
                             (hit.article_rowid,)).fetchall()
    return [f"{hit.article_id}#{r[0]}" for r in rows]


def uncertainty_of(tags) -> float:
    """Closeness of the tagger's decisions to its thresholds, as one number in [0, 1].

    The kind: how close challenge and opportunity evidence are (when there is any); each sector
    with evidence: how close its score is to the minimum it needed. The closest call counts.
    """
    try:
        ex = tags.explanation
        margins = []
        scores = sorted((k.score for k in ex.kinds), reverse=True)
        if scores and scores[0] > 0:
            margins.append(abs(scores[0] - (scores[1] if len(scores) > 1 else 0.0)))
        minimum = float(ex.thresholds.get("sector_min_score", 1.0))
        for s in ex.sectors:
            margins.append(abs(s.score - minimum))
    except Exception:  # a tagger without explanations: no opinion
        return 0.0
    if not margins:
        return 0.0
    # the closest call counts most; more close calls make a passage less sure still
    closeness = [math.exp(-2.0 * m) for m in margins]
    return round(0.7 * max(closeness) + 0.3 * sum(closeness) / len(closeness), 4)


def rank_by_uncertainty(session: ReviewSession, rowids: list[int], stop=lambda: False,
                        progress=lambda done, total: None) -> dict[int, float]:
    """Uncertainty of each passage, by rowid (``stop`` is asked between pages)."""
    scores: dict[int, float] = {}
    for page in range(0, len(rowids), 100):
        if stop():
            break
        for hit in session.hits(rowids[page:page + 100]):
            scores[hit.rowid] = session.uncertainty(hit)
        progress(len(scores), len(rowids))
    return scores


def open_session(root: Path, index, get_taxonomy: Callable[[], Taxonomy], filter_taxonomy,
                 query: str = "", filters: Filters = Filters(), *, include_reviewed: bool = False,
                 ) -> ReviewSession:
    """The review queue: unreviewed passages (all with ``include_reviewed``) matching the query
    and filters, in corpus order (or ranked by the query). NothingFound when there are none."""
    from brief_cli.search import matching_rowids

    con = index.con
    if query.strip() or filters:
        rowids = matching_rowids(index, query, filters, taxonomy=filter_taxonomy)
    else:
        rowids = [r[0] for r in con.execute("SELECT rowid FROM passages ORDER BY rowid")]
    reviewed = {r[0] for r in con.execute("SELECT rowid FROM passages WHERE reviewed")}
    unreviewed = sum(1 for r in rowids if r not in reviewed)
    if not include_reviewed:
        rowids = [r for r in rowids if r not in reviewed]
    if not rowids:
        raise NothingFound(
            "no passage to review" + (" matches" if query or filters else ""),
            hint="every passage is reviewed; use --all to revisit them" if unreviewed == 0
            and not include_reviewed else "widen the filters")
    return ReviewSession(root=root, index=index, items=rowids, get_taxonomy=get_taxonomy,
                         total_unreviewed=unreviewed)
