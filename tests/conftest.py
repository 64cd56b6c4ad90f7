"""Shared fixtures: an isolated environment for every test, a tiny hand-made corpus, a CLI runner.

The helpers themselves live in ``helpers.py`` (import them from there); the names are re-exported
here for tests that still say ``from conftest import ...``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from brief_cli.render import common
from helpers import SMALL_CORPUS, Runner, article_yaml, dedent, write_corpus  # noqa: F401

try:  # keep hypothesis's example database out of the checkout: tests write only under tmp
    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("brief", database=None)
    _hypothesis_settings.load_profile("brief")
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    pass


def pytest_sessionstart(session):
    """Hypothesis keeps other files too (a cache of constants): in pytest's tmp folder, not in
    whatever folder the tests were started from."""
    try:
        from hypothesis.configuration import set_hypothesis_home_dir
    except ImportError:  # pragma: no cover
        return
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is not None:
        set_hypothesis_home_dir(factory.mktemp("hypothesis", numbered=True))

_ISOLATED_VARS = ("BRIEF_CORPUS", "BRIEF_TAXONOMY", "BRIEF_DEBUG", "NO_COLOR",
                  "BRIEF_FORCE_TERMINAL", "FORCE_COLOR", "BRIEF_CHECKPOINT", "BRIEF_CACHE_KEY")


def pytest_configure(config):
    config.addinivalue_line("markers", "cold_cache: start the test with an empty cache folder "
                                       "(no bundled-taxonomy entries)")


_SEEDED = ("taxonomy", "tagger")  # cache folders made from the bundled taxonomy alone


@pytest.fixture(scope="session")
def seed_cache(tmp_path_factory):
    """The bundled taxonomy checked and compiled for the tagger once per test process.

    Checking the taxonomy and compiling it for the tagger cost about 0.2 s of CPU, which most
    tests would otherwise pay again in their own empty cache. Every test's cache starts as a copy
    of these entries (and its home holds a copy of the key they are sealed with), as a user's
    cache would after a first command. Entries are keyed by content, so a test that edits a
    taxonomy still gets its own; ``@pytest.mark.cold_cache`` starts a test with an empty cache.
    """
    root = tmp_path_factory.mktemp("seed")
    key, cache = root / "cache.key", root / "cache"
    from brief_cli import cachefile, config
    from brief_cli.tagging.lexicon import Lexicon
    from brief_cli.taxonomy import load_taxonomy

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BRIEF_CACHE_DIR", str(cache))
        patch.setenv(cachefile.ENV_KEY, str(key))
        cachefile._KEY.clear()
        try:
            Lexicon(load_taxonomy(config.bundled_taxonomy_path()))
        finally:
            cachefile._KEY.clear()
    folders = [cache / name for name in _SEEDED if (cache / name).is_dir()]
    return (key, folders) if key.is_file() and folders else None


def _seed(seed, cache: Path, home: Path) -> None:
    import os
    import shutil

    key, folders = seed
    for folder in folders:
        shutil.copytree(folder, cache / folder.name)
    target = home / ".local" / "share" / "brief" / "cache.key"
    target.parent.mkdir(parents=True, mode=0o700)
    shutil.copyfile(key, target)
    os.chmod(target, 0o600)


@pytest.fixture(autouse=True)
def isolated_env(request, tmp_path_factory, monkeypatch):
    """Every test gets its own cache and home folders and none of the user's brief settings.

    HOME and the XDG folders point into the test's own tmp folder too, so that even a subprocess
    started without BRIEF_CACHE_DIR cannot write to the real user cache or config. The cache
    starts with the bundled taxonomy's entries (see ``seed_cache``) unless the test is marked
    ``cold_cache``.
    """
    cache = tmp_path_factory.mktemp("cache")
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("BRIEF_CACHE_DIR", str(cache))
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (("XDG_CACHE_HOME", ".cache"), ("XDG_CONFIG_HOME", ".config"),
                     ("XDG_DATA_HOME", ".local/share"), ("XDG_STATE_HOME", ".local/state")):
        monkeypatch.setenv(var, str(home / sub))
    for name in _ISOLATED_VARS:
        monkeypatch.delenv(name, raising=False)
    if request.node.get_closest_marker("cold_cache") is None:
        seed = request.getfixturevalue("seed_cache")
        if seed is not None:
            _seed(seed, cache, home)
    monkeypatch.setenv("COLUMNS", "120")
    common.reset_consoles()
    yield cache
    common.reset_consoles()


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    return write_corpus(tmp_path / "corpus")


@pytest.fixture
def run() -> Runner:
    return Runner()
