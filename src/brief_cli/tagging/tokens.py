"""A passage as the tagger sees it: words with their stems, sentence ends and clause marks.

Tokenising is the one step that depends on how a language writes words. The default
tokeniser splits space-separated text (English and the like) with one regular expression; a
language written without spaces (Chinese) plugs in its own with ``register_tokeniser``, and
the lexicon, the sector scores, the kind rules and the explanation work on its words alike.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Protocol

WORD_RE = re.compile(r"\w+(?:'\w+)*")
# Words, sentence ends (not the dots of "3.5" or "U.S.-China") and clause marks, in one pass.
TOKEN_RE = re.compile(
    r"\w+(?:'\w+)*|[.!?]+(?=[\s\"')\]\u201d\u2019]|$)|[,;:()\u2014\u2013]|\s-\s")
MARK_FIRST = frozenset(".!?,;:()\u2014\u2013 \t\n\r\f\v\xa0")  # first character of a mark
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'"})


class Tokeniser(Protocol):
    """Splits a (normalised) passage into tokens: words, and marks whose first character is
    in ``MARK_FIRST`` (".", "!", "?" end a sentence; ",", ";", ":", dashes, brackets end a
    clause). ``spans`` gives the character span of each word token, in order."""

    def tokens(self, text: str) -> list[str]: ...

    def spans(self, text: str) -> list[tuple[int, int]]: ...


class SpacedTokeniser:
    """Words between spaces and punctuation: English and other space-separated languages."""

    name = "spaced"

    def tokens(self, text: str) -> list[str]:
        # What TOKEN_RE.findall(text) gives, for less: no token but " - " spans white space,
        # so the text is cut at white space (in C) and only chunks holding more than letters
        # and digits go through the expression (a chunk of them alone is one word). A chunk
        # "-" stands where " - " may be a token: such a text takes the expression whole.
        chunks = text.split()
        if "-" in chunks:
            return TOKEN_RE.findall(text)
        out: list[str] = []
        findall = TOKEN_RE.findall
        for chunk in chunks:
            if chunk.isalnum():
                out.append(chunk)
            else:
                out.extend(findall(chunk))
        return out

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in WORD_RE.finditer(text)]


DEFAULT_TOKENISER = SpacedTokeniser()
_TOKENISERS: list[tuple[Callable[[str], bool], Tokeniser]] = []


def register_tokeniser(applies: Callable[[str], bool], tokeniser: Tokeniser) -> None:
    """Use ``tokeniser`` for the texts (passages and taxonomy phrases) where ``applies(text)``
    is true; ``applies`` is called on every passage, so it should be cheap (check
    ``text.isascii()`` first). Later registrations are tried first."""
    _TOKENISERS.insert(0, (applies, tokeniser))


def tokeniser_for(text: str) -> Tokeniser:
    for applies, tokeniser in _TOKENISERS:
        if applies(text):
            return tokeniser
    return DEFAULT_TOKENISER


def words(text: str) -> list[str]:
    """The word tokens of a (normalised) text, by the tokeniser for that text."""
    tokeniser = tokeniser_for(text)
    if tokeniser is DEFAULT_TOKENISER:
        return WORD_RE.findall(text)
    return [t for t in tokeniser.tokens(text) if t[0] not in MARK_FIRST]


def normalise(text: str) -> str:
    """Typographic apostrophes made plain, so that "China’s" is "China's"."""
    if text.isascii():
        return text
    for typographic in _APOSTROPHES:
        if chr(typographic) in text:
            text = text.replace(chr(typographic), "'")
    return text


def fold_accents(text: str) -> str:
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


class Doc:
    """A passage as tokens: words with their stems; positions and clauses worked out on demand."""

    __slots__ = ("text", "tokens", "words", "lower", "stems", "tokeniser", "_spans",
                 "_sentence", "_clause", "_starts")

    def __init__(self, text: str, tokens: list[str], words: list[str],
                 stems: list[str], tokeniser: Tokeniser = DEFAULT_TOKENISER):
        self.text = text
        self.tokens = tokens  # words, sentence ends and clause marks, in order
        self.words = words  # as written, typographic apostrophes normalised
        self.lower = list(map(str.lower, words))
        self.stems = stems
        self.tokeniser = tokeniser
        self._spans: list[tuple[int, int]] | None = None
        self._sentence: list[int] | None = None
        self._clause: list[int] | None = None
        self._starts: list[int] | None = None

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Character span of each word."""
        if self._spans is None:
            self._spans = self.tokeniser.spans(self.text)
        return self._spans

    def _structure(self) -> None:
        marks = [(k, t[0] in ".!?") for k, t in enumerate(self.tokens) if t[0] in MARK_FIRST]
        sentence: list[int] = []
        clause: list[int] = []
        starts = [0]
        s = c = last = 0
        for count, (k, end) in enumerate(marks):
            at = k - count  # words before this mark
            if at > last:
                sentence.extend([s] * (at - last))
                clause.extend([c] * (at - last))
                last = at
            c += 1
            if end and starts[-1] != at:
                s += 1
                starts.append(at)
        n = len(self.words)
        if n > last:
            sentence.extend([s] * (n - last))
            clause.extend([c] * (n - last))
        if starts[-1] == n and len(starts) > 1:
            starts.pop()
        self._sentence, self._clause, self._starts = sentence, clause, starts

    @property
    def sentence(self) -> list[int]:
        """Sentence number of each word."""
        if self._sentence is None:
            self._structure()
        return self._sentence

    @property
    def clause(self) -> list[int]:
        """Clause number of each word (commas, semicolons, colons, dashes end a clause)."""
        if self._clause is None:
            self._structure()
        return self._clause

    @property
    def sentence_starts(self) -> list[int]:
        if self._starts is None:
            self._structure()
        return self._starts

    def same_clause(self, a: int, b: int) -> bool:
        return self.clause[a] == self.clause[b]
