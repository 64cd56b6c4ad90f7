"""Named points in the writers where a fault test can stop a run deterministically.

Off unless ``BRIEF_CHECKPOINT`` names a point. When a run reaches that point it appends the
name to the file named by ``BRIEF_CHECKPOINT_FILE`` (so the test knows the point was reached)
and then pauses there (at most ``BRIEF_CHECKPOINT_WAIT`` seconds, 60 by default), for the test to
kill it, or to start a second run that must cope with this one holding its lock; the pause ends
early once the file named by ``BRIEF_CHECKPOINT_RELEASE`` exists.

Points: ``index-write`` (a full build's first article written to its temporary file, the
parsers still at work), ``index-build`` (a full build's data written to its temporary file, not
yet switched to), ``index-switch`` (the new generation in place, the pointer not yet moved),
``index-refresh`` (an incremental update inside its transaction, the write lock held),
``write-temp`` (half of a file written to its temporary file: export, ingest, retag),
``retag-write`` (retag about to replace an article file).
"""

from __future__ import annotations

import os

ENV_POINT = "BRIEF_CHECKPOINT"
ENV_FILE = "BRIEF_CHECKPOINT_FILE"
ENV_WAIT = "BRIEF_CHECKPOINT_WAIT"
ENV_RELEASE = "BRIEF_CHECKPOINT_RELEASE"


def reached(name: str) -> None:
    """Mark that the run got to ``name``; pause there if a test asked for it."""
    wanted = os.environ.get(ENV_POINT)
    if not wanted or name not in wanted.split(","):
        return
    import time

    marker = os.environ.get(ENV_FILE)
    if marker:
        with open(marker, "a", encoding="utf-8") as handle:
            handle.write(f"{name} {os.getpid()}\n")
    try:
        wait = float(os.environ.get(ENV_WAIT, "60"))
    except ValueError:
        wait = 60.0
    release = os.environ.get(ENV_RELEASE)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if release and os.path.exists(release):
            return
        time.sleep(0.02)
