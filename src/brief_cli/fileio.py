"""Writing files safely: never half-written, never over a file the user did not ask to replace.

- A regular file is written through a temporary file in the same folder, then renamed over
  the old one; a kill at any moment leaves the old file or the new one, never a mix.
- A symlink is written through: its target is replaced, the link stays.
- A FIFO or a character device (``-o /dev/stdout``, a named pipe) is streamed into, as the
  shell's ``>`` would; it is never replaced by a regular file. Any other kind of file (a block
  device, a socket, a folder) is refused.
- Temporary files are named ``.NAME.briefPID.XXXX.tmp``; those left by a process that no longer
  runs (a ``kill -9``) are removed on the next write to that folder.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path

from brief_cli.errors import FileProblem

_TEMP_RE = re.compile(r"^\..+\.brief(\d+)\.[A-Za-z0-9_]+\.tmp$")


def atomic_write_text(path: Path, text: str, *, force: bool = False,
                      what: str = "file", clean: bool = True) -> Path:
    """Write text (UTF-8) to path safely: see ``atomic_write_bytes``."""
    return atomic_write_bytes(path, text.encode("utf-8"), force=force, what=what, clean=clean)


def atomic_write_bytes(path: Path, data: bytes, *, force: bool = False,
                       what: str = "file", clean: bool = True) -> Path:
    """Write bytes to path through a temporary file in the same folder, then rename it.

    Refuses to replace an existing file unless ``force``. An interruption leaves either the old
    file or none, never a partial one. Raises FileProblem with a one-line reason. ``clean``
    False skips the sweep of stale temporary files (a batch sweeps its folder once: a sweep
    reads the whole folder, which made writing n files cost n squared).
    """
    from brief_cli.checkpoint import reached

    path = Path(path)
    kind = _kind(path)
    if kind == "stream":
        return _stream_into(path, data)
    if kind == "link":
        if _kind(path, follow=True) == "stream":  # e.g. a link to /proc/self/fd/1
            return _stream_into(path, data)
        path = Path(os.path.realpath(path))  # replace the target, keep the link
        kind = _kind(path)
    if kind == "folder":
        raise FileProblem(f"{str(path)!r} is a folder", hint=f"give a {what} name")
    if kind == "other":
        raise FileProblem(f"{str(path)!r} is not a regular file; it is left alone",
                          hint=f"give a {what} name")
    folder = path.parent if str(path.parent) else Path(".")
    if kind == "file" and not force:
        raise FileProblem(f"{str(path)!r} already exists",
                          hint="use --force to overwrite it, or choose another name")
    if not folder.exists():
        raise FileProblem(f"folder {str(folder)!r} does not exist", hint="create it first")
    if not folder.is_dir():
        raise FileProblem(f"{str(folder)!r} is not a folder")
    if clean:
        clean_stale_temp_files(folder)
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.brief{os.getpid()}.",
                                        suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            half = len(data) // 2
            handle.write(data[:half])
            if os.environ.get("BRIEF_CHECKPOINT"):  # a fault test: make the half visible
                handle.flush()
            reached("write-temp")  # half the data in a temporary file: a kill here is the test
            handle.write(data[half:])
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); give it the mode a plain open() would have,
        # or keep the mode of the file it replaces.
        os.chmod(tmp_name, _mode_for(path))
        if path.exists() and not force:  # appeared while we wrote
            raise FileProblem(f"{str(path)!r} already exists",
                              hint="use --force to overwrite it, or choose another name")
        if _kind(path) not in ("missing", "file"):  # swapped for something else meanwhile
            raise FileProblem(f"{str(path)!r} is not a regular file; it is left alone")
        os.replace(tmp_name, path)
        tmp_name = None
    except PermissionError:
        raise FileProblem(f"cannot write to {str(folder)!r}: permission denied",
                          hint="choose a folder you can write to") from None
    except OSError as exc:
        raise FileProblem(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
    return path


def _kind(path: Path, follow: bool = False) -> str:
    """missing, file, link, folder, stream (a FIFO or character device) or other."""
    try:
        st = os.stat(path) if follow else os.lstat(path)
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "missing"
    mode = st.st_mode
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return "stream"
    return "other"


def _stream_into(path: Path, data: bytes) -> Path:
    """Write into an existing FIFO or character device, as ``> path`` would: no temporary
    file, no rename, nothing replaced."""
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise FileProblem(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not (stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode)):
            raise FileProblem(f"{str(path)!r} changed while it was opened; nothing written")
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError as exc:
        raise FileProblem(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    return path


def clean_stale_temp_files(folder: Path) -> list[Path]:
    """Remove temporary files of ours whose writer is gone (killed before its rename)."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_RE.match(entry.name)
        if not match or _alive(int(match.group(1))):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # it exists, run by someone else
    return True


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
