"""Text utilities shared by the index, the tagger, summaries and ingest.

Word tokens, case/accent folding, English stemming (Snowball), stop words, and a sentence
splitter that survives abbreviations ("U.S.", "Sept. 7", "Dr.", "e.g."), decimals and quotes.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def fold(text: str) -> str:
    """Lowercase and strip accents: 'Côte' -> 'cote'."""
    if text.isascii():  # most words: nothing to decompose or strip
        return text.casefold()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """Word tokens as written (letters and digits, inner apostrophes kept)."""
    return WORD_RE.findall(text)


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of every word token."""
    return [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text)]


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The English Snowball stem of a folded word: 'investments' -> 'invest'."""
    word = fold(word).replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return _stemmer().stemWord(word)


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


STOP_WORDS = frozenset("""
a about above across after afterwards again against all almost alone along already also although
always am among amongst an and another any anyhow anyone anything anyway anywhere are around as at
be became because become becomes becoming been before beforehand behind being below beside besides
between beyond both but by can cannot could did do does doing done down due during each eg either
else elsewhere enough etc even ever every everyone everything everywhere except few for former
formerly from further furthermore had has have having he hence her here hereafter hereby herein
hers herself him himself his how however i ie if in indeed instead into is it its itself just
last latter latterly least less made make many may me meanwhile might mine more moreover most
mostly much must my myself namely neither never nevertheless next no nobody none noone nor not
nothing now nowhere of off often on once one only onto or other others otherwise our ours
ourselves out over own per perhaps please put rather re same say said says see seem seemed seeming
seems several she should since so some somehow someone something sometime sometimes somewhere
still such than that the their theirs them themselves then thence there thereafter thereby
therefore therein thereupon these they this those though through throughout thru thus to together
too toward towards under until up upon us very via was we well were what whatever when whence
whenever where whereafter whereas whereby wherein whereupon wherever whether which while whither
who whoever whole whom whose why will with within without would yet you your yours yourself
yourselves s t don didn doesn isn wasn weren won wouldn shouldn couldn mr mrs ms dr also new
""".split())


def is_stop_word(word: str) -> bool:
    return fold(word) in STOP_WORDS


# Sentences ---------------------------------------------------------------------------------

# Abbreviations after which a full stop does not end a sentence (lowercased, without the dot).
ABBREVIATIONS = frozenset("""
mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep pres rev hon messrs
jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
no nos vol vols p pp fig figs eq ed eds est approx dept univ assn bros co corp inc ltd plc
vs etc al cf ca e.g i.e u.s u.k u.n e.u u.s.a a.m p.m ave blvd rd hwy art sec ch para
""".split())

# Never a sentence end: a title before a name, or a Latin abbreviation inside a sentence.
_TITLE_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st mt gen col lt sgt capt cmdr adm gov sen rep pres rev hon messrs "
    "e.g i.e cf vs".split())

# A sentence end only when no number follows: "No. 5" and "Fig. 2" go on, "said no. Then" ends.
_NUMBER_ABBREVIATIONS = frozenset("no nos vol vols p pp fig figs eq art sec ch para".split())

# Sentence-final punctuation with any closing quotes or brackets after it.
_SENT_END = re.compile(r"""[.!?\u2026]+["'\u201d\u2019)\]]*""")
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.){2,}$")
_CLOSERS = "\"'\u201d\u2019)]"
_OPENING = "\"'\u201c\u2018(["

# Lowercase words that often open a sentence; after an ambiguous token ("U.S.", "Inc.", an
# initial) a new sentence is assumed only when one of these follows.
_OPENERS = frozenset("""
the a an this that these those it its he she they we i in on at for but and or so yet however
there here his her their our my as after before when while if although though since because
meanwhile moreover furthermore besides still then thus also today yesterday last next many most
some such one two three first second third finally indeed other others both each all no not
what why how who where which
""".split())


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences (whitespace inside each is collapsed to single spaces).

    A candidate end is '.', '!', '?' or an ellipsis (with closing quotes or brackets after it)
    followed by a space and an uppercase letter, a digit or an opening quote. A full stop is not
    an end after a title ("Dr.", "Mr."), a Latin abbreviation ("e.g.", "i.e."), a numbering
    abbreviation followed by a number ("No. 5", "Fig. 2"), or, unless a common sentence opener
    follows, after another abbreviation ("Sept. 7", "Inc. said"), an initialism ("U.S.
    President") or an initial ("J. Smith"). Decimals ("3.5") and dots inside words never split.
    Joining the sentences gives back every non-space character of the text, in order.
    """
    text = " ".join(text.split())
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        if end >= len(text):
            break
        if not text[end].isspace():
            continue  # "3.5", "e.g.x", "U.S.-China"
        nxt = text[end + 1: end + 2]
        if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in _OPENING):
            continue
        if _is_full_stop(m.group()) and not _ends_sentence(text, m.start(), end + 1):
            continue
        sentences.append(text[start:end].strip())
        start = end + 1
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _is_full_stop(mark: str) -> bool:
    """A single '.', perhaps with closers: only these can belong to an abbreviation."""
    return mark.startswith(".") and len(mark.rstrip(_CLOSERS)) == 1


def _ends_sentence(text: str, dot: int, after: int) -> bool:
    """Whether the full stop at ``dot`` ends a sentence; the next word starts at ``after``."""
    token = _last_token(text, dot)
    low = token.lower()
    if low in ABBREVIATIONS:
        if low in _TITLE_ABBREVIATIONS:
            return False
        if low in _NUMBER_ABBREVIATIONS:
            return not (text[after].isdigit() or text[after] == "#")
        return _opens_sentence(text, after)
    if len(token) == 1 and token.isalpha() and token.isupper():
        return _opens_sentence(text, after)  # an initial ("J. Smith") unless "...plan B. The"
    if _INITIALISM.match(token + "."):
        return _opens_sentence(text, after)
    return True


def _opens_sentence(text: str, pos: int) -> bool:
    while pos < len(text) and text[pos] in _OPENING:
        pos += 1
    m = WORD_RE.match(text, pos)
    return bool(m) and m.group().lower() in _OPENERS


def _last_token(text: str, dot: int) -> str:
    i = dot
    while i > 0 and not text[i - 1].isspace() and text[i - 1] not in _OPENING:
        i -= 1
    return text[i:dot]


def strip_controls(text: str) -> str:
    """Remove control and zero-width characters; line ends (CR, CRLF) become newlines, tabs stay."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub("", text)
