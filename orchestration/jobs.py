"""Named jobs for the stages `akims run` executes, so the runs read clearly in the Dagster UI."""

from __future__ import annotations

import dagster as dg

load_and_classify_job = dg.define_asset_job(
    name="load_and_classify_job",
    selection=dg.AssetSelection.assets("raw_mentions", "loaded_weeks", "classified_mentions"),
    description="Fetch weeks of mentions from the configured source and classify them (one run for a range).",
)
dbt_build_job = dg.define_asset_job(
    name="dbt_build_job",
    selection=dg.AssetSelection.groups("reference", "staging", "intermediate", "marts"),
    description="dbt build: seeds, staging, intermediate, marts and their tests (as asset checks).",
)
publish_weekly_job = dg.define_asset_job(
    name="publish_weekly_job",
    selection=dg.AssetSelection.assets("weekly_ranking"),
    description="Publish the weekly rankings of a range of weeks.",
)
publish_half_year_job = dg.define_asset_job(
    name="publish_half_year_job",
    selection=dg.AssetSelection.assets("half_year_ranking", "half_year_report"),
    description="Publish a half-year ranking and write its report.",
)
publish_year_job = dg.define_asset_job(
    name="publish_year_job",
    selection=dg.AssetSelection.assets("year_ranking", "year_report"),
    description="Publish a year ranking and write its report.",
)

PIPELINE_JOBS = [load_and_classify_job, dbt_build_job, publish_weekly_job, publish_half_year_job, publish_year_job]
