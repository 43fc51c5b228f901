"""Run the warehouse through Dagster in-process: what `akims run` and `akims demo` do.

Each stage is one Dagster run recorded in the instance under `$AKIMS_HOME/.dagster`, so the
UI started on the same home shows them. Weekly assets run as one single-run backfill over
the whole range (their BackfillPolicy), then dbt, then the rankings the range completes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from assets.paths import akims_home
from assets.postgres_warehouse import WarehouseServerError, connect_server
from assets.settings import DAGSTER_POSTGRES_ENV, MEMORY_LIMIT_ENV, Settings, dagster_postgres_url
from orchestration.partitions import (
    half_year_partitions,
    half_years_inside,
    weekly_partitions,
    weeks_overlapping,
    year_partitions,
    years_inside,
)

DAGSTER_YAML = (Path(__file__).parent / "dagster.yaml").read_text(encoding="utf-8")
DAGSTER_POSTGRES_YAML = (Path(__file__).parent / "dagster-postgres.yaml").read_text(encoding="utf-8")

# the run's own console log stays off the terminal: a failed step is summed up in one line by
# _materialize (PipelineError), its stack trace is in the run's event log (the Dagster UI)
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


class PipelineError(RuntimeError):
    """A stage of the pipeline failed; the message says which and why."""


def dagster_home() -> Path:
    """The warehouse's own Dagster instance folder: `$AKIMS_HOME/.dagster`.

    Its `dagster.yaml` is written from `orchestration/dagster.yaml` (SQLite files in the folder),
    or from `orchestration/dagster-postgres.yaml` when AKIMS_DAGSTER_POSTGRES_URL is set, and
    rewritten when that setting changes; a file someone edited by hand is left as it is.
    """
    home = akims_home() / ".dagster"
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    wanted = DAGSTER_POSTGRES_YAML if dagster_postgres_url() else DAGSTER_YAML
    current = config.read_text(encoding="utf-8") if config.exists() else None
    if current != wanted and current in (None, DAGSTER_YAML, DAGSTER_POSTGRES_YAML):
        config.write_text(wanted, encoding="utf-8")
    return home


def instance() -> dg.DagsterInstance:
    """The warehouse's Dagster instance. A PostgreSQL storage that cannot be reached is a
    `PipelineError` naming AKIMS_DAGSTER_POSTGRES_URL's host and the server's answer (after
    dagster-postgres's own retries, whose log lines are kept off the terminal), not a traceback."""
    home = dagster_home()
    url = dagster_postgres_url()
    if not url:
        return dg.DagsterInstance.from_config(str(home))
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        return dg.DagsterInstance.from_config(str(home))
    except Exception as exc:
        cause = exc.__cause__ or exc.__context__ or exc
        if "postgres" not in type(exc).__module__ + type(cause).__module__:
            raise
        answer = " ".join(str(getattr(cause, "orig", None) or cause).split())
        where = url.rsplit("@", 1)[-1]  # no user or password in the message
        raise PipelineError(
            f"the Dagster storage in PostgreSQL ({DAGSTER_POSTGRES_ENV}=…@{where}) cannot be used: {answer}"
        ) from exc
    finally:
        root.setLevel(level)


LAUNCHED_BY_TAG = "akims/launched_by"
PID_TAG = "akims/pid"
ONE_WEEK_JOB = "one_week_job"  # orchestration/jobs.py: a one-week `akims run` in one Dagster run


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_abandoned_runs(dagster_instance: dg.DagsterInstance) -> list[str]:
    """Mark CLI runs whose process died (e.g. SIGKILL) as failed and free their pool slots.

    Without this, a killed run would hold the `duckdb_writer` pool slot for ever and the next
    run would wait on it. Only runs started by `akims` whose process is gone are touched.
    """
    released = []
    records = dagster_instance.get_run_records(
        filters=dg.RunsFilter(
            statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING],
            tags={LAUNCHED_BY_TAG: "akims-cli"},
        )
    )
    for record in records:
        run = record.dagster_run
        pid = int(run.tags.get(PID_TAG, "0") or 0)
        if pid and _alive(pid):
            continue
        dagster_instance.report_run_failed(run, message="abandoned: the akims process running it ended")
        dagster_instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        released.append(run.run_id)
    return released


def _say(message: str, enabled: bool) -> None:
    if enabled:
        print(message, file=sys.stderr, flush=True)


def _materialize(
    job_name: str | Sequence[str] | dg.AssetSelection,
    *,
    keys: Sequence[str] | None,
    stage: str,
    dagster_instance: dg.DagsterInstance,
    source: str | None = None,
) -> None:
    """Run one of the code location's jobs in-process, over a range of partitions when given.

    `job_name` may also be an asset selection (for benchmarks and ad-hoc stages): it then runs
    as an unnamed asset job. `source` names the mention source plug-in for this run (the
    `mention_source` resource's config; None: AKIMS_SOURCE or auto).
    """
    from orchestration.checks import QUALITY_CHECKS
    from orchestration.definitions import ALL_ASSETS, defs
    from orchestration.resources import MentionSourceResource, build_resources

    run_config: dict = dict(QUIET)
    resources = build_resources()
    if source:
        resources["mention_source"] = MentionSourceResource(kind=source)
        # only a job that loads mentions has the resource (config for an absent one is an error)
        if isinstance(job_name, str) and "mention_source" in defs.resolve_job_def(job_name).required_resource_keys:
            run_config["resources"] = {"mention_source": {"config": {"kind": source}}}
    tags = {LAUNCHED_BY_TAG: "akims-cli", PID_TAG: str(os.getpid())}
    if keys:
        tags |= {ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1]}
    # dbt's own console output goes to $AKIMS_HOME/logs/pipeline.log, not to the user's terminal;
    # Dagster's warning that a blocking check emitted no result (a scoped dbt build leaves the
    # reference models' tests unrun, by design) neither, as QUIET keeps the run's own log off it.
    logging.getLogger("dagster._core.execution.plan.active").setLevel(logging.ERROR)
    log_dir = akims_home() / "logs"
    log_dir.mkdir(exist_ok=True)
    with (log_dir / "pipeline.log").open("a", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        if isinstance(job_name, str):
            result = defs.resolve_job_def(job_name).execute_in_process(
                instance=dagster_instance, tags=tags, run_config=run_config, raise_on_error=False
            )
        else:
            result = dg.materialize(
                [*ALL_ASSETS, *QUALITY_CHECKS],
                selection=job_name,
                resources=resources,
                instance=dagster_instance,
                tags=tags,
                run_config=QUIET,
                raise_on_error=False,
            )
    if not result.success:
        errors = []
        for event in result.all_events:
            if event.event_type_value == "STEP_FAILURE" and event.step_failure_data:
                error = event.step_failure_data.error
                errors.append(f"{event.step_key}: {error.message.strip() if error else 'failed'}")
        detail = "; ".join(errors) or "see the run in the Dagster UI"
        raise PipelineError(f"{stage} failed (run {result.run_id}): {detail}")


def _existing(partitions: dg.TimeWindowPartitionsDefinition, keys: list[str], what: str, say: bool) -> list[str]:
    """The keys that are partitions (not before the first week, not a period still under way)."""
    known = set(partitions.get_partition_keys())
    kept = [k for k in keys if k in known]
    skipped = [k for k in keys if k not in known]
    if skipped:
        _say(
            f"note: skipped {len(skipped)} {what}(s) outside the partitions (not finished yet, or before "
            f"{partitions.start.date()}): {', '.join(skipped)}",
            say,
        )
    return kept


def check_settings() -> Settings:
    """Read the AKIMS_* settings the runs will use, so a bad one stops here, in one line
    (`assets.paths.SettingError`), not half-way through a Dagster run."""
    return Settings.from_env()


def check_warehouse_server(settings: Settings) -> None:
    """A PostgreSQL warehouse (AKIMS_WAREHOUSE_URL) that cannot be reached stops the run here, in
    one line naming its host (no password), before any week is loaded."""
    if not settings.warehouse_url:
        return
    try:
        with connect_server(settings.warehouse_url):
            pass
    except WarehouseServerError as exc:
        raise PipelineError(str(exc)) from None


def run_range(first: date, last: date, *, progress: bool = False, source: str | None = None) -> dict[str, list[str]]:
    """Materialise every week overlapping [first, last], then the half-years and years inside it.
    `source`: the mention source plug-in of this run (`demo` for `akims demo`; None: AKIMS_SOURCE
    or the landing area), handed to the run as resource config, not through the environment."""
    settings = check_settings()
    # The run's steps, dbt and the classifier workers run in child processes, which read the
    # settings from the environment they inherit: the resolved values are written back there.
    os.environ["AKIMS_HOME"] = str(settings.home)
    os.environ[MEMORY_LIMIT_ENV] = settings.duckdb_memory_limit  # dbt's profiles.yml reads it too
    if progress:
        os.environ["AKIMS_PROGRESS"] = "1"
    check_warehouse_server(settings)
    dagster_instance = instance()
    for run_id in release_abandoned_runs(dagster_instance):
        _say(f"note: run {run_id} had been interrupted; marked failed and its pool slot freed", progress)
    weeks = _existing(weekly_partitions, [d.isoformat() for d in weeks_overlapping(first, last)], "week", progress)
    halves = _existing(
        half_year_partitions, [d.isoformat() for d in half_years_inside(first, last)], "half-year", progress
    )
    years = _existing(year_partitions, [d.isoformat() for d in years_inside(first, last)], "year", progress)
    if not weeks:
        raise PipelineError(
            f"no complete week between {first} and {last}: weeks run Monday to Sunday (Asia/Almaty), "
            f"from {weekly_partitions.start.date()} to the last finished week"
        )
    stages: list[tuple[str, str, list[str] | None]]
    if len(weeks) == 1:
        # the Monday run: one Dagster run, not three (each run costs ~2 s to create and record)
        stages = [(f"load, classify, dbt build and publish week {weeks[0]}", ONE_WEEK_JOB, weeks)]
    else:
        stages = [
            (f"load and classify {len(weeks)} week(s) {weeks[0]}..{weeks[-1]}", "load_and_classify_job", weeks),
            ("dbt build (indicators, rankings, tests)", "dbt_build_job", None),
            (f"publish {len(weeks)} weekly ranking(s)", "publish_weekly_job", weeks),
        ]
    if halves:
        stages.append(
            (f"publish half-year ranking(s) and report(s) {', '.join(halves)}", "publish_half_year_job", halves)
        )
    if years:
        stages.append((f"publish year ranking(s) and report(s) {', '.join(years)}", "publish_year_job", years))
    refused: list[str] = []
    for number, (stage, job_name, keys) in enumerate(stages, start=1):
        started = time.monotonic()
        _say(f"[{number}/{len(stages)}] {stage}", progress)
        try:
            _materialize(job_name, keys=keys, stage=stage, dagster_instance=dagster_instance, source=source)
        except PipelineError as exc:
            if not job_name.startswith("publish_"):  # a one-week run has no later stage to go on with
                raise
            # periods the gate refused (or a failed publication) do not hold back the other periods
            refused.append(str(exc))
            _say(f"      not all published ({time.monotonic() - started:.1f} s): see below", progress)
            continue
        _say(f"      done in {time.monotonic() - started:.1f} s", progress)
    if refused:
        raise PipelineError(" | ".join(refused))
    return {"weeks": weeks, "half_years": halves, "years": years}
