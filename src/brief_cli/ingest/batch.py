"""The batch runner: each input read, parsed, tagged and written as a corpus file, ids kept
unique, one bad input never stopping the batch. Nothing here prints; files are written
through ``fileio.atomic_write_text``."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable

from brief_cli.errors import FileProblem, UsageError
from brief_cli.ingest.html import parse_html
from brief_cli.ingest.ids import format_id, short_slug, title_from_name, title_from_text
from brief_cli.ingest.metadata import Metadata, MetaTable
from brief_cli.ingest.model import Draft, InputSource, Options, Outcome, Prepared
from brief_cli.ingest.plain import parse_text
from brief_cli.ingest.reading import looks_like_html, plain_markdown, read_source
from brief_cli.lang import has_han
from brief_cli.model import Article, Passage
from brief_cli.taxonomy import Taxonomy
from brief_cli.yamlio import MAX_FILE_BYTES


def parse_input(name: str, text: str, keep: frozenset[str] = frozenset()) -> Draft:
    """The draft of one decoded input, by its kind: HTML, Markdown or plain text."""
    if looks_like_html(name, text):
        return parse_html(text, keep=keep)
    if name.lower().endswith((".md", ".markdown")):
        return parse_text(plain_markdown(text), keep=keep)
    return parse_text(text, keep=keep)


def prepare(source: InputSource, options: Options, *, meta: Metadata | None = None,
            today: date | None = None) -> Prepared:
    """Read, clean and parse one input into an untagged Article.

    Metadata comes from the command line first, then the input's row of a --meta table
    (``meta``), then the text itself; what was found nowhere is said in the notes."""
    decoded = read_source(source)
    if source.content_type in ("text/html", "application/xhtml+xml"):
        draft = parse_html(decoded.text, keep=options.keep)
    elif source.content_type in ("text/plain", "text/markdown") and source.url:
        draft = parse_input(source.name + ".txt", decoded.text, options.keep)
    else:
        draft = parse_input(source.name, decoded.text, options.keep)
    if not draft.paragraphs:
        raise FileProblem("no article text found"
                          + (f" (cleaning removed {len(draft.dropped)} lines of page furniture; "
                             "see --dry-run)" if draft.dropped else ""))
    meta = meta or Metadata()
    notes: list[str] = []
    if decoded.detected:
        notes.append(f"read as {decoded.label}")
    title = options.title or meta.title or draft.title
    if not title:
        title = title_from_name(source.name) if source.path else title_from_text(draft.paragraphs)
        notes.append("no title found: used the " + ("file name" if source.path else "first words")
                     + " (set one with --title)")
    published = options.published or meta.published or draft.published
    if published is None:
        if options.batch and not options.allow_undated:
            raise FileProblem("no date found in the text" + (" or its metadata row" if meta.where
                                                             else ""),
                              hint="give --date, a date column with --meta, or --allow-undated")
        if source.path is not None:
            published = datetime.fromtimestamp(source.path.stat().st_mtime).date()
            notes.append(f"no date found: used the file's date {published}, which is not a "
                         "publication date (set one with --date)")
        else:
            published = today or date.today()
            notes.append(f"no date found: used today {published}, which is not a publication "
                         "date (set one with --date)")
    source_name = options.source or meta.source or draft.source
    if not source_name:
        source_name = "Unknown"
        notes.append("no source found (set one with --source)")
    authors = options.authors or meta.authors or draft.authors
    slug = short_slug(title)
    if draft.language == "zh" and has_han(title):
        from brief_cli.ingest.chinese import slug_of

        slug = slug_of(title)  # pinyin: an id anyone can type
    if options.article_id or meta.article_id:
        article_id = options.article_id or meta.article_id
    elif options.id_format:
        article_id = format_id(options.id_format, title=title, source=source_name,
                               published=published, authors=authors,
                               file_name=source.name if source.path else None, slug=slug)
    else:
        article_id = slug
    passages = tuple(
        Passage(id=f"p{i + 1:02d}", article_id=article_id, index=i, text=text, kind="context")
        for i, text in enumerate(draft.paragraphs))
    article = Article(
        id=article_id, title=title, source=source_name, published=published,
        language=options.language or meta.language or draft.language or "en",
        passages=passages, authors=authors, section=options.section or meta.section
        or draft.section, author_note=draft.author_note,
        url=options.url or source.url or meta.url or draft.url, fetched=source.fetched)
    return Prepared(source, article, draft, decoded.label, tuple(notes))


def with_tags(article: Article, tagger) -> Article:
    """The article with every passage tagged by ``tagger`` (reviewed: false)."""
    tags = tagger.tag_passages([p.text for p in article.passages])
    passages = tuple(
        replace(p, kind=t.kind, sectors=tuple(t.sectors), actors=tuple(t.actors), reviewed=False)
        for p, t in zip(article.passages, tags))
    return replace(article, passages=passages)


def loadable_tags(article: Article, taxonomy: Taxonomy) -> tuple[Article, list[str]]:
    """Keep only tags that the corpus loader reads back as themselves.

    A tag id that the taxonomy resolves to another entry (an actor id that is also another
    actor's alias or code) would load as something else; it is left out and reported.
    """
    left_out: list[str] = []
    passages = []
    for p in article.passages:
        sectors = tuple(dict.fromkeys(s for s in p.sectors if taxonomy.sector(s) is not None))
        actors = []
        for actor in dict.fromkeys(p.actors):
            resolved = taxonomy.resolve_actor(actor)
            if resolved == actor:
                actors.append(actor)
            else:
                left_out.append(
                    f"{p.id}: actor {actor!r} (the taxonomy reads it as {resolved!r})"
                    if resolved else f"{p.id}: unknown actor {actor!r}")
        left_out.extend(f"{p.id}: unknown sector {s!r}" for s in p.sectors if s not in sectors)
        passages.append(replace(p, sectors=sectors, actors=tuple(actors)))
    return replace(article, passages=tuple(passages)), left_out


def with_id(article: Article, article_id: str) -> Article:
    return replace(article, id=article_id,
                   passages=tuple(replace(p, article_id=article_id) for p in article.passages))


def load_tagger(taxonomy: Taxonomy):
    """The auto-tagger for this taxonomy (compiled once for a whole batch)."""
    from brief_cli.tagging import Tagger

    return Tagger(taxonomy)


class Ingester:
    """Turns inputs into corpus files in one folder, keeping ids unique across a batch.

    One bad input never stops the batch: each gives an Outcome (ingested, skipped, failed).
    """

    def __init__(self, out_dir: Path | None, taxonomy: Taxonomy, options: Options, tagger=None,
                 *, meta: MetaTable | None = None):
        self.out_dir = out_dir
        self.taxonomy = taxonomy
        self.options = options
        self.tagger = tagger
        self.meta = meta
        self.taken: dict[str, Path] = {}  # article id -> its file, from the file names
        self.written: dict[str, Article] = {}  # in this batch
        self._titles: dict[str, list[str]] | None = None  # title -> ids in the corpus
        if out_dir is not None and out_dir.is_dir():
            from brief_cli.corpus import corpus_files

            self.taken = {p.stem: p for p in corpus_files(out_dir)}

    def run(self, sources: Iterable[InputSource],
            progress: Callable[[InputSource], None] | None = None) -> list[Outcome]:
        outcomes = []
        for source in sources:
            outcomes.append(self.one(source))
            if progress is not None:
                progress(source)
        return outcomes

    def one(self, source: InputSource) -> Outcome:
        from brief_cli.errors import BriefError

        try:
            if source.url is not None and source.data is None:
                from brief_cli.ingest.fetch import fetch

                source = fetch(source, timeout=self.options.timeout)
            row = None
            if self.meta is not None and source.path is not None:
                row = self.meta.lookup(source.name)
            prepared = prepare(source, self.options, meta=row)
            if self.meta is not None and row is None:
                prepared = replace(prepared, notes=(
                    f"no row in {self.meta.path.name}", *prepared.notes))
            return self._place(prepared)
        except BriefError as exc:
            return Outcome(source.name, "failed", reason=str(exc))
        except Exception as exc:  # one odd file must not stop a batch of thousands
            return Outcome(source.name, "failed",
                           reason=f"unexpected error ({type(exc).__name__}: {exc}); "
                                  "please report it with the file")

    def _same_in_corpus(self, article: Article) -> Article | None:
        """The article of the corpus with the same title and text, whatever its id."""
        from brief_cli.corpus import load_article_file

        if self._titles is None:
            self._titles = {}
            for article_id, path in self.taken.items():
                title = _title_of(path)
                if title is not None:
                    self._titles.setdefault(title, []).append(article_id)
        for article_id in self._titles.get(article.title, ()):
            if article_id in self.written:
                continue
            existing, _ = load_article_file(self.taken[article_id], self.taxonomy)
            if existing is not None and _same_text(existing, article):
                return existing
        return None

    def _place(self, prepared: Prepared) -> Outcome:
        from brief_cli.corpus import article_to_yaml, load_article_file, load_article_text

        article = prepared.article
        if self.tagger is not None:
            article, left_out = loadable_tags(with_tags(article, self.tagger), self.taxonomy)
            # The preview (dry run, skipped inputs) shows the tags a real ingest writes.
            prepared = replace(prepared, article=article)
            if left_out:
                prepared = replace(prepared, notes=prepared.notes + (
                    "left out tags: " + ", ".join(left_out),))
        base = article.id
        article_id = base
        replace_existing = False
        if (self.out_dir is not None and not self.options.force
                and not self.options.article_id):
            existing = self._same_in_corpus(article)
            if existing is not None:
                return Outcome(prepared.source.name, "skipped", existing.id,
                               len(article.passages), existing.path,
                               f"already in the corpus as {existing.id}",
                               prepared=replace(prepared, article=with_id(article, existing.id)))
        n = 1
        while article_id in self.taken or article_id in self.written:
            if article_id in self.written and _same_text(self.written[article_id], article):
                return Outcome(prepared.source.name, "skipped", article_id, len(article.passages),
                               None, "same article as an earlier input", prepared=prepared)
            if article_id not in self.written and self.out_dir is not None:
                existing, _ = load_article_file(self.taken[article_id], self.taxonomy)
                if existing is not None and _same_text(existing, article):
                    if not self.options.force:
                        return Outcome(prepared.source.name, "skipped", article_id,
                                       len(article.passages), existing.path,
                                       f"already in the corpus as {article_id}",
                                       prepared=prepared)
                    replace_existing = True
                    break
                if self.options.force:
                    replace_existing = True
                    break
            if self.options.article_id:
                raise FileProblem(f"article id {article_id!r} is already taken",
                                  hint="use --force to replace it, or choose another --id")
            n += 1
            article_id = f"{base}-{n}"
        article = with_id(article, article_id)
        prepared = replace(prepared, article=article)
        text = article_to_yaml(article)
        size = len(text.encode("utf-8"))
        if size > MAX_FILE_BYTES:  # the loader would skip the file: never write it
            raise FileProblem(f"the article file would be {size:,} bytes, above the "
                              f"{MAX_FILE_BYTES:,}-byte limit of a corpus file",
                              hint="split the input into smaller files")
        loaded, problems = load_article_text(text, self.taxonomy)
        if loaded is None or loaded != article:
            raise FileProblem("the article would not load back as written: "
                              + (str(problems[0]) if problems else "it differs when read back"))
        self.written[article_id] = article
        path = self.out_dir / f"{article_id}.yaml" if self.out_dir is not None else None
        if replace_existing and article_id in self.taken:
            path = self.taken[article_id]  # replace it where it is, even in a subfolder
        note = "; ".join(prepared.notes)
        if replace_existing:
            note = "; ".join(filter(None, ["replaced the article with this id", note]))
        if self.options.dry_run or path is None:
            return Outcome(prepared.source.name, "dry run", article_id, len(article.passages),
                           path, note, prepared=prepared)
        from brief_cli.fileio import atomic_write_text

        atomic_write_text(path, text, force=replace_existing, what="article file")
        self.taken[article_id] = path
        return Outcome(prepared.source.name, "ingested", article_id, len(article.passages),
                       path, note, prepared=prepared)


def _same_text(a: Article, b: Article) -> bool:
    return a.title == b.title and [p.text for p in a.passages] == [p.text for p in b.passages]


def _title_of(path: Path) -> str | None:
    """The title of a corpus file, read from its head only (the title comes before the
    passages): finding an article already in the corpus must not load the whole corpus."""
    import yaml

    try:
        with path.open("rb") as stream:
            head = stream.read(8192).decode("utf-8", "replace")
    except OSError:
        return None
    end = head.find("\npassages:")
    if end < 0:
        return None
    try:
        data = yaml.safe_load(head[:end])
    except yaml.YAMLError:
        return None
    title = data.get("title") if isinstance(data, dict) else None
    return title if isinstance(title, str) else None


def target_folder(out_dir: Path | None, corpus: Path | None, *, dry_run: bool = False
                  ) -> Path | None:
    """Where ingest writes: --out (created if missing), else the corpus folder chosen with
    --corpus or BRIEF_CORPUS. The bundled corpus belongs to the installed package and is never
    a default target."""
    import os

    from brief_cli.config import ENV_CORPUS, resolve_corpus_dir

    if out_dir is not None:
        out_dir = Path(out_dir).expanduser()
        if out_dir.exists() and not out_dir.is_dir():
            raise FileProblem(f"--out {str(out_dir)!r} is not a folder")
        if not dry_run:
            try:
                out_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise FileProblem(f"cannot create folder {str(out_dir)!r}: "
                                  f"{exc.strerror or exc}") from None
        return out_dir
    if corpus is not None or os.environ.get(ENV_CORPUS):
        return resolve_corpus_dir(corpus)
    if dry_run:
        return None  # nothing will be written, and there is nowhere it could go
    raise UsageError("ingest needs a folder to write to (the bundled corpus is read-only)",
                     hint=f"give --out DIR, or --corpus DIR, or set {ENV_CORPUS}")


def check_keep(values) -> frozenset[str]:
    """--keep values, checked against what cleaning can leave in."""
    from brief_cli.ingest.model import KEEPABLE

    for value in values:
        if value not in KEEPABLE:
            raise UsageError(f"--keep takes {', '.join(KEEPABLE)}; got {value!r}")
    return frozenset(values)


def check_language(value: str) -> str:
    """A --language code as given (lowercased), or UsageError."""
    import re

    code = value.strip().lower()
    if not re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*", code):
        raise UsageError(f"--language takes a language code like en, fr or zh, got {value!r}")
    return code


def check_date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--date takes a date like 2024-07-05, got {value!r}") from None
