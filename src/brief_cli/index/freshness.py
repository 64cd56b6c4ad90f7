"""Freshness: looking at the corpus folder and telling what changed since the index was written.

A search must see changed files without stat()ing every one of them (at a million passages
that alone costs more than the search). What it looks at:
- every folder of the corpus: a file created, deleted or renamed into a folder (which is how
  editors and brief itself save atomically) changes the folder's signature; only such folders
  are listed again;
- the HOT_FILES files changed most recently (the ones being worked on);
- every file, when the corpus has at most FULL_CHECK_FILES files, or when the last full check
  is more than recheck_seconds() old (a stamp file's mtime records when it started).
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat as stat_mod
import time
from dataclasses import dataclass, field
from pathlib import Path


SUFFIXES = (".yaml", ".yml")

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
        files = out.files
        for entry in entries:  # (the loop of a full check: kept lean, it runs for every file)
            name = entry.name
            if name[:1] == ".":
                continue
            try:
                if name.endswith(SUFFIXES) or name.lower().endswith(SUFFIXES):
                    if entry.is_file():
                        st = entry.stat()
                        files[prefix + name] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns,
                                                st.st_ino)
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
        known = {r[0]: r[1:] for r in con.execute(
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
