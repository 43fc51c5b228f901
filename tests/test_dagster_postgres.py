"""The Dagster instance on PostgreSQL (issue #19, part 1), against a real server the test starts.

pgserver (a pip-installed PostgreSQL, dev dependency) runs the server in the test's folder on a
Unix socket; `AKIMS_DAGSTER_POSTGRES_URL` points the warehouse's Dagster instance at a database
of it. `akims run` then records its runs, events and pool slots there (nothing in SQLite), the
Monday schedule and the sensors evaluate against that storage, and a wrong URL is one line.
If the server cannot start the tests fail with the reason: nothing is skipped.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import dagster as dg
import pytest

from orchestration.cli import main
from tests.conftest import postgres_database

SMALL_DEMO = "3000"  # mentions per half-year: a few hundred a week


def rows(url: str, sql: str) -> list[tuple]:
    """A query straight to the server (psycopg2, not Dagster), to see what Dagster stored."""
    import psycopg2

    with psycopg2.connect(url.replace("postgresql+psycopg2://", "postgresql://")) as con, con.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def test_runs_events_schedule_and_sensors_live_in_postgres(
    akims_home: Path, postgres: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

    from orchestration.definitions import defs
    from orchestration.pipeline import instance

    url = postgres_database(postgres, "akims_runs")
    monkeypatch.setenv("AKIMS_DAGSTER_POSTGRES_URL", url)
    monkeypatch.setenv("AKIMS_SOURCE", "demo")
    monkeypatch.setenv("AKIMS_DEMO_SIZE", SMALL_DEMO)

    # two weeks: three runs (one week is one run, `one_week_job`: tests/test_pipeline.py)
    assert main(["run", "--from", "2019-01-07", "--to", "2019-01-20"]) == 0

    stored = rows(url, "select pipeline_name, status from runs order by create_timestamp")
    assert stored == [
        ("load_and_classify_job", "SUCCESS"),
        ("dbt_build_job", "SUCCESS"),
        ("publish_weekly_job", "SUCCESS"),
    ]
    (events,) = rows(url, "select count(*) from event_logs where dagster_event_type = 'ASSET_CHECK_EVALUATION'")[0]
    assert events > 50  # the dbt tests, as asset checks
    # the instance the UI opens (DAGSTER_HOME=$AKIMS_HOME/.dagster) is the same storage
    config = (akims_home / ".dagster" / "dagster.yaml").read_text(encoding="utf-8")
    assert "env: AKIMS_DAGSTER_POSTGRES_URL" in config and "postgres:@" not in config  # no URL in the file
    dagster_instance = instance()
    assert isinstance(dagster_instance.run_storage, PostgresRunStorage)
    assert isinstance(dagster_instance.event_log_storage, PostgresEventLogStorage)
    assert isinstance(dagster_instance.schedule_storage, PostgresScheduleStorage)
    assert not list((akims_home / ".dagster").rglob("*.db"))  # no SQLite run history beside it
    assert dagster_instance.get_runs_count() == 3
    # the one-writer pool lives in the event log storage too: every slot given back
    assert dagster_instance.event_log_storage.get_concurrency_info("duckdb_writer").active_slot_count == 0
    weekly = dagster_instance.fetch_materializations(dg.AssetKey("weekly_ranking"), limit=10).records
    assert sorted(r.partition_key for r in weekly) == ["2019-01-07", "2019-01-14"]

    # the Monday schedule and the sensors evaluate against it
    schedule = defs.get_schedule_def("weekly_rating_job_schedule")
    tick = dg.build_schedule_context(
        instance=dagster_instance, scheduled_execution_time=datetime.fromisoformat("2019-01-28T06:00:00+06:00")
    )
    assert [r.partition_key for r in schedule.evaluate_tick(tick).run_requests or []] == ["2019-01-21"]
    sensor = defs.get_sensor_def("period_rankings_sensor")
    with dg.build_sensor_context(instance=dagster_instance, definitions=defs) as context:
        result = sensor.evaluate_tick(context)
    assert result.skip_message == "no half-year or year has all its weeks loaded and changed since it was published"


def test_a_wrong_storage_url_is_one_line(akims_home: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("AKIMS_DAGSTER_POSTGRES_URL", "postgresql://akims:secret@db.example/akims")
    assert main(["run", "--from", "2019-01-07", "--to", "2019-01-13"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("akims: AKIMS_DAGSTER_POSTGRES_URL must be a postgresql+psycopg2:// URL")
    assert "secret" not in err and len(err.splitlines()) == 1

    # a server nobody listens on: dagster-postgres retries, then one line naming the host, no password
    monkeypatch.setenv("AKIMS_DAGSTER_POSTGRES_URL", "postgresql+psycopg2://akims:secret@127.0.0.1:9/akims")
    assert main(["run", "--from", "2019-01-07", "--to", "2019-01-13"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("akims: the Dagster storage in PostgreSQL (AKIMS_DAGSTER_POSTGRES_URL=…@127.0.0.1:9/akims)")
    assert "Connection refused" in err or "connection failed" in err
    assert "secret" not in err and "Traceback" not in err and len(err.splitlines()) == 1
