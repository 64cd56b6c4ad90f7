"""Changing one passage's tags in its article file, and nothing else.

A reviewer's decision touches four fields of one passage: ``kind``, ``sectors``, ``actors`` and
``reviewed``. The file is edited in place, as text: only the spans holding those values are
replaced (a missing field is added under the passage's other fields), so comments, key order,
quoting, line breaks and every other passage stay byte for byte as they were. The edited text is
parsed again and checked (the passage has the new values, everything else loads as before)
before it replaces the file, atomically.

A file that changed on disk since the caller read it is re-read: when the passage's own tags are
still what the caller saw, the decision is applied to the new content (someone else's edit
elsewhere in the file is kept); when they changed, the decision is refused with
``EditConflict``; nothing is ever overwritten blindly.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import yaml

from brief_cli import yamlio
from brief_cli.errors import BriefError, FileProblem, UnknownIdError
from brief_cli.model import Passage
from brief_cli.taxonomy import Taxonomy, closest

EDITABLE = ("kind", "sectors", "actors", "reviewed")
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_YAML_WORDS = frozenset("y yes n no true false on off null".split())


class EditConflict(BriefError):
    """The passage changed on disk since it was read: the decision was not written."""


@dataclass(frozen=True)
class Tagging:
    """The four editable fields of a passage."""

    kind: str
    sectors: tuple[str, ...]
    actors: tuple[str, ...]
    reviewed: bool

    @classmethod
    def of(cls, passage: Passage) -> Tagging:
        return cls(passage.kind, tuple(passage.sectors), tuple(passage.actors),
                   bool(passage.reviewed))

    def changed_fields(self, other: Tagging) -> tuple[str, ...]:
        """Fields that differ (sectors and actors as sets: their order is not a decision)."""
        out = []
        if self.kind != other.kind:
            out.append("kind")
        if set(self.sectors) != set(other.sectors):
            out.append("sectors")
        if set(self.actors) != set(other.actors):
            out.append("actors")
        if self.reviewed != other.reviewed:
            out.append("reviewed")
        return tuple(out)


@dataclass(frozen=True)
class EditResult:
    path: Path
    passage: str  # uid
    before: Tagging
    after: Tagging
    changed: tuple[str, ...]  # fields written (empty: the file was not touched)
    reloaded: bool = False  # the file had changed on disk and the edit went into the new content


def fingerprint(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def file_fingerprint(path: Path) -> str | None:
    try:
        return fingerprint(Path(path).read_bytes())
    except OSError:
        return None


def edit_passage(path: Path, passage_id: str, taxonomy: Taxonomy, *, kind: str | None = None,
                 sectors: Sequence[str] | None = None, actors: Sequence[str] | None = None,
                 reviewed: bool | None = None, expect: Tagging | None = None,
                 expect_fingerprint: str | None = None) -> EditResult:
    """Set the given fields of passage ``passage_id`` (its local id, ``p07``) in ``path``.

    ``expect`` is the passage's tagging as the caller saw it: when the file on disk now says
    something else for this passage, raise EditConflict and write nothing. ``expect_fingerprint``
    (of the file's content as the caller read it) only serves to report ``reloaded``.
    """
    path = Path(path)
    raw = _read_bytes(path)
    current_fp = fingerprint(raw)
    text, bom = _decode(raw, path)
    doc = yamlio.parse(text, path)
    mapping, index = _passage_node(doc, passage_id, path)
    from brief_cli.corpus import load_article_text

    article, problems = load_article_text(text, taxonomy, path)
    if article is None:
        first = next(p for p in problems if p.severity == "error")
        raise FileProblem(f"cannot edit {passage_id!r}: the file does not load: {first}",
                          hint="run 'brief validate' and fix the file first")
    passage = next(p for p in article.passages if p.index == index)
    before = Tagging.of(passage)
    reloaded = expect_fingerprint is not None and expect_fingerprint != current_fp
    if expect is not None and before.changed_fields(expect):
        raise EditConflict(
            f"{passage.uid} changed on disk since it was read "
            f"({', '.join(before.changed_fields(expect))}): decision not written",
            hint="reload and decide again")
    after = Tagging(
        kind=before.kind if kind is None else taxonomy.require_kind(kind),
        sectors=before.sectors if sectors is None else _unique(
            taxonomy.require_sector(s) for s in sectors),
        actors=before.actors if actors is None else _unique(
            taxonomy.require_actor(a) for a in actors),
        reviewed=before.reviewed if reviewed is None else bool(reviewed),
    )
    changed = before.changed_fields(after)
    # a new order of the same sectors or actors is not a decision: the file keeps its order
    after = Tagging(after.kind, after.sectors if "sectors" in changed else before.sectors,
                    after.actors if "actors" in changed else before.actors, after.reviewed)
    if not changed:
        return EditResult(path, passage.uid, before, before, (), reloaded)
    new_text = _splice(text, mapping, {f: getattr(after, f) for f in changed})
    _check(new_text, path, taxonomy, article, index, after)
    _replace(path, (("\ufeff" if bom else "") + new_text), current_fp)
    return EditResult(path, passage.uid, before, after, changed, reloaded)


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


# reading -----------------------------------------------------------------------------------

def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > yamlio.MAX_FILE_BYTES:
            raise FileProblem(f"{str(path)!r} is too large to be an article file")
        return path.read_bytes()
    except FileNotFoundError:
        raise FileProblem(f"{str(path)!r} no longer exists",
                          hint="it was moved or deleted since the corpus was read") from None
    except OSError as exc:
        raise FileProblem(f"cannot read {str(path)!r}: {exc.strerror or exc}") from None


def _decode(raw: bytes, path: Path) -> tuple[str, bool]:
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = yamlio.decode_utf8(raw, path)
    except yamlio.YamlProblem as exc:
        raise FileProblem(str(exc.problem)) from None
    return text, bom


def _passage_node(doc: yamlio.Document, passage_id: str, path: Path
                  ) -> tuple[yaml.MappingNode, int]:
    """The passage's mapping node in the file and its position in the list."""
    passages = _child(doc.node, "passages")
    ids: list[str] = []
    if isinstance(passages, yaml.SequenceNode):
        for i, item in enumerate(passages.value):
            node = _child(item, "id")
            if isinstance(node, yaml.ScalarNode):
                ids.append(node.value)
                if node.value == passage_id and isinstance(item, yaml.MappingNode):
                    return item, i
    raise UnknownIdError("passage", f"{path.stem}#{passage_id}",
                         [f"{path.stem}#{i}" for i in closest(passage_id, ids)])


def _child(node, key: str):
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


# editing the text --------------------------------------------------------------------------

def _scalar(value: str) -> str:
    """A value as YAML: plain when that reads back as the same text, else double-quoted."""
    if _PLAIN.match(value) and value.lower() not in _YAML_WORDS and not _numeric(value):
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _numeric(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _flow(values: Sequence[str]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def _render(field: str, value) -> str:
    if field == "reviewed":
        return "true" if value else "false"
    if field == "kind":
        return _scalar(value)
    return _flow(value)


def _splice(text: str, mapping: yaml.MappingNode, values: dict[str, object]) -> str:
    """Replace (or add) the given fields' values in the passage's mapping; spans from the end
    of the text backwards, so earlier offsets stay valid."""
    newline = "\r\n" if "\r\n" in text else "\n"
    edits: list[tuple[int, int, str]] = []
    missing: list[str] = []
    for field in EDITABLE:
        if field not in values:
            continue
        pair = next(((k, v) for k, v in mapping.value
                     if isinstance(k, yaml.ScalarNode) and k.value == field), None)
        if pair is None:
            missing.append(field)
            continue
        key, node = pair
        value = values[field]
        if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
            # a block list ("- energy" lines): write the new one in the same style and indent
            start = text.index(":", key.end_mark.index) + 1
            end = node.value[-1].end_mark.index
            if value:
                indent = " " * node.start_mark.column
                body = "".join(f"{newline}{indent}- {_scalar(v)}" for v in value)
            else:
                body = " []"
            edits.append((start, end, body))
        elif isinstance(node, yaml.ScalarNode) and node.start_mark.index == node.end_mark.index:
            # an empty value ("sectors:"): the mark sits right after the colon
            edits.append((node.start_mark.index, node.end_mark.index, " " + _render(field, value)))
        elif isinstance(node, (yaml.ScalarNode, yaml.SequenceNode)):
            if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
                raise FileProblem(f"cannot edit {field!r}: written as a block of text",
                                  hint=f"write it on one line, like '{field}: ...'")
            edits.append((node.start_mark.index, node.end_mark.index, _render(field, value)))
        else:
            raise FileProblem(f"cannot edit {field!r}: unexpected value in the file")
    if missing:
        edits.append(_addition(text, mapping, [(f, values[f]) for f in missing], newline))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _addition(text: str, mapping: yaml.MappingNode, fields: list[tuple[str, object]],
              newline: str) -> tuple[int, int, str]:
    """Fields the passage does not have yet, added after its last one."""
    if mapping.flow_style:  # {id: p1, text: ..., kind: context}
        close = text.rindex("}", 0, mapping.end_mark.index)
        body = "".join(f", {f}: {_render(f, v)}" for f, v in fields)
        return close, close, body
    indent = " " * mapping.value[0][0].start_mark.column
    last = mapping.value[-1][1]
    pos = last.end_mark.index
    if isinstance(last, yaml.CollectionNode) and last.value and not last.flow_style:
        pos = _end_of(last)
    lines = [f"{indent}{f}: {_render(f, v)}" for f, v in fields]
    if pos > 0 and text[pos - 1] == "\n":  # a block scalar ends after its line break
        return pos, pos, "".join(line + newline for line in lines)
    return pos, pos, "".join(newline + line for line in lines)


def _end_of(node) -> int:
    while isinstance(node, yaml.CollectionNode) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return node.end_mark.index


def _check(new_text: str, path: Path, taxonomy: Taxonomy, old, index: int,
           after: Tagging) -> None:
    """The edited text loads, the passage has the new tags, and nothing else changed."""
    from dataclasses import replace

    from brief_cli.corpus import load_article_text

    article, problems = load_article_text(new_text, taxonomy, path)
    ok = article is not None
    if ok:
        passage = next((p for p in article.passages if p.index == index), None)
        ok = passage is not None and Tagging.of(passage) == after
        if ok:
            expected = replace(old, passages=tuple(
                replace(p, kind=after.kind, sectors=after.sectors, actors=after.actors,
                        reviewed=after.reviewed) if p.index == index else p
                for p in old.passages))
            ok = article == expected
    if not ok:  # pragma: no cover - a bug here must never reach the file
        raise FileProblem(f"{str(path)!r}: the edit could not be written safely (file left as it "
                          "was)", hint="edit the passage by hand")


def _replace(path: Path, text: str, expect_fp: str) -> None:
    """Write atomically, but only over the content we edited (no one wrote in between)."""
    import tempfile

    folder = path.parent
    data = text.encode("utf-8")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        if file_fingerprint(path) != expect_fp:
            raise EditConflict(f"{str(path)!r} changed while the decision was being written",
                               hint="try again")
        os.replace(tmp, path)
        tmp = None
        _sync_folder(folder)
    except PermissionError:
        raise FileProblem(f"cannot write {str(path)!r}: permission denied",
                          hint="make the corpus folder writable") from None
    except OSError as exc:
        raise FileProblem(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a confirmed decision survives a power cut)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# changes as the command line gives them ----------------------------------------------------

def apply_ops(current: Sequence[str], ops: Sequence[str], resolve, option: str
              ) -> tuple[str, ...]:
    """``+ID`` adds, ``-ID`` removes, a bare ``ID`` adds, ``=A,B`` sets the whole list
    (``=`` alone empties it); values are resolved (checked, made canonical) by ``resolve``."""
    from brief_cli.errors import UsageError

    out = list(current)
    for op in ops:
        op = op.strip()
        if op.startswith("="):
            out = [resolve(v.strip()) for v in op[1:].split(",") if v.strip()]
            continue
        sign, value = (op[0], op[1:].strip()) if op[:1] in "+-" else ("+", op)
        if not value:
            raise UsageError(f"{option} {op!r} names nothing",
                             hint=f"use {option} +ID to add, {option} -ID to remove")
        value = resolve(value)
        if sign == "+" and value not in out:
            out.append(value)
        elif sign == "-" and value in out:
            out.remove(value)
    return _unique(out)


def set_passage(corpus, taxonomy: Taxonomy, uid: str, *, kind: str | None = None,
                sector_ops: Sequence[str] = (), actor_ops: Sequence[str] = (),
                reviewed: bool | None = None) -> EditResult:
    """What ``brief set`` does: find the passage, apply the changes, write the file.

    A change of kind, sectors or actors is a person's decision: it marks the passage reviewed
    unless ``reviewed=False`` is asked for.
    """
    from brief_cli.corpus import find
    from brief_cli.errors import UsageError

    article, passage = find(corpus, uid)
    if passage is None:
        raise UsageError(f"'brief set' takes a passage id, not an article id: {uid!r}",
                         hint=f"for example {article.passages[0].uid}")
    if article.path is None:
        raise FileProblem(f"article {article.id!r} has no file to write to")
    seen = Tagging.of(passage)
    sectors = apply_ops(seen.sectors, sector_ops, taxonomy.require_sector, "--sector") \
        if sector_ops else None
    actors = apply_ops(seen.actors, actor_ops, taxonomy.require_actor, "--actor") \
        if actor_ops else None
    if kind is not None:
        kind = taxonomy.require_kind(kind)
    if reviewed is None and (kind is not None or sector_ops or actor_ops):
        reviewed = True
    return edit_passage(article.path, passage.id, taxonomy, kind=kind, sectors=sectors,
                        actors=actors, reviewed=reviewed, expect=seen)
