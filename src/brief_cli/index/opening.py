"""Opening an index: the lock-free look for the common case, then under the writer's lock a
refresh or a full build, with damaged files rebuilt and reported."""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from brief_cli.errors import FileProblem
from brief_cli.index.freshness import _SKIPPED, _View, _full_check_due, _look, _mark_checked
from brief_cli.index.schema import (
    TOKENIZER, Index, ProgressFn, _check, _connect, _current, _expect, _Stale, index_base,
    taxonomy_fingerprint)

if TYPE_CHECKING:
    from brief_cli.taxonomy import Taxonomy

class _Lazy:
    """The taxonomy, loaded only when a file has to be parsed."""

    def __init__(self, get: Callable[[], Taxonomy]):
        self._get = get
        self._value: Taxonomy | None = None

    def __call__(self) -> Taxonomy:
        if self._value is None:
            self._value = self._get()
        return self._value


def open_index(root: Path, taxonomy_path: Path | None, get_taxonomy: Callable[[], Taxonomy], *,
               rebuild: bool = False, progress: ProgressFn | None = None,
               verify: bool = False, reuse: bool = True) -> Index:
    """Open the index of a corpus folder, building or refreshing it first when needed.

    ``get_taxonomy`` is called only if some file must be parsed. Never raises because of the
    cache file itself: a damaged one is rebuilt and reported in ``Index.warnings``.

    Freshness: by default a file whose size and modification time (to the nanosecond) are
    unchanged is taken as unchanged. ``verify`` also compares every file's content hash, so an
    edit that kept both (rare: a tool that restores mtimes) is seen too (``brief index``).

    ``reuse``: a full build may copy the files whose content hash is unchanged from the
    current generation instead of parsing them (never from one found damaged).
    """
    t0 = time.perf_counter()
    root = Path(root)
    expect = _expect(root, taxonomy_fingerprint(taxonomy_path))
    taxonomy = _Lazy(get_taxonomy)
    base = index_base(root)
    warnings: list[str] = []
    try:
        base.parent.mkdir(parents=True, exist_ok=True)
        writable = os.access(base.parent, os.W_OK)
    except OSError:
        writable = False
    if not writable:
        warnings.append(f"cannot write the search index in {str(base.parent)!r}; "
                        "building a temporary one in memory")
        from brief_cli.index.build import _memory_index

        return _memory_index(root, taxonomy, expect, warnings, progress, t0)

    for attempt in range(3):
        index = _try_open(root, base, expect, taxonomy, warnings, rebuild, progress, verify,
                          reuse)
        for path, reason in _SKIPPED.items():
            if f"skipped {path}: {reason}" not in warnings:
                warnings.append(f"skipped {path}: {reason}")
        if index is not None:
            index.refresh.seconds = time.perf_counter() - t0
            index.warnings = warnings
            return index
        rebuild = True
    raise FileProblem(f"cannot build the search index in {str(base.parent)!r}")


def refresh_if_built(root: Path, taxonomy_path: Path | None,
                     get_taxonomy: Callable[[], Taxonomy]) -> bool:
    """Bring the corpus's index up to date now, when one was built (for a command that has just
    written a file, so the next one finds the index fresh): only what changed is read again.
    Does nothing when there is no index yet; building one is a reading command's job. Returns
    whether an index was refreshed."""
    if _current(index_base(Path(root))) is None:
        return False
    open_index(root, taxonomy_path, get_taxonomy).close()
    return True


def _try_open(root, base, expect, taxonomy, warnings, rebuild, progress,
              verify=False, reuse=True) -> Index | None:
    trusted = [reuse]  # False once an existing index proved damaged: nothing is copied from it

    def damaged(path, reason):
        trusted[0] = False
        message = f"search index {str(path)!r} is damaged ({reason}); rebuilding it"
        if message not in warnings:
            warnings.append(message)

    def unusable(path, exc) -> str:
        """Why an existing index cannot be used; damage (not mere staleness) is warned about."""
        if isinstance(exc, _Stale):
            reason = exc.args[0]
            if not reason.startswith(("made by another", "settings", "taxonomy")):
                damaged(path, reason)
            return reason
        damaged(path, exc)
        return "damaged"

    reason = "rebuild asked" if rebuild else "no index yet"
    path = _current(base)
    con = None
    seen = None  # (what was looked at, data version) from the check below
    if not rebuild and not verify and path is not None and path.exists():
        # The common case, without any lock: the index is there and nothing changed.
        try:
            con = _connect(path)
            _check(con, path, expect)
            view = _look(con, root, _full_check_due(con, base))
            if view.unchanged:
                if view.full:
                    _mark_checked(base, view.started_ns)
                return Index(con, path, root)
            if view.on_disk == view.known:
                # Only folder records to update: worth a write, never worth waiting for one.
                _record_if_free(con, base, view)
                return Index(con, path, root)
            seen = (view, _data_version(con))
            reason = ""
        except (_Stale, sqlite3.DatabaseError) as exc:
            reason = unusable(path, exc)
        if seen is None and con is not None:
            con.close()
            con = None
    # Something must be written: one writer at a time, and look again under the lock (another
    # run may have done the work meanwhile).
    with _write_lock(base):
        # here, not at the top: the search of a fresh index writes nothing
        from brief_cli.index.build import _full_build
        from brief_cli.index.updates import _refresh

        current = _current(base)
        if seen is not None and (current != path or _data_version(con) != seen[1]):
            seen = None  # someone else wrote: what we saw is out of date
        if seen is None and con is not None:
            con.close()
            con = None
        path = current
        if not rebuild and path is not None and path.exists():
            try:
                if con is None:
                    con = _connect(path)
                    _check(con, path, expect)
                # The look taken just before is reused when nothing was written since:
                # stat()ing every file is most of the cost of a small refresh.
                view = seen[0] if seen else _look(con, root, True)
                stats = _refresh(con, root, taxonomy, progress, view, verify=verify)
                if stats is not None:
                    if view.full:
                        _mark_checked(base, view.started_ns)
                    if verify:
                        _renew_impact(con)
                    return Index(con, path, root, stats)
                reason = "many files changed"
            except (_Stale, sqlite3.DatabaseError) as exc:
                reason = unusable(path, exc)
            if con is not None:
                con.close()
                con = None
        new_path, stats = _full_build(base, root, taxonomy, expect, progress,
                                      reuse=trusted[0])
        stats.reason = reason
    return Index(_connect(new_path), new_path, root, stats)


def _renew_impact(con: sqlite3.Connection) -> None:
    """``brief index``: impact lists dropped after many refreshes are built again (searches
    never wait for that; see ``brief_cli.impact``)."""
    from brief_cli import impact

    from brief_cli.index.parsing import _workers
    from brief_cli.lang import has_han

    try:
        if impact.built_avgdl(con) is not None:
            return
        # Computed before the write transaction (this run holds the writer's lock file, so
        # nothing changes meanwhile): worker processes read the file as committed.
        results, avgdl = impact.compute(con, TOKENIZER, han=has_han, workers=_workers())
        con.execute("BEGIN IMMEDIATE")
        impact.store(con, results, avgdl)
        con.execute("COMMIT")
    except sqlite3.Error:
        # The lists are an optimisation: searches rank with FTS5 without them.
        if con.in_transaction:
            con.execute("ROLLBACK")


def _data_version(con: sqlite3.Connection | None) -> int | None:
    """Changes when another connection commits to the file (SQLite's own counter)."""
    if con is None:
        return None
    return con.execute("PRAGMA data_version").fetchone()[0]


def _record_if_free(con: sqlite3.Connection, base: Path, view: _View) -> None:
    """Store changed folder signatures when no writer holds the lock (else the next run will)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        return
    try:
        fd = os.open(str(base) + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return
        if _current(base) is None or _data_version(con) is None:
            return
        try:
            con.execute("BEGIN IMMEDIATE")
            for d in view.gone:
                con.execute("DELETE FROM dirs WHERE path = ?", (d,))
            con.executemany("INSERT OR REPLACE INTO dirs VALUES (?, ?, ?, ?, ?)",
                            [(d, *sig, skipped) for d, (sig, skipped) in view.dirs.items()])
            con.execute("COMMIT")
            if view.full:
                _mark_checked(base, view.started_ns)
        except sqlite3.Error:
            if con.in_transaction:
                con.execute("ROLLBACK")
    finally:
        os.close(fd)


@contextmanager
def _write_lock(base: Path) -> Iterator[None]:
    lock_path = str(base) + ".lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: builds still go through rename
            fcntl = None
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
