"""The on-disk index: building, incremental refresh, damaged caches, concurrency."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from brief_cli import config
from brief_cli.filters import Filters
from brief_cli.index import _current, index_base, open_index, scan
from brief_cli.search import search
from brief_cli.taxonomy import load_taxonomy
from helpers import article_yaml


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(config.bundled_taxonomy_path())


def opened(root, taxonomy, **kw):
    return open_index(root, taxonomy.path, lambda: taxonomy, **kw)


def uids(ix, taxonomy, query):
    return [h.uid for h in search(ix, query, Filters(), taxonomy=taxonomy, limit=None).hits]


def write(root: Path, article_id: str, *texts: str, **meta) -> Path:
    path = root / f"{article_id}.yaml"
    path.write_text(article_yaml(article_id, [{"text": t} for t in texts], **meta),
                    encoding="utf-8")
    return path


def bump_mtime(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def test_first_open_builds_then_reuses(small_corpus, taxonomy):
    with opened(small_corpus, taxonomy) as ix:
        assert ix.refresh.rebuilt and ix.refresh.parsed == 2
        assert uids(ix, taxonomy, "pipeline") == ["energy-outlook#p01", "energy-outlook#p02"]
    with opened(small_corpus, taxonomy) as ix:
        assert not ix.refresh.rebuilt and ix.refresh.parsed == 0


def test_the_index_lives_in_the_cache_folder(small_corpus, taxonomy, isolated_env):
    with opened(small_corpus, taxonomy) as ix:
        assert Path(ix.path).parent == isolated_env / "index"
    assert index_base(small_corpus) != index_base(small_corpus.parent)


def test_edit_add_delete_are_picked_up(small_corpus, taxonomy):
    with opened(small_corpus, taxonomy) as ix:
        assert uids(ix, taxonomy, "zeppelin") == []
    path = write(small_corpus, "tourism-note", "Zeppelin tours are back.")
    bump_mtime(path)
    write(small_corpus, "airship-news", "A zeppelin landed.", published="2020-01-01")
    (small_corpus / "energy-outlook.yaml").unlink()
    with opened(small_corpus, taxonomy) as ix:
        assert not ix.refresh.rebuilt
        assert ix.refresh.parsed == 2 and ix.refresh.removed == 1
        assert uids(ix, taxonomy, "zeppelin") == ["airship-news#p01", "tourism-note#p01"]
        assert uids(ix, taxonomy, "pipeline") == []
        assert uids(ix, taxonomy, "arrivals") == []
        assert ix.stats().articles == 2 and ix.stats().passages == 2
        # word counts follow: the words of the deleted article are gone
        words = {r[0] for r in ix.con.execute("SELECT word FROM words")}
        assert "zeppelin" in words and "pipelines" not in words


def test_a_touched_file_is_not_parsed_again(small_corpus, taxonomy):
    opened(small_corpus, taxonomy).close()
    bump_mtime(small_corpus / "tourism-note.yaml")
    with opened(small_corpus, taxonomy) as ix:
        assert ix.refresh.parsed == 0 and not ix.refresh.rebuilt
    with opened(small_corpus, taxonomy) as ix:  # the new mtime was remembered
        assert ix.refresh.parsed == 0


def test_same_size_new_content_is_parsed(small_corpus, taxonomy):
    path = small_corpus / "tourism-note.yaml"
    opened(small_corpus, taxonomy).close()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("doubled", "tripled"), encoding="utf-8")
    bump_mtime(path)
    with opened(small_corpus, taxonomy) as ix:
        assert ix.refresh.parsed == 1
        assert uids(ix, taxonomy, "tripled") == ["tourism-note#p01"]


def test_broken_files_are_recorded_and_recovered(small_corpus, taxonomy):
    bad = small_corpus / "bad.yaml"
    bad.write_text("id: bad\ntitle: [oops\n", encoding="utf-8")
    with opened(small_corpus, taxonomy) as ix:
        problems = ix.problems()
        assert [p.path.name for p in problems] == ["bad.yaml"]
        assert problems[0].message.startswith("YAML syntax error")
    write(small_corpus, "bad", "Now a fine zeppelin.")
    bump_mtime(bad)
    with opened(small_corpus, taxonomy) as ix:
        assert ix.problems() == []
        assert uids(ix, taxonomy, "zeppelin") == ["bad#p01"]


def test_duplicate_ids_first_file_wins_and_the_other_takes_over(small_corpus, taxonomy):
    sub = small_corpus / "z"
    sub.mkdir()
    write(sub, "tourism-note", "Another zeppelin.")  # z/tourism-note.yaml: same id, later path
    with opened(small_corpus, taxonomy) as ix:
        assert uids(ix, taxonomy, "zeppelin") == []
        assert [p.message for p in ix.problems()] == ["duplicate article id 'tourism-note'"]
    (small_corpus / "tourism-note.yaml").unlink()
    with opened(small_corpus, taxonomy) as ix:
        assert uids(ix, taxonomy, "zeppelin") == ["tourism-note#p01"]
        assert ix.problems() == []


def test_scan_matches_the_corpus_loader(small_corpus):
    from brief_cli.corpus import corpus_files

    (small_corpus / ".hidden").mkdir()
    write(small_corpus / ".hidden", "secret", "x")
    (small_corpus / ".dot.yaml").write_text("x", encoding="utf-8")
    (small_corpus / "notes.txt").write_text("x", encoding="utf-8")
    (small_corpus / "sub").mkdir()
    write(small_corpus / "sub", "deep", "x")
    (small_corpus / "sub" / "UPPER.YML").write_text("x", encoding="utf-8")
    expected = sorted(str(p.relative_to(small_corpus)) for p in corpus_files(small_corpus))
    assert sorted(scan(small_corpus)) == expected


def test_taxonomy_change_rebuilds(small_corpus, taxonomy, tmp_path):
    opened(small_corpus, taxonomy).close()
    copy = tmp_path / "taxonomy.yaml"
    copy.write_text(Path(taxonomy.path).read_text(encoding="utf-8") + "\n# changed\n",
                    encoding="utf-8")
    with open_index(small_corpus, copy, lambda: load_taxonomy(copy)) as ix:
        assert ix.refresh.rebuilt and ix.refresh.reason == "taxonomy changed"
        assert not ix.warnings


def test_rebuild_on_request(small_corpus, taxonomy):
    opened(small_corpus, taxonomy).close()
    with opened(small_corpus, taxonomy, rebuild=True) as ix:
        assert ix.refresh.rebuilt
    files = sorted(p.name for p in Path(ix.path).parent.iterdir())
    assert [f for f in files if f.endswith(".db")] == [Path(ix.path).name]  # old one removed


@pytest.mark.parametrize("damage", ["garbage", "truncate", "foreign", "empty"])
def test_a_damaged_cache_is_rebuilt_with_a_warning(small_corpus, taxonomy, damage):
    with opened(small_corpus, taxonomy) as ix:
        path = Path(ix.path)
    if damage == "garbage":
        path.write_bytes(b"this is not a database at all" * 100)
    elif damage == "truncate":
        with open(path, "r+b") as f:
            f.truncate(path.stat().st_size // 2)
    elif damage == "foreign":
        path.unlink()
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE meta(x)")
        con.commit()
        con.close()
    else:
        path.write_bytes(b"")
    with opened(small_corpus, taxonomy) as ix:
        assert ix.refresh.rebuilt
        assert uids(ix, taxonomy, "pipeline") == ["energy-outlook#p01", "energy-outlook#p02"]
        if damage != "empty":
            assert len(ix.warnings) == 1 and "is damaged" in ix.warnings[0]


def test_a_damaged_pointer_is_rebuilt(small_corpus, taxonomy):
    with opened(small_corpus, taxonomy) as ix:
        base = index_base(small_corpus)
    Path(str(base) + ".current").write_text("nonsense", encoding="ascii")
    with opened(small_corpus, taxonomy) as ix:
        assert ix.refresh.rebuilt and uids(ix, taxonomy, "tourist")


def test_a_killed_build_leaves_the_next_run_correct(small_corpus, taxonomy):
    base = index_base(small_corpus)
    base.parent.mkdir(parents=True, exist_ok=True)
    leftover = Path(f"{base}.1.db.999.tmp")
    leftover.write_bytes(b"half a build")
    with opened(small_corpus, taxonomy) as ix:
        assert uids(ix, taxonomy, "tourist")
    assert not leftover.exists()


def test_a_failing_build_keeps_the_old_index(small_corpus, taxonomy, monkeypatch):
    opened(small_corpus, taxonomy).close()
    good = _current(index_base(small_corpus))
    from brief_cli.index import build

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(build, "_apply", boom)
        with pytest.raises(KeyboardInterrupt):
            opened(small_corpus, taxonomy, rebuild=True)
    assert _current(index_base(small_corpus)) == good
    assert not list(good.parent.glob("*.tmp"))
    with opened(small_corpus, taxonomy) as ix:
        assert not ix.refresh.rebuilt and uids(ix, taxonomy, "tourist")


def test_a_reader_keeps_its_view_during_a_rebuild(small_corpus, taxonomy):
    reader = opened(small_corpus, taxonomy)
    write(small_corpus, "airship-news", "A zeppelin landed.")
    with opened(small_corpus, taxonomy, rebuild=True) as writer:
        assert uids(writer, taxonomy, "zeppelin") == ["airship-news#p01"]
    # the old generation is unlinked but still readable by whoever had it open
    assert uids(reader, taxonomy, "pipeline") == ["energy-outlook#p01", "energy-outlook#p02"]
    reader.close()


def test_read_only_corpus_folder(small_corpus, taxonomy):
    def snapshot():
        return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in small_corpus.iterdir()}

    before = snapshot()
    os.chmod(small_corpus, 0o555)
    try:
        with opened(small_corpus, taxonomy) as ix:
            assert uids(ix, taxonomy, "tourist")
    finally:
        os.chmod(small_corpus, 0o755)
    # also as root, whom the mode does not stop: nothing was written into the corpus folder
    assert snapshot() == before


def test_unwritable_cache_falls_back_to_memory(small_corpus, taxonomy, monkeypatch):
    real_access = os.access
    monkeypatch.setattr(os, "access",
                        lambda path, mode: False if mode == os.W_OK else real_access(path, mode))
    with opened(small_corpus, taxonomy) as ix:
        assert ix.path is None and uids(ix, taxonomy, "tourist")
        assert "cannot write the search index" in ix.warnings[0]


def test_cli_index_reports_what_it_holds(run, small_corpus):
    r = run("index", "--corpus", small_corpus, "-f", "json")
    assert r.exit_code == 0
    import json

    data = json.loads(r.stdout)
    assert data["articles"] == 2 and data["passages"] == 5 and data["files"] == 1 + 1
    assert data["action"] == "rebuilt" and data["terms"] > 20 and data["bytes"] > 0
    r = run("index", "--corpus", small_corpus, "-f", "json")
    assert json.loads(r.stdout)["action"] == "up to date"
    r = run("index", "--corpus", small_corpus)
    assert r.exit_code == 0
    assert "articles\t2" in r.stdout and "passages\t5" in r.stdout
    r = run("index", "--rebuild", "--corpus", small_corpus, "-f", "json")
    assert json.loads(r.stdout)["action"] == "rebuilt"


def test_cli_warns_about_a_damaged_cache(run, small_corpus, isolated_env):
    assert run("search", "tourist", "--corpus", small_corpus).exit_code == 0
    [db] = (isolated_env / "index").glob("*.db")
    db.write_bytes(b"\0" * 5000)
    r = run("search", "tourist", "--corpus", small_corpus)
    assert r.exit_code == 0
    assert r.stderr.startswith("warning: search index ")
    assert "is damaged" in r.stderr and "rebuilding it" in r.stderr


_SEARCH_SCRIPT = """
import sys, json
from brief_cli.cli import app
sys.argv = ["brief", "search", "zeppelin", "-f", "json", "-n", "1000", "--corpus", sys.argv[1]]
app(prog_name="brief")
"""


def test_concurrent_runs_during_a_rebuild_all_answer(tmp_path, taxonomy, isolated_env):
    root = tmp_path / "many"
    root.mkdir()
    for i in range(300):
        write(root, f"a{i:04d}", f"Zeppelin number {i} flies.", "Filler text about ports.")
    env = dict(os.environ, BRIEF_CACHE_DIR=str(isolated_env))
    procs = []
    # cold runs race to build, and a rebuild starts among them; every one answers in full
    # (that a reader overlaps a writer holding the lock is proven in test_faults.py)
    for i in range(5):
        args = ([sys.executable, "-m", "brief_cli", "index", "--rebuild", "--corpus", str(root)]
                if i == 2 else [sys.executable, "-c", _SEARCH_SCRIPT, str(root)])
        procs.append((i, subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          env=env)))
    import json

    for i, p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
        assert b"warning" not in err and b"Traceback" not in err, err.decode()
        if i != 2:
            assert len(json.loads(out)) == 300


def test_the_index_keeps_a_taxonomy_snapshot_for_filters(small_corpus, taxonomy):
    with opened(small_corpus, taxonomy) as ix:
        snap = ix.taxonomy()
    assert snap.sector_ids == taxonomy.sector_ids
    assert snap.require_actor("Russian Federation") == "russia"
    assert snap.require_sector("Clean energy") == "clean-energy"
    assert [k.label for k in snap.kinds] == [k.label for k in taxonomy.kinds]


def test_articles_added_later_take_their_place_in_corpus_order(small_corpus, taxonomy):
    opened(small_corpus, taxonomy).close()
    write(small_corpus, "middle", "Zeppelin in the middle.", published="2023-09-01")
    write(small_corpus, "early", "Zeppelin first.", published="1999-01-01")
    with opened(small_corpus, taxonomy) as ix:
        assert not ix.refresh.rebuilt
        listed = [h.article_id for h in search(ix, "", Filters(kinds=("context",)),
                                               taxonomy=taxonomy, limit=None).hits]
    assert listed == ["early", "energy-outlook", "middle", "tourism-note"]


def test_no_room_between_articles_means_a_rebuild(small_corpus, taxonomy, monkeypatch):
    from brief_cli.index import build

    with monkeypatch.context() as m:
        m.setattr(build, "SLOT_LIMIT", 3)  # slots 1 and 2: nothing in between
        opened(small_corpus, taxonomy).close()
    write(small_corpus, "middle", "Zeppelin in the middle.", published="2023-09-01")
    with opened(small_corpus, taxonomy) as ix:
        assert ix.refresh.rebuilt
        listed = [h.article_id for h in search(ix, "zeppelin OR tourist OR pipeline", Filters(),
                                               taxonomy=taxonomy, limit=None).hits]
    assert sorted(listed) == ["energy-outlook", "energy-outlook", "middle", "tourism-note",
                              "tourism-note"]


def test_a_large_build_shows_progress_on_a_terminal(run, tmp_path):
    root = tmp_path / "big"
    root.mkdir()
    for i in range(210):
        write(root, f"a{i:04d}", f"Passage number {i}.")
    r = run("index", "--corpus", root, env={"BRIEF_FORCE_TERMINAL": "1"})
    assert r.exit_code == 0 and "indexing" in r.stderr and "210/210" in r.stderr
    r = run("index", "--rebuild", "--corpus", root)  # piped: no progress bar
    assert r.exit_code == 0 and "indexing" not in r.stderr


def test_an_interrupted_refresh_leaves_the_index_as_it_was(small_corpus, taxonomy, monkeypatch):
    opened(small_corpus, taxonomy).close()
    path = write(small_corpus, "tourism-note", "Zeppelin tours are back.")
    bump_mtime(path)
    from brief_cli.index import updates

    real_insert = updates._insert_article

    def insert_then_die(*args, **kwargs):
        real_insert(*args, **kwargs)  # half the work is written...
        raise KeyboardInterrupt  # ...then the run is interrupted

    with monkeypatch.context() as m:
        m.setattr(updates, "_insert_article", insert_then_die)
        with pytest.raises(KeyboardInterrupt):
            opened(small_corpus, taxonomy)
    with opened(small_corpus, taxonomy) as ix:  # rolled back, then refreshed properly
        assert not ix.refresh.rebuilt and ix.refresh.parsed == 1
        assert uids(ix, taxonomy, "zeppelin") == ["tourism-note#p01"]
        assert uids(ix, taxonomy, "arrivals") == []
        assert ix.stats().passages == 4


# A build killed at a known point, and readers proven to overlap a writer holding the lock:
# see test_faults.py (checkpoints, not sleeps).


def test_brief_index_sees_an_edit_that_kept_size_and_mtime(run, small_corpus, taxonomy):
    """A search sees such an edit through the ctime; ``brief index`` compares content hashes,
    so it sees even an edit that left size, mtime, ctime and inode as they were."""
    path = small_corpus / "tourism-note.yaml"
    with opened(small_corpus, taxonomy) as ix:
        assert uids(ix, taxonomy, "arrivals") == ["tourism-note#p01"]
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Tourist arrivals", "Tourist airships")
    assert len(edited) == len(text)
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    with opened(small_corpus, taxonomy) as ix:  # the ctime moved: a search sees it
        assert uids(ix, taxonomy, "airships") == ["tourism-note#p01"]
    path.write_text(text, encoding="utf-8")  # back, then forge a record that matches the file
    with opened(small_corpus, taxonomy) as ix:
        assert uids(ix, taxonomy, "airships") == []
    path.write_text(edited, encoding="utf-8")
    now = path.stat()
    con = sqlite3.connect(_current(index_base(small_corpus)))
    with con:
        con.execute("UPDATE files SET size = ?, mtime_ns = ?, ctime_ns = ?, ino = ? "
                    "WHERE path = 'tourism-note.yaml'",
                    (now.st_size, now.st_mtime_ns, now.st_ctime_ns, now.st_ino))
    con.close()
    with opened(small_corpus, taxonomy) as ix:  # the limit of the automatic check
        assert uids(ix, taxonomy, "airships") == []
    result = run("index", "--corpus", small_corpus, "-f", "json")
    assert result.exit_code == 0, result.stderr
    with opened(small_corpus, taxonomy) as ix:
        assert uids(ix, taxonomy, "airships") == ["tourism-note#p01"]
        assert uids(ix, taxonomy, "arrivals") == []
    with opened(small_corpus, taxonomy, verify=True) as ix:  # nothing left to read
        assert ix.refresh.parsed == 0 and not ix.refresh.rebuilt
