"""The compiled taxonomy and the matching of its words in a passage.

Everything the taxonomy says is compiled once into dictionaries keyed by token sequences:
sector keywords and kind cues by their Snowball stems (so "pipelines" and "investing" match
"pipeline" and "investment"), actor names by their written form (see ``actors``); the compiled
form is kept in the cache folder. Matching a passage is one pass over its tokens with a
dictionary lookup per token, whatever the size of the taxonomy; a word must be an inflection
of a keyword's word, not merely share its stem ("important" is not "import"). Long lowercase
words that are no keyword's word are checked for misspellings of one (fuzzy matching).

``Lexicon.doc`` turns a passage into tokens (with the tokeniser registered for its language,
see ``tokens``) and ``Lexicon.matches`` finds the keywords and cues in it; everything after
works on those matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from brief_cli.tagging.actors import compile_actors
from brief_cli.tagging.senses import SENSES
from brief_cli.tagging.tokens import (
    DEFAULT_TOKENISER, MARK_FIRST, Doc, normalise, tokeniser_for, words as _words,
)
from brief_cli.lang import HAN_RE as _HAN
from brief_cli.taxonomy import Taxonomy
from brief_cli.text import stem as _stem

FUZZY_MIN_LENGTH = 8
FUZZY_CUTOFF = 92.0
WEIGHTS = {"alias": 2.0, "phrase": 1.75, "word": 1.0}
_LONG_WORD_RE = re.compile(r"\b[a-z]\w{%d,}" % 7)  # lowercase: names are not misspellings


def _long_words(doc: Doc) -> list[str]:
    """``_LONG_WORD_RE.findall(doc.text)``; from the words when the spaced tokeniser made them
    (a word is runs of letters and digits joined by apostrophes: the expression finds the runs
    of 8 or more that start with a lower-case letter, in order), which costs far less."""
    if doc.tokeniser is not DEFAULT_TOKENISER:
        return _LONG_WORD_RE.findall(doc.text)
    return [run for word in doc.words if len(word) >= 8
            for run in (word.split("'") if "'" in word else (word,))
            if len(run) >= 8 and "a" <= run[0] <= "z"]
# Contrast and concession words are kind cues in the taxonomy but act through the structure.
_STRUCTURAL = frozenset(_stem(w) for w in ("however", "despite", "but", "although", "yet"))


@dataclass(frozen=True, slots=True)
class Entry:
    """One taxonomy phrase as compiled: what it is evidence for, and how much."""

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



def _word_count(key: tuple[str, ...]) -> int:
    """Words in a compiled phrase. Chinese is compiled a character a token; a term of up to
    three characters is one word (风险, 天然气), a longer one a phrase (一带一路)."""
    if key and _HAN.match(key[0]):
        return 1 if len(key) <= 3 else 2
    return len(key)


# Hits of a phrase in a passage: (first word, end word, entries, note).
Match = tuple


class Lexicon:
    """The taxonomy compiled for matching; built once per taxonomy (and cached on disk)."""

    def __init__(self, taxonomy: Taxonomy, *, use_cache: bool = True):
        self.fuzzy_cache: dict[str, str | None] = {}
        self.match_memo: dict = {}
        cache_file = _compiled_cache_file(taxonomy) if use_cache else None
        state = _read_compiled(cache_file) if cache_file is not None else None
        if state is not None:
            self.__dict__.update(state)
            return
        self.stem_cache: dict[str, str] = {}
        self.phrases: dict[tuple[str, ...], list[Entry]] = {}  # stems tuple -> entries
        self.vocab_words: dict[str, str] = {}  # long keyword word -> its stem (for fuzzy)
        self.known_stems: set[str] = set()
        self._compile_sectors(taxonomy)
        self._compile_kinds(taxonomy)
        # first stem -> the lengths of the phrases starting with it, longest first
        lengths: dict[str, set[int]] = {}
        for key in self.phrases:
            lengths.setdefault(key[0], set()).add(len(key))
        self.lengths = {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}
        # actor names -> ids (() = not an actor), first word -> longest name, name -> how
        self.actor_names, self.actor_first, self.actor_kind = compile_actors(taxonomy)
        if cache_file is not None:
            _write_compiled(cache_file, {name: getattr(self, name) for name in _COMPILED})

    # compiling --------------------------------------------------------------------------
    def stem(self, word: str) -> str:
        found = self.stem_cache.get(word)
        if found is None:
            found = _stem(word)
            if len(self.stem_cache) < 500_000:
                self.stem_cache[word] = found
        return found

    def key(self, phrase: str) -> tuple[str, ...]:
        """The stems of a phrase: how it is looked up."""
        return tuple(self.stem(w) for w in _words(normalise(phrase)))

    def _forms(self, phrase: str) -> tuple[tuple[str, str], ...]:
        forms = []
        for w in _words(normalise(phrase)):
            st = self.stem(w)
            forms.append((st, _suffix(w.lower(), st) or ""))
        return tuple(forms)

    def _add(self, key: tuple[str, ...], entry: Entry) -> None:
        if not key:
            return
        entries = self.phrases.setdefault(key, [])
        if any(e.category == entry.category and e.target == entry.target
               and e.forms == entry.forms for e in entries):
            return
        entries.append(entry)
        self.known_stems.update(key)

    def _compile_sectors(self, taxonomy: Taxonomy) -> None:
        for sector in taxonomy.sectors:
            heads = {sector.id.replace("-", " "), sector.label.lower()}
            for phrase in (*sector.keywords, *sector.aliases, *heads):
                key = self.key(phrase)
                if phrase in sector.aliases or phrase in heads:
                    kind = "alias"
                elif _word_count(key) > 1:
                    kind = "phrase"
                else:
                    kind = "word"
                self._add(key, Entry("sector", sector.id, phrase, WEIGHTS[kind],
                                     "" if kind == "word" else kind, self._forms(phrase)))
                for word in _words(phrase):
                    if len(word) >= FUZZY_MIN_LENGTH and word.isalpha():
                        self.vocab_words.setdefault(word.lower(), self.stem(word))
        # Idioms, matched apart: a keyword that overlaps one does not count ("regional
        # security environment" is no environment); the idiom is evidence for the sector it
        # names, if any.
        sector_ids = {s.id for s in taxonomy.sectors}
        self.idioms: dict[tuple[str, ...], Entry] = {}
        idiom_lengths: dict[str, set[int]] = {}
        for phrase, target in SENSES.items():
            key = self.key(phrase)
            if not key:
                continue
            if target and target not in sector_ids:
                target = ""
            self.idioms[key] = Entry("sector", target, phrase, WEIGHTS["word"] if target else 0.0,
                                     "idiom", self._forms(phrase))
            idiom_lengths.setdefault(key[0], set()).add(len(key))
        self.idiom_lengths = {k: tuple(sorted(v, reverse=True)) for k, v in idiom_lengths.items()}
        # A keyword that names several sectors is evidence for each, but less for any one.
        # (Only the same words: "hospital" and "hospitality" share a stem, not a keyword.)
        for key, entries in self.phrases.items():
            owners: dict[tuple, set[str]] = {}
            for e in entries:
                if e.category == "sector":
                    owners.setdefault(e.forms, set()).add(e.target)
            if all(len(sectors) == 1 for sectors in owners.values()):
                continue
            entries[:] = [
                Entry(e.category, e.target, e.matched,
                      round(e.weight / len(owners[e.forms]), 3),
                      (e.note + ", " if e.note else "") +
                      f"shared by {len(owners[e.forms])} sectors", e.forms)
                if e.category == "sector" and len(owners.get(e.forms, ())) > 1 else e
                for e in entries]

    def _compile_kinds(self, taxonomy: Taxonomy) -> None:
        for kind in taxonomy.kinds:
            for cue in kind.cues:
                key = self.key(cue)
                if len(key) == 1 and key[0] in _STRUCTURAL:
                    continue  # contrast and concession words act through the structure
                phrase = _word_count(key) > 1
                weight = 1.5 if phrase else 1.0
                self._add(key, Entry("kind", kind.id, cue, weight,
                                     "phrase" if phrase else "", self._forms(cue)))

    # tokens -----------------------------------------------------------------------------
    def doc(self, text: str) -> Doc:
        """The passage as tokens, with the stems of its words."""
        text = normalise(text)
        tokeniser = tokeniser_for(text)
        tokens = tokeniser.tokens(text)
        words = [t for t in tokens if t[0] not in MARK_FIRST]
        stems = list(map(self.stem_cache.get, words))
        if None in stems:
            stem = self.stem
            stems = [st if st is not None else stem(w) for st, w in zip(stems, words)]
        return Doc(text, tokens, words, stems, tokeniser)

    def _fuzzy(self, word: str) -> str | None:
        """The stem of the keyword word a long unknown word is a misspelling of, if any."""
        low = word.lower()
        from rapidfuzz import fuzz, process

        found = None
        if low.isalpha():
            # Only keyword words with the same first letter and a length within two can be the
            # word meant: compare with those alone (a few dozen instead of thousands).
            buckets = self.__dict__.get("_vocab_buckets")
            if buckets is None:
                buckets = self._vocab_buckets = {}
                for w in self.vocab_words:
                    buckets.setdefault((w[0], len(w)), []).append(w)
            choices = [w for n in range(len(low) - 2, len(low) + 3)
                       for w in buckets.get((low[0], n), ())]
            best = process.extractOne(low, choices, scorer=fuzz.ratio,
                                      score_cutoff=FUZZY_CUTOFF) if choices else None
            if best is not None:
                found = self.vocab_words[best[0]]
        if len(self.fuzzy_cache) > 100_000:
            self.fuzzy_cache.clear()
        return found

    # matching ---------------------------------------------------------------------------
    def matches(self, doc: Doc) -> tuple[list[Match], list[Match]]:
        """Longest-first matches of sector keywords and of kind cues, apart: two lists of
        (first word, end word, entries, note)."""
        stems = doc.stems
        words = doc.words
        n = len(stems)
        known = self.known_stems
        fixed: dict[int, str] = {}
        fuzzy_cache = self.fuzzy_cache
        stem_cache = self.stem_cache
        for word in _long_words(doc):
            corrected = fuzzy_cache.get(word, 0)
            if corrected == 0:
                corrected = None if (stem_cache.get(word) or self.stem(word)) in known \
                    else self._fuzzy(word)
                fuzzy_cache[word] = corrected
            if corrected is not None:
                fixed.update((k, corrected) for k, w in enumerate(words) if w == word)
        lower = doc.lower
        if "mine" in lower:
            for k in _pronoun_mines(doc):
                fixed[k] = "mine (pronoun)"  # matches nothing: "the choice is mine"
        if fixed:
            stems = list(stems)
            for i, st in fixed.items():
                stems[i] = st
        lengths = self.lengths
        phrases = self.phrases
        memo = self.match_memo
        sector_hits: list[Match] = []
        idiom_hits, covered = self._idioms(stems, words, fixed) \
            if not self.idiom_lengths.keys().isdisjoint(stems) else ((), ())
        kind_hits: list[Match] = []
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
                if open_sector and chosen[0] and covered and not covered.isdisjoint(
                        range(i, i + length)):
                    pass  # inside or across an idiom: the idiom says what it means
                elif open_sector and chosen[0]:
                    sector_hits.append((i, i + length, chosen[0], note))
                    taken_sector = i + length
                    open_sector = False
                if open_kind and chosen[1]:
                    kind_hits.append((i, i + length, chosen[1], note))
                    taken_kind = i + length
                    open_kind = False
                if not (open_sector or open_kind):
                    break
        if idiom_hits:
            sector_hits = sorted(sector_hits + idiom_hits, key=lambda hit: hit[0])
        return sector_hits, kind_hits

    def _idioms(self, stems: list[str], words: list[str], fixed
                ) -> tuple[list[Match], set[int]]:
        """Idioms in the passage, longest first: their hits and the words they cover."""
        hits: list[Match] = []
        covered: set[int] = set()
        n = len(stems)
        idioms = self.idioms
        for i, st in enumerate(stems):
            if i in covered or st not in self.idiom_lengths:
                continue
            for length in self.idiom_lengths[st]:
                if i + length > n:
                    continue
                entry = idioms.get(tuple(stems[i:i + length]))
                if entry is not None and _forms_match(words, i, entry, fixed):
                    covered.update(range(i, i + length))
                    hits.append((i, i + length, [entry], ""))
                    break
        return hits, covered

    def _choose(self, words: list[str], i: int, entries: list[Entry], fixed
                ) -> tuple[list[Entry], list[Entry]]:
        """The entries whose words really are at i (not just their stems): (sectors, kinds)."""
        sectors: list[Entry] = []
        kinds: list[Entry] = []
        for e in entries:
            chosen = sectors if e.category == "sector" else kinds
            if all(c.target != e.target for c in chosen) and _forms_match(words, i, e, fixed):
                chosen.append(e)
        return sectors, kinds


def _forms_match(words: list[str], i: int, entry: Entry, fixed) -> bool:
    for k, (st, suffix) in enumerate(entry.forms):
        if i + k in fixed:
            continue
        if not _same_word(words[i + k].lower(), st, suffix):
            return False
    return True


# the compiled taxonomy, kept in the cache folder ---------------------------------------------

# Stemming the taxonomy's ~1,000 words with the pure-Python Snowball stemmer takes a few hundred
# milliseconds; a command that tags one sentence should not pay that every time.
_COMPILED = ("stem_cache", "phrases", "vocab_words", "known_stems", "lengths", "idioms",
             "idiom_lengths",
             "actor_names", "actor_first", "actor_kind")


def _compiled_cache_file(taxonomy: Taxonomy):
    """Where the compiled form of this taxonomy is kept: keyed by its content and this code."""
    import hashlib
    import os
    from pathlib import Path

    try:
        from brief_cli.config import cache_dir

        here = sorted(Path(__file__).parent.glob("*.py"))
        code = [(p.name, os.stat(p).st_size, os.stat(p).st_mtime_ns) for p in here]
        content = repr((taxonomy.kinds, taxonomy.sectors, taxonomy.actors, code))
        digest = hashlib.sha1(content.encode("utf-8")).hexdigest()
        return cache_dir() / "tagger" / f"{digest}.sealed"
    except Exception:  # no cache folder: compile every time
        return None


def _read_compiled(path) -> dict | None:
    from brief_cli import cachefile

    state = cachefile.read(path, "tagger")  # only an entry sealed with the user's key
    if not isinstance(state, dict) or set(state) != set(_COMPILED):
        return None
    return state


def _write_compiled(path, state: dict) -> None:
    from brief_cli import cachefile

    cachefile.write(path, state)


# "mine" is the noun (a coal mine) after a determiner, a possessive or a modifier; the pronoun
# ("the choice is mine", "a friend of mine", "yours and mine", "Mine is a small country")
# follows a copula, a preposition or a conjunction, or opens a sentence before a verb.
_BEFORE_PRONOUN_MINE = frozenset("""
is are was were be been being am remains remain remained become becomes became seems seemed
of and or nor than like as not also too alone yours hers ours theirs his""".split())
_AFTER_PRONOUN_MINE = frozenset("""
is are was were has have had will would can could may might must shall should does did
too also alone as""".split())


def _pronoun_mines(doc: Doc) -> list[int]:
    """Where the word "mine" is the pronoun, not a mine."""
    lower = doc.lower
    sentence = doc.sentence
    n = len(lower)
    found = []
    for k, w in enumerate(lower):
        if w != "mine":
            continue
        before = lower[k - 1] if k and sentence[k - 1] == sentence[k] else None
        after = lower[k + 1] if k + 1 < n and sentence[k + 1] == sentence[k] else None
        if before in _BEFORE_PRONOUN_MINE or (before is None and (
                after is None or after in _AFTER_PRONOUN_MINE)):
            found.append(k)
    return found
