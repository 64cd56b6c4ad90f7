"""What every command's run needs that does not depend on the CLI framework: the standard
streams made safe to write, and project errors turned into one line and an exit code.

The Typer group (``app.BriefGroup``) and the lean path of ``brief search`` (``cli.fast``) both
use it, so an error reads the same whichever path ran the command.
"""

from __future__ import annotations

import os
import sys

from brief_cli.errors import BriefError, ExitCode


def _output_errnos() -> frozenset:
    import errno

    names = ("ENOSPC", "EIO", "EBADF", "EFBIG", "EDQUOT", "EROFS", "ENXIO")
    return frozenset(getattr(errno, n) for n in names if hasattr(errno, n))


_OUTPUT_ERRNOS = _output_errnos()


def _flush_stdout() -> None:
    stream = sys.stdout
    if stream is not None and not getattr(stream, "closed", False):
        stream.flush()


class _ClosedStdout:
    """Stands for a standard output that was closed before the run (``brief ... >&-``): any
    write fails, so the command reports that its output went nowhere (exit 2)."""

    encoding = "utf-8"
    errors = "strict"
    closed = False

    @property
    def buffer(self):  # writers of bytes (exports) get the same refusal
        return self

    def write(self, text) -> int:
        import errno

        if not text:
            return 0
        raise OSError(errno.EBADF, "standard output is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        import io

        raise io.UnsupportedOperation("standard output is closed")


_ASCII_FOR = {"\u2026": "...", "\u00b7": "-", "\u2014": "--", "\u2013": "-", "\u2192": "->",
              "\u2190": "<-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
              "\u2022": "*", "\u00a0": " ", "\u2212": "-", "\u00d7": "x", "\u2264": "<=",
              "\u2265": ">="}


def _ascii_fallback(exc: UnicodeError):
    """Codec error handler for a stream that cannot encode a character: the tool's own
    typography becomes ASCII (… as ...), anything else a visible \\uXXXX escape."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start:exc.end]:
        swap = _ASCII_FOR.get(ch)
        if swap is None:
            swap = ch.encode("ascii", "backslashreplace").decode("ascii")
        out.append(swap)
    return "".join(out), exc.end


def prepare_streams() -> None:
    """Make the standard streams safe to write before any command runs: a closed stdout
    fails loudly instead of silently, and a non-UTF-8 encoding (``PYTHONIOENCODING=ascii``,
    ``LC_ALL=C``) degrades characters it cannot show instead of raising."""
    import codecs

    if sys.stdout is None:
        sys.stdout = _ClosedStdout()  # type: ignore[assignment]
    codecs.register_error("brief-ascii", _ascii_fallback)
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if not encoding or not hasattr(stream, "reconfigure"):
            continue
        try:
            if codecs.lookup(encoding).name != "utf-8":
                stream.reconfigure(errors="brief-ascii")
        except (LookupError, ValueError, OSError):
            pass


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass



def run_guarded(work) -> int:
    """Run ``work()`` the way the group runs a command: project errors as one ``error:`` line
    (a note for "nothing matched"), a reader that went away as a quiet success, output that
    could not be written as an error; returns the exit code."""
    try:
        try:
            return int(work() or 0)
        finally:
            _flush_stdout()
    except BriefError as exc:
        if os.environ.get("BRIEF_DEBUG"):
            raise
        from brief_cli.render.common import error_line, note

        if exc.exit_code == ExitCode.NOTHING:
            note(str(exc))
        else:
            error_line(str(exc))
        return int(exc.exit_code)
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except OverflowError as exc:
        if os.environ.get("BRIEF_DEBUG"):
            raise
        from brief_cli.render.common import error_line

        error_line(f"a number is too large: {exc}")
        return int(ExitCode.ERROR)
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRNOS or os.environ.get("BRIEF_DEBUG"):
            raise
        from brief_cli.render.common import error_line

        _silence_stdout()
        error_line(f"cannot write the output: {exc.strerror or exc}")
        return int(ExitCode.ERROR)
