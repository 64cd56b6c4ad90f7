"""The taxonomy tagger: a passage's kind, sectors and actors, with the evidence for each.

The parts, in the order a passage goes through them:

- ``tokens``: the passage as words (with stems), sentence ends and clause marks; the one
  language-specific step, with a hook for languages written without spaces.
- ``lexicon``: the taxonomy compiled (and cached) for matching, and the matching of its
  keywords and kind cues in a passage.
- ``sectors``: per-sector scores and the thresholds that decide the sector tags.
- ``kind``: challenge, opportunity or context, from the cues and the passage's structure.
- ``actors``: the countries and organisations named.
- ``explain``: the explanation of a passage's tags (``brief tag --explain``).
- ``tagger``: ``Tagger``, which runs them over the passages of a document.

``from brief_cli.tagging import Tagger`` is all most code needs; ``Tagger.analyse`` also gives
the per-sector scores and the kind decision with its evidence.
"""

from brief_cli.tagging.kind import (
    KIND_MIN_MARGIN, KIND_MIN_SCORE, KIND_MIN_SHARE_MARGIN, KindDecision,
)
from brief_cli.tagging.lexicon import FUZZY_CUTOFF, FUZZY_MIN_LENGTH
from brief_cli.tagging.results import (
    ActorMention, Evidence, Explanation, KindScore, SectorScore, Tags,
)
from brief_cli.tagging.sectors import (
    NAME_FACTOR, SECTOR_MAX_MIN_SCORE, SECTOR_MIN_SCORE, SECTOR_MIN_SHARE,
    SECTOR_SCORE_PER_WORD, decide as decide_sectors, min_sector_score,
)
from brief_cli.tagging.tagger import Analysis, Tagger
from brief_cli.tagging.tokens import register_tokeniser as _register
from brief_cli.tagging.chinese import ChineseTokeniser as _Chinese, applies as _is_chinese

_register(_is_chinese, _Chinese())

__all__ = [
    "ActorMention", "Analysis", "Evidence", "Explanation", "FUZZY_CUTOFF", "FUZZY_MIN_LENGTH",
    "KIND_MIN_MARGIN", "KIND_MIN_SCORE", "KIND_MIN_SHARE_MARGIN", "KindDecision", "KindScore",
    "NAME_FACTOR", "SECTOR_MAX_MIN_SCORE", "SECTOR_MIN_SCORE", "SECTOR_MIN_SHARE",
    "SECTOR_SCORE_PER_WORD", "SectorScore", "Tagger", "Tags", "decide_sectors",
    "min_sector_score",
]
