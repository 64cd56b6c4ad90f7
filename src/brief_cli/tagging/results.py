"""What the tagger returns: tags, and the evidence and scores behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of evidence: the words as written, where they are, what they matched, weight."""

    text: str
    start: int
    end: int
    matched: str  # the keyword, cue or name of the taxonomy it matched
    weight: float
    note: str = ""  # why the weight is what it is: "alias", "negated", "conceded (despite)"...


@dataclass(frozen=True, slots=True)
class SectorScore:
    sector: str
    score: float
    tagged: bool
    evidence: tuple[Evidence, ...]
    reason: str = ""  # why it was or was not tagged


@dataclass(frozen=True, slots=True)
class KindScore:
    kind: str
    score: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class ActorMention:
    actor: str
    evidence: tuple[Evidence, ...]
    tagged: bool = True
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a passage got its tags, including the candidates that fell under a threshold."""

    kind_rule: str
    kinds: tuple[KindScore, ...]  # challenge and opportunity, with their evidence
    sectors: tuple[SectorScore, ...]  # every sector with evidence, best first
    actors: tuple[ActorMention, ...]  # every actor mentioned, in order of first mention
    thresholds: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Tags:
    """A passage's tags; ``explanation`` says why (worked out when first asked for)."""

    kind: str
    sectors: tuple[str, ...]
    actors: tuple[str, ...]
    _explain: Callable[[], Explanation] = field(repr=False, compare=False, default=None)

    @cached_property
    def explanation(self) -> Explanation:
        return self._explain()


# A hit before it becomes Evidence: (first word, end word, matched, weight, note).
Hit = tuple

