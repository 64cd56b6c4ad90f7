"""The direct construction of plain nodes gives exactly what PyYAML's safe loader gives."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from brief_cli import yamlio

scalars = (st.text(max_size=20) | st.integers() | st.booleans() | st.none()
           | st.floats(allow_nan=False) | st.dates(min_value=dt.date(1900, 1, 1)))
trees = st.recursive(scalars, lambda children: st.lists(children, max_size=4)
                     | st.dictionaries(st.text(max_size=8) | st.integers(), children,
                                       max_size=4), max_leaves=30)


def reference(text: str):
    return yaml.load(text, Loader=yamlio._Loader)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=8), trees, min_size=1, max_size=5))
def test_plain_trees_load_as_the_safe_loader_loads_them(data):
    for style in (False, True, None):
        text = yaml.safe_dump(data, default_flow_style=style, allow_unicode=True)
        assert yamlio.parse(text, None).data == reference(text)


@pytest.mark.parametrize("text", [
    "base: &b {a: 1}\nother:\n  <<: *b\n  c: 2\n",  # refused: anchors
    "a: !!str 12\nb: !!int '7'\nc: 2024-01-02\nd: 2024-01-02T10:00:00Z\n",
    "? [1, 2]\n: x\n",  # an unhashable key: the loader's error, with its line
    "a: 1\na: 2\n",  # duplicate keys: the last wins, as in the loader
    "= : x\n",
    "x: {<<: {a: 1}, b: 2}\n",  # a merge key without anchors
])
def test_special_nodes_behave_as_the_safe_loader(text):
    try:
        expected = reference(text)
    except yaml.YAMLError:
        with pytest.raises(yamlio.YamlProblem):
            yamlio.parse(text, None)
        return
    try:
        got = yamlio.parse(text, None).data
    except yamlio.YamlProblem as exc:
        assert "anchors and aliases" in str(exc)
        return
    assert got == expected
