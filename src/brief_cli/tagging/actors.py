"""Actors: the countries and organisations a passage names.

Actor names are matched by their written form, not their stems: case matters ("US" and "WHO"
match only in capitals, names only capitalised), names are matched without accents and in the
possessive ("China's") too, demonyms ("Kazakh", "Americans") and capitals count ("Beijing
said"), but a capital as a place ("in Beijing") or inside a longer name ("Beijing Normal
University") does not, nor does a name shared by several actors.
"""

from __future__ import annotations

from brief_cli.lang import HAN_RE
from brief_cli.tagging.results import Hit
from brief_cli.tagging.tokens import Doc, fold_accents, normalise, words as _words
from brief_cli.taxonomy import Taxonomy

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


def _is_abbreviation(form: str) -> bool:
    letters = [c for c in form if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


def compile_actors(taxonomy: Taxonomy) -> tuple[dict, dict, dict]:
    """(names, first, how): name words -> actor ids (() = not an actor); first word -> the
    longest name it opens; name words -> "name" | "alias" | "demonym" | "capital"."""
    names: dict[tuple[str, ...], tuple[str, ...]] = {}
    first: dict[str, int] = {}
    kinds: dict[tuple[str, ...], str] = {}
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
                base = tuple(_words(normalise(variant)))
                if not base:
                    continue
                # As written and without accents, and possessive ("China's"), so that
                # matching needs no per-word normalising.
                keys = {base, tuple(_words(fold_accents(normalise(variant))))}
                for key in keys - _ENGLISH_WORDS:
                    for k in (key, key[:-1] + (key[-1] + "'s",)):
                        owners.setdefault(k, set()).add(actor.id)
                        forms.setdefault(k, how)
    for key, ids in owners.items():
        names[key] = tuple(sorted(ids))
        kinds[key] = forms[key]
    for name in _NOT_ACTORS:
        key = tuple(_words(name))
        names[key] = ()
        kinds[key] = "not an actor"
    for key in names:
        first[key[0]] = max(first.get(key[0], 0), len(key))
    return names, first, kinds


def find_actors(doc: Doc, names: dict, first: dict, kinds: dict
                ) -> list[tuple[str, list[Hit]]]:
    """Actor mentions in order of first mention: (actor id, hits); weight 0 = not counted."""
    words = doc.words
    n = len(words)
    found = [i for i, w in enumerate(words) if w in first]
    if not found:
        return []
    mentions: dict[str, list[Hit]] = {}
    taken = 0
    for i in found:
        if i < taken:
            continue
        for length in range(min(first[words[i]], n - i), 0, -1):
            key = tuple(words[i:i + length]) if length > 1 else (words[i],)
            ids = names.get(key)
            if ids is None:
                continue
            how = kinds[key]
            matched = ("" if HAN_RE.match(key[0]) else " ").join(key)  # 中国, not 中 国
            if len(ids) == 1:
                if how == "capital" and i > 0 and words[i - 1].lower() in _LOCATIVE:
                    hit = (i, i + length, matched, 0.0,
                           f"capital as a place (after {words[i - 1]!r})")
                elif how == "capital" and in_name(doc, i, i + length):
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


def tagged_actors(mentions: list[tuple[str, list[Hit]]]) -> tuple[str, ...]:
    """The actors with at least one counted mention, in order of first mention."""
    return tuple([a for a, hits in mentions if any(h[3] > 0 for h in hits)])


def in_name(doc: Doc, i: int, j: int) -> bool:
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

