"""Writing files safely: never half-written, never over a file the user did not ask to replace."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from brief_cli.errors import FileProblem


def atomic_write_text(path: Path, text: str, *, force: bool = False,
                      what: str = "file") -> Path:
    """Write text (UTF-8) to path safely: see ``atomic_write_bytes``."""
    return atomic_write_bytes(path, text.encode("utf-8"), force=force, what=what)


def atomic_write_bytes(path: Path, data: bytes, *, force: bool = False,
                       what: str = "file") -> Path:
    """Write bytes to path through a temporary file in the same folder, then rename it.

    Refuses to replace an existing file unless ``force``. An interruption leaves either the old
    file or none, never a partial one. Raises FileProblem with a one-line reason.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise FileProblem(f"{str(path)!r} is a folder", hint=f"give a {what} name")
    if path.exists() and not force:
        raise FileProblem(f"{str(path)!r} already exists",
                          hint="use --force to overwrite it, or choose another name")
    if not folder.exists():
        raise FileProblem(f"folder {str(folder)!r} does not exist", hint="create it first")
    if not folder.is_dir():
        raise FileProblem(f"{str(folder)!r} is not a folder")
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); give it the mode a plain open() would have,
        # or keep the mode of the file it replaces.
        os.chmod(tmp_name, _mode_for(path))
        if path.exists() and not force:  # appeared while we wrote
            raise FileProblem(f"{str(path)!r} already exists",
                              hint="use --force to overwrite it, or choose another name")
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


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
