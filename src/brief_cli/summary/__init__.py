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

The parts: ``words`` (content words and stems), ``sentences`` (LexRank, gists), ``keyness``
(distinctive terms) and ``digests`` (article summaries and corpus digests).
"""

from brief_cli.summary.digests import (ActorCount, ArticleSummary, CorpusDigest, Gist,
                                       SectorGroup, SectorTerms, corpus_word_counts, digest,
                                       require_articles, summarize_article, summarize_articles)
from brief_cli.summary.keyness import (METHOD_LL, METHOD_TFIDF, Term, Terms,
                                       distinctive_terms)
from brief_cli.summary.sentences import (DAMPING, MIN_KEY_WORDS, REDUNDANCY, SECTOR_BONUS,
                                         KeySentence, gist, key_sentences, lexrank,
                                         sector_keywords, similarities)
from brief_cli.summary.words import (EXTRA_STOP_WORDS, content_stems, content_words,
                                     split_sentences)
from brief_cli.summary.words import _chinese_words  # noqa: F401  (compare counts the same words)

__all__ = [
    "ActorCount", "ArticleSummary", "CorpusDigest", "DAMPING", "EXTRA_STOP_WORDS", "Gist",
    "KeySentence", "METHOD_LL", "METHOD_TFIDF", "MIN_KEY_WORDS", "REDUNDANCY", "SECTOR_BONUS",
    "SectorGroup", "SectorTerms", "Term", "Terms", "content_stems", "content_words",
    "corpus_word_counts", "digest", "distinctive_terms", "gist", "key_sentences", "lexrank",
    "require_articles", "sector_keywords", "similarities", "split_sentences",
    "summarize_article", "summarize_articles",
]
