"""The rendering layer: turns core results into Rich tables and panels, JSON, JSONL, CSV or Markdown.

Import the submodule you need; this package itself imports nothing heavy.
"""
