"""Writing articles into an index: inserting, removing and demoting articles (id clashes), the
surface-word counts and word lists, and the incremental refresh that uses them."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from brief_cli.checkpoint import reached
from brief_cli.errors import Problem
from brief_cli.index.freshness import Sig, _folder, _hash_file, _order, _stat_sig, _View
from brief_cli.index.parsing import _Copied, _head_key, _parsed, _Prepared
from brief_cli.index.schema import (
    MAX_PASSAGES, PASSAGE_BITS, SLOT_LIMIT, WORD_RE, ProgressFn, RefreshStats, _tag_text, _tags,
    slot_range)
from brief_cli.lang.segment import char_text, index_text

if TYPE_CHECKING:
    from brief_cli.index.build import _Stage
    from brief_cli.model import Article

FULL_REBUILD_SHARE = 0.5  # above this share of changed files, rebuild from scratch


class _NoRoom(Exception):
    """No free slot between two articles: the index must be rebuilt to space them again."""


def _refresh(con: sqlite3.Connection, root: Path, taxonomy, progress, view: _View, *,
             verify: bool = False) -> RefreshStats | None:
    """Bring the index up to date in one transaction; None when a full rebuild is better.

    ``verify`` (with a full view): also hash the files whose signature is unchanged, and read
    again those whose content differs from what was indexed.
    """
    stats = RefreshStats()
    on_disk, known = view.on_disk, view.known
    removed = [p for p in known if p not in on_disk]
    changed = [p for p, st in on_disk.items() if known.get(p) != st]
    if verify:
        hashes = dict(con.execute("SELECT path, hash FROM files"))
        changed += [p for p, st in on_disk.items() if known.get(p) == st
                    and _hash_file(root / p) != hashes.get(p)]
    if not removed and not changed and not view.dirs and not view.gone:
        return stats
    if changed and len(changed) > max(
            50, FULL_REBUILD_SHARE * con.execute("SELECT count(*) FROM files").fetchone()[0]):
        return None
    con.execute("BEGIN IMMEDIATE")
    try:
        # Same content, new signature (a touch, a checkout, a rename of the same bytes):
        # remember the new signature only.
        really: list[str] = []
        for rel in changed:
            old = known.get(rel)
            if old is not None and old[0] == on_disk[rel][0]:
                row = con.execute("SELECT hash FROM files WHERE path = ?", (rel,)).fetchone()
                if row and row[0] and _hash_file(root / rel) == row[0]:
                    con.execute("UPDATE files SET mtime_ns = ?, ctime_ns = ?, ino = ? "
                                "WHERE path = ?", (*on_disk[rel][1:], rel))
                    continue
            really.append(rel)
        _apply(con, root, taxonomy, on_disk, sorted(really, key=_order), removed, progress,
               stats)
        for d in view.gone:
            con.execute("DELETE FROM dirs WHERE path = ?", (d,))
        con.executemany("INSERT OR REPLACE INTO dirs VALUES (?, ?, ?, ?, ?)",
                        [(d, *sig, skipped) for d, (sig, skipped) in view.dirs.items()])
        reached("index-refresh")
        con.execute("COMMIT")
    except _NoRoom:
        con.execute("ROLLBACK")
        return None
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    return stats


def _problem_json(problems: list[Problem], root: Path) -> str:
    rows = []
    for p in problems:
        rows.append([p.message, p.line, p.column, p.hint, p.severity])
    return json.dumps(rows, ensure_ascii=False)


def _apply(con, root: Path, taxonomy, on_disk: dict[str, Sig], parse_rels: list[str],
           removed: list[str], progress: ProgressFn | None, stats: RefreshStats,
           stage: _Stage | None = None, plan: _Plan | None = None) -> None:
    """Remove deleted files, (re)parse changed ones, and settle article id clashes.

    With ``stage`` (a full build into an empty index) passages are staged and placed at the end.
    With ``plan`` (a full build whose corpus order was read ahead) ``parse_rels`` come in that
    order and each article goes straight to its planned slot; an article whose order was not
    foreseen waits, and is given a free slot between its neighbours at the end.
    """
    words: Counter[str] = Counter()
    freed: set[str] = set()  # article ids whose file went away: a waiting duplicate may win
    if stage is None and plan is None:
        for rel in removed + parse_rels:
            freed |= _remove_file(con, rel, words)
    for rel in removed:
        con.execute("DELETE FROM files WHERE path = ?", (rel,))
    stats.removed = len(removed)

    # A refresh inserting several articles: their slots spread over the gaps they fall in.
    spaced = _spaced_slots(con, root, parse_rels) \
        if stage is None and plan is None and len(parse_rels) > 1 else {}
    total = len(parse_rels)
    done = 0
    previous = stage.previous if stage is not None else plan.previous if plan else None
    full = stage is not None or plan is not None
    waiting: list[tuple] = []  # (planned builds) articles whose place was not foreseen
    parsed = _parsed(root, parse_rels, taxonomy, not full, previous)
    for item in _then(parsed, waiting):
        rel, digest, article, problems, file_words = item
        slot = None
        if plan is not None and article is not None and item[-1] is not _WAITED:
            slot = plan.slot_of(rel, article)
            if slot is None:
                waiting.append((*item[:4], _WAITED))
                continue
        sig = on_disk.get(rel) or _stat_sig(root / rel)
        status = "broken"
        article_id = None
        if article is not None and len(article.passages) > MAX_PASSAGES:
            problems = list(problems) + [Problem(
                root / rel, f"more than {MAX_PASSAGES:,} passages",
                hint="split the article into several files")]
            article = None
        if article is not None:
            article_id = article.id
            holder = con.execute("SELECT file FROM articles WHERE id = ?", (article.id,)
                                 ).fetchone()
            if holder is not None and _order(holder[0]) < _order(rel):
                status = "duplicate"
                problems = list(problems) + [Problem(
                    root / rel, f"duplicate article id {article.id!r}",
                    hint=f"already used by {root / holder[0]}; give this article another id")]
            else:
                if holder is not None:  # this file comes first: it takes the id over
                    _demote(con, root, holder[0], rel, words)
                placed = _insert_article(con, rel, article, stage, slot, full,
                                         spaced.get(rel))
                if isinstance(article, _Copied):
                    stats.copied += 1
                if stage is not None:
                    stage.ranges[placed[0]] = (placed[1], placed[2])
                if plan is not None:
                    plan.surface.add([r[6] for r in article.rows])
                status = "ok"
                if file_words is not _WAITED:
                    words.update(file_words)
        con.execute("INSERT OR REPLACE INTO files(path, folder, size, mtime_ns, ctime_ns, ino,"
                    " hash, status, article_id, problems) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (rel, _folder(rel), *sig, digest, status, article_id,
                     _problem_json(problems, root)))
        freed.discard(article_id)
        done += 1
        if full and done == 1:
            reached("index-write")
        if progress is not None:
            progress(done, total)
    stats.parsed = total
    # A duplicate whose winner went away takes its place (parsed again, in path order).
    for article_id in sorted(freed):
        if con.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
            continue
        waiting = [r[0] for r in con.execute(
            "SELECT path FROM files WHERE status = 'duplicate' AND article_id = ?",
            (article_id,))]
        if waiting:
            first = min(waiting, key=_order)
            con.execute("DELETE FROM files WHERE path = ?", (first,))
            _apply(con, root, taxonomy, on_disk, [first], [], None, RefreshStats())
    if plan is not None:
        # counted later, after the surface words' counts (see _Plan.count_words)
        plan.removed = words
        return
    _add_words(con, words)


_WAITED = Counter()  # stands for the word counts of an article that waited (it has none)


def _then(first, waiting: list):
    """The items of ``first``, then those put in ``waiting`` meanwhile."""
    yield from first
    while waiting:
        yield waiting.pop(0)


class _Plan:
    """A full build's corpus order, read ahead of parsing (see ``build._read_ahead``): the slot of
    each file whose article order was foreseen, the surface-word counter the passages go to,
    and the generation to copy unchanged files from."""

    def __init__(self, slots: dict[str, tuple[int, tuple[str, str]]], surface, previous=None):
        self.slots = slots  # rel -> (slot, (published, id) foreseen)
        self.surface = surface
        self.previous = previous
        self.removed: Counter[str] = Counter()  # words of articles demoted on the way

    def count_words(self, con) -> None:
        """Add the surface words of every passage given to the counter to the index, then
        take off those of the articles that lost their id to another."""
        con.executemany("INSERT INTO words(len, word, n) VALUES (?, ?, ?) "
                        "ON CONFLICT(len, word) DO UPDATE SET n = n + excluded.n",
                        [(len(term), term, n) for term, n in self.surface.finish()])
        _add_words(con, self.removed)

    def slot_of(self, rel: str, article) -> int | None:
        """The planned slot, if the article is the one foreseen there."""
        planned = self.slots.get(rel)
        if planned is None or not isinstance(article, _Prepared):
            return None
        slot, key = planned
        return slot if key == (article.row[7], article.row[0]) else None


def _demote(con, root: Path, rel: str, winner: str, words: Counter[str]) -> None:
    _remove_file(con, rel, words)
    row = con.execute("SELECT problems, article_id FROM files WHERE path = ?", (rel,)).fetchone()
    problems = json.loads(row[0]) if row else []
    problems.append([f"duplicate article id {row[1]!r}" if row else "duplicate article id",
                     None, None, f"already used by {root / winner}; give this article another id",
                     "error"])
    con.execute("UPDATE files SET status = 'duplicate', problems = ? WHERE path = ?",
                (json.dumps(problems, ensure_ascii=False), rel))


def _remove_file(con, rel: str, words: Counter[str]) -> set[str]:
    """Drop the article a file held (its passages, FTS rows and word counts)."""
    row = con.execute("SELECT rowid, id, slot FROM articles WHERE file = ?", (rel,)).fetchone()
    if row is None:
        return set()
    article_rowid, article_id, slot = row
    lo, hi = slot_range(slot)
    texts = [r[0] for r in con.execute("SELECT text FROM fts WHERE rowid BETWEEN ? AND ?",
                                         (lo, hi))]
    for text in texts:
        words.subtract(set(WORD_RE.findall(text.lower())))
    _changed(con, lo, hi, texts, -1)
    con.execute("DELETE FROM fts WHERE rowid BETWEEN ? AND ?", (lo, hi))
    con.execute("DELETE FROM passages WHERE rowid BETWEEN ? AND ?", (lo, hi))
    con.execute("DELETE FROM articles WHERE rowid = ?", (article_rowid,))
    return {article_id}


def _changed(con, lo: int, hi: int, texts: list[str], sign: int) -> None:
    """Passages lo..hi are removed or added by an incremental refresh: the impact lists must
    not vouch for them, and their stems' counts follow (see ``brief_cli.impact``)."""
    if con.execute("SELECT 1 FROM meta WHERE key = 'impact'").fetchone():
        from brief_cli import impact

        impact.changed(con, lo, hi, texts, sign)


def _spaced_slots(con, root: Path, rels: list[str]) -> dict[str, int]:
    """Slots for the articles a refresh is about to insert, as their files' first lines place
    them (see ``parsing._head_key``): the articles that fall between the same two neighbours
    share the gap evenly. Taking the middle of what is left for each one in turn would halve
    the room every time, and some 30 new articles in a row (a new session of speeches, all
    dated alike) would use it up and force a full rebuild."""
    keyed = sorted((key, _order(rel), rel) for rel in rels
                   if (key := _head_key(root / rel)) is not None)
    gaps: dict[tuple[int, int], list[str]] = {}
    for key, _o, rel in keyed:
        gaps.setdefault(_neighbours(con, key), []).append(rel)
    out: dict[str, int] = {}
    for (lo, hi), members in gaps.items():
        if hi - lo > len(members):
            for j, rel in enumerate(members, 1):
                out[rel] = lo + (hi - lo) * j // (len(members) + 1)
    return out


def _neighbours(con, key: tuple[str, str]) -> tuple[int, int]:
    """The slots of the articles just before and just after ``key`` (published, id) in corpus
    order (0 and SLOT_LIMIT at the ends)."""
    before = con.execute(
        "SELECT slot FROM articles WHERE (published, id) < (?, ?) AND slot IS NOT NULL "
        "ORDER BY published DESC, id DESC LIMIT 1", key).fetchone()
    after = con.execute(
        "SELECT slot FROM articles WHERE (published, id) > (?, ?) AND slot IS NOT NULL "
        "ORDER BY published, id LIMIT 1", key).fetchone()
    return (before[0] if before else 0), (after[0] if after else SLOT_LIMIT)


def _free_slot(con, article: Article | _Prepared, wanted: int | None = None) -> int:
    """A slot between the article's neighbours in corpus order: ``wanted`` if it still is
    one, else the middle of the gap."""
    key = (article.row[7], article.row[0]) if isinstance(article, _Prepared) \
        else (article.published.isoformat(), article.id)
    lo, hi = _neighbours(con, key)
    if wanted is not None and lo < wanted < hi:
        return wanted
    if hi - lo < 2:
        raise _NoRoom()
    return (lo + hi) // 2


def _insert_article(con, rel: str, article: Article, stage: _Stage | None,
                    slot: int | None = None, full: bool = False, wanted: int | None = None
                    ) -> tuple[int, int, int]:
    """Insert an article; its passages go to the stage (staged full build), to ``slot`` (a
    planned full build) or straight in, at a free slot (``wanted`` if it is one).

    Returns (article rowid, first and last stage rowid) when staged."""
    if stage is not None and not isinstance(article, _Prepared):
        article = _Prepared.of(rel, article)
    if isinstance(article, _Prepared) and stage is None:
        if slot is None:
            slot = _free_slot(con, article)
        cur = con.execute(
            "INSERT INTO articles(slot, id, file, title, source, section, authors, author_note,"
            " published, url, language, n_passages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (slot, article.id, rel, *article.row[2:]))
        base = slot << PASSAGE_BITS
        if not full:
            _changed(con, *slot_range(slot), [r[6] for r in article.rows], 1)
        con.executemany(
            "INSERT INTO passages(rowid, article, idx, pid, kind, sectors, actors, reviewed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(base + r[0], cur.lastrowid, *r[:6]) for r in article.rows])
        con.executemany("INSERT INTO fts(rowid, text, tags, cjk) VALUES (?, ?, ?, ?)",
                        [(base + r[0], r[6], r[7], r[8]) for r in article.rows])
        return cur.lastrowid, 0, 0
    if isinstance(article, _Prepared):  # parsed by a worker, or copied
        cur = con.execute(
            "INSERT INTO articles(slot, id, file, title, source, section, authors, author_note,"
            " published, url, language, n_passages) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article.id, rel, *article.row[2:]))
        first = stage.next
        stage.next += len(article.rows)
        con.executemany(
            "INSERT INTO stage.rows(rowid, idx, pid, kind, sectors, actors, reviewed, text, tags,"
            " cjk) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(first + i, *r) for i, r in enumerate(article.rows)])
        return cur.lastrowid, first, stage.next - 1
    slot = _free_slot(con, article, wanted)
    cur = con.execute(
        "INSERT INTO articles(slot, id, file, title, source, section, authors, author_note,"
        " published, url, language, n_passages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (slot, article.id, rel, article.title, article.source, article.section,
         json.dumps(list(article.authors), ensure_ascii=False), article.author_note,
         article.published.isoformat(), article.url, article.language, len(article.passages)))
    article_rowid = cur.lastrowid
    base = slot << PASSAGE_BITS
    _changed(con, *slot_range(slot), [index_text(p.text) for p in article.passages], 1)
    con.executemany(
        "INSERT INTO passages(rowid, article, idx, pid, kind, sectors, actors, reviewed) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(base + p.index, article_rowid, p.index, p.id, p.kind, _tags(p.sectors),
          _tags(p.actors), int(p.reviewed)) for p in article.passages])
    con.executemany("INSERT INTO fts(rowid, text, tags, cjk) VALUES (?, ?, ?, ?)",
                    [(base + p.index, index_text(p.text), _tag_text(p.kind, p.sectors, p.actors),
                      char_text(p.text)) for p in article.passages])
    return article_rowid, 0, 0


def _add_words(con, words: Counter[str]) -> None:
    """Fold the surface words (case and accents) and add their passage counts."""
    from brief_cli.text import fold

    merged: Counter[str] = Counter()
    for word, n in words.items():
        if n:
            merged[fold(word) if not word.isascii() else word] += n
    con.executemany(
        "INSERT INTO words(len, word, n) VALUES (?, ?, ?) "
        "ON CONFLICT(len, word) DO UPDATE SET n = n + excluded.n",
        [(len(w), w, n) for w, n in sorted(merged.items()) if w])
    con.execute("DELETE FROM words WHERE n <= 0")
    _word_lists(con, sorted({len(w) for w in merged}))


def _word_lists(con, lengths: list[int] | None = None) -> None:
    """One newline-joined list of words per length: a typo lookup reads a few rows instead of
    tens of thousands (the rows are what costs, not comparing the words)."""
    if lengths is None:
        con.execute("DELETE FROM word_lists")
        con.execute("INSERT INTO word_lists SELECT len, group_concat(word, char(10)) "
                    "FROM words GROUP BY len")
        return
    for n in lengths:
        con.execute("DELETE FROM word_lists WHERE len = ?", (n,))
        con.execute("INSERT INTO word_lists SELECT len, group_concat(word, char(10)) "
                    "FROM words WHERE len = ? GROUP BY len", (n,))
