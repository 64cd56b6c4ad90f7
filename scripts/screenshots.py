"""Record the README's terminal screenshots (docs/images/*.svg) with Rich's own SVG export.

    python scripts/screenshots.py

Each view runs in this process on the bundled corpus only, at 100 columns, colours on, with a
fresh index in a temporary cache, and is saved as an SVG beside the docs.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
WIDTH = 100

VIEWS = {
    "search": ["search", "energy", "cooperation", "-n", "3"],
    "show": ["show", "kazakhstan-bri-partner#p08", "-C", "1"],
    "sectors": ["sectors"],
    "summary": ["summary", "kazakhstan-bri-partner", "--sentences", "2"],
    "articles": ["articles"],
}


def record(args: list[str]) -> "object":
    from rich.console import Console

    from brief_cli.cli import app
    from brief_cli.render import common

    console = Console(record=True, width=WIDTH, force_terminal=True, color_system="truecolor",
                      highlight=False, markup=False, emoji=False, file=open(os.devnull, "w"))
    common.reset_consoles()
    common._stdout = console
    common.out = lambda: console  # every renderer prints to the recording console
    try:
        app(args=args + ["--corpus", str(ROOT / "data" / "briefs")], prog_name="brief",
            standalone_mode=False)
    except SystemExit:
        pass
    return console


def main() -> int:
    os.environ.pop("BRIEF_CORPUS", None)
    os.environ.pop("NO_COLOR", None)
    os.environ["BRIEF_PAGER"] = ""
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as cache:
        os.environ["BRIEF_CACHE_DIR"] = cache
        for name, args in VIEWS.items():
            console = record(args)
            path = IMAGES / f"{name}.svg"
            console.save_svg(str(path), title="brief " + " ".join(args))
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
