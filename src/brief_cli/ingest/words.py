"""Which words are real: the article's own vocabulary, and a dictionary when one is installed.

Two repairs need it: undoing hyphenation at a line end ('inter-\\nnational' -> 'international',
but 'well-thought-\\nout' stays), and joining the words that PDF text extraction splits at an
'fl', 'fi' or 'ff' ligature ('f low', 'inf luential', 'signif icant', 'ef fective').

The dictionary is wordfreq's English word list (word frequencies from Wikipedia, subtitles,
news, books, the web...), installed with the ``words`` extra. A word counts as real when it is
used at least about 30 times in a billion words (Zipf 1.5): common enough to leave out OCR and
extraction debris ('signif', 'luential'), rare enough to keep 'multilateralism'. Without the
extra, the article's own words decide alone.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

WORDS_HINT = "install the words extra for a dictionary: pip install 'brief-cli[words]'"
# From a word's start only: '\S*' tried at every character made this quadratic in word length.
_SPLIT_AT_LINE_END = re.compile(r"(?<!\S)\S*-\n\s*\S*")
REAL = 1.5  # Zipf: log10 of uses per billion words
COMMON = 2.5


@lru_cache(maxsize=1)
def dictionary() -> dict[str, float] | None:
    """wordfreq's English frequencies (word -> share of all words), loaded once; None when
    wordfreq is not installed."""
    table = _read_word_list()
    if table is not None:
        return table
    try:
        import wordfreq
    except ImportError:
        return None
    return wordfreq.get_frequency_dict("en", wordlist="large")


def _read_word_list() -> dict[str, float] | None:
    """``wordfreq.get_frequency_dict("en", wordlist="large")``, read from wordfreq's data file
    without importing wordfreq (the import alone costs more than reading the list, in every
    worker process of a batch); None when the file is not where wordfreq 3 keeps it, or not
    in its format (then wordfreq itself is asked)."""
    import gzip
    from importlib.util import find_spec
    from pathlib import Path

    try:
        spec = find_spec("wordfreq")
        if spec is None or not spec.submodule_search_locations:
            return None
        import msgpack  # wordfreq's own dependency

        path = Path(list(spec.submodule_search_locations)[0]) / "data" / "large_en.msgpack.gz"
        with gzip.open(path, "rb") as stream:
            data = msgpack.unpackb(stream.read(), raw=False)
    except Exception:  # not installed as expected, unreadable: wordfreq knows best
        return None
    if (not isinstance(data, list) or not data or not isinstance(data[0], dict)
            or data[0].get("format") != "cB" or data[0].get("version") != 1):
        return None
    table: dict[str, float] = {}
    for index, bucket in enumerate(data[1:]):
        # wordfreq.cB_to_freq(-index), the same float; a word in two bands takes the last
        table.update(dict.fromkeys(bucket, 10 ** (-index / 100)))
    return table


def zipf(word: str) -> float:
    """How common a word is on the Zipf scale (0: unknown; 3: once a million words)."""
    import math

    table = dictionary()
    freq = table.get(word.lower()) if table else None
    return math.log10(freq) + 9 if freq else 0.0


def _is_word_char(char: str) -> bool:
    """Whether ``char`` is what ``\\w`` matches: alphanumeric (``str.isalnum``) or '_'."""
    return char.isalnum() or char == "_"


def _whole_word_in(word: str, text: str) -> bool:
    """``re.search(r"(?<!\\w)WORD(?!\\w)", text)``, without compiling a pattern per word (a
    search for a fixed string runs in C; the compiled patterns cost more than the search)."""
    if not word:
        return bool(re.search(r"(?<!\w)(?!\w)", text))
    at = text.find(word)
    size = len(word)
    while at >= 0:
        if ((at == 0 or not _is_word_char(text[at - 1]))
                and (at + size == len(text) or not _is_word_char(text[at + size]))):
            return True
        at = text.find(word, at + 1)
    return False


class Vocabulary:
    """The words of one text (as written within lines), and its hyphenated compounds.

    Asked about a handful of words per text, it searches the text for each rather than
    building the set of all its words (which cost more than the rest of the repairs)."""

    def __init__(self, text: str):
        self._text = text
        self._inner: str | None = None
        self._seen: dict[str, bool] = {}
        self.used_dictionary = False
        self.missed_dictionary = False  # a decision wanted the dictionary, which is missing

    def _written(self, word: str) -> bool:
        """Whether the text writes ``word`` (lower case) whole, within a line."""
        found = self._seen.get(word)
        if found is None:
            if self._inner is None:
                # Words as split across lines are not whole words: look only inside lines.
                self._inner = _SPLIT_AT_LINE_END.sub(" ", self._text).lower()
            found = _whole_word_in(word, self._inner)
            self._seen[word] = found
        return found

    def in_text(self, word: str) -> bool:
        return self._written(word.lower())

    def has_compound(self, pair: str) -> bool:
        """Whether the text writes 'head-tail' (lower case) with its hyphen, within a line."""
        return "-" in pair and self._written(pair)

    def real(self, word: str, level: float = REAL) -> bool | None:
        """Whether the dictionary knows the word (None when there is no dictionary)."""
        if dictionary() is None:
            self.missed_dictionary = True
            return None
        self.used_dictionary = True
        return zipf(word) >= level


_COMPOUND_LEFT = frozenset(
    "self non ex so well long short high low middle follow decision state post pro anti counter "
    "cross all half full large small far wide world two three four five one first second third "
    "top mid twenty thirty forty fifty sixty seventy eighty ninety multi co vice".split())


def keep_hyphen(head: str, tail: str, vocabulary: Vocabulary) -> bool:
    """Whether 'head-' at a line end followed by 'tail' is a hyphenated compound (kept as
    written) rather than one word broken in two. Joined only when the joined word is real and
    the hyphenated form is not known."""
    pair = f"{head}-{tail}".lower()
    joined = (head + tail).lower()
    if vocabulary.has_compound(pair):
        return True  # written with a hyphen elsewhere in the text
    if vocabulary.in_text(joined):
        return False  # written as one word elsewhere in the text
    if head.lower() in _COMPOUND_LEFT:
        return True  # 'long-term', 'self-reliance', 'co-sponsor'
    real = vocabulary.real(joined)
    if real is not None:
        return not real  # 'thoughtout' is no word: 'well-thought-out' stays
    # No dictionary: two words of the text make a compound; anything else is one word.
    return vocabulary.in_text(head) and vocabulary.in_text(tail) and len(tail) > 2


_LIGATURE_SPLIT = re.compile(r"\b([A-Za-z]*f) ([fil][a-z]+)\b")


def repair_ligatures(text: str, vocabulary: Vocabulary,
                     on_repair: Callable[[str, str], None] | None = None) -> str:
    """Join the words PDF text extraction split after an 'f' ('f low', 'inf luential',
    'signif icant', 'ef fective'): when the joined word is real and one of the parts is not."""
    if not ("f f" in text or "f i" in text or "f l" in text) or not _LIGATURE_SPLIT.search(text):
        return text  # (the split always holds one of the three: most paragraphs hold none)

    def part_real(part: str) -> bool:
        if len(part) == 1:
            return part.lower() in ("a", "i")
        return bool(vocabulary.real(part, 2.0))

    def fix(m: re.Match) -> str:
        left, right = m.group(1), m.group(2)
        joined = left + right
        real = vocabulary.real(joined, COMMON)
        if real is None:  # no dictionary: only a word the text also writes whole
            ok = vocabulary.in_text(joined)
        elif part_real(left) and part_real(right):
            ok = False  # 'of life', 'wolf in': two words (tested first: no text scan)
        else:
            ok = real or vocabulary.in_text(joined)
        if ok:
            if on_repair is not None:
                on_repair(m.group(), joined)
            return joined
        return m.group()

    return _LIGATURE_SPLIT.sub(fix, text)
