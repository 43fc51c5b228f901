"""The serving snapshot (assets/serving.py) on real DuckDB files and a real second process that
holds the warehouse the way a writer does."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from assets.serving import WarehouseBusyError, open_for_reading, refresh_snapshot, snapshot_path

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("begin transaction")
con.execute("update publish.rankings set score = score + 100")
print("holding", flush=True)
time.sleep(60)
"""
READ = """
import sys
from pathlib import Path
from assets.serving import open_for_reading
with open_for_reading(Path(sys.argv[1])) as con:
    print(con.execute("select score from publish.rankings").fetchone()[0])
"""


def _warehouse(path: Path, score: int) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists publish")
        con.execute("create schema if not exists raw")
        con.execute("create or replace table raw.mentions as select 1 as id")
        con.execute("create or replace table publish.rankings as select 'batalov' as person_id, ? as score", [score])
        con.execute(
            "create or replace view marts.v_ranking as select person_id, score * 2 as doubled from publish.rankings"
        )
    finally:
        con.close()


def _score(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select score from publish.rankings").fetchone()[0]


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A warehouse with a snapshot, and another process holding it open for writing."""
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse, 7)
    con = duckdb.connect(str(warehouse))
    try:
        refresh_snapshot(con, warehouse)
    finally:
        con.close()
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(warehouse)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "holding"
    yield warehouse, process
    process.kill()
    process.wait()


def test_snapshot_carries_served_schemas_only_with_views_materialised(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse, 7)
    con = duckdb.connect(str(warehouse))
    try:
        assert refresh_snapshot(con, warehouse) == 2
    finally:
        con.close()
    snap = duckdb.connect(str(snapshot_path(warehouse)), read_only=True)
    try:
        tables = snap.execute(
            "select table_schema, table_name, table_type from information_schema.tables order by 1, 2"
        ).fetchall()
        assert tables == [("marts", "v_ranking", "BASE TABLE"), ("publish", "rankings", "BASE TABLE")]
        assert snap.execute("select doubled from marts.v_ranking").fetchone() == (14,)
    finally:
        snap.close()
    assert not list(tmp_path.glob(".serving.duckdb.*")), "the temporary file is renamed into place"


def test_readers_read_the_snapshot_while_a_writer_holds_the_warehouse(
    holder: tuple[Path, subprocess.Popen[str]],
) -> None:
    warehouse, _ = holder
    with pytest.raises(duckdb.Error, match="lock"):  # what every reader got before the snapshot
        duckdb.connect(str(warehouse), read_only=True)
    started = time.monotonic()
    with open_for_reading(warehouse) as con:
        assert _score(con) == 7  # the last complete publication, not the writer's open transaction
    assert time.monotonic() - started < 2


def test_without_a_snapshot_a_reader_waits_a_bounded_time_and_says_so_in_one_line(
    holder: tuple[Path, subprocess.Popen[str]],
) -> None:
    warehouse, _ = holder
    snapshot_path(warehouse).unlink()
    said: list[str] = []
    started = time.monotonic()
    with (
        pytest.raises(WarehouseBusyError, match="busy with a writer"),
        open_for_reading(warehouse, wait_seconds=1.5, announce=said.append),
    ):
        pass
    assert 1.5 <= time.monotonic() - started < 5
    assert said == ["warehouse busy (a run is writing it), retrying …"]


def test_without_a_snapshot_a_reader_gets_in_once_the_writer_is_gone(
    holder: tuple[Path, subprocess.Popen[str]],
) -> None:
    warehouse, process = holder
    snapshot_path(warehouse).unlink()
    said: list[str] = []
    # SIGKILL, as a crash or the OOM killer ends a writer (a SIGTERM can find itself ignored: a
    # child inherits an ignored disposition from the test process, and the reader then waited out)
    subprocess.Popen(["sh", "-c", f"sleep 1; kill -9 {process.pid}"])
    with open_for_reading(warehouse, wait_seconds=20, announce=said.append) as con:
        assert _score(con) == 7  # the killed writer's transaction never committed
    assert len(said) == 1


def test_a_reader_keeps_its_snapshot_while_a_new_one_is_swapped_in(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse, 7)
    con = duckdb.connect(str(warehouse))
    try:
        refresh_snapshot(con, warehouse)
        with open_for_reading(warehouse) as old_reader:
            con.execute("update publish.rankings set score = 8")
            refresh_snapshot(con, warehouse)
            assert _score(old_reader) == 7
            # a reader starting now, in its own process as readers are (within one process DuckDB
            # hands out the database instance already open for that path)
            read = subprocess.run(
                [sys.executable, "-c", READ, str(warehouse)], capture_output=True, text=True, check=True
            )
            assert read.stdout.strip() == "8"
    finally:
        con.close()


def test_no_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    with (
        pytest.raises(FileNotFoundError, match="run `akims demo` or `akims run` first"),
        open_for_reading(tmp_path / "warehouse.duckdb"),
    ):
        pass
