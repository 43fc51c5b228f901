"""One writer per warehouse: an advisory lock on `$AKIMS_HOME/.writer.lock`.

DuckDB allows a single writing process. Commands that write (ingest, run, demo) take this
lock first, so a second one started meanwhile stops at once with a clear message instead of
failing half-way on DuckDB's file lock. The lock dies with its process, even on SIGKILL.

Children outlive a killed parent (dbt started by dagster-dbt, Dagster's own subprocesses),
and may still hold DuckDB's file lock. So every writer puts a token in its environment,
which its children inherit, and writes it to the lock file. Before the lock is released, and
when a new writer takes a lock whose holder died, processes carrying the holder's token are
ended (SIGTERM, then SIGKILL after a grace period) and waited for: the warehouse is never
opened while a previous writer's child still runs.
"""

from __future__ import annotations

import fcntl
import os
import signal
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

TOKEN_VARIABLE = "AKIMS_WRITER_TOKEN"
GRACE_SECONDS = 10.0
WAIT_SECONDS = 30.0


class WarehouseBusyError(RuntimeError):
    """Another process is writing this warehouse."""


# Python's own multiprocessing helpers: they hold no warehouse file and exit with their parent
# (ending them early makes the parent's exit print a resource-tracker traceback)
HELPER_MARKERS = (b"multiprocessing.resource_tracker", b"multiprocessing.forkserver")


def processes_with_token(token: str, *, helpers: bool = True) -> list[int]:
    """Ids of live processes (other than this one) whose environment carries `token`; without
    Python's multiprocessing helper processes unless `helpers`."""
    needle = f"{TOKEN_VARIABLE}={token}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if not helpers and any(marker in command for marker in HELPER_MARKERS):
            continue
        # A zombie has exited; it holds no file any more.
        if needle in environ.split(b"\0") and state.rsplit(")", 1)[-1].split()[0] != "Z":
            found.append(int(entry.name))
    return found


def end_processes_with_token(token: str, *, announce: bool, helpers: bool = True) -> None:
    """Stop the processes carrying `token` and wait (bounded) until they are gone."""
    pids = processes_with_token(token, helpers=helpers)
    if not pids:
        return
    if announce:
        print(
            f"waiting for {len(pids)} process(es) left by an interrupted writer to end",
            file=sys.stderr,
            flush=True,
        )
    started = time.monotonic()
    sent_kill = False
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    while pids := processes_with_token(token, helpers=helpers):
        waited = time.monotonic() - started
        if waited > WAIT_SECONDS:
            raise WarehouseBusyError(
                f"processes {', '.join(map(str, pids))} of an interrupted writer did not end; stop them and run again"
            )
        if waited > GRACE_SECONDS and not sent_kill:
            for pid in pids:
                _signal(pid, signal.SIGKILL)
            sent_kill = True
        time.sleep(0.1)


def _signal(pid: int, signum: int) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signum)


@contextmanager
def writer_lock(home: Path) -> Iterator[None]:
    path = home / ".writer.lock"
    handle = path.open("a+", encoding="utf-8")
    token = uuid.uuid4().hex
    previous_token = os.environ.get(TOKEN_VARIABLE)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip().split(" token ")[0] or "another process"
            raise WarehouseBusyError(
                f"another akims command is writing the warehouse in {home} ({holder}); "
                "wait for it to finish, or use another AKIMS_HOME"
            ) from None
        handle.seek(0)
        _, _, dead_token = handle.read().strip().partition(" token ")
        if dead_token:
            end_processes_with_token(dead_token, announce=True)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} token {token}")
        handle.flush()
        os.environ[TOKEN_VARIABLE] = token
        try:
            yield
        finally:
            if previous_token is None:
                os.environ.pop(TOKEN_VARIABLE, None)
            else:
                os.environ[TOKEN_VARIABLE] = previous_token
            # this writer's own children (dbt) end before the lock is free; its live
            # multiprocessing helpers end with it
            end_processes_with_token(token, announce=False, helpers=False)
    finally:
        handle.close()
