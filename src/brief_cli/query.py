"""The search query language, parsed into a safe structure.

    pipeline risk            words are ANDed
    "silk road"              an exact phrase
    solar OR wind            either word
    -coal  /  NOT coal       exclude passages with the word
    invest*                  a prefix
    sector:energy kind:challenge actor:china article:ID since:2020 until:2024-06 lang:zh
                             inline filters (the same as --sector, --kind ...)

Every string parses: unbalanced quotes close at the end, punctuation that is not part of the
language is ignored, and ``to_fts`` builds an FTS5 expression from quoted strings only, so no
user text ever reaches the engine as syntax.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from brief_cli.errors import UsageError
from brief_cli.filters import Filters, parse_date
from brief_cli.lang import HAN_RE, HAN_RUN_RE, has_han

# The columns of the index that passage text is searched in (words, Chinese characters).
TEXT_COLUMNS = "{text cjk}"

# The tokens a word is made of: letters and digits (close to FTS5's unicode61 tokenizer).
TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)

MAX_TERMS = 64

FIELDS = {
    "sector": "sectors", "sectors": "sectors",
    "kind": "kinds", "kinds": "kinds",
    "actor": "actors", "actors": "actors",
    "article": "articles", "articles": "articles",
    "since": "since", "until": "until",
    "lang": "languages", "language": "languages",
}


@dataclass(frozen=True)
class Term:
    """One searchable unit: a word, a phrase (quoted, or a word with inner punctuation) or a
    prefix. ``tokens`` are its word tokens in order."""

    text: str
    tokens: tuple[str, ...]
    quoted: bool = False
    prefix: bool = False

    @property
    def is_word(self) -> bool:
        """A single plain word: the only kind of term typo tolerance applies to."""
        return (len(self.tokens) == 1 and not self.prefix and not self.quoted
                and not self.chinese)

    @property
    def chinese(self) -> bool:
        """Whether the term holds Chinese characters (searched through the segmenter)."""
        return any(has_han(t) for t in self.tokens)

    def fts(self) -> str:
        """This term as an FTS5 string: always quoted, inner quotes doubled.

        A Chinese term is cut into words as the passages were, and also searched as a phrase
        of its characters in the ``cjk`` column, so it is found whatever the segmenter did
        with the text around it ("一带一路" in "共建“一带一路”")."""
        if not self.chinese:
            quoted = '"' + " ".join(self.tokens).replace('"', '""') + '"'
            return quoted + "*" if self.prefix else quoted
        from brief_cli.lang.segment import query_chars, query_words

        words = [w for t in self.tokens for w in query_words(t)]
        quoted = '"' + " ".join(words).replace('"', '""') + '"' + ("*" if self.prefix else "")
        if not all(HAN_RUN_RE.fullmatch(t) for t in self.tokens):
            return f"text : {quoted}"  # mixed ("5G网络"): words only
        chars = " ".join(c for t in self.tokens for c in query_chars(t))
        return f'(text : {quoted} OR cjk : "{chars}")'

    def __str__(self) -> str:
        body = " ".join(self.tokens)
        if self.quoted or len(self.tokens) > 1:
            body = f'"{body}"'
        return body + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Query:
    """A parsed query: clauses ANDed together, each an OR of terms; excluded terms; filters."""

    text: str
    clauses: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    filters: Filters = field(default_factory=Filters)

    @property
    def has_terms(self) -> bool:
        return bool(self.clauses or self.excluded)

    def terms(self) -> list[Term]:
        """Every positive term, in query order."""
        return [t for clause in self.clauses for t in clause]

    def to_fts(self, replace: dict[Term, tuple[Term, ...]] | None = None) -> str:
        """The FTS5 MATCH expression of the positive clauses minus the excluded terms.

        ``replace`` swaps a term for alternatives (typo corrections); a term replaced by
        nothing drops out of its clause. Returns "" when no positive clause is left.
        """
        replace = replace or {}
        parts = []
        for clause in self.clauses:
            alternatives: list[str] = []
            for term in clause:
                for t in replace.get(term, (term,)):
                    if t.fts() not in alternatives:
                        alternatives.append(t.fts())
            if not alternatives:
                continue
            parts.append(alternatives[0] if len(alternatives) == 1
                         else "(" + " OR ".join(alternatives) + ")")
        if not parts:
            return ""
        expr = " AND ".join(parts)
        if self.excluded:
            expr = f"({expr}) NOT (" + " OR ".join(t.fts() for t in self.excluded) + ")"
        return expr

    def excluded_fts(self) -> str:
        return " OR ".join(t.fts() for t in self.excluded)

    def describe(self, replace: dict[Term, tuple[Term, ...]] | None = None) -> str:
        """The query as searched, for "showing results for ..." (filters left out)."""
        replace = replace or {}
        parts = []
        for clause in self.clauses:
            shown = []
            for term in clause:
                alts = replace.get(term, (term,))
                shown.append(" OR ".join(str(t) for t in alts) if alts else str(term))
            parts.append(" OR ".join(shown))
        parts += ["-" + str(t) for t in self.excluded]
        return " ".join(parts)


# Parsing ----------------------------------------------------------------------------------

class _Tok:
    __slots__ = ("kind", "text", "quoted", "negated", "field")

    def __init__(self, kind: str, text: str = "", quoted: bool = False, negated: bool = False,
                 field: str = ""):
        self.kind = kind  # "term" | "or" | "not" | "filter"
        self.text = text
        self.quoted = quoted
        self.negated = negated
        self.field = field


def _lex(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        negated = False
        if c in "-+" and i + 1 < n and not text[i + 1].isspace():
            negated = c == "-"
            i += 1
            c = text[i]
        if c == '"':
            end = text.find('"', i + 1)
            end = n if end < 0 else end
            body = text[i + 1:end]
            i = end + 1
            prefix = i < n and text[i] == "*"
            if prefix:
                i += 1
            toks.append(_Tok("term", body + ("*" if prefix else ""), quoted=True,
                             negated=negated))
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] != '"':
            i += 1
        word = text[start:i]
        name, colon, value = word.partition(":")
        if colon and name.lower() in FIELDS:
            if not value and i < n and text[i] == '"':  # field:"quoted value"
                end = text.find('"', i + 1)
                end = n if end < 0 else end
                value = text[i + 1:end]
                i = end + 1
            if value.strip():
                toks.append(_Tok("filter", value.strip(), negated=negated,
                                 field=FIELDS[name.lower()]))
                continue
        if not negated and word == "OR":
            toks.append(_Tok("or"))
        elif not negated and word == "NOT":
            toks.append(_Tok("not"))
        elif not negated and word == "AND":
            continue
        else:
            toks.append(_Tok("term", word, negated=negated))
    return toks


def _term(tok: _Tok) -> Term | None:
    raw = tok.text
    prefix = raw.endswith("*")
    tokens = tuple(TOKEN_RE.findall(raw.rstrip("*")))
    if not tokens:
        return None
    # A word with inner punctuation ("long-term", "U.S.") is searched as a phrase of its parts;
    # a prefix only makes sense when something precedes the star.
    return Term(raw.rstrip("*"), tokens, quoted=tok.quoted, prefix=prefix)


def _check_or(left: _Tok, right: _Tok) -> None:
    """OR may join words, or two values of one filter field; anything else would silently
    mean AND, so it is refused."""
    if left.kind == "term" and right.kind == "term":
        return
    if left.kind == right.kind == "filter" and left.field == right.field \
            and left.field not in ("since", "until"):
        return
    shown = [f"{t.field.rstrip('s')}:{t.text}" if t.kind == "filter" else t.text
             for t in (left, right)]
    raise UsageError(
        f"OR cannot join {shown[0]!r} and {shown[1]!r}",
        hint="OR joins words, or two values of one filter (sector:energy OR sector:trade); "
             "other filters always narrow the search")


def parse(text: str) -> Query:
    """Parse a query string; never fails on syntax (see the module docstring).

    Raises UsageError only for an excluded filter (``-sector:energy``), OR next to a filter
    (filters of one field are ORed already; ``sector:energy OR kind:challenge`` cannot be said),
    a bad inline date, or a query with more than MAX_TERMS terms.

    The text is NFC-normalised first, so a decomposed accent (``e`` + U+0301) is the same
    letter as the precomposed one; the index then folds diacritics alike for both.
    """
    text = unicodedata.normalize("NFC", text or "")
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    values: dict[str, list[str]] = {"sectors": [], "kinds": [], "actors": [], "articles": [],
                                    "languages": []}
    since: date | None = None
    until: date | None = None
    pending_or = False
    pending_not = False
    previous: _Tok | None = None  # the last term or filter, to check what an OR joins
    or_after: _Tok | None = None
    for tok in _lex(text):
        if tok.kind == "or":
            pending_or = bool(clauses)
            or_after = previous
            continue
        if or_after is not None and tok.kind in ("term", "filter"):
            _check_or(or_after, tok)
            or_after = None
        if tok.kind in ("term", "filter"):
            previous = tok
        if tok.kind == "not":
            pending_not = True
            continue
        if tok.kind == "filter":
            if tok.negated or pending_not:
                raise UsageError(f"cannot exclude a filter ({tok.field.rstrip('s')}:{tok.text})",
                                 hint="filters only keep passages; choose the values to keep")
            if tok.field == "since":
                since = parse_date(tok.text, "--since")
            elif tok.field == "until":
                until = parse_date(tok.text, "--until")
            else:
                values[tok.field].append(tok.text)
            pending_or = pending_not = False
            continue
        term = _term(tok)
        negated = tok.negated or pending_not
        was_or, pending_or, pending_not = pending_or, False, False
        if term is None:
            continue
        if negated:
            if term not in excluded:
                excluded.append(term)
        elif was_or:
            if term not in clauses[-1]:
                clauses[-1].append(term)
        elif [term] not in clauses:
            clauses.append([term])
    count = sum(len(c) for c in clauses) + len(excluded)
    if count > MAX_TERMS:
        raise UsageError(f"the query has {count} terms; at most {MAX_TERMS} are allowed",
                         hint="search for fewer words")
    filters = Filters(sectors=tuple(values["sectors"]), kinds=tuple(values["kinds"]),
                      actors=tuple(values["actors"]), articles=tuple(values["articles"]),
                      since=since, until=until, languages=tuple(values["languages"]))
    return Query(text or "", tuple(tuple(c) for c in clauses), tuple(excluded), filters)
