"""Analyses over a corpus's search index: ``compare`` two sides, ``trends`` over time and a
keyword-in-context concordance (``kwic``).

They read the index, not the YAML files, so they answer in well under a second on a corpus of
100,000 passages once the index is built; passages are chosen with the same query language and
filters as ``brief search``. Nothing here prints or imports Rich, Typer or a plotting library.
"""
