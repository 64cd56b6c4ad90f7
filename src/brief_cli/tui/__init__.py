"""Full-screen terminal apps (Textual, from the ``review`` extra).

Nothing here is imported unless a command starts an app: ``require_textual`` gives the one-line
error when the extra is missing.
"""

from __future__ import annotations

from brief_cli.errors import BriefError


def require_textual() -> None:
    try:
        import textual  # noqa: F401
    except ImportError:
        raise BriefError("'brief review' needs the Textual terminal toolkit",
                         hint="install it with: pip install 'brief-cli[review]'") from None
