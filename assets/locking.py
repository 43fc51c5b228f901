"""One writer per warehouse: an advisory lock on `$AKIMS_HOME/.writer.lock`.

DuckDB allows a single writing process. Commands that write (ingest, run, demo) take this
lock first, so a second one started meanwhile stops at once with a clear message instead of
failing half-way on DuckDB's file lock. The lock dies with its process, even on SIGKILL.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WarehouseBusyError(RuntimeError):
    """Another process is writing this warehouse."""


@contextmanager
def writer_lock(home: Path) -> Iterator[None]:
    path = home / ".writer.lock"
    handle = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise WarehouseBusyError(
                f"another akims command is writing the warehouse in {home} ({holder}); "
                "wait for it to finish, or use another AKIMS_HOME"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()
