"""Simplified and traditional characters, folded together for search.

With OpenCC installed (``pip install 'brief-cli[zh]'``), the search index's character column
holds every traditional character as its simplified form, and query characters are folded the
same way, so 一带一路 finds 一帶一路 and the other way round. The folding is character by
character (OpenCC's character table), so a passage keeps its length and highlights land on the
characters as written; the text shown is never converted. Without OpenCC nothing is folded and
each script finds only itself.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _converter():
    try:
        import opencc
    except ImportError:
        return None
    try:
        return opencc.OpenCC("t2s")
    except Exception:  # a broken install: search works, only without folding
        return None


def available() -> bool:
    """Whether OpenCC can be imported (checked without importing it)."""
    from importlib.util import find_spec

    return find_spec("opencc") is not None


@lru_cache(maxsize=65536)
def simplified(ch: str) -> str:
    """The simplified form of one Chinese character (itself when it has none, or without
    OpenCC)."""
    converter = _converter()
    if converter is None:
        return ch
    out = converter.convert(ch)
    return out if len(out) == 1 else ch
