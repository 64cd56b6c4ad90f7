"""Safe YAML reading that remembers where every value came from, and guarded file reads.

Only the safe loader is used (the C one when PyYAML has it). Anchors and aliases are refused:
a corpus file never needs them, and they are how a small file expands into a huge one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from brief_cli.errors import Problem

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that keeps timestamps as text, so a bad date is a problem we report."""

    def resolve(self, kind, value, implicit):
        # A scalar whose first character starts no implicit type (null, bool, int, float,
        # timestamp...) is text: most values of an article. PyYAML's resolver gives the
        # same tag after building and trying a list of patterns for each value.
        if kind is yaml.ScalarNode and _PLAIN_RESOLVER and (
                not implicit[0] or (value and value[0] not in _IMPLICIT_FIRST)):
            return self.DEFAULT_SCALAR_TAG
        return super().resolve(kind, value, implicit)


_Loader.add_constructor("tag:yaml.org,2002:timestamp",
                        lambda loader, node: loader.construct_scalar(node))
_IMPLICIT_FIRST = frozenset(k for k in _Loader.yaml_implicit_resolvers if k)
_PLAIN_RESOLVER = not _Loader.yaml_path_resolvers and None not in _Loader.yaml_implicit_resolvers

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 500_000  # values per file: real articles hold a few thousand


class YamlProblem(Exception):
    """Raised with the Problem that stops a file from being read at all."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Document:
    """Parsed YAML data plus its node tree, to find the line of any value."""

    path: Path | None
    data: Any
    node: yaml.Node | None

    def where(self, *keys: str | int) -> tuple[int | None, int | None]:
        """1-based (line, column) of the value at ``keys`` (or of its closest parent)."""
        node = self.node
        for key in keys:
            child = None
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == key:
                        child = v
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                if 0 <= key < len(node.value):
                    child = node.value[key]
            if child is None:
                break
            node = child
        if node is None:
            return None, None
        return node.start_mark.line + 1, node.start_mark.column + 1

    def key_where(self, *keys: str | int) -> tuple[int | None, int | None]:
        """1-based (line, column) of the key ``keys[-1]`` itself (for unknown-field problems)."""
        parent_line = self.where(*keys[:-1])
        node = self.node
        for key in keys[:-1]:
            node = _child(node, key)
            if node is None:
                return parent_line
        if isinstance(node, yaml.MappingNode):
            for k, _ in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == keys[-1]:
                    return k.start_mark.line + 1, k.start_mark.column + 1
        return parent_line

    def problem(self, message: str, *keys: str | int, hint: str | None = None,
                severity: str = "error", at_key: bool = False) -> Problem:
        line, column = self.key_where(*keys) if at_key else self.where(*keys)
        return Problem(self.path, message, line, column, hint, severity)


def _child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
        if 0 <= key < len(node.value):
            return node.value[key]
    return None


def read_bytes(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file, at most ``max_bytes`` of them whatever ``stat`` says.

    A FIFO, a device or a symlink to one is refused without blocking (the file is opened
    non-blocking and checked with ``fstat`` on the open descriptor, so a swap after a check
    cannot fool it). Raises YamlProblem with a one-line reason.
    """
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise YamlProblem(Problem(path, f"cannot read file: {exc.strerror or exc}")) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise YamlProblem(Problem(
                path, f"not a regular file ({file_kind(st.st_mode)})",
                hint="only regular files are corpus files; move it out of the corpus folder"))
        if st.st_size > max_bytes:
            raise YamlProblem(_too_big(path, st.st_size, max_bytes))
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise YamlProblem(_too_big(path, None, max_bytes))
        return b"".join(chunks)
    except OSError as exc:
        raise YamlProblem(Problem(path, f"cannot read file: {exc.strerror or exc}")) from None
    finally:
        os.close(fd)


def _too_big(path: Path, size: int | None, max_bytes: int) -> Problem:
    what = f"file is {size:,} bytes" if size is not None else "file holds more"
    return Problem(path, f"{what}, above the {max_bytes:,}-byte limit",
                   hint="split the article or check that this is the right file")


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    import stat

    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def read_text(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file (a byte-order mark is allowed), refusing huge or binary files."""
    return decode_utf8(read_bytes(path, max_bytes=max_bytes), path)


def decode_utf8(raw: bytes, path: Path | None) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlProblem(Problem(
            path, f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded",
            line, column, hint="re-save the file as UTF-8")) from None
    if "\x00" in text:
        raise YamlProblem(Problem(path, "file holds NUL bytes: it is binary, not YAML"))
    return text


class _ReadDocument(Document):
    """A document read by the fast reader: its node tree (for lines and columns) is made by
    the full loader only when asked for, which checks of a sound file never do."""

    def __init__(self, path: Path | None, data: Any, text: str):
        self.path = path
        self.data = data
        self._text = text
        self._node: yaml.Node | None = None

    @property
    def node(self) -> yaml.Node | None:
        if self._node is None:
            self._node = _parse_full(self._text, self.path).node
        return self._node


def parse(text: str, path: Path | None) -> Document:
    """Parse one YAML document safely; raise YamlProblem with file:line on any error.

    The plain form brief writes is read by ``yamlfast`` (the same data, several times
    faster); anything else, and every error, goes through the safe loader."""
    from brief_cli import yamlfast

    data = yamlfast.read(text)
    if data is not None:
        return _ReadDocument(path, data, text)
    return _parse_full(text, path)


def _parse_full(text: str, path: Path | None) -> Document:
    if not text.strip():
        raise YamlProblem(Problem(path, "empty file", hint="an article needs id, title and passages"))
    _refuse_too_many_nodes(text, path)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise YamlProblem(Problem(path, "empty document",
                                      hint="an article needs id, title and passages"))
        if "&" in text:  # no anchor, no alias: skip the walk (most files)
            _refuse_aliases(node, path)
        data = _construct(loader, node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem and "expected a single document" not in exc.context:
            message = f"{exc.problem} ({exc.context})"
        raise YamlProblem(Problem(
            path, f"YAML syntax error: {message}",
            mark.line + 1 if mark else None, mark.column + 1 if mark else None)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Problem(path, f"YAML error: {exc}")) from None
    except RecursionError:
        raise YamlProblem(Problem(path, "YAML nested too deeply")) from None
    except (ValueError, TypeError, OverflowError) as exc:
        raise YamlProblem(Problem(path, f"YAML value cannot be read: {exc}")) from None
    finally:
        loader.dispose()
    return Document(path, data, node)


_STR, _SEQ, _MAP = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:seq",
                    "tag:yaml.org,2002:map")
_SPECIAL_KEYS = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")


def _construct(loader, node: yaml.Node) -> Any:
    """What ``loader.construct_document(node)`` gives, built directly for the plain cases.

    Strings, plain mappings and sequences (nearly every node of an article) skip the loader's
    per-node bookkeeping, a third of the time of reading a file; any other node (numbers,
    booleans, dates, merge keys, explicit tags) is built by the loader itself, with its errors.
    Safe only for a tree without aliases: ``parse`` refuses them before this runs.
    """
    cls = node.__class__
    tag = node.tag
    if cls is yaml.ScalarNode:
        if tag == _STR:
            return node.value
    elif cls is yaml.SequenceNode:
        if tag == _SEQ:
            return [_construct(loader, child) for child in node.value]
    elif cls is yaml.MappingNode and tag == _MAP:
        out: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag in _SPECIAL_KEYS:
                break
            key = _construct(loader, key_node)
            try:
                hash(key)
            except TypeError:
                break  # the loader reports an unhashable key with its line
            out[key] = _construct(loader, value_node)
        else:
            return out
    return loader.construct_document(node)


_INDICATORS = (",", "\n", ":", "-", "[", "{", "?")


def _refuse_too_many_nodes(text: str, path: Path | None) -> None:
    """Refuse a document of more than MAX_NODES values before building it.

    Building costs time and memory per value (a 5 MB file of 2.4 million tiny values takes
    many seconds and ~1 GB), so the cap is checked first. A document has at most two values
    per indicator character (``a: b`` is a key and a value per colon, ``{a, b}`` a key and its
    empty value per comma), so a text with few of them is fine without parsing; otherwise the
    parser's events are counted, stopping at the cap.
    """
    if 2 * sum(text.count(c) for c in _INDICATORS) + 2 < MAX_NODES:
        return
    count = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent, yaml.AliasEvent)):
                count += 1
                if count > MAX_NODES:
                    mark = event.start_mark
                    raise YamlProblem(Problem(
                        path, f"YAML document has more than {MAX_NODES:,} values",
                        mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                        hint="an article needs far fewer; split it into several articles"))
    except yaml.YAMLError:
        return  # the parse below reports the syntax error with its line


def _refuse_aliases(root: yaml.Node, path: Path | None) -> None:
    seen: set[int] = set()
    stack = [root]
    count = 0
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise YamlProblem(Problem(
                path, "YAML anchors and aliases (&name / *name) are not allowed",
                node.start_mark.line + 1, node.start_mark.column + 1,
                hint="write the value out in full"))
        seen.add(id(node))
        count += 1
        if count > MAX_NODES:
            raise YamlProblem(Problem(path, f"YAML document has more than {MAX_NODES:,} nodes"))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.append(k)
                stack.append(v)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def load_file(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> Document:
    return parse(read_text(path, max_bytes=max_bytes), path)
