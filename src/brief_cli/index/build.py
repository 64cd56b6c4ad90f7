"""Full builds: a new generation written into a temporary file (passages staged, then placed in
corpus order), switched in atomically; and in-memory indexes."""

from __future__ import annotations

import os
import pickle
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from brief_cli.checkpoint import reached
from brief_cli.index import parsing
from brief_cli.index.freshness import _full_scan, _mark_checked, _order, _record_dirs, scan
from brief_cli.index.parsing import _head_key, _Previous, _ReuseFailed, _workers
from brief_cli.index.schema import (
    PASSAGE_BITS, SLOT_LIMIT, TOKENIZER, Index, RefreshStats, _connect, _create, _current,
    _expect, _snapshot)
from brief_cli.index.updates import _apply, _insert_article, _NoRoom, _Plan, _word_lists

if TYPE_CHECKING:
    from brief_cli.model import Article

def _memory_index(root, taxonomy, expect, warnings, progress, t0) -> Index:
    con = _connect(":memory:")
    _create(con, expect)
    stats = RefreshStats(rebuilt=True, reason="in memory")
    files = scan(root)
    with _staged(con, ":memory:") as stage:
        _apply(con, root, taxonomy, files, sorted(files, key=_order), [], progress, stats,
               stage=stage)
    stats.seconds = time.perf_counter() - t0
    return Index(con, None, root, stats, warnings)


def memory_index_of(articles: list[Article]) -> Index:
    """An in-memory index of articles that have no folder (tests, in-memory corpora)."""
    con = _connect(":memory:")
    _create(con, _expect(None, "none"))
    with _staged(con, ":memory:") as stage:
        for i, article in enumerate(articles):
            placed = _insert_article(con, f"<memory>/{i}", article, stage)
            stage.ranges[placed[0]] = (placed[1], placed[2])
    return Index(con, None, None, RefreshStats(rebuilt=True, reason="in memory"))


FTS_HASH_BYTES = 64 << 20  # a full build's FTS5 pending terms (memory, for fewer merges)


class _Stage:
    """Passages parsed during a full build, before their articles' places are known."""

    def __init__(self, con: sqlite3.Connection):
        self.con = con
        self.ranges: dict[int, tuple[int, int]] = {}  # article rowid -> stage rowid range
        self.next = 1
        self.previous: _Previous | None = None  # an older generation to copy unchanged files from


@contextmanager
def _staged(con: sqlite3.Connection, path: str) -> Iterator[_Stage]:
    """Stage passages in a side database, then write them in corpus order: ascending rowids
    make the B-tree and FTS inserts appends."""
    con.execute("ATTACH DATABASE ? AS stage", (path,))
    beside = path != ":memory:"  # the surface words are counted beside the final inserts
    try:
        con.execute("PRAGMA stage.journal_mode = OFF")
        con.execute("PRAGMA stage.synchronous = OFF")
        con.execute("CREATE TABLE stage.rows(rowid INTEGER PRIMARY KEY, idx INTEGER, pid TEXT, "
                    "kind TEXT, sectors TEXT, actors TEXT, reviewed INTEGER, text TEXT, "
                    "tags TEXT, cjk TEXT)")
        stage = _Stage(con)
        con.execute("BEGIN")
        # No merging of FTS5 segments while the rows go in, and large ones (FTS5 writes a
        # segment each time its pending terms pass 'hashsize', 1 MB by default): the build
        # ends with one 'optimize' that merges them all. Half the work for the same index.
        con.execute("INSERT INTO fts(fts, rank) VALUES ('automerge', 0)")
        con.execute(f"INSERT INTO fts(fts, rank) VALUES ('hashsize', {FTS_HASH_BYTES})")
        yield stage
        counted: dict = {}
        if beside:
            # Committed (the file is still a temporary one), the stage can be read by a
            # second connection, on a thread: SQLite's work runs on the other core while this
            # one writes the passages in corpus order.
            con.execute("COMMIT")
            thread = threading.Thread(target=_count_surface, args=(path, counted), daemon=True)
            thread.start()
            con.execute("BEGIN")
        _place_all(con, stage)
        # back to the defaults: their rows go, so the index is as one built without them
        con.execute("DELETE FROM fts_config WHERE k IN ('automerge', 'hashsize')")
        if beside:
            thread.join()
            if "error" in counted:
                raise counted["error"]
            con.executemany("INSERT INTO words(len, word, n) VALUES (?, ?, ?) "
                            "ON CONFLICT(len, word) DO UPDATE SET n = n + excluded.n",
                            [(len(term), term, n) for term, n in counted["words"]])
        else:
            _surface_tables(con, "stage")
            con.execute("INSERT INTO stage.surface(rowid, text) SELECT rowid, text FROM stage.rows")
            con.execute("INSERT INTO words(len, word, n) SELECT length(term), term, doc "
                        "FROM stage.surface_vocab WHERE true "
                        "ON CONFLICT(len, word) DO UPDATE SET n = n + excluded.n")
        _word_lists(con)
        con.execute("COMMIT")
    finally:
        if con.in_transaction:
            con.execute("ROLLBACK")
        con.execute("DETACH DATABASE stage")


def _surface_tables(con: sqlite3.Connection, schema: str) -> None:
    """The surface words (folded, not stemmed) for typo suggestions, counted by SQLite's own
    tokenizer: much cheaper than counting them in Python."""
    con.execute(f"CREATE VIRTUAL TABLE {schema}.surface USING fts5(text, content='', "
                "detail='none', columnsize=0, tokenize='unicode61 remove_diacritics 2')")
    target = "temp, surface" if schema == "temp" else "surface"  # (fts5vocab's syntax)
    con.execute(f"CREATE VIRTUAL TABLE {schema}.surface_vocab USING "
                f"fts5vocab({target}, 'row')")
    con.execute(f"INSERT INTO {schema}.surface(surface, rank) VALUES ('automerge', 0)")
    con.execute(f"INSERT INTO {schema}.surface(surface, rank) "
                f"VALUES ('hashsize', {FTS_HASH_BYTES // 2})")


def _count_surface(path: str, out: dict) -> None:
    """The surface words of the staged passages and their passage counts, into out['words']
    (or the error into out['error']), on a connection of its own."""
    try:
        con = sqlite3.connect(path, check_same_thread=False)
        try:
            _surface_tables(con, "temp")
            con.execute("INSERT INTO temp.surface(rowid, text) SELECT rowid, text FROM main.rows")
            out["words"] = con.execute("SELECT term, doc FROM temp.surface_vocab").fetchall()
        finally:
            con.close()
    except BaseException as exc:  # handed to the building thread
        out["error"] = exc


def _place_all(con: sqlite3.Connection, stage: _Stage) -> None:
    order = [r[0] for r in con.execute("SELECT rowid FROM articles ORDER BY published, id")]
    gap = max(1, SLOT_LIMIT // (len(order) + 1))
    for i, article_rowid in enumerate(order):
        slot = (i + 1) * gap
        base = slot << PASSAGE_BITS
        con.execute("UPDATE articles SET slot = ? WHERE rowid = ?", (slot, article_rowid))
        first, last = stage.ranges[article_rowid]
        con.execute(
            "INSERT INTO passages(rowid, article, idx, pid, kind, sectors, actors, reviewed) "
            "SELECT ? + idx, ?, idx, pid, kind, sectors, actors, reviewed FROM stage.rows "
            "WHERE rowid BETWEEN ? AND ?", (base, article_rowid, first, last))
        con.execute(
            "INSERT INTO fts(rowid, text, tags, cjk) SELECT ? + idx, text, tags, cjk "
            "FROM stage.rows "
            "WHERE rowid BETWEEN ? AND ?", (base, first, last))


# Planned builds ---------------------------------------------------------------------------
#
# A full build writes passages in corpus order (published, id): ascending rowids make the B-tree
# and FTS5 inserts appends, and FTS5 writes a new segment whenever a rowid goes down. That
# order is only known once every file is parsed, so a build used to stage every passage in a
# side file and copy them over in order at the end. A *planned* build reads the order ahead
# from each file's first lines (``id:`` and ``published:`` as plain values), has the files
# parsed in that order, and writes each article to its slot as it comes: no stage, and the
# index is written while the other processes parse. The plan is only a guess checked against
# each parsed article: one it did not foresee waits and is given a free slot between its
# neighbours at the end (a refresh's way); should those run out, the build starts again
# staged. Files whose first lines do not give their order are parsed last and wait too; when
# they are many, the build is staged.

def _read_ahead(root: Path, rels: list[str]) -> tuple[list[str], dict] | None:
    """(files in their foreseen corpus order, {file: (slot, (published, id))}), or None when
    too many files do not say where they go in their first lines (a broken file, say). Those
    come last in the order, without a slot: their articles, if any, wait."""
    keys: list[tuple[str, str, tuple[str, ...], str]] = []
    unplanned: list[str] = []
    for rel in rels:
        key = _head_key(root / rel)
        if key is None:
            unplanned.append(rel)
            if len(unplanned) > max(MAX_UNPLANNED, len(rels) // 20):
                return None
            continue
        keys.append((*key, _order(rel), rel))
    keys.sort()
    gap = max(1, SLOT_LIMIT // (len(keys) + 1))
    slots = {rel: ((i + 1) * gap, (published, article_id))
             for i, (published, article_id, _o, rel) in enumerate(keys)}
    return [k[3] for k in keys] + unplanned, slots


MAX_UNPLANNED = 64  # files without a plan (or 5% of them): more, and the build is staged


class _Surface:
    """Counts the surface words of the passages it is given, with SQLite's tokenizer, in a
    database of its own (a temporary file beside the index being built).

    For a large build the counting runs in a process of its own while the build goes on. A
    thread would share the interpreter's lock with the writer, whose every insert gives the
    lock up and takes it back: at a million passages the writing phase took 85 s with the
    counting on a thread and 59 s without any counting at all."""

    BATCH = 512  # passages per message to the counting process

    def __init__(self, path: Path, *, apart: bool = True):
        self.path = path
        self.pending: list[str] = []
        self.process = None
        self.con: sqlite3.Connection | None = None
        self.rowid = 0
        self.closed = False
        if apart:
            import multiprocessing

            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
            self.conn, theirs = ctx.Pipe()
            self.process = ctx.Process(target=_count_apart, args=(theirs, self.conn, str(path)),
                                       daemon=True)
            self.process.start()
            theirs.close()
        else:
            self.con = _surface_db(path)

    def add(self, texts: list[str]) -> None:
        if self.process is None:
            self.rowid = _insert_surface(self.con, texts, self.rowid)
            return
        self.pending.extend(texts)
        if len(self.pending) >= self.BATCH:
            self._send(self.pending)
            self.pending = []

    def _send(self, message) -> None:
        try:
            self.conn.send(message)
        except OSError:  # the process is gone: finish() says why, if it can
            pass

    def close(self) -> None:
        """No more passages: the counting process can finish while the build goes on."""
        if self.process is not None and not self.closed:
            if self.pending:
                self._send(self.pending)
                self.pending = []
            self._send(None)
            self.closed = True

    def finish(self) -> list[tuple[str, int]]:
        """The (word, passages) counts; raises what went wrong where they were counted."""
        if self.process is None:
            try:
                return self.con.execute("SELECT term, doc FROM surface_vocab").fetchall()
            finally:
                self.stop()
        self.close()
        try:
            status, value = self.conn.recv()
        except (EOFError, OSError):
            status, value = "error", RuntimeError(
                f"the word-counting process ended unexpectedly (exit code "
                f"{self.process.exitcode})")
        self.stop()
        if status == "error":
            raise value
        return value

    def stop(self) -> None:
        if self.process is not None:
            self.conn.close()
            self.process.join(timeout=5)
            if self.process.is_alive():
                self.process.terminate()
                self.process.join()
            self.process = None
        if self.con is not None:
            self.con.close()
            self.con = None
            _unlink(self.path)


def _surface_db(path: Path | str) -> sqlite3.Connection:
    con = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        _surface_tables(con, "main")
        con.execute("BEGIN")
    except BaseException:
        con.close()
        _unlink(path)
        raise
    return con


def _insert_surface(con: sqlite3.Connection, texts: list[str], rowid: int) -> int:
    con.executemany("INSERT INTO surface(rowid, text) VALUES (?, ?)",
                    [(rowid + i, t) for i, t in enumerate(texts, 1)])
    return rowid + len(texts)


def _unlink(path: Path | str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _count_apart(conn, other, path: str) -> None:
    """The counting process: texts come in lists until None; ("ok", counts) or ("error",
    exception) goes back."""
    import signal

    other.close()  # so that the parent's end closing (it died) ends the wait below
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the builder decides when to stop
    con = None
    try:
        con = _surface_db(path)
        rowid = 0
        for texts in iter(conn.recv, None):
            rowid = _insert_surface(con, texts, rowid)
        reply = ("ok", con.execute("SELECT term, doc FROM surface_vocab").fetchall())
    except EOFError:
        return  # the builder is gone
    except BaseException as exc:  # handed to the builder
        reply = ("error", exc)
        try:
            for _texts in iter(conn.recv, None):
                pass  # keep taking what comes, so the builder never waits on a full pipe
        except EOFError:
            return
    finally:
        if con is not None:
            con.close()
        _unlink(path)
    try:
        try:
            conn.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError):  # its text at least
            conn.send(("error", RuntimeError(str(reply[1]))))
    except OSError:
        pass  # the builder stopped (interrupted) before taking the counts


def _planned(con: sqlite3.Connection, root: Path, taxonomy, files, order: list[str],
             slots: dict, progress, stats: RefreshStats, previous, words_path: Path,
             meanwhile: Callable[[], None]) -> None:
    """Write every article of a planned build (see above) in one transaction; then run
    ``meanwhile`` while the last surface words are counted, and add their counts."""
    surface = _Surface(words_path, apart=parsing.in_parallel(len(order)))
    try:
        con.execute("BEGIN")
        con.execute("INSERT INTO fts(fts, rank) VALUES ('automerge', 0)")
        con.execute(f"INSERT INTO fts(fts, rank) VALUES ('hashsize', {FTS_HASH_BYTES})")
        plan = _Plan(slots, surface, previous)
        _apply(con, root, taxonomy, files, order, [], progress, stats, plan=plan)
        con.execute("DELETE FROM fts_config WHERE k IN ('automerge', 'hashsize')")
        con.execute("COMMIT")
        surface.close()
        meanwhile()
        con.execute("BEGIN")
        plan.count_words(con)
        _word_lists(con)
        con.execute("COMMIT")
    finally:
        surface.stop()
        if con.in_transaction:
            con.execute("ROLLBACK")


def _stage(progress, name: str) -> None:
    """Tell a progress display that a build has gone on to a stage that reads no files (a
    display with a ``stage`` method shows it; a plain (done, total) function is left alone)."""
    show = getattr(progress, "stage", None)
    if show is not None:
        show(name)


PLANNED = True  # planned builds when the files allow (tests switch it off to test the other)


def _full_build(base: Path, root: Path, taxonomy, expect, progress, *, reuse: bool = False
                ) -> tuple[Path, RefreshStats]:
    """Build a new generation into a temporary file and switch the pointer to it.

    With ``reuse``, a file whose content hash is the one the current generation indexed (built
    with the same settings) is not parsed again: its rows are copied from that generation.
    """
    try:
        return _full_build_with(base, root, taxonomy, expect, progress, reuse, PLANNED)
    except _NoRoom:  # the plan missed too often between two articles: stage instead
        return _full_build_with(base, root, taxonomy, expect, progress, reuse, False)


def _full_build_with(base: Path, root: Path, taxonomy, expect, progress, reuse: bool,
                     planned: bool) -> tuple[Path, RefreshStats]:
    if reuse:
        try:
            return _full_build_from(base, root, taxonomy, expect, progress,
                                    _Previous.open(_current(base), expect), planned)
        except _ReuseFailed:
            pass  # the previous generation could not be read after all: parse everything
    return _full_build_from(base, root, taxonomy, expect, progress, None, planned)


def _full_build_from(base: Path, root: Path, taxonomy, expect, progress, previous,
                     planned: bool = False) -> tuple[Path, RefreshStats]:
    t0 = time.perf_counter()
    started_ns = time.time_ns()
    folder = base.parent
    for stale in folder.glob(base.name + ".*.tmp"):
        try:
            stale.unlink()  # left by a build that was killed
        except OSError:
            pass
    old = _current(base)
    gen = int(old.suffixes[-2][1:]) + 1 if old is not None and len(old.suffixes) >= 2 \
        and old.suffixes[-2][1:].isdigit() else 1
    while Path(f"{base}.{gen}.db").exists():
        gen += 1
    tmp = Path(f"{base}.{gen}.db.{os.getpid()}.tmp")
    final = Path(f"{base}.{gen}.db")
    stats = RefreshStats(rebuilt=True)
    con = _connect(tmp)
    try:
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("PRAGMA cache_size = -65536")
        _create(con, expect)
        found = _full_scan(root)
        files = found.files
        _record_dirs(con, found)
        rels = sorted(files, key=_order)
        ahead = _read_ahead(root, rels) if planned else None

        def merge() -> None:
            _stage(progress, "merging")
            con.execute("INSERT INTO fts(fts) VALUES ('optimize')")

        if ahead is not None:
            _planned(con, root, taxonomy, files, *ahead, progress, stats, previous,
                     Path(f"{base}.{gen}.words.{os.getpid()}.tmp"), merge)
        else:
            stage_path = Path(f"{base}.{gen}.stage.{os.getpid()}.tmp")
            try:
                with _staged(con, str(stage_path)) as stage:
                    stage.previous = previous
                    _apply(con, root, taxonomy, files, rels, [], progress, stats, stage=stage)
            finally:
                try:
                    stage_path.unlink()
                except OSError:
                    pass
            merge()
        from brief_cli import impact
        from brief_cli.lang import has_han

        _stage(progress, "ranking")
        impact.build(con, TOKENIZER, han=has_han, workers=_workers())
        seconds = time.perf_counter() - t0
        con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [
            ("taxonomy_snapshot", _snapshot(taxonomy())),
            ("built_at", time.strftime("%Y-%m-%dT%H:%M:%S%z")),
            ("build_seconds", f"{seconds:.3f}")])
        con.execute("PRAGMA journal_mode = DELETE")
        con.close()
        reached("index-build")
        os.replace(tmp, final)
        reached("index-switch")
        pointer_tmp = Path(f"{base}.current.{os.getpid()}.tmp")
        pointer_tmp.write_text(str(gen), encoding="ascii")
        os.replace(pointer_tmp, Path(str(base) + ".current"))
    except BaseException:
        con.close()
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    finally:
        if previous is not None:
            previous.con.close()
    # Older generations: readers that still have one open keep their view (POSIX semantics).
    for other in folder.glob(base.name + ".*.db*"):
        if not other.name.startswith(final.name) and not other.name.endswith(".tmp"):
            try:
                other.unlink()
            except OSError:
                pass
    _mark_checked(base, started_ns)
    stats.seconds = time.perf_counter() - t0
    return final, stats
