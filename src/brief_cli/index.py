"""The on-disk search index: every passage of a corpus folder in SQLite with FTS5.

One index per corpus folder lives in the cache folder (``config.cache_dir()``). It holds all a
search needs to show its hits (article metadata, passage tags and text), so a search never reads
the corpus YAML; only files whose signature changed (and then whose content changed) are
parsed again, with the same loader and checks as every other command. How changes are found
without a stat() of every file: see "Freshness" below and docs/reliability.md.

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
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat as stat_mod
import time
import zlib
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from brief_cli.checkpoint import reached
from brief_cli.errors import FileProblem, Problem
from brief_cli.lang.segment import char_text, index_text, index_version

if TYPE_CHECKING:
    from brief_cli.model import Article
    from brief_cli.taxonomy import Taxonomy

SCHEMA_VERSION = "7"
TOKENIZER = "porter unicode61 remove_diacritics 2"
SUFFIXES = (".yaml", ".yml")
WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
PARALLEL_MIN_FILES = 400
FULL_REBUILD_SHARE = 0.5  # above this share of changed files, rebuild from scratch

ProgressFn = Callable[[int, int], None]

PASSAGE_BITS = 16  # passages per article: at most 65,536
MAX_PASSAGES = 1 << PASSAGE_BITS
SLOT_LIMIT = 1 << 46  # slots stay below this, so rowids fit in 63 bits


def slot_range(slot: int) -> tuple[int, int]:
    """The rowids an article's passages can have."""
    return slot << PASSAGE_BITS, (slot << PASSAGE_BITS) | (MAX_PASSAGES - 1)


def tag_token(field: str, value: str) -> str:
    """The FTS token of a tag: hex keeps ids with hyphens or digits in one token, and the
    final 'z' keeps the Porter stemmer off it."""
    return f"x{field}{value.encode('utf-8').hex()}z"


TAG_SLOTS = 8


def _tag_text(kind: str, sectors, actors) -> str:
    """The tags column. FTS5's bm25() counts every column in a row's length, so the column is
    padded to a constant number of tokens: tags then do not change how passages rank."""
    tokens = ([tag_token("k", kind)] + [tag_token("s", s) for s in sectors]
              + [tag_token("a", a) for a in actors])
    return " ".join(tokens + ["xpz"] * (TAG_SLOTS - len(tokens)))

_SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(
    path TEXT PRIMARY KEY, folder TEXT NOT NULL, size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, ino INTEGER NOT NULL, hash TEXT,
    status TEXT NOT NULL, article_id TEXT, problems TEXT NOT NULL DEFAULT '[]');
CREATE INDEX files_folder ON files(folder);
CREATE INDEX files_recent ON files(ctime_ns);
CREATE TABLE dirs(
    path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
    ino INTEGER NOT NULL, skipped TEXT NOT NULL DEFAULT '');
CREATE TABLE articles(
    rowid INTEGER PRIMARY KEY, slot INTEGER UNIQUE, id TEXT NOT NULL UNIQUE, file TEXT NOT NULL,
    title TEXT, source TEXT, section TEXT, authors TEXT, author_note TEXT,
    published TEXT NOT NULL, url TEXT, language TEXT, n_passages INTEGER NOT NULL);
CREATE INDEX articles_order ON articles(published, id);
CREATE INDEX articles_file ON articles(file);
CREATE TABLE passages(
    rowid INTEGER PRIMARY KEY, article INTEGER NOT NULL, idx INTEGER NOT NULL, pid TEXT NOT NULL,
    kind TEXT NOT NULL, sectors TEXT NOT NULL, actors TEXT NOT NULL, reviewed INTEGER NOT NULL);
CREATE VIRTUAL TABLE fts USING fts5(text, tags, cjk, tokenize='{TOKENIZER}');
CREATE VIRTUAL TABLE fts_vocab USING fts5vocab(fts, 'col');
CREATE TABLE words(len INTEGER NOT NULL, word TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY(len, word)) WITHOUT ROWID;
CREATE INDEX words_word ON words(word);
CREATE TABLE word_lists(len INTEGER PRIMARY KEY, words TEXT NOT NULL);
"""


# Where the index lives ---------------------------------------------------------------------

def index_base(root: Path) -> Path:
    """The path stem of a corpus folder's index files (key: the resolved folder path)."""
    from brief_cli.config import cache_dir

    resolved = str(Path(root).resolve())
    # crc32, not hashlib: this runs on every search and hashlib costs more to import than the
    # rest of the lookup; with the folder name in front a clash is not a practical concern.
    digest = f"{zlib.crc32(resolved.encode('utf-8', 'surrogateescape')):08x}"
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(resolved).name)[:40] or "corpus"
    return cache_dir() / "index" / f"{name}-{digest}"


def taxonomy_fingerprint(path: Path | None) -> str:
    """Changes when the taxonomy file does (its checks decide which articles load)."""
    if path is None:
        return "none"
    try:
        data = Path(path).read_bytes()
    except OSError:
        return "unreadable"
    return f"{len(data)}-{zlib.crc32(data):08x}"


# Scanning the corpus folder ----------------------------------------------------------------

_SKIPPED: dict[str, str] = {}  # what the last scan left out, and why (for one warning each)

# A file's signature: size, modification and status-change times, inode. The status-change time
# (ctime) cannot be set back by tools that restore mtimes, and an atomic rename gives a new
# inode, so an edit is seen even when it keeps the size and the mtime.
Sig = tuple[int, int, int, int]
# A folder's signature: mtime, ctime, inode. Creating, deleting or renaming an entry changes it.
DirSig = tuple[int, int, int]
RACY_NS = 2_000_000_000  # a folder changed this recently may change again within the same tick
_RACY: DirSig = (-1, -1, -1)


def _file_sig(st: os.stat_result) -> Sig:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _dir_sig(st: os.stat_result, now_ns: int) -> DirSig:
    """A folder whose times are too close to now is recorded as "look again": an entry added
    in the same clock tick as the listing would leave its mtime as it was."""
    if now_ns - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS:
        return _RACY
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


@dataclass
class Scan:
    """What a look at the corpus folder found: files with their signatures, folders with
    theirs, and what was skipped (per folder, so it can be reported again without a rescan)."""

    files: dict[str, Sig] = field(default_factory=dict)
    dirs: dict[str, DirSig] = field(default_factory=dict)
    skipped: dict[str, dict[str, str]] = field(default_factory=dict)


def _folder(rel: str) -> str:
    """The folder part of a relative file path, with its trailing slash ('' for the root)."""
    cut = rel.rfind("/")
    return rel[:cut + 1]


def _scan_folders(root: Path, starts: list[str], known: set[str] | frozenset = frozenset(),
                  now_ns: int | None = None) -> Scan:
    """List the given folders (relative, '' for the root): their article files, and any
    subfolder not in ``known``, recursively (known ones are looked at on their own)."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    out = Scan()
    stack = list(starts)
    root_s = str(root)
    while stack:
        prefix = stack.pop()
        folder = os.path.join(root_s, prefix[:-1]) if prefix else root_s
        skipped: dict[str, str] = {}
        try:
            st = os.stat(folder) if not prefix else os.lstat(folder)
            out.dirs[prefix] = _dir_sig(st, now_ns)
        except OSError:
            out.dirs[prefix] = _RACY
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            skipped[folder] = f"cannot read folder: {exc.strerror or exc}"
            entries = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if name.lower().endswith(SUFFIXES):
                    if entry.is_file():
                        out.files[prefix + name] = _file_sig(entry.stat())
                    elif not entry.is_dir():
                        skipped[entry.path] = "not a regular file"
                elif entry.is_dir(follow_symlinks=False):
                    if prefix + name + "/" not in known:
                        stack.append(prefix + name + "/")
            except OSError:
                continue
        if skipped:
            out.skipped[prefix] = skipped
    return out


def scan(root: Path) -> dict[str, Sig]:
    """Article files under root as {relative path: signature}.

    The same files as ``corpus.corpus_files``: *.yaml and *.yml, hidden files and folders
    skipped, symlinked folders not followed. Entries that are not regular files (a FIFO, a
    device, a link to one) and folders that cannot be read are left out and noted in
    ``_SKIPPED``, never opened.
    """
    return _full_scan(root).files


def _full_scan(root: Path) -> Scan:
    found = _scan_folders(root, [""])
    _SKIPPED.clear()
    for items in found.skipped.values():
        _SKIPPED.update(items)
    return found


# Freshness ---------------------------------------------------------------------------------
#
# A search must see changed files without stat()ing every one of them (at a million passages
# that alone costs more than the search). What it looks at:
# - every folder of the corpus: a file created, deleted or renamed into a folder (which is how
#   editors and brief itself save atomically) changes the folder's signature; only such folders
#   are listed again;
# - the HOT_FILES files changed most recently (the ones being worked on);
# - every file, when the corpus has at most FULL_CHECK_FILES files, or when the last full check
#   is more than recheck_seconds() old (a stamp file's mtime records when it started).

FULL_CHECK_FILES = 5_000
HOT_FILES = 1_000
RECHECK_SECONDS = 30.0
ENV_RECHECK = "BRIEF_INDEX_RECHECK"


def recheck_seconds() -> float:
    """Seconds after which a search checks every file again (``BRIEF_INDEX_RECHECK``; 0 checks
    every file at every search)."""
    value = os.environ.get(ENV_RECHECK, "").strip()
    if not value:
        return RECHECK_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        return RECHECK_SECONDS
    return seconds if seconds >= 0 and seconds == seconds else RECHECK_SECONDS


def _stamp(base: Path) -> str:
    return str(base) + ".checked"


def _full_check_due(con: sqlite3.Connection, base: Path) -> bool:
    interval = recheck_seconds()
    if interval <= 0:
        return True
    if con.execute("SELECT count(*) FROM files").fetchone()[0] <= FULL_CHECK_FILES:
        return True
    try:
        checked = os.stat(_stamp(base)).st_mtime_ns
    except OSError:
        return True
    age = time.time_ns() - checked
    return age < 0 or age > interval * 1e9  # a stamp in the future: the clock was set back


def _mark_checked(base: Path, started_ns: int) -> None:
    """Record that every file was looked at, as of started_ns."""
    stamp = _stamp(base)
    try:
        fd = os.open(stamp, os.O_WRONLY | os.O_CREAT, 0o644)
        os.close(fd)
        os.utime(stamp, ns=(started_ns, started_ns))
    except OSError:
        pass


@dataclass
class _View:
    """Files looked at (``on_disk``) beside what the index holds for the same files (``known``),
    and the folder records that should change."""

    on_disk: dict[str, Sig]
    known: dict[str, Sig]
    dirs: dict[str, tuple[DirSig, str]]  # folder -> (signature, skipped entries as JSON) to store
    gone: list[str]  # folders to forget
    full: bool
    started_ns: int

    @property
    def unchanged(self) -> bool:
        return not self.dirs and not self.gone and self.on_disk == self.known


def _stored_dirs(con) -> dict[str, tuple[DirSig, str]]:
    return {r[0]: ((r[1], r[2], r[3]), r[4]) for r in con.execute(
        "SELECT path, mtime_ns, ctime_ns, ino, skipped FROM dirs")}


def _skipped_json(items: dict[str, str] | None) -> str:
    return json.dumps(items, ensure_ascii=False, sort_keys=True) if items else ""


def _look(con: sqlite3.Connection, root: Path, full: bool) -> _View:
    """Look at the corpus folder (all of it when ``full``) and compare with the index."""
    started = time.time_ns()
    stored = _stored_dirs(con)
    _SKIPPED.clear()
    if full or not stored:
        found = _scan_folders(root, [""], now_ns=started)
        known = {r[0]: (r[1], r[2], r[3], r[4]) for r in con.execute(
            "SELECT path, size, mtime_ns, ctime_ns, ino FROM files")}
        gone = [d for d in stored if d not in found.dirs]
        rescanned = found.dirs
    else:
        changed, gone = [], []
        root_s = str(root)
        for d, (sig, skipped) in stored.items():
            try:
                # no trailing slash: with one, lstat() would follow a link to a folder
                st = os.stat(root_s) if not d else os.lstat(os.path.join(root_s, d[:-1]))
            except OSError:
                gone.append(d)
                continue
            if not stat_mod.S_ISDIR(st.st_mode):
                gone.append(d)
            elif (st.st_mtime_ns, st.st_ctime_ns, st.st_ino) != sig:
                changed.append(d)
            elif skipped:
                _SKIPPED.update(json.loads(skipped))
        if gone:  # what was below a folder that went away (or became a link) went with it
            prefixes = tuple(gone)
            gone += [d for d in stored if d not in gone and d.startswith(prefixes)]
            changed = [d for d in changed if not d.startswith(prefixes)]
        found = _scan_folders(root, changed, set(stored) - set(gone), now_ns=started)
        covered = list(found.dirs) + gone
        known = {}
        for i in range(0, len(covered), 500):
            part = covered[i:i + 500]
            known.update((r[0], (r[1], r[2], r[3], r[4])) for r in con.execute(
                "SELECT path, size, mtime_ns, ctime_ns, ino FROM files WHERE folder IN "
                f"({','.join('?' * len(part))})", part))
        covered_set = set(covered)
        for rel, *sig in con.execute(
                "SELECT path, size, mtime_ns, ctime_ns, ino FROM files "
                "ORDER BY ctime_ns DESC LIMIT ?", (HOT_FILES,)):
            if _folder(rel) in covered_set:
                continue
            known[rel] = tuple(sig)
            try:
                st = os.stat(os.path.join(root_s, rel))
            except OSError:
                continue
            if stat_mod.S_ISREG(st.st_mode):
                found.files[rel] = _file_sig(st)
        rescanned = found.dirs
    for items in found.skipped.values():
        _SKIPPED.update(items)
    dirs = {}
    for d, sig in rescanned.items():
        record = (sig, _skipped_json(found.skipped.get(d)))
        if stored.get(d) != record:
            dirs[d] = record
    return _View(found.files, known, dirs, [d for d in gone if d in stored], full or not stored,
                 started)


def _order(rel: str) -> tuple[str, ...]:
    """Sort key matching sorted(Path) order: the first file wins an id clash."""
    return tuple(rel.split("/"))


# Results of opening ------------------------------------------------------------------------

@dataclass
class RefreshStats:
    parsed: int = 0
    removed: int = 0
    copied: int = 0  # of ``parsed``: taken unchanged from the previous generation
    rebuilt: bool = False
    seconds: float = 0.0
    reason: str = ""


@dataclass(frozen=True)
class IndexStats:
    path: Path
    articles: int
    passages: int
    terms: int
    words: int
    files: int
    broken: int
    bytes: int
    built_at: str
    build_seconds: float


@dataclass
class Index:
    """An open, fresh index. ``warnings`` lists what the caller should tell the user."""

    con: sqlite3.Connection
    path: Path | None
    root: Path | None
    refresh: RefreshStats = field(default_factory=RefreshStats)
    warnings: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def problems(self) -> list[Problem]:
        """Problems of the corpus files, as stored when they were parsed (broken files first)."""
        out: list[Problem] = []
        rows = self.con.execute(
            "SELECT path, problems FROM files WHERE problems != '[]' "
            "ORDER BY status = 'ok', path").fetchall()
        for rel, data in rows:
            for p in json.loads(data):
                path = (self.root / rel) if self.root is not None else Path(rel)
                out.append(Problem(path, p[0], p[1], p[2], p[3], p[4]))
        return out

    def taxonomy(self) -> Taxonomy | None:
        """The taxonomy's ids and names as stored at build time (enough to check filters and
        show labels without parsing the taxonomy file again); None if not stored."""
        row = self.con.execute("SELECT value FROM meta WHERE key = 'taxonomy_snapshot'"
                               ).fetchone()
        if row is None:
            return None
        from brief_cli.taxonomy import Actor, Kind, Sector, Taxonomy

        data = json.loads(row[0])
        return Taxonomy(
            tuple(Kind(k, label) for k, label in data["kinds"]),
            tuple(Sector(s, label) for s, label in data["sectors"]),
            tuple(Actor(a[0], a[1], a[2], a[3], tuple(a[4]), tuple(a[5]), tuple(a[6]))
                  for a in data["actors"]),
            Path(data["path"]) if data.get("path") else None)

    def article_ids(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT id FROM articles ORDER BY published, id")]

    def stats(self) -> IndexStats:
        c = self.con
        one = lambda sql: c.execute(sql).fetchone()[0]  # noqa: E731
        meta = dict(c.execute("SELECT key, value FROM meta"))
        size = 0
        if self.path is not None:
            for suffix in ("", "-journal"):
                try:
                    size += os.stat(str(self.path) + suffix).st_size
                except OSError:
                    pass
        return IndexStats(
            path=self.path, articles=one("SELECT count(*) FROM articles"),
            passages=one("SELECT count(*) FROM passages"),
            terms=one("SELECT count(*) FROM fts_vocab WHERE col = 'text'"),
            words=one("SELECT count(*) FROM words"),
            files=one("SELECT count(*) FROM files"),
            broken=one("SELECT count(*) FROM files WHERE status != 'ok'"),
            bytes=size, built_at=meta.get("built_at", ""),
            build_seconds=float(meta.get("build_seconds", 0) or 0))


def is_busy(exc: Exception) -> bool:
    """A lock that did not clear in time, as opposed to a damaged file."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


# Opening -----------------------------------------------------------------------------------

class _Stale(Exception):
    """The file is not a usable index of this version (reason in args[0])."""


def _connect(path: Path | str, *, timeout: float = 60.0) -> sqlite3.Connection:
    con = sqlite3.connect(str(path), timeout=timeout, isolation_level=None,
                          check_same_thread=False)
    con.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    return con


def _check(con: sqlite3.Connection, path: Path, expect: dict[str, str]) -> None:
    """Raise _Stale when the file is not a sound index built for these settings."""
    try:
        meta = dict(con.execute("SELECT key, value FROM meta"))
    except sqlite3.DatabaseError as exc:
        raise _Stale(f"not a search index ({exc})") from None
    for key, value in expect.items():
        if meta.get(key) != value:
            if key == "schema":
                raise _Stale("made by another version")
            raise _Stale("settings changed" if key != "taxonomy" else "taxonomy changed")
    page_count = con.execute("PRAGMA page_count").fetchone()[0]
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise _Stale(f"cannot stat ({exc.strerror})") from None
    if size < page_count * page_size:
        raise _Stale("truncated")


def _expect(root: Path | None, taxonomy_fp: str) -> dict[str, str]:
    return {"schema": SCHEMA_VERSION, "tokenizer": TOKENIZER, "segmenter": index_version(),
            "root": str(Path(root).resolve()) if root is not None else "",
            "taxonomy": taxonomy_fp}


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


def _current(base: Path) -> Path | None:
    try:
        gen = Path(str(base) + ".current").read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not gen.isdigit():
        return None
    return Path(f"{base}.{gen}.db")


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


def _snapshot(tax: Taxonomy) -> str:
    return json.dumps({
        "path": str(tax.path) if tax.path else None,
        "kinds": [[k.id, k.label] for k in tax.kinds],
        "sectors": [[s.id, s.label] for s in tax.sectors],
        "actors": [[a.id, a.name, a.type, a.iso3, list(a.aliases), list(a.demonyms),
                    list(a.capitals)] for a in tax.actors],
    }, ensure_ascii=False)


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


def _create(con: sqlite3.Connection, expect: dict[str, str]) -> None:
    con.executescript(_SCHEMA)
    con.executemany("INSERT INTO meta VALUES (?, ?)", list(expect.items()))


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
    try:
        con.execute("PRAGMA stage.journal_mode = OFF")
        con.execute("PRAGMA stage.synchronous = OFF")
        con.execute("CREATE TABLE stage.rows(rowid INTEGER PRIMARY KEY, idx INTEGER, pid TEXT, "
                    "kind TEXT, sectors TEXT, actors TEXT, reviewed INTEGER, text TEXT, "
                    "tags TEXT, cjk TEXT)")
        # The surface words (folded, not stemmed) for typo suggestions, counted by SQLite's
        # own tokenizer: much cheaper than counting them in Python.
        con.execute("CREATE VIRTUAL TABLE stage.surface USING fts5(text, content='', "
                    "detail='none', columnsize=0, tokenize='unicode61 remove_diacritics 2')")
        con.execute("CREATE VIRTUAL TABLE stage.surface_vocab USING "
                    "fts5vocab(surface, 'row')")
        stage = _Stage(con)
        con.execute("BEGIN")
        yield stage
        _place_all(con, stage)
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


class _NoRoom(Exception):
    """No free slot between two articles: the index must be rebuilt to space them again."""


# Building ----------------------------------------------------------------------------------

def _full_build(base: Path, root: Path, taxonomy, expect, progress, *, reuse: bool = False
                ) -> tuple[Path, RefreshStats]:
    """Build a new generation into a temporary file and switch the pointer to it.

    With ``reuse``, a file whose content hash is the one the current generation indexed (built
    with the same settings) is not parsed again: its rows are copied from that generation.
    """
    if reuse:
        try:
            return _full_build_from(base, root, taxonomy, expect, progress,
                                    _Previous.open(_current(base), expect))
        except _ReuseFailed:
            pass  # the previous generation could not be read after all: parse everything
    return _full_build_from(base, root, taxonomy, expect, progress, None)


def _full_build_from(base: Path, root: Path, taxonomy, expect, progress, previous
                     ) -> tuple[Path, RefreshStats]:
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
        stage_path = Path(f"{base}.{gen}.stage.{os.getpid()}.tmp")
        try:
            with _staged(con, str(stage_path)) as stage:
                stage.previous = previous
                _apply(con, root, taxonomy, files, sorted(files, key=_order), [], progress,
                       stats, stage=stage)
        finally:
            try:
                stage_path.unlink()
            except OSError:
                pass
        con.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        from brief_cli import impact
        from brief_cli.lang import has_han

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


def _refresh(con: sqlite3.Connection, root: Path, taxonomy, progress, view: _View, *,
             verify: bool = False) -> RefreshStats | None:
    """Bring the index up to date in one transaction; None when a full rebuild is better.

    ``verify`` (with a full view): also hash the files whose signature is unchanged, and read
    again those whose content differs from what was indexed.
    """
    stats = RefreshStats()
    on_disk, known = view.on_disk, view.known
    removed = [p for p in known if p not in on_disk]
    changed = [p for p, st in on_disk.items() if known.get(p) != st]
    if verify:
        hashes = dict(con.execute("SELECT path, hash FROM files"))
        changed += [p for p, st in on_disk.items() if known.get(p) == st
                    and _hash_file(root / p) != hashes.get(p)]
    if not removed and not changed and not view.dirs and not view.gone:
        return stats
    if changed and len(changed) > max(
            50, FULL_REBUILD_SHARE * con.execute("SELECT count(*) FROM files").fetchone()[0]):
        return None
    con.execute("BEGIN IMMEDIATE")
    try:
        # Same content, new signature (a touch, a checkout, a rename of the same bytes):
        # remember the new signature only.
        really: list[str] = []
        for rel in changed:
            old = known.get(rel)
            if old is not None and old[0] == on_disk[rel][0]:
                row = con.execute("SELECT hash FROM files WHERE path = ?", (rel,)).fetchone()
                if row and row[0] and _hash_file(root / rel) == row[0]:
                    con.execute("UPDATE files SET mtime_ns = ?, ctime_ns = ?, ino = ? "
                                "WHERE path = ?", (*on_disk[rel][1:], rel))
                    continue
            really.append(rel)
        _apply(con, root, taxonomy, on_disk, sorted(really, key=_order), removed, progress,
               stats)
        for d in view.gone:
            con.execute("DELETE FROM dirs WHERE path = ?", (d,))
        con.executemany("INSERT OR REPLACE INTO dirs VALUES (?, ?, ?, ?, ?)",
                        [(d, *sig, skipped) for d, (sig, skipped) in view.dirs.items()])
        reached("index-refresh")
        con.execute("COMMIT")
    except _NoRoom:
        con.execute("ROLLBACK")
        return None
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    return stats


def _record_dirs(con: sqlite3.Connection, found: Scan) -> None:
    con.executemany("INSERT OR REPLACE INTO dirs VALUES (?, ?, ?, ?, ?)",
                    [(d, *sig, _skipped_json(found.skipped.get(d)))
                     for d, sig in found.dirs.items()])


def _stat_sig(path: Path) -> Sig:
    """The signature of a file outside the current look (a duplicate that takes over)."""
    try:
        return _file_sig(os.stat(path))
    except OSError:
        return (-1, -1, -1, -1)


def _hash_file(path: Path) -> str:
    import hashlib

    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _parse(task):
    """Parse one file (in a worker process or not); count its words when asked."""
    root, rel, taxonomy, count = task
    from brief_cli.corpus import load_article_file

    path = Path(root) / rel
    digest = _hash_file(path)
    article, problems = load_article_file(path, taxonomy)
    words: Counter[str] = Counter()
    if count and article is not None:
        for p in article.passages:
            words.update(set(WORD_RE.findall(index_text(p.text).lower())))
    return rel, digest, article, problems, words


_WORKER_TAXONOMY = None


def _init_worker(taxonomy) -> None:
    global _WORKER_TAXONOMY
    _WORKER_TAXONOMY = taxonomy


def _parse_in_worker(task):
    root, rel, count = task
    return _parse((root, rel, _WORKER_TAXONOMY, count))


def _parsed(root: Path, rels: list[str], taxonomy, count: bool, previous: _Previous | None = None
            ) -> Iterator[tuple]:
    """Parse files in order, on several processes when there are many. Files that ``previous``
    indexed with the same content come from it instead (in the same order)."""
    same: dict[str, str] = {}  # file -> content hash, for files the previous generation holds
    if previous is not None:
        for rel in rels:
            digest = previous.unchanged(root, rel)
            if digest is not None:
                same[rel] = digest
    parsed = _parse_all(root, [r for r in rels if r not in same], taxonomy, count)
    for rel in rels:
        found = previous.copy_of(root, rel, same[rel]) if rel in same else None
        yield found if found is not None else next(parsed)


def _parse_all(root: Path, rels: list[str], taxonomy, count: bool) -> Iterator[tuple]:
    workers = _workers()
    if len(rels) >= PARALLEL_MIN_FILES and workers > 1:
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        tax = taxonomy()
        with ctx.Pool(workers, initializer=_init_worker, initargs=(tax,)) as pool:
            yield from pool.imap(_parse_in_worker, [(str(root), r, count) for r in rels],
                                 chunksize=16)
    else:
        for rel in rels:
            yield _parse((root, rel, taxonomy(), count))


def _workers() -> int:
    """Parsing processes: the CPUs this process may use (affinity, not the machine's count)."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, min(n, 8))


class _ReuseFailed(Exception):
    """The previous generation could not be read: build without it."""


class _Copied:
    """An article as the previous generation indexed it, standing in for a parsed one."""

    def __init__(self, row: tuple, passages: list[tuple]):
        self.row = row  # the articles row, without rowid and slot
        self.id = row[0]
        self.rows = passages  # (idx, pid, kind, sectors, actors, reviewed, text, tags, cjk)
        self.passages = passages


class _Previous:
    """A read-only view of the current generation, to copy unchanged files from."""

    def __init__(self, con: sqlite3.Connection):
        self.con = con
        self.files = {r[0]: (r[1], r[2]) for r in con.execute(
            "SELECT path, hash, problems FROM files WHERE status = 'ok' AND hash != ''")}

    @classmethod
    def open(cls, path: Path | None, expect: dict[str, str]) -> _Previous | None:
        if path is None or not path.exists():
            return None
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            _check(con, path, expect)
            return cls(con)
        except (_Stale, sqlite3.Error):
            return None

    def unchanged(self, root: Path, rel: str) -> str | None:
        """The file's content hash when it is the one this generation indexed."""
        known = self.files.get(rel)
        if known is None:
            return None
        digest = _hash_file(root / rel)
        return digest if digest == known[0] else None

    def copy_of(self, root: Path, rel: str, digest: str) -> tuple:
        """(rel, hash, _Copied, problems, words), as the parsing of the file gives them."""
        known = self.files[rel]
        try:
            row = self.con.execute(
                "SELECT id, file, title, source, section, authors, author_note, published, url,"
                " language, n_passages, slot FROM articles WHERE file = ?", (rel,)).fetchone()
            if row is None:
                raise _ReuseFailed(f"{rel}: article missing")
            lo, hi = slot_range(row[-1])
            passages = self.con.execute(
                "SELECT p.idx, p.pid, p.kind, p.sectors, p.actors, p.reviewed, f.text, f.tags,"
                " f.cjk FROM passages p JOIN fts f ON f.rowid = p.rowid "
                "WHERE p.rowid BETWEEN ? AND ? ORDER BY p.rowid", (lo, hi)).fetchall()
        except sqlite3.Error as exc:
            raise _ReuseFailed(str(exc)) from None
        if len(passages) != row[10]:
            raise _ReuseFailed(f"{rel}: passages missing")
        problems = [Problem(root / rel, p[0], p[1], p[2], p[3], p[4])
                    for p in json.loads(known[1])]
        return rel, digest, _Copied(row[:-1], passages), problems, Counter()


def _problem_json(problems: list[Problem], root: Path) -> str:
    rows = []
    for p in problems:
        rows.append([p.message, p.line, p.column, p.hint, p.severity])
    return json.dumps(rows, ensure_ascii=False)


def _apply(con, root: Path, taxonomy, on_disk: dict[str, Sig], parse_rels: list[str],
           removed: list[str], progress: ProgressFn | None, stats: RefreshStats,
           stage: _Stage | None = None) -> None:
    """Remove deleted files, (re)parse changed ones, and settle article id clashes.

    With ``stage`` (a full build into an empty index) passages are staged and placed at the end.
    """
    words: Counter[str] = Counter()
    freed: set[str] = set()  # article ids whose file went away: a waiting duplicate may win
    if stage is None:
        for rel in removed + parse_rels:
            freed |= _remove_file(con, rel, words)
    for rel in removed:
        con.execute("DELETE FROM files WHERE path = ?", (rel,))
    stats.removed = len(removed)

    total = len(parse_rels)
    done = 0
    previous = stage.previous if stage is not None else None
    for rel, digest, article, problems, file_words in _parsed(root, parse_rels, taxonomy,
                                                              stage is None, previous):
        sig = on_disk.get(rel) or _stat_sig(root / rel)
        status = "broken"
        article_id = None
        if article is not None and len(article.passages) > MAX_PASSAGES:
            problems = list(problems) + [Problem(
                root / rel, f"more than {MAX_PASSAGES:,} passages",
                hint="split the article into several files")]
            article = None
        if article is not None:
            article_id = article.id
            holder = con.execute("SELECT file FROM articles WHERE id = ?", (article.id,)
                                 ).fetchone()
            if holder is not None and _order(holder[0]) < _order(rel):
                status = "duplicate"
                problems = list(problems) + [Problem(
                    root / rel, f"duplicate article id {article.id!r}",
                    hint=f"already used by {root / holder[0]}; give this article another id")]
            else:
                if holder is not None:  # this file comes first: it takes the id over
                    _demote(con, root, holder[0], rel, words)
                placed = _insert_article(con, rel, article, stage)
                if isinstance(article, _Copied):
                    stats.copied += 1
                if stage is not None:
                    stage.ranges[placed[0]] = (placed[1], placed[2])
                status = "ok"
                words.update(file_words)
        con.execute("INSERT OR REPLACE INTO files(path, folder, size, mtime_ns, ctime_ns, ino,"
                    " hash, status, article_id, problems) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (rel, _folder(rel), *sig, digest, status, article_id,
                     _problem_json(problems, root)))
        freed.discard(article_id)
        done += 1
        if progress is not None:
            progress(done, total)
    stats.parsed = total
    # A duplicate whose winner went away takes its place (parsed again, in path order).
    for article_id in sorted(freed):
        if con.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
            continue
        waiting = [r[0] for r in con.execute(
            "SELECT path FROM files WHERE status = 'duplicate' AND article_id = ?",
            (article_id,))]
        if waiting:
            first = min(waiting, key=_order)
            con.execute("DELETE FROM files WHERE path = ?", (first,))
            _apply(con, root, taxonomy, on_disk, [first], [], None, RefreshStats())
    _add_words(con, words)


def _demote(con, root: Path, rel: str, winner: str, words: Counter[str]) -> None:
    _remove_file(con, rel, words)
    row = con.execute("SELECT problems, article_id FROM files WHERE path = ?", (rel,)).fetchone()
    problems = json.loads(row[0]) if row else []
    problems.append([f"duplicate article id {row[1]!r}" if row else "duplicate article id",
                     None, None, f"already used by {root / winner}; give this article another id",
                     "error"])
    con.execute("UPDATE files SET status = 'duplicate', problems = ? WHERE path = ?",
                (json.dumps(problems, ensure_ascii=False), rel))


def _remove_file(con, rel: str, words: Counter[str]) -> set[str]:
    """Drop the article a file held (its passages, FTS rows and word counts)."""
    row = con.execute("SELECT rowid, id, slot FROM articles WHERE file = ?", (rel,)).fetchone()
    if row is None:
        return set()
    article_rowid, article_id, slot = row
    lo, hi = slot_range(slot)
    texts = [r[0] for r in con.execute("SELECT text FROM fts WHERE rowid BETWEEN ? AND ?",
                                         (lo, hi))]
    for text in texts:
        words.subtract(set(WORD_RE.findall(text.lower())))
    _changed(con, lo, hi, texts, -1)
    con.execute("DELETE FROM fts WHERE rowid BETWEEN ? AND ?", (lo, hi))
    con.execute("DELETE FROM passages WHERE rowid BETWEEN ? AND ?", (lo, hi))
    con.execute("DELETE FROM articles WHERE rowid = ?", (article_rowid,))
    return {article_id}


def _changed(con, lo: int, hi: int, texts: list[str], sign: int) -> None:
    """Passages lo..hi are removed or added by an incremental refresh: the impact lists must
    not vouch for them, and their stems' counts follow (see ``brief_cli.impact``)."""
    if con.execute("SELECT 1 FROM meta WHERE key = 'impact'").fetchone():
        from brief_cli import impact

        impact.changed(con, lo, hi, texts, sign)


def _tags(values) -> str:
    return " " + " ".join(values) + " " if values else ""


def _free_slot(con, article: Article) -> int:
    """A slot between the article's neighbours in corpus order."""
    key = (article.published.isoformat(), article.id)
    before = con.execute(
        "SELECT slot FROM articles WHERE (published, id) < (?, ?) AND slot IS NOT NULL "
        "ORDER BY published DESC, id DESC LIMIT 1", key).fetchone()
    after = con.execute(
        "SELECT slot FROM articles WHERE (published, id) > (?, ?) AND slot IS NOT NULL "
        "ORDER BY published, id LIMIT 1", key).fetchone()
    lo = before[0] if before else 0
    hi = after[0] if after else SLOT_LIMIT
    if hi - lo < 2:
        raise _NoRoom()
    return (lo + hi) // 2


def _insert_article(con, rel: str, article: Article, stage: _Stage | None
                    ) -> tuple[int, int, int]:
    """Insert an article; its passages go to the stage (full build) or straight in.

    Returns (article rowid, first and last stage rowid) when staged."""
    if isinstance(article, _Copied):
        cur = con.execute(
            "INSERT INTO articles(slot, id, file, title, source, section, authors, author_note,"
            " published, url, language, n_passages) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article.id, rel, *article.row[2:]))
        first = stage.next
        stage.next += len(article.rows)
        con.executemany(
            "INSERT INTO stage.rows(rowid, idx, pid, kind, sectors, actors, reviewed, text, tags,"
            " cjk) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(first + i, *r) for i, r in enumerate(article.rows)])
        return cur.lastrowid, first, stage.next - 1
    slot = None if stage is not None else _free_slot(con, article)
    cur = con.execute(
        "INSERT INTO articles(slot, id, file, title, source, section, authors, author_note,"
        " published, url, language, n_passages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (slot, article.id, rel, article.title, article.source, article.section,
         json.dumps(list(article.authors), ensure_ascii=False), article.author_note,
         article.published.isoformat(), article.url, article.language, len(article.passages)))
    article_rowid = cur.lastrowid
    if stage is not None:
        first = stage.next
        stage.next += len(article.passages)
        con.executemany(
            "INSERT INTO stage.rows(rowid, idx, pid, kind, sectors, actors, reviewed, text, tags,"
            " cjk) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(first + i, p.index, p.id, p.kind, _tags(p.sectors), _tags(p.actors),
              int(p.reviewed), index_text(p.text), _tag_text(p.kind, p.sectors, p.actors),
              char_text(p.text))
             for i, p in enumerate(article.passages)])
        return article_rowid, first, stage.next - 1
    base = slot << PASSAGE_BITS
    _changed(con, *slot_range(slot), [index_text(p.text) for p in article.passages], 1)
    con.executemany(
        "INSERT INTO passages(rowid, article, idx, pid, kind, sectors, actors, reviewed) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(base + p.index, article_rowid, p.index, p.id, p.kind, _tags(p.sectors),
          _tags(p.actors), int(p.reviewed)) for p in article.passages])
    con.executemany("INSERT INTO fts(rowid, text, tags, cjk) VALUES (?, ?, ?, ?)",
                    [(base + p.index, index_text(p.text), _tag_text(p.kind, p.sectors, p.actors),
                      char_text(p.text)) for p in article.passages])
    return article_rowid, 0, 0


def _add_words(con, words: Counter[str]) -> None:
    """Fold the surface words (case and accents) and add their passage counts."""
    from brief_cli.text import fold

    merged: Counter[str] = Counter()
    for word, n in words.items():
        if n:
            merged[fold(word) if not word.isascii() else word] += n
    con.executemany(
        "INSERT INTO words(len, word, n) VALUES (?, ?, ?) "
        "ON CONFLICT(len, word) DO UPDATE SET n = n + excluded.n",
        [(len(w), w, n) for w, n in sorted(merged.items()) if w])
    con.execute("DELETE FROM words WHERE n <= 0")
    _word_lists(con, sorted({len(w) for w in merged}))


def _word_lists(con, lengths: list[int] | None = None) -> None:
    """One newline-joined list of words per length: a typo lookup reads a few rows instead of
    tens of thousands (the rows are what costs, not comparing the words)."""
    if lengths is None:
        con.execute("DELETE FROM word_lists")
        con.execute("INSERT INTO word_lists SELECT len, group_concat(word, char(10)) "
                    "FROM words GROUP BY len")
        return
    for n in lengths:
        con.execute("DELETE FROM word_lists WHERE len = ?", (n,))
        con.execute("INSERT INTO word_lists SELECT len, group_concat(word, char(10)) "
                    "FROM words WHERE len = ? GROUP BY len", (n,))
