"""The taxonomy: kinds with their cue phrases, sectors with keywords, actors with their names.

See the README's "Taxonomy format" section for the file layout.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from brief_cli.errors import Problem, TaxonomyError, UnknownIdError
from brief_cli.model import KINDS

if TYPE_CHECKING:
    from brief_cli import yamlio

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ACTOR_TYPES = ("country", "organisation")


@dataclass(frozen=True, slots=True)
class Kind:
    id: str
    label: str
    description: str = ""
    cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Sector:
    id: str
    label: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    type: str
    iso3: str | None = None
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Every form that can name this actor in a filter or a corpus file."""
        return (self.id, self.name, *self.aliases, *((self.iso3,) if self.iso3 else ()))


def fold(text: str) -> str:
    """Case- and accent-insensitive key for names ("Côte d'Ivoire" == "cote d'ivoire")."""
    if text.isascii():  # most names: nothing to decompose or strip
        return " ".join(text.casefold().split())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'")
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Taxonomy:
    kinds: tuple[Kind, ...]
    sectors: tuple[Sector, ...]
    actors: tuple[Actor, ...]
    path: Path | None = None
    _sector_by_id: dict[str, Sector] = field(default_factory=dict, repr=False, compare=False)
    _actor_by_id: dict[str, Actor] = field(default_factory=dict, repr=False, compare=False)
    _actor_by_name: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._sector_by_id.update({s.id: s for s in self.sectors})
        self._actor_by_id.update({a.id: a for a in self.actors})

    def _names(self) -> dict[str, str]:
        """Every folded name to its actor id, built on first use (a search without an actor
        filter never needs the 1,700 names)."""
        if not self._actor_by_name and self.actors:
            # Ids first: the id 'nam' (Non-Aligned Movement) wins over Namibia's ISO code NAM.
            names = {fold(a.id): a.id for a in self.actors}
            for actor in self.actors:
                for name in actor.names():
                    names.setdefault(fold(name), actor.id)
            self._actor_by_name.update(names)
        return self._actor_by_name

    # sectors -----------------------------------------------------------------------------
    @property
    def sector_ids(self) -> list[str]:
        return [s.id for s in self.sectors]

    def sector(self, sector_id: str) -> Sector | None:
        return self._sector_by_id.get(sector_id)

    def require_sector(self, value: str) -> str:
        key = value.strip().lower()
        if key in self._sector_by_id:
            return key
        for s in self.sectors:  # a label ("Clean energy") names its sector too
            if fold(s.label) == fold(value):
                return s.id
        raise UnknownIdError("sector", value, closest(value, self.sector_ids),
                             otherwise="sectors are " + ", ".join(self.sector_ids))

    # kinds -------------------------------------------------------------------------------
    @property
    def kind_ids(self) -> list[str]:
        return [k.id for k in self.kinds]

    def kind(self, kind_id: str) -> Kind | None:
        return next((k for k in self.kinds if k.id == kind_id), None)

    def require_kind(self, value: str) -> str:
        key = value.strip().lower()
        if key in self.kind_ids:
            return key
        raise UnknownIdError("kind", value, closest(value, self.kind_ids) or self.kind_ids)

    # actors ------------------------------------------------------------------------------
    def actor(self, actor_id: str) -> Actor | None:
        return self._actor_by_id.get(actor_id)

    def resolve_actor(self, value: str) -> str | None:
        """The actor id for an id, name, alias or ISO code (case- and accent-insensitive)."""
        return self._names().get(fold(value))

    def require_actor(self, value: str) -> str:
        found = self.resolve_actor(value)
        if found:
            return found
        names = list(self._names())
        suggestions = []
        for name in closest(fold(value), names, limit=6, cutoff=75):
            actor_id = self._names()[name]
            if actor_id not in suggestions:
                suggestions.append(actor_id)
        raise UnknownIdError("actor", value, suggestions[:3],
                             otherwise="an actor is a country or organisation of the taxonomy, "
                                       "by id, name, alias or ISO code")

    def actor_name(self, actor_id: str) -> str:
        actor = self._actor_by_id.get(actor_id)
        return actor.name if actor else actor_id


def closest(value: str, choices: list[str], limit: int = 3, cutoff: float = 60) -> list[str]:
    """The choices nearest to value, best first (rapidfuzz WRatio)."""
    if not choices or not value:
        return []
    from rapidfuzz import fuzz, process

    found = process.extract(value, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=cutoff)
    return [choice for choice, _score, _index in found]


# loading -----------------------------------------------------------------------------------

_TOP_FIELDS = ("version", "kinds", "sectors", "actors")


def load_taxonomy(path: Path) -> Taxonomy:
    """Load and check a taxonomy file; raise TaxonomyError (file:line) on the first problems.

    A checked taxonomy is kept in the cache folder, keyed by the file's path, size and mtime and
    the tool's version: reading YAML with line marks costs a few hundred ms on every command.
    """
    from brief_cli import cachefile

    cached = _cache_file(path)
    taxonomy = cachefile.read(cached, "taxonomy")  # only an entry sealed with the user's key
    if isinstance(taxonomy, Taxonomy):
        return taxonomy
    taxonomy = _load_taxonomy(path)
    cachefile.write(cached, taxonomy)
    return taxonomy


def _cache_file(path: Path) -> Path | None:
    import hashlib  # here, not at the top: a search reads the taxonomy from the index instead

    from brief_cli import __version__
    from brief_cli.config import cache_dir

    try:
        stat = path.stat()
        code = Path(__file__).stat()  # a changed loader must not read an old entry
        key = (f"{__version__}|{code.st_size}|{code.st_mtime_ns}|{path.resolve()}"
               f"|{stat.st_size}|{stat.st_mtime_ns}|{_companion_stat(path)}")
    except OSError:
        return None
    return cache_dir() / "taxonomy" / (hashlib.sha1(key.encode()).hexdigest() + ".sealed")


def _companion_stat(path: Path) -> str:
    """Size and mtime of the Chinese terms file beside the taxonomy ("" when none)."""
    from brief_cli.lang.terms import companion

    try:
        stat = companion(path).stat()
    except OSError:
        return ""
    return f"{stat.st_size}|{stat.st_mtime_ns}"


def _load_taxonomy(path: Path) -> Taxonomy:
    from brief_cli import yamlio  # PyYAML only when the file is read, not from the cache

    try:
        doc = yamlio.load_file(path)
    except yamlio.YamlProblem as exc:
        raise TaxonomyError(str(exc.problem)) from None
    problems: list[Problem] = []
    taxonomy = _build(doc, problems)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise TaxonomyError(f"{errors[0]}{more}", hint="fix the taxonomy file")
    assert taxonomy is not None
    from brief_cli.lang.terms import with_chinese_terms

    return with_chinese_terms(taxonomy, path)  # taxonomy.zh.yaml beside it, if any


def _str_list(doc: yamlio.Document, value, problems: list[Problem], *keys) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(doc.problem("expected a list of non-empty strings", *keys))
        return ()
    return tuple(v.strip() for v in value)


def _build(doc: yamlio.Document, problems: list[Problem]) -> Taxonomy | None:
    data = doc.data
    if not isinstance(data, dict):
        problems.append(doc.problem("a taxonomy is a mapping with kinds, sectors and actors"))
        return None
    for key in data:
        if key not in _TOP_FIELDS:
            problems.append(doc.problem(f"unknown field {key!r}", key, at_key=True,
                                        hint=_did_you_mean(str(key), _TOP_FIELDS)))

    kinds: list[Kind] = []
    for i, item in enumerate(_list(doc, data, "kinds", problems)):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            problems.append(doc.problem("a kind needs an id", "kinds", i))
            continue
        if item["id"] not in KINDS:
            problems.append(doc.problem(f"unknown kind {item['id']!r}", "kinds", i, "id",
                                        hint="kinds are " + ", ".join(KINDS)))
            continue
        kinds.append(Kind(item["id"], str(item.get("label") or item["id"].title()),
                          str(item.get("description") or ""),
                          _str_list(doc, item.get("cues"), problems, "kinds", i, "cues")))
    have = {k.id for k in kinds}
    kinds += [Kind(k, k.title()) for k in KINDS if k not in have]
    kinds.sort(key=lambda k: KINDS.index(k.id))

    sectors: list[Sector] = []
    seen: set[str] = set()
    for i, item in enumerate(_list(doc, data, "sectors", problems)):
        sector_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(sector_id, str) or not SLUG_RE.match(sector_id):
            problems.append(doc.problem("a sector needs an id, a lowercase slug like 'clean-energy'",
                                        "sectors", i))
            continue
        if sector_id in seen:
            problems.append(doc.problem(f"duplicate sector id {sector_id!r}", "sectors", i, "id"))
            continue
        seen.add(sector_id)
        sectors.append(Sector(
            sector_id, str(item.get("label") or sector_id), str(item.get("description") or ""),
            tuple(k.lower() for k in _str_list(doc, item.get("keywords"), problems,
                                               "sectors", i, "keywords")),
            tuple(k.lower() for k in _str_list(doc, item.get("aliases"), problems,
                                               "sectors", i, "aliases"))))

    actors: list[Actor] = []
    seen = set()
    for i, item in enumerate(_list(doc, data, "actors", problems)):
        actor_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(actor_id, str) or not SLUG_RE.match(actor_id):
            problems.append(doc.problem("an actor needs an id, a lowercase slug like 'south-africa'",
                                        "actors", i))
            continue
        if actor_id in seen:
            problems.append(doc.problem(f"duplicate actor id {actor_id!r}", "actors", i, "id"))
            continue
        seen.add(actor_id)
        actor_type = item.get("type", "country")
        if actor_type not in ACTOR_TYPES:
            problems.append(doc.problem(f"unknown actor type {actor_type!r}", "actors", i, "type",
                                        hint="use country or organisation"))
        iso3 = item.get("iso3")
        actors.append(Actor(
            actor_id, str(item.get("name") or actor_id), str(actor_type),
            str(iso3) if iso3 else None,
            _str_list(doc, item.get("aliases"), problems, "actors", i, "aliases"),
            _str_list(doc, item.get("demonyms"), problems, "actors", i, "demonyms"),
            _str_list(doc, item.get("capitals"), problems, "actors", i, "capitals")))
    if not sectors:
        problems.append(doc.problem("the taxonomy defines no sectors", "sectors"))
    return Taxonomy(tuple(kinds), tuple(sectors), tuple(actors), doc.path)


def _list(doc: yamlio.Document, data: dict, key: str, problems: list[Problem]) -> list:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(doc.problem(f"{key!r} must be a list", key))
        return []
    return value


def _did_you_mean(value: str, choices) -> str | None:
    found = closest(value, list(choices), limit=1)
    return f"did you mean {found[0]!r}?" if found else None
