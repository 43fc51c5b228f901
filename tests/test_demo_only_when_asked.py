"""The embedded demo serves only when asked (issue #14, part a.2 and a.3): `auto` never fills a
week with it, a source asked for a week it cannot serve fails with the reason, the demo covers
the whole of 2019, and the Monday schedule's run fails clearly when no source is configured."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from akims_demo.generator import DEMO_FIRST_DAY, DEMO_LAST_DAY, demo_serves
from akims_demo.source import DemoWeeks, demo_weeks
from assets.sources.plugins import SourceUnavailable, resolve_kind
from assets.sources.serving import check_landing_weeks, weeks_text
from orchestration.cli import main

SMALL_DEMO = "3000"  # mentions per half-year: a few hundred a week, quick to classify


def _err_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and "Stack Trace" not in err  # Python's, and Dagster's console log
    return err.splitlines()[-1]


# ---------------------------------------------------------------- pure rules
def test_auto_means_the_landing_area_never_the_demo() -> None:
    assert resolve_kind("auto") == "landing"
    assert resolve_kind("landing") == "landing"
    assert resolve_kind(" Demo ") == "demo"
    with pytest.raises(SourceUnavailable, match="unknown mention source 'vk'"):
        resolve_kind("vk")


def test_an_empty_landing_area_names_the_weeks_and_how_to_configure_a_source() -> None:
    weeks = [date(2019, 7, 1), date(2019, 7, 8), date(2019, 7, 15), date(2019, 7, 22)]
    assert weeks_text(weeks) == "2019-W27..2019-W30 (4 weeks)"
    with pytest.raises(SourceUnavailable) as caught:
        check_landing_weeks(weeks, {}, "")
    message = str(caught.value)
    assert "no mention landed for 2019-W27..2019-W30 (4 weeks)" in message
    assert "AKIMS_FETCH is not set" in message and "AKIMS_SOURCE=demo" in message
    with pytest.raises(SourceUnavailable, match="AKIMS_FETCH=vk fetched nothing"):
        check_landing_weeks(weeks, {date(2019, 7, 1): 0}, "vk")
    check_landing_weeks(weeks, {date(2019, 7, 8): 3}, "")  # one week with data: the gate judges the rest


def test_the_demo_covers_2019_in_whole_iso_weeks() -> None:
    span = (DEMO_FIRST_DAY, DEMO_LAST_DAY)
    assert span == (date(2019, 1, 1), date(2020, 1, 5))
    assert demo_serves(date(2018, 12, 31)) and demo_serves(date(2019, 12, 30))
    assert not demo_serves(date(2018, 12, 24)) and not demo_serves(date(2020, 1, 6))
    # the last week of 2019-H2 is whole: Monday 30 December to Sunday 5 January
    (week,) = demo_weeks(DemoWeeks((date(2019, 12, 30),), 3000, 2019, (None, None)))
    local = {d.as_py() for d in week.mentions.column("local_date")}
    assert min(local) == date(2019, 12, 30) and max(local) == date(2020, 1, 5)


# ---------------------------------------------------------------- through the real pipeline
def test_auto_with_an_empty_landing_area_fails_and_never_uses_the_demo(
    akims_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--from", "2019-03-04", "--to", "2019-03-17"]) == 1
    line = _err_line(capsys)
    assert "no mention landed for 2019-W10, 2019-W11" in line
    assert "AKIMS_FETCH is not set" in line and "AKIMS_SOURCE=demo" in line
    con = duckdb.connect(str(akims_home / "warehouse.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from raw.mentions").fetchone() == (0,)
        assert con.execute("select count(*) from raw.loaded_weeks").fetchone() == (0,)
    finally:
        con.close()
    assert main(["rank", "--period", "2019-W10"]) == 2


def test_the_demo_refuses_a_week_outside_its_span(
    akims_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AKIMS_SOURCE", "demo")
    monkeypatch.setenv("AKIMS_DEMO_SIZE", SMALL_DEMO)
    assert main(["run", "--from", "2021-03-01", "--to", "2021-03-07"]) == 1
    line = _err_line(capsys)
    assert "the embedded demo covers 2019-01-01..2020-01-05 only; it cannot serve 2021-W09" in line


def test_the_demo_serves_weeks_of_2019_h2_with_the_akmola_and_karaganda_changes(
    akims_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two weeks around Karaganda's change (Koshanov to Kasymbek on 2019-09-18), after Akmola's
    (Murzalin to Marzhikpaev on 2019-07-01): the demo fills them and their rankings publish."""
    monkeypatch.setenv("AKIMS_SOURCE", "demo")
    monkeypatch.setenv("AKIMS_DEMO_SIZE", "12000")
    assert main(["run", "--from", "2019-09-09", "--to", "2019-09-22"]) == 0
    con = duckdb.connect(str(akims_home / "warehouse.duckdb"), read_only=True)
    try:
        loaded = con.execute("select week_start, source, mention_count from raw.loaded_weeks order by 1").fetchall()
    finally:
        con.close()
    assert [(str(w), s) for w, s, _ in loaded] == [("2019-09-09", "demo"), ("2019-09-16", "demo")]
    assert all(n > 300 for _, _, n in loaded)
    capsys.readouterr()
    ranked = {}
    for week in ("2019-W37", "2019-W38"):
        assert main(["rank", "--period", week, "--format", "json"]) == 0
        ranked[week] = {r["person_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert "marzhikpaev-ermek" in ranked["2019-W37"] and "murzalin-malik" not in ranked["2019-W37"]
    assert "koshanov-erlan" in ranked["2019-W37"]
    assert "kasymbek-zhenis" in ranked["2019-W38"]  # five of the week's seven days: the newcomer ranks
    assert all(r["mentions"] > 0 for r in ranked["2019-W38"].values())


def test_the_monday_run_with_no_configured_source_fails_clearly(
    akims_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration.definitions import defs
    from orchestration.pipeline import instance

    monkeypatch.delenv("AKIMS_FETCH", raising=False)
    schedule = defs.get_schedule_def("weekly_rating_job_schedule")
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED  # ships stopped: see README
    tick = dg.build_schedule_context(scheduled_execution_time=datetime.fromisoformat("2026-11-30T06:00:00+06:00"))
    (request,) = list(schedule.evaluate_tick(tick).run_requests or [])
    assert request.partition_key == "2026-11-23"

    job = defs.resolve_job_def("weekly_rating_job")
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} >= {"landing_mentions", "raw_mentions"}
    result = job.execute_in_process(
        partition_key=request.partition_key, instance=instance(), raise_on_error=False, tags=request.tags
    )
    assert not result.success
    failures = [
        (e.step_key, e.step_failure_data.error.message)
        for e in result.all_events
        if e.event_type_value == "STEP_FAILURE" and e.step_failure_data and e.step_failure_data.error
    ]
    assert len(failures) == 1
    step, message = failures[0]
    assert step == "raw_mentions"
    assert "no mention landed for 2026-W48" in message and "AKIMS_FETCH is not set" in message
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == {"landing_mentions"}  # fetched first, then stopped: nothing classified or ranked
    con = duckdb.connect(str(akims_home / "warehouse.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from raw.loaded_weeks").fetchone() == (0,)
    finally:
        con.close()
