"""Turning the bytes of an input file into text, and saying which encoding was used.

UTF-8 (with or without a byte-order mark) and UTF-16/UTF-32 with a byte-order mark are read
directly. Anything else is handed to charset-normalizer; when several legacy code pages decode the
bytes equally well, the Western ones (cp1252, then Latin-1) win, because that is what a text
file saved by an older Windows or Mac editor almost always is. Binary files are refused with a
one-line reason.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from brief_cli.errors import FileProblem

MAX_INPUT_BYTES = 20 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Magic numbers of formats people may pass by mistake, with what to do instead.
_MAGIC = (
    (b"%PDF-", "a PDF file", "save it as text or HTML first"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file)",
     "save the document as text or HTML first"),
    (b"\xd0\xcf\x11\xe0", "an old Office document", "save it as text or HTML first"),
    (b"{\\rtf", "an RTF document", "save it as plain text first"),
    (b"\x89PNG", "a PNG image", None),
    (b"\xff\xd8\xff", "a JPEG image", None),
    (b"GIF8", "a GIF image", None),
    (b"\x1f\x8b", "a gzip archive", "decompress it first"),
)

# When charset-normalizer finds several code pages equally plausible, the first of these wins.
_PREFERRED = ("cp1252", "latin_1", "iso8859_15", "utf_8", "mac_roman")

_NAMES = {"utf-8-sig": "UTF-8 with BOM", "utf-8": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32",
          "latin_1": "latin-1", "iso8859_15": "latin-9", "gb18030": "GB18030 (GBK)",
          "big5": "Big5"}


@dataclass(frozen=True)
class Decoded:
    """Text from bytes, with the encoding used and whether it was guessed."""

    text: str
    encoding: str
    detected: bool = False  # True when the encoding was guessed, not read from a BOM or UTF-8

    @property
    def label(self) -> str:
        name = _NAMES.get(self.encoding, self.encoding)
        if self.encoding == "utf-16" or self.encoding == "utf-32":
            name += " with BOM"
        return f"{name} (detected)" if self.detected else name


def decode_bytes(raw: bytes) -> Decoded:
    """Decode an input file's bytes; FileProblem with a one-line reason when it is not text."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise FileProblem(f"starts with a {_NAMES.get(encoding, encoding)} byte-order mark "
                                  f"but byte {exc.start} cannot be decoded",
                                  hint="re-save the file as UTF-8") from None
            return Decoded(text.lstrip("\ufeff"), encoding)
    for magic, what, hint in _MAGIC:
        if raw.startswith(magic):
            raise FileProblem(f"not text: this is {what}", hint=hint)
    if b"\x00" in raw[:65536]:
        raise FileProblem("not text: the file holds NUL bytes (binary data)")
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    return _detect(raw)


def _detect(raw: bytes) -> Decoded:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(raw))
    if not matches:
        raise FileProblem("not text: no known encoding decodes it",
                          hint="re-save the file as UTF-8")
    best = min(m.chaos for m in matches)
    top = max(m.coherence for m in matches if m.chaos <= best + 0.01)
    # Coherence (how much the text looks like a language) is noisy on short texts.
    pool = [m for m in matches if m.chaos <= best + 0.01 and m.coherence >= top - 0.1]

    def rank(match) -> int:
        name = match.encoding
        return _PREFERRED.index(name) if name in _PREFERRED else len(_PREFERRED)

    chosen = min(pool, key=rank)
    encoding, text = chosen.encoding, str(chosen)
    from brief_cli.lang.encoding import better_chinese

    chinese = better_chinese(raw, encoding)  # GBK against Big5 on short inputs
    if chinese is not None:
        encoding, text = chinese
    if _control_share(text) > 0.05:
        raise FileProblem("not text: it decodes to control characters (binary data)")
    return Decoded(text, encoding, detected=True)


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:20000]
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\n\r\t\f") or 0x7f <= ord(c) < 0xa0)
    return bad / len(sample)
