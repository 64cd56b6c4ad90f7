"""What ``brief index`` reports, counted on a corpus small enough to count by hand, and the
index kept right through renames and id changes between runs."""

from __future__ import annotations

import json
import os

import pytest

from brief_cli import config
from brief_cli.filters import Filters
from brief_cli.index import open_index
from brief_cli.search import search
from brief_cli.taxonomy import load_taxonomy
from helpers import article_yaml


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(config.bundled_taxonomy_path())


def _write(root, article_id, *texts, name=None):
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{name or article_id}.yaml"
    path.write_text(article_yaml(article_id, [{"text": t} for t in texts]), encoding="utf-8")
    return path


def test_index_counts_articles_passages_stems_words_and_broken_files(run, tmp_path):
    root = tmp_path / "c"
    _write(root, "a", "Alpha beta.", "Beta gamma.")
    _write(root, "b", "Gamma deltas. Delta.")
    (root / "c.yaml").write_text("id: [broken\n", encoding="utf-8")
    r = run("index", "--corpus", root, "-f", "json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    # words of the passages' text: alpha beta gamma deltas delta; stems: delta for both
    assert {k: data[k] for k in ("articles", "passages", "terms", "words", "files",
                                 "broken_files")} == {
        "articles": 2, "passages": 3, "terms": 4, "words": 5, "files": 3, "broken_files": 1}
    assert data["bytes"] == os.stat(data["path"]).st_size
    assert data["action"] == "rebuilt" and data["built_at"][:4].isdigit()
    assert "c.yaml" in r.stderr  # the broken file is named
    (root / "c.yaml").unlink()
    data = json.loads(run("index", "--corpus", root, "-f", "json").stdout)
    assert (data["files"], data["broken_files"], data["articles"]) == (2, 0, 2)


def _found(root, taxonomy, query):
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        return [h.uid for h in search(ix, query, Filters(), taxonomy=taxonomy, limit=None).hits]


def test_a_renamed_file_is_one_article_still(tmp_path, taxonomy):
    root = tmp_path / "c"
    path = _write(root, "note", "Zeppelins over the steppe.")
    _write(root, "other", "Balloons over the sea.")
    assert _found(root, taxonomy, "zeppelins") == ["note#p01"]
    path.rename(root / "renamed.yaml")
    assert _found(root, taxonomy, "zeppelins") == ["note#p01"]
    (root / "sub").mkdir()
    (root / "renamed.yaml").rename(root / "sub" / "moved.yaml")
    assert _found(root, taxonomy, "zeppelins") == ["note#p01"]
    assert _found(root, taxonomy, "balloons") == ["other#p01"]


def test_an_article_whose_id_changed_is_found_under_the_new_id_only(tmp_path, taxonomy):
    root = tmp_path / "c"
    _write(root, "old-id", "Zeppelins over the steppe.", name="note")
    assert _found(root, taxonomy, "zeppelins") == ["old-id#p01"]
    _write(root, "new-id", "Zeppelins over the steppe.", "And a second passage.", name="note")
    assert _found(root, taxonomy, "zeppelins") == ["new-id#p01"]
    assert _found(root, taxonomy, "second") == ["new-id#p02"]


def test_an_article_with_more_passages_than_a_slot_holds_is_skipped_with_the_fix(
        tmp_path, taxonomy, monkeypatch):
    """The limit is 65,536 passages: lowered here so that a small article passes it."""
    from brief_cli.index import updates as index_mod

    monkeypatch.setattr(index_mod, "MAX_PASSAGES", 2)
    root = tmp_path / "c"
    _write(root, "long", "Zeppelins one.", "Zeppelins two.", "Zeppelins three.")
    _write(root, "short", "Zeppelins four.")
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        (problem,) = ix.problems()
        assert search(ix, "zeppelins", Filters(), taxonomy=taxonomy, limit=None).total == 1
    assert problem.path == root / "long.yaml"
    assert problem.message == "more than 2 passages"
    assert problem.hint == "split the article into several files"


# Reading without the writer's lock ----------------------------------------------------------

def _hold_lock(ix_path):
    """Take the writer's lock of an index, as a running build holds it; returns its fd."""
    import fcntl

    from brief_cli.index import index_base

    fd = os.open(str(index_base(ix_path)) + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _open_in_thread(root, taxonomy, timeout=10.0):
    """open_index in a thread: (finished in time, search hits of "alpha", the folders looked at
    again)."""
    import threading

    out = {}

    def work():
        with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
            out["uids"] = [h.uid for h in search(ix, "alpha", Filters(), taxonomy=taxonomy,
                                                 limit=None).hits]
            out["rebuilt"] = ix.refresh.rebuilt

    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(timeout)
    return not t.is_alive(), out


@pytest.fixture
def scans(monkeypatch):
    """The folders each open of the index looked at again (a partial look: the full look of
    every file is made due only by time, here an hour away)."""
    from brief_cli.index import freshness as index_mod

    monkeypatch.setattr(index_mod, "FULL_CHECK_FILES", 0)
    # folders changed in the last seconds are looked at again every time (a coarse clock may
    # not show a second change): here every change is seconds old, and the clock is fine
    monkeypatch.setattr(index_mod, "RACY_NS", 0)
    monkeypatch.setenv("BRIEF_INDEX_RECHECK", "3600")
    seen: list[list[str]] = []
    original = index_mod._scan_folders

    def spy(root, starts, *a, **kw):
        seen.append(sorted(starts))
        return original(root, starts, *a, **kw)

    monkeypatch.setattr(index_mod, "_scan_folders", spy)
    return seen


def test_an_unchanged_index_is_read_while_a_writer_holds_its_lock(tmp_path, taxonomy, scans):
    root = tmp_path / "c"
    _write(root, "a", "Alpha beta.")
    _write(root / "sub", "b", "Alpha gamma.")
    with open_index(root, taxonomy.path, lambda: taxonomy):
        pass
    fd = _hold_lock(root)
    try:
        done, out = _open_in_thread(root, taxonomy)
        assert done, "a search of an unchanged corpus waited for the writer"
        assert out == {"uids": ["a#p01", "b#p01"], "rebuilt": False}
        # a folder whose files did not change (a note added) is no reason to wait either
        (root / "sub" / "notes.txt").write_text("not an article", encoding="utf-8")
        del scans[:]
        done, out = _open_in_thread(root, taxonomy)
        assert done and out["uids"] == ["a#p01", "b#p01"]
        assert scans == [["sub/"]]
        # ... and the writer holding the lock, the change is not recorded: seen again
        del scans[:]
        assert _open_in_thread(root, taxonomy)[0]
        assert scans == [["sub/"]]
    finally:
        os.close(fd)
    # The lock free, the reader records the folder as it now is: the next run looks at nothing
    del scans[:]
    assert _open_in_thread(root, taxonomy)[0]
    assert scans == [["sub/"]]
    del scans[:]
    done, out = _open_in_thread(root, taxonomy)
    assert done and out["uids"] == ["a#p01", "b#p01"]
    assert scans == [[]]


def test_a_folder_gone_without_articles_changes_no_answer(tmp_path, taxonomy, scans):
    root = tmp_path / "c"
    _write(root, "a", "Alpha beta.")
    (root / "drafts").mkdir()
    (root / "drafts" / "todo.txt").write_text("later", encoding="utf-8")
    with open_index(root, taxonomy.path, lambda: taxonomy):
        pass
    (root / "drafts" / "todo.txt").unlink()
    (root / "drafts").rmdir()
    done, out = _open_in_thread(root, taxonomy)
    assert done and out["uids"] == ["a#p01"]
    del scans[:]
    assert _open_in_thread(root, taxonomy)[0]
    assert scans == [[]]  # the folder is not looked for again


# Building ------------------------------------------------------------------------------------

def _corpus_of_five(root):
    _write(root, "a", "Alpha beta.", "Beta gamma.")
    _write(root, "b", "Alpha deltas.")
    _write(root / "sub", "c", "Gamma alpha alpha.")
    (root / "broken.yaml").write_text("id: [broken\n", encoding="utf-8")
    _write(root, "a", "Alpha again.", name="z-duplicate")  # the id of a.yaml again
    return root


def _answers(ix, taxonomy):
    out = []
    for query, filters in (("alpha", {}), ("gamma", {}), ("alpha", {"articles": ("b",)})):
        r = search(ix, query, Filters(**filters), taxonomy=taxonomy, limit=None)
        out.append([(h.uid, h.text, h.spans, round(h.score, 9)) for h in r.hits])
    return out


def _problems(ix):
    return sorted((str(p.path), p.message) for p in ix.problems())


def test_a_build_reports_its_progress_file_by_file(tmp_path, taxonomy):
    root = _corpus_of_five(tmp_path / "c")
    calls = []
    with open_index(root, taxonomy.path, lambda: taxonomy,
                    progress=lambda done, total: calls.append((done, total))) as ix:
        assert ix.refresh.rebuilt
    assert calls == [(i, 5) for i in range(1, 6)]
    calls.clear()
    for reuse in (True, False):  # copying unchanged files or parsing every one
        calls.clear()
        with open_index(root, taxonomy.path, lambda: taxonomy, rebuild=True, reuse=reuse,
                        progress=lambda done, total: calls.append((done, total))):
            pass
        assert calls and calls[-1] == (5, 5), reuse


def test_a_build_names_the_stages_that_read_no_files(tmp_path, taxonomy):
    """After the last file, a build merges the index and ranks the impact lists (about 40 s at
    a million passages): a display that can show stages is told, one that cannot is not."""
    root = _corpus_of_five(tmp_path / "c")
    seen = []

    class Display:
        def __call__(self, done, total):
            seen.append((done, total))

        def stage(self, name):
            seen.append(name)

    with open_index(root, taxonomy.path, lambda: taxonomy, progress=Display()) as ix:
        assert ix.refresh.rebuilt
    assert seen == [(i, 5) for i in range(1, 6)] + ["merging", "ranking"]


def test_a_rebuild_that_copies_unchanged_files_keeps_their_problems_and_answers(tmp_path,
                                                                               taxonomy):
    root = _corpus_of_five(tmp_path / "c")
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        before, problems = _answers(ix, taxonomy), _problems(ix)
    assert [m.split(":")[0] for _p, m in problems] and all(
        p.startswith(str(root)) for p, _m in problems)
    assert {os.path.basename(p) for p, _m in problems} == {"broken.yaml", "z-duplicate.yaml"}
    with open_index(root, taxonomy.path, lambda: taxonomy, rebuild=True) as ix:
        assert ix.refresh.rebuilt and ix.refresh.copied >= 3
        assert _answers(ix, taxonomy) == before
        assert _problems(ix) == problems


def test_files_parsed_by_worker_processes_index_as_in_one(tmp_path, taxonomy, monkeypatch):
    from brief_cli.index import parsing as index_mod

    root = _corpus_of_five(tmp_path / "c")
    words = "SELECT len, word, n FROM words ORDER BY len, word"
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        alone, problems = _answers(ix, taxonomy), _problems(ix)
        alone_words = ix.con.execute(words).fetchall()
    assert ("alpha", 3) in [(w, n) for _len, w, n in alone_words]
    from brief_cli.index import build

    ways = []
    made = build._Surface.__init__
    monkeypatch.setattr(build._Surface, "__init__",
                        lambda self, path, apart=True: ways.append(apart) or made(
                            self, path, apart=apart))
    monkeypatch.setattr(index_mod, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(index_mod, "_workers", lambda: 2)
    with open_index(root, taxonomy.path, lambda: taxonomy, rebuild=True, reuse=False) as ix:
        assert ix.refresh.rebuilt and ix.refresh.copied == 0
        assert _answers(ix, taxonomy) == alone
        assert _problems(ix) == problems
        # the surface words were counted in a process of their own
        assert ix.con.execute(words).fetchall() == alone_words
    assert ways == [True]


def test_an_index_of_articles_without_a_folder_answers_as_the_folders_does(tmp_path, taxonomy):
    from brief_cli.corpus import load_corpus
    from brief_cli.index import memory_index_of

    root = _corpus_of_five(tmp_path / "c")
    _write(root, "d", "Gamma rays, alpha rays.")
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        expected = _answers(ix, taxonomy)
    loaded = load_corpus(root, taxonomy)
    with memory_index_of(list(loaded.corpus.articles)) as ix:
        assert ix.path is None and ix.problems() == []
        assert _answers(ix, taxonomy) == expected


def test_a_locked_index_is_told_from_a_damaged_one():
    import sqlite3

    from brief_cli.index import is_busy

    assert is_busy(sqlite3.OperationalError("database is locked"))
    assert is_busy(sqlite3.OperationalError("Database Is BUSY"))
    assert not is_busy(sqlite3.OperationalError("no such table: passages"))
    assert not is_busy(sqlite3.DatabaseError("database disk image is malformed"))
    assert not is_busy(OSError("locked"))


def test_a_new_file_earlier_in_order_takes_an_id_over_and_gives_it_back(tmp_path, taxonomy,
                                                                      monkeypatch):
    """The first file in path order wins an id, also when it is added after the other was
    indexed; removed again, the other file is the article once more."""
    monkeypatch.setenv("BRIEF_INDEX_RECHECK", "0")
    root = tmp_path / "c"
    _write(root / "b", "x", "Zeppelin over the steppe.")
    _write(root, "y", "Other words.")

    def state():
        with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
            found = {q: [h.text for h in search(ix, q, Filters(), taxonomy=taxonomy,
                                                limit=None).hits]
                     for q in ("zeppelin", "airship")}
            return found, [(p.path.relative_to(root).as_posix(), p.message, p.hint)
                           for p in ix.problems()], ix.stats(), (ix.refresh.rebuilt, ix.warnings)

    assert state()[0] == {"zeppelin": ["Zeppelin over the steppe."], "airship": []}
    _write(root / "a", "x", "Airship over the steppe.")
    found, problems, stats, how = state()
    assert how == (False, [])  # done in place: no rebuild, nothing to warn about
    assert found == {"zeppelin": [], "airship": ["Airship over the steppe."]}
    assert problems == [("b/x.yaml", "duplicate article id 'x'",
                         f"already used by {root / 'a' / 'x.yaml'}; give this article another id")]
    assert (stats.articles, stats.files, stats.broken) == (2, 3, 1)
    (root / "a" / "x.yaml").unlink()
    found, problems, stats, how = state()
    assert how == (False, [])
    assert found == {"zeppelin": ["Zeppelin over the steppe."], "airship": []}
    assert problems == [] and (stats.articles, stats.files, stats.broken) == (2, 2, 0)


def test_the_taxonomy_kept_in_the_index_is_the_one_it_was_built_with(tmp_path, taxonomy):
    root = _corpus_of_five(tmp_path / "c")
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        kept = ix.taxonomy()
    assert kept.path == taxonomy.path
    assert [(k.id, k.label) for k in kept.kinds] == [(k.id, k.label) for k in taxonomy.kinds]
    assert [(s.id, s.label) for s in kept.sectors] == [(s.id, s.label)
                                                       for s in taxonomy.sectors]
    assert kept.actors == taxonomy.actors  # names, types, codes, aliases, demonyms, capitals


def test_an_index_that_cannot_be_written_is_built_in_memory_with_its_problems(
        tmp_path, taxonomy, monkeypatch):
    root = _corpus_of_five(tmp_path / "c")
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        expected, problems = _answers(ix, taxonomy), _problems(ix)
    real_access = os.access
    monkeypatch.setattr(os, "access",
                        lambda path, mode: False if mode == os.W_OK else real_access(path, mode))
    calls = []
    with open_index(root, taxonomy.path, lambda: taxonomy,
                    progress=lambda done, total: calls.append((done, total))) as ix:
        assert (ix.path, ix.refresh.rebuilt, ix.refresh.reason) == (None, True, "in memory")
        from brief_cli.index import index_base

        assert ix.warnings[0] == (f"cannot write the search index in "
                                  f"{str(index_base(root).parent)!r}; building a temporary one "
                                  "in memory")
        stats = ix.stats()  # built now, in this process: no build time or date stored
        assert (stats.built_at, stats.build_seconds) == ("", 0.0)
        assert _answers(ix, taxonomy) == expected and _problems(ix) == problems
        assert ix.stats().articles == 3 and ix.refresh.seconds > 0
    assert calls[-1] == (5, 5)


def _set_meta(path, key, value):
    import sqlite3

    con = sqlite3.connect(str(path))
    con.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
    con.commit()
    con.close()


@pytest.mark.parametrize("verify", [False, True])  # a search, `brief index`
def test_why_an_index_is_built_again_and_when_the_user_is_told(tmp_path, taxonomy, verify):
    """A stale index (another version, other settings) is rebuilt silently; a damaged one with
    one warning naming the file and the damage. Either way the answers are the same."""
    root = _corpus_of_five(tmp_path / "c")

    def reopen(**kw):
        with open_index(root, taxonomy.path, lambda: taxonomy, verify=verify, **kw) as ix:
            return ix.refresh, ix.warnings, _answers(ix, taxonomy), ix.path

    refresh, warnings, expected, path = reopen()
    assert (refresh.rebuilt, refresh.reason, warnings) == (True, "no index yet", [])
    refresh, warnings, answers, path = reopen(rebuild=True)
    assert (refresh.rebuilt, refresh.reason, warnings, answers) == (
        True, "rebuild asked", [], expected)
    refresh, warnings, answers, path = reopen()
    assert (refresh.rebuilt, warnings, answers) == (False, [], expected)
    for key, value, reason in (("schema", "0", "made by another version"),
                               ("tokenizer", "unicode61", "settings changed"),
                               ("taxonomy", "other", "taxonomy changed")):
        _set_meta(path, key, value)
        refresh, warnings, answers, path = reopen()
        assert (refresh.rebuilt, refresh.reason, warnings, answers) == (
            True, reason, [], expected), key
    with open(path, "r+b") as f:
        f.truncate(path.stat().st_size - 512)  # part of the last page lost
    refresh, warnings, answers, new = reopen()
    assert (refresh.rebuilt, refresh.reason, answers) == (True, "truncated", expected)
    assert warnings == [f"search index {str(path)!r} is damaged (truncated); rebuilding it"]
    new.write_bytes(b"this is not a database at all" * 100)
    refresh, warnings, answers, _ = reopen()
    assert refresh.rebuilt and answers == expected and len(warnings) == 1
    assert warnings[0].startswith(f"search index {str(new)!r} is damaged (")
    assert warnings[0].endswith("); rebuilding it")


def test_every_file_is_looked_at_again_when_the_recheck_is_due(tmp_path, taxonomy, scans,
                                                              monkeypatch):
    """Between full looks a run looks only at folders that changed; a full look is due when
    the last one is older than the recheck interval, unknown, or in the future (the clock was
    set back), and at every run with an interval of 0."""
    from brief_cli.index import index_base

    root = tmp_path / "c"
    _write(root, "a", "Alpha beta.")
    _write(root / "sub", "b", "Alpha gamma.")
    assert _open_in_thread(root, taxonomy)[0]  # built: every file looked at
    stamp = str(index_base(root)) + ".checked"

    def look():
        del scans[:]
        done, out = _open_in_thread(root, taxonomy)
        assert done and out["uids"] == ["a#p01", "b#p01"]
        return scans[0]

    assert look() == []  # nothing changed, nothing due
    os.utime(stamp, (1, 1))  # long ago
    assert look() == [""]
    assert look() == []  # that full look was recorded
    future = 2 ** 40
    os.utime(stamp, (future, future))
    assert look() == [""]
    os.remove(stamp)
    assert look() == [""]
    assert look() == []
    monkeypatch.setenv("BRIEF_INDEX_RECHECK", "0")
    assert look() == [""] and look() == [""]


def test_every_tag_of_a_passage_is_kept_on_a_build_and_on_a_refresh(tmp_path, taxonomy,
                                                                    monkeypatch):
    """Kind, sectors, actors and review state as the file has them: after a full build, and for
    an article added by an incremental refresh; and found by their filters."""
    monkeypatch.setenv("BRIEF_INDEX_RECHECK", "0")
    root = tmp_path / "c"
    root.mkdir()
    passages = [{"text": "Rail freight to the port.", "kind": "challenge",
                 "sectors": ["trade", "energy"], "actors": ["kazakhstan", "china"]},
                {"text": "Rail tourism grows.", "kind": "opportunity", "sectors": ["tourism"],
                 "actors": ["uzbekistan"], "reviewed": False}]
    (root / "a.yaml").write_text(article_yaml("a-note", passages, published="2023-01-01"),
                                 encoding="utf-8")

    def tags():
        with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
            hits = search(ix, "rail", Filters(), taxonomy=taxonomy, limit=None).hits
            by_actor = search(ix, "", Filters(actors=("china",)), taxonomy=taxonomy,
                              limit=None).hits
            return (sorted((h.uid, h.kind, h.sectors, h.actors, h.reviewed) for h in hits),
                    [h.uid for h in by_actor], (ix.refresh.rebuilt, ix.refresh.parsed))

    expected = [("a-note#p01", "challenge", ("trade", "energy"), ("kazakhstan", "china"), True),
                ("a-note#p02", "opportunity", ("tourism",), ("uzbekistan",), False)]
    assert tags() == (expected, ["a-note#p01"], (True, 1))
    (root / "b.yaml").write_text(article_yaml("b-note", passages, published="2024-01-01"),
                                 encoding="utf-8")
    found, by_actor, how = tags()
    assert how == (False, 1)  # the new file alone was read, and added to the index in place
    assert found == expected + [("b" + u[1:], *rest) for u, *rest in expected]
    assert by_actor == ["a-note#p01", "b-note#p01"]


def test_a_command_that_wrote_a_file_refreshes_an_index_only_where_one_was_built(
        tmp_path, taxonomy):
    from brief_cli.index import index_base, refresh_if_built

    root = tmp_path / "c"
    _write(root, "a", "Alpha.")
    base = index_base(root)
    assert refresh_if_built(root, taxonomy.path, lambda: taxonomy) is False
    assert not list(base.parent.glob(base.name + "*"))  # no index was built
    assert _found(root, taxonomy, "alpha") == ["a#p01"]
    _write(root, "b", "Alpha again.")
    assert refresh_if_built(root, taxonomy.path, lambda: taxonomy) is True
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        assert (ix.refresh.parsed, ix.refresh.rebuilt) == (0, False)  # nothing left to do
        assert [h.uid for h in search(ix, "alpha", Filters(), taxonomy=taxonomy,
                                      limit=None).hits] == ["a#p01", "b#p01"]


def test_the_problems_of_broken_files_read_back_the_same_on_every_open(tmp_path, taxonomy,
                                                                       monkeypatch):
    """A broken file's problem, as the build stored it: its path in the corpus, line, message
    and hint, the same when the index is read again without a write (no lock taken), after a
    refresh, and beside the build's own figures."""
    monkeypatch.setenv("BRIEF_INDEX_RECHECK", "0")
    root = tmp_path / "c"
    _write(root, "a", "Alpha.")
    (root / "sub").mkdir()
    (root / "sub" / "bad.yaml").write_text("id: x\ntitle: [broken\n", encoding="utf-8")

    def read():
        with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
            stats = ix.stats()
            return ([(p.path, p.line, p.message, p.hint, p.severity) for p in ix.problems()],
                    stats.build_seconds, stats.built_at, ix.refresh.rebuilt)

    first, seconds, built_at, rebuilt = read()
    assert rebuilt and seconds > 0 and built_at
    ((path, line, message, _hint, severity),) = first
    assert (path, line, severity) == (root / "sub" / "bad.yaml", 3, "error") and message
    assert read() == (first, seconds, built_at, False)  # read back, no lock, nothing parsed
    _write(root, "b", "Beta.")  # a refresh under the writer's lock
    assert read() == (first, seconds, built_at, False)


def test_the_first_file_in_path_order_wins_an_id_in_memory_too(tmp_path, taxonomy, monkeypatch):
    """Path order is by folder then name ("a/x.yaml" before "a-z.yaml", though "-" sorts
    before "/"): an index built in memory lets the same file win as the one on disk."""
    from brief_cli.index import memory_index_of

    root = tmp_path / "c"
    _write(root / "a", "x", "Zeppelin in a folder.")
    _write(root, "x", "Airship beside it.", name="a-z")

    def winner():
        hits = search(ix, "zeppelin OR airship", Filters(), taxonomy=taxonomy, limit=None).hits
        return [h.text for h in hits], sorted((str(p.path), p.message) for p in ix.problems())

    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        on_disk = winner()
    assert on_disk[0] == ["Zeppelin in a folder."]
    assert {path for path, _message in on_disk[1]} == {str(root / "a-z.yaml")}
    real_access = os.access
    monkeypatch.setattr(os, "access",
                        lambda path, mode: False if mode == os.W_OK else real_access(path, mode))
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        assert ix.path is None and winner() == on_disk
    from brief_cli.corpus import load_corpus

    with memory_index_of(list(load_corpus(root, taxonomy).corpus.articles)) as ix:
        assert ix.refresh.reason == "in memory" and ix.refresh.rebuilt


def test_an_article_takes_the_last_free_slot_before_the_first_then_a_rebuild_comes(
        tmp_path, taxonomy, monkeypatch):
    """Articles added before the first one take the free slots below it, down to the last
    one; when none is left the index is built again, in the same order."""
    from brief_cli.index import build

    root = tmp_path / "c"
    (root).mkdir()
    (root / "d.yaml").write_text(article_yaml("d", [{"text": "Delta port."}],
                                              published="2024-04-01"), encoding="utf-8")
    with monkeypatch.context() as m:
        m.setattr(build, "SLOT_LIMIT", 4)  # one article: slot 2, slots 0 and 1 below it
        open_index(root, taxonomy.path, lambda: taxonomy).close()
    rebuilt = []
    for name, day in (("c", "2024-03-01"), ("b", "2024-02-01")):
        (root / f"{name}.yaml").write_text(article_yaml(name, [{"text": f"{name} port."}],
                                                        published=day), encoding="utf-8")
        with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
            rebuilt.append(ix.refresh.rebuilt)
            listed = [h.article_id for h in search(ix, "port", Filters(), taxonomy=taxonomy,
                                                   limit=None, exact=True).hits]
            ordered = [h.article_id for h in search(ix, "", Filters(kinds=("context",)),
                                                    taxonomy=taxonomy, limit=None).hits]
        assert sorted(listed) == sorted(ordered) == ordered
    assert rebuilt == [False, True]  # slot 1 was free; below it, only slot 0: no room


def test_a_refresh_reads_what_changed_until_more_than_half_the_files_did(tmp_path, taxonomy,
                                                                         monkeypatch):
    """In a corpus of 112 files: one new file is read alone, in place; 56 edited files (more
    than 50, and half, not more) are still read in place; 60 (more than half) mean a rebuild.
    The answers are the files' own either way."""
    monkeypatch.setenv("BRIEF_INDEX_RECHECK", "0")
    root = tmp_path / "c"
    for i in range(111):
        _write(root, f"n{i:03d}", f"Note {i} on rail.")

    def refresh(query):
        with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
            found = len(search(ix, query, Filters(), taxonomy=taxonomy, limit=None).hits)
            return ix.refresh.rebuilt, ix.refresh.parsed, found

    assert refresh("rail") == (True, 111, 111)
    _write(root, "extra", "An extra note on ports.")
    assert refresh("ports") == (False, 1, 1)
    for i in range(0, 112, 2):  # 56 files, each between two unchanged ones
        _write(root, f"n{i:03d}", f"Note {i} on roads, edited.")
    assert refresh("roads") == (False, 56, 56)
    for i in range(60):
        _write(root, f"n{i:03d}", f"Note {i} on canals, edited again.")
    assert refresh("canals")[::2] == (True, 60)


def test_an_open_says_how_long_it_took(tmp_path, taxonomy):
    import time

    root = _corpus_of_five(tmp_path / "c")
    for _ in range(2):  # a build, then a read of the index as it is
        t0 = time.perf_counter()
        with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
            elapsed = time.perf_counter() - t0
            assert 0 < ix.refresh.seconds <= elapsed


def test_a_refresh_with_a_touched_file_still_reads_the_edited_ones(tmp_path, taxonomy,
                                                                   monkeypatch):
    """A file touched (same bytes, new time) beside files edited, one with accented words:
    one refresh in place reads the edited ones and only them."""
    monkeypatch.setenv("BRIEF_INDEX_RECHECK", "0")
    root = tmp_path / "c"
    for name in "abcd":
        _write(root, name, f"Plain note {name}.")
    assert _found(root, taxonomy, "note") == ["a#p01", "b#p01", "c#p01", "d#p01"]
    os.utime(root / "a.yaml", ns=(10**18, 10**18))  # touched: same content, another time
    _write(root, "b", "Côte d’Ivoire exports cocoa.")
    _write(root, "d", "Zürich banks lend.")
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        assert (ix.refresh.rebuilt, ix.refresh.parsed, ix.warnings) == (False, 2, [])
        for query, uid in (("cote", "b#p01"), ("zurich", "d#p01"), ("zurcih", "d#p01")):
            assert [h.uid for h in search(ix, query, Filters(), taxonomy=taxonomy,
                                          limit=None).hits] == [uid], query


def test_an_index_is_kept_on_disk_in_a_cache_folder_not_made_yet(tmp_path, taxonomy,
                                                                monkeypatch):
    cache = tmp_path / "not" / "made" / "yet"
    monkeypatch.setenv("BRIEF_CACHE_DIR", str(cache))
    root = tmp_path / "c"
    _write(root, "a", "Alpha.")
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        assert ix.warnings == [] and ix.path is not None and ix.path.is_relative_to(cache)
