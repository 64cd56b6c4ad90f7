"""Safe writes (``fileio``), one decision at a time: what is replaced, refused, streamed into,
swept, and with which mode and message."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from brief_cli import fileio
from brief_cli.errors import FileProblem
from brief_cli.fileio import atomic_write_bytes, atomic_write_text, clean_stale_temp_files

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, sockets and modes are POSIX")


def test_a_new_file_gets_its_text_as_utf8_and_the_usual_mode(tmp_path):
    target = tmp_path / "out.md"
    assert atomic_write_text(target, "Café – 中文\n") == target
    assert target.read_bytes() == "Café – 中文\n".encode("utf-8")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]  # no temporary file left


def test_an_existing_file_is_refused_without_force_and_replaced_with_it(tmp_path):
    target = tmp_path / "out.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    with pytest.raises(FileProblem) as info:
        atomic_write_text(target, "new")
    assert info.value.message == f"{str(target)!r} already exists"
    assert info.value.hint == "use --force to overwrite it, or choose another name"
    assert target.read_text(encoding="utf-8") == "old"
    atomic_write_text(target, "new", force=True)
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the replaced file's mode is kept


def test_bytes_are_written_whole_halves_and_all(tmp_path):
    data = bytes(range(256)) * 41 + b"odd"
    atomic_write_bytes(tmp_path / "b.bin", data)
    assert (tmp_path / "b.bin").read_bytes() == data
    atomic_write_bytes(tmp_path / "empty", b"")
    assert (tmp_path / "empty").read_bytes() == b""


def test_a_folder_is_refused_with_the_kind_of_name_wanted(tmp_path):
    with pytest.raises(FileProblem) as info:
        atomic_write_text(tmp_path, "x", force=True, what="Markdown file")
    assert info.value.message == f"{str(tmp_path)!r} is a folder"
    assert info.value.hint == "give a Markdown file name"


def test_a_missing_folder_and_a_file_taken_for_a_folder(tmp_path):
    with pytest.raises(FileProblem) as info:
        atomic_write_text(tmp_path / "nope" / "out.md", "x")
    assert info.value.message == f"folder {str(tmp_path / 'nope')!r} does not exist"
    assert info.value.hint == "create it first"
    (tmp_path / "plain").write_text("", encoding="utf-8")
    with pytest.raises(FileProblem) as info:
        atomic_write_text(tmp_path / "plain" / "out.md", "x")
    assert "plain" in info.value.message


def test_a_bare_file_name_is_written_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert atomic_write_text(Path("bare.txt"), "x") == Path("bare.txt")
    assert (tmp_path / "bare.txt").read_text(encoding="utf-8") == "x"


@posix_only
def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert atomic_write_text(link, "new", force=True) == real
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"
    with pytest.raises(FileProblem) as info:  # the target exists: no force, no write
        atomic_write_text(link, "newer")
    assert "already exists" in info.value.message
    assert real.read_text(encoding="utf-8") == "new"
    folder = tmp_path / "folder"
    folder.mkdir()
    (tmp_path / "to-folder").symlink_to(folder)
    with pytest.raises(FileProblem) as info:  # a link to a folder: refused as the folder is
        atomic_write_text(tmp_path / "to-folder", "x", force=True)
    assert info.value.message == f"{str(folder)!r} is a folder"
    assert list(folder.iterdir()) == []


@posix_only
def test_a_fifo_is_streamed_into_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen([sys.executable, "-c",
                               "import sys; sys.stdout.buffer.write(open(sys.argv[1], 'rb')"
                               ".read())", str(fifo)], stdout=subprocess.PIPE)
    data = b"x" * 200_000  # more than a pipe holds: written in several pieces
    assert atomic_write_bytes(fifo, data) == fifo  # no --force needed: nothing is replaced
    out, _ = reader.communicate(timeout=60)
    assert out == data
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@posix_only
def test_a_link_to_a_character_device_is_streamed_into(tmp_path):
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    assert atomic_write_bytes(link, b"x") == link
    assert link.is_symlink()


@posix_only
def test_a_socket_is_left_alone(tmp_path):
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(FileProblem) as info:
            atomic_write_text(path, "x", force=True)
    assert info.value.message == f"{str(path)!r} is not a regular file; it is left alone"
    assert info.value.hint == "give a file name"


@pytest.mark.parametrize("make, kind", [
    (lambda p: None, "missing"),
    (lambda p: p.write_text("x"), "file"),
    (lambda p: p.mkdir(), "folder"),
    (lambda p: p.symlink_to("elsewhere"), "link"),
    (lambda p: os.mkfifo(p), "stream"),
])
@posix_only
def test_kinds_of_path(tmp_path, make, kind):
    path = tmp_path / "x"
    make(path)
    assert fileio._kind(path) == kind


@posix_only
def test_a_link_is_followed_only_when_asked(tmp_path):
    (tmp_path / "dir").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "dir")
    assert fileio._kind(tmp_path / "link") == "link"
    assert fileio._kind(tmp_path / "link", follow=True) == "folder"
    assert fileio._kind(tmp_path / "dangling" / "x") == "missing"
    (tmp_path / "plain").write_text("", encoding="utf-8")
    assert fileio._kind(tmp_path / "plain" / "x") == "missing"  # not a folder: ENOTDIR


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def live_pid():
    """A process of our own that runs for the test (never our parent: a bug that signals the
    pids it checks must not hit the test runner)."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield proc.pid
    proc.kill()
    proc.wait()


def test_temporary_files_of_dead_writers_are_swept_and_nothing_else(tmp_path, live_pid):
    dead = _dead_pid()
    stale = tmp_path / f".out.md.brief{dead}.abc_12.tmp"
    mine = tmp_path / f".out.md.brief{os.getpid()}.abc.tmp"
    parent = tmp_path / f".out.md.brief{live_pid}.abc.tmp"  # another live process
    others = [tmp_path / "out.md", tmp_path / f"out.md.brief{dead}.abc.tmp",  # no dot
              tmp_path / f".out.md.brief{dead}.abc.tmp.bak", tmp_path / f".x.briefX.abc.tmp"]
    for path in [stale, mine, parent, *others]:
        path.write_text("", encoding="utf-8")
    folder = tmp_path / f".d.brief{dead}.abc.tmp"  # a folder of that name is not ours
    folder.mkdir()
    link = tmp_path / f".l.brief{dead}.abc.tmp"  # nor a link (we write regular files)
    link.symlink_to(tmp_path / "out.md")
    assert clean_stale_temp_files(tmp_path) == [stale]
    assert not stale.exists()
    assert all(p.exists() for p in [mine, parent, *others, folder]) and link.is_symlink()
    assert clean_stale_temp_files(tmp_path / "missing") == []


def test_a_write_sweeps_its_folder_unless_told_not_to(tmp_path):
    stale = tmp_path / f".a.brief{_dead_pid()}.abc.tmp"
    stale.write_text("", encoding="utf-8")
    atomic_write_text(tmp_path / "a", "x", clean=False)
    assert stale.exists()
    atomic_write_text(tmp_path / "b", "x")
    assert not stale.exists()


def test_alive(live_pid):
    assert fileio._alive(os.getpid())
    assert fileio._alive(live_pid)
    assert not fileio._alive(_dead_pid())


@posix_only
def test_a_failed_write_removes_its_temporary_file_and_says_why(tmp_path, monkeypatch):
    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", no_space)
    with pytest.raises(FileProblem) as info:
        atomic_write_text(tmp_path / "out.md", "x")
    assert info.value.message == (
        f"cannot write {str(tmp_path / 'out.md')!r}: No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_permission_denied_names_the_folder(tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fileio.tempfile, "mkstemp", denied)
    with pytest.raises(FileProblem) as info:
        atomic_write_text(tmp_path / "out.md", "x")
    assert info.value.message == f"cannot write to {str(tmp_path)!r}: permission denied"
    assert info.value.hint == "choose a folder you can write to"


def test_a_file_that_appears_while_writing_is_not_replaced(tmp_path, monkeypatch):
    target = tmp_path / "out.md"
    real_chmod = os.chmod

    def chmod_then_appear(path, mode, *args, **kwargs):
        real_chmod(path, mode, *args, **kwargs)
        target.write_text("theirs", encoding="utf-8")

    monkeypatch.setattr(fileio.os, "chmod", chmod_then_appear)
    with pytest.raises(FileProblem) as info:
        atomic_write_text(target, "ours")
    assert info.value.message == f"{str(target)!r} already exists"
    assert info.value.hint == "use --force to overwrite it, or choose another name"
    assert target.read_text(encoding="utf-8") == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


@posix_only
def test_a_file_swapped_for_a_folder_while_writing_is_left_alone(tmp_path, monkeypatch):
    target = tmp_path / "out.md"
    target.write_text("old", encoding="utf-8")
    real_chmod = os.chmod

    def chmod_then_swap(path, mode, *args, **kwargs):
        real_chmod(path, mode, *args, **kwargs)
        target.unlink()
        target.mkdir()

    monkeypatch.setattr(fileio.os, "chmod", chmod_then_swap)
    with pytest.raises(FileProblem) as info:
        atomic_write_text(target, "new", force=True)
    assert info.value.message == f"{str(target)!r} is not a regular file; it is left alone"
    assert target.is_dir()


@posix_only
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (always full)")
def test_a_device_that_refuses_the_write_is_one_clear_error():
    with pytest.raises(FileProblem) as info:
        atomic_write_bytes(Path("/dev/full"), b"x" * 10)
    assert info.value.message == "cannot write '/dev/full': No space left on device"


@posix_only
def test_a_stream_that_cannot_be_opened_is_one_clear_error(tmp_path, monkeypatch):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def no_device(*args, **kwargs):  # as a device with no driver behind it answers
        raise OSError(6, "No such device or address")

    monkeypatch.setattr(fileio.os, "open", no_device)
    with pytest.raises(FileProblem) as info:
        atomic_write_bytes(fifo, b"x")
    assert info.value.message == f"cannot write {str(fifo)!r}: No such device or address"


@posix_only
def test_a_stream_that_takes_a_little_at_a_time_still_gets_everything(tmp_path, monkeypatch):
    """A write to a device may accept fewer bytes than given: the rest is written after."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen([sys.executable, "-c",
                               "import sys; sys.stdout.buffer.write(open(sys.argv[1], 'rb')"
                               ".read())", str(fifo)], stdout=subprocess.PIPE)
    real_write, sizes = os.write, []

    def short_write(fd, data):
        sizes.append(real_write(fd, bytes(data[:1000])))
        return sizes[-1]

    monkeypatch.setattr(fileio.os, "write", short_write)
    data = bytes(range(256)) * 20
    try:
        atomic_write_bytes(fifo, data)
    finally:
        monkeypatch.undo()
        out, _ = reader.communicate(timeout=60)
    assert out == data
    assert len(sizes) == 6


@posix_only
def test_a_stream_swapped_for_a_regular_file_before_it_opens_is_not_written(tmp_path,
                                                                            monkeypatch):
    """Checked a FIFO, opened a regular file (swapped in between): nothing is written to it."""
    path = tmp_path / "out"
    path.write_text("theirs", encoding="utf-8")
    monkeypatch.setattr(fileio, "_kind", lambda p, follow=False: "stream")
    with pytest.raises(FileProblem) as info:
        atomic_write_bytes(path, b"ours")
    assert info.value.message == f"{str(path)!r} changed while it was opened; nothing written"
    assert path.read_text(encoding="utf-8") == "theirs"


def test_a_writer_run_by_another_user_counts_as_alive(tmp_path, monkeypatch):
    """Its temporary file is not ours to remove: kill(pid, 0) says it exists (EPERM)."""
    def not_yours(pid, sig):
        raise PermissionError(1, "Operation not permitted")

    theirs = tmp_path / ".out.md.brief4000000.abc.tmp"
    theirs.write_text("", encoding="utf-8")
    monkeypatch.setattr(fileio.os, "kill", not_yours)
    assert fileio._alive(4_000_000)
    assert clean_stale_temp_files(tmp_path) == []
    assert theirs.exists()


@pytest.mark.skipif(not os.path.exists(f"/proc/{os.getpid()}/status"),
                    reason="reads a process's pending signals from /proc")
def test_the_sweep_sends_no_signal_to_a_live_writer(tmp_path):
    """Whether a writer lives is asked with signal 0, which is never delivered: a sweep must not
    disturb the process whose file it keeps (here a child that blocks every signal, so that one
    sent would stay pending where /proc shows it)."""
    child = subprocess.Popen([sys.executable, "-c",
                              "import signal, sys, time\n"
                              "signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())\n"
                              "print('ready', flush=True)\n"
                              "time.sleep(120)\n"], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "ready\n"
        kept = tmp_path / f".out.md.brief{child.pid}.abc.tmp"
        kept.write_text("", encoding="utf-8")
        assert clean_stale_temp_files(tmp_path) == []
        assert kept.exists()
        status = Path(f"/proc/{child.pid}/status").read_text(encoding="ascii")
        pending = {line.split(":")[0]: int(line.split()[1], 16) for line in status.splitlines()
                   if line.startswith(("SigPnd:", "ShdPnd:"))}
        assert pending == {"SigPnd": 0, "ShdPnd": 0}
    finally:
        child.kill()
        child.wait()


def test_bytes_refuse_an_existing_file_and_a_folder_by_default(tmp_path):
    target = tmp_path / "b.bin"
    target.write_bytes(b"old")
    with pytest.raises(FileProblem) as info:
        atomic_write_bytes(target, b"new")
    assert info.value.message == f"{str(target)!r} already exists"
    assert target.read_bytes() == b"old"
    with pytest.raises(FileProblem) as info:
        atomic_write_bytes(tmp_path, b"new", force=True)
    assert info.value.hint == "give a file name"


def test_a_refused_write_touches_nothing_in_the_folder(tmp_path):
    """Refused before anything is written: no temporary file, no sweep of the folder."""
    target = tmp_path / "out.md"
    target.write_text("old", encoding="utf-8")
    stale = tmp_path / f".a.brief{_dead_pid()}.abc.tmp"
    stale.write_text("", encoding="utf-8")
    with pytest.raises(FileProblem):
        atomic_write_text(target, "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([stale.name, "out.md"])


@posix_only
def test_a_writer_killed_mid_write_leaves_the_old_file_and_the_next_write_cleans_up(tmp_path):
    """Killed (SIGKILL: no clean-up runs) with half the new text in its temporary file: the old
    file is intact, the temporary file sits beside it, and the next write to the folder removes
    it. The kill lands at a named checkpoint (``brief_cli.checkpoint``), not after a sleep."""
    import time

    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "notes.md"
    target.write_text("the old notes\n", encoding="utf-8")
    marker = tmp_path / "reached"
    new = "the new notes, long enough to be written in two halves\n" * 50
    pid = os.fork()  # the writer: this code in a process of its own, killed below
    if pid == 0:
        try:
            os.environ.update(BRIEF_CHECKPOINT="write-temp", BRIEF_CHECKPOINT_FILE=str(marker),
                              BRIEF_CHECKPOINT_WAIT="120")
            atomic_write_text(target, new, force=True)
        finally:
            os._exit(0)
    ended = None
    try:
        deadline = time.monotonic() + 120
        while not (marker.exists() and marker.read_text(encoding="utf-8")):
            ended = os.waitpid(pid, os.WNOHANG)[0] or None
            assert ended is None, "ended before the checkpoint"
            assert time.monotonic() < deadline, "never reached the checkpoint"
            time.sleep(0.01)
        temps = [p for p in folder.iterdir() if p != target]
        assert len(temps) == 1
        half = temps[0].read_text(encoding="utf-8")
        assert half and new.startswith(half) and half != new  # mid-write
    finally:
        if ended is None:  # still ours to signal: not yet reaped
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    assert target.read_text(encoding="utf-8") == "the old notes\n"
    atomic_write_text(folder / "other.md", "x")
    assert sorted(p.name for p in folder.iterdir()) == ["notes.md", "other.md"]
