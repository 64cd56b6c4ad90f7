"""brief: explore a corpus of policy articles and briefs from the terminal."""

__version__ = "0.1.0"
