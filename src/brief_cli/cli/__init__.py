"""The ``brief`` command line: a thin layer over the library.

Commands are registered in ``COMMANDS`` below, one line each: the command's name and the module
of this package that defines it (with ``@app.command()``). A module is imported only when one of
its commands runs, or when help or shell completion needs it, so ``brief search`` does not pay
for ``ingest``'s or the tagger's imports. Help lists the commands in this order. A plain
``brief search WORDS`` does not build the Typer application at all (``cli/fast.py``).
"""

import sys
import types

COMMANDS: dict[str, str] = {
    "search": "search",
    "show": "browse",
    "articles": "browse",
    "sectors": "overview",
    "summary": "overview",
    "export": "export",
    "ingest": "ingest",
    "validate": "browse",
    "index": "search",
    "tag": "tagging",
    "retag": "tagging",
    "eval": "tagging",
    "compare": "analysis",
    "trends": "analysis",
    "kwic": "analysis",
    "set": "review",
    "review": "review",
}

__all__ = ["COMMANDS", "app", "main"]


def main() -> None:
    """Entry point of the ``brief`` command (``cli.fast`` runs a plain search without building
    the Typer application; everything else goes to ``cli.app``)."""
    from brief_cli.cli.fast import main as run

    run()


class _Package(types.ModuleType):
    """This package, whose ``app`` is the Typer application (as ``from brief_cli.cli import
    app`` expects), built on first use. The import system records the submodule ``cli.app``
    under the same name when it is loaded; the setter keeps that from hiding the application."""

    @property
    def app(self):
        from brief_cli.cli.app import app

        return app

    @app.setter
    def app(self, value) -> None:
        pass


sys.modules[__name__].__class__ = _Package
