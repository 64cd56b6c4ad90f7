"""Where things live: the corpus folder, the taxonomy file and the cache folder.

Each comes from an explicit option, else an environment variable, else a default:

- corpus:   ``--corpus DIR``      > ``BRIEF_CORPUS``   > the bundled corpus
- taxonomy: ``--taxonomy FILE``   > ``BRIEF_TAXONOMY`` > the bundled taxonomy
- cache:    ``BRIEF_CACHE_DIR``   > the platform's user cache folder

An empty value (``--corpus ''``, ``BRIEF_CORPUS=``) is an error, never "the current folder" or
"the default"; ``~user`` that names no user is an error too.
"""

from __future__ import annotations

import os
from pathlib import Path

from brief_cli.errors import CorpusError, TaxonomyError

ENV_CORPUS = "BRIEF_CORPUS"
ENV_TAXONOMY = "BRIEF_TAXONOMY"
ENV_CACHE = "BRIEF_CACHE_DIR"


def user_path(value: str | os.PathLike, origin: str) -> Path:
    """A path as the user gave it (``~`` expanded); UsageError when it is empty or names a user
    that does not exist (``~nosuchuser/...``). ``origin`` says where it came from."""
    from brief_cli.errors import UsageError

    text = os.fspath(value)
    if not str(text).strip():
        raise UsageError(f"{origin} is empty", hint="give a path, or leave it unset for the default")
    try:
        return Path(text).expanduser()
    except RuntimeError:
        raise UsageError(f"cannot expand {str(text)!r} from {origin}: no such user",
                         hint="write the path in full") from None


def _from_env(name: str) -> Path | None:
    """The path in environment variable ``name``: None when unset, an error when empty."""
    value = os.environ.get(name)
    if value is None:
        return None
    return user_path(value, name)


def data_dir() -> Path:
    """The bundled data: inside the installed package, or ``data/`` of a source checkout."""
    packaged = Path(__file__).resolve().parent / "data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data"


def bundled_corpus_dir() -> Path:
    return data_dir() / "briefs"


def bundled_taxonomy_path() -> Path:
    return data_dir() / "taxonomy.yaml"


def resolve_corpus_dir(option: Path | str | None = None) -> Path:
    """The corpus folder to use; raises CorpusError when it does not exist."""
    chosen = user_path(option, "--corpus") if option is not None else _from_env(ENV_CORPUS)
    path = chosen if chosen is not None else bundled_corpus_dir()
    if not path.exists():
        origin = "--corpus" if option is not None else (ENV_CORPUS if chosen else "bundled corpus")
        raise CorpusError(
            f"corpus folder {str(path)!r} does not exist",
            hint=f"from {origin}; point --corpus or {ENV_CORPUS} at a folder of article YAML files",
        )
    if not path.is_dir():
        raise CorpusError(
            f"{str(path)!r} is not a folder",
            hint="--corpus takes a folder of article YAML files",
        )
    return path


def resolve_taxonomy_path(option: Path | str | None = None) -> Path:
    """The taxonomy file to use; raises TaxonomyError when it does not exist."""
    chosen = user_path(option, "--taxonomy") if option is not None else _from_env(ENV_TAXONOMY)
    path = chosen if chosen is not None else bundled_taxonomy_path()
    if not path.is_file():
        raise TaxonomyError(
            f"taxonomy file {str(path)!r} does not exist",
            hint=f"point --taxonomy or {ENV_TAXONOMY} at a taxonomy YAML file",
        )
    return path


def cache_dir() -> Path:
    """The folder for indexes and other derived data (created on demand by its users)."""
    chosen = _from_env(ENV_CACHE)
    if chosen is not None:
        return chosen
    common = _linux_cache_dir()
    if common is not None:
        return common
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("brief", appauthor=False))


def _linux_cache_dir() -> Path | None:
    """The common Linux case of platformdirs' user cache folder, without importing it (it pulls
    in tempfile, shutil and the compression modules: about 8% of a search's start-up).

    Only when the answer is plain: an absolute ``XDG_CACHE_HOME``, or none and an absolute
    ``HOME``; anything else (other systems, Android, relative values) is left to platformdirs,
    and a test checks that both agree on every case taken here."""
    import sys

    if sys.platform != "linux" or "ANDROID_DATA" in os.environ:
        return None
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg:
        return Path(xdg, "brief") if os.path.isabs(xdg) else None
    home = os.environ.get("HOME", "")
    return Path(home, ".cache", "brief") if os.path.isabs(home) else None
