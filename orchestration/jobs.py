"""Named jobs for the stages `akims run` executes, so the runs read clearly in the Dagster UI."""

from __future__ import annotations

import dagster as dg

from orchestration.selections import (
    DBT_MODELS,
    HALF_YEAR_PUBLICATION,
    LOAD_AND_CLASSIFY,
    ONE_WEEK,
    WEEKLY_RANKING,
    YEAR_PUBLICATION,
)

# name -> (selection, description)
_JOBS: dict[str, tuple[dg.AssetSelection, str]] = {
    "load_and_classify_job": (
        LOAD_AND_CLASSIFY,
        "Fetch weeks of mentions from the configured source and classify them (one run for a range).",
    ),
    "dbt_build_job": (
        DBT_MODELS,
        "dbt build: seeds, staging, intermediate, marts and their tests (as asset checks).",
    ),
    "publish_weekly_job": (WEEKLY_RANKING, "Publish the weekly rankings of a range of weeks."),
    "publish_half_year_job": (HALF_YEAR_PUBLICATION, "Publish a half-year ranking and write its report."),
    "publish_year_job": (YEAR_PUBLICATION, "Publish a year ranking and write its report."),
    "one_week_job": (
        ONE_WEEK,
        "One week as `akims run` runs it: load and classify the week, dbt build, its weekly ranking "
        "(one run instead of three: a Monday rerun spends its time on the data, not on run overheads).",
    ),
}
PIPELINE_JOBS = [
    dg.define_asset_job(name=name, selection=selection, description=description)
    for name, (selection, description) in _JOBS.items()
]
(
    load_and_classify_job,
    dbt_build_job,
    publish_weekly_job,
    publish_half_year_job,
    publish_year_job,
    one_week_job,
) = PIPELINE_JOBS
