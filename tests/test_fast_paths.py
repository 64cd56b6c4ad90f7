"""Ingest and tagging take short cuts for speed; each must give exactly what the plain
expression it stands for gives (the tagger's results and the files written must not change)."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from brief_cli.ingest import furniture, paragraphs, sentence_ends, words as ingest_words
from brief_cli.tagging import lexicon
from brief_cli.tagging.tokens import DEFAULT_TOKENISER, TOKEN_RE

# Pieces that the expressions care about: apostrophes, dashes, spaces of several kinds,
# sentence ends, upper and lower case, non-ASCII letters, digits, underscores.
_PIECES = list("ab'’_ \n\t.,-!?;:()/&1É中sſK\u2014\u2013\u2009\u00a0\"”)©+") + [
    "abcdefgh", "Abcdefghij", "don't", "rock'n'rollers", "interdependence", " - ", "...",
    "U.S.", "3.5", "PRINT", "Sign", "design", "log in", "Log In", "min read", "MINUTES READ",
    "(c)", "(C)", "this ", "This ", "a+a", "A A", "photo", "about us", "ICP", "text size"]
texts = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_tokens_are_the_expression_s(text):
    assert DEFAULT_TOKENISER.tokens(text) == TOKEN_RE.findall(text)


@pytest.fixture(scope="module")
def lex():
    from brief_cli.config import bundled_taxonomy_path
    from brief_cli.taxonomy import load_taxonomy

    return lexicon.Lexicon(load_taxonomy(bundled_taxonomy_path()), use_cache=False)


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_long_words_are_the_expression_s(lex, text):
    doc = lex.doc(text)
    assert lexicon._long_words(doc) == lexicon._LONG_WORD_RE.findall(doc.text)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_furniture_hint_is_the_case_insensitive_search(text):
    assert furniture._furniture_hint(text) == bool(furniture._FURNITURE_HINT.search(text))


@settings(max_examples=200, deadline=None)
@given(word=st.lists(st.sampled_from(list("ab-_1é²٣\u0301. ")), max_size=3).map("".join),
       text=texts)
def test_whole_word_search_is_the_expression_s(word, text):
    want = bool(re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text))
    assert ingest_words._whole_word_in(word, text) == want


@settings(max_examples=200, deadline=None)
@given(texts)
def test_visual_width_of_ascii_text_is_the_glyph_sum(text):
    plain = 500 * len(text) + sum(
        (width - 500) * sum(1 for c in text if c in chars)
        for width, chars in paragraphs._GLYPH_WIDTHS.values())
    assert paragraphs.visual_width(text) == plain


@settings(max_examples=200, deadline=None)
@given(texts)
def test_dangling_ends(text):
    last = text[-30:].rsplit(" ", 1)[-1].strip(".,;:!?\"'”’“‘()[]").lower()
    want = bool(sentence_ends.CONTINUES.search(text) or text.endswith(("/", "&"))) or (
        last in sentence_ends._FUNCTION_WORDS and not sentence_ends.ends_sentence(text))
    assert sentence_ends.dangling(text) == want


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("aTfFnNyYoO~0123456789.-+ <=!&*:x#é")), max_size=6)
       .map("".join))
def test_yaml_tags_are_resolved_as_pyyaml_does(value):
    from brief_cli import yamlio
    from brief_cli.corpus import _dumper

    loader = yamlio._Loader("a: b")
    dumper = _dumper()(None)
    for implicit in [(True, False), (False, True), (True, True), (False, False)]:
        want = yaml.resolver.Resolver.resolve(loader, yaml.ScalarNode, value, implicit)
        assert loader.resolve(yaml.ScalarNode, value, implicit) == want
        assert dumper.resolve(yaml.ScalarNode, value, implicit) == want
    loader.dispose()


CACHE_ENVS = [
    {"XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"},
    {"XDG_CACHE_HOME": "", "HOME": "/home/u"},
    {"HOME": "/home/u"},
    {"HOME": "/home/u/"},
    {"XDG_CACHE_HOME": "/x/cache/", "HOME": "relative"},
    {"XDG_CACHE_HOME": "relative/cache", "HOME": "/home/u"},
    {"XDG_CACHE_HOME": "  ", "HOME": "/home/u"},
    {"HOME": "relative"},
]


@pytest.mark.parametrize("env", CACHE_ENVS)
def test_the_cache_folder_is_platformdirs_answer(monkeypatch, env):
    """The Linux short cut, when it answers, says what platformdirs says."""
    import sys
    from pathlib import Path

    from platformdirs import user_cache_dir

    from brief_cli import config

    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("XDG_CACHE_HOME", "HOME", "ANDROID_DATA", "BRIEF_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    quick = config._linux_cache_dir()
    if quick is not None:
        assert quick == Path(user_cache_dir("brief", appauthor=False))
    assert env.get("XDG_CACHE_HOME", "").startswith("/") or env["HOME"].startswith("/") or (
        quick is None)
    assert config.cache_dir() == (quick or Path(user_cache_dir("brief", appauthor=False)))
