"""Loading, checking and writing corpus files (one YAML file per article).

Every problem in every file is collected (file, line, column, what is wrong, a hint); an article
with an error is left out of the corpus and the rest load. ``--strict`` turns any problem into a
failure. Nothing here ever writes to a file it did not create; ``article_to_yaml`` only renders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Sequence

from brief_cli import yamlio
from brief_cli.errors import CorpusError, Problem, UnknownIdError
from brief_cli.model import Article, Corpus, Passage
from brief_cli.taxonomy import SLUG_RE, Taxonomy, closest

PASSAGE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
ARTICLE_FIELDS = ("id", "title", "source", "section", "authors", "author_note", "published",
                  "url", "fetched", "language", "passages")
REQUIRED_ARTICLE_FIELDS = ("id", "title", "source", "authors", "published", "language", "passages")
PASSAGE_FIELDS = ("id", "text", "kind", "sectors", "actors", "reviewed")
REQUIRED_PASSAGE_FIELDS = ("id", "text", "kind")
SUFFIXES = (".yaml", ".yml")


@dataclass
class LoadResult:
    corpus: Corpus
    problems: list[Problem] = field(default_factory=list)
    files: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def broken_files(self) -> list[Path]:
        seen: dict[Path, None] = {}
        for p in self.errors:
            if p.path is not None:
                seen.setdefault(p.path, None)
        return list(seen)


def corpus_files(root: Path, problems: list[Problem] | None = None) -> list[Path]:
    """Article files under root, recursively, in a stable order (hidden files and folders
    skipped, symlinked folders not followed).

    A folder that cannot be read is reported in ``problems`` (when given), not skipped
    silently. Entries that are not regular files are listed too: reading them is refused with
    a problem of their own, so they are reported rather than hung on.
    """
    import os

    files = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                found = list(entries)
        except OSError as exc:
            if problems is not None:
                problems.append(Problem(
                    folder, f"cannot read folder: {exc.strerror or exc}",
                    hint="its articles are left out; check the folder's permissions"))
            continue
        for entry in found:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                    continue
            except OSError:
                pass
            if os.path.splitext(entry.name)[1].lower() in SUFFIXES:
                files.append(Path(entry.path))
    return sorted(files)


def load_corpus(root: Path, taxonomy: Taxonomy) -> LoadResult:
    """Load every article under root; collect all problems instead of stopping at the first."""
    problems: list[Problem] = []
    articles: list[Article] = []
    first_seen: dict[str, Path] = {}
    files = corpus_files(root, problems)
    for path in files:
        article, file_problems = load_article_file(path, taxonomy)
        problems.extend(file_problems)
        if article is None:
            continue
        if article.id in first_seen:
            problems.append(Problem(
                path, f"duplicate article id {article.id!r}", *_id_line(path),
                hint=f"already used by {first_seen[article.id]}; give this article another id"))
            continue
        first_seen[article.id] = path
        articles.append(article)
    articles.sort(key=lambda a: (a.published, a.id))
    return LoadResult(Corpus(root, tuple(articles)), problems, len(files))


def _id_line(path: Path) -> tuple[int | None, int | None]:
    try:
        return yamlio.load_file(path).where("id")
    except yamlio.YamlProblem:
        return None, None


def load_article_file(path: Path, taxonomy: Taxonomy) -> tuple[Article | None, list[Problem]]:
    """One article file: the Article (None when it has an error) and every problem found."""
    try:
        doc = yamlio.load_file(path)
    except yamlio.YamlProblem as exc:
        return None, [exc.problem]
    return article_from_document(doc, taxonomy)


def load_article_text(text: str, taxonomy: Taxonomy, path: Path | None = None
                      ) -> tuple[Article | None, list[Problem]]:
    try:
        doc = yamlio.parse(text, path)
    except yamlio.YamlProblem as exc:
        return None, [exc.problem]
    return article_from_document(doc, taxonomy)


def article_from_document(doc: yamlio.Document, taxonomy: Taxonomy
                          ) -> tuple[Article | None, list[Problem]]:
    problems: list[Problem] = []
    data = doc.data
    if not isinstance(data, dict):
        problems.append(doc.problem(
            f"an article is a mapping of fields, not a {_type_name(data)}",
            hint="start the file with 'id: my-article' and 'title: ...'"))
        return None, problems

    for key in data:
        if key not in ARTICLE_FIELDS:
            problems.append(doc.problem(f"unknown field {key!r}", key, at_key=True,
                                        hint=_did_you_mean(str(key), ARTICLE_FIELDS)))
    for key in REQUIRED_ARTICLE_FIELDS:
        if key not in data:
            problems.append(doc.problem(f"missing field {key!r}", hint=_FIELD_HINTS.get(key)))

    article_id = data.get("id")
    if "id" in data and (not isinstance(article_id, str) or not SLUG_RE.match(article_id)):
        problems.append(doc.problem(
            f"article id must be a lowercase slug, got {article_id!r}", "id",
            hint="use letters, digits and hyphens, like 'kazakhstan-bri-partner'"))
    title = _text_field(doc, data, "title", problems)
    source = _text_field(doc, data, "source", problems)
    language = _text_field(doc, data, "language", problems)
    section = _text_field(doc, data, "section", problems, optional=True)
    author_note = _text_field(doc, data, "author_note", problems, optional=True)
    url = _text_field(doc, data, "url", problems, optional=True)
    authors: tuple[str, ...] = ()
    if "authors" in data:
        value = data["authors"]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(a, str) and a.strip() for a in value):
            problems.append(doc.problem("authors must be a list of names", "authors",
                                        hint="authors: [Jane Doe, John Roe]; [] when unknown"))
        else:
            authors = tuple(a.strip() for a in value)
    published = _date_field(doc, data, problems)
    fetched = _date_field(doc, data, problems, "fetched")  # when a web page was fetched

    passages: list[Passage] = []
    raw_passages = data.get("passages")
    if "passages" in data:
        if not isinstance(raw_passages, list) or not raw_passages:
            problems.append(doc.problem("passages must be a non-empty list", "passages"))
            raw_passages = []
        seen_ids: dict[str, int] = {}
        for i, raw in enumerate(raw_passages):
            passage = _passage(doc, raw, i, str(article_id), taxonomy, problems)
            if passage is None:
                continue
            if passage.id in seen_ids:
                problems.append(doc.problem(
                    f"duplicate passage id {passage.id!r}", "passages", i, "id",
                    hint=f"passage {seen_ids[passage.id] + 1} already uses it"))
                continue
            seen_ids[passage.id] = i
            passages.append(passage)

    if doc.path is not None and isinstance(article_id, str) and doc.path.stem != article_id:
        problems.append(doc.problem(
            f"file name {doc.path.name!r} does not match the article id {article_id!r}", "id",
            hint=f"rename the file to {article_id}.yaml", severity="warning"))

    if any(p.severity == "error" for p in problems):
        return None, problems
    article = Article(
        id=article_id, title=title, source=source, published=published, language=language,
        passages=tuple(passages), authors=authors, section=section, author_note=author_note,
        url=url, fetched=fetched, path=doc.path)
    return article, problems


_FIELD_HINTS = {
    "id": "add 'id: a-lowercase-slug'",
    "title": "add 'title: ...'",
    "source": "add 'source: ...', the publication",
    "authors": "add 'authors: []' when the authors are unknown",
    "published": "add 'published: YYYY-MM-DD'",
    "language": "add 'language: en'",
    "passages": "add 'passages:' with a list of passages",
    "text": "add 'text: ...'",
    "kind": "add 'kind: context' (or challenge, opportunity)",
}


def _type_name(value: Any) -> str:
    return {dict: "mapping", list: "list", str: "string", int: "number", float: "number",
            bool: "boolean", type(None): "null"}.get(type(value), type(value).__name__)


def _text_field(doc, data, key, problems, optional=False) -> str | None:
    value = data.get(key)
    if value is None:
        if key in data and not optional:
            problems.append(doc.problem(f"{key} must not be empty", key, hint=_FIELD_HINTS.get(key)))
        return None
    if not isinstance(value, str):
        problems.append(doc.problem(f"{key} must be text, got a {_type_name(value)}", key,
                                    hint="quote the value"))
        return None
    if not value.strip() and not optional:
        problems.append(doc.problem(f"{key} must not be empty", key, hint=_FIELD_HINTS.get(key)))
    return value.strip() or None


def _date_field(doc, data, problems, key: str = "published") -> date | None:
    if key not in data:
        return None
    value = data[key]
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.append(doc.problem(f"{key} must be an ISO date (YYYY-MM-DD), got {value!r}",
                                key, hint=f"for example '{key}: 2024-07-05'"))
    return None


def _passage(doc, raw, i, article_id, taxonomy: Taxonomy, problems) -> Passage | None:
    where = ("passages", i)
    if not isinstance(raw, dict):
        problems.append(doc.problem(f"passage {i + 1} must be a mapping, not a {_type_name(raw)}",
                                    *where, hint="each passage has id, text and kind"))
        return None
    before = len(problems)
    for key in raw:
        if key not in PASSAGE_FIELDS:
            problems.append(doc.problem(f"unknown passage field {key!r}", *where, key, at_key=True,
                                        hint=_did_you_mean(str(key), PASSAGE_FIELDS)))
    for key in REQUIRED_PASSAGE_FIELDS:
        if key not in raw:
            problems.append(doc.problem(f"passage {i + 1}: missing field {key!r}", *where,
                                        hint=_FIELD_HINTS.get(key)))
    pid = raw.get("id")
    if isinstance(pid, int) and not isinstance(pid, bool):
        pid = str(pid)
    if "id" in raw and (not isinstance(pid, str) or not PASSAGE_ID_RE.match(pid)):
        problems.append(doc.problem(f"passage id must be a short name like 'p07', got {pid!r}",
                                    *where, "id"))
    text = raw.get("text")
    if "text" in raw and (not isinstance(text, str) or not text.strip()):
        problems.append(doc.problem("passage text must be non-empty text", *where, "text"))
    kind = raw.get("kind")
    if "kind" in raw:
        if not isinstance(kind, str) or kind not in taxonomy.kind_ids:
            problems.append(doc.problem(
                f"unknown kind {kind!r}", *where, "kind",
                hint="kinds are " + ", ".join(taxonomy.kind_ids)))
    sectors = _tag_list(doc, raw, "sectors", where, problems, taxonomy.require_sector)
    actors = _tag_list(doc, raw, "actors", where, problems, taxonomy.require_actor)
    reviewed = raw.get("reviewed", False)
    if not isinstance(reviewed, bool):
        problems.append(doc.problem(f"reviewed must be true or false, got {reviewed!r}",
                                    *where, "reviewed"))
    if len(problems) > before and any(p.severity == "error" for p in problems[before:]):
        return None
    return Passage(id=pid, article_id=article_id, index=i, text=text.strip(), kind=kind,
                   sectors=sectors, actors=actors, reviewed=reviewed)


def _tag_list(doc, raw, key, where, problems, resolve) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(doc.problem(f"{key} must be a list", *where, key,
                                    hint=f"{key}: [a, b] or {key}: []"))
        return ()
    out: list[str] = []
    for j, item in enumerate(value):
        if not isinstance(item, str):
            problems.append(doc.problem(f"{key} entries must be text, got {item!r}", *where, key, j))
            continue
        try:
            resolved = resolve(item)
        except UnknownIdError as exc:
            problems.append(doc.problem(str(exc.message), *where, key, j, hint=exc.hint))
            continue
        if resolved not in out:
            out.append(resolved)
    return tuple(out)


def _did_you_mean(value: str, choices) -> str | None:
    found = closest(value, list(choices), limit=1)
    return f"did you mean {found[0]!r}?" if found else None


def require_clean(result: LoadResult, strict: bool) -> None:
    """Under --strict, any problem (warnings included) stops the command."""
    if strict and result.problems:
        first = result.problems[0]
        more = len(result.problems) - 1
        raise CorpusError(
            str(first) + (f" (and {more} more)" if more else ""),
            hint="run 'brief validate' for the full list, or drop --strict to skip broken articles")


# writing -----------------------------------------------------------------------------------

def article_to_yaml(article: Article) -> str:
    """Render an article in the corpus file format (loads back to an equal Article)."""
    import yaml
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    # The node tree is built here rather than by PyYAML's generic representer (which was
    # most of the time of writing an article); the nodes, hence the bytes, are the ones it
    # made: block mappings and lists, tags in flow lists, '|' for text with line breaks.
    def text(value: str) -> ScalarNode:
        return ScalarNode(_STR, value, style="|" if "\n" in value else None)

    def flow(values) -> SequenceNode:
        return SequenceNode(_SEQ, [text(v) for v in values], flow_style=True)

    def mapping(pairs) -> MappingNode:
        return MappingNode(_MAP, [(text(k), v) for k, v in pairs], flow_style=False)

    def day(value: date) -> ScalarNode:
        return ScalarNode(_TIMESTAMP, value.isoformat())

    fields = [("id", text(article.id)), ("title", text(article.title)),
              ("source", text(article.source))]
    if article.section:
        fields.append(("section", text(article.section)))
    fields.append(("authors", flow(article.authors)))
    if article.author_note:
        fields.append(("author_note", text(article.author_note)))
    fields.append(("published", day(article.published)))
    if article.url:
        fields.append(("url", text(article.url)))
    if article.fetched:
        fields.append(("fetched", day(article.fetched)))
    fields.append(("language", text(article.language)))
    fields.append(("passages", SequenceNode(_SEQ, [
        mapping([("id", text(p.id)), ("text", text(p.text)), ("kind", text(p.kind)),
                 ("sectors", flow(p.sectors)), ("actors", flow(p.actors)),
                 ("reviewed", ScalarNode(_BOOL, "true" if p.reviewed else "false"))])
        for p in article.passages], flow_style=False)))
    return yaml.serialize(mapping(fields), Dumper=_dumper(), allow_unicode=True, width=100)


_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_DUMPER = None


def _dumper():
    """A safe dumper (PyYAML's C emitter when present: about 11x faster) with our styles."""
    global _DUMPER
    if _DUMPER is None:
        import yaml

        base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        resolved: dict = {}
        # A scalar whose first character starts no implicit type (null, bool, int, float,
        # timestamp...) is text: most passages. (What PyYAML's resolver finds, without it.)
        first_chars = frozenset(k for k in base.yaml_implicit_resolvers if k)
        plain = (not base.yaml_path_resolvers and None not in base.yaml_implicit_resolvers)

        class Dumper(base):  # type: ignore[misc, valid-type]
            def resolve(self, kind, value, implicit):
                if kind is yaml.ScalarNode and plain and (
                        not implicit[0] or (value and value[0] not in first_chars)):
                    return self.DEFAULT_SCALAR_TAG
                # Whether a plain scalar would read back as itself is asked twice for every
                # value; the short ones (keys, kinds, tags) repeat in every passage.
                if kind is not yaml.ScalarNode or len(value) > 100:
                    return base.resolve(self, kind, value, implicit)
                key = (value, implicit)
                tag = resolved.get(key)
                if tag is None:
                    tag = base.resolve(self, kind, value, implicit)
                    if len(resolved) < 50_000:
                        resolved[key] = tag
                return tag

        def text(dumper, value: str):
            style = "|" if "\n" in value else None
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

        Dumper.add_representer(str, text)
        Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence(
            "tag:yaml.org,2002:seq", list(v), flow_style=True))
        _DUMPER = Dumper
    return _DUMPER


class _Flow(tuple):
    """A list written in flow style: ``[energy, trade]``."""


# looking things up -------------------------------------------------------------------------

def find(corpus: Corpus, value: str) -> tuple[Article, Passage | None]:
    """An article id, or a passage id (``article-id#p07``); UnknownIdError with suggestions."""
    value = value.strip()
    article_id, sep, local = value.partition("#")
    article = corpus.article(article_id)
    if article is None:
        raise UnknownIdError("article" if not sep else "passage", value,
                             closest(article_id, corpus.article_ids))
    if not sep:
        return article, None
    passage = article.passage(local)
    if passage is None:
        raise UnknownIdError("passage", value,
                             [p.uid for p in article.passages if p.id in
                              closest(local, [q.id for q in article.passages])])
    return article, passage


def find_articles(corpus: Corpus, values: Sequence[str]) -> list[Article]:
    """The articles named by ``--article`` values, in the order given, each once.

    UnknownIdError (with suggestions) for an id that names nothing; UsageError for a passage id.
    """
    from brief_cli.errors import UsageError

    chosen: list[Article] = []
    for value in values:
        article, passage = find(corpus, value)
        if passage is not None:
            raise UsageError(f"--article takes an article id, not a passage id: {value!r}",
                             hint=f"use --article {article.id}")
        if article not in chosen:
            chosen.append(article)
    return chosen
