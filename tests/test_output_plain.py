"""Every listing command: plain text when piped, no colour under NO_COLOR on a terminal,
colour on a terminal otherwise (so the NO_COLOR check can fail)."""

from __future__ import annotations

import re

import pytest

# SGR codes that set a colour: 30-37/90-97 and 40-47/100-107, and extended 38;/48; forms
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|4[0-7]|10[0-7]|38|48)(?:[;m])")
BOX = set("┃━│─╭╮╰╯┏┓┗┛")

LISTINGS = [
    ["search", "energy"],
    ["search", "--kind", "challenge"],
    ["search", "energy", "--count"],
    ["articles"],
    ["show", "kazakhstan-bri-partner"],
    ["sectors"],
    ["sectors", "--matrix", "kind"],
    ["sectors", "energy"],
    ["summary"],
    ["summary", "kazakhstan-bri-partner"],
    ["validate"],
    ["index"],
    ["tag", "Kazakhstan sells natural gas to China."],
    ["tag", "--why", "Kazakhstan sells natural gas to China."],
    ["retag", "--dry-run"],
]


def ids(args):
    return " ".join(args)


@pytest.mark.parametrize("args", LISTINGS, ids=ids)
def test_piped_output_is_plain(run, args):
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert "\x1b[" not in result.stdout and "\x1b[" not in result.stderr
    assert not BOX & set(result.stdout), result.stdout[:300]


@pytest.mark.parametrize("args", LISTINGS, ids=ids)
def test_no_color_on_a_terminal(run, args):
    coloured = run(*args, env={"BRIEF_FORCE_TERMINAL": "1"})
    plain = run(*args, env={"BRIEF_FORCE_TERMINAL": "1", "NO_COLOR": "1"})
    assert coloured.exit_code == plain.exit_code == 0, plain.stderr
    assert not COLOUR.search(plain.stdout), repr(COLOUR.search(plain.stdout))
    assert not COLOUR.search(plain.stderr)
    if COLOUR.search(coloured.stdout + coloured.stderr) is None:
        pytest.skip(f"{ids(args)} shows no colour even on a terminal")
