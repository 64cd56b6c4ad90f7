"""Summaries: an article's challenges, opportunities, key sentences and distinctive terms, or a
digest of the whole corpus.

Everything here is extractive and deterministic: the same corpus gives the same summary, with
ties broken by position (sentences), id (sectors, actors) or spelling (terms).

- Key sentences: continuous LexRank. Sentences are TF-IDF vectors of stems (stop words left out);
  the cosine similarities form a graph, and a sentence's score is its stationary probability in a
  random walk over that graph (PageRank with damping 0.85): a sentence is central when it is
  similar to many sentences that are themselves central.
- Gist of a passage: the sentence whose vector is closest (cosine) to the passage's own vector,
  i.e. the sentence that best represents the whole passage, with a bonus for naming the sectors
  the passage is tagged with (their taxonomy keywords; the main sector weighs most).
- Distinctive terms: Dunning's log-likelihood (G2) of each stem in the target passages against
  the reference passages, keeping only terms used more than expected. With no reference text
  (a corpus of one article, or a sector tagging every passage) the terms are ranked by TF-IDF
  across the target's own passages instead, and the result says so.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from brief_cli.errors import UnknownIdError
from brief_cli.model import KINDS, Article, Corpus, Passage
from brief_cli.sectors import Matrix, kind_matrix
from brief_cli.selection import Selected, Selection
from brief_cli.taxonomy import Taxonomy, closest
from brief_cli.lang import HAN_RE, has_han
from brief_cli.text import STOP_WORDS, fold, stem, words
from brief_cli.text import split_sentences as _split_english

DAMPING = 0.85
REDUNDANCY = 0.6  # a key sentence this similar (cosine) to a better one is left out
MIN_KEY_WORDS = 4  # content words a sentence needs to be a key sentence (when enough have them)

SECTOR_BONUS = 0.5  # gist score added when a sentence names the passage's sectors (all of them)

# Words too common in policy prose to tell texts apart, on top of the shared stop words.
EXTRA_STOP_WORDS = frozenset("""
two three four five six seven eight nine ten first second third fourth fifth like including
year years percent per cent mln bn
""".split())

METHOD_LL = "log-likelihood"
METHOD_TFIDF = "tf-idf"


# Results -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Gist:
    """One passage told in one sentence: the sentence that best represents it."""

    uid: str
    passage_id: str
    index: int  # position of the passage in its article, from 0
    kind: str
    sectors: tuple[str, ...]
    sentence: str


@dataclass(frozen=True)
class KeySentence:
    text: str
    uid: str  # the passage it comes from
    position: int  # sentence number in the text summarised, from 0
    rank: int  # 1 = most central
    score: float


@dataclass(frozen=True)
class Term:
    term: str  # the most frequent spelling in the target text
    stem: str
    count: int  # occurrences in the target
    reference_count: int  # occurrences in the reference (0 under tf-idf)
    score: float  # G2, or the tf-idf weight


@dataclass(frozen=True)
class Terms:
    method: str  # METHOD_LL or METHOD_TFIDF
    terms: tuple[Term, ...]
    note: str  # what the terms were measured against, in words


@dataclass(frozen=True)
class SectorGroup:
    sector: str  # "" for passages without a sector
    label: str
    gists: tuple[Gist, ...]


@dataclass(frozen=True)
class ArticleSummary:
    article: Article
    counts: dict[str, int]  # passages by kind (of the passages summarised)
    passages: int
    challenges: tuple[Gist, ...]
    opportunities: tuple[SectorGroup, ...]  # grouped by each passage's first (main) sector
    context: int
    key_sentences: tuple[KeySentence, ...]  # in reading order
    terms: Terms


@dataclass(frozen=True)
class ActorCount:
    id: str
    name: str
    passages: int
    articles: int


@dataclass(frozen=True)
class SectorTerms:
    sector: str
    label: str
    passages: int
    terms: Terms


@dataclass(frozen=True)
class CorpusDigest:
    articles: int
    passages: int
    counts: dict[str, int]
    first: str | None  # earliest publication date (ISO), None when empty
    last: str | None
    matrix: Matrix
    actors: tuple[ActorCount, ...]
    sector_terms: tuple[SectorTerms, ...]


# Tokens and vectors ------------------------------------------------------------------------

def split_sentences(text: str) -> list[str]:
    """Sentences of a passage: the Chinese splitter (。！？；…) for Chinese text."""
    if has_han(text):
        from brief_cli.lang import is_chinese

        if is_chinese(text):
            from brief_cli.lang.zh import split_sentences as split_chinese

            return split_chinese(text)
    return _split_english(text)


def content_words(text: str) -> list[tuple[str, str]]:
    """(stem, word) for every word that carries meaning: no stop words, numbers or letters.

    Chinese text is cut into words by the segmenter (the word is its own stem); Chinese stop
    words and single characters, mostly function words, are left out."""
    out = []
    tokens = words(text) if not has_han(text) else _chinese_words(text)
    for w in tokens:
        s = _content_stem(w)
        if s is not None:
            out.append((s, w))
    return out


def _chinese_words(text: str) -> list[str]:
    from brief_cli.lang.segment import cut

    return cut(text)


@lru_cache(maxsize=200_000)
def _content_stem(word: str) -> str | None:
    """The stem of a word that carries meaning, else None (cached: words repeat a lot)."""
    if len(word) < 2 or word[0].isdigit():
        return None
    if HAN_RE.match(word):
        from brief_cli.lang.zh import STOP_WORDS as CHINESE_STOP_WORDS

        if word in CHINESE_STOP_WORDS or any(c.isdigit() for c in word):
            return None
        return word
    base = fold(word).replace("\u2019", "'").removesuffix("'s")
    if base in STOP_WORDS or base in EXTRA_STOP_WORDS:
        return None
    s = stem(word)
    if len(s) < 2 or s in STOP_WORDS:
        return None
    return s


def content_stems(words: Iterable[str]) -> list[str | None]:
    """``_content_stem`` of each word, for many distinct words at once (compare counts tens of
    thousands): plain ASCII words take a short path and go through the stemmer as one list;
    any other word takes the word-by-word path."""
    from brief_cli.text import _stemmer

    words = list(words)
    out: list[str | None] = [None] * len(words)
    places: list[int] = []
    bases: list[str] = []
    for i, word in enumerate(words):
        if len(word) < 2 or word[0].isdigit():
            continue
        if not word.isascii():
            out[i] = _content_stem(word)
            continue
        base = word.lower().removesuffix("'s")  # fold() of an ASCII word is its lower case
        if base in STOP_WORDS or base in EXTRA_STOP_WORDS:
            continue
        places.append(i)
        bases.append(base)
    for i, s in zip(places, _stemmer().stemWords(bases)):
        if len(s) >= 2 and s not in STOP_WORDS:
            out[i] = s
    return out


def _vector(stems: Iterable[str], idf: dict[str, float]) -> dict[str, float]:
    tf = Counter(stems)
    return {t: n * idf.get(t, 1.0) for t, n in tf.items()}


def _norm(v: dict[str, float]) -> float:
    return math.sqrt(sum(x * x for x in v.values()))


def _cosine(a: dict[str, float], b: dict[str, float], na: float, nb: float) -> float:
    if not na or not nb:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b[t] for t, x in a.items() if t in b) / (na * nb)


def _idf(docs: Sequence[Iterable[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency over docs (each an iterable of stems)."""
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(d))
    n = len(docs)
    return {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}


# Key sentences -----------------------------------------------------------------------------

def similarities(vectors: Sequence[dict[str, float]]) -> list[dict[int, float]]:
    """Cosine similarity of every pair of vectors that share a term, as sparse rows.

    Dot products are summed through an index of terms, so pairs with nothing in common cost
    nothing (most pairs, in a long text).
    """
    n = len(vectors)
    norms = [_norm(v) for v in vectors]
    postings: dict[str, list[tuple[int, float]]] = {}
    for i, v in enumerate(vectors):
        for t, w in v.items():
            postings.setdefault(t, []).append((i, w))
    dots: list[dict[int, float]] = [{} for _ in range(n)]
    for plist in postings.values():
        for a, (i, wi) in enumerate(plist):
            row = dots[i]
            for j, wj in plist[a + 1:]:
                row[j] = row.get(j, 0.0) + wi * wj
    sim: list[dict[int, float]] = [{} for _ in range(n)]
    for i, row in enumerate(dots):
        for j in sorted(row):
            value = row[j] / (norms[i] * norms[j])
            sim[i][j] = sim[j][i] = value
    return [dict(sorted(r.items())) for r in sim]


def lexrank(vectors: Sequence[dict[str, float]], *, damping: float = DAMPING,
            tolerance: float = 1e-10, max_iterations: int = 500) -> list[float]:
    """Continuous LexRank scores (they sum to 1) of sentences given as TF-IDF vectors.

    The power method on the row-normalised cosine graph with damping; a sentence that shares
    no word with any other spreads its score evenly, as in PageRank.
    """
    n = len(vectors)
    if n == 0:
        return []
    sim = similarities(vectors)
    rows = [sum(r.values()) for r in sim]
    scores = [1.0 / n] * n
    base = (1.0 - damping) / n
    for _ in range(max_iterations):
        dangling = sum(scores[i] for i in range(n) if rows[i] == 0.0) / n
        new = [base + damping * dangling] * n
        for i in range(n):
            if rows[i] == 0.0:
                continue
            share = damping * scores[i] / rows[i]
            for j, w in sim[i].items():
                new[j] += share * w
        delta = sum(abs(a - b) for a, b in zip(new, scores))
        scores = new
        if delta < tolerance:
            break
    return scores


@dataclass(frozen=True)
class _Sentence:
    text: str
    passage: Passage
    stems: tuple[str, ...]


def _sentences(passages: Iterable[Passage]) -> list[_Sentence]:
    out = []
    for p in passages:
        for s in split_sentences(p.text):
            out.append(_Sentence(s, p, tuple(t for t, _ in content_words(s))))
    return out


def key_sentences(passages: Sequence[Passage], n: int = 5) -> tuple[KeySentence, ...]:
    """The n most central sentences of the passages (LexRank), in reading order.

    A sentence too similar to a better-ranked one is skipped, so the list does not repeat
    itself; very short sentences are only chosen when there are not enough longer ones.
    """
    if n <= 0:
        return ()
    sents = _sentences(passages)
    if not sents:
        return ()
    idf = _idf([s.stems for s in sents])
    vectors = [_vector(s.stems, idf) for s in sents]
    scores = lexrank(vectors)
    norms = [_norm(v) for v in vectors]
    order = sorted(range(len(sents)), key=lambda i: (-round(scores[i], 12), i))
    long_enough = [i for i in order if len(sents[i].stems) >= MIN_KEY_WORDS]
    if len(long_enough) >= n:
        rest = set(long_enough)
        order = long_enough + [i for i in order if i not in rest]
    chosen: list[int] = []
    for i in order:
        if not sents[i].stems and len(sents) > n:
            continue
        if any(_cosine(vectors[i], vectors[j], norms[i], norms[j]) > REDUNDANCY for j in chosen):
            continue
        chosen.append(i)
        if len(chosen) == n:
            break
    rank = {i: r + 1 for r, i in enumerate(chosen)}
    return tuple(KeySentence(sents[i].text, sents[i].passage.uid, i, rank[i], scores[i])
                 for i in sorted(chosen))


def sector_keywords(taxonomy: Taxonomy, sector_id: str) -> tuple[tuple[str, ...], ...]:
    """The sector's keywords, label and aliases as stem sequences, for matching in sentences."""
    sector = taxonomy.sector(sector_id)
    if sector is None:
        return ()
    phrases = (sector.label, *sector.keywords, *sector.aliases)
    return tuple(dict.fromkeys(t for t in (tuple(stem(w) for w in words(k)) for k in phrases)
                               if t))


def _names(stems: Sequence[str], phrase: tuple[str, ...], sentence: str = "") -> bool:
    if phrase and HAN_RE.match(phrase[0]):  # Chinese: the characters anywhere in the sentence
        return "".join(phrase) in sentence
    n = len(phrase)
    return any(tuple(stems[i:i + n]) == phrase for i in range(len(stems) - n + 1))


def gist(passage: Passage, idf: dict[str, float] | None = None,
         keywords: Sequence[tuple[tuple[str, ...], ...]] = ()) -> str:
    """The sentence that best represents the passage.

    Its score is the cosine between the sentence and the whole passage, plus a bonus for naming
    the passage's sectors (``keywords``: the stemmed keywords of each sector in tag order, see
    ``sector_keywords``; the first, main sector weighs most), so a gist says what the passage
    was tagged for. Ties: the earliest.
    """
    sents = split_sentences(passage.text)
    if len(sents) <= 1:
        return sents[0] if sents else ""
    stems = [[t for t, _ in content_words(s)] for s in sents]
    idf = idf if idf is not None else _idf(stems)
    whole = _vector([t for ss in stems for t in ss], idf)
    nw = _norm(whole)
    weights = [1.0 / (n + 1) for n in range(len(keywords))]
    weight_sum = sum(w for w, k in zip(weights, keywords) if k)
    best, best_score = 0, -1.0
    for i, ss in enumerate(stems):
        v = _vector(ss, idf)
        score = _cosine(v, whole, _norm(v), nw)
        if weight_sum:
            every = [stem(w) for w in words(sents[i])]
            named = sum(w for w, k in zip(weights, keywords)
                        if k and any(_names(every, phrase, sents[i]) for phrase in k))
            score += SECTOR_BONUS * named / weight_sum
        score = round(score, 12)
        if score > best_score:
            best, best_score = i, score
    return sents[best]


# Distinctive terms -------------------------------------------------------------------------

def _g2(a: int, b: int, c: int, d: int) -> float:
    """Dunning's log-likelihood for a term seen a times in c tokens and b times in d tokens."""
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    g = 0.0
    if a:
        g += a * math.log(a / e1)
    if b:
        g += b * math.log(b / e2)
    return 2.0 * g


def _spelling(forms: Counter[str]) -> str:
    """The most frequent spelling; on a tie the lowercase one, then alphabetical."""
    return min(forms.items(), key=lambda kv: (-kv[1], not kv[0].islower(), kv[0]))[0]


@dataclass
class _Counts:
    """Stem counts of a set of passages, with their document frequencies."""

    tokens: Counter
    df: Counter
    docs: int = 0

    @classmethod
    def empty(cls) -> _Counts:
        return cls(Counter(), Counter())

    def add(self, stems: list[str]) -> None:
        self.docs += 1
        self.tokens.update(stems)
        self.df.update(set(stems))

    @property
    def total(self) -> int:
        return sum(self.tokens.values())


class _Spellings:
    """How each stem is written: (stem, word) pairs counted, the spelling chosen on demand."""

    def __init__(self) -> None:
        self.pairs: Counter[tuple[str, str]] = Counter()
        self._by_stem: dict[str, Counter[str]] | None = None

    def add(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs.update(pairs)
        self._by_stem = None

    def __getitem__(self, stem_: str) -> str:
        if self._by_stem is None:
            self._by_stem = {}
            for (s, w), n in self.pairs.items():
                self._by_stem.setdefault(s, Counter())[w] += n
        return _spelling(self._by_stem[stem_])


def _min_count(tokens: Counter, limit: int) -> int:
    """Count a term needs: 2 when enough terms repeat, else 1 (small texts)."""
    return 2 if sum(1 for n in tokens.values() if n >= 2) >= limit else 1


def _keyness(target: _Counts, spellings: _Spellings, reference: Counter, limit: int, what: str,
             missing: str = "nothing to compare with", *, within: bool = False) -> Terms:
    """Log-likelihood keyness of target against reference.

    ``within``: the reference counts include the target's own (a corpus total), so the
    target is taken out of them first.
    """
    c = target.total
    d = sum(reference.values()) - (c if within else 0)
    if c == 0:
        return Terms(METHOD_LL, (), "no words to compare")
    if d == 0:
        return _tfidf(target, spellings, limit, missing)
    floor = _min_count(target.tokens, limit)
    scored = []
    for s, a in target.tokens.items():
        b = reference.get(s, 0) - (a if within else 0)
        if a < floor or a / c <= b / d:
            continue
        scored.append(Term(spellings[s], s, a, b, _g2(a, b, c, d)))
    scored.sort(key=lambda t: (-round(t.score, 9), -t.count, t.term.casefold(), t.stem))
    return Terms(METHOD_LL, tuple(scored[:limit]),
                 f"log-likelihood against {what} ({d:,} words)")


def _tfidf(target: _Counts, spellings: _Spellings, limit: int, why: str) -> Terms:
    n = target.docs
    scored = []
    floor = _min_count(target.tokens, limit)
    for s, a in target.tokens.items():
        if a < floor:
            continue
        weight = a * (math.log((1 + n) / (1 + target.df[s])) + 1.0)
        scored.append(Term(spellings[s], s, a, 0, weight))
    scored.sort(key=lambda t: (-round(t.score, 9), -t.count, t.term.casefold(), t.stem))
    return Terms(METHOD_TFIDF, tuple(scored[:limit]),
                 f"{why}: ranked by tf-idf across these passages instead")


def distinctive_terms(target: Iterable[str], reference: Iterable[str], limit: int = 10, *,
                      what: str = "the rest of the corpus",
                      missing: str = "nothing to compare with") -> Terms:
    """Terms of the target texts used more than in the reference texts (log-likelihood).

    With no reference words at all, falls back to tf-idf within the target (see module doc).
    """
    t = _Counts.empty()
    spellings = _Spellings()
    for text in target:
        pairs = content_words(text)
        t.add([s for s, _ in pairs])
        spellings.add(pairs)
    ref: Counter[str] = Counter()
    for text in reference:
        ref.update([s for s, _ in content_words(text)])
    return _keyness(t, spellings, ref, limit, what, missing)


# Article summary ---------------------------------------------------------------------------

def summarize_article(corpus: Corpus, taxonomy: Taxonomy, article: Article,
                      items: Sequence[Selected] | None = None, *, sentences: int = 5,
                      terms: int = 10, corpus_counts: Counter[str] | None = None
                      ) -> ArticleSummary:
    """Summary of the article's passages (``items``, the selected ones; default all).

    ``corpus_counts`` (from ``corpus_word_counts``) saves counting the corpus again when
    several articles are summarised.
    """
    passages = [i.passage for i in items] if items is not None else list(article.passages)
    passages.sort(key=lambda p: p.index)
    counts = Counter(p.kind for p in passages)
    sents = _sentences(passages)
    idf = _idf([s.stems for s in sents])

    keywords: dict[str, tuple[tuple[str, ...], ...]] = {}

    def make(p: Passage) -> Gist:
        for s in p.sectors:
            if s not in keywords:
                keywords[s] = sector_keywords(taxonomy, s)
        return Gist(p.uid, p.id, p.index, p.kind, p.sectors,
                    gist(p, idf, [keywords[s] for s in p.sectors]))

    challenges = tuple(make(p) for p in passages if p.kind == "challenge")
    groups: dict[str, list[Gist]] = {}
    for p in passages:
        if p.kind == "opportunity":
            groups.setdefault(p.sectors[0] if p.sectors else "", []).append(make(p))
    order = sorted(groups, key=lambda s: (s == "", -len(groups[s]), s))
    opportunities = tuple(
        SectorGroup(s, _sector_label(taxonomy, s), tuple(groups[s])) for s in order)
    return ArticleSummary(
        article=article,
        counts={k: counts.get(k, 0) for k in KINDS},
        passages=len(passages),
        challenges=challenges,
        opportunities=opportunities,
        context=counts.get("context", 0),
        key_sentences=key_sentences(passages, sentences),
        terms=_article_terms(corpus, article, passages, terms, corpus_counts),
    )


def corpus_word_counts(corpus: Corpus) -> Counter[str]:
    """Content-word stem counts of every passage in the corpus (the keyness reference)."""
    total: Counter[str] = Counter()
    for p in corpus.passages():
        total.update([s for s, _ in content_words(p.text)])
    return total


def _article_terms(corpus: Corpus, article: Article, passages: Sequence[Passage], limit: int,
                   corpus_counts: Counter[str] | None) -> Terms:
    """The passages' distinctive terms against the corpus without this article."""
    target = _Counts.empty()
    spellings = _Spellings()
    for p in passages:
        pairs = content_words(p.text)
        target.add([s for s, _ in pairs])
        spellings.add(pairs)
    own: Counter[str] = Counter()
    for p in article.passages:
        own.update([s for s, _ in content_words(p.text)])
    if corpus_counts is None:
        corpus_counts = corpus_word_counts(corpus)
    reference = corpus_counts - own
    return _keyness(target, spellings, reference, limit, "the other articles",
                    "no other article in the corpus")


def require_articles(corpus: Corpus, article_ids: Sequence[str]) -> list[str]:
    """The ids, checked (UnknownIdError with the closest ids) and without repeats."""
    found = []
    for value in article_ids:
        key = value.strip()
        if corpus.article(key) is None:
            raise UnknownIdError("article", value, closest(key, corpus.article_ids))
        if key not in found:
            found.append(key)
    return found


def summarize_articles(corpus: Corpus, taxonomy: Taxonomy, selection: Selection,
                       article_ids: Sequence[str], *, sentences: int = 5, terms: int = 10
                       ) -> tuple[list[ArticleSummary], list[str]]:
    """A summary of each article's selected passages, and the ids left with no passage."""
    by_article: dict[str, list[Selected]] = {}
    for item in selection.items:
        by_article.setdefault(item.article.id, []).append(item)
    done, empty = [], []
    counts = corpus_word_counts(corpus) if any(a in by_article for a in article_ids) else None
    for article_id in article_ids:
        items = by_article.get(article_id)
        if not items:
            empty.append(article_id)
            continue
        done.append(summarize_article(corpus, taxonomy, items[0].article, items,
                                      sentences=sentences, terms=terms, corpus_counts=counts))
    return done, empty


def _sector_label(taxonomy: Taxonomy, sector_id: str) -> str:
    if not sector_id:
        return "No sector"
    sector = taxonomy.sector(sector_id)
    return sector.label if sector else sector_id


# Corpus digest -----------------------------------------------------------------------------

def digest(taxonomy: Taxonomy, selection: Selection, *, terms: int = 6, sectors: int = 8,
           actors: int = 10) -> CorpusDigest:
    """The selected passages at a glance: counts, sector x kind, actors, terms by sector.

    Distinctive terms are given for the ``sectors`` largest sectors, each against the other
    selected passages.
    """
    items = selection.items
    matrix = kind_matrix(selection, taxonomy)
    top = list(matrix.rows[:sectors])
    wanted = set(top)
    per_sector = {s: _Counts.empty() for s in top}
    spellings = _Spellings()
    total: Counter[str] = Counter()
    actor_passages: Counter[str] = Counter()
    actor_articles: dict[str, set[str]] = {}
    for item in items:
        p = item.passage
        pairs = content_words(p.text)
        stems = [s for s, _ in pairs]
        total.update(stems)
        spellings.add(pairs)
        for s in dict.fromkeys(p.sectors):
            if s in wanted:
                per_sector[s].add(stems)
        for a in dict.fromkeys(p.actors):
            actor_passages[a] += 1
            actor_articles.setdefault(a, set()).add(p.article_id)
    sector_terms = []
    for i, s in enumerate(top):
        sector_terms.append(SectorTerms(
            s, matrix.row_labels[i], sum(matrix.values[i]),
            _keyness(per_sector[s], spellings, total, terms, "the other passages",
                     "every passage has this sector", within=True)))
    ranked_actors = sorted(actor_passages.items(), key=lambda kv: (-kv[1], kv[0]))[:actors]
    counts = Counter(i.passage.kind for i in items)
    dates = sorted({i.article.published for i in items})
    return CorpusDigest(
        articles=len({i.article.id for i in items}),
        passages=len(items),
        counts={k: counts.get(k, 0) for k in KINDS},
        first=dates[0].isoformat() if dates else None,
        last=dates[-1].isoformat() if dates else None,
        matrix=matrix,
        actors=tuple(ActorCount(a, taxonomy.actor_name(a), n, len(actor_articles[a]))
                     for a, n in ranked_actors),
        sector_terms=tuple(sector_terms),
    )
