"""The data-quality scans as assets of the quality group (issues #5, #15), partitioned by week like
the mentions they read. Each writes the `raw.quality_*` tables the dbt mart `fct_data_quality`
reads (dbt sources of the same names), so the UI shows the lineage mentions -> scan -> mart; the
asset checks in orchestration/checks.py only read what these wrote.

- `quality_expectations`: the Great Expectations suites on `raw.mentions` and
  `raw.classified_mentions` over the run's weeks (assets/quality/expectations.py);
- `quality_accounts`, `quality_roster_signals`, `quality_settings`: the official-like account and
  roster scan over the run's weeks (assets/quality/scan.py), with the settings it used.
"""

from collections import Counter
from collections.abc import Iterator

import dagster as dg

from assets.quality import gx_worker
from assets.quality.expectations import SUITES, run_suite
from assets.quality.scan import detect
from assets.quality.settings import load_settings
from assets.quality.store import replace_expectations, replace_table, to_json, write_settings
from assets.warehouse import connect, now_utc
from orchestration.assets import DUCKDB_POOL, partition_weeks
from orchestration.partitions import weekly_partitions
from orchestration.resources import WarehouseResource

GROUP = "quality"
OWNERS = ["team:data-desk"]


@dg.asset(
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=DUCKDB_POOL,
    deps=["raw_mentions", "classified_mentions"],
    group_name=GROUP,
    kinds={"python", "duckdb"},
    owners=OWNERS,
    description=(
        "`raw.quality_expectations`: the Great Expectations suites on raw and classified mentions, "
        "validated over the run's weeks in one pass each and stored per expectation and week (a row-level "
        "failure only in the weeks holding an unexpected row, with up to five of its rows). The checks "
        "raw_mentions_expectations and classified_mentions_expectations read it."
    ),
)
def quality_expectations(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    weeks = partition_weeks(context)
    failed: dict[str, int] = {}
    try:
        with connect(warehouse.duckdb_path()) as con:
            for asset in SUITES:
                outcomes = run_suite(con, asset, weeks)
                replace_expectations(con, asset, outcomes, weeks, now_utc())
                failed[asset] = len({(o.expectation, o.column) for o in outcomes if not o.success})
    finally:
        gx_worker.stop()  # started by raw_mentions, if this run loaded the weeks too
    return dg.MaterializeResult(
        metadata={"weeks_validated": len(weeks), "failed_expectations": dg.MetadataValue.json(failed)}
    )


def _scan_table(key: str, description: str) -> dg.AssetSpec:
    """One table the official-like scan writes. Each descends from classified_mentions (the weeks
    it scans): every weekly asset descends from half_year_weeks, the root of a half-year backfill
    (orchestration/periods.py)."""
    return dg.AssetSpec(
        key,
        deps=["classified_mentions"],
        group_name=GROUP,
        kinds={"python", "duckdb"},
        owners=OWNERS,
        description=description,
    )


@dg.multi_asset(
    specs=[
        _scan_table(
            "quality_accounts",
            "`raw.quality_accounts`: unregistered accounts that look official (name patterns, reposts of "
            "official posts, bursts of near-identical praise), judged over every stored week, with their "
            "signals and evidence (raw ids: never served to readers; fct_data_quality pseudonymises).",
        ),
        _scan_table(
            "quality_roster_signals",
            "`raw.quality_roster_signals`: mentions of the run's weeks naming 'аким … области' with a person "
            "the roster does not know (and, in `raw.quality_bursts`, the praise bursts of those weeks).",
        ),
        _scan_table(
            "quality_settings",
            "`raw.quality_settings`: the data-quality settings in force (assets/quality/settings.py).",
        ),
    ],
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=DUCKDB_POOL,
)
def official_like_scan(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.MaterializeResult]:
    """Scan the run's weeks for roster signals and praise bursts, judge every account."""
    settings = load_settings()
    weeks = partition_weeks(context)
    with connect(warehouse.duckdb_path()) as con:
        write_settings(con, settings)
        found = detect(con, weeks, settings)
        detected_at = now_utc()
        replace_table(
            con,
            "quality_accounts",
            [
                (a.platform, a.author_id, a.author_name, ",".join(a.signals), to_json(a.evidence), a.posts, detected_at)
                for a in found.suspects
            ],
        )
    by_signal = Counter(signal for a in found.suspects for signal in a.signals)
    yield dg.MaterializeResult(
        asset_key="quality_accounts",
        metadata={"suspected_accounts": len(found.suspects), "by_signal": dg.MetadataValue.json(dict(by_signal))},
    )
    yield dg.MaterializeResult(
        asset_key="quality_roster_signals",
        metadata={
            "weeks_scanned": len(weeks),
            "signals": len(found.signals),
            "unknown_akim_names": len(found.unknown_names),
        },
    )
    yield dg.MaterializeResult(asset_key="quality_settings", metadata={"settings": len(settings.as_rows())})


QUALITY_SCANS = [quality_expectations, official_like_scan]
