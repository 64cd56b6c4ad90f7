"""Key sentences (continuous LexRank) and the gist of a passage; see ``brief_cli.summary``."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

from brief_cli.model import Passage
from brief_cli.summary.words import content_words, split_sentences
from brief_cli.taxonomy import Taxonomy
from brief_cli.lang import HAN_RE
from brief_cli.text import stem, words

DAMPING = 0.85
REDUNDANCY = 0.6  # a key sentence this similar (cosine) to a better one is left out
MIN_KEY_WORDS = 4  # content words a sentence needs to be a key sentence (when enough have them)

SECTOR_BONUS = 0.5  # gist score added when a sentence names the passage's sectors (all of them)


@dataclass(frozen=True)
class KeySentence:
    text: str
    uid: str  # the passage it comes from
    position: int  # sentence number in the text summarised, from 0
    rank: int  # 1 = most central
    score: float


def _vector(stems: Iterable[str], idf: dict[str, float]) -> dict[str, float]:
    tf = Counter(stems)
    return {t: n * idf.get(t, 1.0) for t, n in tf.items()}


def _norm(v: dict[str, float]) -> float:
    return math.sqrt(sum(x * x for x in v.values()))


def _cosine(a: dict[str, float], b: dict[str, float], na: float, nb: float) -> float:
    if not na or not nb:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b[t] for t, x in a.items() if t in b) / (na * nb)


def _idf(docs: Sequence[Iterable[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency over docs (each an iterable of stems)."""
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(d))
    n = len(docs)
    return {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}


def similarities(vectors: Sequence[dict[str, float]]) -> list[dict[int, float]]:
    """Cosine similarity of every pair of vectors that share a term, as sparse rows.

    Dot products are summed through an index of terms, so pairs with nothing in common cost
    nothing (most pairs, in a long text).
    """
    n = len(vectors)
    norms = [_norm(v) for v in vectors]
    postings: dict[str, list[tuple[int, float]]] = {}
    for i, v in enumerate(vectors):
        for t, w in v.items():
            postings.setdefault(t, []).append((i, w))
    dots: list[dict[int, float]] = [{} for _ in range(n)]
    for plist in postings.values():
        for a, (i, wi) in enumerate(plist):
            row = dots[i]
            for j, wj in plist[a + 1:]:
                row[j] = row.get(j, 0.0) + wi * wj
    sim: list[dict[int, float]] = [{} for _ in range(n)]
    for i, row in enumerate(dots):
        for j in sorted(row):
            value = row[j] / (norms[i] * norms[j])
            sim[i][j] = sim[j][i] = value
    return [dict(sorted(r.items())) for r in sim]


def lexrank(vectors: Sequence[dict[str, float]], *, damping: float = DAMPING,
            tolerance: float = 1e-10, max_iterations: int = 500) -> list[float]:
    """Continuous LexRank scores (they sum to 1) of sentences given as TF-IDF vectors.

    The power method on the row-normalised cosine graph with damping; a sentence that shares
    no word with any other spreads its score evenly, as in PageRank.
    """
    n = len(vectors)
    if n == 0:
        return []
    sim = similarities(vectors)
    rows = [sum(r.values()) for r in sim]
    scores = [1.0 / n] * n
    base = (1.0 - damping) / n
    for _ in range(max_iterations):
        dangling = sum(scores[i] for i in range(n) if rows[i] == 0.0) / n
        new = [base + damping * dangling] * n
        for i in range(n):
            if rows[i] == 0.0:
                continue
            share = damping * scores[i] / rows[i]
            for j, w in sim[i].items():
                new[j] += share * w
        delta = sum(abs(a - b) for a, b in zip(new, scores))
        scores = new
        if delta < tolerance:
            break
    return scores


@dataclass(frozen=True)
class _Sentence:
    text: str
    passage: Passage
    stems: tuple[str, ...]


def _sentences(passages: Iterable[Passage]) -> list[_Sentence]:
    out = []
    for p in passages:
        for s in split_sentences(p.text):
            out.append(_Sentence(s, p, tuple(t for t, _ in content_words(s))))
    return out


def key_sentences(passages: Sequence[Passage], n: int = 5) -> tuple[KeySentence, ...]:
    """The n most central sentences of the passages (LexRank), in reading order.

    A sentence too similar to a better-ranked one is skipped, so the list does not repeat
    itself; very short sentences are only chosen when there are not enough longer ones.
    """
    if n <= 0:
        return ()
    sents = _sentences(passages)
    if not sents:
        return ()
    idf = _idf([s.stems for s in sents])
    vectors = [_vector(s.stems, idf) for s in sents]
    scores = lexrank(vectors)
    norms = [_norm(v) for v in vectors]
    order = sorted(range(len(sents)), key=lambda i: (-round(scores[i], 12), i))
    long_enough = [i for i in order if len(sents[i].stems) >= MIN_KEY_WORDS]
    if len(long_enough) >= n:
        rest = set(long_enough)
        order = long_enough + [i for i in order if i not in rest]
    chosen: list[int] = []
    for i in order:
        if not sents[i].stems and len(sents) > n:
            continue
        if any(_cosine(vectors[i], vectors[j], norms[i], norms[j]) > REDUNDANCY for j in chosen):
            continue
        chosen.append(i)
        if len(chosen) == n:
            break
    rank = {i: r + 1 for r, i in enumerate(chosen)}
    return tuple(KeySentence(sents[i].text, sents[i].passage.uid, i, rank[i], scores[i])
                 for i in sorted(chosen))


def sector_keywords(taxonomy: Taxonomy, sector_id: str) -> tuple[tuple[str, ...], ...]:
    """The sector's keywords, label and aliases as stem sequences, for matching in sentences."""
    sector = taxonomy.sector(sector_id)
    if sector is None:
        return ()
    phrases = (sector.label, *sector.keywords, *sector.aliases)
    return tuple(dict.fromkeys(t for t in (tuple(stem(w) for w in words(k)) for k in phrases)
                               if t))


def _names(stems: Sequence[str], phrase: tuple[str, ...], sentence: str = "") -> bool:
    if phrase and HAN_RE.match(phrase[0]):  # Chinese: the characters anywhere in the sentence
        return "".join(phrase) in sentence
    n = len(phrase)
    return any(tuple(stems[i:i + n]) == phrase for i in range(len(stems) - n + 1))


def gist(passage: Passage, idf: dict[str, float] | None = None,
         keywords: Sequence[tuple[tuple[str, ...], ...]] = ()) -> str:
    """The sentence that best represents the passage.

    Its score is the cosine between the sentence and the whole passage, plus a bonus for naming
    the passage's sectors (``keywords``: the stemmed keywords of each sector in tag order, see
    ``sector_keywords``; the first, main sector weighs most), so a gist says what the passage
    was tagged for. Ties: the earliest.
    """
    sents = split_sentences(passage.text)
    if len(sents) <= 1:
        return sents[0] if sents else ""
    stems = [[t for t, _ in content_words(s)] for s in sents]
    idf = idf if idf is not None else _idf(stems)
    whole = _vector([t for ss in stems for t in ss], idf)
    nw = _norm(whole)
    weights = [1.0 / (n + 1) for n in range(len(keywords))]
    weight_sum = sum(w for w, k in zip(weights, keywords) if k)
    best, best_score = 0, -1.0
    for i, ss in enumerate(stems):
        v = _vector(ss, idf)
        score = _cosine(v, whole, _norm(v), nw)
        if weight_sum:
            every = [stem(w) for w in words(sents[i])]
            named = sum(w for w, k in zip(weights, keywords)
                        if k and any(_names(every, phrase, sents[i]) for phrase in k))
            score += SECTOR_BONUS * named / weight_sum
        score = round(score, 12)
        if score > best_score:
            best, best_score = i, score
    return sents[best]
