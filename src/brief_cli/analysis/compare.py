"""Two sides of a corpus side by side: sector and kind shares with a test of each difference,
distinctive terms, what only one side has, and passages that show the biggest differences.

- Shares: a side's passages carrying a sector (or of a kind) over its passages. Each
  difference is tested with a two-proportion z-test (pooled), or with Fisher's exact test
  when a cell of the 2x2 table expects fewer than 5 passages (small sides: the normal
  approximation fails there); with many sectors tested at once, p-values are Holm-adjusted and
  a difference counts as significant below 0.05.
- Terms: content-word stems (stop words left out), counted on each side. A term is
  distinctive for a side when it is relatively more frequent there, with Dunning's
  log-likelihood G2 >= 3.84 (p < 0.05); the effect size is Hardie's Log Ratio (1 = twice as
  frequent). Sides larger than ``TERM_SAMPLE`` (5,000) passages are counted on an evenly spread sample
  of that many passages, and the result says so.
- Representative passages: for the biggest significant sector differences, the passages of
  the side that has more of the sector, ranked by how many of that side's distinctive terms
  they contain.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from brief_cli.errors import UsageError
from brief_cli.filters import Filters
from brief_cli.model import KINDS

from brief_cli.analysis import stats
from brief_cli.analysis.source import Chosen, choose, texts

if TYPE_CHECKING:
    from brief_cli.analysis.rowcache import RowCache, Tags
    from brief_cli.analysis.terms import ContentWords
    from brief_cli.index import Index
    from brief_cli.search import TaxonomySource
    from brief_cli.taxonomy import Taxonomy

TERM_SAMPLE = 5_000
ALPHA = 0.05
MIN_TERM_COUNT = 3  # a distinctive term is used at least this often on its side


@dataclass(frozen=True)
class SideSpec:
    """What a side is: a name to show, a query (with inline filters) and filters."""

    name: str
    query: str = ""
    filters: Filters = field(default_factory=Filters)
    rest: bool = False  # everything the shared filters select that the other side does not


@dataclass(frozen=True)
class Side:
    name: str
    query: str
    filters: Filters  # resolved
    passages: int
    articles: int
    words: int  # content words counted for terms
    sampled: int  # passages whose words were counted (== passages unless sampled)


@dataclass(frozen=True)
class ShareDiff:
    """One sector, kind or actor on both sides. ``diff`` is a_share - b_share."""

    key: str
    label: str
    a_count: int
    b_count: int
    a_share: float
    b_share: float
    z: float
    p: float
    p_adjusted: float
    test: str = "z"  # "z" (two-proportion z-test) or "fisher" (Fisher's exact: small counts)

    @property
    def diff(self) -> float:
        return self.a_share - self.b_share

    @property
    def significant(self) -> bool:
        return self.p_adjusted < ALPHA


@dataclass(frozen=True)
class KeyTerm:
    """A term more frequent on ``side`` than on the other side."""

    term: str  # its most frequent spelling
    stem: str
    side: str  # "a" or "b"
    a_count: int
    b_count: int
    a_per_10k: float  # per 10,000 content words
    b_per_10k: float
    g2: float
    log_ratio: float  # positive: more on side a


@dataclass(frozen=True)
class Example:
    """Passages of one side that show one difference."""

    key: str  # sector id
    label: str
    side: str
    uids: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    a: Side
    b: Side
    overlap: int  # passages on both sides
    sectors: tuple[ShareDiff, ...]  # biggest absolute difference first
    kinds: tuple[ShareDiff, ...]  # challenge, opportunity, context
    actors: tuple[ShareDiff, ...]  # biggest absolute difference first (top ones)
    terms_a: tuple[KeyTerm, ...]
    terms_b: tuple[KeyTerm, ...]
    only_a_sectors: tuple[tuple[str, int], ...]
    only_b_sectors: tuple[tuple[str, int], ...]
    only_a_actors: tuple[tuple[str, int], ...]
    only_b_actors: tuple[tuple[str, int], ...]
    examples: tuple[Example, ...]
    filters: Filters = field(default_factory=Filters)  # shared by both sides

    @property
    def identical(self) -> bool:
        return self.overlap == self.a.passages == self.b.passages


def compare(index: Index, a: SideSpec, b: SideSpec, *, taxonomy: TaxonomySource,
            labels: Taxonomy | None = None, shared: Filters = Filters(), terms: int = 10,
            actors: int = 10, examples: int = 3, exact: bool = False) -> Comparison:
    """Compare side a with side b (see the module docstring). A side left empty is an error
    (NothingFound), as comparing with nothing says nothing."""
    from brief_cli.errors import NothingFound

    if a.rest and b.rest:
        raise UsageError("only one side can be 'the rest'")
    sides: dict[str, Chosen] = {}
    for key, spec in (("a", a), ("b", b)):
        if not spec.rest:
            sides[key] = choose(index, spec.query, shared.merge(spec.filters),
                                taxonomy=taxonomy, exact=exact)
    for key, spec in (("a", a), ("b", b)):
        if spec.rest:
            other = sides["b" if key == "a" else "a"]
            everything = choose(index, "", shared, taxonomy=taxonomy)
            sides[key] = Chosen(f"SELECT rowid FROM ({everything.sql}) EXCEPT "
                                f"SELECT rowid FROM ({other.sql})",
                                everything.params + other.params, "", everything.filters)
    for key, spec in (("a", a), ("b", b)):
        if not sides[key].count(index):
            raise NothingFound(f"side {key.upper()} ({spec.name}) has no passages",
                               hint="check its query and filters with: brief search ...")
    return build(index, sides["a"], sides["b"], a.name, b.name, labels=labels, shared=shared,
                 terms=terms, actors=actors, examples=examples)


@dataclass
class _Rows:
    """A side's passages in one pass over the index: rowids in corpus order, with their
    article and tag strings (counting them in Python costs less than a GROUP BY per column)."""

    rowids: list[int]
    articles: int
    kinds: Counter
    sectors: Counter  # a passage counts once for each of its sectors
    actors: Counter
    sector_strings: Sequence[str]  # the sectors of each passage of ``rowids``, for examples


_COLUMNS = "rowid, article, kind, sectors, actors"
_OWN_ROWS = "SELECT rowid FROM passages"


def _rows(index: Index, chosen: Chosen, tags: Tags | None = None) -> _Rows:
    if tags is not None:
        fast = _rows_of_tags(index, chosen, tags)
        if fast is not None:
            return fast
    if chosen.sql == _OWN_ROWS or chosen.sql.startswith(_OWN_ROWS + " WHERE "):
        # The side is a condition on the passages themselves (dates, tags): read the rows it
        # selects directly, rather than as a set of rowids to look up (a fifth of the time).
        sql = f"SELECT {_COLUMNS}{chosen.sql[len('SELECT rowid'):]}"
    else:
        sql = f"SELECT {_COLUMNS} FROM passages WHERE rowid IN ({chosen.sql})"
    rows = index.con.execute(sql, chosen.params).fetchall()
    if not rows:
        return _Rows([], 0, Counter(), Counter(), Counter(), ())
    rows.sort()
    rowids, articles, kinds, sectors, actors = zip(*rows)  # columns, in C
    return _Rows(list(rowids), len(set(articles)), Counter(kinds),
                 _split_counts(Counter(sectors)), _split_counts(Counter(actors)), sectors)


_RANGE = _OWN_ROWS + " WHERE rowid BETWEEN ? AND ?"  # a date range (rowid order is date order)


def _rows_of_tags(index: Index, chosen: Chosen, tags: Tags) -> _Rows | None:
    """What ``_rows`` reads from the index, from the tags kept beside it (``rowcache``):
    a side that is a range of rows is a slice of the arrays, any other a list of places in
    them. None when a row is not in the arrays (then the index is read)."""
    from bisect import bisect_left, bisect_right
    from operator import itemgetter

    ids = tags.rowids
    if chosen.sql == _OWN_ROWS and not chosen.params:
        places: range | list[int] = range(len(ids))
    elif (chosen.sql == _RANGE and len(chosen.params) == 2
          and all(type(v) is int for v in chosen.params)):
        places = range(bisect_left(ids, chosen.params[0]), bisect_right(ids, chosen.params[1]))
    else:
        wanted = sorted({r for (r,) in index.con.execute(f"SELECT rowid FROM ({chosen.sql})",
                                                          chosen.params)})
        where = tags.position()
        try:
            places = [where[r] for r in wanted]
        except KeyError:
            return None
    if not places:
        return _Rows([], 0, Counter(), Counter(), Counter(), ())
    if isinstance(places, range):
        cut = slice(places.start, places.stop)
        rowids = ids[cut].tolist()
        articles, kinds = tags.articles[cut], tags.kinds[cut]
        sectors, actors = tags.sectors[cut], tags.actors[cut]
    else:
        pick = itemgetter(*places) if len(places) > 1 else (lambda seq: (seq[places[0]],))
        rowids = list(pick(ids))
        articles, kinds = pick(tags.articles), pick(tags.kinds)
        sectors, actors = pick(tags.sectors), pick(tags.actors)
    sector_strings = itemgetter(*sectors)(tags.sector_lists) if len(sectors) > 1 else (
        tags.sector_lists[sectors[0]],)
    return _Rows(rowids, len(set(articles)), _named(Counter(kinds), tags.kind_names),
                 _split_counts(_named(Counter(sectors), tags.sector_lists)),
                 _split_counts(_named(Counter(actors), tags.actor_lists)), sector_strings)


def _named(by_code: Counter, names: list[str]) -> Counter:
    return Counter({names[code]: n for code, n in by_code.items()})


def _split_counts(by_string: Counter) -> Counter:
    out: Counter[str] = Counter()
    for tags, n in by_string.items():
        for t in set(tags.split()):
            out[t] += n
    return out


def build(index: Index, ca: Chosen, cb: Chosen, name_a: str, name_b: str, *,
          labels: Taxonomy | None = None, shared: Filters = Filters(), terms: int = 10,
          actors: int = 10, examples: int = 3, cache: bool = True) -> Comparison:
    """The comparison of two chosen sets of passages (``cache``: keep the passages' content
    words in the cache folder, see ``analysis.terms``)."""
    from brief_cli.analysis.rowcache import RowCache
    from brief_cli.analysis.terms import ContentWords

    # Each passage's content words and each word's stem are worked out once, then kept; the
    # passages' tags and words are kept by row as well (``analysis.rowcache``).
    content = ContentWords(use_cache=cache)
    rows = RowCache(index) if cache and index is not None else None
    tags = rows.tags() if rows is not None else None
    ra, rb = _rows(index, ca, tags), _rows(index, cb, tags)
    na, nb = len(ra.rowids), len(rb.rowids)
    overlap = len(set(ra.rowids).intersection(rb.rowids))

    def sector_label(k: str) -> str:
        s = labels.sector(k) if labels is not None else None
        return s.label if s else k

    def actor_label(k: str) -> str:
        return labels.actor_name(k) if labels is not None else k

    sec_a, sec_b = ra.sectors, rb.sectors
    act_a, act_b = ra.actors, rb.actors
    kind_a, kind_b = ra.kinds, rb.kinds
    sector_rows = _diffs(sec_a, sec_b, na, nb, sector_label)
    sector_rows.sort(key=lambda d: (-abs(round(d.diff, 12)), d.key))
    kind_rows = _diffs(kind_a, kind_b, na, nb, lambda k: k, keys=list(KINDS))
    actor_rows = _diffs(act_a, act_b, na, nb, actor_label)
    actor_rows.sort(key=lambda d: (-abs(round(d.diff, 12)), d.key))
    surface_a, sampled_a, counted_a = _surface_counts(index, ra.rowids, content, rows)
    surface_b, sampled_b, counted_b = _surface_counts(index, rb.rowids, content, rows)
    stem_of = content.stems_of(surface_a.keys() | surface_b.keys())
    words_a, stems_a = counted_a or _stem_counts(surface_a, stem_of)
    words_b, stems_b = counted_b or _stem_counts(surface_b, stem_of)
    terms_a, terms_b = _key_terms(stems_a, stems_b, words_a, words_b, (surface_a, surface_b),
                                  stem_of, terms)
    side_a = Side(name_a, ca.query, ca.filters, na, ra.articles, words_a, sampled_a)
    side_b = Side(name_b, cb.query, cb.filters, nb, rb.articles, words_b, sampled_b)

    def only(mine: Counter, theirs: Counter) -> tuple[tuple[str, int], ...]:
        return tuple((k, n) for k, n in sorted(mine.items(), key=lambda kv: (-kv[1], kv[0]))
                     if n and not theirs.get(k))

    ex = _examples(index, ra, rb, sector_rows, terms_a, terms_b, examples, content, rows)
    content.close()
    if rows is not None:
        rows.close()
    return Comparison(
        side_a, side_b, overlap, tuple(sector_rows), tuple(kind_rows),
        tuple(actor_rows[:actors]), terms_a, terms_b,
        only(sec_a, sec_b), only(sec_b, sec_a), only(act_a, act_b), only(act_b, act_a), ex, shared)


def _diffs(ca: Counter, cb: Counter, na: int, nb: int, label, keys=None) -> list[ShareDiff]:
    keys = keys if keys is not None else sorted(set(ca) | set(cb))
    tested = []
    for k in keys:
        x1, x2 = ca.get(k, 0), cb.get(k, 0)
        z, p = stats.two_proportion_z(x1, na, x2, nb)
        if stats.small_counts(x1, na, x2, nb):
            tested.append((z, stats.fisher_exact(x1, na, x2, nb), "fisher"))
        else:
            tested.append((z, p, "z"))
    adjusted = stats.holm([p for _, p, _ in tested])
    return [ShareDiff(k, label(k), ca.get(k, 0), cb.get(k, 0),
                      ca.get(k, 0) / na if na else 0.0, cb.get(k, 0) / nb if nb else 0.0,
                      z, p, pa, test)
            for k, (z, p, test), pa in zip(keys, tested, adjusted)]


def _sample(rows: Sequence, size: int) -> Sequence:
    if len(rows) <= size:
        return rows
    step = len(rows) / size
    return tuple(rows[int(i * step)] for i in range(size))


def _surface_counts(index: Index | None, rowids: list[int], content: ContentWords,
                    rows: RowCache | None = None
                    ) -> tuple[Counter[str], int, tuple[int, Counter[str]] | None]:
    """(words as written, counted; passages counted; what ``_stem_counts`` gives, when
    counted on the way): an evenly spread sample of TERM_SAMPLE passages when there are more.
    Of a text that is not cut as Chinese, only the content words are counted (the others
    count for nothing)."""
    from brief_cli.summary import _chinese_words  # summaries' content words

    chosen = _sample(rowids, TERM_SAMPLE)
    if index is None:
        return Counter(), 0, None
    pairs, han = _words(index, chosen, content, rows)
    if han and index.con.execute(  # Chinese is cut into words, as summaries do
            "SELECT 1 FROM articles WHERE language LIKE 'zh%' LIMIT 1").fetchone() is not None:
        surface, _ = content.count_pairs([p for r, p in pairs.items() if r not in han])
        for text in texts(index, [r for r in pairs if r in han]).values():
            surface.update(_chinese_words(text))
        return surface, len(chosen), None
    surface, stems = content.count_pairs(list(pairs.values()))
    return surface, len(chosen), (sum(stems.values()), stems)


def _words(index: Index, rowids: Sequence[int], content: ContentWords,
           rows: RowCache | None) -> tuple[dict[int, str], set[int]]:
    """The content words (``word/stem`` pairs) of the passages that have a text, and those
    whose text holds Chinese."""
    if rows is not None:
        return rows.words(rowids, content)
    from brief_cli.analysis.rowcache import words_of

    return words_of(index, rowids, content)


def _stem_counts(surface: Counter[str], stem_of: dict[str, str | None]
                 ) -> tuple[int, Counter[str]]:
    """(content words, counts per stem); spellings are looked up later, for the few stems
    that are shown."""
    stems: Counter[str] = Counter()
    for word, n in surface.items():
        s = stem_of[word]
        if s is not None:
            stems[s] += n
    return sum(stems.values()), stems


def _word_counts(text: str) -> Counter[str]:
    """``Counter(words(text))``, faster: a word never spans white space, so the text is
    cut at white space (in C), the chunks counted, and each distinct chunk tokenised once (a
    chunk of letters and digits alone is one word: ``isalnum`` is the regex's letter class)."""
    from brief_cli.text import WORD_RE

    findall = WORD_RE.findall
    out: Counter[str] = Counter()
    for chunk, n in Counter(text.split()).items():
        if chunk.isalnum():
            out[chunk] += n
        else:
            for w in findall(chunk):
                out[w] += n
    return out


def _spelling(forms: dict[str, int]) -> str:
    return min(forms.items(), key=lambda kv: (-kv[1], not kv[0].islower(), kv[0]))[0]


def _spellings(stems: set[str], surfaces, stem_of) -> dict[str, str]:
    """The most frequent spelling of each stem, over both sides' words as written."""
    forms: dict[str, dict[str, int]] = {}
    for surface in surfaces:
        for word, n in surface.items():
            s = stem_of[word]
            if s in stems:
                mine = forms.setdefault(s, {})
                mine[word] = mine.get(word, 0) + n
    return {s: _spelling(f) for s, f in forms.items()}


def _key_terms(ca: Counter, cb: Counter, c: int, d: int, surfaces, stem_of, limit: int):
    found: dict[str, list[tuple]] = {"a": [], "b": []}
    if c == 0 or d == 0:
        return (), ()
    # a term must be used MIN_TERM_COUNT times on its side: only those stems are candidates
    candidates = {s for s, n in ca.items() if n >= MIN_TERM_COUNT}
    candidates.update(s for s, n in cb.items() if n >= MIN_TERM_COUNT)
    for s in candidates:
        a, b = ca.get(s, 0), cb.get(s, 0)
        if a / c == b / d:
            continue
        side = "a" if a / c > b / d else "b"
        if (a if side == "a" else b) < MIN_TERM_COUNT:
            continue
        g2 = stats.log_likelihood(a, b, c, d)
        if g2 < stats.G2_P05:
            continue
        found[side].append((round(g2, 9), s, a, b, g2))
    # Ranked by G2, ties by spelling: spell only the stems that can make the cut (those tied
    # with the last one shown included).
    shown: dict[str, list[tuple]] = {}
    for side in ("a", "b"):
        rows = sorted(found[side], key=lambda r: -r[0])
        if limit <= 0:
            shown[side] = []
            continue
        if len(rows) > limit:
            cut = rows[limit - 1][0]
            rows = [r for r in rows if r[0] >= cut]
        shown[side] = rows
    spelled = _spellings({r[1] for rows in shown.values() for r in rows}, surfaces, stem_of)
    out = []
    for side in ("a", "b"):
        terms = [KeyTerm(spelled[s], s, side, a, b, a / c * 10_000, b / d * 10_000, g2,
                         stats.log_ratio(a, b, c, d)) for _r, s, a, b, g2 in shown[side]]
        terms.sort(key=lambda t: (-round(t.g2, 9), t.term.casefold(), t.stem))
        out.append(tuple(terms[:limit]))
    return out[0], out[1]


def _examples(index: Index, ra: _Rows, rb: _Rows, sector_rows, terms_a, terms_b, n: int,
              content: ContentWords, rows: RowCache | None = None):
    """Up to three biggest significant sector differences, each with n passages."""
    if n <= 0 or index is None:
        return ()
    from brief_cli.summary import content_words

    out = []
    for d in [d for d in sector_rows if d.significant and d.diff][:3]:
        side = "a" if d.diff > 0 else "b"
        mine = ra if side == "a" else rb
        key_stems = {t.stem for t in (terms_a if side == "a" else terms_b)}
        wanted = f" {d.key} "
        holding = {tags for tags in set(mine.sector_strings) if wanted in f" {tags} "}
        chosen = [r for r, tags in zip(mine.rowids, mine.sector_strings) if tags in holding]
        candidates = _sample(chosen, 300)
        pairs, han = _words(index, candidates, content, rows)
        plain = [r for r in pairs if r not in han]
        tokens = dict(zip(plain, content.of_pairs([pairs[r] for r in plain])))
        chinese = texts(index, [r for r in pairs if r in han]) if han else {}
        known = content.stems
        scored = []
        for rowid in candidates:
            ws = tokens.get(rowid)
            if rowid in chinese:  # cut into words as summaries do
                stems_here = {s for s, _ in content_words(chinese[rowid])}
            else:
                stems_here = {known[w] for w in ws or ()}
            scored.append((-len(stems_here & key_stems), rowid))
        scored.sort()
        best = [rowid for _, rowid in scored[:n]]
        uids = dict(_uids(index, best))
        out.append(Example(d.key, d.label, side, tuple(uids[r] for r in best if r in uids)))
    return tuple(out)


def _uids(index: Index, rowids: list[int]):
    """(rowid, passage id) of these passages."""
    if not rowids:
        return []
    marks = ",".join("?" * len(rowids))
    return [(r, f"{aid}#{pid}") for r, aid, pid in index.con.execute(
        "SELECT p.rowid, a.id, p.pid FROM passages p JOIN articles a ON a.rowid = p.article "
        f"WHERE p.rowid IN ({marks})", rowids)]
