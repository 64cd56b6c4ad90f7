"""Passage filters shared by search, sectors, summary and export.

Repeated values of one field OR together; different fields AND together. Values are checked
against the taxonomy (and the corpus, for article ids) so a typo is an error with suggestions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from typing import TYPE_CHECKING

from brief_cli.errors import UnknownIdError, UsageError

if TYPE_CHECKING:  # (not imported at run time: a search without filters needs neither)
    from brief_cli.model import Article, Passage
    from brief_cli.taxonomy import Taxonomy


@dataclass(frozen=True)
class Filters:
    sectors: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    languages: tuple[str, ...] = ()  # article languages: "zh", "en"

    def __bool__(self) -> bool:
        return bool(self.sectors or self.kinds or self.actors or self.articles
                    or self.since or self.until or self.languages)

    def merge(self, other: Filters) -> Filters:
        """Both sets of filters (values of one field add up; the tighter date wins)."""
        def both(a, b):
            return tuple(dict.fromkeys(a + b))
        since = max((d for d in (self.since, other.since) if d), default=None)
        until = min((d for d in (self.until, other.until) if d), default=None)
        return Filters(both(self.sectors, other.sectors), both(self.kinds, other.kinds),
                       both(self.actors, other.actors), both(self.articles, other.articles),
                       since, until, both(self.languages, other.languages))

    def resolved(self, taxonomy: Taxonomy, article_ids: list[str] | None = None) -> Filters:
        """The same filters with every value checked and made canonical (ids)."""
        if self.since and self.until and self.since > self.until:
            raise UsageError(f"--since {self.since} is after --until {self.until}",
                             hint="swap the two dates")
        articles = self.articles
        if article_ids is not None:
            articles = expand_article_patterns(articles, article_ids)
        return replace(
            self,
            sectors=tuple(dict.fromkeys(taxonomy.require_sector(s) for s in self.sectors)),
            kinds=tuple(dict.fromkeys(taxonomy.require_kind(k) for k in self.kinds)),
            actors=tuple(dict.fromkeys(taxonomy.require_actor(a) for a in self.actors)),
            articles=tuple(dict.fromkeys(articles)),
            languages=tuple(dict.fromkeys(check_language(v) for v in self.languages)),
        )

    def accepts_article(self, article: Article) -> bool:
        if self.articles and article.id not in self.articles:
            return False
        if self.since and article.published < self.since:
            return False
        if self.until and article.published > self.until:
            return False
        if self.languages and language_code(article.language) not in self.languages:
            return False
        return True

    def accepts_passage(self, passage: Passage) -> bool:
        if self.kinds and passage.kind not in self.kinds:
            return False
        if self.sectors and not any(s in passage.sectors for s in self.sectors):
            return False
        if self.actors and not any(a in passage.actors for a in self.actors):
            return False
        return True

    def describe(self) -> dict[str, object]:
        """The filters in use, for front matter and JSON output."""
        out: dict[str, object] = {}
        for key in ("sectors", "kinds", "actors", "articles", "languages"):
            if getattr(self, key):
                out[key] = list(getattr(self, key))
        if self.since:
            out["since"] = self.since.isoformat()
        if self.until:
            out["until"] = self.until.isoformat()
        return out


PATTERN_CHARS = frozenset("*?[")


def is_pattern(value: str) -> bool:
    """Whether an article value is a shell-style pattern (``kaz-*``, ``un-20??-*``)."""
    return any(c in PATTERN_CHARS for c in value)


def expand_article_patterns(values: tuple[str, ...], article_ids: list[str]) -> tuple[str, ...]:
    """Article values checked against the corpus's ids, patterns expanded to the ids they
    match (in corpus order). An id that names nothing is an UnknownIdError with the closest
    ids; a pattern that matches no id is a UsageError."""
    known = set(article_ids)
    out: list[str] = []
    for value in values:
        if value in known:
            out.append(value)
        elif is_pattern(value):
            from fnmatch import fnmatchcase

            found = [a for a in article_ids if fnmatchcase(a, value)]
            if not found:
                raise UsageError(f"no article id matches {value!r}",
                                 hint="list the ids with: brief articles")
            out += found
        else:
            from brief_cli.taxonomy import closest

            raise UnknownIdError("article", value, closest(value, article_ids))
    return tuple(out)


def language_code(value: str | None) -> str:
    """The two-letter code of a language as articles record it ('zh-CN' -> 'zh')."""
    return (value or "").strip().lower().replace("_", "-").split("-")[0]


_LANGUAGE_NAMES = {"chinese": "zh", "english": "en", "中文": "zh", "汉语": "zh", "英文": "en"}


def check_language(value: str) -> str:
    """A --language value as a two-letter code: 'zh', 'en', 'zh-CN', 'chinese'."""
    text = value.strip().lower()
    code = _LANGUAGE_NAMES.get(text) or language_code(text)
    if not re.fullmatch(r"[a-z]{2,3}", code):
        raise UsageError(f"--language takes a language code like zh or en; got {value!r}")
    return code


def parse_date(value: str, option: str) -> date:
    """An ISO date, or a year (YYYY) or month (YYYY-MM): --since 2020 means 2020-01-01."""
    text = value.strip()
    try:
        if len(text) == 4 and text.isdigit():
            return date(int(text), 1, 1) if not option.endswith("until") else date(int(text), 12, 31)
        if len(text) == 7 and text[4] == "-":
            year, month = int(text[:4]), int(text[5:])
            if not option.endswith("until"):
                return date(year, month, 1)
            import calendar
            return date(year, month, calendar.monthrange(year, month)[1])
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} takes a date like 2024-07-05, 2024-07 or 2024; got {value!r}"
                         ) from None
