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
