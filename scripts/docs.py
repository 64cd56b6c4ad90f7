"""Regenerate the command reference (docs/reference.md) from the CLI itself.

    python scripts/docs.py            # rewrite docs/reference.md
    python scripts/docs.py --check    # exit 1 if docs/reference.md is out of date

Every command registered in ``brief_cli.cli.COMMANDS`` gets a section: usage, description,
examples, then its options (names, value, default, help), grouped as its --help groups them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "reference.md"
REGENERATE = "python scripts/docs.py"


def _group(ctx):
    import click
    import typer.main

    from brief_cli.cli import app

    group = typer.main.get_command(app)
    return group, click.Context(group, info_name="brief")


def _option_row(param, ctx) -> tuple[str, str, str]:
    import click

    if isinstance(param, click.Argument):
        return f"`{param.human_readable_name}`", "", ""
    names = ", ".join(f"`{n}`" for n in param.opts + param.secondary_opts)
    value = "" if param.is_flag else f"`{param.make_metavar(ctx)}`"
    return names, value, ""


def _help_of(param) -> str:
    text = getattr(param, "help", None) or ""
    return " ".join(text.replace("\\[", "[").split()).replace("|", "\\|")


def _default_of(param) -> str:
    import click

    if not isinstance(param, click.Option) or param.is_flag or not param.show_default \
            and param.show_default is not None:
        return ""
    default = param.default
    if default is None or default == () or callable(default):
        return ""
    default = getattr(default, "value", default)
    return f"`{default}`"


def command_section(name: str, command, parent) -> list[str]:
    import click

    ctx = click.Context(command, info_name=name, parent=parent)
    usage = " ".join(command.collect_usage_pieces(ctx))
    lines = [f"## `brief {name}`", "", "```", f"brief {name} {usage}", "```", ""]
    paragraphs = (command.help or "").split("\n\n")
    examples = []
    for paragraph in paragraphs:
        stripped = paragraph.strip()
        if stripped.startswith("brief "):
            examples.append(stripped)
        elif stripped and stripped != "Examples:":
            lines += [stripped, ""]
    if examples:
        lines += ["Examples:", "", "```sh", *examples, "```", ""]
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    if arguments:
        lines += ["| argument | description |", "| --- | --- |"]
        lines += [f"| `{p.human_readable_name}` | {_help_of(p)} |" for p in arguments]
        lines.append("")
    panels: dict[str, list] = {}
    for p in command.params:
        if isinstance(p, click.Option) and not p.hidden:
            panels.setdefault(getattr(p, "rich_help_panel", None) or "Options", []).append(p)
    for panel, params in panels.items():
        lines += [f"**{panel}**", "", "| option | value | default | description |",
                  "| --- | --- | --- | --- |"]
        for p in params:
            names, value, _ = _option_row(p, ctx)
            lines.append(f"| {names} | {value} | {_default_of(p)} | {_help_of(p)} |")
        lines.append("")
    return lines


def reference() -> str:
    from brief_cli.cli import COMMANDS

    group, ctx = _group(None)
    lines = ["# Command reference", "",
             f"<!-- Generated from the CLI by `{REGENERATE}`; do not edit by hand. -->", "",
             (group.help or "").split("\n\n")[0].strip(), "",
             "Options of `brief` itself, before the command: `--no-pager`, `--version`, "
             "`--install-completion`, `--show-completion`.", "",
             "| command | what it does |", "| --- | --- |"]
    commands = [(name, group.get_command(ctx, name)) for name in COMMANDS]
    for name, command in commands:
        short = (command.help or "").split("\n\n")[0].strip().replace("|", "\\|")
        lines.append(f"| [`{name}`](#brief-{name}) | {short} |")
    lines.append("")
    for name, command in commands:
        lines += command_section(name, command, ctx)
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that it is current")
    args = parser.parse_args()
    text = reference()
    if args.check:
        current = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
        if current != text:
            print(f"{REFERENCE.relative_to(ROOT)} is out of date: run {REGENERATE}",
                  file=sys.stderr)
            return 1
        return 0
    REFERENCE.parent.mkdir(exist_ok=True)
    REFERENCE.write_text(text, encoding="utf-8")
    print(f"wrote {REFERENCE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
