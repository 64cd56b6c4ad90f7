"""Typo tolerance: unknown query words replaced by the nearest words of the index, and the
suggestions shown when nothing matched."""

from __future__ import annotations

from typing import TYPE_CHECKING

from brief_cli.index import Index
from brief_cli.query import TEXT_COLUMNS, Query, Term

if TYPE_CHECKING:
    from brief_cli.search.preparing import _Prepared

# Typo tolerance: the Damerau-Levenshtein distance allowed for a word of at least N letters.
TYPO_RULES = ((9, 2), (5, 1))
MAX_CORRECTIONS = 3  # vocabulary words searched in place of one unknown word


def allowed_distance(word: str) -> int:
    """The typo distance allowed for a query word: 0, 1 (5+ letters) or 2 (9+ letters)."""
    n = len(word)
    for letters, distance in TYPO_RULES:
        if n >= letters:
            return distance
    return 0


def _porter(word: str) -> str:
    """The Porter stem, as FTS5's porter tokenizer makes it (the same algorithm)."""
    global _PORTER
    if _PORTER is None:
        import snowballstemmer

        _PORTER = snowballstemmer.stemmer("porter")
    return _PORTER.stemWord(word)


_PORTER = None


def _in_vocabulary(index: Index, term: Term) -> bool:
    return index.con.execute("SELECT 1 FROM fts WHERE fts MATCH ? LIMIT 1",
                             (f"{TEXT_COLUMNS} : ({term.fts()})",)).fetchone() is not None


def _near_words(index: Index, word: str, max_distance: int, limit: int) -> list[str]:
    """Vocabulary words within max_distance of word, nearest then most frequent first."""
    if max_distance <= 0 or not word:
        return []
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

    con = index.con
    choices: list[str] = []
    for (joined,) in con.execute("SELECT words FROM word_lists WHERE len BETWEEN ? AND ?",
                                 (len(word) - max_distance, len(word) + max_distance)):
        choices += joined.split("\n")
    # Damerau-Levenshtein has no bit-parallel form in rapidfuzz; plain Levenshtein does and is
    # at most twice it (a transposition is two edits), so it narrows the field first.
    rough = process.extract(word, choices, scorer=Levenshtein.distance,
                            score_cutoff=2 * max_distance, limit=None)
    found = [(choice, DamerauLevenshtein.distance(word, choice)) for choice, _d, _i in rough]
    found = [f for f in found if f[1] <= max_distance]
    ranked = []
    for choice, dist in sorted(found, key=lambda f: (f[1], f[0]))[:50]:
        if choice == word:
            continue
        row = con.execute("SELECT n FROM words WHERE len = ? AND word = ?",
                          (len(choice), choice)).fetchone()
        ranked.append((dist, -(row[0] if row else 0), choice))
    ranked.sort()
    return [choice for _dist, _n, choice in ranked[:limit]]


def _fold(word: str) -> str:
    from brief_cli.text import fold

    return fold(word)


def _correct(index: Index, parsed: Query, prep: _Prepared) -> None:
    """Replace each unknown word (5+ letters) by the vocabulary words within reach."""
    for term in parsed.terms():
        if not term.is_word:
            continue
        # Letters are counted as typed: folding (a costly import) only matters for a word
        # that is not in the index.
        distance = allowed_distance(term.tokens[0])
        if distance == 0 or _in_vocabulary(index, term):
            continue
        word = _fold(term.tokens[0])
        near = _nearest_at_best_distance(index, word, distance)
        if near:
            prep.replace[term] = tuple(Term(w, (w,)) for w in near)
            prep.corrections[term.tokens[0]] = tuple(near)


def _nearest_at_best_distance(index: Index, word: str, distance: int) -> list[str]:
    """The nearest words, most frequent first, one per stem (words of one stem find the same
    passages; searching both would only cost time)."""
    from rapidfuzz.distance import DamerauLevenshtein

    near = _near_words(index, word, distance, 50)
    if not near:
        return []
    best = min(DamerauLevenshtein.distance(word, w) for w in near)
    out: list[str] = []
    stems: set[str] = set()
    for w in near:
        if DamerauLevenshtein.distance(word, w) == best and _porter(w) not in stems:
            stems.add(_porter(w))
            out.append(w)
    return out[:MAX_CORRECTIONS]


def _suggest(index: Index, parsed: Query) -> list[str]:
    """Nearest vocabulary words to the query's words (for "nothing found")."""
    out: list[str] = []
    for term in parsed.terms():
        if term.chinese:
            continue  # edit distance means nothing for Chinese characters
        for token in term.tokens:
            word = _fold(token)
            if len(word) < 3:
                continue
            for w in _near_words(index, word, max(2, len(word) // 2), 3):
                if w not in out:
                    out.append(w)
    return out[:5]
