"""The Dagster code location loads, validates, and its lineage links Python assets to dbt models."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import dagster as dg

from orchestration.definitions import defs
from orchestration.partitions import weekly_partitions


def test_dagster_definitions_validate(akims_home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-m", "orchestration.definitions"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation successful" in result.stdout + result.stderr


def test_lineage_connects_python_assets_and_dbt_models() -> None:
    graph = defs.resolve_asset_graph()
    parents = {
        key.to_user_string(): {p.to_user_string() for p in graph.get(key).parent_keys}
        for key in graph.get_all_asset_keys()
    }
    assert "raw_mentions" in parents["stg_warehouse__mentions"]
    assert "classified_mentions" in parents["stg_warehouse__classified_mentions"]
    assert "loaded_weeks" in parents["stg_warehouse__loaded_weeks"]
    assert "raw_mentions" in parents["classified_mentions"]
    for ranking in ("weekly_ranking", "half_year_ranking", "year_ranking"):
        assert "fct_akim_ranking" in parents[ranking]


def test_the_quality_tables_fct_data_quality_reads_are_materialised_assets() -> None:
    """The quality scans write raw.quality_* as weekly assets (issue #15), not checks behind
    Dagster's back: every dbt source of fct_data_quality is a materialisable, weekly-partitioned
    asset, and the checks that judge them run after them."""
    graph = defs.resolve_asset_graph()
    sources = {"quality_expectations", "quality_accounts", "quality_roster_signals", "quality_settings", "quarantine"}
    parents = {p.to_user_string() for p in graph.get(dg.AssetKey("fct_data_quality")).parent_keys}
    assert sources <= parents
    for key in sources:
        node = graph.get(dg.AssetKey(key))
        assert node.is_materializable and node.partitions_def == weekly_partitions, key
    checks = {c.name: c for c in defs.resolve_asset_graph().asset_check_keys}
    assert {"raw_mentions_expectations", "classified_mentions_expectations", "official_like_accounts"} <= set(checks)


def test_weeks_start_on_monday_in_almaty() -> None:
    keys = weekly_partitions.get_partition_keys(current_time=datetime(2019, 7, 2))
    assert "2018-12-31" in keys  # ISO 2019-W01 starts on Monday 31 December 2018
    window = weekly_partitions.time_window_for_partition_key("2019-06-24")
    assert window.start.isoformat() == "2019-06-24T00:00:00+06:00"
    assert window.end.isoformat() == "2019-07-01T00:00:00+06:00"


def test_schedule_targets_the_week_that_just_ended() -> None:
    schedule = defs.get_schedule_def("weekly_rating_job_schedule")
    assert schedule.cron_schedule == "0 6 * * 1"
    assert schedule.execution_timezone == "Asia/Almaty"
    context = dg.build_schedule_context(scheduled_execution_time=datetime.fromisoformat("2019-07-01T06:00:00+06:00"))
    requests = list(schedule.evaluate_tick(context).run_requests or [])
    assert [r.partition_key for r in requests] == ["2019-06-24"]
