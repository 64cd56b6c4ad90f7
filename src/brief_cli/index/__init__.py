"""The on-disk search index: every passage of a corpus folder in SQLite with FTS5.

One index per corpus folder lives in the cache folder (``config.cache_dir()``). It holds all a
search needs to show its hits (article metadata, passage tags and text), so a search never reads
the corpus YAML; only files whose signature changed (and then whose content changed) are
parsed again, with the same loader and checks as every other command. How changes are found
without a stat() of every file: see ``brief_cli.index.freshness`` and docs/reliability.md.

Safety:
- Each full build writes a new *generation* file, then switches a small pointer file to it with
  an atomic rename; readers opened on the old generation keep a consistent view.
- Incremental updates are one write transaction (rollback journal, busy timeout): readers see
  the index before or after it, never between. (WAL is not used: a reader still holding an
  unlinked older generation must not depend on side files found by name.)
- Writers take an exclusive lock file, so two runs never build at once; a second writer waits,
  then finds the index fresh.
- A corrupt, truncated or foreign file is detected (meta table, page count; SQLite errors)
  and rebuilt with a warning. A killed build leaves only temporary files that the next build
  removes.

Layout: a passage's rowid is ``slot << 16 | index`` where an article's slot grows with corpus
order (published date, then id), spaced out so that articles added later fit in between.
So rowid order *is* corpus order: BM25 ties, filter-only listings and date ranges need no
join. Kind, sector and actor tags are indexed as tokens of a second FTS column (weight 0 in
BM25), so filters are part of the MATCH expression.

Chinese (see ``brief_cli.lang.segment``): the text column holds Chinese passages cut into words
by an invisible separator, and a third column, ``cjk``, holds their Chinese characters one
token each (empty for passages without Chinese), so a query's characters are found as a phrase
however the segmenter cut the passage. Dropping the separators gives the passage back.

The package, by concern: ``schema`` (the file, its layout, the ``Index`` handle), ``freshness``
(what changed on disk), ``parsing`` (reading files, on worker processes, or copying them from
the previous generation), ``updates`` (writing articles and word counts; incremental refresh),
``build`` (full builds and in-memory indexes) and ``opening`` (``open_index``: which of those a
run needs, under which lock).
"""

from brief_cli.index.freshness import ENV_RECHECK, Scan, Sig, recheck_seconds, scan
from brief_cli.index.opening import open_index, refresh_if_built
from brief_cli.index.schema import (  # noqa: F401  (_current: tests)
    MAX_PASSAGES, PASSAGE_BITS, SCHEMA_VERSION, SLOT_LIMIT, TOKENIZER, Index,
    ProgressFn, RefreshStats, _current, index_base, is_busy, slot_range, tag_token,
    taxonomy_fingerprint)

__all__ = [
    "ENV_RECHECK", "MAX_PASSAGES", "PASSAGE_BITS", "SCHEMA_VERSION", "SLOT_LIMIT", "TOKENIZER",
    "Index", "IndexStats", "ProgressFn", "RefreshStats", "Scan", "Sig", "index_base", "is_busy",
    "memory_index_of", "open_index", "recheck_seconds", "refresh_if_built", "scan",
    "slot_range", "tag_token", "taxonomy_fingerprint"]

# Imported when first asked for: what only a build needs stays off a search's start-up.
_LAZY = {"memory_index_of": "build", "_Previous": "parsing", "_ReuseFailed": "parsing",
         "IndexStats": "stats"}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
