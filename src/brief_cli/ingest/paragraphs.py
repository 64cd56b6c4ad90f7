"""Paragraphs of the body: blank-line separated blocks, one paragraph a line, or hard-wrapped
lines (hyphenation undone); furniture and stray fragments dropped and recorded; then the
author note taken off the end and paragraphs far longer than a passage split."""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, replace
from typing import Callable, Sequence

from brief_cli.ingest.furniture import (
    CHAIR_SENTENCE, INTERPRETATION, LIST_HEADING, furniture_reason, is_caption, is_page_artefact,
    procedural_line, procedural_paragraph, speaker_label)
from brief_cli.ingest.model import MAX_PASSAGE_CHARS, TARGET_PASSAGE_CHARS, Draft, Dropped
from brief_cli.ingest.reading import squash
from brief_cli.ingest.sentence_ends import CONTINUES, TERMINAL, dangling, ends_sentence, first_word
from brief_cli.ingest.words import Vocabulary, keep_hyphen, repair_ligatures
from brief_cli.text import split_sentences

# Paragraphs ---------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_ANY_WORD_CHAR = re.compile(r"\w")


@dataclass
class _Line:
    text: str  # stripped
    indent: int
    kind: str = "text"  # text | blank | soft (dropped, joins across) | hard (dropped, breaks)
    visual: int = -1  # visual_width of the indented line, once measured


def _classify_lines(lines: Sequence[str], dropped: list[Dropped],
                    keep: frozenset[str] = frozenset()) -> list[_Line]:
    out: list[_Line] = []
    in_list = False
    procedural = "procedural" not in keep
    captions = "captions" not in keep
    for raw in lines:
        text = raw.strip()
        indent = len(raw) - len(raw.lstrip(" "))
        if not text:
            out.append(_Line("", 0, "blank"))
            continue
        # A line of its own only when it starts like one: the rest of a wrapped one ('Vice-
        # President, took the Chair.') is found as a paragraph.
        if procedural and text.startswith(("(", "The ")) and procedural_line(text):
            dropped.append(Dropped("procedural line", text))
            # '(spoke in French)' sits inside a paragraph; 'The President took the Chair.'
            # stands between two.
            out.append(_Line(text, indent, "soft" if text.startswith("(") else "hard"))
            continue
        if not _ANY_WORD_CHAR.search(text):
            dropped.append(Dropped("stray fragment", text))
            out.append(_Line(text, indent, "soft"))
            continue
        if is_page_artefact(text):
            dropped.append(Dropped("page number or header", text))
            out.append(_Line(text, indent, "soft"))
            continue
        if text[:1].islower():
            out.append(_Line(text, indent))  # a continued sentence is never furniture
            in_list = False
            continue
        if len(text) <= 60 and LIST_HEADING.match(text):
            dropped.append(Dropped("list of links", text))
            out.append(_Line(text, indent, "hard"))
            in_list = True
            continue
        if in_list and len(text.split()) <= 18 and not TERMINAL.search(text):
            dropped.append(Dropped("list of links", text))
            out.append(_Line(text, indent, "hard"))
            continue
        in_list = False
        reason = furniture_reason(text) if len(text) <= 600 else None
        if reason is None and captions and is_caption(text):
            reason = "caption"
        if reason is not None and (captions or reason != "photo caption"):
            dropped.append(Dropped(reason, text))
            out.append(_Line(text, indent, "hard"))
            continue
        out.append(_Line(text, indent))
    return out


def _runs(lines: list[_Line]) -> list[list[_Line]]:
    """Consecutive text lines; blank lines and hard drops end a run, soft drops do not."""
    runs: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        if line.kind == "text":
            current.append(line)
        elif line.kind in ("blank", "hard"):
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


@dataclass
class _Layout:
    wrapped: bool  # lines are hard-wrapped at about ``width``
    width: int  # in the units of ``measure``
    indents: bool  # an indented line starts a paragraph
    measure: Callable[[str], int] = len  # characters, or the width a proportional font gives


# How wide letters are in a proportional serif face (Times), in thousandths of an em. Text taken
# from a typeset page (a PDF) was wrapped by the width of its letters, not by their number: 'I
# will' and 'Mmm' of five characters differ by half. Measuring lines this way finds where a
# line was ended on purpose far more surely. Letters not listed count 500 (b, d, n, o, digits).
_GLYPH_WIDTHS = {
    "\x01": (250, " ijlt.,;:/|"), "\x02": (333, "frI'()[]-‘’!`"), "\x03": (395, "sJ\""),
    "\x04": (444, "acez?“”"), "\x05": (590, "EFLPSTZ"), "\x06": (710, "ABCDGHKNOQRUVXYw"),
    "\x07": (890, "mMW%—&@"),
}
_GLYPH_CLASS = str.maketrans({c: key for key, (_, chars) in _GLYPH_WIDTHS.items()
                              for c in chars})


# ASCII text (nearly every line) is classed as bytes: a byte table is several times faster.
_GLYPH_BYTES = bytes(ord(_GLYPH_CLASS.get(b, chr(0))) for b in range(128)) + bytes(128)
_GLYPH_STEPS = tuple((key.encode("ascii"), width - 500)
                     for key, (width, _) in _GLYPH_WIDTHS.items())


def visual_width(text: str) -> int:
    """The width of ``text`` set in a proportional serif face, in thousandths of an em."""
    total = 500 * len(text)
    if text.isascii():
        classes = text.encode("ascii").translate(_GLYPH_BYTES)
        for key, step in _GLYPH_STEPS:
            total += step * classes.count(key)
        return total
    classes = text.translate(_GLYPH_CLASS)
    for key, (width, _) in _GLYPH_WIDTHS.items():
        n = classes.count(key)
        if n:
            total += (width - 500) * n
    return total


def _indented_width(line: _Line, measure: Callable[[str], int]) -> int:
    if measure is len:
        return len(line.text) + line.indent
    if measure is not visual_width:
        return measure(line.text) + line.indent * 250
    # A line's width is wanted twice (to find the layout, then where paragraphs break).
    width = line.visual
    if width < 0:
        width = line.visual = visual_width(line.text) + line.indent * 250
    return width


def _spread(widths: list[int]) -> float:
    """How ragged the right edge of wrapped lines is (0: all lines end at one column)."""
    ordered = sorted(widths)
    high = ordered[int(len(ordered) * 0.9)]
    return (high - ordered[len(ordered) // 4]) / high if high else 1.0


def _layout(runs: list[list[_Line]]) -> _Layout:
    inner_lines = [line for run in runs for line in run[:-1]]
    if len(inner_lines) < 3:
        return _Layout(False, 0, False)
    inner = [len(line.text) + line.indent for line in inner_lines]
    median = statistics.median(inner)
    measure: Callable[[str], int] = len
    if median <= 130:
        # Wrapped by the width of the letters (a typeset page) or by their number (a text
        # editor, a mail): whichever measure makes the right edge the straighter one.
        widths = [_indented_width(line, visual_width) for line in inner_lines]
        if _spread(widths) < _spread(inner):
            measure, inner = visual_width, widths
    ordered = sorted(inner)
    width = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    lines = [line for run in runs for line in run]
    indented = sum(1 for line in lines if line.indent > 0)
    indents = 0 < indented <= 0.5 * len(lines)
    return _Layout(median <= 130, width, indents, measure)


# Words that open a paragraph of a speech or a report far more often than a sentence within
# one: a line that ends a sentence and is followed by one of them ends its paragraph even when
# the line is full.
_PARAGRAPH_OPENER = re.compile(
    r"(?:Finally|Secondly|Thirdly|Fourthly|Fifthly|Lastly|Firstly|First,|Second,|Third,|"
    r"In conclusion|To conclude|Allow me|Let me|Permit me|I (?:would|wish|should) (?:like|now) "
    r"to|Turning to|With regard to|With respect to|As regards|Regarding)\b")


def _breaks_before(prev: _Line, line: _Line, layout: _Layout) -> bool:
    if dangling(prev.text):
        return False
    if layout.indents and line.indent > 0 and prev.indent == 0:
        return True
    if not layout.wrapped:
        # One paragraph a line; a line that stops mid-sentence continues on the next.
        return ends_sentence(prev.text) or not line.text[:1].islower()
    if not ends_sentence(prev.text):
        return False
    starts = line.text[:1]
    if not (starts.isupper() or starts.isdigit() or starts in "\"'“‘(["):
        return False
    # The next word would have fitted on this line: the line was ended on purpose. Measured on
    # UN speeches whose blank lines mark paragraphs: see benchmarks/bench_ingest_un.py.
    measure = layout.measure
    room = layout.width - _indented_width(prev, measure)
    if measure is len:
        if room > len(first_word(line.text)) + 3:
            return True
    elif room > measure(first_word(line.text)) + 750:  # a space and a letter or two to spare
        return True
    return bool(_PARAGRAPH_OPENER.match(line.text))


def _join(left: str, right: str, vocabulary: Vocabulary) -> str:
    """Join two pieces of one paragraph, undoing hyphenation at a line break."""
    if not left:
        return right
    # Only the end of ``left`` matters: searching all of it would make joining quadratic.
    m = re.search(r"([^\W\d_]+)-$", left[-80:]) if left.endswith("-") else None
    if m and right[:1].isalpha() and not left.endswith("--"):
        head = m.group(1)
        tail_match = _WORD.match(right)
        tail = tail_match.group() if tail_match else ""
        if right[:1].isupper():
            return left + right  # "Secretary-\nGeneral"
        if keep_hyphen(head, tail, vocabulary):
            return left + right
        return left[:-1] + right
    if left.endswith(("—", "–")) and not left[-2:-1].isspace():
        return left + right
    return left + " " + right


def body_paragraphs(lines: Sequence[str], dropped: list[Dropped],
                    keep: frozenset[str] = frozenset()) -> list[str]:
    """Paragraphs of the body text, furniture and stray fragments removed (and recorded).

    ``keep`` names what not to drop: 'procedural' lines of meeting records, 'captions',
    'pull-quotes'."""
    classified = _classify_lines(lines, dropped, keep)
    runs = _runs(classified)
    layout = _layout(runs)
    vocabulary = Vocabulary("\n".join(lines))
    pieces: list[str] = []  # paragraphs as built from runs, before cross-run joins
    starts_run: list[bool] = []
    for run in runs:
        current = run[0].text
        first = True
        for prev, line in zip(run, run[1:]):
            if _breaks_before(prev, line, layout):
                pieces.append(current)
                starts_run.append(first)
                current, first = line.text, False
            else:
                current = _join(current, line.text, vocabulary)
        pieces.append(current)
        starts_run.append(first)
    # A run that ends mid-sentence and a next run that starts in lower case are one paragraph
    # split by a page break or a stray blank line.
    merged: list[str] = []
    for piece, new_run in zip(pieces, starts_run):
        if (merged and new_run and not ends_sentence(merged[-1])
                and (piece[:1].islower() or dangling(merged[-1]))):
            merged[-1] = _join(merged[-1], piece, vocabulary)
        else:
            merged.append(piece)
    paragraphs = _settle_fragments([repair_ligatures(squash(p), vocabulary) for p in merged],
                                   dropped, keep)
    if "pull-quotes" not in keep:
        paragraphs = drop_pull_quotes(paragraphs, dropped)
    return paragraphs


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")


def _sentence_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def drop_pull_quotes(paragraphs: list[str], dropped: list[Dropped]) -> list[str]:
    """Drop a short paragraph whose every sentence is also a sentence of a longer paragraph:
    a pull quote, which would index the same words twice. Linear in the text."""
    candidates: dict[int, list[str]] = {}
    for i, paragraph in enumerate(paragraphs):
        if len(paragraph) <= 400:
            keys = [k for k in map(_sentence_key, _SENTENCE_END.split(paragraph)) if k]
            if keys and all(len(k) >= 20 for k in keys):
                candidates[i] = keys
    if not candidates:
        return paragraphs
    # Only sentences that start like a candidate's are worth a key: keeps this cheap.
    wanted = {k for keys in candidates.values() for k in keys}
    starts = {k[:8] for k in wanted}
    owners: dict[str, int] = {}  # sentence key -> length of the longest paragraph holding it
    for paragraph in paragraphs:
        for sentence in _SENTENCE_END.split(paragraph):
            head = sentence.lstrip("\"'“‘([").casefold()[:8]
            if head in starts or not head[:1].isalnum():
                key = _sentence_key(sentence)
                if key in wanted:
                    owners[key] = max(owners.get(key, 0), len(paragraph))
    out = []
    for i, paragraph in enumerate(paragraphs):
        keys = candidates.get(i)
        if keys and all(owners.get(k, 0) > len(paragraph) for k in keys):
            dropped.append(Dropped("pull quote", paragraph))
            continue
        out.append(paragraph)
    return out


def _is_heading(text: str) -> bool:
    return (len(text) <= 100 and len(text.split()) <= 12 and not ends_sentence(text)
            and not dangling(text) and not text[:1].islower())


def _settle_fragments(paragraphs: list[str], dropped: list[Dropped],
                      keep: frozenset[str] = frozenset()) -> list[str]:
    """Drop headings, separators, procedural paragraphs and captions; attach lead-ins
    ('Mr. President,') and tiny sentences."""
    out: list[str] = []
    carry = ""
    for text in paragraphs:
        if "procedural" not in keep:
            if procedural_paragraph(text) or procedural_line(text):
                dropped.append(Dropped("procedural line", text))
                continue
            label = speaker_label(text)
            if label:
                dropped.append(Dropped("speaker label", label.strip()))
                text = text[len(label):]
            if "the Chair." in text:
                for m in CHAIR_SENTENCE.finditer(text):
                    dropped.append(Dropped("procedural line", m.group().strip()))
                text = squash(CHAIR_SENTENCE.sub("", text))
                if not text:
                    continue
            if "(spoke in" in text or "(continued in" in text:
                for note in INTERPRETATION.findall(text):
                    dropped.append(Dropped("procedural line", note.strip()))
                text = squash(INTERPRETATION.sub(" ", text))
                if not text:
                    continue
        if "captions" not in keep and is_caption(text):
            dropped.append(Dropped("caption", text))
            continue
        md = re.match(r"^#{1,6}\s+(.*)$", text)
        if md:
            dropped.append(Dropped("heading", md.group(1)))
            continue
        if not re.search(r"[^\W\d_]", text):
            dropped.append(Dropped("stray fragment", text))
            continue
        if _is_heading(text):
            dropped.append(Dropped("heading", text))
            continue
        if len(text.split()) <= 8 and CONTINUES.search(text):
            carry = f"{carry} {text}".strip()  # a lead-in belongs to what follows
            continue
        if carry:
            text = f"{carry} {text}"
            carry = ""
        if len(text.split()) < 4 and out:
            out[-1] = f"{out[-1]} {text}"  # "Thank you." closes the paragraph before it
            continue
        out.append(text)
    if carry:
        if out:
            out[-1] = f"{out[-1]} {carry}"
        else:
            out.append(carry)
    return out


# Author note and long paragraphs ---------------------------------------------------------------

_ROLE = re.compile(
    r"\b(?:dean|professor|lecturer|fellow|director|researcher|research|editor|columnist|"
    r"analyst|chair|chairman|chairwoman|president|founder|head|member|expert|author|writer|"
    r"journalist|correspondent|economist|scholar|student|associate|adviser|advisor|consultant|"
    r"ambassador|minister|officer|secretary|partner|manager|commentator|contributor|"
    r"specialist|scientist|institute|university|center|centre|school|academy|council|"
    r"foundation|think tank)\b", re.I)
_AUTHOR_ROLE_START = re.compile(
    r"^(?:the (?:authors?|writers?)|(?:s)?he|they)\s+(?:is|are|was|were)\b", re.I)


def is_author_note(text: str, authors: Sequence[str]) -> bool:
    """An author-bio paragraph: 'X is the dean of ...', 'The author is a fellow at ...'."""
    if len(text) > 500 or not _ROLE.search(text):
        return False
    if _AUTHOR_ROLE_START.match(text):
        return True
    if authors:
        return any(re.match(re.escape(name) + r"(?:,|\s+(?:is|are|was|were|has|,)\b)", text)
                   for name in authors)
    return bool(re.match(r"^(?:[A-Z][\w.'’-]+\s+){1,3}[A-Z][\w'’-]+,?\s+(?:is|was)\s+"
                         r"(?:a|an|the|currently|former|formerly|senior)\b", text))


def split_long(text: str, *, limit: int = MAX_PASSAGE_CHARS,
               target: int = TARGET_PASSAGE_CHARS) -> list[str]:
    """A paragraph far longer than a passage, cut at sentence boundaries into even parts."""
    from brief_cli.lang import has_han, is_chinese

    if has_han(text) and is_chinese(text):  # (no Chinese character: not Chinese, at no cost)
        from brief_cli.ingest.chinese import split_long as split_chinese

        return split_chinese(text)
    if len(text) <= limit:
        return [text]
    sentences = split_sentences(text)
    if len(sentences) < 2:
        return [text]
    parts = max(2, math.ceil(len(text) / target))
    size = len(text) / parts
    chunks: list[str] = []
    current: list[str] = []
    length = 0
    for sentence in sentences:
        if current and length + len(sentence) / 2 > size and len(chunks) < parts - 1:
            chunks.append(" ".join(current))
            current, length = [], 0
        current.append(sentence)
        length += len(sentence) + 1
    if current:
        chunks.append(" ".join(current))
    return chunks


def finish(draft: Draft, dropped: list[Dropped]) -> Draft:
    """Take the author note off the end, split long paragraphs, drop a repeated title."""
    paragraphs = list(draft.paragraphs)
    if paragraphs and draft.title and squash(paragraphs[0]).lower() == squash(draft.title).lower():
        dropped.append(Dropped("repeated title", paragraphs.pop(0)))
    note = draft.author_note
    if paragraphs and note is None and len(paragraphs) > 1 and is_author_note(paragraphs[-1],
                                                                              draft.authors):
        note = paragraphs.pop()
    split: list[str] = []
    for paragraph in paragraphs:
        split.extend(split_long(paragraph))
    return replace(draft, paragraphs=tuple(split), author_note=note, dropped=tuple(dropped))
