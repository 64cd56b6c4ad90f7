"""What a search sees of changed corpus files, in a large corpus where it does not stat every file.

The guarantee (docs/reliability.md): every folder is looked at on every search, so new, deleted
and renamed files are seen at once; the most recently changed files are looked at every time
too; every other file when the last full check is older than the recheck interval, and always
by ``brief index``. Small corpora are checked in full at every search.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from brief_cli import config, index
from brief_cli.filters import Filters
from brief_cli.index import freshness, index_base, open_index
from brief_cli.search import search
from brief_cli.taxonomy import load_taxonomy
from helpers import article_yaml


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(config.bundled_taxonomy_path())


@pytest.fixture
def large(monkeypatch, tmp_path, isolated_env):
    """A corpus treated as large (no full check at each search), folders not racy."""
    monkeypatch.setattr(freshness, "FULL_CHECK_FILES", 0)
    monkeypatch.setattr(freshness, "RACY_NS", 0)
    monkeypatch.setenv(index.ENV_RECHECK, "3600")
    root = tmp_path / "corpus"
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    write(root / "a", "alpha", "Alpha pipelines are long.")
    write(root / "a", "beta", "Beta railways are short.")
    write(root / "b", "gamma", "Gamma harbours are deep.")
    return root


def write(folder: Path, article_id: str, text: str) -> Path:
    path = folder / f"{article_id}.yaml"
    path.write_text(article_yaml(article_id, [{"text": text}]), encoding="utf-8")
    return path


def opened(root, taxonomy, **kw):
    return open_index(root, taxonomy.path, lambda: taxonomy, **kw)


def uids(root, taxonomy, query, **kw):
    with opened(root, taxonomy, **kw) as ix:
        return [h.uid for h in search(ix, query, Filters(), taxonomy=taxonomy, limit=None).hits]


def age_the_full_check(root):
    stamp = str(index_base(root)) + ".checked"
    os.utime(stamp, ns=(0, 0))


def test_a_search_of_a_large_corpus_does_not_stat_every_file(large, taxonomy, monkeypatch):
    monkeypatch.setattr(freshness, "HOT_FILES", 1)
    assert uids(large, taxonomy, "pipelines") == ["alpha#p01"]
    looked: list[str] = []
    real_stat = os.stat

    def counting_stat(path, *a, **kw):
        looked.append(str(path))
        return real_stat(path, *a, **kw)

    monkeypatch.setattr(os, "stat", counting_stat)
    assert uids(large, taxonomy, "pipelines") == ["alpha#p01"]
    files = [p for p in looked if p.endswith(".yaml")]
    assert len(files) == 1  # the one hot file; folders are looked at with lstat or stat


def test_a_new_file_is_seen_at_once(large, taxonomy):
    assert uids(large, taxonomy, "zeppelin") == []
    write(large / "b", "delta", "A zeppelin over the harbour.")
    assert uids(large, taxonomy, "zeppelin") == ["delta#p01"]


def test_a_new_subfolder_is_seen_at_once(large, taxonomy):
    assert uids(large, taxonomy, "zeppelin") == []
    (large / "a" / "deep" / "deeper").mkdir(parents=True)
    write(large / "a" / "deep" / "deeper", "delta", "A zeppelin over the harbour.")
    assert uids(large, taxonomy, "zeppelin") == ["delta#p01"]


def test_a_deleted_file_and_folder_are_seen_at_once(large, taxonomy):
    assert uids(large, taxonomy, "railways OR harbours") == ["beta#p01", "gamma#p01"]
    (large / "a" / "beta.yaml").unlink()
    assert uids(large, taxonomy, "railways") == []
    for p in (large / "b").iterdir():
        p.unlink()
    (large / "b").rmdir()
    assert uids(large, taxonomy, "harbours") == []
    with opened(large, taxonomy) as ix:
        assert ix.stats().files == 1
        assert [r[0] for r in ix.con.execute("SELECT path FROM dirs ORDER BY path")] == ["", "a/"]


def test_an_atomic_rename_is_seen_at_once_even_with_size_and_mtime_kept(large, taxonomy,
                                                                        monkeypatch):
    monkeypatch.setattr(freshness, "HOT_FILES", 0)
    path = large / "a" / "alpha.yaml"
    assert uids(large, taxonomy, "pipelines") == ["alpha#p01"]
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Alpha pipelines", "Alpha zeppelins")
    assert len(edited) == len(text)
    tmp = large / "a" / ".alpha.yaml.tmp"
    tmp.write_text(edited, encoding="utf-8")
    os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(tmp, path)
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    assert uids(large, taxonomy, "zeppelins") == ["alpha#p01"]
    assert uids(large, taxonomy, "pipelines") == []


def test_an_edit_in_place_of_a_recently_changed_file_is_seen_at_once(large, taxonomy,
                                                                     monkeypatch):
    monkeypatch.setattr(freshness, "HOT_FILES", 1)
    assert uids(large, taxonomy, "zeppelins") == []
    path = large / "b" / "gamma.yaml"  # written last: the most recently changed file
    path.write_text(path.read_text(encoding="utf-8").replace("Gamma harbours",
                                                             "Gamma zeppelins"),
                    encoding="utf-8")
    assert uids(large, taxonomy, "zeppelins") == ["gamma#p01"]


@pytest.mark.parametrize("same_size_and_mtime", [False, True])
def test_an_edit_in_place_of_an_older_file_is_seen_at_the_next_full_check(
        large, taxonomy, monkeypatch, run, same_size_and_mtime):
    monkeypatch.setattr(freshness, "HOT_FILES", 0)
    path = large / "a" / "alpha.yaml"
    assert uids(large, taxonomy, "pipelines") == ["alpha#p01"]
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    replacement = "Alpha zeppelins" if same_size_and_mtime else "Alpha zeppelins, now longer,"
    path.write_text(text.replace("Alpha pipelines", replacement), encoding="utf-8")
    if same_size_and_mtime:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    # within the recheck interval the folder is unchanged and the file not looked at
    assert uids(large, taxonomy, "zeppelins") == []
    age_the_full_check(large)  # the interval has passed
    assert uids(large, taxonomy, "zeppelins") == ["alpha#p01"]
    assert uids(large, taxonomy, "pipelines") == []


def test_brief_index_always_checks_every_file(large, taxonomy, monkeypatch, run):
    monkeypatch.setattr(freshness, "HOT_FILES", 0)
    path = large / "a" / "alpha.yaml"
    assert uids(large, taxonomy, "pipelines") == ["alpha#p01"]
    path.write_text(path.read_text(encoding="utf-8").replace("Alpha pipelines", "Zeppelins"),
                    encoding="utf-8")
    assert uids(large, taxonomy, "zeppelins") == []
    result = run("index", "--corpus", large, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert uids(large, taxonomy, "zeppelins") == ["alpha#p01"]


def test_a_zero_recheck_interval_checks_every_file_at_every_search(large, taxonomy,
                                                                   monkeypatch):
    monkeypatch.setattr(freshness, "HOT_FILES", 0)
    monkeypatch.setenv(index.ENV_RECHECK, "0")
    path = large / "a" / "alpha.yaml"
    assert uids(large, taxonomy, "pipelines") == ["alpha#p01"]
    path.write_text(path.read_text(encoding="utf-8").replace("Alpha pipelines", "Zeppelins"),
                    encoding="utf-8")
    assert uids(large, taxonomy, "zeppelins") == ["alpha#p01"]


def test_a_racy_folder_is_listed_again_until_it_settles(large, taxonomy, monkeypatch):
    monkeypatch.setattr(freshness, "RACY_NS", 10**18)  # every folder changed "just now"
    assert uids(large, taxonomy, "zeppelin") == []
    with opened(large, taxonomy) as ix:
        sigs = {r[0]: r[1:] for r in ix.con.execute(
            "SELECT path, mtime_ns, ctime_ns, ino FROM dirs")}
    assert set(sigs.values()) == {(-1, -1, -1)}


def test_skipped_entries_are_reported_without_a_rescan(large, taxonomy, monkeypatch):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(large / "a" / "pipe.yaml")
    with opened(large, taxonomy) as ix:
        assert any("pipe.yaml: not a regular file" in w for w in ix.warnings)
    with opened(large, taxonomy) as ix:  # folder unchanged: the stored note is reported
        assert any("pipe.yaml: not a regular file" in w for w in ix.warnings)


def test_a_folder_replaced_by_a_link_drops_what_it_held(large, taxonomy, tmp_path):
    (large / "a" / "deep").mkdir()
    write(large / "a" / "deep", "delta", "A zeppelin over the harbour.")
    assert uids(large, taxonomy, "zeppelin") == ["delta#p01"]
    moved = tmp_path / "elsewhere"
    (large / "a").rename(moved)
    (large / "a").symlink_to(moved, target_is_directory=True)  # links are not followed
    assert uids(large, taxonomy, "zeppelin") == []
    assert uids(large, taxonomy, "pipelines") == []
    assert uids(large, taxonomy, "harbours") == ["gamma#p01"]


def test_an_entry_skipped_after_the_build_is_reported_again_without_a_rescan(large, taxonomy):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    assert uids(large, taxonomy, "pipelines") == ["alpha#p01"]  # built, nothing skipped
    os.mkfifo(large / "b" / "pipe.yaml")
    for _ in range(3):  # seen in the changed folder, then read from the note stored for it
        with opened(large, taxonomy) as ix:
            assert [w for w in ix.warnings if "pipe.yaml" in w] == [
                f"skipped {large / 'b' / 'pipe.yaml'}: not a regular file"], ix.warnings
