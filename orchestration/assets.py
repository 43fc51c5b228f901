"""Python assets of the mentions group: a run's weeks loaded from the configured source plug-in
(`raw_mentions`, `loaded_weeks`), then classified (`classified_mentions`)."""

from collections.abc import Iterator
from datetime import date, timedelta

import dagster as dg
import duckdb

from assets import __version__ as project_version
from assets import progress
from assets.calendar import weeks_starting_in
from assets.parallel import map_in_order, parallel_min_items
from assets.quality import gx_worker
from assets.quality.store import reason_category
from assets.sources.plugins import SourceUnavailable, WeekLoaded, load_source
from assets.warehouse import (
    connect,
    load_overrides,
    posts_of_week,
    read_week_rows,
    replace_classified_week,
    table_exists,
)
from assets.weekly import ClassifyWeek, classify_week
from orchestration.partitions import (
    week_label,
    weekly_partitions,
)
from orchestration.resources import ClassifierResource, MentionSourceResource, WarehouseResource

DUCKDB_POOL = "duckdb_writer"


def quarantine_by_week(con: duckdb.DuckDBPyConnection, weeks: list[date]) -> dict[date, dict[str, int]]:
    """Quarantined rows of each of `weeks`, per kind of bad input."""
    counts: dict[date, dict[str, int]] = {}
    if not table_exists(con, "raw", "quarantine"):
        return counts
    rows = con.execute("select week_start, reason from raw.quarantine where list_contains(?, week_start)", [weeks])
    for week_start, reason in rows.fetchall():
        week = counts.setdefault(week_start, {})
        category = reason_category(reason)
        week[category] = week.get(category, 0) + 1
    return {w: dict(sorted(c.items())) for w, c in counts.items()}


VALIDATING_ASSET = dg.AssetKey("quality_expectations")


def run_validates(context: dg.AssetExecutionContext) -> bool:
    """Whether this run materialises `quality_expectations` (the Great Expectations suites)."""
    selected = context.run.asset_selection or context.job_def.asset_layer.selected_asset_keys
    return VALIDATING_ASSET in selected


def partition_weeks(context: dg.AssetExecutionContext) -> list[date]:
    """The Mondays of the run's partition window (one week or a backfill's range)."""
    window = context.partition_time_window
    return weeks_starting_in(window.start.date(), window.end.date())


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "raw_mentions",
            deps=["landing_mentions"],  # the inbox / fetched sources land first (orchestration/sensors.py)
            group_name="mentions",
            kinds={"python", "duckdb"},
            owners=["team:data-desk"],
            description=(
                "One ISO week (Monday–Sunday, Asia/Almaty) of mentions from the configured source plug-in "
                "(AKIMS_SOURCE: the landing area of `akims ingest` by default), written to "
                "`raw.mentions`. Rows that break the mention contract go to `raw.quarantine` with the reason."
            ),
        ),
        dg.AssetSpec(
            "loaded_weeks",
            deps=["landing_mentions"],  # written with raw_mentions, from the same landed weeks
            group_name="mentions",
            kinds={"duckdb"},
            owners=["team:data-desk"],
            description="`raw.loaded_weeks`: which weeks were loaded, from which source, with row counts.",
        ),
        dg.AssetSpec(
            "quarantine",
            deps=["landing_mentions"],
            group_name="mentions",
            kinds={"duckdb"},
            owners=["team:data-desk"],
            description=(
                "`raw.quarantine`: rows set aside because they break the mention contract, with the reason; "
                "written per week here, and by landing_mentions and `akims ingest` for the files they read."
            ),
        ),
    ],
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=DUCKDB_POOL,
)
def raw_mentions(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, mention_source: MentionSourceResource
) -> Iterator[dg.MaterializeResult]:
    weeks = partition_weeks(context)
    if run_validates(context):
        gx_worker.start()  # GE imports in its own process while this run loads and classifies
    with connect(warehouse.duckdb_path()) as con:
        try:  # auto is the landing area, never the demo; a week a source cannot serve fails the run
            source = load_source(mention_source.effective_kind())
            source.check(con, weeks)
        except SourceUnavailable as exc:
            raise dg.Failure(description=str(exc)) from None
        loaded: list[WeekLoaded] = []
        for number, week in enumerate(source.load(con, weeks), start=1):
            loaded.append(week)
            progress.report(f"loaded {week_label(week.week_start)}: {week.mentions} mentions ({number}/{len(weeks)})")
        for warning in source.warnings(loaded):
            context.log.warning(warning)
        by_reason = quarantine_by_week(con, weeks)
    per_week = {week.week_start: week.mentions for week in loaded}
    # each weekly partition shows its own week, not the run's totals (a range is one run)
    for week_start in weeks:
        label, key = week_label(week_start), week_start.isoformat()
        context.add_asset_metadata(
            {
                "week": label,
                "source": source.name,
                "dagster/row_count": per_week.get(week_start, 0),
                "quarantined": sum(by_reason.get(week_start, {}).values()),
                "quarantined_by_reason": dg.MetadataValue.json(by_reason.get(week_start, {})),
            },
            asset_key="raw_mentions",
            partition_key=key,
        )
        context.add_asset_metadata(
            {"week": label, "source": source.name, "mention_count": per_week.get(week_start, 0)},
            asset_key="loaded_weeks",
            partition_key=key,
        )
    mentions, quarantined = sum(w.mentions for w in loaded), sum(w.quarantined for w in loaded)
    context.log.info(f"{len(weeks)} week(s) from {source.name}: {mentions} mentions, {quarantined} quarantined")
    yield dg.MaterializeResult(asset_key="loaded_weeks")
    yield dg.MaterializeResult(asset_key="quarantine", metadata={"quarantined": quarantined})
    yield dg.MaterializeResult(asset_key="raw_mentions")


@dg.asset(
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=DUCKDB_POOL,
    deps=["raw_mentions"],
    group_name="mentions",
    kinds={"python", "duckdb"},
    owners=["team:data-desk"],
    description=(
        "The week's mentions classified: which akims they are about (by name or position on the "
        "date), tone toward the akim, author type (official / media / person), official reshare, "
        "language. Written to `raw.classified_mentions`."
    ),
)
def classified_mentions(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, classifier: ClassifierResource
) -> dg.MaterializeResult:
    from assets.classification import classifier_version

    weeks = partition_weeks(context)
    backend = classifier.effective_backend()
    total = 0
    attributed = 0
    with connect(warehouse.duckdb_path()) as con:
        overrides = load_overrides(con)

        def jobs() -> Iterator[ClassifyWeek]:
            # read lazily: map_in_order asks for the next week only when a worker can take it
            previous = posts_of_week(con, weeks[0] - timedelta(days=7))
            for week_start in weeks:
                rows = read_week_rows(con, week_start)
                yield ClassifyWeek(week_start, rows, previous, backend, overrides)
                previous = [(r[1], r[5], r[7], r[6]) for r in rows]  # platform, author_id, author_name, text

        # model backends hold a model per process, and a small range does not repay starting
        # workers (a few seconds each): those are classified in this process
        (mentions,) = con.execute(
            "select count(*) from raw.mentions where list_contains(?, week_start)", [weeks]
        ).fetchone()
        workers = None if backend == "embedded" and mentions >= parallel_min_items() else 1
        for number, week in enumerate(map_in_order(classify_week, jobs(), count=len(weeks), workers=workers), 1):
            replace_classified_week(con, week.week_start, week.table)
            total += week.table.num_rows
            attributed += week.attributed
            context.add_asset_metadata(  # the partition's own week, not the run's totals
                {"week": week_label(week.week_start), "dagster/row_count": week.table.num_rows}
                | {"attributed_to_an_akim": week.attributed},
                partition_key=week.week_start.isoformat(),
            )
            progress.report(
                f"classified {week_label(week.week_start)}: {week.table.num_rows} mentions ({number}/{len(weeks)})"
            )
    context.log.info(f"classified {len(weeks)} week(s): {total} mentions, {attributed} attributed to an akim")
    return dg.MaterializeResult(
        metadata={
            "backend": backend,
            "classifier_version": classifier_version(backend),
            "project_version": project_version,
        }
    )
