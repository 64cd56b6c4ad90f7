"""A cache file of the analysis commands: an SQLite database beside the index, opened on first
use, shared by concurrent commands (WAL), and simply not used when it cannot be opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class CacheDb:
    """Opens ``path`` on the first call of ``_db()``; subclasses say what it holds
    (``_prepare``) and may decline to open it (``_before_open`` returning False)."""

    path: Path | None

    def __init__(self) -> None:
        self._con: sqlite3.Connection | None = None
        self._opened = False

    def _before_open(self) -> bool:
        return True

    def _prepare(self, con: sqlite3.Connection) -> None:
        """Create the tables, check the state; raise sqlite3.Error or OSError to not use it."""

    def _db(self) -> sqlite3.Connection | None:
        if self._opened:
            return self._con
        self._opened = True
        if self.path is None or not self._before_open():
            return None
        con = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(str(self.path), timeout=0.5, isolation_level=None)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            self._prepare(con)
        except (sqlite3.Error, OSError):
            if con is not None:
                con.close()
            return None
        self._con = con
        return con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
        self._con = None
