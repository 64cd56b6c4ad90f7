"""Hostile and clumsy input: odd files in the corpus, empty paths, huge YAML, unknown users.

Each test reproduces a defect found by an adversarial round; the FIFO and device cases run
with a timeout, so a regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from brief_cli import config, yamlio
from brief_cli.corpus import load_corpus
from brief_cli.errors import UsageError
from brief_cli.taxonomy import load_taxonomy
from helpers import write_corpus

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and devices are POSIX")


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(config.bundled_taxonomy_path())


# 6. only regular files are corpus files; every read is bounded ------------------------------

@posix_only
@pytest.mark.timeout(30)
@pytest.mark.parametrize("command", [["validate"], ["articles"], ["sectors"], ["retag", "-n"],
                                     ["search", "pipeline"], ["summary"]])
def test_a_fifo_or_a_link_to_dev_zero_named_yaml_never_hangs(run, small_corpus, command):
    os.mkfifo(small_corpus / "fifo.yaml")
    (small_corpus / "zero.yaml").symlink_to("/dev/zero")
    result = run(*command, "--corpus", small_corpus)
    assert "Traceback" not in result.stderr
    if command == ["validate"]:
        assert result.exit_code == 1
        assert "not a regular file (a FIFO)" in result.stdout
        assert "not a regular file (a character device)" in result.stdout
    else:
        assert result.exit_code == 0, result.stderr
        assert "fifo.yaml" in result.stderr and "zero.yaml" in result.stderr


@posix_only
@pytest.mark.timeout(30)
def test_reads_are_bounded_whatever_stat_says(tmp_path):
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    with pytest.raises(yamlio.YamlProblem, match="not a regular file"):
        yamlio.read_bytes(fifo)
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a" * 2000)
    with pytest.raises(yamlio.YamlProblem, match="above the 1,000-byte limit"):
        yamlio.read_bytes(big, max_bytes=1000)


@pytest.mark.timeout(30)
def test_a_file_that_grows_past_its_stat_size_is_cut_at_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "grow.yaml"
    path.write_bytes(b"a" * 10)
    real_fstat = os.fstat

    class Small:  # what /proc files and growing files look like to stat
        def __init__(self, st):
            self.st_mode, self.st_size = st.st_mode, 0

    path.write_bytes(b"a" * 5000)
    monkeypatch.setattr(os, "fstat", lambda fd: Small(real_fstat(fd)))
    with pytest.raises(yamlio.YamlProblem, match="file holds more, above the 1,000-byte limit"):
        yamlio.read_bytes(path, max_bytes=1000)


@pytest.mark.skipif(os.geteuid() != 0 if hasattr(os, "geteuid") else True,
                    reason="making a device node needs root")
@pytest.mark.timeout(30)
def test_a_character_device_named_yaml_is_skipped(run, small_corpus):
    os.mknod(small_corpus / "dev.yaml", 0o600 | 0o020000, os.makedev(1, 5))  # like /dev/zero
    result = run("articles", "--corpus", small_corpus, "-f", "json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 2
    assert "dev.yaml: not a regular file (a character device)" in result.stderr


# 21. a folder that cannot be read is reported -----------------------------------------------

def test_an_unreadable_subfolder_is_reported(run, small_corpus, monkeypatch):
    locked = small_corpus / "locked"
    locked.mkdir()
    (locked / "hidden-away.yaml").write_text("id: x\n", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path):  # as for a mode-000 folder, also when the tests run as root
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = run("validate", "--corpus", small_corpus)
    assert result.exit_code == 1
    assert "locked" in result.stdout and "cannot read folder: Permission denied" in result.stdout
    result = run("articles", "--corpus", small_corpus)
    assert result.exit_code == 0
    assert "cannot read folder: Permission denied" in result.stderr
    result = run("search", "pipeline", "--corpus", small_corpus)
    assert result.exit_code == 0
    assert "cannot read folder: Permission denied" in result.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads a mode-000 folder anyway")
def test_a_mode_000_subfolder_is_reported(run, small_corpus):
    locked = small_corpus / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        result = run("validate", "--corpus", small_corpus)
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 1
    assert "cannot read folder" in result.stdout


# 8 and 13. empty paths and unknown users ----------------------------------------------------

@pytest.mark.parametrize("option", ["--corpus", "--taxonomy"])
def test_an_empty_path_option_is_an_error(run, tmp_path, option, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("articles", option, "")
    assert result.exit_code == 2
    assert "empty path" in (result.stderr + result.stdout)


@pytest.mark.parametrize("variable", ["BRIEF_CORPUS", "BRIEF_TAXONOMY", "BRIEF_CACHE_DIR"])
def test_an_empty_path_variable_is_an_error(run, variable, monkeypatch):
    monkeypatch.setenv(variable, "")
    result = run("search", "pipeline")
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(f"error: {variable} is empty")


@pytest.mark.parametrize("where", ["--corpus", "--taxonomy", "BRIEF_CORPUS", "BRIEF_TAXONOMY",
                                   "BRIEF_CACHE_DIR"])
def test_tilde_of_an_unknown_user_is_an_error(run, where, monkeypatch):
    value = "~nosuchuser-brief-test/x"
    if where.startswith("--"):
        result = run("search", "pipeline", where, value)
    else:
        monkeypatch.setenv(where, value)
        result = run("search", "pipeline")
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(f"error: cannot expand '{value}' from {where}")
    assert "Traceback" not in result.stderr


def test_user_path_core():
    with pytest.raises(UsageError, match="is empty"):
        config.user_path("", "--corpus")
    assert config.user_path("~/x", "--corpus") == Path.home() / "x"


# 9. a YAML file of millions of tiny values is refused quickly --------------------------------

def test_a_file_with_too_many_yaml_values_is_refused(tmp_path, taxonomy, monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_NODES", 2_000)
    path = tmp_path / "many.yaml"
    path.write_text("id: many\npassages: [" + ", ".join(["1"] * 5_000) + "]\n",
                    encoding="utf-8")
    result = load_corpus(tmp_path, taxonomy)
    (problem,) = result.problems
    assert "YAML document has more than 2,000 values" in problem.message
    assert problem.line == 2


def test_the_node_cap_never_refuses_a_normal_article(tmp_path, taxonomy, monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_NODES", 2_000)
    root = write_corpus(tmp_path / "ok", {"ok": dict(passages=[
        {"text": f"Passage {i} about energy."} for i in range(100)])})
    result = load_corpus(root, taxonomy)
    assert result.problems == [] and len(result.corpus.articles) == 1


def test_the_cheap_bound_counts_every_value():
    """The pre-check may skip parsing only when the text cannot hold MAX_NODES values."""
    import yaml

    for text in ("a: b\nc: d\n", "{a, b, c}", "[1, 2, [3, 4]]", "- a\n- b\n- {c: d}\n", "x"):
        values = sum(isinstance(e, (yaml.ScalarEvent, yaml.CollectionStartEvent))
                     for e in yaml.parse(text))
        bound = 2 * sum(text.count(c) for c in yamlio._INDICATORS) + 2
        assert values <= bound, text


# 10-14. tracebacks that must be one error line -----------------------------------------------

@pytest.mark.parametrize("args", [
    ["search", "energy", "-n", str(2**63)], ["search", "energy", "--offset", str(2**63)],
    ["search", "energy", "-C", str(2**63 - 1)], ["search", "energy", "-n", str(2**64)],
    ["show", "kazakhstan-bri-partner#p04", "-C", str(2**63)],
    ["summary", "--sentences", str(2**63)], ["summary", "--terms", str(2**63)]])
def test_huge_numbers_are_a_usage_error(run, args):
    result = run(*args)
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("error: ") and "out of range" in result.stderr


def brief(*args, env=None, stdout=None, **kw):
    import subprocess
    import sys

    full = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "LC_ALL")}
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "brief_cli", *map(str, args)], env=full,
                          stdout=stdout if stdout is not None else subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=120, **kw)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["search", "energy"], ["search", "energy", "-f", "json"],
                                  ["articles", "--format", "csv"], ["summary", "--format", "md"],
                                  ["show", "kazakhstan-bri-partner"], ["validate"],
                                  ["export", "energy", "-o", "-"]])
def test_a_full_device_is_one_error_line(args):
    with open("/dev/full", "w") as full:
        result = brief(*args, stdout=full)
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert stderr.splitlines() == ["error: cannot write the output: No space left on device"]


@pytest.mark.skipif(os.name != "posix", reason="closes a file descriptor")
@pytest.mark.parametrize("args", [["export", "energy"], ["search", "energy"], ["articles"]])
def test_a_closed_stdout_is_an_error(args):
    import subprocess
    import sys

    # as `brief export energy >&-` in a shell: the command starts with no stdout at all
    result = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m",
                             "brief_cli", *args], stderr=subprocess.PIPE, timeout=120)
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert stderr.splitlines() == ["error: cannot write the output: standard output is closed"]


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "latin-1"},
                                 {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}])
@pytest.mark.parametrize("args", [["search", "energy"], ["summary"], ["show",
                                  "kazakhstan-bri-partner"], ["sectors"]])
def test_a_non_utf8_output_encoding_keeps_working(env, args):
    result = brief(*args, env=env)
    stderr = result.stderr.decode("latin-1")
    assert result.returncode == 0, stderr
    assert "Traceback" not in stderr and "UnicodeEncodeError" not in stderr
    if env.get("PYTHONIOENCODING") == "ascii":
        result.stdout.decode("ascii")  # only ASCII was written
        if args[0] == "search":
            assert b"..." in result.stdout  # the tool's own ellipsis, spelt out


def test_ascii_fallback_keeps_json_readable():
    result = brief("search", "energy", "-f", "json", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0
    hits = json.loads(result.stdout.decode("ascii"))
    assert hits and hits[0]["id"].startswith("kazakhstan-bri-partner#")


# 15 and 18. writes: never replace a non-regular file; stale temp files cleaned ---------------

@posix_only
@pytest.mark.timeout(60)
def test_export_force_streams_into_a_fifo_and_never_replaces_it(run, tmp_path):
    import threading

    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    got = {}
    reader = threading.Thread(target=lambda: got.setdefault("data", fifo.read_bytes()),
                              daemon=True)
    reader.start()
    result = run("export", "energy", "-o", fifo, "--force")
    reader.join(30)
    assert result.exit_code == 0, result.stderr
    assert b"Kazakhstan" in got["data"]
    import stat

    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="making a device node needs root")
def test_export_force_writes_into_a_device_without_replacing_it(run, tmp_path):
    # a null device of the test's own, never the real /dev/null: a regression must not be
    # able to replace a system file
    node = tmp_path / "null.md"
    os.mknod(node, 0o666 | 0o020000, os.makedev(1, 3))
    before = os.lstat(node)
    result = run("export", "energy", "-o", node, "--force")
    assert result.exit_code == 0, result.stderr
    after = os.lstat(node)
    assert (after.st_mode, after.st_rdev, after.st_ino) == (before.st_mode, before.st_rdev,
                                                            before.st_ino)


@posix_only
def test_export_force_keeps_a_symlink_and_replaces_its_target(run, tmp_path):
    target = tmp_path / "real.md"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    result = run("export", "energy", "-o", link, "--force")
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and "Kazakhstan" in target.read_text(encoding="utf-8")


@posix_only
def test_a_socket_is_refused(tmp_path):
    import socket

    from brief_cli.errors import FileProblem
    from brief_cli.fileio import atomic_write_text

    path = tmp_path / "s.md"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(path))
        with pytest.raises(FileProblem, match="is not a regular file; it is left alone"):
            atomic_write_text(path, "x", force=True)
    finally:
        sock.close()


def test_stale_temp_files_of_a_killed_writer_are_removed(run, tmp_path):
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale = tmp_path / f".out.md.brief{dead}.k3j4.tmp"
    stale.write_bytes(b"x" * 1000)
    # a running writer's: kept (a child of the test, never its parent: a bug that signals the
    # pids it checks must not hit the test runner)
    writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    alive = tmp_path / f".out.md.brief{writer.pid}.a1b2.tmp"
    alive.write_bytes(b"y")
    mine = tmp_path / ".notes.md.swp"  # not ours: kept
    mine.write_bytes(b"z")
    try:
        result = run("export", "energy", "-o", tmp_path / "out.md")
    finally:
        writer.kill()
        writer.wait()
    assert result.exit_code == 0, result.stderr
    assert not stale.exists()
    assert alive.exists() and mine.exists()


# 16. a planted cache file never runs code ------------------------------------------------------

class _Planted:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _plant(path, marker, sealed_with=None):
    import pickle

    from brief_cli import cachefile

    payload = pickle.dumps(_Planted(marker))
    path.parent.mkdir(parents=True, exist_ok=True)
    if sealed_with is None:
        path.write_bytes(payload)
    else:
        path.write_bytes(cachefile.MAGIC + cachefile._mac(sealed_with, payload) + payload)


@posix_only
def test_a_pickle_planted_in_the_cache_is_never_loaded(run, tmp_path):
    from brief_cli import taxonomy as taxonomy_module
    from brief_cli.tagging import lexicon

    assert run("articles").exit_code == 0  # the cache entries exist now
    entry = taxonomy_module._cache_file(config.bundled_taxonomy_path())
    assert entry.exists()
    for i, sealed_with in enumerate([None, b"k" * 32]):  # a bare pickle, a wrong key
        marker = tmp_path / f"ran-{i}"
        _plant(entry, marker, sealed_with)
        for tagger_entry in (entry.parent.parent / "tagger").glob("*"):
            _plant(tagger_entry, marker, sealed_with)
        for args in (["articles"], ["tag", "Oil and gas pipelines."]):
            result = run(*args)
            assert result.exit_code == 0, result.stderr
            assert not marker.exists(), f"{args}: a planted pickle ran"
    assert lexicon is not None


def test_the_cache_key_is_private_and_outside_the_cache(isolated_env):
    from brief_cli import cachefile

    cachefile.write(isolated_env / "x.sealed", {"a": 1})
    key = cachefile.key_path()
    assert key.exists() and isolated_env not in key.parents
    if os.name == "posix":
        assert key.stat().st_mode & 0o077 == 0
    assert cachefile.read(isolated_env / "x.sealed", "test") == {"a": 1}


@posix_only
def test_a_key_others_can_read_is_not_used(isolated_env):
    from brief_cli import cachefile

    cachefile.write(isolated_env / "x.sealed", {"a": 1})
    cachefile.key_path().chmod(0o644)
    cachefile._KEY.clear()
    try:
        assert cachefile.read(isolated_env / "x.sealed", "test") is None
    finally:
        cachefile.key_path().chmod(0o600)
        cachefile._KEY.clear()


# 19 and 20. machine formats are always a document; a query of punctuation matches nothing ---

@pytest.mark.parametrize("args,code", [
    (["search", "energy", "-n", "0"], 0), (["search", "energy", "--offset", "1000"], 0),
    (["search", "zeppelinzzz", "--exact"], 1), (["search", "--", "!!! ^ ;"], 1),
    (["search", "\U0001f642"], 1), (["search", "OR AND NOT"], 1),
    (["sectors", "--kind", "challenge", "--sector", "tourism"], 1),
    (["sectors", "--matrix", "kind", "--kind", "challenge", "--sector", "tourism"], 1),
])
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_machine_formats_always_print_a_document(run, args, code, fmt):
    import csv
    import io

    result = run(*args[:1], "-f", fmt, *args[1:])
    assert result.exit_code == code, result.stderr
    if fmt == "json":
        assert json.loads(result.stdout) == []
    else:
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert len(rows) == 1 and rows[0], result.stdout  # the header alone


def test_summary_json_with_no_match_is_an_empty_object(run):
    result = run("summary", "--kind", "challenge", "--sector", "tourism", "-f", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {}


def test_a_query_without_words_matches_nothing_with_a_note(run):
    for query in ("!!!", "^ ; :", "\U0001f642\U0001f642", '"', "OR"):
        result = run("search", "--", query)
        assert result.exit_code == 1, (query, result.stderr)
        assert result.stdout == ""
        assert result.stderr.startswith(f"nothing to search for in {query!r}")
    result = run("export", "!!!")
    assert result.exit_code == 1


# 22. bidi and control characters are shown, not obeyed ---------------------------------------

def test_bidi_controls_are_escaped_in_piped_output_and_validate(run, tmp_path):
    from helpers import article_yaml

    root = tmp_path / "bidi"
    root.mkdir()
    name = "evil-\u202egpj.yaml"
    (root / name).write_text(article_yaml("evil", [
        {"text": "Oil pipeline \u202eenilepip lio\u202c and \u2066gas\u2069 \x1b[31mred."}]),
        encoding="utf-8")
    for args in (["search", "pipeline"], ["show", "evil#p01"], ["validate"]):
        result = run(*args, "--corpus", root)
        assert result.exit_code in (0, 1), result.stderr
        for raw in ("\u202e", "\u202c", "\u2066", "\u2069", "\x1b"):
            assert raw not in result.stdout, (args, raw)
    assert "evil-\\u202egpj.yaml" in run("validate", "--corpus", root).stdout
    shown = run("show", "evil#p01", "--corpus", root).stdout
    assert "\\u202eenilepip lio\\u202c and \\u2066gas\\u2069 \\x1b[31mred." in shown
    # joiners are part of scripts and emoji: kept
    from brief_cli.render.common import literal

    assert literal("a\u200db\u200cc") == "a\u200db\u200cc"


@pytest.mark.parametrize("args", [
    ("-o", "~nosuchuser-brief-test/x.md"),
    ("--cite", "pandoc", "--bib", "~nosuchuser-brief-test/x.json", "-o", "out.md"),
    ("--cite", "pandoc", "--bib", "~nosuchuser-brief-test/x.json"),
])
def test_export_paths_with_an_unknown_user_are_one_error_line(run, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = run("export", "energy", *args)
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: cannot expand '~nosuchuser-brief-test/")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.md").exists()
