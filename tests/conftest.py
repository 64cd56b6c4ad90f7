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
                  "BRIEF_FORCE_TERMINAL", "FORCE_COLOR", "BRIEF_CHECKPOINT")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory, monkeypatch):
    """Every test gets its own cache and home folders and none of the user's brief settings.

    HOME and the XDG folders point into the test's own tmp folder too, so that even a subprocess
    started without BRIEF_CACHE_DIR cannot write to the real user cache or config.
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
