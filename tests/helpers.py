"""Helpers the tests share: a hand-made corpus writer, its data, and a CLI runner.

Import them as ``from helpers import ...``: the tests folder is on ``sys.path`` (pyproject's
``pythonpath``), so a plain ``pytest`` and ``python -m pytest`` both find it from any folder.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner

from brief_cli.cli import app
from brief_cli.render import common


def article_yaml(article_id: str, passages: list[dict], **meta) -> str:
    """An article file's text; passages as dicts with id, text, kind, sectors, actors."""
    import yaml

    data = {
        "id": article_id,
        "title": meta.pop("title", article_id.replace("-", " ").title()),
        "source": meta.pop("source", "Test Review"),
        "authors": meta.pop("authors", ["Ann Author"]),
        "published": meta.pop("published", "2024-01-15"),
        "language": "en",
    }
    data.update(meta)
    data["passages"] = [
        {"id": p.get("id", f"p{i + 1:02d}"), "text": p["text"], "kind": p.get("kind", "context"),
         "sectors": p.get("sectors", []), "actors": p.get("actors", []),
         "reviewed": p.get("reviewed", True)}
        for i, p in enumerate(passages)
    ]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


SMALL_CORPUS = {
    "energy-outlook": dict(
        title="Energy Outlook for Central Asia", published="2023-05-02",
        authors=["Ann Author", "Ben Writer"], url="https://example.org/energy",
        passages=[
            {"text": "Kazakhstan exports oil and gas through pipelines to China.",
             "kind": "context", "sectors": ["energy", "trade"], "actors": ["kazakhstan", "china"]},
            {"text": "Dependency on a single pipeline is a risk for the region.",
             "kind": "challenge", "sectors": ["energy"], "actors": []},
            {"text": "Solar and wind power offer a real opportunity for new investment.",
             "kind": "opportunity", "sectors": ["clean-energy"], "actors": []},
        ]),
    "tourism-note": dict(
        title="Tourism After the Pandemic", published="2024-03-10", authors=["Cy Analyst"],
        passages=[
            {"text": "Tourist arrivals in Uzbekistan doubled last year.",
             "kind": "context", "sectors": ["tourism"], "actors": ["uzbekistan"]},
            {"text": "New tourist routes could attract visitors from Europe.",
             "kind": "opportunity", "sectors": ["tourism", "culture"], "actors": []},
        ]),
}


def write_corpus(root: Path, articles: dict[str, dict] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for article_id, spec in (articles or SMALL_CORPUS).items():
        spec = dict(spec)
        passages = spec.pop("passages")
        (root / f"{article_id}.yaml").write_text(article_yaml(article_id, passages, **spec),
                                                 encoding="utf-8")
    return root


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


class Runner:
    """A CLI runner (Click's, as Typer's is) with stdout and stderr kept apart.

    Typer's runner converts the whole application into Click commands on every call: once every
    command module is imported (as in a test process) that costs about 0.2 s of CPU per call,
    more than most commands themselves. The converted group is kept for as long as the
    application registers the same commands (the conversion of one set of commands always gives
    the same group; ``brief`` itself converts once per process), so each call pays only for
    its command.
    """

    _group: tuple = (None, None)  # (what the group was built from, the group)

    def __init__(self):
        try:
            self._runner = CliRunner(mix_stderr=False)
        except TypeError:  # newer Click keeps them apart by default
            self._runner = CliRunner()

    @classmethod
    def command(cls):
        from typer.main import get_command

        key = (id(app), tuple(app.registered_commands), tuple(app.registered_groups),
               app.registered_callback)
        if cls._group[0] != key:
            Runner._group = (key, get_command(app))
        return cls._group[1]

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None):
        common.reset_consoles()
        result = self._runner.invoke(self.command(), [str(a) for a in args], input=input,
                                     env=env, catch_exceptions=True)
        common.reset_consoles()
        return result
