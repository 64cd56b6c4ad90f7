"""Article ids and fallback titles."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Sequence

from brief_cli.errors import UsageError
from brief_cli.ingest.reading import squash
from brief_cli.lang import has_han
from brief_cli.taxonomy import SLUG_RE


def slugify(title: str, *, max_length: int = 60) -> str:
    """A lowercase, hyphenated id from a title, at most ``max_length`` characters:
    'Kazakhstan a BRI partner' -> 'kazakhstan-a-bri-partner'."""
    folded = unicodedata.normalize("NFKD", title)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    folded = folded.replace("'", "").replace("’", "")
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length + 1]
        slug = cut[:cut.rfind("-")] if "-" in cut else slug[:max_length]
    return slug.strip("-") or "article"


# Words an id can do without: 'us-debt-trap-diplomacy-rhetoric', not 'as-us-debt-trap-...'.
STOP_WORDS = frozenset(
    "a an the of and or nor but in on at to for with by from as is are was were be been its it "
    "that this these those into onto over under about than vs via amid up out off how why what "
    "when where who whom which will would can could may might must should has have had do does "
    "did not no so if".split())
ID_LENGTH = 40
ID_WORDS = 5


def short_slug(title: str, *, max_length: int = ID_LENGTH, max_words: int = ID_WORDS) -> str:
    """A short, readable id from a title: stop words dropped, at most ``max_words`` words and
    ``max_length`` characters, cut at a word boundary:
    'As US "Debt Trap Diplomacy" Rhetoric Heats Up' -> 'us-debt-trap-diplomacy-rhetoric'."""
    words = [w for w in slugify(title, max_length=10_000).split("-") if w]
    if words == ["article"] and "article" not in title.lower():
        return "article"
    content = [w for w in words if w not in STOP_WORDS] or words
    kept: list[str] = []
    for word in content[:max_words]:
        if kept and len("-".join([*kept, word])) > max_length:
            break
        kept.append(word[:max_length])
    return "-".join(kept) or "article"


ID_FIELDS = ("slug", "title", "source", "date", "year", "author", "file")


def format_id(template: str, *, title: str, source: str, published, authors: Sequence[str],
              file_name: str | None, slug: str | None = None) -> str:
    """An id from a template such as '{source}-{date}-{slug}' (fields: slug, the short id from
    the title; title, the whole title; source; date; year; author, the first author's last
    name; file, the input's file name without extension)."""
    values = {
        "slug": slug or short_slug(title),
        "title": slugify(title, max_length=MAX_ID_LENGTH),
        "source": short_slug(source, max_words=3, max_length=20),
        "date": published.isoformat(),
        "year": f"{published.year:04d}",
        "author": slugify(authors[0].split()[-1]) if authors else "",
        "file": slugify(Path(file_name).stem, max_length=MAX_ID_LENGTH) if file_name else "",
    }

    def value(m: re.Match) -> str:
        return values[m.group(1)]

    rendered = re.sub(r"\{(\w+)\}", value, template)
    return slugify(rendered, max_length=MAX_ID_LENGTH)


def check_id_format(template: str) -> str:
    """An --id-format as given, or UsageError when it names an unknown field or none."""
    names = re.findall(r"\{([^{}]*)\}", template)
    unknown = [n for n in names if n not in ID_FIELDS]
    if unknown or not names:
        what = f"unknown field {{{unknown[0]}}}" if unknown else "no field"
        raise UsageError(f"--id-format has {what}: {template!r}",
                         hint="fields: " + ", ".join("{" + f + "}" for f in ID_FIELDS))
    return template


def title_from_name(name: str) -> str:
    stem = Path(name).stem
    return squash(re.sub(r"[_]+|(?<=\w)-(?=\w)", " ", stem)) or "Untitled"


def title_from_text(paragraphs: Sequence[str]) -> str:
    if not paragraphs:
        return "Untitled"
    if has_han(paragraphs[0]):  # Chinese: the first clause, without spaces to split on
        first = re.split(r"[，。！？；：,;:]", paragraphs[0], maxsplit=1)[0]
        return first[:24] + ("…" if len(first) > 24 else "")
    words = paragraphs[0].split()
    return " ".join(words[:8]).rstrip(",;:.") + ("…" if len(words) > 8 else "")


# A file name is at most 255 bytes; the id also names the temporary file written beside it.
MAX_ID_LENGTH = 120


def check_id(value: str) -> str:
    """An --id as given, or UsageError when it is no slug or too long for a file name."""
    if len(value) > MAX_ID_LENGTH:
        raise UsageError(f"--id is {len(value)} characters long, above the limit of "
                         f"{MAX_ID_LENGTH}", hint="choose a shorter id")
    if not SLUG_RE.match(value):
        raise UsageError(f"--id must be a lowercase slug, got {value!r}",
                         hint="letters, digits and hyphens, like 'energy-outlook-2024'")
    return value
