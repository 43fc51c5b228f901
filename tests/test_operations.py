"""Safe, boring runs: idempotent backfills, kill-and-resume, one writer at a time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from assets.duckdb_tx import FAULT_ENV
from orchestration.partitions import weeks_overlapping
from tests.conftest import mart_rows

SMALL_DEMO = "3000"  # mentions per half-year: enough rows for every rule, fast to build


def _env(home: Path, fault: str = "") -> dict[str, str]:
    env = dict(os.environ)
    # one pseudonym key for every warehouse here, so their anon- ids compare
    env.update(
        AKIMS_HOME=str(home), AKIMS_SOURCE="demo", AKIMS_DEMO_SIZE=SMALL_DEMO, AKIMS_PSEUDONYM_KEY="operations-key"
    )
    env.pop("AKIMS_WRITER_TOKEN", None)
    if fault:
        env[FAULT_ENV] = fault
    return env


def _akims(home: Path, *args: str, fault: str = "") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", *args],
        env=_env(home, fault),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _tables(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            "raw": con.execute("select * exclude (loaded_at) from raw.mentions order by all").fetchall(),
            "classified": con.execute(
                "select * exclude (classified_at) from raw.classified_mentions order by all"
            ).fetchall(),
            "weeks": con.execute(
                "select week_start, source, mention_count from raw.loaded_weeks order by 1"
            ).fetchall(),
        }
    finally:
        con.close()


def _wait_for(process: subprocess.Popen[str], text: str, timeout: float = 120) -> str:
    """Read the process's stderr until a line contains `text`."""
    assert process.stderr is not None
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen.append(line)
        if text in line:
            return "".join(seen)
    raise AssertionError(f"never saw {text!r}; stderr so far:\n{''.join(seen)}")


def _raw_weeks_whole(path: Path) -> bool:
    """Every loaded week has exactly its rows, and no row lies outside a loaded week."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        mismatched = con.execute(
            """
            select w.week_start from raw.loaded_weeks w
            left join (select week_start, count(*) as n from raw.mentions group by 1) m using (week_start)
            where coalesce(m.n, 0) <> w.mention_count
            """
        ).fetchall()
        orphans = con.execute(
            "select count(*) from raw.mentions where week_start not in (select week_start from raw.loaded_weeks)"
        ).fetchone()[0]
    finally:
        con.close()
    return mismatched == [] and orphans == 0


def test_sigkill_inside_a_week_write_keeps_previous_state_and_next_run_gives_a_clean_runs_marts(
    tmp_path: Path,
) -> None:
    """The run kills itself (SIGKILL, assets/duckdb_tx.py FAULT_ENV) inside the transaction of the
    third week's raw write, after its delete and insert, before its commit: the warehouse keeps the
    two weeks committed before, whole, and the next run gives the tables and marts of a clean run."""
    reference_home, killed_home = tmp_path / "reference", tmp_path / "killed"
    reference_home.mkdir()
    killed_home.mkdir()
    clean = _akims(reference_home, "run", "--from", "2019-01-01", "--to", "2019-02-17")
    assert clean.wait(timeout=300) == 0, clean.stderr.read() if clean.stderr else ""

    victim = _akims(killed_home, "run", "--from", "2019-01-01", "--to", "2019-02-17", fault="raw_week:3")
    _, err = victim.communicate(timeout=300)
    assert victim.returncode == -signal.SIGKILL, err

    assert _raw_weeks_whole(killed_home / "warehouse.duckdb")
    con = duckdb.connect(str(killed_home / "warehouse.duckdb"), read_only=True)
    try:
        weeks = [str(w) for (w,) in con.execute("select week_start from raw.loaded_weeks order by 1").fetchall()]
    finally:
        con.close()
    assert weeks == ["2018-12-31", "2019-01-07"]  # the third week's write was rolled back

    resumed = _akims(killed_home, "run", "--from", "2019-01-01", "--to", "2019-02-17")
    assert resumed.wait(timeout=300) == 0
    assert _tables(killed_home / "warehouse.duckdb") == _tables(reference_home / "warehouse.duckdb")
    killed_marts = mart_rows(killed_home / "warehouse.duckdb", without_tz_timestamps=True)
    assert killed_marts["fct_akim_ranking"], "the marts must hold a ranking for the comparison to mean anything"
    assert killed_marts == mart_rows(reference_home / "warehouse.duckdb", without_tz_timestamps=True)


def test_a_second_writer_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    first = _akims(home, "run", "--from", "2019-01-01", "--to", "2019-02-28")
    try:
        _wait_for(first, "[1/")
        second = _akims(home, "run", "--from", "2019-01-01", "--to", "2019-02-28")
        _, err = second.communicate(timeout=120)
        assert second.returncode == 2
        assert "another akims command is writing the warehouse" in err
        assert "Traceback" not in err
    finally:
        assert first.wait(timeout=300) == 0


def test_backfill_equals_single_week_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Eight weeks in one single-run backfill give the same tables as eight one-week runs (the first
    week straddles New Year; a whole half-year proved nothing more and took twice as long)."""
    from orchestration import pipeline

    weeks_backfill, weeks_single = tmp_path / "backfill", tmp_path / "single"
    for home in (weeks_backfill, weeks_single):
        home.mkdir()
    monkeypatch.setenv("AKIMS_SOURCE", "demo")
    monkeypatch.setenv("AKIMS_DEMO_SIZE", SMALL_DEMO)
    weeks = [week.isoformat() for week in weeks_overlapping(date(2019, 1, 1), date(2019, 2, 24))]
    assert len(weeks) == 8 and weeks[0] == "2018-12-31"
    loading = "load_and_classify_job"

    monkeypatch.setenv("AKIMS_HOME", str(weeks_backfill))
    pipeline._materialize(loading, keys=weeks, stage="backfill", dagster_instance=pipeline.instance())
    backfilled = _tables(weeks_backfill / "warehouse.duckdb")

    monkeypatch.setenv("AKIMS_HOME", str(weeks_single))
    instance = pipeline.instance()
    for week in weeks:
        pipeline._materialize(loading, keys=[week], stage=f"week {week}", dagster_instance=instance)
    assert _tables(weeks_single / "warehouse.duckdb") == backfilled
