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
mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep pres rev hon
jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
no nos vol vols p pp fig figs eq ed eds est approx dept univ assn bros co corp inc ltd plc
vs etc al cf ca e.g i.e u.s u.k u.n e.u u.s.a a.m p.m
""".split())

# Lowercase words that often follow an abbreviation-like token but start a sentence rarely.
_SENT_END = re.compile(r"""[.!?\u2026]+["'\u201d\u2019)\]]*""")
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.){2,}$")


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences.

    A candidate end is '.', '!', '?' or '…' (with closing quotes or brackets) followed by space
    and an uppercase letter, digit or opening quote. It is not an end after a known
    abbreviation, a single initial ("J. Smith"), or an initialism like "U.S." when the next
    word is a name (capitalised) that plausibly continues the sentence... which is ambiguous,
    so an initialism ends a sentence only when the following word is a common sentence opener.
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
        if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in "\"'\u201c\u2018(["):
            continue
        if m.group().startswith(".") and len(m.group().rstrip("\"'\u201d\u2019)]")) == 1:
            token = _last_token(text, m.start())
            low = token.lower().rstrip(".")
            if low in ABBREVIATIONS or low + "." in ABBREVIATIONS:
                if low in _TITLE_ABBREVIATIONS or not _opens_sentence(text, end + 1):
                    continue
            if len(token) == 1 and token.isalpha() and token.isupper():
                continue  # an initial: "J. Smith"
            if _INITIALISM.match(token + "."):
                if not _opens_sentence(text, end + 1):
                    continue
        sentences.append(text[start:end].strip())
        start = end + 1
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


_TITLE_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st gen col lt sgt capt cmdr adm gov sen rep pres rev hon "
    "no nos vol pp fig e.g i.e cf vs al".split())

_OPENERS = frozenset("""
the a an this that these those it its he she they we i in on at for but and or so yet however
there here his her their our my as after before when while if although though since because
meanwhile moreover furthermore besides still then thus also today yesterday last next many most
some such one two three first second third finally indeed other others both each all no not
""".split())


def _opens_sentence(text: str, pos: int) -> bool:
    m = WORD_RE.match(text, pos) or WORD_RE.match(text, pos + 1)
    return bool(m) and m.group().lower() in _OPENERS


def _last_token(text: str, dot: int) -> str:
    i = dot
    while i > 0 and not text[i - 1].isspace() and text[i - 1] not in "\"'(\u201c\u2018[":
        i -= 1
    return text[i:dot]


def strip_controls(text: str) -> str:
    """Remove control and zero-width characters (keeps newlines and tabs)."""
    return _CONTROL_RE.sub("", text)
