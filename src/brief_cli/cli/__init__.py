"""The ``brief`` command line: a thin layer over the library.

Commands are registered in ``COMMANDS`` below, one line each: the command's name and the module
of this package that defines it (with ``@app.command()``). A module is imported only when one of
its commands runs, or when help or shell completion needs it, so ``brief search`` does not pay
for ``ingest``'s or the tagger's imports. Help lists the commands in this order.
"""

from brief_cli.cli.app import app, main

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
