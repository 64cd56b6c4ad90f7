"""docs/reference.md is generated from the CLI and must match it (as sqlite-utils checks its
docs): a new command or option shows up in the reference as soon as it is registered."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _docs_script():
    spec = importlib.util.spec_from_file_location("docs_script", ROOT / "scripts" / "docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_command_reference_is_current():
    docs = _docs_script()
    current = docs.REFERENCE.read_text(encoding="utf-8") if docs.REFERENCE.exists() else ""
    assert current == docs.reference(), (
        f"docs/reference.md is out of date: run `{docs.REGENERATE}` and commit the result")


def test_readme_stays_a_quick_read():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) < 12_000, "README.md: keep it short; put details under docs/"
    assert "python3 -m pip install '.[test]' && python3 -m pytest" in readme
    for link in ("docs/reference.md", "docs/guide.md"):
        assert link in readme and (ROOT / link).exists()
