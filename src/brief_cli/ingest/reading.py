"""Reading inputs: which files a batch holds, their bytes decoded to text, the text made
regular (``normalise``), and Markdown turned into plain text."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import BinaryIO, Sequence

from brief_cli.decode import MAX_INPUT_BYTES, Decoded, decode_bytes
from brief_cli.errors import FileProblem
from brief_cli.ingest.model import HTML_SUFFIXES, INPUT_SUFFIXES, TEXT_SUFFIXES, InputSource

# Normalising ---------------------------------------------------------------------------------

_DROP_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"  # zero-width, soft hyphen
_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def normalise(text: str) -> str:
    """Unicode NFC, ``\\n`` newlines, plain spaces, no zero-width/control characters, no
    trailing spaces; a page break (form feed) becomes a blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\x0b", "\n")
    text = unicodedata.normalize("NFC", text)
    for char in _DROP_CHARS:
        if char in text:
            text = text.replace(char, "")
    text = _CONTROLS.sub("", _SPACES.sub(" ", text))
    return "\n".join(line.rstrip() for line in text.split("\n"))


def squash(text: str) -> str:
    """Whitespace runs to one space, ends stripped."""
    return " ".join(text.split())


# Reading inputs --------------------------------------------------------------------------------

def collect_inputs(paths: Sequence[str], pattern: str | None = None) -> list[InputSource]:
    """Files named, and the matching files under folders named (recursively, sorted).

    Folders give the files that match ``pattern`` (a glob such as ``*.txt``), else every text,
    Markdown and HTML file. ``-`` stands for stdin and is returned with ``path`` None.
    """
    sources: list[InputSource] = []
    seen: set[Path] = set()
    for value in paths:
        if value == "-":
            sources.append(InputSource("<stdin>"))
            continue
        if re.match(r"^https?://", value, re.I):
            from brief_cli.ingest.fetch import url_sources

            sources.extend(url_sources([value]))
            continue
        path = Path(value).expanduser()
        if path.is_dir():
            matches = path.rglob(pattern) if pattern else (
                p for p in path.rglob("*") if p.suffix.lower() in INPUT_SUFFIXES)
            found = sorted(p for p in matches if p.is_file() and not any(
                part.startswith(".") for part in p.relative_to(path).parts))
            if not found:
                what = f"matching {pattern!r}" if pattern else "of text, Markdown or HTML"
                raise FileProblem(f"no files {what} in folder {str(path)!r}",
                                  hint="use --glob to choose other files" if not pattern else None)
            for p in found:
                resolved = p.resolve()  # (a walk of the path's folders: once a file)
                if resolved not in seen:
                    seen.add(resolved)
                    sources.append(InputSource(str(p), p))
        else:
            resolved = path.resolve() if path.exists() else path
            if resolved in seen:
                continue
            seen.add(resolved)
            sources.append(InputSource(str(path), path))
    return sources


def read_capped(stream: BinaryIO, limit: int = MAX_INPUT_BYTES) -> bytes:
    """At most ``limit + 1`` bytes of a stream: enough to tell that it is too big, never more,
    whatever the stream is (a file, a device such as /dev/zero, a pipe, stdin)."""
    chunks: list[bytes] = []
    left = limit + 1
    while left > 0:
        chunk = stream.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _too_big(what: str) -> FileProblem:
    return FileProblem(f"{what} is above the {MAX_INPUT_BYTES:,}-byte limit for one article",
                       hint="split it into smaller files")


def read_source(source: InputSource) -> Decoded:
    """The text of one input (FileProblem when it cannot be read, is too big or is not text).

    The size limit applies to the bytes actually read, so a device or a file that grows while
    it is read cannot make ingest read without end."""
    raw = source.data
    if raw is None and source.path is None:
        raise FileProblem("nothing was read")  # a URL not fetched, or stdin not read
    if raw is None:
        path = source.path
        assert path is not None
        try:
            if not path.exists():
                raise FileProblem("no such file")
            if path.is_dir():
                raise FileProblem("is a folder")
            size = path.stat().st_size
            if size > MAX_INPUT_BYTES:
                raise FileProblem(f"file is {size:,} bytes, above the {MAX_INPUT_BYTES:,}-byte "
                                  "limit for one article", hint="split it into smaller files")
            with path.open("rb") as stream:
                raw = read_capped(stream)
        except PermissionError:
            raise FileProblem("cannot read file: permission denied") from None
        except OSError as exc:
            raise FileProblem(f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > MAX_INPUT_BYTES:
        raise _too_big("page" if source.url else "input" if source.path is None else "file")
    if not raw.strip():
        raise FileProblem("empty file")
    return decode_bytes(raw)


_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_MD_EMPHASIS = re.compile(
    r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\3(?![\w*])")
_MD_CODE = re.compile(r"`([^`]+)`")
_MD_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])\s+(?=\S)")


def plain_markdown(text: str) -> str:
    """Markdown as plain text: links and images keep their text, emphasis and code marks go,
    quote marks go, and each list item becomes a paragraph of its own. Headings stay (``#``):
    the header and paragraph steps know them."""
    lines = []
    for line in text.splitlines():
        if re.match(r"^\s*(?:[-*_]\s*){3,}$", line):  # a rule
            lines.append("")
            continue
        line = re.sub(r"^\s*>\s?", "", line)
        if _MD_ITEM.match(line):
            lines.append("")
            line = _MD_ITEM.sub("", line)
        line = _MD_IMAGE.sub(r"\1", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_CODE.sub(r"\1", line)
        line = _MD_EMPHASIS.sub(lambda m: m.group(2) or m.group(4), line)
        lines.append(line)
    return "\n".join(lines)


def looks_like_html(name: str, text: str) -> bool:
    if name.lower().endswith(HTML_SUFFIXES):
        return True
    if name.lower().endswith(TEXT_SUFFIXES):
        return False
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)
