"""Where sentences end and where they cannot: the clues that header, furniture and paragraph
steps share. A language with other punctuation gets its own clues here."""

from __future__ import annotations

import re

TERMINAL = re.compile(r"""[.!?…][\"'”’)\]]*$""")
CONTINUES = re.compile(r"[,;:\-–—(]$")
_CONTINUING = frozenset(",;:-–—(/&")  # the last characters of text that continues


def ends_sentence(text: str) -> bool:
    """Ends with . ! ? or …, maybe followed by closing quotes or brackets (as TERMINAL)."""
    return text.rstrip("\"'”’)]")[-1:] in (".", "!", "?", "…")


def first_word(text: str) -> str:
    return text.split(" ", 1)[0]


_FUNCTION_WORDS = frozenset(
    "a an the of to in on at by for from with into onto upon about against between among "
    "through during without within under over and or nor but that which whose who whom its their "
    "our your his her my this these those is are was were be been has have had will would shall "
    "should can could may might must than as if because while whereas although though".split())


def dangling(text: str) -> bool:
    """Text that stops where a sentence cannot end: on a comma, or 'of', 'the', 'that'..."""
    last_char = text[-1:]
    if last_char in _CONTINUING or last_char == "\n" and CONTINUES.search(text):
        return True  # CONTINUES, '/' or '&' at the end (the regex only when a newline ends it)
    last = text[-30:].rsplit(" ", 1)[-1].strip(".,;:!?\"'”’“‘()[]").lower()
    return last in _FUNCTION_WORDS and not ends_sentence(text)
