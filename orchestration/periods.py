"""The half-year calendar: the asset that lets one launch in the UI backfill a whole period.

Dagster plans an asset backfill from the root of the selected assets downwards, through the
partition mappings. `half_year_weeks` is that root for the period assets: every weekly asset
depends on it through a `TimeWindowPartitionMapping` (a week maps to the half-years it
overlaps), the half-year ranking depends on it partition for partition and the year ranking on
its two half-years. So selecting `+half_year_report` in the asset graph, *Materialize selected*
and picking the half-year 2019-07-01 plans: this calendar, every week that overlaps 2019-H2
(2019-07-01 .. 2019-12-30, the boundary week included), classification, one dbt build, the
half-year ranking and its report; picking both half-years of 2019 with `+year_report` plans the
year the same way. The rankings do not depend on the weeks directly: a boundary week would then
also pull in the neighbouring half-year.
"""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from assets.warehouse import table_exists
from orchestration.partitions import half_year_label, half_year_partitions, week_label, weeks_overlapping
from orchestration.resources import WarehouseResource

# weekly asset -> half-year: the half-years a week overlaps (a boundary week maps to two); the
# newest week's half-year is not a partition until it ends, hence allow_nonexistent
WEEK_TO_PERIOD = dg.TimeWindowPartitionMapping(allow_nonexistent_upstream_partitions=True)


def half_year_end(start: date) -> date:
    """The last day of the half-year starting on `start` (1 January or 1 July)."""
    return date(start.year, 6, 30) if start.month == 1 else date(start.year, 12, 31)


def boundary_weeks(start: date, end: date) -> list[date]:
    """The weeks of [start, end] that begin before it or end after it (shared with a neighbour)."""
    return [w for w in weeks_overlapping(start, end) if w < start or w + timedelta(days=6) > end]


def mentions_loaded(duckdb_path: Path, weeks: list[date]) -> dict[date, int]:
    """Mentions loaded per week for those of `weeks` already in `raw.loaded_weeks` (none on a
    fresh warehouse)."""
    if not duckdb_path.exists() or not weeks:
        return {}
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        if not table_exists(con, "raw", "loaded_weeks"):
            return {}
        rows = con.execute(
            "select week_start, mention_count from raw.loaded_weeks where list_contains(?, week_start)", [weeks]
        ).fetchall()
    finally:
        con.close()
    return {week: int(count) for week, count in rows}


def period_plan(start: date, loaded: dict[date, int]) -> dict[str, Any]:
    """The metadata of one half-year partition: its weeks, boundary weeks, what is loaded."""
    end = half_year_end(start)
    weeks = weeks_overlapping(start, end)
    return {
        "period": half_year_label(start),
        "days": f"{start} .. {end}",
        "weeks": dg.MetadataValue.json([week_label(w) for w in weeks]),
        "week_count": len(weeks),
        "boundary_weeks": dg.MetadataValue.json([week_label(w) for w in boundary_weeks(start, end)]),
        "weeks_already_loaded": sum(1 for w in weeks if w in loaded),
    }


@dg.asset(
    partitions_def=half_year_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool="duckdb_writer",  # reads the warehouse file: not while another run writes it
    group_name="periods",
    kinds={"python"},
    owners=["team:data-desk"],
    description=(
        "A half-year's calendar: the ISO weeks that overlap it, boundary weeks included (2019-H2: "
        "2019-07-01 .. 2019-12-30), and how many are loaded already. The root of the period assets: "
        "select `+half_year_report` (or `+year_report`), *Materialize*, pick the half-year(s), and one "
        "backfill loads and classifies those weeks, builds dbt once, publishes the ranking and writes "
        "the report. Writes nothing to the warehouse."
    ),
)
def half_year_weeks(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    starts = [date.fromisoformat(key) for key in context.partition_keys]
    every_week = sorted({w for s in starts for w in weeks_overlapping(s, half_year_end(s))})
    loaded = mentions_loaded(warehouse.duckdb_path(), every_week)
    for start in starts:
        context.add_asset_metadata(period_plan(start, loaded), partition_key=start.isoformat())
    return dg.MaterializeResult()
