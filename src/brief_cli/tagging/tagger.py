"""The tagger: the lexicon's matches turned into a passage's kind, sectors and actors."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Sequence

from brief_cli.tagging.actors import find_actors, tagged_actors
from brief_cli.tagging.explain import explain
from brief_cli.tagging.kind import KindDecision, KindReader
from brief_cli.tagging.lexicon import Lexicon
from brief_cli.tagging.results import Tags
from brief_cli.tagging.sectors import score_sectors, structure_hits
from brief_cli.taxonomy import Taxonomy


@dataclass(frozen=True)
class Analysis:
    """Everything the tagger worked out for one passage, for code that builds on it (a
    learned model blending its own sector scores with these, a reviewer's view).

    ``sector_scores`` has every sector with any evidence (tagged or not), best first;
    ``kind`` holds the kind decision with both scores and their evidence hits;
    ``tags.explanation`` gives the same in words, with character offsets.
    """

    tags: Tags
    words: int
    sector_scores: dict[str, float]
    kind: KindDecision


class Tagger:
    """Tags passages with the taxonomy's kinds, sectors and actors (compiled once)."""

    def __init__(self, taxonomy: Taxonomy, *, use_cache: bool = True):
        self.taxonomy = taxonomy
        self.lexicon = Lexicon(taxonomy, use_cache=use_cache)
        self.actor_types = {a.id: a.type for a in taxonomy.actors}

    def tag(self, text: str) -> Tags:
        """Tag one passage on its own."""
        return self.tag_passages([text])[0]

    def tag_passages(self, texts: Sequence[str]) -> list[Tags]:
        """Tag the passages of one document in reading order, using its structure.

        A passage that announces a list ("faces several challenges") and starts it ("First,
        ...") makes the following "Second, ...", "And third, ..." passages the same kind; a
        passage opened by "However," leans against the kind of the passage before it.
        """
        return [analysis.tags for analysis in self.analyse(texts)]

    def analyse(self, texts: Sequence[str]) -> list[Analysis]:
        """Like ``tag_passages``, with the per-sector scores and the kind decision."""
        with _collector_paused():
            return self._analyse(texts)

    def _analyse(self, texts: Sequence[str]) -> list[Analysis]:
        reader = KindReader()
        results: list[Analysis] = []
        for text in texts:
            state = reader.state()
            doc, sectors, actors, decision = self._read(text, reader)
            tags = Tags(
                kind=decision.kind,
                sectors=tuple([row[0] for row in sectors if row[2]]),
                actors=tagged_actors(actors),
                # The explanation is worked out again when asked for, from the text and what
                # the reader carried from the passages before: keeping every passage's tokens
                # and evidence alive until then would cost memory and collector time.
                _explain=partial(self._explain, text, state))
            results.append(Analysis(tags, len(doc.words),
                                    {row[0]: row[1] for row in sectors}, decision))
        return results

    def _read(self, text: str, reader: KindReader):
        lexicon = self.lexicon
        doc = lexicon.doc(text)
        sector_matches, kind_matches = lexicon.matches(doc)
        actors = find_actors(doc, lexicon.actor_names, lexicon.actor_first, lexicon.actor_kind)
        sectors = score_sectors(doc, sector_matches,
                                structure_hits(doc, actors, self.actor_types, sector_matches))
        return doc, sectors, actors, reader.read(doc, kind_matches)

    def _explain(self, text: str, state: tuple):
        doc, sectors, actors, decision = self._read(text, KindReader.restored(state))
        return explain(doc, decision, sectors, actors)


@contextmanager
def _collector_paused():
    """Tagging makes many small objects that live until the batch ends (each passage's words
    and evidence, kept for its explanation) and no reference cycles: the cyclic collector
    would walk them again and again for nothing (a third of the time on thousands of
    passages), so it waits until the batch is done."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
