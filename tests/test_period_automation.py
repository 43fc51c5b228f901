"""Automation publishes any period whose weeks changed, not only the latest partition (issue #14)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import dagster as dg

from orchestration.automation import KINDS, period_rankings_sensor, stale_periods
from orchestration.partitions import weeks_overlapping

HALF, YEAR = KINDS
EXISTING = {"2019-01-01", "2019-07-01", "2020-01-01"}


def _ids(first: date, last: date, start: int = 100) -> dict[str, int]:
    return {w.isoformat(): start + n for n, w in enumerate(weeks_overlapping(first, last))}


def test_a_complete_half_year_is_due_once_dbt_rebuilt_after_its_weeks() -> None:
    weeks = _ids(date(2019, 7, 1), date(2019, 12, 31))  # 27 weeks, 2019-12-30 included
    newest = max(weeks.values())
    assert stale_periods(HALF, weeks, marts_id=newest + 1, ranking_ids={}, existing=EXISTING) == {"2019-07-01": newest}
    # dbt has not rebuilt since the last week changed: wait
    assert stale_periods(HALF, weeks, marts_id=newest - 1, ranking_ids={}, existing=EXISTING) == {}
    # published after the change: nothing to do
    assert (
        stale_periods(HALF, weeks, marts_id=newest + 1, ranking_ids={"2019-07-01": newest + 2}, existing=EXISTING) == {}
    )
    # the year and 2020-H1 (the boundary week touches both) are incomplete: never published half-empty
    assert stale_periods(YEAR, weeks, marts_id=newest + 1, ranking_ids={}, existing=EXISTING) == {}


def test_a_changed_week_of_an_old_period_makes_it_due_again() -> None:
    weeks = _ids(date(2018, 12, 31), date(2019, 12, 31))
    published = max(weeks.values()) + 5
    weeks["2019-03-04"] = published + 10  # a week of 2019-H1 re-loaded after publication
    due_halves = stale_periods(
        HALF, weeks, published + 11, {"2019-01-01": published, "2019-07-01": published}, EXISTING
    )
    assert due_halves == {"2019-01-01": published + 10}
    assert stale_periods(YEAR, weeks, published + 11, {"2019-01-01": published}, {"2019-01-01"}) == {
        "2019-01-01": published + 10
    }


def test_a_period_not_finished_is_not_a_partition_yet() -> None:
    weeks = _ids(date(2019, 7, 1), date(2019, 12, 31))
    assert stale_periods(HALF, weeks, max(weeks.values()) + 1, {}, existing={"2019-01-01"}) == {}


def test_the_sensor_on_a_warehouse_with_nothing_loaded_skips_with_a_reason(akims_home: Path) -> None:
    from orchestration.definitions import defs
    from orchestration.pipeline import instance

    with dg.build_sensor_context(instance=instance(), definitions=defs) as context:
        result = period_rankings_sensor(context)
    assert isinstance(result, dg.SkipReason)
    assert "no half-year or year" in (result.skip_message or "")


def test_weeks_overlapping_a_half_year_include_both_boundary_weeks() -> None:
    weeks = weeks_overlapping(date(2019, 7, 1), date(2019, 12, 31))
    assert weeks[0] == date(2019, 7, 1) and weeks[-1] == date(2019, 12, 30) and len(weeks) == 27
    assert all(b - a == timedelta(days=7) for a, b in pairwise(weeks))


def test_runs_launched_from_the_ui_get_a_readable_stage() -> None:
    from orchestration.automation import run_label

    weekly = {"landing_mentions", "raw_mentions", "loaded_weeks", "classified_mentions"}
    assert run_label(weekly, "2019-07-01", "2019-12-30") == "load and classify 2019-W27..2020-W01"
    assert run_label({"half_year_weeks"}, "2019-07-01", "2019-07-01") == "half-year calendar 2019-H2"
    assert run_label({"fct_akim_ranking", "stg_warehouse__mentions"}, None, None) == "dbt build"
    assert (
        run_label({"half_year_ranking", "half_year_report"}, "2019-07-01", "2019-07-01")
        == "half-year ranking 2019-H2 + half-year report 2019-H2"
    )


def test_the_sensor_reads_the_marts_materialisation_without_crashing(akims_home: Path) -> None:
    """Once dbt has built the marts, an idle tick must judge the periods, not crash: it read
    `storage_id` off an EventLogEntry (found walking the UI: a Failure tick every minute)."""
    from orchestration.definitions import defs
    from orchestration.pipeline import instance

    dagster_instance = instance()
    dagster_instance.report_runless_asset_event(dg.AssetMaterialization("fct_akim_ranking"))
    with dg.build_sensor_context(instance=dagster_instance, definitions=defs) as context:
        result = period_rankings_sensor(context)
    assert isinstance(result, dg.SkipReason)
    assert "no half-year or year" in (result.skip_message or "")
