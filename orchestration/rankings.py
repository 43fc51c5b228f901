"""Period ranking assets: publish the mart's ranking of a week, a half-year or a year."""

from collections.abc import Iterator
from datetime import date

import dagster as dg

from assets import __version__ as project_version
from assets.publishing.rankings import publish_period, ranking_markdown, withdraw_period
from assets.quality.report import blocking_checks, gate_message
from assets.serving import publish_snapshot
from orchestration.assets import DUCKDB_POOL
from orchestration.partitions import PERIOD_KINDS
from orchestration.resources import WarehouseResource

# the marts publishing reads (publish.periods records dim_settings): a backfill of `+half_year_ranking` builds them
RANKING_DEPS = [
    dg.AssetKey("fct_akim_ranking"),
    dg.AssetKey("fct_rank_intervals"),
    dg.AssetKey("fct_period_summary"),
    dg.AssetKey("fct_data_quality"),
    dg.AssetKey("dim_settings"),
]
# a year's ranking waits for the calendars of its two half-years (the current year's second
# half is not a partition until it ends)
HALF_YEARS_OF_YEAR = dg.TimeWindowPartitionMapping(allow_nonexistent_upstream_partitions=True)


GATE_CHECK = "publication_gate"


def gate_check(asset: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        GATE_CHECK,
        asset=asset,
        description="The data-quality gate (marts.fct_data_quality): fails, and the period is not published, "
        "when a blocking check holds, e.g. no data (weeks with no or far too few mentions), a missing week, "
        "a silent region; the description says why in one line (docs/data-quality.md).",
    )


def _gate_result(blocked: dict[str, list[str]], published: dict[str, int]) -> dg.AssetCheckResult:
    """One line for the UI: the first refused period and its first reason."""
    description = "nothing blocks publication"
    if blocked:
        label, problems = next(iter(blocked.items()))
        others = f" (and {len(blocked) - 1} more period(s) refused)" if len(blocked) > 1 else ""
        description = f"{label}: not published: {problems[0]}{others}"
    return dg.AssetCheckResult(
        check_name=GATE_CHECK,
        passed=not blocked,
        severity=dg.AssetCheckSeverity.ERROR,
        description=description,
        metadata={"refused": dg.MetadataValue.json(blocked), "published": dg.MetadataValue.json(published)},
    )


def _publish(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, labels: list[str]
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    published = {}
    blocked: dict[str, list[str]] = {}
    for key, label in zip(context.partition_keys, labels, strict=True):
        problems = blocking_checks(warehouse.duckdb_path(), label)
        if problems:  # a blocking data-quality check holds: this period is not published
            blocked[label] = problems
            withdraw_period(warehouse.duckdb_path(), label)  # nor does an earlier publication stand
            continue
        rows = publish_period(warehouse.duckdb_path(), label, project_version=project_version)
        published[label] = len(rows)
        preview = ranking_markdown(rows, limit=5)
        context.add_asset_metadata(  # each partition shows its own period, also in a range run
            {"period": label, "dagster/row_count": len(rows), "top_5": dg.MetadataValue.md(preview or "_none_")},
            partition_key=key,
        )
    # readers (CLI, reports) see the new state only now, all at once (assets/serving.py)
    served = publish_snapshot(warehouse.duckdb_path())
    context.log.info(f"serving snapshot refreshed: {served} relation(s)")
    yield _gate_result(blocked, published)
    if blocked:
        raise dg.Failure(description=gate_message(blocked), metadata={"published": dg.MetadataValue.json(published)})
    context.log.info(f"published {len(published)} period(s): {published}")
    yield dg.MaterializeResult()


def _starts(context: dg.AssetExecutionContext) -> list[date]:
    return [date.fromisoformat(k) for k in context.partition_keys]


def ranking_asset(period: str, period_dep: dg.AssetDep, description: str) -> dg.AssetsDefinition:
    """The ranking asset of a period kind (PERIOD_KINDS): publishes each partition's period behind the gate check."""
    name = f"{period}_ranking"
    partitions_def, label = PERIOD_KINDS[period]

    @dg.asset(
        name=name,
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=DUCKDB_POOL,
        deps=[*RANKING_DEPS, period_dep],
        group_name="rankings",
        kinds={"duckdb"},
        owners=["team:data-desk"],
        check_specs=[gate_check(name)],
        description=description,
    )
    def _ranking(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
        yield from _publish(context, warehouse, [label(d) for d in _starts(context)])

    return _ranking


# publishing reads the week's loaded_weeks row; the weekly dep also lets a backfill of
# `+weekly_report` plan each week's ranking (dbt in between is unpartitioned)
weekly_ranking = ranking_asset(
    "weekly",
    dg.AssetDep("loaded_weeks"),
    "The weekly ranking (tournament table of the seven indicators), published to `publish.rankings`.",
)
half_year_ranking = ranking_asset(
    "half_year",
    dg.AssetDep("half_year_weeks"),  # the backfill root (orchestration/periods.py)
    "The half-year ranking (person-based; tenures above `min_tenure_share` of the days).",
)
year_ranking = ranking_asset(
    "year",
    dg.AssetDep("half_year_weeks", partition_mapping=HALF_YEARS_OF_YEAR),
    "The year ranking (region-based: the akim in office at the end, predecessors' mentions included).",
)
