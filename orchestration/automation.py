"""Automation of the period rankings: publish any half-year or year whose weeks changed.

`AutomationCondition.eager()` on the period assets only ever looked at the latest partition,
and published it empty (issue #14). `period_rankings_sensor` instead looks at every period:
a half-year or year is requested (its ranking and report, through `publish_half_year_job` or
`publish_year_job`) when

* all the weeks that overlap it are loaded (`loaded_weeks` has a materialisation for each),
* one of them changed after the period's ranking was last materialised,
* the dbt marts were rebuilt after that change,
* and nothing else is running or backfilling (a backfill publishes its own periods).

So a Monday run that loads the last week of June publishes 2019-H1 once dbt has rebuilt; a
re-loaded week of 2019-H2 republishes 2019-H2 and 2019. A period refused by the data-quality
gate is not asked again until one of its weeks changes again (the run key names the change).

`run_labels_sensor` gives the runs the UI and backfills launch (all named `__ASSET_JOB` by
Dagster) an `akims/stage` tag saying what they do.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import dagster as dg
from dagster._core.events import DagsterEventType
from dagster._core.execution.backfill import BulkActionsFilter, BulkActionStatus
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)

from orchestration.jobs import publish_half_year_job, publish_year_job
from orchestration.partitions import (
    half_year_label,
    half_year_partitions,
    week_label,
    weeks_overlapping,
    year_label,
    year_partitions,
)
from orchestration.periods import half_year_end

IN_PROGRESS = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


@dataclass(frozen=True)
class PeriodKind:
    ranking: str
    job_name: str
    partitions: dg.TimeWindowPartitionsDefinition

    def end(self, start: date) -> date:
        return half_year_end(start) if self.ranking == "half_year_ranking" else date(start.year, 12, 31)

    def start_of(self, day: date) -> date:
        """The first day of the period of this kind that contains `day`."""
        if self.ranking == "half_year_ranking":
            return date(day.year, 1 if day.month <= 6 else 7, 1)
        return date(day.year, 1, 1)

    def starts_touching(self, weeks: Iterable[date]) -> set[date]:
        """The periods any of these weeks (Mondays) overlaps."""
        return {self.start_of(day) for week in weeks for day in (week, week + timedelta(days=6))}


KINDS = [
    PeriodKind("half_year_ranking", publish_half_year_job.name, half_year_partitions),
    PeriodKind("year_ranking", publish_year_job.name, year_partitions),
]


def stale_periods(
    kind: PeriodKind,
    week_ids: Mapping[str, int],
    marts_id: int | None,
    ranking_ids: Mapping[str, int],
    existing: set[str],
) -> dict[str, int]:
    """Period key -> storage id of its newest week change, for the periods to publish again:
    complete, changed after its last ranking, with the marts rebuilt after the change."""
    due: dict[str, int] = {}
    loaded = [date.fromisoformat(w) for w in week_ids]
    for start in sorted(kind.starts_touching(loaded)):
        key = start.isoformat()
        if key not in existing:  # not finished yet, or before the first partition
            continue
        ids = [week_ids.get(w.isoformat()) for w in weeks_overlapping(start, kind.end(start))]
        if any(i is None for i in ids):  # a week of it is not loaded: the period is incomplete
            continue
        newest = max(i for i in ids if i is not None)
        if marts_id is None or marts_id < newest or ranking_ids.get(key, 0) > newest:
            continue
        due[key] = newest
    return due


def _latest_ids(instance: dg.DagsterInstance, asset: str) -> Mapping[str, int]:
    return instance.event_log_storage.get_latest_storage_id_by_partition(
        dg.AssetKey(asset), DagsterEventType.ASSET_MATERIALIZATION
    )


@dg.sensor(
    jobs=[publish_half_year_job, publish_year_job],
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Publishes (ranking and report) every half-year and year whose weeks are all loaded and "
    "changed since it was last published, once the dbt marts are rebuilt; skips while runs or "
    "backfills are in progress. Any period, not only the latest one.",
)
def period_rankings_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    instance = context.instance
    if instance.get_runs_count(dg.RunsFilter(statuses=IN_PROGRESS)):
        return dg.SkipReason("a run is in progress: waiting for it to finish")
    if instance.get_backfills(filters=BulkActionsFilter(statuses=[BulkActionStatus.REQUESTED]), limit=1):
        return dg.SkipReason("a backfill is in progress: it publishes its own periods")
    # the event record carries the storage id (an EventLogEntry does not: the sensor crashed on
    # every idle tick once dbt had run)
    marts = instance.fetch_materializations(dg.AssetKey("fct_akim_ranking"), limit=1).records
    marts_id = marts[0].storage_id if marts else None
    week_ids = _latest_ids(instance, "loaded_weeks")
    requests = []
    for kind in KINDS:
        due = stale_periods(
            kind, week_ids, marts_id, _latest_ids(instance, kind.ranking), set(kind.partitions.get_partition_keys())
        )
        requests += [
            dg.RunRequest(run_key=f"{kind.ranking}-{key}-{newest}", partition_key=key, job_name=kind.job_name)
            for key, newest in due.items()
        ]
    if not requests:
        return dg.SkipReason("no half-year or year has all its weeks loaded and changed since it was published")
    return dg.SensorResult(run_requests=requests)


# ---------------------------------------------------------------- readable runs
STAGE_TAG = "akims/stage"
# the weekly assets (the quality scans of orchestration/quality.py run with them)
WEEKLY_LOAD = {
    "landing_mentions",
    "raw_mentions",
    "loaded_weeks",
    "quarantine",
    "classified_mentions",
    "quality_expectations",
    "quality_accounts",
    "quality_roster_signals",
    "quality_settings",
}
PUBLISHING = {
    "weekly_ranking": ("weekly ranking", week_label),
    "weekly_report": ("weekly report", week_label),
    "half_year_ranking": ("half-year ranking", half_year_label),
    "half_year_report": ("half-year report", half_year_label),
    "year_ranking": ("year ranking", year_label),
    "year_report": ("year report", year_label),
}


def _span(first: str | None, last: str | None, label: Callable[[date], str]) -> str:
    if not first:
        return ""
    start, end = label(date.fromisoformat(first)), label(date.fromisoformat(last or first))
    return f" {start}" if start == end else f" {start}..{end}"


def run_label(assets: set[str], first: str | None, last: str | None) -> str:
    """One line saying what a run does, e.g. 'load and classify 2019-W27..2020-W01 + dbt build'."""
    parts = []
    if "half_year_weeks" in assets:
        parts.append("half-year calendar" + _span(first, last, half_year_label))
    if assets & WEEKLY_LOAD:
        parts.append("load and classify" + _span(first, last, week_label))
    if assets - WEEKLY_LOAD - set(PUBLISHING) - {"half_year_weeks"}:
        parts.append("dbt build")
    parts += [name + _span(first, last, label) for key, (name, label) in PUBLISHING.items() if key in assets]
    return " + ".join(parts) or "materialise"


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.STARTED,
    minimum_interval_seconds=10,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Tags every run launched from the UI or a backfill (job `__ASSET_JOB`) with `akims/stage`: "
    "one readable line of what it does, e.g. 'load and classify 2019-W27..2020-W01'.",
)
def run_labels_sensor(context: dg.RunStatusSensorContext) -> None:
    run = context.dagster_run
    if STAGE_TAG in run.tags or not run.asset_selection:
        return
    first = run.tags.get(ASSET_PARTITION_RANGE_START_TAG) or run.tags.get(PARTITION_NAME_TAG)
    last = run.tags.get(ASSET_PARTITION_RANGE_END_TAG) or first
    assets = {key.to_user_string() for key in run.asset_selection}
    context.instance.add_run_tags(run.run_id, {STAGE_TAG: run_label(assets, first, last)})
