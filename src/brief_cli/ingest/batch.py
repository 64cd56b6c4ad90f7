"""The batch runner: each input read, parsed, tagged and written as a corpus file, ids kept
unique, one bad input never stopping the batch. Nothing here prints; files are written
through ``fileio.atomic_write_text``."""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

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
    # (Passage built directly: dataclasses.replace costs several times more, per passage.)
    passages = tuple(
        Passage(id=p.id, article_id=p.article_id, index=p.index, text=p.text, kind=t.kind,
                sectors=tuple(t.sectors), actors=tuple(t.actors), reviewed=False)
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
        actors = tuple(actors)
        passages.append(p if sectors == p.sectors and actors == p.actors else replace(
            p, sectors=sectors, actors=actors))
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
    Reading, cleaning, tagging and rendering each file is work of its own, done in worker
    processes for a large batch (``Options.jobs``); ids, the check against the corpus and
    the writing stay in this process and go in input order, so a batch gives the same files
    and outcomes whatever the number of workers.
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
        self._pool = None  # worker processes, while ``workers`` is open
        self._pool_jobs = 1
        self._swept: set[Path] = set()  # folders cleared of stale temporary files
        self._writer = None  # threads writing files, during a batch
        self._write: tuple | None = None  # (future, article id) of the file just handed over
        if out_dir is not None and out_dir.is_dir():
            from brief_cli.corpus import corpus_files

            self.taken = {p.stem: p for p in corpus_files(out_dir)}

    def jobs_for(self, sources: Sequence[InputSource]) -> int:
        """How many worker processes a batch of ``sources`` is worth (1: none)."""
        files = sum(1 for s in sources if _in_worker(s))
        wanted = self.options.jobs or (available_cpus() if files >= _MIN_FILES_FOR_WORKERS
                                       else 1)
        return max(1, min(wanted, files))

    @contextmanager
    def workers(self, sources: Sequence[InputSource]) -> Iterator[int]:
        """Start the worker processes a batch is worth (before any thread of the caller's
        starts: they are forked where the platform allows); yields how many."""
        jobs = self.jobs_for(sources)
        if jobs <= 1 or self._pool is not None:
            yield self._pool_jobs if self._pool is not None else 1
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork shares the compiled tagger and dictionary with the workers at no cost; where
        # it is not the safe default, the workers are started afresh and build their own.
        fork = sys.platform.startswith("linux")
        context = multiprocessing.get_context("fork" if fork else "spawn")
        state = (self.options, self.taxonomy, self.tagger)
        global _WORKER_STATE
        _WORKER_STATE = state
        try:
            pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                                       initargs=(None if fork else state,))
        except (OSError, ValueError):  # no processes to be had: do the work here
            yield 1
            return
        import gc

        # What exists now (the tagger, the taxonomy, modules) lives as long as the batch:
        # set aside from the garbage collector, whose passes then neither walk it nor, in the
        # forked workers, copy the pages it sits on.
        gc.freeze()
        self._pool, self._pool_jobs = pool, jobs
        try:
            yield jobs
        finally:
            self._pool, self._pool_jobs = None, 1
            pool.shutdown(wait=True, cancel_futures=True)
            gc.unfreeze()

    def run(self, sources: Iterable[InputSource],
            progress: Callable[[InputSource], None] | None = None) -> list[Outcome]:
        sources = list(sources)
        with self.workers(sources):
            return self._run(sources, progress)

    def _run(self, sources: list[InputSource],
             progress: Callable[[InputSource], None] | None) -> list[Outcome]:
        from collections import deque

        outcomes: list[Outcome] = []
        pending: deque = deque()  # (source, row, future or None), in input order
        upcoming = iter(sources)
        window = 4 * self._pool_jobs  # work handed out ahead: keeps workers busy, memory low

        def hand_out() -> None:
            while len(pending) < window:
                source = next(upcoming, None)
                if source is None:
                    return
                row = self._row(source)  # in input order, as the table report lists them
                future = None
                if self._pool is not None and _in_worker(source) and not isinstance(row, Outcome):
                    try:
                        future = self._pool.submit(_work, source, row)
                    except Exception:  # a broken pool: the rest is done here
                        self._pool = None
                pending.append((source, row, future))

        writes: list[tuple[int, object, str]] = []  # (outcome index, future, article id)
        if len(sources) > 1 and not self.options.dry_run and self.out_dir is not None:
            from concurrent.futures import ThreadPoolExecutor

            # Each file is synced to disk before it is renamed into place; threads wait for
            # the disk while this process places the next article.
            self._writer = ThreadPoolExecutor(4, thread_name_prefix="brief-write")
        try:
            hand_out()
            while pending:
                source, row, future = pending.popleft()
                staged = None
                if future is not None:
                    try:
                        staged = future.result()
                    except Exception:  # a worker died or its result did not come back
                        from concurrent.futures.process import BrokenProcessPool

                        if isinstance(future.exception(), BrokenProcessPool):
                            self._pool = None  # this one and the rest are done here
                outcomes.append(self._one(source, row, staged))
                if self._write is not None:
                    writes.append((len(outcomes) - 1, *self._write))
                    self._write = None
                if progress is not None:
                    progress(source)
                hand_out()
        finally:
            if self._writer is not None:
                self._writer.shutdown(wait=True)
                self._writer = None
        for index, write, article_id in writes:
            exc = write.exception()  # type: ignore[attr-defined]
            if exc is not None:  # not written: the input failed, as if written in turn
                self.taken.pop(article_id, None)
                outcomes[index] = _failed(sources[index], exc)
        return outcomes

    def one(self, source: InputSource) -> Outcome:
        """Ingest one input (in this process)."""
        return self._one(source, self._row(source), None)

    def _row(self, source: InputSource) -> Metadata | None | Outcome:
        """The input's row of the --meta table, None, or a failed Outcome (a bad row)."""
        if self.meta is None or source.path is None:
            return None
        try:
            return self.meta.lookup(source.name)
        except Exception as exc:
            return _failed(source, exc)

    def _one(self, source: InputSource, row, staged) -> Outcome:
        from brief_cli.errors import BriefError

        if isinstance(row, Outcome):
            return row
        if staged is None:
            staged = stage(source, row, self.options, self.taxonomy, self.tagger)
        if isinstance(staged, Outcome):
            return staged
        try:
            if self.meta is not None and row is None and source.path is not None:
                staged = replace(staged, prepared=replace(staged.prepared, notes=(
                    f"no row in {self.meta.path.name}", *staged.prepared.notes)))
            return self._place(staged)
        except BriefError as exc:
            return Outcome(source.name, "failed", reason=str(exc))
        except Exception as exc:  # one odd file must not stop a batch of thousands
            return _failed(source, exc)

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

    def _place(self, staged: Staged) -> Outcome:
        from brief_cli.corpus import load_article_file

        prepared = staged.prepared
        article = prepared.article
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
        if article_id != base:
            article = with_id(article, article_id)
            prepared = replace(prepared, article=article)
            staged = Staged(prepared, *render_checked(article, self.taxonomy))
        if staged.problem is not None:
            message, hint = staged.problem
            raise FileProblem(message, hint=hint)
        text = staged.text
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

        write = partial(atomic_write_text, path, text, force=replace_existing,
                        what="article file", clean=path.parent not in self._swept)
        if self._writer is not None:
            self._write = (self._writer.submit(write), article_id)
        else:
            write()
        self._swept.add(path.parent)
        self.taken[article_id] = path
        return Outcome(prepared.source.name, "ingested", article_id, len(article.passages),
                       path, note, prepared=prepared)


# The work on one input that needs nothing of the batch: done in a worker process or here ------

_MIN_FILES_FOR_WORKERS = 8  # below this, starting workers costs more than it saves
_WORKER_STATE: tuple | None = None  # (options, taxonomy, tagger) in a worker process


def available_cpus() -> int:
    """The CPUs this process may run on (an affinity mask or a container's set counts)."""
    import os

    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _in_worker(source: InputSource) -> bool:
    """Files go to workers; stdin and web pages are read here."""
    return source.path is not None and source.url is None


def _start_worker(state: tuple | None) -> None:
    import signal

    global _WORKER_STATE
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if state is not None:  # started afresh, not forked
        options, taxonomy, tagger = state
        _WORKER_STATE = (options, taxonomy, tagger)


def _work(source: InputSource, row: Metadata | None) -> Staged | Outcome:
    options, taxonomy, tagger = _WORKER_STATE  # type: ignore[misc]
    return stage(source, row, options, taxonomy, tagger)


@dataclass(frozen=True)
class Staged:
    """An input prepared, tagged and rendered, ready to be placed in the corpus.

    ``text`` is the YAML of ``prepared.article`` that the corpus loader read back as that
    article; ``problem`` (message, hint) says why it cannot be written instead."""

    prepared: Prepared
    text: str | None
    problem: tuple[str, str | None] | None


def stage(source: InputSource, row: Metadata | None, options: Options, taxonomy: Taxonomy,
          tagger=None) -> Staged | Outcome:
    """Read, clean, parse, tag and render one input; a failed Outcome when it cannot be."""
    from brief_cli.errors import BriefError

    try:
        if source.url is not None and source.data is None:
            from brief_cli.ingest.fetch import fetch

            source = fetch(source, timeout=options.timeout)
        prepared = prepare(source, options, meta=row)
        article = prepared.article
        if tagger is not None:
            article, left_out = loadable_tags(with_tags(article, tagger), taxonomy)
            # The preview (dry run, skipped inputs) shows the tags a real ingest writes.
            prepared = replace(prepared, article=article)
            if left_out:
                prepared = replace(prepared, notes=prepared.notes + (
                    "left out tags: " + ", ".join(left_out),))
        return Staged(prepared, *render_checked(article, taxonomy))
    except BriefError as exc:
        return Outcome(source.name, "failed", reason=str(exc))
    except Exception as exc:  # one odd file must not stop a batch of thousands
        return _failed(source, exc)


def render_checked(article: Article, taxonomy: Taxonomy, *, parse: bool = False
                   ) -> tuple[str | None, tuple[str, str | None] | None]:
    """The article's YAML, once the corpus loader has read it back as the same article;
    or None and why it cannot be written.

    The loader reads what the YAML holds: for an article written as it is (``_as_is``: no
    character that YAML escapes, folds or reads back as another), that is the article's own
    fields, so the loader's checks run on those instead of a parse of the text (a tenth of the
    work of an ingest). Any other article, and any that the loader would not read back as
    itself, is parsed (``parse`` forces it), so a refusal says what the parse found."""
    from brief_cli.corpus import article_to_yaml, load_article_text

    text = article_to_yaml(article)
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:  # the loader would skip the file: never write it
        return None, (f"the article file would be {size:,} bytes, above the "
                      f"{MAX_FILE_BYTES:,}-byte limit of a corpus file",
                      "split the input into smaller files")
    if not parse and _as_is(article) and _loads_as_itself(article, taxonomy):
        return text, None
    loaded, problems = load_article_text(text, taxonomy)
    if loaded is None or loaded != article:
        return None, ("the article would not load back as written: "
                      + (str(problems[0]) if problems else "it differs when read back"), None)
    return text, None


# What YAML writes as it is and reads back unchanged: line feeds and the printable characters,
# without those that its parser takes for line breaks (U+0085, U+2028, U+2029) or for a byte
# order mark (U+FEFF), and without characters outside the Basic Multilingual Plane.
_NOT_AS_IS = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe"
                        "\uff00-\ufffd]")
_ASCII_NOT_AS_IS = re.compile("[^\n\x20-\x7e]")


def _as_is(article: Article) -> bool:
    """Whether every text of the article is made of characters YAML writes as they are."""
    parts = [article.id, article.title, article.source, article.section or "",
             article.author_note or "", article.url or "", article.language, *article.authors]
    for p in article.passages:
        parts += (p.id, p.text, p.kind, *p.sectors, *p.actors)
    if not all(type(part) is str for part in parts):
        return False
    joined = "\n".join(parts)
    pattern = _ASCII_NOT_AS_IS if joined.isascii() else _NOT_AS_IS
    return pattern.search(joined) is None


def _loads_as_itself(article: Article, taxonomy: Taxonomy) -> bool:
    """Whether the corpus loader makes ``article`` of the values its YAML holds (the data
    ``yamlio.parse`` gives for it: dates as text, ``reviewed`` as a boolean)."""
    from brief_cli.corpus import article_from_document
    from brief_cli.yamlio import Document

    data: dict = {"id": article.id, "title": article.title, "source": article.source}
    if article.section:
        data["section"] = article.section
    data["authors"] = list(article.authors)
    if article.author_note:
        data["author_note"] = article.author_note
    data["published"] = article.published.isoformat()
    if article.url:
        data["url"] = article.url
    if article.fetched:
        data["fetched"] = article.fetched.isoformat()
    data["language"] = article.language
    data["passages"] = [{"id": p.id, "text": p.text, "kind": p.kind, "sectors": list(p.sectors),
                         "actors": list(p.actors), "reviewed": bool(p.reviewed)}
                        for p in article.passages]
    loaded, _ = article_from_document(Document(None, data, None), taxonomy)
    return loaded is not None and loaded == article


def _failed(source: InputSource, exc: Exception) -> Outcome:
    from brief_cli.errors import BriefError

    if isinstance(exc, BriefError):
        return Outcome(source.name, "failed", reason=str(exc))
    return Outcome(source.name, "failed",
                   reason=f"unexpected error ({type(exc).__name__}: {exc}); "
                          "please report it with the file")


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
