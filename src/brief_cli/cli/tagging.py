"""Commands around the tagger: ``tag`` (and ``tag --explain``), ``retag`` and ``eval``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from brief_cli.cli.app import (
    Annotated, ArticleOpt, CorpusOpt, FormatOpt, StrictOpt, TaxonomyOpt, app, complete_ids, load,
    open_taxonomy,
)
from brief_cli.render.formats import OutputFormat


@app.command()
def tag(
    text: Annotated[Optional[str], typer.Argument(
        metavar="[TEXT|-]", show_default=False,
        help="Text to tag; - (or nothing, when input is piped) reads standard input.")] = None,
    lines: Annotated[bool, typer.Option(
        "--lines", "-l",
        help="Each input line is its own passage \\[default: paragraphs, split at blank "
             "lines].")] = False,
    explain: Annotated[Optional[str], typer.Option(
        "--explain", "-e", metavar="PASSAGE_ID", autocompletion=complete_ids,
        help="Show why a corpus passage gets its tags: the words that triggered each tag, "
             "their weights and scores, and the tags that fell under a threshold.")] = None,
    why: Annotated[bool, typer.Option(
        "--why", help="For TEXT: show the explanation of each passage instead of a table.")
    ] = False,
    learn: Annotated[bool, typer.Option(
        "--learn/--no-learn",
        help="With --corpus: correct the tagger with what the corpus's reviewed passages "
             "teach (when there are at least 20).")] = True,
    corpus: CorpusOpt = None,
    taxonomy: TaxonomyOpt = None,
    strict: StrictOpt = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Tag text with the taxonomy's kind, sectors and actors, without touching the corpus.

    Input is split into paragraphs at blank lines (or into lines with --lines) and tagged as
    one document, so "several challenges. First, ..." lists carry over between paragraphs.
    With --corpus DIR, text is tagged as that corpus's reviewers would tag it: when it has
    20 or more reviewed passages, a model learned from them corrects the sectors and kind
    (--no-learn: the plain tagger).

    Examples:

        brief tag "Pipeline dependency is a risk for Kazakhstan."

        pbpaste | brief tag --lines -f jsonl

        brief tag --explain kazakhstan-bri-partner#p04
    """
    from brief_cli.errors import UsageError
    from brief_cli.render import tagging as render
    from brief_cli.tagging import Tagger

    if explain is not None:
        if text is not None:
            raise UsageError("give either TEXT or --explain PASSAGE_ID, not both")
        from brief_cli.corpus import find

        corp, tax, _ = load(corpus, taxonomy, strict)
        article, passage = find(corp, explain)
        if passage is None:
            raise UsageError(f"--explain takes a passage id, not an article id: {explain!r}",
                             hint=f"for example {article.passages[0].uid}")
        tags = Tagger(tax).tag_passages([p.text for p in article.passages])
        render.render_explanations([(passage.text, tags[passage.index], passage)], tax, fmt)
        return

    passages = _read_passages(text, lines)
    tax = open_taxonomy(taxonomy)
    tagger = Tagger(tax)
    if corpus is not None and learn:
        if not corpus.is_dir():
            from brief_cli.errors import FileProblem

            raise FileProblem(f"{corpus}: no such corpus folder",
                              hint="give the folder of the corpus's article files")
        from brief_cli.learning import tagger_for_folder

        tagger = tagger_for_folder(corpus, tax, tagger)
    tags = tagger.tag_passages(passages)
    if why:
        render.render_explanations([(t, g, None) for t, g in zip(passages, tags)], tax, fmt)
    else:
        render.render_tags(passages, tags, fmt, actor_name=tax.actor_name)


def _read_passages(text: Optional[str], lines: bool) -> list[str]:
    import sys

    from brief_cli.errors import UsageError
    from brief_cli.text import strip_controls

    if text is None or text == "-":
        if text is None and sys.stdin.isatty():
            raise UsageError("nothing to tag",
                             hint="give TEXT, pipe text in, or use --explain PASSAGE_ID")
        raw = sys.stdin.read()
    else:
        raw = text
    raw = strip_controls(raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    if lines:
        passages = [" ".join(line.split()) for line in raw.split("\n")]
    else:
        import re

        passages = [" ".join(block.split()) for block in re.split(r"\n[ \t]*\n", raw)]
    passages = [p for p in passages if p]
    if not passages:
        raise UsageError("nothing to tag: the input is empty")
    return passages


@app.command()
def retag(
    article: ArticleOpt = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", "-n", help="Show what would change; write nothing.")] = False,
    learn: Annotated[bool, typer.Option(
        "--learn/--no-learn",
        help="Correct the tagger with what the corpus's reviewed passages teach (when there "
             "are at least 20).")] = True,
    corpus: CorpusOpt = None,
    taxonomy: TaxonomyOpt = None,
    strict: StrictOpt = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Re-run the tagger on machine-tagged passages (reviewed: false), e.g. after editing the
    taxonomy, and show what changed.

    Passages marked reviewed: true are never touched; an article with nothing to change is not
    rewritten. In a changed file only the changed tags are replaced (reviewed passages, comments
    and layout stay byte for byte), atomically, through a symlink to its target; a read-only
    file is skipped with a warning. Exit 0 when done, also when nothing needed to change; 2 on
    errors.

    With 20 or more reviewed passages in the corpus, the tagger's sectors and kind are corrected
    by a model learned from them (kept in the cache, rebuilt when a review changes); --no-learn
    uses the plain tagger.

    Examples:

        brief retag --dry-run --corpus my-briefs/

        brief retag --article kazakhstan-bri-partner --dry-run
    """
    import os

    from brief_cli import retag as core
    from brief_cli.config import ENV_CORPUS
    from brief_cli.errors import UsageError
    from brief_cli.render.common import note
    from brief_cli.render.tagging import render_retag

    corp, tax, _ = load(corpus, taxonomy, strict)
    from brief_cli.learning import tagger_for

    plan = core.plan_retag(corp, tagger_for(corp, tax, learn=learn), tuple(article or ()))
    if plan.skipped:
        from brief_cli.render.common import warn

        for path, reason in plan.skipped:
            warn(f"left {str(path)!r} alone: {reason}")
    articles = len({c.article for c in plan.changes})
    summary = (f"{len(plan.changes)} passage{'s' * (len(plan.changes) != 1)} in {articles} "
               f"article{'s' * (articles != 1)}; {plan.unreviewed} machine-tagged passage"
               f"{'s' * (plan.unreviewed != 1)} checked, {plan.reviewed} reviewed left alone")
    if not plan.changes:
        if plan.unreviewed:
            note(f"nothing to change: {plan.unreviewed} machine-tagged passage"
                 f"{'s' * (plan.unreviewed != 1)} already agree with the tagger, "
                 f"{plan.reviewed} reviewed left alone")
        else:
            note(f"nothing to change: no machine-tagged passages, {plan.reviewed} reviewed "
                 f"left alone")
        if fmt in (OutputFormat.json, OutputFormat.jsonl, OutputFormat.csv):
            render_retag(plan, fmt)
        return
    render_retag(plan, fmt)
    if dry_run:
        note(f"would retag {summary} (dry run: nothing written)")
        return
    if corpus is None and not os.environ.get(ENV_CORPUS):
        raise UsageError("retag rewrites corpus files and leaves the bundled corpus alone",
                         hint=f"copy it and point --corpus or {ENV_CORPUS} at the copy")
    written = core.apply(plan)
    note(f"retagged {summary}; {len(written)} file{'s' * (len(written) != 1)} written")


@app.command(name="eval")
def evaluate(
    article: ArticleOpt = None,
    gold: Annotated[Optional[Path], typer.Option(
        "--gold", "-g", metavar="FILE",
        help="Compare with externally coded texts instead: a CSV or YAML file with a text "
             "field and sectors and/or kind (see docs/tagging.md).")] = None,
    code_map: Annotated[Optional[Path], typer.Option(
        "--map", "-m", metavar="FILE",
        help="With --gold: map the file's codes to sector ids (CSV 'code,sector' rows or a "
             "YAML mapping; an empty value maps a code to no sector).")] = None,
    disagreements: Annotated[bool, typer.Option(
        "--disagreements", "-d", help="Also list the passages where the tagger differs.")
    ] = False,
    cross_validate: Annotated[Optional[int], typer.Option(
        "--cross-validate", metavar="K",
        help="Measure learning from reviews: K folds over the reviewed passages, each scored "
             "by a model learned from the others, beside the plain tagger.")] = None,
    by_article: Annotated[bool, typer.Option(
        "--by-article", help="With --cross-validate: keep each article's passages in one "
                             "fold (how learning does on articles it has seen nothing of).")
    ] = False,
    corpus: CorpusOpt = None,
    taxonomy: TaxonomyOpt = None,
    strict: StrictOpt = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Measure how well the tagger agrees with the reviewed tags of a corpus, or with texts
    coded elsewhere (--gold): kind accuracy, confusion table and Cohen's kappa, per-sector
    precision/recall/F1 with micro and macro F1, and actors F1.

    Only passages marked reviewed: true count. Use it after editing a taxonomy to see whether
    the tagging got better, or with --gold to validate the tagger on data you coded yourself.
    Exit 1 when there is nothing to compare; 2 on a bad gold or map file (with its row).

    Examples:

        brief eval

        brief eval --corpus my-briefs/ --taxonomy my-taxonomy.yaml -d

        brief eval -f json | jq .sectors.micro

        brief eval --gold coded.csv --map cap-to-sectors.yaml -f json

        brief eval --cross-validate 5 --corpus my-briefs/

        brief eval --cross-validate 5 --by-article --corpus my-briefs/
    """
    from brief_cli.render.tagging import render_eval
    from brief_cli.tagging import Tagger

    if gold is not None:
        from brief_cli.errors import UsageError
        from brief_cli.evaluation import evaluate_gold
        from brief_cli.gold import read_gold, read_map

        if article:
            raise UsageError("--article picks corpus articles; it does not apply to --gold")
        tax = open_taxonomy(taxonomy)
        mapping = read_map(code_map) if code_map is not None else None
        items = read_gold(gold, tax, mapping)
        if not items:
            from brief_cli.errors import NothingFound

            raise NothingFound(f"{gold}: no labelled texts to compare with",
                               hint="one row per text, with text and sectors and/or kind")
        report = evaluate_gold(items, Tagger(tax))
        render_eval(report, fmt, disagreements=disagreements, title="labelled")
        return
    if code_map is not None:
        from brief_cli.errors import UsageError

        raise UsageError("--map goes with --gold FILE")
    from brief_cli.corpus import find_articles
    from brief_cli.evaluation import evaluate as run

    corp, tax, _ = load(corpus, taxonomy, strict)
    if cross_validate is not None:
        from brief_cli.learning import cross_validate as run_cv
        from brief_cli.render.learning import render_cross_validation

        render_cross_validation(run_cv(corp, tax, cross_validate, by_article=by_article), fmt)
        return
    if by_article:
        from brief_cli.errors import UsageError

        raise UsageError("--by-article goes with --cross-validate K")
    chosen = find_articles(corp, article) if article else None
    report = run(corp, Tagger(tax), chosen)
    render_eval(report, fmt, disagreements=disagreements)


