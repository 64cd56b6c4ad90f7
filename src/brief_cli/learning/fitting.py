"""The learned model itself: the features of a passage as the tagger saw it, the weights, and
how they are fitted to reviews (see ``brief_cli.learning`` for where it is used).

Why not simply words: the lexicon tagger already finds most sectors, and what a reviewer
corrects most is its *decision*: how much evidence a sector needs (this reviewer may accept a
sector on one keyword the tagger thought too little, or reject one it tagged on a passing
word). So the sectors are first a calibration of the tagger's evidence: one logistic regression
over every (passage, sector the tagger found evidence for) pair, on how strong that evidence
was against the passage's minimum, its share of the passage's strongest sector and the
tagger's decision, with weights shared by all sectors and a bias per sector held near zero
until the sector's own reviews keep saying otherwise. Shared weights learn from every review,
so a rare sector (two reviewed passages) is calibrated too. Sectors are tagged above the
threshold that maximises F1 on the reviews. Then, per sector with MIN_POSITIVES reviewed
passages, word weights (Snowball stems) on top of that: terms the lexicon lacks, or words that
mark a false alarm. The kind is a three-way (softmax) regression over the words and the
tagger's challenge and opportunity scores and decision, held to the tagger's decision by a
penalty (L2 towards its starting weights). Everything starts from the tagger, so with few
reviews the model says what the tagger says. Actors are names, left to the lexicon.
"""

from __future__ import annotations

import json
import math
import random
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from brief_cli.model import KINDS, Corpus, Passage

MODEL_VERSION = 3
MIN_REVIEWS = 20  # fewer reviewed passages than this: the plain tagger is used
PRIOR = 3.0  # starting weight of the tagger's own decision (sectors and kind)
# Sectors: the calibration's shared weights are pulled (L2) towards the tagger's decision by
# L2_SHARED, each sector's own bias towards zero by L2_SECTOR (it takes about ten reviews
# saying the same to move it by one); word weights towards zero by L2_WORDS, learned only for
# sectors with MIN_POSITIVES reviewed passages. Values and how they were chosen:
# benchmarks/RESULTS.md, "Learning from reviews".
L2_SHARED = 1.0
L2_SECTOR = 10.0
L2_WORDS = 1.0
MIN_POSITIVES = 10
WORD_EPOCHS = 8
# The kind: a softmax over words and the tagger's scores, tagger features pulled back to
# their starting weights by L2_TAGGER, words towards zero by L2_KIND_WORDS.
L2_TAGGER = 1.0
L2_KIND_WORDS = 0.1
EPOCHS = 12
RATE = 0.2
_TOKEN = re.compile(r"[^\W\d_]{3,}")


# features --------------------------------------------------------------------------------

def _stems(text: str) -> set[str]:
    from brief_cli.text import is_stop_word, stem

    out = set()
    for word in _TOKEN.findall(text.lower()):
        if not is_stop_word(word):
            out.add("w:" + stem(word))
    return out


@dataclass(frozen=True)
class _Example:
    words: frozenset[str]
    sector_scores: dict  # the tagger's score per sector (those with evidence)
    tagged: frozenset[str]  # sectors the tagger tagged
    minimum: float  # the minimum sector score for this passage
    kind: str  # the tagger's kind
    challenge: float
    opportunity: float


def _example(text: str, analysis) -> _Example:
    tags = analysis.tags
    try:
        from brief_cli.tagging import min_sector_score

        minimum = float(min_sector_score(analysis.words))
    except Exception:  # pragma: no cover - a tagger without the helper
        minimum = 1.0
    kind = analysis.kind
    return _Example(frozenset(_stems(text)), dict(analysis.sector_scores),
                    frozenset(tags.sectors), minimum, tags.kind,
                    float(getattr(kind, "challenge", 0.0)),
                    float(getattr(kind, "opportunity", 0.0)))


def _evidence(ex: _Example, sector: str) -> list[tuple[str, float]]:
    """The tagger's view of one sector it found evidence for (the calibration's features)."""
    score = ex.sector_scores.get(sector, 0.0)
    top = max(ex.sector_scores.values(), default=0.0)
    strength = math.log(max(score, 1e-3) / ex.minimum) if ex.minimum > 0 else 0.0
    share = math.log(max(score, 1e-3) / top) if top > 0 else -3.0
    return [("bias", 1.0), ("tagged", 1.0 if sector in ex.tagged else 0.0),
            ("strength", max(-2.0, min(2.0, strength))), ("share", max(-3.0, share))]


def _candidates(ex: _Example) -> set[str]:
    """Sectors the tagger found any evidence for (tagged or not)."""
    return set(ex.sector_scores) | set(ex.tagged)


def _kind_features(ex: _Example) -> dict[str, float]:
    feats = {"t:bias": 1.0, "t:challenge": min(ex.challenge, 5.0) / 5.0,
             "t:opportunity": min(ex.opportunity, 5.0) / 5.0}
    for k in KINDS:
        feats["t:is:" + k] = 1.0 if ex.kind == k else 0.0
    for w in ex.words:
        feats[w] = 1.0
    return feats


# the model -------------------------------------------------------------------------------

@dataclass
class Model:
    """What reviews teach: the calibration of the tagger's sector evidence (shared weights,
    a bias per sector, the decision threshold, the log-odds of a sector it found no evidence
    for), word weights per sector, and the kind's softmax weights; ``reviews`` trained on."""

    calibration: dict[str, float] = field(default_factory=dict)
    sector_bias: dict[str, float] = field(default_factory=dict)
    threshold: float = 0.5
    unseen: float = -5.0
    words: dict[str, dict[str, float]] = field(default_factory=dict)
    kinds: dict[str, dict[str, float]] = field(default_factory=dict)
    reviews: int = 0
    key: str = ""
    signature: str = ""  # of the corpus folder's files when it was last checked

    def to_json(self) -> str:
        return json.dumps({"version": MODEL_VERSION, "key": self.key, "reviews": self.reviews,
                           "signature": self.signature, "calibration": self.calibration,
                           "sector_bias": self.sector_bias, "threshold": self.threshold,
                           "unseen": self.unseen, "words": self.words, "kinds": self.kinds},
                          separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Model | None:
        try:
            data = json.loads(text)
            if data.get("version") != MODEL_VERSION:
                return None

            def table(d):
                return {s: {f: float(w) for f, w in ws.items()} for s, ws in d.items()}

            return cls({f: float(w) for f, w in data["calibration"].items()},
                       {s: float(w) for s, w in data["sector_bias"].items()},
                       float(data["threshold"]), float(data["unseen"]),
                       table(data["words"]), table(data["kinds"]),
                       int(data["reviews"]), str(data["key"]), str(data.get("signature", "")))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    # prediction
    def sector_logit(self, ex: _Example, sector: str, candidates=None) -> float:
        """Log-odds that a reviewer tags the passage with the sector."""
        if sector in (candidates if candidates is not None else _candidates(ex)):
            z = self.sector_bias.get(sector, 0.0) + sum(
                self.calibration.get(f, 0.0) * v for f, v in _evidence(ex, sector))
        else:
            z = self.unseen
        words = self.words.get(sector)
        if words:
            z += sum(words.get(w, 0.0) for w in ex.words)
        return z

    def sector_probability(self, ex: _Example, sector: str) -> float:
        return _sigmoid(self.sector_logit(ex, sector))

    def predict(self, ex: _Example, sector_ids: Iterable[str]) -> tuple[str, tuple[str, ...]]:
        if not self.calibration:  # an empty model (no reviews): the tagger's view
            sectors = [s for s in sector_ids if s in ex.tagged]
        else:
            candidates = _candidates(ex)
            cut = _logit(self.threshold)
            sectors = [s for s in sector_ids if (s in candidates or s in self.words)
                       and self.sector_logit(ex, s, candidates) > cut]
        # the tagger's order first (best first), then the ones the model added
        order = {s: i for i, s in enumerate(sorted(ex.sector_scores,
                                                   key=lambda s: -ex.sector_scores[s]))}
        sectors.sort(key=lambda s: order.get(s, len(order)))
        kind = ex.kind
        if self.kinds:
            feats = _kind_features(ex)
            kind = max(KINDS, key=lambda k: _dot(self.kinds.get(k) or _kind_prior(k), feats))
        return kind, tuple(sectors)


def _calibration_prior() -> dict[str, float]:
    # p ≈ 0.82 where the tagger tagged the sector, 0.18 where it found too little evidence
    return {"bias": -PRIOR / 2, "tagged": PRIOR, "strength": 0.0, "share": 0.0}


def _kind_prior(kind: str) -> dict[str, float]:
    return {"t:is:" + kind: PRIOR}


def _dot(weights: dict[str, float], feats: dict[str, float]) -> float:
    return sum(weights.get(f, 0.0) * v for f, v in feats.items())


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _pull(name: str) -> float:
    return L2_TAGGER if name.startswith("t:") else L2_KIND_WORDS


def train(examples: Sequence[_Example], labels: Sequence[Passage], sector_ids: Sequence[str],
          *, seed: int = 0) -> Model:
    """Fit the model on reviewed passages (their ``Passage`` labels): the calibration first,
    then each sector's words on what it leaves unexplained, and the kind."""
    model = Model(reviews=len(examples))
    if not examples:
        return model
    rng = random.Random(seed)
    gold = [frozenset(p.sectors) for p in labels]
    candidates = [_candidates(ex) for ex in examples]
    _fit_calibration(model, examples, gold, candidates, sector_ids)
    _fit_words(model, examples, gold, candidates, sector_ids, rng)
    kind_data = [(_kind_features(ex), p.kind) for ex, p in zip(examples, labels)]
    model.kinds = _fit_softmax(kind_data, list(range(len(examples))), rng)
    return model


def _fit_calibration(model: Model, examples, gold, candidates, sector_ids) -> None:
    """One logistic regression over every (passage, sector the tagger found evidence for)
    pair: weights shared by all sectors (how far the tagger's evidence and decision are to be
    trusted, learned from every review) and a bias per sector, held near zero until a sector's
    own reviews keep saying otherwise (a hierarchical model: a rare sector borrows the shared
    calibration). Fitted exactly (Newton's method on the L2-penalised likelihood); then the
    threshold that maximises F1 on the reviews (half the F1 reached, the fixed point for a
    calibrated model) and the log-odds of a reviewed sector the tagger had no evidence for."""
    shared = list(_calibration_prior())
    index = {name: i for i, name in enumerate(shared)}
    for s in sector_ids:
        index["s:" + s] = len(index)
    mean = [_calibration_prior()[f] for f in shared] + [0.0] * len(sector_ids)
    precision = [L2_SHARED] * len(shared) + [L2_SECTOR] * len(sector_ids)
    rows, ys = [], []
    missed = pairs_without = 0
    for ex, labels, cands in zip(examples, gold, candidates):
        missed += sum(1 for s in labels if s not in cands)
        pairs_without += len(sector_ids) - len(cands)
        for s in cands:
            if "s:" + s not in index:
                continue  # a sector the taxonomy no longer has
            rows.append([(index[f], v) for f, v in _evidence(ex, s)] + [(index["s:" + s], 1.0)])
            ys.append(1.0 if s in labels else 0.0)
    w = _newton_logistic(rows, ys, mean, precision)
    model.calibration = {f: round(w[index[f]], 5) for f in shared}
    model.sector_bias = {s: round(w[index["s:" + s]], 5) for s in sector_ids
                         if abs(w[index["s:" + s]]) > 1e-4}
    probabilities = [_sigmoid(sum(w[j] * v for j, v in row)) for row in rows]
    threshold = 0.5
    for _ in range(20):
        tp = sum(1 for p, y in zip(probabilities, ys) if p > threshold and y)
        fp = sum(1 for p, y in zip(probabilities, ys) if p > threshold and not y)
        fn = sum(1 for p, y in zip(probabilities, ys) if p <= threshold and y) + missed
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if abs(f1 / 2 - threshold) < 1e-4:
            break
        threshold = f1 / 2
    model.threshold = round(max(threshold, 0.05), 5)
    model.unseen = round(math.log((missed + 0.5) / (pairs_without - missed + 0.5)), 5)


def _newton_logistic(rows, ys, mean, precision, iterations: int = 30) -> list[float]:
    """MAP logistic regression with a Gaussian prior N(mean, 1/precision) on each weight;
    ``rows`` are sparse [(index, value)]. Few weights, so each Newton step solves exactly."""
    n = len(mean)
    w = list(mean)
    for _ in range(iterations):
        grad = [precision[j] * (w[j] - mean[j]) for j in range(n)]
        hess = [[0.0] * n for _ in range(n)]
        for j in range(n):
            hess[j][j] = precision[j]
        for row, y in zip(rows, ys):
            p = _sigmoid(sum(w[j] * v for j, v in row))
            d, h = p - y, p * (1 - p)
            for j, v in row:
                grad[j] += d * v
                hj = hess[j]
                for k, u in row:
                    hj[k] += h * v * u
        step = _solve(hess, grad)
        w = [a - b for a, b in zip(w, step)]
        if max(abs(s) for s in step) < 1e-7:
            break
    return w


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """x with a·x = b (Gaussian elimination with partial pivoting; a is positive definite)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        pivot = m[c][c]
        for r in range(c + 1, n):
            f = m[r][c] / pivot
            if f:
                mr, mc = m[r], m[c]
                for j in range(c, n + 1):
                    mr[j] -= f * mc[j]
    x = [0.0] * n
    for c in range(n - 1, -1, -1):
        x[c] = (m[c][n] - sum(m[c][j] * x[j] for j in range(c + 1, n))) / m[c][c]
    return x


def _fit_words(model: Model, examples, gold, candidates, sector_ids, rng) -> None:
    """Per sector with at least MIN_POSITIVES reviewed passages: word weights (L2 towards zero)
    on top of the calibrated log-odds, so a word only counts where the tagger's evidence does
    not already explain the reviews (a term the lexicon lacks, a word that marks a false
    alarm)."""
    n = len(examples)
    order = list(range(n))
    words = [list(ex.words) for ex in examples]
    for s in sector_ids:
        if sum(1 for labels in gold if s in labels) < MIN_POSITIVES:
            continue
        offsets = [model.sector_logit(ex, s, cands) for ex, cands in zip(examples, candidates)]
        ys = [1.0 if s in labels else 0.0 for labels in gold]
        w: dict[str, float] = {}
        decay = L2_WORDS / n
        for epoch in range(WORD_EPOCHS):
            rng.shuffle(order)
            rate = RATE / (1 + epoch * 0.3)
            for i in order:
                g = _sigmoid(offsets[i] + sum(w.get(t, 0.0) for t in words[i])) - ys[i]
                for t in words[i]:
                    old = w.get(t, 0.0)
                    w[t] = old - rate * (g + decay * old)
        kept = {t: round(v, 4) for t, v in w.items() if abs(v) > 1e-3}
        if kept:
            model.words[s] = kept


def _fit_softmax(data, order, rng) -> dict[str, dict[str, float]]:
    w = {k: dict(_kind_prior(k)) for k in KINDS}
    start = {k: dict(v) for k, v in w.items()}
    n = len(data)
    for epoch in range(EPOCHS):
        rng.shuffle(order)
        rate = RATE / (1 + epoch * 0.3)
        for i in order:
            feats, y = data[i]
            z = {k: _dot(w[k], feats) for k in KINDS}
            top = max(z.values())
            e = {k: math.exp(z[k] - top) for k in KINDS}
            total = sum(e.values())
            for k in KINDS:
                g = e[k] / total - (1.0 if y == k else 0.0)
                wk, sk = w[k], start[k]
                for f, v in feats.items():
                    old = wk.get(f, 0.0)
                    wk[f] = old - rate * (g * v + _pull(f) / n * (old - sk.get(f, 0.0)))
    return {k: {f: round(v, 5) for f, v in ws.items()
                if abs(v - start[k].get(f, 0.0)) > 1e-4 or f in start[k]} for k, ws in w.items()}


def reviewed_examples(corpus: Corpus, tagger, passages: set[str] | None = None
                      ) -> tuple[list[_Example], list[Passage]]:
    """The tagger's view of every reviewed passage (tagged in its article), with its labels."""
    examples, labels = [], []
    for article in corpus.articles:
        chosen = {p.id for p in article.passages if p.reviewed and (
            passages is None or p.uid in passages)}
        if not chosen:
            continue
        analyses = tagger.analyse([p.text for p in article.passages])
        for p, analysis in zip(article.passages, analyses):
            if p.id in chosen:
                examples.append(_example(p.text, analysis))
                labels.append(p)
    return examples, labels


def settings() -> str:
    """The model's version and settings, in one line (part of the key of a cached model)."""
    return (f"v{MODEL_VERSION} {PRIOR} {L2_SHARED} {L2_SECTOR} {L2_WORDS} {MIN_POSITIVES} "
            f"{WORD_EPOCHS} {L2_TAGGER} {L2_KIND_WORDS} {EPOCHS} {RATE}")

