"""The taxonomy tagger: a passage's kind, sectors and actors, with the evidence for each.

Everything the taxonomy says is compiled once, in ``Tagger.__init__``, into dictionaries keyed
by token sequences: sector keywords and kind cues by their Snowball stems (so "pipelines" and
"investing" match "pipeline" and "investment"), actor names by their written form (case matters:
"US" and "WHO" match only in capitals, names only capitalised); the compiled form is kept in the
cache folder. Tagging a passage is one pass over its tokens with a dictionary lookup per token,
whatever the size of the taxonomy; a word must be an inflection of a keyword's word, not merely
share its stem ("important" is not "import").

Sectors are scored, not just matched: a multi-word keyword or an alias counts more than a single
word, each distinct keyword counts more than its repeats, a keyword shared by several sectors is
split between them, keywords inside names count half and in attributions not at all, and a
sector is tagged only when its score passes a minimum that grows with the passage's length and
a share of the passage's strongest sector. Kinds weigh the taxonomy's cue phrases inside the
passage's structure: negation ("not a risk"), solutions ("reduce the risks"), concessions
("despite the obstacles, ... can ..."), contrast ("however" and "but" favour what follows),
past achievements (narrative, not a prospect), announced lists ("faces several challenges.
First, ... Second, ...") across passages. Plain narrative is context.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Callable, Iterable, Sequence

from brief_cli.taxonomy import Taxonomy
from brief_cli.text import stem as _stem

# Tuning knobs, named so the explanation can quote them.
# A sector needs a score of 1 in a short passage (one keyword names its topic) rising to 2 at
# 105 words and more, where one passing word is incidental: it takes two, or a phrase and a word.
SECTOR_MIN_SCORE = 1.0
SECTOR_MAX_MIN_SCORE = 2.0
SECTOR_SCORE_PER_WORD = 1 / 80  # added to the minimum for each word beyond 25
NAME_FACTOR = 0.5  # a keyword inside a capitalised name ("Hainan University", "Silk Road")
SECTOR_MIN_SHARE = 0.25  # of the passage's strongest sector: incidental mentions drop out
KIND_MIN_SCORE = 1.0
KIND_MIN_MARGIN = 0.5  # challenge and opportunity evidence this close: the passage is context
KIND_MIN_SHARE_MARGIN = 0.15  # ... or this close relative to the stronger (long, mixed passages)
FUZZY_MIN_LENGTH = 8
FUZZY_CUTOFF = 92.0

_WORD_RE = re.compile(r"\w+(?:'\w+)*")
_LONG_WORD_RE = re.compile(r"\b[a-z]\w{%d,}" % 7)  # lowercase: names are not misspellings
# Words, sentence ends (not the dots of "3.5" or "U.S.-China") and clause marks, in one pass.
_TOKEN_RE = re.compile(
    r"\w+(?:'\w+)*|[.!?]+(?=[\s\"')\]\u201d\u2019]|$)|[,;:()\u2014\u2013]|\s-\s")
_MARK_FIRST = frozenset(".!?,;:()\u2014\u2013 \t\n\r\f\v\xa0")  # first character of a mark
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'"})

# Words that turn a following cue around within a few words ("not a risk", "no obstacle").
_NEGATORS = frozenset("not no never without nor neither cannot hardly barely lack lacks "
                      "little absence".split())
# Verbs whose object is a problem being solved: "reduce the risks", "overcome obstacles".
_SOLVERS = frozenset(_stem(w) for w in """
address resolve solve counter reduce tackle overcome mitigate combat fight ease alleviate remove
eliminate lower prevent avoid manage handle curb cut minimise minimize offset cushion relieve
diminish limit defuse settle end fix bridge close narrow counteract combat confront beat
eradicate meet withstand""".split())
# Sentence openers that favour what follows over what came before.
_CONTRAST_OPENERS = frozenset("however but yet nevertheless nonetheless still that said "
                              "conversely".split())
# Openers of a conceded clause: its evidence counts little ("despite the obstacles, ...").
_CONCESSIVE = frozenset("despite although though notwithstanding while whilst albeit".split())
_MARKERS = _CONTRAST_OPENERS | _CONCESSIVE | {"spite"}
# Words that open the next item of an announced list ("Second, ...", "Finally, ...").
_ORDINALS = frozenset("first firstly second secondly third thirdly fourth fourthly fifth "
                      "finally lastly another additionally moreover furthermore".split())
_QUANTIFIERS = frozenset("several many numerous various multiple some two three four five "
                         "few key major serious main significant big huge biggest greatest "
                         "considerable number".split())
_PERFECT = frozenset("has have had having".split())
_WORRIED_ABOUT = frozenset("about over that by at with for".split())  # "concerned about ..."
_MODALS = frozenset("can could should may might must will would".split())
_LOCATIVE = frozenset("in at to from near outside inside around via visiting visited".split())
# Geographic names that contain an actor's name but are not that actor.
_NOT_ACTORS = ("Latin America", "South America", "North America", "Central America",
               "Latin American", "South American", "North American", "Central American",
               "African American", "Indian Ocean", "Indo-Pacific", "New Mexico", "New Guinea",
               "Gulf of Mexico", "Washington Post", "Washington state", "George Washington",
               "Sea of Japan", "South China Sea", "East China Sea", "China Sea", "Korean Peninsula",
               "Arabian Sea", "Persian Gulf", "Arabian Peninsula", "Caribbean Sea", "Red Sea")
# Names that, without their accents, are everyday English words ("Malé" is Maldives' capital,
# "Male" opens many a sentence): only the accented form names the actor.
_ENGLISH_WORDS = frozenset({("Male",), ("MALE",)})
_WEIGHTS = {"alias": 2.0, "phrase": 1.75, "word": 1.0}


# Results -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of evidence: the words as written, where they are, what they matched, weight."""

    text: str
    start: int
    end: int
    matched: str  # the keyword, cue or name of the taxonomy it matched
    weight: float
    note: str = ""  # why the weight is what it is: "alias", "negated", "conceded (despite)"...


@dataclass(frozen=True, slots=True)
class SectorScore:
    sector: str
    score: float
    tagged: bool
    evidence: tuple[Evidence, ...]
    reason: str = ""  # why it was or was not tagged


@dataclass(frozen=True, slots=True)
class KindScore:
    kind: str
    score: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class ActorMention:
    actor: str
    evidence: tuple[Evidence, ...]
    tagged: bool = True
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a passage got its tags, including the candidates that fell under a threshold."""

    kind_rule: str
    kinds: tuple[KindScore, ...]  # challenge and opportunity, with their evidence
    sectors: tuple[SectorScore, ...]  # every sector with evidence, best first
    actors: tuple[ActorMention, ...]  # every actor mentioned, in order of first mention
    thresholds: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Tags:
    """A passage's tags; ``explanation`` says why (worked out when first asked for)."""

    kind: str
    sectors: tuple[str, ...]
    actors: tuple[str, ...]
    _explain: Callable[[], Explanation] = field(repr=False, compare=False, default=None)

    @cached_property
    def explanation(self) -> Explanation:
        return self._explain()


# A hit before it becomes Evidence: (first word, end word, matched, weight, note).
_Hit = tuple


# Tokens --------------------------------------------------------------------------------------

class _Doc:
    """A passage as tokens: words with their stems; positions and clauses worked out on demand."""

    __slots__ = ("text", "tokens", "words", "lower", "stems", "_spans", "_sentence", "_clause",
                 "_starts")

    def __init__(self, text: str, tokens: list[str], words: list[str],
                 stems: list[str]):
        self.text = text
        self.tokens = tokens  # words, sentence ends and clause marks, in order
        self.words = words  # as written, typographic apostrophes normalised
        self.lower = list(map(str.lower, words))
        self.stems = stems
        self._spans: list[tuple[int, int]] | None = None
        self._sentence: list[int] | None = None
        self._clause: list[int] | None = None
        self._starts: list[int] | None = None

    @property
    def spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            self._spans = [m.span() for m in _WORD_RE.finditer(self.text)]
        return self._spans

    def _structure(self) -> None:
        marks = [(k, t[0] in ".!?") for k, t in enumerate(self.tokens) if t[0] in _MARK_FIRST]
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


def _normalise(text: str) -> str:
    if text.isascii():
        return text
    for typographic in _APOSTROPHES:
        if chr(typographic) in text:
            text = text.replace(chr(typographic), "'")
    return text


def _fold_accents(text: str) -> str:
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


# The compiled taxonomy -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Entry:
    category: str  # "sector" | "kind"
    target: str  # sector id or kind id
    matched: str  # the taxonomy's wording
    weight: float
    note: str
    forms: tuple[tuple[str, str], ...] = ()  # per word: (stem, suffix of the keyword's word)


# Endings a word may have beyond its stem and still be the same word: inflections and a few
# light derivations ("investing" ~ "investment", "economies" ~ "economy"), but not the
# heavier ones Snowball also strips ("important" is not "import", "universal" not "university").
_LIGHT_SUFFIX = re.compile(r"^[eyi]?(?:s|es|d|ed|ing|ings|ment|ments|ness|ly)?$")


def _suffix(word: str, stem: str) -> str | None:
    """What follows the stem in word, or None when word does not continue the stem."""
    n = 0
    limit = min(len(word), len(stem))
    while n < limit and word[n] == stem[n]:
        n += 1
    if n < len(stem) - 1:
        return None
    return word[n:]


def _same_word(surface: str, stem: str, keyword_suffix: str) -> bool:
    """Whether surface (lowercased) is a form of the keyword word with that stem and suffix."""
    if surface.endswith("'s"):
        surface = surface[:-2]
    suffix = _suffix(surface, stem)
    if suffix is None:
        return True  # accents or odd stems: trust the stem
    if suffix == keyword_suffix:
        return True
    if keyword_suffix and suffix.startswith(keyword_suffix):
        # the keyword's own word, inflected ("pipelines", "internationally")
        return bool(_LIGHT_SUFFIX.match(suffix[len(keyword_suffix):]))
    if keyword_suffix.endswith("y") and suffix.startswith(keyword_suffix[:-1] + "i"):
        return bool(_LIGHT_SUFFIX.match(suffix[len(keyword_suffix):]))  # "economies"
    if keyword_suffix == "s" and not suffix.startswith("s"):
        return False  # a keyword given in the plural ("arms", "arts") needs its plural
    return bool(_LIGHT_SUFFIX.match(suffix)) and bool(_LIGHT_SUFFIX.match(keyword_suffix))


class Tagger:
    """Tags passages with the taxonomy's kinds, sectors and actors (compiled once)."""

    def __init__(self, taxonomy: Taxonomy, *, use_cache: bool = True):
        self.taxonomy = taxonomy
        self._fuzzy_cache: dict[str, str | None] = {}
        self._match_memo: dict = {}
        cache_file = _compiled_cache_file(taxonomy) if use_cache else None
        state = _read_compiled(cache_file) if cache_file is not None else None
        if state is not None:
            self.__dict__.update(state)
            return
        self._stem_cache: dict[str, str] = {}
        # stems tuple -> entries
        self._phrases: dict[tuple[str, ...], list[_Entry]] = {}
        self._vocab_words: dict[str, str] = {}  # long keyword word -> its stem (for fuzzy)
        self._known_stems: set[str] = set()
        self._compile_sectors(taxonomy)
        self._compile_kinds(taxonomy)
        # first stem -> the lengths of the phrases starting with it, longest first
        lengths: dict[str, set[int]] = {}
        for key in self._phrases:
            lengths.setdefault(key[0], set()).add(len(key))
        self._lengths = {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}
        self._actor_names: dict[tuple[str, ...], tuple[str, ...]] = {}  # () = not an actor
        self._actor_first: dict[str, int] = {}
        self._actor_kind: dict[tuple[str, ...], str] = {}  # name|alias|demonym|capital
        self._compile_actors(taxonomy)
        if cache_file is not None:
            _write_compiled(cache_file, {name: getattr(self, name) for name in _COMPILED})

    # compiling --------------------------------------------------------------------------
    def _stem(self, word: str) -> str:
        found = self._stem_cache.get(word)
        if found is None:
            found = _stem(word)
            if len(self._stem_cache) < 500_000:
                self._stem_cache[word] = found
        return found

    def _key(self, phrase: str) -> tuple[str, ...]:
        return tuple(self._stem(w) for w in _words(_normalise(phrase)))

    def _forms(self, phrase: str) -> tuple[tuple[str, str], ...]:
        forms = []
        for w in _words(_normalise(phrase)):
            st = self._stem(w)
            forms.append((st, _suffix(w.lower(), st) or ""))
        return tuple(forms)

    def _add(self, key: tuple[str, ...], entry: _Entry) -> None:
        if not key:
            return
        entries = self._phrases.setdefault(key, [])
        if any(e.category == entry.category and e.target == entry.target
               and e.forms == entry.forms for e in entries):
            return
        entries.append(entry)
        self._known_stems.update(key)

    def _compile_sectors(self, taxonomy: Taxonomy) -> None:
        for sector in taxonomy.sectors:
            heads = {sector.id.replace("-", " "), sector.label.lower()}
            for phrase in (*sector.keywords, *sector.aliases, *heads):
                key = self._key(phrase)
                if phrase in sector.aliases or phrase in heads:
                    kind = "alias"
                elif len(key) > 1:
                    kind = "phrase"
                else:
                    kind = "word"
                self._add(key, _Entry("sector", sector.id, phrase, _WEIGHTS[kind],
                                      "" if kind == "word" else kind, self._forms(phrase)))
                for word in _words(phrase):
                    if len(word) >= FUZZY_MIN_LENGTH and word.isalpha():
                        self._vocab_words.setdefault(word.lower(), self._stem(word))
        # A keyword that names several sectors is evidence for each, but less for any one.
        # (Only the same words: "hospital" and "hospitality" share a stem, not a keyword.)
        for key, entries in self._phrases.items():
            owners: dict[tuple, set[str]] = {}
            for e in entries:
                if e.category == "sector":
                    owners.setdefault(e.forms, set()).add(e.target)
            if all(len(sectors) == 1 for sectors in owners.values()):
                continue
            entries[:] = [
                _Entry(e.category, e.target, e.matched,
                       round(e.weight / len(owners[e.forms]), 3),
                       (e.note + ", " if e.note else "") +
                       f"shared by {len(owners[e.forms])} sectors", e.forms)
                if e.category == "sector" and len(owners[e.forms]) > 1 else e
                for e in entries]

    def _compile_kinds(self, taxonomy: Taxonomy) -> None:
        for kind in taxonomy.kinds:
            for cue in kind.cues:
                key = self._key(cue)
                if len(key) == 1 and key[0] in _STRUCTURAL:
                    continue  # contrast and concession words act through the structure
                weight = 1.5 if len(key) > 1 else 1.0
                self._add(key, _Entry("kind", kind.id, cue, weight,
                                      "phrase" if len(key) > 1 else "", self._forms(cue)))

    def _compile_actors(self, taxonomy: Taxonomy) -> None:
        owners: dict[tuple[str, ...], set[str]] = {}
        forms: dict[tuple[str, ...], str] = {}
        for actor in taxonomy.actors:
            named = [(actor.name, "name")] + [(a, "alias") for a in actor.aliases]
            named += [(d, "demonym") for d in actor.demonyms]
            named += [(c, "capital") for c in actor.capitals]
            for form, how in named:
                variants = {form}
                if how == "demonym" and not form.endswith(("s", "se", "sh", "ese")) \
                        and form not in ("Sino", "Indo"):
                    variants.add(form + "s")  # "Americans", "Kazakhs"
                if not _is_abbreviation(form) and len(form) >= 4:
                    variants.add(form.upper())  # headlines
                for variant in variants:
                    base = tuple(_words(_normalise(variant)))
                    if not base:
                        continue
                    # As written and without accents, and possessive ("China's"), so that
                    # matching needs no per-word normalising.
                    keys = {base, tuple(_words(_fold_accents(_normalise(variant))))}
                    for key in keys - _ENGLISH_WORDS:
                        for k in (key, key[:-1] + (key[-1] + "'s",)):
                            owners.setdefault(k, set()).add(actor.id)
                            forms.setdefault(k, how)
        for key, ids in owners.items():
            self._actor_names[key] = tuple(sorted(ids))
            self._actor_kind[key] = forms[key]
        for name in _NOT_ACTORS:
            key = tuple(_words(name))
            self._actor_names[key] = ()
            self._actor_kind[key] = "not an actor"
        for key in self._actor_names:
            self._actor_first[key[0]] = max(self._actor_first.get(key[0], 0), len(key))

    # tokens -----------------------------------------------------------------------------
    def _doc(self, text: str) -> _Doc:
        text = _normalise(text)
        tokens = _TOKEN_RE.findall(text)
        words = [t for t in tokens if t[0] not in _MARK_FIRST]
        stems = list(map(self._stem_cache.get, words))
        if None in stems:
            stem = self._stem
            stems = [st if st is not None else stem(w) for st, w in zip(stems, words)]
        return _Doc(text, tokens, words, stems)

    def _fuzzy(self, word: str) -> str | None:
        """The stem of the keyword word a long unknown word is a misspelling of, if any."""
        low = word.lower()
        from rapidfuzz import fuzz, process

        found = None
        if low.isalpha():
            choices = self.__dict__.get("_vocab_list")
            if choices is None:
                choices = self._vocab_list = tuple(self._vocab_words)
            best = process.extractOne(low, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if best is not None and best[0][0] == low[0] and abs(len(best[0]) - len(low)) <= 2:
                found = self._vocab_words[best[0]]
        if len(self._fuzzy_cache) > 100_000:
            self._fuzzy_cache.clear()
        return found

    # matching ---------------------------------------------------------------------------
    def _matches(self, doc: _Doc):
        """Longest-first matches of sector keywords and of kind cues, apart: two lists of
        (first word, end word, entries, note)."""
        stems = doc.stems
        words = doc.words
        n = len(stems)
        known = self._known_stems
        fixed: dict[int, str] = {}
        fuzzy_cache = self._fuzzy_cache
        stem_cache = self._stem_cache
        for word in _LONG_WORD_RE.findall(doc.text):
            corrected = fuzzy_cache.get(word, 0)
            if corrected == 0:
                corrected = None if (stem_cache.get(word) or self._stem(word)) in known \
                    else self._fuzzy(word)
                fuzzy_cache[word] = corrected
            if corrected is not None:
                fixed.update((k, corrected) for k, w in enumerate(words) if w == word)
        if fixed:
            stems = list(stems)
            for i, st in fixed.items():
                stems[i] = st
        lengths = self._lengths
        phrases = self._phrases
        memo = self._match_memo
        lower = doc.lower
        sector_hits: list[tuple[int, int, list[_Entry], str]] = []
        kind_hits: list[tuple[int, int, list[_Entry], str]] = []
        # Each category (sectors, kind cues) takes its own longest matches, so that a cue
        # inside a sector keyword ("trade barrier") still counts as a cue.
        taken_sector = taken_kind = 0
        for i in [i for i, st in enumerate(stems) if st in lengths]:
            open_sector = taken_sector <= i
            open_kind = taken_kind <= i
            if not (open_sector or open_kind):
                continue
            for length in lengths[stems[i]]:
                if length == 1:
                    key = (stems[i],)
                    surface = lower[i]
                else:
                    if i + length > n:
                        continue
                    key = tuple(stems[i:i + length])
                    surface = tuple(lower[i:i + length])
                entries = phrases.get(key)
                if entries is None:
                    continue
                fuzzy = bool(fixed) and any(j in fixed for j in range(i, i + length))
                chosen = None if fuzzy else memo.get(surface)
                if chosen is None:
                    chosen = self._choose(words, i, entries, fixed)
                    if not fuzzy and len(memo) < 200_000:
                        memo[surface] = chosen
                note = "fuzzy" if fuzzy else ""
                if open_sector and chosen[0]:
                    sector_hits.append((i, i + length, chosen[0], note))
                    taken_sector = i + length
                    open_sector = False
                if open_kind and chosen[1]:
                    kind_hits.append((i, i + length, chosen[1], note))
                    taken_kind = i + length
                    open_kind = False
                if not (open_sector or open_kind):
                    break
        return sector_hits, kind_hits

    def _choose(self, words: list[str], i: int, entries: list[_Entry], fixed
                ) -> tuple[list[_Entry], list[_Entry]]:
        """The entries whose words really are at i (not just their stems): (sectors, kinds)."""
        sectors: list[_Entry] = []
        kinds: list[_Entry] = []
        for e in entries:
            chosen = sectors if e.category == "sector" else kinds
            if all(c.target != e.target for c in chosen) and self._forms_match(words, i, e, fixed):
                chosen.append(e)
        return sectors, kinds

    def _forms_match(self, words: list[str], i: int, entry: _Entry, fixed) -> bool:
        for k, (st, suffix) in enumerate(entry.forms):
            if i + k in fixed:
                continue
            if not _same_word(words[i + k].lower(), st, suffix):
                return False
        return True

    def _actors(self, doc: _Doc) -> list[tuple[str, list[_Hit]]]:
        """Actor mentions in order of first mention: (actor id, hits); weight 0 = not counted."""
        words = doc.words
        n = len(words)
        first = self._actor_first
        found = [i for i, w in enumerate(words) if w in first]
        if not found:
            return []
        mentions: dict[str, list[_Hit]] = {}
        taken = 0
        for i in found:
            if i < taken:
                continue
            for length in range(min(first[words[i]], n - i), 0, -1):
                key = tuple(words[i:i + length]) if length > 1 else (words[i],)
                ids = self._actor_names.get(key)
                if ids is None:
                    continue
                how = self._actor_kind[key]
                matched = " ".join(key)
                if len(ids) == 1:
                    if how == "capital" and i > 0 and words[i - 1].lower() in _LOCATIVE:
                        hit = (i, i + length, matched, 0.0,
                               f"capital as a place (after {words[i - 1]!r})")
                    elif how == "capital" and _in_name(doc, i, i + length):
                        hit = (i, i + length, matched, 0.0,
                               "capital inside a longer name")
                    else:
                        hit = (i, i + length, matched, 1.0, how)
                    mentions.setdefault(ids[0], []).append(hit)
                elif ids:
                    for actor_id in ids:
                        mentions.setdefault(actor_id, []).append(
                            (i, i + length, matched, 0.0, "ambiguous: " + ", ".join(ids)))
                taken = i + length
                break
        return list(mentions.items())

    # scoring ----------------------------------------------------------------------------
    @staticmethod
    def _sectors(doc: _Doc, matches) -> list[tuple[str, float, bool, str, list[_Hit]]]:
        """Every sector with evidence, best first: (id, score, tagged, reason, hits)."""
        per: dict[str, list[_Hit]] = {}
        words = doc.words
        n = len(words)
        for i, j, entries, note in matches:
            factor = 1.0
            if words[i][0].isupper() and not words[i].isupper() and (
                    (i > 0 and words[i - 1][0].isupper()) or (j < n and words[j][0].isupper())):
                factor = NAME_FACTOR
                note = (note + ", " if note else "") + "in a name"
            for e in entries:
                per.setdefault(e.target, []).append(
                    (i, j, e.matched, e.weight * factor, e.note + ", " + note if note and e.note
                     else e.note or note))
        if not per:
            return []
        if not _ATTRIBUTION.isdisjoint(doc.lower):
            per = _discount_attribution(doc, per)
        minimum = min_sector_score(n)
        scores = []
        for sector, hits in per.items():
            if len(hits) == 1:
                scores.append((sector, hits[0][3], hits))
                continue
            seen: dict[str, int] = {}
            counted = []
            total = 0.0
            for hit in hits:
                repeat = seen.get(hit[2], 0)
                seen[hit[2]] = repeat + 1
                if repeat == 0:
                    total += hit[3]
                    counted.append(hit)
                else:
                    # A repeated keyword adds a little; distinct keywords add fully.
                    weight = hit[3] * 0.25 / repeat
                    total += weight
                    counted.append((hit[0], hit[1], hit[2], weight,
                                    (hit[4] + ", " if hit[4] else "") + "repeat"))
            scores.append((sector, total, counted))
        top = max(row[1] for row in scores)
        share = SECTOR_MIN_SHARE * top
        # (id, score, tagged, why: "minimum" | "share" | "", hits); reasons are worded lazily
        out = [(sector, score, score >= minimum and score >= share,
                "minimum" if score < minimum else "share" if score < share else "", hits)
               for sector, score, hits in scores]
        if len(out) > 1:
            out.sort(key=lambda row: (-row[1], row[0]))
        return out

    def _kind_evidence(self, doc: _Doc, matches) -> dict[str, list[_Hit]]:
        evidence: dict[str, list[_Hit]] = {"challenge": [], "opportunity": []}
        if not matches:
            return evidence
        words = doc.words
        lower = doc.lower
        n = len(words)
        markers = _MARKERS.intersection(lower)
        factor: list[float] | None = None
        why: list[str] | None = None
        if markers:
            factor, why = [1.0] * n, [""] * n
            self._weigh_structure(doc, markers, factor, why)
        problems = [m[0] for m in matches if m[2][0].target == "challenge" or len(m[2]) > 1]
        may_negate = not _NEGATORS.isdisjoint(lower) or "n't" in doc.text
        may_solve = bool(problems) and not _SOLVERS.isdisjoint(doc.stems)
        for i, j, entries, note in matches:
            if lower[i] == "concerned" and (i + 1 == n or lower[i + 1] not in _WORRIED_ABOUT):
                continue  # "as far as trade is concerned", "the parties concerned"
            for e in entries:
                if e.target not in evidence:
                    continue
                kind, weight = e.target, e.weight
                notes = [e.note] if e.note else []
                if factor is not None and why[i]:
                    weight *= factor[i]
                    notes.append(why[i])
                neg = _negated(doc, i) if may_negate else None
                solver = _solved(doc, i) if may_solve and kind == "challenge" and not neg \
                    else None
                previous = lower[i - 1] if i else ""
                if neg:
                    kind = _other(kind)
                    weight *= 0.5
                    notes.append(f"negated by {neg!r}")
                elif solver:
                    kind = "opportunity"
                    weight *= 0.5
                    notes.append(f"object of {solver!r}")
                elif kind == "opportunity" and problems and lower[i] in _MODALS and any(
                        i < p <= i + 3 for p in problems) and _same_clause(
                        doc, i, next(p for p in problems if i < p <= i + 3)):
                    weight = 0.0
                    notes.append("modal of a problem (\"could fail\")")
                elif kind == "opportunity" and (
                        lower[i].endswith("ed") or previous.endswith("ed")
                        or previous in _PERFECT or (i > 1 and lower[i - 2] in _PERFECT)) \
                        and _past(words, lower, i, e.matched):
                    weight *= 0.3
                    notes.append("past: an achievement, not a prospect")
                elif previous in _QUANTIFIERS or (
                        previous == "of" and i > 1 and lower[i - 2] == "number"):
                    weight *= 2.0
                    notes.append(f"announced ({words[i - 1]} …)")
                evidence[kind].append((i, j, e.matched, weight, "; ".join(notes)))
        return evidence

    @staticmethod
    def _weigh_structure(doc: _Doc, markers: set[str], factor: list[float],
                         why: list[str]) -> None:
        """Contrast and concession: which words count more, which less, and why."""
        words = doc.words
        lower = doc.lower
        n = len(words)
        sentence = doc.sentence
        starts = doc.sentence_starts
        # A sentence opened by "however"/"but" outweighs the sentences before it.
        for si, start in enumerate(starts):
            if si > 0 and start < n and lower[start] in _CONTRAST_OPENERS:
                for k in range(0, start):
                    factor[k] *= 0.5
                    why[k] = why[k] or f"before {words[start]!r}"
                end = starts[si + 1] if si + 1 < len(starts) else n
                for k in range(start, end):
                    factor[k] *= 1.5
                    why[k] = why[k] or f"after {words[start]!r}"
        for k in [k for k, w in enumerate(lower) if w in markers]:
            w = lower[k]
            if w in ("but", "however", "yet") and k > 0 and sentence[k - 1] == sentence[k]:
                if w == "yet" and k + 1 < n and lower[k + 1] in ("to", "another"):
                    continue  # "yet to", not a contrast
                sent = sentence[k]
                j = k - 1
                while j >= 0 and sentence[j] == sent:
                    factor[j] *= 0.5
                    why[j] = why[j] or f"before {words[k]!r}"
                    j -= 1
                j = k + 1
                while j < n and sentence[j] == sent:
                    factor[j] *= 1.5
                    why[j] = why[j] or f"after {words[k]!r}"
                    j += 1
            # Concession: "despite X, Y" / "although X, Y": X counts little, Y counts more.
            if w in _CONCESSIVE or (w == "spite" and k > 0 and lower[k - 1] == "in"):
                if w == "while" and k > 0 and sentence[k - 1] == sentence[k]:
                    continue  # mid-sentence "while" mostly means "whereas" or "during"
                if w == "spite":
                    k -= 1
                cl = doc.clause[k]
                sent = sentence[k]
                j = k
                while j < n and doc.clause[j] == cl:
                    factor[j] *= 0.3
                    why[j] = f"conceded ({words[k]})"
                    j += 1
                if k == 0 or sentence[k - 1] != sent:  # the main clause follows
                    while j < n and sentence[j] == sent:
                        factor[j] *= 1.3
                        why[j] = why[j] or f"main clause after {words[k]!r}"
                        j += 1

    @staticmethod
    def _decide_kind(evidence: dict[str, list[_Hit]], bonus: dict[str, float]
                     ) -> tuple[str, str, float, float]:
        """(kind, rule, challenge score, opportunity score); rule is "none", "mixed" or "best"."""
        scores = []
        for kind in ("challenge", "opportunity"):
            hits = evidence[kind]
            total = bonus.get(kind, 0.0) if bonus else 0.0
            if len(hits) == 1:
                total += hits[0][3]
            elif hits:
                seen: set[str] = set()
                for hit in hits:
                    if hit[2] in seen:
                        total += hit[3] * 0.5  # a repeated cue adds half
                    else:
                        seen.add(hit[2])
                        total += hit[3]
            scores.append(total)
        ch, op = scores
        high, low = (ch, op) if ch > op else (op, ch)
        if high < KIND_MIN_SCORE:
            return "context", "none", ch, op
        if high - low < max(KIND_MIN_MARGIN, KIND_MIN_SHARE_MARGIN * high):
            return "context", "mixed", ch, op
        return ("challenge" if ch > op else "opportunity"), "best", ch, op

    # public API -------------------------------------------------------------------------
    def tag(self, text: str) -> Tags:
        """Tag one passage on its own."""
        return self.tag_passages([text])[0]

    def tag_passages(self, texts: Sequence[str]) -> list[Tags]:
        """Tag the passages of one document in reading order, using its structure.

        A passage that announces a list ("faces several challenges") and starts it ("First,
        ...") makes the following "Second, ...", "And third, ..." passages the same kind; a
        passage opened by "However," leans against the kind of the passage before it.
        """
        results: list[Tags] = []
        list_kind: str | None = None
        list_from = ""
        previous_kind: str | None = None
        pending: str | None = None  # an announcement at the end of the previous passage
        for text in texts:
            doc = self._doc(text)
            sector_matches, kind_matches = self._matches(doc)
            sectors = self._sectors(doc, sector_matches)
            evidence = self._kind_evidence(doc, kind_matches)
            opener = _ordinal(doc.lower[:2]) if doc.words else None
            bonus: dict[str, float] = {}
            hint = ""
            announced = _announcement(doc, evidence)
            if opener is not None and (list_kind or pending):
                if list_kind is None:
                    list_kind, list_from = pending, "the list announced before"
                bonus[list_kind] = bonus.get(list_kind, 0.0) + 2.0
                hint = f"item {doc.words[opener]!r} of {list_from}"
            elif announced and _ordinal_after(doc, announced[1]) is not None:
                list_kind, list_from = announced[0], f"{announced[2]!r}"
                bonus[list_kind] = bonus.get(list_kind, 0.0) + 1.0
                first = doc.words[_ordinal_after(doc, announced[1])]
                hint = f"announces a list ({announced[2]!r}, then {first!r})"
            else:
                list_kind = None
            pending = announced[0] if announced and _ordinal_after(doc, announced[1]) is None \
                else None
            if doc.words and doc.lower[0] in _CONTRAST_OPENERS and previous_kind in (
                    "challenge", "opportunity") and not bonus:
                turned = _other(previous_kind)
                bonus[turned] = 1.0
                hint = f"{doc.words[0]!r} turns from the previous {previous_kind}"
            kind, rule, ch, op = self._decide_kind(evidence, bonus)
            previous_kind = kind
            actors = self._actors(doc)
            results.append(Tags(
                kind=kind,
                sectors=tuple([row[0] for row in sectors if row[2]]),
                actors=tuple([a for a, hits in actors if hits[0][3] > 0 or any(
                    h[3] > 0 for h in hits)]),
                _explain=partial(_explanation, doc, (kind, rule, hint), (ch, op), evidence,
                                 sectors, actors)))
        return results


# the compiled taxonomy, kept in the cache folder ---------------------------------------------

# Stemming the taxonomy's ~1,000 words with the pure-Python Snowball stemmer takes a few hundred
# milliseconds; a command that tags one sentence should not pay that every time.
_COMPILED = ("_stem_cache", "_phrases", "_vocab_words", "_known_stems", "_lengths",
             "_actor_names", "_actor_first", "_actor_kind")


def _compiled_cache_file(taxonomy: Taxonomy):
    """Where the compiled form of this taxonomy is kept: keyed by its content and this code."""
    import hashlib
    import os

    try:
        from brief_cli.config import cache_dir

        here = os.stat(__file__)
        content = repr((taxonomy.kinds, taxonomy.sectors, taxonomy.actors, here.st_size,
                        here.st_mtime_ns))
        digest = hashlib.sha1(content.encode("utf-8")).hexdigest()
        return cache_dir() / "tagger" / f"{digest}.pickle"
    except Exception:  # no cache folder: compile every time
        return None


def _read_compiled(path) -> dict | None:
    import pickle

    try:
        state = pickle.loads(path.read_bytes())
    except Exception:  # missing, stale or damaged: compile again
        return None
    if not isinstance(state, dict) or set(state) != set(_COMPILED):
        return None
    return state


def _write_compiled(path, state: dict) -> None:
    import os
    import pickle
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:  # a read-only cache only costs speed
        pass


# helpers -------------------------------------------------------------------------------------

_STRUCTURAL = frozenset(_stem(w) for w in ("however", "despite", "but", "although", "yet"))


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def _is_abbreviation(form: str) -> bool:
    letters = [c for c in form if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


def _other(kind: str) -> str:
    return "opportunity" if kind == "challenge" else "challenge"


def _negated(doc: _Doc, i: int) -> str | None:
    """The negating word within three words before i, in the same clause ("not a risk")."""
    lower = doc.lower
    for k in range(i - 1, max(-1, i - 4), -1):
        w = lower[k]
        if w in _NEGATORS or w.endswith("n't"):
            if w == "not" and k + 1 < len(lower) and lower[k + 1] in ("only", "just", "merely"):
                return None
            if w == "no" and k + 1 < len(lower) and lower[k + 1] in ("longer", "doubt"):
                return None
            return w if doc.clause[k] == doc.clause[i] else None
    return None


def _solved(doc: _Doc, i: int) -> str | None:
    """The solving verb within three words before i ("reduce the risks", "overcome obstacles")."""
    stems = doc.stems
    for k in range(i - 1, max(-1, i - 4), -1):
        if stems[k] in _SOLVERS:
            return doc.words[k] if doc.clause[k] == doc.clause[i] else None
    return None


def _past(words: list[str], lower: list[str], i: int, cue: str) -> bool:
    """Whether an opportunity verb at i is told as done ("have strengthened", "helped deepen")."""
    w = lower[i]
    if w.endswith("ed") and not cue.lower().endswith("ed") and cue.lower() != w:
        return True
    for k in range(i - 1, max(-1, i - 3), -1):
        if lower[k] in _PERFECT and k + 1 <= i and _participle(lower[k + 1]):
            return True  # "have strengthened", not "has significant advantages"
        if lower[k] in _MODALS or lower[k] == "to":
            return False
    return i > 0 and lower[i - 1].endswith("ed") and lower[i - 1] not in ("need", "united")


def _participle(word: str) -> bool:
    return word.endswith(("ed", "en", "wn", "ne", "ght", "lt")) or word in ("made", "led", "built")


def _ordinal(first_words: list[str]) -> int | None:
    """Index (0 or 1) of the list marker opening a passage: "Second, ..." or "And third, ..."."""
    for k, w in enumerate(first_words):
        if w in _ORDINALS:
            return k
        if w not in ("and", "then", "but"):
            return None
    return None


def _announcement(doc: _Doc, evidence) -> tuple[str, int, str] | None:
    """A cue announced with a quantifier ("several challenges"): (kind, word index, words)."""
    for kind in ("challenge", "opportunity"):
        for i, j, _matched, _weight, note in evidence.get(kind, ()):
            if "announced" in note:
                return kind, i, " ".join(doc.words[i - 1:j])
    return None


def _evidence(doc: _Doc, hits: Iterable[_Hit]) -> tuple[Evidence, ...]:
    spans = doc.spans
    out = []
    for i, j, matched, weight, note in hits:
        start, end = spans[i][0], spans[j - 1][1]
        out.append(Evidence(doc.text[start:end], start, end, matched, round(weight, 3), note))
    return tuple(out)


def _kind_rule(kind: str, rule: str, hint: str, ch: float, op: float) -> str:
    """The kind decision in words."""
    if rule == "none":
        text = f"no kind cue reaches {KIND_MIN_SCORE:g} (challenge {ch:.3g}, opportunity {op:.3g})"
    elif rule == "mixed":
        margin = max(KIND_MIN_MARGIN, KIND_MIN_SHARE_MARGIN * max(ch, op))
        text = (f"challenge {ch:.3g} and opportunity {op:.3g} are within {margin:.3g}: "
                f"mixed, so context")
    else:
        high, low = (ch, op) if kind == "challenge" else (op, ch)
        text = f"{kind} {high:.3g} over {_other(kind)} {low:.3g}"
        return text + f"; {hint}" if hint else text
    return text + f" ({hint})" if hint else text


def _explanation(doc: _Doc, decision: tuple[str, str, str], scores: tuple[float, float],
                 evidence, sectors, actors) -> Explanation:
    rule = _kind_rule(*decision, *scores)
    kinds = (KindScore("challenge", round(scores[0], 3), _evidence(doc, evidence["challenge"])),
             KindScore("opportunity", round(scores[1], 3),
                       _evidence(doc, evidence["opportunity"])))
    n = len(doc.words)
    minimum = min_sector_score(n)
    top = max((row[1] for row in sectors), default=0.0)
    sector_scores = []
    for sector, score, tagged, why, hits in sectors:
        if why == "minimum":
            reason = f"score {score:.3g} < minimum {minimum:.3g} for {n} words"
        elif why == "share":
            reason = f"score {score:.3g} < {SECTOR_MIN_SHARE:g} × top score {top:.3g}"
        else:
            reason = f"score {score:.3g} ≥ minimum {minimum:.3g} for {n} words"
        sector_scores.append(SectorScore(sector, round(score, 3), tagged, _evidence(doc, hits),
                                         reason))
    sector_scores = tuple(sector_scores)
    mentions = []
    for actor, hits in actors:
        tagged = any(h[3] > 0 for h in hits)
        mentions.append(ActorMention(actor, _evidence(doc, hits), tagged,
                                     "" if tagged else hits[0][4]))
    return Explanation(
        kind_rule=rule, kinds=kinds, sectors=sector_scores, actors=tuple(mentions),
        thresholds={"sector_min_score": round(min_sector_score(len(doc.words)), 3),
                    "sector_min_share": SECTOR_MIN_SHARE,
                    "kind_min_score": KIND_MIN_SCORE, "kind_min_margin": KIND_MIN_MARGIN,
                    "kind_min_share_margin": KIND_MIN_SHARE_MARGIN})


_ATTRIBUTION = frozenset(("said", "says", "told", "according", "argued", "added", "noted"))
ATTRIBUTION_FACTOR = 0.0


def _discount_attribution(doc: _Doc, per: dict[str, list[_Hit]]) -> dict[str, list[_Hit]]:
    """Keywords in an attribution ("..., said Ann Lee, a professor at the university") describe
    the speaker, not the topic: from a clause-opening "said"/"according to" to the sentence end
    they do not count."""
    lower = doc.lower
    clause = doc.clause
    sentence = doc.sentence
    n = len(lower)
    marked: set[int] = set()
    for k in [k for k, w in enumerate(lower) if w in _ATTRIBUTION]:
        if k > 0 and clause[k - 1] == clause[k] and not (
                k > 1 and clause[k - 2] != clause[k]):
            continue  # "the minister said that ...": the report itself, not an attribution
        if lower[k] == "according" and not (k + 1 < n and lower[k + 1] == "to"):
            continue
        j = k
        while j < n and sentence[j] == sentence[k]:
            marked.add(j)
            j += 1
    if not marked:
        return per
    out: dict[str, list[_Hit]] = {}
    for sector, hits in per.items():
        out[sector] = [
            (i, j, matched, round(weight * ATTRIBUTION_FACTOR, 3),
             (note + ", " if note else "") + "in an attribution") if i in marked
            else (i, j, matched, weight, note)
            for i, j, matched, weight, note in hits]
    return out


def _in_name(doc: _Doc, i: int, j: int) -> bool:
    """Whether words i..j sit inside a longer capitalised name: "University of London",
    "Moscow State University", "Queen Victoria" (but not "Beijing's loyalty", "Beijing. The")."""
    words = doc.words
    if i > 1 and words[i - 1] == "of" and words[i - 2][:1].isupper():
        return True
    if i > 0 and words[i - 1][:1].isupper() and not words[i - 1].isupper() \
            and doc.clause[i - 1] == doc.clause[i] and doc.sentence_starts.count(i - 1) == 0:
        return True  # "Queen Victoria", "Maria Sofia" (but "Today Beijing said")
    if j < len(words) and not words[j - 1].endswith("'s") and words[j][:1].isupper() \
            and not words[j].isupper() and doc.sentence[j] == doc.sentence[j - 1] \
            and doc.clause[j] == doc.clause[j - 1]:
        return True
    return False


def _same_clause(doc: _Doc, a: int, b: int) -> bool:
    return doc.clause[a] == doc.clause[b]


def _ordinal_after(doc: _Doc, index: int) -> int | None:
    """Where a sentence after index opens a list ("First, ..."), if one does."""
    for start in doc.sentence_starts:
        if start > index and start < len(doc.words) and doc.lower[start] in (
                "first", "firstly", "one"):
            return start
    return None


def min_sector_score(words: int) -> float:
    """The score a sector needs in a passage of that many words."""
    return min(SECTOR_MAX_MIN_SCORE,
               SECTOR_MIN_SCORE + max(0, words - 25) * SECTOR_SCORE_PER_WORD)
