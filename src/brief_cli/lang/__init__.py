"""Which language a text is written in, and the character classes that tell.

Only what the rest of the tool needs to choose a path: ``zh`` for text written mostly in Chinese
characters, ``ja``/``ko`` when kana or hangul show it is not Chinese, and ``en`` otherwise (the
tool's English path handles any Latin-script text). Detection looks at the characters
themselves, never at a header: a Chinese article saved with an English header ("Source:",
"Date:") is still Chinese.

Importing this module is cheap; the Chinese segmenter lives in ``brief_cli.lang.segment`` and is
loaded only when Chinese text has to be cut into words.
"""

from __future__ import annotations

import re

# CJK Unified Ideographs and their extensions, plus the compatibility block. (Chinese
# punctuation is not here: it is punctuation, not a word character.)
HAN_RANGES = (
    "\u3400-\u4dbf"  # Extension A
    "\u4e00-\u9fff"  # Unified Ideographs
    "\uf900-\ufaff"  # Compatibility Ideographs
    "\U00020000-\U0002ebef"  # Extensions B-F (and I)
    "\U00030000-\U000323af"  # Extensions G-H
)


class LazyPattern:
    """A regular expression compiled on first use: classes of large Unicode ranges take
    milliseconds to compile, which every command would pay at start-up."""

    __slots__ = ("_source", "_compiled")

    def __init__(self, source: str | bytes):
        self._source = source
        self._compiled: re.Pattern | None = None

    def _get(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = re.compile(self._source)
        return self._compiled

    def search(self, *args):
        return self._get().search(*args)

    def match(self, *args):
        return self._get().match(*args)

    def fullmatch(self, *args):
        return self._get().fullmatch(*args)

    def findall(self, *args):
        return self._get().findall(*args)

    def finditer(self, *args):
        return self._get().finditer(*args)

    def sub(self, *args):
        return self._get().sub(*args)


HAN_RE = LazyPattern(f"[{HAN_RANGES}]")
HAN_RUN_RE = LazyPattern(f"[{HAN_RANGES}]+")
_KANA_RE = LazyPattern("[\u3040-\u30ff\u31f0-\u31ff]")
_HANGUL_RE = LazyPattern("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_LATIN_RE = LazyPattern(r"[A-Za-z\u00c0-\u024f]")

# Share of Chinese characters among letters above which a text is Chinese. A Chinese article
# quotes English names and numbers; an English article quotes a Chinese name now and then.
ZH_SHARE = 0.5
SAMPLE_CHARS = 20000


# UTF-8 lead bytes of U+3000 and above (three and four bytes): every Chinese character's is.
_HIGH_BYTES = LazyPattern(rb"[\xe3-\xf4]")


def has_han(text: str) -> bool:
    """Whether the text holds at least one Chinese character (ASCII text costs nothing)."""
    if text.isascii():
        return False
    # Latin text with curly quotes, dashes or accents (most real news and speeches) is told
    # by its UTF-8 bytes, without the large character class (milliseconds to compile): 6 µs for
    # 800 characters, where max(text) took 20.
    return (_HIGH_BYTES.search(text.encode("utf-8", "surrogatepass")) is not None
            and HAN_RE.search(text) is not None)


def is_han(ch: str) -> bool:
    """Whether one character is a Chinese character."""
    return HAN_RE.match(ch) is not None


def detect_language(text: str) -> str:
    """``zh``, ``ja``, ``ko`` or ``en`` from the characters of the text (a sample of it)."""
    sample = text[:SAMPLE_CHARS]
    han = len(HAN_RE.findall(sample))
    if not han:
        return "ko" if len(_HANGUL_RE.findall(sample)) >= 5 else "en"
    kana = len(_KANA_RE.findall(sample))
    hangul = len(_HANGUL_RE.findall(sample))
    latin = len(_LATIN_RE.findall(sample))
    # Japanese always mixes kana into its kanji; a few per hundred is enough to tell.
    if kana >= max(5, 0.05 * han):
        return "ja"
    if hangul > han:
        return "ko"
    # A Latin letter carries about a quarter of what a Chinese character does (a word of five
    # letters against a word of one or two characters), so letters are weighted down.
    if han / (han + latin / 4) >= ZH_SHARE:
        return "zh"
    return "en"


def is_chinese(text: str) -> bool:
    return detect_language(text) == "zh"
