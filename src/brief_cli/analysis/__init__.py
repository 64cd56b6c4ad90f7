"""Analyses over a corpus's search index: ``compare`` two sides, ``trends`` over time and a
keyword-in-context concordance (``kwic``).

They read the index, not the YAML files (counting is done by SQLite where it can be), and choose
passages with the same query language and filters as ``brief search``. Nothing here prints or imports Rich, Typer or a plotting library.
"""
