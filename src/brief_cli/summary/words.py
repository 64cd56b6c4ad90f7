"""Content words of passages: sentences, stems without stop words, Chinese words."""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from brief_cli.lang import HAN_RE, has_han
from brief_cli.text import STOP_WORDS, fold, stem, words
from brief_cli.text import split_sentences as _split_english

# Words too common in policy prose to tell texts apart, on top of the shared stop words.
EXTRA_STOP_WORDS = frozenset("""
two three four five six seven eight nine ten first second third fourth fifth like including
year years percent per cent mln bn
""".split())


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage: the Chinese splitter (。！？；…) for Chinese text."""
    if has_han(text):
        from brief_cli.lang import is_chinese

        if is_chinese(text):
            from brief_cli.lang.zh import split_sentences as split_chinese

            return split_chinese(text)
    return _split_english(text)


def content_words(text: str) -> list[tuple[str, str]]:
    """(stem, word) for every word that carries meaning: no stop words, numbers or letters.

    Chinese text is cut into words by the segmenter (the word is its own stem); Chinese stop
    words and single characters, mostly function words, are left out."""
    out = []
    tokens = words(text) if not has_han(text) else _chinese_words(text)
    for w in tokens:
        s = _content_stem(w)
        if s is not None:
            out.append((s, w))
    return out


def _chinese_words(text: str) -> list[str]:
    from brief_cli.lang.segment import cut

    return cut(text)


@lru_cache(maxsize=200_000)
def _content_stem(word: str) -> str | None:
    """The stem of a word that carries meaning, else None (cached: words repeat a lot)."""
    if len(word) < 2 or word[0].isdigit():
        return None
    if HAN_RE.match(word):
        from brief_cli.lang.zh import STOP_WORDS as CHINESE_STOP_WORDS

        if word in CHINESE_STOP_WORDS or any(c.isdigit() for c in word):
            return None
        return word
    base = fold(word).replace("\u2019", "'").removesuffix("'s")
    if base in STOP_WORDS or base in EXTRA_STOP_WORDS:
        return None
    s = stem(word)
    if len(s) < 2 or s in STOP_WORDS:
        return None
    return s


def content_stems(words: Iterable[str]) -> list[str | None]:
    """``_content_stem`` of each word, for many distinct words at once (compare counts tens of
    thousands): plain ASCII words take a short path and go through the stemmer as one list;
    any other word takes the word-by-word path."""
    from brief_cli.text import _stemmer

    words = list(words)
    out: list[str | None] = [None] * len(words)
    places: list[int] = []
    bases: list[str] = []
    for i, word in enumerate(words):
        if len(word) < 2 or word[0].isdigit():
            continue
        if not word.isascii():
            out[i] = _content_stem(word)
            continue
        base = word.lower().removesuffix("'s")  # fold() of an ASCII word is its lower case
        if base in STOP_WORDS or base in EXTRA_STOP_WORDS:
            continue
        places.append(i)
        bases.append(base)
    for i, s in zip(places, _stemmer().stemWords(bases)):
        if len(s) >= 2 and s not in STOP_WORDS:
            out[i] = s
    return out
