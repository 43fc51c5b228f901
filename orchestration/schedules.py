"""The Monday schedule: fetch the week that just ended from the live sources, load and classify
it, rebuild dbt, publish its ranking.

The run starts with `landing_mentions`, which lands the inbox's pending files and fetches the
week from every source named in AKIMS_FETCH (vk, hf); `raw_mentions` then loads the landed week.
With no source configured and nothing landed for the week, `raw_mentions` fails with the reason
(assets/sources/serving.py) instead of publishing a ranking of zeros. The schedule ships stopped:
turn it on in the UI (*Automation*) once a live source is configured (README, docs/operations.md).
"""

from __future__ import annotations

import dagster as dg

from orchestration.selections import WEEKLY_CHAIN

weekly_job = dg.define_asset_job(
    name="weekly_rating_job",
    selection=WEEKLY_CHAIN,
    description="One week: fetch it from the live sources (AKIMS_FETCH, the inbox), load, classify, "
    "dbt build, weekly ranking. Fails with the reason when no source delivered the week.",
)

# Monday 06:00 Asia/Almaty: the partition of the week that ended on Sunday.
weekly_schedule = dg.build_schedule_from_partitioned_job(
    weekly_job, hour_of_day=6, minute_of_hour=0, default_status=dg.DefaultScheduleStatus.STOPPED
)
