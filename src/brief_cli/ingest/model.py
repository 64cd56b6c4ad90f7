"""What the ingest steps pass along: inputs, drafts, what was dropped, outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from brief_cli.model import Article

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
# What cleaning drops that a user can ask to keep (--keep).
KEEPABLE = ("procedural", "captions", "pull-quotes")

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
INPUT_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES

# A paragraph longer than this is split at sentence boundaries into parts of about TARGET chars.
MAX_PASSAGE_CHARS = 1200
TARGET_PASSAGE_CHARS = 700


# Results ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Dropped:
    """Text that cleaning removed, and why (shown by --dry-run: nothing is lost silently)."""

    reason: str
    text: str


@dataclass(frozen=True)
class Draft:
    """What was read from one input: metadata (None when not found) and body paragraphs."""

    title: str | None = None
    source: str | None = None
    section: str | None = None
    authors: tuple[str, ...] = ()
    published: date | None = None
    url: str | None = None
    author_note: str | None = None
    language: str | None = None
    paragraphs: tuple[str, ...] = ()
    dropped: tuple[Dropped, ...] = ()


@dataclass(frozen=True)
class Options:
    """What the user set on the command line; ``None`` means "find it in the input"."""

    article_id: str | None = None
    source: str | None = None
    published: date | None = None
    language: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    url: str | None = None
    section: str | None = None
    force: bool = False
    dry_run: bool = False
    tag: bool = True
    id_format: str | None = None  # e.g. '{source}-{date}-{slug}'
    allow_undated: bool = False  # in a batch, an input with no date found gets its file's date
    batch: bool = False  # more than one input: a missing date is an error
    keep: frozenset[str] = frozenset()  # what cleaning leaves in: KEEPABLE
    timeout: float = 20.0  # seconds, for fetching a web page
    jobs: int = 0  # worker processes for a batch of files; 0: as many as there are CPUs


@dataclass(frozen=True)
class InputSource:
    """One input: a file, bytes read from stdin (``path`` None), or a web page (``url``; its
    bytes are fetched when the input's turn comes)."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    url: str | None = None  # the address fetched (after redirects, once fetched)
    fetched: date | None = None
    content_type: str | None = None  # 'text/html', 'text/plain'... as the server said


@dataclass(frozen=True)
class Prepared:
    """An input turned into an article, before it is written."""

    source: InputSource
    article: Article
    draft: Draft
    encoding: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What happened to one input: ingested, skipped (already there) or failed, and why."""

    input: str
    status: str
    article_id: str | None = None
    passages: int = 0
    path: Path | None = None
    reason: str = ""
    prepared: Prepared | None = field(default=None, compare=False, repr=False)
