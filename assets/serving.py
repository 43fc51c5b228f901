"""The serving snapshot: what readers open while a writer works (issue #16).

DuckDB lets one process write a file and no other process open it meanwhile, not even to read.
So readers (`akims rank/summary/explain/quality/report/export`, the report assets) never open the
warehouse: they open `serving.duckdb` beside it, a copy of the published state (schemas `marts`
and `publish`, views materialised) that the writer rebuilds in a temporary file and swaps in by
rename at the end of each publish. A reader that opened the previous snapshot keeps reading it
(the rename does not touch an open file), a reader that opens after the rename sees the new one;
neither ever holds a lock the writer needs, and none sees a half-written state.

A warehouse built before the snapshot existed gets one on its next publish; until then readers
open the warehouse itself, waiting a bounded time while a writer holds it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from assets.locking import WarehouseBusyError  # the writer lock's error: one name for "a writer holds it"

SNAPSHOT_NAME = "serving.duckdb"
SERVED_SCHEMAS = ("marts", "publish")
BUSY_WAIT_SECONDS = 30.0
BUSY_POLL_SECONDS = 0.5


def snapshot_path(warehouse: Path) -> Path:
    """The serving snapshot beside `warehouse`."""
    return warehouse.with_name(SNAPSHOT_NAME)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def served_relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(schema, name) of every table and view the snapshot carries, in a stable order."""
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = current_database() and list_contains(?, table_schema) order by 1, 2",
        [list(SERVED_SCHEMAS)],
    ).fetchall()
    return [(str(schema), str(name)) for schema, name in rows]


def refresh_snapshot(con: duckdb.DuckDBPyConnection, warehouse: Path) -> int:
    """Rebuild the snapshot from the writer's open connection `con` to `warehouse` and swap it in
    atomically. Returns the number of relations copied."""
    target = snapshot_path(warehouse)
    building = target.with_name(f".{SNAPSHOT_NAME}.{os.getpid()}.building")
    building.unlink(missing_ok=True)
    relations = served_relations(con)
    con.execute(f"attach {_literal(building)} as serving_snapshot")
    try:
        for schema in sorted({schema for schema, _ in relations}):
            con.execute(f"create schema serving_snapshot.{_quoted(schema)}")
        for schema, name in relations:
            con.execute(
                f"create table serving_snapshot.{_quoted(schema)}.{_quoted(name)} as "
                f"select * from {_quoted(schema)}.{_quoted(name)}"
            )
    except BaseException:
        con.execute("detach serving_snapshot")
        building.unlink(missing_ok=True)
        raise
    con.execute("detach serving_snapshot")
    os.replace(building, target)
    return len(relations)


def publish_snapshot(warehouse: Path) -> int:
    """The writer's last step of a publish: open `warehouse` and refresh its serving snapshot; with
    a PostgreSQL warehouse (AKIMS_WAREHOUSE_URL) the published tables also go to the server, where
    BI tools read them next to the marts (assets/postgres_warehouse.py)."""
    from assets.postgres_warehouse import connect_server, ship_published
    from assets.settings import warehouse_url
    from assets.warehouse import connect

    url = warehouse_url()
    with connect(warehouse) as con:
        served = refresh_snapshot(con, warehouse)
        if url:
            with connect_server(url) as pg:
                ship_published(con, pg)
        return served


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _is_lock_conflict(exc: duckdb.Error) -> bool:
    return "lock" in str(exc).lower()


@contextmanager
def open_for_reading(
    warehouse: Path,
    *,
    wait_seconds: float = BUSY_WAIT_SECONDS,
    announce: Callable[[str], None] | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to what readers see: the snapshot when there is one, else the
    warehouse (waiting up to `wait_seconds` while a writer holds it, saying so once).
    FileNotFoundError when neither exists; WarehouseBusyError when the wait runs out."""
    snapshot = snapshot_path(warehouse)
    if snapshot.exists():
        con = duckdb.connect(str(snapshot), read_only=True)
    else:
        if not warehouse.exists():
            raise FileNotFoundError(f"no warehouse at {warehouse}: run `akims demo` or `akims run` first")
        con = _connect_waiting(warehouse, wait_seconds, announce or _to_stderr)
    try:
        con.execute("set enable_progress_bar = false")
        yield con
    finally:
        con.close()


def _connect_waiting(
    warehouse: Path, wait_seconds: float, announce: Callable[[str], None]
) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    announced = False
    while True:
        try:
            return duckdb.connect(str(warehouse), read_only=True)
        except duckdb.Error as exc:
            if not _is_lock_conflict(exc):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusyError(
                    f"the warehouse {warehouse} is busy with a writer and has no serving snapshot yet; "
                    "try again when the run has finished"
                ) from None
            if not announced:
                announce("warehouse busy (a run is writing it), retrying …")
                announced = True
            time.sleep(BUSY_POLL_SECONDS)


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
