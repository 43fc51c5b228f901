"""The asset selections the jobs, the schedule and the sensor run, each named once."""

from __future__ import annotations

import dagster as dg

# the data-quality scans of a run's weeks (orchestration/quality.py), which the checks read
QUALITY_SCANS = dg.AssetSelection.groups("quality")
# load the weeks already landed, classify them and scan them
LOAD_AND_CLASSIFY = (
    dg.AssetSelection.assets("raw_mentions", "loaded_weeks", "quarantine", "classified_mentions") | QUALITY_SCANS
)
# land the inbox and the live sources first, then load and classify
LAND_LOAD_AND_CLASSIFY = dg.AssetSelection.assets("landing_mentions") | LOAD_AND_CLASSIFY
# dbt build: seeds, staging, intermediate, marts and their tests
DBT_MODELS = dg.AssetSelection.groups("reference", "staging", "intermediate", "marts")
WEEKLY_RANKING = dg.AssetSelection.assets("weekly_ranking")
HALF_YEAR_PUBLICATION = dg.AssetSelection.assets("half_year_ranking", "half_year_report")
YEAR_PUBLICATION = dg.AssetSelection.assets("year_ranking", "year_report")
# one week end to end: land, load, classify, dbt build, weekly ranking
WEEKLY_CHAIN = LAND_LOAD_AND_CLASSIFY | DBT_MODELS | WEEKLY_RANKING
# one week as `akims run` runs it (the landing area or the run's source; nothing fetched)
ONE_WEEK = LOAD_AND_CLASSIFY | DBT_MODELS | WEEKLY_RANKING
