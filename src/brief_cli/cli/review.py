"""Reviewing machine tags: ``set`` (one passage, scriptable) and ``review`` (the terminal app)."""

from __future__ import annotations

from typing import List, Optional

import typer

from brief_cli.cli.app import (
    ActorOpt, Annotated, ArticleOpt, CorpusOpt, FormatOpt, KindOpt, LanguageOpt, SectorOpt,
    SinceOpt, StrictOpt, TaxonomyOpt, UntilOpt, app, build_filters, complete_ids, load,
)
from brief_cli.render.formats import OutputFormat


def _refuse_bundled(corpus) -> None:
    import os

    from brief_cli.config import ENV_CORPUS
    from brief_cli.errors import UsageError

    if corpus is None and not os.environ.get(ENV_CORPUS):
        raise UsageError("reviewing writes to corpus files and leaves the bundled corpus alone",
                         hint=f"copy it and point --corpus or {ENV_CORPUS} at the copy")


@app.command(name="set")
def set_tags(
    passage: Annotated[str, typer.Argument(
        metavar="PASSAGE_ID", autocompletion=complete_ids, show_default=False,
        help="The passage to change, as article-id#p07.")],
    kind: Annotated[Optional[str], typer.Option(
        "--kind", "-k", metavar="KIND",
        help="Set the kind: challenge, opportunity or context.")] = None,
    sector: Annotated[Optional[List[str]], typer.Option(
        "--sector", "-s", metavar="±ID",
        help="+ID adds a sector, -ID removes one, =A,B sets the list (= alone empties it); "
             "repeatable.")] = None,
    actor: Annotated[Optional[List[str]], typer.Option(
        "--actor", "-a", metavar="±NAME",
        help="+NAME adds an actor (id, name or alias), -NAME removes one, =A,B sets the "
             "list; repeatable.")] = None,
    reviewed: Annotated[Optional[bool], typer.Option(
        "--reviewed/--unreviewed",
        help="Mark the passage reviewed (a person's tags) or back to machine tags "
             "\\[default: reviewed when a tag is set].")] = None,
    corpus: CorpusOpt = None,
    taxonomy: TaxonomyOpt = None,
    strict: StrictOpt = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Change one passage's kind, sectors, actors or reviewed mark in its article file.

    Only those fields of that passage change: the rest of the file stays byte for byte as it
    was, and the file is replaced atomically. Setting a tag marks the passage reviewed unless
    --unreviewed is given. With no change asked for, shows the passage's tags. Exit 2 for an
    unknown id (with the closest ones) or when the passage changed on disk meanwhile.

    Examples:

        brief set kazakhstan-bri-partner#p04

        brief set kazakhstan-bri-partner#p04 -k challenge --corpus my-briefs/

        brief set kazakhstan-bri-partner#p02 -s -trade -a +EU --corpus my-briefs/

        brief set kazakhstan-bri-partner#p03 --unreviewed --corpus my-briefs/
    """
    from brief_cli.passage_edit import Tagging, set_passage
    from brief_cli.render.review import render_set

    corp, tax, _ = load(corpus, taxonomy, strict)
    if kind is None and not sector and not actor and reviewed is None:
        from brief_cli.corpus import find
        from brief_cli.passage_edit import EditResult

        article, found = find(corp, passage)
        if found is None:
            from brief_cli.errors import UsageError

            raise UsageError(f"'brief set' takes a passage id, not an article id: {passage!r}",
                             hint=f"for example {article.passages[0].uid}")
        seen = Tagging.of(found)
        render_set(EditResult(article.path, found.uid, seen, seen, ()), tax, fmt, show_only=True)
        return
    _refuse_bundled(corpus)
    result = set_passage(corp, tax, passage, kind=kind, sector_ops=tuple(sector or ()),
                         actor_ops=tuple(actor or ()), reviewed=reviewed)
    render_set(result, tax, fmt)
    if result.changed and corp.root is not None:
        _refresh_index(corp.root, tax)


def _refresh_index(root, tax) -> None:
    """The search index learns the change now (only that file is read again), so the next
    command does not pay for it; the edit itself is done, so a problem here is a warning."""
    import sqlite3

    from brief_cli.errors import BriefError
    from brief_cli.index import refresh_if_built

    try:
        refresh_if_built(root, tax.path, lambda: tax)
    except (BriefError, OSError, sqlite3.Error) as exc:
        from brief_cli.render.common import warn

        warn(f"the search index was not updated ({exc}); the next command will update it")


@app.command()
def review(
    words: Annotated[Optional[List[str]], typer.Argument(
        metavar="[WORDS]...", show_default=False,
        help="Only passages matching these words (the search syntax: phrases, -not, "
             "sector:energy ...).")] = None,
    order: Annotated[str, typer.Option(
        "--order", metavar="uncertain|corpus",
        help="uncertain: the passages the tagger is least sure about first (ordered in the "
             "background, the first one shows at once); corpus: reading order.")] = "uncertain",
    include_reviewed: Annotated[bool, typer.Option(
        "--all", help="Also revisit passages already reviewed.")] = False,
    list_only: Annotated[bool, typer.Option(
        "--list", "-l", help="Print the queue (in review order, with how unsure the tagger is) "
                             "instead of opening the app; also what happens when the output is "
                             "not a terminal.")] = False,
    sector: SectorOpt = None,
    kind: KindOpt = None,
    actor: ActorOpt = None,
    article: ArticleOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    language: LanguageOpt = None,
    corpus: CorpusOpt = None,
    taxonomy: TaxonomyOpt = None,
    strict: StrictOpt = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Review machine tags in a full-screen terminal app: read each passage with its article
    and neighbours, see the suggested kind, sectors and actors and why, and accept or correct
    them with single keys (press ? in the app for the keys).

    Each decision is written to the article file when you move on (only that passage's tag
    fields, with reviewed: true; atomically), so quitting or a crash loses nothing decided.
    Needs the review extra: pip install 'brief-cli\\[review]'. With --list (or when the output
    is not a terminal) prints the queue instead. Exit 1 when no passage is left to review.

    Examples:

        brief review --corpus my-briefs/

        brief review --sector energy --order corpus --corpus my-briefs/

        brief review "pipeline" --all --list --corpus my-briefs/
    """
    import sys

    from brief_cli.errors import UsageError
    from brief_cli.tui import require_textual

    if order not in ("uncertain", "corpus"):
        raise UsageError(f"--order takes uncertain or corpus, not {order!r}")
    filters = build_filters(sector, kind, actor, article, since, until, language)
    if list_only or not (sys.stdin.isatty() and sys.stdout.isatty()):
        from brief_cli.render.review import render_queue
        from brief_cli.review import rank_by_uncertainty

        session = open_review(words, include_reviewed, filters, corpus, taxonomy, strict)
        scores = rank_by_uncertainty(session, session.items)
        if order == "uncertain":
            session.position = -1
            session.order_rest(scores)
        render_queue(session.hits(session.items), scores, fmt)
        return
    require_textual()
    _refuse_bundled(corpus)
    app_ = prepare_review(words, order, include_reviewed, filters, corpus, taxonomy, strict)
    app_.run()
    s = app_.session
    from brief_cli.render.common import note

    note(f"{s.done} passage{'s' * (s.done != 1)} reviewed in this session; "
         f"decisions are saved in the article files")


def prepare_review(words, order, include_reviewed, filters, corpus, taxonomy, strict):
    """The app, ready to run (tests drive it with Textual's pilot)."""
    from brief_cli.tui.review_app import ReviewApp

    session = open_review(words, include_reviewed, filters, corpus, taxonomy, strict)
    return ReviewApp(session, order=order)


def open_review(words, include_reviewed, filters, corpus, taxonomy, strict):
    from brief_cli.cli.search import _open
    from brief_cli.config import resolve_corpus_dir
    from brief_cli.review import open_session

    index, filter_taxonomy = _open(corpus, taxonomy, strict)
    loaded = {}

    def get_taxonomy():
        if "t" not in loaded:
            from brief_cli.cli.app import open_taxonomy

            loaded["t"] = open_taxonomy(taxonomy)
        return loaded["t"]

    return open_session(resolve_corpus_dir(corpus), index, get_taxonomy, filter_taxonomy,
                        " ".join(words or ()), filters, include_reviewed=include_reviewed)
