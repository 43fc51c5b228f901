"""Asset checks of the data-quality gates (issue #5): Great Expectations suites on raw and
classified mentions, and the official-like account / roster detectors. They run in the same
Dagster run as the asset they check, store their results in the warehouse (`raw.quality_*`,
read by the dbt mart `fct_data_quality`, which the ranking assets consult before publishing)
and in the Dagster instance (visible in the UI)."""

from collections import Counter
from datetime import date, timedelta

import dagster as dg
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)

from assets.calendar import weeks_starting_in
from assets.quality.expectations import ExpectationOutcome, run_suite, validated_weeks
from assets.quality.scan import detect
from assets.quality.settings import load_settings
from assets.quality.store import (
    quarantine_counts,
    replace_expectations,
    replace_table,
    to_json,
    write_settings,
)
from assets.warehouse import connect, now_utc
from orchestration.resources import WarehouseResource


def run_weeks(context: dg.AssetCheckExecutionContext) -> list[date] | None:
    """The weeks (Mondays) the checked asset was materialised for in this run: the run's
    partition range or partition; None when the run names none (then the checks cover all)."""
    tags = context.run.tags
    first = tags.get(ASSET_PARTITION_RANGE_START_TAG) or tags.get(PARTITION_NAME_TAG)
    last = tags.get(ASSET_PARTITION_RANGE_END_TAG) or first
    if not first:
        return None
    try:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        return None
    return weeks_starting_in(start, end + timedelta(days=1))  # the Mondays start … end, both included


def _expectation_summary(outcomes: list[ExpectationOutcome]) -> str:
    """The check's metadata table: one line per expectation, with the weeks it failed."""
    lines = ["| expectation | column | success | unexpected | failed weeks | examples |", "|---|---|---|---|---|---|"]
    by_expectation: dict[tuple[str, str | None], list[ExpectationOutcome]] = {}
    for o in outcomes:
        by_expectation.setdefault((o.expectation, o.column), []).append(o)
    for (expectation, column), weekly in by_expectation.items():
        failed = [o for o in weekly if not o.success]
        unexpected = sum(o.unexpected_count or 0 for o in failed)
        weeks = ", ".join(str(o.week_start) for o in failed[:6]) + (" …" if len(failed) > 6 else "")
        examples = ", ".join(
            f"{key} {value}".strip() if key else value
            for o in failed[:1]
            for key, value in zip(o.example_keys or [""] * len(o.examples), o.examples, strict=False)
        )
        lines.append(f"| {expectation} | {column or ''} | {not failed} | {unexpected} | {weeks} | {examples[:80]} |")
    return "\n".join(lines)


def _expectations(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, asset: str
) -> dg.AssetCheckResult:
    with connect(warehouse.duckdb_path()) as con:
        weeks = validated_weeks(con, asset, run_weeks(context))
        outcomes = run_suite(con, asset, weeks)
        checked_at = now_utc()
        replace_expectations(
            con,
            asset,
            [
                (
                    asset,
                    o.suite,
                    o.expectation,
                    o.column,
                    o.success,
                    o.unexpected_count,
                    to_json(o.examples),
                    checked_at,
                    o.week_start,
                    to_json(o.example_keys) if o.example_keys else None,
                )
                for o in outcomes
            ],
            weeks,
        )
        quarantined = quarantine_counts(con) if asset == "raw_mentions" else {}
    failed = [o for o in outcomes if not o.success]
    metadata: dict[str, dg.RawMetadataValue] = {
        "weeks_validated": len(weeks),
        "weeks_failed": dg.MetadataValue.json(sorted({str(o.week_start) for o in failed})),
        "expectations": len({(o.expectation, o.column) for o in outcomes}),
        "failed": len({(o.expectation, o.column) for o in failed}),
        "results": dg.MetadataValue.md(_expectation_summary(outcomes)),
    }
    if asset == "raw_mentions":
        metadata["quarantined_by_reason"] = dg.MetadataValue.json(quarantined)
    return dg.AssetCheckResult(passed=not failed, severity=dg.AssetCheckSeverity.ERROR, metadata=metadata)


def expectations_check(asset: str, description: str) -> dg.AssetChecksDefinition:
    """The Great Expectations check of one asset: validates the run's weeks, stores the results."""

    @dg.asset_check(asset=asset, name=f"{asset}_expectations", description=description, blocking=False)
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        return _expectations(context, warehouse, asset)

    return _check


raw_mentions_expectations = expectations_check(
    "raw_mentions",
    "Great Expectations suite on raw.mentions: columns, allowed platforms and labels, "
    "non-negative counters, required fields present, (platform, id) unique. Quarantine counts per reason.",
)
classified_mentions_expectations = expectations_check(
    "classified_mentions",
    "Great Expectations suite on raw.classified_mentions: allowed tone, author type and origin "
    "values, score in [-1, 1], (platform, id) unique.",
)


@dg.asset_check(
    asset="classified_mentions",
    name="official_like_accounts",
    description="Unregistered accounts that look official (name patterns, reposts of official posts, bursts "
    "of near-identical praise) and akim names the roster does not know; stored for fct_data_quality, "
    "which weighs their share of each tenure's weekly eligible mentions.",
    blocking=False,
)
def official_like_accounts(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    settings = load_settings()
    with connect(warehouse.duckdb_path()) as con:
        write_settings(con, settings)
        found = detect(con, run_weeks(context), settings)
        suspects = found.suspects
        detected_at = now_utc()
        replace_table(
            con,
            "quality_accounts",
            [
                (a.platform, a.author_id, a.author_name, ",".join(a.signals), to_json(a.evidence), a.posts, detected_at)
                for a in suspects
            ],
        )
    by_signal = Counter(signal for a in suspects for signal in a.signals)
    return dg.AssetCheckResult(
        passed=not suspects and not found.unknown_names,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "suspected_accounts": len(suspects),
            "by_signal": dg.MetadataValue.json(dict(by_signal)),
            "accounts": dg.MetadataValue.md(
                "\n".join(f"- {a.platform}:{a.author_id} — {'; '.join(a.evidence)}" for a in suspects[:50]) or "_none_"
            ),
            "unknown_akim_names": dg.MetadataValue.json(found.unknown_names),
            "weeks_scanned": len(run_weeks(context) or []) or "all",
        },
    )


QUALITY_CHECKS = [raw_mentions_expectations, classified_mentions_expectations, official_like_accounts]


def _table(key: str, writers: list[str], description: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        key,
        deps=writers,
        group_name="quality",
        kinds={"duckdb"},
        owners=["team:data-desk"],
        description=description,
    )


# The tables the checks above (and the loaders) write and the dbt mart fct_data_quality reads:
# dbt sources, shown with who writes them. They are not materialised on their own: the checks
# and assets named in each description write them in the same run as the asset they check.
QUALITY_TABLES = [
    _table(
        "quality_expectations",
        ["raw_mentions", "classified_mentions"],
        "`raw.quality_expectations`: Great Expectations results per asset, expectation and validated week, "
        "written by the checks raw_mentions_expectations and classified_mentions_expectations.",
    ),
    _table(
        "quality_accounts",
        ["classified_mentions"],
        "`raw.quality_accounts`: unregistered accounts that look official, with signals and evidence, "
        "written by the check official_like_accounts of classified_mentions.",
    ),
    _table(
        "quality_roster_signals",
        ["classified_mentions"],
        "`raw.quality_roster_signals`: mentions naming 'аким … области' with a person the roster does not "
        "know, per week, written by the check official_like_accounts of classified_mentions.",
    ),
    _table(
        "quality_settings",
        ["classified_mentions"],
        "`raw.quality_settings`: the data-quality settings in force (assets/quality/settings.py), written by "
        "the check official_like_accounts before it scans.",
    ),
    _table(
        "quarantine",
        ["landing_mentions", "raw_mentions"],
        "`raw.quarantine`: rows set aside because they break the mention contract, with the reason; written "
        "by raw_mentions (per week), landing_mentions and `akims ingest`.",
    ),
]
