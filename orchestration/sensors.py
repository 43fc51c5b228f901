"""The inbox sensor and the `landing_mentions` asset it runs.

Drop exports into `$AKIMS_HOME/landing/inbox/` (see assets/sources/inbox.py for the layout).
`inbox_sensor` notices new or changed files, reads which weeks they cover, and requests a run of
`inbox_job` over each contiguous range of those weeks. The run's first step, `landing_mentions`,
lands every pending inbox file in `landing.mentions` (then moves it to `landing/processed/`),
and fetches the partition's weeks from the sources named in AKIMS_FETCH (`vk`, `hf`,
comma-separated); `raw_mentions` then copies the landed weeks, and the rest of the weekly chain
classifies, rebuilds dbt and publishes the weekly rankings.
"""

import hashlib
import json
import os
from collections.abc import Iterable
from datetime import date, timedelta

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from assets.calendar import weeks_starting_in
from orchestration.partitions import weekly_partitions
from orchestration.periods import WEEK_TO_PERIOD
from orchestration.resources import WarehouseResource
from orchestration.selections import WEEKLY_CHAIN

FETCH_ENV = "AKIMS_FETCH"


def week_ranges(weeks: Iterable[date], valid_keys: set[str]) -> list[tuple[str, str]]:
    """Contiguous runs of the weeks that are partitions, as (first key, last key)."""
    ranges: list[tuple[str, str]] = []
    run: list[date] = []
    for week in sorted({w for w in weeks if w.isoformat() in valid_keys}):
        if run and week - run[-1] != timedelta(days=7):
            ranges.append((run[0].isoformat(), run[-1].isoformat()))
            run = []
        run.append(week)
    if run:
        ranges.append((run[0].isoformat(), run[-1].isoformat()))
    return ranges


@dg.asset(
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool="duckdb_writer",
    # the half-year calendar is the root of a period backfill (orchestration/periods.py)
    deps=[dg.AssetDep("half_year_weeks", partition_mapping=WEEK_TO_PERIOD)],
    group_name="mentions",
    kinds={"python", "duckdb"},
    owners=["team:data-desk"],
    description=(
        "`landing.mentions`: the exports waiting in `$AKIMS_HOME/landing/inbox/` (files, Telegram, "
        "VK pages), and the partition's weeks fetched from the sources in AKIMS_FETCH (vk, hf). "
        "Loading the same data again changes nothing; unreadable rows and files go to `raw.quarantine`."
    ),
)
def landing_mentions(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    from assets.sources.base import SourceError
    from assets.sources.inbox import process_inbox
    from assets.sources.registry import fetch, ingest_fetched, parse_sources
    from assets.warehouse import connect

    window = context.partition_time_window
    weeks = weeks_starting_in(window.start.date(), window.end.date())
    home = warehouse.path()
    try:
        fetched_sources = [s for s in parse_sources(os.environ.get(FETCH_ENV, "")) if s in ("vk", "hf")]
        batches = [fetch(source, weeks, home) for source in fetched_sources]
    except SourceError as exc:
        raise dg.Failure(str(exc)) from None
    with connect(warehouse.duckdb_path()) as con:
        reports = process_inbox(con, home)
        reports += [ingest_fetched(con, batch.source, batch) for batch in batches]
    for report in reports:
        context.log.info(report.line())
    return dg.MaterializeResult(
        metadata={
            "files": sum(1 for r in reports if r.label not in {b.label for b in batches}),
            "fetched_sources": ", ".join(fetched_sources) or "none",
            "added": sum(r.counts.get("added", 0) for r in reports),
            "already_loaded": sum(r.counts.get("already_loaded", 0) for r in reports),
            "quarantined": sum(r.counts.get("quarantined", 0) for r in reports),
            "reports": dg.MetadataValue.json([r.line() for r in reports]),
        }
    )


inbox_job = dg.define_asset_job(
    name="inbox_job",
    selection=WEEKLY_CHAIN,
    partitions_def=weekly_partitions,
    description="Land the inbox's files (and AKIMS_FETCH sources), then rate the weeks they cover.",
)


@dg.sensor(
    job=inbox_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="New or changed files in $AKIMS_HOME/landing/inbox/: request inbox_job over the weeks they cover.",
)
def inbox_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    from assets.paths import akims_home
    from assets.sources.inbox import file_key, inbox_dir, pending_files, weeks_in

    inbox = inbox_dir(akims_home())
    seen: dict[str, list[str]] = json.loads(context.cursor) if context.cursor else {}
    pending = {file_key(inbox, p): p for p in pending_files(inbox)}
    new = {key: [w.isoformat() for w in weeks_in(inbox, path)] for key, path in pending.items() if key not in seen}
    cursor = json.dumps({key: seen.get(key) or new.get(key, []) for key in pending}, sort_keys=True)
    if not new:
        return dg.SkipReason(f"no new file in {inbox}")
    valid = set(weekly_partitions.get_partition_keys())
    weeks = [date.fromisoformat(w) for found in new.values() for w in found]
    ranges = week_ranges(weeks, valid)
    if not ranges:
        context.update_cursor(cursor)
        return dg.SkipReason(
            f"{len(new)} new file(s) cover no rateable week (unreadable, or outside the partitions); "
            "they are landed with the next run"
        )
    batch_id = hashlib.sha256("\n".join(sorted(new)).encode()).hexdigest()[:12]
    requests = [
        dg.RunRequest(
            run_key=f"inbox-{batch_id}-{first}-{last}",
            tags={ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last},
        )
        for first, last in ranges
    ]
    return dg.SensorResult(run_requests=requests, cursor=cursor)
