"""Great Expectations in the early-started worker process (assets/quality/gx_worker.py) gives the
outcomes of an in-process validation, row for row, and falls back to in-process without it."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date

import duckdb
import pandas as pd
import pytest

from assets.paths import PROJECT_ROOT
from assets.quality import gx_worker
from assets.quality.expectations import validate_frame

W1, W2 = date(2019, 3, 4), date(2019, 3, 11)


def _frame() -> pd.DataFrame:
    """Four mentions over two weeks with one negative counter in the second, read from DuckDB as
    the suite reads raw.mentions (its dtypes: timestamps, dates, doubles)."""
    con = duckdb.connect()
    try:
        return con.execute(
            """
            select 'm' || n as id, 'telegram' as platform,
                   timestamp '2019-03-05 12:00' + to_days(cast(7 * (n // 2) as integer)) as published_utc,
                   date '2019-03-05' + cast(7 * (n // 2) as integer) as local_date,
                   '' as author_id, '' as text,
                   case when n = 2 then -5.0 else 1.0 end as likes,
                   0.0 as comments, 0.0 as reposts, cast(null as double) as views, 10.0 as author_followers,
                   cast(null as varchar) as source_sentiment,
                   date '2019-03-04' + cast(7 * (n // 2) as integer) as week_start
            from range(4) as t(n)
            """
        ).df()
    finally:
        con.close()


@pytest.fixture
def worker() -> Iterator[None]:
    gx_worker.start()
    try:
        yield
    finally:
        gx_worker.stop()


def _not_here(*args: object) -> None:
    raise AssertionError("validated in the parent process, not in the worker")


def test_the_worker_validates_as_this_process_does(worker: None, monkeypatch: pytest.MonkeyPatch) -> None:
    assert gx_worker.started()
    frame = _frame()
    here = validate_frame("raw_mentions", frame, [W1, W2])
    # the parent's fallback raises: the outcomes below can only come from the spawned worker
    monkeypatch.setattr(gx_worker, "_validate_here", _not_here)
    in_worker = gx_worker.validate("raw_mentions", frame, [W1, W2])
    assert in_worker == here
    failed = [o for o in in_worker if not o.success]
    assert [(o.expectation, o.column, o.week_start, o.example_keys) for o in failed] == [
        ("expect_column_values_to_be_between", "likes", W2, ["telegram:m2"])
    ]


def test_a_large_frame_is_validated_here(worker: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gx_worker, "WORKER_MAX_ROWS", 3)
    monkeypatch.setattr(gx_worker, "_validate_here", _not_here)
    with pytest.raises(AssertionError, match="parent process"):
        gx_worker.validate("raw_mentions", _frame(), [W1, W2])


def test_without_a_worker_it_validates_here() -> None:
    gx_worker.stop()
    assert not gx_worker.started()
    outcomes = gx_worker.validate("raw_mentions", _frame(), [W1, W2])
    assert {o.week_start for o in outcomes if not o.success} == {W2}


def test_the_worker_ends_when_its_run_is_killed() -> None:
    """A run killed (SIGKILL) never stops its worker; the worker must end by itself, or it would
    wait for ever holding the run's stdout and stderr (whoever reads them never sees the end)."""
    code = (
        "import os, signal, time\n"
        "from assets.quality import gx_worker\n"
        "gx_worker.start()\n"
        "time.sleep(1)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    run = subprocess.Popen(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    # EOF on both pipes only once every process holding them, the worker included, has ended
    _, err = run.communicate(timeout=60)
    assert run.returncode == -signal.SIGKILL, err
