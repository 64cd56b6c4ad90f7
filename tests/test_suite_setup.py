"""The test suite's own set-up: every test's cache starts from the bundled taxonomy's entries."""

from __future__ import annotations

import pytest

from brief_cli import cachefile


def test_a_test_cache_starts_with_the_bundled_taxonomy_compiled(isolated_env, run, monkeypatch):
    from brief_cli.tagging import lexicon

    compiled = []
    real = lexicon.Lexicon._compile_sectors
    monkeypatch.setattr(lexicon.Lexicon, "_compile_sectors",
                        lambda self, tax: compiled.append(1) or real(self, tax))
    hits, misses = cachefile.hits.copy(), cachefile.misses.copy()
    result = run("tag", "Oil and gas pipelines.")
    assert result.exit_code == 0, result.stderr
    assert compiled == []
    assert cachefile.hits["taxonomy"] > hits["taxonomy"]
    assert cachefile.hits["tagger"] > hits["tagger"]
    assert cachefile.misses == misses


@pytest.mark.cold_cache
def test_a_cold_cache_test_starts_empty_and_compiles(isolated_env, run):
    assert list(isolated_env.iterdir()) == []
    hits = cachefile.hits.copy()
    assert run("tag", "Oil and gas pipelines.").exit_code == 0
    assert cachefile.hits["tagger"] == hits["tagger"]
    assert {p.name for p in isolated_env.iterdir()} >= {"taxonomy", "tagger"}


def test_the_runner_runs_the_application_as_converted_now(monkeypatch):
    """The runner keeps the converted Click group (``helpers.Runner``): it must be the one Typer
    would build now, with every command and option, and be built again when the application
    registers another command."""
    import typer
    from typer.main import get_command

    from brief_cli.cli import COMMANDS, app
    from helpers import Runner

    Runner()("search", "--help")
    group, fresh = Runner.command(), get_command(app)
    assert Runner.command() is group
    ctx = typer.Context(fresh)
    for name in COMMANDS:
        kept, built = group.get_command(ctx, name), fresh.get_command(ctx, name)
        assert [p.opts for p in kept.params] == [p.opts for p in built.params], name

    monkeypatch.setattr(app, "registered_commands", list(app.registered_commands))
    app.command("probe-only-for-this-test")(lambda: print("probed"))
    assert Runner.command() is not group
    result = Runner()("probe-only-for-this-test")
    assert result.stdout == "probed\n"
    monkeypatch.undo()
    assert "probe-only-for-this-test" not in Runner.command().commands
