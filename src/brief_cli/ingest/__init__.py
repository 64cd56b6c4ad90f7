"""Raw articles in, corpus articles out: plain text copied from a web page, saved HTML, speeches.

The work is done in stages, one module each, that can be tested on their own:

1. ``reading``: which files a batch holds; bytes decoded to text (``decode.decode_bytes`` says
   which encoding it used); ``normalise`` makes the text regular: Unicode NFC, one kind of
   newline and space, no zero-width or control characters, page breaks as blank lines.
2. ``header`` (with ``dates``): the first lines; menus, breadcrumbs and share widgets are
   dropped; the title, the byline (authors, source, date), ``Key: value`` lines and the URL
   are kept.
3. ``furniture``: what a page puts around an article (disclaimers, copyright lines, captions,
   lists of links, PDF page headers), each recognised with the reason it is dropped.
4. ``paragraphs``: paragraphs rebuilt from blank-line separated blocks, one-paragraph-per-line
   files and hard-wrapped lines (hyphenation undone); furniture, headings and stray fragments
   dropped *and reported*, never lost silently; then ``finish`` takes an author-bio paragraph
   at the end as the ``author_note`` and splits paragraphs far longer than a passage.
5. ``plain`` is the plain-text path through 2-4; ``html`` runs a web page through trafilatura
   first (main text and metadata), then through the same path.
6. ``batch``: each input prepared, tagged and written; ``ids`` makes article ids.

``sentence_ends`` holds the clues about where a sentence ends that stages 2-4 share.
Nothing here prints; ``Ingester`` writes files through ``fileio.atomic_write_text``.
"""

from brief_cli.decode import MAX_INPUT_BYTES
from brief_cli.ingest.batch import (
    Ingester,
    check_date,
    check_keep,
    check_language,
    parse_input,
    load_tagger,
    loadable_tags,
    prepare,
    target_folder,
    with_id,
    with_tags,
)
from brief_cli.ingest.dates import date_line, find_date, parse_date
from brief_cli.ingest.furniture import furniture_reason, is_page_artefact, is_share_widget
from brief_cli.ingest.header import read_header, smart_case, split_names
from brief_cli.ingest.html import HTML_HINT, parse_html
from brief_cli.ingest.ids import check_id, check_id_format, format_id, short_slug, slugify
from brief_cli.ingest.metadata import Metadata, MetaTable, open_table
from brief_cli.ingest.model import (
    HTML_SUFFIXES,
    INPUT_SUFFIXES,
    MAX_PASSAGE_CHARS,
    TARGET_PASSAGE_CHARS,
    TEXT_SUFFIXES,
    Draft,
    Dropped,
    InputSource,
    Options,
    Outcome,
    Prepared,
)
from brief_cli.ingest.paragraphs import body_paragraphs, finish, is_author_note, split_long
from brief_cli.ingest.plain import parse_text
from brief_cli.ingest.reading import (
    collect_inputs,
    looks_like_html,
    normalise,
    plain_markdown,
    read_capped,
    read_source,
    squash,
)

__all__ = [
    "HTML_HINT", "MAX_INPUT_BYTES", "HTML_SUFFIXES", "INPUT_SUFFIXES", "MAX_PASSAGE_CHARS", "TARGET_PASSAGE_CHARS",
    "TEXT_SUFFIXES", "Draft", "Dropped", "Ingester", "InputSource", "Options", "Outcome",
    "Prepared", "body_paragraphs", "check_date", "check_id", "check_id_format", "check_keep", "check_language", "format_id", "Metadata",
    "MetaTable", "open_table", "parse_input", "short_slug", "collect_inputs", "date_line",
    "find_date", "finish", "furniture_reason", "is_author_note", "is_page_artefact",
    "is_share_widget", "load_tagger", "loadable_tags", "looks_like_html", "normalise",
    "parse_date", "parse_html", "parse_text", "plain_markdown", "prepare", "read_header",
    "read_capped", "read_source", "slugify", "smart_case", "split_long", "split_names", "squash",
    "target_folder", "with_id", "with_tags",
]
