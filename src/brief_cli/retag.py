"""Re-running the tagger on machine-tagged passages after a taxonomy edit.

Only passages with ``reviewed: false`` are retagged; a reviewed passage is never changed, and
an article with nothing to change is never rewritten. Each article is tagged as one document
(its structure counts, as when it was ingested).

A file is rewritten in place: only the ``kind``, ``sectors`` and ``actors`` values of the passages
that change are replaced in its text, so every other byte (reviewed passages, comments, layout)
stays as it was; the result is parsed again and checked before it is written. Files are replaced
atomically (a temporary file in the same folder, then a rename), through a symlink to its target,
and only when they have not changed since they were read. A read-only file is left alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from brief_cli.corpus import find_articles
from brief_cli.errors import FileProblem
from brief_cli.fileio import atomic_write_text
from brief_cli.model import Article, Corpus
from brief_cli.tagging import Tagger


@dataclass(frozen=True)
class Change:
    """What retagging changes in one passage."""

    passage: str  # "article-id#p07"
    article: str
    old_kind: str
    new_kind: str
    old_sectors: tuple[str, ...]
    new_sectors: tuple[str, ...]
    old_actors: tuple[str, ...]
    new_actors: tuple[str, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields that change: kind, sectors, actors."""
        out = []
        if self.old_kind != self.new_kind:
            out.append("kind")
        if set(self.old_sectors) != set(self.new_sectors):
            out.append("sectors")
        if set(self.old_actors) != set(self.new_actors):
            out.append("actors")
        return tuple(out)


@dataclass(frozen=True)
class ArticleUpdate:
    article: Article  # with the new tags
    path: Path
    mtime_ns: int  # of the file when it was read: a file changed since is not overwritten
    changed: tuple[int, ...] = ()  # indexes of the passages whose tags change


@dataclass(frozen=True)
class RetagPlan:
    changes: tuple[Change, ...]
    updates: tuple[ArticleUpdate, ...]  # only the articles that change
    articles: int  # articles looked at
    unreviewed: int  # passages retagged (machine tags)
    reviewed: int  # passages left alone
    skipped: tuple[tuple[Path, str], ...] = ()  # files that would change but cannot be written


def plan_retag(corpus: Corpus, tagger: Tagger, article_ids: Sequence[str] = ()) -> RetagPlan:
    """What retagging would change; raises UnknownIdError for an article id that names nothing."""
    articles = find_articles(corpus, article_ids) if article_ids else list(corpus.articles)
    changes: list[Change] = []
    updates: list[ArticleUpdate] = []
    skipped: list[tuple[Path, str]] = []
    unreviewed = reviewed = 0
    for article in articles:
        reviewed += sum(1 for p in article.passages if p.reviewed)
        if all(p.reviewed for p in article.passages):
            continue
        tags = tagger.tag_passages([p.text for p in article.passages])
        passages = []
        article_changes = []
        changed: list[int] = []
        for i, (passage, new) in enumerate(zip(article.passages, tags)):
            if passage.reviewed:
                passages.append(passage)
                continue
            unreviewed += 1
            change = Change(passage.uid, article.id, passage.kind, new.kind, passage.sectors,
                            new.sectors, passage.actors, new.actors)
            if change.fields:
                article_changes.append(change)
                changed.append(i)
                passage = replace(passage, kind=new.kind, sectors=new.sectors,
                                  actors=new.actors)
            passages.append(passage)
        if article_changes:
            if article.path is None:
                raise FileProblem(f"article {article.id!r} has no file to write back to")
            reason = _cannot_write(article.path)
            if reason:
                skipped.append((article.path, reason))
                continue
            changes.extend(article_changes)
            updates.append(ArticleUpdate(replace(article, passages=tuple(passages)),
                                         article.path, _mtime(article.path), tuple(changed)))
    return RetagPlan(tuple(changes), tuple(updates), len(articles), unreviewed, reviewed,
                     tuple(skipped))


def _cannot_write(path: Path) -> str | None:
    """Why retag must leave this file alone (a read-only file is the user's decision)."""
    target = Path(os.path.realpath(path))
    try:
        st = os.stat(target)
    except OSError as exc:
        return f"cannot read it: {exc.strerror or exc}"
    if not (st.st_mode & 0o222):
        return "the file is read-only"
    if not os.access(target.parent, os.W_OK):
        return "its folder is not writable"
    return None


def apply(plan: RetagPlan) -> list[Path]:
    """Write the changed articles, each atomically; the paths written."""
    from brief_cli.checkpoint import reached
    from brief_cli.yamlio import read_text

    written = []
    for update in plan.updates:
        target = Path(os.path.realpath(update.path))  # a symlinked entry stays a symlink
        if _mtime(update.path) != update.mtime_ns:
            raise FileProblem(f"{str(update.path)!r} changed while retagging",
                              hint="run retag again")
        try:
            original = read_text(target)
            text = patch_tags(original, update)  # parses it: bad YAML is found here
        except Exception as exc:  # YamlProblem: the file went bad since it was read
            raise FileProblem(f"{str(update.path)!r} changed while retagging ({exc})",
                              hint="run retag again") from None
        reached("retag-write")
        atomic_write_text(target, text, force=True, what="article file")
        written.append(update.path)
    return written


def patch_tags(original: str, update: ArticleUpdate) -> str:
    """The file's text with only the changed passages' kind, sectors and actors replaced.

    Falls back to writing the whole document from its parsed data (every value kept as read,
    reviewed passages included) when an in-place edit is not possible or does not check out.
    """
    from brief_cli import yamlio

    doc = yamlio.parse(original, update.path)
    expected = _expected_data(doc.data, update)
    text = _edit_in_place(original, doc, update)
    if text is not None and _parses_to(text, expected):
        return text
    return _dump_data(expected)


def _new_values(update: ArticleUpdate, index: int) -> dict[str, object]:
    passage = update.article.passages[index]
    return {"kind": passage.kind, "sectors": list(passage.sectors),
            "actors": list(passage.actors)}


def _expected_data(data: dict, update: ArticleUpdate) -> dict:
    import copy

    expected = copy.deepcopy(data)
    raw = expected["passages"]
    for i in update.changed:
        new = _new_values(update, i)
        old = _new_values_as_read(raw[i])
        for key, value in new.items():
            if old.get(key) != value:
                raw[i][key] = value
    return expected


def _new_values_as_read(raw: dict) -> dict[str, object]:
    def as_list(value):
        return [value] if isinstance(value, str) else list(value or [])

    return {"kind": raw.get("kind"), "sectors": as_list(raw.get("sectors")),
            "actors": as_list(raw.get("actors"))}


def _flow(value) -> str:
    import yaml

    if isinstance(value, list):
        return yaml.safe_dump(value, default_flow_style=True, width=10**9,
                              allow_unicode=True).strip()
    return yaml.safe_dump([value], default_flow_style=True, allow_unicode=True).strip()[1:-1]


def _edit_in_place(original: str, doc, update: ArticleUpdate) -> str | None:
    """Replace value spans in the text, last first; None when a key is missing or odd."""
    import yaml

    root = doc.node
    passages = None
    if isinstance(root, yaml.MappingNode):
        for k, v in root.value:
            if isinstance(k, yaml.ScalarNode) and k.value == "passages":
                passages = v
    if not isinstance(passages, yaml.SequenceNode):
        return None
    edits: list[tuple[int, int, str]] = []
    for i in update.changed:
        if i >= len(passages.value) or not isinstance(passages.value[i], yaml.MappingNode):
            return None
        entries = {k.value: (k, v) for k, v in passages.value[i].value
                   if isinstance(k, yaml.ScalarNode)}
        old = _new_values_as_read(doc.data["passages"][i])
        for key, value in _new_values(update, i).items():
            if old.get(key) == value:
                continue
            if key not in entries:
                return None
            k, v = entries[key]
            colon = original.find(":", k.end_mark.index)
            if colon < 0:
                return None
            end = v.end_mark.index
            while end > colon + 1 and original[end - 1] in " \t\r\n":
                end -= 1
            if "#" in original[colon:end]:  # a comment inside the value: do not guess
                return None
            edits.append((colon, end, ": " + _flow(value)))
    text = original
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _parses_to(text: str, expected: dict) -> bool:
    from brief_cli import yamlio

    try:
        return yamlio.parse(text, None).data == expected
    except yamlio.YamlProblem:
        return False


def _dump_data(data: dict) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _mtime(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1
