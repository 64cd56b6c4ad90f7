"""Explanations: why a passage got its tags, in words and with character offsets.

Worked out only when asked for (``Tags.explanation``, ``brief tag --explain``), from the
passage's tokens and the hits the tagger kept.
"""

from __future__ import annotations

from typing import Iterable

from brief_cli.tagging.kind import (
    KIND_MIN_MARGIN, KIND_MIN_SCORE, KIND_MIN_SHARE_MARGIN, STRONG_CUE, KindDecision, other,
)
from brief_cli.tagging.results import (
    ActorMention, Evidence, Explanation, Hit, KindScore, SectorScore,
)
from brief_cli.tagging.sectors import SECTOR_MIN_SHARE, min_sector_score
from brief_cli.tagging.tokens import Doc


def _evidence(doc: Doc, hits: Iterable[Hit]) -> tuple[Evidence, ...]:
    spans = doc.spans
    out = []
    for i, j, matched, weight, note in hits:
        start, end = spans[i][0], spans[j - 1][1]
        out.append(Evidence(doc.text[start:end], start, end, matched, round(weight, 3), note))
    return tuple(out)


def _kind_rule(kind: str, rule: str, hint: str, ch: float, op: float) -> str:
    """The kind decision in words."""
    if rule == "none":
        text = f"no kind cue reaches {KIND_MIN_SCORE:g} (challenge {ch:.3g}, opportunity {op:.3g})"
    elif rule == "weak":
        stronger = "challenge" if ch > op else "opportunity"
        text = (f"{stronger} {max(ch, op):.3g} rests on weak cues only (none ≥ {STRONG_CUE:g} "
                f"that carries a judgement): context")
    elif rule == "mixed":
        margin = max(KIND_MIN_MARGIN, KIND_MIN_SHARE_MARGIN * max(ch, op))
        text = (f"challenge {ch:.3g} and opportunity {op:.3g} are within {margin:.3g}: "
                f"mixed, so context")
    else:
        high, low = (ch, op) if kind == "challenge" else (op, ch)
        text = f"{kind} {high:.3g} over {other(kind)} {low:.3g}"
        return text + f"; {hint}" if hint else text
    return text + f" ({hint})" if hint else text


def explain(doc: Doc, decision: KindDecision, sectors, actors) -> Explanation:
    """The explanation of one passage's tags from the tagger's working."""
    scores = (decision.challenge, decision.opportunity)
    evidence = decision.evidence
    rule = _kind_rule(decision.kind, decision.rule, decision.hint, *scores)
    kinds = (KindScore("challenge", round(scores[0], 3), _evidence(doc, evidence["challenge"])),
             KindScore("opportunity", round(scores[1], 3),
                       _evidence(doc, evidence["opportunity"])))
    n = len(doc.words)
    minimum = min_sector_score(n)
    top = max((row[1] for row in sectors), default=0.0)
    sector_scores = []
    for sector, score, tagged, why, hits in sectors:
        if why == "minimum":
            reason = f"score {score:.3g} < minimum {minimum:.3g} for {n} words"
        elif why == "share":
            reason = f"score {score:.3g} < {SECTOR_MIN_SHARE:g} × top score {top:.3g}"
        else:
            reason = f"score {score:.3g} ≥ minimum {minimum:.3g} for {n} words"
        sector_scores.append(SectorScore(sector, round(score, 3), tagged, _evidence(doc, hits),
                                         reason))
    sector_scores = tuple(sector_scores)
    mentions = []
    for actor, hits in actors:
        tagged = any(h[3] > 0 for h in hits)
        mentions.append(ActorMention(actor, _evidence(doc, hits), tagged,
                                     "" if tagged else hits[0][4]))
    return Explanation(
        kind_rule=rule, kinds=kinds, sectors=sector_scores, actors=tuple(mentions),
        thresholds={"sector_min_score": round(min_sector_score(len(doc.words)), 3),
                    "sector_min_share": SECTOR_MIN_SHARE,
                    "kind_min_score": KIND_MIN_SCORE, "kind_min_margin": KIND_MIN_MARGIN,
                    "kind_min_share_margin": KIND_MIN_SHARE_MARGIN})

