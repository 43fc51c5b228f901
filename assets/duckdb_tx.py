"""One transaction helper for every writer of the warehouse."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

# For kill-safety tests only (tests/test_operations.py): "<name>" or "<name>:<n>" makes this process
# SIGKILL itself inside the n-th (default first) transaction called `name`, after its writes and
# before its commit — a kill at a chosen point of a write, which a signal from outside cannot hit.
FAULT_ENV = "AKIMS_FAULT_KILL_BEFORE_COMMIT"
_seen: dict[str, int] = {}


def _fault_point(name: str) -> None:
    wanted = os.environ.get(FAULT_ENV, "")
    if not name or not wanted:
        return
    target, _, nth = wanted.partition(":")
    if target != name:
        return
    _seen[name] = _seen.get(name, 0) + 1
    if _seen[name] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection, name: str = "") -> Iterator[duckdb.DuckDBPyConnection]:
    """Begin a transaction; commit when the block ends, roll back on any exception (a KeyboardInterrupt
    too) and re-raise it, so a killed write leaves the previous state. `name` marks the weekly writes
    a kill-safety test can stop in the middle (FAULT_ENV)."""
    con.execute("begin transaction")
    try:
        yield con
        _fault_point(name)
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
