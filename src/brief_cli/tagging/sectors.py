"""Sector scores: how strongly a passage is about each sector, and which sectors it is tagged.

A multi-word keyword or an alias counts more than a single word, each distinct keyword counts
more than its repeats, a keyword shared by several sectors is split between them, keywords
inside names count half and in attributions not at all. A sector is tagged only when its score
passes a minimum that grows with the passage's length and a share of the passage's strongest
sector (``decide``: a blended or learned score can go through the same decision).
"""

from __future__ import annotations

from brief_cli.tagging.lexicon import Match
from brief_cli.tagging.results import Hit
from brief_cli.tagging.tokens import Doc
from brief_cli.text import stem as _stem

# Tuning knobs, named so the explanation can quote them.
# A sector needs a score of 1 in a short passage (one keyword names its topic) rising to 2 at
# 105 words and more, where one passing word is incidental: it takes two, or a phrase and a word.
SECTOR_MIN_SCORE = 1.0
SECTOR_MAX_MIN_SCORE = 2.0
SECTOR_SCORE_PER_WORD = 1 / 80  # added to the minimum for each word beyond 25
NAME_FACTOR = 0.5  # a keyword inside a capitalised name ("Hainan University", "Silk Road")
SECTOR_MIN_SHARE = 0.25  # of the passage's strongest sector: incidental mentions drop out
ATTRIBUTION_FACTOR = 0.0
_ATTRIBUTION = frozenset(("said", "says", "told", "according", "argued", "added", "noted",
                          "wrote", "explained", "stated", "claimed", "insisted", "remarked"))
# Words that open a clause describing a speaker: "a professor at", "the director of", "who ..."
_DESCRIBES = frozenset("a an the who whose which one former senior chief head director "
                       "professor spokesperson spokesman spokeswoman analyst".split())

# A sector's row: (id, score, tagged, why not: "minimum" | "share" | "", hits)
SectorRow = tuple


def min_sector_score(words: int) -> float:
    """The score a sector needs in a passage of that many words."""
    return min(SECTOR_MAX_MIN_SCORE,
               SECTOR_MIN_SCORE + max(0, words - 25) * SECTOR_SCORE_PER_WORD)


def decide(scores: dict[str, float], words: int) -> dict[str, str]:
    """For each sector score, "" when tagged, else why not ("minimum" or "share")."""
    if not scores:
        return {}
    minimum = min_sector_score(words)
    share = SECTOR_MIN_SHARE * max(scores.values())
    return {sector: "minimum" if score < minimum else "share" if score < share else ""
            for sector, score in scores.items()}


def score_sectors(doc: Doc, matches: list[Match], extra: dict[str, list[Hit]] | None = None
                  ) -> list[SectorRow]:
    """Every sector with evidence, best first: (id, score, tagged, why not, hits). ``extra``
    adds evidence found otherwise (diplomacy from the passage's structure)."""
    per: dict[str, list[Hit]] = {k: list(v) for k, v in extra.items()} if extra else {}
    words = doc.words
    n = len(words)
    for i, j, entries, note in matches:
        factor = 1.0
        if words[i][0].isupper() and not words[i].isupper() and (
                (i > 0 and words[i - 1][0].isupper()) or (j < n and words[j][0].isupper())):
            factor = NAME_FACTOR
            note = (note + ", " if note else "") + "in a name"
        for e in entries:
            if not e.target:
                continue  # an idiom that names no sector ("road map")
            per.setdefault(e.target, []).append(
                (i, j, e.matched, e.weight * factor, e.note + ", " + note if note and e.note
                 else e.note or note))
    if not per:
        return []
    if not _ATTRIBUTION.isdisjoint(doc.lower):
        per = _discount_attribution(doc, per)
    scores = []
    for sector, hits in per.items():
        if len(hits) == 1:
            scores.append((sector, hits[0][3], hits))
            continue
        seen: dict[str, int] = {}
        counted = []
        total = 0.0
        for hit in hits:
            repeat = seen.get(hit[2], 0)
            seen[hit[2]] = repeat + 1
            if repeat == 0:
                total += hit[3]
                counted.append(hit)
            else:
                # A repeated keyword adds a little; distinct keywords add fully.
                weight = hit[3] * 0.25 / repeat
                total += weight
                counted.append((hit[0], hit[1], hit[2], weight,
                                (hit[4] + ", " if hit[4] else "") + "repeat"))
        scores.append((sector, total, counted))
    why = decide({sector: score for sector, score, _ in scores}, n)
    out = [(sector, score, not why[sector], why[sector], hits)
           for sector, score, hits in scores]
    if len(out) > 1:
        out.sort(key=lambda row: (-row[1], row[0]))
    return out


def _discount_attribution(doc: Doc, per: dict[str, list[Hit]]) -> dict[str, list[Hit]]:
    """Keywords in an attribution ("..., said Ann Lee, a professor at the university") describe
    the speaker, not the topic: from a clause-opening "said"/"according to" to the end of its
    clause, and on through the clauses that describe the speaker ("a professor at ..."), they do
    not count; so does a description before the verb ("Ann Lee, a professor at ..., told").
    A clause that goes on with the topic (", or have trade deficits") counts again."""
    lower = doc.lower
    clause = doc.clause
    sentence = doc.sentence
    n = len(lower)
    marked: set[int] = set()
    for k in [k for k, w in enumerate(lower) if w in _ATTRIBUTION]:
        if k > 0 and clause[k - 1] == clause[k] and not (
                k > 1 and clause[k - 2] != clause[k]):
            continue  # "the minister said that ...": the report itself, not an attribution
        if lower[k] == "according" and not (k + 1 < n and lower[k + 1] == "to"):
            continue
        j = k
        while j < n and sentence[j] == sentence[k]:
            if clause[j] != clause[j - 1] and j > k and lower[j] not in _DESCRIBES:
                break  # the sentence goes on with its topic
            marked.add(j)
            j += 1
        # "Luke Patey, a senior researcher at the institute ..., told VOA"
        start = k
        while start > 0 and clause[start - 1] == clause[k]:
            start -= 1
        before = start - 1
        if before > 0 and sentence[before] == sentence[k]:
            first = before
            while first > 0 and clause[first - 1] == clause[before]:
                first -= 1
            if lower[first] in ("a", "an", "the", "who") and first > 0 \
                    and doc.words[first - 1][:1].isupper():
                marked.update(range(first, before + 1))
    if not marked:
        return per
    out: dict[str, list[Hit]] = {}
    for sector, hits in per.items():
        out[sector] = [
            (i, j, matched, round(weight * ATTRIBUTION_FACTOR, 3),
             (note + ", " if note else "") + "in an attribution") if i in marked
            else (i, j, matched, weight, note)
            for i, j, matched, weight, note in hits]
    return out


# Diplomacy from structure: states (or an international organisation) and a word of relation
# between them, "Kazakhstan calls for a peaceful resolution ... around the Iranian nuclear
# programme", "China welcomes the progress made in reforming the United Nations".
DIPLOMACY = "diplomacy"
STRUCTURE_WEIGHT = 1.0
_RELATION_STEMS = frozenset(_stem(w) for w in """
relation relationship ties tie agreement agree talks
visit meet met meeting summit dialogue negotiate negotiation support welcome welcomes urge call
calls sign signed accord alliance ally engage engagement presence influence rivalry tension
dispute pressure sanction condemn recognise recognize friendship jointly mutual bilateral
multilateral counterpart delegation host invite mediate resolution treaty pledge commit
commitment assist assistance aid donor represent reform proposal propose initiative
intervention interference sovereignty neighbour neighbor neighbouring neighboring ambition
diplomatic solidarity stance position peaceful conflict war dominance grievance""".split())


def structure_hits(doc: Doc, actors, actor_types: dict[str, str], matches: list[Match] = ()
                   ) -> dict[str, list[Hit]]:
    """Diplomacy evidence from two or more states, or an international organisation, named
    with a word of relation or action (weight ``STRUCTURE_WEIGHT``). "Cooperation in energy"
    is about energy: cooperation, partners and joint work are not relation words here; and a
    relation word that is already a diplomacy keyword ("ties") does not count twice."""
    keyword_at = {i for i, _j, entries, _n in matches
                  if any(e.target == DIPLOMACY for e in entries)}
    counted = [(actor, hits) for actor, hits in actors if any(h[3] > 0 for h in hits)]
    if not counted:
        return {}
    countries = [a for a, _ in counted if actor_types.get(a) == "country"]
    organisations = [a for a, _ in counted if actor_types.get(a) != "country"]
    if len(countries) < 2 and not organisations:
        return {}
    stems = doc.stems
    for k, st in enumerate(stems):
        if st in _RELATION_STEMS and k not in keyword_at:
            names = ", ".join(a for a, _ in counted[:3])
            return {DIPLOMACY: [(k, k + 1, f"{doc.words[k]} ({names})", STRUCTURE_WEIGHT,
                                 "structure: states or an international organisation "
                                 "and a word of relation")]}
    return {}
