"""Help reads well at 60-200 columns: description paragraphs wrap at word boundaries only
(the docstrings' own line breaks do not show), and examples are never wrapped from 80
columns up (each is one line, ready to copy)."""

from __future__ import annotations

import pytest

from brief_cli.cli import COMMANDS

WIDTHS = (60, 80, 120, 200)


_RENDERED: dict[tuple, list[str]] = {}


def _help(run, name, width):
    """A command's help at a width, rendered once for both tests of this file (help reads no
    corpus, cache or home folder: the same arguments always print the same text)."""
    if (name, width) not in _RENDERED:
        result = run(*([name] if name else []), "--help", env={"COLUMNS": str(width)})
        assert result.exit_code == 0, result.stderr
        _RENDERED[name, width] = result.stdout.splitlines()
    return _RENDERED[name, width]


def _inner(line: str) -> str:
    line = line.rstrip()
    if line.startswith("│"):
        line = line[1:].rstrip("│").rstrip()
    return line


def _early_breaks(lines: list[str], width: int) -> list[tuple[str, str]]:
    """Lines of one paragraph that end although the next line's first word would have fit."""
    found = []
    for a, b in zip(lines, lines[1:]):
        ia, ib = _inner(a), _inner(b)
        if not ia.strip() or not ib.strip():
            continue
        indent_a, indent_b = len(ia) - len(ia.lstrip()), len(ib) - len(ib.lstrip())
        if indent_a != indent_b and not (a.startswith("│") and indent_b > indent_a):
            continue  # a new column of a panel row, or an example block
        if ib.lstrip().startswith("-") or ia.lstrip().startswith("brief "):
            continue  # the next option, or an example
        room = width - (4 if a.startswith("│") else 2)
        if len(ia) + 1 + len(ib.split()[0]) <= room - 1 and not ia.endswith((":", ".")):
            found.append((ia, ib))
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_help_paragraphs_wrap_at_the_width_only(run, width):
    for name in [None, *COMMANDS]:
        lines = _help(run, name, width)
        assert not _early_breaks(lines, width), (name, width, _early_breaks(lines, width)[:3])
        assert all(len(line) <= width for line in lines), (name, width)


@pytest.mark.parametrize("width", (80, 120, 200))
def test_examples_stay_on_one_line(run, width):
    for name in COMMANDS:
        lines = _help(run, name, width)
        box = next(i for i, line in enumerate(lines) if line.startswith("╭"))
        for n, line in enumerate(lines[:box]):
            if line.startswith("     brief "):  # an example: the next line is blank or another
                following = lines[n + 1] if n + 1 < len(lines) else ""
                assert not following.strip() or following.startswith("     brief "), (
                    name, width, line, following)
