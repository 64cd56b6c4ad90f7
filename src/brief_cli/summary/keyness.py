"""Distinctive terms: Dunning's log-likelihood against a reference, tf-idf without one."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from brief_cli.analysis.stats import log_likelihood as _g2  # Dunning's G2, shared with compare
from brief_cli.summary.words import content_words

METHOD_LL = "log-likelihood"
METHOD_TFIDF = "tf-idf"


@dataclass(frozen=True)
class Term:
    term: str  # the most frequent spelling in the target text
    stem: str
    count: int  # occurrences in the target
    reference_count: int  # occurrences in the reference (0 under tf-idf)
    score: float  # G2, or the tf-idf weight


@dataclass(frozen=True)
class Terms:
    method: str  # METHOD_LL or METHOD_TFIDF
    terms: tuple[Term, ...]
    note: str  # what the terms were measured against, in words


def _spelling(forms: Counter[str]) -> str:
    """The most frequent spelling; on a tie the lowercase one, then alphabetical."""
    return min(forms.items(), key=lambda kv: (-kv[1], not kv[0].islower(), kv[0]))[0]


@dataclass
class _Counts:
    """Stem counts of a set of passages, with their document frequencies."""

    tokens: Counter
    df: Counter
    docs: int = 0

    @classmethod
    def empty(cls) -> _Counts:
        return cls(Counter(), Counter())

    def add(self, stems: list[str]) -> None:
        self.docs += 1
        self.tokens.update(stems)
        self.df.update(set(stems))

    @property
    def total(self) -> int:
        return sum(self.tokens.values())


class _Spellings:
    """How each stem is written: (stem, word) pairs counted, the spelling chosen on demand."""

    def __init__(self) -> None:
        self.pairs: Counter[tuple[str, str]] = Counter()
        self._by_stem: dict[str, Counter[str]] | None = None

    def add(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs.update(pairs)
        self._by_stem = None

    def __getitem__(self, stem_: str) -> str:
        if self._by_stem is None:
            self._by_stem = {}
            for (s, w), n in self.pairs.items():
                self._by_stem.setdefault(s, Counter())[w] += n
        return _spelling(self._by_stem[stem_])


def _min_count(tokens: Counter, limit: int) -> int:
    """Count a term needs: 2 when enough terms repeat, else 1 (small texts)."""
    return 2 if sum(1 for n in tokens.values() if n >= 2) >= limit else 1


def _keyness(target: _Counts, spellings: _Spellings, reference: Counter, limit: int, what: str,
             missing: str = "nothing to compare with", *, within: bool = False) -> Terms:
    """Log-likelihood keyness of target against reference.

    ``within``: the reference counts include the target's own (a corpus total), so the
    target is taken out of them first.
    """
    c = target.total
    d = sum(reference.values()) - (c if within else 0)
    if c == 0:
        return Terms(METHOD_LL, (), "no words to compare")
    if d == 0:
        return _tfidf(target, spellings, limit, missing)
    floor = _min_count(target.tokens, limit)
    scored = []
    for s, a in target.tokens.items():
        b = reference.get(s, 0) - (a if within else 0)
        if a < floor or a / c <= b / d:
            continue
        scored.append(Term(spellings[s], s, a, b, _g2(a, b, c, d)))
    scored.sort(key=lambda t: (-round(t.score, 9), -t.count, t.term.casefold(), t.stem))
    return Terms(METHOD_LL, tuple(scored[:limit]),
                 f"log-likelihood against {what} ({d:,} words)")


def _tfidf(target: _Counts, spellings: _Spellings, limit: int, why: str) -> Terms:
    n = target.docs
    scored = []
    floor = _min_count(target.tokens, limit)
    for s, a in target.tokens.items():
        if a < floor:
            continue
        weight = a * (math.log((1 + n) / (1 + target.df[s])) + 1.0)
        scored.append(Term(spellings[s], s, a, 0, weight))
    scored.sort(key=lambda t: (-round(t.score, 9), -t.count, t.term.casefold(), t.stem))
    return Terms(METHOD_TFIDF, tuple(scored[:limit]),
                 f"{why}: ranked by tf-idf across these passages instead")


def distinctive_terms(target: Iterable[str], reference: Iterable[str], limit: int = 10, *,
                      what: str = "the rest of the corpus",
                      missing: str = "nothing to compare with") -> Terms:
    """Terms of the target texts used more than in the reference texts (log-likelihood).

    With no reference words at all, falls back to tf-idf within the target (see module doc).
    """
    t = _Counts.empty()
    spellings = _Spellings()
    for text in target:
        pairs = content_words(text)
        t.add([s for s, _ in pairs])
        spellings.add(pairs)
    ref: Counter[str] = Counter()
    for text in reference:
        ref.update([s for s, _ in content_words(text)])
    return _keyness(t, spellings, ref, limit, what, missing)
