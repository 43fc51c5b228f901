"""Named jobs for the stages `akims run` executes, so the runs read clearly in the Dagster UI."""

from __future__ import annotations

import dagster as dg

from orchestration.selections import (
    DBT_MODELS,
    HALF_YEAR_PUBLICATION,
    LOAD_AND_CLASSIFY,
    WEEKLY_RANKING,
    YEAR_PUBLICATION,
)

load_and_classify_job = dg.define_asset_job(
    name="load_and_classify_job",
    selection=LOAD_AND_CLASSIFY,
    description="Fetch weeks of mentions from the configured source and classify them (one run for a range).",
)
dbt_build_job = dg.define_asset_job(
    name="dbt_build_job",
    selection=DBT_MODELS,
    description="dbt build: seeds, staging, intermediate, marts and their tests (as asset checks).",
)
publish_weekly_job = dg.define_asset_job(
    name="publish_weekly_job",
    selection=WEEKLY_RANKING,
    description="Publish the weekly rankings of a range of weeks.",
)
publish_half_year_job = dg.define_asset_job(
    name="publish_half_year_job",
    selection=HALF_YEAR_PUBLICATION,
    description="Publish a half-year ranking and write its report.",
)
publish_year_job = dg.define_asset_job(
    name="publish_year_job",
    selection=YEAR_PUBLICATION,
    description="Publish a year ranking and write its report.",
)

PIPELINE_JOBS = [load_and_classify_job, dbt_build_job, publish_weekly_job, publish_half_year_job, publish_year_job]
