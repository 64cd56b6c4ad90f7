"""Telling GB18030/GBK from Big5 (and both from odd guesses) on short Chinese inputs.

charset-normalizer reads long Chinese pages well, but on a line or two it has no language signal
and may answer Big5 for GBK bytes, or Johab or UTF-16 for either. Each legacy Chinese code page
puts its commonest characters in known rows (GB2312 level 1, rows B0-D7; Big5 level 1, rows
A4-C6), and text decoded with the wrong one lands mostly on rare characters, kana or private-use
points. The decoding that gives the larger share of common Chinese characters wins.
"""

from __future__ import annotations

from brief_cli.lang import is_han

# Guesses this check may overrule: the Chinese code pages themselves and the ones
# charset-normalizer falls back to on short East Asian inputs. (Korean and Japanese code pages
# are left alone: their text decodes as plausible-looking Chinese.)
OVERRULABLE = frozenset({"gb18030", "gbk", "gb2312", "hz", "big5", "big5hkscs", "cp950",
                         "johab", "utf_16", "utf_16_be", "utf_16_le", "utf_32", "utf_32_be",
                         "utf_32_le"})
CANDIDATES = ("gb18030", "big5")
MIN_SHARE = 0.8
_PUNCTUATION = frozenset("，。、；：？！“”‘’（）《》〈〉【】「」『』…—·　")


def common_share(text: str) -> float:
    """Share of the non-ASCII characters that are common Chinese characters or punctuation."""
    seen = good = 0
    for ch in text:
        if ch < "\x80" or ch.isspace():
            continue
        seen += 1
        if ch in _PUNCTUATION:
            good += 1
            continue
        if not is_han(ch):
            continue
        try:
            gb = ch.encode("gb2312")
        except UnicodeEncodeError:
            gb = b""
        try:
            b5 = ch.encode("big5")
        except UnicodeEncodeError:
            b5 = b""
        if (len(gb) == 2 and 0xB0 <= gb[0] <= 0xD7) or (len(b5) == 2 and 0xA4 <= b5[0] <= 0xC6):
            good += 1
    return good / seen if seen else 0.0


def better_chinese(raw: bytes, chosen: str) -> tuple[str, str] | None:
    """(encoding, text) when a Chinese code page reads the bytes clearly better than the
    encoding charset-normalizer chose; None to keep its choice."""
    if chosen.lower().replace("-", "_") not in OVERRULABLE:
        return None
    scored = []
    for encoding in CANDIDATES:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        scored.append((common_share(text), encoding, text))
    if not scored:
        return None
    share, encoding, text = max(scored, key=lambda s: s[0])
    if share < MIN_SHARE or encoding == chosen:
        return None
    mine = [s for s in scored if s[1] == chosen]
    if mine and mine[0][0] >= share:
        return None
    return encoding, text
