"""The tagger's tokeniser for Chinese (registered with ``tokens.register_tokeniser``).

Each Chinese character is one token, so a taxonomy term (compiled with this same tokeniser)
matches wherever its characters stand together: 风电 inside 海上风电场, 一带一路 inside
共建“一带一路”, whatever a word segmenter would have made of the text around it. Latin words
and numbers in the passage are tokens as the English tokeniser makes them; Chinese sentence
ends (。！？…) and clause marks (，、；：（）) become the marks the kind rules read.

Bilateral short forms name both countries: 中哈 stands for 中国 and 哈萨克斯坦, so its tokens
are the characters of both names (each pointing at the character it came from).
"""

from __future__ import annotations

import re

from brief_cli.lang import HAN_RE, has_han, is_han
from brief_cli.tagging.tokens import TOKEN_RE, WORD_RE

# Chinese punctuation -> the mark the tagger reads ("." ends a sentence, others a clause).
_MARKS = {"。": ".", "！": "!", "？": "?", "…": ".", "；": ";", "，": ",", "、": ",",
          "：": ":", "（": "(", "）": ")", "—": "\u2014"}

# 中X: China and country X. Left out where the pair is also a common word or ambiguous
# (中亚 Central Asia, 中东 Middle East, 中美洲, 中欧 also Central Europe, 中巴, 中乌).
BILATERAL = {
    "中哈": ("中国", "哈萨克斯坦"), "中俄": ("中国", "俄罗斯"), "中美": ("中国", "美国"),
    "中日": ("中国", "日本"), "中韩": ("中国", "韩国"), "中印": ("中国", "印度"),
    "中吉": ("中国", "吉尔吉斯斯坦"), "中塔": ("中国", "塔吉克斯坦"), "中蒙": ("中国", "蒙古国"),
    "中越": ("中国", "越南"), "中法": ("中国", "法国"), "中德": ("中国", "德国"),
    "中英": ("中国", "英国"), "中老": ("中国", "老挝"), "中柬": ("中国", "柬埔寨"),
    "中泰": ("中国", "泰国"), "中缅": ("中国", "缅甸"), "中埃": ("中国", "埃及"),
    "中沙": ("中国", "沙特"), "中土": ("中国", "土耳其"), "中意": ("中国", "意大利"),
    "中澳": ("中国", "澳大利亚"), "中新": ("中国", "新加坡"), "中巴基斯坦": ("中国", "巴基斯坦"),
    "中欧盟": ("中国", "欧盟"),
}
# A pair followed by one of these is another word: 中美洲, 中英文, 中印尼, 中意向, 中新社...
_NOT_AFTER = {"中美": "洲", "中英": "文语", "中印": "尼", "中意": "向见", "中新": "社闻型增",
              "中老": "年", "中土": "地", "中日": "常", "中吉": "祥", "中塔": "尖"}
_BILATERAL_RE = re.compile("|".join(sorted(BILATERAL, key=len, reverse=True)))


def applies(text: str) -> bool:
    return not text.isascii() and has_han(text)


class ChineseTokeniser:
    """Characters for Chinese, words for the rest (see the module docstring)."""

    name = "chinese"

    def _walk(self, text: str):
        """(token, start, end) for every word token and mark, in order."""
        pos = 0
        n = len(text)
        while pos < n:
            ch = text[pos]
            if is_han(ch):
                m = _BILATERAL_RE.match(text, pos)
                if m and _bilateral(text, m):
                    for k, name in enumerate(BILATERAL[m.group()]):
                        at = pos + min(k, len(m.group()) - 1)
                        for c in name:
                            yield c, at, at + 1
                    pos = m.end()
                    continue
                yield ch, pos, pos + 1
                pos += 1
                continue
            mark = _MARKS.get(ch)
            if mark is not None:
                yield mark, pos, pos + 1
                pos += 1
                continue
            # A stretch without Chinese characters: the English tokeniser's tokens.
            end = pos
            while end < n and not is_han(text[end]) and text[end] not in _MARKS:
                end += 1
            for tm in TOKEN_RE.finditer(text, pos, end):
                yield tm.group(), tm.start(), tm.end()
            pos = end

    def tokens(self, text: str) -> list[str]:
        return [t for t, _s, _e in self._walk(text)]

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [(s, e) for t, s, e in self._walk(text) if _is_word(t)]


def _bilateral(text: str, m: re.Match) -> bool:
    after = text[m.end():m.end() + 1]
    return not (after and after in _NOT_AFTER.get(m.group(), ""))


def _is_word(token: str) -> bool:
    return bool(HAN_RE.match(token) or WORD_RE.match(token))
