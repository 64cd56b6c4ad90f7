"""Cache entries that only this user could have written: pickles sealed with an HMAC.

Unpickling runs code, so a cache entry is unpickled only when its HMAC-SHA256, made with a
per-user secret key, checks out. The key lives outside the cache folder (in the user's data
folder, ``brief/cache.key``, mode 0600, owned by the user): someone who can write to the cache
folder (a shared ``BRIEF_CACHE_DIR``, a planted file) cannot forge an entry, and a forged or
damaged entry is ignored and rebuilt. Without a usable key nothing is cached.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

MAGIC = b"brief-cache 1\n"
ENV_KEY = "BRIEF_CACHE_KEY"  # path of the key file (tests, or several installs)
_KEY_BYTES = 32
_KEY: list[bytes | None] = []

hits: Counter[str] = Counter()  # entries read back, by kind (for the tests)
misses: Counter[str] = Counter()  # entries missing, stale, forged or damaged


def key_path() -> Path:
    chosen = os.environ.get(ENV_KEY)
    if chosen:
        return Path(chosen)
    from platformdirs import user_data_dir

    return Path(user_data_dir("brief", appauthor=False)) / "cache.key"


def _key() -> bytes | None:
    """The user's key, made on first use; None when it cannot be made or is not safe."""
    path = key_path()
    if _KEY and _KEY[0] is not None and getattr(_key, "path", None) == path:
        return _KEY[0]
    _KEY.clear()
    _key.path = path  # type: ignore[attr-defined]
    key = None
    try:
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(os.urandom(_KEY_BYTES))
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            st = os.fstat(handle.fileno())
            data = handle.read(_KEY_BYTES + 1)
        safe = st.st_mode & 0o077 == 0 and (not hasattr(os, "geteuid")
                                            or st.st_uid == os.geteuid())
        if safe and len(data) == _KEY_BYTES:
            key = data
    except OSError:
        key = None
    _KEY.append(key)
    return key


def _mac(key: bytes, payload: bytes) -> bytes:
    import hashlib
    import hmac

    return hmac.new(key, payload, hashlib.sha256).digest()


def read(path: Path | None, kind: str) -> Any | None:
    """The object stored at path, or None when missing, damaged or not sealed with our key."""
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        misses[kind] += 1
        return None
    key = _key()
    head = len(MAGIC) + 32
    if key is None or not data.startswith(MAGIC) or len(data) < head:
        misses[kind] += 1
        return None
    import hmac
    import pickle

    payload = data[head:]
    if not hmac.compare_digest(data[len(MAGIC):head], _mac(key, payload)):
        misses[kind] += 1
        return None
    try:
        value = pickle.loads(payload)
    except Exception:
        misses[kind] += 1
        return None
    hits[kind] += 1
    return value


def write(path: Path | None, value: Any) -> None:
    """Store value at path, sealed; a cache that cannot be written only costs speed."""
    key = _key() if path is not None else None
    if key is None or path is None:
        return
    import pickle
    import tempfile

    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + _mac(key, payload) + payload)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError:
        pass
