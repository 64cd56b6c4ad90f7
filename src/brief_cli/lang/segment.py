"""Chinese word segmentation, and the forms of a passage the search index holds.

The segmenter is rjieba, the Python binding of jieba-rs (a Rust port of jieba, the most used
Chinese segmenter): the same dictionary and results as jieba, maintained, with prebuilt wheels,
its dictionary built into the binary (no download at run time), and about 0.2 s to load
against about 1 s for the pure-Python jieba. It is imported the first time Chinese text must be
cut, never at start-up: an English-only corpus never loads it.

The index holds each passage twice (see ``brief_cli.index``):
- ``index_text``: the passage with an invisible separator (U+2063) between Chinese words, so
  SQLite's unicode61 tokenizer sees words; English parts are left exactly as they were.
- ``char_text``: one token per Chinese character, every other character a barrier token or a
  space, so a query's characters can be found as a phrase wherever the segmenter cut the text
  differently (``一带一路`` inside ``共建“一带一路”``).
Both keep a one-to-one map to the passage's characters once the separators are dropped, which
is how highlights land on the right characters.
"""

from __future__ import annotations

from functools import lru_cache

from brief_cli.lang import HAN_RE, HAN_RUN_RE, has_han, is_han
from brief_cli.lang.script import simplified

# Written between words in the indexed text: an invisible separator (Unicode category Cf),
# which the unicode61 tokenizer treats as white space. It is dropped again before display.
SEP = "\u2063"
# Stands for any character but a Chinese one or a space in the character column: a token that
# no query can produce, so a phrase of characters never matches across punctuation.
BARRIER = "\ue010"

# Bumped whenever segmentation changes (dictionary words below, the segmenter): the search
# index records it and rebuilds when it differs.
SEGMENTER_VERSION = "rjieba-1"


def index_version() -> str:
    """What the index's Chinese columns depend on: the segmenter, and whether traditional
    characters are folded to simplified (OpenCC installed)."""
    from brief_cli.lang.script import available

    return SEGMENTER_VERSION + ("+t2s" if available() else "")

# Policy vocabulary the stock dictionary cuts in pieces ("一带一路" -> 一带 / 一路). As whole
# words they are found as words and counted as terms.
EXTRA_WORDS = (
    "一带一路", "新质生产力", "中欧班列", "上合组织", "上海合作组织", "人类命运共同体",
    "中国式现代化", "高质量发展", "丝绸之路经济带", "21世纪海上丝绸之路", "共建国家",
    "碳达峰", "碳中和", "数字经济", "自贸区", "自由贸易试验区", "亚投行", "金砖国家",
    "全球发展倡议", "全球安全倡议", "全球文明倡议", "互利共赢", "互联互通", "新能源汽车",
    "人工智能", "大数据", "云计算", "跨境电商", "产业链", "供应链", "绿色低碳",
)


@lru_cache(maxsize=1)
def _segmenter():
    """The loaded segmenter's cut function (text -> list of (word, start, end))."""
    try:
        import rjieba
    except ImportError:  # pragma: no cover - rjieba is a dependency; be useful without it
        return _by_characters
    for word in EXTRA_WORDS:
        rjieba.add_word(word, 20000, None)
    return rjieba.tokenize


def _by_characters(text: str) -> list[tuple[str, int, int]]:
    """Every Chinese character a word, other runs kept whole (used only without rjieba)."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    for m in HAN_RUN_RE.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], pos, m.start()))
        out.extend((text[i], i, i + 1) for i in range(m.start(), m.end()))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], pos, len(text)))
    return out


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) for every segment of a text, punctuation and spaces included."""
    if not text:
        return []
    return [(w, s, e) for w, s, e in _segmenter()(text)]


def cut(text: str) -> list[str]:
    """The Chinese words of a text and its other word tokens, in order (no punctuation)."""
    from brief_cli.text import WORD_RE

    out: list[str] = []
    for word, _s, _e in tokenize(text):
        if HAN_RE.search(word):
            out.append(word)
        else:
            out.extend(WORD_RE.findall(word))
    return out


def index_text(text: str, han: bool | None = None) -> str:
    """The passage as the index's word column holds it: SEP between Chinese words.

    Text without a Chinese character comes back unchanged (and costs one regex search);
    ``han``: whether it has one, when the caller knows."""
    if not (has_han(text) if han is None else han):
        return text
    text = text.replace(SEP, "")
    parts: list[str] = []
    prev_end = 0
    for _word, start, end in tokenize(text):
        if start and start == prev_end and (is_han(text[start - 1]) or is_han(text[start])):
            parts.append(SEP)
        parts.append(text[start:end])
        prev_end = end
    return "".join(parts)


def char_text(text: str, han: bool | None = None) -> str:
    """The passage as the index's character column holds it ("" without Chinese); ``han``:
    whether the text has a Chinese character, when the caller knows."""
    if not (has_han(text) if han is None else han):
        return ""
    text = text.replace(SEP, "")
    out: list[str] = []
    last = len(text) - 1
    for i, ch in enumerate(text):
        if is_han(ch):
            out.append(simplified(ch) + SEP)
        elif ch.isspace():
            out.append(" ")
        elif i < last and is_han(text[i + 1]):
            out.append(BARRIER + SEP)  # the barrier is a token character too
        else:
            out.append(BARRIER)
    return "".join(out)


def query_chars(token: str) -> list[str]:
    """A query token's characters as the character column holds them (simplified)."""
    return [simplified(c) for c in token]


def display_text(indexed: str) -> str:
    """The passage back from its indexed form."""
    return indexed.replace(SEP, "") if SEP in indexed else indexed


# Query tokens known to be words of the index being searched (see ``known_words``).
_KNOWN: set[str] = set()


def known_words(words) -> None:
    """Tell ``query_words`` which query tokens the index holds as words: the segmenter cut
    them so in the passages, so they are searched as such without loading it (a Chinese query
    of one word then costs no segmenter start-up)."""
    _KNOWN.update(words)


def query_words(token: str) -> list[str]:
    """A query token cut the way the index cut the passages (``一带一路`` -> its words)."""
    if not has_han(token) or token in _KNOWN:
        return [token]
    return cut(token) or [token]
