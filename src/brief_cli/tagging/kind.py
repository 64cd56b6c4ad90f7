"""Kind: whether a passage is a challenge, an opportunity or plain context.

Kinds weigh the taxonomy's cue phrases inside the passage's structure: negation ("not a risk"),
solutions ("reduce the risks"), concessions ("despite the obstacles, ... can ..."), contrast
("however" and "but" favour what follows), past achievements (narrative, not a prospect),
announced lists ("faces several challenges. First, ... Second, ...") across passages. Plain
narrative is context. ``KindReader`` reads the passages of one document in order and returns,
for each, a ``KindDecision`` with the scores and the evidence behind them.
"""

from __future__ import annotations

from dataclasses import dataclass

from brief_cli.tagging.lexicon import Match
from brief_cli.tagging.results import Hit
from brief_cli.tagging.tokens import MARK_FIRST, Doc
from brief_cli.text import stem as _stem

KIND_MIN_SCORE = 1.0
KIND_MIN_MARGIN = 0.5  # challenge and opportunity evidence this close: the passage is context
KIND_MIN_SHARE_MARGIN = 0.15  # ... or this close relative to the stronger (long, mixed passages)
STRONG_CUE = 0.9  # the winning kind needs one cue this strong that is not a weak cue

# Words that turn a following cue around within a few words ("not a risk", "no obstacle").
_NEGATORS = frozenset("not no never without nor neither cannot hardly barely lack lacks "
                      "little absence".split())
# Verbs whose object is a problem being solved: "reduce the risks", "overcome obstacles".
_SOLVERS = frozenset(_stem(w) for w in """
address resolve solve counter reduce tackle overcome mitigate combat fight ease alleviate remove
eliminate lower prevent avoid manage handle curb cut minimise minimize offset cushion relieve
diminish limit defuse settle end fix bridge close narrow counteract combat confront beat
eradicate meet withstand help assist""".split())
# Sentence openers that favour what follows over what came before.
# ("That said" opens a contrast; "That" alone does not, nor "Still" as an adverb of time.)
_CONTRAST_OPENERS = frozenset("however but yet nevertheless nonetheless conversely".split())
# Openers of a conceded clause: its evidence counts little ("despite the obstacles, ...").
_CONCESSIVE = frozenset("despite although though notwithstanding while whilst albeit".split())
_MARKERS = _CONTRAST_OPENERS | _CONCESSIVE | {"spite"}
# Words that open the next item of an announced list ("Second, ...", "Finally, ...").
_ORDINALS = frozenset("first firstly second secondly third thirdly fourth fourthly fifth "
                      "finally lastly another additionally moreover furthermore".split())
_QUANTIFIERS = frozenset("several many numerous various multiple some two three four five "
                         "few key major serious main significant big huge biggest greatest "
                         "considerable number".split())
_PERFECT = frozenset("has have had having".split())
_DENIALS = frozenset("deny denies denied denying dismiss dismissed dismisses rejected rejects "
                     "refuted refutes rebuffed downplayed".split())
_BE = frozenset("am is are be been being remain remains feel".split())
_NOUN_ENDINGS = ("ment", "ments", "tion", "tions", "ity", "ities", "ship", "ships", "ance",
                 "ence", "ness", "al", "als")
_WORRIED_ABOUT = frozenset("about over that by at with for".split())  # "concerned about ..."
_THANKS = frozenset("""thank thanks thanked thanking grateful gratitude congratulate
congratulates congratulated congratulations commend commends commended""".split())
_ACTIVE_THREATS = frozenset("terrorism terrorist trafficking piracy extremism insurgency".split())
# Deontic frames that open a call or proposal ("it is essential to ...", "let us ..."): as
# strong as "must", no stronger, though they are phrases.
_FRAMES = frozenset(["let us", "it is necessary", "it is essential", "it is imperative",
                     "it is vital", "it is crucial", "it is important that",
                     "it is important to", "it is time to", "we need", "need for", "need to",
                     "needs to"])
_TAKE = frozenset("take takes took taking seize seizes seized use".split())
_MODALS = frozenset("can could should may might must will would".split())


@dataclass(frozen=True, slots=True)
class KindDecision:
    """The kind of one passage and why: the rule ("none": no cue strong enough, "mixed":
    challenge and opportunity too close, "best": the stronger wins), a hint from the document's
    structure (a list item, a "However," opener), both scores and their evidence."""

    kind: str
    rule: str
    hint: str
    challenge: float
    opportunity: float
    evidence: dict  # "challenge" | "opportunity" -> list of hits


class KindReader:
    """Reads the passages of one document in order, carrying lists and contrasts across them.

    A passage that announces a list ("faces several challenges") and starts it ("First, ...")
    makes the following "Second, ...", "And third, ..." passages the same kind; a passage
    opened by "However," leans against the kind of the passage before it.
    """

    def __init__(self) -> None:
        self.list_kind: str | None = None
        self.list_from = ""
        self.previous_kind: str | None = None
        self.pending: str | None = None  # an announcement at the end of the previous passage

    def state(self) -> tuple:
        """What the reader carries to the next passage (``restored`` takes it back)."""
        return self.list_kind, self.list_from, self.previous_kind, self.pending

    @classmethod
    def restored(cls, state: tuple) -> KindReader:
        reader = cls()
        reader.list_kind, reader.list_from, reader.previous_kind, reader.pending = state
        return reader

    def read(self, doc: Doc, matches: list[Match]) -> KindDecision:
        evidence = kind_evidence(doc, matches)
        opener = _ordinal(doc.lower[:2]) if doc.words else None
        bonus: dict[str, float] = {}
        hint = ""
        announced = _announcement(doc, evidence)
        if opener is not None and (self.list_kind or self.pending):
            if self.list_kind is None:
                self.list_kind, self.list_from = self.pending, "the list announced before"
            bonus[self.list_kind] = bonus.get(self.list_kind, 0.0) + 2.0
            hint = f"item {doc.words[opener]!r} of {self.list_from}"
        elif announced and _ordinal_after(doc, announced[1]) is not None:
            self.list_kind, self.list_from = announced[0], f"{announced[2]!r}"
            bonus[self.list_kind] = bonus.get(self.list_kind, 0.0) + 1.0
            first = doc.words[_ordinal_after(doc, announced[1])]
            hint = f"announces a list ({announced[2]!r}, then {first!r})"
        else:
            self.list_kind = None
        self.pending = announced[0] if announced and _ordinal_after(doc, announced[1]) is None \
            else None
        if doc.words and doc.lower[0] in _CONTRAST_OPENERS and self.previous_kind in (
                "challenge", "opportunity") and not bonus and evidence[
                other(self.previous_kind)]:
            # "But ..." after a challenge leans towards an opportunity only when the passage
            # says something of that kind itself: a contrast of facts ("But loans are a small
            # share of the debt") is no turn of judgement.
            turned = other(self.previous_kind)
            bonus[turned] = 1.0
            hint = f"{doc.words[0]!r} turns from the previous {self.previous_kind}"
        kind, rule, ch, op = decide_kind(evidence, bonus)
        self.previous_kind = kind
        return KindDecision(kind, rule, hint, ch, op, evidence)


# Cues that lean a passage's way without carrying it alone: they count half. Some name a topic
# more than a judgement: a debt or a sanction is an instrument; "debt burden", "debt crisis"
# or "harsh sanctions" carry the judgement (as phrases or through the other words).
WEAK_CUES = frozenset("""
together jointly mutual mutually cooperation establish build building launch launched achievement
achievements peace stability stable just fair support supports help helps progress dialogue reform
reforms reforming advance advancing contribute contribution partnership convention agreement treaty
initiative assistance aid grant relief gain gains hope positive effective efficient sustainable
achieve debt sanction""".split()) | {"establishment of", "set up", "access to"}


def kind_evidence(doc: Doc, matches: list[Match]) -> dict[str, list[Hit]]:
    """The cues of each kind in the passage, weighed by where they stand."""
    evidence: dict[str, list[Hit]] = {"challenge": [], "opportunity": []}
    if not matches:
        return evidence
    words = doc.words
    lower = doc.lower
    n = len(words)
    present = set(lower)  # the words asked about, once (not a scan of the list per question)
    markers = _MARKERS.intersection(present)
    factor: list[float] | None = None
    why: list[str] | None = None
    if markers:
        factor, why = [1.0] * n, [""] * n
        _weigh_structure(doc, markers, factor, why)
    # A denial reports a claim without taking it up: "officials denied a takeover", "far from a
    # debt crisis". Its sentence's cues count little.
    denied: dict[int, str] = {}
    if not _DENIALS.isdisjoint(present) or "far" in present:
        sentence = doc.sentence
        hoped = {m[0] for m in matches if m[2][0].target == "opportunity"}
        for k, w in enumerate(lower):
            if w in _DENIALS:
                denied.setdefault(sentence[k], words[k])
            elif w == "far" and k + 1 < n and lower[k + 1] == "from" and hoped.isdisjoint(
                    range(k + 2, k + 5)):
                # "far from a crisis" denies; "far from being resolved" negates (below)
                denied.setdefault(sentence[k], "far from")
    # A question asks rather than asserts: "How can we act?" claims no potential, "Is debt a
    # risk?" names no risk. Its cues count half (rhetorical questions lean, they do not judge).
    questions = _question_sentences(doc) if "?" in doc.text else ()
    # Thanks and congratulations look back on help given: "We thank the United Nations for its
    # support" is ceremony, not a prospect (nor is the crisis it helped with a new problem).
    thanked: dict[int, str] = {}
    if not _THANKS.isdisjoint(present):
        sentence = doc.sentence
        for k, w in enumerate(lower):
            if w in _THANKS:
                thanked.setdefault(sentence[k], words[k])
    problems = [m[0] for m in matches if m[2][0].target == "challenge" or len(m[2]) > 1]
    may_negate = not _NEGATORS.isdisjoint(present) or "n't" in doc.text or "far" in present
    may_solve = bool(problems) and not _SOLVERS.isdisjoint(doc.stems)
    # Fighting an active threat (terrorism, trafficking) is still telling of the threat: a
    # country's campaign against terrorism is a challenge it faces, not a prospect.
    fought: set[int] = set()
    if may_solve:
        for i, _j, entries, _note in matches:
            if entries[0].target == "challenge" and entries[0].matched in _ACTIVE_THREATS:
                k = _solver_at(doc, i)
                if k is not None:
                    fought.add(k)
    for i, j, entries, note in matches:
        if lower[i] == "concerned" and (i + 1 == n or lower[i + 1] not in _WORRIED_ABOUT):
            continue  # "as far as trade is concerned", "the parties concerned"
        # A cue inside a name ("Belt and Road Initiative", "Forum on ... Cooperation") is none.
        in_name = i > 0 and words[i][:1].isupper() and (
            words[i - 1][:1].isupper() or (j < n and words[j][:1].isupper())
            or lower[i - 1] in ("and", "of", "on", "for"))
        for e in entries:
            if e.target not in evidence:
                continue
            kind, weight = e.target, e.weight
            notes = [e.note] if e.note else []
            if in_name:
                weight = 0.0
                notes.append("in a name")
            elif denied and doc.sentence[i] in denied and not (
                    kind == "opportunity" and _far_from_before(lower, i)):
                weight *= 0.3
                notes.append(f"reported denial ({denied[doc.sentence[i]]!r})")
            elif e.matched in _FRAMES:
                weight = min(weight, 1.0)  # a frame of a call, not the call's content
            elif e.matched in WEAK_CUES:
                weight *= 0.5
                notes.append("weak cue")
            elif questions and doc.sentence[i] in questions:
                weight *= 0.5
                notes.append("in a question")
            if fought and i in fought and kind == "opportunity":
                weight = 0.0  # "to eliminate terrorism": the fight tells of the threat
                notes.append("fights an active threat")
            elif kind == "opportunity" and e.matched in ("opportunity", "chance") and i > 1 \
                    and lower[i - 2] in _TAKE and lower[i - 1] in ("this", "the", "that"):
                weight = 0.0  # "I take this opportunity to thank ...": a formula of speech
                notes.append("formula (\"take this opportunity\")")
            elif thanked and doc.sentence[i] in thanked:
                weight *= 0.3
                notes.append(f"in thanks ({thanked[doc.sentence[i]]!r})")
            if factor is not None and why[i]:
                weight *= factor[i]
                notes.append(why[i])
            neg = _negated(doc, i) if may_negate else None
            solver = _solved(doc, i) if may_solve and kind == "challenge" and not neg \
                else None
            previous = lower[i - 1] if i else ""
            if neg:
                kind = other(kind)
                weight *= 0.5
                notes.append(f"negated by {neg!r}")
            elif solver and e.matched in _ACTIVE_THREATS:
                notes.append(f"an active threat, fought ({solver!r})")
            elif solver:
                kind = "opportunity"
                weight *= 0.5
                notes.append(f"object of {solver!r}")
            elif kind == "opportunity" and problems and lower[i] in _MODALS and any(
                    i < p <= i + 6 for p in problems) and _same_clause(
                    doc, i, next(p for p in problems if i < p <= i + 6)):
                weight = 0.0
                notes.append("modal of a problem (\"could fail\")")
            elif kind == "opportunity" and (
                    _ed(lower[i]) or _ed(previous)
                    or previous in _PERFECT or (i > 1 and lower[i - 2] in _PERFECT)) \
                    and _past(words, lower, i, e.matched):
                weight *= 0.3
                notes.append("past: an achievement, not a prospect")
            elif previous in _QUANTIFIERS or (
                    previous == "of" and i > 1 and lower[i - 2] == "number"):
                weight *= 2.0
                notes.append(f"announced ({words[i - 1]} …)")
            evidence[kind].append((i, j, e.matched, weight, "; ".join(notes)))
    return evidence


def _weigh_structure(doc: Doc, markers: set[str], factor: list[float],
                     why: list[str]) -> None:
    """Contrast and concession: which words count more, which less, and why."""
    words = doc.words
    lower = doc.lower
    n = len(words)
    sentence = doc.sentence
    starts = doc.sentence_starts
    # A sentence opened by "however"/"but" outweighs the sentences before it.
    for si, start in enumerate(starts):
        if si > 0 and start < n and lower[start] in _CONTRAST_OPENERS:
            for k in range(0, start):
                factor[k] *= 0.5
                why[k] = why[k] or f"before {words[start]!r}"
            end = starts[si + 1] if si + 1 < len(starts) else n
            for k in range(start, end):
                factor[k] *= 1.5
                why[k] = why[k] or f"after {words[start]!r}"
    for k in [k for k, w in enumerate(lower) if w in markers]:
        w = lower[k]
        if w in ("but", "however", "yet") and k > 0 and sentence[k - 1] == sentence[k]:
            if w == "yet" and ((k + 1 < n and lower[k + 1] in ("to", "another")) or lower[
                    k - 1] in ("not", "as", "nor", "never") or lower[k - 1].endswith("n't")):
                continue  # "yet to", "not yet", "haven't yet": time, not a contrast
            if w == "but" and _not_only_before(lower, sentence, k):
                continue  # "not only X but (also) Y" adds Y to X, it does not set it against X
            sent = sentence[k]
            j = k - 1
            while j >= 0 and sentence[j] == sent:
                factor[j] *= 0.5
                why[j] = why[j] or f"before {words[k]!r}"
                j -= 1
            j = k + 1
            while j < n and sentence[j] == sent:
                factor[j] *= 1.5
                why[j] = why[j] or f"after {words[k]!r}"
                j += 1
        # Concession: "despite X, Y" / "although X, Y": X counts little, Y counts more.
        if w in _CONCESSIVE or (w == "spite" and k > 0 and lower[k - 1] == "in"):
            if w == "while" and k > 0 and sentence[k - 1] == sentence[k]:
                continue  # mid-sentence "while" mostly means "whereas" or "during"
            if w == "spite":
                k -= 1
            cl = doc.clause[k]
            sent = sentence[k]
            j = k
            while j < n and doc.clause[j] == cl:
                factor[j] *= 0.3
                why[j] = f"conceded ({words[k]})"
                j += 1
            if k == 0 or sentence[k - 1] != sent:  # the main clause follows
                while j < n and sentence[j] == sent:
                    factor[j] *= 1.3
                    why[j] = why[j] or f"main clause after {words[k]!r}"
                    j += 1


def decide_kind(evidence: dict[str, list[Hit]], bonus: dict[str, float]
                ) -> tuple[str, str, float, float]:
    """(kind, rule, challenge score, opportunity score); rule is "none", "mixed" or "best"."""
    scores = []
    for kind in ("challenge", "opportunity"):
        hits = evidence[kind]
        total = bonus.get(kind, 0.0) if bonus else 0.0
        if len(hits) == 1:
            total += hits[0][3]
        elif hits:
            seen: set[str] = set()
            for hit in hits:
                if hit[2] in seen:
                    total += hit[3] * 0.5  # a repeated cue adds half
                else:
                    seen.add(hit[2])
                    total += hit[3]
        scores.append(total)
    ch, op = scores
    high, low = (ch, op) if ch > op else (op, ch)
    if high < KIND_MIN_SCORE:
        return "context", "none", ch, op
    if high - low < max(KIND_MIN_MARGIN, KIND_MIN_SHARE_MARGIN * high):
        return "context", "mixed", ch, op
    kind = "challenge" if ch > op else "opportunity"
    if not (bonus and bonus.get(kind)) and not any(
            hit[3] >= STRONG_CUE and "weak cue" not in hit[4] for hit in evidence[kind]):
        return "context", "weak", ch, op  # only leanings: narrative, not a judgement
    return kind, "best", ch, op


def other(kind: str) -> str:
    return "opportunity" if kind == "challenge" else "challenge"


def _negated(doc: Doc, i: int) -> str | None:
    """The negating word within three words before i, in the same clause ("not a risk")."""
    lower = doc.lower
    for k in range(i - 1, max(-1, i - 4), -1):
        w = lower[k]
        if w == "from" and k > 0 and lower[k - 1] == "far" and doc.clause[k] == doc.clause[i]:
            return "far from"  # "far from being resolved": not resolved
        if w in _NEGATORS or w.endswith("n't"):
            if w == "not" and k + 1 < len(lower) and lower[k + 1] in ("only", "just", "merely"):
                return None
            if w == "no" and k + 1 < len(lower) and lower[k + 1] in ("longer", "doubt"):
                return None
            return w if doc.clause[k] == doc.clause[i] else None
    return None


def _solver_at(doc: Doc, i: int) -> int | None:
    """Where the solving verb before i is ("eliminate" in "to eliminate terrorism")."""
    stems = doc.stems
    for k in range(i - 1, max(-1, i - 4), -1):
        if stems[k] in _SOLVERS:
            return k if doc.clause[k] == doc.clause[i] else None
    return None


def _solved(doc: Doc, i: int) -> str | None:
    """The solving verb within three words before i ("reduce the risks", "overcome obstacles")."""
    stems = doc.stems
    for k in range(i - 1, max(-1, i - 4), -1):
        if stems[k] in _SOLVERS:
            return doc.words[k] if doc.clause[k] == doc.clause[i] else None
    return None


def _past(words: list[str], lower: list[str], i: int, cue: str) -> bool:
    """Whether an opportunity verb at i is told as done ("have strengthened", "helped deepen")."""
    w = lower[i]
    if i > 0 and lower[i - 1] in _BE:
        return False  # "we are encouraged", "is committed": a state, not a deed
    if _ed(w) and not cue.lower().endswith("ed") and cue.lower() != w:
        return True
    for k in range(i - 1, max(-1, i - 3), -1):
        if lower[k] in _PERFECT and k + 1 <= i and _participle(lower[k + 1]):
            return True  # "have strengthened", not "has significant advantages"
        if lower[k] in _MODALS or lower[k] == "to":
            return False
    if w.endswith(_NOUN_ENDINGS):
        return False  # "stated commitment", "renewed partnership": a noun, not a verb
    return i > 0 and _ed(lower[i - 1]) and lower[i - 1] != "united"


def _participle(word: str) -> bool:
    return word.endswith(("ed", "en", "wn", "ne", "ght", "lt")) or word in ("made", "led", "built")


def _ordinal(first_words: list[str]) -> int | None:
    """Index (0 or 1) of the list marker opening a passage: "Second, ..." or "And third, ..."."""
    for k, w in enumerate(first_words):
        if w in _ORDINALS:
            return k
        if w not in ("and", "then", "but"):
            return None
    return None


def _announcement(doc: Doc, evidence) -> tuple[str, int, str] | None:
    """A cue announced with a quantifier ("several challenges"): (kind, word index, words)."""
    for kind in ("challenge", "opportunity"):
        for i, j, _matched, _weight, note in evidence.get(kind, ()):
            if "announced" in note:
                return kind, i, " ".join(doc.words[i - 1:j])
    return None


def _same_clause(doc: Doc, a: int, b: int) -> bool:
    return doc.clause[a] == doc.clause[b]


def _ordinal_after(doc: Doc, index: int) -> int | None:
    """Where a sentence after index opens a list ("First, ..."), if one does."""
    for start in doc.sentence_starts:
        if start > index and start < len(doc.words) and doc.lower[start] in (
                "first", "firstly", "one"):
            return start
    return None


def _not_only_before(lower: list[str], sentence: list[int], k: int) -> bool:
    """Whether "but" at k closes a "not only / not just / not simply / not merely" in its
    sentence."""
    for j in range(k - 1, max(0, k - 15), -1):
        if sentence[j] != sentence[k]:
            return False
        if lower[j] in ("only", "just", "simply", "merely") and lower[j - 1] == "not":
            return True
    return False


def _question_sentences(doc: Doc) -> set[int]:
    """The sentences (by number) that end with a question mark."""
    sentence = doc.sentence
    found = set()
    words = 0
    for t in doc.tokens:
        if t[0] in MARK_FIRST:
            if t[0] == "?" and words:
                found.add(sentence[words - 1])
        else:
            words += 1
    return found


_PAST_EED = frozenset("agreed freed guaranteed decreed refereed".split())


def _ed(word: str) -> bool:
    """Whether a word looks like a past form: "launched", not "need", "indeed" or "speed"."""
    return word.endswith("ed") and len(word) > 3 and (
        not word.endswith("eed") or word in _PAST_EED) and word not in ("hundred", "embed")


def _far_from_before(lower: list[str], i: int) -> bool:
    """Whether "far from" stands within three words before i ("far from being resolved")."""
    return any(lower[k] == "from" and k > 0 and lower[k - 1] == "far"
               for k in range(max(1, i - 3), i))
