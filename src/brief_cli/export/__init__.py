"""Exports: the passages of a selection as Markdown (plain or Pandoc-cited), DOCX, or a REFI-QDA
project, with bibliographies beside them. One module per format; the heavy ones (DOCX, XML)
are imported only by the command that writes them."""

from brief_cli.export.escape import (
    blockquote, clean_text, code_span, emphasis, escape_inline, escape_markdown, link,
)
from brief_cli.export.markdown import (
    CITE_STYLES, GROUPINGS, Group, build_markdown, citation_line, default_title, front_matter,
    group_items, nothing_message, reference_entry, tags_line,
)

__all__ = [
    "CITE_STYLES", "GROUPINGS", "Group", "blockquote", "build_markdown", "citation_line",
    "clean_text", "code_span", "default_title", "emphasis", "escape_inline", "escape_markdown",
    "front_matter", "group_items", "link", "nothing_message", "reference_entry", "tags_line",
]
