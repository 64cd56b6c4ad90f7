"""A fast reader for the plain YAML that article files are written in.

Building the index of a large corpus is mostly reading YAML, and PyYAML spends most of that
making and resolving a node per value. Article files use a small part of YAML: a block
mapping of fields, one block list of passages (mappings), flow lists of tags, and scalars
(plain, possibly folded over several lines, single- or double-quoted, or literal blocks).
``read`` parses exactly that part, line by line, and gives up (returns None) on anything
else, so that the full loader (``yamlio.parse``) reads the file instead. What ``read`` returns
is what the safe loader would build (tests compare both on generated and real files);
whenever it gives up, or a check later needs a line number, the file goes through the full
loader, with its errors.
"""

from __future__ import annotations

import re
from itertools import accumulate

import yaml

# Characters the full loader refuses (the reader's printable set) or reads as line breaks.
_REFUSED = re.compile("[^\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                      "\U00010000-\U0010ffff]")
_KEY = re.compile(r"([A-Za-z][A-Za-z0-9_]*):(?: +|$)")
# A plain scalar's first character may not be an indicator or white space.
_PLAIN_FIRST_BAD = frozenset("-?:,[]{}#&*!|>'\"%@` ")
_DQ_LINE = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)" *$')
_SQ_LINE = re.compile(r"'([^']*(?:''[^']*)*)' *$")
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"0": "\x00", "a": "\x07", "b": "\x08", "t": "\t", "n": "\n", "v": "\x0b",
            "f": "\x0c", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "\\": "\\", "/": "/",
            "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
_FLOW_ITEM = re.compile(  # one item of a flow list: double-quoted, single-quoted or plain
    r' *(?:"([^"\\]*(?:\\.[^"\\]*)*)"|\'([^\']*(?:\'\'[^\']*)*)\'|([^,\[\]{}"\'#]*?)) *(,|\])')
MAX_VALUES = 100_000  # beyond this the full loader's own limit and errors apply

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _GiveUp(Exception):
    pass


def _plain_value(value: str, resolvers, cache: dict):
    """The value of a plain scalar, resolved as the safe loader resolves it (dates kept as
    text, as brief's loader does); other implicit types give up."""
    if value and value[0] not in resolvers:
        return value  # no implicit type starts with this character: text
    try:
        return cache[value]
    except KeyError:
        pass
    tag = _STR
    for t, regexp in resolvers.get(value[0] if value else "", ()):
        if regexp.match(value):
            tag = t
            break
    if tag == _STR or tag == _TIMESTAMP:
        out = value
    elif tag == _NULL:
        out = None
    elif tag == _BOOL:
        out = yaml.constructor.SafeConstructor.bool_values[value.lower()]
    else:
        raise _GiveUp
    if len(value) <= 40:
        cache[value] = out
    return out


def _unescape(body: str) -> str:
    if "\\" not in body:
        return body

    def one(m):
        c = m.group(1)
        out = _ESCAPES.get(c)
        if out is None:
            raise _GiveUp  # \x, \u, \U and anything odd: the full loader decides
        return out

    return _ESCAPE.sub(one, body)


class _Reader:
    def __init__(self, text: str, lines: list[str], resolvers):
        self.text = text
        self.lines = lines
        self.n = len(lines)
        self.resolvers = resolvers
        self.cache: dict = {}
        self.values = 0

    def count(self, k: int = 1) -> None:
        self.values += k
        if self.values > MAX_VALUES:
            raise _GiveUp

    def skip_blank(self, i: int) -> int:
        lines, n = self.lines, self.n
        while i < n and not lines[i].strip(" "):
            i += 1
        return i

    def mapping(self, i: int, indent: int, first: str | None = None) -> tuple[dict, int]:
        """A block mapping whose keys are at column ``indent``. ``first`` is the content of
        its first line when it follows a list's '- ' on the same line."""
        out: dict = {}
        lines = self.lines
        while True:
            if first is not None:
                content, first = first, None
            else:
                i = self.skip_blank(i)
                if i >= self.n:
                    break
                line = lines[i]
                if line[0] == "#":
                    i += 1  # a comment line (only at the left margin: nothing else is one)
                    continue
                content = line.lstrip(" ")
                col = len(line) - len(content)
                if col < indent:
                    break
                if col > indent:
                    raise _GiveUp
                if content.startswith("- ") or content == "-":
                    break  # an indentless list item of the enclosing list
            m = _KEY.match(content)
            if m is None:
                raise _GiveUp
            key = self.plain(m.group(1))
            if not isinstance(key, str):
                raise _GiveUp
            self.count(2)
            rest = content[m.end():]
            i += 1
            out[key], i = self.value(rest, i, indent)
        return out, i

    def value(self, rest: str, i: int, indent: int):
        """The value after 'key: ' (``rest``), with its continuation lines from ``i``."""
        if not rest:
            j = self.skip_blank(i)
            if j < self.n:
                line = self.lines[j]
                content = line.lstrip(" ")
                col = len(line) - len(content)
                if content.startswith("- ") and col >= indent:
                    return self.sequence(j, col)
                if col > indent:
                    raise _GiveUp  # a nested mapping or a scalar on the next line
            return None, i
        c = rest[0]
        if c == '"':
            m = _DQ_LINE.match(rest)
            if m is None:
                raise _GiveUp  # folded over several lines, or followed by something
            return _unescape(m.group(1)), i
        if c == "'":
            return self.single_quoted(rest, i, indent)
        if c == "[":
            return self.flow(rest, i, indent)
        if c == "|":
            return self.literal(rest, i, indent)
        if c in _PLAIN_FIRST_BAD:
            raise _GiveUp
        return self.plain_block(rest, i, indent)

    def continuation(self, i: int, indent: int) -> tuple[list[str], int]:
        """The lines after i that continue a scalar of a key at column ``indent``."""
        lines, n = self.lines, self.n
        out = []
        while i < n:
            line = lines[i]
            content = line.strip(" ")
            if not content:
                j = self.skip_blank(i)
                if j < n and len(lines[j]) - len(lines[j].lstrip(" ")) > indent:
                    raise _GiveUp  # an empty line inside a scalar: a line break
                break
            if len(line) - len(line.lstrip(" ")) <= indent:
                break
            out.append(content)
            i += 1
        return out, i

    def plain(self, text: str):
        return _plain_value(text, self.resolvers, self.cache)

    def plain_block(self, rest: str, i: int, indent: int):
        more, i = self.continuation(i, indent)
        parts = [rest.rstrip(" ")] + more
        for part in parts:
            if ": " in part or part.endswith(":") or " #" in part or part.startswith("#"):
                raise _GiveUp
        if more:
            for part in more:
                if part.startswith(("---", "...")):
                    raise _GiveUp
            return self.plain(" ".join(parts)), i  # folded: one space per line break
        return self.plain(parts[0]), i

    def single_quoted(self, rest: str, i: int, indent: int):
        m = _SQ_LINE.match(rest)
        if m is not None:
            return m.group(1).replace("''", "'"), i
        more, i = self.continuation(i, indent)
        if not more:
            raise _GiveUp
        text = " ".join([rest.rstrip(" ")] + more)
        m = _SQ_LINE.match(text)
        if m is None or "'" in m.group(1).replace("''", ""):
            raise _GiveUp
        return m.group(1).replace("''", "'"), i

    def flow(self, rest: str, i: int, indent: int):
        text = rest.rstrip(" ")
        if not text.endswith("]"):
            more, i = self.continuation(i, indent)
            text = " ".join([text] + more)
            if not text.endswith("]"):
                raise _GiveUp
        if text == "[]":
            return [], i
        out = []
        pos = 1
        end = len(text)
        while True:
            m = _FLOW_ITEM.match(text, pos)
            if m is None:
                raise _GiveUp
            dq, sq, plain, sep = m.groups()
            if dq is not None:
                out.append(_unescape(dq))
            elif sq is not None:
                out.append(sq.replace("''", "'"))
            else:
                if not plain or plain[0] in _PLAIN_FIRST_BAD or ": " in plain \
                        or plain.endswith(":") or "  " in plain:
                    raise _GiveUp
                out.append(self.plain(plain))
            pos = m.end()
            if sep == "]":
                break
        if pos != end:
            raise _GiveUp
        self.count(len(out) + 1)
        return out, i

    def literal(self, rest: str, i: int, indent: int):
        """``|`` or ``|-`` with the indentation of its first line (all the emitter writes)."""
        header = rest.rstrip(" ")
        if header not in ("|", "|-"):
            raise _GiveUp
        lines, n = self.lines, self.n
        body: list[str] = []
        block = None
        while i < n:
            line = lines[i]
            content = line.lstrip(" ")
            col = len(line) - len(content)
            if not content:
                if line:
                    raise _GiveUp  # a blank line with spaces: the full loader's rules
                body.append("")
                i += 1
                continue
            if block is None:
                if col <= indent:
                    break
                block = col
            elif col < block:
                break
            body.append(line[block:])
            last = i
            i += 1
        if block is None:
            raise _GiveUp
        while body and body[-1] == "":
            body.pop()
            i -= 1  # trailing empty lines belong to what follows (they are blank anyway)
        text = "\n".join(body)
        # '|' keeps the last line break, when there is one (the file may end without it)
        return (text + "\n" if header == "|" and last < n - 1 else text), i

    def sequence(self, i: int, col: int) -> tuple[list, int]:
        """A block list (of mappings, scalars or flow lists), its '- ' at column ``col``."""
        out = []
        lines = self.lines
        item_re = _item_re(col)
        text = self.text
        offsets = None
        while True:
            i = self.skip_blank(i)
            if i >= self.n:
                break
            line = lines[i]
            if line.startswith("- id: ", col) and item_re is not None:
                if offsets is None:
                    offsets = list(accumulate(len(x) + 1 for x in lines))
                m = item_re.match(text, offsets[i - 1] if i else 0)
                item = self.item(m, col) if m is not None else None
                if item is not None:
                    self.count(13)
                    out.append(item)
                    i += m.group(0).count("\n")
                    continue
            line = lines[i]
            content = line.lstrip(" ")
            c = len(line) - len(content)
            if c != col or not content.startswith("- "):
                if c > col:
                    raise _GiveUp
                break
            first = content[2:]
            inner = first.lstrip(" ")
            self.count()
            if not inner:
                raise _GiveUp
            if _KEY.match(inner):
                item, i = self.mapping(i, col + 2 + len(first) - len(inner), inner)
            else:
                item, i = self.value(inner, i + 1, col)  # a scalar or a flow list
            out.append(item)
        return out, i


    def item(self, m: re.Match, col: int) -> dict | None:
        """A passage in the usual layout (one match of ``_item_re``), or None to read it
        line by line."""
        pid, text, kind, sectors, actors, reviewed = m.groups()
        plain = self.plain
        try:
            pid = plain(_plain_line(pid))
            kind = plain(_plain_line(kind))
            c = text[0] if text else ""
            if c == '"':
                if "\n" in text:
                    return None
                text = text.rstrip(" ")
                body = text[1:-1]
                if len(text) < 2 or text[-1] != '"' or '"' in body or "\\" in body:
                    dq = _DQ_LINE.match(text)
                    if dq is None:
                        return None
                    body = _unescape(dq.group(1))
                text = body
            elif c == "'" or c in _PLAIN_FIRST_BAD:
                return None
            elif "\n" in text:
                parts = [x.strip(" ") for x in text.split("\n")]
                for part in parts:
                    _plain_line(part)
                    if part.startswith("#"):
                        return None
                text = plain(" ".join(parts))
            else:
                text = plain(_plain_line(text))
            sectors = self.flow_line(sectors)
            actors = self.flow_line(actors)
        except _GiveUp:
            return None
        return {"id": pid, "text": text, "kind": kind, "sectors": sectors, "actors": actors,
                "reviewed": reviewed == "true"}

    def flow_line(self, body: str) -> list:
        if not body:
            return []
        if "'" in body or '"' in body or "#" in body or "  " in body or ": " in body:
            raise _GiveUp
        plain = self.plain
        out = []
        for item in body.split(","):
            item = item.strip(" ")
            if not item or item[0] in _PLAIN_FIRST_BAD or item.endswith(":"):
                raise _GiveUp
            out.append(plain(item))
        return out


def _plain_line(value: str) -> str:
    """A one-line plain scalar as written after 'key: ' (checked; trailing spaces dropped)."""
    value = value.rstrip(" ")
    if not value or value[0] in _PLAIN_FIRST_BAD or ": " in value or " #" in value \
            or value.endswith(":"):
        raise _GiveUp
    return value


_ITEM_RES: dict[int, re.Pattern | None] = {}


def _item_re(col: int) -> re.Pattern | None:
    """A passage as brief writes it, its '- ' at column ``col``: id, text (one line, or plain
    text folded over more indented lines), kind, one-line flow lists of sectors and actors,
    reviewed."""
    if col not in _ITEM_RES:
        if col > 16:
            return None
        ind = " " * col
        key = ind + "  "
        one = r"([^\n]*)\n"
        _ITEM_RES[col] = re.compile(
            ind + "- id: " + one
            + key + r"text: ([^\n]*(?:\n" + key + r" +[^ \n][^\n]*)*)\n"
            + key + "kind: " + one
            + key + r"sectors: \[([^\n\]\[]*)\] *\n"
            + key + r"actors: \[([^\n\]\[]*)\] *\n"
            + key + r"reviewed: (true|false) *(?:\n|\Z)")
    return _ITEM_RES[col]


def read(text: str):
    """The data of an article file written in the plain form, or None to use the full loader."""
    from brief_cli.yamlio import _PLAIN_RESOLVER, _Loader

    # tabs, carriage returns, YAML's other line breaks, byte-order marks: the full loader
    if not _PLAIN_RESOLVER:
        return None
    # Python's printable characters are all in YAML's set: the quick test first
    if not text.replace("\n", " ").isprintable() and _REFUSED.search(text) is not None:
        return None
    lines = text.split("\n")
    reader = _Reader(text, lines, _Loader.yaml_implicit_resolvers)
    try:
        first = reader.skip_blank(0)
        if first >= reader.n or lines[first].startswith(" "):
            return None
        data, i = reader.mapping(first, 0)
        if reader.skip_blank(i) < reader.n or not data:
            return None
    except (_GiveUp, RecursionError):
        return None
    return data
