"""A minimal Typer + Rich command: the floor for a Python CLI's start-up time.

The search benchmark compares ``brief search WORD`` on the bundled corpus against this.
"""

import typer
from rich.console import Console

app = typer.Typer(add_completion=False)


@app.command()
def hello(name: str = "world") -> None:
    """Print a greeting."""
    Console().print(f"hello {name}")


if __name__ == "__main__":
    app()
