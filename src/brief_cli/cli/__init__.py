"""The ``brief`` command line: a thin layer over the library.

Importing this package registers every command on ``app``; each command module imports the
core it needs inside the command, so that ``brief --help`` and a search stay fast to start.
"""

from brief_cli.cli.app import app, main
from brief_cli.cli import browse  # noqa: F401  (validate, articles, show)
from brief_cli.cli import overview  # noqa: F401  (sectors, summary)
from brief_cli.cli import export  # noqa: F401  (export)
from brief_cli.cli import search  # noqa: F401  (search, index)
from brief_cli.cli import ingest  # noqa: F401  (ingest)
from brief_cli.cli import tagging  # noqa: F401  (tag, retag, eval)

__all__ = ["app", "main"]
