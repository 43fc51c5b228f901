"""The Monday schedule: load and classify the week that just ended, rebuild dbt, publish its ranking."""

from __future__ import annotations

import dagster as dg

weekly_job = dg.define_asset_job(
    name="weekly_rating_job",
    selection=dg.AssetSelection.assets("raw_mentions", "loaded_weeks", "classified_mentions")
    | dg.AssetSelection.groups("staging", "intermediate", "marts", "reference")
    | dg.AssetSelection.assets("weekly_ranking"),
    description="One week: fetch, classify, dbt build, weekly ranking.",
)

# Monday 06:00 Asia/Almaty: the partition of the week that ended on Sunday.
weekly_schedule = dg.build_schedule_from_partitioned_job(weekly_job, hour_of_day=6, minute_of_hour=0)
