"""The Dagster code location: every asset, check, job, schedule and resource, assembled in one place.

Open it with `dagster dev -m orchestration.definitions` (see README).
"""

from __future__ import annotations

import dagster as dg

from orchestration.assets import classified_mentions, raw_mentions
from orchestration.automation import period_rankings_sensor, run_labels_sensor
from orchestration.checks import QUALITY_CHECKS
from orchestration.dbt import akims_dbt_models
from orchestration.jobs import PIPELINE_JOBS
from orchestration.periods import half_year_weeks
from orchestration.quality import QUALITY_SCANS
from orchestration.rankings import half_year_ranking, weekly_ranking, year_ranking
from orchestration.reports import REPORT_ASSETS
from orchestration.resources import build_resources
from orchestration.schedules import weekly_job, weekly_schedule
from orchestration.sensors import inbox_job, inbox_sensor, landing_mentions

ALL_ASSETS = [
    half_year_weeks,
    landing_mentions,
    raw_mentions,
    classified_mentions,
    *QUALITY_SCANS,
    akims_dbt_models,
    weekly_ranking,
    half_year_ranking,
    year_ranking,
    *REPORT_ASSETS,
]

defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=QUALITY_CHECKS,
    jobs=[weekly_job, inbox_job, *PIPELINE_JOBS],
    schedules=[weekly_schedule],
    sensors=[inbox_sensor, period_rankings_sensor, run_labels_sensor],
    resources=build_resources(),
    executor=dg.in_process_executor,
)
