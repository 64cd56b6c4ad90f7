"""Learning from reviews: a per-corpus model that corrects the lexicon tagger where reviewers did.

The model (``brief_cli.learning.fitting``) is trained on the reviewed passages of a corpus and
kept as JSON in the cache folder, keyed by the reviews themselves (ids, texts, tags), the
taxonomy and the model's settings: a new or changed review rebuilds it, nothing else does.
``LearnedTagger`` has the tagger's interface, so ``retag``, ``tag --corpus``, ``ingest`` into a
folder and the review app use it in place of the plain tagger; ``cross_validate``
(``brief_cli.learning.crossval``) measures what it gives.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from brief_cli.learning.crossval import CrossValidation, cross_validate
from brief_cli.learning.fitting import (
    MIN_REVIEWS, MODEL_VERSION, Model, _example, reviewed_examples, settings, train,
)
from brief_cli.model import Corpus
from brief_cli.taxonomy import Taxonomy

__all__ = ["CrossValidation", "LEARNED_REASON", "LearnedTagger", "MIN_REVIEWS", "Model",
           "cross_validate", "learned_model", "reviewed_examples", "reviews_key", "tagger_for",
           "tagger_for_folder", "train"]


class LearnedTagger:
    """The lexicon tagger, corrected by a model learned from reviews (same interface)."""

    def __init__(self, tagger, model: Model, taxonomy: Taxonomy):
        self.tagger = tagger
        self.model = model
        self.sector_ids = list(taxonomy.sector_ids)

    def tag(self, text: str):
        return self.tag_passages([text])[0]

    def tag_passages(self, texts: Sequence[str]):
        from functools import partial

        out = []
        for text, analysis in zip(texts, self.tagger.analyse(texts)):
            kind, sectors = self.model.predict(_example(text, analysis), self.sector_ids)
            base = analysis.tags
            if kind == base.kind and sectors == base.sectors:
                out.append(base)
            else:
                out.append(replace(base, kind=kind, sectors=sectors, _explain=partial(
                    _learned_explanation, base, kind, sectors, self.model.reviews)))
        return out


LEARNED_REASON = "reviewed passages teach"  # in the reason of a decision the model changed


def _learned_explanation(base, kind: str, sectors: tuple[str, ...], reviews: int):
    """The tagger's explanation, with what the learned model changed said where it did."""
    from brief_cli.tagging import SectorScore

    ex = base.explanation
    why = f"what {reviews} {LEARNED_REASON}"
    rows = []
    for row in ex.sectors:
        tagged = row.sector in sectors
        rows.append(row if tagged == row.tagged else replace(
            row, tagged=tagged, reason=f"{'added' if tagged else 'left out'} by {why}"))
    seen = {row.sector for row in rows}
    rows += [SectorScore(s, 0.0, True, (), f"added by {why}") for s in sectors if s not in seen]
    rule = ex.kind_rule if kind == base.kind else \
        f"{kind} by {why} (the lexicon alone: {base.kind}, {ex.kind_rule})"
    return replace(ex, kind_rule=rule, sectors=tuple(rows))


def reviews_key(corpus: Corpus, taxonomy: Taxonomy) -> str:
    """Changes when any review does (or the taxonomy, or this model's code)."""
    h = _hash_with_taxonomy(f"{settings()}\n", taxonomy)
    for p in corpus.passages():
        if p.reviewed:
            h.update(json.dumps([p.uid, p.text, p.kind, sorted(p.sectors)]).encode())
    return h.hexdigest()


def _hash_with_taxonomy(head: str, taxonomy: Taxonomy):
    """A digest started with ``head`` and the taxonomy file's bytes (a taxonomy edit changes
    what the model learns)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(head.encode())
    if taxonomy.path is not None:
        h.update(_read_bytes(Path(taxonomy.path)))
    return h


def _cache_file(corpus: Corpus) -> Path:
    return _cache_file_for(corpus.root)


def _cache_file_for(root) -> Path:
    from brief_cli.config import cache_dir

    where = str(Path(root).resolve()) if root is not None else "memory"
    name = hashlib.blake2b(where.encode(), digest_size=8).hexdigest()
    return cache_dir() / "learned" / f"{name}.json"


def learned_model(corpus: Corpus, taxonomy: Taxonomy, tagger=None, *,
                  signature: str = "") -> Model | None:
    """The corpus's model: from the cache when the reviews are unchanged, else trained (and
    cached). None when the corpus has fewer than MIN_REVIEWS reviewed passages.
    ``signature`` (of the folder's files) is stored with it for ``tagger_for_folder``."""
    reviewed = sum(1 for p in corpus.passages() if p.reviewed)
    path = _cache_file(corpus)
    if reviewed < MIN_REVIEWS:
        if signature:  # remember that this folder has too few reviews, until it changes
            _write_model(path, Model(reviews=reviewed, signature=signature))
        return None
    key = reviews_key(corpus, taxonomy)
    try:
        cached = Model.from_json(path.read_text(encoding="utf-8"))
    except OSError:
        cached = None
    if cached is not None and cached.key == key and cached.reviews >= MIN_REVIEWS:
        if signature and cached.signature != signature:
            cached.signature = signature
            _write_model(path, cached)
        return cached
    if tagger is None:
        from brief_cli.tagging import Tagger

        tagger = Tagger(taxonomy)
    examples, labels = reviewed_examples(corpus, tagger)
    model = train(examples, labels, taxonomy.sector_ids)
    model.key = key
    model.signature = signature
    _write_model(path, model)
    return model


def _write_model(path: Path, model: Model) -> None:
    try:
        from brief_cli.fileio import atomic_write_text

        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, model.to_json(), force=True, what="model cache")
    except Exception:  # a read-only cache folder: the model still serves this command
        pass


def tagger_for_folder(root: Path | None, taxonomy: Taxonomy, tagger=None):
    """The tagger for passages going into or suggested for the corpus folder ``root``: the
    plain tagger corrected by the model learned from the folder's reviews, when it has at
    least MIN_REVIEWS of them; else the plain tagger (``tagger`` if given).

    Cheap when nothing changed since the last call: a signature of the folder's files (names,
    sizes, modification times) finds the cached model without reading them. When they
    changed, the corpus is read and the model is retrained only if a review changed.
    ``brief tag --corpus``, ``brief ingest`` into a folder and the review app's evidence use
    it; ``retag`` and ``eval`` use ``tagger_for`` on the corpus they have loaded."""
    from brief_cli.tagging import Tagger

    if tagger is None:
        tagger = Tagger(taxonomy)
    if root is None or not Path(root).is_dir():
        return tagger
    from brief_cli.corpus import corpus_files, load_corpus

    files = corpus_files(Path(root))
    if not files:
        return tagger
    signature = _folder_signature(files, taxonomy)
    path = _cache_file_for(Path(root))
    try:
        cached = Model.from_json(path.read_text(encoding="utf-8"))
    except OSError:
        cached = None
    if cached is None or cached.signature != signature:
        # Counting "reviewed: true" in the files' bytes is much cheaper than reading the
        # corpus: a folder with too few reviews (most, and every one being ingested into for
        # the first time) is settled without parsing it.
        marked = sum(len(_REVIEWED_MARK.findall(_read_bytes(f))) for f in files)
        if marked < MIN_REVIEWS:
            _write_model(path, Model(reviews=marked, signature=signature))
            return tagger
        corpus = load_corpus(Path(root), taxonomy).corpus
        cached = learned_model(corpus, taxonomy, tagger, signature=signature)
    if cached is None or cached.reviews < MIN_REVIEWS:
        return tagger
    return LearnedTagger(tagger, cached, taxonomy)


_REVIEWED_MARK = re.compile(rb"reviewed\s*:\s*(?:true|yes|on)\b", re.IGNORECASE)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _folder_signature(files: Sequence[Path], taxonomy: Taxonomy) -> str:
    h = _hash_with_taxonomy(f"v{MODEL_VERSION}\n", taxonomy)
    for f in sorted(files):
        try:
            st = f.stat()
        except OSError:
            continue
        h.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def tagger_for(corpus: Corpus, taxonomy: Taxonomy, *, learn: bool = True):
    """The tagger a command should use on this corpus: learned when there are enough reviews."""
    from brief_cli.tagging import Tagger

    tagger = Tagger(taxonomy)
    if not learn:
        return tagger
    model = learned_model(corpus, taxonomy, tagger)
    return LearnedTagger(tagger, model, taxonomy) if model is not None else tagger
