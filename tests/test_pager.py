"""The pager: as git pages, only on a real terminal and only when the output is longer than the
screen; $BRIEF_PAGER, then $PAGER, then less -FRX; --no-pager and an empty value turn it off."""

from __future__ import annotations

import pytest

from brief_cli.render import common


@pytest.fixture
def tty(monkeypatch):
    monkeypatch.setattr(common, "_isatty", lambda stream: True)
    monkeypatch.setenv("BRIEF_FORCE_TERMINAL", "1")
    monkeypatch.setenv("LINES", "10")


def test_pager_choice(monkeypatch):
    monkeypatch.delenv("BRIEF_PAGER", raising=False)
    monkeypatch.delenv("PAGER", raising=False)
    assert common.pager_command() == "less -FRX"
    monkeypatch.setenv("PAGER", "more")
    assert common.pager_command() == "more"
    monkeypatch.setenv("BRIEF_PAGER", "less -S")
    assert common.pager_command() == "less -S"
    monkeypatch.setenv("BRIEF_PAGER", "")
    assert common.pager_command() is None
    monkeypatch.setenv("BRIEF_PAGER", "cat")
    assert common.pager_command() is None


def test_long_output_goes_through_the_pager_with_colours(run, tty, tmp_path, monkeypatch):
    paged = tmp_path / "paged.txt"
    monkeypatch.setenv("BRIEF_PAGER", f"cat > '{paged}'")
    r = run("show", "kazakhstan-bri-partner")
    assert r.exit_code == 0, r.stderr
    assert paged.exists() and "kazakhstan-bri-partner#p01" in paged.read_text()
    assert "\x1b[" in paged.read_text()  # colours survive
    assert "kazakhstan-bri-partner#p01" not in r.stdout


def test_no_pager_option_and_short_output(run, tty, tmp_path, monkeypatch):
    paged = tmp_path / "paged.txt"
    monkeypatch.setenv("BRIEF_PAGER", f"cat > '{paged}'")
    r = run("--no-pager", "show", "kazakhstan-bri-partner")
    assert r.exit_code == 0 and not paged.exists()
    assert "kazakhstan-bri-partner#p01" in r.stdout
    r = run("search", "pipeline", "-n", "1")  # fits the screen: printed, not paged
    assert r.exit_code == 0 and not paged.exists() and "pipeline" in r.stdout.lower()


def test_never_pages_when_piped(run, tmp_path, monkeypatch):
    paged = tmp_path / "paged.txt"
    monkeypatch.setenv("BRIEF_PAGER", f"cat > '{paged}'")
    r = run("show", "kazakhstan-bri-partner")
    assert r.exit_code == 0 and not paged.exists() and "#p01" in r.stdout


def test_the_index_progress_bar_is_not_held_back_with_the_pagers_stderr(tty, monkeypatch,
                                                                        capsys):
    """A paged command holds back what goes to stderr until its output is shown. The index's
    progress bar is a live display (a thread of its own redraws it): held back, its start and
    its erasing came after the output, and its last frame stayed on screen before it."""
    from brief_cli.cli.searching import _Progress

    monkeypatch.setenv("BRIEF_PAGER", "less -FRX")
    common.reset_consoles()
    with common.paged():
        bar = _Progress.on_terminal()
        assert bar is not None
        bar(250, 250)
        bar.stop()
        shown = capsys.readouterr().err
        assert "\x1b[?25l" in shown and "250/250" in shown  # drawn at once ...
        assert shown.rstrip().endswith("\x1b[2K")  # ... and erased before the output
        common.out().print("the output")
    assert "the output" in capsys.readouterr().out
