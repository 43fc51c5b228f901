"""The Dagster code location: every asset, check, job, schedule and resource, assembled in one place.

Open it with `dagster dev -m orchestration.definitions` (see README).
"""

from __future__ import annotations

import dagster as dg

from orchestration.assets import classified_mentions, raw_mentions
from orchestration.dbt import akims_dbt_models
from orchestration.rankings import half_year_ranking, weekly_ranking, year_ranking
from orchestration.resources import build_resources
from orchestration.schedules import weekly_job, weekly_schedule

ALL_ASSETS = [raw_mentions, classified_mentions, akims_dbt_models, weekly_ranking, half_year_ranking, year_ranking]

defs = dg.Definitions(
    assets=ALL_ASSETS,
    jobs=[weekly_job],
    schedules=[weekly_schedule],
    resources=build_resources(),
    executor=dg.in_process_executor,
)
